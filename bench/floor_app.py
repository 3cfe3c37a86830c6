"""The floor of `bench/load.py`: a bare Flask app that does one upsert per request through
SQLAlchemy Core, served with the same gunicorn settings as the survey app. No session, no
checks, no templates: what the machine can do at best for one saved answer.

Run by bench/load.py: gunicorn --chdir bench floor_app:app (DATABASE_URL in the environment).
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, jsonify, request
from sqlalchemy.dialects import postgresql, sqlite

metadata = sa.MetaData()
floor_answers = sa.Table(
    "floor_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("respondent", sa.Integer, nullable=False),
    sa.Column("item", sa.Integer, nullable=False),
    sa.Column("value", sa.Integer),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("respondent", "item"),
)

engine = sa.create_engine(os.environ["DATABASE_URL"])
if engine.dialect.name == "sqlite":

    @sa.event.listens_for(engine, "connect")
    def _wal(connection, _record):  # type: ignore[no-untyped-def]
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA busy_timeout=5000")


insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
app = Flask(__name__)


@app.post("/answer")
def answer():  # type: ignore[no-untyped-def]
    """Store one answer: insert, or update when this save is not older than the stored one."""
    data = request.get_json()
    statement = insert(floor_answers).values(
        respondent=data["respondent"], item=data["item"], value=data["value"], seq=data["seq"]
    )
    statement = statement.on_conflict_do_update(
        index_elements=["respondent", "item"],
        set_={"value": statement.excluded.value, "seq": statement.excluded.seq},
        where=floor_answers.c.seq <= statement.excluded.seq,
    )
    with engine.begin() as connection:
        connection.execute(statement)
    return jsonify(ok=True)

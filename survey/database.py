"""Database connection settings and schema upgrades."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from flask import Flask, current_app

#: Milliseconds a writer waits for SQLite's single write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 5000
MIGRATIONS_DIRECTORY = str(Path(__file__).resolve().parent / "migrations")


def configure_engine(engine: sa.Engine) -> None:
    """Apply SQLite's durability and locking settings to every new connection of an engine."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (pysqlite recipe),
        # so SAVEPOINTs work and every transaction can start with BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: an acknowledged answer survives a power loss, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")  # a snapshot to read (WAL): no lock held
            return
        # Take the write lock up front: a read-then-write transaction that upgrades its lock
        # later fails at once with "database is locked", whatever the busy timeout.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


#: Execution option of a transaction that only reads. On SQLite it begins without taking the
#: write lock (every other transaction takes it up front), so that a long export or report run
#: does not stop the answers being saved; a write in it fails once another writer committed.
READ_ONLY = "survey_read_only"


def read_only_connection(engine: sa.Engine) -> sa.Connection:
    """Return a new connection of the engine whose transactions only read (``READ_ONLY``)."""
    return engine.connect().execution_options(**{READ_ONLY: True})


def begin_reading(session: sa.orm.Session) -> None:
    """Commit the session's transaction and begin one that only reads (``READ_ONLY``), for long
    reading. Commit it before writing: on SQLite a write in it fails once another writer has
    committed."""
    session.commit()
    session.connection(execution_options={READ_ONLY: True})


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a file-based SQLite database if it does not exist yet."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def enable_migrations(app: Flask) -> None:
    """Give the app Flask-Migrate: the ``survey db`` commands and its ``upgrade``. Only the
    command line and the upgrade need it, so serving processes start without importing
    Alembic (a tenth of a worker's start)."""
    from flask_migrate import Migrate

    from survey.extensions import db

    if "migrate" not in app.extensions:
        Migrate(app, db, directory=MIGRATIONS_DIRECTORY)


def upgrade_to_head() -> None:
    """Bring the app's database to the newest migration (works on an empty database too)."""
    from flask_migrate import upgrade

    enable_migrations(current_app)
    upgrade(directory=MIGRATIONS_DIRECTORY)

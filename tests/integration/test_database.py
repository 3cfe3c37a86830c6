"""Connection settings and migrations on SQLite and PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from survey import create_app
from survey.database import (
    MIGRATIONS_DIRECTORY,
    SQLITE_BUSY_TIMEOUT_MS,
    enable_migrations,
    upgrade_to_head,
)
from survey.extensions import db
from survey.instruments.periods import PERIODS
from survey.models import AgeBand, Base, Group, Round, Site, Study, Submission, WholePeriod
from survey.participants import register_participants
from tests.conftest import BACKENDS, TEST_SETTINGS


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(empty_database_url):
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": empty_database_url("sqlite")})
    with app.app_context(), db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
    with app.app_context():
        db.engine.dispose()


def test_sqlite_transactions_take_the_write_lock_at_once(empty_database_url):
    """A second writer waits for the first instead of failing half-way (BEGIN IMMEDIATE)."""
    url = empty_database_url("sqlite")
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        statements = []
        sa.event.listen(
            db.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
        )
        with db.engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.commit()
        db.engine.dispose()
    assert "BEGIN IMMEDIATE" in statements


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_migrations_build_the_model_schema_and_can_run_again(backend_name, empty_database_url):
    url = empty_database_url(backend_name)
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade_to_head()  # on an empty database
        upgrade_to_head()  # and again on an existing one
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        db.engine.dispose()
    assert differences == []
    assert version is not None


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_init_db_command_upgrades_an_empty_database(backend_name, empty_database_url):
    url = empty_database_url(backend_name)
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {table.name for table in Base.metadata.sorted_tables} <= tables


def _submission_columns_and_checks() -> tuple[set[str], set[str]]:
    inspector = sa.inspect(db.engine)
    columns = {column["name"] for column in inspector.get_columns("submissions")}
    checks = {check["name"] for check in inspector.get_check_constraints("submissions")}
    return columns, checks


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_reference_period_migration_upgrades_and_downgrades(backend_name, empty_database_url):
    url = empty_database_url(backend_name)
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    enable_migrations(app)
    added = {"reference_period", "whole_period"}
    added_checks = {"ck_submissions_reference_period", "ck_submissions_whole_period"}
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIRECTORY, revision="0006")
        columns, checks = _submission_columns_and_checks()
        assert not added & columns
        upgrade_to_head()
        columns, upgraded_checks = _submission_columns_and_checks()
        assert added <= columns
        assert upgraded_checks == checks | added_checks  # the earlier constraints are kept
        # Every period the setup offers is accepted; anything else is refused.
        study = Study(slug="s", name="S", sites=[Site(name="A")], rounds=[Round(name="r")])
        db.session.add(study)
        db.session.flush()
        (issued,) = register_participants(study.sites[0], Group.CHILD, 1, age_band=AgeBand.AGE_6_9)
        submission = Submission(participant=issued.participant, round=study.rounds[0])
        submission.whole_period = WholePeriod.DONT_KNOW
        db.session.add(submission)
        for code in PERIODS:
            submission.reference_period = code
            db.session.flush()
        submission.reference_period = "someday"
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.remove()
        downgrade(directory=MIGRATIONS_DIRECTORY, revision="0006")
        assert _submission_columns_and_checks() == (columns - added, checks)
        upgrade_to_head()
        assert _submission_columns_and_checks() == (columns, upgraded_checks)
        db.engine.dispose()


def test_serving_processes_start_without_alembic_and_the_command_has_db(tmp_path):
    # Only the command line and upgrades need Flask-Migrate: each web worker is spared
    # importing Alembic (a tenth of its start), and `survey db …` is still there.
    url = f"sqlite:///{tmp_path / 'serving.db'}"
    serving = (
        "import sys; from survey import create_app; "
        f"create_app({{'SQLALCHEMY_DATABASE_URI': {url!r}, 'SECRET_KEY': 's' * 40, "
        "'PSEUDONYM_KEY': 'p' * 40}); "
        "print([name for name in ('alembic', 'flask_migrate') if name in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", serving], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
    environment = {**os.environ, "DATABASE_URL": url}
    command = [str(Path(sys.executable).with_name("survey"))]
    subprocess.run([*command, "init-db"], env=environment, check=True, timeout=60)
    current = subprocess.run(
        [*command, "db", "current"], env=environment, capture_output=True, text=True, timeout=60
    )
    assert current.returncode == 0, current.stderr
    assert "(head)" in current.stdout

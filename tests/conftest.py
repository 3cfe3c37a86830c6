"""Shared fixtures: an app on SQLite and on PostgreSQL, clients (signed in or not), a CLI
runner. The data factories are plain functions in ``tests/factories.py``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner

from survey import create_app
from survey.extensions import db
from survey.models import Base, User
from tests.factories import PASSWORD

IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ("sqlite", "postgresql")
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-" + "x" * 32,
    "PSEUDONYM_KEY": "test-pseudonym-key-" + "y" * 32,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
}


class TransactionEndingClient(FlaskClient):
    """A test client that first commits the test's own open transaction.

    On SQLite every transaction takes the write lock at once (BEGIN IMMEDIATE), so a test that
    read something and still holds its transaction would make the request wait and fail.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context() and db.session().in_transaction():
            db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Hash test passwords with argon2id at its lowest cost: same code path, far less time."""
    from argon2 import PasswordHasher

    from survey import passwords

    production = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = production


def missing(what: str) -> None:
    """Fail under CI (nothing may be skipped there), else skip: the test needs ``what``."""
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true")
    pytest.skip(f"{what} is not available (set it up, or run under CI to make this a failure)")


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """Return TEST_DATABASE_URL, the PostgreSQL server the tests may create databases on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        missing("TEST_DATABASE_URL (PostgreSQL)")
    return url


@pytest.fixture(scope="session")
def make_postgres_database(postgres_admin_url: str) -> Iterator[Callable[[], str]]:
    """Return a function that creates an empty PostgreSQL database and returns its URL."""
    admin_engine = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect():
            pass
    except sa.exc.OperationalError:
        admin_engine.dispose()
        missing(f"a reachable PostgreSQL at TEST_DATABASE_URL ({postgres_admin_url})")
    created: list[str] = []

    def make() -> str:
        name = f"survey_test_{secrets.token_hex(4)}"
        with admin_engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        created.append(name)
        return sa.engine.make_url(postgres_admin_url).set(database=name).render_as_string(False)

    yield make
    with admin_engine.connect() as connection:
        for name in created:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_engine.dispose()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str]:
    """Return a function giving the URL of a new, empty database on the named backend."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'empty-{secrets.token_hex(3)}.db'}"
        return request.getfixturevalue("make_postgres_database")()

    return make


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of a database with the current schema, once per backend and session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    else:
        url = request.getfixturevalue("make_postgres_database")()
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Return a factory for apps on the test database; rows are deleted after each test."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        app.test_client_class = TransactionEndingClient
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            with db.engine.begin() as connection:
                for table in reversed(Base.metadata.sorted_tables):
                    connection.execute(table.delete())
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """Return an app on a clean test database, inside an application context."""
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask, make_app: Callable[..., Flask]) -> FlaskClient:
    """Return a test client on the same database as ``app``.

    It belongs to an app of its own, so that each request gets a fresh application context as
    in production, not the test's long-lived one (where per-request caches would leak).
    """
    return make_app().test_client()


@pytest.fixture
def sign_in(make_app: Callable[..., Flask]) -> Callable[..., FlaskClient]:
    """Return a function giving a test client signed in as a user (or an e-mail address) with
    the test password, on an app with the given configuration overrides."""

    def sign_in(who: User | str, **config: Any) -> FlaskClient:
        email = who if isinstance(who, str) else who.email
        client = make_app(**config).test_client()
        response = client.post("/admin/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return sign_in


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Return a CLI runner that invokes the ``survey`` commands against ``app``."""
    return app.test_cli_runner()


@pytest.fixture
def backend(database_url: str) -> str:
    """Return the name of the database backend the test runs on."""
    return sa.engine.make_url(database_url).get_backend_name()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how many tests ran on each database backend and in the browser."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            kinds = [
                backend
                for backend in BACKENDS
                if f"[{backend}" in nodeid or f"-{backend}]" in nodeid
            ]
            if "/e2e/" in nodeid:
                kinds.append("e2e in Chromium")
            for kind in kinds:
                counts.setdefault(kind, {}).setdefault(outcome, 0)
                counts[kind][outcome] += 1
    if counts:
        terminalreporter.section("tests per backend and browser")
        for kind, outcomes in counts.items():
            line = ", ".join(f"{number} {outcome}" for outcome, number in sorted(outcomes.items()))
            terminalreporter.write_line(f"{kind}: {line}")

"""The demo study, an evaluator and a coordinator, and signed-in clients, for integration tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey import accounts
from survey.demo import create_demo
from survey.extensions import db
from survey.models import Role, Study

PASSWORD = "a password long enough"
EVALUATOR = "sara@example.org"
#: Coordinator of the demo study's first site.
COORDINATOR = "mette@example.org"


@pytest.fixture
def demo(app) -> Study:
    """Create the demo study, with its seeded baseline answers."""
    create_demo()
    db.session.commit()
    return db.session.scalar(sa.select(Study).where(Study.slug == "demo"))


@pytest.fixture
def sign_in_as(make_app, demo) -> Callable[[str], FlaskClient]:
    """Add an evaluator and a coordinator; return a function giving a signed-in client."""
    accounts.create_user(EVALUATOR, Role.EVALUATOR, PASSWORD)
    accounts.create_user(COORDINATOR, Role.COORDINATOR, PASSWORD, demo.sites[0])
    db.session.commit()

    def sign_in(email: str) -> FlaskClient:
        client = make_app().test_client()
        response = client.post("/admin/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 303
        return client

    return sign_in

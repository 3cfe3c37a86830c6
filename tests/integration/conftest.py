"""The demo study, an evaluator and a coordinator, signed-in clients, and an open round with
the shipped instruments and participants whose codes we know (`field`), for integration tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey import accounts
from survey.demo import create_demo
from survey.demo_answers import FIRST_VERSIONS, assign_instruments
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import AgeBand, Group, Layout, Role, Round, Site, Study
from survey.participants import register_participants

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


@dataclass
class Field:
    """The round and one code per kind of participant."""

    study: Study
    round: Round
    site: Site
    codes: dict[str, str]


@pytest.fixture
def field(app) -> Field:
    """Create a study with an open round and a young child, a teenager and a member of staff."""
    study = Study(slug="field", name="Field study")
    site = Site(name="Lyngbo")
    study.sites.append(site)
    round_ = Round(name="follow-up")
    study.rounds.append(round_)
    db.session.add(study)
    db.session.flush()
    assign_instruments(round_, get_registry(), FIRST_VERSIONS)
    round_.open()
    codes = {
        "young": register_participants(
            site, Group.CHILD, 1, age_band=AgeBand.AGE_6_9, layout=Layout.FACES
        )[0].code,
        "teen": register_participants(site, Group.CHILD, 1, age_band=AgeBand.AGE_13_18)[0].code,
        "staff": register_participants(site, Group.STAFF, 1)[0].code,
    }
    db.session.commit()
    return Field(study, round_, site, codes)

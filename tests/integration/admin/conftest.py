"""A study with two sites, a user of every role, and a signed-in test client per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from survey import accounts
from survey.extensions import db
from survey.models import AgeBand, Group, Role, Round, Site, Study, User
from survey.participants import register_participants

PASSWORD = "a password long enough"


@dataclass
class World:
    """What the admin tests act on."""

    study: Study
    site_a: Site
    site_b: Site
    draft: Round
    users: dict[str, User]


@pytest.fixture
def world(app) -> World:
    """Create a study with sites A and B, a draft round, participants and one user per role."""
    study = Study(slug="lyngbo", name="Tryg hverdag")
    site_a, site_b = Site(name="Lyngbo"), Site(name="Egebakken")
    study.sites += [site_a, site_b]
    draft = Round(name="baseline", opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 31))
    study.rounds.append(draft)
    db.session.add(study)
    db.session.flush()
    for site in (site_a, site_b):
        register_participants(site, Group.CHILD, 3, age_band=AgeBand.AGE_10_12)
        register_participants(site, Group.STAFF, 2)
    users = {
        "admin": accounts.create_user("admin@example.org", Role.ADMIN, PASSWORD),
        "evaluator": accounts.create_user("sara@example.org", Role.EVALUATOR, PASSWORD),
        "coord_a": accounts.create_user("mette@example.org", Role.COORDINATOR, PASSWORD, site_a),
        "coord_b": accounts.create_user("bo@example.org", Role.COORDINATOR, PASSWORD, site_b),
    }
    db.session.commit()
    return World(study, site_a, site_b, draft, users)


@pytest.fixture
def sign_in(make_app, world):
    """Return a function giving a test client signed in as the named user."""

    def sign_in_as(name: str, **config):
        client = make_app(**config).test_client()
        response = client.post(
            "/admin/login", data={"email": world.users[name].email, "password": PASSWORD}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return sign_in_as

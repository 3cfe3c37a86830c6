"""A study with two sites, a draft round, participants and a user of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from survey.extensions import db
from survey.models import AgeBand, Group, Role, Round, Site, Study, User
from tests.factories import make_participants, make_round, make_site, make_study, make_user


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
    study = make_study("lyngbo", "Tryg hverdag")
    site_a, site_b = make_site(study, "Lyngbo"), make_site(study, "Egebakken")
    draft = make_round(
        study, "baseline", versions=None, opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 31)
    )
    for site in (site_a, site_b):
        make_participants(site, Group.CHILD, 3, age_band=AgeBand.AGE_10_12)
        make_participants(site, Group.STAFF, 2)
    users = {
        "admin": make_user("admin@example.org", Role.ADMIN),
        "evaluator": make_user("sara@example.org", Role.EVALUATOR),
        "coord_a": make_user("mette@example.org", Role.COORDINATOR, site_a),
        "coord_b": make_user("bo@example.org", Role.COORDINATOR, site_b),
    }
    db.session.commit()
    return World(study, site_a, site_b, draft, users)

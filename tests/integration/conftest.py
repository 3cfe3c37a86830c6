"""The demo study with an evaluator and a coordinator (`demo_staff`, signed in with the
`sign_in` fixture), and an open round with the shipped instruments and participants whose codes
we know (`field`), for integration tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from survey.demo import create_demo
from survey.extensions import db
from survey.models import AgeBand, Answer, Group, Layout, Role, Round, RoundStatus, Site, Study
from tests.factories import make_participant, make_round, make_site, make_study, make_user

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
def demo_staff(demo) -> None:
    """Add an evaluator and the coordinator of the demo's first site (see ``sign_in``)."""
    make_user(EVALUATOR, Role.EVALUATOR)
    make_user(COORDINATOR, Role.COORDINATOR, demo.sites[0])
    db.session.commit()


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
    study = make_study("field", "Field study")
    site = make_site(study, "Lyngbo")
    round_ = make_round(study, "follow-up", status=RoundStatus.OPEN)
    codes = {
        "young": make_participant(site, age_band=AgeBand.AGE_6_9, layout=Layout.FACES).code,
        "teen": make_participant(site, age_band=AgeBand.AGE_13_18).code,
        "staff": make_participant(site, Group.STAFF).code,
    }
    db.session.commit()
    return Field(study, round_, site, codes)


def save_elsewhere() -> None:
    """Change an answer on a connection of its own and commit, as a respondent's save does
    (on SQLite it waits at most 5 s for the write lock, then fails)."""
    with db.engine.connect() as connection:
        connection.execute(
            sa.update(Answer)
            .where(Answer.id == sa.select(sa.func.min(Answer.id)).scalar_subquery())
            .values(seq=Answer.seq + 1)
        )
        connection.commit()

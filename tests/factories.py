"""Callable factories for test data, inside an application context (the ``app`` fixture).

Each factory adds what it makes to the session, flushes (so ids exist) and returns it; the
test commits when a request must see it. Defaults make the smallest valid thing, and every
test states what matters to it as arguments."""

from __future__ import annotations

from datetime import UTC, datetime

from survey import accounts
from survey.demo_answers import FIRST_VERSIONS, assign_instruments
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import (
    AgeBand,
    Group,
    Layout,
    Participant,
    Role,
    Round,
    RoundStatus,
    Site,
    Study,
    Submission,
    SubmissionStatus,
    User,
)
from survey.participants import IssuedCode, register_participants

#: Every test user's password (test password hashing is cheap, see tests/conftest.py).
PASSWORD = "a password long enough"


def make_study(slug: str = "field", name: str = "Field study", **fields: object) -> Study:
    """Add a study (without sites or rounds)."""
    study = Study(slug=slug, name=name, **fields)
    db.session.add(study)
    db.session.flush()
    return study


def make_site(study: Study, name: str = "Lyngbo", **fields: object) -> Site:
    """Add a site to the study."""
    site = Site(name=name, **fields)
    study.sites.append(site)
    db.session.flush()
    return site


def make_round(
    study: Study,
    name: str = "baseline",
    *,
    status: RoundStatus = RoundStatus.DRAFT,
    versions: dict[str, int] | None = FIRST_VERSIONS,
    **fields: object,
) -> Round:
    """Add a round answering the shipped instruments (first versions unless ``versions`` says
    otherwise; None: no instruments), opened through its state machine when ``status`` is open."""
    round_ = Round(name=name, **fields)
    study.rounds.append(round_)
    db.session.flush()
    if versions is not None:
        assign_instruments(round_, get_registry(), versions)
    if status is RoundStatus.OPEN:
        round_.open()
    else:
        round_.status = status
    db.session.flush()
    return round_


def make_participants(
    site: Site,
    group: Group = Group.CHILD,
    count: int = 1,
    *,
    age_band: AgeBand | None = AgeBand.AGE_10_12,
    layout: Layout = Layout.STANDARD,
) -> list[IssuedCode]:
    """Register ``count`` participants of a group (children get ``age_band``) with codes."""
    return register_participants(
        site, group, count, age_band=age_band if group is Group.CHILD else None, layout=layout
    )


def make_participant(site: Site, group: Group = Group.CHILD, **fields: object) -> IssuedCode:
    """Register one participant; return it with its code (``.participant``, ``.code``)."""
    return make_participants(site, group, 1, **fields)[0]  # type: ignore[arg-type]


def make_submission(
    participant: Participant,
    round_: Round,
    status: SubmissionStatus = SubmissionStatus.IN_PROGRESS,
    **fields: object,
) -> Submission:
    """Add the participant's submission to a round (a completed one gets its completion time)."""
    if status is SubmissionStatus.COMPLETED:
        fields.setdefault("completed_at", datetime(2026, 3, 1, 12, tzinfo=UTC))
    submission = Submission(participant=participant, round=round_, status=status, **fields)
    db.session.add(submission)
    db.session.flush()
    return submission


def make_user(email: str, role: Role, site: Site | None = None) -> User:
    """Add a user with the test ``PASSWORD`` (coordinators need their site)."""
    user = accounts.create_user(email, role, PASSWORD, site)
    db.session.flush()
    return user

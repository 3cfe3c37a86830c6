"""The demo study: three sites, a closed round with answers and an open one, codes for all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from survey import accounts, audit
from survey.demo_answers import FIRST_VERSIONS, assign_instruments, fill_round
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import AgeBand, Group, Language, Layout, Role, Round, Site, Study, User
from survey.participants import IssuedCode, register_participants

DEMO_SLUG = "demo"
DEMO_ADMIN_EMAIL = "admin@demo.example"
DEMO_SITES = (
    ("Opholdsstedet Lyngbo", "opholdssted", "Region Sjælland"),
    ("Døgninstitutionen Egebakken", "døgninstitution", "Region Midtjylland"),
    ("Opholdsstedet Havtorn", "opholdssted", "Region Nordjylland"),
)
#: Ten children per site: (age band, layout, how many).
DEMO_CHILDREN = (
    (AgeBand.AGE_6_9, Layout.FACES, 3),
    (AgeBand.AGE_10_12, Layout.SIMPLE, 4),
    (AgeBand.AGE_13_18, Layout.STANDARD, 3),
)
DEMO_STAFF_PER_SITE = 8


@dataclass
class DemoResult:
    """What ``create_demo`` did, and the secrets to show once."""

    created: bool
    admin_email: str = DEMO_ADMIN_EMAIL
    admin_password: str | None = None
    codes: dict[str, list[IssuedCode]] = field(default_factory=dict)


def create_demo(*, reset: bool = False) -> DemoResult:
    """Create the demo study and admin once (the caller commits); ``reset`` recreates them."""
    existing = db.session.scalar(sa.select(Study).where(Study.slug == DEMO_SLUG))
    if existing is not None and not reset:
        return DemoResult(created=False)
    if existing is not None:
        # Database-level cascades remove sites, rounds, participants, answers, coordinators.
        db.session.execute(sa.delete(Study).where(Study.id == existing.id))
    db.session.execute(sa.delete(User).where(User.email == DEMO_ADMIN_EMAIL))
    db.session.expire_all()

    study = Study(slug=DEMO_SLUG, name="Demo: Tryg hverdag", retention_until=date(2031, 12, 31))
    db.session.add(study)
    study.rounds = [
        Round(name="baseline", opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 31)),
        Round(name="follow-up", opens_on=date(2026, 11, 1), closes_on=date(2026, 11, 30)),
    ]
    baseline, follow_up = study.rounds
    baseline.open()
    baseline.close()
    follow_up.open()

    result = DemoResult(created=True, admin_password=secrets.token_urlsafe(12))
    for name, kind, region in DEMO_SITES:
        site = Site(name=name, kind=kind, region=region)
        study.sites.append(site)
        db.session.flush()
        result.codes[name] = _demo_participants(site)
    registry = get_registry()
    assign_instruments(baseline, registry, FIRST_VERSIONS)
    assign_instruments(follow_up, registry)
    db.session.flush()
    participants = [entry.participant for issued in result.codes.values() for entry in issued]
    fill_round(baseline, participants, registry)
    admin = accounts.create_user(DEMO_ADMIN_EMAIL, Role.ADMIN, result.admin_password)
    audit.record(
        "study.demo_create", actor_user_id=admin.id, object_type="study", object_id=study.id
    )
    return result


def _demo_participants(site: Site) -> list[IssuedCode]:
    issued: list[IssuedCode] = []
    for age_band, layout, count in DEMO_CHILDREN:
        labels: list[str | None] = [f"Stue {len(issued) + n + 1}" for n in range(count)]
        issued += register_participants(
            site, Group.CHILD, count, age_band=age_band, layout=layout, labels=labels
        )
    # One child answers in English, as some placed children do.
    issued[-1].participant.language = Language.EN
    issued += register_participants(site, Group.STAFF, DEMO_STAFF_PER_SITE)
    return issued

"""What the administration pages do, as plain functions: validate, change, audit; no commit."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey import audit
from survey.extensions import db
from survey.instruments import Registry
from survey.models import (
    AgeBand,
    Group,
    Language,
    Layout,
    Participant,
    Round,
    RoundInstrument,
    RoundStateError,
    RoundStatus,
    Site,
    Study,
    Submission,
    TalkRequest,
    User,
    utcnow,
)
from survey.participants import IssuedCode, issue_code, register_participants


class AdminError(ValueError):
    """A change the rules do not allow; the message says why, in the user's language."""


def _unique(query: sa.Select, message: object) -> None:
    if db.session.scalar(query) is not None:
        raise AdminError(message)


def save_study(actor: User, study: Study | None, name: str, slug: str) -> Study:
    """Add a study or rename one; short names are unique."""
    clash = sa.select(Study.id).where(Study.slug == slug)
    if study is not None:
        clash = clash.where(Study.id != study.id)
    _unique(clash, _l("A study with that short name exists."))
    if study is None:
        study = Study()
        db.session.add(study)
    study.name, study.slug = name.strip(), slug
    db.session.flush()
    audit.record("study.save", actor_user_id=actor.id, object_type="study", object_id=study.id)
    return study


def register(
    actor: User,
    site: Site,
    group: Group,
    count: int,
    *,
    age_band: AgeBand | None,
    layout: Layout,
    language: Language,
    labels: list[str | None],
) -> list[IssuedCode]:
    """Register participants at a site and audit it; return their codes (to show once)."""
    issued = register_participants(
        site,
        group,
        count,
        age_band=age_band,
        layout=layout,
        language=language,
        labels=labels or None,
    )
    audit.record(
        "participant.create",
        actor_user_id=actor.id,
        object_type="site",
        object_id=site.id,
        group=group.value,
        count=count,
    )
    return issued


def save_site(
    actor: User, study: Study, site: Site | None, name: str, kind: str | None, region: str | None
) -> Site:
    """Add a site to a study, or change one; names are unique within the study."""
    name = name.strip()
    clash = sa.select(Site.id).where(Site.study_id == study.id, Site.name == name)
    if site is not None:
        clash = clash.where(Site.id != site.id)
    _unique(clash, _l("The study already has a site called %(name)s.", name=name))
    if site is None:
        site = Site(study=study)
        db.session.add(site)
    site.name, site.kind, site.region = name, kind or None, region or None
    db.session.flush()
    audit.record("site.save", actor_user_id=actor.id, object_type="site", object_id=site.id)
    return site


def instrument_choices(registry: Registry, group: Group, language: str) -> list[tuple[str, str]]:
    """Return (``key@version``, label) of every instrument version for a group, titled in
    ``language`` (the page's)."""
    return [
        (
            instrument.ref,
            f"{instrument.title[language]} ({instrument.key}, v{instrument.version})",
        )
        for instrument in registry
        if instrument.respondent is group
    ]


def has_answers(round_: Round) -> bool:
    """Tell whether anyone has started answering in the round."""
    query = sa.select(Submission.id).where(Submission.round_id == round_.id).limit(1)
    return db.session.scalar(query) is not None


def save_round(
    actor: User,
    study: Study,
    round_: Round | None,
    *,
    name: str,
    opens_on: date | None,
    closes_on: date | None,
    instruments: dict[Group, list[str]],
    registry: Registry,
) -> Round:
    """Add a round or change one, within what its status allows.

    Closed and released rounds cannot change; an open round keeps its instruments once anyone
    has answered, so no answer loses the questionnaire it was given with.
    """
    name = name.strip()
    clash = sa.select(Round.id).where(Round.study_id == study.id, Round.name == name)
    if round_ is not None:
        clash = clash.where(Round.id != round_.id)
        if round_.status in (RoundStatus.CLOSED, RoundStatus.RELEASED):
            raise AdminError(_l("A closed round cannot be changed."))
    _unique(clash, _l("The study already has a round called %(name)s.", name=name))
    wanted = {
        (group, *_split_ref(ref, registry)) for group, refs in instruments.items() for ref in refs
    }
    if round_ is None:
        round_ = Round(study=study)
        db.session.add(round_)
    current = {
        (choice.group, choice.instrument_key, choice.instrument_version)
        for choice in round_.instruments
    }
    if wanted != current and round_.status is RoundStatus.OPEN and has_answers(round_):
        raise AdminError(
            _l("The instruments cannot change: people have started answering this round.")
        )
    round_.name, round_.opens_on, round_.closes_on = name, opens_on, closes_on
    if wanted != current:
        round_.instruments = [
            RoundInstrument(
                group=group, instrument_key=key, instrument_version=version, position=index
            )
            for index, (group, key, version) in enumerate(
                sorted(wanted, key=lambda w: (w[0].value, w[1]))
            )
        ]
    db.session.flush()
    audit.record("round.save", actor_user_id=actor.id, object_type="round", object_id=round_.id)
    return round_


def _split_ref(ref: str, registry: Registry) -> tuple[str, int]:
    key, _, version = ref.partition("@")
    try:
        registry.get(key, int(version))
    except (KeyError, ValueError):
        raise AdminError(_l("Unknown instrument %(ref)s.", ref=ref)) from None
    return key, int(version)


TRANSITIONS = {"open": Round.open, "close": Round.close, "release": Round.release}


def transition_round(actor: User, round_: Round, action: str) -> None:
    """Move a round on in its lifecycle (open, close, release)."""
    if action not in TRANSITIONS:
        raise AdminError(_l("Unknown action."))
    if action == "open":
        if not round_.instruments:
            raise AdminError(_l("Choose the instruments before opening the round."))
        other = db.session.scalar(
            sa.select(Round).where(
                Round.study_id == round_.study_id,
                Round.status == RoundStatus.OPEN,
                Round.id != round_.id,
            )
        )
        if other is not None:
            raise AdminError(_l("Close the open round %(name)s first.", name=other.name))
    before = round_.status
    try:
        TRANSITIONS[action](round_)
    except RoundStateError:
        raise AdminError(
            _l("A %(status)s round cannot be moved on that way.", status=round_.status.value)
        ) from None
    db.session.flush()
    audit.record(
        f"round.{action}",
        actor_user_id=actor.id,
        object_type="round",
        object_id=round_.id,
        before=before.value,
        after=round_.status.value,
    )


def replace_code(actor: User, participant: Participant) -> IssuedCode:
    """Give a participant a new code; the old one stops working, their answers stay linked."""
    if not participant.is_active:
        raise AdminError(_l("Reactivate the participant before giving a new code."))
    issued = issue_code(participant)
    participant.code_replaced_at = utcnow()
    db.session.flush()
    audit.record(
        "participant.replace_code",
        actor_user_id=actor.id,
        object_type="participant",
        object_id=participant.id,
    )
    return issued


def handle_talk_request(actor: User, talk_request: TalkRequest) -> None:
    """Mark a child's request to talk to an adult as handled."""
    if talk_request.handled_at is None:
        talk_request.handled_at = utcnow()
        audit.record(
            "talk_request.handle",
            actor_user_id=actor.id,
            object_type="talk_request",
            object_id=talk_request.id,
        )


def open_talk_requests(site: Site) -> list[TalkRequest]:
    """Return the site's talk requests not yet handled, oldest first."""
    query = (
        sa.select(TalkRequest)
        .join(Participant)
        .where(Participant.site_id == site.id, TalkRequest.handled_at.is_(None))
        .order_by(TalkRequest.created_at)
    )
    return list(db.session.scalars(query))


def set_active(actor: User, participant: Participant, active: bool) -> None:
    """Deactivate a participant who leaves (their code stops working, a live session ends),
    or undo that."""
    participant.is_active = active
    if not active:
        for submission in participant.submissions:
            submission.session_nonce = None
    db.session.flush()
    action = "participant.reactivate" if active else "participant.deactivate"
    audit.record(
        action, actor_user_id=actor.id, object_type="participant", object_id=participant.id
    )

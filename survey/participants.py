"""Registering pseudonymous participants and issuing their access codes."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from survey.extensions import db
from survey.models import AgeBand, Group, Language, Layout, Participant, Site
from survey.pseudonyms import code_hash, generate_code

#: Attempts to draw an unused code; with ~2**49 codes a second draw is already rare.
_CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class IssuedCode:
    """A new participant and the access code shown once to whoever registered them."""

    participant: Participant
    code: str


def _unused_code() -> tuple[str, str]:
    key = current_app.config["PSEUDONYM_KEY"]
    pending = {p.code_hash for p in db.session.new if isinstance(p, Participant)}
    for _attempt in range(_CODE_ATTEMPTS):
        code = generate_code()
        hashed = code_hash(code, key)
        if hashed in pending:
            continue
        # No autoflush: participants being registered are not complete until they have a code.
        with db.session.no_autoflush:
            query = sa.select(Participant.id).where(Participant.code_hash == hashed)
            exists = db.session.scalar(query)
        if exists is None:
            return code, hashed
    raise RuntimeError("could not draw an unused access code")  # pragma: no cover


def issue_code(participant: Participant) -> IssuedCode:
    """Give a participant a new random code (shown once) and store only its keyed hash."""
    code, hashed = _unused_code()
    participant.code_hash = hashed
    return IssuedCode(participant, code)


def register_participants(
    site: Site,
    group: Group,
    count: int,
    *,
    age_band: AgeBand | None = None,
    layout: Layout = Layout.STANDARD,
    language: Language = Language.DA,
    labels: list[str | None] | None = None,
) -> list[IssuedCode]:
    """Add ``count`` participants to a site (the caller commits) and return their codes."""
    issued = []
    for index in range(count):
        participant = Participant(
            study_id=site.study_id,
            site=site,
            group=group,
            age_band=age_band if group is Group.CHILD else None,
            layout=layout,
            language=language,
            label=labels[index] if labels else None,
        )
        issued.append(issue_code(participant))
        db.session.add(participant)
    db.session.flush()
    return issued

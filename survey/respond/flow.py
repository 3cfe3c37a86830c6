"""The rules under the respondent's path: finding a code's participant and round, the
questions in order, branching, the choices a question offers, and the idempotent upsert of an
answer. ``survey.respond.path`` puts them together for one request; nothing here commits."""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.instruments import get_registry
from survey.instruments.model import DEFAULT_STEPS, Instrument, Item, Scale
from survey.instruments.periods import fill
from survey.models import (
    AgeBand,
    Answer,
    Group,
    MissingCode,
    Participant,
    Round,
    RoundStatus,
    Submission,
    utcnow,
)
from survey.pseudonyms import code_hash, is_well_formed, normalise_code

#: Missing codes a respondent may choose; ``not_shown`` is set by branching only.
CHOSEN_MISSING = (MissingCode.DONT_KNOW, MissingCode.REFUSED)


class RespondError(ValueError):
    """An answer or step the rules refuse; the message is shown to the respondent."""


@dataclass(frozen=True)
class Question:
    """One item of one instrument, at its place in the respondent's sequence."""

    index: int
    instrument: Instrument
    item: Item


#: A scale code as posted: ASCII digits only ("²", "٢" and "２" are not codes), short.
CODE = re.compile(r"-?[0-9]{1,3}")


def now_seq() -> int:
    """Return a sequence number for an answer chosen now (milliseconds)."""
    return int(time.time() * 1000)


def find_participant(typed_code: str) -> Participant | None:
    """Return the active participant whose code was typed (any case, spaces or dashes)."""
    code = normalise_code(typed_code)
    if not is_well_formed(code):
        return None
    hashed = code_hash(code, current_app.config["PSEUDONYM_KEY"])
    participant = db.session.scalar(sa.select(Participant).where(Participant.code_hash == hashed))
    if participant is None or not participant.is_active:
        return None
    return participant


def open_round(participant: Participant) -> Round | None:
    """Return the open round of the participant's study, if there is one."""
    query = sa.select(Round).where(
        Round.study_id == participant.study_id, Round.status == RoundStatus.OPEN
    )
    return db.session.scalar(query)


def start(participant: Participant, round_: Round) -> Submission:
    """Return the participant's submission in the round, creating it on the first visit."""
    query = sa.select(Submission).where(
        Submission.participant_id == participant.id, Submission.round_id == round_.id
    )
    submission = db.session.scalar(query)
    if submission is not None:
        return submission
    # By ids, not relationships: a clash must leave no half-added object in a collection.
    submission = Submission(
        participant_id=participant.id,
        round_id=round_.id,
        layout=participant.layout,
        language=participant.language,
    )
    try:
        with db.session.begin_nested():  # a savepoint: only this insert is undone on a clash
            db.session.add(submission)
    except IntegrityError:  # the same code opened in two tabs at once
        return db.session.scalars(query).one()
    return submission


def is_child(submission: Submission) -> bool:
    """Tell whether a child answers this submission."""
    return submission.participant.group is Group.CHILD


def default_steps(submission: Submission) -> int | None:
    """Return the number of choices the child's age band gets by default (None for staff)."""
    band = submission.participant.age_band
    return DEFAULT_STEPS[band] if band else None


def chooses_period(submission: Submission) -> bool:
    """Tell whether the adult chooses the child's reference period (ages 6-9, rule 16)."""
    return is_child(submission) and submission.participant.age_band is AgeBand.AGE_6_9


def fill_period(submission: Submission, text: str, language: str) -> str:
    """Return an instrument text with ``{period}`` in the submission's words for its period."""
    return fill(text, language, submission.reference_period)


def instruments(submission: Submission) -> list[Instrument]:
    """Return the instruments the participant's group answers in the round, in order."""
    registry = get_registry()
    choices = submission.round.instruments_for(submission.participant.group)
    return [registry.get(choice.instrument_key, choice.instrument_version) for choice in choices]


def questions(
    submission: Submission, instruments_given: list[Instrument] | None = None
) -> list[Question]:
    """Return every question the participant may be asked, in order.

    The private questions come last, together, so the adult looks away once and comes back
    when the child calls. (``survey instruments check`` makes a follow-up as private as the
    question it follows, so a follow-up always stays behind its question.)
    """
    band = submission.participant.age_band
    items = [
        (instrument, item)
        for instrument in (instruments_given or instruments(submission))
        for item in instrument.items_for(band)
    ]
    items.sort(key=lambda pair: pair[1].private)  # stable: the order within each part stays
    return [Question(index, instrument, item) for index, (instrument, item) in enumerate(items)]


def scale_for(submission: Submission, question: Question) -> Scale:
    """Return the scale the question is shown with to this participant."""
    return question.instrument.scale_for(question.item, submission.scale_steps)


def answers(submission: Submission) -> dict[tuple[str, str], Answer]:
    """Return the submission's answers by (instrument key, item id)."""
    query = sa.select(Answer).where(Answer.submission_id == submission.id)
    # The upsert writes past the session, so rows it already holds are read afresh.
    rows = db.session.scalars(query.execution_options(populate_existing=True))
    return {(answer.instrument_key, answer.item_id): answer for answer in rows}


def is_shown(question: Question, given: dict[tuple[str, str], Answer]) -> bool:
    """Tell whether the question's ``show_if`` holds, given the answers so far."""
    values = {
        item_id: (answer.scale, answer.value)
        for (key, item_id), answer in given.items()
        if key == question.instrument.key
    }
    return question.instrument.is_shown(question.item, values)


def has_answer(question: Question, given: dict[tuple[str, str], Answer]) -> bool:
    """Tell whether the question holds a value or a chosen missing code."""
    answer = given.get((question.instrument.key, question.item.id))
    return answer is not None and answer.missing_code is not MissingCode.NOT_SHOWN


def check_open(submission: Submission) -> None:
    """Refuse changes once the round is no longer open."""
    if submission.round.status is not RoundStatus.OPEN:
        raise RespondError(_l("This round is closed, so answers can no longer be saved."))


def parse_choice(
    submission: Submission, question: Question, choice: str
) -> tuple[int | None, MissingCode | None]:
    """Return (value, missing code) for a posted choice; RespondError if it is not offered."""
    for missing in CHOSEN_MISSING:
        if choice == missing.value:
            return None, missing
    scale = scale_for(submission, question)
    if CODE.fullmatch(choice) and int(choice) in scale.codes:
        return int(choice), None
    raise RespondError(_l("That answer is not one of the choices."))


@functools.cache
def _upsert(dialect: str) -> sa.Insert:
    """Return the answer upsert for a database dialect, built once: the values are bound at
    execution, a row is written unless a newer one (higher ``seq``) is stored, and the row's id
    comes back only when it was written."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Answer.__table__
    statement = insert(table)
    updated = ("instrument_version", "scale", "value", "missing_code", "seq", "answered_at")
    statement = statement.on_conflict_do_update(
        index_elements=["submission_id", "instrument_key", "item_id"],
        set_={column: statement.excluded[column] for column in updated},
        where=table.c.seq <= statement.excluded.seq,
    )
    return statement.returning(table.c.id)


def upsert_answer(
    submission: Submission,
    question: Question,
    value: int | None,
    missing: MissingCode | None,
    seq: int,
) -> bool:
    """Store the answer unless a newer one (higher ``seq``) is stored; tell whether it was."""
    values = {
        "submission_id": submission.id,
        "instrument_key": question.instrument.key,
        "instrument_version": question.instrument.version,
        "item_id": question.item.id,
        "scale": scale_for(submission, question).key,
        "value": value,
        "missing_code": missing,
        "seq": seq,
        "answered_at": utcnow(),
    }
    statement = _upsert(db.session.get_bind().dialect.name)
    return db.session.execute(statement, values).first() is not None

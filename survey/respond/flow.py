"""The respondent's path through a round: questions in order, branching, saving, completion.

Pure rules over the database, testable without a request: views only call these.
"""

from __future__ import annotations

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
    SubmissionStatus,
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
    submission = Submission(
        participant=participant,
        round=round_,
        layout=participant.layout,
        language=participant.language,
    )
    db.session.add(submission)
    try:
        db.session.flush()
    except IntegrityError:  # the same code opened in two tabs at once
        db.session.rollback()
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


def questions(submission: Submission) -> list[Question]:
    """Return every question the participant may be asked, in order.

    The private questions come last, together, so the adult looks away once and comes back
    when the child calls. (``survey instruments check`` makes a follow-up as private as the
    question it follows, so a follow-up always stays behind its question.)
    """
    band = submission.participant.age_band
    items = [
        (instrument, item)
        for instrument in instruments(submission)
        for item in instrument.items_for(band)
    ]
    items.sort(key=lambda pair: pair[1].private)  # stable: the order within each part stays
    return [Question(index, instrument, item) for index, (instrument, item) in enumerate(items)]


def scale_for(submission: Submission, question: Question) -> Scale:
    """Return the scale the question is shown with to this participant."""
    return question.instrument.scale_for(question.item, submission.scale_steps)


def answers(submission: Submission) -> dict[tuple[str, str], Answer]:
    """Return the submission's answers by (instrument key, item id)."""
    rows = db.session.scalars(sa.select(Answer).where(Answer.submission_id == submission.id))
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


def first_unanswered(submission: Submission) -> int | None:
    """Return the index of the first shown question without an answer (None: all answered)."""
    given = answers(submission)
    for question in questions(submission):
        if is_shown(question, given) and not has_answer(question, given):
            return question.index
    return None


def next_index(submission: Submission, after: int) -> int | None:
    """Return the next shown question after ``after``, marking skipped ones as not shown."""
    given = answers(submission)
    for question in questions(submission)[after + 1 :]:
        if is_shown(question, given):
            return question.index
        _upsert(submission, question, None, MissingCode.NOT_SHOWN, now_seq())
        given = answers(submission)
    return None


def mark_hidden(submission: Submission, page_questions: list[Question]) -> None:
    """Mark the questions whose ``show_if`` does not hold as not shown."""
    for question in page_questions:
        if not is_shown(question, answers(submission)):
            _upsert(submission, question, None, MissingCode.NOT_SHOWN, now_seq())


def previous_index(submission: Submission, before: int) -> int | None:
    """Return the shown question before ``before``, if any."""
    given = answers(submission)
    earlier = [q for q in questions(submission)[:before] if is_shown(q, given)]
    return earlier[-1].index if earlier else None


def question_at(submission: Submission, index: int) -> Question:
    """Return the question at ``index``; RespondError if there is none."""
    all_questions = questions(submission)
    if not 0 <= index < len(all_questions):
        raise RespondError(_l("That question does not exist."))
    return all_questions[index]


def check_open(submission: Submission) -> None:
    """Refuse changes once the round is no longer open."""
    if submission.round.status is not RoundStatus.OPEN:
        raise RespondError(_l("This round is closed, so answers can no longer be saved."))


def save_answer(submission: Submission, question: Question, choice: str, seq: int) -> bool:
    """Store a choice (a scale code, ``dont_know`` or ``refused``) as an idempotent upsert.

    ``seq`` orders saves on the server's clock (milliseconds): a later one is cut to now, so
    no save can hold its place against the saves after it. Return False when a newer save was
    stored already, so this one changed nothing (the caller says so, never "saved").
    """
    check_open(submission)
    if not is_shown(question, answers(submission)):
        raise RespondError(_l("That question is not asked."))
    value, missing = parse_choice(submission, question, choice)
    if submission.status is SubmissionStatus.DECLINED:
        submission.status = SubmissionStatus.IN_PROGRESS
    return _upsert(submission, question, value, missing, min(seq, now_seq()))


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


def _upsert(
    submission: Submission,
    question: Question,
    value: int | None,
    missing: MissingCode | None,
    seq: int,
) -> bool:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Answer).values(
        submission_id=submission.id,
        instrument_key=question.instrument.key,
        instrument_version=question.instrument.version,
        item_id=question.item.id,
        scale=scale_for(submission, question).key,
        value=value,
        missing_code=missing,
        seq=seq,
        answered_at=utcnow(),
    )
    updated = ("instrument_version", "scale", "value", "missing_code", "seq", "answered_at")
    statement = statement.on_conflict_do_update(
        index_elements=["submission_id", "instrument_key", "item_id"],
        set_={column: statement.excluded[column] for column in updated},
        where=Answer.seq <= statement.excluded.seq,
    )
    # A row comes back only when the answer was written (not when a newer one stood).
    return db.session.execute(statement.returning(Answer.id)).first() is not None


def first_staff_page(submission: Submission) -> int:
    """Return the page (instrument) of the first unanswered staff question, or the first page."""
    index = first_unanswered(submission)
    if index is None:
        return 0
    key = questions(submission)[index].instrument.key
    return next(n for n, instrument in enumerate(instruments(submission)) if instrument.key == key)


def complete(submission: Submission) -> None:
    """Mark the submission completed (once)."""
    check_open(submission)
    if submission.status is not SubmissionStatus.COMPLETED:
        submission.status = SubmissionStatus.COMPLETED
        submission.completed_at = utcnow()


def decline(submission: Submission) -> None:
    """Record that the child said "not today"; they may still start later in the round."""
    check_open(submission)
    if submission.status is SubmissionStatus.IN_PROGRESS and not answers(submission):
        submission.status = SubmissionStatus.DECLINED

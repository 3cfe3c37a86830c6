"""The rows of an export, streamed from the database: one per answer (long) or per submission.

Columns come from an allow-list: a research id (keyed hash, never the code or a database id),
site, round, group, the child's setup, dates without times of day, status, the item variables
(named as in the codebook; missing codes as -1, -2, -3) and the scale scores.

No variable holds two codes with different meanings. A staff item is one variable on its
scale. A child item, answered on the 5-, 3- or 2-point rung of its ladder, is five: the answer
as given, one variable per rung (``cw_01_r5``, ``cw_01_r3``, ``cw_01_r2``); what it means on
the 5-point reference scale (``cw_01``, empty where a shorter rung's answer has no single
equivalent); and the ladder's coarser common variable (``cw_01_any``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from survey.database import read_only_connection
from survey.extensions import db
from survey.instruments import Registry, get_registry
from survey.instruments.model import (
    LADDER_STEPS,
    MISSING_VALUES,
    CommonVariable,
    Harmonised,
    Instrument,
    Item,
    Scale,
    Score,
)
from survey.instruments.periods import fill
from survey.instruments.scoring import score_submission
from survey.models import AgeBand, Answer, Group, Participant, Round, Site, Study, Submission
from survey.pseudonyms import research_id

LOCAL_TIME = ZoneInfo("Europe/Copenhagen")
#: Columns that describe a submission, in order. Nothing else about a person is exported.
SUBMISSION_COLUMNS = (
    "research_id",
    "site",
    "round",
    "group",
    "age_band",
    "assistance_mode",
    "layout",
    "scale_steps",
    "language",
    "reference_period",
    "whole_period",
    "started_on",
    "completed_on",
    "status",
)
#: Columns of the long export after the submission columns: one answer, as given and harmonised.
ANSWER_COLUMNS = (
    "instrument",
    "version",
    "item",
    "scale",
    "value",
    "missing",
    "harmonised",
    "common",
)
LONG_COLUMNS = (*SUBMISSION_COLUMNS, *ANSWER_COLUMNS)
#: One row per registered participant and round: what a response-rate analysis needs.
PARTICIPATION_COLUMNS = ("research_id", "site", "round", "group", "age_band", "status")
#: Status of a participant who has not opened the round's questionnaire.
NOT_STARTED = "not_started"
#: Submissions read from the database at a time: memory stays flat however large the study.
CHUNK = 500


@dataclass(frozen=True)
class Filters:
    """What to export."""

    study: Study
    round: Round | None = None
    site: Site | None = None
    group: Group | None = None
    instrument: str | None = None

    def describe(self) -> dict[str, object]:
        """Return the filters as plain values for the audit log."""
        return {
            "study": self.study.slug,
            "round": self.round.name if self.round else None,
            "site_id": self.site.id if self.site else None,
            "group": self.group.value if self.group else None,
            "instrument": self.instrument,
        }


def local_date(moment: datetime | None) -> date | None:
    """Return the day (in Denmark) of a moment; times of day are never exported."""
    return moment.astimezone(LOCAL_TIME).date() if moment else None


def _query(filters: Filters) -> sa.Select:
    """Return the filtered submissions with what describes them, in a stable order."""
    query = (
        sa.select(
            Submission.id,
            Submission.status,
            Submission.assistance_mode,
            Submission.layout,
            Submission.scale_steps,
            Submission.language,
            Submission.reference_period,
            Submission.whole_period,
            Submission.started_at,
            Submission.completed_at,
            Participant.id.label("participant_id"),
            Participant.study_id,
            Participant.group,
            Participant.age_band,
            Site.name.label("site"),
            Round.name.label("round"),
        )
        .join(Participant, Submission.participant_id == Participant.id)
        .join(Site, Participant.site_id == Site.id)
        .join(Round, Submission.round_id == Round.id)
        .where(Participant.study_id == filters.study.id)
        .order_by(Round.id, Participant.site_id, Participant.id)
    )
    return _narrow(query, filters)


def _narrow(query: sa.Select, filters: Filters) -> sa.Select:
    """Return the query restricted to the filters' round, site and group of people."""
    if filters.round is not None:
        query = query.where(Round.id == filters.round.id)
    if filters.site is not None:
        query = query.where(Participant.site_id == filters.site.id)
    if filters.group is not None:
        query = query.where(Participant.group == filters.group)
    if filters.instrument is not None:  # only those the questionnaire is for
        query = query.where(Participant.group == _respondents(filters.instrument))
    return query


def _respondents(instrument_key: str) -> Group | None:
    try:
        return get_registry().latest(instrument_key).respondent
    except KeyError:
        return None


#: What an export reads of each answer, in this order (``AnswerCells`` relies on it). The
#: submission's id and the missing code come as text: making a UUID and an enum member of each
#: of a million answers took a third of the time of an export (a MissingCode is a str enum,
#: so its text finds the same entries in a dict).
ANSWER_FIELDS = (
    sa.cast(Answer.submission_id, sa.String).label("submission_id"),
    Answer.instrument_key,
    Answer.instrument_version,
    Answer.item_id,
    Answer.scale,
    Answer.value,
    sa.type_coerce(Answer.missing_code, sa.String).label("missing_code"),
)


@dataclass
class Record:
    """One submission as exported: plain values and its answers (no ORM objects kept)."""

    fields: dict[str, object]
    age_band: AgeBand | None
    answers: list[Any]


#: Told, chunk by chunk, how many submissions an export has read (``survey export`` shows a
#: bar with counts and time left); None when nobody follows.
READ_PROGRESS: ContextVar[Callable[[int], object] | None] = ContextVar(
    "read_progress", default=None
)


def submissions(filters: Filters) -> Iterator[Record]:
    """Return the matching submissions with their answers, read CHUNK at a time (flat memory).

    The query is built at once, so the rows can be streamed after the request's commit.
    """
    return _stream(_query(filters), current_app.config["PSEUDONYM_KEY"])


def _stream(statement: sa.Select, key: str) -> Iterator[Record]:
    # On a connection of its own that only reads: on SQLite it holds no write lock, so the
    # answers keep being saved however long the export takes.
    with read_only_connection(db.engine) as connection:
        yield from _chunks(connection, statement, key)


def _chunks(connection: sa.Connection, statement: sa.Select, key: str) -> Iterator[Record]:
    result = connection.execute(statement.execution_options(yield_per=CHUNK))
    for chunk in result.partitions():
        answers: dict[object, list[Any]] = {row.id: [] for row in chunk}
        # An id as text: its hex digits on SQLite, the usual form with dashes on PostgreSQL.
        by_text = {
            text: given
            for submission_id, given in answers.items()
            for text in (submission_id.hex, str(submission_id))
        }
        query = sa.select(*ANSWER_FIELDS).where(Answer.submission_id.in_(list(answers)))
        # In the order of the unique index (SQLite then sorts nothing).
        ordered = query.order_by(Answer.submission_id, Answer.instrument_key, Answer.item_id)
        for answer in connection.execute(ordered).all():
            by_text[answer[0]].append(answer)
        for row in chunk:
            yield Record(submission_fields(row, key), row.age_band, answers[row.id])
        report = READ_PROGRESS.get()
        if report is not None:
            report(len(chunk))


def submission_fields(row: Any, key: str) -> dict[str, object]:
    """Return the allow-listed columns describing one submission row."""
    return {
        "research_id": research_id(row.study_id, row.participant_id, key),
        "site": row.site,
        "round": row.round,
        "group": row.group.value,
        "age_band": row.age_band.value if row.age_band else None,
        "assistance_mode": row.assistance_mode.value if row.assistance_mode else None,
        "layout": row.layout.value if row.layout else None,
        "scale_steps": row.scale_steps,
        "language": row.language.value if row.language else None,
        "reference_period": row.reference_period,
        "whole_period": row.whole_period.value if row.whole_period else None,
        "started_on": local_date(row.started_at),
        "completed_on": local_date(row.completed_at),
        "status": row.status.value,
    }


def export_value(answer: Any) -> int:
    """Return the exported number of an answer: its code, or the missing code's number."""
    return answer.value if answer.value is not None else MISSING_VALUES[answer.missing_code]  # type: ignore[index]


def answer_meaning(instrument: Instrument, item: Item, answer: Any) -> Harmonised:
    """Return the answer's harmonised codes; a missing code stands in both places."""
    if answer.value is None:
        missing = MISSING_VALUES[answer.missing_code]
        return Harmonised(missing, missing if common_variable(instrument, item) else None)
    return instrument.harmonise(item, answer.scale, answer.value)


def common_variable(instrument: Instrument, item: Item) -> CommonVariable | None:
    """Return the common variable of a child item's ladder (None for staff items)."""
    return instrument.ladders[item.ladder].common if item.ladder else None


Cells = tuple[Harmonised, tuple[tuple[str, int | None], ...]]


class AnswerCells:
    """What one answer puts in an export: its harmonised codes and its wide variables' values.

    Computed once per distinct answer: an export reads millions of answers of a few hundred
    kinds. Returns None for an answer to an instrument version the export does not cover.
    """

    def __init__(self, instrument_of: Callable[[tuple[str, int]], Instrument | None]) -> None:
        self._instrument_of = instrument_of
        self._known: dict[tuple, Cells | None] = {}

    def __call__(self, answer: Any) -> Cells | None:
        key = answer[1:]  # every column of ANSWER_FIELDS but the submission's id
        if key not in self._known:
            instrument = self._instrument_of(key[:2])
            self._known[key] = (
                None
                if instrument is None
                else _cells(instrument, instrument.item(answer.item_id), answer)
            )
        return self._known[key]


def _cells(instrument: Instrument, item: Item, answer: Any) -> Cells:
    meaning = answer_meaning(instrument, item, answer)
    if item.ladder is None:
        return meaning, ((item.id, export_value(answer)),)
    steps = instrument.ladders[item.ladder].steps_of(answer.scale)
    wide = [(item.id, meaning.reference), (f"{item.id}_r{steps}", export_value(answer))]
    common = common_variable(instrument, item)
    if common is not None:
        wide.append((f"{item.id}_{common.suffix}", meaning.common))
    return meaning, tuple(wide)


#: One row of the long export: the submission's columns, and one answer's values in the order
#: of ANSWER_COLUMNS (all None for a submission without answers).
LongRow = tuple[dict[str, object], tuple[object, ...]]


def long_rows(filters: Filters, registry: Registry) -> Iterator[LongRow]:
    """Return the rows of the long export: one per answer, one for a submission without any.

    A submission's rows share its columns' dict, and equal answers share one tuple, so a writer
    can turn each into text once: an export holds millions of answers of a few thousand kinds.
    """
    return _long_rows(submissions(filters), filters.instrument, registry)


def _long_rows(
    records: Iterator[Record], instrument: str | None, registry: Registry
) -> Iterator[LongRow]:
    empty = (None,) * len(ANSWER_COLUMNS)
    known: dict[tuple, tuple[object, ...]] = {}
    for record in records:
        matching = record.answers
        if instrument is not None:
            matching = [a for a in matching if a.instrument_key == instrument]
        if not matching:
            yield record.fields, empty
        for answer in matching:
            key = answer[1:]  # every column of ANSWER_FIELDS but the submission's id
            values = known.get(key)
            if values is None:
                values = known[key] = _answer_values(registry, answer)
            yield record.fields, values


def _answer_values(registry: Registry, answer: Any) -> tuple[object, ...]:
    """Return one answer's values in the order of ANSWER_COLUMNS."""
    instrument = registry.get(answer.instrument_key, answer.instrument_version)
    meaning = answer_meaning(instrument, instrument.item(answer.item_id), answer)
    return (
        answer.instrument_key,
        answer.instrument_version,
        answer.item_id,
        answer.scale,
        export_value(answer),
        answer.missing_code,
        meaning.reference,
        meaning.common,
    )


class Kind(StrEnum):
    """What a wide variable holds."""

    #: A staff item's answer, or a child item's meaning on its 5-point reference scale.
    ITEM = "item"
    #: A child item's answer as given on one rung of its ladder.
    RUNG = "rung"
    #: A child item's answer on its ladder's coarser common variable.
    COMMON = "common"
    SCORE = "score"


#: What the variable labels of a child item's variables add to its text, per language.
LABEL_SUFFIXES = {
    Kind.ITEM: {"da": "(5-punktsskala)", "en": "(5-point scale)"},
    Kind.RUNG: {
        "da": "(som svaret med {steps} svarmuligheder)",
        "en": "(as answered on {steps} choices)",
    },
}


@dataclass(frozen=True)
class Variable:
    """One column of a wide export after the submission columns."""

    name: str
    label: str
    instrument: Instrument
    kind: Kind
    #: The one scale whose codes the variable holds (None for scores).
    scale: Scale | None = None
    score: Score | None = None


def instruments_in(filters: Filters, registry: Registry) -> list[Instrument]:
    """Return the instrument versions the export covers, in the rounds' order."""
    rounds = [filters.round] if filters.round else list(filters.study.rounds)
    seen: dict[tuple[str, int], Instrument] = {}
    groups = [filters.group] if filters.group else list(Group)
    for round_ in rounds:
        for choice in (choice for group in groups for choice in round_.instruments_for(group)):
            if filters.instrument and choice.instrument_key != filters.instrument:
                continue
            ref = (choice.instrument_key, choice.instrument_version)
            seen.setdefault(ref, registry.get(*ref))
    return list(seen.values())


def wide_variables(instruments: list[Instrument], language: str = "da") -> list[Variable]:
    """Return item and score variables of the instruments, named as in the codebook.

    A name means one thing in every version of an instrument (``survey instruments check``
    enforces it), so an item or score that two versions share is one column.
    """
    variables: dict[str, Variable] = {}
    for instrument in instruments:
        found = [
            v for item in instrument.items for v in _item_variables(instrument, item, language)
        ]
        found += [
            Variable(
                f"{instrument.prefix}_{score.id}",
                score.label[language],
                instrument,
                Kind.SCORE,
                score=score,
            )
            for score in instrument.scores
        ]
        for variable in found:
            variables.setdefault(variable.name, variable)
    return list(variables.values())


def _item_variables(instrument: Instrument, item: Item, language: str) -> list[Variable]:
    text = fill(item.text[language], language)
    reference = instrument.reference_scale(item)
    if item.ladder is None:
        return [Variable(item.id, text, instrument, Kind.ITEM, reference)]
    label = f"{text} {LABEL_SUFFIXES[Kind.ITEM][language]}"
    variables = [Variable(item.id, label, instrument, Kind.ITEM, reference)]
    common = common_variable(instrument, item)
    if common is not None:
        variables.append(
            Variable(
                f"{item.id}_{common.suffix}",
                f"{text} – {common.label[language]}",
                instrument,
                Kind.COMMON,
                common.scale,
            )
        )
    for steps in LADDER_STEPS:
        label = f"{text} {LABEL_SUFFIXES[Kind.RUNG][language].format(steps=steps)}"
        scale = instrument.scale_for(item, steps)
        variables.append(Variable(f"{item.id}_r{steps}", label, instrument, Kind.RUNG, scale))
    return variables


def wide_rows(filters: Filters, variables: list[Variable]) -> Iterator[dict[str, object]]:
    """Return the rows of the wide export: per submission its columns, items and scores."""
    return _wide_rows(submissions(filters), variables, instruments_in(filters, get_registry()))


def _wide_rows(
    records: Iterator[Record], variables: list[Variable], covered: list[Instrument]
) -> Iterator[dict[str, object]]:
    instruments = {(instrument.key, instrument.version): instrument for instrument in covered}
    names = [variable.name for variable in variables]
    cells = AnswerCells(instruments.get)
    for record in records:
        row: dict[str, object] = dict(record.fields)
        row.update(dict.fromkeys(names))
        by_instrument: dict[tuple[str, int], list[Any]] = {}
        for answer in record.answers:
            found = cells(answer)
            if found is None:
                continue
            row.update(found[1])
            by_instrument.setdefault((answer.instrument_key, answer.instrument_version), []).append(
                answer
            )
        for ref, answers in by_instrument.items():
            instrument = instruments[ref]
            scores = score_submission(instrument, answers, record.age_band)
            for score_id, value in scores.items():
                row[f"{instrument.prefix}_{score_id}"] = None if value is None else round(value, 4)
        yield row


def participation_rows(filters: Filters) -> Iterator[dict[str, object]]:
    """Return one row per registered participant and round, whether they started or not."""
    key = current_app.config["PSEUDONYM_KEY"]
    query = (
        sa.select(
            Participant.id,
            Participant.study_id,
            Participant.group,
            Participant.age_band,
            Site.name.label("site"),
            Round.name.label("round"),
            Submission.status,
        )
        .join(Site, Participant.site_id == Site.id)
        .join(Round, Round.study_id == Participant.study_id)
        .outerjoin(
            Submission,
            (Submission.participant_id == Participant.id) & (Submission.round_id == Round.id),
        )
        .where(Participant.study_id == filters.study.id)
        .order_by(Round.id, Participant.site_id, Participant.id)
    )
    for row in db.session.execute(_narrow(query, filters).execution_options(yield_per=CHUNK)):
        yield {
            "research_id": research_id(row.study_id, row.id, key),
            "site": row.site,
            "round": row.round,
            "group": row.group.value,
            "age_band": row.age_band.value if row.age_band else None,
            "status": row.status.value if row.status else NOT_STARTED,
        }


def _count(filters: Filters, counted: Any, answers: bool = False) -> int:
    query = _query(filters)
    if answers:
        query = query.join(Answer, Answer.submission_id == Submission.id)
        if filters.instrument:
            query = query.where(Answer.instrument_key == filters.instrument)
    return db.session.scalar(query.with_only_columns(sa.func.count(counted)).order_by(None)) or 0


def submission_count(filters: Filters) -> int:
    """Return how many submissions the export covers."""
    return _count(filters, Submission.id)


def long_row_count(filters: Filters) -> int:
    """Return how many rows the long export has: its answers, and a row per submission without."""
    answers = _count(filters, Answer.id, answers=True)
    with_answers = _count(filters, sa.distinct(Submission.id), answers=True)
    return answers + submission_count(filters) - with_answers


def participant_count(filters: Filters) -> int:
    """Return how many people the export covers (for the small-group warning)."""
    return _count(filters, sa.distinct(Submission.participant_id))

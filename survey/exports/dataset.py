"""The rows of an export, streamed from the database: one per answer (long) or per submission.

Columns come from an allow-list: a research id (keyed hash, never the code or a database id),
site, round, group, the child's setup, dates without times of day, status, one variable per
item (named as in the codebook; missing codes as -1, -2, -3) and the scale scores.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from survey.extensions import db
from survey.instruments import Registry
from survey.instruments.model import MISSING_VALUES, Instrument, Scale
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
    "started_on",
    "completed_on",
    "status",
)
LONG_COLUMNS = (*SUBMISSION_COLUMNS, "instrument", "version", "item", "scale", "value", "missing")
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
    if filters.round is not None:
        query = query.where(Submission.round_id == filters.round.id)
    if filters.site is not None:
        query = query.where(Participant.site_id == filters.site.id)
    if filters.group is not None:
        query = query.where(Participant.group == filters.group)
    return query


@dataclass
class Record:
    """One submission as exported: plain values and its answers (no ORM objects kept)."""

    fields: dict[str, object]
    age_band: AgeBand | None
    answers: list[Any]


def submissions(filters: Filters) -> Iterator[Record]:
    """Return the matching submissions with their answers, read CHUNK at a time (flat memory).

    The query is built at once, so the rows can be streamed after the request's commit.
    """
    return _stream(_query(filters), current_app.config["PSEUDONYM_KEY"])


def _stream(statement: sa.Select, key: str) -> Iterator[Record]:
    result = db.session.execute(statement.execution_options(yield_per=CHUNK))
    for chunk in result.partitions():
        by_id = {row.id: row for row in chunk}
        answers: dict[object, list[Any]] = {submission_id: [] for submission_id in by_id}
        columns = (
            Answer.submission_id,
            Answer.instrument_key,
            Answer.instrument_version,
            Answer.item_id,
            Answer.scale,
            Answer.value,
            Answer.missing_code,
        )
        query = sa.select(*columns).where(Answer.submission_id.in_(list(by_id)))
        for answer in db.session.execute(query.order_by(Answer.instrument_key, Answer.item_id)):
            answers[answer.submission_id].append(answer)
        for submission_id, row in by_id.items():
            yield Record(submission_fields(row, key), row.age_band, answers[submission_id])


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
        "started_on": local_date(row.started_at),
        "completed_on": local_date(row.completed_at),
        "status": row.status.value,
    }


def export_value(answer: Any) -> int:
    """Return the exported number of an answer: its code, or the missing code's number."""
    return answer.value if answer.value is not None else MISSING_VALUES[answer.missing_code]  # type: ignore[index]


def long_rows(filters: Filters) -> Iterator[dict[str, object]]:
    """Return the rows of the long export: one per answer."""
    return _long_rows(submissions(filters), filters.instrument)


def _long_rows(records: Iterator[Record], instrument: str | None) -> Iterator[dict[str, object]]:
    for record in records:
        for answer in record.answers:
            if instrument is not None and answer.instrument_key != instrument:
                continue
            yield {
                **record.fields,
                "instrument": answer.instrument_key,
                "version": answer.instrument_version,
                "item": answer.item_id,
                "scale": answer.scale,
                "value": export_value(answer),
                "missing": answer.missing_code.value if answer.missing_code else None,
            }


@dataclass(frozen=True)
class Variable:
    """One column of a wide export after the submission columns."""

    name: str
    label: str
    instrument: Instrument
    #: Scales the item may have been shown with (empty for scores).
    scales: tuple[Scale, ...] = ()
    is_score: bool = False


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
    """Return item and score variables of the instruments, named as in the codebook."""
    variables = []
    for instrument in instruments:
        for item in instrument.items:
            scales = tuple(instrument.scales[key] for key in instrument.scale_keys_for(item))
            variables.append(Variable(item.id, item.text[language], instrument, scales))
        for score in instrument.scores:
            name = f"{instrument.prefix}_{score.id}"
            variables.append(Variable(name, score.label[language], instrument, is_score=True))
    return variables


def wide_rows(filters: Filters, variables: list[Variable]) -> Iterator[dict[str, object]]:
    """Return the rows of the wide export: per submission its columns, items and scores."""
    return _wide_rows(submissions(filters), variables)


def _wide_rows(records: Iterator[Record], variables: list[Variable]) -> Iterator[dict[str, object]]:
    instruments = {(v.instrument.key, v.instrument.version): v.instrument for v in variables}
    for record in records:
        row: dict[str, object] = dict(record.fields)
        row.update(dict.fromkeys((v.name for v in variables), None))
        by_instrument: dict[tuple[str, int], list[Any]] = {}
        for answer in record.answers:
            ref = (answer.instrument_key, answer.instrument_version)
            if ref in instruments:
                row[answer.item_id] = export_value(answer)
                by_instrument.setdefault(ref, []).append(answer)
        for ref, answers in by_instrument.items():
            instrument = instruments[ref]
            scores = score_submission(instrument, answers, record.age_band)
            for score_id, value in scores.items():
                row[f"{instrument.prefix}_{score_id}"] = None if value is None else round(value, 4)
        yield row


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


def answer_count(filters: Filters) -> int:
    """Return how many answers the long export covers."""
    return _count(filters, Answer.id, answers=True)


def participant_count(filters: Filters) -> int:
    """Return how many people the export covers (for the small-group warning)."""
    return _count(filters, sa.distinct(Submission.participant_id))

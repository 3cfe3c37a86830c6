"""The rows of an export, streamed from the database: one per answer (long) or per submission.

Columns come from an allow-list: a research id (keyed hash, never the code or a database id),
site, round, group, the child's setup, dates without times of day, status, one variable per
item (named as in the codebook; missing codes as -1, -2, -3) and the scale scores.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from survey.extensions import db
from survey.instruments import Registry
from survey.instruments.model import MISSING_VALUES, Instrument, Scale
from survey.instruments.scoring import score_submission
from survey.models import Answer, Group, Participant, Round, Site, Study, Submission
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


def _query(filters: Filters) -> sa.Select[tuple[Submission]]:
    query = (
        sa.select(Submission)
        .join(Participant)
        .join(Round, Submission.round_id == Round.id)
        .where(Participant.study_id == filters.study.id)
        .options(
            joinedload(Submission.participant).joinedload(Participant.site),
            joinedload(Submission.round),
        )
        .order_by(Round.id, Participant.site_id, Participant.id)
    )
    if filters.round is not None:
        query = query.where(Submission.round_id == filters.round.id)
    if filters.site is not None:
        query = query.where(Participant.site_id == filters.site.id)
    if filters.group is not None:
        query = query.where(Participant.group == filters.group)
    return query


def submissions(filters: Filters) -> Iterator[Submission]:
    """Yield the matching submissions with their answers, CHUNK at a time."""
    ids = db.session.execute(_query(filters).with_only_columns(Submission.id)).scalars().all()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = db.session.scalars(
            _query(filters)
            .where(Submission.id.in_(chunk))
            .options(selectinload(Submission.answers))
        ).unique()
        yield from rows
        db.session.expunge_all()  # keep memory flat


def submission_fields(submission: Submission) -> dict[str, object]:
    """Return the allow-listed columns describing one submission."""
    participant = submission.participant
    key = current_app.config["PSEUDONYM_KEY"]
    return {
        "research_id": research_id(participant.study_id, participant.id, key),
        "site": participant.site.name,
        "round": submission.round.name,
        "group": participant.group.value,
        "age_band": participant.age_band.value if participant.age_band else None,
        "assistance_mode": submission.assistance_mode.value if submission.assistance_mode else None,
        "layout": submission.layout.value if submission.layout else None,
        "scale_steps": submission.scale_steps,
        "language": submission.language.value if submission.language else None,
        "started_on": local_date(submission.started_at),
        "completed_on": local_date(submission.completed_at),
        "status": submission.status.value,
    }


def export_value(answer: Answer) -> int:
    """Return the exported number of an answer: its code, or the missing code's number."""
    return answer.value if answer.value is not None else MISSING_VALUES[answer.missing_code]  # type: ignore[index]


def _wanted(answer: Answer, filters: Filters) -> bool:
    return filters.instrument is None or answer.instrument_key == filters.instrument


def long_rows(filters: Filters) -> Iterator[dict[str, object]]:
    """Yield one row per answer."""
    for submission in submissions(filters):
        fields = submission_fields(submission)
        for answer in sorted(submission.answers, key=lambda a: (a.instrument_key, a.item_id)):
            if not _wanted(answer, filters):
                continue
            yield {
                **fields,
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
    """Yield one row per submission: its columns, every item variable and every score."""
    instruments = {(v.instrument.key, v.instrument.version): v.instrument for v in variables}
    for submission in submissions(filters):
        row: dict[str, object] = dict(submission_fields(submission))
        row.update(dict.fromkeys((v.name for v in variables), None))
        by_instrument: dict[tuple[str, int], list[Answer]] = {}
        for answer in submission.answers:
            ref = (answer.instrument_key, answer.instrument_version)
            if ref in instruments:
                row[answer.item_id] = export_value(answer)
                by_instrument.setdefault(ref, []).append(answer)
        for ref, answers in by_instrument.items():
            instrument = instruments[ref]
            scores = score_submission(instrument, answers, submission.participant.age_band)
            for score_id, value in scores.items():
                row[f"{instrument.prefix}_{score_id}"] = None if value is None else round(value, 4)
        yield row


def submission_count(filters: Filters) -> int:
    """Return how many submissions the export covers."""
    query = _query(filters).with_only_columns(sa.func.count(Submission.id))
    return db.session.scalar(query.order_by(None)) or 0


def answer_count(filters: Filters) -> int:
    """Return how many answers the long export covers."""
    query = _query(filters).join(Answer, Answer.submission_id == Submission.id)
    if filters.instrument:
        query = query.where(Answer.instrument_key == filters.instrument)
    return db.session.scalar(query.with_only_columns(sa.func.count(Answer.id)).order_by(None)) or 0


def participant_count(filters: Filters) -> int:
    """Return how many people the export covers (for the small-group warning)."""
    query = _query(filters).with_only_columns(sa.func.count(sa.distinct(Submission.participant_id)))
    return db.session.scalar(query.order_by(None)) or 0

"""What an export must hold, computed from the database with tables written out here by hand.

Nothing is taken from the export code: the meanings restate `scales.yaml`'s declarations as
literals, so a changed declaration or a changed export both make the tests fail.
"""

from __future__ import annotations

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Answer, Participant, Round, Submission
from survey.pseudonyms import research_id

#: Missing codes and their numbers.
MISSING = {"refused": -1, "dont_know": -2, "not_shown": -3}
#: Scale → number of choices (the rung), for the child scales.
RUNG = {
    "faces5_amount": 5,
    "faces5_freq": 5,
    "faces5_event": 5,
    "faces3_amount": 3,
    "faces3_freq": 3,
    "faces3_event": 3,
    "faces2": 2,
    "faces2_event": 2,
}
#: Scale → answer code → what it means on the 5-point rung (None: no single equivalent).
MEANS = {
    "faces3_amount": {1: 1, 2: 2, 3: 4},
    "faces3_freq": {1: 1, 2: 3, 3: 4},
    "faces3_event": {1: 1, 2: 2, 3: None},
    "faces2": {1: 1, 2: None},
    "faces2_event": {1: 1, 2: None},
}
#: Danish labels of the 5-point rungs and of the common (any) variables.
FIVE_POINT_LABELS = {
    "amount": ["Slet ikke", "Lidt", "Noget", "Meget", "Rigtig meget"],
    "frequency": ["Aldrig", "Sjældent", "Nogle gange", "Tit", "Altid"],
    "event": ["Nej", "Ja, 1 gang", "Ja, 2-3 gange", "Ja, 4-6 gange", "Ja, 7 gange eller flere"],
}
MISSING_LABELS_DA = {-1: "Vil ikke svare", -2: "Ved ikke", -3: "Ikke vist"}

#: Every column of a baseline export of the demo study, in order.
SUBMISSION_COLUMNS = [
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
]
LONG_COLUMNS = [
    *SUBMISSION_COLUMNS,
    "instrument",
    "version",
    "item",
    "scale",
    "value",
    "missing",
    "harmonised",
    "common",
]
PARTICIPATION_COLUMNS = ["research_id", "site", "round", "group", "age_band", "status"]


def _child(prefix: str, count: int, scores: list[str]) -> list[str]:
    columns = []
    for number in range(1, count + 1):
        item = f"{prefix}_{number:02d}"
        columns += [item, f"{item}_any", f"{item}_r5", f"{item}_r3", f"{item}_r2"]
    return columns + [f"{prefix}_{score}" for score in scores]


def _staff(prefix: str, count: int, scores: list[str]) -> list[str]:
    items = [f"{prefix}_{number:02d}" for number in range(1, count + 1)]
    return items + [f"{prefix}_{score}" for score in scores]


WIDE_COLUMNS = [
    *SUBMISSION_COLUMNS,
    *_child("cw", 10, ["wellbeing", "safety"]),
    *_child("ci", 8, ["inclusion"]),
    *_child("sc", 6, ["situations"]),
    *_staff("sk", 10, ["competence", "knowing"]),
    *_staff("sw", 8, ["wellbeing", "support"]),
    *_staff("ss", 8, ["exposure", "force"]),
]


def answers(app, study, round_) -> list:
    """Return every answer of the round with its participant's research id."""
    key = app.config["PSEUDONYM_KEY"]
    rows = db.session.execute(
        sa.select(Participant.id, Answer.item_id, Answer.scale, Answer.value, Answer.missing_code)
        .join(Submission, Submission.participant_id == Participant.id)
        .join(Answer, Answer.submission_id == Submission.id)
        .where(Submission.round_id == round_.id)
    )
    return [
        (research_id(study.id, pid, key), item, scale, value, missing.value if missing else None)
        for pid, item, scale, value, missing in rows
    ]


def as_given(app, study, round_) -> dict[tuple[str, str], int]:
    """Return {(research id, item): exported number}, as given."""
    return {
        (rid, item): value if value is not None else MISSING[missing]
        for rid, item, _scale, value, missing in answers(app, study, round_)
    }


def wide_values(app, study, round_) -> dict[tuple[str, str], int | None]:
    """Return {(research id, variable): value} of every item variable an answer fills."""
    expected: dict[tuple[str, str], int | None] = {}
    for rid, item, scale, value, missing in answers(app, study, round_):
        number = value if value is not None else MISSING[missing]
        if scale not in RUNG:  # a staff item: one variable
            expected[(rid, item)] = number
            continue
        expected[(rid, f"{item}_r{RUNG[scale]}")] = number
        if value is None:
            meaning = any_ = number
        else:
            meaning = value if RUNG[scale] == 5 else MEANS[scale][value]
            any_ = 1 if value == 1 else 2
        expected[(rid, item)] = meaning
        expected[(rid, f"{item}_any")] = any_
    return expected


def submissions(app, study, round_) -> dict[str, str]:
    """Return {research id: status} of the round's submissions."""
    key = app.config["PSEUDONYM_KEY"]
    rows = db.session.execute(
        sa.select(Submission.participant_id, Submission.status).where(
            Submission.round_id == round_.id
        )
    )
    return {research_id(study.id, pid, key): status.value for pid, status in rows}


def participation(app, study) -> dict[tuple[str, str], str]:
    """Return {(research id, round): status} for every participant and round."""
    key = app.config["PSEUDONYM_KEY"]
    statuses = {
        (pid, rid): status.value
        for pid, rid, status in db.session.execute(
            sa.select(Submission.participant_id, Submission.round_id, Submission.status)
        )
    }
    people = db.session.scalars(sa.select(Participant).where(Participant.study_id == study.id))
    rounds = db.session.scalars(sa.select(Round).where(Round.study_id == study.id)).all()
    return {
        (research_id(study.id, person.id, key), round_.name): statuses.get(
            (person.id, round_.id), "not_started"
        )
        for person in people
        for round_ in rounds
    }

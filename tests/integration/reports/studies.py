"""Studies made for the report tests, and reading a PDF's text back."""

import io
import random
import re
import shutil
import subprocess
from datetime import UTC, datetime

import pdfplumber
import sqlalchemy as sa

from survey.demo_answers import FIRST_VERSIONS, _add_submission, assign_instruments
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import (
    Answer,
    Group,
    Participant,
    Round,
    RoundStatus,
    Site,
    Study,
    Submission,
    SubmissionStatus,
)
from survey.participants import register_participants
from tests.conftest import missing


def pdf_pages(content: bytes) -> list[str]:
    """Return each page's text as poppler's pdftotext reads it in its layout mode (a table's
    row on one line), runs of spaces as one.

    pdfplumber's own text extraction took 85 % of the report tests' time.
    """
    if shutil.which("pdftotext") is None:
        missing("pdftotext (Debian package poppler-utils)")
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    pages = text.split("\f")[:-1]  # every page ends in a form feed
    return [re.sub(" {2,}", " ", page) for page in pages]


def pdf_text(content: bytes) -> tuple[str, dict, object]:
    """Return a PDF's text, its metadata and its catalogue's language."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        metadata, language = pdf.metadata, pdf.doc.catalog.get("Lang")
    return "\n".join(pdf_pages(content)), metadata, language


def support_mean(site, round_):
    """The staff support score (mean of sw_04 and sw_05, both required), computed by hand."""
    per_person: dict[int, list[int]] = {}
    rows = db.session.execute(
        sa.select(Submission.id, Answer.item_id, Answer.value)
        .join(Answer)
        .join(Participant)
        .where(
            Submission.round_id == round_.id,
            Submission.status == SubmissionStatus.COMPLETED,
            Participant.site_id == site.id,
            Answer.item_id.in_(["sw_04", "sw_05"]),
            Answer.value.is_not(None),
        )
    )
    for submission_id, _item, value in rows:
        per_person.setdefault(submission_id, []).append(value)
    scores = [sum(values) / 2 for values in per_person.values() if len(values) == 2]
    return sum(scores) / len(scores), len(scores)


def wellbeing_answers(value):
    """Return one staff member's answers to all 8 wellbeing statements, each ``value``."""
    return [
        Answer(
            instrument_key="staff_wellbeing",
            instrument_version=1,
            item_id=f"sw_0{number}",
            scale="degree5",
            value=value,
        )
        for number in range(1, 9)
    ]


def two_site_study(app, plan=None, answers=wellbeing_answers, versions=None):
    """Ask has 3 staff answers in round 1 (hidden), Birken 6 (hidden to protect Ask); both 6 in
    round 2. Every staff member answers every wellbeing statement with the site's value, so
    Birken's round-1 scores are 2.5 (wellbeing at work: two statements are reversed) and 2.0
    (support).

    A plan gives {(site name, round index): (n, value)}: the site's first n staff answer, each
    ``answers(value)``, or ``answers(value[i])`` for the i-th when value is a list. ``versions``
    chooses the questionnaires' versions (the first of each by default)."""

    study = Study(slug="small", name="Lille studie")
    ask, birken = Site(name="Ask"), Site(name="Birken")
    study.sites += [ask, birken]
    rounds = [Round(name="r1", status=RoundStatus.CLOSED), Round(name="r2")]
    rounds[1].status = RoundStatus.CLOSED
    study.rounds += rounds
    db.session.add(study)
    db.session.flush()
    for round_ in rounds:
        assign_instruments(round_, get_registry(), versions or FIRST_VERSIONS)
    plan = {
        (site, index): size_and_value
        for (name, index), size_and_value in (
            plan
            or {
                ("Ask", 0): (3, 4),
                ("Birken", 0): (6, 2),
                ("Ask", 1): (6, 3),
                ("Birken", 1): (6, 5),
            }
        ).items()
        for site in (ask, birken)
        if site.name == name
    }
    people = {site: [] for site in (ask, birken)}
    for site in (ask, birken):
        register_participants(site, Group.STAFF, 6)
        db.session.flush()
        people[site] = db.session.scalars(
            sa.select(Participant).where(Participant.site_id == site.id)
        ).all()
    for (site, index), (n, value) in plan.items():
        values = value if isinstance(value, list) else [value] * n
        for person, person_value in zip(people[site][:n], values, strict=True):
            submission = Submission(
                participant=person,
                round=rounds[index],
                status=SubmissionStatus.COMPLETED,
                completed_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
            submission.answers += answers(person_value)
            db.session.add(submission)
    db.session.commit()
    return study, ask, birken, rounds


def children_study(app, plan):
    """Sites with children answering the demo questionnaires: {site: (n, mode, age band)}."""

    study = Study(slug="children", name="Børnestudie")
    round_ = Round(name="r1", status=RoundStatus.CLOSED)
    study.rounds.append(round_)
    db.session.add(study)
    db.session.flush()
    assign_instruments(round_, get_registry(), FIRST_VERSIONS)
    cells = {}
    rng = random.Random(7)  # noqa: S311  (made-up answers)
    for name, (n, mode, band) in plan.items():
        site = Site(name=name)
        study.sites.append(site)
        db.session.flush()
        register_participants(site, Group.CHILD, n, age_band=band)
        db.session.flush()
        for person in db.session.scalars(
            sa.select(Participant).where(Participant.site_id == site.id)
        ):
            _add_submission(
                round_, person, SubmissionStatus.COMPLETED, rng, rng.gauss(0, 1), get_registry()
            )
            db.session.flush()
            person.submissions[0].assistance_mode = mode
        cells[name] = (name, mode.value, band.value)
    db.session.commit()
    return study, round_, cells

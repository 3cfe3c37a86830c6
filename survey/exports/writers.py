"""Writers: rows in, file out. Text formats stream; binary ones are built in a temporary file."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pyreadstat
from marshmallow import Schema, fields
from openpyxl import Workbook

from survey.exports.dataset import SUBMISSION_COLUMNS, Variable
from survey.instruments.model import MISSING_LABELS, MISSING_VALUES

#: A spreadsheet treats a cell starting with one of these as a formula (CWE-1236).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
MISSING_NUMBERS = sorted(MISSING_VALUES.values())


def neutralise(value: object) -> object:
    """Return text that cannot run as a spreadsheet formula (prefixed with ')."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def csv_chunks(columns: Iterable[str], rows: Iterable[dict[str, object]]) -> Iterator[str]:
    """Yield an RFC 4180 CSV (UTF-8 with BOM, for Excel) a few rows at a time."""
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralise(column) for column in columns])
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(row.get(column)) for column in columns])
        if number % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class AnswerSchema(Schema):
    """One answer in the JSON export."""

    instrument = fields.String()
    version = fields.Integer()
    item = fields.String()
    scale = fields.String()
    value = fields.Integer()
    missing = fields.String(allow_none=True)


class SubmissionSchema(Schema):
    """One submission in the JSON export, with its answers."""

    research_id = fields.String()
    site = fields.String()
    round = fields.String()
    group = fields.String()
    age_band = fields.String(allow_none=True)
    assistance_mode = fields.String(allow_none=True)
    layout = fields.String(allow_none=True)
    scale_steps = fields.Integer(allow_none=True)
    language = fields.String(allow_none=True)
    started_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    status = fields.String()
    answers = fields.List(fields.Nested(AnswerSchema))


def json_chunks(meta: dict[str, object], long_rows: Iterable[dict[str, object]]) -> Iterator[str]:
    """Yield a JSON document: the filters, then one object per submission with its answers."""
    schema = SubmissionSchema()
    yield '{"export": ' + json.dumps(meta, ensure_ascii=False) + ', "submissions": ['
    current: dict[str, object] | None = None
    first = True
    for row in long_rows:
        key = (row["research_id"], row["round"])
        if current is None or (current["research_id"], current["round"]) != key:
            if current is not None:
                yield ("" if first else ",") + json.dumps(schema.dump(current), ensure_ascii=False)
                first = False
            current = {column: row[column] for column in SUBMISSION_COLUMNS} | {"answers": []}
        current["answers"].append(row)  # type: ignore[union-attr]
    if current is not None:
        yield ("" if first else ",") + json.dumps(schema.dump(current), ensure_ascii=False)
    yield "]}"


def value_labels(variable: Variable, language: str = "da") -> dict[int, str]:
    """Return a variable's value labels: its scale's (when it has one) and the missing codes."""
    labels = {MISSING_VALUES[code]: MISSING_LABELS[code][language] for code in MISSING_VALUES}
    if len(variable.scales) == 1:
        labels.update({point.code: point.label[language] for point in variable.scales[0].points})
    return labels


def _frame(
    columns: list[str], rows: Iterable[dict[str, object]], variables: list[Variable]
) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=columns)
    for column in ("started_on", "completed_on"):
        frame[column] = pd.to_datetime(frame[column])
    for variable in variables:
        frame[variable.name] = pd.to_numeric(frame[variable.name], errors="coerce").astype(
            "float64"
        )
    frame["scale_steps"] = pd.to_numeric(frame["scale_steps"], errors="coerce").astype("float64")
    for column in SUBMISSION_COLUMNS:
        if frame[column].dtype == object:
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def write_stats_file(
    path: Path,
    kind: str,
    columns: list[str],
    rows: Iterable[dict[str, object]],
    variables: list[Variable],
) -> int:
    """Write a labelled SPSS (.sav) or Stata (.dta) file; return the number of rows."""
    frame = _frame(columns, rows, variables)
    column_labels = {variable.name: variable.label[:80] for variable in variables}
    labels = {
        variable.name: value_labels(variable) for variable in variables if not variable.is_score
    }
    if kind == "sav":
        user_missing = {name: MISSING_NUMBERS for name in labels}
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=column_labels,
            variable_value_labels=labels,
            missing_ranges=user_missing,
        )
    else:
        pyreadstat.write_dta(
            frame, str(path), column_labels=column_labels, variable_value_labels=labels, version=15
        )
    return len(frame)


def write_xlsx(
    path: Path, columns: list[str], rows: Iterable[dict[str, object]], variables: list[Variable]
) -> int:
    """Write the wide data and a codebook sheet with openpyxl's write-only mode."""
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append([neutralise(column) for column in columns])
    count = 0
    for row in rows:
        data.append([_xlsx_cell(row.get(column)) for column in columns])
        count += 1
    codebook = workbook.create_sheet("codebook")
    codebook.append(["variable", "label", "values"])
    for variable in variables:
        values = "; ".join(
            f"{code} = {label}" for code, label in sorted(value_labels(variable).items())
        )
        codebook.append([variable.name, neutralise(variable.label), neutralise(values)])
    workbook.save(path)
    return count


def _xlsx_cell(value: object) -> object:
    return None if value is None else neutralise(value)


def label_rows(variables: list[Variable]) -> Iterator[dict[str, object]]:
    """Yield (variable, value, label) rows: the value labels for R and other tools."""
    for variable in variables:
        if variable.is_score:
            continue
        for code, label in sorted(value_labels(variable).items()):
            yield {"variable": variable.name, "value": code, "label": label}


R_SCRIPT = """# Read the wide export and apply the value labels (written by the survey platform).
# Missing codes (-1 rather not say, -2 don't know, -3 not shown) become NA in the factors.
data <- read.csv("data-wide.csv", fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)
labels <- read.csv("value-labels.csv", fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)
for (variable in unique(labels$variable)) {
  if (!variable %in% names(data)) next
  these <- labels[labels$variable == variable & labels$value >= 0, ]
  data[[paste0(variable, "_f")]] <- factor(data[[variable]],
                                          levels = these$value, labels = these$label)
}
str(data)
"""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_filename(*parts: str) -> str:
    """Return a download file name of plain letters, digits, dots, dashes and underscores."""
    return _UNSAFE.sub("-", "_".join(part for part in parts if part)).strip("-.") or "export"

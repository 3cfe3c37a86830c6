"""Writers: rows in, file out. Text formats stream; binary ones are built in a temporary file."""

from __future__ import annotations

import csv
import functools
import io
import json
import operator
from array import array
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from marshmallow import Schema, fields

from survey.exports.dataset import (
    ANSWER_COLUMNS,
    LONG_COLUMNS,
    SUBMISSION_COLUMNS,
    LongRow,
    Variable,
)
from survey.instruments.model import MISSING_LABELS, MISSING_VALUES

if TYPE_CHECKING:
    import pandas as pd

# numpy, pandas, pyreadstat and openpyxl are imported where a file is written: together they
# take about 0.4 s to import, which every worker would otherwise pay when it starts.

#: A spreadsheet treats a cell starting with one of these as a formula (CWE-1236).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
MISSING_NUMBERS = sorted(MISSING_VALUES.values())
#: Submission columns that hold days (``datetime.date``, None when unknown).
DATE_COLUMNS = ("started_on", "completed_on")


def neutralise(value: object) -> object:
    """Return text that cannot run as a spreadsheet formula (prefixed with ')."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _cell(value: object) -> object:
    """Return a CSV cell: numbers as they are, days as ISO dates, text neutralised.

    Cached: an export repeats the same few thousand values millions of times.
    """
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def csv_chunks(columns: Iterable[str], rows: Iterable[dict[str, object]]) -> Iterator[str]:
    """Yield an RFC 4180 CSV (UTF-8 with BOM, for Excel) a few rows at a time.

    Every row holds every column.
    """
    columns = list(columns)
    values = operator.itemgetter(*columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralise(column) for column in columns])
    for number, row in enumerate(rows, start=1):
        writer.writerow(map(_cell, values(row)))
        if number % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def long_csv_chunks(rows: Iterable[LongRow]) -> Iterator[str]:
    """Yield the long export as CSV (like ``csv_chunks`` over LONG_COLUMNS), a few rows at a
    time: each submission's columns and each kind of answer are turned into text once."""
    buffer = io.StringIO()
    # The line end is also what the writer quotes a field for (a carriage return in a name).
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: Iterable[object], end: str) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(map(_cell, cells))
        return buffer.getvalue()[:-2] + end

    submission_values = operator.itemgetter(*SUBMISSION_COLUMNS)
    answers: dict[tuple[object, ...], str] = {}
    fields: dict[str, object] | None = None
    start = ""
    lines = ["\ufeff" + line(LONG_COLUMNS, "\r\n")]
    for submission, answer in rows:
        if submission is not fields:
            fields, start = submission, line(submission_values(submission), ",")
        end = answers.get(answer)
        if end is None:
            end = answers[answer] = line(answer, "\r\n")
        lines.append(start + end)
        if len(lines) == 1000:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


class SubmissionSchema(Schema):
    """One submission in the JSON export; its answers follow as objects of ANSWER_COLUMNS
    (plain dicts: an export holds millions of answers)."""

    research_id = fields.String()
    site = fields.String()
    round = fields.String()
    group = fields.String()
    age_band = fields.String(allow_none=True)
    assistance_mode = fields.String(allow_none=True)
    layout = fields.String(allow_none=True)
    scale_steps = fields.Integer(allow_none=True)
    language = fields.String(allow_none=True)
    reference_period = fields.String(allow_none=True)
    whole_period = fields.String(allow_none=True)
    started_on = fields.Date(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    status = fields.String()


def json_chunks(meta: dict[str, object], long_rows: Iterable[LongRow]) -> Iterator[str]:
    """Yield a JSON document: the filters, then one object per submission with its answers.

    A long row without an item stands for a submission without answers (e.g. declined).
    """
    schema = SubmissionSchema()
    yield '{"export": ' + json.dumps(meta, ensure_ascii=False) + ', "submissions": ['
    fields: dict[str, object] | None = None
    current: dict[str, object] = {}
    separator = ""
    for submission, answer in long_rows:
        if submission is not fields:
            if fields is not None:
                yield separator + json.dumps(current, ensure_ascii=False)
                separator = ","
            fields, current = submission, schema.dump(submission) | {"answers": []}
        if answer[0] is not None:
            current["answers"].append(dict(zip(ANSWER_COLUMNS, answer, strict=True)))  # type: ignore[union-attr]
    if fields is not None:
        yield separator + json.dumps(current, ensure_ascii=False)
    yield "]}"


def missing_labels(language: str) -> dict[int, str]:
    """Return the labels of the missing codes' numbers."""
    return {MISSING_VALUES[code]: MISSING_LABELS[code][language] for code in MISSING_VALUES}


def value_labels(variable: Variable, language: str) -> dict[int, str]:
    """Return the value labels of an item variable: its one scale's choices and the missing codes.

    Score variables have none.
    """
    if variable.scale is None:
        return {}
    return {
        **missing_labels(language),
        **{point.code: point.label[language] for point in variable.scale.points},
    }


def _frame(
    columns: list[str], rows: Iterable[dict[str, object]], variables: list[Variable]
) -> pd.DataFrame:
    """Return the wide rows as a frame: numbers as float64, dates as dates, text as text.

    Dates stay ``datetime.date`` objects: pyreadstat writes those as date variables, whereas a
    datetime64 column of a unit other than nanoseconds (pandas 3 infers seconds) came out as
    1970-01-01.
    """
    import numpy as np
    import pandas as pd

    numbers = {name: array("d") for name in (*(v.name for v in variables), "scale_steps")}
    texts: dict[str, list[object]] = {c: [] for c in columns if c not in numbers}
    nan = float("nan")
    for row in rows:  # packed columns, not a list of row dicts: far less memory
        for name, packed in numbers.items():
            value = row[name]
            packed.append(nan if value is None else value)  # type: ignore[arg-type]
        for name, cells in texts.items():
            value = row[name]
            cells.append("" if value is None and name not in DATE_COLUMNS else value)
    data = {name: np.frombuffer(packed) for name, packed in numbers.items()} | texts
    frame = pd.DataFrame({column: data[column] for column in columns}, columns=columns)
    return frame


#: SPSS allows variable labels of 256 bytes; Stata of 80 characters.
SAV_LABEL_BYTES = 256
DTA_LABEL_CHARACTERS = 80
#: Stata's extended missing values for the missing codes' numbers.
STATA_MISSING = {-1: "a", -2: "b", -3: "c"}


def _sav_label(text: str) -> str:
    return text.encode()[:SAV_LABEL_BYTES].decode(errors="ignore")  # UTF-8


def _measure(variable: Variable) -> str:
    if variable.scale is None:
        return "scale"
    return "ordinal" if variable.scale.ordinal else "nominal"


def write_stats_file(
    path: Path,
    kind: str,
    columns: list[str],
    rows: Iterable[dict[str, object]],
    variables: list[Variable],
    language: str,
) -> int:
    """Write a labelled SPSS (.sav) or Stata (.dta) file; return the number of rows.

    Missing codes are user-missing -1, -2, -3 in SPSS and extended missing .a, .b, .c in Stata.
    """
    import pyreadstat

    frame = _frame(columns, rows, variables)
    labels = {v.name: value_labels(v, language) for v in variables if v.scale is not None}
    if kind == "sav":
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels={v.name: _sav_label(v.label) for v in variables},
            variable_value_labels=labels,
            missing_ranges={name: MISSING_NUMBERS for name in labels},
            variable_measure={v.name: _measure(v) for v in variables},
            variable_format={name: "F2.0" for name in labels},
            row_compress=True,  # SPSS bytecode compression, read by every SPSS reader
        )
        return len(frame)
    for name in labels:
        numbers = frame[name]
        missing = numbers.isin(list(STATA_MISSING))
        if missing.any():
            frame[name] = numbers.astype(object).mask(missing, numbers.map(STATA_MISSING))
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels={v.name: v.label[:DTA_LABEL_CHARACTERS] for v in variables},
        variable_value_labels={
            name: {STATA_MISSING.get(code, code): label for code, label in value.items()}
            for name, value in labels.items()
        },
        missing_user_values={name: list(STATA_MISSING.values()) for name in labels},
        version=15,
    )
    return len(frame)


def write_xlsx(
    path: Path,
    columns: list[str],
    rows: Iterable[dict[str, object]],
    variables: list[Variable],
    language: str,
) -> int:
    """Write the wide data and a codebook sheet with openpyxl's write-only mode.

    Text is stored as text: a cell that would start a formula is typed as a string, so the
    spreadsheet shows it and never runs it, and nothing is prefixed.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("data")
    data.append([_xlsx_cell(data, column) for column in columns])
    values = operator.itemgetter(*columns)
    count = 0
    for row in rows:
        data.append(
            [_xlsx_cell(data, cell) if cell.__class__ is str else cell for cell in values(row)]
        )
        count += 1
    codebook = workbook.create_sheet("codebook")
    codebook.append(["variable", "label", "values"])
    for variable in variables:
        labels = "; ".join(
            f"{code} = {label}" for code, label in sorted(value_labels(variable, language).items())
        )
        codebook.append(
            [variable.name, _xlsx_cell(codebook, variable.label), _xlsx_cell(codebook, labels)]
        )
    workbook.save(path)
    return count


def _xlsx_cell(sheet: object, value: object) -> object:
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value)  # type: ignore[arg-type]
        cell.data_type = "s"
        return cell
    return value


def label_rows(variables: list[Variable], language: str) -> Iterator[dict[str, object]]:
    """Yield (variable, value, label) rows: the value labels for R and other tools."""
    for variable in variables:
        for code, label in sorted(value_labels(variable, language).items()):
            yield {"variable": variable.name, "value": code, "label": label}


R_SCRIPT = """# Read the wide export of the survey platform and label it (see codebook.md).
# For every labelled variable x:
#   x          numbers, with the missing codes -1, -2, -3 turned into NA;
#   x_missing  why x is NA: "Vil ikke svare" (-1), "Ved ikke" (-2), "Ikke vist" (-3), or NA;
#   x_f        a factor of the answers with their labels.
data <- read.csv("data-wide.csv", fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)
labels <- read.csv("value-labels.csv", fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE)
for (column in c("started_on", "completed_on")) {
  data[[column]] <- as.Date(ifelse(data[[column]] == "", NA, data[[column]]))
}
for (variable in unique(labels$variable)) {
  if (!variable %in% names(data)) next
  values <- data[[variable]]
  answers <- labels[labels$variable == variable & labels$value >= 0, ]
  missing <- labels[labels$variable == variable & labels$value < 0, ]
  data[[paste0(variable, "_missing")]] <- factor(ifelse(values < 0, values, NA),
                                                levels = missing$value, labels = missing$label)
  values[!is.na(values) & values < 0] <- NA
  data[[variable]] <- values
  data[[paste0(variable, "_f")]] <- factor(values, levels = answers$value, labels = answers$label)
}
"""

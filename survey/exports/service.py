"""Building an export in a given format, audited; shared by the web page and ``survey export``."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from survey import audit
from survey.exports import writers
from survey.exports.dataset import (
    LONG_COLUMNS,
    SUBMISSION_COLUMNS,
    Filters,
    Variable,
    answer_count,
    instruments_in,
    long_rows,
    submission_count,
    wide_rows,
    wide_variables,
)
from survey.instruments import get_registry
from survey.instruments.codebook import render_markdown
from survey.instruments.loader import Registry

FORMATS = {
    "csv-long": ("text/csv; charset=utf-8", "csv"),
    "csv-wide": ("text/csv; charset=utf-8", "csv"),
    "csv-rounds": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "sav": ("application/x-spss-sav", "sav"),
    "dta": ("application/x-stata-dta", "dta"),
    "json": ("application/json", "json"),
    "codebook": ("text/markdown; charset=utf-8", "md"),
    "bundle": ("application/zip", "zip"),
}
PERSON_COLUMNS = ("research_id", "site", "group", "age_band")
#: Per-round columns of the longitudinal export: the rest is the same in every round.
ROUND_COLUMNS = tuple(c for c in SUBMISSION_COLUMNS if c not in (*PERSON_COLUMNS, "round"))


@dataclass
class Export:
    """A finished export: text chunks to stream, or a temporary file to send and delete."""

    filename: str
    mimetype: str
    rows: int
    chunks: Iterator[str] | None = None
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)


def _wide_columns(variables: list[Variable]) -> list[str]:
    return [*SUBMISSION_COLUMNS, *(variable.name for variable in variables)]


def _round_suffix(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "round"


def rounds_rows(
    filters: Filters, variables: list[Variable]
) -> tuple[list[str], list[dict[str, object]]]:
    """Return columns and rows of the longitudinal export: one row per participant."""
    rounds = [filters.round] if filters.round else list(filters.study.rounds)
    suffixes = {round_.name: _round_suffix(round_.name) for round_ in rounds}
    per_round = [*ROUND_COLUMNS, *(variable.name for variable in variables)]
    columns = [
        *PERSON_COLUMNS,
        *(f"{column}_{suffixes[r.name]}" for r in rounds for column in per_round),
    ]
    people: dict[str, dict[str, object]] = {}
    for row in wide_rows(filters, variables):
        person = people.setdefault(
            str(row["research_id"]), {column: row[column] for column in PERSON_COLUMNS}
        )
        suffix = suffixes[str(row["round"])]
        person.update({f"{column}_{suffix}": row[column] for column in per_round})
    return columns, list(people.values())


def _codebook(instruments: list) -> str:
    return render_markdown(Registry(instruments))


def export_codebook(filters: Filters) -> str:
    """Return the codebook (Markdown) of the instruments an export covers."""
    return _codebook(instruments_in(filters, get_registry()))


def build_export(filters: Filters, export_format: str, actor_user_id: int | None) -> Export:
    """Build the export and write it to the audit log (who, filters, format, row count)."""
    if export_format not in FORMATS:
        raise ValueError(f"unknown export format {export_format!r}")
    registry = get_registry()
    instruments = instruments_in(filters, registry)
    variables = wide_variables(instruments)
    mimetype, extension = FORMATS[export_format]
    name = writers.safe_filename(
        filters.study.slug,
        filters.round.name if filters.round else "all-rounds",
        export_format,
        date.today().isoformat(),
    )
    export = Export(filename=f"{name}.{extension}", mimetype=mimetype, rows=0)
    if export_format == "csv-long":
        export.rows = answer_count(filters)
        export.chunks = writers.csv_chunks(LONG_COLUMNS, long_rows(filters))
    elif export_format == "csv-wide":
        export.rows = submission_count(filters)
        export.chunks = writers.csv_chunks(_wide_columns(variables), wide_rows(filters, variables))
    elif export_format == "csv-rounds":
        columns, rows = rounds_rows(filters, variables)
        export.rows = len(rows)
        export.chunks = writers.csv_chunks(columns, rows)
    elif export_format == "json":
        export.rows = submission_count(filters)
        export.chunks = writers.json_chunks(filters.describe(), long_rows(filters))
    elif export_format == "codebook":
        export.rows = len(variables)
        export.chunks = iter([_codebook(instruments)])
    else:
        export.path = Path(tempfile.mkstemp(prefix="survey-export-", suffix=f".{extension}")[1])
        export.rows = _write_file(export.path, export_format, filters, variables, instruments)
    audit.record(
        "export.download",
        actor_user_id=actor_user_id,
        object_type="study",
        object_id=filters.study.id,
        format=export_format,
        rows=export.rows,
        **filters.describe(),
    )
    return export


def _write_file(
    path: Path, export_format: str, filters: Filters, variables: list[Variable], instruments: list
) -> int:
    columns = _wide_columns(variables)
    if export_format == "xlsx":
        return writers.write_xlsx(path, columns, wide_rows(filters, variables), variables)
    if export_format in ("sav", "dta"):
        return writers.write_stats_file(
            path, export_format, columns, wide_rows(filters, variables), variables
        )
    return _write_bundle(path, filters, variables, instruments)


def _write_bundle(
    path: Path, filters: Filters, variables: list[Variable], instruments: list
) -> int:
    """Write the analysis bundle: CSVs, .sav, .dta, value labels, codebook and an R script."""
    columns = _wide_columns(variables)
    with (
        tempfile.TemporaryDirectory(prefix="survey-bundle-") as folder,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
    ):
        for name, chunks in (
            ("data-long.csv", writers.csv_chunks(LONG_COLUMNS, long_rows(filters))),
            ("data-wide.csv", writers.csv_chunks(columns, wide_rows(filters, variables))),
            (
                "value-labels.csv",
                writers.csv_chunks(("variable", "value", "label"), writers.label_rows(variables)),
            ),
        ):
            with bundle.open(name, "w") as target:
                for chunk in chunks:
                    target.write(chunk.encode("utf-8"))
        rows = 0
        for kind in ("sav", "dta"):
            file = Path(folder) / f"data.{kind}"
            rows = writers.write_stats_file(
                file, kind, columns, wide_rows(filters, variables), variables
            )
            bundle.write(file, f"data.{kind}")
        bundle.writestr("codebook.md", _codebook(instruments))
        bundle.writestr("read-data.R", writers.R_SCRIPT)
    return rows

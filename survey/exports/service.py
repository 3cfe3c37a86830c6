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
from survey.exports import codebook, writers
from survey.exports.dataset import (
    LONG_COLUMNS,
    PARTICIPATION_COLUMNS,
    SUBMISSION_COLUMNS,
    Filters,
    Variable,
    instruments_in,
    long_row_count,
    long_rows,
    participation_rows,
    submission_count,
    wide_rows,
    wide_variables,
)
from survey.instruments import get_registry

FORMATS = {
    "csv-long": ("text/csv; charset=utf-8", "csv"),
    "csv-wide": ("text/csv; charset=utf-8", "csv"),
    "csv-rounds": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "sav": ("application/x-spss-sav", "sav"),
    "dta": ("application/x-stata-dta", "dta"),
    "json": ("application/json", "json"),
    "participation": ("text/csv; charset=utf-8", "csv"),
    "codebook": ("text/markdown; charset=utf-8", "md"),
    "bundle": ("application/zip", "zip"),
}
#: Languages of labels and codebooks (Danish first).
EXPORT_LANGUAGES = ("da", "en")


class ExportError(ValueError):
    """Filters or options that would give a misleading export (shown to the user as is)."""


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
            str(row["research_id"]),
            dict.fromkeys(columns) | {column: row[column] for column in PERSON_COLUMNS},
        )
        suffix = suffixes[str(row["round"])]
        person.update({f"{column}_{suffix}": row[column] for column in per_round})
    return columns, list(people.values())


def check_filters(filters: Filters) -> None:
    """Raise ExportError when the filters match no questionnaire (an empty-looking file)."""
    if not instruments_in(filters, get_registry()):
        group = f" for {filters.group.value}" if filters.group else ""
        what = f"questionnaire {filters.instrument!r}" if filters.instrument else "questionnaire"
        raise ExportError(f"No {what} was given{group} in the chosen rounds: nothing to export.")


def export_codebook(filters: Filters, language: str = "da") -> str:
    """Return the codebook (Markdown) of the variables an export covers."""
    return codebook.render(
        wide_variables(instruments_in(filters, get_registry()), language), language
    )


def build_export(
    filters: Filters, export_format: str, actor_user_id: int | None, language: str = "da"
) -> Export:
    """Build the export and write it to the audit log (who, filters, format, row count).

    Raises ExportError when the filters match no questionnaire.
    """
    if export_format not in FORMATS:
        raise ValueError(f"unknown export format {export_format!r}")
    if language not in EXPORT_LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    check_filters(filters)
    registry = get_registry()
    variables = wide_variables(instruments_in(filters, registry), language)
    mimetype, extension = FORMATS[export_format]
    name = writers.safe_filename(
        filters.study.slug,
        filters.round.name if filters.round else "all-rounds",
        export_format,
        date.today().isoformat(),
    )
    export = Export(filename=f"{name}.{extension}", mimetype=mimetype, rows=0)
    if export_format == "csv-long":
        export.rows = long_row_count(filters)
        export.chunks = writers.csv_chunks(LONG_COLUMNS, long_rows(filters, registry))
    elif export_format == "csv-wide":
        export.rows = submission_count(filters)
        export.chunks = writers.csv_chunks(_wide_columns(variables), wide_rows(filters, variables))
    elif export_format == "csv-rounds":
        columns, rows = rounds_rows(filters, variables)
        export.rows = len(rows)
        export.chunks = writers.csv_chunks(columns, rows)
    elif export_format == "json":
        export.rows = submission_count(filters)
        export.chunks = writers.json_chunks(filters.describe(), long_rows(filters, registry))
    elif export_format == "participation":
        rows = list(participation_rows(filters))
        export.rows = len(rows)
        export.chunks = writers.csv_chunks(PARTICIPATION_COLUMNS, rows)
    elif export_format == "codebook":
        export.rows = len(variables)
        export.chunks = iter([codebook.render(variables, language)])
    else:
        export.path = Path(tempfile.mkstemp(prefix="survey-export-", suffix=f".{extension}")[1])
        export.rows = _write_file(export.path, export_format, filters, variables, language)
    audit.record(
        "export.download",
        actor_user_id=actor_user_id,
        object_type="study",
        object_id=filters.study.id,
        format=export_format,
        rows=export.rows,
        language=language,
        **filters.describe(),
    )
    return export


def _write_file(
    path: Path, export_format: str, filters: Filters, variables: list[Variable], language: str
) -> int:
    columns = _wide_columns(variables)
    if export_format == "xlsx":
        return writers.write_xlsx(path, columns, wide_rows(filters, variables), variables, language)
    if export_format in ("sav", "dta"):
        return writers.write_stats_file(
            path, export_format, columns, wide_rows(filters, variables), variables, language
        )
    return _write_bundle(path, filters, variables, language)


def _write_bundle(path: Path, filters: Filters, variables: list[Variable], language: str) -> int:
    """Write the analysis bundle: CSVs, .sav, .dta, value labels, codebook and an R script."""
    columns = _wide_columns(variables)
    registry = get_registry()
    with (
        tempfile.TemporaryDirectory(prefix="survey-bundle-") as folder,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
    ):
        for name, chunks in (
            ("data-long.csv", writers.csv_chunks(LONG_COLUMNS, long_rows(filters, registry))),
            ("data-wide.csv", writers.csv_chunks(columns, wide_rows(filters, variables))),
            (
                "participation.csv",
                writers.csv_chunks(PARTICIPATION_COLUMNS, participation_rows(filters)),
            ),
            (
                "value-labels.csv",
                writers.csv_chunks(
                    ("variable", "value", "label"), writers.label_rows(variables, language)
                ),
            ),
        ):
            with bundle.open(name, "w") as target:
                for chunk in chunks:
                    target.write(chunk.encode("utf-8"))
        rows = 0
        for kind in ("sav", "dta"):
            file = Path(folder) / f"data.{kind}"
            rows = writers.write_stats_file(
                file, kind, columns, wide_rows(filters, variables), variables, language
            )
            bundle.write(file, f"data.{kind}")
        bundle.writestr("codebook.md", codebook.render(variables, language))
        bundle.writestr("read-data.R", writers.R_SCRIPT)
    return rows

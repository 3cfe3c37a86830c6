"""Building an export in a given format, audited; shared by the web page and ``survey export``."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from survey import audit
from survey.database import begin_reading
from survey.exports import codebook, writers
from survey.exports.dataset import (
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
from survey.extensions import db
from survey.instruments import get_registry
from survey.instruments.loader import Registry
from survey.web.downloads import safe_filename

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


class Job(NamedTuple):
    """What a format's writer is given."""

    filters: Filters
    variables: list[Variable]
    registry: Registry
    language: str


#: A streamed format's row count and text chunks.
Streamed = tuple[int, Iterator[str]]


@dataclass(frozen=True)
class Format:
    """An export format: what the page calls it, how it is sent, and what writes it (a text
    stream, or a temporary file)."""

    key: str
    label: LazyString
    mimetype: str
    extension: str
    stream: Callable[[Job], Streamed] | None = None
    to_file: Callable[[Job, Path], int] | None = None
    #: How many times it reads every submission (what ``survey export``'s bar counts to).
    passes: int = 1


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
    chosen = FORMATS[export_format]
    name = safe_filename(
        filters.study.slug,
        filters.round.name if filters.round else "all-rounds",
        export_format,
        date.today().isoformat(),
    )
    export = Export(filename=f"{name}.{chosen.extension}", mimetype=chosen.mimetype, rows=0)
    job = Job(filters, variables, registry, language)
    # Read in a transaction that holds no write lock on SQLite (the answers keep being saved),
    # then write the audit record in a transaction of its own.
    begin_reading(db.session)
    if chosen.stream is not None:
        export.rows, export.chunks = chosen.stream(job)
    else:
        suffix = f".{chosen.extension}"
        export.path = Path(tempfile.mkstemp(prefix="survey-export-", suffix=suffix)[1])
        export.rows = chosen.to_file(job, export.path)  # type: ignore[misc]
    db.session.commit()
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


def _write_bundle(job: Job, path: Path) -> int:
    """Write the analysis bundle: CSVs, .sav, .dta, value labels, codebook and an R script."""
    filters, variables, registry, language = job
    columns = _wide_columns(variables)
    with (
        tempfile.TemporaryDirectory(prefix="survey-bundle-") as folder,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
    ):
        for name, chunks in (
            ("data-long.csv", writers.long_csv_chunks(long_rows(filters, registry))),
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


def _csv_long(job: Job) -> Streamed:
    rows = writers.long_csv_chunks(long_rows(job.filters, job.registry))
    return long_row_count(job.filters), rows


def _csv_wide(job: Job) -> Streamed:
    rows = wide_rows(job.filters, job.variables)
    return submission_count(job.filters), writers.csv_chunks(_wide_columns(job.variables), rows)


def _csv_rounds(job: Job) -> Streamed:
    columns, rows = rounds_rows(job.filters, job.variables)
    return len(rows), writers.csv_chunks(columns, rows)


def _json(job: Job) -> Streamed:
    rows = long_rows(job.filters, job.registry)
    return submission_count(job.filters), writers.json_chunks(job.filters.describe(), rows)


def _participation(job: Job) -> Streamed:
    rows = list(participation_rows(job.filters))
    return len(rows), writers.csv_chunks(PARTICIPATION_COLUMNS, rows)


def _codebook(job: Job) -> Streamed:
    return len(job.variables), iter([codebook.render(job.variables, job.language)])


def _xlsx(job: Job, path: Path) -> int:
    rows = wide_rows(job.filters, job.variables)
    columns = _wide_columns(job.variables)
    return writers.write_xlsx(path, columns, rows, job.variables, job.language)


def _stats_file(kind: str) -> Callable[[Job, Path], int]:
    def write(job: Job, path: Path) -> int:
        rows = wide_rows(job.filters, job.variables)
        columns = _wide_columns(job.variables)
        return writers.write_stats_file(path, kind, columns, rows, job.variables, job.language)

    return write


CSV = "text/csv; charset=utf-8"
#: Every export format, in the order the export page offers them; the page, the command and
#: ``build_export`` all read this one table.
FORMATS: dict[str, Format] = {
    chosen.key: chosen
    for chosen in (
        Format("csv-long", _l("CSV, one row per answer"), CSV, "csv", stream=_csv_long),
        Format("csv-wide", _l("CSV, one row per submission"), CSV, "csv", stream=_csv_wide),
        Format(
            "csv-rounds",
            _l("CSV, one row per participant across rounds"),
            CSV,
            "csv",
            stream=_csv_rounds,
        ),
        Format(
            "xlsx",
            _l("Excel (XLSX) with a codebook sheet"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            to_file=_xlsx,
        ),
        Format(
            "sav",
            _l("SPSS (.sav) with labels"),
            "application/x-spss-sav",
            "sav",
            to_file=_stats_file("sav"),
        ),
        Format(
            "dta",
            _l("Stata (.dta) with labels"),
            "application/x-stata-dta",
            "dta",
            to_file=_stats_file("dta"),
        ),
        Format("json", _l("JSON"), "application/json", "json", stream=_json),
        Format(
            "participation",
            _l("CSV, one row per registered participant and round (response rates)"),
            CSV,
            "csv",
            stream=_participation,
            passes=0,
        ),
        Format(
            "codebook",
            _l("Codebook (Markdown)"),
            "text/markdown; charset=utf-8",
            "md",
            stream=_codebook,
            passes=0,
        ),
        Format(
            "bundle",
            _l("Analysis bundle (ZIP: CSV, .sav, .dta, codebook, R script)"),
            "application/zip",
            "zip",
            to_file=_write_bundle,
            passes=4,  # long, wide, .sav, .dta
        ),
    )
}

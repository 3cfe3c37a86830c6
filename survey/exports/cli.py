"""``survey export``: the same exports as the web page, written to a file."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.commands import fail, resolve_scope
from survey.exports.dataset import (
    READ_PROGRESS,
    Filters,
    participant_count,
    submission_count,
)
from survey.exports.service import (
    EXPORT_LANGUAGES,
    FORMATS,
    ExportError,
    build_export,
    check_filters,
    export_codebook,
)
from survey.extensions import db
from survey.models import Group


@click.command("export")
@click.option("--study", "study_slug", required=True, help="The study's short name.")
@click.option("--round", "round_name", help="Round name (default: every round).")
@click.option("--site", "site_name", help="Site id or name (default: every site).")
@click.option(
    "--group", type=click.Choice([group.value for group in Group]), help="child or staff."
)
@click.option("--instrument", help="Instrument key (default: every instrument).")
@click.option("--format", "export_format", type=click.Choice(list(FORMATS)), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--lang",
    "language",
    type=click.Choice(EXPORT_LANGUAGES),
    default="da",
    show_default=True,
    help="Language of labels and codebook.",
)
@with_appcontext
def export_command(
    study_slug: str,
    round_name: str | None,
    site_name: str | None,
    group: str | None,
    instrument: str | None,
    export_format: str,
    out: Path,
    language: str,
) -> None:
    """Export a response set (written to the audit log)."""
    scope = resolve_scope(study_slug, round_name, site_name)
    study, round_, site = scope.study, scope.round, scope.site
    filters = Filters(study, round_, site, Group(group) if group else None, instrument)
    try:
        check_filters(filters)
    except ExportError as error:
        fail(str(error))
    people = participant_count(filters)
    if people < current_app.config["MIN_CELL"]:
        click.echo(
            f"Warning: the filters leave {people} participants, fewer than MIN_CELL.", err=True
        )
    reads = submission_count(filters) * FORMATS[export_format].passes
    with click.progressbar(
        length=reads, label="Submissions read", show_pos=True, show_eta=True, file=sys.stderr
    ) as bar:
        following = READ_PROGRESS.set(bar.update)
        try:
            export = build_export(filters, export_format, actor_user_id=None, language=language)
            if export.path is not None:
                shutil.move(export.path, out)
            else:
                with out.open("w", encoding="utf-8", newline="") as stream:
                    for chunk in export.chunks or ():
                        stream.write(chunk)
        finally:
            READ_PROGRESS.reset(following)
    db.session.commit()
    click.echo(f"Wrote {export.rows} rows to {out}.")
    if export_format not in ("codebook", "bundle"):
        codebook = out.with_name(f"{out.stem}.{export_format}.codebook.md")
        codebook.write_text(export_codebook(filters, language), encoding="utf-8")
        click.echo(f"Wrote the codebook to {codebook}.")

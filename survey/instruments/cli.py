"""``survey instruments``: check files, print the codebook, lock the wording, record audio.

These commands work without a running app, so a broken instrument can still be checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.config import from_environment
from survey.instruments import instrument_folders
from survey.instruments.checks import readability
from survey.instruments.codebook import render_html, render_markdown
from survey.instruments.loader import load_folder, load_path, load_registry
from survey.instruments.lock import lock_wording
from survey.instruments.model import LANGUAGES
from survey.instruments.recorder import RecordingError, find_tools, record_folder

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _default_paths(paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) or instrument_folders(from_environment().get("INSTRUMENTS_PATH"))


@click.group("instruments")
def instruments_group() -> None:
    """Check, document and lock the instrument files."""


@instruments_group.command("check")
@PATHS
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate instrument files (default: shipped ones and INSTRUMENTS_PATH); exit 1 on errors."""
    registry, problems = load_registry(_default_paths(paths))
    for problem in problems:
        click.echo(str(problem), err=problem.is_error)
    for instrument in registry:
        for entry in readability(instrument):
            band = entry.age_band.value if entry.age_band else "staff"
            click.echo(f"{instrument.ref}: LIX {entry.language} {band}: {entry.lix:.1f}")
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    click.echo(f"{len(registry)} instrument versions, {errors} errors, {warnings} warnings.")
    if errors:
        sys.exit(1)


@instruments_group.command("codebook")
@click.option("--format", "output_format", type=click.Choice(["md", "html"]), default="md")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@PATHS
def codebook_command(output_format: str, out: Path | None, paths: tuple[Path, ...]) -> None:
    """Print the codebook of every instrument version as Markdown or HTML."""
    registry, problems = load_registry(_default_paths(paths))
    if any(problem.is_error for problem in problems):
        click.echo("Error: the instruments have errors; run 'survey instruments check'.", err=True)
        sys.exit(2)
    text = render_markdown(registry) if output_format == "md" else render_html(registry)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}.")


@instruments_group.command("lock")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), required=False)
def lock_command(folder: Path | None) -> None:
    """Record the wording of every new version in FOLDER's wording.lock.json (default: shipped)."""
    target = folder or _default_paths(())[0]
    instruments, problems = load_path(target)
    if any(problem.is_error for problem in problems):
        click.echo("Error: fix the instruments first; run 'survey instruments check'.", err=True)
        sys.exit(2)
    added = lock_wording(target, instruments)
    click.echo(f"Locked {', '.join(added)}." if added else "Every version was already locked.")


@instruments_group.command("audio")
@click.option("--instrument", "key", help="Record only this instrument's texts.")
@click.option("--language", type=click.Choice(LANGUAGES), help="Record only this language.")
@click.option("--force", is_flag=True, help="Record again the files this command made.")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
def audio_command(
    key: str | None, language: str | None, force: bool, folders: tuple[Path, ...]
) -> None:
    """Record each text the question page reads aloud into the folder's audio/ with espeak-ng.

    FOLDERS default to the shipped folder and INSTRUMENTS_PATH. A second run renders nothing.
    """
    try:
        tools = find_tools()
    except RecordingError as error:
        click.echo(f"Error: {error}.", err=True)
        sys.exit(1)
    paths = _default_paths(folders)
    loaded = []
    for folder in paths:
        instruments, problems = load_folder(folder)
        if any(problem.is_error for problem in problems):
            click.echo(f"Error: fix {folder} first; run 'survey instruments check'.", err=True)
            sys.exit(2)
        selected = [i for i in instruments if key is None or i.key == key]
        if selected:
            loaded.append((folder, instruments, selected))
    if not loaded:
        click.echo(f"Error: no instrument {key!r} in {', '.join(map(str, paths))}.", err=True)
        sys.exit(2)
    languages = (language,) if language else LANGUAGES
    for folder, instruments, selected in loaded:
        try:
            summary = record_folder(folder, instruments, selected, languages, tools, force)
        except RecordingError as error:
            click.echo(f"Error: {folder}: {error}.", err=True)
            sys.exit(1)
        for name in summary.left:
            click.echo(f"{folder}: no text uses audio/{name} any more; delete it if unneeded.")
        click.echo(
            f"{folder}: {summary.rendered} rendered, {summary.kept} kept, "
            f"{summary.removed} removed."
        )

"""``survey reports``: feedback PDFs for every site of a round, and the all-sites report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from survey import audit
from survey.extensions import db
from survey.models import Round, RoundStatus, Site, Study
from survey.reports.build import build_all_sites_report, build_site_reports
from survey.reports.pdf import render_all_sites_report, render_site_report


def _fail(message: str) -> None:
    from survey.cli import fail

    fail(message)


def report_filename(site: Site) -> str:
    """Return a plain file name for a site's report, unique by the site's id."""
    from survey.exports.writers import safe_filename

    return safe_filename(str(site.id), site.name) + ".pdf"


@click.command("reports")
@click.option("--study", "study_slug", required=True, help="The study's short name.")
@click.option("--round", "round_name", required=True, help="The round's name.")
@click.option("--site", "site_name", help="Only this site (id or name).")
@click.option(
    "--lang", "language", type=click.Choice(["da", "en"]), default="da", show_default=True
)
@click.option(
    "--date",
    "made_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Fixed date (identical files).",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option(
    "--draft",
    is_flag=True,
    help="Allow a draft or open round; every page is then marked as a draft.",
)
@with_appcontext
def reports_command(
    study_slug: str,
    round_name: str,
    site_name: str | None,
    language: str,
    made_on,  # type: ignore[no-untyped-def]
    out: Path,
    draft: bool,
) -> None:
    """Write one feedback PDF per site and all-sites.pdf into a folder (audited)."""
    study = db.session.scalar(sa.select(Study).where(Study.slug == study_slug))
    if study is None:
        _fail(f"No study {study_slug!r}.")
    round_ = db.session.scalar(
        sa.select(Round).where(Round.study_id == study.id, Round.name == round_name)
    )
    if round_ is None:
        _fail(f"The study has no round {round_name!r}.")
    sites = [s for s in study.sites if site_name in (None, s.name, str(s.id))]
    if not sites:
        _fail(f"The study has no site {site_name!r}.")
    unfinished = round_.status in (RoundStatus.DRAFT, RoundStatus.OPEN)
    if unfinished and not draft:
        _fail(
            f"The round {round_name!r} is {round_.status.value}: its reports would change. "
            "Close it first, or pass --draft for pages marked as a draft."
        )
    day: date | None = made_on.date() if made_on else None
    out.mkdir(parents=True, exist_ok=True)
    for report in build_site_reports(round_, sites, language, day):
        path = out / report_filename(report.site)
        path.write_bytes(render_site_report(report, draft=unfinished))
        audit.record(
            "report.download", object_type="site", object_id=report.site.id, round=round_.name
        )
        click.echo(f"Wrote {path}.")
    if site_name is None:
        path = out / "all-sites.pdf"
        report = build_all_sites_report(round_, language, day)
        path.write_bytes(render_all_sites_report(report, draft=unfinished))
        audit.record("report.download", object_type="round", object_id=round_.id)
        click.echo(f"Wrote {path}.")
    db.session.commit()

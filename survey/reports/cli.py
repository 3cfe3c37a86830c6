"""``survey reports``: feedback PDFs for every site of a round, and the all-sites report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey import audit
from survey.commands import fail, resolve_scope
from survey.database import begin_reading
from survey.extensions import db
from survey.models import RoundStatus
from survey.reports.build import build_all_sites_report, build_site_reports, score_rounds
from survey.reports.pdf import render_all_sites_report, render_site_reports, report_filename


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
    scope = resolve_scope(study_slug, round_name, site_name)
    study, round_ = scope.study, scope.round
    sites = [scope.site] if scope.site else list(study.sites)
    unfinished = round_.status in (RoundStatus.DRAFT, RoundStatus.OPEN)
    if unfinished and not draft:
        fail(
            f"The round {round_name!r} is {round_.status.value}: its reports would change. "
            "Close it first, or pass --draft for pages marked as a draft."
        )
    day = made_on.date() if made_on else date.today()
    out.mkdir(parents=True, exist_ok=True)
    # On record before anything is drawn (a run that stops half-way is still audited); then
    # read and drawn in a transaction that holds no write lock on SQLite, so that the answers
    # keep being saved during a long run.
    for site in sites:
        audit.record("report.download", object_type="site", object_id=site.id, round=round_.name)
    if site_name is None:
        audit.record("report.download", object_type="round", object_id=round_.id)
    begin_reading(db.session)
    scoring = score_rounds(round_)  # once, for the site reports and the all-sites report
    reports = build_site_reports(round_, sites, language, day, scoring)
    written = []
    with click.progressbar(
        length=len(reports), label="Site reports", show_pos=True, show_eta=True
    ) as bar:
        for report, content in zip(
            reports, render_site_reports(reports, draft=unfinished), strict=True
        ):
            path = out / report_filename(report.site)
            path.write_bytes(content)
            written.append(path)
            bar.update(1)
    for path in written:
        click.echo(f"Wrote {path}.")
    if site_name is None:
        path = out / "all-sites.pdf"
        report = build_all_sites_report(round_, language, day, scoring)
        path.write_bytes(render_all_sites_report(report, draft=unfinished))
        click.echo(f"Wrote {path}.")
    db.session.commit()  # ends the reading

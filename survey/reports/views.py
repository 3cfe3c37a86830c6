"""Feedback reports, as PDF downloads and as web pages: evaluators and administrators once a
round is closed, a site's coordinator once it is released."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from survey import audit
from survey.database import begin_reading
from survey.extensions import db
from survey.i18n import select_locale
from survey.models import Round, Site
from survey.reports.build import build_all_sites_report, build_site_report
from survey.reports.page import all_sites_page, site_page
from survey.reports.pdf import render_all_sites_report, render_site_report, report_filename
from survey.web.access import (
    ALL_ROLES,
    STUDY_ROLES,
    deny,
    get_round,
    get_site,
    may_download_reports,
    requires,
)
from survey.web.downloads import attachment

bp = Blueprint("reports", __name__, url_prefix="/admin/reports")


def _round_with_reports(round_id: int) -> Round:
    """Return a round whose reports the signed-in user may have now, or refuse."""
    round_ = get_round(round_id)
    if not may_download_reports(round_):
        deny(403)
    return round_


def _site_and_round(round_id: int, site_id: int) -> tuple[Site, Round]:
    """Return a site and a round of its study whose report the user may have now, or refuse."""
    round_, site = get_round(round_id), get_site(site_id)
    if site.study_id != round_.study_id:
        abort(404)
    if not may_download_reports(round_):
        deny(403)
    return site, round_


def _record_site_report(site: Site, round_: Round, **details: str) -> None:
    audit.record(
        "report.download",
        actor_user_id=current_user.id,
        object_type="site",
        object_id=site.id,
        round=round_.name,
        **details,
    )


def _record_all_sites_report(round_: Round, **details: str) -> None:
    audit.record(
        "report.download",
        actor_user_id=current_user.id,
        object_type="round",
        object_id=round_.id,
        **details,
    )


# Every report view puts the download on record first, then reads and draws in a transaction
# that holds no write lock on SQLite (``begin_reading``), so answers keep being saved meanwhile.


def _pdf(content: bytes, filename: str) -> Response:
    return attachment(content, filename, "application/pdf")


@bp.get("/<int:round_id>/sites/<int:site_id>.pdf")
@requires(*ALL_ROLES)
def download_site_report(round_id: int, site_id: int) -> Response:
    """Return one site's feedback report for a round."""
    site, round_ = _site_and_round(round_id, site_id)
    _record_site_report(site, round_)
    begin_reading(db.session)
    content = render_site_report(build_site_report(site, round_, "da", date.today()))
    db.session.commit()
    return _pdf(content, report_filename(site))


@bp.get("/<int:round_id>/sites/<int:site_id>")
@requires(*ALL_ROLES)
def show_site_report(round_id: int, site_id: int) -> str:
    """Show one site's feedback report for a round as a web page, in the user's language."""
    site, round_ = _site_and_round(round_id, site_id)
    _record_site_report(site, round_, format="html")
    begin_reading(db.session)
    report = build_site_report(site, round_, select_locale(), date.today())
    html = render_template("reports/site_report.html", page=site_page(report), report=report)
    db.session.commit()
    return html


@bp.get("/<int:round_id>/all-sites.pdf")
@requires(*STUDY_ROLES)
def download_all_sites_report(round_id: int) -> Response:
    """Return the all-sites report of a round."""
    round_ = _round_with_reports(round_id)
    _record_all_sites_report(round_)
    begin_reading(db.session)
    content = render_all_sites_report(build_all_sites_report(round_, "da", date.today()))
    db.session.commit()
    return _pdf(content, "all-sites.pdf")


@bp.get("/<int:round_id>/all-sites")
@requires(*STUDY_ROLES)
def show_all_sites_report(round_id: int) -> str:
    """Show the all-sites report of a round as a web page, in the user's language."""
    round_ = _round_with_reports(round_id)
    _record_all_sites_report(round_, format="html")
    begin_reading(db.session)
    report = build_all_sites_report(round_, select_locale(), date.today())
    html = render_template(
        "reports/all_sites_report.html", page=all_sites_page(report), report=report
    )
    db.session.commit()
    return html

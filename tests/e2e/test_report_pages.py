"""The feedback reports as web pages in real Chromium: reached from the round, axe-clean."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from survey.extensions import db
from survey.models import Round, RoundStatus, Site
from tests.e2e.conftest import E2E_ADMIN, assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_report_pages_open_from_the_round_and_pass_axe(page, live_server, live_app, axe):
    with live_app.app_context():
        round_ = db.session.scalar(sa.select(Round).where(Round.status == RoundStatus.CLOSED))
        site = db.session.scalar(sa.select(Site).where(Site.name == "Døgninstitutionen Egebakken"))
        round_id, site_id = round_.id, site.id
    sign_in(page, live_server, E2E_ADMIN)
    page.goto(f"{live_server}/admin/rounds/{round_id}")
    reports = page.locator("section[aria-labelledby='reports']")

    reports.locator(f"a[href='/admin/reports/{round_id}/sites/{site_id}']").click()
    expect(page.locator("h1")).to_have_text("Tilbagemelding – Døgninstitutionen Egebakken")
    expect(page.locator("main table").first).to_be_visible()
    assert page.locator("main table caption").count() == page.locator("main table").count()
    assert_accessible(axe, page)
    screenshot(page, "report-page-site")

    page.go_back()
    reports.locator(f"a[href='/admin/reports/{round_id}/all-sites']").click()
    expect(page.locator("h1")).to_have_text("Alle steder – Demo: Tryg hverdag")
    assert_accessible(axe, page)
    screenshot(page, "report-page-all-sites")

"""Administration in real Chromium: a coordinator registers children and prints their cards."""

import io
import re

import pdfplumber
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from survey.extensions import db
from survey.models import Participant, Round, RoundStatus, Site, Submission
from survey.pseudonyms import CODE_ALPHABET
from tests.e2e.conftest import (
    E2E_ADMIN,
    E2E_COORDINATOR,
    E2E_SITE,
    assert_accessible,
    screenshot,
    sign_in,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e
CODE = re.compile(rf"[{CODE_ALPHABET}]{{5}}-[{CODE_ALPHABET}]{{5}}")


def test_coordinator_registers_children_and_downloads_cards(page, live_server, axe):
    page.goto(live_server + "/admin/login")
    assert_accessible(axe, page)
    sign_in(page, live_server, E2E_COORDINATOR)
    assert page.locator("h1").inner_text() == E2E_SITE
    assert_accessible(axe, page)

    page.get_by_label("Hvor mange").fill("0")
    page.get_by_role("button", name="Registrér og vis koder").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert "Registrér mellem 1 og 200 ad gangen." in page.content()
    assert_accessible(axe, page)

    page.get_by_label("Hvem").select_option("child")
    page.get_by_label("Hvor mange").fill("3")
    page.get_by_label("Alder (børn)").select_option("6-9")
    page.get_by_label("Visning").select_option("faces")
    page.get_by_label("Interne betegnelser, én pr. linje (valgfrit; ingen navne)").fill(
        "Stue 2, A\nStue 2, B\nStue 3"
    )
    page.get_by_role("button", name="Registrér og vis koder").click()
    expect(page.locator("h1")).to_have_text("3 deltagere er registreret")
    shown = CODE.findall(page.locator("table").inner_text())
    assert len(shown) == 3
    assert_accessible(axe, page)
    screenshot(page, "admin-codes")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Hent kodekort (PDF)").click()
    with pdfplumber.open(io.BytesIO(download_info.value.path().read_bytes())) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert sorted(CODE.findall(text)) == sorted(shown)
    assert "Stue 2, A" in text

    page.get_by_role("link", name=f"Tilbage til {E2E_SITE}").click()
    page.get_by_role("link", name="Overblik for follow-up").click()
    expect(page.locator("h1")).to_have_text("Svarprocenter: follow-up")
    assert_accessible(axe, page)


def test_dashboard_refreshes_without_reloading(page, live_server, live_app):
    sign_in(page, live_server, E2E_ADMIN)
    with live_app.app_context():
        round_ = db.session.scalar(sa.select(Round).where(Round.status == RoundStatus.OPEN))
        site = db.session.scalar(sa.select(Site).where(Site.name == "Døgninstitutionen Egebakken"))
        round_id, site_id = round_.id, site.id
    page.goto(f"{live_server}/admin/rounds/{round_id}/dashboard")
    cell = page.locator(f'tr[data-site="{site_id}"] [data-field="staff.started"]')
    before = int(cell.inner_text())
    page.evaluate("window.__sameDocument = true")
    with live_app.app_context():
        participant = db.session.scalar(
            sa.select(Participant)
            .where(Participant.site_id == site_id, Participant.age_band.is_(None))
            .where(~Participant.submissions.any(Submission.round_id == round_id))
        )
        db.session.add(Submission(participant=participant, round_id=round_id))
        db.session.commit()
    expect(cell).to_have_text(str(before + 1), timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True
    assert "Tallene er opdateret" in page.locator("#dashboard-status").inner_text()


def test_every_admin_page_passes_axe(page, live_server, axe):
    sign_in(page, live_server, E2E_ADMIN)
    assert page.locator("h1").inner_text() == "Undersøgelser"
    assert_accessible(axe, page)
    page.get_by_role("link", name="Demo: Tryg hverdag").click()
    expect(page.locator("h1")).to_have_text("Demo: Tryg hverdag")
    page.locator("summary", has_text="Ny runde").click()
    page.locator("summary", has_text="Nyt sted").click()
    assert_accessible(axe, page)
    screenshot(page, "admin-study")
    page.get_by_role(
        "link", name="Rename the study".replace("Rename the study", "Omdøb undersøgelsen")
    ).click()
    assert_accessible(axe, page)
    page.go_back()
    page.get_by_role("link", name="baseline", exact=True).click()
    expect(page.locator("h1")).to_have_text("Runde baseline")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Svarprocenter").first.click()
    expect(page.locator("h1")).to_have_text("Svarprocenter: baseline")
    assert_accessible(axe, page)
    screenshot(page, "admin-dashboard")
    page.get_by_role("link", name="Brugere").click()
    expect(page.locator("h1")).to_have_text("Brugere")
    assert_accessible(axe, page)
    page.get_by_role("link", name=E2E_COORDINATOR).click()
    expect(page.locator("h1")).to_have_text(E2E_COORDINATOR)
    assert_accessible(axe, page)
    page.goto(live_server + "/admin/")
    page.get_by_role("link", name="Demo: Tryg hverdag").click()
    page.get_by_role("link", name="Redigér Opholdsstedet Havtorn").click()
    expect(page.locator("h1")).to_have_text("Redigér sted")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Log ud").click()
    expect(page.locator(".flash")).to_have_text("Du er logget ud.")
    assert_accessible(axe, page)


def test_admin_pages_work_by_keyboard_and_in_english(page, live_server, axe):
    page.goto(live_server + "/admin/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").focus()
    page.keyboard.type(E2E_ADMIN)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Studies")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(axe, page)

"""The start page in real Chromium: Danish first, English on request, accessible, keyboard-only."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.e2e

DANISH_HEADING = "Spørgeskemaer for børn og voksne på døgninstitutioner og opholdssteder"
ENGLISH_HEADING = "Questionnaires for children and adults at residential institutions"


def test_start_page_switches_language_with_zero_axe_violations(page, live_server, axe):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.locator("h1").inner_text() == DANISH_HEADING
    assert_accessible(axe, page)
    screenshot(page, "start-da")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(ENGLISH_HEADING)
    assert_accessible(axe, page)
    screenshot(page, "start-en")

    page.get_by_role("button", name="Dansk").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")


def test_keyboard_reaches_skip_link_and_language_switcher(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Gå til indholdet"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "English"
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_language_switch_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text(ENGLISH_HEADING)
    context.close()


def test_start_page_reflows_at_320_px_without_horizontal_scrolling(browser, live_server, axe):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(axe, page)
    screenshot(page, "start-da-320px")
    context.close()


def test_page_loads_nothing_from_other_origins(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    failed = []
    page.on(
        "response", lambda response: failed.append(response.url) if response.status >= 400 else None
    )
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server + "/")
    page.wait_for_load_state("networkidle")
    assert requested
    assert all(url.startswith(live_server) for url in requested)
    assert failed == []  # not even /favicon.ico
    assert not any("favicon" in url for url in requested)  # the icon is in the page
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon.startswith("data:image/svg+xml;base64,")
    assert errors == []
    fonts = page.evaluate("document.fonts.check('16px \"Atkinson Hyperlegible\"')")
    assert fonts

"""The accessibility statement (tilgængelighedserklæring): its parts, its contact, its link."""

from __future__ import annotations

import lxml.html
import pytest
from babel.dates import format_date

from survey.config import (
    PLACEHOLDER_ACCESSIBILITY_EMAIL,
    ConfigError,
    from_environment,
    validate,
)
from survey.main.accessibility import STATEMENT_DATE, SUPERVISOR_URL

#: The parts of Digitaliseringsstyrelsen's template after the commitment, in its order.
SECTIONS = ["compliance", "not-accessible", "preparation", "feedback", "enforcement"]


def page(response) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    """Return the parsed page of a successful response."""
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def test_statement_has_the_template_parts_and_names_the_supervisor(make_app):
    client = make_app(
        BABEL_DEFAULT_LOCALE="da", ACCESSIBILITY_CONTACT_EMAIL="web@kommune.dk"
    ).test_client()
    html = page(client.get("/tilgaengelighed"))
    assert html.findtext(".//h1") == "Tilgængelighedserklæring"
    assert [section.get("aria-labelledby") for section in html.iter("section")] == SECTIONS
    text = " ".join(html.text_content().split())
    assert format_date(STATEMENT_DATE, format="long", locale="da") in text
    links = {link.get("href") for link in html.iter("a")}
    assert "mailto:web@kommune.dk" in links
    assert SUPERVISOR_URL in links
    assert not any(href.startswith("tel:") for href in links)  # no phone configured


def test_statement_shows_a_configured_phone_and_says_the_idle_minutes(make_app):
    client = make_app(
        ACCESSIBILITY_CONTACT_PHONE="+45 33 12 34 56",
        IDLE_PAUSE_SECONDS=600,
        ADMIN_IDLE_SECONDS=900,
        PUBLIC_URL="https://tryg.example.dk",
    ).test_client()
    html = page(client.get("/tilgaengelighed"))
    links = {link.get("href") for link in html.iter("a")}
    assert "tel:+4533123456" in links
    assert f"mailto:{PLACEHOLDER_ACCESSIBILITY_EMAIL}" in links
    text = " ".join(html.text_content().split())
    assert "https://tryg.example.dk" in text
    for minutes in ("10", "15"):
        assert f" {minutes} minut" in text


def test_statement_in_english(make_app):
    client = make_app().test_client()
    client.post("/language", data={"language": "en", "next": "/tilgaengelighed"})
    html = page(client.get("/tilgaengelighed"))
    assert html.get("lang") == "en"
    assert html.findtext(".//h1") == "Accessibility statement"
    assert html.findtext(".//h2") == "Compliance status"


def test_every_kind_of_page_links_to_the_statement_in_its_footer(make_app, field):
    client = make_app().test_client()
    client.post("/respond/", data={"code": field.codes["teen"]})
    setup = {"assistance_mode": "alone", "layout": "faces", "scale_steps": "5"}
    setup |= {"text_size": "normal", "language": "da"}
    client.post("/respond/setup", data=setup)
    client.post("/respond/assent")
    for path in ("/", "/admin/login", "/respond/q/0", "/no-such-page"):
        response = client.get(path)
        html = lxml.html.fromstring(response.get_data(as_text=True))
        footer_links = html.xpath("//footer//a/@href")
        assert footer_links == ["/tilgaengelighed"], path


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("ACCESSIBILITY_CONTACT_EMAIL", "not an address"),
        ("ACCESSIBILITY_CONTACT_EMAIL", "web@kommune"),
        ("ACCESSIBILITY_CONTACT_PHONE", "call us"),
        ("ACCESSIBILITY_CONTACT_PHONE", "12"),
    ],
)
def test_accessibility_contact_settings_are_refused_when_unusable(setting, value):
    with pytest.raises(ConfigError, match=setting):
        validate(from_environment({setting: value}))


def test_accessibility_contact_defaults_to_a_placeholder_address_and_no_phone():
    settings = from_environment({})
    validate(settings)
    assert settings["ACCESSIBILITY_CONTACT_EMAIL"] == PLACEHOLDER_ACCESSIBILITY_EMAIL
    assert settings["ACCESSIBILITY_CONTACT_PHONE"] is None
    validate(from_environment({"ACCESSIBILITY_CONTACT_PHONE": "33 12 34 56"}))

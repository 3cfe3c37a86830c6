"""Danish pages show no English (issue 14): every page, the PDFs, form errors and plurals.

The pages are rendered in Danish as every kind of visitor sees them: their visible text, and
the text a screen reader speaks, must hold no message of the catalogue and no text of an
instrument whose Danish differs from its English (``danish_text`` says how it is found).
Form errors come from WTForms and Flask-WTF in Danish, and plurals follow the count.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask, template_rendered
from flask.testing import FlaskClient

import survey.web.forms
from survey.demo import create_demo
from survey.extensions import db
from survey.models import Group, Participant, Role, Round, RoundStatus, Site, Study, TalkRequest
from tests.factories import PASSWORD, make_participant, make_round, make_site, make_study, make_user
from tests.integration.danish_text import (
    EnglishFinder,
    danish_catalogue,
    html_text,
    instrument_texts,
    normalise,
    pdf_text,
)

# The visitors --------------------------------------------------------------------------------


@dataclass
class Place:
    """The demo study, with visitors of every kind and what they act on."""

    study: Study
    open_round: Round
    closed_round: Round
    site: Site
    other_site: Site
    coordinator_id: int
    clients: dict[str, FlaskClient]
    child_codes: list[str]
    staff_code: str
    no_round_code: str


def danish_client(make_app: Callable[..., Flask], **config: object) -> FlaskClient:
    """Return a test client of an app whose default language is Danish."""
    return make_app(BABEL_DEFAULT_LOCALE="da", **config).test_client()


@pytest.fixture
def place(app, make_app) -> Place:
    """Create the demo study, a user of every role signed in, and codes of fresh respondents."""
    result = create_demo()
    study = db.session.scalar(sa.select(Study).where(Study.slug == "demo"))
    rounds = {round_.status: round_ for round_ in study.rounds}
    site, other_site = study.sites[0], study.sites[1]
    make_user("sara@example.org", Role.EVALUATOR)
    coordinator = make_user("mette@example.org", Role.COORDINATOR, site)
    children = [entry.code for entry in result.codes[site.name] if _is_child(entry)]
    staff = next(entry.code for entry in result.codes[site.name] if not _is_child(entry))
    # A study with no open round: its participant meets the "no open round" page.
    quiet = make_study("quiet", "Stille studie")
    make_round(quiet, "baseline")
    no_round = make_participant(make_site(quiet, "Bakkehuset"), Group.STAFF).code
    db.session.commit()

    clients = {"anonymous": danish_client(make_app)}
    for name, email, password in (
        ("admin", "admin@demo.example", result.admin_password),
        ("evaluator", "sara@example.org", PASSWORD),
        ("coordinator", "mette@example.org", PASSWORD),
    ):
        client = danish_client(make_app)
        response = client.post("/admin/login", data={"email": email, "password": password})
        assert response.status_code == 303, name
        clients[name] = client
    return Place(
        study=study,
        open_round=rounds[RoundStatus.OPEN],
        closed_round=rounds[RoundStatus.CLOSED],
        site=site,
        other_site=other_site,
        coordinator_id=coordinator.id,
        clients=clients,
        child_codes=children,
        staff_code=staff,
        no_round_code=no_round,
    )


def _is_child(entry) -> bool:  # type: ignore[no-untyped-def]
    return entry.participant.group is Group.CHILD


# The pages -----------------------------------------------------------------------------------


def get_pages(client: FlaskClient, label: str, paths: list[str]) -> Iterator[tuple[str, str]]:
    """Yield (label, HTML) of each path, following redirects; no server error allowed."""
    for path in paths:
        response = client.get(path, follow_redirects=True)
        assert response.status_code < 500, (label, path, response.status_code)
        yield f"{label} GET {path}", response.get_data(as_text=True)


def respondent_pages(make_app, place: Place) -> Iterator[tuple[str, str]]:
    """Yield every page a child and a member of staff see, from the code to the goodbye."""
    anonymous = danish_client(make_app)
    yield from get_pages(
        anonymous,
        "anonymous",
        ["/respond/", "/respond/paused", "/respond/paused?idle=1", "/respond/not-today"],
    )
    yield from get_pages(anonymous, "anonymous", ["/respond/goodbye", "/respond/goodbye?talk=yes"])
    for data, label in (({"code": ""}, "no code"), ({"code": "WRONG-CODE-0"}, "wrong code")):
        yield f"respondent {label}", anonymous.post("/respond/", data=data).get_data(as_text=True)
    no_round = danish_client(make_app)
    response = no_round.post("/respond/", data={"code": place.no_round_code})
    yield "respondent without open round", response.get_data(as_text=True)

    yield from child_pages(danish_client(make_app), place.child_codes[0], "faces", talk="yes")
    yield from child_pages(danish_client(make_app), place.child_codes[1], "simple", talk="no")
    yield from not_today_pages(danish_client(make_app), place.child_codes[2])
    yield from staff_pages(danish_client(make_app), place.staff_code)


SETUP = {
    "assistance_mode": "reading_help",
    "scale_steps": "3",
    "text_size": "large",
    "language": "da",
    "read_aloud": "y",
    "switch_scanning": "y",
    "scan_aloud": "y",
    "high_contrast": "y",
    # The demo's first children, whose codes the tests use, are 6-9: their adult chooses this.
    "reference_period": "weeks4",
}


def child_pages(
    client: FlaskClient, code: str, layout: str, talk: str
) -> Iterator[tuple[str, str]]:
    """Answer every question as a child ("I don't want to answer"), yielding each page."""
    label = f"child ({layout})"
    assert client.post("/respond/", data={"code": code}).headers["Location"] == "/respond/setup"
    yield from get_pages(client, label, ["/respond/setup"])
    refused = client.post("/respond/setup", data={**SETUP, "layout": layout, "language": "xx"})
    yield f"{label} setup refused", refused.get_data(as_text=True)
    location = client.post("/respond/setup", data={**SETUP, "layout": layout}).headers["Location"]
    yield from get_pages(client, label, [location])
    location = client.post(location).headers["Location"]
    while not location.startswith("/respond/done"):
        yield from get_pages(client, label, [location])
        if "/private/" in location:
            response = client.post(location)
        else:
            response = client.post(location, data={"choice": "refused"})
            if location.endswith("/q/0"):
                empty = client.post(location, data={"choice": ""})
                yield f"{label} no answer", empty.get_data(as_text=True)
                section = client.get("/respond/section/0")  # a fragment: no <html> of its own
                yield f"{label} section", section.get_data(as_text=True)
        assert response.status_code == 303, (location, response.status_code)
        location = response.headers["Location"]
    yield from get_pages(client, label, [location])
    goodbye = client.post("/respond/done", data={"talk": talk}, follow_redirects=True)
    yield f"{label} goodbye", goodbye.get_data(as_text=True)


def not_today_pages(client: FlaskClient, code: str) -> Iterator[tuple[str, str]]:
    """Say "not today" as a child, yielding the assent and the page after it."""
    client.post("/respond/", data={"code": code})
    location = client.post("/respond/setup", data={**SETUP, "layout": "standard"}).headers[
        "Location"
    ]
    yield from get_pages(client, "child (standard)", [location])
    response = client.post(location, data={"answer": "not_today"}, follow_redirects=True)
    yield "child not today", response.get_data(as_text=True)


def staff_pages(client: FlaskClient, code: str) -> Iterator[tuple[str, str]]:
    """Go through the staff questionnaire page by page, yielding each page and the end."""
    location = client.post("/respond/", data={"code": code}).headers["Location"]
    while location.startswith("/respond/staff/"):
        yield from get_pages(client, "staff", [location])
        location = client.post(location, data={}).headers["Location"]
    yield from get_pages(client, "staff", [location])
    paused = client.post("/respond/pause", data={}, follow_redirects=True)
    yield "staff paused", paused.get_data(as_text=True)


def admin_pages(place: Place) -> Iterator[tuple[str, str]]:
    """Yield every administration page of every role, with ids, flash messages and errors."""
    study, site = place.study, place.site
    open_id, closed_id = place.open_round.id, place.closed_round.id
    anonymous, admin = place.clients["anonymous"], place.clients["admin"]
    evaluator, coordinator = place.clients["evaluator"], place.clients["coordinator"]
    yield from get_pages(
        anonymous,
        "anonymous",
        ["/", "/tilgaengelighed", "/admin/login", "/admin/", "/no-such-page", "/admin/logout"],
    )
    wrong = anonymous.post("/admin/login", data={"email": "x@example.org", "password": "wrong"})
    yield "anonymous wrong password", wrong.get_data(as_text=True)
    study_pages = [
        "/admin/",
        f"/admin/studies/{study.id}",
        f"/admin/studies/{study.id}/edit",
        f"/admin/rounds/{open_id}",
        f"/admin/rounds/{closed_id}",
        f"/admin/rounds/{open_id}/dashboard",
        f"/admin/rounds/{closed_id}/dashboard",
        f"/admin/sites/{site.id}",
        f"/admin/sites/{site.id}/edit",
        f"/admin/exports/{study.id}",
        f"/admin/reports/{closed_id}/sites/{site.id}",
        f"/admin/reports/{closed_id}/all-sites",
    ]
    yield from get_pages(admin, "admin", [*study_pages, "/admin/users"])
    yield from get_pages(admin, "admin", [f"/admin/users/{place.coordinator_id}", "/"])
    yield from get_pages(evaluator, "evaluator", [*study_pages, "/admin/users"])
    yield from get_pages(
        coordinator,
        "coordinator",
        [
            "/admin/",
            f"/admin/sites/{site.id}",
            f"/admin/rounds/{open_id}/dashboard",
            f"/admin/sites/{place.other_site.id}",
            f"/admin/reports/{closed_id}/sites/{site.id}.pdf",
            f"/admin/studies/{study.id}",
        ],
    )
    export = admin.post(
        f"/admin/exports/{study.id}",
        data={"round_id": str(open_id), "site_id": str(site.id), "group": "staff"}
        | {"instrument": "", "export_format": "csv-long", "language": "da"},
    )
    yield "admin export of a small group", export.get_data(as_text=True)
    yield from participant_pages(place)


def participant_pages(place: Place) -> Iterator[tuple[str, str]]:
    """Register participants, replace a code, deactivate one and handle a talk request."""
    coordinator, site = place.clients["coordinator"], place.site
    registered = coordinator.post(
        f"/admin/sites/{site.id}/participants",
        data={"group": "child", "count": "2", "age_band": "10-12", "layout": "faces"}
        | {"language": "da", "labels": ""},
    )
    assert registered.status_code == 201
    yield "coordinator codes page", registered.get_data(as_text=True)
    participant_id = db.session.scalar(
        sa.select(sa.func.max(Participant.id)).where(Participant.site_id == site.id)
    )
    replaced = coordinator.post(f"/admin/participants/{participant_id}/replace-code")
    yield "coordinator new code", replaced.get_data(as_text=True)
    for action in ("deactivate", "reactivate"):
        response = coordinator.post(
            f"/admin/participants/{participant_id}/{action}", follow_redirects=True
        )
        yield f"coordinator {action}", response.get_data(as_text=True)
    talk_request = db.session.scalar(sa.select(TalkRequest.id))
    if talk_request is not None:
        handled = coordinator.post(
            f"/admin/talk-requests/{talk_request}/handled", follow_redirects=True
        )
        yield "coordinator talk request handled", handled.get_data(as_text=True)
    status = place.clients["admin"].post(
        f"/admin/rounds/{place.closed_round.id}/release", follow_redirects=True
    )
    yield "admin released a round", status.get_data(as_text=True)
    report = f"/admin/reports/{place.closed_round.id}/sites/{site.id}"
    yield from get_pages(coordinator, "coordinator", [report])
    signed_out = coordinator.post("/admin/logout", follow_redirects=True)
    yield "coordinator signed out", signed_out.get_data(as_text=True)


def page_templates() -> set[str]:
    """Return the templates that are pages: not macros, not bases, not the bundle's codebook."""
    folder = Path(survey.web.forms.__file__).parents[1] / "templates"
    names = {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}
    return {
        name
        for name in names
        if not name.rpartition("/")[2].startswith(("_", "base"))
        and name != "instruments/codebook.html"  # a file in the export bundle, never served
    }


@pytest.mark.sweep
def test_danish_pages_show_no_english_from_the_catalogue(app, make_app, place):
    finder = EnglishFinder(danish_catalogue(app), instrument_texts())
    english: dict[str, set[str]] = {}
    rendered: set[str] = set()

    def record(_sender: Flask, template, **_extra) -> None:  # type: ignore[no-untyped-def]
        rendered.add(template.name)

    with template_rendered.connected_to(record):
        # Respondents first: the coordinator's pages then show the child's talk request.
        pages = [*respondent_pages(make_app, place), *admin_pages(place)]
    for label, html in pages:
        # Every page is Danish; a section is part of the question page, which says so.
        assert '<html lang="da">' in html or label.endswith(" section"), label
        chunks, text = html_text(html)
        for message in finder.find(chunks, text):
            english.setdefault(message, set()).add(label)
    assert page_templates() - rendered == set()
    assert english == {}, "\n".join(
        f"{message!r} on {', '.join(sorted(labels))}" for message, labels in english.items()
    )


def test_danish_pdfs_show_no_english_from_the_catalogue(app, place, tmp_path):
    finder = EnglishFinder(danish_catalogue(app), instrument_texts())
    admin, coordinator = place.clients["admin"], place.clients["coordinator"]
    closed = place.closed_round.id
    pdfs = {
        "site report": admin.get(f"/admin/reports/{closed}/sites/{place.site.id}.pdf"),
        "all-sites report": admin.get(f"/admin/reports/{closed}/all-sites.pdf"),
    }
    codes = coordinator.post(
        f"/admin/sites/{place.site.id}/participants",
        data={"group": "child", "count": "3", "age_band": "6-9", "layout": "faces"}
        | {"language": "da", "labels": ""},
    ).get_data(as_text=True)
    pairs = re.findall(r'name="code" value="([^"]+)"', codes)
    assert len(pairs) == 3
    pdfs["code cards"] = coordinator.post(
        f"/admin/sites/{place.site.id}/cards.pdf", data={"code": pairs}
    )
    english = {}
    for name, response in pdfs.items():
        assert response.status_code == 200, name
        assert response.mimetype == "application/pdf", name
        chunks, text = pdf_text(response.data, tmp_path, name.replace(" ", "-"))
        assert len(text) > 100, name
        found = finder.find(chunks, text)
        if found:
            english[name] = found
    assert english == {}


# Form errors and plurals ---------------------------------------------------------------------


def danish(catalogue, english: str | tuple[str, str], count: int | None = None) -> str:
    """Return the Danish of a message (the form for ``count``, for a plural), never English."""
    message = catalogue.get(english)
    assert message is not None and not message.fuzzy, f"{english!r} is not in the catalogue"
    plural = gettext.c2py(catalogue.plural_expr)
    text = message.string if count is None else message.string[plural(count)]
    assert text, f"{english!r} has no Danish translation"
    return text


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    """Return the visible text of a response, whitespace normalised."""
    return html_text(response.get_data(as_text=True))[1]


def test_form_errors_of_wtforms_validators_are_danish(app, place):
    catalogue = danish_catalogue(app)
    admin, coordinator = place.clients["admin"], place.clients["coordinator"]
    required = admin.post(f"/admin/studies/{place.study.id}/rounds", data={"name": ""})
    assert required.status_code == 422
    not_integer = coordinator.post(
        f"/admin/sites/{place.site.id}/participants",
        data={"group": "staff", "count": "mange", "age_band": "", "layout": "standard"}
        | {"language": "da"},
    )
    assert not_integer.status_code == 422
    too_long = admin.post(
        f"/admin/studies/{place.study.id}/edit", data={"name": "Demo", "slug": "a" * 41}
    )
    assert too_long.status_code == 422
    not_a_choice = admin.post(
        f"/admin/exports/{place.study.id}",
        data={"round_id": "999999", "site_id": "", "group": ""}
        | {"instrument": "", "export_format": "csv-long", "language": "da"},
    )
    assert not_a_choice.status_code == 422
    length = (
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    )
    for response, english, expected in (
        (required, "This field is required.", danish(catalogue, "This field is required.")),
        (
            not_integer,
            "Not a valid integer value.",
            danish(catalogue, "Not a valid integer value."),
        ),
        (too_long, length[1] % {"max": 40}, danish(catalogue, length, 40) % {"max": 40}),
        (not_a_choice, "Not a valid choice.", danish(catalogue, "Not a valid choice.")),
    ):
        text = page_text(response)
        assert normalise(expected) in text
        assert english not in text


def test_refused_csrf_token_on_a_respondent_form_is_danish(app, make_app, place):
    catalogue = danish_catalogue(app)
    client = danish_client(make_app, WTF_CSRF_ENABLED=True)
    html = client.get("/respond/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    entered = client.post("/respond/", data={"code": place.child_codes[0], "csrf_token": token})
    assert entered.headers["Location"] == "/respond/setup"
    refused = client.post("/respond/setup", data={**SETUP, "layout": "faces"})
    assert refused.status_code == 422
    text = page_text(refused)
    assert danish(catalogue, "CSRF Token") in text
    assert normalise(danish(catalogue, "The CSRF token is missing.")) in text
    assert "CSRF" not in text


PARTICIPANTS = ("%(num)s participant registered", "%(num)s participants registered")


def test_plural_forms_follow_the_count_in_danish(app, make_app, place):
    catalogue = danish_catalogue(app)
    coordinator = place.clients["coordinator"]
    for count in (1, 2):
        response = coordinator.post(
            f"/admin/sites/{place.site.id}/participants",
            data={"group": "staff", "count": str(count), "age_band": "", "layout": "standard"}
            | {"language": "da", "labels": ""},
        )
        assert response.status_code == 201
        title = lxml.html.fromstring(response.get_data(as_text=True)).findtext(".//h1")
        assert title == danish(catalogue, PARTICIPANTS, count) % {"num": count}
    assert danish(catalogue, PARTICIPANTS, 1) != danish(catalogue, PARTICIPANTS, 2)

    minutes = (
        "If nobody uses a questionnaire for %(num)s minute, it pauses by itself without a warning.",
        "If nobody uses a questionnaire for %(num)s minutes, it pauses by itself without a "
        "warning.",
    )
    for seconds, count in ((60, 1), (120, 2)):
        client = danish_client(make_app, IDLE_PAUSE_SECONDS=seconds)
        text = page_text(client.get("/tilgaengelighed"))
        assert danish(catalogue, minutes, count) % {"num": count} in text
    assert danish(catalogue, minutes, 1) != danish(catalogue, minutes, 2)


# The catalogue holds WTForms' messages -------------------------------------------------------


def wtforms_catalogue():
    """Return WTForms' own message catalogue (the template its translators work from)."""
    import wtforms

    with (Path(wtforms.__file__).parent / "locale" / "wtforms.pot").open("rb") as file:
        return read_po(file)


def test_every_wtforms_and_csrf_message_is_listed_and_translated(app):
    listed = set(survey.web.forms.MESSAGES) | set(survey.web.forms.PLURAL_MESSAGES)
    wtforms_ids = {message.id for message in wtforms_catalogue() if message.id}
    assert {tuple(i) if not isinstance(i, str) else i for i in wtforms_ids} <= listed
    catalogue = danish_catalogue(app)
    for english in listed:
        count = None if isinstance(english, str) else 2
        assert danish(catalogue, english, count) != (english if count is None else english[1])


# The finder itself ---------------------------------------------------------------------------


def test_finder_finds_english_whole_glued_to_a_label_with_values_and_in_instruments():
    catalogue = Catalog(locale="da")
    catalogue.add("Sign in", "Log ind")
    catalogue.add("Evaluator", "Evaluator")  # the same in both languages: never English
    catalogue.add("This field is required.", "Feltet skal udfyldes.")
    catalogue.add(
        PARTICIPANTS, ("%(num)s deltager er registreret", "%(num)s deltagere er registreret")
    )
    finder = EnglishFinder(catalogue, [("Are you listened to?", "Bliver du hørt?")])
    english = """<html lang="da"><body><h1>Log ind</h1><p>Evaluator</p>
      <p>Sign
        in</p><a href="#name">Navn: This field is required.</a><p>2 participants registered</p>
      <label>Bliver du hørt? / Are you listened to? (child_inclusion, v1)</label></body></html>"""
    assert finder.find(*html_text(english)) == {
        "Sign in",
        "This field is required.",
        "%(num)s participants registered",
        "Are you listened to?",
    }
    danish = """<html lang="da"><body><h1>Log ind</h1><p>Evaluator</p>
      <button lang="en">Sign in</button><script>const label = "Sign in";</script>
      <p>Feltet skal udfyldes.</p><p>2 deltagere er registreret</p></body></html>"""
    assert finder.find(*html_text(danish)) == set()

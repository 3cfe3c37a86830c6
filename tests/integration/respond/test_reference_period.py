"""The reference period: chosen at setup for ages 6-9, filled into the questions, stored."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import sqlalchemy as sa
import yaml
from flask_babel import force_locale, gettext

from survey.extensions import db
from survey.instruments.loader import load_registry
from survey.instruments.recorded import AUDIO_FOLDER, recording_name, spoken_texts, write_manifest
from survey.models import AgeBand, Group, Participant, RoundInstrument, Submission, WholePeriod
from tests.integration.respond.conftest import SETUP

#: A child and a staff instrument whose texts hold the placeholder.
PROBE_CHILD = {
    "key": "period_probe",
    "version": 1,
    "respondent": "child",
    "prefix": "pp",
    "title": {"da": "Prøve", "en": "Probe"},
    "intro": {"da": "Spørgsmål om {period}.", "en": "Questions about {period}."},
    "items": [
        {
            "id": "pp_01",
            "ladder": "event",
            "text": {
                "da": "Har nogen råbt ad dig {period}?",
                "en": "Has anyone shouted at you {period}?",
            },
        }
    ],
    "scores": [
        {
            "id": "any",
            "label": {"da": "Råb", "en": "Shouting"},
            "method": "any",
            "higher_is": "worse",
            "items": ["pp_01"],
        }
    ],
}
PROBE_STAFF = {
    "key": "period_probe_staff",
    "version": 1,
    "respondent": "staff",
    "prefix": "pq",
    "title": {"da": "Prøve", "en": "Probe"},
    "intro": {"da": "Udsagn om {period}.", "en": "Statements about {period}."},
    "items": [
        {
            "id": "pq_01",
            "scale": "count5",
            "text": {"da": "Antal episoder {period}.", "en": "Number of episodes {period}."},
        }
    ],
    "scores": [
        {
            "id": "episodes",
            "label": {"da": "Episoder", "en": "Episodes"},
            "method": "count",
            "higher_is": "worse",
            "items": ["pq_01"],
        }
    ],
}


def submission_of(age_band: AgeBand | None) -> Submission:
    """Return the one submission of the participant in an age band (None: staff), as stored."""
    db.session.expire_all()
    query = sa.select(Submission).join(Participant).where(Participant.age_band == age_band)
    if age_band is None:
        query = sa.select(Submission).join(Participant).where(Participant.group == Group.STAFF)
    return db.session.scalars(query).one()


def enter(client, field, who: str) -> None:
    response = client.post("/respond/", data={"code": field.codes[who]})
    assert response.headers["Location"] == "/respond/setup"


def radios(html: str, name: str) -> dict[str, tuple[str, bool]]:
    """Return a radio group's values with their label text and whether each is checked."""
    page = lxml.html.fromstring(html)
    found = {}
    for radio in page.xpath(f'//input[@type="radio"][@name="{name}"]'):
        label = page.xpath(f'//label[@for="{radio.get("id")}"]')[0].text_content().strip()
        found[radio.get("value")] = (label, radio.get("checked") is not None)
    return found


@pytest.fixture
def probe(app, client, field, tmp_path) -> Path:
    """Make the open round ask only the probe instruments, with recordings of every text."""
    folder = tmp_path / "instruments"
    folder.mkdir()
    for data in (PROBE_CHILD, PROBE_STAFF):
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (folder / f"{data['key']}.v1.yaml").write_text(text, encoding="utf-8")
    registry, _problems = load_registry([folder])
    recordings: dict[str, dict[str, str]] = {}
    (folder / AUDIO_FOLDER).mkdir()
    for language, texts in spoken_texts(registry).items():
        for text in texts:
            (folder / AUDIO_FOLDER / recording_name(language, text)).write_bytes(b"ID3")
            recordings.setdefault(language, {})[text] = recording_name(language, text)
    write_manifest(folder, recordings)
    registry, problems = load_registry([folder])
    assert [problem for problem in problems if problem.is_error] == []
    app.extensions["instruments"] = registry
    client.application.extensions["instruments"] = registry
    field.round.instruments.clear()
    for group, key in ((Group.CHILD, "period_probe"), (Group.STAFF, "period_probe_staff")):
        field.round.instruments.append(
            RoundInstrument(group=group, instrument_key=key, instrument_version=1, position=0)
        )
    db.session.commit()
    return folder


# The setup page ------------------------------------------------------------------------------


def test_setup_of_a_young_child_offers_every_period_with_the_last_4_weeks_chosen(client, field):
    enter(client, field, "young")
    html = client.get("/respond/setup").get_data(as_text=True)
    offered = radios(html, "reference_period")
    assert offered == {
        "weeks4": ("De sidste 4 uger", True),
        "autumn": ("Siden efterårsferien", False),
        "christmas": ("Siden juleferien", False),
        "winter": ("Siden vinterferien", False),
        "easter": ("Siden påskeferien", False),
        "summer": ("Siden sommerferien", False),
    }
    assert set(radios(html, "whole_period")) == {"yes", "no", "dont_know"}


def test_young_childs_period_and_whole_period_are_stored(client, field):
    enter(client, field, "young")
    data = {**SETUP, "reference_period": "autumn", "whole_period": "no"}
    assert client.post("/respond/setup", data=data).status_code == 303
    submission = submission_of(AgeBand.AGE_6_9)
    assert submission.reference_period == "autumn"
    assert submission.whole_period is WholePeriod.NO
    # Shown again as chosen when the adult comes back to the settings.
    html = client.get("/respond/setup").get_data(as_text=True)
    assert radios(html, "reference_period")["autumn"][1]
    assert radios(html, "whole_period")["no"][1]


@pytest.mark.parametrize(
    "bad",
    [
        {"reference_period": "easter2"},
        {"reference_period": ""},
        {},  # a 6-9-year-old's adult must choose a period
        {"reference_period": "weeks4", "whole_period": "maybe"},
    ],
)
def test_setup_refuses_an_unknown_or_missing_period_and_saves_nothing(client, field, bad):
    enter(client, field, "young")
    response = client.post("/respond/setup", data={**SETUP, **bad})
    assert response.status_code == 422
    page = lxml.html.fromstring(response.get_data(as_text=True))
    field_name = "whole_period" if "whole_period" in bad else "reference_period"
    assert page.xpath(f'//p[@id="{field_name}-error"]')
    submission = submission_of(AgeBand.AGE_6_9)
    assert submission.scale_steps is None
    assert submission.reference_period is None and submission.whole_period is None


def test_older_child_is_not_asked_the_period_and_reads_the_last_4_weeks(client, field):
    enter(client, field, "teen")
    html = client.get("/respond/setup").get_data(as_text=True)
    assert radios(html, "reference_period") == {}
    assert set(radios(html, "whole_period")) == {"yes", "no", "dont_know"}
    data = {**SETUP, "whole_period": "dont_know"}
    assert client.post("/respond/setup", data=data).status_code == 303
    submission = submission_of(AgeBand.AGE_13_18)
    assert submission.reference_period == "weeks4"
    assert submission.whole_period is WholePeriod.DONT_KNOW


@pytest.mark.parametrize("period", ["autumn", "weeks4"])
def test_period_posted_for_an_older_child_is_refused_and_nothing_saved(app, client, field, period):
    enter(client, field, "teen")
    response = client.post("/respond/setup", data={**SETUP, "reference_period": period})
    assert response.status_code == 400
    with app.test_request_context(), force_locale("da"):
        message = gettext("A time for the questions can only be chosen for ages 6 to 9.")
    assert lxml.html.fromstring(response.get_data(as_text=True)).xpath("//h1/text()") == [message]
    submission = submission_of(AgeBand.AGE_13_18)
    assert submission.scale_steps is None and submission.reference_period is None


# The questions -------------------------------------------------------------------------------


def heading(client, location: str) -> lxml.html.HtmlElement:
    response = client.get(location)
    assert response.status_code == 200, response.status_code
    return lxml.html.fromstring(response.get_data(as_text=True)).xpath("//h1")[0]


def test_question_shows_the_chosen_period_and_plays_its_recording(probe, child_client):
    client, location = child_client("young", {"reference_period": "autumn"})
    assert location == "/respond/q/0"
    text = "Har nogen råbt ad dig siden efterårsferien?"
    h1 = heading(client, location)
    assert h1.text_content() == text
    assert h1.get("data-audio") == f"/respond/audio/period_probe/1/{recording_name('da', text)}"


def test_older_childs_question_reads_the_last_4_weeks_in_their_language(probe, child_client):
    client, location = child_client("teen", {"language": "en"})
    text = "Has anyone shouted at you in the last 4 weeks?"
    h1 = heading(client, location)
    assert h1.text_content() == text
    assert h1.get("data-audio") == f"/respond/audio/period_probe/1/{recording_name('en', text)}"


def test_staff_page_fills_the_intro_and_questions_with_the_last_4_weeks(probe, client, field):
    response = client.post("/respond/", data={"code": field.codes["staff"]})
    assert response.headers["Location"] == "/respond/staff/0"
    html = client.get("/respond/staff/0").get_data(as_text=True)
    assert "{period}" not in html
    page = lxml.html.fromstring(html)
    assert "Udsagn om de sidste 4 uger." in page.xpath("//main//p/text()")
    assert page.xpath("//fieldset/legend/text()") == ["Antal episoder de sidste 4 uger."]
    assert submission_of(None).reference_period is None


# The assent page -----------------------------------------------------------------------------


def test_assent_says_some_questions_are_about_being_hurt_before_the_child_starts(app, child_client):
    client, _location = child_client("young")
    with app.test_request_context(), force_locale("da"):
        warning = gettext("Some of the questions are about someone shouting at you or hurting you.")
        skipping = gettext("You can skip a question. You can stop when you want.")
    page = lxml.html.fromstring(client.get("/respond/assent").get_data(as_text=True))
    paragraphs = [p.text_content() for p in page.xpath('//div[@class="assent"]/p')]
    assert warning in paragraphs and skipping in paragraphs
    # Read aloud with the rest of the page, before the child chooses to start.
    assert page.xpath('//div[@class="assent"][@data-read-target]/following::button[@value="start"]')

"""An open round with the shipped instruments, and participants whose codes we know."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from survey.demo_answers import assign_instruments
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import AgeBand, Group, Layout, Round, Site, Study
from survey.participants import register_participants


@dataclass
class Field:
    """The round and one code per kind of participant."""

    study: Study
    round: Round
    site: Site
    codes: dict[str, str]


@pytest.fixture
def field(app) -> Field:
    """Create a study with an open round and a young child, a teenager and a member of staff."""
    study = Study(slug="field", name="Field study")
    site = Site(name="Lyngbo")
    study.sites.append(site)
    round_ = Round(name="follow-up")
    study.rounds.append(round_)
    db.session.add(study)
    db.session.flush()
    assign_instruments(round_, get_registry())
    round_.open()
    codes = {
        "young": register_participants(
            site, Group.CHILD, 1, age_band=AgeBand.AGE_6_9, layout=Layout.FACES
        )[0].code,
        "teen": register_participants(site, Group.CHILD, 1, age_band=AgeBand.AGE_13_18)[0].code,
        "staff": register_participants(site, Group.STAFF, 1)[0].code,
    }
    db.session.commit()
    return Field(study, round_, site, codes)


SETUP = {
    "assistance_mode": "reading_help",
    "layout": "faces",
    "scale_steps": "3",
    "text_size": "large",
    "language": "da",
    "read_aloud": "y",
}


@pytest.fixture
def child_client(client, field):
    """Return a function: a client that entered a child's code, set up and started."""

    def enter(who: str = "young", setup: dict | None = None):
        response = client.post("/respond/", data={"code": field.codes[who].lower()})
        assert response.status_code == 303, response.get_data(as_text=True)
        assert response.headers["Location"] == "/respond/setup"
        assert client.post("/respond/setup", data={**SETUP, **(setup or {})}).status_code == 303
        response = client.post("/respond/assent", data={"answer": "start"})
        assert response.status_code == 303
        return client, response.headers["Location"]

    return enter

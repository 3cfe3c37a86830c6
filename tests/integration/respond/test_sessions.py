"""Respondent sessions that end (issue 13): idle pause on the server's clock, and a nonce on
the submission that pause, the end, idle pause and deactivation clear."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine
from flask import session

from survey.extensions import db
from survey.models import Answer, Participant, Submission
from survey.respond import state

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def enter(client, code):
    response = client.post("/respond/", data={"code": code})
    assert response.status_code == 303, response.get_data(as_text=True)


def alive(client) -> bool:
    return client.get("/respond/staff/0").status_code == 200


def copy_of(app, client):
    """Another browser holding a copy of the client's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


@pytest.mark.parametrize(("seconds", "live"), [(200, True), (300, True), (301, False)])
def test_the_session_pauses_after_300_seconds_without_a_request(make_app, field, seconds, live):
    app = make_app()
    client = app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        enter(client, field.codes["staff"])
        clock.shift(200)
        assert alive(client)  # a request renews the idle time ...
        clock.shift(seconds)
        assert alive(client) is live  # ... and then it counts again from there


def test_a_copied_cookie_stops_working_when_the_respondent_pauses(make_app, field):
    app = make_app()
    client = app.test_client()
    enter(client, field.codes["staff"])
    thief = copy_of(app, client)
    assert alive(thief)  # before the pause the copy works, like the original
    assert client.post("/respond/pause").status_code == 303
    # No live session is left in the database: no nonce at all, not an empty one.
    assert db.session.scalars(sa.select(Submission.session_nonce)).all() == [None]
    assert not alive(thief)
    response = thief.post("/respond/answer", json={"index": 0, "choice": "3", "seq": 1})
    assert response.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def test_an_idle_pause_ends_every_copy(make_app, field):
    app = make_app()
    client = app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        enter(client, field.codes["staff"])
        thief = copy_of(app, client)
        clock.shift(301)
        assert not alive(client)  # the idle pause, seen by the original ...
        clock.shift(-300)
        assert not alive(thief)  # ... ends the copy, however fresh its time stamp


def test_deactivating_a_participant_ends_the_live_session_at_once(make_app, field):
    from survey.admin.operations import set_active
    from survey.models import User

    app = make_app()
    client = app.test_client()
    enter(client, field.codes["staff"])
    assert alive(client)
    participant = db.session.scalars(sa.select(Participant)).all()[-1]
    set_active(User(id=0), participant, False)
    db.session.commit()
    assert not alive(client)


def test_an_inactive_participant_has_no_session_even_with_its_nonce_left(make_app, field):
    # Deactivation clears the nonce too; the session must end on the flag alone as well
    # (a participant made inactive any other way, or a nonce written back by a race).
    client = make_app().test_client()
    enter(client, field.codes["staff"])
    participant = db.session.scalars(sa.select(Participant)).all()[-1]
    participant.is_active = False
    db.session.commit()
    assert not alive(client)
    assert db.session.scalars(sa.select(Submission.session_nonce)).all() == [None]


def test_entering_the_code_on_another_device_ends_the_first_session(make_app, field):
    app = make_app()
    tablet, phone = app.test_client(), app.test_client()
    enter(tablet, field.codes["staff"])
    enter(phone, field.codes["staff"])
    assert alive(phone) and not alive(tablet)


def test_a_stale_copy_cannot_pause_the_session_that_replaced_it(make_app, field):
    app = make_app()
    tablet, phone = app.test_client(), app.test_client()
    enter(tablet, field.codes["staff"])
    enter(phone, field.codes["staff"])
    assert tablet.post("/respond/pause").status_code == 303
    assert alive(phone)


def test_pause_needs_the_pages_token(make_app, field):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/respond/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/respond/", data={"code": field.codes["staff"], "csrf_token": token})
    assert client.post("/respond/pause").status_code == 400  # e.g. from another site
    assert alive(client)
    page = client.get("/respond/staff/0").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/respond/pause", data={"csrf_token": token}).status_code == 303
    assert not alive(client)


def test_ending_a_session_that_has_already_ended_changes_nothing(app):
    with app.test_request_context("/respond/pause", method="POST"):
        state.end()  # no respondent session in this request's cookie
        assert "respondent" not in session

"""Edges of the respondent path: the words of each refusal, the last question's neighbour, a
submission's starting layout and language, and resuming a finished path."""

import re

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import (
    Answer,
    AuditEvent,
    Group,
    Language,
    MissingCode,
    Participant,
    RoundStatus,
    Submission,
    SubmissionStatus,
)
from survey.respond import flow
from tests.factories import make_participant, make_round, make_site, make_study


def answer_everything(client, location):
    """Answer every question a child is asked with its first choice; return the client."""
    while "/respond/q/" in location or "/respond/private/" in location:
        if "/private/" in location:
            location = client.post(location).headers["Location"]
            continue
        page = client.get(location)
        if page.status_code == 303:  # the look-away screen
            location = page.headers["Location"]
            continue
        choice = re.findall(r'name="choice" value="(-?\d+)"', page.get_data(as_text=True))[0]
        location = client.post(location, data={"choice": choice}).headers["Location"]
    assert location == "/respond/done"
    return client


def only_submission():
    return db.session.scalars(sa.select(Submission)).one()


def test_a_question_past_the_last_is_refused_in_words(child_client):
    client, _ = child_client("teen")
    last = len(flow.questions(only_submission()))
    for index in (last, last + 1):
        response = client.post("/respond/answer", json={"index": index, "choice": "1", "seq": 5})
        assert response.status_code == 422
        assert response.get_json()["message"] == "Det spørgsmål findes ikke."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def test_an_answer_to_a_question_not_asked_is_refused_in_words(child_client):
    client, _ = child_client("teen")
    follow_up = next(q for q in flow.questions(only_submission()) if q.item.show_if)
    response = client.post(
        "/respond/answer", json={"index": follow_up.index, "choice": "1", "seq": 5}
    )
    assert response.status_code == 422
    assert response.get_json()["message"] == "Det spørgsmål bliver ikke stillet."


def test_a_choice_not_offered_is_refused_in_words_on_the_page(child_client):
    client, location = child_client("teen")
    response = client.post(location, data={"choice": "9"})
    assert response.status_code == 422
    assert "Det svar er ikke en af svarmulighederne." in response.get_data(as_text=True)


def test_dont_know_is_stored_as_dont_know(child_client):
    client, _ = child_client("teen")
    response = client.post("/respond/answer", json={"index": 0, "choice": "dont_know", "seq": 5})
    assert response.status_code == 200
    answer = db.session.scalars(sa.select(Answer)).one()
    assert (answer.value, answer.missing_code) == (None, MissingCode.DONT_KNOW)


def test_a_submission_starts_with_the_participants_layout_and_language(client, field):
    participant = db.session.scalars(
        sa.select(Participant).where(Participant.age_band.is_(None))
    ).one()
    participant.language = Language.EN
    db.session.commit()
    client.post("/respond/", data={"code": field.codes["staff"]})
    submission = only_submission()
    assert (submission.layout, submission.language) == (participant.layout, Language.EN)
    assert 'lang="en"' in client.get("/respond/staff/0").get_data(as_text=True)


def test_an_english_setup_page_names_the_default_period_in_english(client, field):
    participant = db.session.scalars(
        sa.select(Participant).where(Participant.age_band.is_not(None))
    ).first()
    participant.language = Language.EN
    db.session.commit()
    code = next(code for code in field.codes.values() if flow.find_participant(code) is participant)
    client.post("/respond/", data={"code": code})
    html = client.get("/respond/setup").get_data(as_text=True)
    assert "the last 4 weeks" in html
    assert "de sidste 4 uger" not in html


def test_resuming_a_path_with_every_question_answered_completes_it(child_client, make_app, field):
    client, _ = child_client("teen")
    for question in flow.questions(only_submission()):
        if question.item.show_if is None:
            body = {"index": question.index, "choice": "1", "seq": 5, "advance": False}
            assert client.post("/respond/answer", json=body).status_code == 200
    assert only_submission().status is SubmissionStatus.IN_PROGRESS
    later = make_app().test_client()
    later.post("/respond/", data={"code": field.codes["teen"]})
    response = later.post("/respond/assent", data={"answer": "start"})
    assert response.headers["Location"] == "/respond/done"
    assert only_submission().status is SubmissionStatus.COMPLETED


def test_reading_aloud_goes_on_after_the_pause(child_client):
    client, _ = child_client("teen", {"read_aloud": "y", "read_brief": "y"})
    client.post("/respond/pause")
    html = client.get("/respond/paused").get_data(as_text=True)
    assert 'data-read-aloud="1" data-read-brief="1"' in html


def test_the_first_browser_forgets_a_session_taken_over_by_another(client, make_app, field):
    client.post("/respond/", data={"code": field.codes["staff"]})
    make_app().test_client().post("/respond/", data={"code": field.codes["staff"]})
    assert client.get("/respond/staff/0").headers["Location"] == "/respond/"
    with client.session_transaction() as cookie:
        assert "respondent" not in cookie


@pytest.mark.parametrize("nonce", [None, 7, "not-the-nonce"])
def test_a_cookie_without_the_session_nonce_is_sent_to_the_code_page(client, field, nonce):
    client.post("/respond/", data={"code": field.codes["staff"]})
    with client.session_transaction() as cookie:
        data = dict(cookie["respondent"])
        if nonce is None:  # as written before sessions had nonces
            del data["nonce"]
        else:
            data["nonce"] = nonce
        cookie["respondent"] = data
    assert client.get("/respond/staff/0").headers["Location"] == "/respond/"
    with client.session_transaction() as cookie:
        assert "respondent" not in cookie


def test_the_first_question_counts_as_question_one(child_client):
    client, location = child_client("teen")
    assert location == "/respond/q/0"
    html = client.get(location).get_data(as_text=True)
    total = sum(q.item.show_if is None for q in flow.questions(only_submission()))
    assert f'<p class="question__count">Spørgsmål 1 af {total}</p>' in html


def test_a_stored_dont_know_is_chosen_again_on_return(child_client):
    client, location = child_client("teen")
    client.post(location, data={"choice": "dont_know"})
    html = client.get(location).get_data(as_text=True)
    [tag] = re.findall(r'<input[^>]*value="dont_know"[^>]*>', html)
    assert " checked" in tag


def test_a_finished_respondent_entering_the_code_again_sees_the_end(client, make_app, field):
    location = client.post("/respond/", data={"code": field.codes["staff"]}).headers["Location"]
    while location.startswith("/respond/staff/"):
        html = client.get(location).get_data(as_text=True)
        data = dict.fromkeys(set(re.findall(r'name="(item_\w+)"', html)), "2")
        location = client.post(location, data=data).headers["Location"]
    later = make_app().test_client()
    response = later.post("/respond/", data={"code": field.codes["staff"]})
    assert response.headers["Location"] == "/respond/done"


def test_a_code_opened_twice_at_once_keeps_one_submission_and_the_rest_of_the_work(
    app, field, monkeypatch
):
    participant = flow.find_participant(field.codes["staff"])
    first = flow.start(participant, field.round)
    db.session.commit()
    participant.label = "kept"  # work in the same transaction, not yet flushed
    # The second tab looked before the first tab's insert was committed: it saw nothing.
    looked = []
    real_scalar = db.session.scalar

    def first_look_misses(query):
        looked.append(query)
        return None if len(looked) == 1 else real_scalar(query)

    monkeypatch.setattr(db.session, "scalar", first_look_misses)
    second = flow.start(participant, field.round)
    assert len(looked) == 1  # its insert clashed with the first tab's, and it read that back
    assert second.id == first.id
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 1
    assert db.session.get(Participant, participant.id).label == "kept"


def test_the_adult_looks_away_once_for_the_whole_run_of_private_questions(child_client):
    client, _ = child_client("teen")
    private = [q.index for q in flow.questions(only_submission()) if q.item.private]
    first, second = private[0], private[1]
    assert client.get(f"/respond/q/{second}").headers["Location"] == f"/respond/private/{second}"
    client.post(f"/respond/private/{first}")
    assert client.get(f"/respond/q/{first}").status_code == 200
    assert client.get(f"/respond/q/{second}").status_code == 200  # not asked to look away again


def test_a_code_opens_the_open_round_of_its_own_study(client, field):
    other = make_study("other", "Other study")
    own = make_round(other, "own", versions=None, status=RoundStatus.OPEN)
    code = make_participant(make_site(other, "Birken"), Group.STAFF).code
    db.session.commit()
    client.post("/respond/", data={"code": code})
    assert only_submission().round_id == own.id != field.round.id


def test_a_talk_request_is_audited_against_the_participant_only(child_client):
    client = answer_everything(*child_client("teen"))
    client.post("/respond/done", data={"talk": "yes"})
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "talk_request.create")
    ).one()
    assert (event.object_type, event.object_id) == (
        "participant",
        str(only_submission().participant_id),
    )
    assert event.details == {}


def test_a_child_not_offered_a_talk_calls_the_adult_back_and_staff_are_not_told_to(
    client, make_app, child_client, field
):
    field.study.talk_requests_enabled = False
    db.session.commit()
    child = answer_everything(*child_client("teen"))
    assert "Nu kan du kalde på den voksne igen." in child.get("/respond/done").get_data(
        as_text=True
    )
    client = make_app().test_client()
    location = client.post("/respond/", data={"code": field.codes["staff"]}).headers["Location"]
    while location.startswith("/respond/staff/"):
        html = client.get(location).get_data(as_text=True)
        data = dict.fromkeys(set(re.findall(r'name="(item_\w+)"', html)), "2")
        location = client.post(location, data=data).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "Tak" in html and "Nu kan du kalde på den voksne igen." not in html


def test_staff_changing_an_answer_on_a_page_get_its_follow_up_saved(client, field):
    """A page posted again with "no force" changed to "once" keeps the follow-up's answer:
    the follow-up is decided on the answer just saved, not on the one read before it."""
    location = client.post("/respond/", data={"code": field.codes["staff"]}).headers["Location"]
    while True:
        html = client.get(location).get_data(as_text=True)
        if "item_ss_05" in html:
            break
        data = dict.fromkeys(set(re.findall(r'name="(item_\w+)"', html)), "2")
        location = client.post(location, data=data).headers["Location"]
    names = set(re.findall(r'name="(item_\w+)"', html))
    first = {**dict.fromkeys(names, "2"), "item_ss_05": "1"}
    first.pop("item_ss_06")
    client.post(location, data=first)
    stored = db.session.scalar(sa.select(Answer).where(Answer.item_id == "ss_06"))
    assert stored.missing_code is MissingCode.NOT_SHOWN
    again = {**dict.fromkeys(names, "2"), "item_ss_05": "2", "item_ss_06": "3"}
    client.post(location, data=again)
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Answer).where(Answer.item_id == "ss_06"))
    assert (stored.value, stored.missing_code) == (3, None)

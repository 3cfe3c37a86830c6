"""The respondent flow through the test client: no JavaScript, real forms, real database."""

import re

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import (
    Answer,
    AssistanceMode,
    AuditEvent,
    Group,
    Language,
    Layout,
    MissingCode,
    Participant,
    Submission,
    SubmissionStatus,
    TalkRequest,
    TextSize,
    WholePeriod,
)
from survey.pseudonyms import format_code
from survey.respond import flow
from tests.integration.respond.conftest import SETUP


def only_submission():
    return db.session.scalars(sa.select(Submission)).one()


def answer_count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Answer))


def answer_all(
    client,
    location,
    pick=lambda html: re.findall(r'name="choice" value="(-?\d+)"', html)[0],
    screens=None,
):
    """Answer every question the ordinary way until the end page; return the pages seen.

    The look-away screens passed on the way are added to ``screens``, if given.
    """
    seen = []
    while location.startswith("/respond/q/") or location.startswith("/respond/private/"):
        if location.startswith("/respond/private/"):
            if screens is not None:
                screens.append(location)
            location = client.post(location).headers["Location"]
            continue
        page = client.get(location)
        if page.status_code == 303:
            location = page.headers["Location"]
            continue
        html = page.get_data(as_text=True)
        seen.append(location)
        response = client.post(location, data={"choice": pick(html)})
        assert response.status_code == 303, response.get_data(as_text=True)
        location = response.headers["Location"]
    return seen, location


def test_code_with_spaces_dashes_and_small_letters_opens_the_submission(client, field):
    typed = " " + format_code(field.codes["teen"]).lower().replace("-", " - ") + " "
    response = client.post("/respond/", data={"code": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == "/respond/setup"
    assert only_submission().round_id == field.round.id


@pytest.mark.parametrize("typed", ["", "ABC", "ABCDEFGHJK", "0000000000", "' OR 1=1--"])
def test_wrong_codes_get_the_same_kind_message(client, field, typed):
    response = client.post("/respond/", data={"code": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vi kan ikke finde den kode" in html or "Skriv din kode." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_deactivated_participant_code_no_longer_works(client, field):
    participant = db.session.scalars(sa.select(Participant)).first()
    participant.is_active = False
    db.session.commit()
    for code in field.codes.values():
        client.post("/respond/", data={"code": code})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 2


def test_no_open_round_gets_a_friendly_page(client, field):
    field.round.close()
    db.session.commit()
    response = client.post("/respond/", data={"code": field.codes["young"]})
    assert "Spørgeskemaet er ikke åbent lige nu" in response.get_data(as_text=True)


def test_setup_is_stored_on_the_submission(child_client):
    child_client(
        setup={
            "assistance_mode": "interpreter",
            "layout": "simple",
            "scale_steps": "2",
            "text_size": "xlarge",
            "language": "en",
            "high_contrast": "y",
            "read_brief": "y",
            "scan_aloud": "y",
            "whole_period": "no",
        }
    )
    submission = only_submission()
    assert submission.assistance_mode is AssistanceMode.INTERPRETER
    assert (submission.layout, submission.language) == (Layout.SIMPLE, Language.EN)
    assert submission.scale_steps == 2
    assert submission.text_size is TextSize.EXTRA_LARGE
    assert submission.high_contrast and submission.read_aloud and not submission.switch_scanning
    assert submission.read_brief and submission.scan_aloud
    assert (submission.whole_period, submission.reference_period) == (WholePeriod.NO, "weeks4")


def test_setup_refuses_unknown_choices(client, field):
    client.post("/respond/", data={"code": field.codes["young"]})
    response = client.post(
        "/respond/setup",
        data={
            "assistance_mode": "parent",
            "layout": "faces",
            "scale_steps": "7",
            "text_size": "normal",
            "language": "da",
        },
    )
    assert response.status_code == 422
    assert only_submission().scale_steps is None


def test_not_today_is_a_declined_submission_and_can_change_later(client, field):
    client.post("/respond/", data={"code": field.codes["teen"]})
    client.post(
        "/respond/setup",
        data={
            "assistance_mode": "alone",
            "layout": "standard",
            "scale_steps": "5",
            "text_size": "normal",
            "language": "da",
        },
    )
    response = client.post("/respond/assent", data={"answer": "not_today"})
    assert response.headers["Location"] == "/respond/not-today"
    assert only_submission().status is SubmissionStatus.DECLINED
    client.post("/respond/", data={"code": field.codes["teen"]})
    location = client.post("/respond/assent", data={"answer": "start"}).headers["Location"]
    client.post(location, data={"choice": "3"})
    db.session.expire_all()
    assert only_submission().status is SubmissionStatus.IN_PROGRESS


def test_not_today_after_answering_keeps_the_answers_in_progress(child_client):
    client, location = child_client("teen")
    assert client.post(location, data={"choice": "3"}).status_code == 303
    # Back on the start page, the child now says "not today": what they gave stays theirs.
    response = client.post("/respond/assent", data={"answer": "not_today"})
    assert response.headers["Location"] == "/respond/not-today"
    db.session.expire_all()
    assert only_submission().status is SubmissionStatus.IN_PROGRESS
    assert [a.value for a in db.session.scalars(sa.select(Answer))] == [3]


def test_young_child_completes_with_3_point_scales_and_private_screens(child_client, field):
    client, location = child_client()
    assert location == "/respond/q/0"
    html = client.get(location).get_data(as_text=True)
    assert "Er du glad for at bo her?" in html
    assert html.count('name="choice" value="') == 3 + 2  # three faces, don't know, rather not say
    assert "face_1.svg" in html and "face_5.svg" in html
    seen, end = answer_all(client, location)
    assert end == "/respond/done"
    submission = only_submission()
    assert submission.status is SubmissionStatus.COMPLETED
    assert submission.completed_at is not None
    answers = db.session.scalars(sa.select(Answer)).all()
    given = [a for a in answers if a.missing_code is not MissingCode.NOT_SHOWN]
    assert len(given) == len(seen) <= 15
    assert {a.scale for a in given} <= {"faces3_amount", "faces3_freq", "faces3_event"}


def test_private_questions_come_after_a_screen_for_the_adult(child_client):
    client, _location = child_client()
    first = next(q.index for q in flow.questions(only_submission()) if q.item.id == "cw_03")
    response = client.get(f"/respond/q/{first}")  # cw_03, about the adults: private
    assert response.status_code == 303
    assert response.headers["Location"] == f"/respond/private/{first}"
    html = client.get(f"/respond/private/{first}").get_data(as_text=True)
    assert "høretelefoner" in html
    assert client.post(f"/respond/private/{first}").headers["Location"] == f"/respond/q/{first}"
    assert client.get(f"/respond/q/{first}").status_code == 200


def test_there_is_no_private_screen_past_the_last_question(child_client):
    client, _location = child_client()
    questions = flow.questions(only_submission())
    assert questions[-1].item.private  # the run of private questions ends the session
    assert client.get(f"/respond/private/{len(questions)}").status_code == 404
    last = client.get(f"/respond/private/{len(questions) - 1}")
    assert last.status_code == 200, last.headers.get("Location")


@pytest.mark.parametrize("band", ["young", "teen"])
def test_private_questions_are_one_run_at_the_end_and_the_adult_is_called_back(child_client, band):
    client, location = child_client(band)
    privacy = [q.item.private for q in flow.questions(only_submission())]
    # Written out: wellbeing, inclusion and situations each hold private items, so in
    # instrument order they would be three runs (three look-away screens).
    assert privacy == sorted(privacy) and privacy.count(True) >= 8
    screens = []
    _seen, location = answer_all(client, location, screens=screens)
    assert len(screens) == 1
    call_back = "Nu kan du kalde på den voksne igen."
    end = client.get(location).get_data(as_text=True)
    # The child answers "would you like to talk to an adult?" alone, then calls the adult.
    assert 'name="talk"' in end and call_back not in end
    goodbye = client.post(location, data={"talk": "no"}).headers["Location"]
    assert call_back in client.get(goodbye).get_data(as_text=True)


def test_reverse_items_show_the_faces_mirrored(child_client, field):
    client, _ = child_client()
    submission = only_submission()
    index = next(q.index for q in flow.questions(submission) if q.item.id == "cw_06")
    html = client.get(f"/respond/q/{index}").get_data(as_text=True)
    assert html.index("face_5.svg") < html.index("face_1.svg")


def test_back_shows_the_answer_given_and_changing_it_does_not_duplicate(child_client):
    client, _location = child_client()
    client.post("/respond/q/0", data={"choice": "3"})
    html = client.get("/respond/q/1").get_data(as_text=True)
    assert 'href="/respond/q/0"' in html
    page = client.get("/respond/q/0").get_data(as_text=True)
    assert 'value="3" checked' in page
    client.post("/respond/q/0", data={"choice": "1"})
    client.post("/respond/q/0", data={"choice": "1"})
    answers = db.session.scalars(sa.select(Answer)).all()
    assert [(a.item_id, a.value) for a in answers] == [("cw_01", 1)]


def at_the_private_questions(child_client):
    """A child who has started, with the adult stepped aside; return the client and
    {item id: question index}."""
    client, _ = child_client()
    questions = {q.item.id: q.index for q in flow.questions(only_submission())}
    db.session.commit()
    client.post(f"/respond/private/{questions['sc_01']}")
    return client, questions


def test_branching_skips_and_marks_the_follow_up(child_client):
    client, questions = at_the_private_questions(child_client)
    client.post(f"/respond/q/{questions['sc_03']}", data={"choice": "1"})  # never afraid
    response = client.post(f"/respond/q/{questions['sc_03']}", data={"choice": "1"})
    db.session.expire_all()
    follow_up = db.session.scalar(sa.select(Answer).where(Answer.item_id == "sc_06"))
    assert follow_up is not None and follow_up.missing_code is MissingCode.NOT_SHOWN
    assert response.headers["Location"] == "/respond/done"


def test_pause_and_resume_at_the_first_unanswered_question(child_client, client, field):
    _client, _ = child_client()
    for index in range(3):
        client.post(f"/respond/q/{index}", data={"choice": "2"})
    assert client.post("/respond/pause").headers["Location"] == "/respond/paused"
    assert client.get("/respond/q/1").headers["Location"] == "/respond/"
    client.post("/respond/", data={"code": field.codes["young"]})
    location = client.post("/respond/assent", data={"answer": "start"}).headers["Location"]
    assert location == "/respond/q/3"


@pytest.mark.parametrize("choice", ["9", "-1", "not_shown", "abc", "", "3.5"])
def test_values_outside_the_scale_are_refused_and_nothing_changes(child_client, choice):
    client, _ = child_client()
    client.post("/respond/q/0", data={"choice": "2"})
    response = client.post("/respond/q/0", data={"choice": choice})
    assert response.status_code == 422
    answers = db.session.scalars(sa.select(Answer)).all()
    assert [(a.item_id, a.value) for a in answers] == [("cw_01", 2)]


def test_tampered_question_index_is_refused(child_client):
    client, _ = child_client()
    assert client.post("/respond/q/999", data={"choice": "1"}).status_code == 404
    assert (
        client.post("/respond/answer", json={"index": 999, "choice": "1", "seq": 5}).status_code
        == 422
    )
    assert answer_count() == 0


def test_extra_fields_cannot_move_an_answer_to_another_submission(child_client, field):
    client, _ = child_client()
    other = Submission(
        participant=db.session.scalars(sa.select(Participant)).all()[1], round=field.round
    )
    db.session.add(other)
    db.session.commit()
    client.post(
        "/respond/q/0", data={"choice": "2", "submission_id": str(other.id), "participant_id": "2"}
    )
    client.post(
        "/respond/answer",
        json={"index": 1, "choice": "2", "seq": 9, "submission_id": str(other.id)},
    )
    owners = set(db.session.scalars(sa.select(Answer.submission_id)))
    assert owners == {only_submission_of_young().id}


def only_submission_of_young():
    return db.session.scalars(
        sa.select(Submission).where(Submission.scale_steps.is_not(None))
    ).one()


def test_answers_to_a_closed_round_are_refused(child_client, field):
    client, _ = child_client()
    client.post("/respond/q/0", data={"choice": "2"})
    field.round.close()
    db.session.commit()
    response = client.post("/respond/q/0", data={"choice": "3"})
    assert response.status_code == 422
    assert "Runden er lukket" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Answer.value)) == 2


def test_background_saves_keep_the_newest_answer(child_client):
    client, _ = child_client()
    assert client.post(
        "/respond/answer", json={"index": 0, "choice": "3", "seq": 200}
    ).get_json() == {"ok": True, "next": "/respond/q/1"}
    client.post("/respond/answer", json={"index": 0, "choice": "1", "seq": 100})  # a late retry
    client.post("/respond/answer", json={"index": 0, "choice": "3", "seq": 200})  # a duplicate
    answers = db.session.scalars(sa.select(Answer)).all()
    assert [(a.value, a.seq) for a in answers] == [(3, 200)]


def test_of_two_saves_with_the_same_sequence_number_the_later_one_stands(child_client):
    # The server cuts a save's number to its clock: two quick taps can share one number, and
    # then the child's last tap is the answer.
    client, _ = child_client()
    client.post("/respond/answer", json={"index": 0, "choice": "1", "seq": 100})
    client.post("/respond/answer", json={"index": 0, "choice": "3", "seq": 100})
    answers = db.session.scalars(sa.select(Answer)).all()
    assert [(a.value, a.seq) for a in answers] == [(3, 100)]


def test_background_save_without_csrf_token_gets_a_new_token(make_app, field):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    html = client.get("/respond/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/respond/", data={"code": field.codes["teen"], "csrf_token": token})
    response = client.post("/respond/answer", json={"index": 0, "choice": "3", "seq": 1})
    # 400 with a fresh token (401 would mean the session was lost); nothing is saved.
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "csrf" and len(body["token"]) > 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def test_expired_token_reshows_the_page_with_the_choice(make_app, field):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    html = client.get("/respond/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/respond/", data={"code": field.codes["staff"], "csrf_token": token})
    response = client.post("/respond/staff/0", data={"item_sk_01": "4", "csrf_token": "expired"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="4" checked' in page
    assert "Siden var udløbet" in page
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        client.post("/respond/staff/0", data={"item_sk_01": "4", "csrf_token": fresh}).status_code
        == 303
    )
    assert db.session.scalar(sa.select(Answer.value).where(Answer.item_id == "sk_01")) == 4


def test_staff_member_completes_page_by_page(client, field):
    location = client.post("/respond/", data={"code": field.codes["staff"]}).headers["Location"]
    assert location == "/respond/staff/0"
    pages = 0
    while location.startswith("/respond/staff/"):
        html = client.get(location).get_data(as_text=True)
        assert "<fieldset" in html and "<legend>" in html
        names = sorted(set(re.findall(r'name="(item_\w+)"', html)))
        data = {name: "2" for name in names}
        response = client.post(location, data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
        location = response.headers["Location"]
        pages += 1
    assert location == "/respond/done"
    assert pages == 3
    submission = only_submission()
    assert submission.status is SubmissionStatus.COMPLETED
    hidden = db.session.scalars(
        sa.select(Answer).where(Answer.missing_code == MissingCode.NOT_SHOWN)
    ).all()
    assert hidden == []  # ss_05 = 2 ("1 time") shows the follow-ups
    html = client.get("/respond/done").get_data(as_text=True)
    assert "Vil du gerne tale med en voksen" not in html


def test_child_asks_to_talk_to_an_adult(child_client):
    client, location = child_client()
    _seen, end = answer_all(client, location)
    html = client.get(end).get_data(as_text=True)
    assert "Vil du gerne tale med en voksen om noget?" in html
    assert "116 111" in html
    response = client.post("/respond/done", data={"talk": "yes"})
    assert response.headers["Location"] == "/respond/goodbye?talk=yes"
    request_ = db.session.scalars(sa.select(TalkRequest)).one()
    assert request_.handled_at is None
    assert (
        db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "talk_request.create"))
        is not None
    )
    assert client.get("/respond/done").headers["Location"] == "/respond/"


def test_respondent_pages_are_never_stored(child_client):
    client, location = child_client()
    for url in ("/respond/", "/respond/setup", location):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_session_cookie_holds_no_code_and_changes_at_entry(client, field):
    client.get("/respond/")
    before = client.get_cookie("session")
    client.post("/respond/", data={"code": field.codes["young"]})
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)
    assert field.codes["young"] not in after.value


def test_progress_never_grows_when_a_follow_up_appears(child_client):
    client, questions = at_the_private_questions(child_client)
    before = client.get(f"/respond/q/{questions['sc_03']}").get_data(as_text=True)
    count = re.search(r"Spørgsmål (\d+) af (\d+)", before).groups()
    client.post(f"/respond/q/{questions['sc_03']}", data={"choice": "2"})  # afraid: follow-up
    after = client.get(f"/respond/q/{questions['sc_06']}").get_data(as_text=True)
    assert re.search(r"Spørgsmål (\d+) af (\d+)", after).groups() == count
    assert count[0] == count[1]  # the last question, and its follow-up, both say "N af N"


def test_code_page_without_a_valid_token_says_so_in_danish(make_app, field):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/respond/", data={"code": field.codes["young"]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Siden har været åben længe, så den skal sendes igen." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_a_round_of_private_questions_only_has_one_look_away_screen(child_client, field):
    # The children answer only the situations questionnaire, in which every item is private.
    for choice in list(field.round.instruments):
        if choice.group is Group.CHILD and choice.instrument_key != "situations_child":
            field.round.instruments.remove(choice)
    db.session.commit()
    client, location = child_client("teen")
    # Every question is private: the run starts at the very first one.
    assert location == "/respond/q/0"
    assert client.get(location).headers["Location"] == "/respond/private/0"
    assert client.post("/respond/private/0").headers["Location"] == "/respond/q/0"
    assert client.post("/respond/private/0").headers["Location"] == "/respond/q/0"  # a reload
    with client.session_transaction() as cookie:
        assert cookie["respondent"]["private_ok"] == [0]  # remembered once, however often
    assert client.post("/respond/q/0", data={"choice": "1"}).headers["Location"] == "/respond/q/1"
    assert client.get("/respond/q/1").status_code == 200  # no second screen within the run


@pytest.mark.parametrize(("who", "steps"), [("young", "3"), ("teen", "5")])
def test_setup_starts_from_the_age_bands_number_of_choices(client, field, who, steps):
    client.post("/respond/", data={"code": field.codes[who]})
    html = client.get("/respond/setup").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*name="scale_steps"[^>]*>', html)
    assert [re.search(r'value="(\d)"', radio)[1] for radio in radios] == ["5", "3", "2"]
    assert [re.search(r'value="(\d)"', radio)[1] for radio in radios if " checked" in radio] == [
        steps
    ]
    assert f"Barnets alder giver {steps} svarmuligheder." in html


def test_staff_member_resumes_at_the_first_page_with_an_unanswered_question(
    client, make_app, field
):
    client.post("/respond/", data={"code": field.codes["staff"]})
    html = client.get("/respond/staff/0").get_data(as_text=True)
    names = set(re.findall(r'name="(item_\w+)"', html))
    assert client.post("/respond/staff/0", data=dict.fromkeys(names, "2")).status_code == 303
    later = make_app().test_client()
    response = later.post("/respond/", data={"code": field.codes["staff"]})
    assert response.headers["Location"] == "/respond/staff/1"


def test_staff_follow_up_questions_not_asked_are_stored_as_not_shown(client, field):
    location = client.post("/respond/", data={"code": field.codes["staff"]}).headers["Location"]
    while location.startswith("/respond/staff/"):
        html = client.get(location).get_data(as_text=True)
        data = dict.fromkeys(set(re.findall(r'name="(item_\w+)"', html)), "2")
        if "item_ss_01" in data:
            # No situations and no force: the follow-ups on them are not asked.
            data.update(item_ss_01="1", item_ss_05="1")
            for follow_up in ("item_ss_06", "item_ss_07", "item_ss_08"):
                data.pop(follow_up)
        location = client.post(location, data=data).headers["Location"]
    assert location == "/respond/done"
    hidden = db.session.scalars(
        sa.select(Answer).where(Answer.missing_code == MissingCode.NOT_SHOWN)
    ).all()
    assert sorted(answer.item_id for answer in hidden) == ["ss_06", "ss_07", "ss_08"]
    assert {(answer.value, answer.submission_id) for answer in hidden} == {
        (None, only_submission().id)
    }
    assert all(isinstance(answer.seq, int) and answer.seq > 0 for answer in hidden)


def test_the_childs_question_form_needs_its_token(make_app, field):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()

    def token(url):
        html = client.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    client.post("/respond/", data={"code": field.codes["teen"], "csrf_token": token("/respond/")})
    client.post("/respond/setup", data={**SETUP, "csrf_token": token("/respond/setup")})
    client.post("/respond/assent", data={"answer": "start", "csrf_token": token("/respond/assent")})
    response = client.post("/respond/q/0", data={"choice": "2", "csrf_token": "expired"})
    assert response.status_code == 200  # shown again, with the choice kept and a new token
    assert answer_count() == 0
    response = client.post(
        "/respond/q/0", data={"choice": "2", "csrf_token": token("/respond/q/0")}
    )
    assert response.status_code == 303
    assert answer_count() == 1

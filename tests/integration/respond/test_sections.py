"""One load per section: respond.js asks for every question of the section at once, and the
server still decides which questions may be shown (issue #18)."""

from __future__ import annotations

import gzip
import json

import lxml.html
import sqlalchemy as sa

from survey.extensions import db
from survey.models import Submission
from survey.respond import flow


def questions_of_teen():
    return flow.questions(db.session.scalars(sa.select(Submission)).one())


def forms(html: str) -> list[lxml.html.HtmlElement]:
    return lxml.html.fromstring(html).xpath("//form[contains(@class, 'question')]")


def test_a_section_holds_every_question_of_its_questionnaire_beside_the_adult(child_client):
    client, _ = child_client("teen")
    questions = questions_of_teen()
    wellbeing = [
        q.index for q in questions if q.instrument.key == "child_wellbeing" and not q.item.private
    ]
    response = client.get(f"/respond/section/{wellbeing[2]}")
    assert response.status_code == 200
    shown = forms(response.get_data(as_text=True))
    assert [int(form.get("data-index")) for form in shown] == wellbeing
    assert [form.get("hidden") is None for form in shown] == [
        index == wellbeing[2] for index in wellbeing
    ]
    # Every form posts where the page without JavaScript posts, with its own heading.
    assert [form.get("action") for form in shown] == [f"/respond/q/{i}" for i in wellbeing]
    assert len({form.xpath(".//h1")[0].get("id") for form in shown}) == len(wellbeing)


def test_a_section_shows_the_answers_given_and_counts_the_rest_of_the_progress(child_client):
    client, _ = child_client("teen")
    for index, choice in ((0, "2"), (1, "dont_know")):
        client.post("/respond/answer", json={"index": index, "choice": choice, "seq": 1 + index})
    questions = questions_of_teen()
    later = next(q.index for q in questions if q.instrument.key == "child_inclusion")
    html = client.get(f"/respond/section/{later}").get_data(as_text=True)
    root = lxml.html.fromstring(html)
    assert root.xpath("//div[@class='section']")[0].get("data-answered-outside") == "2"
    first = forms(client.get("/respond/section/0").get_data(as_text=True))
    checked = [form.xpath(".//input[@checked]") for form in first[:3]]
    assert [[box.get("value") for box in boxes] for boxes in checked] == [["2"], ["dont_know"], []]


def test_a_follow_up_carries_its_condition_for_the_page(child_client):
    client, _ = child_client("teen")
    questions = questions_of_teen()
    follow_up = next(q for q in questions if q.item.show_if is not None)
    afraid = next(q.index for q in questions if q.item.id == "sc_03")
    first_private = next(q.index for q in questions if q.item.private)
    client.post(f"/respond/private/{first_private}")
    client.post("/respond/answer", json={"index": afraid, "choice": "1", "seq": 1})
    html = client.get(f"/respond/section/{afraid}").get_data(as_text=True)
    (form,) = [f for f in forms(html) if f.get("data-item") == follow_up.item.id]
    assert form.get("data-step") is None
    assert json.loads(form.get("data-show-if")) == {
        "items": ["sc_03"],
        "codes": [],
        "above_lowest": True,
        "lowest": {"sc_03": 1},
        "known": {},  # sc_03 is in the same section: the page has its answer
    }
    steps = [f for f in forms(html) if f.get("data-step") is not None]
    assert len(steps) == len(forms(html)) - 1


def test_private_questions_come_only_after_the_adult_looked_away(child_client):
    client, _ = child_client("teen")
    first_private = next(q.index for q in questions_of_teen() if q.item.private)
    response = client.get(f"/respond/section/{first_private}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/respond/q/{first_private}"


def test_a_question_branching_hides_is_not_sent_as_a_section(child_client):
    client, _ = child_client("teen")
    follow_up = next(q for q in questions_of_teen() if q.item.show_if is not None)
    response = client.get(f"/respond/section/{follow_up.index}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/respond/q/{follow_up.index}"


def test_no_section_without_a_live_session_or_for_a_question_that_does_not_exist(
    client, child_client
):
    assert client.get("/respond/section/0").headers["Location"] == "/respond/"
    client, _ = child_client("teen")
    assert client.get("/respond/section/999").status_code == 404


def test_a_section_travels_compressed_when_the_browser_takes_it(child_client):
    client, _ = child_client("teen")
    packed = client.get("/respond/section/0", headers={"Accept-Encoding": "br, gzip"})
    plain = client.get("/respond/section/0", headers={"Accept-Encoding": "identity"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert packed.mimetype == plain.mimetype == "text/html"
    assert "Accept-Encoding" in {token.strip() for token in packed.headers["Vary"].split(",")}
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) * 3 < len(plain.data)


def test_a_question_page_asked_for_by_respond_js_holds_its_section(child_client):
    # Moving to another section, respond.js asks for its first page with the whole section in
    # it: one request per section. The question shown and the page's title are the same.
    client, _ = child_client("teen")
    for index, choice in ((0, "2"), (1, "dont_know")):
        client.post("/respond/answer", json={"index": index, "choice": choice, "seq": 1 + index})
    questions = questions_of_teen()
    inclusion = [
        q.index for q in questions if q.instrument.key == "child_inclusion" and not q.item.private
    ]
    plain = client.get(f"/respond/q/{inclusion[0]}")
    whole = client.get(f"/respond/q/{inclusion[0]}", headers={"X-Respond-Section": "1"})
    assert plain.status_code == whole.status_code == 200
    assert (
        "X-Respond-Section" in plain.headers["Vary"]
        and "X-Respond-Section" in whole.headers["Vary"]
    )
    (alone,) = forms(plain.get_data(as_text=True))
    assert lxml.html.tostring(alone, with_tail=False) == lxml.html.tostring(
        forms(whole.text)[0], with_tail=False
    )
    holder = lxml.html.fromstring(plain.get_data(as_text=True)).xpath("//div[@class='section']")
    assert holder[0].get("data-section-url") == f"/respond/section/{inclusion[0]}"
    root = lxml.html.fromstring(whole.get_data(as_text=True))
    (holder,) = root.xpath("//div[@class='section']")
    assert holder.get("data-section-url") is None
    assert holder.get("data-answered-outside") == "2"  # the two wellbeing answers
    shown = forms(whole.get_data(as_text=True))
    assert [int(form.get("data-index")) for form in shown] == inclusion
    assert [form.get("hidden") is None for form in shown] == [
        index == inclusion[0] for index in inclusion
    ]
    assert (
        root.xpath("//title")[0].text == lxml.html.fromstring(plain.text).xpath("//title")[0].text
    )

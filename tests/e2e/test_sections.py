"""One load per section in Chromium: the page holds a questionnaire's questions and each
following answer is one small save; branching is worked out in the page and agrees with the
server (issue #18)."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from survey.extensions import db
from survey.models import AgeBand, Answer, Layout, Participant, Submission
from survey.pseudonyms import code_hash
from survey.respond.path import RespondentPath
from tests.e2e.test_respond import answer_by_mouse, enter_code, set_up

pytestmark = pytest.mark.e2e


def submission_answers(live_app, code: str) -> tuple[int, str, dict[str, tuple]]:
    """Return the submission's number of sections, its follow-up question's item and its
    answers: item → (value, missing code)."""
    with live_app.app_context():
        hashed = code_hash(code, live_app.config["PSEUDONYM_KEY"])
        submission = db.session.scalar(
            sa.select(Submission).join(Participant).where(Participant.code_hash == hashed)
        )
        path = RespondentPath(submission)
        sections = len({tuple(q.index for q in path.section(q)) for q in path.questions})
        (follow_up,) = [q.item.id for q in path.questions if q.item.show_if is not None]
        answers = {
            answer.item_id: (
                answer.value,
                answer.missing_code.value if answer.missing_code else None,
            )
            for answer in db.session.scalars(
                sa.select(Answer).where(Answer.submission_id == submission.id)
            )
        }
        return sections, follow_up, answers


def start(page: Page, live_server: str, new_code, requests: list | None = None) -> str:
    """Start a teenager; from the first question on, collect the requests the page makes."""
    code = new_code(age_band=AgeBand.AGE_13_18, layout=Layout.STANDARD)
    enter_code(page, live_server, code)
    set_up(page, layout="Standard")
    if requests is not None:
        page.on("requestfinished", lambda request: requests.append(request))
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/respond/q/0")
    expect(page.locator("form.question")).to_be_visible()
    return code


def test_each_following_answer_is_one_small_save_and_each_section_one_load(
    page, live_server, live_app, new_code
):
    requests: list = []
    code = start(page, live_server, new_code, requests)
    answered = answer_by_mouse(page)
    sections, _, answers = submission_answers(live_app, code)
    saves = [r for r in requests if r.url.endswith("/respond/answer")]
    loads = [r for r in requests if "/respond/q/" in r.url or "/respond/section/" in r.url]
    assert len(saves) == answered == len(answers)
    # One load per section: respond.js asks for the next section's first page with the whole
    # section in it. The pages the browser itself opens (the first, and the private questions'
    # first after the adult's look-away page) fetch their section after them; the first
    # private question is asked for twice (the first time the server sends the adult to the
    # look-away page). Nothing per answer.
    kinds = [r.url.split("/respond/")[1].split("/")[0] for r in loads]
    with_section = [r for r in loads if r.headers.get("x-respond-section") == "1"]
    assert kinds.count("section") == 2
    assert len(with_section) == sections - 2 + 1
    assert len(loads) == sections + 2 + 1
    sizes = [len(r.post_data_buffer) + r.sizes()["responseBodySize"] for r in saves]
    assert max(sizes) < 2000


@pytest.mark.parametrize(("pick", "follow_up"), [("first", (None, "not_shown")), ("last", "asked")])
def test_branching_in_the_page_agrees_with_the_server(
    page, live_server, live_app, new_code, pick, follow_up
):
    # The follow-up (did an adult talk with you about it) is asked after any choice above the
    # lowest to any of the situations before it.
    code = start(page, live_server, new_code)
    answered = answer_by_mouse(
        page, pick=lambda choices: choices.first if pick == "first" else choices.last
    )
    _, item, answers = submission_answers(live_app, code)
    if follow_up == "asked":
        assert answers[item][0] is not None
        assert answered == len(answers)
    else:
        assert answers[item] == follow_up
        assert answered == len(answers) - 1


def test_a_childs_first_question_page_transfers_under_60_kb_cold(
    page, browser, live_server, new_code
):
    # A child's tablet that has never seen the app: every file of the first question page,
    # as it travels (compressed where it is), counted with its headers.
    code = new_code()  # 6-9, faces: the pictures count too
    enter_code(page, live_server, code)
    set_up(page, extra=())
    page.get_by_role("button", name="Start").click()
    page.wait_for_url("**/respond/q/0")
    cold = browser.new_context(storage_state=page.context.storage_state())
    tablet = cold.new_page()
    requests: list = []
    tablet.on("requestfinished", lambda request: requests.append(request))
    tablet.goto(f"{live_server}/respond/q/0")
    tablet.wait_for_load_state("networkidle")
    tablet_html = tablet.content()
    sizes = {
        request.url.split(live_server)[1]: sum(request.sizes()[part] for part in PARTS)
        for request in requests
    }
    section = tablet.request.get(f"{live_server}/respond/section/0").text()
    cold.close()
    assert 'name="csrf_token"' in tablet_html and 'name="csrf_token"' not in section
    assert "/fonts/AtkinsonHyperlegible-Regular.woff2" in sizes
    assert not any(url.endswith(".ttf") for url in sizes)

    assert sum(sizes.values()) < 60_000, sizes


#: What comes down to the tablet: headers and (compressed) bodies.
PARTS = ("responseHeadersSize", "responseBodySize")

"""Saving that a child can trust, in Chromium: a tablet's wrong clock, and a lost connection
(issue 13)."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from survey.extensions import db
from survey.models import AgeBand, Answer, Layout, Participant, Submission
from survey.pseudonyms import code_hash
from tests.e2e.test_respond import enter_code, set_up

pytestmark = pytest.mark.e2e


def stored(live_app, code: str) -> dict[str, int | None]:
    """Return the participant's stored answers: {item id: value}."""
    with live_app.app_context():
        hashed = code_hash(code, live_app.config["PSEUDONYM_KEY"])
        rows = db.session.execute(
            sa.select(Answer.item_id, Answer.value)
            .join(Submission)
            .join(Participant)
            .where(Participant.code_hash == hashed)
        )
        return dict(rows.all())


def start_teenager(page: Page, live_server: str, new_code) -> str:
    code = new_code(age_band=AgeBand.AGE_13_18, layout=Layout.STANDARD)
    enter_code(page, live_server, code)
    set_up(page, layout="Standard")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("form.question")).to_be_visible()
    return code


def save_the_ordinary_way(page: Page, live_server: str, index: str, choice: str) -> None:
    """Post a question's form as a browser without JavaScript would (the server's clock)."""
    token = page.locator("[name=csrf_token]").first.input_value()
    response = page.request.post(
        f"{live_server}/respond/q/{index}",
        form={"choice": choice, "csrf_token": token},
        max_redirects=0,
    )
    assert response.status == 303


def choose_and_go_on(page: Page, position: int) -> str:
    heading = page.locator("h1").inner_text()
    choice = page.locator(".choices:not(.choices--missing) .choice").nth(position)
    value = choice.locator("input").get_attribute("value")
    choice.click()
    page.get_by_role("button", name="Næste").click()
    expect(page.locator("h1")).not_to_have_text(heading)
    return value


@pytest.mark.parametrize("offset", [timedelta(hours=-1), timedelta(hours=1)])
def test_a_tablet_with_a_wrong_clock_saves_in_the_right_order(
    page, live_server, live_app, new_code, offset
):
    page.clock.install(time=datetime.now() + offset)
    code = start_teenager(page, live_server, new_code)
    first = page.locator("form.question").get_attribute("data-index")
    # A save on the server's clock first, then the child's own choice on the tablet: the
    # child's is later and must win (with the tablet's clock an hour behind it was dropped).
    save_the_ordinary_way(page, live_server, first, "1")
    # A child takes a moment; within less than the page's own loading time the order of two
    # saves from two places cannot be known (the later page then shows what is stored).
    page.wait_for_timeout(1000)
    chosen = choose_and_go_on(page, 3)
    assert list(stored(live_app, code).values()) == [int(chosen)] != [1]
    # Now the other way round: the tablet's save, then one on the server's clock, which is
    # later and must win (with the tablet's clock an hour ahead it was dropped).
    second = page.locator("form.question").get_attribute("data-index")
    choose_and_go_on(page, 4)
    assert len(stored(live_app, code)) == 2
    save_the_ordinary_way(page, live_server, second, "2")
    assert sorted(stored(live_app, code).values()) == sorted([int(chosen), 2])


def test_without_a_connection_the_child_goes_on_and_the_answer_is_saved_when_it_is_back(
    page, live_server, live_app, new_code
):
    code = start_teenager(page, live_server, new_code)
    page.wait_for_load_state("networkidle")  # the rest of the section is in the page
    heading = page.locator("h1").inner_text()
    page.context.set_offline(True)
    choice = page.locator(".choices:not(.choices--missing) .choice").nth(3)
    value = int(choice.locator("input").get_attribute("value"))
    choice.click()
    page.get_by_role("button", name="Næste").click()
    # The next question of the section comes from the page itself; the save waits.
    expect(page.locator("h1")).not_to_have_text(heading)
    assert page.url.endswith("/respond/q/1")
    expect(page.locator("#save-status")).to_contain_text("Ingen forbindelse lige nu")
    page.wait_for_timeout(7000)  # longer than any retry before: never the browser's error page
    assert stored(live_app, code) == {}
    page.get_by_role("link", name="Tilbage").click()  # the choice is still there, in memory
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator(f"input[name=choice][value='{value}']")).to_be_checked()
    page.context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("Gemt.", timeout=15_000)
    assert list(stored(live_app, code).values()) == [value]
    kept = page.evaluate(
        "async () => localStorage.length + sessionStorage.length"
        " + (await indexedDB.databases()).length"
    )
    assert kept == 0

"""Recorded audio in real Chromium: the question page plays the shipped recordings first and
falls back to the device's voice when one cannot be played."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_respond import FAKE_SPEECH, enter_code, set_up

pytestmark = pytest.mark.e2e

READ = "Læs hvert spørgsmål højt"
#: A stand-in for the browser's audio player: it notes the URL and ends at once, or refuses.
FAKE_AUDIO = """
window.__played = [];
window.Audio = class FakeAudio {
  constructor(url) { this.src = url; }
  play() {
    window.__played.push(new URL(this.src, location.href).pathname);
    if (window.__refuse_audio) {
      return Promise.reject(new Error("this device cannot play it"));
    }
    setTimeout(() => this.onended && this.onended(), 0);
    return Promise.resolve();
  }
  pause() {}
};
"""
QUESTION = [
    "Er du glad for at bo her?",
    "Nej",
    "Ja, lidt",
    "Ja, meget",
    "Ved ikke",
    "Vil ikke svare",
]


def recorded_urls(page: Page) -> list[str | None]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('form.question [data-read-target]'))"
        ".map((part) => part.dataset.audio || null)"
    )


def played(page: Page, at_least: int) -> list[str]:
    for _ in range(100):  # polled: the page's CSP forbids the eval behind wait_for_function
        if page.evaluate("window.__played.length") >= at_least:
            break
        page.wait_for_timeout(50)
    return page.evaluate("window.__played")


def start_reading(page: Page, live_server: str, code: str) -> None:
    enter_code(page, live_server, code)
    set_up(page, extra=[READ])
    page.get_by_role("button", name="Start").click()
    expect(page.locator("h1")).to_have_text(QUESTION[0])


def test_the_question_and_every_answer_play_their_recording(page, live_server, new_code):
    page.add_init_script(FAKE_SPEECH + FAKE_AUDIO)
    start_reading(page, live_server, new_code())
    urls = recorded_urls(page)
    assert len(urls) == len(QUESTION)
    assert all(url and url.startswith("/respond/audio/child_wellbeing/2/") for url in urls)
    assert played(page, len(urls)) == urls
    assert page.evaluate("window.__spoken") == []  # the device's voice was not needed
    for url in urls:
        response = page.request.get(live_server + url)  # with the respondent's session
        assert response.status == 200
        assert response.headers["content-type"] == "audio/mpeg"
        assert response.body()[:3] == b"ID3" or response.body()[0] == 0xFF


def test_a_recording_that_cannot_play_is_read_by_the_device(page, live_server, new_code):
    page.add_init_script("window.__refuse_audio = true;" + FAKE_SPEECH + FAKE_AUDIO)
    start_reading(page, live_server, new_code())
    assert len(played(page, len(QUESTION))) == len(QUESTION)
    for _ in range(100):
        if page.evaluate("window.__spoken.length") >= len(QUESTION):
            break
        page.wait_for_timeout(50)
    assert [text for text, _lang in page.evaluate("window.__spoken")] == QUESTION

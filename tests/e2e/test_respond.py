"""Children and staff answer in real Chromium: mouse, keyboard, switch, no JavaScript, phone."""

import pytest
from playwright.sync_api import Page, expect

from survey.models import AgeBand, Group, Language, Layout
from tests.e2e.conftest import assert_accessible, count_answers, screenshot, submission_of

pytestmark = pytest.mark.e2e


def enter_code(page: Page, base_url: str, code: str) -> None:
    """Open the code card's link: the code arrives in the URL fragment."""
    page.goto(f"{base_url}/respond/#code={code}")
    expect(page.locator(".code-input")).to_have_value(code)
    assert "#" not in page.url
    page.get_by_role("button", name="Videre").click()


def set_up(page: Page, axe=None, **choices: str) -> None:
    """Fill the adult's setup page."""
    expect(page.locator("h1")).to_have_text("Til den voksne: før vi begynder")
    if axe:
        assert_accessible(axe, page)
    page.get_by_label(choices.get("assistance", "Med hjælp til at læse")).check()
    page.get_by_label(choices.get("layout", "Ansigter: billeder")).check()
    if "steps" in choices:
        page.get_by_label(choices["steps"]).check()
    if "size" in choices:
        page.get_by_label(choices["size"], exact=True).check()
    for option in choices.get("extra", ()):
        page.get_by_label(option).check()
    page.get_by_role("button", name="Fortsæt").click()
    expect(page.locator("h1")).to_have_text("Vil du svare på nogle spørgsmål?")


def answer_by_mouse(page: Page, axe=None, shots: str | None = None, pick=None) -> int:
    """Click the middle face (or ``pick(choices)``) on every question until the end page, a
    moment after each question appears; return the questions answered."""
    answered = 0
    while True:
        heading = page.locator("h1").inner_text()
        if heading == "Nu svarer barnet alene":
            if axe:
                assert_accessible(axe, page)
            page.get_by_role("button", name="Fortsæt").click()
            continue
        if heading == "Tak, fordi du svarede!":
            return answered
        choices = page.locator(".choices:not(.choices--missing) .choice")
        expect(choices.first).to_be_visible()
        if axe and answered in (0, 1):
            assert_accessible(axe, page)
        if shots and answered == 0:
            screenshot(page, shots)
        page.wait_for_load_state("networkidle")  # as a child takes a moment to read
        (pick(choices) if pick else choices.nth(choices.count() // 2)).click()
        page.get_by_role("button", name="Næste").click()
        answered += 1
        expect(page.locator("h1")).not_to_have_text(heading)


def test_young_child_completes_with_faces_by_mouse(page, live_server, live_app, axe, new_code):
    code = new_code()
    enter_code(page, live_server, code)
    set_up(page, axe)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Start").click()
    answered = answer_by_mouse(page, axe, shots="respond-faces-6-9")
    assert 10 <= answered <= 15
    # The end page: nothing left to pause, and no "Gemt." left over from the last question.
    expect(page.get_by_role("button", name="Pause")).to_have_count(0)
    expect(page.locator("#save-status")).to_have_text("")
    # Nothing about the child is kept in the browser: no storage, no code in any cookie.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("indexedDB.databases().then(found => found.length)") == 0
    assert all(code not in cookie["value"] for cookie in page.context.cookies())
    assert_accessible(axe, page)
    page.get_by_role("button", name="Nej tak").click()
    expect(page.locator("h1")).to_have_text("Tak! Du kan lukke siden nu.")
    assert_accessible(axe, page)
    result = submission_of(live_app, code)
    assert result["status"] == "completed"
    assert result["scale_steps"] == 3
    assert set(result["scales"]) <= {"faces3_amount", "faces3_freq", "faces3_event"}
    assert count_answers(live_app, code) >= answered
    page.go_back()
    expect(page.locator("h1")).not_to_have_text("Tak, fordi du svarede!")


FOCUSED_NAME = "(document.activeElement.innerText || document.activeElement.value || '').trim()"
FOCUSED_LABEL = "(document.activeElement.labels?.[0]?.innerText || '').trim()"


def tab_to(page: Page, name: str, limit: int = 60) -> None:
    """Press Tab until the element called ``name`` has the focus."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_NAME)
        label = page.evaluate(FOCUSED_LABEL)
        if name in (focused, label):
            return
    raise AssertionError(f"{name!r} not reached by Tab")


def test_teenager_completes_by_keyboard_alone(page, live_server, live_app, new_code):
    code = new_code(age_band=AgeBand.AGE_13_18, layout=Layout.STANDARD)
    page.goto(f"{live_server}/respond/")
    tab_to(page, "Din kode")
    page.keyboard.type(code.lower())
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Til den voksne: før vi begynder")
    tab_to(page, "Alene")
    page.keyboard.press("Space")
    tab_to(page, "Fortsæt")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Vil du svare på nogle spørgsmål?")
    tab_to(page, "Start")
    page.keyboard.press("Enter")
    answered = 0
    while True:
        expect(page.locator("h1")).to_be_focused()
        heading = page.locator("h1").inner_text()
        if heading == "Tak, fordi du svarede!":
            break
        if heading == "Nu svarer barnet alene":
            tab_to(page, "Fortsæt")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press("4")
            expect(page.locator(".choice[data-key='4'] input")).to_be_checked()
            page.keyboard.press("Enter")
            answered += 1
        expect(page.locator("h1")).not_to_have_text(heading)
    assert answered >= 20
    result = submission_of(live_app, code)
    assert result["status"] == "completed"
    assert result["scale_steps"] == 5
    assert "faces5_amount2" in result["scales"]  # the follow-up asks version 2


def test_switch_user_completes_with_space_and_enter_only(page, live_server, live_app, new_code):
    code = new_code(age_band=AgeBand.AGE_10_12)
    enter_code(page, live_server, code)
    set_up(
        page,
        steps="2 svarmuligheder: ja eller nej",
        extra=["Kontakt-scanning: svarene lyser op et ad gangen"],
    )
    expect(page.locator(".is-scanned")).to_have_text("Start")  # the script has lit it
    page.keyboard.press("Enter")  # "Start" is lit first
    # A page load: wait for it, or the loop reads the old page's heading (a rare flake once).
    expect(page.locator("form.question")).to_be_visible()
    answered = 0
    while True:
        heading = page.locator("h1").inner_text()
        if heading == "Tak, fordi du svarede!":
            break
        if heading != "Nu svarer barnet alene":
            expect(page.locator(".choice.is-scanned")).to_have_count(1)
            lit = page.locator(".choice.is-scanned .choice__label")
            for _step in range(8):  # step with Space until "Ja" is lit
                if lit.inner_text() == "Ja":
                    break
                page.keyboard.press("Space")
            answered += 1
        page.keyboard.press("Enter")
        expect(page.locator("h1")).not_to_have_text(heading)
    result = submission_of(live_app, code)
    assert result["status"] == "completed"
    assert set(result["scales"]) <= {"faces2", "faces2_event"}
    assert answered >= 20


def test_child_pauses_and_resumes_where_they_stopped(page, live_server, new_code):
    code = new_code()
    enter_code(page, live_server, code)
    set_up(page)
    page.get_by_role("button", name="Start").click()
    headings = []
    for _question in range(2):
        headings.append(page.locator("h1").inner_text())
        page.locator(".choice").first.click()
        page.get_by_role("button", name="Næste").click()
        expect(page.locator("h1")).not_to_have_text(headings[-1])
    third = page.locator("h1").inner_text()
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("h1")).to_have_text("Dine svar er gemt")
    page.go_back()
    expect(page.locator("h1")).not_to_have_text(third)
    assert "choice" not in page.content() or page.locator(".choice").count() == 0
    enter_code(page, live_server, code)
    page.get_by_role("button", name="Start").click()
    expect(page.locator("h1")).to_have_text(third)


def test_whole_child_flow_works_without_javascript(browser, live_server, live_app, new_code, axe):
    code = new_code(age_band=AgeBand.AGE_10_12, layout=Layout.SIMPLE)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/respond/")
    page.get_by_label("Din kode").fill(code)
    page.get_by_role("button", name="Videre").click()
    set_up(page, layout="Enkel: store tekstknapper")
    page.get_by_role("button", name="Start").click()
    answered = answer_by_mouse(page)
    assert answered >= 20
    page.get_by_role("button", name="Ja tak").click()
    expect(page.locator("h1")).to_have_text("Tak! Du kan lukke siden nu.")
    assert submission_of(live_app, code)["status"] == "completed"
    context.close()


def test_staff_member_completes_on_a_phone(browser, live_server, live_app, new_code, axe):
    code = new_code(group=Group.STAFF, age_band=None, layout=Layout.STANDARD)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    enter_code(page, live_server, code)
    pages = 0
    while page.locator("form.staff-form").count():
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(axe, page)
        if pages == 0:
            screenshot(page, "respond-staff-360")
        for fieldset in page.locator("fieldset.staff-question:visible").all():
            fieldset.locator("label").nth(1).click()
        heading = page.locator("h1").inner_text()
        page.locator("form.staff-form button[type=submit]").click()
        expect(page.locator("h1")).not_to_have_text(heading)
        pages += 1
    assert pages == 4  # version 2: competence, wellbeing, WHO-5, situations
    expect(page.locator("h1")).to_have_text("Tak, fordi du svarede!")
    assert_accessible(axe, page)
    assert submission_of(live_app, code)["status"] == "completed"
    context.close()


@pytest.mark.parametrize(
    ("layout", "language", "extra"),
    [
        (Layout.FACES, Language.EN, ["High contrast"]),
        (Layout.SIMPLE, Language.DA, ["Høj kontrast"]),
        (Layout.STANDARD, Language.EN, []),
    ],
)
def test_every_layout_language_and_contrast_passes_axe(
    page, live_server, new_code, axe, layout, language, extra
):
    code = new_code(age_band=AgeBand.AGE_10_12, layout=layout, language=language)
    page.goto(f"{live_server}/respond/")
    assert_accessible(axe, page)
    page.get_by_label("Din kode").fill(code)
    page.get_by_role("button", name="Videre").click()
    english = language is Language.EN
    if english:
        page.get_by_label("Alone").check()
        for option in extra:
            page.get_by_label(option).check()
        page.get_by_label("Extra large").check()
        assert_accessible(axe, page)
        page.get_by_role("button", name="Continue").click()
        expect(page.locator("h1")).to_have_text("Do you want to answer some questions?")
    else:
        set_up(page, axe, layout="Enkel: store tekstknapper", extra=extra)
    assert_accessible(axe, page)
    page.get_by_role("button", name="Start").click()
    assert_accessible(axe, page)
    screenshot(page, f"respond-{layout.value}-{language.value}{'-contrast' if extra else ''}")
    page.get_by_role("button", name="Pause").click()
    assert_accessible(axe, page)


def test_reload_double_submit_and_back_never_duplicate_answers(
    page, live_server, live_app, new_code
):
    code = new_code(age_band=AgeBand.AGE_13_18, layout=Layout.STANDARD)
    enter_code(page, live_server, code)
    set_up(page, layout="Standard")
    page.get_by_role("button", name="Start").click()
    first = page.locator("h1").inner_text()
    page.locator(".choice").nth(2).click()
    page.get_by_role("button", name="Næste").dblclick()
    expect(page.locator("h1")).not_to_have_text(first)
    second = page.locator("h1").inner_text()
    page.reload()
    expect(page.locator("h1")).to_have_text(second)
    page.locator(".choice").nth(3).click()
    page.get_by_role("button", name="Næste").click()
    expect(page.locator("h1")).not_to_have_text(second)
    page.go_back()
    expect(page.locator("h1")).to_have_text(second)
    expect(page.locator(".choice").nth(3).locator("input")).to_be_checked()
    page.get_by_role("link", name="Tilbage").click()
    expect(page.locator("h1")).to_have_text(first)
    expect(page.locator(".choice").nth(2).locator("input")).to_be_checked()
    page.locator(".choice").nth(4).click()
    page.get_by_role("button", name="Næste").click()
    expect(page.locator("h1")).to_have_text(second)
    assert count_answers(live_app, code) == 2


FAKE_SPEECH = """
window.__spoken = [];
window.__highlighted = [];
class FakeUtterance { constructor(text) { this.text = text; } }
window.SpeechSynthesisUtterance = FakeUtterance;
Object.defineProperty(window, "speechSynthesis", {value: {
  getVoices: () => [{lang: "da-DK", name: "Dansk"}],
  cancel: () => {},
  speak: (utterance) => {
    window.__spoken.push([utterance.text, utterance.lang]);
    if (utterance.onstart) utterance.onstart();
    window.__highlighted.push(document.querySelectorAll(".is-reading").length);
    if (utterance.onend) utterance.onend();
  },
}});
// No recording plays here, so the page falls back to the voice recorded above.
window.Audio = class {
  play() { return Promise.reject(new Error("no recordings here")); }
  pause() {}
};
"""


def test_read_aloud_reads_the_question_and_every_choice_with_highlight(page, live_server, new_code):
    page.add_init_script(FAKE_SPEECH)
    code = new_code()
    enter_code(page, live_server, code)
    set_up(page, extra=["Læs hvert spørgsmål højt"])
    page.get_by_role("button", name="Start").click()
    expect(page.locator("h1")).to_have_text("Er du glad for at bo her?")
    # The page is there before its (deferred) script reads it aloud: wait for the reading.
    # (polled from here: the page's CSP forbids the eval behind wait_for_function)
    for _ in range(100):
        if page.evaluate("window.__spoken.length") >= 6:
            break
        page.wait_for_timeout(50)
    spoken = page.evaluate("window.__spoken")  # auto-read of the new question
    texts = [text for text, _lang in spoken]
    assert texts == [
        "Er du glad for at bo her?",
        "Nej",
        "Ja, lidt",
        "Ja, meget",
        "Ved ikke",
        "Vil ikke svare",
    ]
    assert {lang for _text, lang in spoken} == {"da-DK"}
    assert all(count == 1 for count in page.evaluate("window.__highlighted"))
    page.evaluate("window.__spoken = []")
    page.get_by_role("button", name="Læs højt").click()
    assert page.evaluate("window.__spoken.length") == len(spoken)


def test_not_today_and_wrong_code_pages_pass_axe(page, live_server, live_app, new_code, axe):
    code = new_code(age_band=AgeBand.AGE_13_18, layout=Layout.STANDARD)
    page.goto(f"{live_server}/respond/")
    page.get_by_label("Din kode").fill("WRONG-CODE1")
    page.get_by_role("button", name="Videre").click()
    expect(page.get_by_text("Vi kan ikke finde den kode")).to_be_visible()
    assert_accessible(axe, page)
    enter_code(page, live_server, code)
    set_up(page, layout="Standard")
    page.get_by_role("button", name="Ikke i dag").click()
    expect(page.locator("h1")).to_have_text("Det er helt i orden")
    assert_accessible(axe, page)
    assert submission_of(live_app, code)["status"] == "declined"


def test_the_chosen_answer_shows_in_forced_colours_and_children_get_no_language_switch(
    page, live_server, new_code
):
    code = new_code(age_band=AgeBand.AGE_6_9, layout=Layout.FACES)
    enter_code(page, live_server, code)
    set_up(page)
    page.get_by_role("button", name="Start").click()
    expect(page.locator("form.question")).to_be_visible()
    # The language is chosen in the setup; no switch on the child's pages.
    assert page.locator(".language-switcher").count() == 0
    page.emulate_media(forced_colors="active")
    choices = page.locator(".choices:not(.choices--missing) .choice")
    choices.nth(0).click()
    style = """(element) => {
        const box = getComputedStyle(element), mark = getComputedStyle(element, "::after");
        return [box.outlineStyle, box.outlineWidth, mark.content, mark.borderRightWidth];
    }"""
    chosen = choices.nth(0).evaluate(style)
    other = choices.nth(1).evaluate(style)
    assert chosen[0] == "solid" and chosen[1] == "4px"  # an outline forced colours keep
    assert chosen[2] == '""' and chosen[3] != "0px"  # and a check mark drawn with borders
    assert other[0] != "solid" or other[1] != "4px"
    assert other[2] == "none"
    screenshot(page, "child-question-forced-colours")


@pytest.mark.parametrize("width", [360, 1024])
def test_the_question_grows_with_the_text_size_setting(browser, live_server, new_code, width):
    sizes = {}
    for size in ("Normal", "Stor", "Ekstra stor"):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        enter_code(page, live_server, new_code(age_band=AgeBand.AGE_13_18, layout=Layout.STANDARD))
        set_up(page, layout="Standard", size=size)
        page.get_by_role("button", name="Start").click()
        heading = page.locator("h1")
        sizes[size] = heading.evaluate(
            "(h) => [h, document.body].map((e) => parseFloat(getComputedStyle(e).fontSize))"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        context.close()
    headings = [sizes[size][0] for size in ("Normal", "Stor", "Ekstra stor")]
    assert headings == sorted(set(headings))  # it grows with each step ...
    ratios = {round(heading / text, 2) for heading, text in sizes.values()}
    assert len(ratios) == 1  # ... as much as the text does


def test_setup_and_staff_choices_are_targets_a_finger_finds_at_360_px(
    browser, live_server, new_code
):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    enter_code(page, live_server, new_code(age_band=AgeBand.AGE_13_18, layout=Layout.STANDARD))
    # Measure the setup page once it and its fonts are in (a font arriving late moves lines).
    expect(page.locator("h1")).to_have_text("Til den voksne: før vi begynder")
    page.evaluate("document.fonts.ready.then(() => true)")
    for box in page.locator('.field input[type="checkbox"]').all():
        label = page.locator(f'label[for="{box.get_attribute("id")}"]').bounding_box()
        mark = box.bounding_box()
        middle = mark["y"] + mark["height"] / 2
        assert label["y"] <= middle <= label["y"] + label["height"]  # on its label's line
    for label in page.locator(".radios label").all():
        assert label.bounding_box()["height"] >= 48
    context.close()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    enter_code(page, live_server, new_code(group=Group.STAFF))
    expect(page.locator(".staff-form")).to_be_visible()
    page.evaluate("document.fonts.ready.then(() => true)")
    labels = page.locator(".staff-form .radios label")
    assert labels.count() > 10
    for label in labels.all()[:12]:
        size = label.bounding_box()
        assert size["height"] >= 48 and size["width"] >= 48
    context.close()

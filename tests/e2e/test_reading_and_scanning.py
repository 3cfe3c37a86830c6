"""Read-aloud of every page a child sees, and switch scanning that reaches every control and
can say the lit one aloud, in real Chromium (with a recording stand-in for the device voice)."""

import pytest
from playwright.sync_api import Page, expect

from survey.models import AgeBand
from tests.e2e.test_respond import FAKE_SPEECH, enter_code, set_up

pytestmark = pytest.mark.e2e

SCANNING = "Kontakt-scanning: svarene lyser op et ad gangen"
SCAN_ALOUD = "Kontakt-scanning: sig hvert svar højt, når det lyser op"
READ = "Læs hvert spørgsmål højt"
BRIEF = "Læs kun spørgsmålet og svarene (ikke “Ved ikke” og den slags)"


def spoken(page: Page, at_least: int) -> list[str]:
    """Return what was read aloud, once at least ``at_least`` parts were (the CSP forbids the
    eval behind wait_for_function, so this polls)."""
    for _ in range(100):
        if page.evaluate("window.__spoken.length") >= at_least:
            break
        page.wait_for_timeout(50)
    return [text for text, _lang in page.evaluate("window.__spoken")]


def answer_everything(page: Page) -> None:
    """Answer "Nej" (or step past the adult's screen) until the thank-you page."""
    while True:
        heading = page.locator("h1").inner_text()
        if heading == "Tak, fordi du svarede!":
            return
        if heading == "Nu svarer barnet alene":
            page.get_by_role("button", name="Fortsæt").click()
        else:
            page.locator(".choices:not(.choices--missing) .choice").first.click()
            page.get_by_role("button", name="Næste").click()
        expect(page.locator("h1")).not_to_have_text(heading)


def test_brief_reading_leaves_out_dont_know_and_rather_not_say(page, live_server, new_code):
    page.add_init_script(FAKE_SPEECH)
    enter_code(page, live_server, new_code())
    set_up(page, extra=[READ, BRIEF])
    page.get_by_role("button", name="Start").click()
    expect(page.locator("h1")).to_have_text("Er du glad for at bo her?")
    assert spoken(page, 4) == ["Er du glad for at bo her?", "Nej", "Ja, lidt", "Ja, meget"]
    page.wait_for_timeout(300)
    assert len(page.evaluate("window.__spoken")) == 4  # and nothing after the answers


def test_the_end_and_goodbye_pages_are_read_aloud_in_full(page, live_server, new_code):
    page.add_init_script(FAKE_SPEECH)
    enter_code(page, live_server, new_code())
    set_up(page, extra=[READ])
    page.get_by_role("button", name="Start").click()
    answer_everything(page)
    page.evaluate("window.__spoken = []")
    page.get_by_role("button", name="Læs højt").click()
    end = spoken(page, 7)
    assert end == [
        "Tak, fordi du svarede!",
        "Det var helt i orden at springe spørgsmål over.",
        "Vil du gerne tale med en voksen om noget?",
        "Hvis du siger ja, kommer en voksen fra stedet, hvor du bor, og taler med dig. "
        "Den voksne ser ikke dine svar.",
        "Ja tak",
        "Nej tak",
        "Du kan altid tale med BørneTelefonen: ring 116 111. Det er gratis, og du "
        "behøver ikke sige, hvem du er.",
    ]
    page.get_by_role("button", name="Ja tak").click()
    expect(page.locator("h1")).to_have_text("Tak! Du kan lukke siden nu.")
    # The goodbye page is read by itself: the session has ended, the reading choice has not.
    goodbye = spoken(page, 4)  # a new page, a new recording
    assert goodbye == [
        "Tak! Du kan lukke siden nu.",
        "Nu kan du kalde på den voksne igen.",
        "En voksen fra stedet, hvor du bor, kommer og taler med dig.",
        end[-1],
    ]


def test_switch_scanning_reaches_every_control_and_says_the_lit_one(page, live_server, new_code):
    page.add_init_script(FAKE_SPEECH)
    enter_code(page, live_server, new_code(age_band=AgeBand.AGE_10_12))
    set_up(page, steps="3 svarmuligheder", extra=[SCANNING, SCAN_ALOUD])
    expect(page.locator(".is-scanned")).to_have_text("Start")  # the script has lit it
    page.keyboard.press("Enter")  # "Start" is lit first
    expect(page.locator(".choice.is-scanned")).to_have_count(1)
    page.keyboard.press("Enter")  # the first question: "Nej", lit first
    expect(page.locator(".back-link")).to_be_visible()
    expect(page.locator(".is-scanned .choice__label")).to_have_text("Nej")
    lit = []
    for _press in range(12):  # the last press lights "Ja, lidt" again
        page.wait_for_timeout(50)
        lit.append(page.locator(".is-scanned").inner_text().split("\n")[0].strip())
        page.keyboard.press("Space")
    # Every control of the page lights up in turn, starting at the first answer; Space never
    # presses what is lit (the page is still the second question).
    assert lit[:11] == [
        "Nej",
        "Ja, lidt",
        "Ja, meget",
        "Ved ikke",
        "Vil ikke svare",
        "Tilbage",
        "Næste",
        "Langsommere",
        "Hurtigere",
        "Pause",
        "Læs højt",
    ]
    assert lit[11] == "Nej"
    said = [text for text, _lang in page.evaluate("window.__spoken")]
    assert said[-13:] == [*lit, "Ja, lidt"]  # each lit control is said aloud as it lights
    # Enter presses the lit control: step from "Ja, lidt" to "Tilbage", back to question 1.
    for _press in range(4):
        page.keyboard.press("Space")
    expect(page.locator(".is-scanned")).to_have_text("Tilbage")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Er du glad for at bo her?")


def test_key_presses_to_choose_stay_as_few_as_before(page, live_server, new_code):
    # Scanning starts at the first answer, as when only the answers lit up (the read-aloud
    # button comes first on the page): choosing the k-th of three takes k-1 steps and Enter.
    enter_code(page, live_server, new_code(age_band=AgeBand.AGE_10_12))
    set_up(page, steps="3 svarmuligheder", extra=[SCANNING])
    expect(page.locator(".is-scanned")).to_have_text("Start")  # the script has lit it
    page.keyboard.press("Enter")  # "Start": a page load; the loop must not read the old page
    expect(page.locator("form.question")).to_be_visible()
    lit_position = """() => [...document.querySelectorAll(
        ".choices:not(.choices--missing) .choice")].findIndex((c) => c.matches(".is-scanned"))"""
    presses = []
    for wanted in (0, 1, 2):
        heading = page.locator("h1").inner_text()
        expect(page.locator(".choice.is-scanned")).to_have_count(1)
        count = 0
        while page.evaluate(lit_position) != wanted:
            page.keyboard.press("Space")
            count += 1
        page.keyboard.press("Enter")
        presses.append(count + 1)
        expect(page.locator("h1")).not_to_have_text(heading)
    assert presses == [1, 2, 3]

"""The answer scale in Chromium: one row or one column at every width and text size, never
split, no word cut, no sideways scrolling; 3 faces in a row on a 360 px phone, 5 on a tablet."""

import io
from itertools import pairwise

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from survey.models import AgeBand, Layout
from tests.e2e.conftest import screenshot
from tests.e2e.test_respond import enter_code, set_up

pytestmark = pytest.mark.e2e

WIDTHS = (320, 360, 412, 768, 1024)
SIZES = {"normal": "Normal", "large": "Stor", "xlarge": "Ekstra stor"}
STEPS = {5: "5 svarmuligheder", 3: "3 svarmuligheder", 2: "2 svarmuligheder: ja eller nej"}
LAYOUTS = {"faces": "Ansigter: billeder", "simple": "Enkel: store tekstknapper"}

MEASURE = """() => {
    const boxes = [...document.querySelectorAll(".choices:not(.choices--missing) .choice")]
        .map((choice) => choice.getBoundingClientRect());
    const cut = [...document.querySelectorAll(".choice, .choice__label")]
        .filter((element) => element.scrollWidth > element.clientWidth + 1)
        .map((element) => element.textContent.trim());
    return {
        tops: boxes.map((box) => Math.round(box.top)),
        lefts: boxes.map((box) => Math.round(box.left)),
        cut: cut,
        sideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    };
}"""


def change_setup(page: Page, base_url: str, layout: str, steps: int, size: str, language: str):
    page.goto(f"{base_url}/respond/setup")
    page.locator(f'input[name="layout"][value="{layout}"]').check()
    page.locator(f'input[name="scale_steps"][value="{steps}"]').check()
    page.locator(f'input[name="text_size"][value="{size}"]').check()
    page.locator(f'input[name="language"][value="{language}"]').check()
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page.locator(".assent-choices")).to_be_visible()


def test_the_scale_is_one_row_or_one_column_at_every_width_and_size(browser, live_server, new_code):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    enter_code(page, live_server, new_code(age_band=AgeBand.AGE_10_12, layout=Layout.FACES))
    set_up(page)
    shapes = {}
    for layout in LAYOUTS:
        for steps in STEPS:
            for size in SIZES:
                for language in ("da", "en"):
                    change_setup(page, live_server, layout, steps, size, language)
                    # An amount question and a frequency question (the longest words).
                    for question in (0, 2):
                        page.goto(f"{live_server}/respond/q/{question}")
                        expect(page.locator(".choices--" + str(steps))).to_be_visible()
                        for width in WIDTHS:
                            page.set_viewport_size({"width": width, "height": 800})
                            found = page.evaluate(MEASURE)
                            where = (layout, steps, size, language, question, width)
                            row = len(set(found["tops"])) == 1
                            column = len(set(found["lefts"])) == 1
                            assert row or column, (where, found)
                            assert not found["cut"], (where, found["cut"])
                            assert not found["sideways"], where
                            shapes[where] = "row" if row else "column"
                        page.set_viewport_size({"width": 1024, "height": 800})
    # Where the room is there, the scale is a row: 3 faces on a 360 px phone, 5 on a tablet
    # (also with large text), 2 faces even at 320 px; extra-large text on a phone is a column.
    assert shapes[("faces", 3, "normal", "da", 0, 360)] == "row"
    assert shapes[("faces", 3, "normal", "en", 2, 360)] == "row"
    assert shapes[("faces", 5, "normal", "da", 0, 768)] == "row"
    assert shapes[("faces", 5, "large", "da", 0, 768)] == "row"
    assert shapes[("faces", 2, "normal", "da", 0, 320)] == "row"
    assert shapes[("faces", 5, "xlarge", "da", 0, 360)] == "column"
    assert shapes[("simple", 3, "normal", "da", 0, 1024)] == "row"
    context.close()


def test_screenshots_of_the_scale_on_a_tablet_and_at_320_px_with_extra_large_text(
    browser, live_server, new_code
):
    for width, height, size, steps, name in (
        (768, 1024, "normal", 5, "child-question-768px-5-faces"),
        (320, 720, "xlarge", 3, "child-question-320px-extra-large-text"),
    ):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        enter_code(page, live_server, new_code(age_band=AgeBand.AGE_10_12, layout=Layout.FACES))
        set_up(page)
        change_setup(page, live_server, "faces", steps, size, "da")
        page.goto(f"{live_server}/respond/q/0")
        expect(page.locator(f".choices--{steps}")).to_be_visible()
        assert not page.evaluate(MEASURE)["sideways"]
        # The page focuses its heading for screen readers; it must not look like a text field.
        heading = page.locator("h1").evaluate(
            "(h) => [document.activeElement === h, getComputedStyle(h).outlineStyle,"
            " getComputedStyle(h).boxShadow]"
        )
        assert heading == [True, "none", "none"]
        screenshot(page, name)
        context.close()


def test_neighbouring_faces_differ_clearly_at_the_size_of_a_phone(page, live_server):
    # Drawn at 64 px, as on a phone, each face differs from the next in at least 2 % of its
    # pixels (the earlier drawings: 1.3-2.0 %, faces 1/2 and 4/5 hard to tell apart).
    page.set_viewport_size({"width": 64, "height": 64})
    inked = []
    for number in range(1, 7):
        page.set_content(
            f'<body style="margin:0;background:#fff">'
            f'<img src="{live_server}/static/img/choices/face_{number}.svg" width="64" height="64">'
        )
        page.locator("img").evaluate("(image) => image.decode()")
        pixels = Image.open(io.BytesIO(page.screenshot())).convert("L")
        inked.append(np.asarray(pixels) < 128)
    differences = [float((a ^ b).mean()) for a, b in pairwise(inked)]
    assert min(differences) >= 0.02, [round(share * 100, 1) for share in differences]

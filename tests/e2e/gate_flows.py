"""The respondent flows of the accessibility gate: a member of staff and a child answer as
they would, from the code to the last page, and every kind of page is checked on the way."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page

from survey import accounts
from survey.extensions import db
from survey.models import AgeBand, Group, Language, Layout
from survey.participants import register_participants
from tests.e2e.conftest import E2E_SITE
from tests.e2e.gate_crawler import Gate, Mode
from tests.e2e.gate_routes import STAFF

#: Each layout with the age band the demo gives it (the age band picks the wording).
AGE_BANDS = {"faces": AgeBand.AGE_6_9, "simple": AgeBand.AGE_10_12, "standard": AgeBand.AGE_13_18}


def issue_code(app: Flask, group: Group, layout: str = "standard", language: str = "da") -> str:
    """Register one participant at the coordinator's site; return the code."""
    with app.app_context():
        (issued,) = register_participants(
            accounts.find_site(E2E_SITE),
            group,
            1,
            age_band=AGE_BANDS[layout] if group is Group.CHILD else None,
            layout=Layout(layout),
            language=Language(language),
        )
        db.session.commit()
        return issued.code


def enter_code(gate: Gate, page: Page, code: str) -> None:
    """Type the code on the code page and go on."""
    gate.goto(page, "/respond/")
    page.locator(".code-input").fill(code)
    gate.move_on(page, page.locator("form.code-form button[type=submit]"))


def open_code_page(gate: Gate, page: Page, role: str, mode: Mode) -> None:
    """Open the code page in the mode's language (its own switch) and check it."""
    status = gate.goto(page, "/respond/")
    if mode.language != "da":
        switch = page.locator(f'.language-switcher button[value="{mode.language}"]')
        status = gate.submit(page, switch)
    gate.check(page, role, mode, child=role != STAFF, status=status)


def staff_flow(gate: Gate, mode: Mode) -> None:
    """Answer the staff questionnaire page by page, then finish; check every page."""
    code = issue_code(gate.app, Group.STAFF, language=mode.language)
    page = gate.new_page(mode)
    open_code_page(gate, page, STAFF, mode)
    page.locator(".code-input").fill(code)
    gate.move_on(page, page.locator("form.code-form button[type=submit]"))
    while gate.endpoint_of(page.url) == "respond.show_staff_page":
        # The second choice everywhere, which also shows the follow-up questions.
        for _round in range(3):
            for fieldset in page.locator("fieldset.staff-question:visible").all():
                if not fieldset.locator("input:checked").count():
                    fieldset.locator("input[type=radio]").nth(1).check()
        gate.check(page, STAFF, mode)
        gate.move_on(page, page.locator("form.staff-form button[type=submit]"))
    gate.check(page, STAFF, mode)  # the end: thanks, no talk offered to staff
    gate.move_on(page, page.locator("main form[action$='/pause']:not(#pause-form) button"))
    gate.check(page, STAFF, mode)  # paused: the session has ended
    gate.done_with(page)


def set_up_child(page: Page, layout: str, steps: int, mode: Mode) -> None:
    """Make the adult's choices on the setup page."""
    page.locator('input[name="assistance_mode"]').first.check()
    for name, value in (
        ("layout", layout),
        ("scale_steps", str(steps)),
        ("text_size", mode.text_size),
        ("language", mode.language),
    ):
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    if mode.high_contrast:
        page.locator('input[name="high_contrast"]').check()


def child_flow(gate: Gate, role: str, mode: Mode) -> None:
    """Answer as a child from the code to the goodbye: not today, pause, every question
    (checked once per answer scale, and the first private one), the private screen, the end."""
    _child, layout, steps = role.split("-")
    code = issue_code(gate.app, Group.CHILD, layout)
    page = gate.new_page(mode)
    open_code_page(gate, page, role, mode)
    page.locator(".code-input").fill(code)
    gate.move_on(page, page.locator("form.code-form button[type=submit]"))
    gate.check(page, role, mode)  # the setup is the adult's page: 24 px targets
    set_up_child(page, layout, int(steps), mode)
    gate.move_on(page, page.locator("form.stacked-form button[type=submit]"))
    gate.check(page, role, mode, child=True)
    gate.move_on(page, page.locator('button[name="answer"][value="not_today"]'))
    gate.check(page, role, mode, child=True)
    enter_code(gate, page, code)
    gate.move_on(page, page.locator('button[name="answer"][value="start"]'))
    scales: set[tuple[str, ...]] = set()
    answered, paused, private = 0, False, "no"
    for _step in range(60):
        endpoint = gate.endpoint_of(page.url)
        if endpoint == "respond.show_question":
            choices = page.locator(".choices:not(.choices--missing) .choice")
            labels = tuple(choices.locator(".choice__label").all_inner_texts())
            if labels not in scales or private == "next":
                gate.check(page, role, mode, child=True)
                scales.add(labels)
                private = "checked" if private == "next" else private
            if answered == 1 and not paused:
                gate.move_on(page, page.locator("button.button--pause"))
                gate.check(page, role, mode, child=True)
                enter_code(gate, page, code)
                gate.move_on(page, page.locator('button[name="answer"][value="start"]'))
                paused = True
                continue
            choices.nth(choices.count() // 2).click()
            gate.move_on(page, page.locator("form.question button[type=submit]"))
            answered += 1
        elif endpoint == "respond.show_private":
            if private == "no":
                gate.check(page, role, mode, child=True)
                private = "next"
            gate.move_on(page, page.locator("main form:not(#pause-form) button[type=submit]"))
        elif endpoint == "respond.show_end":
            gate.check(page, role, mode, child=True)
            gate.move_on(page, page.locator('button[name="talk"][value="no"]'))
            gate.check(page, role, mode, child=True)
            break
        else:
            gate.failures.append(f"[{mode.name}] {role}: lost at {page.url} after {answered}")
            break
    else:
        gate.failures.append(f"[{mode.name}] {role}: no end after {answered} questions")
    if private == "no":
        gate.failures.append(f"[{mode.name}] {role}: no private questions were asked")
    gate.done_with(page)

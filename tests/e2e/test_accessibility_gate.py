"""The accessibility gate (issue 14, point 3): every route of the URL map, in every role that
opens it, checked with axe-core (WCAG 2.0, 2.1 and 2.2, A and AA), reflowed at 320 CSS px and
measured for target size; the respondent pages and one page per other template again in
English, in high contrast, and with forced colours and reduced motion.

A route the crawler does not reach fails the gate, and so does a route the gate has no entry
for (``gate_routes.ROUTES``): a new page cannot slip through. The ARIA snapshots of the
child's question page, the staff page and the setup page are reviewed fixtures in ``aria/``
(``UPDATE_ARIA=1`` writes them anew; review the diff before committing it).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from survey import accounts
from survey.extensions import db
from survey.models import AgeBand, Group, Layout, Role, Site, Study
from survey.participants import register_participants
from tests.e2e.conftest import ARTIFACTS, E2E_ADMIN, E2E_COORDINATOR, E2E_SITE
from tests.e2e.gate_crawler import Gate, Mode, Visit
from tests.e2e.gate_flows import child_flow, enter_code, issue_code, set_up_child, staff_flow
from tests.e2e.gate_routes import (
    ADMINISTRATOR,
    ANONYMOUS,
    CHILD_ROLES,
    COORDINATOR,
    EVALUATOR,
    EXCLUDED,
    NOT_OPENED,
    NOT_PAGES,
    RESPONDENT_ROLES,
    ROUTES,
    SIGNED_IN,
    STAFF,
    DemoIds,
    allowed_roles,
    demo_ids,
    get_endpoints,
    url_of,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

#: The gate's share of CI time.
BUDGET_SECONDS = 600
E2E_EVALUATOR = "e2e-evaluator@example.org"
EMAILS = {ADMINISTRATOR: E2E_ADMIN, EVALUATOR: E2E_EVALUATOR, COORDINATOR: E2E_COORDINATOR}
TEMPLATES = Path(__file__).resolve().parents[2] / "survey" / "templates"
ARIA = Path(__file__).resolve().parent / "aria"

DANISH = Mode("da")
MODES = (
    Mode("en", language="en", text_size="large"),
    Mode("high-contrast", {"contrast": "more"}, high_contrast=True, text_size="xlarge"),
    Mode("forced-colours", {"forced_colors": "active", "reduced_motion": "reduce"}),
)
#: The children answering in each other mode: one per layout, the ladders in a Latin square,
#: so every mode sees every layout and every ladder.
MODE_CHILDREN = {
    "en": ("child-faces-5", "child-simple-3", "child-standard-2"),
    "high-contrast": ("child-faces-3", "child-simple-2", "child-standard-5"),
    "forced-colours": ("child-faces-2", "child-simple-5", "child-standard-3"),
}


@pytest.fixture(scope="module")
def gate_data(live_app: Flask) -> dict[str, str]:
    """Add an evaluator, and a child in a study with no open round; return that child's code."""
    with live_app.app_context():
        accounts.create_user(E2E_EVALUATOR, Role.EVALUATOR, PASSWORD)
        study = Study(slug="gate-no-round", name="Gate: ingen åben runde")
        study.retention_until = date(2031, 12, 31)
        study.sites = [Site(name="Gate: Stedet uden runde", kind="opholdssted", region="-")]
        db.session.add(study)
        db.session.flush()
        (issued,) = register_participants(
            study.sites[0], Group.CHILD, 1, age_band=AgeBand.AGE_6_9, layout=Layout.FACES
        )
        db.session.commit()
        return {"no_round_code": issued.code}


def test_every_get_route_has_a_gate_entry_and_the_entries_match_the_access_rules(live_app):
    endpoints = get_endpoints(live_app)
    without_entry = endpoints - ROUTES.keys() - EXCLUDED.keys()
    assert not without_entry, f"routes the gate does not open (add them to ROUTES): {without_entry}"
    gone = (ROUTES.keys() | EXCLUDED.keys()) - endpoints
    assert not gone, f"gate entries for routes that no longer answer GET: {gone}"
    assert not ROUTES.keys() & EXCLUDED.keys()
    for endpoint, route in ROUTES.items():
        allowed = allowed_roles(live_app, endpoint)
        signed_in = {role for role in route.roles if role in SIGNED_IN}
        if allowed is None:
            continue  # open to all; the table says who opens it
        skipped = {role for (name, role) in NOT_OPENED if name == endpoint}
        assert signed_in == allowed - skipped, (endpoint, signed_in, allowed)
        assert not set(route.roles) - set(SIGNED_IN), (endpoint, route.roles)


def guarded(gate: Gate, where: str, step: Callable[..., object], *arguments: object) -> None:
    """Run one visit or flow; if it breaks, note where and go on with the others."""
    try:
        step(*arguments)
    except Exception as error:  # one broken page must not hide what the rest of the run finds
        message = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        gate.failures.append(f"{where}: stopped: {type(error).__name__}: {message}")


# Pages outside the respondent flows -----------------------------------------------------


def _open(gate: Gate, path: str) -> Callable[[Page], int | None]:
    return lambda page: gate.goto(page, path)


def _form_visit(
    gate: Gate, path: str, fields: dict[str, str], button: str
) -> Callable[[Page], int | None]:
    def action(page: Page) -> int | None:
        gate.goto(page, path)
        for name, value in fields.items():
            field = page.locator(f'[name="{name}"]')
            if field.evaluate("(element) => element.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        return gate.submit(page, page.locator(button))

    return action


def visits_by_url(gate: Gate, ids: DemoIds, no_round_code: str) -> dict[str, list[Visit]]:
    """Return, per role, the pages opened by URL or by one form: every route and the extras."""
    visits: dict[str, list[Visit]] = {role: [] for role in (ANONYMOUS, *SIGNED_IN)}
    for endpoint, route in ROUTES.items():
        for role in route.roles:
            if role in visits:
                path = url_of(gate.app, endpoint, ids)
                visits[role].append(Visit(role, _open(gate, path), endpoint=endpoint))
    site = f"/admin/sites/{ids.site_id}"
    register = _form_visit(
        gate,
        site,
        {"group": "child", "count": "1", "age_band": "6-9"},
        "form[action$='/participants'] button[type=submit]",
    )
    visits[ANONYMOUS] += [
        Visit(ANONYMOUS, _open(gate, "/gate-no-such-page"), label="error-404", status=404),
        Visit(
            ANONYMOUS,
            _form_visit(
                gate,
                "/admin/login",
                {"email": "nobody@example.org", "password": "not the password"},
                "main form button[type=submit]",
            ),
            label="sign-in-refused",
            status=401,
        ),
        Visit(
            ANONYMOUS,
            _form_visit(gate, "/respond/", {"code": "WRONG-CODE1"}, "form.code-form button"),
            label="code-refused",
            status=422,
        ),
        Visit(
            "child-no-open-round",
            _form_visit(gate, "/respond/", {"code": no_round_code}, "form.code-form button"),
            label="no-open-round",
            child=True,
        ),
    ]
    visits[ADMINISTRATOR].append(
        Visit(ADMINISTRATOR, register, label="codes-shown-once", status=201)
    )
    visits[COORDINATOR] += [
        Visit(COORDINATOR, register, label="codes-shown-once", status=201),
        Visit(COORDINATOR, _open(gate, "/admin/users"), label="error-403", status=403),
    ]
    return visits


def check_by_url(gate: Gate, ids: DemoIds, no_round_code: str) -> None:
    """Open every page of the anonymous and signed-in roles in Danish."""
    for role, visits in visits_by_url(gate, ids, no_round_code).items():
        page = gate.start_as(DANISH, EMAILS.get(role), PASSWORD)
        for visit in visits:
            route = ROUTES.get(visit.endpoint or "")
            where = f"[{DANISH.name}] {role} {visit.endpoint or visit.label}"
            if route is not None and route.kind != "page":
                path = url_of(gate.app, visit.endpoint, ids)
                guarded(
                    gate, where, gate.fetch, page, role, DANISH, visit.endpoint, path, route.kind
                )
            else:
                guarded(gate, where, gate.run, page, visit, DANISH)
        gate.done_with(page)


def replay_by_template(gate: Gate, mode: Mode) -> None:
    """Open again, in ``mode``, one page per template seen outside the flows."""
    chosen: dict[str, list[Visit]] = {}
    for visit in dict.fromkeys(gate.replays.values()):
        chosen.setdefault(visit.role, []).append(visit)
    for role, visits in chosen.items():
        page = gate.start_as(mode, EMAILS.get(role), PASSWORD)
        for visit in visits:
            where = f"[{mode.name}] {role} {visit.endpoint or visit.label}"
            guarded(gate, where, gate.run, page, visit, mode)
        gate.done_with(page)


# The gate ------------------------------------------------------------------------------------


def page_templates() -> set[str]:
    """Return every template that is a page (not a base, a partial or a file)."""
    names = {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")}
    return {
        name
        for name in names
        if not Path(name).name.startswith(("_", "base")) and name not in NOT_PAGES
    }


def digest(failures: list[str]) -> list[str]:
    """Return each distinct problem once, with how often and on which pages it was seen."""
    pages: dict[str, list[str]] = {}
    for line in failures:
        where, _colon, problem = line.partition(": ")
        parts = where.split(" ")  # [mode] role endpoint path
        pages.setdefault(problem, []).append(parts[-2] if len(parts) >= 4 else where)
    lines = ["", "Distinct problems:"]
    for problem, seen in pages.items():
        lines.append(f"- {problem} -- {len(seen)}x, on {', '.join(dict.fromkeys(seen))}")
    return lines


def test_gate_every_route_in_every_role_and_mode_has_no_accessibility_failure(
    live_app, live_server, browser, axe, gate_data
):
    gate = Gate(live_app, axe, browser, live_server)
    ids = demo_ids(live_app, E2E_SITE, E2E_COORDINATOR)
    try:
        check_by_url(gate, ids, gate_data["no_round_code"])
        guarded(gate, f"[{DANISH.name}] {STAFF}", staff_flow, gate, DANISH)
        for role in CHILD_ROLES:
            guarded(gate, f"[{DANISH.name}] {role}", child_flow, gate, role, DANISH)
        for mode in MODES:
            replay_by_template(gate, mode)
            guarded(gate, f"[{mode.name}] {STAFF}", staff_flow, gate, mode)
            for role in MODE_CHILDREN[mode.name]:
                guarded(gate, f"[{mode.name}] {role}", child_flow, gate, role, mode)
    finally:
        gate.close()
    planned = {(endpoint, role) for endpoint, route in ROUTES.items() for role in route.roles}
    reached = {(endpoint, role) for endpoint, role, mode in gate.reached if mode == DANISH.name}
    missed = sorted(planned - reached)
    respondent = {
        name for name, route in ROUTES.items() if set(route.roles) & set(RESPONDENT_ROLES)
    }
    for mode in MODES:
        seen = {endpoint for endpoint, _role, name in gate.visited if name == mode.name}
        missed += [(endpoint, f"any role in {mode.name}") for endpoint in respondent - seen]
        unseen = gate.templates.get(DANISH.name, set()) - gate.templates.get(mode.name, set())
        missed += [(template, f"template in {mode.name}") for template in sorted(unseen)]
    missed += [(t, "template never shown") for t in sorted(page_templates() - gate.templates["da"])]
    failures = [f"not reached: {endpoint} as {role}" for endpoint, role in missed] + gate.failures
    if gate.elapsed() > BUDGET_SECONDS:
        failures.append(f"the gate took {gate.elapsed():.0f} s, over its {BUDGET_SECONDS} s")
    summary = f"{gate.summary()}; {len(failures)} failures"
    report = "\n".join([summary, *digest(failures), "", "Every failure:", *failures])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "accessibility-gate.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    assert not failures, report


# ARIA snapshots ------------------------------------------------------------------------------


def match_aria_snapshot(page: Page, name: str) -> None:
    """Compare the main landmark's ARIA snapshot with the reviewed fixture ``aria/<name>.yml``."""
    snapshot = page.locator("main").aria_snapshot() + "\n"
    fixture = ARIA / f"{name}.yml"
    if os.environ.get("UPDATE_ARIA") == "1":
        ARIA.mkdir(exist_ok=True)
        fixture.write_text(snapshot, encoding="utf-8")
        return
    assert fixture.exists(), f"{fixture} is missing: run with UPDATE_ARIA=1 and review it"
    reviewed = fixture.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            reviewed.splitlines(keepends=True),
            snapshot.splitlines(keepends=True),
            f"aria/{name}.yml (reviewed)",
            f"aria/{name}.yml (now)",
        )
    )
    assert snapshot == reviewed, (
        f"the ARIA tree of {name} changed (UPDATE_ARIA=1 to accept):\n{diff}"
    )


def test_aria_snapshots_of_the_setup_child_question_and_staff_pages(
    live_app, live_server, browser, axe
):
    gate = Gate(live_app, axe, browser, live_server)
    try:
        page = gate.new_page(DANISH)
        enter_code(gate, page, issue_code(live_app, Group.CHILD, "faces"))
        expect(page.locator("form.stacked-form")).to_be_visible()
        match_aria_snapshot(page, "setup-page")
        set_up_child(page, "faces", 3, DANISH)
        gate.move_on(page, page.locator("form.stacked-form button[type=submit]"))
        gate.move_on(page, page.locator('button[name="answer"][value="start"]'))
        expect(page.locator(".choices--3")).to_be_visible()
        match_aria_snapshot(page, "child-question-faces-3")
        page = gate.new_page(DANISH)
        enter_code(gate, page, issue_code(live_app, Group.STAFF))
        expect(page.locator("form.staff-form")).to_be_visible()
        match_aria_snapshot(page, "staff-page")
    finally:
        gate.close()

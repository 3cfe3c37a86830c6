"""The accessibility gate's crawler: opens pages in a role and a mode, checks each, and keeps
every failure so that one run shows them all."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from flask import Flask, template_rendered
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.e2e.gate_checks import (
    CHILD_TARGET,
    REFLOW_WIDTH,
    TARGET,
    axe_violations,
    motion_problems,
    reflow_problems,
    target_problems,
)

VIEWPORT = {"width": 1024, "height": 768}
#: What a file route must send, by the kind in ``gate_routes.ROUTES``.
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json"}
#: Page.emulate_media's arguments as CSS media features.
MEDIA_FEATURES = {
    "contrast": "prefers-contrast",
    "forced_colors": "forced-colors",
    "reduced_motion": "prefers-reduced-motion",
}


@dataclass(frozen=True)
class Mode:
    """How the pages are shown: language, contrast, forced colours, motion, text size."""

    name: str
    #: Page.emulate_media arguments.
    media: dict[str, str] = field(default_factory=dict)
    language: str = "da"
    #: The child's setup: high contrast on, and this text size.
    high_contrast: bool = False
    text_size: str = "normal"


@dataclass(frozen=True)
class Visit:
    """One page a role opens outside the respondent flows, so it can be opened again."""

    role: str
    #: Opens the page; returns the HTTP status of the response that showed it.
    action: Callable[[Page], int | None]
    #: The route asked for (None: the page is not a GET route, see ``label``).
    endpoint: str | None = None
    #: A name for a page that no GET route shows (an error page, a form's answer).
    label: str | None = None
    status: int = 200
    child: bool = False


class Gate:
    """Keeps what was checked where, and every failure."""

    def __init__(self, app: Flask, axe: Axe, browser: Browser, base_url: str) -> None:
        self.app, self.axe, self.browser, self.base_url = app, axe, browser, base_url
        self.adapter = app.url_map.bind("localhost")
        self.started = time.monotonic()
        self.failures: list[str] = []
        #: (endpoint, role, mode) of the routes reached (a page shown, or a file sent).
        self.reached: set[tuple[str, str, str]] = set()
        #: (endpoint or label, role, mode) checked or fetched.
        self.visited: set[tuple[str, str, str]] = set()
        #: mode name -> templates of the pages checked in that mode.
        self.templates: dict[str, set[str]] = {}
        #: template -> the first visit (outside the flows) that showed it in Danish.
        self.replays: dict[str, Visit] = {}
        self.axe_pages = 0
        self.axe_violations = 0
        self.files = 0
        self._rendered: list[str] = []
        self._contexts: list[BrowserContext] = []
        template_rendered.connect(self._record, app)

    def _record(self, _sender: Flask, template: Any, context: Any, **_extra: Any) -> None:
        self._rendered.append(template.name)

    def close(self) -> None:
        """Stop listening to the app; close what is still open."""
        template_rendered.disconnect(self._record, self.app)
        for context in self._contexts:
            context.close()

    # Pages and navigation ---------------------------------------------------------------

    def new_page(self, mode: Mode) -> Page:
        """Return a page in a fresh context (nothing shared with any other role)."""
        context = self.browser.new_context(viewport=VIEWPORT)
        self._contexts.append(context)
        page = context.new_page()
        if mode.media:
            page.emulate_media(**mode.media)
            for feature, value in mode.media.items():
                query = f"({MEDIA_FEATURES[feature]}: {value})"
                if not page.evaluate("(query) => matchMedia(query).matches", query):
                    self.failures.append(f"[{mode.name}] the browser does not emulate {query}")
        return page

    def done_with(self, page: Page) -> None:
        """Close the page's context."""
        self._contexts.remove(page.context)
        page.context.close()

    def goto(self, page: Page, path: str) -> int | None:
        """Open ``path``; return the status of the response."""
        self._rendered.clear()
        response = page.goto(self.base_url + path)
        return response.status if response else None

    def submit(self, page: Page, button: Locator) -> int | None:
        """Press a button that posts a form and wait for the page it leads to (same URL or not)."""
        self._rendered.clear()
        with page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
        return response.status if response else None

    def move_on(self, page: Page, button: Locator) -> None:
        """Press a button and wait until the address changes (a form, or respond.js's swap)."""
        self._rendered.clear()
        before = page.url
        button.click()
        page.wait_for_url(lambda url: url != before)
        page.wait_for_load_state()

    def endpoint_of(self, url: str) -> str | None:
        """Return the endpoint of a URL's path as a GET (None when no GET route has it)."""
        try:
            endpoint, _arguments = self.adapter.match(urlsplit(url).path, method="GET")
        except (HTTPException, RequestRedirect):
            return None
        return endpoint

    # Checking ---------------------------------------------------------------------------

    def check(
        self,
        page: Page,
        role: str,
        mode: Mode,
        *,
        child: bool = False,
        status: int | None = 200,
        expected: int = 200,
        requested: str | None = None,
        label: str | None = None,
    ) -> set[str]:
        """Check the page shown now; return the templates it was made of."""
        templates = set(self._rendered)
        path = urlsplit(page.url).path
        endpoint = label or self.endpoint_of(page.url) or path
        where = f"[{mode.name}] {role} {endpoint} {path}"
        if status is not None and status != expected:
            self.failures.append(f"{where}: not reached, HTTP {status} (expected {expected})")
            return set()
        if label is None:
            self.reached.update({(name, role, mode.name) for name in (endpoint, requested) if name})
        self.visited.update({(endpoint, role, mode.name), (requested or endpoint, role, mode.name)})
        self.templates.setdefault(mode.name, set()).update(templates)
        page.evaluate("document.fonts.ready.then(() => true)")
        minimum = CHILD_TARGET if child else TARGET
        violations = axe_violations(self.axe, page)
        self.axe_pages += 1
        self.axe_violations += len(violations)
        targets = target_problems(page, minimum)
        # What already fails at full width is said once, not again for 320 px.
        reflowed = [
            problem
            for problem in reflow_problems(page, minimum)
            if problem.removeprefix(f"at {REFLOW_WIDTH} px: ") not in targets
        ]
        problems = violations + targets + reflowed
        if mode.media.get("reduced_motion") == "reduce":
            problems += motion_problems(page)
        # The same problem in every row of a table is one line, with its count.
        for problem, count in Counter(problems).items():
            self.failures.append(f"{where}: {problem}" + (f" (x{count})" if count > 1 else ""))
        return templates

    def fetch(self, page: Page, role: str, mode: Mode, endpoint: str, path: str, kind: str) -> None:
        """Fetch a file route with the role's session; check its status and type."""
        response = page.context.request.get(self.base_url + path)
        where = f"[{mode.name}] {role} {endpoint} {path}"
        content_type = response.headers.get("content-type", "")
        if response.status != 200 or not content_type.startswith(CONTENT_TYPES[kind]):
            self.failures.append(f"{where}: not reached, HTTP {response.status} {content_type}")
            return
        self.files += 1
        self.reached.add((endpoint, role, mode.name))
        self.visited.add((endpoint, role, mode.name))

    def run(self, page: Page, visit: Visit, mode: Mode) -> None:
        """Open a visit's page and check it; remember it for the other modes by template."""
        status = visit.action(page)
        templates = self.check(
            page,
            visit.role,
            mode,
            child=visit.child,
            status=status,
            expected=visit.status,
            requested=visit.endpoint,
            label=visit.label,
        )
        for template in templates:
            self.replays.setdefault(template, visit)

    # Roles ------------------------------------------------------------------------------

    def start_as(self, mode: Mode, email: str | None, password: str) -> Page:
        """Return a page in a fresh context, in the mode's language, signed in as ``email``."""
        page = self.new_page(mode)
        if mode.language != "da":
            self.goto(page, "/")
            switch = page.locator(f'.language-switcher button[value="{mode.language}"]')
            self.submit(page, switch)
        if email is not None:
            self.goto(page, "/admin/login")
            page.locator('input[name="email"]').fill(email)
            page.locator('input[name="password"]').fill(password)
            status = self.submit(page, page.locator("main form button[type=submit]"))
            if status != 200 or "/login" in page.url:
                self.failures.append(f"[{mode.name}] {email}: could not sign in ({status})")
        return page

    def elapsed(self) -> float:
        """Return the seconds since the gate started."""
        return time.monotonic() - self.started

    def summary(self) -> str:
        """Return the counts, for the report."""
        pairs = {(endpoint, role) for endpoint, role, _mode in self.visited}
        modes = Counter(mode for _endpoint, _role, mode in self.visited)
        per_mode = ", ".join(f"{name} {count}" for name, count in modes.items())
        return (
            f"{len(self.visited)} route x role x mode visits ({per_mode});"
            f" {len(pairs)} route x role pairs; {self.axe_pages} pages checked by axe,"
            f" {self.axe_violations} axe violations; {self.files} files fetched;"
            f" {self.elapsed():.0f} s"
        )

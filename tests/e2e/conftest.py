"""A live server on a migrated SQLite database with the demo study, and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from survey import accounts, create_app
from survey.database import upgrade_to_head
from survey.demo import create_demo
from survey.extensions import db
from survey.models import AgeBand, Group, Language, Layout, Participant, Role
from survey.participants import register_participants
from survey.pseudonyms import code_hash
from tests.conftest import TEST_SETTINGS, missing
from tests.factories import PASSWORD

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str | None:
    """Return the Chromium to drive: CHROMIUM_PATH, Debian's package, or None."""
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and shutil.which(candidate):
            return candidate
    return None


#: Users the browser tests sign in as (with the tests' PASSWORD); the coordinator works at the
#: demo's first site.
E2E_ADMIN = "e2e-admin@example.org"
E2E_COORDINATOR = "e2e-coordinator@example.org"
E2E_SITE = "Opholdsstedet Lyngbo"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """Return the app the live server serves: migrated SQLite, demo study, two users, CSRF on."""
    database = tmp_path_factory.mktemp("live") / "live.db"
    app = create_app(
        {
            **TEST_SETTINGS,
            "TESTING": False,
            "WTF_CSRF_ENABLED": True,
            "DASHBOARD_REFRESH_SECONDS": 1,
            # Choices move on only when the test presses Space: no race with a timer.
            "SCAN_INTERVAL_MS": 600_000,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        }
    )
    with app.app_context():
        upgrade_to_head()
        create_demo()
        accounts.create_user(E2E_ADMIN, Role.ADMIN, PASSWORD)
        accounts.create_user(
            E2E_COORDINATOR, Role.COORDINATOR, PASSWORD, accounts.find_site(E2E_SITE)
        )
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve the app on a free local port; return its base URL."""
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch headless Debian Chromium (Playwright cannot download browsers here)."""
    executable = chromium_path()
    if executable is None:
        missing("Chromium (/usr/bin/chromium from Debian's package 'chromium', or CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """Return a fresh page in a new browser context (no cookies shared between tests)."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe() -> Axe:
    """Return the axe-core runner."""
    return Axe()


def assert_accessible(axe: Axe, page: Page) -> None:
    """Run axe-core on the page and fail with its report if there is any violation."""
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, base_url: str, email: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto(base_url + "/admin/login")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log ind").click()


@pytest.fixture
def new_code(live_app: Flask) -> Callable[..., str]:
    """Return a function that registers a participant at the demo's first site; gives the code."""

    def issue(
        group: Group = Group.CHILD,
        age_band: AgeBand | None = AgeBand.AGE_6_9,
        layout: Layout = Layout.FACES,
        language: Language = Language.DA,
    ) -> str:
        with live_app.app_context():
            site = accounts.find_site(E2E_SITE)
            (issued,) = register_participants(
                site,
                group,
                1,
                age_band=age_band if group is Group.CHILD else None,
                layout=layout,
                language=language,
            )
            db.session.commit()
            return issued.code

    return issue


def count_answers(live_app: Flask, code: str) -> int:
    """Return how many answer rows the participant with ``code`` has."""
    with live_app.app_context():
        hashed = code_hash(code, live_app.config["PSEUDONYM_KEY"])
        participant = db.session.scalar(
            sa.select(Participant).where(Participant.code_hash == hashed)
        )
        return sum(len(submission.answers) for submission in participant.submissions)


def submission_of(live_app: Flask, code: str) -> dict[str, object]:
    """Return the status and settings of the participant's submission in the open round."""
    with live_app.app_context():
        hashed = code_hash(code, live_app.config["PSEUDONYM_KEY"])
        participant = db.session.scalar(
            sa.select(Participant).where(Participant.code_hash == hashed)
        )
        (submission,) = participant.submissions
        return {
            "status": submission.status.value,
            "scale_steps": submission.scale_steps,
            "assistance_mode": submission.assistance_mode.value
            if submission.assistance_mode
            else None,
            "scales": sorted({answer.scale for answer in submission.answers}),
        }

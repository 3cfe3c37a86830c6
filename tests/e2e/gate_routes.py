"""The accessibility gate's map of the app: every GET route, who opens it, and how.

A route in the URL map with no entry here, and no reason in EXCLUDED, fails the gate; so does
an entry whose route is gone. Adding a page means adding a line here, which a reviewer sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, url_for

from survey.extensions import db
from survey.models import Role, RoundStatus, Site, Study, User

ANONYMOUS = "anonymous"
ADMINISTRATOR = "administrator"
EVALUATOR = "evaluator"
COORDINATOR = "coordinator"
STAFF = "staff"
SIGNED_IN = (ADMINISTRATOR, EVALUATOR, COORDINATOR)
#: The roles that sign in, as the app names them.
ROLE_OF_USER = {Role.ADMIN: ADMINISTRATOR, Role.EVALUATOR: EVALUATOR, Role.COORDINATOR: COORDINATOR}
LAYOUTS = ("faces", "simple", "standard")
#: The setup page's scale_steps: a ladder of 5, 3 or 2 answer choices.
LADDERS = (5, 3, 2)
CHILD_ROLES = tuple(f"child-{layout}-{steps}" for layout in LAYOUTS for steps in LADDERS)
RESPONDENT_ROLES = (STAFF, *CHILD_ROLES)

#: GET-able routes the gate does not open, each with the reason.
EXCLUDED = {
    # CSS, JavaScript and images: not pages. Every page that loads them is checked.
    "static": "static files (CSS, JavaScript, images) are not pages",
    # Atkinson Hyperlegible (WOFF2, or .ttf for older browsers), loaded by base.css.
    "main.get_font": "font files are not pages",
    # An item's recorded speech (an audio file), played by the question page.
    "respond.get_audio": "recorded audio files are not pages",
    # The recordings `survey instruments audio` makes, played by the question page.
    "respond.get_recording": "recorded audio files are not pages",
    # The rest of a question's section, which respond.js shows in the question page's place:
    # each is the question page's own form (respond/_question.html), checked on that page.
    "respond.show_section": "a fragment of the question page, checked as the question page",
}

#: Templates that are no page of the app (every other template must be seen by the gate).
NOT_PAGES = {
    # Written into the export bundle as a file; the app never serves it.
    "instruments/codebook.html": "the codebook is a file in the export bundle",
    # Forms of the question page, fetched by respond.js (see EXCLUDED).
    "respond/section.html": "a fragment of the question page, checked as the question page",
}


@dataclass(frozen=True)
class DemoIds:
    """Ids in the demo study that the routes take."""

    study_id: int
    open_round_id: int
    closed_round_id: int
    site_id: int
    coordinator_id: int


def demo_ids(app: Flask, site_name: str, coordinator_email: str) -> DemoIds:
    """Look up the demo study's ids: its rounds, the coordinator's site and user."""
    with app.app_context():
        study = db.session.scalar(sa.select(Study).where(Study.slug == "demo"))
        rounds = {round_.status: round_.id for round_ in study.rounds}
        site = db.session.scalar(sa.select(Site).where(Site.name == site_name))
        user = db.session.scalar(sa.select(User).where(User.email == coordinator_email))
        return DemoIds(
            study_id=study.id,
            open_round_id=rounds[RoundStatus.OPEN],
            closed_round_id=rounds[RoundStatus.CLOSED],
            site_id=site.id,
            coordinator_id=user.id,
        )


Arguments = Callable[[DemoIds], dict[str, object]]


def _none(_ids: DemoIds) -> dict[str, object]:
    return {}


@dataclass(frozen=True)
class Route:
    """How the gate opens one route: in which roles, and what comes back."""

    #: Roles that open the route; anonymous and signed-in roles by URL, respondents by
    #: answering (code, setup, questions, end), as a child or a member of staff does.
    roles: tuple[str, ...]
    #: The URL's arguments, for the roles that open it by URL.
    arguments: Arguments = _none
    #: "page": HTML, checked; "pdf" or "json": fetched with the role's session, type checked.
    kind: str = "page"


def _study(ids: DemoIds) -> dict[str, object]:
    return {"study_id": ids.study_id}


def _open_round(ids: DemoIds) -> dict[str, object]:
    return {"round_id": ids.open_round_id}


def _site(ids: DemoIds) -> dict[str, object]:
    return {"site_id": ids.site_id}


def _closed_round_site(ids: DemoIds) -> dict[str, object]:
    return {"round_id": ids.closed_round_id, "site_id": ids.site_id}


def _closed_round(ids: DemoIds) -> dict[str, object]:
    return {"round_id": ids.closed_round_id}


def _coordinator(ids: DemoIds) -> dict[str, object]:
    return {"user_id": ids.coordinator_id}


ROUTES: dict[str, Route] = {
    "main.show_start": Route((ANONYMOUS, *SIGNED_IN)),
    "main.show_accessibility": Route((ANONYMOUS, *SIGNED_IN)),
    "admin.login": Route((ANONYMOUS,)),  # signed in, it forwards to the home page
    # A coordinator is forwarded to their own site.
    "admin.show_home": Route(SIGNED_IN),
    "admin.show_study": Route((ADMINISTRATOR, EVALUATOR), _study),
    "admin.edit_study": Route((ADMINISTRATOR, EVALUATOR), _study),
    "admin.show_round": Route((ADMINISTRATOR, EVALUATOR), _open_round),
    "admin.show_dashboard": Route(SIGNED_IN, _open_round),
    "admin.get_dashboard_counts": Route(SIGNED_IN, _open_round, kind="json"),
    "admin.show_site": Route(SIGNED_IN, _site),
    "admin.edit_site": Route((ADMINISTRATOR, EVALUATOR), _site),
    "admin.list_users": Route((ADMINISTRATOR,)),
    "admin.edit_user": Route((ADMINISTRATOR,), _coordinator),
    "exports.export_study": Route((ADMINISTRATOR, EVALUATOR), _study),
    # A coordinator gets a site's report once a round is released; the demo has none.
    "reports.download_site_report": Route(
        (ADMINISTRATOR, EVALUATOR), _closed_round_site, kind="pdf"
    ),
    "reports.download_all_sites_report": Route(
        (ADMINISTRATOR, EVALUATOR), _closed_round, kind="pdf"
    ),
    # The same reports as web pages (reportlab's PDFs are not tagged).
    "reports.show_site_report": Route((ADMINISTRATOR, EVALUATOR), _closed_round_site),
    "reports.show_all_sites_report": Route((ADMINISTRATOR, EVALUATOR), _closed_round),
    "respond.enter_code": Route((ANONYMOUS, *RESPONDENT_ROLES)),
    "respond.setup": Route(CHILD_ROLES),
    "respond.show_assent": Route(CHILD_ROLES),
    "respond.show_question": Route(CHILD_ROLES),
    "respond.show_private": Route(CHILD_ROLES),
    "respond.show_end": Route(RESPONDENT_ROLES),
    # Pages that show nothing of anyone, so anybody may open them.
    "respond.show_not_today": Route((ANONYMOUS, *CHILD_ROLES)),
    "respond.show_paused": Route((ANONYMOUS, *RESPONDENT_ROLES)),
    "respond.show_goodbye": Route((ANONYMOUS, *CHILD_ROLES)),
    "respond.show_staff_page": Route((STAFF,)),
}

#: Roles the access rules allow that the gate does not open the route in, with the reason.
NOT_OPENED = {
    ("reports.download_site_report", COORDINATOR): "only for a released round; the demo has none",
    ("reports.show_site_report", COORDINATOR): "only for a released round; the demo has none",
}


def get_endpoints(app: Flask) -> set[str]:
    """Return the endpoints of every rule in the URL map that answers GET."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


def url_of(app: Flask, endpoint: str, ids: DemoIds) -> str:
    """Return the path of ``endpoint`` with the demo's ids."""
    with app.test_request_context():
        return url_for(endpoint, **ROUTES[endpoint].arguments(ids))


def allowed_roles(app: Flask, endpoint: str) -> set[str] | None:
    """Return the signed-in roles the view's ``requires`` lets in (None: no such check)."""
    roles = getattr(app.view_functions[endpoint], "allowed_roles", None)
    return None if roles is None else {ROLE_OF_USER[role] for role in roles}

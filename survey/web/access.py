"""Access control in one place: role checks for routes and scoped loading of objects.

Every admin, export and report view is decorated with ``requires``; every object a view acts
on is loaded with one of the ``get_*`` helpers, which only find what the signed-in user may
see, so guessing another id gives the same 404 as an id that does not exist. Which round's
reports a role may download is decided here too (``may_download_reports``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from survey.extensions import db, login_manager
from survey.models import Participant, Role, Round, RoundStatus, Site, Study, TalkRequest, User

View = TypeVar("View", bound=Callable[..., Any])

ALL_ROLES = (Role.ADMIN, Role.EVALUATOR, Role.COORDINATOR)
#: Who sets up studies, sites and rounds.
STUDY_ROLES = (Role.ADMIN, Role.EVALUATOR)
#: Who registers participants and prints their code cards.
PARTICIPANT_ROLES = (Role.ADMIN, Role.COORDINATOR)


#: The round statuses in which each role may download the round's reports.
REPORTS_AVAILABLE = {
    Role.ADMIN: (RoundStatus.CLOSED, RoundStatus.RELEASED),
    Role.EVALUATOR: (RoundStatus.CLOSED, RoundStatus.RELEASED),
    Role.COORDINATOR: (RoundStatus.RELEASED,),
}


def may_download_reports(round_: Round) -> bool:
    """Tell whether the signed-in user may download the round's reports now."""
    return round_.status in REPORTS_AVAILABLE[current_user.role]


def requires(*roles: Role) -> Callable[[View], View]:
    """Let only signed-in users with one of ``roles`` reach the view."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                deny(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def deny(status: int) -> None:
    """Refuse the request (``survey.main.refusals`` logs and audits it on the way out)."""
    abort(status)


def is_coordinator() -> bool:
    """Tell whether the signed-in user is a site coordinator."""
    return current_user.role is Role.COORDINATOR


def visible_sites() -> sa.Select[tuple[Site]]:
    """Return a query of the sites the signed-in user may see."""
    query = sa.select(Site).order_by(Site.name)
    if is_coordinator():
        query = query.where(Site.id == current_user.site_id)
    return query


def visible_studies() -> sa.Select[tuple[Study]]:
    """Return a query of the studies the signed-in user may see."""
    query = sa.select(Study).order_by(Study.name)
    if is_coordinator():
        query = query.join(Site).where(Site.id == current_user.site_id)
    return query


def _first_or_404(query: sa.Select[Any]) -> Any:
    found = db.session.scalar(query)
    if found is None:
        deny(404)
    return found


def get_study(study_id: int) -> Study:
    """Return a study the user may see, or 404."""
    return _first_or_404(visible_studies().where(Study.id == study_id))


def get_site(site_id: int) -> Site:
    """Return a site the user may see, or 404."""
    return _first_or_404(visible_sites().where(Site.id == site_id))


def get_round(round_id: int) -> Round:
    """Return a round of a study the user may see, or 404."""
    studies = visible_studies().with_only_columns(Study.id)
    return _first_or_404(sa.select(Round).where(Round.id == round_id, Round.study_id.in_(studies)))


def get_participant(participant_id: int) -> Participant:
    """Return a participant of a site the user may see, or 404."""
    sites = visible_sites().with_only_columns(Site.id)
    return _first_or_404(
        sa.select(Participant).where(
            Participant.id == participant_id, Participant.site_id.in_(sites)
        )
    )


def get_user(user_id: int) -> User:
    """Return a user (administrators only reach the views that call this), or 404."""
    return _first_or_404(sa.select(User).where(User.id == user_id))


def get_talk_request(request_id: int) -> TalkRequest:
    """Return a child's talk request at a site the user may see, or 404."""
    sites = visible_sites().with_only_columns(Site.id)
    return _first_or_404(
        sa.select(TalkRequest)
        .join(Participant)
        .where(TalkRequest.id == request_id, Participant.site_id.in_(sites))
    )

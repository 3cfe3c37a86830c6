"""The facts of the accessibility statement that the Danish web accessibility act asks for.

The statement follows Digitaliseringsstyrelsen's template (the EU model statement, decision
2018/1523): commitment, conformance status, what is not accessible, how the statement was
made, feedback and contact, and the enforcement procedure. Its text lives in
``templates/main/accessibility.html``; what changes with the deployment comes from the
configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

#: When the statement was written and last reviewed; change it with every review.
STATEMENT_DATE = date(2026, 11, 25)
#: Digitaliseringsstyrelsen's web accessibility service, where complaints go.
SUPERVISOR_URL = "https://was.digst.dk"


@dataclass(frozen=True)
class Statement:
    """What the statement page shows beside its fixed text."""

    site_address: str
    contact_email: str
    contact_phone: str | None
    #: Minutes without input before a respondent's questionnaire pauses by itself.
    respondent_idle_minutes: int
    #: Minutes without a request before a signed-in user is signed out.
    admin_idle_minutes: int
    statement_date: date = STATEMENT_DATE
    supervisor_url: str = SUPERVISOR_URL


def statement(config: Any, request_root: str) -> Statement:
    """Return the statement's facts for this deployment (``request_root``: this site's root)."""
    return Statement(
        site_address=(config.get("PUBLIC_URL") or request_root).rstrip("/"),
        contact_email=config["ACCESSIBILITY_CONTACT_EMAIL"],
        contact_phone=config.get("ACCESSIBILITY_CONTACT_PHONE"),
        respondent_idle_minutes=max(1, config["IDLE_PAUSE_SECONDS"] // 60),
        admin_idle_minutes=max(1, config["ADMIN_IDLE_SECONDS"] // 60),
    )

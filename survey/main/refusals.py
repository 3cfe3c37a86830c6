"""Refused requests leave a trace: a request id on every response, and for refusals of
protected things (403, 404 on a known admin, export or report address, 429) an audit event
and a log line with time, request id, user, endpoint and status — never data."""

from __future__ import annotations

import logging
import secrets

from flask import g, request
from flask.wrappers import Response
from flask_login import current_user

from survey import audit
from survey.extensions import db

log = logging.getLogger(__name__)

#: Blueprints whose objects belong to someone: a 404 there may be someone probing.
PROTECTED = {"admin", "exports", "reports"}


def start() -> None:
    """Give the request an id (in the logs and the response's X-Request-Id header)."""
    g.request_id = secrets.token_hex(8)


def record(response: Response) -> Response:
    """Write refused requests to the audit log and the log."""
    response.headers["X-Request-Id"] = g.get("request_id", "")
    status = response.status_code
    protected = request.url_rule is not None and request.blueprint in PROTECTED
    if not (status in (403, 429) or (status == 404 and protected)):
        return response
    user = current_user.id if current_user and current_user.is_authenticated else None
    endpoint = (request.endpoint or "")[:80]
    log.warning(
        "refused: request=%s user=%s endpoint=%s method=%s status=%s",
        g.get("request_id"),
        user,
        endpoint,
        request.method,
        status,
    )
    db.session.rollback()  # nothing of a refused request is kept, only its trace
    audit.record(
        "request.refused",
        actor_user_id=user,
        endpoint=endpoint,
        method=request.method,
        status=status,
        request_id=g.get("request_id"),
    )
    db.session.commit()
    return response

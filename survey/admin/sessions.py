"""Signed-in sessions that end: after ADMIN_IDLE_SECONDS without a request, and at the
latest ADMIN_LIFETIME_SECONDS after signing in (a shared office computer left open)."""

from __future__ import annotations

import time

from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers.response import Response

SIGNED_IN, SEEN = "signed_in_at", "seen_at"


def start() -> None:
    """Stamp a new sign-in (call right after ``login_user``)."""
    session[SIGNED_IN] = session[SEEN] = time.time()


def check() -> Response | tuple[Response, int] | None:
    """Sign out a session that was idle or lived too long; otherwise note this request."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    config = current_app.config
    idle = now - float(session.get(SEEN, 0)) > config["ADMIN_IDLE_SECONDS"]
    old = now - float(session.get(SIGNED_IN, 0)) > config["ADMIN_LIFETIME_SECONDS"]
    if not (idle or old):
        session[SEEN] = now
        return None
    logout_user()
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    message = (
        _(
            "You were signed out after %(minutes)s minutes without activity.",
            minutes=config["ADMIN_IDLE_SECONDS"] // 60,
        )
        if idle
        else _(
            "You were signed out: a sign-in lasts at most %(hours)s hours.",
            hours=config["ADMIN_LIFETIME_SECONDS"] // 3600,
        )
    )
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error="session", message=message), 401
    flash(message)
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")), code=303)

"""The respondent's server-side state: which submission this browser answers, and since when.

The session cookie holds only the submission's random id, a nonce and a time stamp; codes and
answers never go into a cookie or the browser's storage. The nonce must match the one stored
on the submission, which pause, the end, an idle pause and deactivation clear: a copy of the
cookie stops working at once. After IDLE_PAUSE_SECONDS without a request the session pauses
by itself, so a shared tablet shows nothing of the previous child.
"""

from __future__ import annotations

import hmac
import secrets
import time
import uuid
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import current_app, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from survey.extensions import db
from survey.i18n import SESSION_KEY as LANGUAGE_KEY
from survey.models import Round, Submission

KEY = "respondent"
#: How this device reads aloud; kept after the session ends, so the goodbye page is read too.
READING_KEY = "reading"


def begin(submission: Submission) -> None:
    """Start a fresh session for the submission (nothing of an earlier session survives, here
    or on another device); the caller's transaction is committed here."""
    session.clear()
    submission.session_nonce = secrets.token_urlsafe()  # 32 random bytes
    db.session.commit()
    session[KEY] = {
        "id": str(submission.id),
        "nonce": submission.session_nonce,
        "seen": time.time(),
        "private_ok": [],
    }
    if submission.language is not None:
        session[LANGUAGE_KEY] = submission.language.value
    session[READING_KEY] = {"aloud": submission.read_aloud, "brief": submission.read_brief}


def end(submission: Submission | None = None) -> None:
    """End the respondent's session (pause, idle time-out, or the end), here and in any copy
    of the cookie; the change is committed here."""
    data = session.pop(KEY, None)
    if submission is None:
        # A stale copy of the cookie must not end the session that replaced it.
        submission = _live(data)
    if submission is not None:
        submission.session_nonce = None
        db.session.commit()


#: What every respondent request reads about its submission, in one statement: the person
#: (active?), the round (open?) and the round's instruments (which questions).
_WITH_PATH = (
    joinedload(Submission.participant),
    joinedload(Submission.round).joinedload(Round.instruments),
)


def _stored(data: Any) -> Submission | None:
    try:
        submission_id = uuid.UUID(data["id"])
    except (ValueError, KeyError, TypeError):
        return None
    query = sa.select(Submission).where(Submission.id == submission_id).options(*_WITH_PATH)
    return db.session.scalars(query).unique().one_or_none()


def _live(data: Any) -> Submission | None:
    """Return the submission a respondent cookie (as ``begin`` wrote it; it is signed) is
    for, while its session lasts and the cookie is its latest copy; else None."""
    submission = _stored(data)
    if submission is None or submission.session_nonce is None:
        return None
    nonce = data.get("nonce")  # a cookie from before nonces has none
    live = isinstance(nonce, str) and hmac.compare_digest(nonce, submission.session_nonce)
    return submission if live else None


def current() -> Submission | None:
    """Return the submission this browser answers, or None when the session ended or expired."""
    data = session.get(KEY)
    submission = _live(data)
    if submission is None:
        session.pop(KEY, None)  # someone else's session now, or none: leave it alone
        return None
    idle = time.time() - data["seen"] > current_app.config["IDLE_PAUSE_SECONDS"]
    if idle or not submission.participant.is_active:
        end(submission)
        return None
    session[KEY] = {**data, "seen": time.time()}
    return submission


def private_acknowledged(run_start: int) -> bool:
    """Tell whether the adult has stepped aside for the private questions starting here (only
    with a live respondent session)."""
    return run_start in session[KEY]["private_ok"]


def acknowledge_private(run_start: int) -> None:
    """Remember that the adult stepped aside for the private questions starting here."""
    data = session[KEY]
    if run_start not in data["private_ok"]:
        session[KEY] = {**data, "private_ok": [*data["private_ok"], run_start]}


def needs_submission(view: Any) -> Any:
    """Send the browser back to the code page when there is no live respondent session."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        submission = current()
        if submission is None:
            if request.method == "POST" and request.is_json:
                return jsonify(error="session", redirect=url_for("respond.enter_code")), 401
            flash(_("Your session has ended. Type your code to go on where you stopped."))
            return redirect(url_for("respond.enter_code"), code=303)
        return view(submission, *args, **kwargs)

    return wrapped

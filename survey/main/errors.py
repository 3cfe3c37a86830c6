"""Friendly error pages: no stack traces, a reference number for the logs."""

from __future__ import annotations

import logging
import secrets
import traceback

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Render every HTTP error with the site's own error page."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    if not app.testing:
        # Tests want the real exception; everyone else gets the friendly page.
        app.register_error_handler(Exception, _unexpected_error)


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    message = _("The form had expired. Please go back, reload the page and try again.")
    return render_template("errors/error.html", status=400, message=message), 400


def _http_error(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    messages = {
        404: _("We could not find that page."),
        405: _("That action is not possible on this page."),
        413: _("What you sent was too large."),
        429: _("Too many attempts. Please wait a little and try again."),
    }
    message = messages.get(status, _("Something went wrong with the request."))
    if status in (400, 415) and error.description != type(error).description:
        # A message of our own (survey.inputs), already in the visitor's words.
        message = str(error.description)
    return render_template("errors/error.html", status=status, message=message), status


def _unexpected_error(error: Exception) -> tuple[str, int]:
    if isinstance(error, HTTPException):
        return _http_error(error)
    reference = secrets.token_hex(4)
    # The exception's message may quote request data (codes, answers), so the log gets its
    # type and the stack frames only.
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error("unhandled %s (reference %s)\n%s", type(error).__name__, reference, frames)
    message = _("Something went wrong on our side. Your earlier answers are saved.")
    return (
        render_template(
            "errors/error.html",
            status=InternalServerError.code,
            message=message,
            reference=reference,
        ),
        500,
    )

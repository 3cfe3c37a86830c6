"""Choosing the interface language: the visitor's choice, else Danish."""

from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_babel import lazy_gettext as lazy_text

__all__ = ["lazy_text", "select_locale"]

SESSION_KEY = "language"
#: Language of messages outside a web request (the command line); code and logs are English.
COMMAND_LINE_LANGUAGE = "en"


def select_locale() -> str:
    """Return the language chosen with the switcher, or the default (Danish)."""
    if not has_request_context():
        return COMMAND_LINE_LANGUAGE
    chosen = session.get(SESSION_KEY)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]

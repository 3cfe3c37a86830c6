"""Choosing the interface language: the visitor's choice, else Danish."""

from __future__ import annotations

from flask import current_app, session

SESSION_KEY = "language"


def select_locale() -> str:
    """Return the language chosen with the switcher, or the default (Danish)."""
    chosen = session.get(SESSION_KEY)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]

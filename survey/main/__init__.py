"""Blueprint ``main``: the start page, the accessibility statement, the language switcher and
shared static assets."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from survey.main import views  # noqa: E402, F401  (routes register themselves on bp)

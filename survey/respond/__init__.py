"""Blueprint ``respond``: code entry, the child's and the staff questionnaires, pause, end."""

from flask import Blueprint

bp = Blueprint("respond", __name__, url_prefix="/respond")

from survey.respond import staff_views, views  # noqa: E402, F401  (routes register on bp)

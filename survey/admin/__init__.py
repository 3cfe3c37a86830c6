"""Blueprint ``admin``: sign-in, studies, sites, rounds, participants, code cards, users."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_context_processor
def _admin_forms() -> dict[str, object]:
    from survey.web.forms import ActionForm

    return {"logout_form": ActionForm(formdata=None)}


from survey.admin import (  # noqa: E402, F401  (routes register themselves on bp)
    auth_views,
    participant_views,
    sessions,
    user_views,
    views,
)

# Every signed-in request (admin, exports, reports) checks the session's age first.
bp.before_app_request(sessions.check)

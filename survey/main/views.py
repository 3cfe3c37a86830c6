"""Routes of the main blueprint."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
)
from werkzeug.wrappers.response import Response as BaseResponse

from survey import i18n
from survey.fonts import FONT_DIRECTORY, web_font
from survey.main import accessibility, bp
from survey.main.forms import LanguageForm
from survey.web.navigation import safe_local_path

#: Font files are immutable per package version, so browsers may keep them for a year.
FONT_MAX_AGE = 365 * 24 * 3600


@bp.get("/")
def show_start() -> str:
    """Show the start page that explains the platform."""
    return render_template("main/start.html")


@bp.get("/tilgaengelighed")
def show_accessibility() -> str:
    """Show the accessibility statement (tilgængelighedserklæring) that the law asks for."""
    facts = accessibility.statement(current_app.config, request.url_root)
    return render_template("main/accessibility.html", statement=facts)


@bp.post("/language")
def set_language() -> BaseResponse:
    """Remember the chosen language and return to the page the visitor came from."""
    form = LanguageForm()
    if form.validate_on_submit():
        session[i18n.SESSION_KEY] = form.language.data
    return redirect(safe_local_path(form.next.data), code=303)


@bp.get("/fonts/<path:filename>")
def get_font(filename: str) -> Response:
    """Serve Atkinson Hyperlegible from the installed font package: as WOFF2 with the
    characters the pages use (about 9 KB), or the whole TrueType file for older browsers."""
    if filename.endswith(".woff2"):
        try:
            response = Response(web_font(filename), mimetype="font/woff2")
        except KeyError:
            abort(404)
    elif filename.endswith(".ttf"):
        response = send_from_directory(FONT_DIRECTORY, filename, max_age=FONT_MAX_AGE)
    else:
        abort(404)
    response.headers["Cache-Control"] = f"public, max-age={FONT_MAX_AGE}, immutable"
    return response


@bp.app_context_processor
def _language_switcher() -> dict[str, object]:
    return {"language_form": LanguageForm(formdata=None, next=request.full_path.rstrip("?"))}

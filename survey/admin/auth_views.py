"""Signing in and out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers.response import Response

from survey import accounts, audit, throttle
from survey.admin import bp, sessions
from survey.admin.forms import LoginForm
from survey.extensions import db, limiter
from survey.web.access import ALL_ROLES, requires
from survey.web.forms import ActionForm
from survey.web.navigation import safe_local_path


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    throttle.LOGIN_FAILURES_PER_CLIENT,
    methods=["POST"],
    scope="login",
    deduct_when=throttle.counts,
)
def login() -> str | Response | tuple[str, int]:
    """Show the sign-in form; sign in and go on to the page asked for."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.show_home"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.account_wait(form.email.data)
        if wait:
            minutes = -(-wait // 60)
            form.password.errors.append(
                _(
                    "Too many wrong passwords from this device. Try again in %(minutes)s minutes.",
                    minutes=minutes,
                )
            )
            return render_template("admin/login.html", form=form), 429
        user = accounts.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            target = safe_local_path(request.args.get("next"), url_for("admin.show_home"))
            # A fresh session at sign-in: nothing from before survives (session fixation).
            language = session.get("language")
            session.clear()
            if language:
                session["language"] = language
            login_user(user)
            sessions.start()
            return redirect(target, code=303)
        form.password.errors.append(_("The e-mail address or the password is wrong."))
        return render_template("admin/login.html", form=form), 401
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
@requires(*ALL_ROLES)
def logout() -> Response:
    """Sign out here and on every other device."""
    if ActionForm().validate_on_submit():
        accounts.sign_out_everywhere(current_user)
        audit.record("auth.logout", actor_user_id=current_user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out."))
    return redirect(url_for("admin.login"), code=303)

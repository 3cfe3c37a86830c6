"""User management: administrators only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers.response import Response

from survey import accounts
from survey.admin import bp
from survey.admin.forms import UserForm
from survey.extensions import db
from survey.inputs import parse_id
from survey.models import Role, Site, Study, User
from survey.passwords import WeakPasswordError
from survey.web.access import get_user, requires
from survey.web.forms import choices


def _user_form(user: User | None = None, formdata: object = ...) -> UserForm:
    kwargs = {} if formdata is ... else {"formdata": formdata}
    form = UserForm(obj=user, **kwargs)
    sites = db.session.execute(
        sa.select(Site.id, Site.name, Study.name).join(Study).order_by(Study.name, Site.name)
    )
    form.site_id.choices = choices(
        [("", _("No site")), *((str(i), f"{name} ({study})") for i, name, study in sites)]
    )
    if user is not None and not form.is_submitted():
        form.role.data = user.role.value
        form.site_id.data = str(user.site_id or "")
    return form


def _users_page(form: UserForm, status: int = 200) -> tuple[str, int]:
    users = db.session.scalars(sa.select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=users, form=form), status


@bp.get("/users")
@requires(Role.ADMIN)
def list_users() -> tuple[str, int]:
    """List users with a form to add one."""
    return _users_page(_user_form(formdata=None))


@bp.post("/users")
@requires(Role.ADMIN)
def create_user() -> tuple[str, int] | Response:
    """Add a user with an initial password."""
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Give an initial password."))
        else:
            try:
                accounts.create_user(
                    form.email.data,
                    Role(form.role.data),
                    form.password.data,
                    _site_of(form),
                    actor=current_user,
                )
            except (accounts.AccountError, WeakPasswordError) as error:
                form.email.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The user was created."))
                return redirect(url_for("admin.list_users"), code=303)
    db.session.rollback()
    return _users_page(form, 422)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_user(user_id: int) -> str | tuple[str, int] | Response:
    """Change a user's role, site, status or password; their sessions end."""
    user = get_user(user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user,
                actor=current_user,
                role=Role(form.role.data),
                site=_site_of(form),
                is_active=form.is_active.data,
                password=form.password.data or None,
            )
        except (accounts.AccountError, WeakPasswordError) as error:
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The user was saved."))
            return redirect(url_for("admin.list_users"), code=303)
        db.session.rollback()
    return render_template(
        "admin/user_edit.html", user=user, form=form
    ), 422 if form.errors else 200


def _site_of(form: UserForm) -> Site | None:
    if form.role.data != Role.COORDINATOR.value or not form.site_id.data:
        return None
    site_id = parse_id(form.site_id.data)
    return db.session.get(Site, site_id) if site_id is not None else None

"""Studies, sites, rounds and the response-rate dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers.response import Response

from survey import i18n
from survey.admin import bp
from survey.admin.forms import RoundForm, SiteForm, StudyForm
from survey.admin.operations import (
    AdminError,
    has_answers,
    instrument_choices,
    save_round,
    save_site,
    save_study,
    transition_round,
)
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import Group, Round, RoundStatus, Study
from survey.web.access import (
    ALL_ROLES,
    STUDY_ROLES,
    get_round,
    get_site,
    get_study,
    is_coordinator,
    requires,
    visible_sites,
    visible_studies,
)
from survey.web.forms import ActionForm, choices
from survey.web.labels import label
from survey.web.rates import response_counts


def _apply(
    field: Any, change: Callable[[], Any], done: str, target: Callable[[Any], str]
) -> Response | None:
    """Make a change: commit, say ``done`` and redirect to ``target(result)``.

    A rule the change breaks becomes an error on ``field`` (None is returned, nothing is kept).
    """
    try:
        result = change()
    except AdminError as error:
        db.session.rollback()
        field.errors.append(str(error))
        return None
    db.session.commit()
    flash(done)
    return redirect(target(result), code=303)


@bp.get("/")
@requires(*ALL_ROLES)
def show_home() -> str | Response:
    """Show the studies; a coordinator goes straight to their site."""
    if is_coordinator():
        return redirect(url_for("admin.show_site", site_id=current_user.site_id))
    studies = db.session.scalars(visible_studies()).all()
    return render_template("admin/home.html", studies=studies, form=StudyForm())


@bp.post("/studies")
@requires(*STUDY_ROLES)
def create_study_view() -> str | Response:
    """Create a study."""
    form = StudyForm()
    if form.validate_on_submit():
        done = _apply(
            form.slug,
            lambda: save_study(current_user, None, form.name.data, form.slug.data),
            _("The study was created."),
            lambda study: url_for("admin.show_study", study_id=study.id),
        )
        if done:
            return done
    studies = db.session.scalars(visible_studies()).all()
    return render_template("admin/home.html", studies=studies, form=form), 422


def _round_form(study: Study, round_: Round | None = None, formdata: object = None) -> RoundForm:
    registry = get_registry()
    form = RoundForm(formdata=formdata) if formdata is not None else RoundForm(obj=round_)
    language = i18n.select_locale()
    form.child_instruments.choices = choices(instrument_choices(registry, Group.CHILD, language))
    form.staff_instruments.choices = choices(instrument_choices(registry, Group.STAFF, language))
    if formdata is None and round_ is not None:
        form.child_instruments.data = [
            f"{c.instrument_key}@{c.instrument_version}"
            for c in round_.instruments_for(Group.CHILD)
        ]
        form.staff_instruments.data = [
            f"{c.instrument_key}@{c.instrument_version}"
            for c in round_.instruments_for(Group.STAFF)
        ]
    return form


def _study_page(
    study: Study,
    site_form: SiteForm | None = None,
    round_form: RoundForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = render_template(
        "admin/study.html",
        study=study,
        site_form=site_form or SiteForm(formdata=None),
        round_form=round_form or _round_form(study),
    )
    return page, status


@bp.get("/studies/<int:study_id>")
@requires(*STUDY_ROLES)
def show_study(study_id: int) -> tuple[str, int]:
    """Show a study's sites and rounds, with forms to add them."""
    return _study_page(get_study(study_id))


@bp.route("/studies/<int:study_id>/edit", methods=["GET", "POST"])
@requires(*STUDY_ROLES)
def edit_study(study_id: int) -> str | tuple[str, int] | Response:
    """Rename a study."""
    study = get_study(study_id)
    form = StudyForm(obj=study)
    if form.validate_on_submit():
        done = _apply(
            form.slug,
            lambda: save_study(current_user, study, form.name.data, form.slug.data),
            _("The study was saved."),
            lambda saved: url_for("admin.show_study", study_id=saved.id),
        )
        if done:
            return done
    return render_template(
        "admin/study_edit.html", study=study, form=form
    ), 422 if form.errors else 200


@bp.post("/studies/<int:study_id>/sites")
@requires(*STUDY_ROLES)
def create_site(study_id: int) -> tuple[str, int] | Response:
    """Add a site to a study."""
    study = get_study(study_id)
    form = SiteForm()
    if form.validate_on_submit():
        done = _apply(
            form.name,
            lambda: save_site(
                current_user, study, None, form.name.data, form.kind.data, form.region.data
            ),
            _("The site was added."),
            lambda site: url_for("admin.show_study", study_id=site.study_id),
        )
        if done:
            return done
    return _study_page(study, site_form=form, status=422)


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@requires(*STUDY_ROLES)
def edit_site(site_id: int) -> str | tuple[str, int] | Response:
    """Change a site's name, kind or region."""
    site = get_site(site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        done = _apply(
            form.name,
            lambda: save_site(
                current_user, site.study, site, form.name.data, form.kind.data, form.region.data
            ),
            _("The site was saved."),
            lambda saved: url_for("admin.show_study", study_id=saved.study_id),
        )
        if done:
            return done
    status = 422 if form.errors else 200
    return render_template("admin/site_edit.html", site=site, form=form), status


@bp.post("/studies/<int:study_id>/rounds")
@requires(*STUDY_ROLES)
def create_round(study_id: int) -> tuple[str, int] | Response:
    """Add a draft round to a study."""
    study = get_study(study_id)
    form = _round_form(study, formdata=request.form)
    if form.validate_on_submit():
        done = _apply(
            form.name,
            lambda: _save_round_from(form, study, None),
            _("The round was created as a draft."),
            lambda round_: url_for("admin.show_round", round_id=round_.id),
        )
        if done:
            return done
    return _study_page(study, round_form=form, status=422)


def _save_round_from(form: RoundForm, study: Study, round_: Round | None) -> Round:
    return save_round(
        current_user,
        study,
        round_,
        name=form.name.data,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        instruments={
            Group.CHILD: form.child_instruments.data or [],
            Group.STAFF: form.staff_instruments.data or [],
        },
        registry=get_registry(),
    )


def _round_page(round_: Round, form: RoundForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "admin/round.html",
        round=round_,
        form=form,
        action_form=ActionForm(formdata=None),
        has_answers=has_answers(round_),
        editable=round_.status in (RoundStatus.DRAFT, RoundStatus.OPEN),
    )
    return page, status


@bp.get("/rounds/<int:round_id>")
@requires(*STUDY_ROLES)
def show_round(round_id: int) -> tuple[str, int]:
    """Show a round: its settings, instruments and lifecycle buttons."""
    round_ = get_round(round_id)
    return _round_page(round_, _round_form(round_.study, round_))


@bp.post("/rounds/<int:round_id>")
@requires(*STUDY_ROLES)
def edit_round(round_id: int) -> tuple[str, int] | Response:
    """Save a round's settings, within what its status allows."""
    round_ = get_round(round_id)
    form = _round_form(round_.study, formdata=request.form)
    if form.validate_on_submit():
        done = _apply(
            form.name,
            lambda: _save_round_from(form, round_.study, round_),
            _("The round was saved."),
            lambda saved: url_for("admin.show_round", round_id=saved.id),
        )
        if done:
            return done
    return _round_page(round_, form, 422)


@bp.post("/rounds/<int:round_id>/<any(open, close, release):action>")
@requires(*STUDY_ROLES)
def change_round_status(round_id: int, action: str) -> tuple[str, int] | Response:
    """Open, close or release a round."""
    round_ = get_round(round_id)
    if ActionForm().validate_on_submit():
        try:
            transition_round(current_user, round_, action)
        except AdminError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The round's status is now: %(status)s.", status=label(round_.status)))
    return redirect(url_for("admin.show_round", round_id=round_.id), code=303)


def _dashboard_data(round_id: int) -> tuple[Round, list]:
    round_ = get_round(round_id)
    sites = [
        site for site in db.session.scalars(visible_sites()) if site.study_id == round_.study_id
    ]
    return round_, response_counts(round_, sites)


@bp.get("/rounds/<int:round_id>/dashboard")
@requires(*ALL_ROLES)
def show_dashboard(round_id: int) -> str:
    """Show invited, started and completed counts per site and group for a round."""
    round_, rows = _dashboard_data(round_id)
    rounds = round_.study.rounds
    return render_template("admin/dashboard.html", round=round_, rows=rows, rounds=rounds)


@bp.get("/rounds/<int:round_id>/dashboard.json")
@requires(*ALL_ROLES)
def get_dashboard_counts(round_id: int) -> Response:
    """Return the dashboard's counts as JSON, for refreshing the page without reloading it."""
    round_, rows = _dashboard_data(round_id)
    period = {"opens_on": _iso(round_.opens_on), "closes_on": _iso(round_.closes_on)}
    sites = [
        {
            "site": row.site.name,
            "site_id": row.site.id,
            **{group.value: counts.as_dict() for group, counts in row.groups.items()},
        }
        for row in rows
    ]
    return jsonify({"round": round_.id, "period": period, "sites": sites})


def _iso(value: object) -> str | None:
    return value.isoformat() if value else None  # type: ignore[attr-defined]

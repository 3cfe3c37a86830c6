"""The export page for evaluators and administrators."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from survey import i18n
from survey.exports.dataset import Filters, participant_count
from survey.exports.forms import ExportForm
from survey.exports.service import ExportError, build_export, check_filters
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import Group, Study
from survey.web.access import STUDY_ROLES, get_study, requires
from survey.web.downloads import attachment, file_attachment
from survey.web.forms import choices

bp = Blueprint("exports", __name__, url_prefix="/admin/exports")


def _form(study: Study) -> ExportForm:
    form = ExportForm()
    form.round_id.choices = choices(
        [("", _("All rounds"))] + [(str(r.id), r.name) for r in study.rounds]
    )
    form.site_id.choices = choices(
        [("", _("All sites"))] + [(str(s.id), s.name) for s in study.sites]
    )
    keys = sorted({choice.instrument_key for r in study.rounds for choice in r.instruments})
    registry = get_registry()
    language = i18n.select_locale()
    form.instrument.choices = choices(
        [("", _("All questionnaires"))]
        + [(key, registry.latest(key).title[language]) for key in keys]
    )
    return form


def _filters(study: Study, form: ExportForm) -> Filters:
    round_ = next((r for r in study.rounds if str(r.id) == form.round_id.data), None)
    site = next((s for s in study.sites if str(s.id) == form.site_id.data), None)
    return Filters(
        study,
        round_,
        site,
        Group(form.group.data) if form.group.data else None,
        form.instrument.data or None,
    )


@bp.route("/<int:study_id>", methods=["GET", "POST"])
@requires(*STUDY_ROLES)
def export_study(study_id: int) -> str | tuple[str, int] | Response:
    """Choose filters and a format; download the export (streamed, audited, never cached)."""
    study = get_study(study_id)
    form = _form(study)
    warning = None
    small_group = False
    if form.validate_on_submit():
        filters = _filters(study, form)
        people = participant_count(filters)
        minimum = current_app.config["MIN_CELL"]
        try:
            check_filters(filters)
        except ExportError:
            warning = _(
                "No questionnaire matches these filters, so the export would hold no answers. "
                "Choose another questionnaire or group."
            )
        else:
            small_group = people < minimum and not form.small_group_ok.data
        if small_group:
            warning = _(
                "These filters leave %(people)s participants, fewer than %(minimum)s. "
                "Take care that nobody can be recognised; tick the box to export anyway.",
                people=people,
                minimum=minimum,
            )
        elif warning is None:
            export = build_export(
                filters, form.export_format.data, current_user.id, form.language.data
            )
            db.session.commit()
            return _download(export)
    status = 422 if form.errors or warning else 200
    page = render_template(
        "exports/export.html", study=study, form=form, warning=warning, small_group=small_group
    )
    return page, status


def _download(export) -> Response:  # type: ignore[no-untyped-def]
    if export.path is not None:
        return file_attachment(export.path, export.filename, export.mimetype)
    return attachment(export.chunks, export.filename, export.mimetype)

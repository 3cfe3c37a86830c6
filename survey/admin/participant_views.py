"""A site's participants: bulk registration, codes shown once, code cards, replacement."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers.response import Response

from survey.admin import bp
from survey.admin.cards import code_cards_pdf
from survey.admin.forms import ParticipantsForm
from survey.admin.operations import (
    AdminError,
    handle_talk_request,
    open_talk_requests,
    register,
    replace_code,
    set_active,
)
from survey.extensions import db
from survey.inputs import parse_id
from survey.models import AgeBand, Group, Language, Layout, Participant, Role, Site
from survey.participants import IssuedCode
from survey.pseudonyms import code_hash, normalise_code
from survey.web.access import (
    ALL_ROLES,
    PARTICIPANT_ROLES,
    get_participant,
    get_site,
    get_talk_request,
    requires,
)
from survey.web.downloads import attachment
from survey.web.forms import ActionForm


def _site_page(
    site: Site, form: ParticipantsForm | None = None, status: int = 200
) -> tuple[str, int]:
    participants = []
    if current_user.role in PARTICIPANT_ROLES:
        participants = db.session.scalars(
            sa.select(Participant)
            .where(Participant.site_id == site.id)
            .order_by(Participant.group, Participant.id)
        ).all()
    page = render_template(
        "admin/site.html",
        site=site,
        participants=participants,
        form=form or ParticipantsForm(formdata=None),
        action_form=ActionForm(formdata=None),
        may_manage=current_user.role in PARTICIPANT_ROLES,
        talk_requests=open_talk_requests(site) if current_user.role in PARTICIPANT_ROLES else [],
        may_edit_site=current_user.role is not Role.COORDINATOR,
    )
    return page, status


@bp.get("/sites/<int:site_id>")
@requires(*ALL_ROLES)
def show_site(site_id: int) -> tuple[str, int]:
    """Show a site: its rounds' dashboards and, for coordinators and admins, its participants."""
    return _site_page(get_site(site_id))


def _codes_page(site: Site, issued: list[IssuedCode], title: str) -> Response:
    page = render_template(
        "admin/codes.html",
        site=site,
        issued=issued,
        title=title,
        cards_form=ActionForm(formdata=None),
    )
    return make_response(page, 201)


@bp.post("/sites/<int:site_id>/participants")
@requires(*PARTICIPANT_ROLES)
def register_participants_view(site_id: int) -> tuple[str, int] | Response:
    """Register participants in bulk and show their codes once."""
    site = get_site(site_id)
    form = ParticipantsForm()
    if not form.validate_on_submit():
        return _site_page(site, form, 422)
    group = Group(form.group.data)
    issued = register(
        current_user,
        site,
        group,
        form.count.data,
        age_band=AgeBand(form.age_band.data) if group is Group.CHILD else None,
        layout=Layout(form.layout.data),
        language=Language(form.language.data),
        labels=form.label_list(),
    )
    db.session.commit()
    return _codes_page(
        site,
        issued,
        ngettext("%(num)s participant registered", "%(num)s participants registered", len(issued)),
    )


@bp.post("/participants/<int:participant_id>/replace-code")
@requires(*PARTICIPANT_ROLES)
def replace_code_view(participant_id: int) -> Response:
    """Give a participant a new code; show it once."""
    participant = get_participant(participant_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.show_site", site_id=participant.site_id), code=303)
    try:
        issued = replace_code(current_user, participant)
    except AdminError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.show_site", site_id=participant.site_id), code=303)
    db.session.commit()
    return _codes_page(participant.site, [issued], _("New code"))


@bp.post("/participants/<int:participant_id>/<any(deactivate, reactivate):action>")
@requires(*PARTICIPANT_ROLES)
def change_participant_status(participant_id: int, action: str) -> Response:
    """Deactivate a participant who leaves (the code stops working), or undo that."""
    participant = get_participant(participant_id)
    if ActionForm().validate_on_submit():
        set_active(current_user, participant, action == "reactivate")
        db.session.commit()
        flash(
            _("The participant is active again.")
            if action == "reactivate"
            else _("The participant was deactivated; the code no longer works.")
        )
    return redirect(url_for("admin.show_site", site_id=participant.site_id), code=303)


@bp.post("/talk-requests/<int:request_id>/handled")
@requires(*PARTICIPANT_ROLES)
def mark_talk_request_handled(request_id: int) -> Response:
    """Mark a child's request to talk to an adult as handled."""
    talk_request = get_talk_request(request_id)
    if ActionForm().validate_on_submit():
        handle_talk_request(current_user, talk_request)
        db.session.commit()
        flash(_("The talk request is marked as handled."))
    return redirect(url_for("admin.show_site", site_id=talk_request.participant.site_id), code=303)


@bp.post("/sites/<int:site_id>/cards.pdf")
@requires(*PARTICIPANT_ROLES)
def download_cards(site_id: int) -> Response:
    """Return code cards for the codes just shown (sent back by the codes page's form)."""
    site = get_site(site_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.show_site", site_id=site.id), code=303)
    issued = _issued_from_form(site)
    if not issued:
        flash(_("Those codes are no longer valid; give new codes to print cards."), "error")
        return redirect(url_for("admin.show_site", site_id=site.id), code=303)
    base_url = current_app.config.get("PUBLIC_URL") or request.url_root
    return attachment(
        code_cards_pdf(site, issued, base_url), f"code-cards-site-{site.id}.pdf", "application/pdf"
    )


def _issued_from_form(site: Site) -> list[IssuedCode]:
    """Return the (participant, code) pairs posted back whose code is still that participant's."""
    key = current_app.config["PSEUDONYM_KEY"]
    issued = []
    for value in request.form.getlist("code"):
        text, _sep, code = value.partition(":")
        participant_id = parse_id(text)
        if participant_id is None:
            continue
        participant = db.session.get(Participant, participant_id)
        if participant is None or participant.site_id != site.id or not participant.is_active:
            continue
        if participant.code_hash == code_hash(normalise_code(code), key):
            issued.append(IssuedCode(participant, normalise_code(code)))
    return issued

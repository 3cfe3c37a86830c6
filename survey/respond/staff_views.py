"""The staff questionnaire: one page per instrument, each question a fieldset."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers.response import Response

from survey.extensions import db
from survey.models import MissingCode, Submission
from survey.respond import bp, flow, state
from survey.respond.forms import ActionForm


@bp.route("/staff/<int:page>", methods=["GET", "POST"])
@state.needs_submission
def show_staff_page(submission: Submission, page: int) -> str | tuple[str, int] | Response:
    """Show one instrument as one page of fieldsets; save every answer given on it."""
    instruments = flow.instruments(submission)
    if flow.is_child(submission) or not 0 <= page < len(instruments):
        abort(404)
    instrument = instruments[page]
    page_questions = [q for q in flow.questions(submission) if q.instrument.key == instrument.key]
    form = ActionForm()
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {q.item.id: request.form.get(f"item_{q.item.id}", "") for q in page_questions}
        if not form.validate_on_submit():
            errors["_form"] = _(
                "The page had expired. Your answers are shown again: press the button once more."
            )
        else:
            errors = _save_staff_answers(submission, page_questions, posted)
            if not errors:
                db.session.commit()
                if page + 1 < len(instruments):
                    return redirect(url_for("respond.show_staff_page", page=page + 1), code=303)
                flow.complete(submission)
                db.session.commit()
                return redirect(url_for("respond.show_end"), code=303)
            db.session.rollback()
    given = flow.answers(submission)
    chosen = {
        q.item.id: posted.get(q.item.id) or _stored_choice(given.get((instrument.key, q.item.id)))
        for q in page_questions
    }
    language = submission.language.value
    page_html = render_template(
        "respond/staff.html",
        submission=submission,
        instrument=instrument,
        # Staff read the default period ("de sidste 4 uger") wherever a text holds {period}.
        intro=flow.fill_period(submission, instrument.intro[language], language),
        texts={
            q.item.id: flow.fill_period(submission, q.item.text[language], language)
            for q in page_questions
        },
        questions=[q for q in page_questions if flow.is_shown(q, given) or q.item.show_if],
        shown={q.item.id for q in page_questions if flow.is_shown(q, given)},
        chosen=chosen,
        errors=errors,
        form=ActionForm(formdata=None),
        page=page,
        pages=len(instruments),
    )
    return page_html, 422 if errors else 200


def _stored_choice(answer: Any) -> str | None:
    if answer is None or answer.missing_code is MissingCode.NOT_SHOWN:
        return None
    return str(answer.value) if answer.value is not None else answer.missing_code.value


def _save_staff_answers(
    submission: Submission, page_questions: list[flow.Question], posted: dict[str, str]
) -> dict[str, str]:
    errors = {}
    for question in page_questions:
        choice = posted.get(question.item.id)
        if not choice or not flow.is_shown(question, flow.answers(submission)):
            continue  # staff may leave a question open; answers to skipped ones are dropped
        try:
            flow.save_answer(submission, question, choice, flow.now_seq())
        except flow.RespondError as error:
            errors[question.item.id] = str(error)
    flow.mark_hidden(submission, page_questions)
    return errors

"""The staff questionnaire: one page per instrument, each question a fieldset."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers.response import Response

from survey.extensions import db
from survey.models import MissingCode, Submission
from survey.respond import bp, flow, state
from survey.respond.flow import Question, RespondError
from survey.respond.forms import ActionForm
from survey.respond.path import RespondentPath


@bp.route("/staff/<int:page>", methods=["GET", "POST"])
@state.needs_submission
def show_staff_page(submission: Submission, page: int) -> str | tuple[str, int] | Response:
    """Show one instrument as one page of fieldsets; save every answer given on it."""
    path = RespondentPath(submission)
    if path.is_child or not 0 <= page < len(path.instruments):
        abort(404)
    instrument = path.instruments[page]
    page_questions = path.page(page)
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
            errors = _save_staff_answers(path, page_questions, posted)
            if not errors:
                if page + 1 < len(path.instruments):
                    db.session.commit()
                    return redirect(url_for("respond.show_staff_page", page=page + 1), code=303)
                path.complete()
                db.session.commit()
                return redirect(url_for("respond.show_end"), code=303)
            db.session.rollback()
            path = RespondentPath(submission)
    chosen = {
        q.item.id: posted.get(q.item.id) or _stored_choice(path.answer_to(q))
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
        questions=[q for q in page_questions if path.is_shown(q) or q.item.show_if],
        shown={q.item.id for q in page_questions if path.is_shown(q)},
        chosen=chosen,
        errors=errors,
        form=ActionForm(formdata=None),
        page=page,
        pages=len(path.instruments),
    )
    return page_html, 422 if errors else 200


def _stored_choice(answer: Any) -> str | None:
    if answer is None or answer.missing_code is MissingCode.NOT_SHOWN:
        return None
    return str(answer.value) if answer.value is not None else answer.missing_code.value


def _save_staff_answers(
    path: RespondentPath, page_questions: list[Question], posted: dict[str, str]
) -> dict[str, str]:
    errors = {}
    for question in page_questions:
        choice = posted.get(question.item.id)
        if not choice or not path.is_shown(question):
            continue  # staff may leave a question open; answers to skipped ones are dropped
        try:
            path.save(question, choice, flow.now_seq())
        except RespondError as error:
            errors[question.item.id] = str(error)
    path.mark_hidden(page_questions)
    return errors

"""Routes of the respondent pages. Every page is a real form (POST, then redirect to GET);
respond.js only enhances them (saving in the background, reading aloud, scanning)."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from urllib.parse import quote

from flask import (
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, ValidationError, generate_csrf, validate_csrf
from werkzeug.wrappers.response import Response

from survey import throttle
from survey.extensions import csrf, db, limiter
from survey.instruments.model import LANGUAGES, Instrument
from survey.instruments.periods import DEFAULT_PERIOD, PERIODS, PLACEHOLDER
from survey.instruments.recorded import AUDIO_FOLDER
from survey.models import (
    Submission,
    SubmissionStatus,
)
from survey.respond import bp, flow, state
from survey.respond.flow import Question, RespondError
from survey.respond.forms import ActionForm, ChoiceForm, CodeForm, SetupForm, period_choice
from survey.respond.path import RespondentPath

#: Bounds of a background save's fields: far above any questionnaire, far below trouble.
MAX_QUESTIONS = 10_000
MAX_CHOICE_LENGTH = 20

# The respondent views check the CSRF token themselves, so that an expired token re-shows the
# page with the answer given instead of an error page.
csrf.exempt(bp)


@bp.context_processor
def _sequence_base() -> dict[str, int]:
    # Background saves count from the server's clock at page load, never the device's.
    return {"seq_base": flow.now_seq()}


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(
    throttle.CODE_FAILURES_PER_CLIENT, methods=["POST"], scope="code", deduct_when=throttle.counts
)
@limiter.limit(
    throttle.code_failures_everywhere,
    key_func=throttle.everyone,
    methods=["POST"],
    scope="code-everyone",
    deduct_when=throttle.counts,
)
def enter_code() -> str | tuple[str, int] | Response:
    """Ask for the code; open the participant's submission in the study's open round.

    Only wrong codes count against the limits: a class of children behind one address
    all get in.
    """
    form = CodeForm()
    if form.validate_on_submit():
        participant = flow.find_participant(form.code.data)
        if participant is None:
            throttle.failed()
            form.code.errors.append(
                _(
                    "We cannot find that code. Check that it is typed correctly and try again, "
                    "or ask the adult who helps you."
                )
            )
            return render_template("respond/code.html", form=form), 422
        round_ = flow.open_round(participant)
        if round_ is None:
            return render_template("respond/no_round.html"), 200
        submission = flow.start(participant, round_)
        db.session.commit()
        state.begin(submission)
        return redirect(_entry_point(RespondentPath(submission)), code=303)
    return render_template("respond/code.html", form=form), 422 if form.errors else 200


def _entry_point(path: RespondentPath) -> str:
    submission = path.submission
    if submission.status is SubmissionStatus.COMPLETED:
        return url_for("respond.show_end")
    if path.is_child:
        if submission.scale_steps is None:
            return url_for("respond.setup")
        return url_for("respond.show_assent")
    return url_for("respond.show_staff_page", page=path.first_staff_page())


@bp.route("/setup", methods=["GET", "POST"])
@state.needs_submission
def setup(submission: Submission) -> str | tuple[str, int] | Response:
    """Let the adult choose how the child answers and sees the questions."""
    if not flow.is_child(submission):
        return redirect(_entry_point(RespondentPath(submission)), code=303)
    chooses_period = flow.chooses_period(submission)
    if not chooses_period and "reference_period" in request.form:
        # Only the youngest children's questions are anchored; the rest read "de sidste 4 uger".
        abort(400, description=_("A time for the questions can only be chosen for ages 6 to 9."))
    page_language = _page_language()
    form = SetupForm(chooses_period=chooses_period, language=page_language)
    if not form.is_submitted():
        form.assistance_mode.data = (
            submission.assistance_mode.value if submission.assistance_mode else None
        )
        form.layout.data = (submission.layout or submission.participant.layout).value
        form.scale_steps.data = str(submission.scale_steps or flow.default_steps(submission))
        form.text_size.data = submission.text_size.value
        form.language.data = (submission.language or submission.participant.language).value
        form.read_aloud.data = submission.read_aloud
        form.read_brief.data = submission.read_brief
        form.high_contrast.data = submission.high_contrast
        form.switch_scanning.data = submission.switch_scanning
        form.scan_aloud.data = submission.scan_aloud
        if chooses_period:
            form.reference_period.data = submission.reference_period or DEFAULT_PERIOD
        form.whole_period.data = submission.whole_period.value if submission.whole_period else None
    if form.validate_on_submit():
        RespondentPath(submission).apply_setup(form.setup())
        db.session.commit()
        state.begin(submission)
        return redirect(url_for("respond.show_assent"), code=303)
    default = flow.default_steps(submission)
    status = 422 if form.errors else 200
    return render_template(
        "respond/setup.html",
        form=form,
        submission=submission,
        default_steps=default,
        default_period=PERIODS[DEFAULT_PERIOD][page_language],
        default_choice=period_choice(DEFAULT_PERIOD, page_language),
    ), status


def _page_language() -> str:
    """Return the language the page is shown in, for words that are data (not messages)."""
    locale = get_locale()
    return locale.language if locale and locale.language in LANGUAGES else LANGUAGES[0]


@bp.route("/assent", methods=["GET", "POST"])
@state.needs_submission
def show_assent(submission: Submission) -> str | Response:
    """Tell the child what this is about; the child starts, or says "not today"."""
    path = RespondentPath(submission)
    if not path.is_child or submission.scale_steps is None:
        return redirect(_entry_point(path), code=303)
    form = ActionForm()
    if form.validate_on_submit():
        if request.form.get("answer") == "not_today":
            path.decline()
            db.session.commit()
            state.end(submission)
            return redirect(url_for("respond.show_not_today"), code=303)
        index = path.first_unanswered()
        if index is None:  # everything was answered before: this start completes it
            path.complete()
            db.session.commit()
        return redirect(_question_or_end(index), code=303)
    return render_template("respond/assent.html", form=form, submission=submission)


def _question_or_end(index: int | None) -> str:
    if index is None:
        return url_for("respond.show_end")
    return url_for("respond.show_question", index=index)


@bp.get("/q/<int:index>")
@state.needs_submission
def show_question(submission: Submission, index: int) -> str | Response:
    """Show one question, with the answer already given (if any) chosen."""
    path = RespondentPath(submission)
    question = _question_or_404(path, index)
    if not path.is_shown(question):
        return redirect(_question_or_end(path.first_unanswered()), code=303)
    run_start = path.private_run_start(index)
    if run_start is not None and not state.private_acknowledged(run_start):
        return redirect(url_for("respond.show_private", index=index), code=303)
    page, status = _question_page(path, question, with_section=SECTION_HEADER in request.headers)
    response = current_app.make_response((page, status))
    response.vary.add(SECTION_HEADER)
    return response


def _question_or_404(path: RespondentPath, index: int) -> Question:
    try:
        return path.question_at(index)
    except RespondError:
        abort(404)


#: Sent by respond.js when it moves to another section's first question: the page then holds
#: every question of that section (one request per section; without it, respond.js fetches
#: the section after the page).
SECTION_HEADER = "X-Respond-Section"


def _question_page(
    path: RespondentPath,
    question: Question,
    form: ChoiceForm | None = None,
    chosen: str | None = None,
    status: int = 200,
    with_section: bool = False,
) -> tuple[str, int]:
    if chosen is None:
        chosen = _choice_of(path.answer_to(question))
    view = _question_view(path, question, chosen)
    section, answered_outside = _section(path, question, view) if with_section else (None, None)
    page = render_template(
        "respond/question.html",
        submission=path.submission,
        view=view,
        form=form or ChoiceForm(formdata=None),
        section=section,
        answered_outside=answered_outside,
    )
    return page, status


def _section(path: RespondentPath, question: Question, shown: dict) -> tuple[list[dict], int]:
    """Return what the page shows of every question of the section holding ``question``
    (``shown`` is its own), and how many answered questions the progress counts outside the
    section (the questions everyone is asked; a follow-up shares its question's number)."""
    views = [
        shown if q is question else _question_view(path, q, _choice_of(path.answer_to(q)))
        for q in path.section(question)
    ]
    inside = sum(
        view["question"].item.show_if is None and flow.has_answer(view["question"], path.given)
        for view in views
    )
    return views, shown["answered"] - inside


def _question_words() -> dict[str, str]:
    """Return the words every question form shows, translated once per request: a section
    page shows up to a dozen questions, and Flask-Babel finds the translations anew at every
    call."""
    if "question_words" not in g:
        g.question_words = {
            "dont_know": _("I don't know"),
            "refused": _("I don't want to answer"),
            "read_aloud": _("Read aloud"),
            "back": _("Back"),
            "next": _("Next"),
            "slower": _("Slower"),
            "faster": _("Faster"),
        }
    return g.question_words


def _question_view(path: RespondentPath, question: Question, chosen: str | None) -> dict:
    """Return what the page shows of one question (see respond/_question.html)."""
    submission = path.submission
    language = submission.language.value
    wording = question.item.text_for(language, submission.participant.age_band)
    text = flow.fill_period(submission, wording, language)
    recording_url = _recording_url(question.instrument, language)
    progress = path.progress(question)
    return {
        "words": _question_words(),
        "question": question,
        "scale": flow.scale_for(submission, question),
        "text": text,
        "heading_audio": _heading_audio(question, language, wording) or recording_url(text),
        "recording_url": recording_url,
        "chosen": chosen,
        "previous": path.previous_shown(question.index),
        "position": progress.position,
        "total": progress.total,
        "answered": progress.answered,
        "show_if": path.condition(question),
    }


@bp.get("/section/<int:index>")
@state.needs_submission
def show_section(submission: Submission, index: int) -> str | Response:
    """Return every question of the section holding question ``index``, that one shown and
    the others hidden, for respond.js to show one at a time (one load per section)."""
    path = RespondentPath(submission)
    question = _question_or_404(path, index)
    run_start = path.private_run_start(index)
    if not path.is_shown(question) or (
        run_start is not None and not state.private_acknowledged(run_start)
    ):
        return redirect(url_for("respond.show_question", index=index), code=303)
    shown = _question_view(path, question, _choice_of(path.answer_to(question)))
    views, answered_outside = _section(path, question, shown)
    html = render_template(
        "respond/section.html",
        submission=submission,
        views=views,
        index=index,
        form=None,
        answered_outside=answered_outside,
    )
    return _compressed(html)


def _compressed(html: str) -> Response:
    """Return HTML gzip-compressed when the browser takes it. Only for HTML that holds no
    secret (no form token), so that compression cannot reveal one (BREACH)."""
    response = Response(html, mimetype="text/html")
    response.vary.add("Accept-Encoding")
    if "gzip" in request.accept_encodings:
        response.set_data(gzip.compress(response.get_data(), compresslevel=6))
        response.content_encoding = "gzip"
    return response


def _heading_audio(question: Question, language: str, wording: str) -> str | None:
    # An item's own audio file (``audio:`` in its YAML) speaks its main text; an age band's
    # own text, and a text with the period filled in, are spoken by the folder's recordings.
    item = question.item
    if not item.audio.get(language) or wording != item.text[language] or PLACEHOLDER in wording:
        return None
    instrument = question.instrument
    return url_for(
        "respond.get_audio",
        key=instrument.key,
        version=instrument.version,
        item_id=item.id,
        language=language,
    )


def _recording_url(instrument: Instrument, language: str) -> Callable[[str], str | None]:
    """Return a function giving the URL of the recording that speaks a text (None if none).

    The folder's URL is built once: a question has a dozen texts that can be spoken, and
    building each URL anew was a sixth of the time of a section page."""
    folder = url_for(
        "respond.get_recording", key=instrument.key, version=instrument.version, name="-"
    )[:-1]

    def url(text: str) -> str | None:
        name = instrument.recording(language, text)
        return None if name is None else folder + quote(name, safe="")

    return url


@bp.post("/q/<int:index>")
@state.needs_submission
def answer_question(submission: Submission, index: int) -> tuple[str, int] | Response:
    """Save the answer to one question and go to the next one (or the end)."""
    path = RespondentPath(submission)
    question = _question_or_404(path, index)
    form = ChoiceForm()
    chosen = form.choice.data
    if not form.validate_on_submit():
        # An expired or missing token re-shows the page with the answer given and a new token.
        return _question_page(path, question, form, chosen, 422 if form.choice.errors else 200)
    try:
        path.save(question, chosen, flow.now_seq())
        following = path.advance(index)
    except RespondError as error:
        db.session.rollback()
        form.choice.errors.append(str(error))
        return _question_page(RespondentPath(submission), question, form, None, 422)
    db.session.commit()
    return redirect(_question_or_end(following), code=303)


@bp.post("/answer")
@state.needs_submission
def save_answer_json(submission: Submission) -> tuple[Response, int] | Response:
    """Save one answer in the background (JavaScript); return where to go next."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError:
            return jsonify(error="csrf", token=generate_csrf()), 400
    data = request.get_json(silent=True)
    fields = data if isinstance(data, dict) else {}
    index, choice, seq = fields.get("index"), fields.get("choice"), fields.get("seq")
    advance = fields.get("advance", True)
    if not (
        type(index) is int
        and type(seq) is int
        and isinstance(choice, str)
        and isinstance(advance, bool)
        and 0 <= index < MAX_QUESTIONS
        and seq >= 1
        and len(choice) <= MAX_CHOICE_LENGTH
    ):
        return jsonify(error="invalid", message=_("The answer could not be read.")), 422
    path = RespondentPath(submission)
    try:
        question = path.question_at(index)
        stored = path.save(question, choice, seq)
        following = path.advance(index) if stored and advance else None
    except RespondError as error:
        db.session.rollback()
        return jsonify(error="refused", message=str(error)), 422
    db.session.commit()
    if not stored:
        # A newer answer is stored: say so and show it, never "saved".
        return jsonify(
            ok=False,
            stale=True,
            choice=_choice_of(path.answer_to(question)),
            message=_("A newer answer was saved already; it is chosen now."),
        ), 409
    return jsonify(ok=True, next=_question_or_end(following) if advance else None)


def _choice_of(answer) -> str | None:  # type: ignore[no-untyped-def]
    """Return a stored answer as the page's choice value (a code, or a missing code)."""
    if answer is None:
        return None
    if answer.value is not None:
        return str(answer.value)
    return answer.missing_code.value if answer.missing_code else None


@bp.route("/private/<int:index>", methods=["GET", "POST"])
@state.needs_submission
def show_private(submission: Submission, index: int) -> str | Response:
    """Ask the adult to look away before questions the child answers in private."""
    path = RespondentPath(submission)
    _question_or_404(path, index)
    run_start = path.private_run_start(index)
    if run_start is None:
        return redirect(url_for("respond.show_question", index=index), code=303)
    form = ActionForm()
    if form.validate_on_submit():
        state.acknowledge_private(run_start)
        return redirect(url_for("respond.show_question", index=index), code=303)
    return render_template("respond/private.html", form=form, submission=submission, index=index)


@bp.post("/pause")
def pause() -> Response:
    """End the session safely; the code resumes at the first unanswered question."""
    if not ActionForm().validate_on_submit():
        raise CSRFError("pause without a valid token")  # no pausing from another site
    state.end()
    idle = request.form.get("idle") == "1"
    return redirect(url_for("respond.show_paused", idle=1 if idle else None), code=303)


@bp.get("/paused")
def show_paused() -> str:
    """Say that the answers are saved and how to go on later."""
    return render_template("respond/paused.html", idle=request.args.get("idle") == "1")


@bp.get("/not-today")
def show_not_today() -> str:
    """Thank a child who chose not to answer today."""
    return render_template("respond/not_today.html")


@bp.route("/done", methods=["GET", "POST"])
@state.needs_submission
def show_end(submission: Submission) -> str | Response:
    """Thank the respondent, show where to talk to someone, and offer a talk with an adult."""
    form = ActionForm()
    path = RespondentPath(submission)
    offer_talk = path.ask_to_talk()
    if offer_talk and form.validate_on_submit():
        wants_talk = request.form.get("talk") == "yes"
        if wants_talk:
            path.request_talk()
            db.session.commit()
        state.end(submission)
        return redirect(
            url_for("respond.show_goodbye", talk="yes" if wants_talk else "no"), code=303
        )
    page = render_template(
        "respond/end.html",
        submission=submission,
        form=form,
        offer_talk=offer_talk,
        # The private questions come last: the child calls the adult back from here.
        call_back=path.calls_adult_back(),
        helpline_name=current_app.config["HELPLINE_NAME"],
        helpline_number=current_app.config["HELPLINE_NUMBER"],
    )
    if not offer_talk:
        state.end(submission)  # nothing more to do here: the session ends with the thanks
    return page


@bp.get("/goodbye")
def show_goodbye() -> str:
    """The last page: nothing of the respondent is shown any more."""
    return render_template(
        "respond/goodbye.html",
        talk=request.args.get("talk") == "yes",
        helpline_name=current_app.config["HELPLINE_NAME"],
        helpline_number=current_app.config["HELPLINE_NUMBER"],
    )


@bp.get("/media/<key>/<int:version>/<item_id>/<language>")
@state.needs_submission
def get_audio(
    submission: Submission, key: str, version: int, item_id: str, language: str
) -> Response:
    """Serve an item's recorded audio from its instrument folder."""
    from survey.instruments import get_registry

    try:
        instrument = get_registry().get(key, version)
        relative = instrument.item(item_id).audio[language]
    except KeyError:
        abort(404)
    return send_from_directory(instrument.path.parent, relative)  # type: ignore[union-attr]


@bp.get("/audio/<key>/<int:version>/<name>")
@state.needs_submission
def get_recording(submission: Submission, key: str, version: int, name: str) -> Response:
    """Serve a recorded text (a question or an answer) listed in its folder's manifest."""
    from survey.instruments import get_registry

    try:
        instrument = get_registry().get(key, version)
    except KeyError:
        abort(404)
    # Only names the manifest lists, which are plain file names in the folder's audio/.
    if instrument.path is None or not instrument.has_recording(name):
        abort(404)
    return send_from_directory(instrument.path.parent / AUDIO_FOLDER, name)

"""Routes of the respondent pages. Every page is a real form (POST, then redirect to GET);
respond.js only enhances them (saving in the background, reading aloud, scanning)."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    abort,
    current_app,
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

from survey import audit, throttle
from survey.extensions import csrf, db, limiter
from survey.instruments.model import LANGUAGES, Instrument
from survey.instruments.periods import DEFAULT_PERIOD, PERIODS, PLACEHOLDER
from survey.instruments.recorded import AUDIO_FOLDER
from survey.models import (
    AssistanceMode,
    Language,
    Layout,
    Submission,
    SubmissionStatus,
    TalkRequest,
    TextSize,
    WholePeriod,
)
from survey.respond import bp, flow, state
from survey.respond.forms import ActionForm, ChoiceForm, CodeForm, SetupForm, period_choice

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
        return redirect(_entry_point(submission), code=303)
    return render_template("respond/code.html", form=form), 422 if form.errors else 200


def _entry_point(submission: Submission) -> str:
    if submission.status is SubmissionStatus.COMPLETED:
        return url_for("respond.show_end")
    if flow.is_child(submission):
        if submission.scale_steps is None:
            return url_for("respond.setup")
        return url_for("respond.show_assent")
    return url_for("respond.show_staff_page", page=flow.first_staff_page(submission))


@bp.route("/setup", methods=["GET", "POST"])
@state.needs_submission
def setup(submission: Submission) -> str | tuple[str, int] | Response:
    """Let the adult choose how the child answers and sees the questions."""
    if not flow.is_child(submission):
        return redirect(_entry_point(submission), code=303)
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
        flow.check_open(submission)
        submission.assistance_mode = AssistanceMode(form.assistance_mode.data)
        submission.layout = Layout(form.layout.data)
        submission.scale_steps = int(form.scale_steps.data)
        submission.text_size = TextSize(form.text_size.data)
        submission.language = Language(form.language.data)
        submission.read_aloud = form.read_aloud.data
        submission.read_brief = form.read_brief.data
        submission.high_contrast = form.high_contrast.data
        submission.switch_scanning = form.switch_scanning.data
        submission.scan_aloud = form.scan_aloud.data
        submission.reference_period = (
            form.reference_period.data if chooses_period else DEFAULT_PERIOD
        )
        submission.whole_period = (
            WholePeriod(form.whole_period.data) if form.whole_period.data else None
        )
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
    if not flow.is_child(submission) or submission.scale_steps is None:
        return redirect(_entry_point(submission), code=303)
    form = ActionForm()
    if form.validate_on_submit():
        if request.form.get("answer") == "not_today":
            flow.decline(submission)
            db.session.commit()
            state.end(submission)
            return redirect(url_for("respond.show_not_today"), code=303)
        return redirect(_resume(submission), code=303)
    return render_template("respond/assent.html", form=form, submission=submission)


def _resume(submission: Submission) -> str:
    index = flow.first_unanswered(submission)
    if index is None:
        flow.complete(submission)
        db.session.commit()
        return url_for("respond.show_end")
    return url_for("respond.show_question", index=index)


def _private_run_start(submission: Submission, index: int) -> int | None:
    """Return where the run of private questions holding ``index`` starts (None: not private)."""
    questions = flow.questions(submission)
    if index >= len(questions):
        abort(404)
    if not questions[index].item.private:
        return None
    start = index
    while start > 0 and questions[start - 1].item.private:
        start -= 1
    return start


@bp.get("/q/<int:index>")
@state.needs_submission
def show_question(submission: Submission, index: int) -> str | Response:
    """Show one question, with the answer already given (if any) chosen."""
    try:
        question = flow.question_at(submission, index)
    except flow.RespondError:
        abort(404)
    if not flow.is_shown(question, flow.answers(submission)):
        return redirect(_resume(submission), code=303)
    run_start = _private_run_start(submission, index)
    if run_start is not None and not state.private_acknowledged(run_start):
        return redirect(url_for("respond.show_private", index=index), code=303)
    return _question_page(submission, question)


def _question_page(
    submission: Submission,
    question: flow.Question,
    form: ChoiceForm | None = None,
    chosen: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    given = flow.answers(submission)
    if chosen is None:
        chosen = _choice_of(given.get((question.instrument.key, question.item.id)))
    # Progress counts the questions everyone is asked; a follow-up shares its question's
    # number, so the total never grows while the child answers ("14 af 14", then "15 af 15").
    steps = [q for q in flow.questions(submission) if q.item.show_if is None]
    steps = [q for q in steps if flow.is_shown(q, given)]
    position = max(0, sum(q.index <= question.index for q in steps) - 1)
    language = submission.language.value
    wording = question.item.text_for(language, submission.participant.age_band)
    text = flow.fill_period(submission, wording, language)
    recording_url = _recording_url(question.instrument, language)
    page = render_template(
        "respond/question.html",
        submission=submission,
        question=question,
        scale=flow.scale_for(submission, question),
        text=text,
        heading_audio=_heading_audio(question, language, wording) or recording_url(text),
        recording_url=recording_url,
        chosen=chosen,
        form=form or ChoiceForm(formdata=None),
        previous=flow.previous_index(submission, question.index),
        position=position,
        total=len(steps),
        answered=sum(flow.has_answer(q, given) for q in steps),
    )
    return page, status


def _heading_audio(question: flow.Question, language: str, wording: str) -> str | None:
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
    """Return a function giving the URL of the recording that speaks a text (None if none)."""

    def url(text: str) -> str | None:
        name = instrument.recording(language, text)
        if name is None:
            return None
        return url_for(
            "respond.get_recording", key=instrument.key, version=instrument.version, name=name
        )

    return url


@bp.post("/q/<int:index>")
@state.needs_submission
def answer_question(submission: Submission, index: int) -> tuple[str, int] | Response:
    """Save the answer to one question and go to the next one (or the end)."""
    try:
        question = flow.question_at(submission, index)
    except flow.RespondError:
        abort(404)
    form = ChoiceForm()
    chosen = form.choice.data
    if not form.validate_on_submit():
        # An expired or missing token re-shows the page with the answer given and a new token.
        return _question_page(
            submission, question, form, chosen, 422 if form.choice.errors else 200
        )
    try:
        flow.save_answer(submission, question, chosen, flow.now_seq())
    except flow.RespondError as error:
        db.session.rollback()
        form.choice.errors.append(str(error))
        return _question_page(submission, question, form, None, 422)
    following = flow.next_index(submission, index)
    if following is None:
        flow.complete(submission)
    db.session.commit()
    return redirect(_after(submission, following), code=303)


def _after(submission: Submission, following: int | None) -> str:
    if following is None:
        return url_for("respond.show_end")
    return url_for("respond.show_question", index=following)


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
    try:
        question = flow.question_at(submission, index)
        stored = flow.save_answer(submission, question, choice, seq)
    except flow.RespondError as error:
        db.session.rollback()
        return jsonify(error="refused", message=str(error)), 422
    if not stored:
        # A newer answer is stored: say so and show it, never "saved".
        db.session.commit()
        answer = flow.answers(submission).get((question.instrument.key, question.item.id))
        return jsonify(
            ok=False,
            stale=True,
            choice=_choice_of(answer),
            message=_("A newer answer was saved already; it is chosen now."),
        ), 409
    following = None
    if advance:
        following = flow.next_index(submission, index)
        if following is None and flow.is_child(submission):
            flow.complete(submission)
    db.session.commit()
    return jsonify(ok=True, next=_after(submission, following) if advance else None)


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
    run_start = _private_run_start(submission, index)
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
    offer_talk = flow.is_child(submission) and submission.round.study.talk_requests_enabled
    if offer_talk and form.validate_on_submit():
        wants_talk = request.form.get("talk") == "yes"
        if wants_talk:
            request_ = TalkRequest(participant=submission.participant, round=submission.round)
            db.session.add(request_)
            db.session.flush()
            audit.record(
                "talk_request.create",
                object_type="participant",
                object_id=submission.participant_id,
            )
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
        call_back=flow.is_child(submission)
        and any(question.item.private for question in flow.questions(submission)),
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

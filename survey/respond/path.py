"""One respondent's path through a round, built once per request: the submission, its
questions in order and the answers given so far. Views ask it where to go and call its named
writes (``save``, ``advance``, ``mark_hidden``, ``apply_setup``, ``request_talk``, …), which
flush and never commit: the view commits once."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from survey import audit
from survey.enums import AssistanceMode, Language, Layout, MissingCode, TextSize, WholePeriod
from survey.extensions import db
from survey.instruments.model import Instrument
from survey.instruments.periods import DEFAULT_PERIOD
from survey.models import Answer, Submission, TalkRequest
from survey.respond import flow
from survey.respond.flow import Question, RespondError


@dataclass(frozen=True)
class Progress:
    """Where a question stands among the questions everyone is asked."""

    #: 0 for the first question.
    position: int
    total: int
    answered: int


@dataclass(frozen=True)
class Setup:
    """What the adult chose on the setup page, as plain values."""

    assistance_mode: AssistanceMode
    layout: Layout
    scale_steps: int
    text_size: TextSize
    language: Language
    read_aloud: bool
    read_brief: bool
    high_contrast: bool
    switch_scanning: bool
    scan_aloud: bool
    #: None for children who do not choose a period (they read the default).
    reference_period: str | None
    whole_period: WholePeriod | None


class RespondentPath:
    """The questions of one submission and the answers so far, read once per request."""

    def __init__(
        self,
        submission: Submission,
        instruments: list[Instrument] | None = None,
        given: dict[tuple[str, str], Answer] | None = None,
    ) -> None:
        """Read the submission's instruments (from the registry) and, when first asked, its
        answers (from the database), unless the caller already holds them."""
        self.submission = submission
        self.instruments = flow.instruments(submission) if instruments is None else instruments
        self.questions = flow.questions(submission, self.instruments)
        self._given = given

    # Reading -------------------------------------------------------------------------------

    @property
    def given(self) -> dict[tuple[str, str], Answer]:
        """Return the answers so far by (instrument key, item id): read once, when first
        needed, and kept up to date by this path's own writes."""
        if self._given is None:
            self._given = flow.answers(self.submission)
        return self._given

    @property
    def is_child(self) -> bool:
        """Tell whether a child answers this path."""
        return flow.is_child(self.submission)

    def is_shown(self, question: Question) -> bool:
        """Tell whether the question is asked, given the answers so far (read only for a
        question that depends on them)."""
        return question.item.show_if is None or flow.is_shown(question, self.given)

    def answer_to(self, question: Question) -> Answer | None:
        """Return the stored answer to the question, if any."""
        return self.given.get((question.instrument.key, question.item.id))

    def question_at(self, index: int) -> Question:
        """Return the question at ``index``; RespondError if there is none."""
        if not 0 <= index < len(self.questions):
            raise RespondError(_l("That question does not exist."))
        return self.questions[index]

    def first_unanswered(self) -> int | None:
        """Return the index of the first shown question without an answer (None: all answered)."""
        for question in self.questions:
            if self.is_shown(question) and not flow.has_answer(question, self.given):
                return question.index
        return None

    def previous_shown(self, before: int) -> int | None:
        """Return the shown question before ``before``, if any."""
        earlier = [q for q in self.questions[:before] if self.is_shown(q)]
        return earlier[-1].index if earlier else None

    def private_run_start(self, index: int) -> int | None:
        """Return where the run of private questions holding ``index`` starts (None: the
        question is not private)."""
        if not self.questions[index].item.private:
            return None
        start = index
        while start > 0 and self.questions[start - 1].item.private:
            start -= 1
        return start

    def progress(self, question: Question) -> Progress:
        """Count the questions everyone is asked; a follow-up shares its question's number, so
        the total never grows while the child answers ("14 af 14", then "15 af 15")."""
        steps = [q for q in self.questions if q.item.show_if is None and self.is_shown(q)]
        position = max(0, sum(q.index <= question.index for q in steps) - 1)
        answered = sum(flow.has_answer(q, self.given) for q in steps)
        return Progress(position, len(steps), answered)

    def section(self, question: Question) -> list[Question]:
        """Return the section holding the question: the run of questions of one questionnaire
        that are all asked with the adult beside the child, or all in private. With JavaScript
        one page load shows a whole section, one question at a time."""

        def part(q: Question) -> tuple[str, bool]:
            return q.instrument.key, q.item.private

        start = end = question.index
        while start > 0 and part(self.questions[start - 1]) == part(question):
            start -= 1
        while end + 1 < len(self.questions) and part(self.questions[end + 1]) == part(question):
            end += 1
        return self.questions[start : end + 1]

    def condition(self, question: Question) -> dict | None:
        """Return the question's condition as respond.js works it out: the earlier items, the
        codes that ask the question (or any choice above each item's lowest), and the answers
        to those items outside the question's section (the page holds the others)."""
        condition = question.item.show_if
        if condition is None:
            return None
        key = question.instrument.key
        in_section = {q.item.id for q in self.section(question)}
        asked = {q.item.id: q for q in self.questions if q.instrument.key == key}
        known = {}
        for item_id in condition.items:
            if item_id not in in_section:
                answer = self.given.get((key, item_id))
                known[item_id] = answer.value if answer else None
        return {
            "items": list(condition.items),
            "codes": list(condition.codes),
            "above_lowest": condition.above_lowest,
            "lowest": {
                item_id: flow.scale_for(self.submission, asked[item_id]).codes[0]
                for item_id in condition.items
                if item_id in asked
            },
            "known": known,
        }

    def page(self, number: int) -> list[Question]:
        """Return the questions of staff page ``number`` (one instrument per page)."""
        key = self.instruments[number].key
        return [q for q in self.questions if q.instrument.key == key]

    def first_staff_page(self) -> int:
        """Return the page of the first unanswered staff question, or the first page."""
        index = self.first_unanswered()
        if index is None:
            return 0
        key = self.questions[index].instrument.key
        return next(n for n, instrument in enumerate(self.instruments) if instrument.key == key)

    def ask_to_talk(self) -> bool:
        """Tell whether the end page offers a child a talk with an adult."""
        return self.is_child and self.submission.round.study.talk_requests_enabled

    def calls_adult_back(self) -> bool:
        """Tell whether the child asked private questions last (and calls the adult back)."""
        return self.is_child and any(question.item.private for question in self.questions)

    # Writing (flush only) ------------------------------------------------------------------

    def _written(self, question: Question, value: int | None, missing: MissingCode | None) -> None:
        """Keep the answers read so far up to date with an answer just stored."""
        if self._given is not None:
            self._given[question.instrument.key, question.item.id] = Answer(
                instrument_key=question.instrument.key,
                instrument_version=question.instrument.version,
                item_id=question.item.id,
                scale=flow.scale_for(self.submission, question).key,
                value=value,
                missing_code=missing,
            )

    def save(self, question: Question, choice: str, seq: int) -> bool:
        """Store a choice (a scale code, ``dont_know`` or ``refused``) as an idempotent upsert.

        ``seq`` orders saves on the server's clock (milliseconds): a later one is cut to now,
        so no save can hold its place against the saves after it. Return False when a newer
        save was stored already, so this one changed nothing (the caller says so, never
        "saved").
        """
        flow.check_open(self.submission)
        if not self.is_shown(question):
            raise RespondError(_l("That question is not asked."))
        value, missing = flow.parse_choice(self.submission, question, choice)
        self.submission.resume()
        stored = flow.upsert_answer(
            self.submission, question, value, missing, min(seq, flow.now_seq())
        )
        if stored:
            self._written(question, value, missing)
        else:
            self._given = None  # a newer answer stands: read it when asked
        return stored

    def _mark_not_shown(self, question: Question) -> None:
        flow.upsert_answer(self.submission, question, None, MissingCode.NOT_SHOWN, flow.now_seq())
        self._written(question, None, MissingCode.NOT_SHOWN)

    def advance(self, index: int) -> int | None:
        """Move on from question ``index``: mark the questions branching skips as not shown and
        return the next one asked; at the end a child's submission is completed (None)."""
        for question in self.questions[index + 1 :]:
            if self.is_shown(question):
                return question.index
            self._mark_not_shown(question)
        if self.is_child:
            self.complete()
        return None

    def mark_hidden(self, questions: list[Question]) -> None:
        """Mark the questions (of a staff page) whose ``show_if`` does not hold as not shown."""
        for question in questions:
            if not self.is_shown(question):
                self._mark_not_shown(question)

    def complete(self) -> None:
        """Complete the submission (the round must be open)."""
        flow.check_open(self.submission)
        self.submission.complete()

    def decline(self) -> None:
        """Record that the child said "not today", unless something is answered already."""
        flow.check_open(self.submission)
        if not self.given:
            self.submission.decline()

    def apply_setup(self, setup: Setup) -> None:
        """Store the adult's setup choices on the submission."""
        flow.check_open(self.submission)
        submission = self.submission
        submission.assistance_mode = setup.assistance_mode
        submission.layout = setup.layout
        submission.scale_steps = setup.scale_steps
        submission.text_size = setup.text_size
        submission.language = setup.language
        submission.read_aloud = setup.read_aloud
        submission.read_brief = setup.read_brief
        submission.high_contrast = setup.high_contrast
        submission.switch_scanning = setup.switch_scanning
        submission.scan_aloud = setup.scan_aloud
        submission.reference_period = setup.reference_period or DEFAULT_PERIOD
        submission.whole_period = setup.whole_period

    def request_talk(self) -> TalkRequest:
        """Record that the child wants to talk to an adult (audited, no answer content)."""
        submission = self.submission
        request = TalkRequest(participant=submission.participant, round=submission.round)
        db.session.add(request)
        db.session.flush()
        audit.record(
            "talk_request.create", object_type="participant", object_id=submission.participant_id
        )
        return request

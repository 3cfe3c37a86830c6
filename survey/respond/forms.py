"""Forms of the respondent pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from survey.instruments.periods import DEFAULT_PERIOD, PERIODS
from survey.models import AssistanceMode, Language, Layout, TextSize, WholePeriod
from survey.respond.path import Setup
from survey.web.forms import ActionForm, SurveyForm, choices
from survey.web.labels import enum_choices

__all__ = ["ActionForm", "ChoiceForm", "CodeForm", "SetupForm", "period_choice"]

#: The languages a child can answer in, each named in itself.
AUTONYMS = {
    "da": Markup('<span lang="da">Dansk</span>'),
    "en": Markup('<span lang="en">English</span>'),
}


class CodeForm(SurveyForm):
    """The access code, as typed or prefilled from a code card."""

    code = StringField(
        _l("Your code"), validators=[DataRequired(message=_l("Type your code.")), Length(max=40)]
    )


class SetupForm(SurveyForm):
    """The adult chooses how the child answers and sees the questions."""

    assistance_mode = RadioField(
        _l("How does the child answer?"),
        choices=enum_choices(AssistanceMode),
        validators=[InputRequired(message=_l("Choose how the child answers."))],
    )
    layout = RadioField(
        _l("Layout"),
        choices=enum_choices(Layout),
        validators=[InputRequired()],
    )
    scale_steps = RadioField(
        _l("Number of answer choices"),
        choices=choices(
            [("5", _l("5 choices")), ("3", _l("3 choices")), ("2", _l("2 choices: yes or no"))]
        ),
        validators=[InputRequired()],
    )
    text_size = RadioField(
        _l("Text size"),
        choices=enum_choices(TextSize),
        validators=[InputRequired()],
    )
    language = RadioField(
        _l("Language"),
        # Named in itself and marked so, that a screen reader pronounces each in its language.
        choices=choices(list(AUTONYMS.items())),
        validators=[InputRequired()],
    )
    read_aloud = BooleanField(_l("Read each question aloud"))
    read_brief = BooleanField(
        _l("Read only the question and its answers (not \u201cI don't know\u201d and the like)")
    )
    high_contrast = BooleanField(_l("High contrast"))
    switch_scanning = BooleanField(_l("Switch scanning: the choices light up one after another"))
    scan_aloud = BooleanField(_l("Switch scanning: say each choice aloud as it lights up"))
    #: Only for children of 6-9 (``flow.chooses_period``); removed from the form for the rest.
    reference_period = RadioField(
        _l("Which time should the questions be about?"),
        choices=[],
        default=DEFAULT_PERIOD,
        validators=[InputRequired(message=_l("Choose the time the questions are about."))],
    )
    whole_period = RadioField(
        _l("Has the child lived here for the whole period?"),
        choices=enum_choices(WholePeriod),
        validators=[Optional()],
    )

    def __init__(self, *args: Any, chooses_period: bool, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if chooses_period:
            # The anchors in the words the page is shown in (they are data, not messages).
            self.reference_period.choices = [
                (code, period_choice(code, language)) for code in PERIODS
            ]
        else:
            del self.reference_period

    def setup(self) -> Setup:
        """Return the validated choices as plain values."""
        return Setup(
            assistance_mode=AssistanceMode(self.assistance_mode.data),
            layout=Layout(self.layout.data),
            scale_steps=int(self.scale_steps.data),
            text_size=TextSize(self.text_size.data),
            language=Language(self.language.data),
            read_aloud=self.read_aloud.data,
            read_brief=self.read_brief.data,
            high_contrast=self.high_contrast.data,
            switch_scanning=self.switch_scanning.data,
            scan_aloud=self.scan_aloud.data,
            reference_period=(
                self.reference_period.data if self.reference_period is not None else None
            ),
            whole_period=WholePeriod(self.whole_period.data) if self.whole_period.data else None,
        )


def period_choice(code: str, language: str) -> str:
    """Return a reference period's words as a choice on the setup page ("Siden juleferien")."""
    words = PERIODS[code][language]
    return words[:1].upper() + words[1:]


class ChoiceForm(SurveyForm):
    """One question's answer: a code of the scale, ``dont_know`` or ``refused``."""

    choice = StringField(
        validators=[
            DataRequired(
                message=_l("Choose an answer, or choose \u201cI don't want to answer\u201d.")
            )
        ]
    )

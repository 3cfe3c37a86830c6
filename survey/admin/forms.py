"""Forms of the administration pages; every message is translated."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from survey.models.participant import LABEL_MAX_LENGTH
from survey.passwords import MIN_PASSWORD_LENGTH
from survey.web.forms import MultiCheckboxField, SurveyForm, choices

#: Most participants one bulk registration creates.
MAX_BULK = 200
#: A label must not look like a CPR number or a date of birth.
_IDENTIFIER_LIKE = re.compile(r"\d{6}-?\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{6,}")


class LoginForm(SurveyForm):
    """Sign-in with e-mail address and password."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])


class StudyForm(SurveyForm):
    """A study's name and short name."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name (used on the command line)"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Use lower-case letters, digits and -.")),
        ],
    )


class SiteForm(SurveyForm):
    """A site taking part in a study."""

    name = StringField(_l("Name of the institution"), validators=[DataRequired(), Length(max=200)])
    kind = StringField(_l("Kind (e.g. opholdssted)"), validators=[Optional(), Length(max=80)])
    region = StringField(_l("Municipality or region"), validators=[Optional(), Length(max=80)])


class RoundForm(SurveyForm):
    """A round: name, dates, and the instruments each group answers."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])
    child_instruments = MultiCheckboxField(_l("Children answer"), choices=[])
    staff_instruments = MultiCheckboxField(_l("Staff answer"), choices=[])

    def validate_closes_on(self, field: DateField) -> None:
        """Refuse a round that closes before it opens."""
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The round cannot close before it opens."))


class ParticipantsForm(SurveyForm):
    """Register several participants of one kind at once."""

    group = SelectField(
        _l("Who"),
        choices=choices([("child", _l("Children")), ("staff", _l("Staff"))]),
        validators=[InputRequired()],
    )
    count = IntegerField(
        _l("How many"),
        validators=[
            InputRequired(message=_l("Give how many participants to register.")),
            NumberRange(
                min=1,
                max=MAX_BULK,
                message=_l("Register between 1 and %(max)s at a time.", max=MAX_BULK),
            ),
        ],
    )
    age_band = SelectField(
        _l("Age (children)"),
        choices=choices(
            [
                ("", _l("Not relevant (staff)")),
                ("6-9", _l("6–9 years")),
                ("10-12", _l("10–12 years")),
                ("13-18", _l("13–18 years")),
            ]
        ),
    )
    layout = SelectField(
        _l("Layout"),
        choices=choices(
            [
                ("standard", _l("Standard")),
                ("simple", _l("Simple: large text buttons")),
                ("faces", _l("Faces: pictures")),
            ]
        ),
    )
    language = SelectField(
        _l("Language"), choices=choices([("da", _l("Danish")), ("en", _l("English"))])
    )
    labels = TextAreaField(
        _l("Internal labels, one per line (optional; no names)"),
        validators=[Optional(), Length(max=MAX_BULK * (LABEL_MAX_LENGTH + 2))],
    )

    def validate_age_band(self, field: SelectField) -> None:
        """Children need an age band; staff have none."""
        if self.group.data == "child" and not field.data:
            raise ValidationError(_l("Choose the children's age band."))
        if self.group.data == "staff" and field.data:
            raise ValidationError(_l("Staff have no age band."))

    def label_list(self) -> list[str | None]:
        """Return the labels given, one per participant (empty when none were given)."""
        return [
            line.strip() or None for line in (self.labels.data or "").splitlines() if line.strip()
        ]

    def validate_labels(self, field: TextAreaField) -> None:
        """Check the count, the length and that no label looks like an identifier."""
        labels = self.label_list()
        if not labels:
            return
        if self.count.data is not None and len(labels) != self.count.data:
            raise ValidationError(
                _l(
                    "Give one label per participant: %(labels)s labels for %(count)s participants.",
                    labels=len(labels),
                    count=self.count.data,
                )
            )
        for label in labels:
            if len(label) > LABEL_MAX_LENGTH:
                raise ValidationError(
                    _l("A label can have at most %(max)s characters.", max=LABEL_MAX_LENGTH)
                )
            if _IDENTIFIER_LIKE.search(label):
                raise ValidationError(_l("A label must not contain a CPR number or a date."))


class UserForm(SurveyForm):
    """Create or change a user."""

    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Give a valid e-mail address.")),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=choices(
            [
                ("coordinator", _l("Site coordinator")),
                ("evaluator", _l("Evaluator")),
                ("admin", _l("Administrator")),
            ]
        ),
    )
    site_id = SelectField(_l("Site (coordinators)"), choices=[], validate_choice=False)
    is_active = BooleanField(_l("Can sign in"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=1000)],
    )

    def validate_site_id(self, field: SelectField) -> None:
        """Coordinators need a site."""
        if self.role.data == "coordinator" and not field.data:
            raise ValidationError(_l("Choose the coordinator's site."))

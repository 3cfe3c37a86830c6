"""Forms of the main blueprint."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired

from survey.config import LANGUAGES


class LanguageForm(FlaskForm):
    """The language switcher in the page header (its buttons carry the language)."""

    language = StringField(validators=[InputRequired(), AnyOf(LANGUAGES)])
    next = HiddenField()

"""Forms of the main blueprint."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from survey.config import LANGUAGES


class LanguageForm(FlaskForm):
    """The language switcher in the page header."""

    language = SelectField(choices=[(code, code) for code in LANGUAGES], validators=[InputRequired()])
    next = HiddenField()

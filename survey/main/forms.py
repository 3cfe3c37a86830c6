"""Forms of the main blueprint."""

from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired

from survey.config import LANGUAGES
from survey.web.forms import SurveyForm


class LanguageForm(SurveyForm):
    """The language switcher in the page header (its buttons carry the language)."""

    language = StringField(validators=[InputRequired(), AnyOf(LANGUAGES)])
    next = HiddenField()

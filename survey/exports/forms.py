"""The export form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from survey.exports.service import FORMATS
from survey.web.forms import SurveyForm, choices


class ExportForm(SurveyForm):
    """What to export, and in which format."""

    round_id = SelectField(_l("Round"), validate_choice=True)
    site_id = SelectField(_l("Site"), validate_choice=True)
    group = SelectField(
        _l("Respondents"),
        choices=choices(
            [("", _l("Children and staff")), ("child", _l("Children")), ("staff", _l("Staff"))]
        ),
    )
    instrument = SelectField(_l("Questionnaire"), validate_choice=True)
    export_format = SelectField(
        _l("Format"), choices=choices([(key, chosen.label) for key, chosen in FORMATS.items()])
    )
    language = SelectField(
        _l("Language of labels and codebook"),
        choices=choices([("da", _l("Danish")), ("en", _l("English"))]),
        default="da",
    )
    small_group_ok = BooleanField(
        _l("I know the export covers fewer people than the smallest group we show")
    )

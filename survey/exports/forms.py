"""The export form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from survey.admin.forms import choices
from survey.exports.service import FORMATS
from survey.forms import SurveyForm

FORMAT_LABELS = {
    "csv-long": _l("CSV, one row per answer"),
    "csv-wide": _l("CSV, one row per submission"),
    "csv-rounds": _l("CSV, one row per participant across rounds"),
    "xlsx": _l("Excel (XLSX) with a codebook sheet"),
    "sav": _l("SPSS (.sav) with labels"),
    "dta": _l("Stata (.dta) with labels"),
    "json": _l("JSON"),
    "participation": _l("CSV, one row per registered participant and round (response rates)"),
    "codebook": _l("Codebook (Markdown)"),
    "bundle": _l("Analysis bundle (ZIP: CSV, .sav, .dta, codebook, R script)"),
}


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
    export_format = SelectField(_l("Format"), choices=choices(list(FORMAT_LABELS.items())))
    language = SelectField(
        _l("Language of labels and codebook"),
        choices=choices([("da", _l("Danish")), ("en", _l("English"))]),
        default="da",
    )
    small_group_ok = BooleanField(
        _l("I know the export covers fewer people than the smallest group we show")
    )


assert set(FORMAT_LABELS) == set(FORMATS)

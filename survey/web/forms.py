"""The base of every form: WTForms' and Flask-WTF's own messages in the visitor's language.

WTForms ships no Danish catalogue, and Flask-WTF's i18n only loads WTForms' own. So every form
derives from ``SurveyForm``, whose translations look WTForms' messages up in our catalogue
(``survey/translations``), where their Danish lives like every other string. The messages are
listed below with extraction markers so that ``make messages`` finds them; the list is
WTForms' own catalogue (``wtforms/locale/wtforms.pot``) and Flask-WTF's CSRF reasons.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF  # the CSRF check FlaskForm uses; we translate it
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

__all__ = ["MESSAGES", "PLURAL_MESSAGES", "CatalogueTranslations", "SurveyForm"]


def N_(message: str) -> str:
    """Mark ``message`` for extraction (a default pybabel keyword); it is translated later."""
    return message


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural message for extraction (pybabel's keyword); return it, not translated."""
    return singular, plural


#: WTForms' messages, as its validators and fields pass them to ``gettext``.
WTFORMS_MESSAGES = (
    N_("Invalid field name '%s'."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    N_("Invalid Choice: could not coerce."),
    N_("Choices cannot be None."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
)

#: Flask-WTF's reasons for refusing a form's CSRF token (``flask_wtf.csrf.validate_csrf``).
CSRF_MESSAGES = (
    N_("The CSRF token is missing."),
    N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
)

MESSAGES = WTFORMS_MESSAGES + CSRF_MESSAGES

#: WTForms' messages with a plural (``Length`` and ``SelectMultipleField``).
PLURAL_MESSAGES = (
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ),
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ),
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
)


class CatalogueTranslations:
    """WTForms' translations object, answered from our catalogue in the request's language.

    WTForms formats the message itself (``message % {"min": ...}``), so nothing is formatted
    here: Flask-Babel's own ``gettext``/``ngettext`` would.
    """

    def gettext(self, string: str) -> str:
        """Return ``string`` in the current language (itself where it has no translation)."""
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the form of a plural message for ``n``, in the current language."""
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = CatalogueTranslations()


class TranslatedCSRF(_FlaskFormCSRF):
    """Flask-WTF's CSRF check, with its field label and its refusals translated."""

    def setup_form(self, form: Any) -> list[tuple[str, Any]]:
        """Add the CSRF field with a label in the visitor's language (error summaries show it)."""
        return [
            (name, field.field_class(*field.args, **{**field.kwargs, "label": _l("CSRF Token")}))
            for name, field in super().setup_form(form)
        ]

    def validate_csrf_token(self, form: Any, field: Any) -> None:
        """Refuse a missing or wrong token with Flask-WTF's reason, translated."""
        try:
            super().validate_csrf_token(form, field)
        except ValidationError as error:
            raise ValidationError(field.gettext(str(error.args[0]))) from None


class SurveyForm(FlaskForm):
    """The base of every form in the app: messages from our catalogue, CSRF as Flask-WTF's."""

    class Meta:
        csrf_class = TranslatedCSRF

        def get_translations(self, form: Any) -> CatalogueTranslations:
            """Return the translations WTForms' fields and validators use."""
            return TRANSLATIONS


def choices(pairs: list[tuple[str, object]]) -> list[SelectChoice]:
    """Return select options; labels may be lazy, so they follow the visitor's language."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[arg-type]


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(SurveyForm):
    """A button that changes something (only the CSRF token is needed)."""

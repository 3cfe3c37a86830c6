"""What people read for each value of the program's enums, in one table (Danish through the
catalogue). Templates use it as the ``label`` filter; forms build their choices from it."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice

from survey.enums import AssistanceMode, Group, Layout, Role, RoundStatus, TextSize, WholePeriod
from survey.web.forms import choices

LABELS: dict[enum.Enum, LazyString] = {
    AssistanceMode.ALONE: _l("Alone"),
    AssistanceMode.READING_HELP: _l("With help to read"),
    AssistanceMode.INTERPRETER: _l("With an interpreter"),
    AssistanceMode.ADULT_ANSWERS: _l("The adult answers as the child says"),
    Group.CHILD: _l("Child"),
    Group.STAFF: _l("Staff"),
    Layout.FACES: _l("Faces: pictures"),
    Layout.SIMPLE: _l("Simple: large text buttons"),
    Layout.STANDARD: _l("Standard"),
    Role.ADMIN: _l("Administrator"),
    Role.EVALUATOR: _l("Evaluator"),
    Role.COORDINATOR: _l("Site coordinator"),
    RoundStatus.DRAFT: _l("Draft"),
    RoundStatus.OPEN: _l("Open"),
    RoundStatus.CLOSED: _l("Closed"),
    RoundStatus.RELEASED: _l("Released"),
    TextSize.NORMAL: _l("Normal"),
    TextSize.LARGE: _l("Large"),
    TextSize.EXTRA_LARGE: _l("Extra large"),
    WholePeriod.YES: _l("Yes"),
    WholePeriod.NO: _l("No"),
    WholePeriod.DONT_KNOW: _l("Don't know"),
}


def label(value: enum.Enum) -> str:
    """Return what people read for an enum value, in the request's language."""
    return str(LABELS[value])


def enum_choices(kind: type[enum.Enum]) -> list[SelectChoice]:
    """Return a form's choices for every value of ``kind``, labelled in the visitor's language."""
    return choices([(member.value, LABELS[member]) for member in kind])

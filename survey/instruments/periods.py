"""The reference period of event questions, anchored for the youngest children.

Item texts (and intros) may hold ``{period}``. Children of 6–9 place events poorly in calendar
time (CHILD-QUESTIONNAIRES.md rule 16), so the adult chooses on the setup page a landmark the
child knows ("siden efterårsferien"); everyone else reads "de sidste 4 uger". The chosen
anchor is stored with the submission and exported, so an evaluator knows each child's period.
"""

from __future__ import annotations

import re

#: The placeholder an instrument text may hold.
PLACEHOLDER = "{period}"
#: Anchors the adult can choose: code → the words that replace the placeholder.
PERIODS: dict[str, dict[str, str]] = {
    "weeks4": {"da": "de sidste 4 uger", "en": "in the last 4 weeks"},
    "autumn": {"da": "siden efterårsferien", "en": "since the autumn holiday"},
    "christmas": {"da": "siden juleferien", "en": "since the Christmas holiday"},
    "winter": {"da": "siden vinterferien", "en": "since the winter holiday"},
    "easter": {"da": "siden påskeferien", "en": "since the Easter holiday"},
    "summer": {"da": "siden sommerferien", "en": "since the summer holiday"},
}
#: The period of everyone whose adult chose no anchor (and of all staff and older children).
DEFAULT_PERIOD = "weeks4"
_FIELD = re.compile(r"\{[^{}]*\}")


def fill(text: str, language: str, period: str | None = None) -> str:
    """Return the text with the placeholder replaced by the anchor's words."""
    return text.replace(PLACEHOLDER, PERIODS[period or DEFAULT_PERIOD][language])


def unknown_fields(text: str) -> list[str]:
    """Return the ``{…}`` fields of a text other than the placeholder."""
    return [field for field in _FIELD.findall(text) if field != PLACEHOLDER]

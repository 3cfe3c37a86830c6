"""Every UI string is in the Danish catalogue, translated, and the English one exists."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import survey

PACKAGE = Path(survey.__file__).resolve().parent
ROOT = PACKAGE.parent
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_text": None,
}


def extracted_messages() -> set[str]:
    messages = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, METHOD_MAP, keywords=KEYWORDS
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def catalogue(language: str):
    with (PACKAGE / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def test_every_ui_string_has_a_danish_translation():
    danish = catalogue("da")
    untranslated = [
        message
        for message in extracted_messages()
        if message not in danish
        or not all(
            danish[message].string
            if isinstance(danish[message].string, tuple)
            else [danish[message].string]
        )
        or danish[message].fuzzy
    ]
    assert untranslated == []


def singular(message_id) -> str:
    """A message's id; for a plural message, its singular."""
    return message_id if isinstance(message_id, str) else message_id[0]


def test_english_catalogue_covers_every_ui_string():
    english = catalogue("en")
    assert extracted_messages() <= {singular(message.id) for message in english if message.id}


def test_extraction_finds_the_templates():
    assert "Skip to content" in extracted_messages()

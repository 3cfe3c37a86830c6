"""Finding English in Danish pages and PDFs: the catalogue's messages, the instruments' texts.

A text counts when its English differs from its Danish. A string is compared whole with each
chunk of a page (an element's text, a text node, an attribute that is shown or spoken), after
whitespace is normalised; a long one (three words or more) is also looked for inside all of
the text, so a message glued to a label ("Navn: …") is found too. Text marked with another
language (``lang="en"``, as the language switch's "English") is left out: it is meant so.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import lxml.html
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Flask
from lxml import etree

from survey.instruments import get_registry
from tests.conftest import missing

#: Messages shorter than this (without their placeholders) are left out: "PDF", "Nr.".
MIN_LENGTH = 4
#: Messages of at least this many words are also looked for inside longer text.
SEARCH_WORDS = 3
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
#: Attributes whose text is shown or spoken: by the browser, a screen reader or our scripts.
SPOKEN_ATTRIBUTES = ("aria-label", "aria-description", "title", "alt", "placeholder")


def normalise(text: str) -> str:
    """Return ``text`` with every run of whitespace made one space, and no space at the ends."""
    return " ".join(text.split())


# The catalogue and the instruments ------------------------------------------------------------


def danish_catalogue(app: Flask) -> Catalog:
    """Return the Danish catalogue the app translates with (survey/translations by default)."""
    folder = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])
    with (folder / "da" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale="da")


def _forms(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]


def instrument_texts() -> Iterator[tuple[str, str]]:
    """Yield (English, Danish) of every text of every instrument: titles, questions, answers."""

    def walk(value: object, name: str = "") -> Iterator[tuple[str, str]]:
        if name == "audio":
            return  # file names, not text
        if isinstance(value, dict):
            if set(value) == {"da", "en"} and all(isinstance(v, str) for v in value.values()):
                yield value["en"], value["da"]
            else:
                for inner in value.values():
                    yield from walk(inner)
        elif dataclasses.is_dataclass(value):
            for item in dataclasses.fields(value):
                yield from walk(getattr(value, item.name), item.name)
        elif isinstance(value, (list, tuple)):
            for inner in value:
                yield from walk(inner)

    for instrument in get_registry():
        yield from walk(instrument)


class EnglishFinder:
    """Finds English that has a different Danish: the catalogue's, and the instruments' texts."""

    def __init__(self, catalogue: Catalog, texts: Iterable[tuple[str, str]] = ()) -> None:
        #: Messages without placeholders, compared whole with each chunk.
        self.literal: set[str] = set()
        #: Messages with placeholders, by the name of their alternative in ``self.whole``.
        self.shaped: dict[str, str] = {}
        #: Long messages, looked for inside all of the text.
        self.inside: list[tuple[str, re.Pattern[str]]] = []
        for message in catalogue:
            if not message.id or message.fuzzy:
                continue
            danish = {normalise(text) for text in _forms(message.string) if text}
            if not danish:
                continue  # untranslated: the unit test of the catalogue reports it
            for english in _forms(message.id):
                self._add(normalise(english), danish, placeholders=True)
        for english, danish_text in texts:
            self._add(normalise(english), {normalise(danish_text)}, placeholders=False)
        alternatives = [f"(?P<{name}>{_pattern(text)})" for name, text in self.shaped.items()]
        self.whole = re.compile("|".join(alternatives) or "(?!)")

    def _add(self, english: str, danish: set[str], placeholders: bool) -> None:
        if english in danish or len(PLACEHOLDER.sub("", english).strip()) < MIN_LENGTH:
            return
        shaped = placeholders and PLACEHOLDER.search(english) is not None
        if shaped:
            self.shaped[f"m{len(self.shaped)}"] = english
        else:
            self.literal.add(english)
        if len(english.split()) >= SEARCH_WORDS:
            body = _pattern(english) if shaped else re.escape(english)
            # Word boundaries: "Staff answer" is not inside "Staff answers".
            self.inside.append((english, re.compile(rf"(?<!\w){body}(?!\w)")))

    def find(self, chunks: set[str], text: str) -> set[str]:
        """Return the English messages among ``chunks`` (whole) or inside ``text``."""
        found = chunks & self.literal
        for chunk in chunks:
            match = self.whole.fullmatch(chunk)
            if match is not None and match.lastgroup is not None:
                found.add(self.shaped[match.lastgroup])
        found |= {english for english, pattern in self.inside if pattern.search(text)}
        return found


def _pattern(english: str) -> str:
    """Return a regular expression for a message; a placeholder stands for any short text."""
    pieces = PLACEHOLDER.split(english)[::2]  # split() also returns each name (or None)
    return ".{1,200}?".join(re.escape(piece.replace("%%", "%")) for piece in pieces)


# Visible text --------------------------------------------------------------------------------


def html_text(html: str) -> tuple[set[str], str]:
    """Return a page's text chunks (each element's, each text node, spoken attributes) and all
    its text; scripts, styles and parts marked with another language than Danish left out."""
    root = lxml.html.fromstring(html)
    etree.strip_elements(root, "script", "style", "template", etree.Comment, with_tail=False)
    for foreign in root.xpath("//*[@lang and not(starts-with(@lang, 'da'))]"):
        if foreign is not root:
            foreign.drop_tree()  # keeps the text after it, which is the parent's
    chunks: set[str] = set()
    for element in root.iter():
        chunks.add(normalise(element.text_content()))
        for piece in (element.text, element.tail):
            if piece:
                chunks.add(normalise(piece))
        for name, value in element.attrib.items():
            if name in SPOKEN_ATTRIBUTES or name.startswith("data-"):
                chunks.add(normalise(value))
        if element.tag == "input" and element.get("type") in ("submit", "button", "reset"):
            chunks.add(normalise(element.get("value", "")))
    chunks.discard("")
    return chunks, normalise(" ".join(root.itertext()))


def pdf_text(content: bytes, folder: Path, name: str) -> tuple[set[str], str]:
    """Return a PDF's lines and metadata as chunks, and all its text (pdftotext, pdfinfo)."""
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        missing("pdftotext and pdfinfo (Debian's poppler-utils)")
    path = folder / f"{name}.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    info = subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True, text=True
    ).stdout
    chunks = {normalise(line) for line in text.splitlines()}
    for line in info.splitlines():
        field, _colon, value = line.partition(":")
        if field in ("Title", "Subject", "Keywords", "Author"):
            chunks.add(normalise(value))
    chunks.discard("")
    return chunks, normalise(text)

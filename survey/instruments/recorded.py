"""Recorded speech of an instrument folder: which texts are read aloud, and where their files are.

Everything the question page reads aloud has a recording once ``survey instruments audio`` has
run: each item's wording (per age band; a 6–9 wording holding ``{period}`` once per period
of ``periods.PERIODS``, as the page fills it in, other bands' with "de sidste 4 uger"), each
answer label of every scale the item is shown with, and the two missing choices.
``audio/manifest.json`` maps language → exact text → file name in ``audio/``. Keyed by the
exact text, a changed wording simply has no recording until the command runs again (the
page then falls back to the device's voice), and a human recording replaces a synthetic one
by naming its own file in the text's entry.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from survey.config import Config
from survey.enums import AgeBand, Group
from survey.instruments.model import LANGUAGES, Instrument
from survey.instruments.periods import PERIODS, PLACEHOLDER, fill
from survey.instruments.problems import Problem

#: The folder, next to the instrument files, that holds the recordings and their manifest.
AUDIO_FOLDER = "audio"
MANIFEST = "manifest.json"
#: The question page's missing choices (respond/_question.html): read aloud like answer labels.
SPOKEN_MESSAGES = ("I don't know", "I don't want to answer")
#: Files the command names itself: language, a hash of the exact text, ".mp3". Only these are
#: ever overwritten (``--force``) or deleted; a human recording gets a name of its own.
GENERATED_NAME = re.compile(rf"(?:{'|'.join(LANGUAGES)})-[0-9a-f]{{12}}\.mp3")
#: What a manifest entry may name: a plain file in ``audio/`` (no folder, no hidden file).
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")

Recordings = dict[str, dict[str, str]]


def recording_name(language: str, text: str) -> str:
    """Return the file name the command gives the recording of ``text``: new text, new name."""
    digest = hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()[:12]
    return f"{language}-{digest}.mp3"


def is_generated(name: str) -> bool:
    """Tell whether a file name is one the command gives (not a human recording's own name)."""
    return GENERATED_NAME.fullmatch(name) is not None


def manifest_path(folder: Path) -> Path:
    """Return the path of a folder's manifest of recordings."""
    return folder / AUDIO_FOLDER / MANIFEST


@lru_cache(maxsize=len(LANGUAGES))
def message_texts(language: str) -> tuple[str, ...]:
    """Return the missing choices as the page shows them in ``language`` (the catalogue's text)."""
    catalogue = Path(Config.BABEL_TRANSLATION_DIRECTORIES) / language / "LC_MESSAGES"
    try:
        with (catalogue / "messages.po").open("rb") as stream:
            messages = read_po(stream, locale=language)
    except OSError:
        return SPOKEN_MESSAGES
    texts = []
    for msgid in SPOKEN_MESSAGES:
        message = messages.get(msgid)
        # Like the compiled catalogue: an empty or fuzzy translation shows the msgid.
        if message is not None and message.string and not message.fuzzy:
            texts.append(str(message.string))
        else:
            texts.append(msgid)
    return tuple(texts)


def spoken_texts(
    instruments: Iterable[Instrument], languages: Iterable[str] = LANGUAGES
) -> dict[str, set[str]]:
    """Return, per language, every text the question pages of these instruments read aloud."""
    languages = tuple(languages)
    texts: dict[str, set[str]] = {language: set(message_texts(language)) for language in languages}
    for instrument in instruments:
        for item in instrument.items:
            bands = item.age_bands if instrument.respondent is Group.CHILD else (None,)
            points = [
                point
                for key in instrument.scale_keys_for(item)
                for point in instrument.scales[key].points
            ]
            for language in languages:
                for band in bands:
                    text = item.text_for(language, band)
                    texts[language].update(
                        filled_texts(text, language, all_periods=band is AgeBand.AGE_6_9)
                    )
                texts[language].update(point.label[language] for point in points)
    return texts


def filled_texts(text: str, language: str, all_periods: bool = True) -> set[str]:
    """Return the texts a wording is shown as: one per period if it holds ``{period}`` and
    is asked of 6–9 (whose adult picks a period), else the default period's."""
    if PLACEHOLDER not in text:
        return {text}
    return {fill(text, language, period) for period in (PERIODS if all_periods else [None])}


def read_manifest(folder: Path) -> tuple[Recordings | None, list[Problem]]:
    """Return a folder's recordings whose files exist, and problems; None if it is unreadable."""
    path = manifest_path(folder)
    if not path.exists():
        return {}, []
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return None, [Problem(str(path), None, f"cannot be read: {error}")]
    shape = "must map a language to a mapping of exact text to file name"
    if not isinstance(raw, dict) or not all(
        isinstance(by_text, dict)
        and all(isinstance(text, str) and isinstance(name, str) for text, name in by_text.items())
        for by_text in raw.values()
    ):
        return None, [Problem(str(path), None, shape)]
    recordings: Recordings = {}
    problems = []
    for language, by_text in raw.items():
        if language not in LANGUAGES:
            problems.append(Problem(str(path), None, f"unknown language {language!r}"))
            continue
        recordings[language] = {}
        for text, name in by_text.items():
            where = f"{language} {text!r}"
            if FILE_NAME.fullmatch(name) is None or name == MANIFEST:
                problems.append(
                    Problem(str(path), where, f"give a plain file name in {AUDIO_FOLDER}/")
                )
            elif not (path.parent / name).is_file():
                # Not fatal: the page reads the text with the device's voice instead.
                message = f"file {AUDIO_FOLDER}/{name} not found"
                problems.append(Problem(str(path), where, message, severity="warning"))
            else:
                recordings[language][text] = name
    return recordings, problems


def write_manifest(folder: Path, recordings: Recordings) -> None:
    """Write a folder's manifest, sorted, one entry a line, unless it already says the same."""
    ordered = {
        language: dict(sorted(recordings[language].items()))
        for language in LANGUAGES
        if recordings.get(language)
    }
    path = manifest_path(folder)
    text = json.dumps(ordered, ensure_ascii=False, indent=2) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    if not path.exists() and not ordered:
        return
    path.parent.mkdir(exist_ok=True)
    partial = path.with_name(f".{MANIFEST}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def unrecorded(folder: Path, instruments: list[Instrument]) -> list[Problem]:
    """Warn, per language a folder records, about spoken texts that have no recording."""
    recordings: Recordings = instruments[0].recordings if instruments else {}
    languages = [language for language in LANGUAGES if recordings.get(language)]
    problems = []
    for language, texts in spoken_texts(instruments, languages).items():
        missing = sorted(texts - recordings[language].keys())
        if missing:
            problems.append(
                Problem(
                    str(manifest_path(folder)),
                    None,
                    f"{len(missing)} {language} texts have no recording (first: {missing[0]!r});"
                    " run 'survey instruments audio'",
                    severity="warning",
                )
            )
    return problems

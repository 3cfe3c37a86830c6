"""LIX readability (Björnsson): words per sentence plus the percentage of long words."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|\d+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:]+")
#: A word is long when it has more than this many letters.
LONG_WORD = 6


def words(text: str) -> list[str]:
    """Return the words of a text (numbers count as words)."""
    return _WORD.findall(text)


def long_words(text: str) -> list[str]:
    """Return the words of more than six letters."""
    return [word for word in words(text) if len(word) > LONG_WORD]


def sentence_count(text: str) -> int:
    """Count sentences: pieces ending in . ! ? or :, and a last piece without an ending."""
    pieces = [piece for piece in _SENTENCE_END.split(text) if words(piece)]
    return max(len(pieces), 1) if words(text) else 0


def lix(texts: Iterable[str]) -> float:
    """Return the LIX of several texts read as one (each text holds at least one sentence)."""
    texts = list(texts)
    word_total = sum(len(words(text)) for text in texts)
    if word_total == 0:
        return 0.0
    sentences = sum(sentence_count(text) for text in texts)
    long_total = sum(len(long_words(text)) for text in texts)
    return word_total / sentences + 100 * long_total / word_total

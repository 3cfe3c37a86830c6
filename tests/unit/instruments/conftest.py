"""Minimal valid instrument files to break one rule at a time."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from survey.instruments.loader import load_registry
from survey.instruments.problems import Problem

CHILD = {
    "key": "test_child",
    "version": 1,
    "respondent": "child",
    "prefix": "tc",
    "title": {"da": "Test", "en": "Test"},
    "intro": {"da": "Et par spørgsmål.", "en": "A few questions."},
    "items": [
        {"id": "tc_01", "ladder": "amount", "text": {"da": "Er du glad?", "en": "Are you happy?"}},
        {
            "id": "tc_02",
            "ladder": "frequency",
            "text": {"da": "Sover du godt?", "en": "Do you sleep well?"},
        },
    ],
    "scores": [
        {
            "id": "mood",
            "label": {"da": "Humør", "en": "Mood"},
            "method": "mean",
            "higher_is": "better",
            "items": ["tc_01", "tc_02"],
        }
    ],
}

STAFF = {
    "key": "test_staff",
    "version": 1,
    "respondent": "staff",
    "prefix": "ts",
    "title": {"da": "Test", "en": "Test"},
    "intro": {"da": "Et par udsagn.", "en": "A few statements."},
    "scales": {
        "place3": {
            "ordinal": False,
            "points": [
                {"code": 1, "label": {"da": "Inde", "en": "Inside"}},
                {"code": 2, "label": {"da": "Ude", "en": "Outside"}},
                {"code": 3, "label": {"da": "Andet", "en": "Other"}},
            ],
        }
    },
    "items": [
        {"id": "ts_01", "scale": "agree5", "text": {"da": "Jeg er tryg.", "en": "I feel safe."}},
        {
            "id": "ts_02",
            "scale": "count5",
            "text": {"da": "Antal gange.", "en": "Number of times."},
        },
        {"id": "ts_03", "scale": "place3", "text": {"da": "Hvor?", "en": "Where?"}},
    ],
    "scores": [
        {
            "id": "safe",
            "label": {"da": "Tryghed", "en": "Safety"},
            "method": "mean",
            "higher_is": "better",
            "items": ["ts_01"],
        }
    ],
}


@pytest.fixture
def child_data() -> dict:
    """Return a fresh copy of a minimal valid child instrument."""
    return copy.deepcopy(CHILD)


@pytest.fixture
def staff_data() -> dict:
    """Return a fresh copy of a minimal valid staff instrument."""
    return copy.deepcopy(STAFF)


@pytest.fixture
def write_instrument(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that writes instrument data (or raw text) into a test folder."""

    def write(data: dict | str, name: str | None = None) -> Path:
        if isinstance(data, dict):
            name = name or f"{data['key']}.v{data['version']}.yaml"
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        else:
            text = data
        path = tmp_path / (name or "broken.v1.yaml")
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def problems_of(tmp_path: Path) -> Callable[[], list[Problem]]:
    """Return a function that loads the test folder and returns every problem found."""

    def load() -> list[Problem]:
        _registry, problems = load_registry([tmp_path])
        return problems

    return load

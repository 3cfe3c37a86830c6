"""Questionnaires as data: YAML instrument files, their loader, registry and scoring."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from survey.config import ConfigError
from survey.instruments.loader import BUILTIN_FOLDER, Registry, load_registry
from survey.instruments.problems import InstrumentError

__all__ = ["BUILTIN_FOLDER", "Registry", "get_registry", "init_app", "instrument_folders"]


def instrument_folders(extra: str | None) -> list[Path]:
    """Return the built-in folder and, if configured, the deployment's own folder."""
    return [BUILTIN_FOLDER, *([Path(extra)] if extra else [])]


@lru_cache(maxsize=8)
def _load(folders: tuple[Path, ...], stamp: tuple[float, ...]) -> Registry:
    # ``stamp`` (the folders' file times) is part of the cache key, so edits are picked up.
    registry, problems = load_registry(folders)
    if any(problem.is_error for problem in problems):
        raise InstrumentError(problems)
    return registry


def _stamp(folders: tuple[Path, ...]) -> tuple[float, ...]:
    return tuple(
        path.stat().st_mtime
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.iterdir())
    )


def init_app(app: Flask) -> None:
    """Load every instrument once at start-up; refuse to start, in one line, if one is invalid."""
    folders = tuple(instrument_folders(app.config.get("INSTRUMENTS_PATH")))
    try:
        app.extensions["instruments"] = _load(folders, _stamp(folders))
    except InstrumentError as error:
        raise ConfigError(str(error)) from None


def get_registry() -> Registry:
    """Return the registry of the running app."""
    return current_app.extensions["instruments"]

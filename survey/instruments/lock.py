"""The wording lock: a released version's texts and scales never change; items never disappear."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from survey.instruments.model import Instrument
from survey.instruments.problems import Problem

#: The file, next to the instruments, that fixes the wording of every released version.
WORDING_LOCK = "wording.lock.json"


def wording_fingerprints(instrument: Instrument) -> dict[str, str]:
    """Return a hash per item of everything a respondent reads: texts, scale, ladder."""
    fingerprints = {}
    for item in instrument.items:
        content = {
            "text": item.text,
            "text_by_age": {band.value: text for band, text in item.text_by_age.items()},
            "scales": [
                [point.label for point in instrument.scales[key].points]
                for key in instrument.scale_keys_for(item)
            ],
        }
        encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
        fingerprints[item.id] = hashlib.sha256(encoded).hexdigest()[:16]
    return fingerprints


def read_wording_lock(folder: Path) -> dict[str, dict[str, str]]:
    """Return the folder's wording lock: ``key@version`` → item id → fingerprint."""
    path = folder / WORDING_LOCK
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def check_wording_lock(folder: Path, instruments: list[Instrument]) -> list[Problem]:
    """Return problems where a locked version changed its wording or lost an item or a file."""
    try:
        lock = read_wording_lock(folder)
    except (ValueError, OSError) as error:
        return [Problem(str(folder / WORDING_LOCK), None, f"cannot be read: {error}")]
    problems = []
    loaded = {instrument.ref: instrument for instrument in instruments}
    for ref, locked in sorted(lock.items()):
        instrument = loaded.get(ref)
        if instrument is None:
            problems.append(
                Problem(
                    str(folder / WORDING_LOCK),
                    None,
                    f"{ref} is locked but its file is missing or invalid; items never disappear",
                )
            )
            continue
        current = wording_fingerprints(instrument)
        for item_id, fingerprint in locked.items():
            if item_id not in current:
                problems.append(
                    Problem(
                        str(instrument.path),
                        item_id,
                        f"item removed from locked {ref}; items never disappear",
                    )
                )
            elif current[item_id] != fingerprint:
                problems.append(
                    Problem(
                        str(instrument.path),
                        item_id,
                        f"wording changed in locked {ref}; give the change a new version",
                    )
                )
        for item_id in sorted(set(current) - set(locked)):
            problems.append(
                Problem(
                    str(instrument.path),
                    item_id,
                    f"item added to locked {ref}; give the change a new version",
                )
            )
    return problems


def lock_wording(folder: Path, instruments: list[Instrument]) -> list[str]:
    """Add every not yet locked version of the folder to its wording lock; return their refs."""
    lock = read_wording_lock(folder)
    added = []
    for instrument in instruments:
        if instrument.ref not in lock and instrument.path and instrument.path.parent == folder:
            lock[instrument.ref] = wording_fingerprints(instrument)
            added.append(instrument.ref)
    if added:
        text = json.dumps(dict(sorted(lock.items())), indent=2, sort_keys=True, ensure_ascii=False)
        (folder / WORDING_LOCK).write_text(text + "\n", encoding="utf-8")
    return added

"""Loaded only by ``make mutation`` (``[tool.mutmut] pytest_add_cli_args``).

- Processes the tests start (``survey`` on the command line) run the mutated code too; while
  mutmut collects statistics they cannot report to it, so ``mutmut_site/sitecustomize.py``
  lets them run the original code then.
- A cached function (``writers._cell``) would answer a test from a value cached by an
  earlier one, so the mutant under it would never run: each test starts with empty caches.
- Under a mutant the tests run quickest first (by the durations mutmut measured), so a
  mutant that one quick test kills costs that test's time, not the slow ones' before it.
"""

import functools
import json
import os
from pathlib import Path

_SITE = str(Path(__file__).resolve().parent / "mutmut_site")
os.environ["PYTHONPATH"] = os.pathsep.join(
    part for part in (_SITE, os.environ.get("PYTHONPATH", "")) if part
)
#: Not a mutant: mutmut's statistics run, its check that a failing mutant fails, or no run.
_NO_MUTANT = {"", "stats", "fail"}


@functools.cache
def _durations() -> dict[str, float]:
    stats = Path("mutmut-stats.json")  # the tests run in mutants/, beside it
    if not stats.exists():
        return {}
    return json.loads(stats.read_text(encoding="utf-8"))["duration_by_test"]


def pytest_collection_modifyitems(items):
    """Under a mutant, run the quickest tests first."""
    if os.environ.get("MUTANT_UNDER_TEST", "") not in _NO_MUTANT:
        durations = _durations()
        items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


def pytest_runtest_setup(item):
    """Start every test with the export cell cache empty."""
    from survey.exports import writers

    writers._cell.cache_clear()

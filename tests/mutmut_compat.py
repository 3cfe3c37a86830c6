"""Loaded only by ``make mutation`` (``[tool.mutmut] pytest_add_cli_args``).

- Processes the tests start (``survey`` on the command line) run the mutated code too; while
  mutmut collects statistics they cannot report to it, so ``mutmut_site/sitecustomize.py``
  lets them run the original code then.
- A cached function (``writers._cell``) would answer a test from a value cached by an
  earlier one, so the mutant under it would never run: each test starts with empty caches.
"""

import os
from pathlib import Path

_SITE = str(Path(__file__).resolve().parent / "mutmut_site")
os.environ["PYTHONPATH"] = os.pathsep.join(
    part for part in (_SITE, os.environ.get("PYTHONPATH", "")) if part
)


def pytest_runtest_setup(item):
    """Start every test with the export cell cache empty."""
    from survey.exports import writers

    writers._cell.cache_clear()

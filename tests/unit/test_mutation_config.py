"""`make mutation` mutates exactly the critical modules of issue #16 and copies the rest."""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The modules whose every line must be checked by a test (issue #16), written out here.
CRITICAL = {
    "survey/accounts.py",
    "survey/pseudonyms.py",
    "survey/admin/access.py",
    "survey/exports/dataset.py",
    "survey/exports/writers.py",
    "survey/instruments/scoring.py",
    "survey/reports/build.py",
    "survey/reports/disclosure.py",
    "survey/reports/stats.py",
    "survey/respond/flow.py",
    "survey/respond/state.py",
    "survey/respond/views.py",
}


def test_mutation_covers_the_critical_modules_and_nothing_else():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    assert config["paths_to_mutate"] == ["survey/"]
    modules = {str(path.relative_to(ROOT)) for path in (ROOT / "survey").rglob("*.py")}
    skipped = {
        module
        for module in modules
        if any(fnmatch.fnmatch(module, pattern) for pattern in config["do_not_mutate"])
    }
    assert modules - skipped == CRITICAL  # a new module is listed on purpose, one way or other

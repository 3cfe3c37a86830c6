"""`make mutation` mutates exactly the critical modules of issue #16 and copies the rest."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The modules whose every line must be checked by a test (issue #16), written out here; the
#: access rules moved to the shared web layer and the path's rules to ``respond/path.py`` (#17).
CRITICAL = {
    "survey/accounts.py",
    "survey/pseudonyms.py",
    "survey/web/access.py",
    "survey/exports/dataset.py",
    "survey/exports/writers.py",
    "survey/instruments/scoring.py",
    "survey/reports/build.py",
    "survey/reports/disclosure.py",
    "survey/reports/stats.py",
    "survey/respond/flow.py",
    "survey/respond/path.py",
    "survey/respond/state.py",
    "survey/respond/views.py",
}


def test_mutation_covers_the_critical_modules_and_nothing_else():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    assert config["source_paths"] == ["survey/"]
    assert set(config["only_mutate"]) == CRITICAL
    assert all((ROOT / module).is_file() for module in CRITICAL)  # renamed modules are listed anew

"""Put the bugs issue #16 found unnoticed back into the code, one at a time, and run the tests.

Each bug is one textual change to one line or block of a module (written out below, as a
reviewer would make it). For each, a copy of the project gets the change and runs the unit and
integration tests (SQLite, fixed order, stopping at the first failure); a bug is caught when
they fail. Prints a Markdown table; exit 1 when any bug goes unnoticed.

    .venv/bin/python bench/hand_bugs.py [--only N …] > bench/results/hand-bugs.md
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Not copied: the environment, history and what runs leave behind.
SKIPPED = {
    ".venv",
    ".git",
    "mutants",
    "instance",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
    ".import_linter_cache",
}


@dataclass(frozen=True)
class Bug:
    """A change that makes the program wrong: replace ``old`` (found once) with ``new``."""

    what: str
    module: str
    old: str
    new: str


BUGS = (
    Bug(
        "the answer upsert loses its `seq <= excluded.seq` guard (a late retry wins)",
        "survey/respond/flow.py",
        "        where=Answer.seq <= statement.excluded.seq,\n",
        "",
    ),
    Bug(
        "the child's background save no longer checks the CSRF token",
        "survey/respond/views.py",
        '    if current_app.config.get("WTF_CSRF_ENABLED", True):\n        try:',
        "    if False:\n        try:",
    ),
    Bug(
        "the child's question form no longer checks the CSRF token",
        "survey/respond/views.py",
        # The views check the token through their forms (the blueprint is exempt from the
        # global check), so the bug is a form built without it.
        "    form = ChoiceForm()\n    chosen = form.choice.data",
        '    form = ChoiceForm(meta={"csrf": False})\n    chosen = form.choice.data',
    ),
    Bug(
        "a previous-round figure is shown for any group of 2 or more",
        "survey/reports/build.py",
        "    previous_estimate = shown((SITE, site.id, earlier_round.id), earlier) if earlier_round else None",
        "    previous_estimate = (\n        estimator(score)(earlier, (low, high)) if len(earlier) >= 2 else None\n    )",
    ),
    Bug(
        "exports escape only `=` at the start of a text",
        "survey/exports/writers.py",
        'FORMULA_START = ("=", "+", "-", "@", "\\t", "\\r", "\\0")',
        'FORMULA_START = ("=",)',
    ),
    Bug(
        "the long export gains an identifying column at its end",
        "survey/exports/dataset.py",
        "LONG_COLUMNS = (*SUBMISSION_COLUMNS, *ANSWER_COLUMNS)",
        'LONG_COLUMNS = (*SUBMISSION_COLUMNS, *ANSWER_COLUMNS, "participant_id")',
    ),
    Bug(
        "the .sav marks only -3 as user-missing",
        "survey/exports/writers.py",
        "            missing_ranges={name: MISSING_NUMBERS for name in labels},",
        "            missing_ranges={name: [-3] for name in labels},",
    ),
    Bug(
        "a respondent's request no longer refreshes the idle timer",
        "survey/respond/state.py",
        '    data["seen"] = time.time()\n',
        "",
    ),
    Bug(
        "the idle limit is read as minutes",
        "survey/respond/state.py",
        'current_app.config["IDLE_PAUSE_SECONDS"]',
        'current_app.config["IDLE_PAUSE_SECONDS"] * 60',
    ),
    Bug(
        "a deactivated participant keeps a live session",
        "survey/respond/state.py",
        "    if idle or not submission.participant.is_active:",
        "    if idle:",
    ),
    Bug(
        "an answer to a question hidden by branching is accepted",
        "survey/respond/path.py",
        "        if not self.is_shown(question):\n"
        '            raise RespondError(_l("That question is not asked."))\n',
        "",
    ),
    Bug(
        '"Ved ikke" is stored as "Vil ikke svare"',
        "survey/respond/flow.py",
        "            return None, missing\n",
        "            return None, MissingCode.REFUSED\n",
    ),
    Bug(
        "a prorated sum is not prorated",
        "survey/instruments/scoring.py",
        "        return mean * len(score.items) * score.times",
        "        return sum(values) * score.times",
    ),
    Bug(
        "the minimum answered share is counted over items not shown",
        "survey/instruments/scoring.py",
        "    if not eligible or len(values) / len(eligible) < score.min_answered:",
        "    if not eligible or len(values) / len(score.items) < score.min_answered:",
    ),
    Bug(
        "refused requests are no longer logged",
        "survey/main/refusals.py",
        "    if not (status in (403, 429) or (status == 404 and protected)):",
        "    if True:",
    ),
    Bug(
        "the hourly limit on code entry is removed",
        "survey/throttle.py",
        'CODE_FAILURES_PER_CLIENT = "10 per minute;30 per hour"',
        'CODE_FAILURES_PER_CLIENT = "10 per minute"',
    ),
)


def _first(module: str) -> list[str]:
    """Return the test folders of the bug's own feature, run before the rest (each test still
    runs once): a caught bug is then found in seconds, not after the whole suite."""
    feature = Path(module).parent.name
    return [
        str(folder)
        for folder in (Path("tests/unit") / feature, Path("tests/integration") / feature)
        if (ROOT / folder).is_dir()
    ]


def run(bug: Bug) -> tuple[bool, float, str]:
    """Return (caught, seconds, first failing test) for one bug, in a fresh copy."""
    with tempfile.TemporaryDirectory(prefix="hand-bug-") as folder:
        copy = Path(folder)
        for source in ROOT.iterdir():
            if source.name in SKIPPED:
                continue
            if source.is_dir():
                shutil.copytree(
                    source, copy / source.name, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy2(source, copy / source.name)
        module = copy / bug.module
        text = module.read_text(encoding="utf-8")
        if text.count(bug.old) != 1:
            raise SystemExit(f"{bug.module}: the line of {bug.what!r} is not there once")
        module.write_text(text.replace(bug.old, bug.new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(copy)}
        imported = subprocess.run(
            [sys.executable, "-c", "import survey; print(survey.__file__)"],
            cwd=copy, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        if not Path(imported).is_relative_to(copy):
            raise SystemExit(f"the tests would import {imported}, not the copy with the bug")
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-p",
                "no:randomly",
                "-p",
                "no:cacheprovider",
                *_first(bug.module),
                "tests/unit",
                "tests/integration",
                "--ignore=tests/unit/test_translations.py",
            ],
            cwd=copy,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        seconds = time.monotonic() - started
        # Caught means a test failed; an error before any test ran would prove nothing.
        failed = [
            line for line in result.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))
        ]
        first = failed[0].split(" ", 1)[1].split(" - ")[0] if failed else ""
        return bool(failed), seconds, first


def main() -> int:
    """Run every bug (or those named by number) and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", type=int, nargs="*", help="numbers of the bugs to run")
    chosen = parser.parse_args().only or range(1, len(BUGS) + 1)
    print("| # | bug | caught | by | seconds |")
    print("|---|---|---|---|---|")
    missed = 0
    for number in chosen:
        bug = BUGS[number - 1]
        caught, seconds, test = run(bug)
        missed += not caught
        verdict = "yes" if caught else "**no**"
        print(f"| {number} | {bug.what} | {verdict} | `{test}` | {seconds:.0f} |", flush=True)
    print(f"\n{len(chosen) - missed} of {len(chosen)} caught.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

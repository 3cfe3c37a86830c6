"""Print the totals of the last `make mutation` run per module, as Markdown.

Reads mutmut's result files (``mutants/**/*.py.meta``): per mutant its exit code, which mutmut
maps to killed, survived, timeout, no tests and so on. Killed share = killed / (all checked);
detected share = (killed + timeout) / (all checked): a timeout is a mutant whose tests ran past
the limit, a loop that no longer ends. Worker minutes: how long the module's mutants ran their
tests, added up over mutmut's workers (the run's wall time is about that over the number of
workers, plus mutmut's statistics at the start).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.__main__ import status_by_exit_code

MUTANTS = Path("mutants")


def totals(folder: Path = MUTANTS) -> dict[str, Counter]:
    """Return {module path: Counter of mutant statuses, and "seconds" of test time}."""
    found = {}
    for meta in sorted(folder.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        module = str(meta.relative_to(folder)).removesuffix(".meta")
        counts = Counter(status_by_exit_code[code] for code in data["exit_code_by_key"].values())
        counts["seconds"] = round(sum(data.get("durations_by_key", {}).values()))
        found[module] = counts
    return found


def main() -> int:
    """Print one row per module, the total, and the survivors' names."""
    rows = totals()
    if not rows:
        print("No results: run `make mutation` first.", file=sys.stderr)
        return 1
    print(
        "| module | mutants | killed | survived | timeout | no tests | not checked "
        "| killed % | detected % | worker minutes |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    overall: Counter = Counter()
    for module, counts in rows.items():
        overall += counts
        print(_row(module, counts))
    print(_row("**all**", overall))
    return 0


def _row(name: str, counts: Counter) -> str:
    mutants = sum(n for status, n in counts.items() if status != "seconds")
    checked = mutants - counts["not checked"]
    killed = f"{100 * counts['killed'] / checked:.1f}" if checked else "–"
    detected = f"{100 * (counts['killed'] + counts['timeout']) / checked:.1f}" if checked else "–"
    return (
        f"| {name} | {mutants} | {counts['killed']} | {counts['survived']} | "
        f"{counts['timeout']} | {counts['no tests']} | {counts['not checked']} | {killed} "
        f"| {detected} | {counts['seconds'] / 60:.1f} |"
    )


if __name__ == "__main__":
    sys.exit(main())

"""Time, peak memory and size of exports of 1,000,000 answers, per format.

Run: .venv/bin/python bench/export_memory.py [--answers N] [--baseline DIR] [--postgres URL]
Builds a throw-away SQLite database (or, with --postgres and a server's URL, a throw-away
PostgreSQL database there), fills it with synthetic answers of staff and of children
(on every rung of the ladders), then runs `survey export` in child processes and reports each
one's time, peak resident memory (ru_maxrss) and file size. With --baseline (a checkout of an
earlier commit, e.g. `git worktree add /tmp/base <commit>`) every format is also exported by
that code from the same database, alternately, so both are measured side by side in one run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from load import drop_postgres_database, postgres_database

ROOT = Path(__file__).resolve().parent.parent
MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def fill(url: str, answers_wanted: int) -> int:
    """Create a study with one open round and enough staff answers; return the answer count."""
    from survey import create_app
    from survey.database import upgrade_to_head
    from survey.demo_answers import assign_instruments
    from survey.extensions import db
    from survey.instruments import get_registry
    from survey.instruments.model import LADDER_STEPS
    from survey.models import (
        AgeBand,
        Answer,
        Group,
        Participant,
        Round,
        Site,
        Study,
        Submission,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade_to_head()
        study = Study(slug="bench", name="Benchmark")
        study.sites.append(Site(name="Bench site"))
        round_ = Round(name="baseline")
        study.rounds.append(round_)
        db.session.add(study)
        db.session.flush()
        registry = get_registry()
        assign_instruments(round_, registry)
        db.session.commit()
        items = {
            group: [
                (instrument, item)
                for choice in round_.instruments_for(group)
                for instrument in [registry.get(choice.instrument_key, choice.instrument_version)]
                for item in instrument.items_for(
                    AgeBand.AGE_13_18 if group is Group.CHILD else None
                )
            ]
            for group in Group
        }
        people = 2 * answers_wanted // sum(len(group_items) for group_items in items.values()) + 1
        group_of = [Group.CHILD if n % 2 else Group.STAFF for n in range(people)]
        now = datetime.now(UTC)
        site_id, study_id, round_id = study.sites[0].id, study.id, round_.id
        connection = db.session.connection()
        batch = 2000
        for start in range(0, people, batch):
            numbers = range(start, min(start + batch, people))
            connection.execute(
                sa.insert(Participant),
                [
                    {
                        "study_id": study_id,
                        "site_id": site_id,
                        "group": group_of[n],
                        "age_band": AgeBand.AGE_13_18 if group_of[n] is Group.CHILD else None,
                        "layout": "standard",
                        "language": "da",
                        "code_hash": hashlib.sha256(str(n).encode()).hexdigest(),
                        "is_active": True,
                        "created_at": now,
                    }
                    for n in numbers
                ],
            )
        people_rows = connection.execute(sa.select(Participant.id, Participant.group)).all()
        submissions = [(uuid.uuid4(), pid, group) for pid, group in people_rows]
        for start in range(0, len(submissions), batch):
            connection.execute(
                sa.insert(Submission),
                [
                    {
                        "id": sid,
                        "participant_id": pid,
                        "round_id": round_id,
                        "scale_steps": LADDER_STEPS[pid % 3] if group is Group.CHILD else None,
                        "status": "completed",
                        "started_at": now,
                        "completed_at": now,
                        "text_size": "normal",
                    }
                    for sid, pid, group in submissions[start : start + batch]
                ],
            )
            rows = []
            for sid, pid, group in submissions[start : start + batch]:
                steps = LADDER_STEPS[pid % 3] if group is Group.CHILD else None
                for index, (instrument, item) in enumerate(items[group]):
                    scale = instrument.scale_for(item, steps)
                    rows.append(
                        {
                            "submission_id": sid,
                            "instrument_key": instrument.key,
                            "instrument_version": instrument.version,
                            "item_id": item.id,
                            "scale": scale.key,
                            "value": scale.codes[(pid + index) % len(scale.codes)],
                            "seq": 1,
                            "answered_at": now,
                        }
                    )
            connection.execute(sa.insert(Answer), rows)
        db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Answer))
        if db.engine.dialect.name == "postgresql":
            # A live database has statistics (autovacuum); without them the planner reads
            # the whole answers table for every chunk of submissions.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return total


#: Formats measured, in order; formats the baseline does not know are measured for this code only.
FORMATS = ("csv-long", "json", "csv-wide", "xlsx", "sav", "dta", "participation")


def measure(url: str, export_format: str, out: Path, code: Path) -> tuple[float, float]:
    """Run one export with the code in ``code`` in a child process; return (s, peak RSS MB)."""
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(code),
    }
    command = [
        sys.executable,
        "-c",
        "from survey.cli import main; main()",
        "export",
        "--study",
        "bench",
    ]
    command += ["--format", export_format, "--out", str(out)]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        env=environment,
        cwd=out.parent,  # not the project folder, which `-c` would put first on sys.path
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_kb = int(result.stdout.strip().splitlines()[-1])
    return seconds, peak_kb / 1024


def main() -> None:
    """Fill, export, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=Path, help="a checkout of earlier code to compare")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=FORMATS)
    parser.add_argument("--postgres", help="a PostgreSQL server's URL to make the database on")
    args = parser.parse_args()
    name = None
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as folder:
        if args.postgres:
            url, name = postgres_database(args.postgres)
        else:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
        try:
            lines = run(url, args, Path(folder))
        finally:
            if name:
                drop_postgres_database(args.postgres, name)
    results = "export-memory-postgresql.md" if args.postgres else "export-memory.md"
    (ROOT / "bench" / "results" / results).write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(url: str, args: argparse.Namespace, folder: Path) -> list[str]:
    """Fill the database, export every format; return the results as Markdown lines."""
    started = time.perf_counter()
    total = fill(url, args.answers)
    print(f"filled {total:,} answers in {time.perf_counter() - started:.0f} s")
    known = _formats(args.baseline) if args.baseline else set()
    lines = [
        "# Export benchmark",
        "",
        f"{total:,} answers (half children on every rung, half staff), "
        f"{sa.engine.make_url(url).get_backend_name()}, "
        f"{datetime.now(UTC).date()}, `bench/export_memory.py`"
        + (" with a baseline checkout, measured alternately in one run." if known else "."),
        "",
        "| format | seconds | answers/s | peak RSS (MB) | file (MB) | baseline s | baseline "
        "RSS (MB) | baseline file (MB) | same bytes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for export_format in args.formats:
        runs = {"this": ROOT}
        if export_format in known:
            runs["baseline"] = args.baseline.resolve()
        cells: list[str] = []
        digests = set()
        for name, code in runs.items():
            out = folder / f"{name}.{export_format}"
            seconds, peak = measure(url, export_format, out, code)
            size = out.stat().st_size / 1e6
            digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
            print(f"{name} {export_format}: {seconds:.1f} s, peak {peak:.0f} MB, {size:.1f} MB")
            cells += [f"{seconds:.1f}", f"{peak:.0f}", f"{size:.1f}"]
            if name == "this":
                cells.insert(1, f"{total / seconds:,.0f}")
        cells += ["–"] * (7 - len(cells))
        cells.append(("yes" if len(digests) == 1 else "no") if len(runs) > 1 else "–")
        lines.append(f"| {export_format} | " + " | ".join(cells) + " |")
    return lines


def _formats(checkout: Path) -> set[str]:
    """Return the export formats the baseline checkout knows."""
    text = (checkout / "survey" / "exports" / "service.py").read_text(encoding="utf-8")
    return {name for name in FORMATS if f'"{name}"' in text}


if __name__ == "__main__":
    main()

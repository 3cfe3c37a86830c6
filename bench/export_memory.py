"""Peak memory of streamed exports of 1,000,000 answers (issue 7: must stay under 300 MB).

Run: .venv/bin/python bench/export_memory.py [--answers N]
Builds a throw-away SQLite database, fills it with synthetic staff answers, then runs
`survey export` in child processes and reports each one's peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def fill(database: Path, answers_wanted: int) -> int:
    """Create a study with one open round and enough staff answers; return the answer count."""
    from survey import create_app
    from survey.database import upgrade_to_head
    from survey.demo_answers import assign_instruments
    from survey.extensions import db
    from survey.instruments import get_registry
    from survey.models import Answer, Group, Participant, Round, Site, Study, Submission

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
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
        items = [
            (instrument, item)
            for choice in round_.instruments_for(Group.STAFF)
            for instrument in [registry.get(choice.instrument_key, choice.instrument_version)]
            for item in instrument.items
        ]
        people = answers_wanted // len(items) + 1
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
                        "group": Group.STAFF,
                        "layout": "standard",
                        "language": "da",
                        "code_hash": hashlib.sha256(str(n).encode()).hexdigest(),
                        "is_active": True,
                        "created_at": now,
                    }
                    for n in numbers
                ],
            )
        participant_ids = connection.execute(sa.select(Participant.id)).scalars().all()
        import uuid

        submissions = [(uuid.uuid4(), pid) for pid in participant_ids]
        for start in range(0, len(submissions), batch):
            connection.execute(
                sa.insert(Submission),
                [
                    {
                        "id": sid,
                        "participant_id": pid,
                        "round_id": round_id,
                        "status": "completed",
                        "started_at": now,
                        "completed_at": now,
                        "text_size": "normal",
                    }
                    for sid, pid in submissions[start : start + batch]
                ],
            )
            rows = []
            for sid, pid in submissions[start : start + batch]:
                for index, (instrument, item) in enumerate(items):
                    scale = instrument.scale_for(item)
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
        db.engine.dispose()
    return total


def measure(database: Path, export_format: str, out: Path) -> tuple[float, float]:
    """Run one export in a child process; return (seconds, peak RSS in MB)."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as folder:
        database = Path(folder) / "bench.db"
        started = time.perf_counter()
        total = fill(database, args.answers)
        print(f"filled {total:,} answers in {time.perf_counter() - started:.0f} s")
        lines = [
            "# Export memory benchmark",
            "",
            f"{total:,} answers, SQLite, {datetime.now(UTC).date()}, `bench/export_memory.py`.",
            "",
            "| format | seconds | answers/s | peak RSS (MB) | limit |",
            "|---|---|---|---|---|",
        ]
        for export_format in ("csv-long", "json", "csv-wide"):
            seconds, peak = measure(database, export_format, Path(folder) / f"out.{export_format}")
            size = (Path(folder) / f"out.{export_format}").stat().st_size / 1e6
            print(f"{export_format}: {seconds:.1f} s, peak {peak:.0f} MB, file {size:.0f} MB")
            lines.append(
                f"| {export_format} | {seconds:.1f} | {total / seconds:,.0f} | {peak:.0f} | 300 |"
            )
    (ROOT / "bench" / "results" / "export-memory.md").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()

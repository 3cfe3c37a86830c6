"""Time to make every site report plus the all-sites report for a round of N sites x 40
respondents x 60 items (issue 8: 10 sites under 10 seconds; issue 18: 100 sites under 30
seconds and 500 MB). The round is a follow-up: the same people answered a baseline before,
so the disclosure pass covers two rounds and the changes are paired.

Run: .venv/bin/python bench/reports_speed.py [--sites N]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PEOPLE, ITEMS = 40, 60


def instrument_file(folder: Path) -> None:
    """Write a 60-item staff instrument with two scores into a deployment folder."""
    items = [
        {
            "id": f"bx_{n:02}",
            "scale": "agree5",
            "text": {"da": f"Udsagn {n}.", "en": f"Statement {n}."},
        }
        for n in range(1, ITEMS + 1)
    ]
    data = {
        "key": "bench_staff",
        "version": 1,
        "respondent": "staff",
        "prefix": "bx",
        "title": {"da": "Benchmark", "en": "Benchmark"},
        "intro": {"da": "Til måling.", "en": "For measuring."},
        "items": items,
        "scores": [
            {
                "id": "first",
                "label": {"da": "Første", "en": "First"},
                "method": "mean",
                "higher_is": "better",
                "items": [i["id"] for i in items[:30]],
            },
            {
                "id": "second",
                "label": {"da": "Anden", "en": "Second"},
                "method": "mean",
                "higher_is": "better",
                "items": [i["id"] for i in items[30:]],
            },
        ],
    }
    (folder / "bench_staff.v1.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )


def main() -> None:
    """Fill a database, then time the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10)
    sites = parser.parse_args().sites
    limit = 10 if sites <= 10 else 30
    with tempfile.TemporaryDirectory(prefix="survey-reports-bench-") as folder:
        instruments = Path(folder) / "instruments"
        instruments.mkdir()
        instrument_file(instruments)
        os.environ["INSTRUMENTS_PATH"] = str(instruments)
        import sqlalchemy as sa

        from survey import create_app
        from survey.extensions import db
        from survey.models import (
            Answer,
            Group,
            Participant,
            Round,
            RoundInstrument,
            Site,
            Study,
            Submission,
            SubmissionStatus,
        )
        from survey.reports.build import (
            build_all_sites_report,
            build_site_reports,
            score_rounds,
        )
        from survey.reports.pdf import render_all_sites_report, render_site_reports

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
        rng = random.Random(8)  # noqa: S311  (reproducible fake answers)
        now = datetime.now(UTC)
        with app.app_context():
            db.create_all()
            study = Study(slug="bench", name="Benchmark")
            study.sites = [Site(name=f"Sted {n}") for n in range(1, sites + 1)]
            rounds = [Round(name="baseline"), Round(name="follow-up")]
            for round_ in rounds:
                round_.instruments.append(
                    RoundInstrument(
                        group=Group.STAFF, instrument_key="bench_staff", instrument_version=1
                    )
                )
            study.rounds += rounds
            db.session.add(study)
            db.session.flush()
            people = [
                Participant(
                    study_id=study.id,
                    site=site,
                    group=Group.STAFF,
                    code_hash=hashlib.sha256(f"{site.id}-{n}".encode()).hexdigest(),
                )
                for site in study.sites
                for n in range(PEOPLE)
            ]
            db.session.add_all(people)
            db.session.flush()
            # Core inserts, in batches: the ORM would hold half a million answer objects, and
            # the peak memory measured is to be the reports', not the filling's.
            for round_ in rounds:
                round_.open()
                for batch in range(0, len(people), 500):
                    ids = [uuid.uuid4() for _ in people[batch : batch + 500]]
                    db.session.execute(
                        sa.insert(Submission),
                        [
                            {
                                "id": submission_id,
                                "participant_id": participant.id,
                                "round_id": round_.id,
                                "status": SubmissionStatus.COMPLETED,
                                "completed_at": now,
                            }
                            for submission_id, participant in zip(
                                ids, people[batch : batch + 500], strict=True
                            )
                        ],
                    )
                    db.session.execute(
                        sa.insert(Answer),
                        [
                            {
                                "submission_id": submission_id,
                                "instrument_key": "bench_staff",
                                "instrument_version": 1,
                                "item_id": f"bx_{i:02}",
                                "scale": "agree5",
                                "value": rng.randint(1, 5),
                            }
                            for submission_id in ids
                            for i in range(1, ITEMS + 1)
                        ],
                    )
                round_.close()
            db.session.commit()
            answers = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Answer)
                .join(Submission)
                .where(Submission.round_id == round_.id)
            )
            with app.test_request_context():
                started = time.perf_counter()
                scoring = score_rounds(round_)
                reports = build_site_reports(round_, list(study.sites), "da", date.today(), scoring)
                everyone = build_all_sites_report(round_, "da", date.today(), scoring)
                built = time.perf_counter() - started
                sizes = [len(content) for content in render_site_reports(reports)]
                sizes.append(len(render_all_sites_report(everyone)))
                seconds = time.perf_counter() - started
        peak = max(
            resource.getrusage(who).ru_maxrss
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        line = (
            f"| follow-up of {sites} sites × {PEOPLE} respondents × {ITEMS} items "
            f"({answers:,} answers) | {len(sizes)} PDFs | {seconds:.2f} s ({built:.2f} s "
            f"figures, {seconds - built:.2f} s PDFs on {len(os.sched_getaffinity(0))} cores) | "
            f"{peak / 1024:.0f} MB | {limit} s |"
        )
        print(line)
        results = ROOT / "bench" / "results" / "reports-speed.md"
        lines = [
            row
            for row in results.read_text(encoding="utf-8").splitlines()
            if row.startswith("| follow-up")
        ]
        lines = [row for row in lines if not row.startswith(f"| follow-up of {sites} sites")]
        results.write_text(
            "# Report speed benchmark\n\n`bench/reports_speed.py [--sites N]`, SQLite, "
            f"{date.today()}.\n\n| round | output | time | peak memory (largest process, filling the database included) | limit |\n"
            "|---|---|---|---|---|\n"
            + "\n".join(sorted([*lines, line], key=lambda row: int(row.split()[3])))
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()

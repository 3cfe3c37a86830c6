"""SQL statements and CPU time per respondent request (issues #17, #18): a child's question
GET and answer POST (without JavaScript), section GET and background save (with it), a staff
page GET and POST, on SQLite, counted with an SQLAlchemy event listener.

Two children (13-18) answer every question of the shipped instruments of an open round through
the test client, one as a browser without JavaScript does, one as respond.js does; a member of
staff answers every page.
Prints a Markdown table of statements and CPU milliseconds (process time, median over the
requests of each kind), and how long a fresh process takes to make the app.

Run: .venv/bin/python bench/respond_requests.py
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from survey import create_app
from survey.demo_answers import FIRST_VERSIONS, assign_instruments
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import AgeBand, Group, Round, Site, Study
from survey.participants import register_participants

SETTINGS = {
    "SECRET_KEY": "bench-secret-key-" + "x" * 32,
    "PSEUDONYM_KEY": "bench-pseudonym-key-" + "y" * 32,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
}
SETUP = {
    "assistance_mode": "alone",
    "layout": "standard",
    "scale_steps": "5",
    "text_size": "normal",
    "language": "da",
}


class Meter:
    """Count the statements and CPU time of each request, by kind."""

    def __init__(self) -> None:
        self.statements = 0
        self.samples: dict[str, list[tuple[int, float]]] = defaultdict(list)

    def count(self, *_args: object) -> None:
        self.statements += 1

    def request(self, kind: str, send, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Send one request with ``send(*args, **kwargs)``; count it under ``kind``."""
        self.statements = 0
        started = time.process_time()
        response = send(*args, **kwargs)
        self.samples[kind].append((self.statements, (time.process_time() - started) * 1000))
        return response


def open_site(versions: dict[str, int] | None) -> Site:
    """Add a study with one site and an open round of the given questionnaire versions (None:
    the newest); return the site. Inside an app context; the caller commits."""
    study = Study(slug="bench", name="Bench")
    site = Site(name="Lyngbo")
    study.sites.append(site)
    round_ = Round(name="baseline")
    study.rounds.append(round_)
    db.session.add(study)
    db.session.flush()
    assign_instruments(round_, get_registry(), versions)
    round_.open()
    return site


def field(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Create an open round with the first shipped versions; return a child's and staff code."""
    with app.app_context():
        db.create_all()
        site = open_site(FIRST_VERSIONS)
        codes = {
            "child": register_participants(site, Group.CHILD, 1, age_band=AgeBand.AGE_13_18)[
                0
            ].code,
            "child_js": register_participants(site, Group.CHILD, 1, age_band=AgeBand.AGE_13_18)[
                0
            ].code,
            "staff": register_participants(site, Group.STAFF, 1)[0].code,
        }
        db.session.commit()
    return codes


def child(app, meter: Meter, code: str) -> int:  # type: ignore[no-untyped-def]
    """Answer every question as a child; return how many were answered."""
    client = app.test_client()
    client.post("/respond/", data={"code": code})
    client.post("/respond/setup", data=SETUP)
    location = client.post("/respond/assent", data={"answer": "start"}).headers["Location"]
    answered = 0
    while "/respond/q/" in location or "/respond/private/" in location:
        if "/private/" in location:
            location = client.post(location).headers["Location"]
            continue
        page = meter.request("question GET", client.get, location)
        if page.status_code == 303:  # the look-away screen before the private questions
            meter.samples["question GET"].pop()
            location = page.headers["Location"]
            continue
        html = page.get_data(as_text=True)
        choice = re.findall(r'name="choice" value="(-?\d+)"', html)[0]
        response = meter.request("answer POST", client.post, location, data={"choice": choice})
        location = response.headers["Location"]
        answered += 1
    return answered


def child_with_javascript(app, meter: Meter, code: str) -> int:  # type: ignore[no-untyped-def]
    """Answer every question as a browser with JavaScript does: a page and its section per
    section, then one background save per answer; return how many were answered."""
    client = app.test_client()
    client.post("/respond/", data={"code": code})
    client.post("/respond/setup", data=SETUP)
    location = client.post("/respond/assent", data={"answer": "start"}).headers["Location"]
    answered = 0
    while "/respond/q/" in location:
        page = client.get(location)
        if page.status_code == 303:  # the look-away screen before the private questions
            location = client.post(page.headers["Location"]).headers["Location"]
            continue
        index = int(location.rsplit("/", 1)[1])
        section = meter.request("section GET", client.get, f"/respond/section/{index}")
        in_section = {int(found) for found in re.findall(r'data-index="(\d+)"', section.text)}
        while index in in_section:
            body = {"index": index, "choice": "2", "seq": 1}
            saved = meter.request("answer JSON", client.post, "/respond/answer", json=body)
            answered += 1
            location = saved.get_json()["next"]
            following = location.rsplit("/", 1)[1]
            index = int(following) if following.isdigit() else -1
    return answered


def staff(app, meter: Meter, code: str) -> int:  # type: ignore[no-untyped-def]
    """Answer every staff page; return how many pages."""
    client = app.test_client()
    location = client.post("/respond/", data={"code": code}).headers["Location"]
    pages = 0
    while location.startswith("/respond/staff/"):
        html = meter.request("staff page GET", client.get, location).get_data(as_text=True)
        data = dict.fromkeys(set(re.findall(r'name="(item_\w+)"', html)), "2")
        response = meter.request("staff page POST", client.post, location, data=data)
        location = response.headers["Location"]
        pages += 1
    return pages


STARTUP = """
import sys, time
started = time.perf_counter()
from survey import create_app
create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "s" * 40, "PSEUDONYM_KEY": "p" * 40})
print(time.perf_counter() - started)
"""


def startup_seconds(url: str, runs: int = 5) -> float:
    """Return the median time of a fresh process's ``create_app()`` with every shipped
    instrument loaded and checked, imports included (what each gunicorn worker pays)."""
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", STARTUP, url], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times)


def main() -> None:
    """Run both respondents and print the table."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
        codes = field(app)
        meter = Meter()
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", meter.count)
        questions = child(app, meter, codes["child"])
        saves = child_with_javascript(app, meter, codes["child_js"])
        pages = staff(app, meter, codes["staff"])
        startup = startup_seconds(url)
    print(
        f"A child answered {questions} questions without JavaScript and {saves} with it; "
        f"a member of staff {pages} pages (SQLite).\n"
    )
    print("| request | n | SQL statements (median, max) | CPU ms (median) |")
    print("|---|---|---|---|")
    for kind, samples in meter.samples.items():
        counts = [count for count, _ in samples]
        cpu = statistics.median(ms for _, ms in samples)
        print(
            f"| {kind} | {len(samples)} | {statistics.median(counts):g}, {max(counts)} "
            f"| {cpu:.1f} |"
        )
    print(f"\ncreate_app() in a fresh process, imports included (median of 5): {startup:.2f} s")


if __name__ == "__main__":
    main()

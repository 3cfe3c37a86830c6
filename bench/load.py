"""Answers per second under load, side by side with a bare upsert (issue #18).

Respondents walk real codes as a browser does — the code, the adult's setup, the start, then
the answers — with cookies and CSRF tokens, on both paths: with JavaScript (one page holding
its section per section, two where the browser opens the page itself, then one JSON save per
answer) and without (a question page and a form
post per answer). The survey app runs under gunicorn with the production configuration, and
in the same run, interleaved with it, `bench/floor_app.py` (one upsert per request, same
gunicorn settings), on PostgreSQL and on SQLite.

Reported per database, number of respondents answering at once and app: answers/s (median
over the repeats), latency p50/p95/p99 of an answer (JSON: the save; form: the post and the
next page), CPU milliseconds per answer in the app's processes and in PostgreSQL's, SQL
statements per answer (a whole walk on each path counted at the app's engine, in a process
of its own: they do not depend on the machine), and lost answers (acknowledged but not in the database, counted there afterwards; must be 0).

Run: .venv/bin/python bench/load.py [--quick] [--postgres URL]   (make bench / bench-quick)
Writes bench/results/latest.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAGE_TOKEN = re.compile(r'data-csrf="([^"]+)"')
CHOICE = re.compile(r'name="choice" value="(-?\d+)"')
INDEX = re.compile(r'data-index="(\d+)"')
SETUP = {
    "assistance_mode": "alone",
    "layout": "standard",
    "scale_steps": "5",
    "text_size": "normal",
    "language": "da",
}
WORKERS = 4
TICKS = os.sysconf("SC_CLK_TCK")


# --- The servers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn with WORKERS sync workers on a free local port."""

    def __init__(self, target: str, env: dict[str, str], cwd: Path) -> None:
        self.port = free_port()
        command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "critical",
            target,
        ]
        self.process = subprocess.Popen(command, env=env, cwd=cwd, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{target} did not start")

    def pids(self) -> list[int]:
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [self.process.pid, *map(int, children)]

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def cpu_seconds(pids: list[int]) -> float:
    """Return the user and system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def postgres_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


# --- The databases -----------------------------------------------------------------------


def prepare(url: str, env: dict[str, str], codes: int) -> list[str]:
    """Create the schema, an open round with the newest questionnaires and ``codes``
    participants aged 13-18; return their codes."""
    subprocess.run([str(BIN / "survey"), "init-db"], env=env, cwd=ROOT, check=True)
    script = f"""
import json, sys
sys.path.insert(0, "bench")
from respond_requests import open_site
from survey import create_app
from survey.extensions import db
from survey.models import AgeBand, Group
from survey.participants import register_participants
app = create_app()
with app.app_context():
    site = open_site(None)
    issued = register_participants(site, Group.CHILD, {codes}, age_band=AgeBand.AGE_13_18)
    db.session.commit()
    json.dump([entry.code for entry in issued], sys.stdout)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    )
    engine = sa.create_engine(url)
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DATABASE_URL", url)
    from floor_app import metadata

    metadata.create_all(engine)
    engine.dispose()
    return json.loads(done.stdout)


#: Walks one code on each path through the app in a process of its own (Werkzeug's server in
#: a thread, the production settings), counting the SQL statements its engine sends; prints
#: {path: [statements, answers]} as JSON.
COUNT_STATEMENTS = """
import json, sys, threading, time
sys.path.insert(0, "bench")
import sqlalchemy as sa
from werkzeug.serving import make_server
from load import Browser, Tally, walk_with_javascript, walk_without_javascript
from survey import create_app
from survey.extensions import db
app = create_app()
sent = [0]
with app.app_context():
    sa.event.listen(db.engine, "before_cursor_execute", lambda *_: sent.__setitem__(0, sent[0] + 1))
server = make_server("127.0.0.1", 0, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
counted = {}
for path, walk, code in (("json", walk_with_javascript, sys.argv[1]),
                         ("form", walk_without_javascript, sys.argv[2])):
    tally = Tally(deadline=time.monotonic() + 600, start=0.0)
    before = sent[0]
    walk(Browser(server.server_port), code, tally)
    assert not tally.errors, tally.errors
    counted[path] = [sent[0] - before, len(tally.answers)]
server.shutdown()
json.dump(counted, sys.stdout)
"""


def statements_per_answer(env: dict[str, str], codes: list[str]) -> dict[str, float]:
    """Return the SQL statements per answer of each path, for a whole walk (code, setup,
    start, pages and saves) counted at the app's engine: they do not depend on the machine."""
    done = subprocess.run(
        [sys.executable, "-c", COUNT_STATEMENTS, *codes[:2]],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    counted = json.loads(done.stdout)
    return {path: sent / answers for path, (sent, answers) in counted.items()}


def stored_answers(url: str, pseudonym_key: str, codes: list[str]) -> dict[str, int]:
    """Return how many chosen answers (not "not shown") each code's submission holds."""
    from survey.pseudonyms import code_hash

    by_hash = {code_hash(code, pseudonym_key): code for code in codes}
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT p.code_hash, count(a.id) FROM participants p "
                "JOIN submissions s ON s.participant_id = p.id "
                "JOIN answers a ON a.submission_id = s.id "
                "WHERE a.missing_code IS NULL OR a.missing_code <> 'not_shown' "
                "GROUP BY p.code_hash"
            )
        ).all()
    engine.dispose()
    return {by_hash[hashed]: count for hashed, count in rows if hashed in by_hash}


def stored_floor(url: str) -> dict[int, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT respondent, count(*) FROM floor_answers GROUP BY respondent")
        ).all()
    engine.dispose()
    return dict(rows)


# --- The respondents ---------------------------------------------------------------------


class Browser:
    """Requests with a cookie jar, one connection each (gunicorn's sync workers close it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def call(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        body: dict | None = None,
        token: str = "",
        extra: dict[str, str] | None = None,
    ) -> tuple[int, str, str]:
        """Return status, Location and body text."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers |= extra or {}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body)
            headers |= {"Content-Type": "application/json", "X-CSRFToken": token}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, data, headers)
            response = connection.getresponse()
            text = response.read().decode()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(value)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers.get("Location", ""), text
        finally:
            connection.close()

    def token(self, path: str) -> str:
        status, _, page = self.call("GET", path)
        assert status == 200, (path, status)
        return TOKEN.search(page).group(1)

    def post_form(self, path: str, fields: dict) -> str:
        status, location, _ = self.call(
            "POST", path, form={"csrf_token": self.token(path), **fields}
        )
        assert status == 303, (path, status)
        return location


@dataclass
class Tally:
    """What the respondents of one run did: (finished at, seconds) per answer."""

    deadline: float
    start: float
    answers: list[tuple[float, float]] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def answered(self, key: str, began: float) -> None:
        now = time.monotonic()
        self.acknowledged[key] += 1
        if now >= self.start:
            self.answers.append((now, now - began))


def begin(browser: Browser, code: str) -> str:
    """Enter the code, set up and start; return the first question's address."""
    assert browser.post_form("/respond/", {"code": code}) == "/respond/setup"
    assert browser.post_form("/respond/setup", SETUP) == "/respond/assent"
    return browser.post_form("/respond/assent", {"answer": "start"})


def look_away_if_asked(
    browser: Browser, location: str, extra: dict[str, str] | None = None
) -> tuple[str, str, bool]:
    """GET a question page, passing the adult's look-away page if it comes first; tell
    whether the browser opened the page itself (after the look-away page)."""
    status, redirect, page = browser.call("GET", location, extra=extra)
    opened = extra is None
    if status == 303 and "/respond/private/" in redirect:
        location = browser.post_form(redirect, {})
        status, redirect, page = browser.call("GET", location)
        opened = True
    assert status == 200, (location, status)
    return location, page, opened


def walk_with_javascript(browser: Browser, code: str, tally: Tally) -> None:
    location = begin(browser, code)
    extra = None  # the first page is opened by the browser; respond.js asks for the others
    while tally.running() and location.startswith("/respond/q/"):
        location, page, opened = look_away_if_asked(browser, location, extra)
        extra = {"X-Respond-Section": "1"}
        token = PAGE_TOKEN.search(page).group(1)
        index = int(location.rsplit("/", 1)[1])
        section = page
        if opened:  # a page the browser opened: respond.js fetches its section
            _, _, section = browser.call("GET", f"/respond/section/{index}")
        in_section = {int(found) for found in INDEX.findall(section)}
        while tally.running():
            began = time.monotonic()
            body = {"index": index, "choice": "2", "seq": int(time.time() * 1000)}
            status, _, text = browser.call("POST", "/respond/answer", body=body, token=token)
            if status != 200:
                tally.errors.append(f"save {status}: {text[:80]}")
                return
            tally.answered(code, began)
            location = json.loads(text)["next"]
            following = location.rsplit("/", 1)[1]
            if not following.isdigit() or int(following) not in in_section:
                break
            index = int(following)


def walk_without_javascript(browser: Browser, code: str, tally: Tally) -> None:
    location = begin(browser, code)
    while tally.running() and location.startswith("/respond/q/"):
        began = time.monotonic()
        location, page, _ = look_away_if_asked(browser, location)
        fields = {"csrf_token": TOKEN.search(page).group(1), "choice": CHOICE.findall(page)[1]}
        status, location, _ = browser.call("POST", location, form=fields)
        if status != 303:
            tally.errors.append(f"post {status}")
            return
        tally.answered(code, began)


def walk_floor(port: int, respondent: int, tally: Tally) -> None:
    browser = Browser(port)
    for item in range(1, 10_000):
        if not tally.running():
            return
        began = time.monotonic()
        body = {"respondent": respondent, "item": item, "value": 2, "seq": time.time_ns()}
        status, _, text = browser.call("POST", "/answer", body=body)
        if status != 200:
            tally.errors.append(f"floor {status}: {text[:80]}")
            return
        tally.answered(str(respondent), began)


# --- A run -------------------------------------------------------------------------------


@dataclass
class Run:
    """One app at one number of respondents, for ``seconds``."""

    app: str
    respondents: int
    answers_per_second: float
    latencies: list[float]
    cpu_app_ms: float
    cpu_db_ms: float
    lost: int
    errors: list[str]


def run(
    app: str, server: Server, respondents: int, seconds: float, codes: list[str], floor_ids
) -> tuple[Run, Tally]:
    warm_up = 1.0
    start = time.monotonic() + warm_up
    tally = Tally(deadline=start + seconds, start=start)
    lock = threading.Lock()

    def respondent() -> None:
        while tally.running():
            if app == "floor":
                walk_floor(server.port, next(floor_ids), tally)
                continue
            with lock:
                if not codes:
                    return
                code = codes.pop()
            walk = walk_with_javascript if app == "json" else walk_without_javascript
            try:
                walk(Browser(server.port), code, tally)
            except (AssertionError, AttributeError, OSError) as error:
                tally.errors.append(f"{type(error).__name__}: {error}"[:120])

    threads = [threading.Thread(target=respondent, daemon=True) for _ in range(respondents)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, start - time.monotonic()))
    app_before, db_before = cpu_seconds(server.pids()), cpu_seconds(postgres_pids())
    time.sleep(max(0.0, tally.deadline - time.monotonic()))
    app_after, db_after = cpu_seconds(server.pids()), cpu_seconds(postgres_pids())
    for thread in threads:
        thread.join(timeout=120)
    counted = [latency for finished, latency in tally.answers if finished <= tally.deadline]
    per_answer = 1000 / max(1, len(counted))
    result = Run(
        app=app,
        respondents=respondents,
        answers_per_second=len(counted) / seconds,
        latencies=counted,
        cpu_app_ms=(app_after - app_before) * per_answer,
        cpu_db_ms=(db_after - db_before) * per_answer,
        lost=0,
        errors=tally.errors[:5],
    )
    return result, tally


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def bench_database(
    name: str, url: str, levels: list[int], seconds: float, repeats: int, codes_needed: int
) -> list[dict]:
    """Run every app at every level on one database, interleaved; return the summary rows."""
    key = secrets.token_urlsafe(40)
    env = {
        **os.environ,
        "SURVEY_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "PSEUDONYM_KEY": key,
        "PYTHONPATH": str(ROOT),
    }
    codes = prepare(url, env, codes_needed + 2)
    statements = statements_per_answer(env, [codes.pop(), codes.pop()])
    all_codes = list(codes)
    survey = Server("wsgi:app", env, ROOT)
    floor = Server("floor_app:app", env, ROOT / "bench")
    floor_ids = iter(range(1, 10**9))
    results: dict[tuple[str, int], list[Run]] = defaultdict(list)
    acknowledged: dict[str, dict[str, int]] = {
        "survey": defaultdict(int),
        "floor": defaultdict(int),
    }
    order = ["floor", "json", "form"]
    try:
        for repeat in range(repeats):
            for level in levels:
                for app in order[repeat % 3 :] + order[: repeat % 3]:
                    server = floor if app == "floor" else survey
                    result, tally = run(app, server, level, seconds, codes, floor_ids)
                    results[app, level].append(result)
                    kind = "floor" if app == "floor" else "survey"
                    for who, count in tally.acknowledged.items():
                        acknowledged[kind][who] += count
                    print(
                        f"  {name} {app:5} {level:3}: {result.answers_per_second:6.0f}/s "
                        f"p95 {percentile(result.latencies, 0.95):6.0f} ms "
                        f"{' '.join(result.errors[:1])}",
                        flush=True,
                    )
    finally:
        survey.stop()
        floor.stop()
    stored = stored_answers(url, key, all_codes)
    lost_survey = sum(max(0, n - stored.get(code, 0)) for code, n in acknowledged["survey"].items())
    stored_f = stored_floor(url)
    lost_floor = sum(
        max(0, n - stored_f.get(int(who), 0)) for who, n in acknowledged["floor"].items()
    )
    rows = []
    for (app, level), runs in sorted(results.items(), key=lambda pair: (pair[0][1], pair[0][0])):
        latencies = [latency for one in runs for latency in one.latencies]
        rows.append(
            {
                "database": name,
                "app": app,
                "respondents": level,
                "answers_per_second": statistics.median(r.answers_per_second for r in runs),
                "p50_ms": percentile(latencies, 0.50),
                "p95_ms": percentile(latencies, 0.95),
                "p99_ms": percentile(latencies, 0.99),
                "cpu_app_ms": statistics.median(r.cpu_app_ms for r in runs),
                "cpu_db_ms": statistics.median(r.cpu_db_ms for r in runs)
                if name == "postgresql"
                else None,
                # The floor sends one upsert per answer (its commit is no statement).
                "sql_per_answer": 1.0 if app == "floor" else statements[app],
                "lost": lost_floor if app == "floor" else lost_survey,
                "errors": sorted({e for r in runs for e in r.errors})[:3],
                "repeats": len(runs),
            }
        )
    return rows


def postgres_database(admin_url: str) -> tuple[str, str]:
    """Create an empty database; return its URL and name."""
    name = f"bench_{secrets.token_hex(4)}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.engine.make_url(admin_url).set(database=name).render_as_string(False), name


def drop_postgres_database(admin_url: str, name: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def table(rows: list[dict]) -> str:
    floors = {
        (r["database"], r["respondents"]): r["answers_per_second"]
        for r in rows
        if r["app"] == "floor"
    }
    lines = [
        "| database | respondents | app | answers/s | of floor | p50 ms | p95 ms | p99 ms "
        "| app CPU ms/answer | db CPU ms/answer | SQL/answer | lost |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        share = r["answers_per_second"] / floors[r["database"], r["respondents"]]
        db_cpu = "–" if r["cpu_db_ms"] is None else f"{r['cpu_db_ms']:.1f}"
        lines.append(
            f"| {r['database']} | {r['respondents']} | {r['app']} | {r['answers_per_second']:.0f} "
            f"| {100 * share:.0f} % | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} "
            f"| {r['cpu_app_ms']:.1f} | {db_cpu} | {r['sql_per_answer']:.1f} | {r['lost']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat of 5 s at 10 and 50")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test"),
        help="a PostgreSQL server the bench may create a database on",
    )
    arguments = parser.parse_args()
    if arguments.quick:
        levels, seconds, repeats = [10, 50], 5.0, 1
    else:
        levels, seconds, repeats = [1, 10, 50, 100], 15.0, 3
    codes_needed = int(sum(levels) * repeats * 2 * (1 + seconds / 4))
    rows: list[dict] = []
    began = time.time()
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite", flush=True)
        rows += bench_database(
            "sqlite", f"sqlite:///{folder}/bench.db", levels, seconds, repeats, codes_needed
        )
    url, name = postgres_database(arguments.postgres)
    try:
        print("PostgreSQL", flush=True)
        rows += bench_database("postgresql", url, levels, seconds, repeats, codes_needed)
    finally:
        drop_postgres_database(arguments.postgres, name)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cores": os.cpu_count(),
        "workers": WORKERS,
        "seconds_per_run": seconds,
        "repeats": repeats,
        "minutes": round((time.time() - began) / 60, 1),
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    name = "latest-quick.json" if arguments.quick else "latest.json"
    (RESULTS / name).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()

"""Deployment as the README describes it: gunicorn workers on PostgreSQL with Redis counters."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from survey import create_app
from survey.extensions import db, limiter
from tests.conftest import TEST_SETTINGS, missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        missing("TEST_REDIS_URL (Redis)")
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_wsgi_entry_point_refuses_bad_configuration_in_one_line():
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "not a url"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: DATABASE_URL is not a valid database URL")


def test_rate_limit_counters_can_live_in_redis(redis_url, tmp_path):
    app = create_app(
        {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": redis_url,
        }
    )
    with app.app_context():
        assert type(limiter.storage).__name__ == "RedisStorage"
        assert limiter.storage.check()
        db.engine.dispose()


def test_gunicorn_workers_serve_from_postgresql(make_postgres_database, redis_url, tmp_path):
    database_url = make_postgres_database()
    port = free_port()
    environment = {
        **os.environ,
        "SURVEY_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "s" * 40,
        "PSEUDONYM_KEY": "k" * 40,
        "RATELIMIT_STORAGE_URI": redis_url,
    }
    survey = [sys.executable, "-c", "from survey.cli import main; main()"]
    subprocess.run([*survey, "init-db"], env=environment, check=True, timeout=120, cwd=ROOT)
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with (tmp_path / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(
            [*command, "wsgi:app"], cwd=ROOT, env=environment, stdout=log, stderr=log
        )
    try:
        pages = []
        deadline = time.monotonic() + 30
        while len(pages) < 20:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    pages.append((response.status, response.read().decode(), response.headers))
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert {status for status, _html, _headers in pages} == {200}
        assert all('<html lang="da">' in html for _status, html, _headers in pages)
        assert "includeSubDomains" in pages[0][2]["Strict-Transport-Security"]
    finally:
        server.terminate()
        server.wait(timeout=30)

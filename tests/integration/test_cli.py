"""The ``survey`` sub-commands: demo, create-user, and one-line errors with exit status 2."""

import os
import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

from survey.demo import DEMO_ADMIN_EMAIL, DEMO_SITES, DEMO_STAFF_PER_SITE
from survey.extensions import db
from survey.models import (
    AgeBand,
    AuditEvent,
    Group,
    Participant,
    Role,
    Round,
    RoundStatus,
    Site,
    Study,
    User,
)
from survey.passwords import verify_password
from survey.pseudonyms import CODE_ALPHABET, code_hash, normalise_code

CODE_LINE = re.compile(
    rf"^\s+([{CODE_ALPHABET}]{{5}}-[{CODE_ALPHABET}]{{5}})\s+(child|staff)", re.M
)


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_demo_creates_the_study_and_prints_logins_and_codes(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    study = db.session.scalar(sa.select(Study).where(Study.slug == "demo"))
    assert [site.name for site in study.sites] == sorted(name for name, _, _ in DEMO_SITES)
    statuses = {round_.name: round_.status for round_ in study.rounds}
    assert statuses == {"baseline": RoundStatus.CLOSED, "follow-up": RoundStatus.OPEN}
    for site in study.sites:
        assert (
            count(Participant, Participant.site_id == site.id, Participant.group == Group.CHILD)
            == 10
        )
        assert (
            count(Participant, Participant.site_id == site.id, Participant.group == Group.STAFF)
            == DEMO_STAFF_PER_SITE
        )
        bands = {p.age_band for p in site.participants if p.group is Group.CHILD}
        assert bands == set(AgeBand)

    admin = db.session.scalar(sa.select(User).where(User.email == DEMO_ADMIN_EMAIL))
    assert admin.role is Role.ADMIN
    password = re.search(r"password: (\S+)", result.output).group(1)
    assert verify_password(admin.password_hash, password)

    printed = CODE_LINE.findall(result.output)
    assert len(printed) == count(Participant) == 3 * (10 + DEMO_STAFF_PER_SITE)
    key = app.config["PSEUDONYM_KEY"]
    stored = set(db.session.scalars(sa.select(Participant.code_hash)))
    assert {code_hash(code, key) for code, _group in printed} == stored


def test_demo_stores_no_code_in_clear(app, runner):
    result = runner.invoke(args=["demo"])
    codes = [normalise_code(code) for code, _group in CODE_LINE.findall(result.output)]
    dumped = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            dumped.append(" ".join(str(value) for value in row))
    everything = "\n".join(dumped).upper()
    assert codes
    assert not [code for code in codes if code in everything]


def test_demo_twice_neither_fails_nor_duplicates(app, runner):
    first = runner.invoke(args=["demo"])
    hashes_before = set(db.session.scalars(sa.select(Participant.code_hash)))
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0
    assert "already exists" in second.output
    assert not CODE_LINE.search(second.output)
    assert count(Study) == 1
    assert count(Site) == 3
    assert count(Round) == 2
    assert count(User) == 1
    assert set(db.session.scalars(sa.select(Participant.code_hash))) == hashes_before


def test_demo_reset_issues_new_codes(app, runner):
    runner.invoke(args=["demo"])
    hashes_before = set(db.session.scalars(sa.select(Participant.code_hash)))
    result = runner.invoke(args=["demo", "--reset"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    hashes_after = set(db.session.scalars(sa.select(Participant.code_hash)))
    assert len(hashes_after) == len(hashes_before)
    assert not hashes_before & hashes_after
    assert count(Study) == 1
    assert count(User) == 1


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password.txt"
    path.write_text("a long enough password\n", encoding="utf-8")
    return path


def test_create_user_reads_the_password_file(app, runner, password_file):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Sara@Example.org",
            "--role",
            "evaluator",
            "--password-file",
            str(password_file),
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "sara@example.org"
    assert user.role is Role.EVALUATOR
    assert verify_password(user.password_hash, "a long enough password")
    assert count(AuditEvent, AuditEvent.action == "user.create") == 1


def test_create_user_prompts_for_the_password(app, runner):
    password = "typed at the prompt"
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--role", "admin"],
        input=f"{password}\n{password}\n",
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output
    assert verify_password(db.session.scalar(sa.select(User.password_hash)), password)


def test_create_coordinator_for_a_site(app, runner, password_file):
    runner.invoke(args=["demo"])
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "mette@example.org",
            "--role",
            "coordinator",
            "--site",
            "Opholdsstedet Lyngbo",
            "--password-file",
            str(password_file),
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "mette@example.org"))
    assert user.site.name == "Opholdsstedet Lyngbo"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--role", "superuser"],
            "Error: Unknown role 'superuser'; choose one of: admin, evaluator, coordinator.",
        ),
        (["--role", "coordinator"], "A coordinator must belong to a site"),
        (["--role", "coordinator", "--site", "Nowhere"], "No site 'Nowhere'"),
        (["--role", "admin", "--email", "not-an-address"], "is not an e-mail address"),
    ],
)
def test_create_user_bad_input_is_one_line_and_exit_2(
    app, runner, password_file, arguments, message
):
    args = ["create-user", "--email", "x@example.org", "--password-file", str(password_file)]
    result = runner.invoke(args=args + arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert count(User) == 0


def test_create_user_refuses_a_duplicate_and_a_short_password(app, runner, password_file, tmp_path):
    args = ["create-user", "--email", "x@example.org", "--role", "admin"]
    assert runner.invoke(args=[*args, "--password-file", str(password_file)]).exit_code == 0
    duplicate = runner.invoke(args=[*args, "--password-file", str(password_file)])
    assert duplicate.exit_code == 2
    assert "already exists" in duplicate.output
    short = tmp_path / "short.txt"
    short.write_text("short\n", encoding="utf-8")
    weak = runner.invoke(
        args=[
            "create-user",
            "--email",
            "y@example.org",
            "--role",
            "admin",
            "--password-file",
            str(short),
        ]
    )
    assert weak.exit_code == 2
    assert "at least 12" in weak.output
    assert count(User) == 1


def run_survey(*args, **environment):
    """Run the installed ``survey`` console script in a fresh process."""
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "-c", "from survey.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DATABASE_URL": "no-such-url"}, "DATABASE_URL is not a valid database URL"),
        (
            {"SURVEY_ENV": "production", "SECRET_KEY": "s" * 40, "PSEUDONYM_KEY": ""},
            "PSEUDONYM_KEY must be set in production",
        ),
        (
            {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
            "Cannot use the database at DATABASE_URL",
        ),
    ],
)
def test_bad_configuration_ends_in_one_line_and_exit_2(tmp_path, environment, message):
    result = run_survey("init-db", SURVEY_INSTANCE_PATH=str(tmp_path), **environment)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.sweep
def test_console_script_runs_init_db_and_demo_on_a_fresh_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for args in (["init-db"], ["demo"]):
        result = run_survey(*args, SURVEY_INSTANCE_PATH=str(tmp_path))
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "survey.db").exists()
    assert "Demo study 'demo' created." in result.stdout


def test_demo_refuses_a_production_installation_unless_told(app, runner):
    app.config["SURVEY_ENV"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: this is a production installation")
    assert "password" not in result.output.split("printed here")[1]  # no password printed
    assert count(Study) == 0 and count(User) == 0
    result = runner.invoke(args=["demo", "--i-know-this-is-production"])
    assert result.exit_code == 0, result.output
    assert count(Study) == 1

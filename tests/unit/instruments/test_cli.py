"""``survey instruments check|codebook|lock``, and the app refusing broken instruments."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from survey import create_app
from survey.config import ConfigError
from survey.instruments.cli import instruments_group
from survey.instruments.loader import BUILTIN_FOLDER
from survey.instruments.lock import WORDING_LOCK


@pytest.fixture
def broken_copy(tmp_path):
    """Copy the shipped folder and make one item's show_if point forward."""
    folder = tmp_path / "instruments"
    shutil.copytree(BUILTIN_FOLDER, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / "child_inclusion.v1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["show_if"] = {"item": "ci_05", "above_lowest": True}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def invoke(*args):
    return CliRunner().invoke(instruments_group, list(args))


def test_check_passes_on_the_shipped_folder():
    result = invoke("check")
    assert result.exit_code == 0, result.output
    assert "13 instrument versions, 0 errors, 0 warnings." in result.output
    assert "child_wellbeing@1: LIX da 6-9:" in result.output


def test_check_fails_on_a_broken_copy_naming_file_and_item(broken_copy):
    result = invoke("check", str(broken_copy))
    assert result.exit_code == 1
    expected = (
        f"{broken_copy / 'child_inclusion.v1.yaml'}: ci_01: show_if points to a later item (ci_05)"
    )
    assert expected in result.output
    # A locked version that fails to load is reported by the wording lock as well.
    assert "child_inclusion@1 is locked but its file is missing or invalid" in result.output
    assert "12 instrument versions, 2 errors, 0 warnings." in result.output


def test_check_of_a_single_file(broken_copy):
    assert invoke("check", str(broken_copy / "staff_wellbeing.v1.yaml")).exit_code == 0
    assert invoke("check", str(broken_copy / "child_inclusion.v1.yaml")).exit_code == 1
    missing = invoke("check", str(broken_copy / "nothing.v1.yaml"))
    assert missing.exit_code == 1
    assert "does not exist" in missing.output


def test_codebook_command_writes_markdown_and_html(tmp_path):
    markdown = invoke("codebook")
    assert markdown.exit_code == 0
    assert markdown.output.startswith("# Codebook")
    out = tmp_path / "codebook.html"
    result = invoke("codebook", "--format", "html", "--out", str(out))
    assert result.exit_code == 0
    assert "cw_01" in out.read_text(encoding="utf-8")


def test_codebook_refuses_broken_instruments(broken_copy):
    result = invoke("codebook", str(broken_copy))
    assert result.exit_code == 2
    assert "survey instruments check" in result.output


def test_lock_adds_new_versions_only(broken_copy):
    source = broken_copy / "staff_who5.v1.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["version"] = 2
    # A changed wording is a new item, and a score over it a new score.
    data["items"][0].update(id="who_11", text={"da": "Jeg har været glad.", "en": "Happy."})
    data["scores"][0].update(id="index2", items=["who_11", *data["scores"][0]["items"][1:]])
    (broken_copy / "staff_who5.v2.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    (broken_copy / "child_inclusion.v1.yaml").unlink()
    shutil.copy(BUILTIN_FOLDER / "child_inclusion.v1.yaml", broken_copy)
    before = (broken_copy / WORDING_LOCK).read_text(encoding="utf-8")
    result = invoke("lock", str(broken_copy))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Locked staff_who5@2."
    after = (broken_copy / WORDING_LOCK).read_text(encoding="utf-8")
    assert after != before
    assert invoke("lock", str(broken_copy)).output.strip() == "Every version was already locked."


def test_shipped_folder_is_fully_locked():
    result = CliRunner().invoke(instruments_group, ["lock", str(BUILTIN_FOLDER)])
    assert result.output.strip() == "Every version was already locked."


def test_app_refuses_to_start_with_a_broken_instrument_in_one_line(broken_copy, tmp_path):
    with pytest.raises(ConfigError) as refused:
        create_app(
            {
                "INSTRUMENTS_PATH": str(broken_copy),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            }
        )
    message = str(refused.value)
    assert "\n" not in message
    assert "ci_01: show_if points to a later item" in message
    assert "survey instruments check" in message


def run_survey(*args, **environment):
    return subprocess.run(
        [sys.executable, "-c", "from survey.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **environment},
        timeout=60,
        check=False,
    )


def test_console_script_refuses_to_start_but_can_still_check(broken_copy, tmp_path):
    environment = {"INSTRUMENTS_PATH": str(broken_copy), "SURVEY_INSTANCE_PATH": str(tmp_path)}
    refused = run_survey("init-db", **environment)
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr
    checked = run_survey("instruments", "check", **environment)
    assert checked.returncode == 1
    assert "ci_01: show_if points to a later item (ci_05)" in checked.stderr

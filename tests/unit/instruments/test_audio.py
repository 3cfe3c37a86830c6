"""``survey instruments audio``: recordings of every text read aloud, and their manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
import wave
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from survey.instruments.cli import instruments_group
from survey.instruments.loader import BUILTIN_FOLDER, load_folder, load_registry
from survey.instruments.periods import PERIODS
from survey.instruments.recorded import (
    AUDIO_FOLDER,
    manifest_path,
    message_texts,
    recording_name,
    spoken_texts,
)
from survey.instruments.recorder import ENCODER, ENGINE
from tests.conftest import missing


@pytest.fixture
def tools() -> None:
    """Require the speech engine and the encoder the command records with."""
    for program in (ENGINE, ENCODER):
        if shutil.which(program) is None:
            missing(program)


@pytest.fixture
def folder(tmp_path, child_data, write_instrument) -> Path:
    """A folder with one small child instrument (two items, two ladders)."""
    write_instrument(child_data)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(instruments_group, ["audio", *args])


def manifest_of(folder: Path) -> dict:
    return json.loads(manifest_path(folder).read_text(encoding="utf-8"))


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def seconds_of_speech(mp3: Path, scratch: Path) -> float:
    """Decode an MP3 with LAME and return its length in seconds (fails if it is no MP3)."""
    wav = scratch / f"{mp3.stem}.wav"
    subprocess.run([ENCODER, "--quiet", "--decode", str(mp3), str(wav)], check=True)
    with wave.open(str(wav)) as decoded:
        return decoded.getnframes() / decoded.getframerate()


def set_text(folder: Path, item_index: int, language: str, text: str) -> None:
    path = folder / "test_child.v1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][item_index]["text"][language] = text
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_every_text_read_aloud_is_spoken_once_per_language(child_data, write_instrument, tmp_path):
    child_data["items"][0]["text_by_age"] = {"6-9": {"da": "Er du glad nu?", "en": "Happy now?"}}
    write_instrument(child_data)
    (instrument,), _problems = load_folder(tmp_path)
    texts = spoken_texts([instrument])
    # Each age band's own text and the text the other bands read.
    assert {"Er du glad nu?", "Er du glad?", "Sover du godt?"} <= texts["da"]
    # Every label of every rung of the ladders, and the two missing choices as the page shows them.
    labels = {
        point.label["da"]
        for item in instrument.items
        for key in instrument.scale_keys_for(item)
        for point in instrument.scales[key].points
    }
    assert labels <= texts["da"]
    assert {"Ved ikke", "Vil ikke svare"} <= texts["da"]
    assert message_texts("en") == ("I don't know", "I don't want to answer")
    assert "Happy now?" in texts["en"]


def test_a_6_to_9_wording_with_the_period_is_spoken_once_per_period(
    child_data, write_instrument, tmp_path
):
    child_data["items"][0]["text"] = {"da": "Er du glad {period}?", "en": "Happy {period}?"}
    child_data["items"][0]["text_by_age"] = {"6-9": {"da": "Glad {period}?", "en": "Glad?"}}
    write_instrument(child_data)
    (instrument,), _problems = load_folder(tmp_path)
    texts = spoken_texts([instrument])
    for words in PERIODS.values():
        assert f"Glad {words['da']}?" in texts["da"]  # the 6-9 text: the adult picks a period
    # Older children always read the last 4 weeks: that one text only.
    assert {t for t in texts["da"] if t.startswith("Er du glad")} == {
        "Er du glad de sidste 4 uger?"
    }
    assert {t for t in texts["en"] if t.startswith("Happy")} == {"Happy in the last 4 weeks?"}
    assert "Glad?" in texts["en"]  # a text without the placeholder stays one text
    assert not [text for by_language in texts.values() for text in by_language if "{" in text]


def test_command_records_real_speech_for_every_text(folder, tools, tmp_path_factory):
    result = invoke("--language", "da", str(folder))
    assert result.exit_code == 0, result.output
    texts = spoken_texts(load_folder(folder)[0], ["da"])["da"]
    assert result.output.strip() == f"{folder}: {len(texts)} rendered, 0 kept, 0 removed."
    manifest = manifest_of(folder)
    assert set(manifest) == {"da"}
    assert set(manifest["da"]) == texts
    assert manifest["da"]["Er du glad?"] == recording_name("da", "Er du glad?")
    scratch = tmp_path_factory.mktemp("decoded")
    for text in ("Er du glad?", "Ved ikke"):
        recording = folder / AUDIO_FOLDER / manifest["da"][text]
        assert recording.read_bytes()[:3] == b"ID3" or recording.read_bytes()[0] == 0xFF
        assert 0.3 < seconds_of_speech(recording, scratch) < 10
    # The app loads the recordings with the instrument, and check is content.
    registry, problems = load_registry([folder])
    assert problems == []
    assert registry.get("test_child", 1).recording("da", "Ved ikke") == manifest["da"]["Ved ikke"]


def test_second_run_renders_nothing_and_touches_nothing(folder, tools):
    assert invoke("--language", "da", str(folder)).exit_code == 0
    before = {path: path.stat().st_mtime_ns for path in (folder / AUDIO_FOLDER).iterdir()}
    result = invoke("--language", "da", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f": 0 rendered, {len(before) - 1} kept, 0 removed.")
    after = {path: path.stat().st_mtime_ns for path in (folder / AUDIO_FOLDER).iterdir()}
    assert after == before


def test_changed_wording_gets_a_new_recording_and_the_old_one_goes(folder, tools):
    assert invoke("--language", "da", str(folder)).exit_code == 0
    old = folder / AUDIO_FOLDER / recording_name("da", "Er du glad?")
    assert old.is_file()
    set_text(folder, 0, "da", "Er du glad i dag?")
    result = invoke("--language", "da", str(folder))
    assert result.exit_code == 0, result.output
    assert ": 1 rendered, " in result.output
    assert result.output.strip().endswith(" 1 removed.")
    assert not old.exists()
    manifest = manifest_of(folder)["da"]
    assert "Er du glad?" not in manifest
    assert (folder / AUDIO_FOLDER / manifest["Er du glad i dag?"]).is_file()


def test_check_warns_about_texts_without_a_recording(folder, tools):
    assert invoke("--language", "da", str(folder)).exit_code == 0
    set_text(folder, 1, "da", "Sover du godt om natten?")
    _registry, problems = load_registry([folder])
    assert [str(problem) for problem in problems] == [
        f"{manifest_path(folder)}: warning: 1 da texts have no recording "
        "(first: 'Sover du godt om natten?'); run 'survey instruments audio'"
    ]


def test_missing_engine_is_an_error_and_changes_nothing(folder, monkeypatch, tmp_path_factory):
    before = files_of(folder)
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("empty-path")))
    result = invoke(str(folder))
    assert result.exit_code == 1
    assert result.output.startswith("Error: espeak-ng is not installed")
    assert files_of(folder) == before
    assert not (folder / AUDIO_FOLDER).exists()


def test_human_recording_is_never_overwritten_and_is_left_when_unused(folder, tools):
    assert invoke("--language", "da", str(folder)).exit_code == 0
    audio = folder / AUDIO_FOLDER
    human = audio / "da-ved-ikke.mp3"
    shutil.copy(audio / recording_name("da", "Vil ikke svare"), human)
    manifest = manifest_of(folder)
    manifest["da"]["Ved ikke"] = "da-ved-ikke.mp3"
    manifest["da"]["Sover du godt?"] = "da-sover.mp3"
    shutil.copy(human, audio / "da-sover.mp3")
    manifest_path(folder).write_text(json.dumps(manifest), encoding="utf-8")
    assert load_registry([folder])[1] == []
    kept = human.read_bytes()

    result = invoke("--language", "da", "--force", str(folder))
    assert result.exit_code == 0, result.output
    count = len(manifest["da"])
    # The synthetic ones the human recordings replaced are no longer listed, so they go.
    assert result.output.strip().endswith(f": {count - 2} rendered, 2 kept, 2 removed.")
    assert human.read_bytes() == kept
    assert not (audio / recording_name("da", "Ved ikke")).exists()

    set_text(folder, 1, "da", "Sover du godt om natten?")
    result = invoke("--language", "da", str(folder))
    assert "no text uses audio/da-sover.mp3 any more" in result.output
    assert (audio / "da-sover.mp3").is_file()
    assert "da-sover.mp3" not in manifest_of(folder)["da"].values()


def test_instrument_option_records_only_that_instrument(
    tmp_path, child_data, staff_data, write_instrument, tools
):
    write_instrument(child_data)
    write_instrument(staff_data)
    result = invoke("--instrument", "test_staff", "--language", "en", str(tmp_path))
    assert result.exit_code == 0, result.output
    manifest = manifest_of(tmp_path)
    assert set(manifest) == {"en"}
    assert {"I feel safe.", "Strongly agree", "I don't know"} <= set(manifest["en"])
    assert "Are you happy?" not in manifest["en"]
    unknown = invoke("--instrument", "nothing", str(tmp_path))
    assert unknown.exit_code == 2
    assert unknown.output.startswith("Error: no instrument 'nothing'")


def test_manifest_may_only_name_plain_files_in_the_audio_folder(folder):
    (folder / AUDIO_FOLDER).mkdir()
    (folder / "secret.mp3").write_bytes(b"ID3")
    manifest_path(folder).write_text(
        json.dumps({"da": {"Ved ikke": "../secret.mp3", "Vil ikke svare": "gone.mp3"}}),
        encoding="utf-8",
    )
    (instrument,), problems = load_folder(folder)
    messages = [str(problem) for problem in problems]
    assert f"{manifest_path(folder)}: da 'Ved ikke': give a plain file name in audio/" in messages
    assert (
        f"{manifest_path(folder)}: da 'Vil ikke svare': warning: file audio/gone.mp3 not found"
        in messages
    )
    assert instrument.recordings == {"da": {}}
    manifest_path(folder).write_text("{not json", encoding="utf-8")
    assert "cannot be read" in str(load_folder(folder)[1][0])


def test_shipped_folder_has_a_recording_of_every_text_in_both_languages():
    registry, problems = load_registry([BUILTIN_FOLDER])
    assert problems == []
    recordings = next(iter(registry)).recordings
    for language, texts in spoken_texts(registry).items():
        assert texts == set(recordings[language])
    names = [name for by_text in recordings.values() for name in by_text.values()]
    files = {path.name for path in (BUILTIN_FOLDER / AUDIO_FOLDER).glob("*.mp3")}
    assert set(names) == files

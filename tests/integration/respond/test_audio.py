"""Recorded audio on the question page: data-audio URLs, and the route that serves them."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from survey.instruments.loader import BUILTIN_FOLDER, load_registry
from survey.instruments.recorded import (
    AUDIO_FOLDER,
    recording_name,
    spoken_texts,
    write_manifest,
)

#: What each fake recording holds: the text it stands for, so a test can tell them apart.
FAKE = b"ID3 fake recording of "


class Parts(HTMLParser):
    """The question heading and the answer choices of a page: their data-audio and text."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[dict] = []
        self._open: dict | None = None
        self._label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "h1" or (tag == "label" and "choice" in (found.get("class") or "").split()):
            self._open = {"tag": tag, "audio": found.get("data-audio"), "text": ""}
            self.parts.append(self._open)
        self._label = tag == "h1" or "choice__label" in (found.get("class") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "label"):
            self._open = None
        self._label = False

    def handle_data(self, data: str) -> None:
        if self._open is not None and self._label:
            self._open["text"] += data.strip()


def parts_of(html: str) -> list[dict]:
    parser = Parts()
    parser.feed(html)
    return parser.parts


def copy_with_recordings(folder: Path, recorded: bool = True) -> Path:
    """Copy the shipped instruments; give cw_01 and cw_02 an own audio file; fake recordings."""
    shutil.copytree(
        BUILTIN_FOLDER, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__", AUDIO_FOLDER)
    )
    path = folder / "child_wellbeing.v1.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["items"][:2]:
        item["audio"] = {"da": f"{AUDIO_FOLDER}/{item['id']}.da.mp3"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    audio = folder / AUDIO_FOLDER
    audio.mkdir()
    for item in data["items"][:2]:
        (audio / f"{item['id']}.da.mp3").write_bytes(FAKE + item["id"].encode())
    if recorded:
        registry, _problems = load_registry([folder])
        recordings: dict[str, dict[str, str]] = {}
        for language, texts in spoken_texts(registry).items():
            for text in texts:
                name = recording_name(language, text)
                (audio / name).write_bytes(FAKE + text.encode())
                recordings.setdefault(language, {})[text] = name
        write_manifest(folder, recordings)
        # A file the command named but the manifest does not list is never served.
        (audio / recording_name("da", "Not listed")).write_bytes(b"ID3")
    return folder


@pytest.fixture
def use_copy(app, client, tmp_path):
    """Return a function that makes the apps read a copy of the shipped instruments."""

    def use(recorded: bool = True) -> Path:
        folder = copy_with_recordings(tmp_path / "instruments", recorded)
        registry, problems = load_registry([folder])
        assert [problem for problem in problems if problem.is_error] == []
        app.extensions["instruments"] = registry
        client.application.extensions["instruments"] = registry
        return folder

    return use


def page_parts(client, location: str) -> list[dict]:
    response = client.get(location)
    assert response.status_code == 200, response.status_code
    return parts_of(response.get_data(as_text=True))


def test_question_and_every_choice_carry_their_recording(use_copy, child_client):
    use_copy()
    client, _location = child_client("young")
    # cw_02 for a child of 6–9: the age band's own text has its own recording.
    parts = page_parts(client, "/respond/q/1")
    heading, *choices = parts
    assert heading["tag"] == "h1"
    assert heading["text"] == "Føler du dig tryg her?"
    assert len(choices) == 3 + 2
    assert [choice["text"] for choice in choices[-2:]] == ["Ved ikke", "Vil ikke svare"]
    for part in parts:
        assert part["audio"] == (
            f"/respond/audio/child_wellbeing/1/{recording_name('da', part['text'])}"
        )
        response = client.get(part["audio"])
        assert response.status_code == 200
        assert response.mimetype == "audio/mpeg"
        assert response.get_data() == FAKE + part["text"].encode()
        response.close()


def test_an_items_own_audio_file_speaks_its_main_text(use_copy, child_client):
    use_copy()
    client, _location = child_client("young")
    heading = page_parts(client, "/respond/q/0")[0]
    assert heading["audio"] == "/respond/media/child_wellbeing/1/cw_01/da"
    response = client.get(heading["audio"])
    assert response.get_data() == FAKE + b"cw_01"
    response.close()


def test_without_recordings_the_page_leaves_reading_to_the_device(use_copy, child_client):
    use_copy(recorded=False)
    client, _location = child_client("young")
    parts = page_parts(client, "/respond/q/1")
    assert len(parts) == 1 + 3 + 2
    assert [part["audio"] for part in parts] == [None] * len(parts)


@pytest.mark.parametrize(
    "path",
    [
        "child_wellbeing/1/manifest.json",
        f"child_wellbeing/1/{recording_name('da', 'Not listed')}",
        "child_wellbeing/1/..%2Fscales.yaml",
        "child_wellbeing/1/..%2F..%2Fetc%2Fpasswd",
        "child_wellbeing/1/cw_01.da.mp3",
        f"child_wellbeing/9/{recording_name('da', 'Ved ikke')}",
        f"nothing/1/{recording_name('da', 'Ved ikke')}",
    ],
)
def test_only_files_the_manifest_lists_are_served(use_copy, child_client, path):
    use_copy()
    client, _location = child_client("young")
    listed = client.get(f"/respond/audio/child_wellbeing/1/{recording_name('da', 'Ved ikke')}")
    assert listed.status_code == 200
    listed.close()
    assert client.get(f"/respond/audio/{path}").status_code == 404


def test_recordings_need_a_respondent_session(use_copy, client):
    use_copy()
    response = client.get(f"/respond/audio/child_wellbeing/1/{recording_name('da', 'Ved ikke')}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/respond/"

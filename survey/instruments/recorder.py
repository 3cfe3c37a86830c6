"""Recording an instrument folder's texts with the local speech engine.

espeak-ng speaks each text into a WAV file; LAME turns it into a mono MP3 of 32 kbit/s (about
4 kB a second of speech). MP3, because every browser the tablets run plays it — Safari on
older iPads does not play Ogg Opus. Both are small Debian packages (``make test-tools``).
The synthetic voice is only a floor under the device's own voices: a tablet without a Danish
voice still reads aloud. Human recordings replace the files (README, "Recorded audio").
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from survey.instruments import recorded
from survey.instruments.model import Instrument

#: The programs used, by name on PATH, with the Debian package that installs each.
ENGINE = "espeak-ng"
ENCODER = "lame"
PACKAGES = {ENGINE: "espeak-ng", ENCODER: "lame"}
#: espeak-ng's voice for each instrument language.
VOICES = {"da": "da", "en": "en"}
#: Words a minute: a little slower than espeak-ng's 175, for children who listen as they read.
WORDS_PER_MINUTE = 150
#: Kilobits a second of the mono MP3: clear speech, small files.
BITRATE = 32
#: Seconds one program may take for one text (a sentence takes a fraction of a second).
TIMEOUT = 60


class RecordingError(RuntimeError):
    """The speech engine or the encoder is missing or failed; the message says which."""


@dataclass
class Summary:
    """What one run did in one folder."""

    rendered: int = 0
    kept: int = 0
    removed: int = 0
    #: Human recordings (names the command did not give) that no text uses any more.
    left: list[str] = field(default_factory=list)


def find_tools() -> dict[str, str]:
    """Return the path of the speech engine and the encoder; raise RecordingError if missing."""
    tools = {}
    for name, package in PACKAGES.items():
        found = shutil.which(name)
        if found is None:
            raise RecordingError(
                f"{name} is not installed: install the Debian package {package} "
                "(or run 'make test-tools') and try again"
            )
        tools[name] = found
    return tools


def record(text: str, language: str, target: Path, tools: dict[str, str]) -> None:
    """Speak ``text`` in ``language`` into the MP3 file ``target`` (written whole or not at all)."""
    partial = target.with_name(f".{target.name}.part")
    with tempfile.TemporaryDirectory() as scratch:
        wav = Path(scratch) / "speech.wav"
        # The text goes in on stdin, never as an argument: a text may start with "-".
        speak = [tools[ENGINE], "-v", VOICES[language], "-s", str(WORDS_PER_MINUTE), "-b", "1"]
        _run([*speak, "-w", str(wav), "--stdin"], text)
        try:
            _run([tools[ENCODER], "--quiet", "-m", "m", "-b", str(BITRATE), str(wav), str(partial)])
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)


def _run(command: list[str], text: str | None = None) -> None:
    try:
        subprocess.run(  # noqa: S603  (a fixed program and list arguments, no shell)
            command,
            input=text,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=True,
        )
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "").strip().splitlines()
        reason = detail[-1] if detail else f"exit status {error.returncode}"
        raise RecordingError(f"{Path(command[0]).name} failed: {reason}") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RecordingError(f"{Path(command[0]).name} failed: {error}") from None


def record_folder(
    folder: Path,
    instruments: list[Instrument],
    selected: list[Instrument],
    languages: tuple[str, ...],
    tools: dict[str, str],
    force: bool = False,
) -> Summary:
    """Record the texts of ``selected`` in ``languages`` that have no recording yet.

    ``instruments`` are all of the folder's: recordings of texts none of them reads aloud any
    more are removed (only files the command named; human recordings are left and reported).
    ``force`` records again every file the command named, never a human recording.
    """
    recordings, _problems = recorded.read_manifest(folder)
    if recordings is None:
        raise RecordingError(f"{recorded.manifest_path(folder)} cannot be read; fix or delete it")
    summary = Summary()
    audio_folder = folder / recorded.AUDIO_FOLDER
    try:
        for language, texts in recorded.spoken_texts(selected, languages).items():
            by_text = recordings.setdefault(language, {})
            for text in sorted(texts):
                name = by_text.get(text)
                if name is not None and not (force and recorded.is_generated(name)):
                    summary.kept += 1
                    continue
                name = recorded.recording_name(language, text)
                audio_folder.mkdir(exist_ok=True)
                record(text, language, audio_folder / name, tools)
                by_text[text] = name
                summary.rendered += 1
    finally:
        # What was recorded before a failure stays recorded.
        _prune(recordings, recorded.spoken_texts(instruments), summary)
        recorded.write_manifest(folder, recordings)
    summary.removed = _remove_unlisted(audio_folder, recordings)
    return summary


def _prune(recordings: recorded.Recordings, wanted: dict[str, set[str]], summary: Summary) -> None:
    """Drop the entries of texts nobody reads aloud any more; note the human recordings."""
    dropped = set()
    for language, by_text in recordings.items():
        for text in set(by_text) - wanted.get(language, set()):
            dropped.add(by_text.pop(text))
    for language in [language for language, by_text in recordings.items() if not by_text]:
        del recordings[language]
    listed = {name for by_text in recordings.values() for name in by_text.values()}
    summary.left += sorted(name for name in dropped - listed if not recorded.is_generated(name))


def _remove_unlisted(audio_folder: Path, recordings: recorded.Recordings) -> int:
    """Delete the files the command named that the manifest no longer lists; return how many."""
    if not audio_folder.is_dir():
        return 0
    listed = {name for by_text in recordings.values() for name in by_text.values()}
    stale = [
        path
        for path in sorted(audio_folder.iterdir())
        if recorded.is_generated(path.name) and path.name not in listed
    ]
    for path in stale:
        path.unlink()
    return len(stale)

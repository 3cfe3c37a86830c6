"""Downloads: safe file names and the response that hands a file over, never cached."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from flask import Response, send_file, stream_with_context

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
#: Danish letters as Danes write them without æ, ø and å.
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def safe_filename(*parts: str) -> str:
    """Return a download file name of plain letters, digits, dots, dashes and underscores.

    Danish letters are spelt out (Døgn → Doegn), other accents dropped (é → e), and anything
    else (emoji, signs) becomes a dash.
    """
    text = "_".join(part for part in parts if part).translate(_DANISH)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", text).strip("-.") or "export"


def attachment(body: bytes | Iterable[str], filename: str, mimetype: str) -> Response:
    """Return ``body`` (bytes, or text chunks streamed as they come) as a download."""
    if isinstance(body, bytes):
        response = Response(body, mimetype=mimetype)
    else:
        response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def file_attachment(path: Path, filename: str, mimetype: str) -> Response:
    """Return a temporary file as a download; the file is deleted once it has been sent."""
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.call_on_close(lambda: os.unlink(path))
    response.headers["Cache-Control"] = "no-store"
    return response

"""Input that can never be stored is refused at the door with a clear 4xx.

* URL ids: ``<int:...>`` accepts only numbers that fit the database's integer columns, so a
  longer one is simply an address that does not exist (404), never a database error.
* Text: form fields and query values holding control characters (NUL and the like; tab and
  line breaks are fine) are refused with 400 before any view sees them. PostgreSQL cannot
  store NUL, and nobody types the others.
* Bodies: JSON only where a view reads JSON (background saves); elsewhere 415.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

#: The largest id a database integer column holds (PostgreSQL ``integer``).
MAX_ID = 2**31 - 1

#: The views that read a JSON body.
JSON_ENDPOINTS = {"respond.save_answer_json"}

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def parse_id(text: str) -> int | None:
    """Return the id written in ``text`` (ASCII digits that fit an id column), else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, bounded to what an id column can hold."""

    def __init__(self, map, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def refuse_bad_input() -> None:
    """Refuse JSON where none is read (415), and control characters in text (400)."""
    if request.is_json and request.endpoint not in JSON_ENDPOINTS and request.content_length:
        abort(415, description=_("This page takes a form, not JSON."))
    sources = (
        [request.args] if request.mimetype == "application/json" else [request.args, request.form]
    )
    for values in sources:
        for key, value in values.items(multi=True):
            if CONTROL.search(key) or CONTROL.search(value):
                abort(400, description=_("The form held characters that cannot be saved."))


def register(app: Flask) -> None:
    """Bound URL ids (before any route is added) and check text on every request."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_bad_input)

"""No input gives a server error, and refused input changes nothing (issue 13).

Every route of the URL map is called as every kind of visitor — nobody, an administrator, an
evaluator, a coordinator, a child and a staff member answering — with ids beyond what the
database holds, and with form and JSON bodies full of NUL and control characters, non-ASCII
digits, huge numbers, wrong JSON types and deep nesting. No answer may be a 5xx, and after
any 4xx every table (but the audit log, which notes refusals) is as it was.
"""

from __future__ import annotations

import itertools
import json
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from survey.demo_answers import FIRST_VERSIONS, assign_instruments
from survey.extensions import db
from survey.instruments import get_registry
from survey.models import AgeBand, Group, Layout
from survey.participants import register_participants

#: Routes left out, and why: files on disk, and signing out (which ends the visitor's role).
SKIPPED = {"static", "main.get_font", "admin.logout", "respond.pause"}

NASTY_TEXT = [
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\x7f",
    "²",
    "٢",
    "２",
    "9" * 100_000,
    str(2**64),
    "-1",
    "",
    "' OR 1=1--",
    "<script>alert(1)</script>",
    "Æ" * 5000,
]
NASTY_JSON = [
    [1, 2, 3],
    "text",
    2**80,
    None,
    {"index": True, "choice": "1", "seq": 1},
    {"index": 2**70, "choice": "1", "seq": 2**70},
    {"index": 0, "choice": ["1"], "seq": "1"},
    {"index": 0, "choice": "\x00", "seq": 1, "advance": "yes"},
    {"a": {"b": {"c": [None, 1.5, -0.0]}}},
]
DEEP_JSON = "[" * 50_000 + "]" * 50_000
IDS = ["0", str(2**31 - 1), str(2**31), "99999999999999999999", "-1", "abc", "1.5", "%00"]
ROLES = ("nobody", "admin", "evaluator", "coord_a", "child", "staff")


def form_fields() -> list[str]:
    """Every field name of the app's forms, and the few read straight from the request."""
    from flask_wtf import FlaskForm

    import survey.admin.forms
    import survey.exports.forms
    import survey.main.forms
    import survey.respond.forms  # noqa: F401  (their forms become subclasses of FlaskForm)

    names = {"choice", "answer", "talk", "idle", "code", "next", "item_sk_01", "item_sw_01"}
    forms = [FlaskForm]
    while forms:
        form = forms.pop()
        forms += form.__subclasses__()
        for klass in form.__mro__:
            names |= {n for n, v in vars(klass).items() if isinstance(v, UnboundField)}
    return sorted(names)


def snapshot() -> dict[str, list]:
    """Every row of every table but the audit log."""
    tables = db.metadata.sorted_tables
    return {
        table.name: sorted(map(repr, db.session.execute(sa.select(table)).all()))
        for table in tables
        if table.name != "audit_events"
    }


@pytest.fixture
def visitors(world, sign_in, make_app):
    """A client per kind of visitor, on an app with the same settings."""
    assign_instruments(world.draft, get_registry(), FIRST_VERSIONS)
    world.draft.open()
    child = register_participants(
        world.site_a, Group.CHILD, 1, age_band=AgeBand.AGE_10_12, layout=Layout.STANDARD
    )[0].code
    staff = register_participants(world.site_a, Group.STAFF, 1)[0].code
    db.session.commit()
    clients = {"nobody": make_app().test_client()}
    for name in ("admin", "evaluator", "coord_a"):
        clients[name] = sign_in(world.users[name])
    for name, code in (("child", child), ("staff", staff)):
        client = make_app().test_client()
        assert client.post("/respond/", data={"code": code}).status_code == 303
        clients[name] = client
    setup = {"assistance_mode": "alone", "layout": "standard", "scale_steps": "5"}
    setup |= {"text_size": "normal", "language": "da"}
    assert clients["child"].post("/respond/setup", data=setup).status_code == 303
    return clients


def routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every route that is called."""
    return sorted(
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIPPED
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


def url(rule, app, world, value: str | None = None) -> str:
    """Fill the rule's variables: real ids (or ``value`` everywhere) and nasty strings."""
    real = {
        "site_id": world.site_a.id,
        "study_id": world.study.id,
        "round_id": world.draft.id,
        "user_id": world.users["coord_a"].id,
        "participant_id": 1,
        "request_id": 1,
    }
    parts = []
    for piece in rule.split("<"):
        if ">" not in piece:
            parts.append(piece)
            continue
        variable, rest = piece.split(">", 1)
        converter, _, name = variable.rpartition(":")
        if converter.startswith("any("):
            filled = converter[4:-1].split(",")[0].strip()
        elif value is not None:
            filled = quote(value, safe="")
        elif converter == "int":
            filled = str(real.get(name, 0))
        else:
            filled = quote("x\x00y", safe="")
        parts.append(filled + rest)
    return "".join(parts)


def call(client, method, address, body=None, raw=None):
    if method == "GET":
        return client.get(address, query_string=body if isinstance(body, dict) else None)
    if raw is not None:
        return client.post(address, data=raw, headers={"Content-Type": "application/json"})
    if isinstance(body, dict) and body.get("__form__"):
        return client.post(address, data={k: v for k, v in body.items() if k != "__form__"})
    return client.post(address, data=json.dumps(body), headers={"Content-Type": "application/json"})


class Rows:
    """The tables as they were after the last request that was not refused."""

    def __init__(self) -> None:
        self.last = snapshot()

    def check(self, response, label) -> None:
        assert response.status_code < 500, (label, response.status_code)
        now = snapshot()
        if response.status_code >= 400:
            assert now == self.last, label  # refused: nothing changed
        self.last = now


@pytest.mark.sweep
def test_every_route_as_every_visitor_with_bad_ids_and_bad_bodies(app, world, visitors):
    fields = form_fields()
    rows = Rows()
    cases = 0
    covered = set()
    for (endpoint, rule, method), role in itertools.product(routes(app), ROLES):
        client = visitors[role]
        variants = []
        if "<" in rule:
            variants += [(url(rule, app, world, value), None, None) for value in IDS]
        address = url(rule, app, world)
        for text in NASTY_TEXT if role in ("admin", "child", "staff", "nobody") else NASTY_TEXT[:3]:
            # Long texts in a few fields at a time (a body beyond 2 MB only meets the 413).
            names = fields if len(text) < 1000 else fields[cases % 8 :: 8]
            variants.append((address, {"__form__": True, **dict.fromkeys(names, text)}, None))
        if method == "POST":
            variants += [(address, body, None) for body in NASTY_JSON]
            variants.append((address, None, DEEP_JSON))
        for address_, body, raw in variants:
            response = call(client, method, address_, body, raw)
            rows.check(response, (role, method, address_[:80], str(body)[:60]))
            cases += 1
        covered.add(endpoint)
    print(f"\n{cases} requests over {len(covered)} endpoints: {', '.join(sorted(covered))}")
    assert covered == {endpoint for endpoint, _rule, _method in routes(app)}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["index", "choice", "seq", "advance"]), children)
    ),
    max_leaves=12,
)
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40) | st.integers().map(str)


@pytest.mark.sweep
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_generated_requests_never_give_a_server_error(app, world, visitors, data):
    _endpoint, rule, method = data.draw(st.sampled_from(routes(app)), label="route")
    role = data.draw(st.sampled_from(ROLES), label="visitor")
    value = data.draw(st.none() | st.integers(-(2**70), 2**70).map(str) | texts, label="ids")
    address = url(rule, app, world, value if "<" in rule else None)
    if method == "GET" or data.draw(st.booleans(), label="form"):
        body = {"__form__": True} | data.draw(
            st.dictionaries(st.sampled_from(form_fields()), texts, max_size=6), label="fields"
        )
    else:
        body = data.draw(json_values, label="json")
    rows = Rows()
    response = call(visitors[role], method, address, body)
    rows.check(response, (role, method, address[:80], str(body)[:60]))

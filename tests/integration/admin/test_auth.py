"""Signing in and out: argon2id, lockout, rate limit, revocable sessions, CSRF, audit."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from survey.extensions import db
from survey.models import AuditEvent
from tests.factories import PASSWORD

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def audit_actions():
    return [
        event.action for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_sign_in_and_out(client, world):
    response = client.post(
        "/admin/login?next=/admin/users", data={"email": "ADMIN@example.org", "password": PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200
    assert client.post("/admin/logout").status_code == 303
    assert client.get("/admin/users").status_code == 302
    assert "auth.login" in audit_actions()
    assert "auth.logout" in audit_actions()


def test_sign_in_never_redirects_off_site(client, world):
    response = client.post(
        "/admin/login?next=https://evil.example/",
        data={"email": "admin@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_and_unknown_address_get_the_same_answer(client, world):
    wrong = client.post(
        "/admin/login", data={"email": "admin@example.org", "password": "wrong password!"}
    )
    unknown = client.post(
        "/admin/login", data={"email": "nobody@example.org", "password": "wrong password!"}
    )
    assert wrong.status_code == unknown.status_code == 401
    message = "Forkert e-mailadresse eller adgangskode"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert audit_actions().count("auth.login_failed") == 2


def test_sign_out_ends_sessions_everywhere(sign_in, world):
    laptop = sign_in(world.users["admin"])
    phone = sign_in(world.users["admin"])
    assert phone.get("/admin/").status_code == 200
    laptop.post("/admin/logout")
    assert phone.get("/admin/").status_code == 302


def test_replayed_cookie_after_sign_out_is_refused(sign_in, world, make_app):
    client = sign_in(world.users["admin"])
    cookie = client.get_cookie("session")
    client.post("/admin/logout")
    replay = make_app().test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/admin/").status_code == 302


def test_forms_without_csrf_token_are_refused(make_app, world):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post(
        "/admin/login", data={"email": "admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_session_cookie_is_http_only_and_lax(sign_in, world):
    client = sign_in(world.users["admin"])
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def post_login(client, password, address="10.9.9.9", email="admin@example.org"):
    return client.post(
        "/admin/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_passwords_lock_that_client_out_of_that_account_only(make_app, world):
    app = make_app()
    attacker = app.test_client()
    statuses = [post_login(attacker, "wrong password!").status_code for _ in range(5)]
    assert statuses == [401] * 5
    refused = post_login(attacker, PASSWORD)
    assert refused.status_code == 429  # even the right password, from this client
    assert "Prøv igen om 15 minutter" in refused.get_data(as_text=True)
    # The administrator at her own address signs in as usual.
    assert post_login(app.test_client(), PASSWORD, address="10.1.2.3").status_code == 303


def test_a_right_password_forgets_the_wrong_ones(make_app, world):
    app = make_app()
    client = app.test_client()
    for _ in range(4):
        post_login(client, "wrong password!")
    assert post_login(client, PASSWORD).status_code == 303
    client = app.test_client()
    assert [post_login(client, "wrong password!").status_code for _ in range(4)] == [401] * 4
    assert post_login(client, PASSWORD).status_code == 303


@pytest.mark.parametrize("successes", [0, 20])
def test_sign_in_counts_only_failures_per_client(make_app, world, successes):
    app = make_app(RATELIMIT_ENABLED=True)
    assert [post_login(app.test_client(), PASSWORD).status_code for _ in range(successes)] == [
        303
    ] * successes
    client = app.test_client()
    statuses = [
        post_login(client, "wrong password!", email=f"x{n}@example.org").status_code
        for n in range(12)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


@pytest.mark.parametrize(
    ("pauses", "signed_in"),
    [
        ([1700], True),  # 28 minutes idle
        ([1801], False),  # 30 minutes and a second
        ([1700] * 25, True),  # busy for almost 12 hours
        ([1700] * 26, False),  # ... but not beyond 12 hours
    ],
)
def test_sign_ins_end_after_30_idle_minutes_or_12_hours(sign_in, world, pauses, signed_in):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(world.users["admin"])
        for seconds in pauses:
            clock.shift(seconds)
            response = client.get("/admin/")
        assert (response.status_code == 200) is signed_in
        if not signed_in:
            assert response.headers["Location"].startswith("/admin/login")
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "logget ud" in page


def test_session_limits_are_configurable(sign_in, world):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(world.users["admin"], ADMIN_IDLE_SECONDS=60)
        clock.shift(61)
        assert client.get("/admin/").status_code == 303

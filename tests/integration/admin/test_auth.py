"""Signing in and out: argon2id, lockout, rate limit, revocable sessions, CSRF, audit."""

import sqlalchemy as sa

from survey.accounts import MAX_FAILED_LOGINS
from survey.extensions import db
from survey.models import AuditEvent, User
from tests.integration.admin.conftest import PASSWORD


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
    assert wrong.status_code == unknown.status_code == 200
    message = "Forkert e-mailadresse eller adgangskode"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert audit_actions().count("auth.login_failed") == 2


def test_account_locks_after_repeated_wrong_passwords(client, world):
    for _attempt in range(MAX_FAILED_LOGINS):
        client.post(
            "/admin/login", data={"email": "admin@example.org", "password": "wrong password!"}
        )
    user = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
    db.session.refresh(user)
    assert user.locked_until is not None
    response = client.post(
        "/admin/login", data={"email": "admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200  # the right password is refused while locked
    assert client.get("/admin/").status_code == 302


def test_a_success_resets_the_failure_count(client, world):
    for _attempt in range(MAX_FAILED_LOGINS - 1):
        client.post(
            "/admin/login", data={"email": "admin@example.org", "password": "wrong password!"}
        )
    assert (
        client.post(
            "/admin/login", data={"email": "admin@example.org", "password": PASSWORD}
        ).status_code
        == 303
    )
    user = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
    db.session.refresh(user)
    assert user.failed_logins == 0
    assert user.locked_until is None


def test_sign_in_is_rate_limited_per_client(make_app, world):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    statuses = [
        client.post(
            "/admin/login", data={"email": f"x{n}@example.org", "password": "wrong password!"}
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]


def test_sign_out_ends_sessions_everywhere(sign_in, world):
    laptop = sign_in("admin")
    phone = sign_in("admin")
    assert phone.get("/admin/").status_code == 200
    laptop.post("/admin/logout")
    assert phone.get("/admin/").status_code == 302


def test_replayed_cookie_after_sign_out_is_refused(sign_in, world, make_app):
    client = sign_in("admin")
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
    client = sign_in("admin")
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"

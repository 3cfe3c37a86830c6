"""`accounts.authenticate` and `load_user`: who is let in, and what the audit log says."""

import pytest
import sqlalchemy as sa

from survey.accounts import authenticate, load_user
from survey.extensions import db
from survey.models import AuditEvent
from tests.factories import PASSWORD


def events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.mark.parametrize(
    ("who", "password", "reason"),
    [("nobody", PASSWORD, "unknown_account"), ("evaluator", "wrong", "wrong_password"),
     ("blocked", PASSWORD, "inactive")],
)  # fmt: skip
def test_a_refused_sign_in_is_audited_with_its_reason(app, world, who, password, reason):
    users = {**world.users, "blocked": world.users["coord_b"]}
    users["blocked"].is_active = False
    db.session.commit()
    email = users[who].email if who in users else "nobody@example.org"
    with app.test_request_context("/admin/login", method="POST"):
        assert authenticate(email, password) is None
    [event] = events("auth.login_failed")
    assert event.details == {"reason": reason}
    assert event.actor_user_id == (users[who].id if who in users else None)


def test_a_sign_in_is_audited_and_dated(app, world):
    user = world.users["evaluator"]
    assert user.last_login_at is None
    with app.test_request_context("/admin/login", method="POST"):
        assert authenticate(user.email.upper(), PASSWORD) is user
    assert user.last_login_at is not None
    [event] = events("auth.login")
    assert (event.actor_user_id, event.object_type, event.object_id) == (
        user.id,
        "user",
        str(user.id),
    )


@pytest.mark.parametrize("identity", ["abc:nonce", "1:", "999:nonce", "", ":"])
def test_a_malformed_or_unknown_session_identity_is_nobody(world, identity):
    assert load_user(identity) is None


def test_a_session_identity_needs_the_users_current_nonce(world):
    user = world.users["evaluator"]
    assert load_user(f"{user.id}:{user.session_nonce}") is user
    assert load_user(f"{user.id}:{user.session_nonce}x") is None

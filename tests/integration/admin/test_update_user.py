"""`accounts.update_user`: the one write behind the user form, its guards, revocation and audit."""

import pytest
import sqlalchemy as sa

from survey.accounts import AccountError, update_user
from survey.extensions import db
from survey.models import AuditEvent, Role
from survey.passwords import verify_password


def audit_details():
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "user.update")).all()


def test_a_coordinator_without_a_site_is_refused_and_nothing_changes(world):
    evaluator, admin = world.users["evaluator"], world.users["admin"]
    nonce = evaluator.session_nonce
    with pytest.raises(AccountError) as refused:
        update_user(evaluator, actor=admin, role=Role.COORDINATOR, site=None, is_active=True)
    assert str(refused.value) == "A coordinator must belong to a site."
    assert (evaluator.role, evaluator.session_nonce) == (Role.EVALUATOR, nonce)
    assert audit_details() == []


@pytest.mark.parametrize(
    ("role", "is_active"), [(Role.EVALUATOR, True), (Role.ADMIN, False)], ids=["demote", "block"]
)
def test_an_admin_cannot_demote_or_block_themselves(world, role, is_active):
    admin = world.users["admin"]
    with pytest.raises(AccountError) as refused:
        update_user(admin, actor=admin, role=role, site=None, is_active=is_active)
    assert str(refused.value) == "You cannot remove your own administrator access."
    assert (admin.role, admin.is_active) == (Role.ADMIN, True)


def test_an_admin_may_save_themselves_unchanged_and_stays_signed_in(world):
    admin = world.users["admin"]
    nonce = admin.session_nonce
    update_user(admin, actor=admin, role=Role.ADMIN, site=None, is_active=True)
    assert admin.session_nonce == nonce
    [event] = audit_details()
    assert event.actor_user_id == admin.id
    assert event.object_type == "user"
    assert event.object_id == str(admin.id)
    assert event.details == {"role": "admin", "is_active": True, "password_changed": False}


def test_saving_a_coordinator_unchanged_keeps_their_sessions(world):
    coordinator = world.users["coord_a"]
    nonce = coordinator.session_nonce
    update_user(
        coordinator, actor=world.users["admin"], role=Role.COORDINATOR, site=world.site_a,
        is_active=True,
    )  # fmt: skip
    assert coordinator.session_nonce == nonce
    assert coordinator.site is world.site_a


def test_moving_a_coordinator_to_another_site_signs_them_out(world):
    coordinator = world.users["coord_a"]
    nonce = coordinator.session_nonce
    update_user(
        coordinator, actor=world.users["admin"], role=Role.COORDINATOR, site=world.site_b,
        is_active=True,
    )  # fmt: skip
    assert coordinator.session_nonce != nonce
    assert coordinator.site is world.site_b


def test_only_coordinators_keep_a_site(world):
    coordinator = world.users["coord_a"]
    update_user(
        coordinator, actor=world.users["admin"], role=Role.EVALUATOR, site=world.site_a,
        is_active=True,
    )  # fmt: skip
    db.session.flush()
    assert (coordinator.role, coordinator.site, coordinator.site_id) == (Role.EVALUATOR, None, None)


def test_a_new_password_replaces_the_old_one_and_signs_out(world):
    evaluator, admin = world.users["evaluator"], world.users["admin"]
    nonce = evaluator.session_nonce
    update_user(
        evaluator, actor=admin, role=Role.EVALUATOR, site=None, is_active=True,
        password="another long password",
    )  # fmt: skip
    assert verify_password(evaluator.password_hash, "another long password")
    assert not verify_password(evaluator.password_hash, "a password long enough")
    assert evaluator.session_nonce != nonce
    [event] = audit_details()
    assert (event.actor_user_id, event.object_id) == (admin.id, str(evaluator.id))
    assert event.details == {"role": "evaluator", "is_active": True, "password_changed": True}

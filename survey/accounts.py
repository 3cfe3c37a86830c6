"""Creating users: the one place that checks roles, sites and e-mail addresses."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey import audit, throttle
from survey.extensions import db
from survey.inputs import parse_id
from survey.models import Role, Site, User, utcnow
from survey.models.user import new_session_nonce
from survey.passwords import hash_password, verify_password

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A user that cannot be created as asked; the message says what to change."""


def parse_role(value: str) -> Role:
    """Return the role named ``value`` or raise AccountError listing the valid ones."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        valid = ", ".join(role.value for role in Role)
        raise AccountError(
            _l("Unknown role %(role)r; choose one of: %(valid)s.", role=value, valid=valid)
        ) from None


def normalise_email(value: str) -> str:
    """Return the e-mail address in lower case, or raise AccountError if it is not one."""
    email = value.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError(_l("%(value)r is not an e-mail address.", value=value))
    return email


def load_user(session_identity: str) -> User | None:
    """Return the active user whose id and session nonce match, else None (signed out)."""
    user_id, _, nonce = session_identity.partition(":")
    number = parse_id(user_id)
    if number is None or not nonce:
        return None
    user = db.session.get(User, number)
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(24))


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password is right and the account usable; count failures.

    Unknown addresses cost the same password check, so timing does not reveal accounts.
    Wrong passwords count per account and client (``throttle``); a client that has used up
    its attempts is refused (see ``throttle.account_wait``) without checking the password.
    """
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        if user is None or not user.is_active:
            verify_password(_dummy_hash(), password)
        throttle.account_failed(email)
        throttle.failed()
        reason = (
            "unknown_account"
            if user is None
            else ("inactive" if not user.is_active else "wrong_password")
        )
        audit.record("auth.login_failed", actor_user_id=user.id if user else None, reason=reason)
        return None
    throttle.account_succeeded(email)
    user.last_login_at = utcnow()
    audit.record("auth.login", actor_user_id=user.id, object_type="user", object_id=user.id)
    return user


def sign_out_everywhere(user: User) -> None:
    """Rotate the user's session nonce: every session of theirs stops working."""
    user.session_nonce = new_session_nonce()


def update_user(
    user: User,
    *,
    actor: User,
    role: Role,
    site: Site | None,
    is_active: bool,
    password: str | None = None,
) -> None:
    """Change a user's role, site, status or password (the caller commits); revoke sessions."""
    if role is Role.COORDINATOR and site is None:
        raise AccountError(_l("A coordinator must belong to a site."))
    if role is not Role.COORDINATOR:
        site = None
    if user.id == actor.id and (role is not Role.ADMIN or not is_active):
        raise AccountError(_l("You cannot remove your own administrator access."))
    changed = (user.role, user.site_id, user.is_active) != (
        role,
        site.id if site else None,
        is_active,
    )
    user.role, user.site, user.is_active = role, site, is_active
    if password:
        user.password_hash = hash_password(password)
    if changed or password:
        sign_out_everywhere(user)
    audit.record(
        "user.update",
        actor_user_id=actor.id,
        object_type="user",
        object_id=user.id,
        role=role.value,
        is_active=is_active,
        password_changed=bool(password),
    )


def create_user(
    email: str, role: Role, password: str, site: Site | None = None, actor: User | None = None
) -> User:
    """Add a user (the caller commits); coordinators need a site, other roles must have none."""
    email = normalise_email(email)
    if role is Role.COORDINATOR and site is None:
        raise AccountError(_l("A coordinator must belong to a site."))
    if role is not Role.COORDINATOR and site is not None:
        raise AccountError(_l("Only coordinators belong to a site."))
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(
            _l("A user with the e-mail address %(email)s already exists.", email=email)
        )
    user = User(email=email, role=role, password_hash=hash_password(password), site=site)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        actor_user_id=actor.id if actor else None,
        object_type="user",
        object_id=user.id,
        role=role.value,
    )
    return user


def find_site(reference: str) -> Site:
    """Return the site given by id or by exact name, or raise AccountError."""
    reference = reference.strip()
    number = parse_id(reference)
    if number is not None:
        site = db.session.get(Site, number)
        if site is not None:
            return site
    matches = db.session.scalars(sa.select(Site).where(Site.name == reference)).all()
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = ", ".join(str(site.id) for site in matches)
        raise AccountError(
            _l(
                "Several sites are called %(name)r; give the id instead (%(ids)s).",
                name=reference,
                ids=ids,
            )
        )
    raise AccountError(_l("No site %(name)r; give a site id or its exact name.", name=reference))

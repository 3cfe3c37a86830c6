"""Creating users: the one place that checks roles, sites and e-mail addresses."""

from __future__ import annotations

import re

import sqlalchemy as sa

from survey import audit
from survey.extensions import db
from survey.models import Role, Site, User
from survey.passwords import hash_password

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A user that cannot be created as asked; the message says what to change."""


def parse_role(value: str) -> Role:
    """Return the role named ``value`` or raise AccountError listing the valid ones."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        valid = ", ".join(role.value for role in Role)
        raise AccountError(f"Unknown role {value!r}; choose one of: {valid}.") from None


def normalise_email(value: str) -> str:
    """Return the e-mail address in lower case, or raise AccountError if it is not one."""
    email = value.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{value!r} is not an e-mail address.")
    return email


def load_user(session_identity: str) -> User | None:
    """Return the active user whose id and session nonce match, else None (signed out)."""
    user_id, _, nonce = session_identity.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_nonce != nonce:
        return None
    return user


def create_user(email: str, role: Role, password: str, site: Site | None = None) -> User:
    """Add a user (the caller commits); coordinators need a site, other roles must have none."""
    email = normalise_email(email)
    if role is Role.COORDINATOR and site is None:
        raise AccountError("A coordinator must belong to a site: give --site.")
    if role is not Role.COORDINATOR and site is not None:
        raise AccountError(f"Only coordinators belong to a site; a {role.value} sees all sites.")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"A user with the e-mail address {email} already exists.")
    user = User(email=email, role=role, password_hash=hash_password(password), site=site)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", object_type="user", object_id=user.id, role=role.value)
    return user


def find_site(reference: str) -> Site:
    """Return the site given by id or by exact name, or raise AccountError."""
    reference = reference.strip()
    if reference.isdigit():
        site = db.session.get(Site, int(reference))
        if site is not None:
            return site
    matches = db.session.scalars(sa.select(Site).where(Site.name == reference)).all()
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = ", ".join(str(site.id) for site in matches)
        raise AccountError(f"Several sites are called {reference!r}; give the id instead ({ids}).")
    raise AccountError(f"No site {reference!r}; give a site id or its exact name.")

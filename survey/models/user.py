"""People who sign in: administrators, evaluators and site coordinators."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.enums import Role
from survey.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from survey.models.study import Site


def new_session_nonce() -> str:
    """Return a fresh random nonce; changing it signs the user out everywhere."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Base):
    """A signed-in person; coordinators are bound to exactly one site."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case, so sign-in is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: argon2id hash in PHC string format.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id", ondelete="CASCADE"))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Checked on every request; rotated on sign-out and role change (revocable sessions).
    session_nonce: Mapped[str] = mapped_column(sa.String(64), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    site: Mapped[Site | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'coordinator') = (site_id IS NOT NULL)", name="site_for_coordinators_only"
        ),
        sa.CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="email_normalised"),
    )

    def get_id(self) -> str:
        """Return the session identity: id and nonce, so rotating the nonce ends every session."""
        return f"{self.id}:{self.session_nonce}"

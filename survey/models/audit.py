"""The audit trail: who did what to which object, and when. Never codes, never answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, utcnow


class AuditEvent(Base):
    """One append-only audit record."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The acting user's id; no foreign key, so the trail outlives the account.
    actor_user_id: Mapped[int | None]
    #: Dotted verb, e.g. ``auth.login_failed``, ``participant.create``, ``export.download``.
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    #: Ids, counts and filters only (see survey.audit.record).
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

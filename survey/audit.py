"""Writing the audit trail: ids and actions only, never codes or answers."""

from __future__ import annotations

from typing import Any

from survey.extensions import db
from survey.models import AuditEvent

_ALLOWED_DETAIL_TYPES = (int, float, bool, str, type(None))
_MAX_DETAIL_TEXT = 80


def record(
    action: str,
    *,
    actor_user_id: int | None = None,
    object_type: str | None = None,
    object_id: object = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits); details must be plain values."""
    for name, value in details.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if not isinstance(item, _ALLOWED_DETAIL_TYPES) or (
                isinstance(item, str) and len(item) > _MAX_DETAIL_TEXT
            ):
                raise ValueError(f"audit detail {name!r} must be a short plain value")
    event = AuditEvent(
        action=action,
        actor_user_id=actor_user_id,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details={name: list(v) if isinstance(v, tuple) else v for name, v in details.items()},
    )
    db.session.add(event)
    return event

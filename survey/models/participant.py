"""A pseudonymous participant: no names, no CPR numbers, no birth dates."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.enums import AgeBand, Group, Language, Layout
from survey.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from survey.models.study import Site, Study
    from survey.models.submission import Submission

#: An internal label ("Stue 2, A") is kept short so it cannot hold much more than a room.
LABEL_MAX_LENGTH = 40


class Participant(Base):
    """A pseudonym in one study and site; the access code is stored only as a keyed hash."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id", ondelete="CASCADE"))
    group: Mapped[Group] = mapped_column(enum_type(Group))
    #: Children only; staff have none.
    age_band: Mapped[AgeBand | None] = mapped_column(enum_type(AgeBand))
    layout: Mapped[Layout] = mapped_column(enum_type(Layout), default=Layout.STANDARD)
    language: Mapped[Language] = mapped_column(enum_type(Language), default=Language.DA)
    #: Optional internal label for the coordinator; never a name.
    label: Mapped[str | None] = mapped_column(sa.String(LABEL_MAX_LENGTH))
    #: HMAC-SHA256 of the normalised access code, keyed with PSEUDONYM_KEY (hex).
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    code_replaced_at: Mapped[datetime | None]

    study: Mapped[Study] = relationship()
    site: Mapped[Site] = relationship(back_populates="participants")
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "(\"group\" = 'child' AND age_band IS NOT NULL)"
            " OR (\"group\" = 'staff' AND age_band IS NULL)",
            name="age_band_for_children_only",
        ),
        sa.CheckConstraint("length(code_hash) = 64", name="code_hash_is_sha256_hex"),
        sa.Index("ix_participants_site_group", "site_id", "group"),
    )

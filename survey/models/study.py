"""A study, its sites, and its measurement rounds with the instruments each group answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.enums import Group, RoundStatus
from survey.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from survey.models.participant import Participant


class RoundStateError(Exception):
    """A round transition that its current status does not allow."""


class Study(Base):
    """One evaluation, with its sites, rounds and participants."""

    __tablename__ = "studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short, URL-safe name used on the command line (``--study demo``).
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: After this date ``survey purge`` deletes the study's answers.
    retention_until: Mapped[date | None]
    #: Children may ask, on the end page, to talk to an adult (the coordinator sees who).
    talk_requests_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sites: Mapped[list[Site]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="Site.name"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="Round.id"
    )

    __table_args__ = (sa.CheckConstraint("slug <> ''", name="slug_not_empty"),)


class Site(Base):
    """An institution taking part in a study."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Kind of institution, e.g. "døgninstitution" or "opholdssted".
    kind: Mapped[str | None] = mapped_column(sa.String(80))
    #: Municipality or region label, for grouping in reports.
    region: Mapped[str | None] = mapped_column(sa.String(80))

    study: Mapped[Study] = relationship(back_populates="sites")
    participants: Mapped[list[Participant]] = relationship(back_populates="site")

    __table_args__ = (
        sa.UniqueConstraint("study_id", "name"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
    )


class Round(Base):
    """A measurement round of a study, with a guarded status lifecycle."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(sa.ForeignKey("studies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(80))
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    status: Mapped[RoundStatus] = mapped_column(enum_type(RoundStatus), default=RoundStatus.DRAFT)

    study: Mapped[Study] = relationship(back_populates="rounds")
    instruments: Mapped[list[RoundInstrument]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundInstrument.position"
    )

    __table_args__ = (
        sa.UniqueConstraint("study_id", "name"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint(
            "opens_on IS NULL OR closes_on IS NULL OR opens_on <= closes_on", name="dates_in_order"
        ),
        # A respondent's code opens "the" open round of their study: there is at most one.
        sa.Index(
            "uq_rounds_one_open_per_study",
            "study_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    def __init__(self, **kwargs: object) -> None:
        # Every round starts as a draft, even before it is flushed.
        kwargs.setdefault("status", RoundStatus.DRAFT)
        super().__init__(**kwargs)

    _TRANSITIONS = {
        RoundStatus.DRAFT: RoundStatus.OPEN,
        RoundStatus.OPEN: RoundStatus.CLOSED,
        RoundStatus.CLOSED: RoundStatus.RELEASED,
    }

    def _advance(self, target: RoundStatus) -> None:
        if self._TRANSITIONS.get(self.status) is not target:
            raise RoundStateError(f"A {self.status.value} round cannot become {target.value}.")
        self.status = target

    def open(self) -> None:
        """Open a draft round for answers."""
        self._advance(RoundStatus.OPEN)

    def close(self) -> None:
        """Close an open round; no more answers are taken."""
        self._advance(RoundStatus.CLOSED)

    def release(self) -> None:
        """Release a closed round's reports to the sites."""
        self._advance(RoundStatus.RELEASED)

    def instruments_for(self, group: Group) -> list[RoundInstrument]:
        """Return the instruments the given group answers in this round, in order."""
        return [choice for choice in self.instruments if choice.group is group]


class RoundInstrument(Base):
    """One instrument (key and version) that one group answers in a round."""

    __tablename__ = "round_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    group: Mapped[Group] = mapped_column(enum_type(Group))
    instrument_key: Mapped[str] = mapped_column(sa.String(60))
    instrument_version: Mapped[int]
    #: Order in which the group meets the instruments.
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="instruments")

    __table_args__ = (
        sa.UniqueConstraint("round_id", "group", "instrument_key"),
        sa.CheckConstraint("instrument_version >= 1", name="version_positive"),
    )

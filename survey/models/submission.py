"""Submissions (one participant in one round), their answers, and children's talk requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.enums import (
    AssistanceMode,
    Language,
    Layout,
    MissingCode,
    SubmissionStatus,
    TextSize,
    WholePeriod,
)
from survey.instruments.periods import PERIODS
from survey.models.base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from survey.models.participant import Participant
    from survey.models.study import Round

#: The reference periods the database accepts: every code of ``PERIODS`` (a new code needs a
#: migration of the constraint, like a new enum value).
_PERIOD_CODES = ", ".join(f"'{code}'" for code in PERIODS)


class Submission(Base):
    """One participant's answers in one round."""

    __tablename__ = "submissions"

    #: Random, so a submission id reveals nothing and cannot be guessed from another.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_type(SubmissionStatus), default=SubmissionStatus.IN_PROGRESS
    )
    #: How a child answered; recorded by the adult on the setup page.
    assistance_mode: Mapped[AssistanceMode | None] = mapped_column(enum_type(AssistanceMode))
    layout: Mapped[Layout | None] = mapped_column(enum_type(Layout))
    language: Mapped[Language | None] = mapped_column(enum_type(Language))
    #: Choices per child item: the age band's default, or stepped down to 3 or 2 at setup.
    scale_steps: Mapped[int | None]
    read_aloud: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Read aloud only the question and its answers (not "Ved ikke" and "Vil ikke svare").
    read_brief: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    text_size: Mapped[TextSize] = mapped_column(
        enum_type(TextSize), default=TextSize.NORMAL, server_default=TextSize.NORMAL.value
    )
    high_contrast: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Single-switch scanning: choices light up one after another.
    switch_scanning: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Switch scanning says each control aloud as it lights up (auditory scanning).
    scan_aloud: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: The period ``{period}`` in a child's questions stands for: a code of
    #: ``survey.instruments.periods.PERIODS``, chosen at setup for ages 6-9 and ``weeks4`` for
    #: older children; None for staff and before setup (they read the default, ``weeks4``).
    reference_period: Mapped[str | None] = mapped_column(sa.String(20))
    #: Whether the child lived here for the whole reference period, as the adult said at setup
    #: (None: not answered). Evaluators need it to read counts of events.
    whole_period: Mapped[WholePeriod | None] = mapped_column(enum_type(WholePeriod))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    #: The live respondent session's nonce (in its cookie too); None when no session is live.
    #: Pause, the end, an idle pause and deactivation clear it, so a copied cookie stops.
    session_nonce: Mapped[str | None] = mapped_column(sa.String(64))

    participant: Mapped[Participant] = relationship(back_populates="submissions")
    round: Mapped[Round] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        sa.UniqueConstraint("participant_id", "round_id"),
        sa.CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)",
            name="completed_at_iff_completed",
        ),
        sa.CheckConstraint("scale_steps IS NULL OR scale_steps IN (2, 3, 5)", name="scale_steps"),
        sa.CheckConstraint(
            f"reference_period IS NULL OR reference_period IN ({_PERIOD_CODES})",
            name="reference_period",
        ),
    )

    def complete(self) -> None:
        """Mark the submission completed; the first completion's time stays."""
        if self.status is not SubmissionStatus.COMPLETED:
            self.status = SubmissionStatus.COMPLETED
            self.completed_at = utcnow()

    def decline(self) -> None:
        """Record that the child said "not today" (the caller checks that nothing is answered);
        the child may still start later in the round."""
        if self.status is SubmissionStatus.IN_PROGRESS:
            self.status = SubmissionStatus.DECLINED

    def resume(self) -> None:
        """A child who said "not today" answers after all: the submission is in progress again."""
        if self.status is SubmissionStatus.DECLINED:
            self.status = SubmissionStatus.IN_PROGRESS


class Answer(Base):
    """One item of one instrument in one submission: a value or a missing code."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE")
    )
    instrument_key: Mapped[str] = mapped_column(sa.String(60))
    instrument_version: Mapped[int]
    item_id: Mapped[str] = mapped_column(sa.String(60))
    #: Key of the response scale actually shown (e.g. ``faces3_amount``), so scores stay comparable.
    scale: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[int | None]
    missing_code: Mapped[MissingCode | None] = mapped_column(enum_type(MissingCode))
    #: Sequence number of this answer (when it was chosen, in ms); a lower one never wins.
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="answers")

    __table_args__ = (
        sa.UniqueConstraint("submission_id", "instrument_key", "item_id"),
        sa.CheckConstraint(
            "(value IS NULL) <> (missing_code IS NULL)", name="value_xor_missing_code"
        ),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.CheckConstraint("instrument_version >= 1", name="version_positive"),
    )


class TalkRequest(Base):
    """A child asked, on the end page, to talk to an adult. Holds no answer content."""

    __tablename__ = "talk_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE")
    )
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("rounds.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()
    round: Mapped[Round] = relationship()

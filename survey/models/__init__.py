"""The data model (DESIGN.md section 2); importing this module registers every table."""

from survey.enums import (
    AgeBand,
    AssistanceMode,
    Group,
    Language,
    Layout,
    MissingCode,
    Role,
    RoundStatus,
    SubmissionStatus,
    TextSize,
    WholePeriod,
)
from survey.models.audit import AuditEvent
from survey.models.base import Base, utcnow
from survey.models.participant import Participant
from survey.models.study import Round, RoundInstrument, RoundStateError, Site, Study
from survey.models.submission import Answer, Submission, TalkRequest
from survey.models.user import User

__all__ = [
    "AgeBand",
    "Answer",
    "AssistanceMode",
    "AuditEvent",
    "Base",
    "Group",
    "Language",
    "Layout",
    "MissingCode",
    "Participant",
    "Role",
    "Round",
    "RoundInstrument",
    "RoundStateError",
    "RoundStatus",
    "Site",
    "Study",
    "Submission",
    "SubmissionStatus",
    "TalkRequest",
    "TextSize",
    "User",
    "WholePeriod",
    "utcnow",
]

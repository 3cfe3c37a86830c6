"""Response rates per round, site and group: counts only, never answers."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Group, Participant, Round, Site, Submission, SubmissionStatus


@dataclass
class GroupCounts:
    """How many of a group were invited, started and completed."""

    invited: int = 0
    started: int = 0
    completed: int = 0

    @property
    def rate(self) -> float | None:
        """Return the share completed, or None when nobody was invited."""
        return self.completed / self.invited if self.invited else None

    def as_dict(self) -> dict[str, float | int | None]:
        """Return the counts for the JSON endpoint."""
        rate = None if self.rate is None else round(self.rate, 3)
        return {
            "invited": self.invited,
            "started": self.started,
            "completed": self.completed,
            "rate": rate,
        }


@dataclass
class SiteCounts:
    """One row of the dashboard."""

    site: Site
    groups: dict[Group, GroupCounts] = field(
        default_factory=lambda: {group: GroupCounts() for group in Group}
    )


def response_counts(round_: Round, sites: list[Site]) -> list[SiteCounts]:
    """Return invited (active participants), started and completed counts per site and group."""
    rows = {site.id: SiteCounts(site) for site in sites}
    if not rows:
        return []
    invited = db.session.execute(
        sa.select(Participant.site_id, Participant.group, sa.func.count())
        .where(Participant.site_id.in_(rows), Participant.is_active.is_(True))
        .group_by(Participant.site_id, Participant.group)
    )
    for site_id, group, count in invited:
        rows[site_id].groups[group].invited = count
    answered = db.session.execute(
        sa.select(Participant.site_id, Participant.group, Submission.status, sa.func.count())
        .join(Submission, Submission.participant_id == Participant.id)
        .where(Submission.round_id == round_.id, Participant.site_id.in_(rows))
        .group_by(Participant.site_id, Participant.group, Submission.status)
    )
    for site_id, group, status, count in answered:
        counts = rows[site_id].groups[group]
        counts.started += count
        if status is SubmissionStatus.COMPLETED:
            counts.completed += count
    return list(rows.values())

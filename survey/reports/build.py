"""From the database to a report model: response rates, scale scores with intervals,
changes from the previous round, item distributions — every figure under suppression.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from survey.admin.dashboard import GroupCounts, response_counts
from survey.extensions import db
from survey.instruments import get_registry
from survey.instruments.model import Harmonised, Instrument, Item
from survey.instruments.scoring import score_range, score_submission
from survey.models import (
    Answer,
    Group,
    Participant,
    Round,
    Site,
    Study,
    Submission,
    SubmissionStatus,
)
from survey.reports.stats import Change, Estimate, change, estimate, paired_change
from survey.reports.suppression import suppress


@dataclass
class ScoreFigures:
    """One scale score: the site, all sites, the site's previous round, and the change."""

    instrument: Instrument
    score_id: str
    label: dict[str, str]
    low: float
    high: float
    site: Estimate | None
    all_sites: Estimate | None
    previous: Estimate | None
    change: Change | None
    #: The site's figure is withheld: too few answers (or to protect another site's).
    site_hidden: bool
    site_n: int
    #: The site's figure is withheld only so that another site's cannot be worked out.
    site_complement: bool = False
    #: The same for the site's figure in the previous round.
    previous_complement: bool = False
    #: "better" or "worse": what a higher score means.
    higher_is: str = "better"


@dataclass
class ItemDistribution:
    """How the site's answers to one item spread over the reference scale's choices.

    When some answers (on a shorter rung) have no single equivalent there, the distribution
    is over the ladder's common variable instead, so that every answer counts as what it means.
    """

    instrument: Instrument
    item: Item
    #: Labels of the reference scale's (or common variable's) choices, per language.
    labels: list[dict[str, str]]
    shares: list[float]
    n: int
    hidden: bool


@dataclass
class SiteReport:
    """Everything a site's feedback report shows."""

    study: Study
    site: Site
    round: Round
    previous_round: Round | None
    language: str
    generated_on: date
    min_cell: int
    response: dict[Group, GroupCounts]
    scores: list[ScoreFigures] = field(default_factory=list)
    items: list[ItemDistribution] = field(default_factory=list)


@dataclass
class ScoreRow:
    """One row of a score table in the all-sites report."""

    name: str
    estimate: Estimate | None
    n: int


@dataclass
class AllSitesScore:
    """A scale score for every site, all sites together, and by how the children answered."""

    instrument: Instrument
    score_id: str
    label: dict[str, str]
    low: float
    high: float
    sites: list[ScoreRow]
    total: ScoreRow
    by_assistance: list[ScoreRow]
    #: "better" or "worse": what a higher score means.
    higher_is: str = "better"


@dataclass
class AllSitesReport:
    """The evaluators' report: every site side by side, under the same suppression."""

    study: Study
    round: Round
    language: str
    generated_on: date
    min_cell: int
    response: list[tuple[Site, dict[Group, GroupCounts]]]
    scores: list[AllSitesScore] = field(default_factory=list)


def _completed(round_: Round) -> list[Submission]:
    query = (
        sa.select(Submission)
        .join(Participant)
        .where(Submission.round_id == round_.id, Submission.status == SubmissionStatus.COMPLETED)
        .order_by(Participant.site_id, Participant.id)
        .options(selectinload(Submission.answers), joinedload(Submission.participant))
    )
    return list(db.session.scalars(query))


#: Scale scores of one completed submission: {(instrument key, score id): value}.
Scored = list[tuple[Submission, dict[tuple[str, str], float]]]
Grouped = dict[tuple[str, str], dict[object, list[float]]]


def _score_round(round_: Round) -> Scored:
    """Return every completed submission of the round with its scale scores (computed once)."""
    registry = get_registry()
    choices = {choice.instrument_key: choice.instrument_version for choice in round_.instruments}
    scored = []
    for submission in _completed(round_):
        by_key: dict[str, list[Answer]] = defaultdict(list)
        for answer in submission.answers:
            by_key[answer.instrument_key].append(answer)
        scores = {}
        for key, answers in by_key.items():
            if key not in choices:
                continue
            instrument = registry.get(key, choices[key])
            age_band = submission.participant.age_band
            for score_id, value in score_submission(instrument, answers, age_band).items():
                if value is not None:
                    scores[(key, score_id)] = value
        scored.append((submission, scores))
    return scored


def _group(scored: Scored, key_of: Callable[[Submission], object]) -> Grouped:
    """Return {(instrument key, score id): {group key: [scores]}} for a way of grouping."""
    found: Grouped = defaultdict(lambda: defaultdict(list))
    for submission, scores in scored:
        for score_key, value in scores.items():
            found[score_key][key_of(submission)].append(value)
    return found


def _by_site(submission: Submission) -> object:
    return submission.participant.site_id


def _by_person(submission: Submission) -> object:
    return (submission.participant.site_id, submission.participant_id)


def _change(
    before: Estimate | None,
    after: Estimate | None,
    people: tuple[Grouped, Grouped],
    score_key: tuple[str, str],
    site: Site,
    k: int,
) -> Change | None:
    """Return the change since the last round: paired where at least k of the site's people
    answered both rounds (each person's own change), else between the two groups."""
    if before is None or after is None:
        return None
    now, earlier = (group.get(score_key, {}) for group in people)
    both = [key for key in now if key[0] == site.id and key in earlier]
    if len(both) >= k:
        return paired_change([now[key][0] - earlier[key][0] for key in both])
    return change(before, after)


def previous_round(round_: Round) -> Round | None:
    """Return the study's round before this one (by id), if any."""
    earlier = [r for r in round_.study.rounds if r.id < round_.id]
    return earlier[-1] if earlier else None


def build_site_report(
    site: Site, round_: Round, language: str = "da", generated_on: date | None = None
) -> SiteReport:
    """Collect a site's figures for a round, with suppression applied."""
    return build_site_reports(round_, [site], language, generated_on)[0]


def build_site_reports(
    round_: Round, sites: list[Site], language: str = "da", generated_on: date | None = None
) -> list[SiteReport]:
    """Collect the figures of several sites for a round; shared figures are computed once."""
    k = current_app.config["MIN_CELL"]
    registry = get_registry()
    all_sites = list(round_.study.sites)
    counts = {row.site.id: row.groups for row in response_counts(round_, all_sites)}
    earlier_round = previous_round(round_)
    scored_now = _score_round(round_)
    scored_before = _score_round(earlier_round) if earlier_round else []
    now, before = _group(scored_now, _by_site), _group(scored_before, _by_site)
    people = (_group(scored_now, _by_person), _group(scored_before, _by_person))
    instruments = [registry.get(c.instrument_key, c.instrument_version) for c in round_.instruments]
    reports = []
    for site in sites:
        report = SiteReport(
            study=round_.study,
            site=site,
            round=round_,
            previous_round=earlier_round,
            language=language,
            generated_on=generated_on or date.today(),
            min_cell=k,
            response=counts[site.id],
        )
        for instrument in instruments:
            figures = [
                _site_score(instrument, score, site, all_sites, now, before, k, people)
                for score in instrument.scores
            ]
            report.scores += figures
            # A site hidden to protect another must not show what its score could be read from.
            protect = any(figure.site_complement for figure in figures)
            report.items += _distributions(instrument, site, round_, k, protect)
        reports.append(report)
    return reports


def _site_score(  # type: ignore[no-untyped-def]
    instrument: Instrument,
    score,
    site: Site,
    sites: list[Site],
    now: Grouped,
    before: Grouped,
    k: int,
    people: tuple[Grouped, Grouped],
) -> ScoreFigures:
    per_site = now.get((instrument.key, score.id), {})
    hidden = suppress({site_.id: len(per_site.get(site_.id, [])) for site_ in sites}, k)
    values = per_site.get(site.id, [])
    everyone = [value for site_values in per_site.values() for value in site_values]
    low, high = score_range(instrument, score)
    site_estimate = (
        estimate(values, (low, high)) if hidden.shows(site.id) and len(values) >= k else None
    )
    # The previous round was published under its own suppression: show only what it showed.
    per_site_before = before.get((instrument.key, score.id), {})
    hidden_before = suppress({s.id: len(per_site_before.get(s.id, [])) for s in sites}, k)
    earlier = per_site_before.get(site.id, [])
    previous_estimate = (
        estimate(earlier, (low, high))
        if hidden_before.shows(site.id) and len(earlier) >= k
        else None
    )
    return ScoreFigures(
        instrument=instrument,
        score_id=score.id,
        label=score.label,
        low=low,
        high=high,
        site=site_estimate,
        all_sites=estimate(everyone, (low, high))
        if len(everyone) >= k and not hidden.total_hidden
        else None,
        previous=previous_estimate,
        change=_change(
            previous_estimate, site_estimate, people, (instrument.key, score.id), site, k
        ),
        site_hidden=site_estimate is None,
        site_n=len(values),
        site_complement=len(values) >= k and not hidden.shows(site.id),
        previous_complement=len(earlier) >= k and not hidden_before.shows(site.id),
        higher_is=score.higher_is,
    )


def _rows(
    names: dict[object, str],
    values: dict[object, list[float]],
    k: int,
    bounds: tuple[float, float],
) -> list[ScoreRow]:
    sizes = {key: len(values.get(key, [])) for key in names}
    hidden = suppress(sizes, k)
    return [
        ScoreRow(
            name,
            estimate(values.get(key, []), bounds)
            if hidden.shows(key) and sizes[key] >= k
            else None,
            sizes[key],
        )
        for key, name in names.items()
    ]


def build_all_sites_report(
    round_: Round, language: str = "da", generated_on: date | None = None
) -> AllSitesReport:
    """Collect every site's figures for a round, and the children's by assistance mode."""
    k = current_app.config["MIN_CELL"]
    registry = get_registry()
    sites = list(round_.study.sites)
    counts = {row.site.id: row.groups for row in response_counts(round_, sites)}
    report = AllSitesReport(
        study=round_.study,
        round=round_,
        language=language,
        generated_on=generated_on or date.today(),
        min_cell=k,
        response=[(site, counts[site.id]) for site in sites],
    )
    scored = _score_round(round_)
    per_site = _group(scored, _by_site)
    per_mode = _group(scored, lambda submission: submission.assistance_mode)
    site_names: dict[object, str] = {site.id: site.name for site in sites}
    for choice in round_.instruments:
        instrument = registry.get(choice.instrument_key, choice.instrument_version)
        for score in instrument.scores:
            values = per_site.get((instrument.key, score.id), {})
            everyone = [value for site_values in values.values() for value in site_values]
            modes = per_mode.get((instrument.key, score.id), {})
            mode_names: dict[object, str] = {mode: mode.value for mode in modes if mode is not None}
            low, high = score_range(instrument, score)
            report.scores.append(
                AllSitesScore(
                    instrument=instrument,
                    score_id=score.id,
                    label=score.label,
                    low=low,
                    high=high,
                    sites=_rows(site_names, values, k, (low, high)),
                    total=ScoreRow(
                        "",
                        estimate(everyone, (low, high)) if len(everyone) >= k else None,
                        len(everyone),
                    ),
                    by_assistance=_rows(mode_names, modes, k, (low, high))
                    if instrument.respondent is Group.CHILD
                    else [],
                    higher_is=score.higher_is,
                )
            )
    return report


def _distributions(
    instrument: Instrument, site: Site, round_: Round, k: int, protect: bool = False
) -> list[ItemDistribution]:
    """Return the spread of the site's answers per item, from completed submissions."""
    query = (
        sa.select(Answer)
        .join(Submission)
        .join(Participant)
        .where(
            Submission.round_id == round_.id,
            Submission.status == SubmissionStatus.COMPLETED,
            Participant.site_id == site.id,
            Answer.instrument_key == instrument.key,
            Answer.value.is_not(None),
        )
    )
    by_item: dict[str, list[Harmonised]] = defaultdict(list)
    for answer in db.session.scalars(query):
        item = instrument.item(answer.item_id)
        by_item[item.id].append(instrument.harmonise(item, answer.scale, answer.value))
    distributions = []
    for item in instrument.items:
        meanings = by_item.get(item.id, [])
        scale = instrument.reference_scale(item)
        codes = [meaning.reference for meaning in meanings]
        ladder = instrument.ladders[item.ladder] if item.ladder else None
        if ladder and (ladder.report_common or None in codes):
            # Events as "at least once"; and where some answers have no single 5-point
            # equivalent, every answer on the common variable rather than a guess.
            scale = ladder.common.scale  # type: ignore[union-attr]
            codes = [meaning.common for meaning in meanings]
        counter = Counter(codes)
        n = len(codes)
        labels = [point.label for point in scale.points]
        shares = [counter[code] / n if n else 0.0 for code in scale.codes]
        distributions.append(
            ItemDistribution(instrument, item, labels, shares, n, hidden=protect or n < k)
        )
    return distributions

"""From the database to a report model: response rates, scale scores with intervals,
changes from the previous round, item distributions — every figure under suppression.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from survey.extensions import db
from survey.instruments import get_registry
from survey.instruments.model import Harmonised, Instrument, Item, Score
from survey.instruments.scoring import score_range, score_submission
from survey.models import (
    AgeBand,
    Answer,
    AssistanceMode,
    Group,
    Participant,
    Round,
    Site,
    Study,
    Submission,
    SubmissionStatus,
)
from survey.reports.disclosure import Figure, average, decide
from survey.reports.stats import (
    Change,
    Estimate,
    change,
    estimate,
    paired_change,
    share_estimate,
)
from survey.web.rates import GroupCounts, response_counts


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
    #: The same for the site's figure in the previous round, and for the all-sites figure.
    previous_complement: bool = False
    all_sites_complement: bool = False
    #: "better" or "worse": what a higher score means.
    higher_is: str = "better"
    #: How the score is built (``model.SCORE_METHODS``): "any" is shown as a percentage,
    #: "count" on an axis that fits the figures (its range has no natural end).
    method: str = "mean"
    #: The previous round asked this score (the same name in its instrument version).
    asked_before: bool = True


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
    #: Withheld although n is large enough, so that another figure cannot be worked out.
    protected: bool = False


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
    by_age_band: list[ScoreRow] = field(default_factory=list)
    #: "better" or "worse": what a higher score means.
    higher_is: str = "better"
    #: How the score is built (see ``ScoreFigures.method``).
    method: str = "mean"


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


@dataclass(frozen=True)
class Respondent:
    """Who gave a completed submission, as far as the reports group people."""

    participant_id: int
    site_id: int
    #: Children only.
    age_band: AgeBand | None
    assistance_mode: AssistanceMode | None


#: Scale scores of each completed submission: {(instrument key, score id): value}.
Scored = list[tuple[Respondent, dict[tuple[str, str], float]]]
Grouped = dict[tuple[str, str], dict[object, list[float]]]


def _score_round(round_: Round) -> Scored:
    """Return every completed submission of the round with its scale scores (computed once).

    One query of plain rows (past the ORM): reports read hundreds of thousands of answers per
    round. A person has one submission per round, so their rows are their submission's.
    """
    registry = get_registry()
    instruments = {
        choice.instrument_key: registry.get(choice.instrument_key, choice.instrument_version)
        for choice in round_.instruments
    }
    percent = {
        (key, score.id)
        for key, instrument in instruments.items()
        for score in instrument.scores
        if score.method == "any"
    }
    rows = db.session.connection().execute(
        sa.select(
            Participant.id,
            Participant.site_id,
            Participant.age_band,
            Submission.assistance_mode,
            Answer.instrument_key,
            Answer.item_id,
            Answer.scale,
            Answer.value,
            Answer.missing_code,
            Answer.instrument_version,
        )
        .join(Participant, Submission.participant_id == Participant.id)
        .outerjoin(Answer, Answer.submission_id == Submission.id)
        .where(Submission.round_id == round_.id, Submission.status == SubmissionStatus.COMPLETED)
        .order_by(Participant.site_id, Participant.id)
    )
    scored = []
    for _id, answers in groupby(rows, key=itemgetter(0)):
        answers = list(answers)
        respondent = Respondent(*answers[0][0:4])
        by_key: dict[str, list] = defaultdict(list)
        for answer in answers:
            instrument = instruments.get(answer.instrument_key)
            if instrument is not None and answer.instrument_version == instrument.version:
                by_key[answer.instrument_key].append(answer)
        scores = {}
        for key, given in by_key.items():
            values = score_submission(instruments[key], given, respondent.age_band)
            scores.update(
                {
                    (key, score): value * 100 if (key, score) in percent else value
                    for score, value in values.items()
                    if value is not None
                }
            )
        scored.append((respondent, scores))
    return scored


def estimator(score: Score) -> Callable[[list[float], tuple[float, float]], Estimate | None]:
    """Return how a group's figure is estimated: a share (in percent) with Wilson's interval,
    a mean with Student's t."""
    if score.method == "any":
        return lambda values, _bounds: share_estimate(values)
    return estimate


def report_range(instrument: Instrument, score: Score) -> tuple[float, float]:
    """Return the range a report shows a score on: a share with an event as a percentage."""
    return (0.0, 100.0) if score.method == "any" else score_range(instrument, score)


def _group(scored: Scored, key_of: Callable[[Respondent], object]) -> Grouped:
    """Return {(instrument key, score id): {group key: [scores]}} for a way of grouping."""
    found: Grouped = defaultdict(lambda: defaultdict(list))
    for respondent, scores in scored:
        for score_key, value in scores.items():
            found[score_key][key_of(respondent)].append(value)
    return found


#: Which figures of each score must not be printed: {(instrument key, score id): keys}.
Hidden = dict[tuple[str, str], frozenset]

#: Figure keys: ("all", round id), ("site", site id, round id), ("mode", assistance mode,
#: round id), ("band", age band, round id), ("paired", site id, round id).
ALL, SITE, MODE, BAND, PAIRED = "all", "site", "mode", "band", "paired"


class Scoring(NamedTuple):
    """The study's rounds up to and including a round, in order, each scored, and which of
    their figures disclosure control withholds: computed once for all of a round's reports."""

    rounds: list[tuple[Round, Scored]]
    hidden: Hidden


def score_rounds(round_: Round) -> Scoring:
    """Score the study's rounds up to ``round_`` and decide what must not be printed."""
    rounds = [(r, _score_round(r)) for r in round_.study.rounds if r.id <= round_.id]
    return Scoring(rounds, _hidden(rounds, current_app.config["MIN_CELL"]))


def _figures(rounds: list[tuple[Round, Scored]], score_key: tuple[str, str]) -> list[list[Figure]]:
    """Return, round by round, every figure of one score that some report prints.

    A cell is one person's score in one round: (round id, participant id).
    """
    batches: list[list[Figure]] = []
    earlier: dict[int, int] = {}  # participant id: site id, in the round before
    for index, (round_, scored) in enumerate(rounds):
        groups: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        now: dict[int, int] = {}
        for person, scores in scored:
            if score_key not in scores:
                continue
            cell = (round_.id, person.participant_id)
            now[person.participant_id] = person.site_id
            groups[(ALL,)].append(cell)
            groups[(SITE, person.site_id)].append(cell)
            if person.assistance_mode is not None:
                groups[(MODE, person.assistance_mode.value)].append(cell)
            if person.age_band is not None:  # children only
                groups[(BAND, person.age_band.value)].append(cell)
        order = {ALL: 3, SITE: 2, MODE: 1, BAND: 1}
        batch = [average((*key, round_.id), cells, order[key[0]]) for key, cells in groups.items()]
        if index:
            previous = rounds[index - 1][0].id
            both: dict[int, list[int]] = defaultdict(list)  # site id: people in both rounds
            for person_id, site_id in now.items():
                if person_id in earlier:
                    both[site_id].append(person_id)
            batch += [
                Figure(
                    (PAIRED, site_id, round_.id),
                    {(round_.id, p): 1.0 for p in people} | {(previous, p): -1.0 for p in people},
                    len(people),
                    needs=((SITE, site_id, round_.id), (SITE, site_id, previous)),
                )
                for site_id, people in both.items()
            ]
        batches.append(batch)
        earlier = now
    return batches


def _hidden(rounds: list[tuple[Round, Scored]], k: int) -> Hidden:
    """Decide, for every score, which figures no report may print (see ``disclosure``)."""
    keys = {key for _round, scored in rounds for _s, scores in scored for key in scores}
    return {
        key: decide(_figures(rounds, key), k, person=lambda cell: cell[1]) for key in sorted(keys)
    }


def _by_site(person: Respondent) -> object:
    return person.site_id


def _by_person(person: Respondent) -> object:
    return (person.site_id, person.participant_id)


def _change(
    before: Estimate | None,
    after: Estimate | None,
    people: tuple[dict[object, list[float]], dict[object, list[float]]],
    site: Site,
    paired_shown: bool,
) -> Change | None:
    """Return the change since the last round: each person's own change where the same
    people's change may be printed, else the change between the two rounds' groups."""
    if before is None or after is None:
        return None
    now, earlier = people
    if paired_shown:
        both = [key for key in now if key[0] == site.id and key in earlier]
        return paired_change([now[key][0] - earlier[key][0] for key in both])
    return change(before, after)


def build_site_report(site: Site, round_: Round, language: str, generated_on: date) -> SiteReport:
    """Collect a site's figures for a round, with suppression applied."""
    return build_site_reports(round_, [site], language, generated_on)[0]


def build_site_reports(
    round_: Round,
    sites: list[Site],
    language: str,
    generated_on: date,
    scoring: Scoring | None = None,
) -> list[SiteReport]:
    """Collect the figures of several sites for a round; shared figures are computed once
    (``scoring``: the rounds as ``score_rounds`` scored them, when the caller holds them)."""
    k = current_app.config["MIN_CELL"]
    registry = get_registry()
    all_sites = list(round_.study.sites)
    counts = {row.site.id: row.groups for row in response_counts(round_, all_sites)}
    rounds, hidden = scoring or score_rounds(round_)
    earlier_round = rounds[-2][0] if len(rounds) > 1 else None
    scored_now = rounds[-1][1]
    scored_before = rounds[-2][1] if earlier_round else []
    now, before = _group(scored_now, _by_site), _group(scored_before, _by_site)
    people = (_group(scored_now, _by_person), _group(scored_before, _by_person))
    instruments = [registry.get(c.instrument_key, c.instrument_version) for c in round_.instruments]
    answered = _answers_by_site(round_, instruments, sites)
    reports = []
    for site in sites:
        report = SiteReport(
            study=round_.study,
            site=site,
            round=round_,
            previous_round=earlier_round,
            language=language,
            generated_on=generated_on,
            min_cell=k,
            response=counts[site.id],
        )
        for instrument in instruments:
            figures = [
                _site_score(
                    instrument,
                    score,
                    site,
                    (round_, earlier_round),
                    (now, before),
                    people,
                    hidden.get((instrument.key, score.id), frozenset()),
                    k,
                )
                for score in instrument.scores
            ]
            report.scores += figures
            # A site hidden to protect another must not show what its score could be read from.
            protect = any(figure.site_complement for figure in figures)
            report.items += _distributions(
                instrument, answered.get((site.id, instrument.key), {}), k, protect
            )
        reports.append(report)
    return reports


def _site_score(  # type: ignore[no-untyped-def]
    instrument: Instrument,
    score,
    site: Site,
    rounds: tuple[Round, Round | None],
    grouped: tuple[Grouped, Grouped],
    people: tuple[Grouped, Grouped],
    hidden: frozenset,
    k: int,
) -> ScoreFigures:
    key = (instrument.key, score.id)
    round_, earlier_round = rounds
    per_site, per_site_before = (group.get(key, {}) for group in grouped)
    values = per_site.get(site.id, [])
    earlier = per_site_before.get(site.id, [])
    everyone = [value for site_values in per_site.values() for value in site_values]
    low, high = report_range(instrument, score)

    def shown(figure: tuple, group: list[float]) -> Estimate | None:
        return estimator(score)(group, (low, high)) if group and figure not in hidden else None

    site_estimate = shown((SITE, site.id, round_.id), values)
    # The previous round was published under its own decision: show only what it showed.
    previous_estimate = shown((SITE, site.id, earlier_round.id), earlier) if earlier_round else None
    all_sites = shown((ALL, round_.id), everyone)
    return ScoreFigures(
        instrument=instrument,
        score_id=score.id,
        label=score.label,
        low=low,
        high=high,
        site=site_estimate,
        all_sites=all_sites,
        previous=previous_estimate,
        change=_change(
            previous_estimate,
            site_estimate,
            tuple(group.get(key, {}) for group in people),  # type: ignore[arg-type]
            site,
            (PAIRED, site.id, round_.id) not in hidden,
        ),
        site_hidden=site_estimate is None,
        site_n=len(values),
        site_complement=len(values) >= k and site_estimate is None,
        previous_complement=len(earlier) >= k and previous_estimate is None,
        all_sites_complement=len(everyone) >= k and all_sites is None,
        higher_is=score.higher_is,
        method=score.method,
        asked_before=earlier_round is not None and _asks(earlier_round, instrument.key, score.id),
    )


def _asks(round_: Round, key: str, score_id: str) -> bool:
    """Tell whether a round's version of an instrument has a score of this name."""
    registry = get_registry()
    return any(
        score.id == score_id
        for choice in round_.instruments
        if choice.instrument_key == key
        for score in registry.get(choice.instrument_key, choice.instrument_version).scores
    )


def _rows(
    names: dict[object, str],
    values: dict[object, list[float]],
    figure: Callable[[object], tuple],
    hidden: frozenset,
    k: int,
    bounds: tuple[float, float],
    score: Score,
) -> list[ScoreRow]:
    rows = []
    for key, name in names.items():
        group = values.get(key, [])
        shown = bool(group) and figure(key) not in hidden
        rows.append(
            ScoreRow(
                name,
                estimator(score)(group, bounds) if shown else None,
                len(group),
                protected=len(group) >= k and not shown,
            )
        )
    return rows


def build_all_sites_report(
    round_: Round, language: str, generated_on: date, scoring: Scoring | None = None
) -> AllSitesReport:
    """Collect every site's figures for a round, and the children's by assistance mode and
    by age band (``scoring`` as for ``build_site_reports``)."""
    k = current_app.config["MIN_CELL"]
    registry = get_registry()
    sites = list(round_.study.sites)
    counts = {row.site.id: row.groups for row in response_counts(round_, sites)}
    report = AllSitesReport(
        study=round_.study,
        round=round_,
        language=language,
        generated_on=generated_on,
        min_cell=k,
        response=[(site, counts[site.id]) for site in sites],
    )
    rounds, hidden = scoring or score_rounds(round_)
    scored = rounds[-1][1]
    per_site = _group(scored, _by_site)
    per_mode = _group(
        scored, lambda person: person.assistance_mode and person.assistance_mode.value
    )
    per_band = _group(scored, lambda person: person.age_band and person.age_band.value)
    site_names: dict[object, str] = {site.id: site.name for site in sites}
    for choice in round_.instruments:
        instrument = registry.get(choice.instrument_key, choice.instrument_version)
        for score in instrument.scores:
            key = (instrument.key, score.id)
            values = per_site.get(key, {})
            everyone = [value for site_values in values.values() for value in site_values]
            bounds = report_range(instrument, score)
            # Only children answer with an assistance mode and have an age band.
            modes = {mode: mode for mode in per_mode.get(key, {}) if mode is not None}
            bands = sorted(
                (band for band in per_band.get(key, {}) if band is not None),
                key=lambda band: int(band.split("-")[0]),
            )
            rows = partial(
                _rows, hidden=hidden.get(key, frozenset()), k=k, bounds=bounds, score=score
            )
            report.scores.append(
                AllSitesScore(
                    instrument=instrument,
                    score_id=score.id,
                    label=score.label,
                    low=bounds[0],
                    high=bounds[1],
                    sites=rows(site_names, values, lambda site_id: (SITE, site_id, round_.id)),
                    total=rows({ALL: ""}, {ALL: everyone}, lambda _all: (ALL, round_.id))[0],
                    by_assistance=rows(
                        modes, per_mode.get(key, {}), lambda mode: (MODE, mode, round_.id)
                    ),
                    by_age_band=rows(
                        {band: band for band in bands},
                        per_band.get(key, {}),
                        lambda band: (BAND, band, round_.id),
                    ),
                    higher_is=score.higher_is,
                    method=score.method,
                )
            )
    return report


def _answers_by_site(
    round_: Round, instruments: list[Instrument], sites: list[Site]
) -> dict[tuple[int, str], dict[str, list[Harmonised]]]:
    """Return what the sites' completed submissions answered (values, not missing codes), as
    meanings on each item's scales: {(site id, instrument key): {item id: [meanings]}}. One
    query of plain rows for all the sites."""
    by_key = {instrument.key: instrument for instrument in instruments}
    rows = db.session.connection().execute(
        sa.select(
            Participant.site_id,
            Answer.instrument_key,
            Answer.instrument_version,
            Answer.item_id,
            Answer.scale,
            Answer.value,
        )
        .join(Submission, Answer.submission_id == Submission.id)
        .join(Participant, Submission.participant_id == Participant.id)
        .where(
            Submission.round_id == round_.id,
            Submission.status == SubmissionStatus.COMPLETED,
            Participant.site_id.in_([site.id for site in sites]),
            Answer.instrument_key.in_(list(by_key)),
            Answer.value.is_not(None),
        )
    )
    answered: dict[tuple[int, str], dict[str, list[Harmonised]]] = defaultdict(
        lambda: defaultdict(list)
    )
    meaning: dict[tuple[str, str, str, int], Harmonised] = {}  # few distinct answers, many rows
    for site_id, key, version, item_id, scale, value in rows:
        instrument = by_key[key]
        if version != instrument.version:
            continue  # given with another version of the questionnaire
        found = meaning.get((key, item_id, scale, value))
        if found is None:
            found = instrument.harmonise(instrument.item(item_id), scale, value)
            meaning[key, item_id, scale, value] = found
        answered[site_id, key][item_id].append(found)
    return answered


def _distributions(
    instrument: Instrument, by_item: dict[str, list[Harmonised]], k: int, protect: bool
) -> list[ItemDistribution]:
    """Return the spread of a site's answers per item (``_answers_by_site``)."""
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

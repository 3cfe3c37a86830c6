"""Scale scores per submission: reverse coding, missing codes left out, a minimum answered.

Children may answer an item on its 5-, 3- or 2-point version. Every answer counts with the
code its ladder declares it means on the item's reference scale (the longest rung); a score
that would need an answer without a single equivalent there (3-point "Ja, flere gange") does
not exist for that submission, rather than guessing. Sums are prorated to all of the score's
items, so respondents who skipped an item stay comparable; estimated counts are prorated to
the items shown. ``model.SCORE_METHODS`` names the kinds of score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from survey.enums import AgeBand, MissingCode
from survey.instruments.model import Instrument, Item, Score


class ScoredAnswer(Protocol):
    """What scoring needs of an answer (``survey.models.Answer`` has it)."""

    item_id: str
    scale: str
    value: int | None
    missing_code: MissingCode | None


def scored_value(instrument: Instrument, item: Item, answer: ScoredAnswer) -> float | None:
    """Return the answer's reference code after reverse coding.

    None for a missing code, or for an answer with no single equivalent on the reference scale.
    """
    if answer.value is None:
        return None
    code = instrument.harmonise(item, answer.scale, answer.value).reference
    if code is None:
        return None
    if not item.reverse:
        return float(code)
    reference = instrument.reference_scale(item)
    return float(min(reference.codes) + max(reference.codes) - code)


def answer_count(instrument: Instrument, item: Item, answer: ScoredAnswer) -> float | None:
    """Return the declared number of events an answer stands for (via its reference meaning).

    None for a missing code, or for an answer with no single equivalent on the reference scale
    (3-point "Ja, flere gange"): no guess.
    """
    if answer.value is None:
        return None
    code = instrument.harmonise(item, answer.scale, answer.value).reference
    return None if code is None else instrument.reference_scale(item).count_of(code)


def happened(instrument: Instrument, _item: Item, answer: ScoredAnswer) -> float | None:
    """Return 1.0 when the answer is above the lowest choice of its scale (an event, on every
    rung), 0.0 for the lowest ("Nej", "0"), None for a missing code."""
    if answer.value is None:
        return None
    return float(answer.value != instrument.scales[answer.scale].codes[0])


def _item_bounds(instrument: Instrument, score: Score) -> tuple[float, float]:
    # The check of instrument files guarantees that all of a score's items share these bounds.
    reference = instrument.reference_scale(instrument.item(score.items[0]))
    return float(min(reference.codes)), float(max(reference.codes))


def _most_events(instrument: Instrument, score: Score) -> float:
    return sum(
        max(point.count or 0.0 for point in instrument.reference_scale(instrument.item(i)).points)
        for i in score.items
    )


def score_range(instrument: Instrument, score: Score) -> tuple[float, float]:
    """Return the lowest and highest value the score can take."""
    if score.method == "any":
        return 0.0, 1.0
    if score.method == "count":
        most = _most_events(instrument, score) * score.times
        if score.per is None:
            return 0.0, most
        fewest = min(
            point.count
            for point in instrument.reference_scale(instrument.item(score.per)).points
            if point.count
        )
        return 0.0, most / fewest
    low, high = _item_bounds(instrument, score)
    factor = len(score.items) * score.times if score.method == "sum" else 1
    return low * factor, high * factor


def compute_score(
    instrument: Instrument,
    score: Score,
    answers: Mapping[str, ScoredAnswer],
    age_band: AgeBand | None = None,
) -> float | None:
    """Return one score, or None when too few of the items shown have a value."""
    if age_band is not None and age_band not in score.age_bands:
        return None
    asked = {item.id for item in instrument.items_for(age_band)}
    eligible = [
        item_id
        for item_id in score.items
        if item_id in asked
        and not (item_id in answers and answers[item_id].missing_code == MissingCode.NOT_SHOWN)
    ]
    value_of = {"count": answer_count, "any": happened}.get(score.method, scored_value)
    values = []
    for item_id in eligible:
        if item_id in answers:
            answer = answers[item_id]
            value = value_of(instrument, instrument.item(item_id), answer)
            if value is not None:
                values.append(value)
            elif answer.value is not None:
                return None  # an answer without a single equivalent: no score, not a guess
    if score.method == "any" and any(values):
        return 1.0  # one event is enough to know, whatever else is missing
    if not eligible or len(values) / len(eligible) < score.min_answered:
        return None
    mean = sum(values) / len(values)
    if score.method == "sum":
        return mean * len(score.items) * score.times
    if score.method == "count":
        return _per(instrument, score, answers, mean * len(eligible) * score.times)
    return mean


def _per(
    instrument: Instrument, score: Score, answers: Mapping[str, ScoredAnswer], events: float
) -> float | None:
    """Return the estimated events, divided by the denominator's declared count if any."""
    if score.per is None:
        return events
    answer = answers.get(score.per)
    if answer is None:
        return None
    denominator = answer_count(instrument, instrument.item(score.per), answer)
    return events / denominator if denominator else None


def score_submission(
    instrument: Instrument, answers: Iterable[ScoredAnswer], age_band: AgeBand | None = None
) -> dict[str, float | None]:
    """Return every score of an instrument for one submission's answers to it."""
    by_item = {answer.item_id: answer for answer in answers}
    return {
        score.id: compute_score(instrument, score, by_item, age_band) for score in instrument.scores
    }

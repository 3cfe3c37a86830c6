"""Scale scores per submission: reverse coding, missing codes left out, a minimum answered.

Children may answer an item on its 5-, 3- or 2-point version. Every answer is placed by its
relative position (first choice 0, last choice 1) on the item's reference scale, the longest
rung of its ladder, so scores from different rungs share one metric. Sums are prorated to all
of the score's items, so respondents who skipped an item stay comparable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from survey.instruments.model import Instrument, Item, Score
from survey.models.enums import AgeBand, MissingCode


class ScoredAnswer(Protocol):
    """What scoring needs of an answer (``survey.models.Answer`` has it)."""

    item_id: str
    scale: str
    value: int | None
    missing_code: MissingCode | None


def answer_position(instrument: Instrument, item: Item, answer: ScoredAnswer) -> float | None:
    """Return the answer's position from 0 to 1 after reverse coding; None for a missing code."""
    if answer.value is None:
        return None
    if answer.scale not in instrument.scale_keys_for(item):
        raise ValueError(f"{item.id} is never shown with scale {answer.scale!r}")
    position = instrument.scales[answer.scale].position(answer.value)
    return 1.0 - position if item.reverse else position


def _item_bounds(instrument: Instrument, score: Score) -> tuple[float, float]:
    # The check of instrument files guarantees that all of a score's items share these bounds.
    reference = instrument.reference_scale(instrument.item(score.items[0]))
    return float(min(reference.codes)), float(max(reference.codes))


def score_range(instrument: Instrument, score: Score) -> tuple[float, float]:
    """Return the lowest and highest value the score can take."""
    low, high = _item_bounds(instrument, score)
    factor = len(score.items) if score.method == "sum" else 1
    return low * factor, high * factor


def compute_score(
    instrument: Instrument,
    score: Score,
    answers: Mapping[str, ScoredAnswer],
    age_band: AgeBand | None = None,
) -> float | None:
    """Return one score, or None when too few of the items shown have a value."""
    asked = {item.id for item in instrument.items_for(age_band)}
    eligible = [
        item_id
        for item_id in score.items
        if item_id in asked
        and not (item_id in answers and answers[item_id].missing_code is MissingCode.NOT_SHOWN)
    ]
    positions = []
    for item_id in eligible:
        if item_id in answers:
            position = answer_position(instrument, instrument.item(item_id), answers[item_id])
            if position is not None:
                positions.append(position)
    if not eligible or len(positions) / len(eligible) < score.min_answered:
        return None
    low, high = _item_bounds(instrument, score)
    mean = low + (high - low) * sum(positions) / len(positions)
    return mean * len(score.items) if score.method == "sum" else mean


def score_submission(
    instrument: Instrument, answers: Iterable[ScoredAnswer], age_band: AgeBand | None = None
) -> dict[str, float | None]:
    """Return every score of an instrument for one submission's answers to it."""
    by_item = {answer.item_id: answer for answer in answers}
    return {
        score.id: compute_score(instrument, score, by_item, age_band) for score in instrument.scores
    }

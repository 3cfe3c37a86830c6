"""Chart axes: round ticks on every range a score can have, and axes that fit open counts."""

import pytest

from survey.reports.charts import fitted_top, tick_step
from survey.reports.stats import Estimate


@pytest.mark.parametrize(
    ("low", "high", "step"),
    [(1, 5, 1), (0, 100, 20), (1, 3, 0.5), (0, 25, 5), (0, 12.8, 2.5), (0, 1, 0.2), (0, 128, 25)],
)
def test_ticks_are_round_and_at_most_six_intervals(low, high, step):
    assert tick_step(low, high) == pytest.approx(step)
    assert (high - low) / step <= 6


def estimate(mean, high):
    return Estimate(10, mean, 0.0, high, high - mean)


def test_open_counts_get_an_axis_just_above_the_highest_interval():
    rows = [("A", estimate(0.8, 1.7)), ("B", None), ("All", estimate(1.1, 2.3))]
    # Highest interval end 2.3 on 0-2.3: step 0.5, so the axis ends at 2.5, not at 128.
    assert fitted_top(rows, 0.0, 128.0) == pytest.approx(2.5)
    assert fitted_top([("A", estimate(60, 90))], 0.0, 64.0) == 64.0  # never past the range
    assert fitted_top([("A", None)], 0.0, 32.0) == 1.0  # nothing shown: a unit axis

"""Small-group statistics for the feedback reports: pure functions."""

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.reports.stats import change, estimate, paired_change, t_quantile


def test_estimate_matches_an_independent_calculation():
    values = [3.0, 4.0, 4.5, 2.5, 5.0, 3.5]
    result = estimate(values)
    mean = statistics.fmean(values)
    half = 2.571 * statistics.stdev(values) / math.sqrt(len(values))
    assert result.mean == pytest.approx(mean)
    assert (result.low, result.high) == pytest.approx((mean - half, mean + half))
    assert estimate([4.0]) is None


@given(st.lists(st.floats(min_value=1, max_value=5), min_size=2, max_size=40))
def test_interval_contains_the_mean(values):
    result = estimate(values)
    assert result.low <= result.mean + 1e-9 and result.mean <= result.high + 1e-9


def test_change_is_reliable_only_beyond_its_uncertainty():
    before = estimate([3.0, 3.2, 2.8, 3.1, 2.9, 3.0])
    small = estimate([3.1, 3.3, 2.9, 3.2, 3.0, 3.1])
    large = estimate([4.0, 4.2, 3.8, 4.1, 3.9, 4.0])
    assert not change(before, small).reliable
    assert change(before, large).reliable
    assert change(before, large).difference == pytest.approx(1.0)


def test_t_quantiles_are_conservative_between_table_rows():
    # Student's t, 97.5 %, from a printed table: 30 df 2.042, 60 df 2.000, 120 df 1.980;
    # between rows the row of fewer degrees of freedom (wider), beyond 120 the normal 1.960.
    assert t_quantile(30) == t_quantile(35) == pytest.approx(2.042)
    assert t_quantile(119) == pytest.approx(2.000)
    assert t_quantile(120) == pytest.approx(1.980)
    assert t_quantile(121) == t_quantile(500) == pytest.approx(1.960)
    with pytest.raises(ValueError, match=r"^at least one degree of freedom is needed$"):
        t_quantile(0)


@pytest.mark.parametrize(
    ("values", "bounds"),
    [
        ([5.0, 5.0, 5.0, 4.5, 5.0], (1.0, 5.0)),
        ([1.0, 1.0, 1.5, 1.0], (1.0, 5.0)),
        ([0.0, 1.0], (0, 1)),
    ],
)
def test_intervals_stay_on_the_scale_and_changes_use_the_uncut_margin(values, bounds):
    uncut = estimate(values)
    cut = estimate(values, bounds)
    assert uncut.low < bounds[0] or uncut.high > bounds[1]  # the case the cut is for
    assert bounds[0] <= cut.low <= cut.mean <= cut.high <= bounds[1]
    assert cut.low == max(uncut.low, bounds[0]) and cut.high == min(uncut.high, bounds[1])
    assert cut.half_width == pytest.approx(uncut.half_width)
    other = estimate([3.0, 3.5, 2.5, 3.0, 3.2])
    assert change(other, cut).margin == pytest.approx(change(other, uncut).margin)


def test_paired_change_matches_an_independent_calculation():
    before = [3.0, 2.5, 4.0, 3.5, 2.0, 3.0]
    after = [3.5, 3.0, 4.0, 4.5, 2.5, 3.0]
    differences = [a - b for a, b in zip(after, before, strict=True)]
    result = paired_change(differences)
    mean = sum(differences) / 6
    sd = (sum((d - mean) ** 2 for d in differences) / 5) ** 0.5
    assert result.difference == pytest.approx(mean)
    assert result.margin == pytest.approx(2.571 * sd / 6**0.5)  # t(0.975, 5 df)
    assert result.paired_n == 6 and result.reliable
    # The same data as independent groups: wider, and not a reliable change.
    assert not change(estimate(before), estimate(after)).reliable
    assert paired_change([0.5]) is None


@pytest.mark.parametrize(
    ("events", "n", "low", "high"),
    # Wilson score intervals, 95 %: 3 of 10 is the textbook 10.8-60.3 %; 7 of 7 and 0 of 7
    # keep an honest width instead of collapsing to one point.
    [(3, 10, 10.78, 60.32), (7, 7, 64.57, 100.0), (0, 7, 0.0, 35.43), (5, 10, 23.66, 76.34)],
)
def test_a_share_gets_a_wilson_interval_in_percent(events, n, low, high):
    from survey.reports.stats import share_estimate

    values = [100.0] * events + [0.0] * (n - events)
    found = share_estimate(values)
    assert found.mean == pytest.approx(100 * events / n)
    assert (found.low, found.high) == (pytest.approx(low, abs=0.01), pytest.approx(high, abs=0.01))
    assert found.margin == pytest.approx((high - low) / 2, abs=0.01)  # in percent, like the ends
    assert share_estimate([100.0]) is None


def test_a_share_of_two_exists_and_reads_zero_one_values_with_their_width():
    from survey.reports.stats import share_estimate

    found = share_estimate([1.0, 0.0], scale=1.0)  # two people, one with an event
    assert (found.n, found.mean) == (2, 0.5)
    # Wilson, z = 1.96, n = 2, p = 0.5: half width 1.96 * sqrt(0.125 + 0.9604/16) / 1.9208.
    half = 1.96 * math.sqrt(0.25 / 2 + 1.96**2 / 16) / (1 + 1.96**2 / 2)
    assert found.margin == pytest.approx(half, abs=1e-3)
    assert (found.low, found.high) == (
        pytest.approx(0.5 - half, abs=1e-3),
        pytest.approx(0.5 + half, abs=1e-3),
    )


def test_change_between_two_groups_uses_both_spreads_and_the_smaller_groups_t():
    # Before: 1..5 (n 5, mean 3, variance 2.5); after: 2..7 (n 6, mean 4.5, variance 3.5).
    before, after = estimate([1, 2, 3, 4, 5]), estimate([2, 3, 4, 5, 6, 7])
    found = change(before, after)
    standard_error = math.sqrt(2.5 / 5 + 3.5 / 6)
    assert found.difference == pytest.approx(1.5)
    assert found.margin == pytest.approx(2.776 * standard_error, abs=1e-3)  # t(4), a t table
    assert not found.reliable and found.paired_n is None


def test_paired_change_of_two_people_exists():
    # Differences 1 and 3: mean 2, sd sqrt(2), standard error 1, t(1) = 12.706.
    found = paired_change([1.0, 3.0])
    assert (found.difference, found.paired_n) == (2.0, 2)
    assert found.margin == pytest.approx(12.706, abs=1e-3)
    assert paired_change([1.0]) is None

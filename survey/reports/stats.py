"""Scores for small groups: mean, 95 % confidence interval, and whether a change is reliable."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Two-sided 95 % quantiles of Student's t distribution by degrees of freedom.
_T_975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
    26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip
_Z_975 = 1.960


def t_quantile(degrees_of_freedom: int) -> float:
    """Return the 97.5 % quantile of t (conservative between tabled values)."""
    if degrees_of_freedom < 1:
        raise ValueError("at least one degree of freedom is needed")
    tabled = [df for df in _T_975 if df <= degrees_of_freedom]
    return _T_975[max(tabled)] if degrees_of_freedom <= 120 else _Z_975


@dataclass(frozen=True)
class Estimate:
    """A group's mean score with its 95 % confidence interval, kept within the scale."""

    n: int
    mean: float
    low: float
    high: float
    #: t × standard error: the interval's half width before it was cut at the scale's ends.
    margin: float

    @property
    def half_width(self) -> float:
        """Return the distance from the mean to either end of the uncut interval."""
        return self.margin


def estimate(values: Sequence[float], bounds: tuple[float, float] | None = None) -> Estimate | None:
    """Return the mean and its 95 % t interval, or None for fewer than two values.

    With ``bounds`` (the lowest and highest score possible) the interval is cut at them: a
    mean cannot lie outside the scale, so neither can the interval shown for it.
    """
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    variance = sum((value - mean) ** 2 for value in values) / (n - 1)
    half = t_quantile(n - 1) * math.sqrt(variance / n)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return Estimate(n, mean, low, high, half)


def share_estimate(values: Sequence[float], scale: float = 100.0) -> Estimate | None:
    """Return the share of values above 0 (each 0 or ``scale``), in units of ``scale``, with
    its 95 % Wilson score interval, or None for fewer than two values.

    A t interval around a share collapses to nothing when everyone (or no one) had an event;
    Wilson's stays honest at the ends and never leaves 0–``scale``.
    """
    n = len(values)
    if n < 2:
        return None
    share = sum(value > 0 for value in values) / n
    z2 = _Z_975**2
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = _Z_975 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Estimate(
        n, share * scale, (centre - half) * scale, (centre + half) * scale, half * scale
    )


@dataclass(frozen=True)
class Change:
    """The change from an earlier estimate and whether it exceeds its uncertainty."""

    difference: float
    margin: float
    #: For a paired change: how many people answered both times (None: independent groups).
    paired_n: int | None = None

    @property
    def reliable(self) -> bool:
        """Tell whether the change is larger than its 95 % margin of error."""
        return abs(self.difference) > self.margin


def change(before: Estimate, after: Estimate) -> Change:
    """Return the change between two independent estimates (conservative degrees of freedom)."""
    t = t_quantile(min(before.n, after.n) - 1)
    standard_error = math.hypot(
        before.half_width / t_quantile(before.n - 1), after.half_width / t_quantile(after.n - 1)
    )
    return Change(after.mean - before.mean, t * standard_error)


def paired_change(differences: Sequence[float]) -> Change | None:
    """Return the mean of each person's own change with its 95 % t margin (paired), or None
    for fewer than two people."""
    n = len(differences)
    if n < 2:
        return None
    mean = sum(differences) / n
    variance = sum((value - mean) ** 2 for value in differences) / (n - 1)
    return Change(mean, t_quantile(n - 1) * math.sqrt(variance / n), paired_n=n)

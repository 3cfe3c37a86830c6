"""Small-cell suppression: no figure resting on fewer than MIN_CELL people is shown.

Primary suppression hides every group with 0 < n < k. Complementary suppression then makes
sure no hidden group can be recovered by subtraction: where a total (or the all-sites figure)
is published and exactly one group is hidden, the next smallest group is hidden too; where
the total itself rests on fewer than k people, nothing is shown.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Suppression(Generic[Key]):
    """Which groups (and whether the total) must not be shown."""

    hidden: frozenset[Key]
    total_hidden: bool

    def shows(self, key: Key) -> bool:
        """Tell whether the group's figure may be shown."""
        return key not in self.hidden


def suppress(counts: Mapping[Key, int], k: int, total_published: bool = True) -> Suppression[Key]:
    """Return what to hide among groups of the given sizes, for threshold ``k``."""
    if k < 1:
        raise ValueError("the threshold must be at least 1")
    if any(n < 0 for n in counts.values()):
        raise ValueError("group sizes cannot be negative")
    total = sum(counts.values())
    if 0 < total < k:
        return Suppression(frozenset(key for key, n in counts.items() if n > 0), True)
    hidden = {key for key, n in counts.items() if 0 < n < k}
    if total_published and len(hidden) == 1:
        shown = sorted(
            ((n, repr(key), key) for key, n in counts.items() if n > 0 and key not in hidden),
            key=lambda entry: (entry[0], entry[1]),
        )
        if shown:
            hidden.add(shown[0][2])
    return Suppression(frozenset(hidden), False)

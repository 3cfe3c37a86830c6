"""Can a hidden figure be worked out from the published ones? Exact linear algebra.

A published average over a group of cells (e.g. "all sites, round 1", or "Birken, round 1")
with its number of answers tells the sum of the scores in those cells. Someone who adds and
subtracts published sums can recover the sum of a hidden cell exactly when the cell is a
linear combination of published groups. Pure functions: the reports use them to check
everything one audience receives, and the tests play the attacker with them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np

Cell = Hashable


def _matrix(groups: list[frozenset[Cell]], cells: list[Cell]) -> np.ndarray:
    index = {cell: position for position, cell in enumerate(cells)}
    matrix = np.zeros((len(groups), len(cells)))
    for row, group in enumerate(groups):
        for cell in group:
            matrix[row, index[cell]] = 1.0
    return matrix


def determined(published: Iterable[frozenset[Cell]], hidden: frozenset[Cell]) -> bool:
    """Tell whether the hidden group's sum follows from the published groups' sums."""
    groups = [group for group in published if group]
    if not groups:
        return False
    cells = sorted({cell for group in [*groups, hidden] for cell in group}, key=repr)
    known = _matrix(groups, cells)
    with_hidden = np.vstack([known, _matrix([hidden], cells)])
    return bool(np.linalg.matrix_rank(with_hidden) == np.linalg.matrix_rank(known))


def recoverable(
    published: Iterable[frozenset[Cell]], hidden: Iterable[frozenset[Cell]]
) -> list[frozenset[Cell]]:
    """Return the hidden groups that the published groups give away."""
    published = list(published)
    return [group for group in hidden if determined(published, group)]

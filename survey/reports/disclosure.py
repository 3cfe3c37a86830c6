"""Disclosure control: which figures may be printed so that no small group can be worked out.

Every figure a report prints — a site's average, the all-sites average, an average by how
children answered or by age band, a change of the same people between two rounds — is a
weighted sum of people's values divided by a number of people that is published anyway
(response counts are public). Someone who holds every report of every round can add and
subtract those sums. This module decides, with exact linear algebra, which figures to hide
so that no such combination tells anything about fewer than ``k`` people:

* primary suppression: a figure over fewer than ``k`` people is never printed;
* complementary suppression: while some combination of printed figures depends on fewer
  than ``k`` people only, one more figure is hidden (the cheapest first);
* across rounds: rounds are decided in order and an earlier round's decision is final, so a
  later round can neither reveal what an earlier one hid nor take back what it printed.

The largest audience (the evaluators) receives every figure, and each site's coordinator a
part of it; what is safe for the whole is safe for every part. Pure functions only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

Cell = Hashable
Key = Hashable

#: Beyond this many candidate groups of fewer than k people, assume the worst.
MAX_SUBSETS = 20_000
#: Below this a number is zero. Figures weigh cells by whole numbers, so what linear algebra
#: leaves of a zero is some 1e-16; a rank relative to the largest value would count it.
ZERO = 1e-9


@dataclass(frozen=True)
class Figure:
    """A figure a report may print: a weighted sum of the values of some cells (a cell is one
    person's value in one round), over ``n`` people."""

    key: Key
    weights: Mapping[Cell, float]
    n: int
    #: Figures this one is only printed beside (a change needs both rounds' averages).
    needs: tuple[Key, ...] = ()
    #: When one more figure must go, lower goes first; then the smaller, then by key.
    order: int = 0


def average(key: Key, cells: Iterable[Cell], order: int) -> Figure:
    """Return an average over some cells (its sum is what an attacker learns), with its
    priority when a figure must go (``Figure.order``)."""
    weights = dict.fromkeys(cells, 1.0)
    return Figure(key, weights, len(weights), order=order)


def _classes(
    figures: Sequence[Figure], person: Callable[[Cell], Hashable]
) -> tuple[np.ndarray, list[frozenset[Hashable]]]:
    """Merge the cells that every figure treats alike; return the figure × class matrix and
    the people in each class."""
    signatures: dict[Cell, list[tuple[int, float]]] = {}
    for row, figure in enumerate(figures):
        for cell, weight in figure.weights.items():
            signatures.setdefault(cell, []).append((row, weight))
    classes: dict[tuple, set[Hashable]] = {}
    for cell, signature in signatures.items():
        classes.setdefault(tuple(signature), set()).add(person(cell))
    matrix = np.zeros((len(figures), len(classes)))
    for column, signature in enumerate(classes):
        for row, weight in signature:
            matrix[row, column] = weight
    return matrix, [frozenset(people) for people in classes.values()]


def _rank(matrix: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(matrix, tol=ZERO))


def _vanishing_on(matrix: np.ndarray, columns: list[int]) -> np.ndarray:
    """Return a basis of the row combinations that are zero in the given columns."""
    if not columns:
        return np.eye(matrix.shape[0])
    _u, singular, vt = np.linalg.svd(matrix[:, columns].T)
    return vt[int((singular > ZERO).sum()) :]


def exposed(matrix: np.ndarray, people: list[frozenset[Hashable]], k: int) -> bool:
    """Tell whether some combination of the rows depends on the values of fewer than ``k``
    people only (the columns are classes of cells, ``people`` their owners)."""
    small = [column for column, owners in enumerate(people) if len(owners) < k]
    large = [column for column, owners in enumerate(people) if len(owners) >= k]
    if not small or not matrix.size:
        return False
    # Combinations of the rows that vanish on every large class: they depend on small only.
    within = _vanishing_on(matrix, large) @ matrix[:, small]
    support = [i for i in range(len(small)) if np.abs(within[:, i]).max(initial=0) > ZERO]
    total = _rank(within)
    if total == 0:
        return False
    owners = [people[small[i]] for i in support]
    if len(frozenset().union(*owners)) < k:
        return True
    # Is there a combination whose classes hold fewer than k people? It vanishes outside
    # some such set T of classes exactly when leaving T out lowers the rank.
    checked = 0
    for size in range(1, k):
        for chosen in combinations(range(len(support)), size):
            checked += 1
            if checked > MAX_SUBSETS:
                return True
            if len(frozenset().union(*(owners[i] for i in chosen))) >= k:
                continue
            rest = [support[i] for i in range(len(support)) if i not in chosen]
            if _rank(within[:, rest]) < total:
                return True
    return False


def decide(
    rounds: Sequence[Sequence[Figure]], k: int, person: Callable[[Cell], Hashable] = lambda c: c
) -> frozenset[Key]:
    """Return the keys of the figures to hide, deciding the rounds in order.

    Each round's figures come with every earlier round's: earlier decisions stand, and of
    this round's figures as few are hidden as keeps every small group safe. ``person`` tells
    whose a cell is (a person has one cell per round).
    """
    if k < 1:
        raise ValueError("the threshold must be at least 1")
    figures: list[Figure] = []
    hidden: set[Key] = set()
    for batch in rounds:
        figures += batch
        hidden |= {figure.key for figure in batch if figure.n < k}
        _hide_needed(figures, hidden)
        hidden = _complements(figures, {figure.key for figure in batch}, hidden, k, person)
    return frozenset(hidden)


def _complements(
    figures: Sequence[Figure],
    open_: set[Key],
    hidden: set[Key],
    k: int,
    person: Callable[[Cell], Hashable],
) -> set[Key]:
    """Hide open figures, cheapest first, until no small group can be worked out."""
    # Cells are told apart by every figure so far, printed or not.
    matrix, people = _classes(figures, person)

    def safe(keys: set[Key]) -> bool:
        shown = [row for row, figure in enumerate(figures) if figure.key not in keys]
        return not exposed(matrix[shown], people, k)

    added: list[Key] = []
    while not safe(hidden):
        choices = sorted(
            (figure for figure in figures if figure.key in open_ and figure.key not in hidden),
            key=lambda figure: (figure.order, figure.n, repr(figure.key)),
        )
        if not choices:  # an earlier round already printed it; nothing left to hide
            break
        pick = next((c for c in choices if safe(hidden | {c.key})), choices[0])
        hidden = hidden | {pick.key}
        added.append(pick.key)
        _hide_needed(figures, hidden)
    # Greedy choices can be redundant once later ones are made: print those again.
    for key in reversed(added):
        trial = hidden - {key}
        _hide_needed(figures, trial)
        if key not in trial and safe(trial):
            hidden = trial
    return hidden


def _hide_needed(figures: Sequence[Figure], hidden: set[Key]) -> None:
    hidden |= {figure.key for figure in figures if any(need in hidden for need in figure.needs)}


def determined(published: Iterable[frozenset[Cell]], hidden: frozenset[Cell]) -> bool:
    """Tell whether the hidden group's sum follows from the published groups' sums."""
    groups = [list(group) for group in published if group]
    if not groups:
        return False
    cells = list(dict.fromkeys(cell for group in [*groups, hidden] for cell in group))
    index = {cell: position for position, cell in enumerate(cells)}
    known = np.zeros((len(groups), len(cells)))
    for row, cells_of in enumerate(groups):
        known[row, [index[cell] for cell in cells_of]] = 1.0
    target = np.zeros((1, len(cells)))
    target[0, [index[cell] for cell in hidden]] = 1.0
    return _rank(np.vstack([known, target])) == _rank(known)


def recoverable(
    published: Iterable[frozenset[Cell]], hidden: Iterable[frozenset[Cell]]
) -> list[frozenset[Cell]]:
    """Return the hidden groups that the published groups give away."""
    published = list(published)
    return [group for group in hidden if determined(published, group)]

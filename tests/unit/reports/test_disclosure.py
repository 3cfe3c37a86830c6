"""Disclosure control over everything published: exact linear algebra, checked by brute force."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.reports.disclosure import Figure, average, decide, determined, recoverable

A1, B1, C1, A2, B2 = ("Ask", 1), ("Birken", 1), ("Cedertræ", 1), ("Ask", 2), ("Birken", 2)


def people(site: str, round_: int, n: int, first: int = 0) -> list[tuple[int, str]]:
    """Cells (round, person) of n people of a site."""
    return [(round_, f"{site}{number}") for number in range(first, first + n)]


def sites(counts: dict[str, int], round_: int = 1, total: bool = True) -> list[Figure]:
    figures = [average(("site", s, round_), people(s, round_, n), 2) for s, n in counts.items()]
    if total:
        everyone = [cell for figure in figures for cell in figure.weights]
        figures.append(average(("all", round_), everyone, 3))
    return figures


def by_person(cell):
    return cell[1]


def shown_matrix(figures: list[Figure], hidden) -> tuple[np.ndarray, list]:
    cells = sorted({cell for figure in figures for cell in figure.weights})
    rows = [[f.weights.get(cell, 0.0) for cell in cells] for f in figures if f.key not in hidden]
    return np.array(rows).reshape(len(rows), len(cells)), cells


def leaks(figures: list[Figure], hidden, k: int) -> list[frozenset]:
    """Brute force, person by person: the sets of fewer than k people about whom some
    combination of the shown figures tells something, and nothing about anyone else."""
    matrix, cells = shown_matrix(figures, hidden)
    everyone = sorted({by_person(cell) for cell in cells})
    full = np.linalg.matrix_rank(matrix) if matrix.size else 0
    found = []
    for size in range(1, k):
        for chosen in combinations(everyone, size):
            rest = [i for i, cell in enumerate(cells) if by_person(cell) not in chosen]
            left = np.linalg.matrix_rank(matrix[:, rest]) if matrix[:, rest].size else 0
            if full > left:
                found.append(frozenset(chosen))
    return found


@pytest.mark.parametrize(
    ("n", "hidden"), [(0, True), (1, True), (2, True), (3, True), (4, True), (5, False)]
)
def test_threshold_five(n, hidden):
    decided = decide([sites({"Lyngbo": n, "Egebakken": 12, "Havtorn": 9})], k=5)
    assert (("site", "Lyngbo", 1) in decided) is hidden


def test_one_hidden_site_gets_the_smallest_other_as_complement():
    decided = decide([sites({"Lyngbo": 3, "Egebakken": 2, "Havtorn": 9})], k=3, person=by_person)
    assert decided == {("site", "Egebakken", 1), ("site", "Lyngbo", 1)}
    decided = decide([sites({"A": 2, "B": 7, "C": 12})], k=5, person=by_person)
    assert decided == {("site", "A", 1), ("site", "B", 1)}


def test_no_complement_when_no_total_is_published():
    decided = decide([sites({"A": 2, "B": 7}, total=False)], k=5, person=by_person)
    assert decided == {("site", "A", 1)}


def test_a_total_of_fewer_than_k_hides_everything():
    decided = decide([sites({"A": 2, "B": 1})], k=5, person=by_person)
    assert decided == {("site", "A", 1), ("site", "B", 1), ("all", 1)}


def test_the_issues_example_across_two_rounds():
    # Round 1: Ask 3 (hidden), Birken 6, all 9 → Birken is hidden too, and stays hidden when
    # round 2 prints "this site, last round" beside Birken's new figure.
    first = sites({"Ask": 3, "Birken": 6})
    second = sites({"Ask": 6, "Birken": 6}, round_=2)
    decided = decide([first, second], k=5, person=by_person)
    assert {("site", "Ask", 1), ("site", "Birken", 1)} <= decided
    assert ("all", 1) not in decided and ("site", "Ask", 2) not in decided
    assert leaks(first + second, decided, 5) == []


def test_an_earlier_rounds_decision_stands():
    first = sites({"Ask": 6, "Birken": 6})
    second = sites({"Ask": 3, "Birken": 6}, round_=2)
    alone = decide([first], k=5, person=by_person)
    both = decide([first, second], k=5, person=by_person)
    assert alone == set() and both == {("site", "Ask", 2), ("site", "Birken", 2)}


def test_a_grouping_that_falls_inside_one_site_is_hidden():
    # Every child at Ask answered with an interpreter, nobody else did: the interpreter row
    # would be Ask's figure. Ask has 3 children (hidden), so the row must go too.
    figures = sites({"Ask": 3, "Birken": 6, "Cedertræ": 7})
    figures.append(average(("mode", "interpreter", 1), people("Ask", 1, 3), 1))
    figures.append(
        average(("mode", "alone", 1), people("Birken", 1, 6) + people("Cedertræ", 1, 7), 1)
    )
    decided = decide([figures], k=5, person=by_person)
    assert ("mode", "interpreter", 1) in decided  # fewer than 5
    assert leaks(figures, decided, 5) == []
    # "All" minus "alone" would give Ask away: one of them (or the sites beside) must go.
    assert decided & {("mode", "alone", 1), ("all", 1), ("site", "Birken", 1)}


def test_several_small_groups_together_are_protected_too():
    # 1 child with an interpreter and 2 with help to read (all hidden), 10 alone: all minus
    # alone would be the average of those 3 children.
    everyone = people("Ask", 1, 7) + people("Birken", 1, 6)
    figures = [
        average(("site", "Ask", 1), everyone[:7], 2),
        average(("site", "Birken", 1), everyone[7:], 2),
        average(("all", 1), everyone, 3),
        average(("mode", "interpreter", 1), everyone[:1], 1),
        average(("mode", "reading_help", 1), everyone[1:3], 1),
        average(("mode", "alone", 1), everyone[3:], 1),
    ]
    decided = decide([figures], k=5, person=by_person)
    assert ("mode", "alone", 1) in decided
    assert leaks(figures, decided, 5) == []


def paired(site: str, n: int, needs=True) -> Figure:
    weights = {(2, f"{site}{i}"): 1.0 for i in range(n)} | {
        (1, f"{site}{i}"): -1.0 for i in range(n)
    }
    return Figure(
        ("paired", site, 2),
        weights,
        n,
        needs=(("site", site, 1), ("site", site, 2)) if needs else (),
    )


def test_a_paired_change_that_would_give_newcomers_away_is_dropped():
    # Ask: 5 people in round 1, the same 5 and 2 newcomers in round 2. Ask's two averages
    # and the 5 people's own change give the 2 newcomers' sum.
    first = sites({"Ask": 5, "Birken": 6})
    second = [*sites({"Ask": 7, "Birken": 6}, round_=2), paired("Ask", 5), paired("Birken", 6)]
    decided = decide([first, second], k=5, person=by_person)
    assert ("paired", "Ask", 2) in decided and ("paired", "Birken", 2) not in decided
    assert ("site", "Ask", 2) not in decided
    assert leaks(first + second, decided, 5) == []
    assert frozenset({"Ask5", "Ask6"}) in leaks(first + second, decided - {("paired", "Ask", 2)}, 5)


def test_a_change_is_not_printed_without_both_rounds_averages():
    first = sites({"Ask": 3, "Birken": 6})
    second = [*sites({"Ask": 6, "Birken": 6}, round_=2), paired("Birken", 6)]
    decided = decide([first, second], k=5, person=by_person)
    assert ("paired", "Birken", 2) in decided  # Birken's round 1 is hidden


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match=r"^the threshold must be at least 1$"):
        decide([sites({"A": 1})], k=0)
    assert decide([sites({"A": 1, "B": 2})], k=1) == set()  # a threshold of 1 hides nothing


site_sizes = st.dictionaries(
    st.sampled_from("ABCD"), st.integers(min_value=0, max_value=7), min_size=1, max_size=4
)


@settings(max_examples=40, deadline=None)
@given(st.lists(site_sizes, min_size=1, max_size=2), st.sampled_from([3, 4]), st.data())
def test_whatever_the_sizes_no_small_group_can_be_worked_out(plan, k, data):
    rounds = []
    for index, counts in enumerate(plan, start=1):
        figures = sites(counts, round_=index)
        cells = [cell for figure in figures[:-1] for cell in figure.weights]
        split = data.draw(st.integers(min_value=0, max_value=len(cells)))
        if cells:  # a grouping across sites, like assistance mode
            figures.append(average(("mode", "a", index), cells[:split], 1))
            figures.append(average(("mode", "b", index), cells[split:], 1))
        rounds.append([figure for figure in figures if figure.n])
    decided = decide(rounds, k, person=by_person)
    everything = [figure for batch in rounds for figure in batch]
    assert all(figure.key in decided for figure in everything if figure.n < k)
    assert leaks(everything, decided, k) == []


def test_a_total_and_all_but_one_site_give_the_last_site_away():
    # The attacker's view used by the report tests: sums of groups of (site, round) cells.
    assert determined([frozenset({A1, B1}), frozenset({B1})], frozenset({A1}))
    assert not determined([frozenset({A1, B1})], frozenset({A1}))


def test_complementary_suppression_holds_with_three_sites():
    published = [frozenset({A1, B1, C1}), frozenset({C1})]
    assert recoverable(published, [frozenset({A1}), frozenset({B1})]) == []
    assert determined(published, frozenset({A1, B1}))
    assert determined([*published, frozenset({B1})], frozenset({A1}))


def test_across_rounds_only_the_same_cells_combine():
    published = [frozenset({A1, B1}), frozenset({A2, B2}), frozenset({B2})]
    assert determined(published, frozenset({A2}))
    assert not determined(published, frozenset({A1}))
    assert not determined([], frozenset({A1}))


def test_a_search_too_large_to_finish_counts_as_exposed_never_as_safe():
    from survey.reports.disclosure import exposed

    # One published total over n one-person classes: it reveals no one (n >= k), and a
    # complete search says so; over 30 classes the search for k = 5 would try 31,930
    # combinations, more than it may, and then the figure is treated as exposed.
    def total_over(n):
        return np.ones((1, n)), [frozenset({person}) for person in range(n)]

    assert exposed(*total_over(8), 5) is False
    assert exposed(*total_over(30), 5) is True


def test_the_search_may_try_exactly_max_subsets_combinations(monkeypatch):
    from survey.reports import disclosure

    # One total over 8 one-person classes, k = 5: a complete search tries every set of 1 to
    # 4 classes, 8 + 28 + 56 + 70 = 162, and finds none it gives away.
    figure, people = np.ones((1, 8)), [frozenset({person}) for person in range(8)]
    monkeypatch.setattr(disclosure, "MAX_SUBSETS", 162)
    assert disclosure.exposed(figure, people, 5) is False
    monkeypatch.setattr(disclosure, "MAX_SUBSETS", 161)
    assert disclosure.exposed(figure, people, 5) is True


def test_what_rounding_leaves_of_a_zero_is_no_combination():
    # Five people, k = 2: Cedertræ has one (hidden). Ask {1, 4} and Birken {0, 2} are
    # crossed by two modes, x {0, 2} and y {1, 3, 4}. With Ask hidden too, every combination
    # of what is left (Birken, x, y, all) that is free of Ask's and Birken's pairs is zero,
    # so Cedertræ's person cannot be worked out; linear algebra leaves about 1e-16 of that
    # zero, which a rank relative to its largest value counted as a combination (and hid
    # y as well). Hiding only one of x or y leaves all − Ask − Birken = Cedertræ's person.
    site = {0: "Birken", 1: "Ask", 2: "Birken", 3: "Cedertræ", 4: "Ask"}
    mode = {0: "x", 1: "y", 2: "x", 3: "y", 4: "y"}
    figures = [
        average(("site", name, 1), [(1, p) for p in site if site[p] == name], 2)
        for name in ("Ask", "Birken", "Cedertræ")
    ]
    figures += [
        average(("mode", name, 1), [(1, p) for p in mode if mode[p] == name], 1)
        for name in ("x", "y")
    ]
    figures.append(average(("all", 1), [(1, p) for p in site], 3))

    decided = decide([figures], k=2, person=by_person)

    assert decided == {("site", "Cedertræ", 1), ("site", "Ask", 1)}
    assert leaks(figures, decided, 2) == []


def test_of_two_equally_cheap_complements_the_first_by_name_goes_whatever_the_order():
    # Cedertræ (1 person) is hidden; all − Ask − Birken would give it away, so one of the
    # two equal sites goes: Ask, first by name, whichever order the figures come in.
    for order in (["Birken", "Ask", "Cedertræ"], ["Ask", "Cedertræ", "Birken"]):
        counts = {name: {"Ask": 3, "Birken": 3, "Cedertræ": 1}[name] for name in order}
        decided = decide([sites(counts)], k=3, person=by_person)
        assert decided == {("site", "Cedertræ", 1), ("site", "Ask", 1)}


def test_a_pair_of_small_classes_is_found_after_a_pair_that_is_large_enough():
    from survey.reports.disclosure import exposed

    # k = 3; classes {a, b}, {c}, {d}. Printed: (a, b) + c, and c + d. No class alone can be
    # worked out, and the pairs with {a, b} hold 3 people, but c + d is printed as it is:
    # two people's sum. The search must go on past the large pairs to that one.
    figures = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])
    people = [frozenset("ab"), frozenset("c"), frozenset("d")]
    assert exposed(figures, people, 3) is True
    assert exposed(figures[:1], people, 3) is False

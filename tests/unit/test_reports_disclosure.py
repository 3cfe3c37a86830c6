"""Working out hidden figures from published ones: exact linear algebra over group sums."""

from survey.reports.disclosure import determined, recoverable

A1, B1, C1, A2, B2 = ("Ask", 1), ("Birken", 1), ("Cedertræ", 1), ("Ask", 2), ("Birken", 2)


def test_a_total_and_all_but_one_site_give_the_last_site_away():
    # The example: all sites and Birken's round 1 (printed in round 2) give Ask away.
    assert determined([frozenset({A1, B1}), frozenset({B1})], frozenset({A1}))
    assert not determined([frozenset({A1, B1})], frozenset({A1}))


def test_complementary_suppression_holds_with_three_sites():
    published = [frozenset({A1, B1, C1}), frozenset({C1})]
    assert recoverable(published, [frozenset({A1}), frozenset({B1})]) == []
    # ... but the two hidden together are given away, and either one if the other is shown.
    assert determined(published, frozenset({A1, B1}))
    assert determined([*published, frozenset({B1})], frozenset({A1}))


def test_across_rounds_only_the_same_cells_combine():
    published = [frozenset({A1, B1}), frozenset({A2, B2}), frozenset({B2})]
    assert determined(published, frozenset({A2}))
    assert not determined(published, frozenset({A1}))
    assert not determined([], frozenset({A1}))

"""LIX: words per sentence plus the share of words over six letters."""

import pytest

from survey.instruments.readability import lix, long_words, sentence_count, words


def test_lix_of_a_hand_counted_text():
    # 9 words, 2 sentences, 2 long words (forkælet, weekenden): 9/2 + 100 * 2/9 ≈ 26.7.
    text = "Er du forkælet i weekenden? Har du det godt?"
    assert words(text) == ["Er", "du", "forkælet", "i", "weekenden", "Har", "du", "det", "godt"]
    assert long_words(text) == ["forkælet", "weekenden"]
    assert sentence_count(text) == 2
    assert lix([text]) == pytest.approx(9 / 2 + 100 * 2 / 9)


def test_each_text_is_at_least_one_sentence():
    assert lix(["Er du glad", "Sover du godt"]) == pytest.approx(3.0)


def test_numbers_count_as_words_and_empty_text_scores_zero():
    assert words("de sidste 4 uger") == ["de", "sidste", "4", "uger"]
    assert lix([]) == 0.0
    assert lix(["?"]) == 0.0

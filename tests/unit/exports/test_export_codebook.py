"""The codebook that comes with an export says how every kind of score is built, in Danish
and in English, for every shipped questionnaire version."""

import re

import pytest

from survey.exports.codebook import render
from survey.exports.dataset import wide_variables
from survey.instruments.loader import BUILTIN_FOLDER, load_registry

REGISTRY, _ = load_registry([BUILTIN_FOLDER])
EVERY_VERSION = list(REGISTRY)


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_score_of_every_version_has_its_line(language):
    markdown = render(wide_variables(EVERY_VERSION, language), language)
    lines = [line for line in markdown.splitlines() if line.startswith("- `")]
    names = {
        f"{instrument.prefix}_{score.id}"
        for instrument in EVERY_VERSION
        for score in instrument.scores
    }
    assert {re.match(r"- `(\w+)`", line)[1] for line in lines} == names


def test_shares_counts_and_rates_are_explained():
    english = render(wide_variables(EVERY_VERSION, "en"), "en")
    danish = render(wide_variables(EVERY_VERSION, "da"), "da")
    assert (
        "at least one event (1 if an answer is above its lowest choice, else 0) of `ss_11`; "
        "at least 100% answered; range 0–1; higher is worse"
    ) in english
    # At most 8 situations (count5's top band) in the fewest shifts, 1-4 (counted as 2.5):
    # 8 / 2.5 × 10 = 32 per 10 shifts.
    assert (
        "estimated number of events (the answers' declared counts added, prorated) of `ss_11`, "
        "per the count in `ss_10`, times 10; at least 100% answered; range 0–32; higher is worse"
    ) in english
    assert "sum (prorated) of `who_01`, `who_02`, `who_03`, `who_04`, `who_05`, times 4;" in english
    assert (
        "mindst én hændelse (1, hvis et svar er over laveste svarmulighed, ellers 0) af `ss_11`"
    ) in danish
    assert "pr. antallet i `ss_10`, ganget med 10; mindst 100 % besvaret" in danish

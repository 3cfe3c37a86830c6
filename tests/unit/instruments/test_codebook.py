"""The codebook lists every variable of every instrument in both languages."""

import html
import re

from survey.instruments.codebook import render_html, render_markdown
from survey.instruments.loader import BUILTIN_FOLDER, load_registry
from survey.instruments.model import LANGUAGES, MISSING_LABELS

REGISTRY, _ = load_registry([BUILTIN_FOLDER])


def test_markdown_holds_every_item_text_and_score_in_both_languages():
    markdown = render_markdown(REGISTRY)
    for instrument in REGISTRY:
        assert f"## {instrument.key} (version {instrument.version})" in markdown
        for item in instrument.items:
            assert f"### `{item.id}`" in markdown
            for language in LANGUAGES:
                assert item.text[language] in markdown
                for text in item.text_by_age.values():
                    assert text[language] in markdown
            for key in instrument.scale_keys_for(item):
                assert f"scale `{key}`" in markdown
        for score in instrument.scores:
            assert f"`{instrument.prefix}_{score.id}`" in markdown


def test_markdown_documents_missing_codes_and_score_rules():
    markdown = render_markdown(REGISTRY)
    for value, labels in zip((-1, -2, -3), MISSING_LABELS.values(), strict=True):
        assert f"| {value} |" in markdown
        assert labels["da"] in markdown
    assert "`cw_wellbeing` — Trivsel / Wellbeing: mean of cw_01" in markdown
    assert "at least 60% answered; range 1–5" in markdown
    assert "`ss_force` — Magtanvendelse / Use of force: sum of ss_05" in markdown
    # The v1 child scores are built from different items at different ages; the codebook says so.
    lines = {line.split("`")[1]: line for line in markdown.splitlines() if line.startswith("- `")}
    age_specific = sorted(name for name, line in lines.items() if "age-specific" in line)
    assert age_specific == ["ci_inclusion", "cw_safety", "cw_wellbeing", "sc_situations"]


def test_html_holds_every_item_and_is_escaped():
    page = render_html(REGISTRY)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for instrument in REGISTRY:
        for item in instrument.items:
            assert item.id in text
            for language in LANGUAGES:
                assert item.text[language] in text
    assert '<html lang="en">' in page
    assert "<script" not in page
    assert "Don&#39;t know" in page or "Don&#x27;t know" in page


def test_codebook_shows_both_versions_and_how_event_scores_are_built():
    markdown = render_markdown(REGISTRY)
    for key in ("child_wellbeing", "situations_child", "situations_staff", "staff_competence"):
        assert f"## {key} (version 1)" in markdown and f"## {key} (version 2)" in markdown
    lines = {line.split("`")[1]: line for line in markdown.splitlines() if line.startswith("- `")}
    assert lines["ss_force_rate"].endswith(
        "10 × the estimated number of events of ss_13, ss_14, ss_15, ss_16, per the count of "
        "ss_10; at least 75% answered; range 0–128; higher is worse"
    )
    assert (
        "share with an event (1 if any answer is above its lowest choice, else 0) of sc_11"
        in (lines["sc_hurt_any"])
    )
    assert "ages 10-12, 13-18" in lines["cw_wellbeing_ext"]
    assert "ages" not in lines["cw_wellbeing_core"]
    assert "4 × the sum of who_01" in lines["who_index"] and "range 0–100" in lines["who_index"]
    assert "2 = 1 / 1 (counts as 1); 3 = 2-3 / 2-3 (counts as 2.5)" in markdown
    assert "Source: WHO-5 Well-Being Index (WHO-Five)" in markdown
    assert "Free to use without permission; used unaltered" in markdown
    assert "shown if sc_11 or sc_12 or sc_13 or sc_14 or sc_15 or sc_16 above the lowest" in (
        markdown
    )

"""Scale scores: reverse coding, missing codes, minimum share answered, ladders and ranges."""

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.enums import AgeBand, MissingCode
from survey.instruments.loader import BUILTIN_FOLDER, load_registry
from survey.instruments.model import Score
from survey.instruments.scoring import compute_score, score_range, score_submission

REGISTRY, _ = load_registry([BUILTIN_FOLDER])
WELLBEING = REGISTRY.get("child_wellbeing", 1)
STAFF = REGISTRY.get("staff_wellbeing", 1)
SITUATIONS = REGISTRY.get("situations_staff", 1)


@dataclass(frozen=True)
class Given:
    item_id: str
    scale: str
    value: int | None = None
    missing_code: MissingCode | None = None


def score(instrument, score_id, answers, age_band=None):
    return score_submission(instrument, answers, age_band)[score_id]


def test_all_missing_gives_no_score():
    answers = [
        Given(item.id, "faces5_amount", missing_code=MissingCode.REFUSED)
        for item in WELLBEING.items
    ]
    assert score(WELLBEING, "wellbeing", answers) is None


def test_no_answers_gives_no_score():
    assert score(WELLBEING, "wellbeing", []) is None


def test_reverse_items_are_flipped():
    # sw_06 (worn out) is reversed: "to a very small extent" (1) counts as 5.
    answers = [Given(item.id, "degree5", 5) for item in STAFF.items if not item.reverse]
    answers += [Given(item.id, "degree5", 1) for item in STAFF.items if item.reverse]
    assert score(STAFF, "wellbeing", answers) == 5.0
    answers = [Given(item.id, "degree5", 5) for item in STAFF.items]
    expected = (6 * 5 + 2 * 1) / 8
    assert score(STAFF, "wellbeing", answers) == pytest.approx(expected)


def test_missing_codes_are_left_out_of_the_mean():
    answers = [Given(f"sw_0{n}", "degree5", 4) for n in range(1, 7) if n != 6]
    answers += [Given("sw_06", "degree5", missing_code=MissingCode.DONT_KNOW)]
    answers += [Given("sw_07", "degree5", 2), Given("sw_08", "degree5", 4)]
    # sw_07 reversed: 2 → 4. Seven values of 4; "don't know" ignored.
    assert score(STAFF, "wellbeing", answers) == pytest.approx(4.0)


def test_below_the_minimum_share_gives_no_score():
    # 0.75 of 8 items: 6 answered is enough, 5 is not.
    six = [Given(f"sw_0{n}", "degree5", 3) for n in range(1, 7)]
    assert score(STAFF, "wellbeing", six) == pytest.approx(3.0)
    five = [*six[:5], Given("sw_06", "degree5", missing_code=MissingCode.REFUSED)]
    assert score(STAFF, "wellbeing", five) is None


def one_item_score(item_id):
    return Score(
        id="t", label={"da": "t", "en": "t"}, method="mean", items=(item_id,), min_answered=1.0
    )


@pytest.mark.parametrize(
    ("item_id", "scale", "code", "expected"),
    [
        # amount: "Nej" = "Slet ikke", "Ja, lidt" = "Lidt", "Ja, meget" = "Meget" (not the top)
        ("cw_01", "faces3_amount", 1, 1.0),
        ("cw_01", "faces3_amount", 2, 2.0),
        ("cw_01", "faces3_amount", 3, 4.0),
        ("cw_01", "faces2", 1, 1.0),
        ("cw_01", "faces5_amount", 5, 5.0),
        # frequency: "Nogle gange" = "Nogle gange", "Tit" = "Tit" (not "Altid")
        ("cw_04", "faces3_freq", 2, 3.0),
        ("cw_04", "faces3_freq", 3, 4.0),
        # reversed frequency (afraid): "Tit" = 4, mirrored to 2
        ("cw_06", "faces3_freq", 3, 2.0),
        ("cw_06", "faces2", 1, 5.0),
        # answers with no single 5-point equivalent give no score rather than a guess
        ("cw_01", "faces2", 2, None),
        ("cw_04", "faces2", 2, None),
    ],
)
def test_shorter_rungs_count_as_what_their_answers_mean(item_id, scale, code, expected):
    answers = {item_id: Given(item_id, scale, code)}
    value = compute_score(WELLBEING, one_item_score(item_id), answers)
    assert value == (None if expected is None else pytest.approx(expected))


def test_one_answer_without_equivalent_withholds_the_score():
    answers = [
        Given(item.id, "faces5_amount", 4) for item in WELLBEING.items if item.ladder == "amount"
    ]
    answers += [Given(i.id, "faces5_freq", 4) for i in WELLBEING.items if i.ladder == "frequency"]
    assert score(WELLBEING, "wellbeing", answers) is not None
    answers[0] = Given(answers[0].item_id, "faces2", 2)
    assert score(WELLBEING, "wellbeing", answers) is None


# Exports read the missing code as its text, the ORM as the enum member.
@pytest.mark.parametrize("not_shown", [MissingCode.NOT_SHOWN, "not_shown"])
def test_items_not_shown_do_not_count_against_the_minimum(not_shown):
    answers = [
        Given("cw_02", "faces3_amount", 3),
        Given("cw_06", "faces3_freq", 1),
        Given("cw_09", "faces3_freq", missing_code=not_shown),
    ]
    # "Ja, meget" → 4; cw_06 is reversed: "Aldrig" scared → 5.
    assert score(WELLBEING, "safety", answers) == pytest.approx(4.5)
    # One of three answered is under the minimum (0.6), one of one shown is not.
    answers[1] = Given("cw_06", "faces3_freq", missing_code=not_shown)
    assert score(WELLBEING, "safety", answers) == pytest.approx(4.0)


def test_items_outside_the_age_band_do_not_count():
    # cw_09 is asked from age 10 only, so a 6–9-year-old's safety score rests on two items.
    answers = [Given("cw_02", "faces3_amount", 3), Given("cw_06", "faces3_freq", 3)]
    assert score(WELLBEING, "safety", answers, AgeBand.AGE_6_9) == pytest.approx(3.0)
    assert score(WELLBEING, "safety", answers, AgeBand.AGE_13_18) == pytest.approx(3.0)
    assert score(WELLBEING, "safety", answers[:1], AgeBand.AGE_6_9) is None


def test_sum_scores_are_prorated():
    assert score(SITUATIONS, "force", [Given("ss_05", "count5", 3)]) == pytest.approx(3.0)
    assert score_range(SITUATIONS, SITUATIONS.scores[1]) == (1.0, 5.0)


def test_answer_on_a_scale_the_item_never_uses_is_refused():
    with pytest.raises(ValueError, match="never shown with scale 'agree5'"):
        score(WELLBEING, "wellbeing", [Given("cw_01", "agree5", 3)])


def answers_strategy(instrument):
    def for_item(item):
        keys = instrument.scale_keys_for(item)
        return st.sampled_from(keys).flatmap(
            lambda key: st.one_of(
                st.sampled_from(instrument.scales[key].codes).map(
                    lambda code: Given(item.id, key, code)
                ),
                st.sampled_from(list(MissingCode)).map(
                    lambda code: Given(item.id, key, missing_code=code)
                ),
            )
        )

    return st.tuples(*(for_item(item) for item in instrument.items)).map(list)


@given(answers_strategy(WELLBEING), st.sampled_from([None, *AgeBand]))
def test_child_scores_stay_within_their_range(answers, age_band):
    for score_definition in WELLBEING.scores:
        value = compute_score(
            WELLBEING, score_definition, {a.item_id: a for a in answers}, age_band
        )
        low, high = score_range(WELLBEING, score_definition)
        assert value is None or low - 1e-9 <= value <= high + 1e-9


@given(answers_strategy(STAFF))
def test_staff_scores_stay_within_their_range(answers):
    for score_definition in STAFF.scores:
        value = compute_score(STAFF, score_definition, {a.item_id: a for a in answers})
        low, high = score_range(STAFF, score_definition)
        assert value is None or low - 1e-9 <= value <= high + 1e-9


@given(st.lists(st.sampled_from([1, 2, 3, 4, 5]), min_size=8, max_size=8))
def test_reverse_coding_mirrors_the_answer(codes):
    answers = [
        Given(item.id, "degree5", code) for item, code in zip(STAFF.items, codes, strict=True)
    ]
    coded = [
        6 - code if item.reverse else code for item, code in zip(STAFF.items, codes, strict=True)
    ]
    assert score(STAFF, "wellbeing", answers) == pytest.approx(sum(coded) / len(coded))


@given(st.sampled_from(["faces5_freq", "faces3_freq", "faces2"]), st.data())
def test_reversed_child_item_mirrors_its_meaning_on_every_rung(scale_key, data):
    meanings = {  # what each answer means on the 5-point frequency scale (scales.yaml)
        "faces5_freq": {1: 1, 2: 2, 3: 3, 4: 4, 5: 5},
        "faces3_freq": {1: 1, 2: 3, 3: 4},
        "faces2": {1: 1, 2: None},
    }[scale_key]
    code = data.draw(st.sampled_from(sorted(meanings)))
    value = compute_score(
        WELLBEING, one_item_score("cw_06"), {"cw_06": Given("cw_06", scale_key, code)}
    )
    expected = None if meanings[code] is None else 6 - meanings[code]
    assert value == expected


WHO5 = REGISTRY.get("staff_who5", 1)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [((5, 5, 5, 5, 5), 100.0), ((0, 0, 0, 0, 0), 0.0), ((3, 4, 2, 5, 1), 60.0)],
)
def test_who5_is_the_raw_sum_times_4(codes, expected):
    # Published scoring: five answers 0-5, raw 0-25, times 4 (3+4+2+5+1 = 15 -> 60).
    answers = [Given(f"who_0{n}", "who6", code) for n, code in enumerate(codes, start=1)]
    assert score(WHO5, "index", answers) == expected
    assert score_range(WHO5, WHO5.scores[0]) == (0.0, 100.0)


def test_who5_needs_all_five_answers():
    answers = [Given(f"who_0{n}", "who6", 4) for n in range(1, 5)]
    answers.append(Given("who_05", "who6", missing_code=MissingCode.REFUSED))
    assert score(WHO5, "index", answers) is None

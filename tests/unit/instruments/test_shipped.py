"""The instruments shipped with the platform follow every rule."""

import pytest

from survey.instruments.checks import CHILD_LIX_LIMIT, SESSION_CAPS, readability
from survey.instruments.loader import BUILTIN_FOLDER, load_registry
from survey.instruments.model import LADDER_STEPS, LANGUAGES
from survey.instruments.readability import words
from survey.models.enums import AgeBand, Group

REGISTRY, PROBLEMS = load_registry([BUILTIN_FOLDER])
ITEM_COUNTS = {
    "child_wellbeing": (8, 12),
    "child_inclusion": (6, 10),
    "situations_child": (3, 10),
    "situations_staff": (3, 10),
    "staff_competence": (8, 12),
    "staff_wellbeing": (6, 10),
}


def test_shipped_instruments_have_no_problem_at_all():
    assert [str(problem) for problem in PROBLEMS] == []
    assert REGISTRY.keys() == sorted(ITEM_COUNTS)


@pytest.mark.parametrize("key", sorted(ITEM_COUNTS))
def test_item_counts_and_scores(key):
    instrument = REGISTRY.latest(key)
    low, high = ITEM_COUNTS[key]
    assert low <= len(instrument.items) <= high
    assert instrument.scores


def test_situations_exist_for_children_and_staff():
    assert REGISTRY.latest("situations_child").respondent is Group.CHILD
    assert REGISTRY.latest("situations_staff").respondent is Group.STAFF
    for key in ("situations_child", "situations_staff"):
        for item in REGISTRY.latest(key).items:
            if item.show_if is None:
                assert "4 uger" in item.text["da"] or "4 uger" in REGISTRY.latest(key).intro["da"]


def test_staff_competence_uses_five_point_agreement():
    instrument = REGISTRY.latest("staff_competence")
    assert {item.scale for item in instrument.items} == {"agree5"}
    assert len(instrument.scales["agree5"].points) == 5


def test_every_child_item_exists_on_the_5_3_2_ladder():
    for instrument in REGISTRY.latest_for(Group.CHILD):
        for item in instrument.items:
            sizes = [len(instrument.scale_for(item, steps).points) for steps in LADDER_STEPS]
            assert sizes == list(LADDER_STEPS), item.id


def test_child_wellbeing_has_simpler_wording_for_the_youngest():
    instrument = REGISTRY.latest("child_wellbeing")
    simplified = [item for item in instrument.items if AgeBand.AGE_6_9 in item.text_by_age]
    assert len(simplified) >= 3
    for item in simplified:
        assert len(words(item.text_for("da", AgeBand.AGE_6_9))) <= len(words(item.text["da"]))
        assert item.text_for("da", AgeBand.AGE_6_9) != item.text["da"]


def test_child_sessions_stay_within_the_caps_per_age_band():
    for band, cap in SESSION_CAPS.items():
        total = sum(len(i.items_for(band)) for i in REGISTRY.latest_for(Group.CHILD))
        assert 0 < total <= cap


def test_danish_child_text_reads_below_lix_25():
    for instrument in REGISTRY.latest_for(Group.CHILD):
        for entry in readability(instrument):
            if entry.language == "da":
                assert entry.lix < CHILD_LIX_LIMIT, (instrument.key, entry)


def test_every_text_exists_in_both_languages():
    for instrument in REGISTRY:
        for text in (instrument.title, instrument.intro, *(i.text for i in instrument.items)):
            assert all(text[language].strip() for language in LANGUAGES)


def test_child_items_are_questions_without_negation():
    for instrument in REGISTRY.latest_for(Group.CHILD):
        for item in instrument.items:
            for band in item.age_bands:
                danish = item.text_for("da", band)
                assert danish.endswith("?")
                assert " ikke " not in f" {danish.lower()} "


def test_sensitive_items_are_private():
    for item in REGISTRY.latest("situations_child").items:
        assert item.private


def test_item_ids_are_unique_and_stata_safe_across_instruments():
    names = [item.id for instrument in REGISTRY for item in instrument.items]
    assert len(names) == len(set(names))
    assert all(len(name) <= 32 and name.isidentifier() and name.islower() for name in names)


#: What each face says, read off the drawings (sad brows and a deep frown ... laughing).
FACE_MOOD = {"face_1": -2, "face_2": -1, "face_3": 0, "face_4": 1, "face_5": 2, "face_6": 3}


def test_every_face_says_what_its_word_says():
    scales = {key: scale for instrument in REGISTRY for key, scale in instrument.scales.items()}
    faces = {key: scale for key, scale in scales.items() if key.startswith("faces")}
    assert {"faces5_amount", "faces3_amount", "faces5_freq", "faces3_freq"} <= faces.keys()
    for key, scale in faces.items():
        pictures = [point.picture for point in scale.points]
        if not all(picture.startswith("face_") for picture in pictures):
            continue
        moods = [FACE_MOOD[picture] for picture in pictures]
        assert moods == sorted(set(moods)), key  # from less to more, no face twice
        if key.endswith("_amount"):
            # "Lidt", "Noget", "Ja, lidt" of something good: never a frown.
            assert min(moods[1:]) >= 0, (key, pictures)
    assert [point.picture for point in scales["faces5_amount"].points] == [
        "face_1",
        "face_3",
        "face_4",
        "face_5",
        "face_6",
    ]

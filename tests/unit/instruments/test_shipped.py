"""The instruments shipped with the platform follow every rule."""

import pytest

from survey.enums import AgeBand, Group
from survey.instruments.checks import CHILD_LIX_LIMIT, SESSION_CAPS, readability
from survey.instruments.loader import BUILTIN_FOLDER, load_registry
from survey.instruments.model import LADDER_STEPS, LANGUAGES
from survey.instruments.periods import fill
from survey.instruments.readability import words

REGISTRY, PROBLEMS = load_registry([BUILTIN_FOLDER])
ITEM_COUNTS = {
    "child_wellbeing": (8, 12),
    "child_inclusion": (6, 10),
    "situations_child": (3, 10),
    "situations_staff": (8, 14),
    "staff_competence": (8, 16),
    "staff_wellbeing": (6, 10),
    "staff_who5": (5, 5),
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
        instrument = REGISTRY.latest(key)
        for item in instrument.items:
            if item.show_if is None:
                text = fill(item.text["da"], "da") + fill(instrument.intro["da"], "da")
                assert "de sidste 4 uger" in text


def test_staff_competence_asks_how_confident_staff_are():
    instrument = REGISTRY.latest("staff_competence")
    confident = [i for i in instrument.items if i.text["da"].startswith("Hvor sikker er du på")]
    assert len(confident) >= 8
    assert {item.scale for item in confident} == {"confidence5"}
    labels = [p.label["da"] for p in instrument.scales["confidence5"].points]
    assert labels[0] == "Slet ikke sikker" and labels[-1] == "Helt sikker"
    # Organisational items and the programme's model are scores of their own.
    scores = {score.id: set(score.items) for score in instrument.scores}
    confidence_items = {item.id for item in confident}
    assert scores["organisation"].isdisjoint(confidence_items)
    assert scores["acceptance"].isdisjoint(confidence_items)
    assert scores["reactions"] | scores["handling"] <= confidence_items


def test_every_child_item_exists_on_the_5_3_2_ladder():
    for instrument in REGISTRY.latest_for(Group.CHILD):
        for item in instrument.items:
            sizes = [len(instrument.scale_for(item, steps).points) for steps in LADDER_STEPS]
            assert sizes == list(LADDER_STEPS), item.id


def test_child_items_have_simpler_wording_for_the_youngest():
    simplified = [
        item
        for instrument in REGISTRY.latest_for(Group.CHILD)
        for item in instrument.items
        if AgeBand.AGE_6_9 in item.text_by_age
    ]
    assert len(simplified) >= 8
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
    owners = {}
    for instrument in REGISTRY:
        names = [item.id for item in instrument.items]
        assert len(names) == len(set(names))
        for name in names:
            # Versions of one instrument share a name only for the same item.
            assert owners.setdefault(name, instrument.key) == instrument.key
            assert len(name) <= 32 and name.isidentifier() and name.islower()


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
        if "_amount" in key:
            # "Lidt", "Noget", "Ja, lidt" of something good: never a frown.
            assert min(moods[1:]) >= 0, (key, pictures)
    assert [point.picture for point in scales["faces5_amount"].points] == [
        "face_1",
        "face_3",
        "face_4",
        "face_5",
        "face_6",
    ]


def test_every_child_instrument_has_a_core_score_asked_at_every_age():
    for instrument in REGISTRY.latest_for(Group.CHILD):
        core = [s for s in instrument.scores if s.age_bands == tuple(AgeBand)]
        assert core, instrument.key
        for score in core:
            assert not score.as_released
            for item_id in score.items:
                assert instrument.item(item_id).age_bands == tuple(AgeBand), (score.id, item_id)


def test_version_2_replaces_every_version_1_score_that_mixed_ages_or_held_another():
    for instrument in REGISTRY.latest_for(Group.CHILD) + REGISTRY.latest_for(Group.STAFF):
        assert not any(score.as_released for score in instrument.scores), instrument.key
        assert instrument.version == (1 if instrument.key == "staff_who5" else 2)


#: The kinds of force the rules for children in care name, as the items word them.
FORCE_WORDS = {
    "holding": ("holdt dig fast", "holdt et barn fast"),
    "leading away": ("ført dig", "ført et barn"),
    "keeping back": ("holdt dig tilbage", "holdt et barn tilbage"),
    "other": ("på en anden måde", "ellers tvunget dig", "anden fysisk magt"),
}


@pytest.mark.parametrize("kind", sorted(FORCE_WORDS))
def test_each_kind_of_force_is_asked_of_staff_and_of_children_at_every_age(kind):
    staff = [i.text["da"] for i in REGISTRY.latest("situations_staff").items]
    assert any(word in text for word in FORCE_WORDS[kind] for text in staff)
    children = REGISTRY.latest("situations_child")
    for band in AgeBand:
        texts = [i.text_for("da", band) for i in children.items_for(band)]
        assert any(word in text for word in FORCE_WORDS[kind] for text in texts), band


def test_event_scores_are_worse_when_higher_and_read_declared_counts():
    for key in ("situations_child", "situations_staff"):
        instrument = REGISTRY.latest(key)
        kinds = {score.method for score in instrument.scores}
        assert kinds == {"any", "count"}
        for score in instrument.scores:
            assert score.higher_is == "worse"
    counts = [p.count for p in REGISTRY.latest("situations_staff").scales["count5"].points]
    assert counts == [0, 1, 2.5, 5, 8]
    rates = [s for s in REGISTRY.latest("situations_staff").scores if s.per]
    assert {s.per for s in rates} == {"ss_10"} and len(rates) == 3


def test_talked_afterwards_follows_any_kind_of_event():
    children = REGISTRY.latest("situations_child")
    follow_up = children.item("sc_17")
    assert set(follow_up.show_if.items) == {"sc_11", "sc_12", "sc_13", "sc_14", "sc_15", "sc_16"}
    staff = REGISTRY.latest("situations_staff")
    assert set(staff.item("ss_17").show_if.items) == {"ss_13", "ss_14", "ss_15", "ss_16"}


def test_amount_midpoint_and_english_labels_read_naturally():
    labels = [p.label for p in REGISTRY.latest("child_wellbeing").scales["faces5_amount2"].points]
    assert [label["da"] for label in labels] == [
        "Slet ikke",
        "Lidt",
        "Nogenlunde",
        "Meget",
        "Rigtig meget",
    ]
    assert labels[3]["en"] == "A lot"


def test_the_most_serious_situation_is_described_after_any_event():
    staff = REGISTRY.latest("situations_staff")
    events = {"ss_11", "ss_02", "ss_03", "ss_04", "ss_13", "ss_14", "ss_15", "ss_16"}
    for item_id in ("ss_18", "ss_19"):
        assert set(staff.item(item_id).show_if.items) == events


def test_a_follow_up_on_several_items_shows_after_any_event_on_any_rung():
    children = REGISTRY.latest("situations_child")
    follow_up = children.item("sc_17")
    nothing = {f"sc_1{n}": ("faces3_event", 1) for n in range(1, 7)}
    assert not children.is_shown(follow_up, nothing)
    assert not children.is_shown(follow_up, {})
    assert not children.is_shown(follow_up, {"sc_13": ("faces3_event", None)})
    for item_id in nothing:
        for scale, code in (("faces3_event", 2), ("faces5_event", 5), ("faces2_event", 2)):
            assert children.is_shown(follow_up, {**nothing, item_id: (scale, code)})

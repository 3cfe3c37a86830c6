"""Each kind of broken instrument file gets its own precise message, naming file and item."""

import json

import pytest

from survey.instruments.loader import load_folder
from survey.instruments.lock import WORDING_LOCK, lock_wording


def errors(problems):
    return [problem for problem in problems if problem.is_error]


def only_error(problems, item, fragment):
    """Assert that exactly one error was found, on ``item``, saying ``fragment``."""
    found = errors(problems)
    assert len(found) == 1, [str(problem) for problem in found]
    assert found[0].item == item, str(found[0])
    assert fragment in found[0].message, str(found[0])
    assert found[0].file.endswith(".yaml") or found[0].file.endswith(".json") or item is None
    return found[0]


def test_minimal_files_are_valid(child_data, staff_data, write_instrument, problems_of):
    write_instrument(child_data)
    write_instrument(staff_data)
    assert problems_of() == []


def test_invalid_yaml(write_instrument, problems_of):
    write_instrument("key: [unclosed\n", "bad.v1.yaml")
    problem = only_error(problems_of(), None, "is not valid YAML at line")
    assert problem.file.endswith("bad.v1.yaml")


def test_file_that_is_not_a_mapping(write_instrument, problems_of):
    write_instrument("- just\n- a list\n", "list.v1.yaml")
    only_error(problems_of(), None, "must hold a mapping")


def test_missing_field(child_data, write_instrument, problems_of):
    del child_data["intro"]
    write_instrument(child_data)
    only_error(problems_of(), None, "intro: Missing data for required field")


def test_missing_translation(child_data, write_instrument, problems_of):
    del child_data["items"][1]["text"]["en"]
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "text: missing translation: en")


def test_unknown_language(child_data, write_instrument, problems_of):
    child_data["title"]["de"] = "Test"
    write_instrument(child_data)
    only_error(problems_of(), None, "title: unknown language: de")


def test_unknown_field(child_data, write_instrument, problems_of):
    child_data["items"][0]["colour"] = "red"
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "colour: Unknown field")


def test_duplicate_item_id(child_data, write_instrument, problems_of):
    child_data["items"][1]["id"] = "tc_01"
    child_data["scores"][0]["items"] = ["tc_01"]
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "duplicate item id")


def test_item_id_without_prefix(child_data, write_instrument, problems_of):
    child_data["items"][1]["id"] = "sleep"
    child_data["scores"][0]["items"] = ["tc_01"]
    write_instrument(child_data)
    only_error(problems_of(), "sleep", "id must start with 'tc_'")


def test_child_item_id_leaves_room_for_its_exported_variables(
    child_data, write_instrument, problems_of
):
    long_id = "tc_" + "x" * 26  # 29 characters: "_any" would make 33
    child_data["items"][0]["id"] = long_id
    child_data["scores"][0]["items"] = [long_id]
    write_instrument(child_data)
    only_error(problems_of(), long_id, f"exported variable {long_id}_any (at most 32 characters)")


def test_unknown_scale(staff_data, write_instrument, problems_of):
    staff_data["items"][1]["scale"] = "nope"
    write_instrument(staff_data)
    only_error(problems_of(), "ts_02", "unknown scale 'nope'")


def test_unknown_ladder(child_data, write_instrument, problems_of):
    child_data["items"][1]["ladder"] = "nope"
    child_data["scores"][0]["items"] = ["tc_01"]
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "unknown ladder 'nope'")


def test_scale_and_ladder_together(child_data, write_instrument, problems_of):
    child_data["items"][0]["scale"] = "faces2"
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "give either 'scale' (staff) or 'ladder' (children)")


def test_child_item_with_a_single_scale(child_data, write_instrument, problems_of):
    del child_data["items"][0]["ladder"]
    child_data["items"][0]["scale"] = "faces3_amount"
    child_data["scores"][0]["items"] = ["tc_02"]
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "child items need a 'ladder'")


def test_staff_item_with_a_ladder(staff_data, write_instrument, problems_of):
    del staff_data["items"][1]["scale"]
    staff_data["items"][1]["ladder"] = "amount"
    write_instrument(staff_data)
    only_error(problems_of(), "ts_02", "staff items use a 'scale'")


def test_staff_item_with_age_bands(staff_data, write_instrument, problems_of):
    staff_data["items"][1]["age_bands"] = ["13-18"]
    write_instrument(staff_data)
    only_error(problems_of(), "ts_02", "staff items have no age bands")


def test_score_referencing_an_unknown_item(child_data, write_instrument, problems_of):
    child_data["scores"][0]["items"].append("tc_99")
    write_instrument(child_data)
    only_error(problems_of(), "mood", "score refers to unknown item 'tc_99'")


def test_score_on_a_nominal_item(staff_data, write_instrument, problems_of):
    staff_data["scores"][0]["items"] = ["ts_03"]
    write_instrument(staff_data)
    only_error(problems_of(), "safe", "item ts_03 has a nominal scale and cannot be scored")


def test_score_mixing_ranges(staff_data, write_instrument, problems_of):
    staff_data["scales"]["agree3"] = {
        "points": [
            {"code": 1, "label": {"da": "Uenig", "en": "Disagree"}},
            {"code": 2, "label": {"da": "Hverken eller", "en": "Neither"}},
            {"code": 3, "label": {"da": "Enig", "en": "Agree"}},
        ]
    }
    staff_data["items"][1]["scale"] = "agree3"
    staff_data["scores"][0]["items"] = ["ts_01", "ts_02"]
    write_instrument(staff_data)
    only_error(problems_of(), "safe", "score mixes items on scales with different ranges")


def test_score_minimum_share_out_of_range(child_data, write_instrument, problems_of):
    child_data["scores"][0]["min_answered"] = 1.5
    write_instrument(child_data)
    only_error(problems_of(), "mood", "min_answered: must be above 0 and at most 1")


def test_show_if_pointing_to_itself(child_data, write_instrument, problems_of):
    child_data["items"][1]["show_if"] = {"item": "tc_02", "above_lowest": True}
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "show_if points to the item itself")


def test_show_if_pointing_forward(child_data, write_instrument, problems_of):
    child_data["items"][0]["show_if"] = {"item": "tc_02", "above_lowest": True}
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "show_if points to a later item (tc_02)")


def test_show_if_pointing_to_an_unknown_item(child_data, write_instrument, problems_of):
    child_data["items"][1]["show_if"] = {"item": "tc_77", "above_lowest": True}
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "show_if points to an unknown item (tc_77)")


def test_score_over_items_asked_of_different_ages(child_data, write_instrument, problems_of):
    # A site's change between rounds would mix with a change in its children's ages.
    child_data["items"][1]["age_bands"] = ["10-12", "13-18"]
    child_data["scores"][0]["items"] = ["tc_01", "tc_02"]
    write_instrument(child_data)
    only_error(
        problems_of(),
        child_data["scores"][0]["id"],
        "item tc_02 is not asked of 6-9, but the score covers 6-9, 10-12, 13-18",
    )
    # An extended score for the older children compares like with like.
    child_data["scores"][0]["items"] = ["tc_02"]
    child_data["scores"][0]["age_bands"] = ["10-12", "13-18"]
    write_instrument(child_data)
    assert errors(problems_of()) == []
    child_data["scores"][0]["age_bands"] = ["6-9", "10-12"]
    write_instrument(child_data)
    only_error(problems_of(), child_data["scores"][0]["id"], "tc_02 is not asked of 6-9,")
    # A score released before the rule keeps loading, marked as such.
    child_data["scores"][0]["items"] = ["tc_01", "tc_02"]
    del child_data["scores"][0]["age_bands"]
    child_data["scores"][0]["as_released"] = True
    write_instrument(child_data)
    assert errors(problems_of()) == []


def test_follow_up_less_private_than_its_question(child_data, write_instrument, problems_of):
    # Private questions are moved to the end together; the follow-up must move with them.
    child_data["items"][0]["private"] = True
    child_data["items"][1]["show_if"] = {"item": "tc_01", "above_lowest": True}
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "a follow-up must be private exactly when its question is")


def test_show_if_code_not_on_the_scale(staff_data, write_instrument, problems_of):
    staff_data["items"][1]["show_if"] = {"item": "ts_01", "in": [9]}
    write_instrument(staff_data)
    only_error(problems_of(), "ts_02", "show_if code 9 is not on the scale of ts_01")


def test_show_if_codes_on_a_ladder_item(child_data, write_instrument, problems_of):
    child_data["items"][1]["show_if"] = {"item": "tc_01", "in": [2]}
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "(a ladder item) must use above_lowest")


def test_show_if_without_a_rule(child_data, write_instrument, problems_of):
    child_data["items"][1]["show_if"] = {"item": "tc_01"}
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "give either 'in: [codes]' or 'above_lowest: true'")


def test_reverse_on_a_nominal_scale(staff_data, write_instrument, problems_of):
    staff_data["items"][2]["reverse"] = True
    write_instrument(staff_data)
    only_error(problems_of(), "ts_03", "reverse is set, but the scale is not ordinal")


def test_child_item_that_is_not_a_question(child_data, write_instrument, problems_of):
    child_data["items"][0]["text"] = {"da": "Du er glad.", "en": "You are happy."}
    write_instrument(child_data)
    found = errors(problems_of())
    assert {problem.item for problem in found} == {"tc_01"}
    assert all("child items are questions" in problem.message for problem in found)


def test_child_item_with_a_negation(child_data, write_instrument, problems_of):
    child_data["items"][0]["text"] = {"da": "Er du ikke glad?", "en": "Are you happy?"}
    write_instrument(child_data)
    found = errors(problems_of())
    assert {problem.item for problem in found} == {"tc_01"}
    assert all("da" in p.message and "no negations in child items" in p.message for p in found)


def test_danish_child_text_too_hard_to_read(child_data, write_instrument, problems_of):
    child_data["items"][0]["text"]["da"] = (
        "Oplever du anbringelsesstedets medbestemmelsesprocesser?"
    )
    write_instrument(child_data)
    found = errors(problems_of())
    assert found
    assert all(problem.item is None for problem in found)
    assert "must stay below 25; longest items: tc_01" in found[0].message


def test_long_child_items_give_warnings_only(child_data, write_instrument, problems_of):
    child_data["items"][0]["text"]["da"] = "Er du glad for at bo her og for at gå i skole hver dag?"
    write_instrument(child_data)
    problems = problems_of()
    assert errors(problems) == []
    assert any("words (aim for at most 10)" in p.message for p in problems)


def test_text_for_an_age_band_the_item_skips(child_data, write_instrument, problems_of):
    child_data["items"][0]["age_bands"] = ["13-18"]
    child_data["items"][0]["text_by_age"] = {"6-9": {"da": "Er du glad?", "en": "Are you happy?"}}
    child_data["scores"][0]["as_released"] = True  # only the text is at fault here
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "text for age band 6-9, which the item is not asked of")


def declared_ladder(rungs=None):
    """A local ladder like the shipped `amount` ladder, declared in full."""
    return {
        "rungs": rungs or {5: "faces5_amount", 3: "faces3_amount", 2: "faces2"},
        "means": {3: {1: 1, 2: 2, 3: 4}, 2: {1: 1, 2: None}},
        "common": {
            "suffix": "any",
            "label": {"da": "Overhovedet", "en": "At all"},
            "points": [
                {"code": 1, "label": {"da": "Nej", "en": "No"}},
                {"code": 2, "label": {"da": "Ja", "en": "Yes"}},
            ],
            "codes": {5: {1: 1, 2: 2, 3: 2, 4: 2, 5: 2}, 3: {1: 1, 2: 2, 3: 2}, 2: {1: 1, 2: 2}},
        },
    }


def test_a_fully_declared_local_ladder_passes(child_data, write_instrument, problems_of):
    child_data["ladders"] = {"mine": declared_ladder()}
    child_data["items"][0]["ladder"] = "mine"
    write_instrument(child_data)
    assert errors(problems_of()) == []


def test_local_ladder_without_every_rung(child_data, write_instrument, problems_of):
    child_data["ladders"] = {"short": declared_ladder({5: "faces5_amount", 3: "faces3_amount"})}
    write_instrument(child_data)
    only_error(problems_of(), None, "ladder short: needs the rungs 5, 3, 2")


def test_local_ladder_rung_of_the_wrong_size(child_data, write_instrument, problems_of):
    rungs = {5: "faces3_amount", 3: "faces3_freq", 2: "faces2"}
    child_data["ladders"] = {"odd": declared_ladder(rungs)}
    write_instrument(child_data)
    only_error(problems_of(), None, "ladder odd: scale faces3_amount has 3 choices, not 5")


def test_ladder_without_meanings_is_refused(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    del ladder["means"]
    child_data["ladders"] = {"vague": ladder}
    write_instrument(child_data)
    assert [problem.message for problem in errors(problems_of())] == [
        "ladder vague: means: rung 3 must give the meaning of each of [1, 2, 3]",
        "ladder vague: means: rung 2 must give the meaning of each of [1, 2]",
    ]


def test_ladder_meaning_one_choice_short_is_refused(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    del ladder["means"][3][3]
    child_data["ladders"] = {"vague": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "means: rung 3 must give the meaning of each of [1, 2, 3]")


def test_ladder_meaning_off_the_reference_scale(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    ladder["means"][3][3] = 6
    child_data["ladders"] = {"odd": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "means: rung 3 names a code not on the 5-point rung")


def test_ladder_meanings_out_of_order(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    ladder["means"][3] = {1: 1, 2: 4, 3: 2}
    child_data["ladders"] = {"odd": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "means: rung 3 must keep the order of the choices")


def test_vague_ladder_without_common_variable(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    del ladder["common"]
    child_data["ladders"] = {"vague": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "no single equivalent, so declare a 'common' variable")


def test_exact_ladder_needs_no_common_variable(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    del ladder["common"]
    ladder["means"][2] = {1: 1, 2: 5}
    child_data["ladders"] = {"exact": ladder}
    write_instrument(child_data)
    assert errors(problems_of()) == []


def test_report_on_common_needs_a_common_variable(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    del ladder["common"]
    ladder["means"][2] = {1: 1, 2: 5}
    ladder["report_common"] = True
    child_data["ladders"] = {"odd": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "ladder odd: report_common needs a 'common' variable")


def test_common_variable_missing_a_rung(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    del ladder["common"]["codes"][2]
    child_data["ladders"] = {"odd": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "common: rung 2 must map each of [1, 2]")


def test_common_variable_code_not_among_its_points(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    ladder["common"]["codes"][3][3] = 3
    child_data["ladders"] = {"odd": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "common: rung 3 maps to a code not among its points")


def test_common_variable_contradicting_the_meanings(child_data, write_instrument, problems_of):
    ladder = declared_ladder()
    ladder["common"]["codes"][3][2] = 1  # "Ja, lidt" means "Lidt", which is "yes" on rung 5
    child_data["ladders"] = {"odd": ladder}
    write_instrument(child_data)
    only_error(problems_of(), None, "common: rung 3 disagrees with what its answers mean")


def test_duplicate_code_in_a_scale(staff_data, write_instrument, problems_of):
    staff_data["scales"]["place3"]["points"][2]["code"] = 1
    write_instrument(staff_data)
    only_error(problems_of(), None, "scale place3: duplicate code 1")


def test_child_scale_without_pictures(child_data, staff_data, write_instrument, problems_of):
    child_data["scales"] = {
        "plain2": {
            "points": [
                {"code": 1, "label": {"da": "Nej", "en": "No"}},
                {"code": 2, "label": {"da": "Ja", "en": "Yes"}},
            ]
        }
    }
    child_data["ladders"] = {
        "plain": declared_ladder({5: "faces5_amount", 3: "faces3_amount", 2: "plain2"})
    }
    child_data["items"][1]["ladder"] = "plain"
    write_instrument(child_data)
    only_error(problems_of(), "tc_02", "scale plain2 needs a picture on every choice")


def test_missing_audio_file(child_data, write_instrument, problems_of):
    child_data["items"][0]["audio"] = {"da": "audio/tc_01.da.mp3"}
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "audio da: file audio/tc_01.da.mp3 not found")


def test_media_path_outside_the_folder(child_data, write_instrument, problems_of):
    child_data["items"][0]["image"] = "../secret.png"
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "image: give a path inside the instrument folder")


def test_existing_audio_file_is_accepted(child_data, write_instrument, problems_of, tmp_path):
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "tc_01.da.mp3").write_bytes(b"ID3")
    child_data["items"][0]["audio"] = {"da": "audio/tc_01.da.mp3"}
    write_instrument(child_data)
    assert errors(problems_of()) == []


def test_same_version_in_two_files(child_data, write_instrument, problems_of):
    write_instrument(child_data)
    write_instrument(child_data, "copy.v1.yaml")
    only_error(problems_of(), None, "version 1 exists in 2 files")


def test_variable_name_shared_by_two_instruments(child_data, write_instrument, problems_of):
    write_instrument(child_data)
    child_data["key"] = "other_child"
    write_instrument(child_data)
    found = errors(problems_of())
    assert found
    assert all("variable name also used by" in problem.message for problem in found)


def test_too_many_items_for_one_session(child_data, write_instrument, problems_of):
    child_data["items"] = [
        {
            "id": f"tc_{n:02}",
            "ladder": "amount",
            "text": {"da": "Er du glad?", "en": "Are you happy?"},
        }
        for n in range(1, 17)
    ]
    child_data["scores"][0]["items"] = ["tc_01"]
    write_instrument(child_data)
    only_error(problems_of(), None, "age band 6-9: 16 items in one session, more than 15")


def test_changed_wording_of_a_locked_version(child_data, write_instrument, problems_of, tmp_path):
    write_instrument(child_data)
    instruments, _ = load_folder(tmp_path)
    assert lock_wording(tmp_path, instruments) == ["test_child@1"]
    assert problems_of() == []
    child_data["items"][0]["text"]["da"] = "Er du rigtig glad?"
    write_instrument(child_data)
    only_error(
        problems_of(),
        "tc_01",
        "wording changed in locked test_child@1; give the change a new version",
    )


def test_changed_scale_labels_of_a_locked_version(
    staff_data, write_instrument, problems_of, tmp_path
):
    write_instrument(staff_data)
    lock_wording(tmp_path, load_folder(tmp_path)[0])
    staff_data["scales"]["place3"]["points"][2]["label"]["da"] = "Et andet sted"
    write_instrument(staff_data)
    only_error(problems_of(), "ts_03", "wording changed in locked test_staff@1")


def test_item_removed_from_a_locked_version(child_data, write_instrument, problems_of, tmp_path):
    write_instrument(child_data)
    lock_wording(tmp_path, load_folder(tmp_path)[0])
    del child_data["items"][1]
    child_data["scores"][0]["items"] = ["tc_01"]
    write_instrument(child_data)
    only_error(
        problems_of(), "tc_02", "item removed from locked test_child@1; items never disappear"
    )


def test_locked_version_whose_file_disappeared(child_data, write_instrument, problems_of, tmp_path):
    path = write_instrument(child_data)
    lock_wording(tmp_path, load_folder(tmp_path)[0])
    child_data["version"] = 2
    write_instrument(child_data)
    path.unlink()
    problem = only_error(problems_of(), None, "test_child@1 is locked but its file is missing")
    assert problem.file.endswith(WORDING_LOCK)


def test_new_version_is_free_to_change_wording(child_data, write_instrument, problems_of, tmp_path):
    write_instrument(child_data)
    lock_wording(tmp_path, load_folder(tmp_path)[0])
    child_data["version"] = 2
    child_data["items"][0]["text"]["da"] = "Er du rigtig glad?"
    write_instrument(child_data)
    # A variable name means one thing in every version: the changed item needs a new name.
    only_error(problems_of(), "tc_01", "means something else in test_child@1")
    child_data["items"][0]["id"] = "tc_09"
    child_data["scores"][0]["items"] = ["tc_09", "tc_02"]
    write_instrument(child_data)
    only_error(problems_of(), "tc_mood", "means something else in test_child@1")
    child_data["scores"][0]["id"] = "mood2"
    write_instrument(child_data)
    problems = problems_of()
    # Unchanged items keep their names and share a column with version 1 in exports.
    assert errors(problems) == []
    locked = json.loads((tmp_path / WORDING_LOCK).read_text())
    assert list(locked) == ["test_child@1"]


@pytest.mark.parametrize("field", ["key", "version"])
def test_wrong_types(child_data, write_instrument, problems_of, field):
    child_data[field] = {"key": "Not A Key!", "version": "one"}[field]
    write_instrument(child_data, "typed.v1.yaml")
    found = errors(problems_of())
    assert len(found) == 1
    assert found[0].message.startswith(f"{field}:")


def test_reverse_item_on_faces_that_do_not_mirror(child_data, write_instrument, problems_of):
    # The amount faces run sad, neutral ... laughing: mirrored, "Lidt" (scared) would laugh.
    child_data["items"][0]["reverse"] = True
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "the faces of scale faces5_amount do not mirror")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"private": True}, "it is private"),
        ({"reverse": True, "ladder": "frequency"}, "it is negatively worded (reverse)"),
        ({"ladder": "event"}, "it asks about events (violence or force)"),
    ],
)
def test_children_page_items_must_be_kind(
    child_data, write_instrument, problems_of, change, reason
):
    child_data["items"][0].update({"feedback_page": True, **change})
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", f"feedback_page is set, but {reason}")


def test_staff_items_are_never_on_the_children_page(staff_data, write_instrument, problems_of):
    staff_data["items"][0]["feedback_page"] = True
    write_instrument(staff_data)
    only_error(problems_of(), "ts_01", "feedback_page is set, but it is not a child item")


def event_score(method: str, **extra) -> dict:
    return {
        "id": "events",
        "label": {"da": "Hændelser", "en": "Events"},
        "method": method,
        "higher_is": "worse",
        "items": ["ts_02"],
        **extra,
    }


@pytest.mark.parametrize("method", ["any", "count"])
def test_event_scores_need_count_bands(staff_data, write_instrument, problems_of, method):
    # ts_02 is on count5, whose choices declare the number of events they stand for.
    staff_data["scores"].append(event_score(method))
    write_instrument(staff_data)
    assert errors(problems_of()) == []
    staff_data["scores"][-1]["items"] = ["ts_01"]  # agree5 declares no counts
    write_instrument(staff_data)
    only_error(problems_of(), "events", "item ts_01 needs a count on every choice of agree5")


def test_count_bands_are_declared_on_every_choice_and_rise(
    staff_data, write_instrument, problems_of
):
    points = staff_data["scales"]["place3"]["points"]
    points[0]["count"] = 0
    write_instrument(staff_data)
    only_error(problems_of(), None, "scale place3: give a count on every choice, rising")
    points[1]["count"], points[2]["count"] = 3, 3
    write_instrument(staff_data)
    only_error(problems_of(), None, "scale place3: give a count on every choice, rising")
    points[2]["count"] = 4
    write_instrument(staff_data)
    assert errors(problems_of()) == []


def test_event_bands_must_start_at_none(staff_data, write_instrument, problems_of):
    points = staff_data["scales"]["place3"]["points"]
    for point, count in zip(points, (1, 2, 3), strict=True):
        point["count"] = count
    staff_data["scales"]["place3"]["ordinal"] = True
    staff_data["scores"].append({**event_score("any"), "items": ["ts_03"]})
    write_instrument(staff_data)
    only_error(problems_of(), "events", "item ts_03 needs a count on every choice")


def test_rate_per_denominator(staff_data, write_instrument, problems_of):
    staff_data["items"].append(
        {"id": "ts_04", "scale": "count5", "text": {"da": "Vagter.", "en": "Shifts."}}
    )
    staff_data["scores"].append(event_score("count", per="ts_04"))
    write_instrument(staff_data)
    assert errors(problems_of()) == []
    staff_data["scores"][-1]["per"] = "ts_01"
    write_instrument(staff_data)
    only_error(problems_of(), "events", "'per' item ts_01 needs a count on every choice")
    staff_data["scores"][-1]["per"] = "ts_02"
    write_instrument(staff_data)
    only_error(problems_of(), "events", "'per' item ts_02 cannot also be one of the score's")
    staff_data["scores"][-1]["per"] = "ts_09"
    write_instrument(staff_data)
    only_error(problems_of(), "events", "score refers to unknown item 'ts_09'")
    staff_data["scores"][-1].update(per="ts_04", method="mean")
    write_instrument(staff_data)
    only_error(problems_of(), "events", "'per' needs method: count, not mean")
    staff_data["scores"][-1]["method"] = "any"
    write_instrument(staff_data)
    only_error(problems_of(), "events", "'per' needs method: count, not any")
    staff_data["scores"][-1]["method"] = "count"
    staff_data["items"][-1]["show_if"] = {"item": "ts_02", "in": [2]}
    write_instrument(staff_data)
    only_error(problems_of(), "events", "'per' item ts_04 must be asked of everyone")


def test_no_score_holds_another(staff_data, write_instrument, problems_of):
    staff_data["items"].append(
        {"id": "ts_04", "scale": "agree5", "text": {"da": "Jeg er glad.", "en": "I am glad."}}
    )
    staff_data["scores"].append({**staff_data["scores"][0], "id": "both"})
    staff_data["scores"][-1]["items"] = ["ts_01", "ts_04"]
    write_instrument(staff_data)
    only_error(problems_of(), "both", "score contains every item of score safe")
    staff_data["scores"][-1]["as_released"] = True
    write_instrument(staff_data)
    assert errors(problems_of()) == []


def test_staff_scores_have_no_age_bands(staff_data, write_instrument, problems_of):
    staff_data["scores"][0]["age_bands"] = ["10-12"]
    write_instrument(staff_data)
    only_error(problems_of(), "safe", "staff scores have no age bands")


def test_score_direction_must_be_declared(staff_data, write_instrument, problems_of):
    del staff_data["scores"][0]["higher_is"]
    write_instrument(staff_data)
    only_error(problems_of(), "safe", "higher_is: Missing data for required field")


def test_only_the_period_is_filled_in(child_data, write_instrument, problems_of):
    child_data["items"][0]["text"]["da"] = "Er du glad {period}?"
    child_data["items"][0]["text"]["en"] = "Are you happy {period}?"
    write_instrument(child_data)
    assert errors(problems_of()) == []
    child_data["items"][0]["text_by_age"] = {"6-9": {"da": "Er du glad {navn}?", "en": "Happy?"}}
    write_instrument(child_data)
    only_error(problems_of(), "tc_01", "unknown field {navn} in the text")
    del child_data["items"][0]["text_by_age"]
    child_data["intro"]["en"] = "About {when}."
    write_instrument(child_data)
    only_error(problems_of(), None, "intro: unknown field {when}")


def test_word_counts_read_the_filled_in_period(child_data, write_instrument, problems_of):
    # "{period}" reads "de sidste 4 uger" (4 words): 7 + 4 words is over 10 for 6-9.
    child_data["items"][0]["text"]["da"] = "Har du været glad her hos os {period}?"
    write_instrument(child_data)
    warnings = [str(p) for p in problems_of() if not p.is_error and "words" in p.message]
    assert warnings == [
        f"{problems_of()[0].file}: tc_01: warning: da 6-9: 11 words (aim for at most 10)"
    ]


def test_times_multiplies_only_sums_and_counts(staff_data, write_instrument, problems_of):
    staff_data["scores"][0]["times"] = 4
    write_instrument(staff_data)
    only_error(problems_of(), "safe", "'times' needs method: sum or count, not mean")
    staff_data["scores"][0]["method"] = "sum"
    write_instrument(staff_data)
    assert errors(problems_of()) == []
    staff_data["scores"][0].update(method="any", items=["ts_02"], higher_is="worse")
    write_instrument(staff_data)
    only_error(problems_of(), "safe", "'times' needs method: sum or count, not any")

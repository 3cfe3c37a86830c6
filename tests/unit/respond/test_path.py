"""The respondent path answers where to go from plain objects: no database, no request.

One child instrument, in this order: ``q1`` (no / yes), ``q1a`` (asked after "yes"), ``p1``
(private), ``q2``, ``p2`` (private), ``teen`` (ages 13-18 only). The path puts the private
questions last, together: q1, q1a, q2, p1, p2 (then teen for teenagers, before p1)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from survey.enums import AgeBand, Group, MissingCode, RoundStatus
from survey.instruments.model import Condition, Instrument, Item, Point, Scale
from survey.models import Answer, Participant, Round, Study, Submission
from survey.respond.flow import RespondError
from survey.respond.path import Progress, RespondentPath

YES_NO = Scale("yes_no", (Point(1, {"da": "Nej", "en": "No"}), Point(2, {"da": "Ja", "en": "Yes"})))


def item(item_id: str, **fields: object) -> Item:
    return Item(item_id, {"da": item_id, "en": item_id}, scale="yes_no", **fields)


def instrument(key: str, respondent: Group, items: tuple[Item, ...]) -> Instrument:
    return Instrument(
        key=key,
        version=1,
        respondent=respondent,
        prefix=key[:2],
        title={"da": key, "en": key},
        intro={"da": "", "en": ""},
        scales={"yes_no": YES_NO},
        ladders={},
        items=items,
        scores=(),
    )


CHILD = instrument(
    "child",
    Group.CHILD,
    (
        item("q1"),
        item("q1a", show_if=Condition("q1", codes=(2,))),
        item("p1", private=True),
        item("q2"),
        item("p2", private=True),
        item("teen", age_bands=(AgeBand.AGE_13_18,)),
    ),
)
STAFF_A = instrument("staff_a", Group.STAFF, (item("a1"), item("a2")))
STAFF_B = instrument("staff_b", Group.STAFF, (item("b1"),))


def submission(
    group: Group = Group.CHILD, talk: bool = True, band: AgeBand | None = AgeBand.AGE_10_12
) -> Submission:
    band = band if group is Group.CHILD else None
    study = Study(slug="s", name="S", talk_requests_enabled=talk)
    return Submission(
        participant=Participant(group=group, age_band=band),
        round=Round(name="r", study=study),
    )


def child_path(answers: dict[str, int | MissingCode] | None = None, **kwargs) -> RespondentPath:
    given = {
        ("child", item_id): Answer(
            instrument_key="child",
            item_id=item_id,
            scale="yes_no",
            value=None if isinstance(value, MissingCode) else value,
            missing_code=value if isinstance(value, MissingCode) else None,
        )
        for item_id, value in (answers or {}).items()
    }
    return RespondentPath(submission(**kwargs), [CHILD], given)


def staff_path(answers: dict[tuple[str, str], int] | None = None) -> RespondentPath:
    given = {
        key: Answer(instrument_key=key[0], item_id=key[1], scale="yes_no", value=value)
        for key, value in (answers or {}).items()
    }
    return RespondentPath(submission(Group.STAFF), [STAFF_A, STAFF_B], given)


def ids(path: RespondentPath) -> list[str]:
    return [question.item.id for question in path.questions]


def test_private_questions_come_last_together_and_only_the_age_bands_items_are_asked():
    assert ids(child_path()) == ["q1", "q1a", "q2", "p1", "p2"]
    assert [q.index for q in child_path().questions] == [0, 1, 2, 3, 4]
    assert ids(child_path(band=AgeBand.AGE_13_18)) == ["q1", "q1a", "q2", "teen", "p1", "p2"]


def test_the_first_unanswered_question_skips_follow_ups_whose_condition_fails():
    assert child_path().first_unanswered() == 0
    assert child_path({"q1": 1}).first_unanswered() == 2  # "no": q1a is not asked
    assert child_path({"q1": 2}).first_unanswered() == 1  # "yes": q1a is asked next
    assert child_path({"q1": 1, "q2": 2, "p1": 1, "p2": 1}).first_unanswered() is None


def test_a_question_marked_not_shown_is_unanswered_once_it_is_asked_again():
    path = child_path({"q1": 2, "q1a": MissingCode.NOT_SHOWN, "q2": 1})
    assert path.first_unanswered() == 1


def test_a_chosen_missing_code_counts_as_an_answer():
    path = child_path({"q1": MissingCode.DONT_KNOW, "q2": MissingCode.REFUSED})
    assert path.first_unanswered() == 3


def test_back_goes_to_the_previous_question_asked():
    assert child_path({"q1": 1}).previous_shown(2) == 0  # over the follow-up not asked
    assert child_path({"q1": 2}).previous_shown(2) == 1
    assert child_path().previous_shown(0) is None


def test_a_run_of_private_questions_starts_at_its_first_question():
    path = child_path()
    assert [path.private_run_start(index) for index in range(5)] == [None, None, None, 3, 3]


def test_a_follow_up_shares_its_questions_number_so_the_total_never_grows():
    path = child_path({"q1": 2, "q1a": 1})
    positions = [path.progress(question).position for question in path.questions]
    assert positions == [0, 0, 1, 2, 3]
    assert path.progress(path.questions[0]).total == 4  # q1, q2, p1, p2: not the follow-up
    assert path.progress(path.questions[0]).answered == 1  # q1 only: q1a is not counted


def test_progress_counts_answers_not_questions_marked_not_shown():
    path = child_path({"q1": 1, "q1a": MissingCode.NOT_SHOWN, "q2": MissingCode.REFUSED})
    assert path.progress(path.questions[2]) == Progress(position=1, total=4, answered=2)


def test_question_at_refuses_an_index_outside_the_path():
    path = child_path()
    assert path.question_at(4).item.id == "p2"
    assert path.question_at(0).item.id == "q1"
    for index in (-1, 5):
        with pytest.raises(RespondError):
            path.question_at(index)


def test_staff_answer_one_instrument_per_page_from_the_first_unanswered():
    assert [q.item.id for q in staff_path().page(0)] == ["a1", "a2"]
    assert [q.item.id for q in staff_path().page(1)] == ["b1"]
    assert staff_path().first_staff_page() == 0
    assert staff_path({("staff_a", "a1"): 1}).first_staff_page() == 0
    assert staff_path({("staff_a", "a1"): 1, ("staff_a", "a2"): 2}).first_staff_page() == 1
    everything = {("staff_a", "a1"): 1, ("staff_a", "a2"): 2, ("staff_b", "b1"): 1}
    assert staff_path(everything).first_staff_page() == 0


def test_only_a_child_is_offered_a_talk_and_only_where_the_study_allows_it():
    assert child_path().ask_to_talk() is True
    assert child_path(talk=False).ask_to_talk() is False
    assert staff_path().ask_to_talk() is False


def test_a_child_who_answered_private_questions_calls_the_adult_back():
    assert child_path().calls_adult_back() is True
    assert staff_path().calls_adult_back() is False
    private_staff = replace(STAFF_B, items=(item("b1", private=True),))
    assert RespondentPath(submission(Group.STAFF), [private_staff], {}).calls_adult_back() is False
    public = RespondentPath(submission(), [replace(CHILD, items=CHILD.items[:2])], {})
    assert public.calls_adult_back() is False


def test_a_section_is_one_questionnaires_run_beside_the_adult_or_in_private():
    other = replace(CHILD, key="other", items=(item("o1"), item("o2", private=True)))
    path = RespondentPath(submission(), [CHILD, other], {})
    # In order: q1, q1a, q2, o1 (beside the adult), then p1, p2, o2 (in private).
    assert ids(path) == ["q1", "q1a", "q2", "o1", "p1", "p2", "o2"]
    sections = [[q.item.id for q in path.section(question)] for question in path.questions]
    assert sections == [
        ["q1", "q1a", "q2"],
        ["q1", "q1a", "q2"],
        ["q1", "q1a", "q2"],
        ["o1"],
        ["p1", "p2"],
        ["p1", "p2"],
        ["o2"],
    ]


def test_a_section_of_a_path_with_one_questionnaire_is_the_whole_path():
    path = RespondentPath(submission(Group.STAFF), [STAFF_A], {})
    assert [[q.item.id for q in path.section(q)] for q in path.questions] == [["a1", "a2"]] * 2


def test_a_follow_ups_condition_carries_the_answers_outside_its_section():
    # p3 (private) follows q2 (beside the adult): the page of p3 has no q2 to look at.
    follow_up = item("p3", private=True, show_if=Condition("q2", codes=(2,), others=("p1",)))
    child = replace(CHILD, items=(*CHILD.items, follow_up))
    given = {("child", "q2"): Answer(instrument_key="child", item_id="q2", value=2)}
    path = RespondentPath(submission(), [child], given)
    p3 = next(q for q in path.questions if q.item.id == "p3")
    assert path.condition(p3) == {
        "items": ["q2", "p1"],
        "codes": [2],
        "above_lowest": False,
        "lowest": {"q2": 1, "p1": 1},
        "known": {"q2": 2},  # p1 is in p3's section: the page knows its answer
    }
    assert RespondentPath(submission(), [child], {}).condition(p3)["known"] == {"q2": None}
    assert path.condition(path.questions[0]) is None


@pytest.fixture
def saving(monkeypatch):
    """Saves that reach no database: the upsert answers as told, the answers read are these."""
    outcome = {"stored": True, "read": {}}
    monkeypatch.setattr("survey.respond.flow.upsert_answer", lambda *_args: outcome["stored"])
    monkeypatch.setattr("survey.respond.flow.answers", lambda _submission: outcome["read"])
    return outcome


def open_child_path() -> RespondentPath:
    """A child's path in an open round, with no answers read so far."""
    path = child_path()
    path.submission.round.status = RoundStatus.OPEN
    return path


def test_a_save_keeps_the_answers_read_so_far_up_to_date(saving):
    path = open_child_path()
    q1, q1a, q2 = path.questions[:3]
    assert not path.is_shown(q1a)
    assert path.save(q1, "2", seq=5) is True
    assert path.is_shown(q1a)  # without reading the answers again
    stored = path.answer_to(q1)
    assert (stored.instrument_key, stored.instrument_version, stored.item_id) == ("child", 1, "q1")
    assert (stored.scale, stored.value, stored.missing_code) == ("yes_no", 2, None)
    path.save(q2, "dont_know", seq=6)
    assert (path.answer_to(q2).value, path.answer_to(q2).missing_code) == (
        None,
        MissingCode.DONT_KNOW,
    )


def test_moving_on_marks_a_follow_up_not_asked_in_the_answers_read(saving):
    path = open_child_path()
    path.save(path.questions[0], "1", seq=5)
    assert path.advance(0) == 2
    skipped = path.answer_to(path.questions[1])
    assert (skipped.item_id, skipped.value, skipped.missing_code) == (
        "q1a",
        None,
        MissingCode.NOT_SHOWN,
    )


def test_after_a_save_a_newer_answer_beat_the_answers_are_read_again(saving):
    path = open_child_path()
    saving["stored"] = False
    newer = Answer(instrument_key="child", item_id="q1", scale="yes_no", value=1)
    saving["read"] = {("child", "q1"): newer}
    assert path.save(path.questions[0], "2", seq=5) is False
    assert path.answer_to(path.questions[0]) is newer

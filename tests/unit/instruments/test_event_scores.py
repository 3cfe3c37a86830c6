"""Event scores: the share with at least one event, estimated counts, and rates per shift."""

from dataclasses import dataclass

import pytest

from survey.enums import AgeBand, MissingCode
from survey.instruments.loader import load_registry
from survey.instruments.scoring import compute_score, score_range

# count5 declares the events per band: 0, 1, 2-3 → 2.5, 4-6 → 5, 7 or more → 8.
BANDS = {1: 0.0, 2: 1.0, 3: 2.5, 4: 5.0, 5: 8.0}


@dataclass(frozen=True)
class Given:
    item_id: str
    scale: str
    value: int | None = None
    missing_code: MissingCode | None = None


@pytest.fixture
def events(staff_data, child_data, write_instrument, tmp_path):
    """A staff instrument with three event items and a shifts item, and a child one."""
    staff_data["scales"]["shifts3"] = {
        "points": [
            {"code": 1, "label": {"da": "0", "en": "0"}, "count": 0},
            {"code": 2, "label": {"da": "1-10", "en": "1-10"}, "count": 5.5},
            {"code": 3, "label": {"da": "11-20", "en": "11-20"}, "count": 15.5},
        ]
    }
    staff_data["items"] = [
        {"id": f"ts_0{n}", "scale": "count5", "text": {"da": f"Antal {n}.", "en": f"Count {n}."}}
        for n in (1, 2, 3)
    ] + [{"id": "ts_04", "scale": "shifts3", "text": {"da": "Vagter.", "en": "Shifts."}}]
    common = {"label": {"da": "H", "en": "E"}, "higher_is": "worse", "min_answered": 0.6}
    staff_data["scores"] = [
        {"id": "any", "method": "any", "items": ["ts_01", "ts_02", "ts_03"], **common},
        {"id": "count", "method": "count", "items": ["ts_01", "ts_02", "ts_03"], **common},
        {"id": "rate", "method": "count", "per": "ts_04", "items": ["ts_01", "ts_02"], **common},
    ]
    write_instrument(staff_data)
    child_data["items"] = [
        {"id": "tc_01", "ladder": "event", "text": {"da": "Råbt?", "en": "Shouted?"}},
        {"id": "tc_02", "ladder": "event", "text": {"da": "Slået?", "en": "Hit?"}},
    ]
    child_data["scores"] = [
        {"id": "any", "method": "any", "items": ["tc_01", "tc_02"], **common},
        {"id": "count", "method": "count", "items": ["tc_01", "tc_02"], **common},
    ]
    write_instrument(child_data)
    registry, problems = load_registry([tmp_path])
    assert [p for p in problems if p.is_error] == []
    return registry.get("test_staff", 1), registry.get("test_child", 1)


def value(instrument, score_id, answers, band=None):
    score = next(s for s in instrument.scores if s.id == score_id)
    return compute_score(instrument, score, {a.item_id: a for a in answers}, band)


def staff(*codes):
    return [Given(f"ts_0{n}", "count5", code) for n, code in enumerate(codes, start=1)]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [((1, 1, 1), 0.0), ((1, 2, 1), 1.0), ((5, 5, 5), 1.0), ((1, 1, None), 0.0)],
)
def test_any_is_one_when_at_least_one_event_happened(events, codes, expected):
    answers = [a for a in staff(*codes) if a.value is not None]
    assert value(events[0], "any", answers) == expected


def test_one_event_is_known_even_when_the_rest_is_missing(events):
    # 1 of 3 answered is below the minimum of 60 %, but an event is an event.
    assert value(events[0], "any", staff(2)) == 1.0
    assert value(events[0], "any", staff(1)) is None


def test_counts_add_the_declared_bands(events):
    assert value(events[0], "count", staff(1, 3, 5)) == 0.0 + 2.5 + 8.0
    assert value(events[0], "count", staff(2, 4, 4)) == 1.0 + 5.0 + 5.0


def test_counts_are_prorated_to_the_items_shown(events):
    answers = [*staff(3, 4), Given("ts_03", "count5", missing_code=MissingCode.DONT_KNOW)]
    assert value(events[0], "count", answers) == pytest.approx((2.5 + 5.0) / 2 * 3)


def test_rate_divides_by_the_declared_shifts(events):
    shifts = Given("ts_04", "shifts3", 3)
    assert value(events[0], "rate", [*staff(3, 5), shifts]) == pytest.approx((2.5 + 8) / 15.5)
    zero = Given("ts_04", "shifts3", 1)
    assert value(events[0], "rate", [*staff(3, 5), zero]) is None  # no shifts: no rate
    assert value(events[0], "rate", staff(3, 5)) is None  # shifts not given
    assert (
        value(
            events[0], "rate", [*staff(3, 5), Given("ts_04", "shifts3", None, MissingCode.REFUSED)]
        )
        is None
    )


def test_ranges_of_event_scores(events):
    instrument = events[0]
    ranges = {s.id: score_range(instrument, s) for s in instrument.scores}
    assert ranges == {"any": (0.0, 1.0), "count": (0.0, 24.0), "rate": (0.0, 16.0 / 5.5)}


def test_child_events_count_on_their_5_point_meaning(events):
    child = events[1]
    five = [Given("tc_01", "faces5_event", 3), Given("tc_02", "faces5_event", 4)]
    assert value(child, "count", five) == 2.5 + 5.0
    assert value(child, "any", five) == 1.0
    # 3-point "Ja, én gang" means once; "Ja, flere gange" has no single count: no guess.
    once = [Given("tc_01", "faces3_event", 2), Given("tc_02", "faces3_event", 1)]
    assert value(child, "count", once) == 1.0
    several = [Given("tc_01", "faces3_event", 3), Given("tc_02", "faces3_event", 1)]
    assert value(child, "count", several) is None
    assert value(child, "any", several) == 1.0
    # On 2 points, "Nej" to both is no event on every rung.
    none = [Given("tc_01", "faces2_event", 1), Given("tc_02", "faces2_event", 1)]
    assert (value(child, "any", none), value(child, "count", none)) == (0.0, 0.0)


def test_scores_exist_only_for_the_age_bands_they_cover(events, child_data):
    child = events[1]
    answers = [Given("tc_01", "faces5_event", 2), Given("tc_02", "faces5_event", 1)]
    assert value(child, "any", answers, AgeBand.AGE_6_9) == 1.0
    older = next(s for s in child.scores if s.id == "any")
    narrowed = type(older)(**{**older.__dict__, "age_bands": (AgeBand.AGE_13_18,)})
    by_item = {a.item_id: a for a in answers}
    assert compute_score(child, narrowed, by_item, AgeBand.AGE_6_9) is None
    assert compute_score(child, narrowed, by_item, AgeBand.AGE_13_18) == 1.0


def test_a_sum_ranges_over_its_items_and_its_multiplier(staff_data, write_instrument, tmp_path):
    # Three agree5 items (1-5): their sum runs 3-15; a fourth, doubled as a published scale
    # may prescribe, runs 2-10.
    staff_data["items"] = [
        {"id": f"ts_0{n}", "scale": "agree5", "text": {"da": f"Udsagn {n}.", "en": f"Item {n}."}}
        for n in (1, 2, 3, 4)
    ]
    staff_data["scores"] = [
        {"id": "total", "label": {"da": "I alt", "en": "Total"}, "method": "sum",
         "higher_is": "better", "items": ["ts_01", "ts_02", "ts_03"]},
        {"id": "double", "label": {"da": "Dobbelt", "en": "Double"}, "method": "sum",
         "higher_is": "better", "items": ["ts_04"], "times": 2},
    ]  # fmt: skip
    write_instrument(staff_data)
    registry, problems = load_registry([tmp_path])
    assert [p for p in problems if p.is_error] == []
    instrument = registry.get("test_staff", 1)
    total, double = instrument.scores
    assert score_range(instrument, total) == (3.0, 15.0)
    assert score_range(instrument, double) == (2.0, 10.0)
    answers = {"ts_01": Given("ts_01", "agree5", 4), "ts_02": Given("ts_02", "agree5", 2)}
    # Prorated: two answers of mean 3 stand for 3 × 3 = 9.
    assert compute_score(instrument, total, answers) == 9.0
    assert compute_score(instrument, double, answers) is None
    answers["ts_04"] = Given("ts_04", "agree5", 5)
    assert compute_score(instrument, double, answers) == 10.0

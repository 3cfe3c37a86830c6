"""Saves ordered by the server's clock, never "saved" for a save that was not stored, and
bad bodies of background saves refused with 422 and nothing changed (issue 13)."""

import time

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import Answer


def stored():
    return [(a.item_id, a.value, a.missing_code) for a in db.session.scalars(sa.select(Answer))]


def now_ms() -> int:
    return int(time.time() * 1000)


def test_an_older_save_is_reported_stale_with_the_stored_answer(child_client):
    client, _ = child_client()
    assert client.post("/respond/q/0", data={"choice": "3"}).status_code == 303
    late = client.post("/respond/answer", json={"index": 0, "choice": "1", "seq": 1000})
    assert late.status_code == 409
    assert late.get_json()["ok"] is False and late.get_json()["stale"] is True
    assert late.get_json()["choice"] == "3"  # the page shows what is stored
    assert "nyere svar" in late.get_json()["message"]
    assert stored() == [("cw_01", 3, None)]


def test_a_save_from_the_future_cannot_block_later_saves(child_client):
    client, _ = child_client()
    hour_ahead = now_ms() + 3_600_000
    ahead = client.post("/respond/answer", json={"index": 0, "choice": "1", "seq": hour_ahead})
    assert ahead.get_json()["ok"] is True
    seq = db.session.scalar(sa.select(Answer.seq))
    assert seq <= now_ms()  # cut to the server's clock
    # A later ordinary save (the server's clock) wins, as it is later.
    assert client.post("/respond/q/0", data={"choice": "2"}).status_code == 303
    assert stored() == [("cw_01", 2, None)]


def test_the_page_carries_the_servers_clock_for_its_saves(child_client):
    client, _ = child_client()
    before = now_ms()
    html = client.get("/respond/q/0").get_data(as_text=True)
    base = int(html.split('data-seq-base="')[1].split('"')[0])
    assert before <= base <= now_ms()


@pytest.mark.parametrize(
    "body",
    [
        [1, 2, 3],
        "a string",
        {"index": True, "choice": "1", "seq": 5},
        {"index": 0, "choice": "1", "seq": True},
        {"index": 0, "choice": "1", "seq": 0},
        {"index": 0, "choice": "1", "seq": 5, "advance": "no"},
        {"index": -1, "choice": "1", "seq": 5},
        {"index": 2**70, "choice": "1", "seq": 5},
        {"index": 0, "choice": 1, "seq": 5},
        {"index": 0, "choice": "1" * 100_000, "seq": 5},
        {"index": 0, "choice": "²", "seq": 5},
        {"index": 0, "choice": "٢", "seq": 5},
        {"index": 0, "choice": "２", "seq": 5},
        {"index": 0, "choice": "1\x00", "seq": 5},
        {"index": 0.0, "choice": "1", "seq": 5},
    ],
)
def test_bad_background_saves_are_refused_and_change_nothing(child_client, body):
    client, _ = child_client()
    response = client.post("/respond/answer", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"] in {"invalid", "refused"}
    assert stored() == []


def test_deeply_nested_json_is_refused(child_client):
    client, _ = child_client()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/respond/answer", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert stored() == []


def test_a_huge_sequence_number_is_cut_to_now_not_an_error(child_client):
    client, _ = child_client()
    response = client.post("/respond/answer", json={"index": 0, "choice": "2", "seq": 2**64})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(Answer.seq)) <= now_ms()


@pytest.mark.parametrize(
    ("typed", "status"), [("²", 422), ("٢", 422), ("２", 422), ("1" * 100_000, 422), ("2\x00", 400)]
)
def test_form_choices_accept_only_ascii_digits(child_client, typed, status):
    client, _ = child_client()
    response = client.post("/respond/q/0", data={"choice": typed})
    assert response.status_code == status
    if status == 400:
        assert "tegn, der ikke kan gemmes" in response.get_data(as_text=True)
    assert stored() == []

"""Studies, sites and rounds: creation, editing, guarded transitions, clear form errors."""

from datetime import date

import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, Round, RoundStatus, Site, Study
from tests.factories import make_submission

CHILD = ["child_wellbeing@1", "child_inclusion@1", "situations_child@1"]
STAFF = ["staff_competence@1", "staff_wellbeing@1", "situations_staff@1"]


def round_data(**overrides):
    data = {
        "name": "Opfølgning efterår",
        "opens_on": "2026-10-01",
        "closes_on": "2026-10-30",
        "child_instruments": CHILD,
        "staff_instruments": STAFF,
    }
    data.update(overrides)
    return data


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_evaluator_creates_and_renames_a_study(sign_in, world):
    client = sign_in(world.users["evaluator"])
    response = client.post("/admin/studies", data={"name": "Ny undersøgelse", "slug": "ny"})
    assert response.status_code == 303
    study = db.session.scalar(sa.select(Study).where(Study.slug == "ny"))
    response = client.post(f"/admin/studies/{study.id}/edit", data={"name": "Omdøbt", "slug": "ny"})
    assert response.status_code == 303
    db.session.refresh(study)
    assert study.name == "Omdøbt"


def test_duplicate_study_short_name_is_a_form_error(sign_in, world):
    admin = sign_in(world.users["admin"])
    response = admin.post("/admin/studies", data={"name": "Igen", "slug": "lyngbo"})
    assert response.status_code == 422
    assert "Der findes allerede en undersøgelse med det korte navn." in response.get_data(
        as_text=True
    )
    assert count(Study) == 1


def test_sites_are_added_and_edited(sign_in, world):
    client = sign_in(world.users["evaluator"])
    response = client.post(
        f"/admin/studies/{world.study.id}/sites", data={"name": "Havtorn", "kind": "opholdssted"}
    )
    assert response.status_code == 303
    site = db.session.scalar(sa.select(Site).where(Site.name == "Havtorn"))
    response = client.post(
        f"/admin/sites/{site.id}/edit",
        data={"name": "Havtorn Nord", "kind": "", "region": "Region Nordjylland"},
    )
    assert response.status_code == 303
    db.session.refresh(site)
    assert (site.name, site.region, site.kind) == ("Havtorn Nord", "Region Nordjylland", None)


def test_duplicate_site_name_is_a_form_error(sign_in, world):
    client = sign_in(world.users["evaluator"])
    response = client.post(f"/admin/studies/{world.study.id}/sites", data={"name": "Lyngbo"})
    assert response.status_code == 422
    assert "Undersøgelsen har allerede et sted, der hedder Lyngbo." in response.get_data(
        as_text=True
    )
    response = client.post(f"/admin/sites/{world.site_b.id}/edit", data={"name": "Lyngbo"})
    assert response.status_code == 422
    assert count(Site, Site.name == "Lyngbo") == 1


def test_evaluator_sets_up_opens_and_closes_a_round(sign_in, world):
    client = sign_in(world.users["evaluator"])
    response = client.post(f"/admin/studies/{world.study.id}/rounds", data=round_data())
    assert response.status_code == 303
    round_ = db.session.scalar(sa.select(Round).where(Round.name == "Opfølgning efterår"))
    assert round_.status is RoundStatus.DRAFT
    assert sorted(
        f"{c.instrument_key}@{c.instrument_version}" for c in round_.instruments
    ) == sorted(CHILD + STAFF)
    for action, status in (
        ("open", RoundStatus.OPEN),
        ("close", RoundStatus.CLOSED),
        ("release", RoundStatus.RELEASED),
    ):
        assert client.post(f"/admin/rounds/{round_.id}/{action}").status_code == 303
        db.session.refresh(round_)
        assert round_.status is status
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"round.open", "round.close", "round.release"} <= actions


def test_wrong_transitions_are_refused_with_a_message(sign_in, world):
    client = sign_in(world.users["evaluator"])
    response = client.post(f"/admin/rounds/{world.draft.id}/close", follow_redirects=True)
    assert "kan ikke flyttes på den måde" in response.get_data(as_text=True)
    response = client.post(f"/admin/rounds/{world.draft.id}/open", follow_redirects=True)
    assert "Vælg spørgeskemaerne, før runden åbnes." in response.get_data(as_text=True)
    db.session.refresh(world.draft)
    assert world.draft.status is RoundStatus.DRAFT


def test_only_one_round_is_open_at_a_time(sign_in, world):
    client = sign_in(world.users["evaluator"])
    client.post(f"/admin/rounds/{world.draft.id}", data=round_data(name="baseline"))
    client.post(f"/admin/rounds/{world.draft.id}/open")
    client.post(f"/admin/studies/{world.study.id}/rounds", data=round_data(name="follow-up"))
    second = db.session.scalar(sa.select(Round).where(Round.name == "follow-up"))
    response = client.post(f"/admin/rounds/{second.id}/open", follow_redirects=True)
    assert "Luk først den åbne runde baseline." in response.get_data(as_text=True)
    db.session.refresh(second)
    assert second.status is RoundStatus.DRAFT


def test_round_that_closes_before_it_opens_is_a_form_error(sign_in, world):
    response = sign_in(world.users["evaluator"]).post(
        f"/admin/studies/{world.study.id}/rounds",
        data=round_data(opens_on="2026-10-30", closes_on="2026-10-01"),
    )
    assert response.status_code == 422
    assert "Runden kan ikke lukke, før den åbner." in response.get_data(as_text=True)
    assert count(Round) == 1


def test_unknown_instrument_is_a_form_error(sign_in, world):
    response = sign_in(world.users["evaluator"]).post(
        f"/admin/studies/{world.study.id}/rounds", data=round_data(child_instruments=["nope@1"])
    )
    assert response.status_code == 422
    assert count(Round) == 1


def test_open_round_keeps_its_instruments_once_answers_exist(sign_in, world):
    client = sign_in(world.users["evaluator"])
    client.post(f"/admin/rounds/{world.draft.id}", data=round_data(name="baseline"))
    client.post(f"/admin/rounds/{world.draft.id}/open")
    participant = world.site_a.participants[0]
    make_submission(participant, world.draft)
    db.session.commit()
    response = client.post(
        f"/admin/rounds/{world.draft.id}",
        data=round_data(name="baseline", child_instruments=CHILD[:1]),
    )
    assert response.status_code == 422
    assert "Spørgeskemaerne kan ikke ændres" in response.get_data(as_text=True)
    # Dates and the name may still change.
    response = client.post(
        f"/admin/rounds/{world.draft.id}", data=round_data(name="baseline", closes_on="2026-11-15")
    )
    assert response.status_code == 303
    db.session.refresh(world.draft)
    assert world.draft.closes_on == date(2026, 11, 15)
    assert len(world.draft.instruments) == 6


def test_closed_round_cannot_be_edited(sign_in, world):
    client = sign_in(world.users["evaluator"])
    client.post(f"/admin/rounds/{world.draft.id}", data=round_data(name="baseline"))
    client.post(f"/admin/rounds/{world.draft.id}/open")
    client.post(f"/admin/rounds/{world.draft.id}/close")
    response = client.post(f"/admin/rounds/{world.draft.id}", data=round_data(name="renamed"))
    assert response.status_code == 422
    assert "En lukket runde kan ikke ændres." in response.get_data(as_text=True)
    db.session.refresh(world.draft)
    assert world.draft.name == "baseline"

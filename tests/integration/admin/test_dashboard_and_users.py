"""The response-rate dashboard and user management."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, Role, Study, SubmissionStatus, User
from survey.passwords import verify_password
from tests.factories import make_submission


def test_dashboard_counts_invited_started_and_completed(sign_in, world):
    children = [p for p in world.site_a.participants if p.age_band]
    make_submission(children[0], world.draft, SubmissionStatus.COMPLETED)
    make_submission(children[1], world.draft, SubmissionStatus.IN_PROGRESS)
    make_submission(children[2], world.draft, SubmissionStatus.DECLINED)
    staff = [p for p in world.site_a.participants if not p.age_band]
    make_submission(staff[0], world.draft, SubmissionStatus.COMPLETED)
    staff[1].is_active = False
    db.session.commit()
    evaluator = sign_in(world.users["evaluator"])
    data = evaluator.get(f"/admin/rounds/{world.draft.id}/dashboard.json").get_json()
    by_site = {site["site"]: site for site in data["sites"]}
    assert by_site["Lyngbo"]["child"] == {"invited": 3, "started": 3, "completed": 1, "rate": 0.333}
    assert by_site["Lyngbo"]["staff"] == {"invited": 1, "started": 1, "completed": 1, "rate": 1.0}
    assert by_site["Egebakken"]["child"] == {
        "invited": 3,
        "started": 0,
        "completed": 0,
        "rate": 0.0,
    }
    assert data["period"] == {"opens_on": "2026-03-01", "closes_on": "2026-03-31"}


def test_dashboard_page_shows_the_same_counts_without_javascript(sign_in, world):
    make_submission(world.site_a.participants[0], world.draft, SubmissionStatus.COMPLETED)
    db.session.commit()
    html = (
        sign_in(world.users["coord_a"])
        .get(f"/admin/rounds/{world.draft.id}/dashboard")
        .get_data(as_text=True)
    )
    assert 'data-field="child.completed">1<' in html
    assert 'data-field="child.invited">3<' in html
    assert "Egebakken" not in html
    assert 'src="/static/js/dashboard.js"' in html


def test_admin_creates_a_coordinator(sign_in, world):
    response = sign_in(world.users["admin"]).post(
        "/admin/users",
        data={
            "email": "Ny@Example.org",
            "role": "coordinator",
            "site_id": str(world.site_b.id),
            "password": "another long password",
        },
    )
    assert response.status_code == 303
    user = db.session.scalar(sa.select(User).where(User.email == "ny@example.org"))
    assert user.role is Role.COORDINATOR
    assert user.site_id == world.site_b.id
    assert verify_password(user.password_hash, "another long password")
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "user.create", AuditEvent.object_id == str(user.id)
        )
    )
    assert event.actor_user_id == world.users["admin"].id


def test_bad_user_input_is_a_form_error(sign_in, world):
    client = sign_in(world.users["admin"])
    cases = [
        (
            {"email": "not-an-address", "role": "admin", "password": "another long password"},
            "Skriv en gyldig e-mailadresse.",
        ),
        (
            {
                "email": "x@example.org",
                "role": "coordinator",
                "site_id": "",
                "password": "another long password",
            },
            "Vælg koordinatorens sted.",
        ),
        (
            {"email": "x@example.org", "role": "admin", "password": "short"},
            "Feltet skal have mellem 12 og 1000 tegn.",
        ),
        (
            {"email": "x@example.org", "role": "admin", "password": ""},
            "Skriv en første adgangskode.",
        ),
        (
            {"email": "sara@example.org", "role": "admin", "password": "another long password"},
            "Der findes allerede en bruger med e-mailadressen sara@example.org.",
        ),
        (
            {"email": "x@example.org", "role": "owner", "password": "another long password"},
            "Det er ikke et gyldigt valg.",
        ),
    ]
    users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    for data, message in cases:
        response = client.post("/admin/users", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before


def test_admin_cannot_remove_their_own_admin_access(sign_in, world):
    admin = world.users["admin"]
    response = sign_in(world.users["admin"]).post(
        f"/admin/users/{admin.id}",
        data={"email": admin.email, "role": "evaluator", "is_active": "y"},
    )
    assert response.status_code == 422
    assert "Du kan ikke fjerne din egen administratoradgang." in response.get_data(as_text=True)


def test_blocking_a_user_signs_them_out(sign_in, world):
    evaluator = sign_in(world.users["evaluator"])
    assert evaluator.get("/admin/").status_code == 200
    user = world.users["evaluator"]
    sign_in(world.users["admin"]).post(
        f"/admin/users/{user.id}", data={"email": user.email, "role": "evaluator"}
    )
    assert evaluator.get("/admin/").status_code == 302
    db.session.refresh(user)
    assert not user.is_active
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.update")
    ).one()
    assert event.details["is_active"] is False


def test_sites_are_listed_by_name(sign_in, world):
    evaluator = sign_in(world.users["evaluator"])
    data = evaluator.get(f"/admin/rounds/{world.draft.id}/dashboard.json").get_json()
    assert [site["site"] for site in data["sites"]] == ["Egebakken", "Lyngbo"]  # made Lyngbo first


def test_studies_are_listed_by_name(sign_in, world):
    db.session.add(Study(slug="alpha", name="Anden undersøgelse"))
    db.session.commit()
    html = sign_in(world.users["evaluator"]).get("/admin/").get_data(as_text=True)
    listed = html[html.index("<main") :]  # the product's name is in the header too
    assert listed.index("Anden undersøgelse") < listed.index("Tryg hverdag")

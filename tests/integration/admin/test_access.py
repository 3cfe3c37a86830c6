"""Who may see and do what; coordinators never reach another site, by any URL."""

import re

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, Group, Participant, Role, TalkRequest
from tests.factories import make_participant, make_round, make_site, make_study

ID_PARAMETER = re.compile(r"<(?:int:)?(\w+)>")
ACTION_PARAMETER = re.compile(r"<any\(([^)]*)\):(\w+)>")


@pytest.fixture
def other_study(world):
    """A second study with its own site, round and participant."""
    study = make_study("other", "Other study")
    make_round(study, "baseline", versions=None)
    make_participant(make_site(study, "Havtorn"), Group.STAFF)
    db.session.commit()
    return study


def admin_rules(app):
    guarded = ("admin.", "exports.", "reports.")
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(guarded)]


def fill(rule, ids):
    """Return the rule's URL with its parameters taken from ``ids`` (actions: first choice)."""
    url = ACTION_PARAMETER.sub(lambda m: m.group(1).split(",")[0].strip(), rule.rule)
    return ID_PARAMETER.sub(lambda m: str(ids[m.group(1)]), url)


def ids_of(site, study, round_):
    participant = db.session.scalar(sa.select(Participant).where(Participant.site_id == site.id))
    talk = TalkRequest(participant=participant, round_id=round_.id)
    db.session.add(talk)
    db.session.commit()
    return {
        "request_id": talk.id,
        "site_id": site.id,
        "study_id": study.id,
        "round_id": round_.id,
        "participant_id": participant.id,
        "user_id": 999_999,
    }


def test_every_admin_route_declares_its_roles(app):
    unguarded = [
        rule.endpoint
        for rule in admin_rules(app)
        if rule.endpoint != "admin.login"
        and not hasattr(app.view_functions[rule.endpoint], "allowed_roles")
    ]
    assert unguarded == []
    # The roles are recorded as given (the accessibility gate visits routes by them).
    roles = {
        rule.endpoint: set(app.view_functions[rule.endpoint].allowed_roles)
        for rule in admin_rules(app)
        if rule.endpoint != "admin.login"
    }
    assert all(roles.values())
    assert roles["admin.list_users"] == {Role.ADMIN}
    assert roles["exports.export_study"] == {Role.ADMIN, Role.EVALUATOR}


def test_anonymous_visitors_reach_nothing_but_sign_in(client, world):
    ids = ids_of(world.site_a, world.study, world.draft)
    for rule in admin_rules(client.application):
        if rule.endpoint == "admin.login":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(fill(rule, ids), method=method)
            assert response.status_code == 302, (method, rule.rule)
            assert "/admin/login" in response.headers["Location"]


def test_coordinator_cannot_reach_another_site_by_any_url(sign_in, world, other_study):
    client = sign_in(world.users["coord_a"])
    targets = [
        ids_of(world.site_b, world.study, world.draft),
        ids_of(other_study.sites[0], other_study, other_study.rounds[0]),
    ]
    for ids in targets:
        for rule in admin_rules(client.application):
            if "<" not in rule.rule:
                continue
            own_study_round = "round_id" in rule.rule and ids["round_id"] == world.draft.id
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                response = client.open(fill(rule, ids), method=method)
                if own_study_round and rule.endpoint in (
                    "admin.show_dashboard",
                    "admin.get_dashboard_counts",
                ):
                    assert response.status_code == 200
                    assert world.site_b.name not in response.get_data(as_text=True)
                    continue
                assert response.status_code in (403, 404), (method, rule.rule, response.status_code)
    # Nothing changed at site B.
    db.session.expire_all()
    assert all(p.is_active for p in world.site_b.participants)


def test_hidden_and_missing_ids_look_the_same(sign_in, world):
    client = sign_in(world.users["coord_a"])
    hidden = client.get(f"/admin/sites/{world.site_b.id}")
    missing = client.get("/admin/sites/999999")
    assert hidden.status_code == missing.status_code == 404
    # The pages differ only where they echo the address asked for (the language switcher).
    hidden_page = hidden.get_data(as_text=True).replace(f"/admin/sites/{world.site_b.id}", "URL")
    assert hidden_page == missing.get_data(as_text=True).replace("/admin/sites/999999", "URL")


ROLE_ROUTES = [
    # (user, method, url template, expected status)
    ("admin", "GET", "/admin/users", 200),
    ("evaluator", "GET", "/admin/users", 403),
    ("coord_a", "GET", "/admin/users", 403),
    ("admin", "GET", "/admin/studies/{study}", 200),
    ("evaluator", "GET", "/admin/studies/{study}", 200),
    ("coord_a", "GET", "/admin/studies/{study}", 403),
    ("evaluator", "GET", "/admin/rounds/{round}", 200),
    ("coord_a", "GET", "/admin/rounds/{round}", 403),
    ("coord_a", "POST", "/admin/studies/{study}/rounds", 403),
    ("coord_a", "POST", "/admin/rounds/{round}/open", 403),
    ("evaluator", "GET", "/admin/sites/{site_a}", 200),
    ("coord_a", "GET", "/admin/sites/{site_a}", 200),
    ("evaluator", "POST", "/admin/sites/{site_a}/participants", 403),
    ("coord_a", "GET", "/admin/rounds/{round}/dashboard", 200),
    ("evaluator", "GET", "/admin/rounds/{round}/dashboard", 200),
]


@pytest.mark.parametrize(("user", "method", "url", "status"), ROLE_ROUTES)
def test_what_each_role_may_reach(sign_in, world, user, method, url, status):
    client = sign_in(world.users[user])
    target = url.format(study=world.study.id, round=world.draft.id, site_a=world.site_a.id)
    assert client.open(target, method=method).status_code == status


def test_coordinator_home_is_their_own_site(sign_in, world):
    response = sign_in(world.users["coord_a"]).get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/sites/{world.site_a.id}")


def test_evaluator_sees_a_site_without_its_participants(sign_in, world):
    evaluator = sign_in(world.users["evaluator"])
    html = evaluator.get(f"/admin/sites/{world.site_a.id}").get_data(as_text=True)
    assert "Registrér deltagere" not in html
    assert "Ny kode" not in html


def test_coordinator_dashboard_json_holds_counts_of_their_site_only(sign_in, world):
    coord_a = sign_in(world.users["coord_a"])
    data = coord_a.get(f"/admin/rounds/{world.draft.id}/dashboard.json").get_json()
    assert [site["site"] for site in data["sites"]] == ["Lyngbo"]
    allowed = {"invited", "started", "completed", "rate"}
    for site in data["sites"]:
        assert set(site) == {"site", "site_id", "child", "staff"}
        assert set(site["child"]) == allowed
        assert set(site["staff"]) == allowed
    assert set(data) == {"round", "period", "sites"}


def test_role_change_takes_effect_at_once(sign_in, world):
    coordinator = sign_in(world.users["coord_a"])
    assert coordinator.get(f"/admin/sites/{world.site_a.id}").status_code == 200
    admin = sign_in(world.users["admin"])
    admin.post(
        f"/admin/users/{world.users['coord_a'].id}",
        data={
            "email": "mette@example.org",
            "role": "coordinator",
            "site_id": str(world.site_b.id),
            "is_active": "y",
        },
    )
    assert coordinator.get(f"/admin/sites/{world.site_a.id}").status_code == 302


def refusals():
    return [
        (event.actor_user_id, event.details["endpoint"], event.details["status"])
        for event in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "request.refused")
        )
    ]


def test_refused_requests_reach_the_audit_log_with_user_endpoint_and_status(
    sign_in, world, make_app
):
    client = sign_in(world.users["coord_a"])
    response = client.get(f"/admin/sites/{world.site_b.id}")
    assert response.status_code == 404
    assert len(response.headers["X-Request-Id"]) == 16
    coordinator = world.users["coord_a"].id
    assert refusals() == [(coordinator, "admin.show_site", 404)]
    # An address nobody has is no refusal of anything protected: not audited.
    assert client.get("/admin/no-such-page").status_code == 404
    assert client.get("/wp-login.php").status_code == 404
    assert len(refusals()) == 1
    # Too many requests are.
    limited = make_app(RATELIMIT_ENABLED=True).test_client()
    for _ in range(11):
        response = limited.post("/respond/", data={"code": "ABCDE-FGHJK"})
    assert response.status_code == 429
    assert refusals()[-1] == (None, "respond.enter_code", 429)

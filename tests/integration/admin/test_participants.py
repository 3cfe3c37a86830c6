"""Registering participants, codes shown once, replacement, deactivation, code cards."""

import io
import re

import pdfplumber
import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import AgeBand, AuditEvent, Group, Participant, Submission
from survey.pseudonyms import CODE_ALPHABET, code_hash, normalise_code
from tests.factories import make_submission

CODE = re.compile(rf"[{CODE_ALPHABET}]{{5}}-[{CODE_ALPHABET}]{{5}}")
HIDDEN_CODE = re.compile(r'name="code" value="(\d+):([A-Z0-9]+)"')


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def register(client, site, **fields):
    data = {
        "group": "child",
        "count": "6",
        "age_band": "10-12",
        "layout": "faces",
        "language": "da",
        "labels": "",
    }
    data.update(fields)
    return client.post(f"/admin/sites/{site.id}/participants", data=data)


def test_coordinator_registers_children_and_sees_each_code_once(app, sign_in, world):
    before = count(Participant)
    labels = "Stue 1\nStue 2\nStue 3\nStue 4\nStue 5\nStue 6"
    response = register(sign_in(world.users["coord_a"]), world.site_a, labels=labels)
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    shown = CODE.findall(html)
    assert len(shown) == len(set(shown)) == 6
    assert count(Participant) == before + 6
    key = app.config["PSEUDONYM_KEY"]
    new = db.session.scalars(sa.select(Participant).order_by(Participant.id.desc()).limit(6)).all()
    assert {p.code_hash for p in new} == {code_hash(code, key) for code in shown}
    assert {p.label for p in new} == {f"Stue {n}" for n in range(1, 7)}
    assert all(p.age_band is AgeBand.AGE_10_12 and p.group is Group.CHILD for p in new)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "participant.create")
    )
    assert event.details == {"group": "child", "count": 6}
    coord_a = sign_in(world.users["coord_a"])
    site_page = coord_a.get(f"/admin/sites/{world.site_a.id}").get_data(as_text=True)
    assert not CODE.search(site_page)


def test_staff_are_registered_without_age_band(sign_in, world):
    admin = sign_in(world.users["admin"])
    response = register(
        admin, world.site_b, group="staff", count="15", age_band="", layout="standard"
    )
    assert response.status_code == 201
    assert (
        count(Participant, Participant.site_id == world.site_b.id, Participant.group == Group.STAFF)
        == 17
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"count": "0"}, "Registrér mellem 1 og 200 ad gangen."),
        ({"count": "100000"}, "Registrér mellem 1 og 200 ad gangen."),
        ({"count": ""}, "Skriv, hvor mange deltagere der skal registreres."),
        ({"count": "-3"}, "Registrér mellem 1 og 200 ad gangen."),
        ({"age_band": "4-5"}, "Det er ikke et gyldigt valg."),
        ({"age_band": ""}, "Vælg børnenes aldersgruppe."),
        ({"group": "staff", "age_band": "6-9"}, "Medarbejdere har ingen aldersgruppe."),
        ({"group": "parent"}, "Det er ikke et gyldigt valg."),
        (
            {"count": "2", "labels": "Stue 1"},
            "Skriv én betegnelse pr. deltager: 1 betegnelser til 2 deltagere.",
        ),
        ({"count": "1", "labels": "x" * 41}, "En betegnelse må højst have 40 tegn."),
        (
            {"count": "1", "labels": "Født 010203-1234"},
            "En betegnelse må ikke indeholde et CPR-nummer eller en dato.",
        ),
        (
            {"count": "1", "labels": "Ali 12.05.2017"},
            "En betegnelse må ikke indeholde et CPR-nummer eller en dato.",
        ),
    ],
)
def test_bad_bulk_input_is_a_form_error_and_saves_nothing(sign_in, world, fields, message):
    before = count(Participant)
    response = register(sign_in(world.users["coord_a"]), world.site_a, **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'role="alert"' in html
    assert count(Participant) == before


def test_replacing_a_code_keeps_the_answers_linked(app, sign_in, world):
    participant = world.site_a.participants[0]
    make_submission(participant, world.draft)
    db.session.commit()
    old_hash = participant.code_hash
    coord_a = sign_in(world.users["coord_a"])
    response = coord_a.post(f"/admin/participants/{participant.id}/replace-code")
    assert response.status_code == 201
    (new_code,) = CODE.findall(response.get_data(as_text=True))
    db.session.refresh(participant)
    assert participant.code_hash != old_hash
    assert participant.code_hash == code_hash(new_code, app.config["PSEUDONYM_KEY"])
    assert participant.code_replaced_at is not None
    assert count(Submission, Submission.participant_id == participant.id) == 1
    assert count(AuditEvent, AuditEvent.action == "participant.replace_code") == 1


def test_deactivating_and_reactivating_a_participant(sign_in, world):
    client = sign_in(world.users["coord_a"])
    participant = world.site_a.participants[0]
    assert client.post(f"/admin/participants/{participant.id}/deactivate").status_code == 303
    db.session.refresh(participant)
    assert not participant.is_active
    response = client.post(
        f"/admin/participants/{participant.id}/replace-code", follow_redirects=True
    )
    assert "Genaktivér deltageren" in response.get_data(as_text=True)
    client.post(f"/admin/participants/{participant.id}/reactivate")
    db.session.refresh(participant)
    assert participant.is_active
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"participant.deactivate", "participant.reactivate"} <= actions


def read_pdf_text(data):
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages], pdf.metadata


def test_code_cards_pdf_holds_every_code_once(sign_in, world):
    client = sign_in(world.users["coord_a"])
    html = register(client, world.site_a, count="11", labels="").get_data(as_text=True)
    posted = HIDDEN_CODE.findall(html)
    assert len(posted) == 11
    response = client.post(
        f"/admin/sites/{world.site_a.id}/cards.pdf", data={"code": [f"{p}:{c}" for p, c in posted]}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages, metadata = read_pdf_text(response.data)
    assert len(pages) == 2  # eight cards to a page
    text = "\n".join(pages)
    printed = CODE.findall(text)
    assert sorted(normalise_code(code) for code in printed) == sorted(code for _p, code in posted)
    assert "Din kode" in text
    assert "Vis kortet til den voksne, der hjælper dig." in text
    assert "Scan QR-koden, eller gå til:" in " ".join(text.split())  # no English left
    assert "Scan the QR" not in text
    assert "11 deltagere er registreret" in html
    one = register(client, world.site_a, count="1", labels="").get_data(as_text=True)
    assert "1 deltager er registreret" in one
    assert "Lyngbo" in metadata["Title"]
    assert not any(code in str(metadata) for _p, code in posted)


def test_cards_follow_each_participants_language(sign_in, world):
    client = sign_in(world.users["coord_a"])
    html = register(
        client, world.site_a, count="1", language="en", group="staff", age_band=""
    ).get_data(as_text=True)
    posted = HIDDEN_CODE.findall(html)
    response = client.post(
        f"/admin/sites/{world.site_a.id}/cards.pdf", data={"code": [f"{p}:{c}" for p, c in posted]}
    )
    text = "\n".join(read_pdf_text(response.data)[0])
    assert "Your personal code" in text
    assert "Answer on a phone or a computer." in text


def test_cards_refuse_codes_that_are_not_the_participants(sign_in, world):
    client = sign_in(world.users["coord_a"])
    mine = world.site_a.participants[0]
    theirs = world.site_b.participants[0]
    forged = {"code": [f"{mine.id}:ABCDEFGHJK", f"{theirs.id}:ABCDEFGHJK"]}
    response = client.post(f"/admin/sites/{world.site_a.id}/cards.pdf", data=forged)
    assert response.status_code == 303


def test_coordinator_sees_and_handles_talk_requests(sign_in, world):
    from survey.models import TalkRequest

    child = world.site_a.participants[0]
    child.label = "Stue 2, A"
    db.session.add(TalkRequest(participant=child, round_id=world.draft.id))
    theirs = TalkRequest(participant=world.site_b.participants[0], round_id=world.draft.id)
    db.session.add(theirs)
    db.session.commit()
    client = sign_in(world.users["coord_a"])
    html = client.get(f"/admin/sites/{world.site_a.id}").get_data(as_text=True)
    assert "Stue 2, A" in html
    request_id = db.session.scalar(
        sa.select(TalkRequest.id).where(TalkRequest.participant_id == child.id)
    )
    assert client.post(f"/admin/talk-requests/{theirs.id}/handled").status_code == 404
    assert client.post(f"/admin/talk-requests/{request_id}/handled").status_code == 303
    db.session.expire_all()
    assert db.session.get(TalkRequest, request_id).handled_at is not None
    assert db.session.get(TalkRequest, theirs.id).handled_at is None
    assert count(AuditEvent, AuditEvent.action == "talk_request.handle") == 1
    assert (
        "Stue 2, A"
        not in client.get(f"/admin/sites/{world.site_a.id}")
        .get_data(as_text=True)
        .split("Registrér deltagere")[0]
    )

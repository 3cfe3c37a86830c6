"""`accounts.create_user` and `normalise_email`: the refusals, word for word, and the longest
address that is still one."""

import pytest
import sqlalchemy as sa

from survey.accounts import AccountError, create_user, normalise_email
from survey.extensions import db
from survey.models import AuditEvent, Role
from tests.factories import PASSWORD, make_site, make_study


def test_a_site_is_for_coordinators_and_only_for_them(app):
    site = make_site(make_study("lyngbo", "Tryg hverdag"), "Lyngbo")
    with pytest.raises(AccountError) as refused:
        create_user("sara@example.org", Role.EVALUATOR, PASSWORD, site=site)
    assert str(refused.value) == "Only coordinators belong to a site."
    with pytest.raises(AccountError) as refused:
        create_user("mette@example.org", Role.COORDINATOR, PASSWORD)
    assert str(refused.value) == "A coordinator must belong to a site."


def test_an_address_may_have_254_characters_and_no_more(app):
    longest = "a" * 64 + "@" + "b" * 185 + ".org"
    assert len(longest) == 254
    assert normalise_email(f"  {longest.upper()} ") == longest
    with pytest.raises(AccountError) as refused:
        normalise_email("c" + longest)
    assert str(refused.value) == f"'c{longest}' is not an e-mail address."


def test_a_new_user_is_audited_with_its_role_and_who_made_it(app):
    admin = create_user("admin@example.org", Role.ADMIN, PASSWORD)
    sara = create_user("sara@example.org", Role.EVALUATOR, PASSWORD, actor=admin)
    db.session.flush()

    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_user_id, e.object_type, e.object_id) for e in events] == [
        ("user.create", None, "user", str(admin.id)),
        ("user.create", admin.id, "user", str(sara.id)),
    ]
    assert [e.details for e in events] == [{"role": "admin"}, {"role": "evaluator"}]

"""Limits on guessing that never lock out people who know their code or password (issue 13).

Behind one address (an institution's NAT, or the TLS proxy) every respondent gets in; wrong
codes are limited per address and across all addresses; wrong passwords lock one client out
of one account, never the account for everyone.
"""

from datetime import UTC, datetime

import time_machine

from survey.extensions import db
from survey.models import AgeBand, Group
from survey.participants import register_participants

WRONG_CODE = {"code": "ABCDE-FGHJK"}


def post_code(client, code, address="10.1.1.1", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/respond/", data={"code": code}, environ_base={"REMOTE_ADDR": address}, headers=headers
    )


def test_sixty_respondents_behind_one_address_all_get_in(make_app, field):
    app = make_app(RATELIMIT_ENABLED=True)
    codes = [
        issued.code
        for issued in register_participants(field.site, Group.CHILD, 60, age_band=AgeBand.AGE_13_18)
    ]
    db.session.commit()
    statuses = [post_code(app.test_client(), code).status_code for code in codes]
    assert statuses == [303] * 60
    # ... and a typo now and then from the same address costs nobody anything.
    assert post_code(app.test_client(), "ABCDE").status_code == 422
    assert post_code(app.test_client(), codes[0]).status_code == 303


def test_wrong_codes_from_one_address_are_throttled_and_others_still_get_in(make_app, field):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [post_code(client, WRONG_CODE["code"]).status_code for _ in range(31)]
    assert statuses[:10] == [422] * 10  # "we cannot find that code"
    assert set(statuses[10:]) == {429}
    page = post_code(client, field.codes["teen"]).get_data(as_text=True)
    assert "For mange forsøg" in page  # the throttled address waits ...
    assert post_code(client, field.codes["teen"], address="10.2.2.2").status_code == 303


def test_forwarded_headers_are_ignored_without_trusted_proxies(make_app, field):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    statuses = [
        post_code(client, WRONG_CODE["code"], forwarded=f"192.0.2.{n}").status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429  # a made-up X-Forwarded-For does not buy new attempts


def test_behind_a_trusted_proxy_each_client_counts_apart(make_app, field):
    client = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1).test_client()
    for _ in range(10):
        post_code(client, WRONG_CODE["code"], address="10.0.0.1", forwarded="192.0.2.7")
    assert post_code(client, "x", address="10.0.0.1", forwarded="192.0.2.7").status_code == 429
    # Another child behind the same proxy is not throttled.
    response = post_code(client, field.codes["teen"], address="10.0.0.1", forwarded="192.0.2.8")
    assert response.status_code == 303


def test_guessing_from_many_addresses_hits_the_budget_for_everyone(make_app, field):
    client = make_app(
        RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, CODE_FAILURES_PER_HOUR=20
    ).test_client()
    statuses = [
        post_code(client, WRONG_CODE["code"], forwarded=f"198.51.100.{n}").status_code
        for n in range(25)
    ]
    assert statuses[:20] == [422] * 20 and set(statuses[20:]) == {429}


def test_an_address_gets_thirty_wrong_codes_an_hour_however_slowly_it_tries(make_app, field):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = []
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), tick=False) as clock:
        for _minute in range(3):  # 10 a minute, under the per-minute limit
            statuses += [post_code(client, WRONG_CODE["code"]).status_code for _ in range(10)]
            clock.shift(61)
        assert statuses == [422] * 30
        assert post_code(client, WRONG_CODE["code"]).status_code == 429  # the hour's budget
        clock.shift(3600)
        assert post_code(client, WRONG_CODE["code"]).status_code == 422  # a new hour

"""Limits on guessing that never lock out the people who know their code or password.

Only *failed* attempts count. All children and staff of an institution may share one
address (NAT, or the TLS proxy in front of the app), so a right code or password never costs
anything. Wrong codes are limited per client address and, so that guessing from many
addresses stays bounded too, across all clients together. Wrong passwords are limited per
client address and, per account, per client: an attacker elsewhere cannot lock an
administrator out, and after a pause the lock ends by itself.

The counters live in ``RATELIMIT_STORAGE_URI`` (Redis with several workers).
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app, g
from flask.wrappers import Response
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse, storage, strategies

#: Wrong codes per client address: enough for typos, far too few to guess a code.
CODE_FAILURES_PER_CLIENT = "10 per minute;30 per hour"
#: Wrong passwords per client address (any accounts).
LOGIN_FAILURES_PER_CLIENT = "10 per minute;100 per hour"
#: Wrong passwords for one account from one client before that client must wait.
ACCOUNT_FAILURES = parse("5 per 15 minutes")

FAILED = "survey_attempt_failed"


def failed() -> None:
    """Mark this request as a failed attempt (a wrong code or password)."""
    setattr(g, FAILED, True)


def counts(_response: Response) -> bool:
    """Tell Flask-Limiter whether this request counts: only failed attempts do."""
    return bool(g.get(FAILED, False))


def code_failures_everywhere() -> str:
    """The limit on wrong codes from all clients together (``CODE_FAILURES_PER_HOUR``)."""
    return f"{current_app.config['CODE_FAILURES_PER_HOUR']} per hour"


def everyone() -> str:
    """One key for all clients together."""
    return "everyone"


def _window() -> strategies.MovingWindowRateLimiter:
    window = current_app.extensions.get("survey_throttle")
    if window is None:
        backend = storage.storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        window = current_app.extensions["survey_throttle"] = strategies.MovingWindowRateLimiter(
            backend
        )
    return window


def _account(email: str) -> str:
    # The counters never hold an e-mail address, only a digest of it.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def account_wait(email: str) -> int:
    """Return how many seconds this client must wait before trying this account again."""
    limit: RateLimitItem = ACCOUNT_FAILURES
    identifiers = ("account", _account(email), get_remote_address())
    if _window().test(limit, *identifiers):
        return 0
    reset, _remaining = _window().get_window_stats(limit, *identifiers)
    return max(1, int(reset - time.time()) + 1)


def account_failed(email: str) -> None:
    """Count a wrong password for this account from this client."""
    _window().hit(ACCOUNT_FAILURES, "account", _account(email), get_remote_address())


def account_succeeded(email: str) -> None:
    """Forget this client's wrong passwords for this account."""
    _window().clear(ACCOUNT_FAILURES, "account", _account(email), get_remote_address())

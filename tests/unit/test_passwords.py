"""Passwords are hashed with argon2id and verified without exceptions leaking."""

import pytest

from survey.passwords import WeakPasswordError, hash_password, verify_password


def test_passwords_are_hashed_with_argon2id():
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong horse battery")


def test_garbage_hash_does_not_verify():
    assert not verify_password("not-a-hash", "whatever password")


def test_short_password_is_refused():
    with pytest.raises(WeakPasswordError, match="at least 12"):
        hash_password("short")

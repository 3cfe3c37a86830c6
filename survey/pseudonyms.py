"""Access codes and keyed pseudonyms.

Codes are 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31**10 is
about 2**49.5 possibilities. They are shown once and stored only as HMAC-SHA256 keyed with
PSEUDONYM_KEY, which lives outside the database (ENISA 2019, ch. 3).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODE_BITS = CODE_LENGTH * math.log2(len(CODE_ALPHABET))
_SEPARATORS = re.compile(r"[\s\-_.]+")


def generate_code() -> str:
    """Return a new random access code from the cryptographic random source."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """Return a typed code without spaces or dashes, in upper case."""
    return _SEPARATORS.sub("", typed).upper()


def format_code(code: str) -> str:
    """Return a code in two groups of five, easier to read aloud and type (``ABCDE-FGHJK``)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def is_well_formed(code: str) -> bool:
    """Tell whether a normalised code has the right length and only alphabet characters."""
    return len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)


def code_hash(code: str, key: str) -> str:
    """Return the keyed hash (hex HMAC-SHA256) under which a code is stored."""
    return _hmac(key, "code", normalise_code(code))


def research_id(study_id: int, participant_id: int, key: str) -> str:
    """Return the participant's research id in a study: stable, keyed, unlike any code."""
    return _hmac(key, "research", f"{study_id}:{participant_id}")[:16]


def _hmac(key: str, purpose: str, message: str) -> str:
    # The purpose prefix keeps code hashes and research ids apart under the same key.
    return hmac.new(key.encode(), f"{purpose}\x00{message}".encode(), hashlib.sha256).hexdigest()

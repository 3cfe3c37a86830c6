"""Access codes: entropy, alphabet, normalisation and keyed hashing."""

import hashlib
import math

from hypothesis import given
from hypothesis import strategies as st

from survey.pseudonyms import (
    CODE_ALPHABET,
    CODE_BITS,
    CODE_LENGTH,
    code_hash,
    format_code,
    generate_code,
    is_well_formed,
    normalise_code,
    research_id,
)

LOOK_ALIKES = set("0O1IL")


def test_alphabet_has_no_look_alikes_and_codes_carry_over_40_bits():
    assert not LOOK_ALIKES & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) == CODE_BITS
    assert CODE_BITS > 40


def test_generated_codes_are_well_formed_and_unique():
    codes = [generate_code() for _ in range(20_000)]
    assert len(set(codes)) == len(codes)
    assert all(is_well_formed(code) for code in codes)


def test_generated_codes_use_the_whole_alphabet_evenly():
    counts = dict.fromkeys(CODE_ALPHABET, 0)
    for _ in range(3_000):
        for char in generate_code():
            counts[char] += 1
    expected = 3_000 * CODE_LENGTH / len(CODE_ALPHABET)
    assert min(counts.values()) > expected * 0.8
    assert max(counts.values()) < expected * 1.2


@given(st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH))
def test_typed_variants_of_a_code_hash_alike(code):
    key = "k" * 40
    typed = f"  {format_code(code).lower()} ".replace("-", " - ")
    assert normalise_code(typed) == code
    assert code_hash(typed, key) == code_hash(code, key)


def test_code_hash_is_keyed():
    code = generate_code()
    first = code_hash(code, "key-one" * 6)
    assert first == code_hash(code, "key-one" * 6)
    assert first != code_hash(code, "key-two" * 6)
    assert first != hashlib.sha256(code.encode()).hexdigest()
    assert len(first) == 64


def test_research_id_differs_per_study_and_from_code_hash():
    key = "k" * 40
    assert research_id(1, 7, key) == research_id(1, 7, key)
    assert research_id(1, 7, key) != research_id(2, 7, key)
    assert research_id(1, 7, key) != research_id(1, 8, key)


def test_malformed_codes_are_recognised():
    assert not is_well_formed("ABC")
    assert not is_well_formed("O" * CODE_LENGTH)
    assert not is_well_formed("A" * (CODE_LENGTH + 1))


def test_research_ids_and_code_hashes_are_the_documented_hmacs():
    # HMAC-SHA256 under PSEUDONYM_KEY of "<purpose>\0<message>", as the codebook and the
    # privacy notes describe; the research id keeps the first 16 hex digits (64 bits).
    # Literal values, computed once with Python's hmac module from the description.
    assert research_id(3, 42, "test-key") == "5dcb40853b5b66f6"
    assert code_hash("abcde-fghjk", "test-key") == (
        "9d47ffa68af1afb9d71d17d4bbd84b9c5e4a7ac852cc3a193d2ec5f6cefc6688"
    )

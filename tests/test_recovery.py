"""Recovery keys and passphrase keys (olmpy.recovery) against published data and references.

Ground truth: the recovery key of matrix-rust-sdk's backup tests (vectors/pk.json, which
also ties it to matrix-js-sdk's backup key), an independent base58 reference written here
(byte-array long arithmetic, not Python integers) for random keys, the spec's layout
(prefix 8b01, XOR parity) and the standard library's ``hashlib.pbkdf2_hmac`` (Wycheproof's
PBKDF2-HMAC-SHA-512 vectors all use binary salts, which Matrix's text salts cannot carry).
"""

from __future__ import annotations

import base64
import hashlib
import os
import string
import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vectors_loader import load, params, unhex

from olmpy.errors import DecodeError, OlmpyError, UsageError
from olmpy.recovery import (
    BASE58_ALPHABET,
    DEFAULT_ITERATIONS,
    MAX_ITERATIONS,
    PassphraseInfoError,
    RecoveryKeyError,
    decode_recovery_key,
    encode_recovery_key,
    generate_passphrase_info,
    key_from_passphrase,
    key_from_passphrase_info,
)

PK = load("pk.json")
BITCOIN = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def reference_base58_decode(text: str) -> bytes:
    """Base58 decoding by schoolbook multiplication on a byte array (independent of olmpy)."""
    out: list[int] = []  # little-endian bytes
    for char in text:
        carry = BITCOIN.index(char)
        for i, byte in enumerate(out):
            carry += byte * 58
            out[i] = carry & 0xFF
            carry >>= 8
        while carry:
            out.append(carry & 0xFF)
            carry >>= 8
    zeros = len(text) - len(text.lstrip("1"))
    return bytes(zeros) + bytes(reversed(out))


def reference_base58_encode(data: bytes) -> str:
    """Base58 encoding by schoolbook division of a byte array (independent of olmpy)."""
    digits: list[int] = []
    work = list(data)
    while any(work):
        remainder = 0
        for i, byte in enumerate(work):
            remainder = remainder * 256 + byte
            work[i], remainder = divmod(remainder, 58)
        digits.append(remainder)
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(BITCOIN[d] for d in reversed(digits))


# --- recovery keys: published ---------------------------------------------------------------


@pytest.mark.parametrize("record", params(PK["published_recovery_keys"]))
def test_published_recovery_keys(record: dict[str, Any]) -> None:
    """matrix-rust-sdk's recovery key decodes to its TEST_KEY; the bad-parity one is refused."""
    if record["valid"]:
        key = unhex(record["key_hex"])
        assert decode_recovery_key(record["recovery_key"]) == key
        spaced = encode_recovery_key(key)
        assert spaced.replace(" ", "") == record["recovery_key"].replace(" ", "")
    else:
        with pytest.raises(RecoveryKeyError, match="parity"):
            decode_recovery_key(record["recovery_key"])


def test_encoding_matches_the_published_spaced_form() -> None:
    """Encoding the rust-sdk key gives its published text exactly, spaces included."""
    spaced = next(r for r in PK["published_recovery_keys"] if r["id"] == "rust-sdk-spaced")
    assert encode_recovery_key(unhex(spaced["key_hex"])) == spaced["recovery_key"]


def test_js_sdk_backup_key_is_the_rust_sdk_key() -> None:
    """matrix-js-sdk's backup decryption key (base64) is the same key, so the same text."""
    js = next(r for r in PK["published_backups"] if r["id"] == "matrix-js-sdk")
    key = base64.b64decode(js["private_key_base64"])
    assert encode_recovery_key(key) == "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d"


# --- recovery keys: layout against an independent reference ---------------------------------


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_layout_matches_the_spec(key: bytes) -> None:
    """48 characters in 12 groups of 4; decoding (reference) gives 8b01 | key | XOR parity."""
    text = encode_recovery_key(key)
    groups = text.split(" ")
    assert len(groups) == 12 and all(len(g) == 4 for g in groups)
    raw = reference_base58_decode(text.replace(" ", ""))
    assert raw[:2] == b"\x8b\x01" and raw[2:34] == key
    parity = 0
    for byte in raw[:34]:
        parity ^= byte
    assert raw[34] == parity and len(raw) == 35
    assert decode_recovery_key(text) == key
    assert text.replace(" ", "") == reference_base58_encode(raw)


@pytest.mark.parametrize("key", [bytes(32), b"\xff" * 32, bytes(31) + b"\x01"])
def test_extreme_keys_round_trip(key: bytes) -> None:
    """All-zero and all-ones keys keep their leading and trailing bytes."""
    text = encode_recovery_key(key)
    assert reference_base58_decode(text.replace(" ", ""))[2:34] == key
    assert decode_recovery_key(text) == key


def test_whitespace_anywhere_is_ignored() -> None:
    """Tabs, newlines, no spaces or extra spaces: the spec says disregard whitespace."""
    key = os.urandom(32)
    compact = encode_recovery_key(key).replace(" ", "")
    variants = [
        compact,
        " " + compact + " \n",
        "\t".join(compact),
        compact[:7] + "\r\n" + compact[7:],
    ]
    for text in variants:
        assert decode_recovery_key(text) == key


# --- recovery keys: precise errors ----------------------------------------------------------


def _valid_text() -> str:
    return encode_recovery_key(bytes(range(32)))


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "+", "/", "é", "-"])
def test_bad_character_names_it_and_where(bad: str) -> None:
    """A character outside the alphabet is named with its position in the text as given."""
    text = _valid_text()
    broken = text[:6] + bad + text[7:]
    with pytest.raises(RecoveryKeyError) as info:
        decode_recovery_key(broken)
    assert repr(bad) in str(info.value) and "position 6" in str(info.value)


@pytest.mark.parametrize(
    ("text", "got"),
    [
        ("EsTc", "bytes from 4 characters"),
        ("EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4dd", "from 49 characters"),
        ("1" + "EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4d", "36 bytes"),
        ("E" * 65, "65 characters"),
        ("E" * 100_000, "100000 characters"),
    ],
)
def test_wrong_length(text: str, got: str) -> None:
    """Too short, too long (a leading "1" is a zero byte) and huge inputs: a length error."""
    with pytest.raises(RecoveryKeyError, match="expected") as info:
        decode_recovery_key(text)
    assert got in str(info.value)


@pytest.mark.parametrize("text", ["E" * 300_000, "E " * 150_000, " " * 300_000 + "0"])
def test_huge_input_costs_no_memory_beyond_itself(text: str) -> None:
    """A 300 kB input is refused without per-character lists (which took ~14 MB)."""
    tracemalloc.start()
    try:
        with pytest.raises(RecoveryKeyError, match="expected"):
            decode_recovery_key(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, peak


def test_empty_and_blank() -> None:
    for text in ("", "   \n\t"):
        with pytest.raises(RecoveryKeyError, match="got none"):
            decode_recovery_key(text)


def test_wrong_prefix() -> None:
    """35 bytes with another prefix (and good parity): the prefix error names both."""
    body = b"\x8b\x02" + bytes(range(32))
    parity = 0
    for byte in body:
        parity ^= byte
    with pytest.raises(RecoveryKeyError, match="expected the prefix 8b01, got 8b02"):
        decode_recovery_key(reference_base58_encode(body + bytes([parity])))


def test_parity_error_quotes_no_key_material() -> None:
    """The parity error does not print the expected parity (it is a function of the key)."""
    text = encode_recovery_key(bytes(range(32))).replace(" ", "")
    broken = text[:-1] + ("2" if text[-1] != "2" else "3")
    with pytest.raises(RecoveryKeyError) as info:
        decode_recovery_key(broken)
    message = str(info.value)
    assert "parity" in message and "0x" not in message


def test_usage_errors() -> None:
    with pytest.raises(UsageError):
        decode_recovery_key(b"EsTc")  # type: ignore[arg-type]
    for key in (bytes(31), bytes(33), "a" * 32, None):
        with pytest.raises(UsageError):
            encode_recovery_key(key)  # type: ignore[arg-type]


def test_error_classes() -> None:
    assert issubclass(RecoveryKeyError, DecodeError)
    assert issubclass(PassphraseInfoError, DecodeError)
    assert BASE58_ALPHABET == BITCOIN


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=BITCOIN + " 0OIl\n", max_size=70))
def test_random_text_gives_a_key_or_a_recovery_key_error(text: str) -> None:
    """Mutated or random text: a RecoveryKeyError, or (rarely) a key that re-encodes to it."""
    try:
        key = decode_recovery_key(text)
    except RecoveryKeyError:
        return
    assert encode_recovery_key(key).replace(" ", "") == "".join(text.split())


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 47), st.sampled_from(BITCOIN))
def test_any_single_substitution_is_caught(position: int, char: str) -> None:
    """Changing one character of a valid key never yields another key silently... mostly.

    Parity catches most substitutions; the few that also keep parity would change the
    key, so the test only accepts a decode that equals the re-encoded text.
    """
    text = _valid_text().replace(" ", "")
    mutated = text[:position] + char + text[position + 1 :]
    try:
        key = decode_recovery_key(mutated)
    except RecoveryKeyError:
        return
    assert encode_recovery_key(key).replace(" ", "") == mutated


# --- passphrase keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("passphrase", "salt", "iterations", "bits"),
    [
        ("correct horse battery staple", "MmMsAlty", 1000, 256),
        ("pässwörd ✓ 🔑", "sålt", 10, 512),
        ("x", "y", 1, 8),
    ],
)
def test_matches_hashlib(passphrase: str, salt: str, iterations: int, bits: int) -> None:
    """Same bytes as the standard library's PBKDF2-HMAC-SHA-512 over UTF-8 text."""
    expected = hashlib.pbkdf2_hmac(
        "sha512", passphrase.encode(), salt.encode(), iterations, bits // 8
    )
    assert key_from_passphrase(passphrase, salt, iterations, bits) == expected


def test_default_is_256_bits() -> None:
    assert len(key_from_passphrase("p", "s", 1)) == 32


@pytest.mark.parametrize(
    "kwargs",
    [
        {"passphrase": ""},
        {"salt": ""},
        {"passphrase": b"bytes"},
        {"salt": None},
        {"iterations": 0},
        {"iterations": -1},
        {"iterations": MAX_ITERATIONS + 1},
        {"iterations": True},
        {"iterations": 10.0},
        {"bits": 0},
        {"bits": 12},
        {"bits": 4104},
        {"bits": "256"},
        {"passphrase": "\ud800"},
        {"iterations": 10**5000},  # str() of it would raise ValueError
        {"bits": -(10**5000)},
    ],
)
def test_silly_parameters_are_usage_errors(kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"passphrase": "p", "salt": "s", "iterations": 1, "bits": 256}
    args.update(kwargs)
    with pytest.raises(UsageError):
        key_from_passphrase(**args)


def test_generate_passphrase_info() -> None:
    """m.pbkdf2 parameters: 32 alphanumeric salt characters, fresh each time."""
    a, b = generate_passphrase_info(), generate_passphrase_info()
    assert a["algorithm"] == "m.pbkdf2" and a["iterations"] == DEFAULT_ITERATIONS
    assert set(a) == {"algorithm", "salt", "iterations"}
    assert len(a["salt"]) == 32 and set(a["salt"]) <= set(string.ascii_letters + string.digits)
    assert a["salt"] != b["salt"]
    for bad in (99_999, 0, MAX_ITERATIONS + 1):
        with pytest.raises(UsageError):
            generate_passphrase_info(iterations=bad)


def test_key_from_passphrase_info() -> None:
    """The key under a stored passphrase object equals PBKDF2 of its parameters."""
    info = {"algorithm": "m.pbkdf2", "salt": "MmMsAlty", "iterations": 100, "bits": 256}
    expected = hashlib.pbkdf2_hmac("sha512", b"secret words", b"MmMsAlty", 100, 32)
    assert key_from_passphrase_info("secret words", info) == expected
    info["bits"] = None
    assert key_from_passphrase_info("secret words", info) == expected
    del info["bits"]
    assert key_from_passphrase_info("secret words", info) == expected


@pytest.mark.parametrize(
    "info",
    [
        None,
        [],
        {"algorithm": "m.pbkdf3", "salt": "s", "iterations": 1},
        {"salt": "s", "iterations": 1},
        {"algorithm": "m.pbkdf2", "iterations": 1},
        {"algorithm": "m.pbkdf2", "salt": 5, "iterations": 1},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": "1"},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 1.5},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 1, "bits": 512},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 1, "bits": "256"},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 1, "bits": True},
    ],
)
def test_malformed_passphrase_info(info: Any) -> None:
    with pytest.raises(PassphraseInfoError):
        key_from_passphrase_info("p", info)


@pytest.mark.parametrize(
    "info",
    [
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 2**31},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": MAX_ITERATIONS + 1},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 0},
        {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 10**5000},
        {"algorithm": "m.pbkdf2", "salt": "", "iterations": 1},
    ],
)
def test_out_of_range_passphrase_info_is_a_passphrase_info_error(info: dict[str, Any]) -> None:
    """Absurd parameters from the server (a DoS) are malformed account data, refused before
    any work, like secret storage's PassphraseInfo does (not the caller's UsageError)."""
    with pytest.raises(PassphraseInfoError, match="expected") as err:
        key_from_passphrase_info("p", info)
    assert not isinstance(err.value, UsageError)


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["algorithm", "salt", "iterations", "bits", "x"]),
        st.one_of(
            st.none(), st.integers(-5, 5), st.text(max_size=5), st.just("m.pbkdf2"), st.booleans()
        ),
    )
)
def test_random_passphrase_info_gives_typed_errors(info: dict[str, Any]) -> None:
    try:
        key = key_from_passphrase_info("p", info)
    except OlmpyError:
        return
    assert len(key) == 32 and info.get("bits") in (None, 256)

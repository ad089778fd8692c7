"""Table-free decoders of secrets (issue 9, the libolm CVE-2024-45192 class): the hex
decoder behind vodozemac pickles' byte strings (SPEC.md section 13) on both backends, and
their parity.  Ground truth for valid input is the standard library (``bytes.fromhex``,
used here only as a reference)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import olmpy
from olmpy import _backend
from olmpy.errors import OlmpyError, PickleError, UsageError
from olmpy.pickle import libolm, vodozemac

N = _backend.load("native")
P = _backend.load("python")
KEY = bytes(range(32))
HEX = b"0123456789abcdef"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # the type is part of what is compared
        return ("err", type(exc), str(exc))


def both(name: str, *args: Any) -> tuple[Any, ...]:
    """``name`` on both backends: identical outcomes, and errors are olmpy's."""
    native, python = outcome(getattr(N, name), *args), outcome(getattr(P, name), *args)
    assert native == python, f"{name}: native={native!r} python={python!r}"
    if native[0] == "err":
        assert issubclass(native[1], OlmpyError), native
    return native


# --- hex ----------------------------------------------------------------------------------


def reference_hex(data: bytes) -> bytes | None:
    """Lowercase hex pairs only (what the native pass writes), else None."""
    if len(data) % 2 or any(c not in HEX for c in data):
        return None
    return bytes.fromhex(data.decode())


def test_hex_every_pair_of_characters() -> None:
    """All 65,536 two-byte inputs: both backends accept exactly the 256 lowercase pairs and
    decode them as the reference does (uppercase, spaces, non-ASCII all refused)."""
    accepted = 0
    for first in range(256):
        for second in range(256):
            text = bytes([first, second])
            result = both("hex_decode", text)
            want = reference_hex(text)
            if want is None:
                assert result[0] == "err" and result[1] is PickleError, text
            else:
                assert result == ("ok", want)
                accepted += 1
    assert accepted == 256


@SETTINGS
@given(st.binary(max_size=300))
def test_hex_round_trip(data: bytes) -> None:
    assert both("hex_decode", data.hex().encode()) == ("ok", data)


@SETTINGS
@given(st.binary(max_size=300), st.data())
def test_hex_one_bad_character_anywhere(data: bytes, draw: st.DataObject) -> None:
    """A single bad character at any position, with any value, is refused by both; an odd
    length too. Lanes of 0x80 and above cannot hide a bad neighbour in the pure twin."""
    text = bytearray(data.hex().encode() or b"00")
    position = draw.draw(st.integers(0, len(text) - 1))
    text[position] = draw.draw(st.integers(0, 255).filter(lambda c: c not in HEX))
    assert both("hex_decode", bytes(text))[0] == "err"
    assert both("hex_decode", bytes(text[:-1]) if len(text) > 1 else b"0")[0] == "err"


@SETTINGS
@given(st.binary(max_size=80))
def test_hex_any_bytes_agree(text: bytes) -> None:
    result = both("hex_decode", text)
    want = reference_hex(text)
    assert result == (("ok", want) if want is not None else result)
    assert (result[0] == "ok") == (want is not None)


def test_hex_edges() -> None:
    assert both("hex_decode", b"") == ("ok", b"")
    assert both("hex_decode", b"00" * 1000) == ("ok", bytes(1000))
    assert both("hex_decode", b"ff" * 1000) == ("ok", b"\xff" * 1000)
    assert both("hex_decode", bytearray(b"0a")) == ("ok", b"\n")
    for bad in (b"\x80" + b"0" * 63, b"0" * 63 + b"\xff", b"\xff" * 64, b"\x00" * 2):
        assert both("hex_decode", bad)[0] == "err"
    for wrong in ("00", None, 5):
        result = both("hex_decode", wrong)
        assert result[0] == "err" and result[1] is UsageError


# --- hex: vodozemac pickles ------------------------------------------------------------------


@pytest.fixture
def hex_calls(backend: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the active backend's hex_decode calls (and the characters they decode)."""
    calls: list[int] = []
    real = backend.hex_decode

    def spy(digits: bytes) -> bytes:
        calls.append(len(digits))
        result: bytes = real(digits)
        return result

    monkeypatch.setattr(backend, "hex_decode", spy)
    yield calls


def _account() -> olmpy.Account:
    account = olmpy.Account()
    account.generate_one_time_keys(20)
    account.generate_fallback_key()
    return account


def test_one_decoder_call_per_pickle(hex_calls: list[int]) -> None:
    """Loading a vodozemac account, session or group session decodes every byte string
    with one call to the table-free decoder (none through bytes.fromhex)."""
    account = _account()
    text = account.to_vodozemac_pickle(KEY)
    loaded = olmpy.Account.from_vodozemac_pickle(text, KEY)
    assert loaded.identity_keys == account.identity_keys
    assert loaded.to_vodozemac_pickle(KEY) == text
    # signing seed, Curve25519 key, 20 one-time keys (public and private), one fallback
    assert hex_calls == [2 * 32 * (1 + 1 + 20 + 20 + 1)]
    bob = olmpy.Account()
    bob.generate_one_time_keys(1)
    session = account.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values()))
    )
    hex_calls.clear()
    assert olmpy.Session.from_vodozemac_pickle(
        session.to_vodozemac_pickle(KEY), KEY).session_id == session.session_id
    group = olmpy.GroupSession()
    assert olmpy.GroupSession.from_vodozemac_pickle(
        group.to_vodozemac_pickle(KEY), KEY).session_id == group.session_id
    assert len(hex_calls) == 2


def _sealed(document: Any) -> str:
    return libolm.seal(json.dumps(document).encode(), KEY)


def test_marked_strings_olmpy_did_not_make_are_refused(backend: Any) -> None:
    """Only the native pass's lowercase pairs are byte strings. bytes.fromhex, used before,
    also took uppercase and spaced hex; and strings of the input stay strings."""
    group = olmpy.GroupSession()
    document = json.loads(libolm.open_sealed(group.to_vodozemac_pickle(KEY), KEY, "t"))
    seed = bytes(document["signing_key"]["Normal"]).hex()
    for bad in (seed.upper(), " ".join(seed[i:i + 2] for i in range(0, 64, 2))):
        with pytest.raises(PickleError, match="expected a list of byte values, got a string"):
            vodozemac.byte_array("\x00" + bad, 32, "signing key")
        edited = {**document, "signing_key": {"Normal": "\x00" + bad}}
        with pytest.raises(PickleError, match="expected"):
            olmpy.GroupSession.from_vodozemac_pickle(_sealed(edited), KEY)
    assert vodozemac.byte_array("\x00" + seed, 32, "k") == bytes.fromhex(seed)


def test_byte_strings_outside_objects_and_crafted_neighbours(backend: Any) -> None:
    """Byte arrays in lists stay marked strings that byte_array decodes one by one; a
    crafted string next to real byte arrays does not disturb their decoding."""
    group = olmpy.GroupSession()
    document = json.loads(libolm.open_sealed(group.to_vodozemac_pickle(KEY), KEY, "t"))
    document["extra"] = [[1, 2, 3], {"deep": [4, 5]}, "\x00\x00ab"]
    document["zz"] = "\x00\x00" + "ab" * 32  # an input string that looks marked
    opened = vodozemac.open_sealed(_sealed(document), KEY, "t")
    assert opened["extra"][0] == "\x00" + "010203"
    assert opened["extra"][1]["deep"] == b"\x04\x05"
    assert opened["extra"][2] == "\x00\x00\x00ab"
    assert opened["zz"] == "\x00\x00\x00" + "ab" * 32
    assert type(opened["signing_key"]["Normal"]) is bytes  # the batch still ran
    assert vodozemac.byte_array(opened["extra"][0], 3, "x") == b"\x01\x02\x03"
    with pytest.raises(PickleError, match="got a string"):
        vodozemac.byte_array(opened["zz"], 32, "x")
    loaded = olmpy.GroupSession.from_vodozemac_pickle(_sealed(document), KEY)
    assert loaded.session_id == group.session_id


@SETTINGS
@given(st.recursive(st.lists(st.integers(0, 255), max_size=40) | st.text(max_size=6)
                    | st.integers(-3, 300),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=4), inner, max_size=4),
                    max_leaves=25))
def test_byte_arrays_anywhere_decode_like_json(document: Any) -> None:
    """Whatever the document, every object value that was an array of integers 0..255
    comes back as its bytes, and everything else as json.loads gives it."""
    opened = vodozemac.open_sealed(_sealed({"root": document}), KEY, "t")["root"]

    def check(mine: Any, theirs: Any, in_object: bool) -> None:
        if isinstance(theirs, list) and theirs and all(
            type(v) is int and 0 <= v <= 255 for v in theirs
        ):
            if in_object:
                assert mine == bytes(theirs)
            else:
                assert vodozemac.byte_array(mine, len(theirs), "x") == bytes(theirs)
        elif isinstance(theirs, dict):
            marked = {("\x00" + k if k[:1] == "\x00" else k): k for k in theirs}
            assert isinstance(mine, dict) and mine.keys() == marked.keys()
            for key, original in marked.items():
                check(mine[key], theirs[original], True)
        elif isinstance(theirs, list):
            assert isinstance(mine, list) and len(mine) == len(theirs)
            for a, b in zip(mine, theirs, strict=True):
                check(a, b, False)
        elif isinstance(theirs, str) and theirs[:1] == "\x00":
            assert mine == "\x00" + theirs  # the native pass marks it as not a byte string
        else:
            assert mine == theirs

    check(opened, document, True)


def test_random_hex_lengths_both_backends() -> None:
    for n in range(0, 200, 7):
        data = os.urandom(n)
        assert N.hex_decode(data.hex().encode()) == P.hex_decode(data.hex().encode()) == data

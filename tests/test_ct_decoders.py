"""Table-free decoders of secrets (issue 9, the libolm CVE-2024-45192 class): the hex
decoder behind vodozemac pickles' byte strings (SPEC.md section 13) and base58 recovery keys
(section 16), on both backends, their parity, and the C under valgrind.  Ground truth is
the obvious code with tables and Python integers (``bytes.fromhex``, ``str.index``,
``divmod``), used here only as a reference."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import needs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import olmpy
from olmpy import _backend
from olmpy.errors import OlmpyError, PickleError, UsageError
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _vodozemac as vodozemac

needs.native(module_level=True)  # the tests compare the two backends' decoders
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


# --- base58 recovery keys ------------------------------------------------------------------

BITCOIN = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
SPACES = {9, 10, 11, 12, 13, 28, 29, 30, 31, 32}  # str.isspace in ASCII


def reference_decode(text: bytes) -> tuple[int, int, int, int, bytes]:
    """The backends' answer, computed the obvious way (Python integers, an index table)."""
    first_bad = next((i for i, c in enumerate(text)
                      if c not in SPACES and chr(c) not in BITCOIN), len(text))
    digits = [chr(c) for c in text if chr(c) in BITCOIN]
    nothing = (first_bad, len(digits), 0, 0, bytes(35))
    if first_bad < len(text) or not 1 <= len(digits) <= 64:
        return nothing
    number = 0
    for char in digits:
        number = number * 58 + BITCOIN.index(char)
    zeros = len(digits) - len("".join(digits).lstrip("1"))
    length = zeros + (number.bit_length() + 7) // 8
    if length != 35:
        return first_bad, len(digits), length, 0, bytes(35)
    raw = number.to_bytes(35, "big")
    parity = 0
    for byte in raw:
        parity ^= byte
    return first_bad, len(digits), 35, int(raw[:2] == b"\x8b\x01") | (int(parity == 0) << 1), raw


def reference_encode(key: bytes) -> str:
    raw = b"\x8b\x01" + key
    parity = 0
    for byte in raw:
        parity ^= byte
    number = int.from_bytes(raw + bytes([parity]), "big")
    out = ""
    while number:
        number, digit = divmod(number, 58)
        out = BITCOIN[digit] + out
    return out


@SETTINGS
@given(st.binary(min_size=32, max_size=32))
def test_base58_encode_matches_the_reference(key: bytes) -> None:
    result = both("recovery_key_encode", key)
    assert result == ("ok", reference_encode(key)) and len(result[1]) == 48
    assert both("recovery_key_decode", result[1].encode()) == (
        "ok", reference_decode(result[1].encode()))


@pytest.mark.parametrize("key", [bytes(32), b"\xff" * 32, bytes(31) + b"\x01", b"\x01" + bytes(31)],
                         ids=["zeros", "ones", "low-bit", "high-byte"])
def test_base58_extreme_keys(key: bytes) -> None:
    text = both("recovery_key_encode", key)[1]
    assert text == reference_encode(key)
    result = both("recovery_key_decode", text.encode())
    assert result == ("ok", (48, 48, 35, 3, b"\x8b\x01" + key + result[1][4][34:]))


@SETTINGS
@given(st.lists(st.sampled_from([*BITCOIN.encode(), 32, 9, 10, 28, 31]), max_size=90))
def test_base58_decode_any_layout(chars: list[int]) -> None:
    """Any mix of base58 characters and whitespace, of any length: both backends give the
    reference's position, count, length, flags and bytes."""
    text = bytes(chars)
    assert both("recovery_key_decode", text) == ("ok", reference_decode(text))


@SETTINGS
@given(st.binary(min_size=32, max_size=32), st.data())
def test_base58_decode_edited_keys(key: bytes, draw: st.DataObject) -> None:
    """A real key with one character replaced by any byte (base58, space, punctuation,
    control or 0x80+), inserted or removed."""
    text = bytearray(reference_encode(key).encode())
    position = draw.draw(st.integers(0, len(text) - 1))
    edit = draw.draw(st.sampled_from(["replace", "insert", "remove"]))
    value = draw.draw(st.integers(0, 255))
    if edit == "replace":
        text[position] = value
    elif edit == "insert":
        text.insert(position, value)
    else:
        del text[position]
    assert both("recovery_key_decode", bytes(text)) == ("ok", reference_decode(bytes(text)))


def test_base58_decode_edges() -> None:
    for text in (b"", b" ", b"1", b"1" * 64, b"1" * 65, b"z" * 64, b"z" * 65, b"\x80",
                 b"\xff" * 10, b" " * 5000 + b"2" + b"\x00", b"EsTc" * 2000):
        assert both("recovery_key_decode", text) == ("ok", reference_decode(text)), text[:20]
    big = reference_encode(bytes(range(32))).encode()
    spread = b" " * 5000 + b"  ".join(big[i:i + 1] for i in range(48)) + b"\t" * 5000
    assert both("recovery_key_decode", spread)[1][4][2:34] == bytes(range(32))
    for wrong in ("text", None):
        assert both("recovery_key_decode", wrong)[1] is UsageError
    for wrong_key in (bytes(31), bytes(33), "x" * 32, None):
        assert both("recovery_key_encode", wrong_key)[1] is UsageError


@pytest.fixture
def base58_calls(backend: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    for name in ("recovery_key_decode", "recovery_key_encode"):
        real = getattr(backend, name)

        def spy(arg: Any, _real: Any = real, _name: str = name) -> Any:
            calls.append(_name)
            return _real(arg)

        monkeypatch.setattr(backend, name, spy)
    yield calls


def test_recovery_keys_go_through_the_backend(base58_calls: list[str]) -> None:
    """olmpy.recovery encodes and decodes with the backend's table-free base58 (it used a
    dict of character values and Python integers)."""
    from olmpy import recovery

    key = os.urandom(32)
    text = recovery.encode_recovery_key(key)
    assert recovery.decode_recovery_key(text) == key
    assert base58_calls == ["recovery_key_encode", "recovery_key_decode"]


def test_non_ascii_text_keeps_positions(backend: Any) -> None:
    """Unicode whitespace is ignored like ASCII's; any other non-ASCII character is named
    with its position in the text as given."""
    from olmpy import recovery

    key = os.urandom(32)
    text = recovery.encode_recovery_key(key)
    assert recovery.decode_recovery_key(text.replace(" ", "\u00a0")) == key
    assert recovery.decode_recovery_key("\u3000" + text + "\u2029\x85") == key
    broken = "\u2003\u2003" + text[:5] + "\u00e9" + text[6:]
    with pytest.raises(recovery.RecoveryKeyError, match=r"'é' at position 7"):
        recovery.decode_recovery_key(broken)
    with pytest.raises(recovery.RecoveryKeyError, match=r"'\\ud800' at position 3"):
        recovery.decode_recovery_key(text[:3] + "\ud800" + text[3:])


# --- the native decoders under valgrind -------------------------------------------------------


def test_native_decoders_do_not_depend_on_secrets(tmp_path: Any) -> None:
    """ctgrind's method: tests/ct_harness.c marks keys and texts undefined and runs the
    native hex and base58 functions under memcheck, which reports any branch or memory
    address that depends on them (a table lookup or an early exit would be)."""
    import shutil
    import subprocess
    from pathlib import Path

    gcc, valgrind = shutil.which("gcc"), shutil.which("valgrind")
    if gcc is None or valgrind is None or not Path("/usr/include/valgrind/memcheck.h").exists():
        pytest.skip("needs gcc, valgrind and valgrind's headers")
    root = Path(__file__).resolve().parent.parent
    native = root / "_native"
    binary = tmp_path / "ct_harness"
    flags = ["-std=c11", f"-I{native}", '-DOLMPY_VERSION_STRING="ct"', "-c"]
    checked = ["recovery.c", "pickle.c"]  # compiled as the package builds them
    others = [str(f) for f in sorted(native.glob("*.c")) if f.name not in checked]
    for args in ([gcc, "-O3", *flags, *(str(native / f) for f in checked),
                  str(root / "tests" / "ct_harness.c")],
                 [gcc, "-O0", *flags, *others]):
        build = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert build.returncode == 0, build.stderr
    link = subprocess.run([gcc, *map(str, tmp_path.glob("*.o")), "-o", str(binary)],
                          capture_output=True, text=True, timeout=300)
    assert link.returncode == 0, link.stderr
    run = subprocess.run([valgrind, "-q", "--error-exitcode=9", str(binary)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout + run.stderr

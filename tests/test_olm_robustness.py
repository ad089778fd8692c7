"""Olm survives hostile input, on both backends.

Every Olm decoder, given random bytes or text, damaged copies of genuine messages (bit
flips, truncation, extension, insertion, deletion, splices, base64-level edits) or
hand-built protobuf-like bodies, must give an object that agrees with an independent
reference parser of SPEC.md section 10, or raise an ``OlmpyError`` (a ``DecodeError`` for
malformed input), never another exception.  ``Session.decrypt`` and
``Account.create_inbound_session`` must accept only the authenticated content that was
really sent, return its own plaintext, and change nothing at all when they fail; misuse is
a ``UsageError``; adversarial traffic cannot grow a session's stored keys or chains past
their limits.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as _event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from olmpy import (
    Account,
    AnyOlmMessage,
    Curve25519PublicKey,
    DecodeError,
    DecryptionError,
    KeyDecodeError,
    Message,
    OlmpyError,
    PreKeyMessage,
    Session,
    UnknownOneTimeKeyError,
    UsageError,
    _b64,
    testing,
)

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
FEW = settings(SETTINGS, max_examples=50)
MORE = settings(SETTINGS, max_examples=400)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
MAC_LEN = 8
U32_MAX = 0xFFFFFFFF
U64_MAX = 2**64 - 1

# --- deterministic accounts -------------------------------------------------------------------


def det_rng(label: str) -> Callable[[int], bytes]:
    """A reproducible randomness source (SHA-256 in counter mode), so failures replay."""
    counter = itertools.count()

    def rng(n: int) -> bytes:
        out = b""
        while len(out) < n:
            out += hashlib.sha256(f"{label}/{next(counter)}".encode()).digest()
        return out[:n]

    return rng


def det_account(label: str) -> Account:
    seed = hashlib.sha256(b"ed25519 " + label.encode()).digest()
    secret = hashlib.sha256(b"curve25519 " + label.encode()).digest()
    return testing.account_from_parts(seed, secret, rng=det_rng(label))


# --- an independent reference parser (SPEC.md section 10, "Messages") -------------------------


class Malformed(Exception):
    """The reference parser's verdict: these bytes are not a well-formed Olm message."""


def ref_varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """A protobuf varint: at most 10 bytes, value below 2**64 (over-long forms allowed)."""
    value = 0
    for i in range(10):
        if pos + i >= end:
            raise Malformed("truncated varint")
        byte = data[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if i == 9 and byte > 1:
                raise Malformed("varint past 2**64")
            return value, pos + i + 1
    raise Malformed("varint longer than 10 bytes")


def ref_fields(data: bytes, end: int, known: tuple[int, ...]) -> dict[int, tuple[int, Any]]:
    """Known fields of a body from offset 1 to ``end``: number -> (wire, int or bytes)."""
    fields: dict[int, tuple[int, Any]] = {}
    pos = 1
    while pos < end:
        tag, pos = ref_varint(data, pos, end)
        wire, number = tag & 7, tag >> 3
        entry: tuple[int, Any]
        if wire == 0:
            value, pos = ref_varint(data, pos, end)
            entry = (0, value)
        elif wire == 2:
            length, pos = ref_varint(data, pos, end)
            if length > end - pos:
                raise Malformed("field longer than the body")
            entry = (2, data[pos : pos + length])
            pos += length
        else:
            raise Malformed(f"wire type {wire}")
        if number in known:
            if number in fields:
                raise Malformed(f"field {number} twice")
            fields[number] = entry
    return fields


def _key_field(fields: dict[int, tuple[int, Any]], number: int) -> bytes:
    entry = fields.get(number)
    if entry is None or entry[0] != 2 or len(entry[1]) != 32:
        raise Malformed(f"field {number} is not a 32-byte key")
    return bytes(entry[1])


def ref_normal(data: bytes) -> tuple[bytes, int, bytes]:
    """(ratchet key, chain index, ciphertext) of a normal message, or Malformed."""
    if len(data) < 1 + MAC_LEN or data[0] != 0x03:
        raise Malformed("short or wrong version")
    fields = ref_fields(data, len(data) - MAC_LEN, (1, 2, 4))
    key = _key_field(fields, 1)
    index, ct = fields.get(2), fields.get(4)
    if index is None or index[0] != 0 or index[1] > U32_MAX:
        raise Malformed("no u32 chain index")
    if ct is None or ct[0] != 2:
        raise Malformed("no ciphertext")
    return key, index[1], bytes(ct[1])


def ref_pre_key(data: bytes) -> tuple[tuple[bytes, bytes, bytes], bytes]:
    """((one-time key, base key, identity key), inner normal message), or Malformed."""
    if len(data) < 1 or data[0] != 0x03:
        raise Malformed("empty or wrong version")
    fields = ref_fields(data, len(data), (1, 2, 3, 4))
    keys = (_key_field(fields, 1), _key_field(fields, 2), _key_field(fields, 3))
    inner = fields.get(4)
    if inner is None or inner[0] != 2:
        raise Malformed("no inner message")
    ref_normal(bytes(inner[1]))
    return keys, bytes(inner[1])


def ref_inner(message_type: int, body: bytes) -> tuple[tuple[bytes, bytes, bytes] | None, bytes]:
    """The pre-key triple (None for a normal message) and the authenticated inner message."""
    if message_type == 0:
        return ref_pre_key(body)
    ref_normal(body)
    return None, body


def ref_or_none(fn: Callable[[bytes], Any], data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return fn(data)
    except Malformed:
        return None


# --- encoders for hand-built messages -----------------------------------------------------------


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_normal(key: bytes, index: int, ct: bytes, mac: bytes = bytes(MAC_LEN)) -> bytes:
    return b"\x03\x0a\x20" + key + b"\x10" + varint(index) + b"\x22" + varint(len(ct)) + ct + mac


def encode_pre_key(keys: tuple[bytes, bytes, bytes], inner: bytes) -> bytes:
    one_time, base, identity = keys
    return (b"\x03\x0a\x20" + one_time + b"\x12\x20" + base + b"\x1a\x20" + identity
            + b"\x22" + varint(len(inner)) + inner)


# --- a corpus of genuine messages (bytes only, so it serves both backends) --------------------


def _corpus() -> tuple[list[bytes], list[bytes], list[bytes]]:
    alice, bob = det_account("corpus alice"), det_account("corpus bob")
    bob.generate_one_time_keys(1)
    outbound = alice.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values())))
    pre_keys = [outbound.encrypt(p).to_bytes() for p in (b"", b"hi", b"z" * 40)]
    inbound, _ = bob.create_inbound_session(alice.curve25519_key, AnyOlmMessage(0, pre_keys[0]))
    normals = [inbound.encrypt(p).to_bytes() for p in (b"", b"reply", b"y" * 16)]
    for _ in range(130):  # a chain index that needs a two-byte varint
        inbound.encrypt(b".")
    normals.append(inbound.encrypt(b"late").to_bytes())
    keys = [alice.curve25519_key.to_bytes(), bob.curve25519_key.to_bytes(),
            ref_pre_key(pre_keys[0])[0][1]]
    return pre_keys, normals, keys


PRE_KEYS, NORMALS, KEYS = _corpus()
ALL_VALID = tuple(PRE_KEYS + NORMALS + KEYS)

# Public keys an attacker likes: zero, small-order points, the field prime and neighbours.
LOW_ORDER = [
    bytes(32),
    b"\x01" + bytes(31),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    bytes.fromhex("ec" + "ff" * 30 + "7f"),
    bytes.fromhex("ed" + "ff" * 30 + "7f"),
    bytes.fromhex("ee" + "ff" * 30 + "7f"),
]

# --- mutation strategies ------------------------------------------------------------------------


@st.composite
def damaged(draw: st.DrawFn, data: bytes, others: tuple[bytes, ...] = ALL_VALID) -> bytes:
    """``data`` after one to three byte-level edits (flip, cut, extend, insert, delete, set,
    splice with another genuine value)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(
            ["flip", "truncate", "extend", "insert", "delete", "set", "splice"]))
        if kind == "flip" and out:
            out[draw(st.integers(0, len(out) - 1))] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            out = out[: draw(st.integers(0, len(out)))]
        elif kind == "extend":
            out += draw(st.binary(min_size=1, max_size=40))
        elif kind == "insert":
            at = draw(st.integers(0, len(out)))
            out[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and out:
            at = draw(st.integers(0, len(out) - 1))
            del out[at : at + draw(st.integers(1, 4))]
        elif kind == "set" and out:
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        elif kind == "splice":
            other = draw(st.sampled_from(others))
            out = out[: draw(st.integers(0, len(out)))] + other[draw(st.integers(0, len(other))):]
    return bytes(out)


def one_bit_flipped(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with exactly one bit flipped."""
    return st.tuples(st.integers(0, len(data) - 1), st.integers(0, 7)).map(
        lambda p: data[: p[0]] + bytes([data[p[0]] ^ (1 << p[1])]) + data[p[0] + 1 :])


odd_chars = st.one_of(st.sampled_from(ALPHABET + "=-_ \n\t.*\x00"), st.characters())


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to three character-level edits."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "extend", "pad"]))
        if kind == "replace" and chars:
            chars[draw(st.integers(0, len(chars) - 1))] = draw(odd_chars)
        elif kind == "insert":
            chars.insert(draw(st.integers(0, len(chars))), draw(odd_chars))
        elif kind == "delete" and chars:
            del chars[draw(st.integers(0, len(chars) - 1))]
        elif kind == "truncate":
            chars = chars[: draw(st.integers(0, len(chars)))]
        elif kind == "extend":
            chars += list(draw(st.text(alphabet=ALPHABET, min_size=1, max_size=8)))
        elif kind == "pad":
            chars += ["="] * draw(st.integers(1, 3))
    return "".join(chars)


def text_forms(data: bytes) -> st.SearchStrategy[str]:
    """Base64 of ``data``, padded and unpadded, of damaged bytes, and damaged base64."""
    text = _b64.encode(data)
    return st.one_of(st.just(text), st.just(base64.b64encode(data).decode()),
                     damaged(data).map(_b64.encode), damaged_text(text))


BIG_VARINTS = [0, 1, 31, 32, 33, 127, 128, U32_MAX, U32_MAX + 1, 2**63, U64_MAX]


@st.composite
def raw_varint(draw: st.DrawFn, value: int) -> bytes:
    """``value`` as a varint, sometimes over-long, sometimes broken past 10 bytes."""
    out = bytearray(varint(value))
    kind = draw(st.sampled_from(["plain", "plain", "overlong", "too_long", "unterminated",
                                 "past_u64"]))
    if kind == "past_u64":  # ten bytes, but the value needs more than 64 bits
        out = bytearray(b"\xff" * 9 + bytes([draw(st.integers(2, 0x7F))]))
        if draw(st.booleans()):
            out[0] = (out[0] & ~7) | (value & 7)  # keep the wire type of a tag
    elif kind == "overlong" and len(out) < 10:
        out[-1] |= 0x80
        out += b"\x80" * draw(st.integers(0, 9 - len(out))) + b"\x00"
    elif kind == "too_long":
        out[-1] |= 0x80
        out += b"\x80" * (10 - len(out)) + b"\x01"
    elif kind == "unterminated":
        out[-1] |= 0x80
    return bytes(out)


@st.composite
def protobuf_fields(draw: st.DrawFn, numbers: tuple[int, ...]) -> bytes:
    """A run of protobuf-like fields: plausible tags, wire types, lengths and values."""
    out = b""
    for _ in range(draw(st.integers(0, 6))):
        number = draw(st.one_of(st.sampled_from(numbers), st.integers(0, 20),
                                st.sampled_from([2**29, 2**32 + 1, 2**61 - 1])))
        wire = draw(st.sampled_from([0, 2, 2, 2, 1, 3, 5, 7]))
        out += draw(raw_varint((number << 3) | wire))
        if wire == 0:
            out += draw(raw_varint(draw(st.one_of(st.sampled_from(BIG_VARINTS),
                                                  st.integers(0, U64_MAX)))))
        elif wire == 2:
            payload = draw(st.one_of(st.binary(min_size=32, max_size=32),
                                     st.binary(max_size=48),
                                     st.sampled_from(NORMALS)))
            length = draw(st.one_of(st.just(len(payload)), st.just(len(payload)),
                                    st.sampled_from(BIG_VARINTS),
                                    st.integers(0, 2 * len(payload) + 2)))
            out += draw(raw_varint(length)) + payload
        else:
            out += draw(st.binary(max_size=9))
    return out


normal_like = st.builds(
    lambda version, body, mac: version + body + mac,
    st.sampled_from([b"\x03", b"\x03", b"\x03", b"\x02", b""]),
    protobuf_fields((1, 2, 4)), st.binary(min_size=0, max_size=MAC_LEN))


@st.composite
def pre_key_like(draw: st.DrawFn) -> bytes:
    """A pre-key-shaped body: key fields of various sizes around an inner message."""
    parts = [b"\x0a", b"\x12", b"\x1a"]
    out = bytearray(b"\x03")
    for tag in draw(st.permutations(parts)):
        if draw(st.integers(0, 9)) == 0:
            continue
        key = draw(st.one_of(st.binary(min_size=32, max_size=32), st.binary(max_size=40)))
        out += tag + varint(len(key)) + key
    inner = draw(st.one_of(st.sampled_from(NORMALS), normal_like,
                           st.sampled_from(NORMALS).flatmap(damaged)))
    out += b"\x22" + varint(len(inner)) + inner
    out += draw(protobuf_fields((1, 2, 3, 4)))
    return bytes(out)


@st.composite
def unknown_fields(draw: st.DrawFn, known: tuple[int, ...]) -> bytes:
    """Zero to two fields a decoder must skip (numbers it does not know, wire type 0 or 2)."""
    out = b""
    for _ in range(draw(st.integers(0, 2))):
        number = draw(st.sampled_from(
            [n for n in (0, 3, 5, 6, 15, 16, 100, 2**29, 2**61 - 1) if n not in known]))
        if draw(st.booleans()):
            out += varint(number << 3) + draw(raw_varint(draw(st.integers(0, U64_MAX))))
        else:
            payload = draw(st.binary(max_size=20))
            out += varint((number << 3) | 2) + varint(len(payload)) + payload
    return out


@st.composite
def wellformed_normal(draw: st.DrawFn) -> bytes:
    """A normal message that is mostly well formed: fields in any order, unknown fields mixed
    in, over-long or out-of-range chain indexes, sometimes a known field twice."""
    key = draw(st.binary(min_size=32, max_size=32))
    index = draw(st.one_of(st.integers(0, 300), st.sampled_from([U32_MAX, U32_MAX + 1, 2**35])))
    ct = draw(st.binary(max_size=48))
    fields = [b"\x0a\x20" + key, b"\x10" + draw(raw_varint(index)),
              b"\x22" + varint(len(ct)) + ct, draw(unknown_fields((1, 2, 4)))]
    if draw(st.integers(0, 4)) == 0:  # a known field given twice
        fields.append(draw(st.sampled_from(fields[:3])))
    body = b"".join(draw(st.permutations(fields)))
    return b"\x03" + body + draw(st.binary(min_size=MAC_LEN, max_size=MAC_LEN))


@st.composite
def wellformed_pre_key(draw: st.DrawFn) -> bytes:
    """A pre-key message that is mostly well formed: fields in any order, unknown fields,
    sometimes a known field twice."""
    inner = draw(st.one_of(st.sampled_from(NORMALS), wellformed_normal()))
    fields = [tag + b"\x20" + draw(st.binary(min_size=32, max_size=32))
              for tag in (b"\x0a", b"\x12", b"\x1a")]
    fields += [b"\x22" + varint(len(inner)) + inner, draw(unknown_fields((1, 2, 3, 4)))]
    if draw(st.integers(0, 4)) == 0:  # a known field given twice
        fields.append(draw(st.sampled_from(fields[:4])))
    return b"\x03" + b"".join(draw(st.permutations(fields)))


message_bytes = st.one_of(
    wellformed_normal(),
    wellformed_pre_key(),
    st.binary(max_size=160),
    st.binary(max_size=120).map(lambda b: b"\x03" + b),
    normal_like,
    pre_key_like(),
    st.sampled_from(ALL_VALID),
    st.sampled_from(ALL_VALID).flatmap(damaged),
    st.sampled_from(PRE_KEYS + NORMALS).flatmap(one_bit_flipped),
)
message_text = st.one_of(st.text(max_size=80), st.text(alphabet=ALPHABET + "=", max_size=300),
                         st.sampled_from(ALL_VALID).flatmap(text_forms),
                         message_bytes.map(_b64.encode))

# --- helpers ----------------------------------------------------------------------------------


def event(label: str) -> None:
    """Records an outcome for --hypothesis-show-statistics (ignored outside hypothesis)."""
    if currently_in_test_context():
        _event(label)


def attempt(fn: Callable[..., Any], *args: Any) -> tuple[Any, OlmpyError | None]:
    """Calls ``fn``; returns (result, None) or (None, the OlmpyError).  Anything else escapes."""
    try:
        return fn(*args), None
    except OlmpyError as exc:
        return None, exc


def decrypt_parts(session: Session, kind: int, raw: bytes) -> bytes:
    """Builds the message and decrypts it: since ``AnyOlmMessage`` parses in its constructor,
    a malformed body fails there, with the DecodeError decrypt would give."""
    return session.decrypt(AnyOlmMessage(kind, raw))


def decoded(text: str | bytes) -> bytes | None:
    if not isinstance(text, str):
        return bytes(text)
    try:
        return _b64.decode(text, "test")
    except DecodeError:
        return None


def check_decode_error(exc: OlmpyError) -> None:
    assert isinstance(exc, DecodeError), repr(exc)
    assert "expected" in str(exc), repr(exc)


# --- decoders -----------------------------------------------------------------------------------


def check_pre_key(msg: PreKeyMessage, raw: bytes) -> None:
    keys, inner = ref_pre_key(raw)
    assert msg.to_bytes() == raw
    assert (msg.one_time_key, msg.base_key, msg.identity_key) == keys
    assert msg.message.to_bytes() == inner
    check_normal(msg.message, inner)
    assert msg.to_any() == AnyOlmMessage(0, raw)
    assert msg.session_id() == _b64.encode(hashlib.sha256(keys[2] + keys[1] + keys[0]).digest())
    assert PreKeyMessage.from_base64(msg.to_base64()).to_bytes() == raw


def check_normal(msg: Message, raw: bytes) -> None:
    key, index, _ = ref_normal(raw)
    assert msg.to_bytes() == raw
    assert (msg.ratchet_key, msg.chain_index) == (key, index)
    assert msg.to_any() == AnyOlmMessage(1, raw)
    assert Message.from_base64(msg.to_base64()).to_bytes() == raw


@MORE
@given(st.sampled_from([0, 1]), st.one_of(message_bytes, message_bytes.map(bytearray),
                                          message_text))
def test_any_olm_message_from_parts(backend: ModuleType, kind: int,
                                    body: bytes | bytearray | str) -> None:
    """from_parts accepts exactly the bodies the reference parser accepts for that type and
    keeps them verbatim; anything else raises a DecodeError naming what was expected."""
    raw = decoded(body)
    parser = ref_pre_key if kind == 0 else ref_normal
    expected_ok = ref_or_none(parser, raw) is not None
    msg, exc = attempt(AnyOlmMessage.from_parts, kind, body)
    event("accepted" if exc is None else type(exc).__name__)
    if exc is not None:
        check_decode_error(exc)
        assert not expected_ok, f"a well-formed body was refused: {exc!r}"
        return
    assert expected_ok and raw is not None, "a malformed body was accepted"
    assert msg.message_type == kind and msg.to_parts() == (kind, raw)
    assert msg.to_base64() == _b64.encode(raw)
    parsed = msg.parsed()
    if kind == 0:
        assert isinstance(parsed, PreKeyMessage) and msg.to_pre_key() is not None
        check_pre_key(parsed, raw)
    else:
        assert isinstance(parsed, Message) and msg.to_pre_key() is None
        check_normal(parsed, raw)


@MORE
@given(st.one_of(message_bytes.map(lambda b: ("from_bytes", b)),
                 message_text.map(lambda t: ("from_base64", t))))
def test_pre_key_message_decoders(backend: ModuleType, case: tuple[str, Any]) -> None:
    """PreKeyMessage.from_bytes/from_base64 give the message the reference parser reads, or
    raise a DecodeError."""
    how, body = case
    raw = decoded(body)
    expected_ok = ref_or_none(ref_pre_key, raw) is not None
    msg, exc = attempt(getattr(PreKeyMessage, how), body)
    event("accepted" if exc is None else type(exc).__name__)
    if exc is not None:
        check_decode_error(exc)
        assert not expected_ok, f"a well-formed pre-key message was refused: {exc!r}"
        return
    assert expected_ok and raw is not None, "a malformed pre-key message was accepted"
    check_pre_key(msg, raw)


@MORE
@given(st.one_of(message_bytes.map(lambda b: ("from_bytes", b)),
                 message_text.map(lambda t: ("from_base64", t))))
def test_message_decoders(backend: ModuleType, case: tuple[str, Any]) -> None:
    """Message.from_bytes/from_base64 give the message the reference parser reads, or raise
    a DecodeError."""
    how, body = case
    raw = decoded(body)
    expected_ok = ref_or_none(ref_normal, raw) is not None
    msg, exc = attempt(getattr(Message, how), body)
    event("accepted" if exc is None else type(exc).__name__)
    if exc is not None:
        check_decode_error(exc)
        assert not expected_ok, f"a well-formed message was refused: {exc!r}"
        return
    assert expected_ok and raw is not None, "a malformed message was accepted"
    check_normal(msg, raw)


key_bytes = st.one_of(st.binary(max_size=70), st.binary(min_size=31, max_size=33),
                      st.sampled_from(KEYS + LOW_ORDER),
                      st.sampled_from(KEYS).flatmap(damaged))


@SETTINGS
@given(st.one_of(key_bytes.map(lambda b: ("from_bytes", b)),
                 key_bytes.map(lambda b: ("from_bytes", bytearray(b))),
                 key_bytes.flatmap(text_forms).map(lambda t: ("from_base64", t)),
                 st.text(max_size=60).map(lambda t: ("from_base64", t))))
def test_curve25519_key_decoders(backend: ModuleType, case: tuple[str, Any]) -> None:
    """A Curve25519 key is accepted exactly when it is 32 bytes (or base64 of 32 bytes) and
    keeps them; anything else raises a DecodeError."""
    how, value = case
    raw = decoded(value)
    key, exc = attempt(getattr(Curve25519PublicKey, how), value)
    if exc is not None:
        check_decode_error(exc)
        assert raw is None or len(raw) != 32
        return
    assert raw is not None and len(raw) == 32
    assert key.to_bytes() == raw and key.to_base64() == _b64.encode(raw)
    assert Curve25519PublicKey.from_base64(key.to_base64()) == key


# --- sessions in several states -----------------------------------------------------------------


@dataclass
class Genuine:
    """A message really sent to the session under test."""

    message: AnyOlmMessage
    plaintext: bytes
    inner: bytes  # the authenticated normal message inside

    @classmethod
    def of(cls, message: AnyOlmMessage, plaintext: bytes) -> Genuine:
        return cls(message, plaintext, ref_inner(*message.to_parts())[1])


@dataclass
class Scenario:
    session: Session
    triple: tuple[bytes, bytes, bytes]  # (one-time key, base key, identity key) of the session
    pending: list[Genuine]  # sent and not yet decrypted
    consumed: list[Genuine] = field(default_factory=list)  # already decrypted (replays)

    @property
    def all(self) -> list[Genuine]:
        return self.pending + self.consumed

    def plaintext_of(self, inner: bytes) -> bytes | None:
        return next((g.plaintext for g in self.pending if g.inner == inner), None)


def send(session: Session, text: str) -> Genuine:
    return Genuine.of(session.encrypt(text.encode()), text.encode())


def receive(session: Session, genuine: Genuine) -> Genuine:
    assert session.decrypt(genuine.message) == genuine.plaintext
    return genuine


SCENARIOS = ["fresh_outbound", "fresh_inbound", "ratchet_turns", "ratchet_turns_outbound",
             "skipped_keys"]


def make_scenario(kind: str) -> Scenario:
    """A session pair in the named state; the session under test and what was sent to it."""
    alice, bob = det_account("alice " + kind), det_account("bob " + kind)
    bob.generate_one_time_keys(2)
    otk = next(iter(bob.one_time_keys.values()))
    a = alice.create_outbound_session(bob.curve25519_key, otk)
    first = send(a, "first")
    b, plaintext = bob.create_inbound_session(alice.curve25519_key, first.message)
    assert plaintext == b"first"
    triple, _ = ref_pre_key(first.message.to_bytes())
    if kind == "fresh_outbound":
        # Alice has only sent; Bob answers on his first chain.
        return Scenario(a, triple, [send(b, f"to alice {i}") for i in range(4)])
    if kind == "fresh_inbound":
        # Bob has only received; Alice keeps sending pre-key messages.
        return Scenario(b, triple, [send(a, f"pre-key {i}") for i in range(3)], [first])
    old: list[Genuine] = [first]
    for turn in range(3):
        old.append(receive(a, send(b, f"b turn {turn}")))
        old.append(receive(b, send(a, f"a turn {turn}")))
    if kind == "ratchet_turns":
        return Scenario(b, triple, [send(a, f"to bob {i}") for i in range(4)], old[::2])
    if kind == "ratchet_turns_outbound":
        return Scenario(a, triple, [send(b, f"to alice {i}") for i in range(4)], old[1::2])
    assert kind == "skipped_keys"
    held = [send(a, f"held {i}") for i in range(8)]
    received = receive(b, held[5])  # keys for 0..4 are now held as skipped keys
    receive(a, send(b, "reply"))
    newer = [send(a, f"newer {i}") for i in range(3)]
    return Scenario(b, triple, held[:5] + held[6:] + newer, [received, old[-1]])


def state(session: Session) -> tuple[object, ...]:
    """Every piece of a session's state, secrets read out, for byte-exact comparison."""
    b = session._b
    sender = session._sender
    return (
        b.read_secret(session._root),
        None if sender is None else (b.read_secret(sender[0]), sender[1],
                                     b.read_secret(sender[2])),
        [(key, b.read_secret(chain)) for key, chain in session._receivers],
        [(key, index, b.read_secret(mk)) for key, index, mk in session._skipped],
        session._received,
        session._pre_key,
        session._session_id,
    )


@pytest.mark.parametrize("kind", SCENARIOS)
def test_scenarios_are_sound(backend: ModuleType, kind: str) -> None:
    """Every pending genuine message of a scenario decrypts to its plaintext; replays fail."""
    scenario = make_scenario(kind)
    assert scenario.session._b is backend
    if kind == "skipped_keys":
        assert len(scenario.session._skipped) == 5
    for genuine in scenario.consumed:
        with pytest.raises(DecryptionError):
            scenario.session.decrypt(genuine.message)
    for genuine in reversed(scenario.pending):
        assert scenario.session.decrypt(genuine.message) == genuine.plaintext
    for genuine in scenario.pending:
        with pytest.raises(DecryptionError):
            scenario.session.decrypt(genuine.message)


@st.composite
def forged_normal(draw: st.DrawFn, scenario: Scenario) -> bytes:
    """A well-formed normal message with chosen header and garbage ciphertext and MAC."""
    known = [ref_normal(g.inner) for g in scenario.all]
    key = draw(st.one_of(st.sampled_from([k for k, _, _ in known]),
                         st.binary(min_size=32, max_size=32), st.sampled_from(LOW_ORDER)))
    index = draw(st.one_of(st.sampled_from([i for _, i, _ in known]),
                           st.integers(0, 2100), st.sampled_from([2001, 2002, U32_MAX])))
    ct = draw(st.one_of(st.sampled_from([c for _, _, c in known]), st.binary(max_size=48)))
    return encode_normal(key, index, ct, draw(st.binary(min_size=MAC_LEN, max_size=MAC_LEN)))


@st.composite
def hostile_message(draw: st.DrawFn, scenario: Scenario) -> tuple[str, tuple[int, bytes]]:
    """A message for the session under test: genuine, replayed, damaged, re-wrapped, header
    swapped, forged or random."""
    genuine = draw(st.sampled_from(scenario.all))
    kind, raw = genuine.message.to_parts()
    how = draw(st.sampled_from(["genuine", "damaged", "flip", "flip", "retype", "unwrap",
                                "wrap", "inner_damaged", "inner_flip", "header_swap",
                                "forged", "forged_wrapped", "random", "keys_damaged"]))
    if how == "genuine":
        return how, genuine.message.to_parts()
    if how == "damaged":
        return how, (kind, draw(damaged(raw)))
    if how == "flip":
        return how, (kind, draw(one_bit_flipped(raw)))
    if how == "retype":
        return how, (1 - kind, raw)
    if how == "unwrap":  # the authenticated inner message on its own
        return how, (1, genuine.inner)
    if how == "wrap":  # the inner message under the session's own pre-key header
        return how, (0, encode_pre_key(scenario.triple, genuine.inner))
    if how in ("inner_damaged", "inner_flip"):
        strategy = damaged(genuine.inner) if how == "inner_damaged" else one_bit_flipped(
            genuine.inner)
        inner = draw(strategy)
        if draw(st.booleans()):
            return how, (0, encode_pre_key(scenario.triple, inner))
        return how, (1, inner)
    if how == "header_swap":  # another genuine message's ratchet key and index, same body
        other = draw(st.sampled_from(scenario.all))
        key, index, _ = ref_normal(other.inner)
        _, _, ct = ref_normal(genuine.inner)
        return how, (1, encode_normal(key, index, ct, genuine.inner[-MAC_LEN:]))
    if how == "forged":
        return how, (1, draw(forged_normal(scenario)))
    if how == "forged_wrapped":
        return how, (0, encode_pre_key(scenario.triple, draw(forged_normal(scenario))))
    if how == "keys_damaged":  # genuine inner message, one key of the header altered
        keys = list(scenario.triple)
        which = draw(st.integers(0, 2))
        keys[which] = draw(st.one_of(st.binary(min_size=32, max_size=32),
                                     one_bit_flipped(keys[which])))
        return how, (0, encode_pre_key((keys[0], keys[1], keys[2]), genuine.inner))
    return how, (draw(st.sampled_from([0, 1])), draw(message_bytes))


def decrypt_and_check(
    scenario: Scenario, how: str, message: AnyOlmMessage | tuple[int, bytes]
) -> None:
    """The decrypt invariants: success only for authenticated content that was sent and not
    yet decrypted, with its own plaintext; failure is an OlmpyError that changes nothing."""
    session = scenario.session
    before = state(session)
    parts = message.to_parts() if isinstance(message, AnyOlmMessage) else message
    result, exc = attempt(decrypt_parts, session, *parts)
    try:
        triple, inner = ref_inner(*parts)
    except Malformed:
        triple, inner = None, None
    exactly_pending = any(g.message.to_parts() == parts for g in scenario.pending)
    event(f"{how}: {'decrypted' if exc is None else type(exc).__name__}")
    if exc is not None:
        assert state(session) == before, f"a failed decrypt ({exc!r}) changed the session"
        assert "expected" in str(exc), repr(exc)
        if inner is None:
            assert isinstance(exc, DecodeError), f"malformed input gave {exc!r}"
        else:
            assert isinstance(exc, (DecryptionError, KeyDecodeError)), repr(exc)
        assert not exactly_pending, f"a genuine pending message failed: {exc!r}"
        return
    assert inner is not None, "a malformed message decrypted"
    assert triple is None or triple == scenario.triple, "a foreign pre-key header was accepted"
    expected_plaintext = scenario.plaintext_of(inner)
    assert expected_plaintext is not None, "content that was never sent (or replayed) decrypted"
    assert result == expected_plaintext
    assert session.has_received_message
    done = next(g for g in scenario.pending if g.inner == inner)
    scenario.pending.remove(done)
    scenario.consumed.append(done)


@MORE
@given(st.sampled_from(SCENARIOS), st.data())
def test_session_decrypt_hostile(backend: ModuleType, kind: str, data: st.DataObject) -> None:
    """Session.decrypt returns only the sent plaintext of unmodified authenticated content,
    and otherwise raises an OlmpyError leaving the session byte-for-byte unchanged."""
    scenario = make_scenario(kind)
    for _ in range(data.draw(st.integers(1, 5), label="steps")):
        how, message = data.draw(hostile_message(scenario), label="message")
        decrypt_and_check(scenario, how, message)
    # Forgeries changed nothing, so everything still pending must still decrypt, once.
    for genuine in list(scenario.pending):
        decrypt_and_check(scenario, "final", genuine.message)
    assert not scenario.pending
    for genuine in scenario.consumed:
        decrypt_and_check(scenario, "replay", genuine.message)


# --- inbound sessions from hostile pre-key messages ---------------------------------------------


@dataclass
class Inbound:
    bob: Account
    identities: list[bytes]  # the senders' identity keys, and a stranger's
    genuine: list[tuple[bytes, bytes, bytes]]  # (raw pre-key message, plaintext, sender id)
    one_time: dict[bytes, int]  # Bob's one-time keys: public -> key id
    fallback: bytes
    used: set[bytes] = field(default_factory=set)  # one-time keys consumed so far


def make_inbound() -> Inbound:
    bob = det_account("inbound bob")
    bob.generate_one_time_keys(3)
    bob.generate_fallback_key()
    fallback = next(iter(bob.fallback_key.values()))
    one_time = {k.public: k.id for k in bob._one_time.values()}
    otks = list(bob.one_time_keys.values())
    stranger = det_account("inbound stranger")
    stranger.generate_one_time_keys(1)
    targets = [otks[0], otks[1], fallback, next(iter(stranger.one_time_keys.values()))]
    genuine = []
    identities = []
    for n, target in enumerate(targets):
        alice = det_account(f"inbound alice {n}")
        identities.append(alice.curve25519_key.to_bytes())
        session = alice.create_outbound_session(bob.curve25519_key, target)
        for i in range(2):
            text = f"from {n} #{i}".encode()
            genuine.append((session.encrypt(text).to_bytes(), text, identities[-1]))
    identities.append(stranger.curve25519_key.to_bytes())
    return Inbound(bob, identities, genuine, one_time, fallback.to_bytes())


def account_state(account: Account) -> tuple[object, ...]:
    """Every key the account holds (ids, publics, published flags, secrets)."""
    b = account._b

    def key(k: Any) -> object:
        return None if k is None else (k.id, k.public, k.published, b.read_secret(k.secret))

    return ([key(k) for k in account._one_time.values()],
            {i: k.to_bytes() for i, k in account.one_time_keys.items()},
            key(account._fallback), key(account._previous_fallback), account._next_id)


@st.composite
def hostile_pre_key(draw: st.DrawFn, inbound: Inbound) -> tuple[str, Any, bytes]:
    """A pre-key message (genuine, damaged, re-keyed, random or of the wrong type) and the
    identity key the caller names (usually the real sender's)."""
    raw, _, sender = draw(st.sampled_from(inbound.genuine))
    identity = draw(st.one_of(st.just(sender), st.sampled_from(inbound.identities)))
    how = draw(st.sampled_from(["genuine", "damaged", "damaged", "flip", "flip", "flip",
                                "inner_damaged", "inner_damaged", "keys_swapped", "random",
                                "normal"]))
    triple, inner = ref_pre_key(raw)
    if how == "damaged":
        raw = draw(damaged(raw, tuple(g[0] for g in inbound.genuine)))
    elif how == "flip":
        raw = draw(one_bit_flipped(raw))
    elif how == "inner_damaged":
        raw = encode_pre_key(triple, draw(st.one_of(damaged(inner), one_bit_flipped(inner))))
    elif how == "keys_swapped":  # another genuine message's keys around this inner message
        other, _ = ref_pre_key(draw(st.sampled_from(inbound.genuine))[0])
        mix = [draw(st.sampled_from([triple[i], other[i]])) for i in range(3)]
        raw = encode_pre_key((mix[0], mix[1], mix[2]), inner)
    elif how == "random":
        raw = draw(message_bytes)
    elif how == "normal":
        return how, AnyOlmMessage(1, inner), identity
    if draw(st.booleans()):
        parsed, exc = attempt(PreKeyMessage.from_bytes, raw)
        if exc is None:
            return how, parsed, identity
    return how, RawOlm(0, raw), identity


def x25519_same(parsed: tuple[tuple[bytes, bytes, bytes], bytes]) -> object:
    """A pre-key message's (keys, inner) with bit 255 of the base key cleared.

    X25519 ignores that bit (RFC 7748), so a message whose base key differs from a genuine
    one only there agrees on every shared secret and makes the genuine session (under
    another session id, which hashes the key bytes as sent) -- in libolm and vodozemac too.
    """
    (otk, base, identity), inner = parsed
    return (otk, base[:31] + bytes([base[31] & 0x7F]), identity), inner


@dataclass(frozen=True)
class RawOlm:
    """A (type, body) pair not parsed yet: ``AnyOlmMessage`` parses in its constructor, so a
    malformed body must be wrapped inside the call under test."""

    message_type: int
    body: bytes

    def to_bytes(self) -> bytes:
        return self.body


def inbound_session_from(bob: Account, identity: object, message: object) -> object:
    """``create_inbound_session``, building the AnyOlmMessage of a RawOlm first."""
    if isinstance(message, RawOlm):
        message = AnyOlmMessage(message.message_type, message.body)
    return bob.create_inbound_session(identity, message)  # type: ignore[arg-type]


@SETTINGS
@given(st.data())
def test_create_inbound_session_hostile(backend: ModuleType, data: st.DataObject) -> None:
    """create_inbound_session raises only OlmpyErrors, consumes a one-time key only when it
    returns a session, and returns only the genuine plaintext of a genuine pre-key message."""
    inbound = make_inbound()
    bob = inbound.bob
    plaintexts = {x25519_same(ref_pre_key(raw)): (pt, sender)
                  for raw, pt, sender in inbound.genuine}
    for _ in range(data.draw(st.integers(1, 4), label="steps")):
        how, message, identity = data.draw(hostile_pre_key(inbound), label="message")
        identity_arg = data.draw(st.sampled_from(
            [identity, Curve25519PublicKey(identity), _b64.encode(identity)]))
        before = account_state(bob)
        raw = message.to_bytes()
        parsed = ref_or_none(ref_pre_key, raw) if not (
            isinstance(message, AnyOlmMessage) and message.message_type == 1) else None
        genuine = plaintexts.get(x25519_same(parsed)) if parsed is not None else None
        result, exc = attempt(inbound_session_from, bob, identity_arg, message)
        event(f"{how}: {'session' if exc is None else type(exc).__name__}")
        if exc is not None:
            assert account_state(bob) == before, f"a failure ({exc!r}) changed the account"
            assert "expected" in str(exc), repr(exc)
            if how == "normal":
                assert isinstance(exc, UsageError)
            elif parsed is None:
                assert isinstance(exc, DecodeError), repr(exc)
            else:
                assert isinstance(exc, (DecryptionError, KeyDecodeError)), repr(exc)
            if genuine is not None and genuine[1] == identity:
                # A genuine message from its real sender fails only for a used-up key.
                assert isinstance(exc, UnknownOneTimeKeyError), repr(exc)
                otk = parsed[0][0]
                assert otk in inbound.used or (otk not in inbound.one_time
                                               and otk != inbound.fallback)
            continue
        session, plaintext = result
        assert genuine is not None, "a forged pre-key message made a session"
        assert plaintext == genuine[0] and identity == genuine[1]
        (otk, base, sender), _ = parsed
        assert session.session_id == _b64.encode(hashlib.sha256(sender + base + otk).digest())
        assert session.has_received_message
        after = account_state(bob)
        if otk == inbound.fallback:
            assert after == before, "a fallback-key session changed the account"
        else:
            assert otk in inbound.one_time and otk not in inbound.used
            inbound.used.add(otk)
            key_id = inbound.one_time[otk]
            assert after[0] == [k for k in before[0] if k[0] != key_id]
            assert after[2:] == before[2:]


# --- misuse -------------------------------------------------------------------------------------


def _session_pair() -> tuple[Account, Session, Session, AnyOlmMessage]:
    alice, bob = Account(), Account()
    bob.generate_one_time_keys(1)
    out = alice.create_outbound_session(bob.curve25519_key, next(iter(bob.one_time_keys.values())))
    first = out.encrypt(b"x")
    inbound, _ = bob.create_inbound_session(alice.curve25519_key, first)
    return bob, out, inbound, first


def _fresh(kind: str) -> Any:
    bob, out, inbound, first = _session_pair()
    return {"account": bob, "outbound": out, "inbound": inbound, "first": first}[kind]


PRE = PRE_KEYS[0]
NORMAL = NORMALS[0]
KEY = KEYS[1]

MISUSE: dict[str, Callable[[], Any]] = {
    "from_parts(type 2)": lambda: AnyOlmMessage.from_parts(2, NORMAL),
    "from_parts(type -1)": lambda: AnyOlmMessage.from_parts(-1, NORMAL),
    "from_parts(type '0')": lambda: AnyOlmMessage.from_parts("0", PRE),  # type: ignore[arg-type]
    "from_parts(type '1')": lambda: AnyOlmMessage.from_parts("1", NORMAL),  # type: ignore[arg-type]
    "from_parts(type None)": lambda: AnyOlmMessage.from_parts(None, NORMAL),  # type: ignore[arg-type]
    "from_parts(type True)": lambda: AnyOlmMessage.from_parts(True, NORMAL),
    "from_parts(type 1.0)": lambda: AnyOlmMessage.from_parts(1.0, NORMAL),  # type: ignore[arg-type]
    "from_parts(body int)": lambda: AnyOlmMessage.from_parts(1, 3),  # type: ignore[arg-type]
    "from_parts(body None)": lambda: AnyOlmMessage.from_parts(0, None),  # type: ignore[arg-type]
    "from_parts(body list)": lambda: AnyOlmMessage.from_parts(1, [3]),  # type: ignore[arg-type]
    "AnyOlmMessage(2, body)": lambda: AnyOlmMessage(2, NORMAL),
    "AnyOlmMessage('0', body)": lambda: AnyOlmMessage("0", PRE),  # type: ignore[arg-type]
    "Message.from_bytes(int)": lambda: Message.from_bytes(3),  # type: ignore[arg-type]
    "Message.from_bytes(None)": lambda: Message.from_bytes(None),  # type: ignore[arg-type]
    "Message.from_base64(int)": lambda: Message.from_base64(3),  # type: ignore[arg-type]
    "PreKeyMessage.from_bytes(int)": lambda: PreKeyMessage.from_bytes(3),  # type: ignore[arg-type]
    "PreKeyMessage.from_base64(None)": lambda: PreKeyMessage.from_base64(
        None),  # type: ignore[arg-type]
    "Curve25519PublicKey.from_bytes(str)": lambda: Curve25519PublicKey.from_bytes(
        _b64.encode(KEY)),  # type: ignore[arg-type]
    "Curve25519PublicKey.from_bytes(int)": lambda: Curve25519PublicKey.from_bytes(
        3),  # type: ignore[arg-type]
    "Curve25519PublicKey.from_base64(None)": lambda: Curve25519PublicKey.from_base64(
        None),  # type: ignore[arg-type]
    "decrypt(bytes)": lambda: _fresh("inbound").decrypt(NORMAL),
    "decrypt(str)": lambda: _fresh("inbound").decrypt(_b64.encode(NORMAL)),
    "decrypt(Message)": lambda: _fresh("inbound").decrypt(Message.from_bytes(NORMAL)),
    "decrypt(PreKeyMessage)": lambda: _fresh("inbound").decrypt(PreKeyMessage.from_bytes(PRE)),
    "decrypt(None)": lambda: _fresh("outbound").decrypt(None),
    "decrypt((type, body))": lambda: _fresh("outbound").decrypt((1, NORMAL)),
    "encrypt(int)": lambda: _fresh("outbound").encrypt(3),
    "encrypt(None)": lambda: _fresh("inbound").encrypt(None),
    "encrypt(list)": lambda: _fresh("inbound").encrypt([104, 105]),
    "encrypt(AnyOlmMessage)": lambda: _fresh("inbound").encrypt(AnyOlmMessage(1, NORMAL)),
    "session_matches(bytes)": lambda: _fresh("inbound").session_matches(PRE),
    "session_matches(str)": lambda: _fresh("inbound").session_matches(_b64.encode(PRE)),
    "Session()": lambda: Session(),
    "create_outbound_session(int key)": lambda: Account().create_outbound_session(
        3, KEY),  # type: ignore[arg-type]
    "create_outbound_session(None otk)": lambda: Account().create_outbound_session(
        KEY, None),  # type: ignore[arg-type]
    "create_outbound_session(list otk)": lambda: Account().create_outbound_session(
        KEY, list(KEY)),  # type: ignore[arg-type]
    "create_inbound_session(bytes)": lambda: _fresh("account").create_inbound_session(
        KEY, PRE),  # type: ignore[arg-type]
    "create_inbound_session(str)": lambda: _fresh("account").create_inbound_session(
        KEY, _b64.encode(PRE)),  # type: ignore[arg-type]
    "create_inbound_session(normal message)": lambda: _fresh("account").create_inbound_session(
        KEY, AnyOlmMessage(1, NORMAL)),
    "create_inbound_session(Message)": lambda: _fresh("account").create_inbound_session(
        KEY, Message.from_bytes(NORMAL)),  # type: ignore[arg-type]
    "create_inbound_session(None identity)": lambda: _fresh("account").create_inbound_session(
        None, AnyOlmMessage(0, PRE)),  # type: ignore[arg-type]
    "generate_one_time_keys(-1)": lambda: Account().generate_one_time_keys(-1),
    "generate_one_time_keys('3')": lambda: Account().generate_one_time_keys(
        "3"),  # type: ignore[arg-type]
    "generate_one_time_keys(1.0)": lambda: Account().generate_one_time_keys(
        1.0),  # type: ignore[arg-type]
    "testing.account_from_parts(short seed)": lambda: testing.account_from_parts(
        bytes(31), bytes(32)),
    "testing.account_from_parts(str secret)": lambda: testing.account_from_parts(
        bytes(32), "x" * 32),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("case", sorted(MISUSE))
def test_misuse_is_usage_error(backend: ModuleType, case: str) -> None:
    """Wrong argument types and values raise UsageError saying what was expected."""
    with pytest.raises(OlmpyError) as info:
        MISUSE[case]()
    assert isinstance(info.value, UsageError), f"{case} raised {info.value!r}"
    assert "expected" in str(info.value)


WRONG_LENGTH_KEYS = {
    "31 bytes": bytes(range(31)),
    "33 bytes": bytes(range(33)),
    "0 bytes": b"",
    "64 bytes": bytes(range(64)),
    "base64 of 31 bytes": _b64.encode(bytes(range(31))),
    "base64 of 33 bytes": _b64.encode(bytes(range(33))),
    "padded base64 of 16 bytes": base64.b64encode(bytes(16)).decode(),
}


@pytest.mark.parametrize("position", ["identity", "one-time"])
@pytest.mark.parametrize("case", sorted(WRONG_LENGTH_KEYS))
def test_wrong_length_keys_are_key_decode_errors(backend: ModuleType, case: str,
                                                 position: str) -> None:
    """A wrong-length key given as bytes or base64 is a KeyDecodeError saying what was expected,
    and creating the session draws no randomness."""
    drawn: list[int] = []
    account = testing.account_from_parts(bytes(32), bytes(range(32)),
                                         rng=lambda n: drawn.append(n) or bytes(n))  # type: ignore[func-returns-value]
    bad, good = WRONG_LENGTH_KEYS[case], Curve25519PublicKey(KEY)
    args = (bad, good) if position == "identity" else (good, bad)
    with pytest.raises(KeyDecodeError, match="expected"):
        account.create_outbound_session(*args)
    assert drawn == []
    with pytest.raises(KeyDecodeError, match="expected"):
        det_account("kde").create_inbound_session(bad, AnyOlmMessage(0, PRE))


# --- bounded memory ----------------------------------------------------------------------------


PEAK: dict[str, int] = {}


def check_bounds(*sessions: Session) -> None:
    for session in sessions:
        assert len(session._skipped) <= 40, session.describe()
        assert len(session._receivers) <= 5, session.describe()
        PEAK["skipped"] = max(PEAK.get("skipped", 0), len(session._skipped))
        PEAK["receivers"] = max(PEAK.get("receivers", 0), len(session._receivers))


@FEW
@given(st.data())
def test_memory_bounded_under_adversarial_input(backend: ModuleType,
                                                data: st.DataObject) -> None:
    """However many forged and out-of-order genuine messages arrive, a session holds at most 40
    skipped keys and 5 receiver chains, and forgeries never decrypt."""
    PEAK.clear()
    alice, bob = det_account("memory alice"), det_account("memory bob")
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(bob.curve25519_key, next(iter(bob.one_time_keys.values())))
    first = a.encrypt(b"hello")
    b, _ = bob.create_inbound_session(alice.curve25519_key, first)
    sent: dict[bytes, bytes] = {}  # inner message -> plaintext, everything Alice sent
    held: list[AnyOlmMessage] = []
    ratchet_keys: list[bytes] = []

    def forge(count: int) -> None:
        for _ in range(count):
            key = data.draw(st.one_of(st.binary(min_size=32, max_size=32),
                                      st.sampled_from(ratchet_keys or LOW_ORDER)))
            index = data.draw(st.one_of(st.integers(0, 2000), st.integers(0, 60)))
            body = encode_normal(key, index, data.draw(st.binary(max_size=32)),
                                 data.draw(st.binary(min_size=MAC_LEN, max_size=MAC_LEN)))
            kind = data.draw(st.sampled_from([0, 1]))
            if kind == 0:
                body = encode_pre_key(b._pre_key[::-1], body)
            before = state(b)
            _, exc = attempt(decrypt_parts, b, kind, body)
            assert exc is not None, "a forged message decrypted"
            assert state(b) == before
            check_bounds(a, b)

    turns = data.draw(st.integers(6, 9), label="turns")
    for turn in range(turns):
        count = data.draw(st.integers(3, 25), label="messages this turn")
        batch = [a.encrypt(f"{turn}/{i}".encode()) for i in range(count)]
        for i, message in enumerate(batch):
            sent[ref_inner(*message.to_parts())[1]] = f"{turn}/{i}".encode()
        ratchet_keys.append(ref_normal(ref_inner(*batch[0].to_parts())[1])[0])
        order = data.draw(st.permutations(range(count)), label="order")
        now = data.draw(st.integers(1, count), label="delivered now")
        for i in order[:now]:
            assert b.decrypt(batch[i]) == f"{turn}/{i}".encode()
            check_bounds(a, b)
            forge(data.draw(st.integers(0, 2)))
        held += [batch[i] for i in order[now:]]
        assert a.decrypt(b.encrypt(f"ack {turn}".encode())) == f"ack {turn}".encode()
        check_bounds(a, b)
    forge(data.draw(st.integers(3, 10), label="forgeries"))
    shuffled = data.draw(st.permutations(held), label="late order")
    for message in shuffled:
        before = state(b)
        plaintext, exc = attempt(b.decrypt, message)
        if exc is None:
            assert plaintext == sent[ref_inner(*message.to_parts())[1]]
        else:
            assert state(b) == before
        check_bounds(a, b)
    assert b.decrypt(a.encrypt(b"still working")) == b"still working"
    assert a.decrypt(b.encrypt(b"both ways")) == b"both ways"
    check_bounds(a, b)
    event(f"limits reached: skipped keys {PEAK['skipped'] == 40}, "
          f"receiver chains {PEAK['receivers'] == 5}")


def test_huge_or_odd_counts_are_usage_errors() -> None:
    """A one-time key count beyond 10,000 (or not an int) is refused before any allocation,
    and error messages never try to print a huge integer."""
    account = Account()
    for count in (10_001, 10**5000, -1, 1.5, "3"):
        with pytest.raises(UsageError, match="one-time key count"):
            account.generate_one_time_keys(count)  # type: ignore[arg-type]
    assert account.one_time_keys == {}
    with pytest.raises(UsageError, match="beyond 64 bits"):
        testing.group_session_from_parts(bytes(128), 10**5000, bytes(32))

"""Every decoder survives hostile input, on both backends.

For each entry point that takes bytes or text from a peer or a store, random
input and damaged copies of valid input (bit flips, truncation, extension,
byte insertion and deletion, splices of two valid values) must give either
the correct result or an ``OlmpyError`` subclass, never another exception.
Authenticated decoders (signed session keys, message decryption) must never
accept bytes other than the ones that were sent, and a failed decrypt must
leave the session exactly as it was.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as _event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

import olmpy
from olmpy import (
    DecodeError,
    DecryptionError,
    Ed25519PublicKey,
    Ed25519Signature,
    ExportedSessionKey,
    GroupSession,
    InboundGroupSession,
    MegolmMessage,
    OlmpyError,
    SessionKey,
    UnknownMessageIndexError,
    UsageError,
    _b64,
)

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
FEW = settings(SETTINGS, max_examples=75)
MORE = settings(SETTINGS, max_examples=250)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

# --- a corpus of valid inputs (plain bytes, so it serves both backends) ----------------

FIRST_INDEX = 0xFE  # messages straddle the 0xFF -> 0x100 ratchet boundary
PLAINTEXTS = [b"", b"hello", b"x" * 15, b"y" * 16, "\u00e9t\u00e9 \U0001f510".encode()]


def _corpus(ratchet: bytes, seed: bytes, counter: int) -> tuple[bytes, bytes, list[bytes]]:
    sender = GroupSession.from_parts(ratchet, counter, seed)
    signed = sender.session_key.to_bytes()
    exported = bytes([1]) + signed[1:165]
    messages = [sender.encrypt(pt).to_bytes() for pt in PLAINTEXTS]
    return signed, exported, messages


SIGNED, EXPORTED, MESSAGES = _corpus(bytes(range(128)), bytes(range(100, 132)), FIRST_INDEX)
OTHER_SIGNED, OTHER_EXPORTED, OTHER_MESSAGES = _corpus(
    bytes(range(128, 256)), bytes(range(200, 232)), 7)
MESSAGE_INDEX = {m: FIRST_INDEX + i for i, m in enumerate(MESSAGES)}
PLAINTEXT_OF = dict(zip(MESSAGES, PLAINTEXTS, strict=True))
PUBLIC = SIGNED[133:165]
SIGNATURE = MESSAGES[0][-64:]

ALL_VALID = (SIGNED, EXPORTED, *MESSAGES, OTHER_SIGNED, OTHER_EXPORTED, *OTHER_MESSAGES)


# --- mutation strategies ------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, data: bytes, others: tuple[bytes, ...] = ALL_VALID) -> bytes:
    """``data`` after one to three edits: bit flip, truncation, extension, insertion,
    deletion, overwrite, or a splice with another valid value."""
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
            i = draw(st.integers(0, len(out)))
            out[i:i] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and out:
            i = draw(st.integers(0, len(out) - 1))
            del out[i : i + draw(st.integers(1, 4))]
        elif kind == "set" and out:
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        elif kind == "splice":
            other = draw(st.sampled_from(others))
            out = out[: draw(st.integers(0, len(out)))] + other[draw(st.integers(0, len(other))):]
    return bytes(out)


def bit_flipped(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with exactly one bit flipped (parses more often than other damage)."""
    return st.tuples(st.integers(0, len(data) - 1), st.integers(0, 7)).map(
        lambda p: data[: p[0]] + bytes([data[p[0]] ^ 1 << p[1]]) + data[p[0] + 1 :])


odd_chars = st.one_of(st.sampled_from(ALPHABET + "=-_ \n\t.*\x00"), st.characters())


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to three character edits (replace, insert, delete, cut, pad, extend)."""
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


def b64_forms(data: bytes) -> st.SearchStrategy[str]:
    """Text versions of ``data`` and of damaged copies: damaged bytes, or damaged base64."""
    text = _b64.encode(data)
    return st.one_of(
        st.just(text),
        st.just(base64.b64encode(data).decode()),
        mutated(data).map(_b64.encode),
        mutated_text(text),
    )


any_text = st.one_of(st.text(max_size=80), st.text(alphabet=ALPHABET + "=", max_size=400))


# --- helpers ------------------------------------------------------------------------------------


def event(label: str) -> None:
    """Records an outcome for --hypothesis-show-statistics (ignored outside hypothesis)."""
    if currently_in_test_context():
        _event(label)


def attempt(fn: Callable[..., Any], *args: Any) -> tuple[Any, OlmpyError | None]:
    """Calls ``fn``; returns (result, None) or (None, the OlmpyError). Anything else escapes."""
    try:
        return fn(*args), None
    except OlmpyError as exc:
        return None, exc


def decoded(text: str) -> bytes | None:
    try:
        return _b64.decode(text, "test")
    except DecodeError:
        return None


_P = 2**255 - 19
_D = -121665 * pow(121666, -1, _P) % _P


def is_curve_point(encoding: bytes) -> bool:
    """Independent oracle: whether 32 bytes decompress to an Ed25519 point, i.e. whether
    (y^2 - 1) / (d y^2 + 1) is a square mod p (Euler's criterion; y read as the peers read
    it, the top bit being x's sign and a non-canonical y reduced)."""
    y = (int.from_bytes(encoding, "little") & (2**255 - 1)) % _P
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    return pow(u * v % _P, (_P - 1) // 2, _P) != _P - 1


def assert_names_expectation(exc: OlmpyError) -> None:
    """Decode and usage errors say what was expected."""
    if isinstance(exc, (DecodeError, UsageError, UnknownMessageIndexError)):
        assert "expected" in str(exc), repr(exc)


# --- base64 ------------------------------------------------------------------------------------


@SETTINGS
@given(st.one_of(any_text, st.binary(max_size=80)))
def test_b64_decode_arbitrary(backend: ModuleType, text: str | bytes) -> None:
    """Arbitrary text decodes to the bytes standard base64 gives, or raises Base64Error."""
    result, exc = attempt(_b64.decode, text, "test value")
    if exc is not None:
        assert isinstance(exc, olmpy.Base64Error)
        assert "test value" in str(exc)
        assert_names_expectation(exc)
        return
    as_str = text if isinstance(text, str) else text.decode("ascii")
    assert _b64.encode(result) == as_str.rstrip("=")
    assert base64.b64decode(as_str + "=" * (-len(as_str) % 4), validate=True) == result


@SETTINGS
@given(st.sampled_from(ALL_VALID).flatmap(b64_forms))
def test_b64_decode_mutated(backend: ModuleType, text: str) -> None:
    """Damaged base64 decodes to the unique bytes it spells, or raises Base64Error."""
    result, exc = attempt(_b64.decode, text, "value")
    if exc is not None:
        assert isinstance(exc, olmpy.Base64Error)
        assert_names_expectation(exc)
    else:
        assert _b64.encode(result) == text.rstrip("=")


@SETTINGS
@given(st.binary(max_size=300))
def test_b64_roundtrip(backend: ModuleType, data: bytes) -> None:
    """Unpadded and padded encodings both decode back to the original bytes."""
    assert _b64.decode(_b64.encode(data), "v") == data
    assert _b64.decode(base64.b64encode(data).decode(), "v") == data
    assert _b64.decode(base64.b64encode(data), "v") == data


# --- Megolm messages -----------------------------------------------------------------------


message_bytes = st.one_of(
    st.binary(max_size=200),
    st.binary(max_size=150).map(lambda b: b"\x03" + b),
    st.sampled_from(MESSAGES + OTHER_MESSAGES).flatmap(mutated),
)


def _check_parsed(backend: ModuleType, msg: MegolmMessage, raw: bytes) -> None:
    assert msg.to_bytes() == raw
    assert msg.message_index() == backend.megolm_parse(raw)[0]
    assert msg.signature().to_bytes() == raw[-64:]
    assert MegolmMessage.from_base64(msg.to_base64()) == msg


@SETTINGS
@given(message_bytes)
def test_megolm_message_from_bytes(backend: ModuleType, raw: bytes) -> None:
    """Any bytes parse to a message that keeps them verbatim, or raise a DecodeError."""
    msg, exc = attempt(MegolmMessage.from_bytes, raw)
    event("parsed" if exc is None else type(exc).__name__)
    if exc is not None:
        assert isinstance(exc, DecodeError)
        assert_names_expectation(exc)
    else:
        _check_parsed(backend, msg, raw)
    if raw in MESSAGE_INDEX:
        assert msg is not None and msg.message_index() == MESSAGE_INDEX[raw]


@SETTINGS
@given(st.one_of(any_text, st.sampled_from(MESSAGES + OTHER_MESSAGES).flatmap(b64_forms)))
def test_megolm_message_from_base64(backend: ModuleType, text: str) -> None:
    """Any text parses to the message its base64 spells, or raises a DecodeError."""
    msg, exc = attempt(MegolmMessage.from_base64, text)
    if exc is not None:
        assert isinstance(exc, DecodeError)
        assert_names_expectation(exc)
    else:
        raw = decoded(text)
        assert raw is not None
        _check_parsed(backend, msg, raw)


# --- session keys ----------------------------------------------------------------------------


def key_inputs(valid: tuple[bytes, ...]) -> st.SearchStrategy[str | bytes]:
    return st.one_of(
        any_text,
        st.binary(max_size=300),
        st.binary(max_size=240).map(lambda b: bytes([valid[0][0]]) + b),
        st.sampled_from(valid),
        st.sampled_from(valid).flatmap(mutated),
        st.sampled_from(valid).flatmap(bit_flipped),
        st.sampled_from(valid).flatmap(b64_forms),
    )


def as_raw(value: str | bytes) -> bytes | None:
    return decoded(value) if isinstance(value, str) else value


SIGNED_CONSTRUCTORS = {
    "SessionKey": lambda v: SessionKey(v),
    "from_base64": lambda v: SessionKey.from_base64(v),
    "from_bytes": lambda v: SessionKey.from_bytes(v),
}


@SETTINGS
@given(st.sampled_from(sorted(SIGNED_CONSTRUCTORS)), key_inputs((SIGNED, OTHER_SIGNED)))
def test_session_key_decoding(backend: ModuleType, how: str, value: str | bytes) -> None:
    """A signed session key is accepted only if it is byte-for-byte a genuine one;
    anything else raises a DecodeError or, for a bad signature, a DecryptionError."""
    if (how == "from_base64") != isinstance(value, str):
        value = _b64.encode(value) if isinstance(value, bytes) else value.encode("utf-8")
    key, exc = attempt(SIGNED_CONSTRUCTORS[how], value)
    event("accepted" if exc is None else type(exc).__name__)
    raw = as_raw(value)
    if exc is not None:
        assert isinstance(exc, (DecodeError, olmpy.SignatureError)), repr(exc)
        assert_names_expectation(exc)
        assert raw not in (SIGNED, OTHER_SIGNED)
    else:
        assert raw in (SIGNED, OTHER_SIGNED)
        assert key.to_bytes() == raw
        assert key.message_index == int.from_bytes(raw[1:5], "big")
        assert key.session_id == _b64.encode(raw[133:165])


EXPORT_CONSTRUCTORS = {
    "ExportedSessionKey": lambda v: ExportedSessionKey(v),
    "from_base64": lambda v: ExportedSessionKey.from_base64(v),
    "from_bytes": lambda v: ExportedSessionKey.from_bytes(v),
}


@SETTINGS
@given(st.sampled_from(sorted(EXPORT_CONSTRUCTORS)), key_inputs((EXPORTED, OTHER_EXPORTED)))
def test_exported_session_key_decoding(backend: ModuleType, how: str,
                                       value: str | bytes) -> None:
    """An exported key is accepted exactly when it is 165 bytes starting with 0x01 and its
    Ed25519 key is a curve point (it is unauthenticated) and then keeps its bytes; anything
    else raises a DecodeError."""
    if (how == "from_base64") != isinstance(value, str):
        value = _b64.encode(value) if isinstance(value, bytes) else value.encode("utf-8")
    key, exc = attempt(EXPORT_CONSTRUCTORS[how], value)
    event("accepted" if exc is None else type(exc).__name__)
    raw = as_raw(value)
    well_formed = (
        raw is not None and len(raw) == 165 and raw[0] == 1 and is_curve_point(raw[133:165])
    )
    if exc is not None:
        assert isinstance(exc, DecodeError), repr(exc)
        assert_names_expectation(exc)
        assert not well_formed
    else:
        assert well_formed
        assert key.to_bytes() == raw
        assert key.message_index == int.from_bytes(raw[1:5], "big")


# --- inbound sessions from keys ------------------------------------------------------------------


def snapshot(session: InboundGroupSession) -> tuple[Any, ...]:
    """Everything observable about a session's state (including the latest ratchet)."""
    first = session.first_known_index
    exported = session.export_at(first)
    assert exported is not None
    return (first, exported.to_bytes(), session.created_from_signed_key,
            session._b.read_secret(session._latest), session.session_id)


@SETTINGS
@given(key_inputs((SIGNED, OTHER_SIGNED)).map(
    lambda v: v if isinstance(v, str) else _b64.encode(v)), st.booleans())
def test_inbound_session_from_signed_key(backend: ModuleType, text: str,
                                         parse_first: bool) -> None:
    """A session is created only from a genuine signed key, verified and at the key's index;
    anything else raises a DecodeError or a DecryptionError."""
    if parse_first:
        key, exc = attempt(SessionKey, text)
        session = None if key is None else InboundGroupSession(key)
    else:
        session, exc = attempt(InboundGroupSession, text)
    raw = decoded(text)
    if exc is not None:
        assert isinstance(exc, (DecodeError, DecryptionError)), repr(exc)
        assert_names_expectation(exc)
        assert raw not in (SIGNED, OTHER_SIGNED)
        return
    assert raw in (SIGNED, OTHER_SIGNED)
    assert session._b is backend
    assert session.created_from_signed_key
    assert session.first_known_index == int.from_bytes(raw[1:5], "big")
    assert session.export_at_first_known_index().to_bytes() == bytes([1]) + raw[1:165]


@SETTINGS
@given(key_inputs((EXPORTED, OTHER_EXPORTED)).map(
    lambda v: v if isinstance(v, str) else _b64.encode(v)), st.booleans())
def test_inbound_session_import(backend: ModuleType, text: str, parse_first: bool) -> None:
    """import_session accepts exactly the well-formed exports (a curve point for the key),
    unverified and re-exporting the same bytes; anything else raises a DecodeError."""
    if parse_first:
        key, exc = attempt(ExportedSessionKey, text)
        session = None if key is None else InboundGroupSession.import_session(key)
    else:
        session, exc = attempt(InboundGroupSession.import_session, text)
    raw = decoded(text)
    if exc is not None:
        assert isinstance(exc, DecodeError), repr(exc)
        assert_names_expectation(exc)
        assert raw is None or len(raw) != 165 or raw[0] != 1 or not is_curve_point(raw[133:165])
        return
    assert raw is not None and len(raw) == 165 and raw[0] == 1 and is_curve_point(raw[133:165])
    assert session._b is backend
    assert not session.created_from_signed_key
    assert session.first_known_index == int.from_bytes(raw[1:5], "big")
    assert session.session_id == _b64.encode(raw[133:165])
    assert session.export_at_first_known_index().to_bytes() == raw


# --- decryption ----------------------------------------------------------------------------------

SESSION_KINDS = ["signed", "imported", "imported_later", "advanced", "after_decrypt"]


def make_session(kind: str) -> InboundGroupSession:
    """A session for the main corpus in one of several states."""
    if kind == "signed":
        return InboundGroupSession(SessionKey.from_bytes(SIGNED))
    if kind == "imported":
        return InboundGroupSession.import_session(ExportedSessionKey.from_bytes(EXPORTED))
    full = InboundGroupSession(SessionKey.from_bytes(SIGNED))
    if kind == "imported_later":
        later = full.export_at(FIRST_INDEX + 2)
        assert later is not None
        return InboundGroupSession.import_session(later)
    if kind == "advanced":
        assert full.advance_to(FIRST_INDEX + 1)
        return full
    assert kind == "after_decrypt"
    full.decrypt(MegolmMessage.from_bytes(MESSAGES[3]))  # latest ratchet moves ahead
    return full


def decrypt_and_check(session: InboundGroupSession, message: MegolmMessage | str,
                      raw: bytes | None) -> None:
    """The decrypt invariants: only genuine, known messages decrypt (to their own plaintext);
    every failure is an OlmpyError and leaves the session exactly as it was."""
    before = snapshot(session)
    result, exc = attempt(session.decrypt, message)
    genuine = raw in PLAINTEXT_OF and MESSAGE_INDEX[raw] >= before[0]
    event("decrypted" if exc is None else type(exc).__name__)
    if exc is not None:
        assert isinstance(exc, (DecodeError, DecryptionError)), repr(exc)
        assert_names_expectation(exc)
        assert snapshot(session) == before
        assert not genuine, f"a genuine message failed: {exc!r}"
        if raw in PLAINTEXT_OF:
            assert isinstance(exc, UnknownMessageIndexError)
        return
    assert genuine, f"forged or unknown message decrypted: {raw!r}"
    assert result.plaintext == PLAINTEXT_OF[raw]
    assert result.message_index == MESSAGE_INDEX[raw]
    after = snapshot(session)
    assert after[:2] == before[:2] and after[4] == before[4]
    assert after[2] == before[2]  # a decrypt never changes created_from_signed_key
    latest_counter = int.from_bytes(after[3][128:], "big")
    assert latest_counter == max(int.from_bytes(before[3][128:], "big"), result.message_index)


@MORE
@given(st.sampled_from(SESSION_KINDS),
       st.sampled_from(MESSAGES + OTHER_MESSAGES).flatmap(
           lambda m: st.one_of(st.just(m), mutated(m), mutated(m), bit_flipped(m))))
def test_decrypt_mutated_bytes(backend: ModuleType, kind: str, raw: bytes) -> None:
    """A damaged message (flips, cuts, insertions, splices) never decrypts unless it is
    byte-for-byte a genuine message, and a failure leaves the session unchanged."""
    session = make_session(kind)
    msg, exc = attempt(MegolmMessage.from_bytes, raw)
    if exc is not None:
        assert isinstance(exc, DecodeError)
        return
    decrypt_and_check(session, msg, raw)


@MORE
@given(st.sampled_from(SESSION_KINDS),
       st.one_of(any_text, st.sampled_from(MESSAGES + OTHER_MESSAGES).flatmap(b64_forms)))
def test_decrypt_text(backend: ModuleType, kind: str, text: str) -> None:
    """Decrypting arbitrary or damaged base64 text yields the genuine plaintext or an
    OlmpyError, never another exception, and a failure changes nothing."""
    decrypt_and_check(make_session(kind), text, decoded(text))


@FEW
@given(st.sampled_from(SESSION_KINDS), st.binary(max_size=200))
def test_decrypt_arbitrary_bytes(backend: ModuleType, kind: str, raw: bytes) -> None:
    """Arbitrary bytes that happen to parse as a message never decrypt."""
    msg, _ = attempt(MegolmMessage.from_bytes, b"\x03" + raw)
    if msg is not None:
        decrypt_and_check(make_session(kind), msg, b"\x03" + raw)


@pytest.mark.parametrize("kind", SESSION_KINDS)
def test_decrypt_genuine_messages(backend: ModuleType, kind: str) -> None:
    """Genuine messages decrypt to what was sent in any order, or fail as unknown-index
    when they predate the session, and foreign messages fail their signature."""
    session = make_session(kind)
    for order in (range(len(MESSAGES)), reversed(range(len(MESSAGES)))):
        for i in order:
            decrypt_and_check(session, MegolmMessage.from_bytes(MESSAGES[i]), MESSAGES[i])
            decrypt_and_check(session, _b64.encode(MESSAGES[i]), MESSAGES[i])
    for other in OTHER_MESSAGES:
        before = snapshot(session)
        with pytest.raises(olmpy.SignatureError):
            session.decrypt(MegolmMessage.from_bytes(other))
        assert snapshot(session) == before


def test_decrypt_never_verifies(backend: ModuleType) -> None:
    """An imported session stays unverified after failed decrypts and after successful
    ones: only a signed session key verifies a session."""
    session = make_session("imported")
    for bad in (OTHER_MESSAGES[0], MESSAGES[0][:-1] + bytes([MESSAGES[0][-1] ^ 1])):
        with pytest.raises(DecryptionError):
            session.decrypt(MegolmMessage.from_bytes(bad))
        assert not session.created_from_signed_key
    for message, plaintext in zip(MESSAGES, PLAINTEXTS, strict=True):
        assert session.decrypt(MegolmMessage.from_bytes(message)).plaintext == plaintext
        assert not session.created_from_signed_key


def test_unknown_index_error(backend: ModuleType) -> None:
    """A message older than the session raises UnknownMessageIndexError naming the first
    known index."""
    session = make_session("imported_later")
    with pytest.raises(UnknownMessageIndexError, match="expected") as info:
        session.decrypt(MegolmMessage.from_bytes(MESSAGES[0]))
    assert str(FIRST_INDEX + 2) in str(info.value)


# --- Ed25519 keys and signatures ----------------------------------------------------------------


@SETTINGS
@given(st.sampled_from(["key", "signature"]),
       st.one_of(any_text, st.sampled_from([PUBLIC, SIGNATURE, bytes(32), bytes(64)]).flatmap(
           b64_forms)))
def test_ed25519_from_base64(backend: ModuleType, which: str, text: str) -> None:
    """Base64 of exactly 32 (key) or 64 (signature) bytes is accepted and kept verbatim;
    anything else raises a DecodeError."""
    cls, size = (Ed25519PublicKey, 32) if which == "key" else (Ed25519Signature, 64)
    value, exc = attempt(cls.from_base64, text)
    raw = decoded(text)
    if exc is not None:
        assert isinstance(exc, DecodeError)
        assert_names_expectation(exc)
        assert raw is None or len(raw) != size
    else:
        assert raw is not None and len(raw) == size
        assert value.to_bytes() == raw
        assert value.to_base64() == _b64.encode(raw)


@SETTINGS
@given(st.sampled_from(MESSAGES).flatmap(
    lambda m: st.tuples(st.one_of(st.just(m), mutated(m)), b64_forms(m[-64:]))))
def test_ed25519_verify_via_keys(backend: ModuleType, pair: tuple[bytes, str]) -> None:
    """A decoded signature verifies only over the exact bytes it signed; otherwise
    SignatureError (and decoding failures are DecodeError)."""
    message, sig_text = pair
    sig, exc = attempt(Ed25519Signature.from_base64, sig_text)
    if exc is not None:
        assert isinstance(exc, DecodeError)
        return
    key = Ed25519PublicKey.from_base64(_b64.encode(PUBLIC))
    _, exc = attempt(key.verify_signature, message[:-64], sig)
    genuine = message[:-64] + sig.to_bytes() in PLAINTEXT_OF
    if exc is not None:
        assert isinstance(exc, olmpy.SignatureError)
        assert not genuine
    else:
        assert genuine


# --- the error tree -----------------------------------------------------------------------------


def _session() -> InboundGroupSession:
    return make_session("signed")


MISUSE: dict[str, Callable[[], Any]] = {
    "export_at(-1)": lambda: _session().export_at(-1),
    "export_at(2**32)": lambda: _session().export_at(2**32),
    "export_at('1')": lambda: _session().export_at("1"),  # type: ignore[arg-type]
    "export_at(1.0)": lambda: _session().export_at(1.0),  # type: ignore[arg-type]
    "export_at(None)": lambda: _session().export_at(None),  # type: ignore[arg-type]
    "advance_to(-1)": lambda: _session().advance_to(-1),
    "advance_to(2**32)": lambda: _session().advance_to(2**32),
    "advance_to('300')": lambda: _session().advance_to("300"),  # type: ignore[arg-type]
    "decrypt(bytes)": lambda: _session().decrypt(MESSAGES[0]),  # type: ignore[arg-type]
    "decrypt(int)": lambda: _session().decrypt(3),  # type: ignore[arg-type]
    "InboundGroupSession(bytes)": lambda: InboundGroupSession(SIGNED),  # type: ignore[arg-type]
    "InboundGroupSession(int)": lambda: InboundGroupSession(3),  # type: ignore[arg-type]
    "InboundGroupSession(ExportedSessionKey)": lambda: InboundGroupSession(
        ExportedSessionKey.from_bytes(EXPORTED)),  # type: ignore[arg-type]
    "import_session(bytes)": lambda: InboundGroupSession.import_session(
        EXPORTED),  # type: ignore[arg-type]
    "import_session(SessionKey)": lambda: InboundGroupSession.import_session(
        SessionKey.from_bytes(SIGNED)),  # type: ignore[arg-type]
    "GroupSession.encrypt(int)": lambda: GroupSession().encrypt(3),  # type: ignore[arg-type]
    "GroupSession.from_parts(counter=-1)": lambda: GroupSession.from_parts(
        bytes(128), -1, bytes(32)),
    "GroupSession.from_parts(short ratchet)": lambda: GroupSession.from_parts(
        bytes(127), 0, bytes(32)),
    # Decoders handed something that is not text or bytes at all.
    "_b64.decode(int)": lambda: _b64.decode(3, "v"),  # type: ignore[arg-type]
    "MegolmMessage.from_bytes(int)": lambda: MegolmMessage.from_bytes(3),  # type: ignore[arg-type]
    "MegolmMessage.from_base64(int)": lambda: MegolmMessage.from_base64(
        3),  # type: ignore[arg-type]
    "SessionKey(int)": lambda: SessionKey(3),  # type: ignore[arg-type]
    "SessionKey.from_bytes(int)": lambda: SessionKey.from_bytes(3),  # type: ignore[arg-type]
    "ExportedSessionKey(int)": lambda: ExportedSessionKey(3),  # type: ignore[arg-type]
    "Ed25519PublicKey.from_base64(int)": lambda: Ed25519PublicKey.from_base64(
        3),  # type: ignore[arg-type]
    "Ed25519Signature.from_base64(None)": lambda: Ed25519Signature.from_base64(
        None),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("case", sorted(MISUSE))
def test_misuse_is_usage_error(backend: ModuleType, case: str) -> None:
    """Wrong argument types and out-of-range indices raise UsageError saying what was expected."""
    with pytest.raises(OlmpyError) as info:
        MISUSE[case]()
    assert isinstance(info.value, UsageError), f"{case} raised {info.value!r}"
    assert "expected" in str(info.value)


DECODE_FAILURES: dict[str, Callable[[], Any]] = {
    "bad base64 character": lambda: _b64.decode("AA*A", "v"),
    "bad base64 length": lambda: _b64.decode("AAAAA", "v"),
    "non-zero trailing bits": lambda: _b64.decode("AB", "v"),
    "empty message": lambda: MegolmMessage.from_bytes(b""),
    "message version": lambda: MegolmMessage.from_bytes(b"\x04" + MESSAGES[0][1:]),
    "short message": lambda: MegolmMessage.from_bytes(MESSAGES[0][:40]),
    "session key version": lambda: SessionKey.from_bytes(EXPORTED + bytes(64)),
    "session key length": lambda: SessionKey.from_bytes(SIGNED[:-1]),
    "export length": lambda: ExportedSessionKey.from_bytes(EXPORTED + b"\x00"),
    "export version": lambda: ExportedSessionKey.from_bytes(SIGNED[:165]),
    "key length": lambda: Ed25519PublicKey.from_base64(_b64.encode(bytes(31))),
    "signature length": lambda: Ed25519Signature.from_base64(_b64.encode(bytes(65))),
    "decrypt bad base64": lambda: _session().decrypt("not base64!"),
    "decrypt truncated": lambda: _session().decrypt(_b64.encode(MESSAGES[0][:50])),
}


@pytest.mark.parametrize("case", sorted(DECODE_FAILURES))
def test_decode_failures_are_decode_errors(backend: ModuleType, case: str) -> None:
    """Malformed input raises a DecodeError (not a DecryptionError) saying what was expected."""
    with pytest.raises(DecodeError, match="expected"):
        DECODE_FAILURES[case]()


def _flip(data: bytes, i: int) -> bytes:
    out = bytearray(data)
    out[i] ^= 1
    return bytes(out)


AUTH_FAILURES: dict[str, tuple[Callable[[], Any], type[DecryptionError]]] = {
    "session key signature": (lambda: SessionKey.from_bytes(_flip(SIGNED, 200)),
                              olmpy.SignatureError),
    "session key body": (lambda: SessionKey.from_bytes(_flip(SIGNED, 50)), olmpy.SignatureError),
    "message signature": (lambda: _session().decrypt(
        MegolmMessage.from_bytes(_flip(MESSAGES[1], len(MESSAGES[1]) - 1))),
        olmpy.SignatureError),
    "message ciphertext": (lambda: _session().decrypt(
        MegolmMessage.from_bytes(_flip(MESSAGES[1], 6))), olmpy.SignatureError),
    "foreign message": (lambda: _session().decrypt(
        MegolmMessage.from_bytes(OTHER_MESSAGES[0])), olmpy.SignatureError),
    "unknown index": (lambda: make_session("advanced").decrypt(
        MegolmMessage.from_bytes(MESSAGES[0])), UnknownMessageIndexError),
}


@pytest.mark.parametrize("case", sorted(AUTH_FAILURES))
def test_authentication_failures_are_decryption_errors(backend: ModuleType, case: str) -> None:
    """Input that parses but does not authenticate raises the matching DecryptionError."""
    fn, kind = AUTH_FAILURES[case]
    with pytest.raises(DecryptionError) as info:
        fn()
    assert isinstance(info.value, kind), repr(info.value)
    assert not isinstance(info.value, DecodeError)


def test_error_tree_shape() -> None:
    """Every public error is an OlmpyError in exactly one of the three branches."""
    branches = (DecodeError, DecryptionError, UsageError)
    for name in olmpy.__all__:
        obj = getattr(olmpy, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, OlmpyError), name
            if obj in (OlmpyError, *branches, olmpy.BackendError):
                continue
            assert sum(issubclass(obj, b) for b in branches) == 1, name

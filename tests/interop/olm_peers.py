"""Adapters that give olmpy, libolm (python-olm) and vodozemac one Olm interface.

The Olm interop tests talk to every library through ``Party`` (an account) and
``Conv`` (one side of a session).  Keys cross between libraries as base64
strings and messages as ``Wire`` pairs, ``(message type, base64 body)``, which
is exactly what an ``m.room.encrypted`` event carries for one recipient.

Two tools go beyond the libraries' public Python APIs:

* ``libolm_decrypt`` calls libolm's ``olm_decrypt`` directly, because
  python-olm's ``Session.decrypt`` returns the plaintext decoded as UTF-8 and so
  cannot hand back arbitrary bytes.
* ``forge_pre_key`` builds a structurally valid pre-key message around garbage
  ciphertext and MAC, to check that a one-time key is not consumed by a message
  that does not authenticate.

Failures are captured with ``failure``, which returns the library's error as
text; ``classify`` maps it onto a small shared vocabulary ("mac", "gap",
"missing-key", "unknown-one-time-key", ...) so that tests can assert that two
libraries refused a message for the same reason.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Protocol

import olm
import vodozemac
from _libolm import ffi, lib  # python-olm's cffi module for libolm

import olmpy

LIBS = ("olmpy", "libolm", "vodozemac")
PEERS = ("libolm", "vodozemac")

PRE_KEY = 0
NORMAL = 1

# (message type, unpadded base64 body), as carried in m.room.encrypted
Wire = tuple[int, str]


# --- base64 and protobuf-style encoding ----------------------------------------------------


def b64encode(data: bytes) -> str:
    """Unpadded standard base64, the form every Matrix library writes."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str | bytes) -> bytes:
    """Decodes padded or unpadded standard base64 strictly."""
    if isinstance(text, bytes):
        text = text.decode("ascii")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(tag: int, payload: bytes) -> bytes:
    return bytes([tag]) + _varint(len(payload)) + payload


def pre_key_fields(body: str) -> dict[str, bytes]:
    """Splits a base64 pre-key message into one_time_key, base_key, identity_key, message."""
    raw = b64decode(body)
    if raw[0] != 3:
        raise AssertionError(f"pre-key message version {raw[0]}")
    names = {0x0A: "one_time_key", 0x12: "base_key", 0x1A: "identity_key", 0x22: "message"}
    fields: dict[str, bytes] = {}
    pos = 1
    while pos < len(raw):
        tag = raw[pos]
        pos += 1
        length, shift = 0, 0
        while True:
            byte = raw[pos]
            pos += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        fields[names[tag]] = raw[pos : pos + length]
        pos += length
    return fields


def normal_fields(raw: bytes) -> tuple[bytes, int, bytes, bytes]:
    """(ratchet key, chain index, ciphertext, MAC) of a raw normal message."""
    if raw[0] != 3 or raw[1] != 0x0A or raw[2] != 32:
        raise AssertionError("unexpected normal message layout")
    ratchet_key = raw[3:35]
    assert raw[35] == 0x10
    pos, index, shift = 36, 0, 0
    while True:
        byte = raw[pos]
        pos += 1
        index |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    assert raw[pos] == 0x22
    pos += 1
    length, shift = 0, 0
    while True:
        byte = raw[pos]
        pos += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    ciphertext = raw[pos : pos + length]
    return ratchet_key, index, ciphertext, raw[pos + length :]


def forge_pre_key(
    one_time_key: bytes, base_key: bytes, identity_key: bytes, ratchet_key: bytes
) -> str:
    """A well-formed pre-key message whose inner message has garbage ciphertext and MAC."""
    inner = (
        b"\x03"
        + _field(0x0A, ratchet_key)
        + b"\x10\x00"
        + _field(0x22, bytes(range(32)))
        + b"\xa5" * 8
    )
    return b64encode(
        b"\x03"
        + _field(0x0A, one_time_key)
        + _field(0x12, base_key)
        + _field(0x1A, identity_key)
        + _field(0x22, inner)
    )


# --- errors -------------------------------------------------------------------------------


class LibolmError(Exception):
    """A libolm call failed; the message is libolm's error code (e.g. BAD_MESSAGE_MAC)."""


def failure(fn: Callable[[], object]) -> str:
    """Runs ``fn``, which must fail; returns "<ExceptionType>: <message>" for assertions."""
    try:
        fn()
    except Exception as e:  # the point is to capture any library's error type
        return f"{type(e).__name__}: {e}"
    raise AssertionError("expected the call to be rejected, but it succeeded")


def classify(error: str) -> str:
    """Maps a ``failure`` string from any library onto one shared reason.

    olmpy's typed errors, libolm's error codes and vodozemac's exception texts
    for the same cause all map to the same word.
    """
    text = error.lower()
    table = [
        # olmpy
        ("messagegaperror", "gap"),
        ("unknownmessageindexerror", "missing-key"),
        ("unknownonetimekeyerror", "unknown-one-time-key"),
        ("identitykeymismatcherror", "identity-mismatch"),
        ("macerror", "mac"),
        # libolm
        ("bad_message_key_id", "unknown-one-time-key"),
        ("bad_message_mac", "mac"),
        # vodozemac
        ("message gap was too big", "gap"),
        ("identity key doesn't match", "identity-mismatch"),
        ("used to establish the session couldn't be decrypted", "mac"),
        ("message key with the given key can't be created", "missing-key"),
        ("one-time key", "unknown-one-time-key"),
        ("invalid mac", "mac"),
        ("mac", "mac"),
    ]
    for needle, reason in table:
        if needle in text:
            return reason
    return "other"


def libolm_decrypt(session: olm.Session, message: Wire) -> bytes:
    """Decrypts through libolm's C API and returns the plaintext as raw bytes."""
    message_type, body = message
    data = body.encode("ascii")
    # libolm decodes base64 in place, so every call gets a fresh copy of the input
    buf = ffi.new("char[]", data)
    max_len = lib.olm_decrypt_max_plaintext_length(session._session, message_type, buf, len(data))
    _libolm_check(session, max_len)
    out = ffi.new("char[]", max(max_len, 1))
    buf = ffi.new("char[]", data)
    n = lib.olm_decrypt(session._session, message_type, buf, len(data), out, max_len)
    _libolm_check(session, n)
    return bytes(ffi.unpack(out, n))


def _libolm_check(session: olm.Session, ret: int) -> None:
    if ret == lib.olm_error():
        code = ffi.string(lib.olm_session_last_error(session._session)).decode()
        raise LibolmError(code)


def _libolm_call(fn: Callable[[], object]) -> object:
    try:
        return fn()
    except (olm.OlmSessionError, olm.OlmAccountError) as e:
        raise LibolmError(str(e)) from None


# --- one interface ------------------------------------------------------------------------


class Conv(Protocol):
    """One side of an Olm session, in any library."""

    lib: str

    @property
    def session_id(self) -> str: ...

    def encrypt(self, plaintext: bytes) -> Wire: ...

    def decrypt(self, message: Wire) -> bytes:
        """The plaintext bytes; raises the library's own error on failure."""
        ...

    def matches(self, message: Wire) -> bool:
        """Whether a pre-key message belongs to this session."""
        ...


class Party(Protocol):
    """An Olm account, in any library."""

    lib: str

    @property
    def identity_key(self) -> str:
        """The Curve25519 identity key, base64."""
        ...

    def one_time_keys(self) -> dict[str, str]:
        """Unpublished one-time keys: key id -> base64 public key."""
        ...

    def generate_one_time_keys(self, count: int) -> None: ...

    def mark_keys_as_published(self) -> None: ...

    def generate_fallback_key(self) -> None: ...

    def fallback_key(self) -> dict[str, str]:
        """The unpublished fallback key (at most one): key id -> base64 public key."""
        ...

    def outbound(self, identity_key: str, one_time_key: str) -> Conv: ...

    def inbound(self, identity_key: str, message: Wire) -> tuple[Conv, bytes]:
        """A session from a pre-key message, and that message's plaintext."""
        ...


# olmpy


class OlmpyConv:
    lib = "olmpy"

    def __init__(self, session: olmpy.Session) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return self.inner.session_id

    def encrypt(self, plaintext: bytes) -> Wire:
        message = self.inner.encrypt(plaintext)
        message_type, body = message.to_parts()
        assert message.message_type == message_type
        assert message.to_base64() == b64encode(body)
        return message_type, b64encode(body)

    def decrypt(self, message: Wire) -> bytes:
        return self.inner.decrypt(olmpy.AnyOlmMessage.from_parts(*message))

    def matches(self, message: Wire) -> bool:
        return self.inner.session_matches(olmpy.AnyOlmMessage.from_parts(*message))


class OlmpyParty:
    lib = "olmpy"

    def __init__(self, account: olmpy.Account | None = None) -> None:
        self.inner = account if account is not None else olmpy.Account()

    @property
    def identity_key(self) -> str:
        return self.inner.curve25519_key.to_base64()

    def one_time_keys(self) -> dict[str, str]:
        return {k: v.to_base64() for k, v in self.inner.one_time_keys.items()}

    def generate_one_time_keys(self, count: int) -> None:
        self.inner.generate_one_time_keys(count)

    def mark_keys_as_published(self) -> None:
        self.inner.mark_keys_as_published()

    def generate_fallback_key(self) -> None:
        self.inner.generate_fallback_key()

    def fallback_key(self) -> dict[str, str]:
        return {k: v.to_base64() for k, v in self.inner.fallback_key.items()}

    def outbound(self, identity_key: str, one_time_key: str) -> Conv:
        return OlmpyConv(
            self.inner.create_outbound_session(
                olmpy.Curve25519PublicKey.from_base64(identity_key),
                olmpy.Curve25519PublicKey.from_base64(one_time_key),
            )
        )

    def inbound(self, identity_key: str, message: Wire) -> tuple[Conv, bytes]:
        session, plaintext = self.inner.create_inbound_session(
            olmpy.Curve25519PublicKey.from_base64(identity_key),
            olmpy.AnyOlmMessage.from_parts(*message),
        )
        return OlmpyConv(session), bytes(plaintext)


# libolm (python-olm)


def _libolm_message(message: Wire) -> olm.OlmPreKeyMessage | olm.OlmMessage:
    message_type, body = message
    if message_type == PRE_KEY:
        return olm.OlmPreKeyMessage(body)
    if message_type == NORMAL:
        return olm.OlmMessage(body)
    raise ValueError(f"message type {message_type}")


class LibolmConv:
    lib = "libolm"

    def __init__(self, session: olm.Session) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return str(self.inner.id)

    def encrypt(self, plaintext: bytes) -> Wire:
        message = self.inner.encrypt(plaintext)
        return int(message.message_type), str(message.ciphertext)

    def decrypt(self, message: Wire) -> bytes:
        return libolm_decrypt(self.inner, message)

    def matches(self, message: Wire) -> bool:
        if message[0] != PRE_KEY:
            return False
        return bool(_libolm_call(lambda: self.inner.matches(_libolm_message(message))))


class LibolmParty:
    lib = "libolm"

    def __init__(self, account: olm.Account | None = None) -> None:
        self.inner = account if account is not None else olm.Account()

    @property
    def identity_key(self) -> str:
        return str(self.inner.identity_keys["curve25519"])

    def one_time_keys(self) -> dict[str, str]:
        return dict(self.inner.one_time_keys["curve25519"])

    def generate_one_time_keys(self, count: int) -> None:
        self.inner.generate_one_time_keys(count)

    def mark_keys_as_published(self) -> None:
        self.inner.mark_keys_as_published()

    def generate_fallback_key(self) -> None:
        self.inner.generate_fallback_key()

    def fallback_key(self) -> dict[str, str]:
        return dict(self.inner.fallback_key["curve25519"])

    def outbound(self, identity_key: str, one_time_key: str) -> Conv:
        return LibolmConv(olm.OutboundSession(self.inner, identity_key, one_time_key))

    def inbound(self, identity_key: str, message: Wire) -> tuple[Conv, bytes]:
        """As a client does it: create, decrypt, and only then remove the one-time key."""
        if message[0] != PRE_KEY:
            raise LibolmError("not a pre-key message")
        session = _libolm_call(
            lambda: olm.InboundSession(self.inner, _libolm_message(message), identity_key)
        )
        assert isinstance(session, olm.Session)
        plaintext = libolm_decrypt(session, message)
        # a fallback key is not a one-time key: libolm then reports BAD_MESSAGE_KEY_ID
        try:
            _libolm_call(lambda: self.inner.remove_one_time_keys(session))
        except LibolmError as e:
            if str(e) != "BAD_MESSAGE_KEY_ID":
                raise
        return LibolmConv(session), plaintext


# vodozemac


def _vodozemac_message(message: Wire) -> vodozemac.AnyOlmMessage:
    return vodozemac.AnyOlmMessage.from_parts(message[0], b64decode(message[1]))


class VodozemacConv:
    lib = "vodozemac"

    def __init__(self, session: vodozemac.Session) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return str(self.inner.session_id)

    def encrypt(self, plaintext: bytes) -> Wire:
        message_type, body = self.inner.encrypt(plaintext).to_parts()
        return int(message_type), b64encode(bytes(body))

    def decrypt(self, message: Wire) -> bytes:
        return bytes(self.inner.decrypt(_vodozemac_message(message)))

    def matches(self, message: Wire) -> bool:
        pre_key = _vodozemac_message(message).to_pre_key()
        return pre_key is not None and bool(self.inner.session_matches(pre_key))


class VodozemacParty:
    lib = "vodozemac"

    def __init__(self, account: vodozemac.Account | None = None) -> None:
        self.inner = account if account is not None else vodozemac.Account()

    @property
    def identity_key(self) -> str:
        return str(self.inner.curve25519_key.to_base64())

    def one_time_keys(self) -> dict[str, str]:
        return {str(k): str(v.to_base64()) for k, v in self.inner.one_time_keys.items()}

    def generate_one_time_keys(self, count: int) -> None:
        self.inner.generate_one_time_keys(count)

    def mark_keys_as_published(self) -> None:
        self.inner.mark_keys_as_published()

    def generate_fallback_key(self) -> None:
        self.inner.generate_fallback_key()

    def fallback_key(self) -> dict[str, str]:
        return {str(k): str(v.to_base64()) for k, v in self.inner.fallback_key.items()}

    def outbound(self, identity_key: str, one_time_key: str) -> Conv:
        return VodozemacConv(
            self.inner.create_outbound_session(
                vodozemac.Curve25519PublicKey.from_base64(identity_key),
                vodozemac.Curve25519PublicKey.from_base64(one_time_key),
            )
        )

    def inbound(self, identity_key: str, message: Wire) -> tuple[Conv, bytes]:
        pre_key = _vodozemac_message(message).to_pre_key()
        if pre_key is None:
            raise vodozemac.DecodeException("not a pre-key message")
        session, plaintext = self.inner.create_inbound_session(
            vodozemac.Curve25519PublicKey.from_base64(identity_key), pre_key
        )
        return VodozemacConv(session), bytes(plaintext)


# --- factories ----------------------------------------------------------------------------


def new_party(lib_name: str) -> Party:
    """A brand-new account made by the library's own constructor."""
    if lib_name == "olmpy":
        return OlmpyParty()
    if lib_name == "libolm":
        return LibolmParty()
    if lib_name == "vodozemac":
        return VodozemacParty()
    raise ValueError(lib_name)


def published_key(party: Party, *, fallback: bool = False) -> tuple[str, str]:
    """(key id, key) of a fresh one-time key, or of a fresh fallback key, then publishes it."""
    if fallback:
        party.generate_fallback_key()
        keys = party.fallback_key()
    else:
        party.generate_one_time_keys(1)
        keys = party.one_time_keys()
    assert len(keys) == 1, keys
    party.mark_keys_as_published()
    assert party.one_time_keys() == {} and party.fallback_key() == {}
    ((key_id, key),) = keys.items()
    return key_id, key


def establish(
    alice: Party, bob: Party, *, fallback: bool = False, first: bytes = b"hello"
) -> tuple[Conv, Conv]:
    """Alice opens a session to Bob with one of Bob's keys and Bob accepts it; (alice, bob)."""
    _, key = published_key(bob, fallback=fallback)
    a = alice.outbound(bob.identity_key, key)
    message = a.encrypt(first)
    assert message[0] == PRE_KEY
    b, plaintext = bob.inbound(alice.identity_key, message)
    assert plaintext == first
    return a, b

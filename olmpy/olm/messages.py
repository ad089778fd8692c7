"""Olm wire messages.

Normal (type 1): 0x03 | 0x0A 0x20 ratchet key | 0x10 varint chain index |
0x22 len ciphertext | MAC (8), the MAC covering everything before it.
Pre-key (type 0): 0x03 | 0x0A 0x20 one-time key | 0x12 0x20 base key |
0x1A 0x20 identity key | 0x22 len <a whole normal message>; no outer MAC.
Matrix carries a message as its type and its body in base64.
"""

from __future__ import annotations

from olmpy import _b64, _backend, _wire
from olmpy.errors import MessageDecodeError, UsageError, VersionError, expected, shown
from olmpy.keys import Curve25519PublicKey

PRE_KEY = 0
NORMAL = 1


def _as_bytes(body: bytes | str, what: str) -> bytes:
    if isinstance(body, str):
        return _b64.decode_public(body, what)
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise UsageError(f"{what}: " + expected("bytes or base64 str", type(body).__name__))


def _raw_bytes(body: object, what: str, base64_hint: str) -> bytes:
    """``body`` as bytes; a str (base64 text) is refused with a pointer to ``base64_hint``."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        raise UsageError(
            f"{what}: " + expected("the raw message bytes", "a str")
            + f" (for a base64 body use {base64_hint})"
        )
    raise UsageError(f"{what}: " + expected("bytes", type(body).__name__))


class Message:
    """A normal Olm message (type 1)."""

    __slots__ = ("_bytes", "chain_index", "ratchet_key")

    def __init__(self, body: bytes) -> None:
        body = _raw_bytes(body, "Olm message", "Message.from_base64")
        key, index, _, _ = _backend.impl.olm_parse(body)
        self._bytes = body
        self.ratchet_key: bytes = key
        self.chain_index: int = index

    @classmethod
    def from_base64(cls, body: str) -> Message:
        """Parses a base64 body."""
        return cls(_b64.decode_public(body, "Olm message"))

    @classmethod
    def from_bytes(cls, body: bytes) -> Message:
        """Parses raw message bytes."""
        return cls(body)

    def to_bytes(self) -> bytes:
        """The raw message bytes."""
        return self._bytes

    def to_base64(self) -> str:
        """Unpadded base64, as in m.room.encrypted."""
        return _b64.encode_public(self._bytes)

    def to_any(self) -> AnyOlmMessage:
        """This message as an AnyOlmMessage."""
        return AnyOlmMessage._of(self)

    def __repr__(self) -> str:
        return f"Message(chain_index={self.chain_index}, {len(self._bytes)} bytes)"


class PreKeyMessage:
    """A pre-key Olm message (type 0): the keys that start a session and its first message."""

    __slots__ = ("_bytes", "base_key", "identity_key", "message", "one_time_key")

    def __init__(self, body: bytes) -> None:
        body = _raw_bytes(body, "Olm pre-key message", "PreKeyMessage.from_base64")
        what = "Olm pre-key message"
        if not body:
            raise MessageDecodeError(f"{what}: " + expected("at least 1 byte", "0 bytes"))
        if body[0] != 0x03:
            raise VersionError(f"{what} version: " + expected("0x03", f"0x{body[0]:02x}"))
        fields = _wire.fields(body, len(body), what, (1, 2, 3, 4))
        keys = {}
        for field, name in ((1, "one-time key"), (2, "base key"), (3, "identity key")):
            entry = fields.get(field)
            if entry is None or entry[0] != 2 or entry[2] != 32:
                got = (
                    "none"
                    if entry is None
                    else (f"{entry[2]} bytes" if entry[0] == 2 else "a varint")
                )
                raise MessageDecodeError(f"{what} {name}: " + expected("32 bytes", got))
            keys[field] = body[entry[1] : entry[1] + 32]
        inner = fields.get(4)
        if inner is None or inner[0] != 2:
            raise MessageDecodeError(f"{what}: expected an inner message, got none")
        self._bytes = body
        self.one_time_key: bytes = keys[1]
        self.base_key: bytes = keys[2]
        self.identity_key: bytes = keys[3]
        self.message = Message(body[inner[1] : inner[1] + inner[2]])

    @classmethod
    def _build(
        cls, one_time_key: bytes, base_key: bytes, identity_key: bytes, inner: bytes
    ) -> bytes:
        return (
            b"\x03\x0a\x20"
            + one_time_key
            + b"\x12\x20"
            + base_key
            + b"\x1a\x20"
            + identity_key
            + b"\x22"
            + _wire.varint(len(inner))
            + inner
        )

    @classmethod
    def from_base64(cls, body: str) -> PreKeyMessage:
        """Parses a base64 body."""
        return cls(_b64.decode_public(body, "Olm pre-key message"))

    @classmethod
    def from_bytes(cls, body: bytes) -> PreKeyMessage:
        """Parses raw message bytes."""
        return cls(body)

    def to_bytes(self) -> bytes:
        """The raw message bytes."""
        return self._bytes

    def to_base64(self) -> str:
        """Unpadded base64, as in m.room.encrypted."""
        return _b64.encode_public(self._bytes)

    def to_any(self) -> AnyOlmMessage:
        """This message as an AnyOlmMessage."""
        return AnyOlmMessage._of(self)

    @property
    def identity_key_object(self) -> Curve25519PublicKey:
        """The sender's Curve25519 identity key as a key object (``identity_key`` holds its
        32 raw bytes), comparable with ``Account.curve25519_key`` and the keys of a
        verified device."""
        return Curve25519PublicKey(self.identity_key)

    @property
    def base_key_object(self) -> Curve25519PublicKey:
        """The sender's ephemeral base key as a key object (``base_key`` holds the bytes)."""
        return Curve25519PublicKey(self.base_key)

    @property
    def one_time_key_object(self) -> Curve25519PublicKey:
        """The recipient's one-time (or fallback) key as a key object (``one_time_key``
        holds the bytes), comparable with the values of ``Account.one_time_keys``."""
        return Curve25519PublicKey(self.one_time_key)

    def session_id(self) -> str:
        """The id of the session this message starts (as vodozemac's binding)."""
        from olmpy.hazmat import primitives

        ids = self.identity_key + self.base_key + self.one_time_key
        return _b64.encode_public(primitives.sha256(ids))

    def __repr__(self) -> str:
        return f"PreKeyMessage(session_id={self.session_id()}, {len(self._bytes)} bytes)"


class AnyOlmMessage:
    """An Olm message of either type, as Matrix carries it: (type, body)."""

    __slots__ = ("_body", "_parsed", "message_type")

    def __init__(self, message_type: int, body: bytes) -> None:
        """Checks the type (0 pre-key, 1 normal) and parses the raw ``body`` at once, so a
        malformed message raises a ``DecodeError`` here (as vodozemac's binding does), not
        later in ``Session.decrypt``.  A base64 body goes through ``from_base64``."""
        if type(message_type) is not int or message_type not in (PRE_KEY, NORMAL):
            raise UsageError("Olm message type: " + expected("0 or 1", shown(message_type)))
        raw = _raw_bytes(body, "Olm message", "AnyOlmMessage.from_base64")
        self.message_type: int = message_type
        self._body = raw
        self._parsed: PreKeyMessage | Message | None = (
            PreKeyMessage(raw) if message_type == PRE_KEY else Message(raw)
        )

    @classmethod
    def _own(cls, message_type: int, body: bytes) -> AnyOlmMessage:
        """Wraps a message olmpy's own ``Session.encrypt`` just wrote: it is well formed, so
        it is parsed only if someone asks for the parsed form."""
        self = cls.__new__(cls)
        self.message_type = message_type
        self._body = body
        self._parsed = None
        return self

    @classmethod
    def _of(cls, parsed: PreKeyMessage | Message) -> AnyOlmMessage:
        """Wraps an already parsed message (no second parse)."""
        self = cls.__new__(cls)
        self.message_type = PRE_KEY if isinstance(parsed, PreKeyMessage) else NORMAL
        self._body = parsed.to_bytes()
        self._parsed = parsed
        return self

    @classmethod
    def from_parts(cls, message_type: int, body: bytes | str) -> AnyOlmMessage:
        """From a type (0 pre-key, 1 normal) and a body (raw bytes, or base64 as in Matrix)."""
        if type(message_type) is not int or message_type not in (PRE_KEY, NORMAL):
            raise UsageError("Olm message type: " + expected("0 or 1", shown(message_type)))
        return cls(message_type, _as_bytes(body, "Olm message"))

    @classmethod
    def from_base64(cls, message_type: int, body: str) -> AnyOlmMessage:
        """From a type and a base64 body."""
        if not isinstance(body, str):
            raise UsageError("Olm message body: " + expected("base64 str", type(body).__name__))
        return cls.from_parts(message_type, body)

    @classmethod
    def pre_key(cls, body: bytes) -> AnyOlmMessage:
        """A pre-key message from raw bytes."""
        return cls.from_parts(PRE_KEY, body)

    @classmethod
    def normal(cls, body: bytes) -> AnyOlmMessage:
        """A normal message from raw bytes."""
        return cls.from_parts(NORMAL, body)

    def parsed(self) -> PreKeyMessage | Message:
        """The typed message (parsed when the object was made, or, for one this process
        encrypted, on first use)."""
        if self._parsed is None:
            raw = self._body
            self._parsed = PreKeyMessage(raw) if self.message_type == PRE_KEY else Message(raw)
        return self._parsed

    def to_pre_key(self) -> PreKeyMessage | None:
        """The pre-key message, or None for a normal one."""
        parsed = self.parsed()
        return parsed if isinstance(parsed, PreKeyMessage) else None

    def to_parts(self) -> tuple[int, bytes]:
        """(type, raw body bytes), as vodozemac's binding."""
        return self.message_type, self._body

    def to_bytes(self) -> bytes:
        """The raw body."""
        return self._body

    def to_base64(self) -> str:
        """The body in unpadded base64, as in m.room.encrypted's ``body``."""
        return _b64.encode_public(self._body)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, AnyOlmMessage)
            and other.message_type == self.message_type
            and other._body == self._body
        )

    def __hash__(self) -> int:
        return hash((self.message_type, self._body))

    def __repr__(self) -> str:
        return f"AnyOlmMessage(type={self.message_type}, {len(self._body)} bytes)"


__all__ = [
    "AnyOlmMessage",
    "Message",
    "PreKeyMessage",
]

"""The Megolm v1 message: 0x03 | 0x08 varint index | 0x12 len ciphertext |
MAC (8) | Ed25519 signature (64).  Unknown protobuf fields of wire types 0 and
2 are skipped; duplicate known fields are rejected."""

from __future__ import annotations

from olmpy import _b64, _backend
from olmpy.errors import UsageError, expected
from olmpy.keys import Ed25519Signature


class _MessageIndex(int):
    """An ``int`` that returns itself as a plain ``int`` when called.

    ``MegolmMessage.message_index`` is one, so vodozemac's method call
    ``msg.message_index()`` and the property form ``msg.message_index`` agree.
    """

    __slots__ = ()

    def __call__(self) -> int:
        return int(self)

    def __repr__(self) -> str:
        return repr(int(self))


class MegolmMessage:
    """A parsed (not yet authenticated) Megolm message."""

    __slots__ = ("_bytes", "_index")

    def __init__(self, message: bytes) -> None:
        if not isinstance(message, (bytes, bytearray, memoryview)):
            raise UsageError("Megolm message: " + expected("bytes", type(message).__name__))
        message = bytes(message)
        self._index: int = _backend.impl.megolm_parse(message)[0]
        self._bytes = message

    @classmethod
    def _trusted(cls, message: bytes, index: int) -> MegolmMessage:
        self = cls.__new__(cls)
        self._bytes = message
        self._index = index
        return self

    @classmethod
    def from_base64(cls, message: str) -> MegolmMessage:
        """Parses a base64 message as carried in m.room.encrypted."""
        return cls(_b64.decode_public(message, "Megolm message"))

    @classmethod
    def from_bytes(cls, message: bytes) -> MegolmMessage:
        """Parses raw message bytes."""
        return cls(message)

    def to_base64(self) -> str:
        """Unpadded base64."""
        return _b64.encode_public(self._bytes)

    def to_bytes(self) -> bytes:
        """The raw message bytes."""
        return self._bytes

    @property
    def index(self) -> int:
        """The ratchet index the message was encrypted at (a plain int)."""
        return self._index

    @property
    def message_index(self) -> _MessageIndex:
        """The ratchet index the message was encrypted at.

        vodozemac's binding has ``message_index()`` as a method, while
        ``GroupSession.message_index`` is a property.  So that both spellings give the right
        answer, this is an int that can also be called: ``msg.message_index() == 3`` (the
        vodozemac form) and ``msg.message_index == 3`` are both true for index 3.  New code
        can use ``index``.
        """
        return _MessageIndex(self._index)

    def signature(self) -> Ed25519Signature:
        """The sender's Ed25519 signature (the last 64 bytes)."""
        return Ed25519Signature(self._bytes[-64:])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MegolmMessage) and other._bytes == self._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)

    def __repr__(self) -> str:
        return f"MegolmMessage(index={self._index}, {len(self._bytes)} bytes)"


__all__ = [
    "MegolmMessage",
]

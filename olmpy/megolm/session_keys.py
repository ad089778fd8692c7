"""Megolm session keys: the signed form sent in m.room_key and the export form.

Signed (229 bytes): 0x02 | index u32 BE | R0..R3 (128) | Ed25519 key (32) |
signature (64) over the first 165 bytes.  Export (165 bytes): 0x01 | index |
R0..R3 | Ed25519 key.  Lengths are exact: trailing bytes are rejected (libolm's
verdict; vodozemac accepts them on exports, see SPEC.md).  The Ed25519 key must be a
curve point (vodozemac's verdict; libolm takes any 32 bytes): CurvePointError.
"""

from __future__ import annotations

import hmac
from typing import Any

from olmpy import _b64
from olmpy._nocopy import refuse_pickle, same_object
from olmpy.errors import KeyDecodeError, SignatureError, UsageError, VersionError, expected
from olmpy.hazmat import primitives
from olmpy.keys import check_ed25519_point

SIGNED_VERSION = 0x02
EXPORT_VERSION = 0x01
SIGNED_LEN = 229
EXPORT_LEN = 165


class _KeyBase:
    __slots__ = ("_bytes",)

    __reduce__ = refuse_pickle(".to_base64(), sent only over an encrypted channel (Olm)")
    __copy__ = __deepcopy__ = same_object  # immutable: a copy is the object
    _version = 0
    _length = 0
    _what = ""

    def __init__(self, session_key: str | bytes) -> None:
        raw = (
            _b64.decode(session_key, self._what)
            if isinstance(session_key, str)
            else self._check_bytes(session_key)
        )
        self._parse(raw)
        self._bytes = raw

    @classmethod
    def _check_bytes(cls, raw: object) -> bytes:
        if not isinstance(raw, (bytes, bytearray, memoryview)):
            raise UsageError(f"{cls._what}: " + expected("str or bytes", type(raw).__name__))
        return bytes(raw)

    def _parse(self, raw: bytes) -> None:
        self._parse_layout(raw)
        check_ed25519_point(raw[133:165], f"{self._what} Ed25519 key")

    def _parse_layout(self, raw: bytes) -> None:
        if not raw:
            raise KeyDecodeError(f"{self._what}: " + expected(f"{self._length} bytes", "0 bytes"))
        if raw[0] != self._version:
            raise VersionError(
                f"{self._what} version: " + expected(f"0x{self._version:02x}", f"0x{raw[0]:02x}")
            )
        if len(raw) != self._length:
            raise KeyDecodeError(
                f"{self._what}: " + expected(f"{self._length} bytes", f"{len(raw)} bytes")
            )

    @classmethod
    def _trusted(cls, raw: bytes) -> Any:
        """Wraps bytes olmpy itself produced (no re-parse, no signature check)."""
        self = cls.__new__(cls)
        self._bytes = raw
        return self

    @property
    def message_index(self) -> int:
        """The ratchet index this key starts at."""
        return int.from_bytes(self._bytes[1:5], "big")

    @property
    def session_id(self) -> str:
        """The session id (base64 of the Ed25519 key)."""
        return _b64.encode_public(self._bytes[133:165])

    def to_base64(self) -> str:
        """Unpadded base64, as sent over Matrix."""
        return _b64.encode(self._bytes)

    def to_bytes(self) -> bytes:
        """The raw key bytes (secret!)."""
        return self._bytes

    def __eq__(self, other: object) -> bool:
        # The bytes hold the secret ratchet: compare them in constant time.
        return type(other) is type(self) and hmac.compare_digest(other._bytes, self._bytes)

    def __hash__(self) -> int:
        # Only public parts (index and Ed25519 key), so equal keys hash alike and the hash
        # says nothing about the ratchet.
        return hash((type(self).__name__, self._bytes[1:5], self._bytes[133:165]))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(session_id={self.session_id}, index={self.message_index})"


class SessionKey(_KeyBase):
    """A signed Megolm session key (m.room_key); the signature is checked on parsing."""

    __slots__ = ()
    _version = SIGNED_VERSION
    _length = SIGNED_LEN
    _what = "Megolm session key"

    def _parse(self, raw: bytes) -> None:
        self._parse_layout(raw)
        try:
            primitives.ed25519_verify(raw[133:165], raw[:165], raw[165:229])
        except SignatureError:
            # A key that is not a curve point can verify nothing; name that, as for an
            # export.  Checked only after a failure: the verdict is the same, and a genuine
            # key does not pay for a second decompression.
            check_ed25519_point(raw[133:165], f"{self._what} Ed25519 key")
            raise SignatureError(
                "Megolm session key: expected a signature by its own key, "
                "got one that does not verify"
            ) from None

    @classmethod
    def from_base64(cls, session_key: str) -> SessionKey:
        """Parses and verifies a base64 session key."""
        return cls(session_key)

    @classmethod
    def from_bytes(cls, session_key: bytes) -> SessionKey:
        """Parses and verifies raw session-key bytes."""
        return cls(cls._check_bytes(session_key))


class ExportedSessionKey(_KeyBase):
    """An exported (unsigned) Megolm session key, as in forwarded keys and backups."""

    __slots__ = ()
    _version = EXPORT_VERSION
    _length = EXPORT_LEN
    _what = "exported Megolm session key"

    @classmethod
    def from_base64(cls, session_key: str) -> ExportedSessionKey:
        """Parses a base64 exported key."""
        return cls(session_key)

    @classmethod
    def from_bytes(cls, session_key: bytes) -> ExportedSessionKey:
        """Parses raw exported-key bytes."""
        return cls(cls._check_bytes(session_key))


__all__ = [
    "ExportedSessionKey",
    "SessionKey",
]

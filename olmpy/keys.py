"""Public key and signature types, printable as "ed25519:<base64>"."""

from __future__ import annotations

from olmpy import _b64, _backend
from olmpy.errors import CurvePointError, KeyDecodeError, UsageError, expected
from olmpy.hazmat import primitives


def _message_bytes(message: object, what: str) -> bytes:
    """``message`` as bytes (a str as UTF-8), or UsageError naming ``what``."""
    if isinstance(message, str):
        try:
            return message.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"{what}: " + expected("a str encodable as UTF-8", "a lone surrogate")
            ) from None
    if isinstance(message, (bytes, bytearray, memoryview)):
        return bytes(message)
    raise UsageError(f"{what}: " + expected("bytes or str", type(message).__name__))


def check_ed25519_point(key: bytes, what: str) -> None:
    """Raises CurvePointError unless the 32 bytes ``key`` decode to a point on Ed25519.

    The check is vodozemac's (ed25519-dalek's ``VerifyingKey::from_bytes``): the encoding
    must decompress, i.e. (y^2 - 1) / (d y^2 + 1) must be a square.  Non-canonical
    encodings and points of small order pass, as in vodozemac; signature verification
    (libsodium's rules, SPEC.md section 2) refuses them later.  The native backend
    decompresses with its verifier's field code (variable time: the key is public); the pure
    one asks libsodium.
    """
    if not isinstance(what, str):
        raise UsageError("check_ed25519_point what: " + expected("str", type(what).__name__))
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise UsageError(f"{what}: " + expected("bytes", type(key).__name__))
    if len(key) != 32 or not _backend.impl.ed25519_is_point(bytes(key)):
        raise CurvePointError(
            f"{what}: expected a point on the Ed25519 curve, got 32 bytes that are not one"
        )


class Ed25519Signature:
    """A 64-byte Ed25519 signature."""

    __slots__ = ("_bytes",)

    def __init__(self, signature: bytes) -> None:
        if not isinstance(signature, (bytes, bytearray)):
            raise UsageError("Ed25519 signature: " + expected("bytes", type(signature).__name__))
        if len(signature) != 64:
            raise KeyDecodeError(
                "Ed25519 signature: " + expected("64 bytes", f"{len(signature)} bytes")
            )
        self._bytes = bytes(signature)

    @classmethod
    def from_base64(cls, signature: str) -> Ed25519Signature:
        """Parses an unpadded (or padded) base64 signature."""
        return cls(_b64.decode_public(signature, "Ed25519 signature"))

    @classmethod
    def from_bytes(cls, signature: bytes) -> Ed25519Signature:
        """Wraps 64 raw bytes."""
        return cls(signature)

    def to_base64(self) -> str:
        """Unpadded base64."""
        return _b64.encode_public(self._bytes)

    def to_bytes(self) -> bytes:
        """The 64 raw bytes."""
        return self._bytes

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ed25519Signature) and other._bytes == self._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)

    def __repr__(self) -> str:
        return f"Ed25519Signature({self.to_base64()!r})"


class Ed25519PublicKey:
    """A 32-byte Ed25519 public key."""

    __slots__ = ("_bytes",)

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, (bytes, bytearray)):
            raise UsageError("Ed25519 public key: " + expected("bytes", type(key).__name__))
        if len(key) != 32:
            raise KeyDecodeError("Ed25519 public key: " + expected("32 bytes", f"{len(key)} bytes"))
        self._bytes = bytes(key)

    @classmethod
    def from_base64(cls, key: str) -> Ed25519PublicKey:
        """Parses an unpadded (or padded) base64 key."""
        return cls(_b64.decode_public(key, "Ed25519 public key"))

    @classmethod
    def from_bytes(cls, key: bytes) -> Ed25519PublicKey:
        """Wraps 32 raw bytes."""
        return cls(key)

    def to_base64(self) -> str:
        """Unpadded base64."""
        return _b64.encode_public(self._bytes)

    def to_bytes(self) -> bytes:
        """The 32 raw bytes."""
        return self._bytes

    def verify_signature(self, message: bytes | str, signature: Ed25519Signature) -> None:
        """Raises ``SignatureError`` unless ``signature`` signs ``message`` (a str as UTF-8)
        with this key.  A base64 signature must be parsed first with
        ``Ed25519Signature.from_base64``; anything but an ``Ed25519Signature`` is a
        ``UsageError``."""
        raw = _message_bytes(message, "message to verify")
        if not isinstance(signature, Ed25519Signature):
            hint = (" (parse a base64 signature with Ed25519Signature.from_base64)"
                    if isinstance(signature, str) else "")
            raise UsageError(
                "signature: " + expected("an Ed25519Signature", type(signature).__name__) + hint
            )
        primitives.ed25519_verify(self._bytes, raw, signature.to_bytes())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ed25519PublicKey) and other._bytes == self._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)

    def __repr__(self) -> str:
        return f"Ed25519PublicKey(ed25519:{self.to_base64()})"


class Curve25519PublicKey:
    """A 32-byte Curve25519 (X25519) public key."""

    __slots__ = ("_bytes",)

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, (bytes, bytearray)):
            raise UsageError("Curve25519 public key: " + expected("bytes", type(key).__name__))
        if len(key) != 32:
            raise KeyDecodeError(
                "Curve25519 public key: " + expected("32 bytes", f"{len(key)} bytes")
            )
        self._bytes = bytes(key)

    @classmethod
    def from_base64(cls, key: str) -> Curve25519PublicKey:
        """Parses an unpadded (or padded) base64 key."""
        return cls(_b64.decode_public(key, "Curve25519 public key"))

    @classmethod
    def from_bytes(cls, key: bytes) -> Curve25519PublicKey:
        """Wraps 32 raw bytes."""
        return cls(key)

    @classmethod
    def _coerce(cls, key: Curve25519PublicKey | str | bytes, what: str) -> bytes:
        if isinstance(key, Curve25519PublicKey):
            return key._bytes
        if isinstance(key, str):
            raw = _b64.decode_public(key, what)
        elif isinstance(key, (bytes, bytearray)):
            raw = bytes(key)
        else:
            raise UsageError(
                f"{what}: " + expected("Curve25519PublicKey, str or bytes", type(key).__name__)
            )
        if len(raw) != 32:
            raise KeyDecodeError(f"{what}: " + expected("32 bytes", f"{len(raw)} bytes"))
        return raw

    def to_base64(self) -> str:
        """Unpadded base64."""
        return _b64.encode_public(self._bytes)

    def to_bytes(self) -> bytes:
        """The 32 raw bytes."""
        return self._bytes

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Curve25519PublicKey) and other._bytes == self._bytes

    def __hash__(self) -> int:
        return hash(self._bytes)

    def __repr__(self) -> str:
        return f"Curve25519PublicKey(curve25519:{self.to_base64()})"


__all__ = [
    "Curve25519PublicKey",
    "Ed25519PublicKey",
    "Ed25519Signature",
]

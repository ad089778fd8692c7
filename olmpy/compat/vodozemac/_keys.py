"""The drop-in's keys and signatures: Ed25519PublicKey, Ed25519Signature,
Curve25519PublicKey and Curve25519SecretKey over olmpy's key objects."""

from __future__ import annotations

import olmpy
from olmpy.compat.vodozemac._common import (
    _need,
    _need_bytes,
    _need_str,
    _no_init,
    _no_pickle,
    _wrap,
)
from olmpy.compat.vodozemac._errors import KeyException, SignatureException, _raise
from olmpy.errors import OlmpyError

__all__ = ["Curve25519PublicKey", "Curve25519SecretKey", "Ed25519PublicKey", "Ed25519Signature"]

_ED25519_FROM_BASE64 = olmpy.Ed25519PublicKey.from_base64
_CURVE25519_FROM_BASE64 = olmpy.Curve25519PublicKey.from_base64


class Ed25519PublicKey:
    """An Ed25519 public key (olmpy's ``olmpy.keys.Ed25519PublicKey``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    __hash__ = None  # type: ignore[assignment]
    _o: olmpy.Ed25519PublicKey

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def from_base64(cls, key: str) -> Ed25519PublicKey:
        """Decodes an unpadded base64 key; KeyException if it is not 32 bytes."""
        if key.__class__ is not str:  # the hot path of device-key parsing: kept inline
            _need_str(key)
        try:
            inner = _ED25519_FROM_BASE64(key)
        except OlmpyError as exc:
            _raise(KeyException, "Failed to decode Ed25519 key from Base64", exc)
        new = object.__new__(cls)
        new._o = inner
        return new

    def to_base64(self) -> str:
        """The key in unpadded base64."""
        return self._o.to_base64()

    def verify_signature(self, message: bytes, signature: Ed25519Signature) -> None:
        """Returns None if ``signature`` over ``message`` is valid, else SignatureException."""
        _need_bytes(message)
        _need(signature, Ed25519Signature)
        try:
            self._o.verify_signature(message, signature._o)
        except OlmpyError as exc:
            _raise(SignatureException, "The signature was invalid", exc)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ed25519PublicKey):
            return bool(self._o == other._o)
        return NotImplemented


class Ed25519Signature:
    """An Ed25519 signature (olmpy's ``olmpy.keys.Ed25519Signature``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.Ed25519Signature

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def from_base64(cls, session_key: str) -> Ed25519Signature:
        """Decodes an unpadded base64 signature; SignatureException if malformed."""
        _need_str(session_key)
        try:
            return _wrap(cls, olmpy.Ed25519Signature.from_base64(session_key))
        except OlmpyError as exc:
            _raise(SignatureException, "The signature couldn't be decoded", exc)

    def to_base64(self) -> str:
        """The signature in unpadded base64."""
        return self._o.to_base64()


class Curve25519PublicKey:
    """A Curve25519 public key (olmpy's ``olmpy.keys.Curve25519PublicKey``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    __hash__ = None  # type: ignore[assignment]
    _o: olmpy.Curve25519PublicKey

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def from_base64(cls, key: str) -> Curve25519PublicKey:
        """Decodes an unpadded base64 key; KeyException if it is not 32 bytes."""
        if key.__class__ is not str:  # the hot path of device-key parsing: kept inline
            _need_str(key)
        try:
            inner = _CURVE25519_FROM_BASE64(key)
        except OlmpyError as exc:
            _raise(KeyException, "Failed to decode Curve25519 key from Base64", exc)
        new = object.__new__(cls)
        new._o = inner
        return new

    @classmethod
    def from_bytes(cls, bytes: bytes) -> Curve25519PublicKey:
        """Reads 32 raw key bytes; KeyException for any other length."""
        _need_bytes(bytes)
        try:
            return _wrap(cls, olmpy.Curve25519PublicKey.from_bytes(bytes))
        except OlmpyError as exc:
            _raise(KeyException, "Failed to decode Curve25519PublicKey key", exc)

    def to_base64(self) -> str:
        """The key in unpadded base64."""
        return self._o.to_base64()

    def to_bytes(self) -> bytes:
        """The 32 raw key bytes."""
        return self._o.to_bytes()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Curve25519PublicKey):
            return bool(self._o == other._o)
        return NotImplemented


class Curve25519SecretKey:
    """A Curve25519 secret key.  olmpy has no bare secret-key object; this one is held by
    an ``olmpy.PkDecryption``, whose key pair is exactly a Curve25519 secret and its
    public key."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.PkDecryption

    def __init__(self) -> None:
        self._o = olmpy.PkDecryption()

    @classmethod
    def from_bytes(cls, bytes: bytes) -> Curve25519SecretKey:
        """Reads 32 raw secret bytes; KeyException for any other length."""
        _need_bytes(bytes)
        if len(bytes) != 32:
            raise KeyException(
                "Failed to decode Curve25519SecretKey key from Base64: Invalid number of "
                f"bytes for Curve25519SecretKey, expected 32, got {len(bytes)}."
            )
        try:
            return _wrap(cls, olmpy.PkDecryption.from_key(bytes))
        except OlmpyError as exc:
            _raise(KeyException, "Failed to decode Curve25519SecretKey key", exc)

    @classmethod
    def from_base64(cls, key: str) -> Curve25519SecretKey:
        """Decodes an unpadded base64 secret key; KeyException if malformed."""
        _need_str(key)
        try:
            raw = olmpy._b64.decode(key, "Curve25519 secret key")
        except OlmpyError as exc:
            _raise(KeyException, "Failed to decode a public key from Base64", exc)
        return cls.from_bytes(raw)

    def to_base64(self) -> str:
        """The secret in unpadded base64."""
        return olmpy._b64.encode(self._o.key)

    def to_bytes(self) -> bytes:
        """The 32 raw secret bytes."""
        return self._o.key

    def public_key(self) -> Curve25519PublicKey:
        """The matching public key."""
        return _wrap(Curve25519PublicKey, self._o.public_key)

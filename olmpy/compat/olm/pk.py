"""``olm.pk``: python-olm's PK encryption and signing over ``olmpy.pk`` and
``olmpy.signed_json.PkSigning``."""

from __future__ import annotations

import os
from typing import Any

import olmpy
from olmpy._nocopy import refuse_pickle
from olmpy.compat.olm._compat import to_bytes
from olmpy.compat.olm._errors import libolm_code, write_libolm_pickle
from olmpy.errors import OlmpyError
from olmpy.signed_json import PkSigning as _PkSigning

__all__ = [
    "PkDecryption",
    "PkDecryptionError",
    "PkEncryption",
    "PkEncryptionError",
    "PkMessage",
    "PkSigning",
    "PkSigningError",
]


class PkEncryptionError(Exception):
    """PK encryption failed; ``args[0]`` is libolm's error code."""


class PkDecryptionError(Exception):
    """PK decryption failed; ``args[0]`` is libolm's error code."""


class PkSigningError(Exception):
    """PK signing failed; ``args[0]`` is libolm's error code."""


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class PkMessage:
    """A PK-encrypted message: base64 ``ephemeral_key``, ``mac`` and ``ciphertext``."""

    def __init__(self, ephemeral_key: str, mac: str, ciphertext: str) -> None:
        self.ephemeral_key = ephemeral_key
        self.mac = mac
        self.ciphertext = ciphertext


class PkEncryption:
    """Encrypts messages for the holder of a Curve25519 key."""

    __slots__ = ("_pk",)

    def __init__(self, recipient_key: str | bytes) -> None:
        """``recipient_key``: the recipient's base64 Curve25519 key."""
        if not recipient_key:
            raise ValueError("Recipient key can't be empty")
        try:
            self._pk = olmpy.PkEncryption(_text(recipient_key))
        except OlmpyError as exc:
            raise PkEncryptionError(libolm_code(exc)) from exc

    def encrypt(self, plaintext: str | bytes) -> PkMessage:
        """Encrypts ``plaintext`` (str as UTF-8) under a fresh ephemeral key."""
        try:
            ciphertext, mac, ephemeral = self._pk.encrypt(to_bytes(plaintext)).to_base64()
        except OlmpyError as exc:
            raise PkEncryptionError(libolm_code(exc)) from exc
        return PkMessage(ephemeral, mac, ciphertext)


class PkDecryption:
    """A Curve25519 key pair that decrypts PK messages; ``public_key`` is its base64 key."""

    __slots__ = ("_pk", "public_key")

    __reduce__ = refuse_pickle("the seed, stored encrypted, and PkSigning(seed)")

    _pk: olmpy.PkDecryption
    public_key: str | None

    def __new__(cls, *args: Any, **kwargs: Any) -> PkDecryption:
        obj = super().__new__(cls)
        obj.public_key = None
        return obj

    def __init__(self) -> None:
        """A new random key pair."""
        self._pk = olmpy.PkDecryption()
        self.public_key = self._pk.public_key.to_base64()

    def pickle(self, passphrase: str | bytes = "") -> bytes:
        """The key pair as a libolm pickle (bytes), encrypted with ``passphrase``."""
        return write_libolm_pickle(self._pk, to_bytes(passphrase), PkDecryptionError)

    @classmethod
    def from_pickle(cls, pickle: bytes | str, passphrase: str | bytes = "") -> PkDecryption:
        """Loads a libolm PK decryption pickle."""
        if not pickle:
            raise ValueError("Pickle can't be empty")
        obj = cls.__new__(cls)
        try:
            obj._pk = olmpy.PkDecryption.from_libolm_pickle(_text(pickle), to_bytes(passphrase))
        except OlmpyError as exc:
            raise PkDecryptionError(libolm_code(exc)) from exc
        obj.public_key = obj._pk.public_key.to_base64()
        return obj

    def decrypt(self, message: PkMessage, unicode_errors: str = "replace") -> str:
        """Checks and decrypts ``message``; the plaintext is decoded with ``unicode_errors``."""
        try:
            plaintext = self._pk.decrypt(
                olmpy.PkMessage.from_base64(
                    _text(message.ciphertext), _text(message.mac), _text(message.ephemeral_key)
                )
            )
        except OlmpyError as exc:
            raise PkDecryptionError(libolm_code(exc)) from exc
        return plaintext.decode("utf-8", unicode_errors)


class PkSigning:
    """An Ed25519 signing key from a 32-byte seed (cross-signing keys)."""

    __slots__ = ("_signing", "public_key")

    __reduce__ = refuse_pickle("the seed, stored encrypted, and PkSigning(seed)")

    def __init__(self, seed: bytes) -> None:
        """``seed``: 32 bytes (``generate_seed()``; as in libolm, only the first 32 bytes of
        a longer seed count); ``public_key`` is the base64 key."""
        if not seed:
            raise ValueError("seed can't be empty")
        if len(seed) < 32:
            raise PkSigningError("OLM_INPUT_BUFFER_TOO_SMALL")
        try:
            self._signing = _PkSigning(bytes(seed[:32]))
        except OlmpyError as exc:
            raise PkSigningError(libolm_code(exc)) from exc
        self.public_key: str = self._signing.public_key.to_base64()

    @classmethod
    def generate_seed(cls) -> bytes:
        """32 random bytes from the OS."""
        return os.urandom(32)

    def sign(self, message: str | bytes) -> str:
        """The base64 Ed25519 signature of ``message`` (str as UTF-8)."""
        return self._signing.sign(to_bytes(message)).to_base64()

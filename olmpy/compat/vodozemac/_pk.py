"""The drop-in's PK encryption: Message, PkEncryption and PkDecryption over olmpy's
PkMessage, PkEncryption and PkDecryption."""

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
from olmpy.compat.vodozemac._errors import (
    PkDecodeException,
    PkInvalidKeySizeException,
    _b64_reason,
    _raise,
)
from olmpy.compat.vodozemac._keys import Curve25519PublicKey, Curve25519SecretKey
from olmpy.errors import MacError, OlmpyError

__all__ = ["Message", "PkDecryption", "PkEncryption"]


class Message:
    """A PK-encrypted message: raw ``ciphertext``, ``mac`` and ``ephemeral_key`` bytes
    (read-only).  As vodozemac's, it holds the bytes unchecked; ``PkDecryption.decrypt``
    checks them."""

    __slots__ = ("_ciphertext", "_ephemeral_key", "_mac")
    __reduce__ = _no_pickle

    _ciphertext: bytes
    _mac: bytes
    _ephemeral_key: bytes

    def __init__(self, ciphertext: bytes, mac: bytes, ephemeral_key: bytes) -> None:
        for value in (ciphertext, mac, ephemeral_key):
            if not isinstance(value, (bytes, bytearray)):
                raise TypeError(f"Can't extract `{type(value).__name__}` to `Vec`")
        self._ciphertext = bytes(ciphertext)
        self._mac = bytes(mac)
        self._ephemeral_key = bytes(ephemeral_key)

    @classmethod
    def _make(cls, ciphertext: bytes, mac: bytes, ephemeral_key: bytes) -> Message:
        new = object.__new__(cls)
        new._ciphertext = ciphertext
        new._mac = mac
        new._ephemeral_key = ephemeral_key
        return new

    @property
    def ciphertext(self) -> bytes:
        """The AES-256-CBC ciphertext."""
        return self._ciphertext

    @property
    def mac(self) -> bytes:
        """The (8-byte) MAC."""
        return self._mac

    @property
    def ephemeral_key(self) -> bytes:
        """The sender's ephemeral Curve25519 public key, raw."""
        return self._ephemeral_key

    @classmethod
    def from_base64(cls, ciphertext: str, mac: str, ephemeral_key: str) -> Message:
        """From the three unpadded base64 strings; PkDecodeException if not base64."""
        raw = []
        for part in (ciphertext, mac, ephemeral_key):
            _need_str(part)
            try:
                raw.append(olmpy._b64.decode_public(part, "PK message"))
            except OlmpyError as exc:
                raise PkDecodeException(f"{_b64_reason(part)} ({exc})") from exc
        return cls._make(*raw)

    def to_base64(self) -> tuple[str, str, str]:
        """(ephemeral_key, mac, ciphertext) in unpadded base64: vodozemac's order."""
        enc = olmpy._b64.encode_public
        return enc(self._ephemeral_key), enc(self._mac), enc(self._ciphertext)


class PkEncryption:
    """Encrypts to one Curve25519 public key (olmpy's ``olmpy.PkEncryption``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.PkEncryption

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def from_key(cls, key: Curve25519PublicKey) -> PkEncryption:
        """An encryptor for the recipient's public key."""
        _need(key, Curve25519PublicKey)
        return _wrap(cls, olmpy.PkEncryption(key._o))

    def encrypt(self, message: bytes) -> Message:
        """Encrypts ``message`` to the recipient."""
        _need_bytes(message)
        out = self._o.encrypt(message)
        return Message._make(out.ciphertext, out.mac, out.ephemeral_key.to_bytes())


class PkDecryption:
    """Decrypts PK messages (olmpy's ``olmpy.PkDecryption``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.PkDecryption

    def __init__(self) -> None:
        self._o = olmpy.PkDecryption()

    @classmethod
    def from_key(cls, key: Curve25519SecretKey) -> PkDecryption:
        """A decryptor for a given secret key."""
        _need(key, Curve25519SecretKey)
        return _wrap(cls, key._o)

    @property
    def key(self) -> Curve25519SecretKey:
        """The secret key."""
        return _wrap(Curve25519SecretKey, self._o)

    @property
    def public_key(self) -> Curve25519PublicKey:
        """The public key senders encrypt to."""
        return _wrap(Curve25519PublicKey, self._o.public_key)

    def decrypt(self, message: Message) -> bytes:
        """Decrypts ``message``; PkInvalidKeySizeException for a bad ephemeral key,
        PkDecodeException for a MAC mismatch or bad padding."""
        _need(message, Message)
        eph = message.ephemeral_key
        if len(eph) != 32:
            raise PkInvalidKeySizeException(
                f"The key doesn't have the correct size, got {len(eph)}, expected 32 bytes"
            )
        try:
            pk_message = olmpy.PkMessage(message.ciphertext, message.mac, eph)
            return self._o.decrypt(pk_message)
        except OlmpyError as exc:
            if isinstance(exc, MacError) or "MAC" in str(exc):
                raise PkDecodeException(
                    f"the MAC of the ciphertext didn't pass validation: MAC tag mismatch ({exc})"
                ) from exc
            _raise(PkDecodeException, "failed to decrypt", exc)

"""Secret storage (SSSS / 4S), algorithm ``m.secret_storage.v1.aes-hmac-sha2``.

A secret (a string, such as a cross-signing private key in base64) is stored in
account data encrypted under a 32-byte *secret storage key*:

1. ``aes_key || mac_key = HKDF-SHA-256(salt = 32 zero bytes, ikm = key,
   info = UTF-8 secret name, 64 bytes)``;
2. a 16-byte IV, random with bit 63 (the top bit of byte 8) cleared;
3. ``ciphertext = AES-256-CTR(aes_key, iv, UTF-8 secret)``;
4. ``mac = HMAC-SHA-256(mac_key, ciphertext)`` (the IV is not covered);

stored as ``{"iv", "ciphertext", "mac"}`` in base64 under ``encrypted.<key id>``
of the account-data event named after the secret.  The key's description
(``m.secret_storage.key.<key id>``) carries ``{"algorithm", "name"?,
"passphrase"?, "iv", "mac"}`` where ``iv``/``mac`` are the steps above applied to
32 zero bytes with the empty name: a check that a candidate key is the right one.

olmpy writes unpadded base64 (the spec's SHOULD) and reads padded too (what
matrix-js-sdk writes).  The counter is the low 64 bits of the IV, as in
matrix-js-sdk (WebCrypto ``length: 64``); with bit 63 clear this is the same as a
128-bit counter for any secret shorter than 2**63 blocks.  MACs are checked in
constant time before anything is decrypted.  HKDF and HMAC run on the active
backend (olmpy.hazmat.primitives), AES-CTR in OpenSSL (cryptography).
"""

from __future__ import annotations

import hmac
import os
import secrets
import string
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from olmpy import _b64, recovery
from olmpy._nocopy import refuse_pickle
from olmpy.errors import (
    Base64Error,
    DecodeError,
    KdfCostError,
    MacError,
    UsageError,
    VersionError,
    brief,
    expected,
)
from olmpy.hazmat import primitives
from olmpy.types import (
    PassphraseAlgorithm,
    PassphraseInfoJson,
    SecretEventContent,
    SecretStorageAlgorithm,
    SecretStorageEncryptedData,
    SecretStorageKeyDescription,
)

__all__ = [
    "ALGORITHM",
    "DEFAULT_KEY_EVENT",
    "KEY_EVENT_PREFIX",
    "EncryptedSecret",
    "KeyDescription",
    "PassphraseInfo",
    "SecretStorageAlgorithmError",
    "SecretStorageError",
    "SecretStorageKdfCostError",
    "SecretStorageKey",
    "SecretStorageKeyMismatchError",
    "SecretStorageMacError",
    "check_key",
    "create_key_description",
    "decrypt_secret",
    "encrypt_secret",
    "key_check_mac",
]

ALGORITHM: Final = "m.secret_storage.v1.aes-hmac-sha2"
KEY_EVENT_PREFIX = "m.secret_storage.key."
DEFAULT_KEY_EVENT = "m.secret_storage.default_key"
KEY_LEN = 32
IV_LEN = 16
MAC_LEN = 32
_ZERO_SALT = bytes(32)
_CHECK_PLAINTEXT = bytes(32)
_KEY_ID_ALPHABET = string.ascii_letters + string.digits
_KEY_ID_LEN = 32


class SecretStorageError(DecodeError):
    """A key description or an encrypted secret from account data is malformed."""


class SecretStorageAlgorithmError(SecretStorageError, VersionError):
    """A key description names an algorithm other than m.secret_storage.v1.aes-hmac-sha2."""


class SecretStorageKdfCostError(SecretStorageError, KdfCostError):
    """A key description's passphrase parameters ask for more PBKDF2 iterations than the
    caller allows (``max_iterations``)."""


class SecretStorageMacError(MacError):
    """An encrypted secret's MAC does not match: wrong key, wrong name or tampering."""


class SecretStorageKeyMismatchError(MacError):
    """A candidate key fails the key description's check (wrong recovery key or passphrase)."""


# --- small helpers ------------------------------------------------------------------------




def _bytes_field(owner: object, name: str, length: int | None, *, optional: bool = False
                 ) -> None:
    """Checks (UsageError) and freezes as bytes a field of a frozen dataclass."""
    value = getattr(owner, name)
    if value is None and optional:
        return
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise UsageError(f"{type(owner).__name__}.{name}: "
                         + expected("bytes" + (" or None" if optional else ""),
                                    type(value).__name__))
    raw = bytes(value)
    if length is not None and len(raw) != length:
        raise UsageError(f"{type(owner).__name__}.{name}: "
                         + expected(f"{length} bytes", f"{len(raw)} bytes"))
    object.__setattr__(owner, name, raw)


def _key(key: object) -> bytes:
    return primitives.require_bytes("secret storage key", key, KEY_LEN)


def _utf8(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise UsageError(f"{what}: " + expected("a str", type(text).__name__))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what}: expected text encodable as UTF-8, got lone surrogates") from None


def _derive(key: bytes, name: bytes) -> tuple[bytes, bytes]:
    okm = primitives.hkdf_sha256(_ZERO_SALT, key, name, 64)
    return okm[:32], okm[32:]


def _fresh_iv() -> bytes:
    iv = bytearray(os.urandom(IV_LEN))
    iv[8] &= 0x7F  # bit 63 of the big-endian 128-bit block
    return bytes(iv)


def _iv_arg(iv: object) -> bytes:
    return _fresh_iv() if iv is None else primitives.require_bytes("IV", iv, IV_LEN)


def _warn_iv(where: str) -> None:
    warnings.warn(
        f"{where}(iv=...) is a test hook and moved to olmpy.testing.{where}",
        DeprecationWarning,
        stacklevel=3,
    )


def _b64field(obj: Mapping[str, Any], name: str, where: str, length: int | None,
              *, optional: bool = False) -> bytes | None:
    value = obj.get(name)
    if value is None:
        if optional:
            return None
        raise SecretStorageError(f"{where}: " + expected(f"a {name!r} field", "none"))
    if not isinstance(value, str):
        raise SecretStorageError(
            f"{where}.{name}: " + expected("a base64 string", type(value).__name__))
    try:
        raw = _b64.decode_public(value, f"{where}.{name}")
    except Base64Error as exc:
        raise SecretStorageError(str(exc)) from exc
    if length is not None and len(raw) != length:
        raise SecretStorageError(
            f"{where}.{name}: " + expected(f"{length} bytes", f"{len(raw)} bytes"))
    return raw


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SecretStorageError(f"{where}: " + expected("a JSON object", type(value).__name__))
    return value


_Description: TypeAlias = "KeyDescription | SecretStorageKeyDescription | Mapping[str, Any]"
"""A key description as an object, or its JSON content (checked field by field)."""


# --- encrypted secrets --------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptedSecret:
    """One ``{"iv", "ciphertext", "mac"}`` object (the value under ``encrypted.<key id>``)."""

    iv: bytes
    ciphertext: bytes
    mac: bytes

    def __post_init__(self) -> None:
        _bytes_field(self, "iv", IV_LEN)
        _bytes_field(self, "ciphertext", None)
        _bytes_field(self, "mac", MAC_LEN)

    @classmethod
    def from_json(cls, obj: object) -> EncryptedSecret:
        """Parses the object strictly: 16-byte IV, 32-byte MAC, base64 padded or not."""
        where = "encrypted secret"
        data = _object(obj, where)
        iv = _b64field(data, "iv", where, IV_LEN)
        ciphertext = _b64field(data, "ciphertext", where, None)
        mac = _b64field(data, "mac", where, MAC_LEN)
        assert iv is not None and ciphertext is not None and mac is not None
        return cls(iv, ciphertext, mac)

    def to_json(self) -> SecretStorageEncryptedData:
        """The object with unpadded base64 fields."""
        return {"iv": _b64.encode_public(self.iv),
                "ciphertext": _b64.encode_public(self.ciphertext),
                "mac": _b64.encode_public(self.mac)}


def encrypt_secret(key: bytes, name: str, secret: str, *, iv: bytes | None = None
                   ) -> EncryptedSecret:
    """Encrypts ``secret`` (as UTF-8) under a 32-byte key for the secret called ``name``.

    A fresh IV is drawn for each call, with bit 63 cleared.  ``iv`` is deprecated
    (DeprecationWarning; removed in the next minor release): the known-answer hook
    moved to ``olmpy.testing.encrypt_secret``.
    """
    if iv is not None:
        _warn_iv("encrypt_secret")
    return _encrypt_secret(key, name, secret, iv)


def _encrypt_secret(key: bytes, name: str, secret: str, iv: bytes | None) -> EncryptedSecret:
    raw_key = _key(key)
    plaintext = _utf8(secret, "secret")
    aes_key, mac_key = _derive(raw_key, _utf8(name, "secret name"))
    nonce = _iv_arg(iv)
    ciphertext = primitives.AesCtr64(aes_key, nonce).update(plaintext)
    return EncryptedSecret(nonce, ciphertext, primitives.hmac_sha256(mac_key, ciphertext))


def decrypt_secret(
    key: bytes, name: str, data: EncryptedSecret | SecretStorageEncryptedData | Mapping[str, Any]
) -> str:
    """Checks the MAC (constant time), then decrypts and returns the secret string.

    ``data`` is an ``EncryptedSecret`` or the JSON object.  Raises
    ``SecretStorageError`` for a malformed object or a plaintext that is not
    UTF-8, ``SecretStorageMacError`` when the MAC does not match (wrong key, wrong
    name or altered ciphertext).  The IV is not covered by the MAC (the
    algorithm's design): an altered IV yields unrelated bytes, never the secret.
    """
    raw_key = _key(key)
    parsed = data if isinstance(data, EncryptedSecret) else EncryptedSecret.from_json(data)
    aes_key, mac_key = _derive(raw_key, _utf8(name, "secret name"))
    mac = primitives.hmac_sha256(mac_key, parsed.ciphertext)
    if not hmac.compare_digest(mac, parsed.mac):
        raise SecretStorageMacError(
            f"secret {name!r}: expected the MAC of this key and name, got one that does not "
            "match (wrong key or name, or altered data)")
    plaintext = primitives.AesCtr64(aes_key, parsed.iv).update(parsed.ciphertext)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretStorageError(
            f"secret {name!r}: expected UTF-8 text once decrypted, got invalid UTF-8") from None


# --- key descriptions ---------------------------------------------------------------------


@dataclass(frozen=True)
class PassphraseInfo:
    """``m.pbkdf2`` parameters of a passphrase-derived key (PBKDF2-HMAC-SHA-512)."""

    salt: str
    iterations: int
    bits: int = 256
    algorithm: PassphraseAlgorithm = recovery.PBKDF2_ALGORITHM

    def __post_init__(self) -> None:
        if not isinstance(self.salt, str) or not self.salt:
            raise UsageError(
                "PassphraseInfo.salt: " + expected("a non-empty str", brief(self.salt)))
        iterations = self.iterations
        if (not isinstance(iterations, int) or isinstance(iterations, bool)
                or not 1 <= iterations <= recovery.MAX_ITERATIONS):
            raise UsageError("PassphraseInfo.iterations: " + expected(
                f"an int in 1..{recovery.MAX_ITERATIONS}", brief(iterations)))
        if type(self.bits) is not int or self.bits != 256:
            raise UsageError("PassphraseInfo.bits: " + expected("256", brief(self.bits)))
        if self.algorithm != recovery.PBKDF2_ALGORITHM:
            raise UsageError("PassphraseInfo.algorithm: " + expected(
                repr(recovery.PBKDF2_ALGORITHM), brief(self.algorithm)))

    @classmethod
    def from_json(cls, obj: object) -> PassphraseInfo:
        """Parses strictly: m.pbkdf2, a non-empty salt, 1..10,000,000 iterations, 256 bits."""
        where = "key description passphrase"
        data = _object(obj, where)
        algorithm = data.get("algorithm")
        if algorithm != recovery.PBKDF2_ALGORITHM:
            raise SecretStorageAlgorithmError(
                f"{where}.algorithm: " + expected(repr(recovery.PBKDF2_ALGORITHM),
                                                  brief(algorithm)))
        salt = data.get("salt")
        if not isinstance(salt, str) or not salt:
            raise SecretStorageError(f"{where}.salt: " + expected("a non-empty string",
                                                                  brief(salt)))
        iterations = data.get("iterations")
        if type(iterations) is not int or not 1 <= iterations <= recovery.MAX_ITERATIONS:
            raise SecretStorageError(
                f"{where}.iterations: "
                + expected(f"an integer in 1..{recovery.MAX_ITERATIONS}", brief(iterations)))
        bits = data.get("bits", 256)
        if bits is None:
            bits = 256
        if type(bits) is not int or bits != 256:
            raise SecretStorageError(f"{where}.bits: " + expected("256", brief(bits)))
        return cls(salt, iterations, bits)

    def to_json(self) -> PassphraseInfoJson:
        """The ``passphrase`` object (``bits`` written out, as js-sdk does)."""
        return {"algorithm": self.algorithm, "salt": self.salt,
                "iterations": self.iterations, "bits": self.bits}

    def derive(
        self, passphrase: str, *, max_iterations: int = recovery.DEFAULT_MAX_ITERATIONS
    ) -> bytes:
        """The 32-byte key for ``passphrase`` (PBKDF2-HMAC-SHA-512 in OpenSSL).

        The iterations come from account data, so more than ``max_iterations`` (default
        1,000,000, every client's setting) raise ``SecretStorageKdfCostError`` before any
        work; pass a larger value (up to 10,000,000) to allow more.
        """
        limit = recovery.check_max_iterations(max_iterations)
        if self.iterations > limit:
            raise SecretStorageKdfCostError(recovery.iterations_beyond(
                "key description passphrase.iterations", self.iterations, limit))
        return recovery.key_from_passphrase(passphrase, self.salt, self.iterations, self.bits)


@dataclass(frozen=True)
class KeyDescription:
    """The content of ``m.secret_storage.key.<key id>`` for aes-hmac-sha2.

    ``iv`` and ``mac`` are optional in the spec; when either is missing no key
    can be checked and every key is taken as right (the spec's rule).
    """

    iv: bytes | None
    mac: bytes | None
    name: str | None = None
    passphrase: PassphraseInfo | None = None
    algorithm: SecretStorageAlgorithm = ALGORITHM

    def __post_init__(self) -> None:
        _bytes_field(self, "iv", IV_LEN, optional=True)
        _bytes_field(self, "mac", MAC_LEN, optional=True)
        if self.name is not None and not isinstance(self.name, str):
            raise UsageError("KeyDescription.name: "
                             + expected("a str or None", type(self.name).__name__))
        if self.passphrase is not None and not isinstance(self.passphrase, PassphraseInfo):
            raise UsageError("KeyDescription.passphrase: " + expected(
                "a PassphraseInfo or None", type(self.passphrase).__name__))

    @classmethod
    def from_json(cls, obj: object) -> KeyDescription:
        """Parses strictly; other members (``signatures``, ...) are ignored."""
        where = "key description"
        data = _object(obj, where)
        algorithm = data.get("algorithm")
        if algorithm != ALGORITHM:
            raise SecretStorageAlgorithmError(
                f"{where}.algorithm: " + expected(repr(ALGORITHM), brief(algorithm)))
        name = data.get("name")
        if name is not None and not isinstance(name, str):
            raise SecretStorageError(f"{where}.name: " + expected("a string",
                                                                  type(name).__name__))
        passphrase = data.get("passphrase")
        info = None if passphrase is None else PassphraseInfo.from_json(passphrase)
        iv = _b64field(data, "iv", where, IV_LEN, optional=True)
        mac = _b64field(data, "mac", where, MAC_LEN, optional=True)
        return cls(iv, mac, name, info)

    def to_json(self) -> SecretStorageKeyDescription:
        """The account-data content, unpadded base64, optional members only when set."""
        out: SecretStorageKeyDescription = {"algorithm": self.algorithm}
        if self.name is not None:
            out["name"] = self.name
        if self.passphrase is not None:
            out["passphrase"] = self.passphrase.to_json()
        if self.iv is not None:
            out["iv"] = _b64.encode_public(self.iv)
        if self.mac is not None:
            out["mac"] = _b64.encode_public(self.mac)
        return out


def key_check_mac(key: bytes, iv: bytes) -> bytes:
    """The check MAC: HMAC over AES-CTR(32 zero bytes), keys derived with the empty name."""
    raw_key = _key(key)
    nonce = primitives.require_bytes("IV", iv, IV_LEN)
    aes_key, mac_key = _derive(raw_key, b"")
    ciphertext = primitives.AesCtr64(aes_key, nonce).update(_CHECK_PLAINTEXT)
    return primitives.hmac_sha256(mac_key, ciphertext)


def create_key_description(key: bytes, *, name: str | None = None,
                           passphrase: PassphraseInfo | None = None,
                           iv: bytes | None = None) -> KeyDescription:
    """A description of ``key`` with its check ``iv``/``mac`` (a fresh IV each call).

    ``iv`` is deprecated (DeprecationWarning; removed in the next minor release): the
    known-answer hook moved to ``olmpy.testing.create_key_description``.
    """
    if iv is not None:
        _warn_iv("create_key_description")
    return _create_key_description(key, name, passphrase, iv)


def _create_key_description(key: bytes, name: str | None, passphrase: PassphraseInfo | None,
                            iv: bytes | None) -> KeyDescription:
    raw_key = _key(key)
    if name is not None and not isinstance(name, str):
        raise UsageError("key name: " + expected("a str or None", type(name).__name__))
    if passphrase is not None and not isinstance(passphrase, PassphraseInfo):
        raise UsageError("passphrase: " + expected("a PassphraseInfo or None",
                                                   type(passphrase).__name__))
    nonce = _iv_arg(iv)
    return KeyDescription(nonce, key_check_mac(raw_key, nonce), name, passphrase)


def check_key(key: bytes, description: _Description) -> bool:
    """Whether ``key`` is the key ``description`` describes (MACs compared in constant time).

    True when the description has no ``iv``/``mac`` (nothing to check against).
    A malformed description raises ``SecretStorageError``.
    """
    raw_key = _key(key)
    parsed = (description if isinstance(description, KeyDescription)
              else KeyDescription.from_json(description))
    if parsed.iv is None or parsed.mac is None:
        return True
    return hmac.compare_digest(key_check_mac(raw_key, parsed.iv), parsed.mac)


# --- the key object -----------------------------------------------------------------------


def _key_id_arg(key_id: object) -> str:
    if key_id is None:
        return "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(_KEY_ID_LEN))
    if not isinstance(key_id, str) or not key_id:
        raise UsageError("key id: " + expected("a non-empty str", brief(key_id)))
    return key_id


class SecretStorageKey:
    """A secret storage key with its id and description; the key never shows in ``repr``.

    Opened keys have passed the description's check.  ``encrypt``/``decrypt``
    work on one ``{"iv", "ciphertext", "mac"}`` object; ``secret_event_content``
    and ``decrypt_event`` on a whole ``{"encrypted": {<key id>: ...}}`` content.
    """

    __slots__ = ("_key", "description", "key_id")

    __reduce__ = refuse_pickle(".to_recovery_key(), or .to_bytes() in an encrypted store")

    def __init__(self, key: bytes, key_id: str, description: _Description
                 ) -> None:
        """Opens ``key`` under ``description``; raises ``SecretStorageKeyMismatchError``."""
        raw_key = _key(key)
        if not isinstance(key_id, str) or not key_id:
            raise UsageError("key id: " + expected("a non-empty str", brief(key_id)))
        parsed = (description if isinstance(description, KeyDescription)
                  else KeyDescription.from_json(description))
        if not check_key(raw_key, parsed):
            raise SecretStorageKeyMismatchError(
                f"secret storage key {key_id!r}: expected the key the description's MAC was "
                "made with, got another (wrong recovery key or passphrase)")
        self._key = raw_key
        self.key_id: str = key_id
        self.description: KeyDescription = parsed

    def __repr__(self) -> str:
        return f"SecretStorageKey(key_id={self.key_id!r}, key=<hidden>)"

    @classmethod
    def generate(cls, *, name: str | None = None, key_id: str | None = None
                 ) -> SecretStorageKey:
        """A new random key (32 bytes) with a fresh 32-character key id."""
        key = os.urandom(KEY_LEN)
        return cls(key, _key_id_arg(key_id), create_key_description(key, name=name))

    @classmethod
    def generate_from_passphrase(cls, passphrase: str, *,
                                 iterations: int = recovery.DEFAULT_ITERATIONS,
                                 name: str | None = None, key_id: str | None = None
                                 ) -> SecretStorageKey:
        """A new key derived from ``passphrase`` under fresh m.pbkdf2 parameters."""
        fresh = recovery.generate_passphrase_info(iterations)
        info = PassphraseInfo(fresh["salt"], fresh["iterations"])
        key = info.derive(passphrase, max_iterations=info.iterations)  # the caller's own count
        return cls(key, _key_id_arg(key_id),
                   create_key_description(key, name=name, passphrase=info))

    @classmethod
    def from_recovery_key(cls, text: str, key_id: str,
                          description: _Description) -> SecretStorageKey:
        """Opens the key written as a recovery key (base58, spaces ignored)."""
        return cls(recovery.decode_recovery_key(text), key_id, description)

    @classmethod
    def from_passphrase(cls, passphrase: str, key_id: str,
                        description: _Description, *,
                        max_iterations: int = recovery.DEFAULT_MAX_ITERATIONS
                        ) -> SecretStorageKey:
        """Opens the key derived from ``passphrase`` with the description's parameters;
        ``max_iterations`` bounds the server-chosen PBKDF2 count (see ``PassphraseInfo``)."""
        parsed = (description if isinstance(description, KeyDescription)
                  else KeyDescription.from_json(description))
        if parsed.passphrase is None:
            raise UsageError(f"secret storage key {key_id!r}: expected a description with "
                             "passphrase parameters, got one without (use the recovery key)")
        key = parsed.passphrase.derive(passphrase, max_iterations=max_iterations)
        return cls(key, key_id, parsed)

    @property
    def event_type(self) -> str:
        """``m.secret_storage.key.<key id>``, the account-data type of the description."""
        return KEY_EVENT_PREFIX + self.key_id

    def to_bytes(self) -> bytes:
        """The raw 32-byte key (secret)."""
        return self._key

    def to_recovery_key(self) -> str:
        """The key as a recovery key text (base58, groups of four)."""
        return recovery.encode_recovery_key(self._key)

    def encrypt(self, name: str, secret: str) -> SecretStorageEncryptedData:
        """The ``{"iv", "ciphertext", "mac"}`` object for ``secret`` under this key."""
        return encrypt_secret(self._key, name, secret).to_json()

    def decrypt(
        self, name: str, data: EncryptedSecret | SecretStorageEncryptedData | Mapping[str, Any]
    ) -> str:
        """The secret in one encrypted object (see ``decrypt_secret``)."""
        return decrypt_secret(self._key, name, data)

    def secret_event_content(self, name: str, secret: str) -> SecretEventContent:
        """``{"encrypted": {<key id>: {...}}}``, the account-data content for ``name``."""
        return {"encrypted": {self.key_id: self.encrypt(name, secret)}}

    def decrypt_event(self, name: str, content: SecretEventContent | Mapping[str, Any]) -> str:
        """The secret from the account-data content of event type ``name``."""
        encrypted = _object(_object(content, f"{name} content").get("encrypted"),
                            f"{name} content.encrypted")
        if self.key_id not in encrypted:
            raise SecretStorageError(
                f"{name} content.encrypted: " + expected(f"an entry for key {self.key_id!r}",
                                                         f"keys {brief(list(encrypted))}"))
        return self.decrypt(name, encrypted[self.key_id])

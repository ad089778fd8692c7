"""libolm's public-key encryption (PkEncryption / PkDecryption), as key backup uses it.

The scheme (``m.megolm_backup.v1.curve25519-aes-sha2``), checked against libolm's
pk.cpp, vodozemac's pk_encryption.rs and both libraries live:

1. The sender makes an ephemeral X25519 key pair; shared = X25519(ephemeral, recipient).
2. 80 bytes = HKDF-SHA-256(salt = 32 zero bytes, ikm = shared, info = ""):
   AES key (32) | MAC key (32) | IV (16).
3. ciphertext = AES-256-CBC with PKCS#7 padding of the plaintext.
4. mac = HMAC-SHA-256(MAC key, **empty string**)[:8].  The spec says the MAC covers the
   ciphertext; libolm computes it over nothing, and vodozemac and every client copy
   that, so the MAC only confirms the shared secret.  It does not authenticate the
   ciphertext: anyone who knows the public key can make messages that decrypt.

``PkDecryption.decrypt`` checks the MAC in constant time before any decryption.  MACs
must be exactly 8 bytes (libolm reads 8; vodozemac also accepts any left prefix of
1..32 bytes of the tag, which olmpy refuses).

Pickles: olmpy's own format (``pickle``), libolm's (``to_libolm_pickle``: version 1,
public key 32, private key 32) and vodozemac's.  vodozemac has no serde pickle for
PkDecryption: its only persistent form is ``PkDecryption::to_libolm_pickle`` (any key
bytes), so ``to_vodozemac_pickle`` writes exactly that; its Python binding exposes
neither, only the secret key (``PkDecryption.key``).
"""

from __future__ import annotations

import hmac
import os
import warnings
from collections.abc import Callable, Mapping
from typing import Any, overload

from olmpy import _b64, _backend
from olmpy._contract import Backend, Secret
from olmpy._nocopy import refuse_pickle, same_object
from olmpy.errors import (
    MessageDecodeError,
    PickleError,
    PublicKeyMismatchError,
    UsageError,
    expected,
)
from olmpy.keys import Curve25519PublicKey
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _native as native_pickle
from olmpy.pickle._keys import deprecated
from olmpy.recovery import decode_recovery_key, encode_recovery_key
from olmpy.types import EncryptedSessionData

__all__ = ["MAC_LENGTH", "PICKLE_VERSION", "PkDecryption", "PkEncryption", "PkMessage"]

MAC_LENGTH = 8
PICKLE_VERSION = 1
_PICKLE_KIND = "pk_decryption"


class PkMessage:
    """An encrypted PK message: ciphertext, 8-byte MAC and the sender's ephemeral key.

    In key backup it travels as ``session_data`` = ``{"ciphertext", "mac", "ephemeral"}``
    in unpadded base64 (``to_json`` / ``from_json``, the names olmpy's other JSON-carried
    types use; ``to_dict`` / ``from_dict`` are deprecated aliases).  python-olm's
    ``PkMessage(ephemeral_key, mac, ciphertext)`` holds the same three base64 strings:
    ``PkMessage.from_base64(m.ciphertext, m.mac, m.ephemeral_key)`` converts one.
    """

    __slots__ = ("_ciphertext", "_ephemeral", "_mac")

    def __init__(
        self, ciphertext: bytes, mac: bytes, ephemeral_key: Curve25519PublicKey | str | bytes
    ) -> None:
        for name, value in (("ciphertext", ciphertext), ("MAC", mac)):
            if not isinstance(value, (bytes, bytearray, memoryview)):
                raise UsageError(f"PK message {name}: " + expected("bytes", type(value).__name__))
        self._ciphertext = bytes(ciphertext)
        self._mac = bytes(mac)  # bytes first: a memoryview's len() counts items
        if len(self._mac) != MAC_LENGTH:
            raise MessageDecodeError(
                "PK message MAC: " + expected(f"{MAC_LENGTH} bytes", f"{len(self._mac)} bytes")
            )
        self._ephemeral = Curve25519PublicKey(
            Curve25519PublicKey._coerce(ephemeral_key, "PK message ephemeral key")
        )

    @classmethod
    def _trusted(cls, ciphertext: bytes, mac: bytes, ephemeral: bytes) -> PkMessage:
        """Wraps the parts ``PkEncryption.encrypt`` just made (bytes of the right sizes)."""
        self = cls.__new__(cls)
        self._ciphertext = ciphertext
        self._mac = mac
        self._ephemeral = Curve25519PublicKey(ephemeral)
        return self

    @classmethod
    def from_base64(cls, ciphertext: str, mac: str, ephemeral_key: str) -> PkMessage:
        """Decodes the three base64 parts (vodozemac's argument order)."""
        for name, value in (("ciphertext", ciphertext), ("MAC", mac)):
            if not isinstance(value, str):
                raise UsageError(
                    f"PK message {name}: " + expected("a base64 str", type(value).__name__)
                )
        if not isinstance(ephemeral_key, str):
            got = type(ephemeral_key).__name__
            raise UsageError("PK message ephemeral key: " + expected("a base64 str", got))
        return cls(
            _b64.decode_public(ciphertext, "PK message ciphertext"),
            _b64.decode_public(mac, "PK message MAC"),
            ephemeral_key,
        )

    @classmethod
    def from_dict(cls, data: EncryptedSessionData | Mapping[str, Any]) -> PkMessage:
        """Deprecated alias of ``from_json`` (olmpy's JSON-carried types use from/to_json)."""
        warnings.warn(
            "PkMessage.from_dict is deprecated; use PkMessage.from_json",
            DeprecationWarning,
            stacklevel=2,
        )
        return cls.from_json(data)

    @classmethod
    def from_json(cls, data: EncryptedSessionData | Mapping[str, Any]) -> PkMessage:
        """Parses backup ``session_data``: ``{"ciphertext", "mac", "ephemeral"}`` (base64).

        Extra fields are ignored; a missing or non-string field is a MessageDecodeError.
        """
        if not isinstance(data, Mapping):
            raise MessageDecodeError(
                "session_data: " + expected("a JSON object", type(data).__name__)
            )
        parts = []
        for name in ("ciphertext", "mac", "ephemeral"):
            value = data.get(name)
            if not isinstance(value, str):
                got = "none" if value is None else type(value).__name__
                raise MessageDecodeError(f"session_data {name}: " + expected("a string", got))
            parts.append(value)
        return cls.from_base64(parts[0], parts[1], parts[2])

    @property
    def ciphertext(self) -> bytes:
        """The AES-256-CBC ciphertext."""
        return self._ciphertext

    @property
    def mac(self) -> bytes:
        """The 8-byte MAC (over the empty string, see the module notes)."""
        return self._mac

    @property
    def ephemeral_key(self) -> Curve25519PublicKey:
        """The sender's ephemeral Curve25519 public key."""
        return self._ephemeral

    def to_base64(self) -> tuple[str, str, str]:
        """(ciphertext, mac, ephemeral_key) in unpadded base64: ``from_base64``'s order.

        vodozemac 0.10's Python ``Message.to_base64`` documents this order but returns
        (ephemeral_key, mac, ciphertext); olmpy keeps the documented one, which
        round-trips through ``from_base64`` (olmpy's and vodozemac's alike).
        """
        return (
            _b64.encode_public(self._ciphertext),
            _b64.encode_public(self._mac),
            self._ephemeral.to_base64(),
        )

    def to_dict(self) -> EncryptedSessionData:
        """Deprecated alias of ``to_json``."""
        warnings.warn(
            "PkMessage.to_dict is deprecated; use PkMessage.to_json",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.to_json()

    def to_json(self) -> EncryptedSessionData:
        """Backup ``session_data``: ``{"ephemeral", "ciphertext", "mac"}`` in unpadded base64."""
        ciphertext, mac, ephemeral = self.to_base64()
        return {"ephemeral": ephemeral, "ciphertext": ciphertext, "mac": mac}

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PkMessage)
            and other._ciphertext == self._ciphertext
            and other._mac == self._mac
            and other._ephemeral == self._ephemeral
        )

    def __hash__(self) -> int:
        return hash((self._ciphertext, self._mac, self._ephemeral))

    def __repr__(self) -> str:
        return (
            f"PkMessage(ciphertext=<{len(self._ciphertext)} bytes>, "
            f"mac={_b64.encode_public(self._mac)}, ephemeral_key={self._ephemeral.to_base64()})"
        )


class PkEncryption:
    """Encrypts messages for the holder of a Curve25519 key (vodozemac: ``PkEncryption``)."""

    __slots__ = ("_recipient", "_rng")

    def __init__(
        self,
        recipient_key: Curve25519PublicKey | str | bytes,
        *,
        rng: Callable[[int], bytes] | None = None,
    ) -> None:
        """``recipient_key``: a Curve25519PublicKey or its base64 (bytes of 32 also work).

        Each message gets a fresh ephemeral secret from ``os.urandom``.  ``rng`` is
        deprecated (DeprecationWarning; removed in the next minor release): the test hook
        moved to ``olmpy.testing.pk_encryption``.
        """
        self._setup(recipient_key, rng, "PkEncryption(rng=...)")

    def _setup(
        self,
        recipient_key: Curve25519PublicKey | str | bytes,
        rng: Callable[[int], bytes] | None,
        deprecated: str | None = None,
    ) -> None:
        self._recipient = Curve25519PublicKey._coerce(recipient_key, "PK recipient key")
        if rng is not None and deprecated is not None:
            warnings.warn(
                f"{deprecated} is a test hook and moved to olmpy.testing.pk_encryption",
                DeprecationWarning,
                stacklevel=3,
            )
        if rng is not None and not callable(rng):
            raise UsageError("rng: " + expected("a callable", type(rng).__name__))
        self._rng = rng or os.urandom

    @classmethod
    def _with_rng(
        cls,
        recipient_key: Curve25519PublicKey | str | bytes,
        rng: Callable[[int], bytes] | None,
    ) -> PkEncryption:
        """An encryptor whose ephemeral secrets come from ``rng`` (olmpy.testing)."""
        self = cls.__new__(cls)
        self._setup(recipient_key, rng)
        return self

    @classmethod
    def from_key(
        cls,
        recipient_key: Curve25519PublicKey | str | bytes,
        *,
        rng: Callable[[int], bytes] | None = None,
    ) -> PkEncryption:
        """The same as the constructor (vodozemac's name); ``rng`` is deprecated there too."""
        self = cls.__new__(cls)
        self._setup(recipient_key, rng, "PkEncryption.from_key(rng=...)")
        return self

    @property
    def recipient_key(self) -> Curve25519PublicKey:
        """The key messages are encrypted for."""
        return Curve25519PublicKey(self._recipient)

    def encrypt(self, plaintext: bytes | str) -> PkMessage:
        """Encrypts ``plaintext`` (str as UTF-8) under a fresh ephemeral key.

        A recipient key that gives an all-zero shared secret raises KeyDecodeError.
        """
        if isinstance(plaintext, str):
            try:
                plaintext = plaintext.encode("utf-8")
            except UnicodeEncodeError:
                raise UsageError(
                    "PK plaintext: expected text encodable as UTF-8, got lone surrogates"
                ) from None
        elif not isinstance(plaintext, (bytes, bytearray, memoryview)):
            raise UsageError("PK plaintext: " + expected("bytes or str", type(plaintext).__name__))
        b = _backend.impl
        secret = self._rng(32)
        if not isinstance(secret, bytes) or len(secret) != 32:
            got = f"{len(secret)} bytes" if isinstance(secret, bytes) else type(secret).__name__
            raise UsageError("rng(32): " + expected("32 bytes", got))
        # One native call: X25519, HKDF, AES-CBC, MAC.  The secret goes in as the rng's own
        # bytes: a wiping copy would leave that object behind all the same.
        ephemeral, ciphertext, mac = b.pk_encrypt(secret, self._recipient, bytes(plaintext))
        return PkMessage._trusted(ciphertext, mac, ephemeral)

    def __repr__(self) -> str:
        return f"PkEncryption(recipient_key={_b64.encode_public(self._recipient)})"


class PkDecryption:
    """Holds a Curve25519 private key and decrypts PK messages (vodozemac: ``PkDecryption``).

    The backup decryption key of ``m.megolm_backup.v1.curve25519-aes-sha2`` is such a key;
    ``from_recovery_key`` and ``to_recovery_key`` convert to the text users keep.
    """

    __slots__ = ("_b", "_public", "_secret")

    __reduce__ = refuse_pickle(".pickle(pickle_key) and .from_pickle()")
    __copy__ = __deepcopy__ = same_object  # immutable: a copy is the object

    _b: Backend[Secret]
    _secret: Secret
    _public: bytes

    def __init__(self) -> None:
        """A new random key pair."""
        self._setup(os.urandom(32))

    def _setup(self, secret: bytes) -> None:
        b = _backend.impl
        self._b = b
        self._secret = b.secret_buffer(secret)
        self._public = b.x25519_public_batch(self._secret)

    @classmethod
    def from_key(cls, secret_key: bytes) -> PkDecryption:
        """From the 32-byte private key (what ``key`` returns)."""
        if not isinstance(secret_key, (bytes, bytearray, memoryview)):
            raise UsageError("PK private key: " + expected("32 bytes", type(secret_key).__name__))
        raw = bytes(secret_key)
        if len(raw) != 32:
            raise UsageError("PK private key: " + expected("32 bytes", f"{len(raw)} bytes"))
        self = cls.__new__(cls)
        self._setup(raw)
        return self

    @classmethod
    def from_recovery_key(cls, recovery_key: str) -> PkDecryption:
        """From a recovery key text (raises RecoveryKeyError if it does not decode)."""
        return cls.from_key(decode_recovery_key(recovery_key))

    @property
    def public_key(self) -> Curve25519PublicKey:
        """The public key that senders encrypt for (the backup's ``auth_data.public_key``)."""
        return Curve25519PublicKey(self._public)

    @property
    def key(self) -> bytes:
        """The 32-byte private key.  Keep it secret."""
        out: bytes = self._b.read_secret(self._secret)
        return out

    def to_recovery_key(self) -> str:
        """The private key as a recovery key text.  Keep it secret."""
        return encode_recovery_key(self.key)

    def matches(self, public_key: Curve25519PublicKey | str | bytes) -> bool:
        """Whether ``public_key`` (say a backup's ``auth_data.public_key``) is this key's."""
        other = Curve25519PublicKey._coerce(public_key, "public key")
        return hmac.compare_digest(other, self._public)

    def decrypt(self, message: PkMessage | EncryptedSessionData | Mapping[str, Any]) -> bytes:
        """Decrypts a PkMessage (or a ``session_data`` dict); returns the plaintext bytes.

        Order: X25519 (an all-zero shared secret is a KeyDecodeError), the MAC compared in
        constant time (MacError, before any decryption), then AES-256-CBC (a bad length or
        padding is a CiphertextError).
        """
        if isinstance(message, Mapping):
            message = PkMessage.from_json(message)
        elif not isinstance(message, PkMessage):
            got = type(message).__name__
            raise UsageError("PK message: " + expected("PkMessage or a session_data dict", got))
        plaintext: bytes = self._b.pk_decrypt(  # one native call, MAC checked first
            self._secret, message.ephemeral_key.to_bytes(), message.ciphertext, message.mac
        )
        return plaintext

    # --- pickles ----------------------------------------------------------------------

    def _libolm_body(self) -> bytes:
        return libolm.u32(PICKLE_VERSION) + self._public + self.key

    @classmethod
    def _from_libolm_body(cls, raw: bytes, what: str) -> PkDecryption:
        reader = libolm.Reader(raw, what)
        libolm.version(reader, (PICKLE_VERSION,), what)
        public = reader.take(32)
        secret = reader.take(32)
        reader.end()
        self = cls.__new__(cls)
        self._setup(secret)
        if not hmac.compare_digest(self._public, public):
            # libolm trusts the stored public key, vodozemac recomputes it; a mismatch
            # means a damaged or forged pickle, so olmpy refuses it.
            raise PublicKeyMismatchError(
                f"{what}: expected the public key of the stored private key, got another"
            )
        return self

    @overload
    def pickle(self, pickle_key: bytes) -> str: ...
    @overload
    @deprecated("a str is a passphrase: use pickle_with_passphrase")
    def pickle(self, pickle_key: str) -> str: ...
    def pickle(self, pickle_key: bytes | str) -> str:
        """olmpy's authenticated pickle under a 32-byte key (SPEC.md section 12).

        A str is deprecated here: it is taken as a passphrase, as ``pickle_with_passphrase``
        takes it, with a DeprecationWarning.
        """
        return native_pickle.seal(self._libolm_body(), _PICKLE_KIND, pickle_key)

    def pickle_with_passphrase(self, passphrase: str) -> str:
        """olmpy's authenticated pickle under a non-empty passphrase, stretched with scrypt
        (about 0.1 s a call: to store many objects, derive one 32-byte key and use
        ``pickle``)."""
        return native_pickle.seal_with_passphrase(self._libolm_body(), _PICKLE_KIND, passphrase)

    @overload
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> PkDecryption: ...
    @overload
    @classmethod
    @deprecated("a str is a passphrase: use from_pickle_with_passphrase")
    def from_pickle(cls, pickle: str, pickle_key: str) -> PkDecryption: ...
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes | str) -> PkDecryption:
        """Loads a pickle made by ``pickle`` with the same 32-byte key.

        A str is deprecated here: it is taken as a passphrase, as
        ``from_pickle_with_passphrase`` takes it, with a DeprecationWarning.
        """
        body = native_pickle.open_sealed(pickle, _PICKLE_KIND, pickle_key)
        return cls._from_libolm_body(body, "olmpy PK decryption pickle body")

    @classmethod
    def from_pickle_with_passphrase(cls, pickle: str, passphrase: str) -> PkDecryption:
        """Loads a pickle made by ``pickle_with_passphrase`` with the same passphrase.

        Its scrypt parameters may be at most what olmpy writes, unless raised with
        ``olmpy.pickle.scrypt_limit`` (``ScryptCostError`` otherwise).
        """
        body = native_pickle.open_sealed_with_passphrase(pickle, _PICKLE_KIND, passphrase)
        return cls._from_libolm_body(body, "olmpy PK decryption pickle body")

    def to_libolm_pickle(self, pickle_key: bytes | str, *, allow_weak_key: bool = False) -> str:
        """A libolm PkDecryption pickle (version 1); python-olm's ``pickle(passphrase)``
        is this with the passphrase's UTF-8 bytes as key.

        ``pickle_key`` is bytes, or a str taken as its UTF-8 bytes (python-olm's
        passphrase; libolm's format does not stretch it).  It must have at least 32 bytes:
        ``allow_weak_key=True`` lifts that, only to write for a peer that uses a shorter
        key, such as python-olm's default empty passphrase.
        """
        return libolm.seal(self._libolm_body(), pickle_key, allow_weak_key=allow_weak_key)

    @classmethod
    def from_libolm_pickle(cls, pickle: str | bytes, pickle_key: bytes | str) -> PkDecryption:
        """Loads a libolm PkDecryption pickle (python-olm's ``PkDecryption.pickle``)."""
        what = "libolm PK decryption pickle"
        if isinstance(pickle, (bytes, bytearray)):
            try:
                pickle = bytes(pickle).decode("ascii")
            except UnicodeDecodeError:
                raise PickleError(f"{what}: expected base64, got non-ASCII bytes") from None
        return cls._from_libolm_body(libolm.open_sealed(pickle, pickle_key, what), what)

    def to_vodozemac_pickle(self, pickle_key: bytes, *, allow_weak_key: bool = False) -> str:
        """What vodozemac's ``PkDecryption::to_libolm_pickle`` writes (its only pickle).

        vodozemac keeps no JSON pickle for PkDecryption, so this is the libolm format
        (version 1).  vodozemac takes ``pickle_key`` bytes of any length; olmpy writes
        with at least 32 unless ``allow_weak_key=True`` (only to write for a peer that
        uses a shorter key).
        """
        body = self._libolm_body()
        return libolm.seal(body, pickle_key, allow_weak_key=allow_weak_key, text=False)

    @classmethod
    def from_vodozemac_pickle(cls, pickle: str, pickle_key: bytes) -> PkDecryption:
        """Loads what vodozemac's ``PkDecryption::to_libolm_pickle`` wrote."""
        what = "vodozemac PK decryption pickle"
        body = libolm.open_sealed(pickle, _vodozemac_key(pickle_key), what)
        return cls._from_libolm_body(body, what)

    def __repr__(self) -> str:
        return f"PkDecryption(public_key={_b64.encode_public(self._public)})"


def _vodozemac_key(key: object) -> bytes:
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise UsageError("vodozemac pickle key: " + expected("bytes", type(key).__name__))
    return bytes(key)

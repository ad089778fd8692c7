"""The drop-in for vodozemac's Python binding 0.10.0, over olmpy's own objects.

Every class here holds one olmpy object (slot ``_o``) and forwards to it; olmpy's
errors become the binding's exception classes (all ValueError subclasses).  No
protocol or cryptography lives here.  SPEC.md section 21 lists the differences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn, TypeVar

import olmpy
from olmpy import errors as _e

__all__ = [  # noqa: RUF022 (the binding's own order)
    "Account",
    "Session",
    "AnyOlmMessage",
    "PreKeyMessage",
    "Sas",
    "EstablishedSas",
    "GroupSession",
    "InboundGroupSession",
    "SessionKey",
    "ExportedSessionKey",
    "MegolmMessage",
    "Ed25519PublicKey",
    "Ed25519Signature",
    "Curve25519PublicKey",
    "Curve25519SecretKey",
    "PkDecryption",
    "PkEncryption",
    "Message",
    "KeyException",
    "SignatureException",
    "DecodeException",
    "LibolmPickleException",
    "SessionKeyDecodeException",
    "PickleException",
    "SessionCreationException",
    "SasException",
    "OlmEncryptionException",
    "OlmDecryptionException",
    "MegolmDecryptionException",
    "PkInvalidKeySizeException",
    "PkDecodeException",
]


# --- exceptions ---------------------------------------------------------------------------


class KeyException(ValueError):
    """A key did not decode (length, base64, or a non-contributory Diffie-Hellman)."""


class SignatureException(ValueError):
    """A signature did not decode or did not verify."""


class DecodeException(ValueError):
    """An Olm or Megolm message did not decode."""


class LibolmPickleException(ValueError):
    """A libolm pickle could not be opened or read."""


class SessionKeyDecodeException(ValueError):
    """A Megolm session key (or exported one) did not decode."""


class PickleException(ValueError):
    """A vodozemac pickle could not be written or read."""


class SessionCreationException(ValueError):
    """An inbound Olm session could not be created from a pre-key message."""


class SasException(ValueError):
    """A SAS step failed (reused Sas, a MAC that does not match)."""


class OlmEncryptionException(ValueError):
    """Olm encryption failed (kept for the surface; olmpy's never does)."""


class OlmDecryptionException(ValueError):
    """An Olm message did not decrypt."""


class MegolmDecryptionException(ValueError):
    """A Megolm message did not decrypt."""


class PkInvalidKeySizeException(ValueError):
    """A PK message's ephemeral key is not 32 bytes."""


class PkDecodeException(ValueError):
    """A PK message did not decode or did not decrypt."""


def _raise(cls: type[ValueError], err: BaseException) -> NoReturn:
    raise cls(str(err)) from err


def _type_error(expected_type: str, value: object) -> TypeError:
    return TypeError(f"'{type(value).__name__}' object is not an instance of '{expected_type}'")


def _need_bytes(value: object) -> bytes:
    if type(value) is not bytes:
        if isinstance(value, bytes):
            return bytes(value)
        raise _type_error("bytes", value)
    return value


def _need_str(value: object) -> str:
    if not isinstance(value, str):
        raise _type_error("str", value)
    return value


def _no_init(self: object, *args: object) -> None:
    """Instances come only from the binding's factories, as in vodozemac."""
    raise TypeError(f"cannot create '{type(self).__name__}' instances")


_T = TypeVar("_T")

if TYPE_CHECKING:

    def _new(cls: type[_T]) -> _T:
        """``object.__new__``: a wrapper without running its ``__init__``."""

else:
    _new = object.__new__
_key_errors = (_e.DecodeError, _e.UsageError)


_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _b64_text(value: object, err: BaseException) -> str:
    """The binding's text for bad base64 ("Invalid symbol N, offset I."), else olmpy's."""
    if isinstance(err, _e.Base64Error) and isinstance(value, str):
        for i, ch in enumerate(value.encode("utf-8", "replace")):
            if ch not in _B64:
                return f"Invalid symbol {ch}, offset {i}."
    return str(err)


def _pickle_key(key: object) -> bytes:
    raw = _need_bytes(key)
    if len(raw) != 32:
        raise PickleException(
            f"The pickle key doesn't have the correct size, got {len(raw)}, expected 32 bytes"
        )
    return raw


def _libolm_error(err: BaseException) -> NoReturn:
    text = str(err)
    if " version: expected" in text:
        text = "The pickle uses an unsupported version: " + text
    raise LibolmPickleException(text) from err


# --- keys ---------------------------------------------------------------------------------


class Ed25519PublicKey:
    """An Ed25519 public key (compares by value, not hashable)."""

    __slots__ = ("_o",)
    _o: olmpy.Ed25519PublicKey
    if not TYPE_CHECKING:
        __init__ = _no_init
    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_base64(cls, key: str) -> Ed25519PublicKey:
        """From unpadded base64."""
        try:
            o = olmpy.Ed25519PublicKey.from_base64(_need_str(key))
        except _key_errors as err:
            _raise(KeyException, err)
        w = _new(cls)
        w._o = o
        return w

    def to_base64(self) -> str:
        """Unpadded base64."""
        return self._o.to_base64()

    def verify_signature(self, message: bytes, signature: Ed25519Signature) -> None:
        """Raises SignatureException unless ``signature`` signs ``message``."""
        if not isinstance(signature, Ed25519Signature):
            raise _type_error("Ed25519Signature", signature)
        try:
            self._o.verify_signature(_need_bytes(message), signature._o)
        except (_e.SignatureError, _e.DecodeError) as err:
            _raise(SignatureException, err)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ed25519PublicKey):
            return self._o == other._o
        return NotImplemented


def _ed(o: olmpy.Ed25519PublicKey) -> Ed25519PublicKey:
    w = _new(Ed25519PublicKey)
    w._o = o
    return w


class Ed25519Signature:
    """An Ed25519 signature."""

    __slots__ = ("_o",)
    _o: olmpy.Ed25519Signature
    if not TYPE_CHECKING:
        __init__ = _no_init

    @classmethod
    def from_base64(cls, session_key: str) -> Ed25519Signature:
        """From unpadded base64 (SignatureException if it does not decode)."""
        try:
            o = olmpy.Ed25519Signature.from_base64(_need_str(session_key))
        except _key_errors as err:
            _raise(SignatureException, err)
        w = _new(cls)
        w._o = o
        return w

    def to_base64(self) -> str:
        """Unpadded base64."""
        return self._o.to_base64()


def _sig(o: olmpy.Ed25519Signature) -> Ed25519Signature:
    w = _new(Ed25519Signature)
    w._o = o
    return w


class Curve25519PublicKey:
    """A Curve25519 public key (compares by value, not hashable)."""

    __slots__ = ("_o",)
    _o: olmpy.Curve25519PublicKey
    if not TYPE_CHECKING:
        __init__ = _no_init
    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def from_base64(cls, key: str) -> Curve25519PublicKey:
        """From unpadded base64."""
        try:
            o = olmpy.Curve25519PublicKey.from_base64(_need_str(key))
        except _key_errors as err:
            _raise(KeyException, err)
        w = _new(cls)
        w._o = o
        return w

    @classmethod
    def from_bytes(cls, bytes: bytes) -> Curve25519PublicKey:
        """From the 32 raw bytes."""
        try:
            o = olmpy.Curve25519PublicKey.from_bytes(_need_bytes(bytes))
        except _key_errors as err:
            _raise(KeyException, err)
        w = _new(cls)
        w._o = o
        return w

    def to_base64(self) -> str:
        """Unpadded base64."""
        return self._o.to_base64()

    def to_bytes(self) -> bytes:
        """The 32 raw bytes."""
        return self._o.to_bytes()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Curve25519PublicKey):
            return self._o == other._o
        return NotImplemented


def _curve(o: olmpy.Curve25519PublicKey) -> Curve25519PublicKey:
    w = _new(Curve25519PublicKey)
    w._o = o
    return w


def _curve_arg(key: object) -> olmpy.Curve25519PublicKey:
    if not isinstance(key, Curve25519PublicKey):
        raise _type_error("Curve25519PublicKey", key)
    return key._o


class Curve25519SecretKey:
    """A Curve25519 secret key (held by an olmpy PkDecryption, which derives its public key)."""

    __slots__ = ("_o",)
    _o: olmpy.PkDecryption

    def __init__(self) -> None:
        """A new random key."""
        self._o = olmpy.PkDecryption()

    @classmethod
    def from_bytes(cls, bytes: bytes) -> Curve25519SecretKey:
        """From the 32 raw bytes."""
        raw = _need_bytes(bytes)
        if len(raw) != 32:
            raise KeyException(
                "Failed to decode Curve25519SecretKey key from Base64: Invalid number of bytes "
                f"for Curve25519SecretKey, expected 32, got {len(raw)}."
            )
        w = _new(cls)
        w._o = olmpy.PkDecryption.from_key(raw)
        return w

    @classmethod
    def from_base64(cls, key: str) -> Curve25519SecretKey:
        """From base64."""
        try:
            raw = olmpy._b64.decode_public(_need_str(key), "Curve25519 secret key")
        except _key_errors as err:
            _raise(KeyException, err)
        return cls.from_bytes(raw)

    def to_base64(self) -> str:
        """Unpadded base64 of the secret.  Keep it secret."""
        return olmpy._b64.encode_public(self._o.key)

    def to_bytes(self) -> bytes:
        """The 32 raw bytes.  Keep them secret."""
        return self._o.key

    def public_key(self) -> Curve25519PublicKey:
        """The matching public key."""
        return _curve(self._o.public_key)


# --- Olm messages -------------------------------------------------------------------------


class PreKeyMessage:
    """An Olm pre-key message."""

    __slots__ = ("_o",)
    _o: olmpy.PreKeyMessage
    if not TYPE_CHECKING:
        __init__ = _no_init

    @classmethod
    def from_base64(cls, message: str) -> PreKeyMessage:
        """From (padded or unpadded) base64."""
        try:
            o = olmpy.PreKeyMessage.from_base64(_need_str(message))
        except _key_errors as err:
            raise DecodeException(_b64_text(message, err)) from err
        w = _new(cls)
        w._o = o
        return w

    def to_any(self) -> AnyOlmMessage:
        """As an AnyOlmMessage of type 0."""
        w = _new(AnyOlmMessage)
        w._o = self._o.to_any()
        return w

    def session_id(self) -> str:
        """The id of the session this message starts."""
        return self._o.session_id()


class AnyOlmMessage:
    """An Olm message of either type (0 pre-key, 1 normal)."""

    __slots__ = ("_o",)
    _o: olmpy.AnyOlmMessage
    if not TYPE_CHECKING:
        __init__ = _no_init

    @classmethod
    def from_parts(cls, message_type: int, ciphertext: bytes) -> AnyOlmMessage:
        """From the type and the raw body."""
        if not isinstance(message_type, int):
            raise TypeError(
                f"'{type(message_type).__name__}' object cannot be interpreted as an integer"
            )
        body = _need_bytes(ciphertext)
        if message_type not in (0, 1):
            raise DecodeException(
                f"The message has an invalid type, expected 0 or 1, got {message_type}"
            )
        try:
            o = olmpy.AnyOlmMessage(message_type, body)
        except _key_errors as err:
            _raise(DecodeException, err)
        w = _new(cls)
        w._o = o
        return w

    @classmethod
    def pre_key(cls, message: bytes) -> AnyOlmMessage:
        """A pre-key message from its raw body."""
        return cls.from_parts(0, message)

    @classmethod
    def normal(cls, message: bytes) -> AnyOlmMessage:
        """A normal message from its raw body."""
        return cls.from_parts(1, message)

    def to_pre_key(self) -> PreKeyMessage | None:
        """The pre-key message, or None for a normal one."""
        o = self._o
        if o.message_type != 0:
            return None
        w = _new(PreKeyMessage)
        w._o = o.parsed()  # type: ignore[assignment]  # type 0 parses to a PreKeyMessage
        return w

    def to_parts(self) -> tuple[int, bytes]:
        """(type, raw body)."""
        return self._o.to_parts()


# --- Olm account and session ---------------------------------------------------------------


class Session:
    """An Olm session."""

    __slots__ = ("_o",)
    _o: olmpy.Session
    if not TYPE_CHECKING:
        __init__ = _no_init

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> Session:
        """From a vodozemac pickle."""
        key = _pickle_key(pickle_key)
        try:
            o = olmpy.Session.from_vodozemac_pickle(_need_str(pickle), key)
        except _key_errors as err:
            _raise(PickleException, err)
        w = _new(cls)
        w._o = o
        return w

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes) -> Session:
        """From a libolm pickle."""
        key = _need_bytes(pickle_key)
        try:
            o = olmpy.Session.from_libolm_pickle(_need_str(pickle), key)
        except _key_errors as err:
            _libolm_error(err)
        w = _new(cls)
        w._o = o
        return w

    @property
    def session_id(self) -> str:
        """The session id (unpadded base64)."""
        return self._o.session_id

    def pickle(self, pickle_key: bytes) -> str:
        """This session as a vodozemac pickle (32-byte key)."""
        return self._o.to_vodozemac_pickle(_pickle_key(pickle_key))

    def session_matches(self, message: PreKeyMessage) -> bool:
        """Whether the pre-key message belongs to this session."""
        if not isinstance(message, PreKeyMessage):
            raise _type_error("PreKeyMessage", message)
        return self._o.session_matches(message._o)

    def encrypt(self, plaintext: bytes) -> AnyOlmMessage:
        """Encrypts bytes."""
        if type(plaintext) is not bytes:
            plaintext = _need_bytes(plaintext)
        w = _new(AnyOlmMessage)
        w._o = self._o.encrypt(plaintext)
        return w

    def decrypt(self, message: AnyOlmMessage) -> bytes:
        """Decrypts a message of either type."""
        if not isinstance(message, AnyOlmMessage):
            raise _type_error("AnyOlmMessage", message)
        try:
            return self._o.decrypt(message._o)
        except _e.DecryptionError as err:
            _raise(OlmDecryptionException, err)
        except _key_errors as err:
            _raise(DecodeException, err)


def _session(o: olmpy.Session) -> Session:
    w = _new(Session)
    w._o = o
    return w


def _curve_dict(keys: dict[str, olmpy.Curve25519PublicKey]) -> dict[str, Curve25519PublicKey]:
    return {k: _curve(v) for k, v in keys.items()}


class Account:
    """An Olm account."""

    __slots__ = ("_o",)
    _o: olmpy.Account

    def __init__(self) -> None:
        """A new account with fresh identity keys."""
        self._o = olmpy.Account()

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> Account:
        """From a vodozemac pickle."""
        key = _pickle_key(pickle_key)
        try:
            o = olmpy.Account.from_vodozemac_pickle(_need_str(pickle), key)
        except _key_errors as err:
            _raise(PickleException, err)
        w = _new(cls)
        w._o = o
        return w

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes) -> Account:
        """From a libolm pickle."""
        key = _need_bytes(pickle_key)
        try:
            o = olmpy.Account.from_libolm_pickle(_need_str(pickle), key)
        except _key_errors as err:
            _libolm_error(err)
        w = _new(cls)
        w._o = o
        return w

    def pickle(self, pickle_key: bytes) -> str:
        """This account as a vodozemac pickle (32-byte key)."""
        return self._o.to_vodozemac_pickle(_pickle_key(pickle_key))

    @property
    def ed25519_key(self) -> Ed25519PublicKey:
        """The Ed25519 identity key."""
        return _ed(self._o.ed25519_key)

    @property
    def curve25519_key(self) -> Curve25519PublicKey:
        """The Curve25519 identity key."""
        return _curve(self._o.curve25519_key)

    @property
    def one_time_keys(self) -> dict[str, Curve25519PublicKey]:
        """Unpublished one-time keys by key id."""
        return _curve_dict(self._o.one_time_keys)

    @property
    def fallback_key(self) -> dict[str, Curve25519PublicKey]:
        """The unpublished fallback key by key id (empty if none)."""
        return _curve_dict(self._o.fallback_key)

    @property
    def max_number_of_one_time_keys(self) -> int:
        """How many one-time keys to keep published."""
        return self._o.max_number_of_one_time_keys

    def sign(self, message: bytes) -> Ed25519Signature:
        """Signs bytes with the Ed25519 identity key."""
        return _sig(self._o.sign(_need_bytes(message)))

    def generate_one_time_keys(self, count: int) -> None:
        """Makes ``count`` new one-time keys."""
        if not isinstance(count, int):
            raise TypeError(f"'{type(count).__name__}' object cannot be interpreted as an integer")
        if count < 0:
            raise OverflowError("can't convert negative int to unsigned")
        self._o.generate_one_time_keys(count)

    def generate_fallback_key(self) -> None:
        """Makes a new fallback key."""
        self._o.generate_fallback_key()

    def mark_keys_as_published(self) -> None:
        """Marks the one-time and fallback keys as published."""
        self._o.mark_keys_as_published()

    def create_outbound_session(
        self, identity_key: Curve25519PublicKey, one_time_key: Curve25519PublicKey
    ) -> Session:
        """Starts a session with a device's identity key and one of its one-time keys."""
        try:
            o = self._o.create_outbound_session(_curve_arg(identity_key), _curve_arg(one_time_key))
        except _e.KeyDecodeError as err:
            _raise(KeyException, err)
        return _session(o)

    def create_inbound_session(
        self, identity_key: Curve25519PublicKey, message: PreKeyMessage
    ) -> tuple[Session, bytes]:
        """Accepts a pre-key message: the new session and the first plaintext."""
        their = _curve_arg(identity_key)
        if not isinstance(message, PreKeyMessage):
            raise _type_error("PreKeyMessage", message)
        try:
            o, plaintext = self._o.create_inbound_session(their, message._o)
        except (*_key_errors, _e.DecryptionError) as err:
            _raise(SessionCreationException, err)
        return _session(o), plaintext


# --- Megolm ---------------------------------------------------------------------------------


class SessionKey:
    """A Megolm session key, as an outbound session shares it."""

    __slots__ = ("_o",)
    _o: olmpy.SessionKey

    def __init__(self, session_key: str) -> None:
        """From base64."""
        try:
            self._o = olmpy.SessionKey(_need_str(session_key))
        except _key_errors as err:
            _raise(SessionKeyDecodeException, err)

    def to_base64(self) -> str:
        """Base64."""
        return self._o.to_base64()


class ExportedSessionKey:
    """A Megolm session key exported from an inbound session (no signature)."""

    __slots__ = ("_o",)
    _o: olmpy.ExportedSessionKey

    def __init__(self, session_key: str) -> None:
        """From base64."""
        try:
            self._o = olmpy.ExportedSessionKey(_need_str(session_key))
        except _key_errors as err:
            _raise(SessionKeyDecodeException, err)

    def to_base64(self) -> str:
        """Base64."""
        return self._o.to_base64()


class MegolmMessage:
    """A Megolm message."""

    __slots__ = ("_o",)
    _o: olmpy.MegolmMessage
    if not TYPE_CHECKING:
        __init__ = _no_init

    @classmethod
    def from_base64(cls, message: str) -> MegolmMessage:
        """From base64."""
        try:
            o = olmpy.MegolmMessage.from_base64(_need_str(message))
        except _key_errors as err:
            _raise(DecodeException, err)
        w = _new(cls)
        w._o = o
        return w

    @classmethod
    def from_bytes(cls, message: bytes) -> MegolmMessage:
        """From raw bytes."""
        try:
            o = olmpy.MegolmMessage.from_bytes(_need_bytes(message))
        except _key_errors as err:
            _raise(DecodeException, err)
        w = _new(cls)
        w._o = o
        return w

    def to_base64(self) -> str:
        """Unpadded base64."""
        return self._o.to_base64()

    def to_bytes(self) -> bytes:
        """Raw bytes."""
        return self._o.to_bytes()

    def message_index(self) -> int:
        """The ratchet index it was encrypted at."""
        return self._o.index

    def signature(self) -> Ed25519Signature:
        """Its Ed25519 signature."""
        return _sig(self._o.signature())


class GroupSession:
    """An outbound Megolm session."""

    __slots__ = ("_o",)
    _o: olmpy.GroupSession

    def __init__(self) -> None:
        """A new random session."""
        self._o = olmpy.GroupSession()

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> GroupSession:
        """From a vodozemac pickle."""
        key = _pickle_key(pickle_key)
        try:
            o = olmpy.GroupSession.from_vodozemac_pickle(_need_str(pickle), key)
        except _key_errors as err:
            _raise(PickleException, err)
        w = _new(cls)
        w._o = o
        return w

    @property
    def session_id(self) -> str:
        """The session id (the Ed25519 public key, unpadded base64)."""
        return self._o.session_id

    @property
    def message_index(self) -> int:
        """The index the next message gets."""
        return self._o.message_index

    @property
    def session_key(self) -> SessionKey:
        """The signed session key at the current index."""
        w = _new(SessionKey)
        w._o = self._o.session_key
        return w

    def encrypt(self, plaintext: bytes) -> MegolmMessage:
        """Encrypts bytes."""
        if type(plaintext) is not bytes:
            plaintext = _need_bytes(plaintext)
        w = _new(MegolmMessage)
        w._o = self._o.encrypt(plaintext)
        return w

    def pickle(self, pickle_key: bytes) -> str:
        """This session as a vodozemac pickle (32-byte key)."""
        return self._o.to_vodozemac_pickle(_pickle_key(pickle_key))


class DecryptedMessage:
    """A decrypted Megolm message: ``plaintext`` and ``message_index``."""

    __slots__ = ("message_index", "plaintext")
    if not TYPE_CHECKING:
        __init__ = _no_init
    plaintext: bytes
    message_index: int


class InboundGroupSession:
    """An inbound Megolm session."""

    __slots__ = ("_o",)
    _o: olmpy.InboundGroupSession

    def __init__(self, session_key: SessionKey) -> None:
        """From a SessionKey (as the sender's outbound session gave it)."""
        if not isinstance(session_key, SessionKey):
            raise _type_error("SessionKey", session_key)
        self._o = olmpy.InboundGroupSession(session_key._o)

    @classmethod
    def import_session(cls, session_key: ExportedSessionKey) -> InboundGroupSession:
        """From an ExportedSessionKey."""
        if not isinstance(session_key, ExportedSessionKey):
            raise _type_error("ExportedSessionKey", session_key)
        w = _new(cls)
        w._o = olmpy.InboundGroupSession.import_session(session_key._o)
        return w

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> InboundGroupSession:
        """From a vodozemac pickle."""
        key = _pickle_key(pickle_key)
        try:
            o = olmpy.InboundGroupSession.from_vodozemac_pickle(_need_str(pickle), key)
        except _key_errors as err:
            _raise(PickleException, err)
        w = _new(cls)
        w._o = o
        return w

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes) -> InboundGroupSession:
        """From a libolm pickle."""
        key = _need_bytes(pickle_key)
        try:
            # vodozemac reads libolm's verified flag as "made from a signed key".
            o = olmpy.InboundGroupSession.from_libolm_pickle(
                _need_str(pickle), key, trust_verified_flag=True
            )
        except _key_errors as err:
            _libolm_error(err)
        w = _new(cls)
        w._o = o
        return w

    @property
    def session_id(self) -> str:
        """The session id."""
        return self._o.session_id

    @property
    def first_known_index(self) -> int:
        """The first message index this session can decrypt."""
        return self._o.first_known_index

    def export_at(self, index: int) -> ExportedSessionKey | None:
        """The session key at ``index``, or None if it is before the first known index."""
        if not isinstance(index, int):
            raise TypeError(f"'{type(index).__name__}' object cannot be interpreted as an integer")
        if not 0 <= index <= 0xFFFFFFFF:
            raise OverflowError("out of range integral type conversion attempted")
        o = self._o.export_at(index)
        if o is None:
            return None
        w = _new(ExportedSessionKey)
        w._o = o
        return w

    def decrypt(self, message: MegolmMessage) -> DecryptedMessage:
        """Decrypts a message: its plaintext and index."""
        if not isinstance(message, MegolmMessage):
            raise _type_error("MegolmMessage", message)
        try:
            plaintext, index = self._o.decrypt(message._o)
        except _e.DecryptionError as err:
            _raise(MegolmDecryptionException, err)
        except _key_errors as err:
            _raise(DecodeException, err)
        w = _new(DecryptedMessage)
        w.plaintext = plaintext
        w.message_index = index
        return w

    def pickle(self, pickle_key: bytes) -> str:
        """This session as a vodozemac pickle (32-byte key)."""
        return self._o.to_vodozemac_pickle(_pickle_key(pickle_key))


# --- SAS ------------------------------------------------------------------------------------


class SasBytes:
    """The short authentication string bytes."""

    __slots__ = ("_o",)
    _o: olmpy.SasBytes
    if not TYPE_CHECKING:
        __init__ = _no_init

    @property
    def emoji_indices(self) -> bytes:
        """Seven emoji indices (0..63)."""
        return bytes(self._o.emoji_indices)

    @property
    def decimals(self) -> tuple[int, int, int]:
        """Three numbers 1000..9191."""
        return self._o.decimals


class EstablishedSas:
    """A SAS after the key exchange."""

    __slots__ = ("_o",)
    _o: olmpy.EstablishedSas
    if not TYPE_CHECKING:
        __init__ = _no_init

    def bytes(self, info: str) -> SasBytes:
        """The SAS bytes for ``info``."""
        w = _new(SasBytes)
        w._o = self._o.bytes(_need_str(info))
        return w

    def calculate_mac_invalid_base64(self, input: str, info: str) -> str:
        """libolm's (wrongly base64-encoded) MAC, for old clients."""
        return self._o.calculate_mac_invalid_base64(_need_str(input), _need_str(info))

    def calculate_mac(self, input: str, info: str) -> str:
        """The MAC of ``input`` under ``info`` (unpadded base64)."""
        return self._o.calculate_mac(_need_str(input), _need_str(info))

    def verify_mac(self, input: str, info: str, tag: str) -> None:
        """Raises SasException unless ``tag`` is the MAC of ``input``."""
        try:
            self._o.verify_mac(_need_str(input), _need_str(info), _need_str(tag))
        except (*_key_errors, _e.DecryptionError) as err:
            _raise(SasException, err)


class Sas:
    """An interactive verification (SAS) in its key-exchange step; usable once."""

    __slots__ = ("_o", "_used")
    _o: olmpy.Sas
    _used: bool

    def __init__(self) -> None:
        """A new ephemeral key pair."""
        self._o = olmpy.Sas()
        self._used = False

    @property
    def public_key(self) -> Curve25519PublicKey:
        """Our ephemeral public key."""
        return _curve(self._o.public_key)

    def diffie_hellman(self, key: Curve25519PublicKey) -> EstablishedSas:
        """Completes the key exchange with the other side's public key (once)."""
        their = _curve_arg(key)
        if self._used:
            raise SasException("The Sas object has already been used once.")
        try:
            o = self._o.diffie_hellman(their)
        except _key_errors as err:
            _raise(KeyException, err)
        self._used = True
        w = _new(EstablishedSas)
        w._o = o
        return w


# --- PK encryption --------------------------------------------------------------------------


class Message:
    """A PK-encrypted message: raw ``ciphertext``, ``mac`` and ``ephemeral_key`` bytes."""

    __slots__ = ("_c", "_e", "_m")

    def __init__(self, ciphertext: bytes, mac: bytes, ephemeral_key: bytes) -> None:
        """From the three raw parts (checked when decrypted)."""
        self._c = _vec(ciphertext)
        self._m = _vec(mac)
        self._e = _vec(ephemeral_key)

    @classmethod
    def from_base64(cls, ciphertext: str, mac: str, ephemeral_key: str) -> Message:
        """From the three parts in base64 (PkDecodeException if one does not decode)."""
        parts = []
        for value in (ciphertext, mac, ephemeral_key):
            try:
                parts.append(olmpy._b64.decode_public(_need_str(value), "PK message"))
            except _key_errors as err:
                raise PkDecodeException(_b64_text(value, err)) from err
        w = _new(cls)
        w._c, w._m, w._e = parts
        return w

    def to_base64(self) -> tuple[str, str, str]:
        """(ephemeral_key, mac, ciphertext) in unpadded base64: the binding's order."""
        enc = olmpy._b64.encode_public
        return enc(self._e), enc(self._m), enc(self._c)

    @property
    def ciphertext(self) -> bytes:
        """The ciphertext."""
        return self._c

    @property
    def mac(self) -> bytes:
        """The 8-byte MAC (it does not authenticate the ciphertext)."""
        return self._m

    @property
    def ephemeral_key(self) -> bytes:
        """The sender's ephemeral Curve25519 public key (32 raw bytes)."""
        return self._e


def _vec(value: object) -> bytes:
    if isinstance(value, str):
        raise TypeError("Can't extract `str` to `Vec`")
    if type(value) is bytes:
        return value
    try:
        return bytes(value)  # type: ignore[call-overload,no-any-return]
    except TypeError:
        got = type(value).__name__
        raise TypeError(f"'{got}' object cannot be converted to 'Sequence'") from None


class PkEncryption:
    """Encrypts for a PK (backup) public key."""

    __slots__ = ("_o",)
    _o: olmpy.PkEncryption
    if not TYPE_CHECKING:
        __init__ = _no_init

    @classmethod
    def from_key(cls, key: Curve25519PublicKey) -> PkEncryption:
        """For the recipient's public key."""
        w = _new(cls)
        w._o = olmpy.PkEncryption.from_key(_curve_arg(key))
        return w

    def encrypt(self, message: bytes) -> Message:
        """Encrypts bytes."""
        o = self._o.encrypt(_need_bytes(message))
        w = _new(Message)
        w._c = o.ciphertext
        w._m = o.mac
        w._e = o.ephemeral_key.to_bytes()
        return w


class PkDecryption:
    """Holds a Curve25519 secret key and decrypts PK messages."""

    __slots__ = ("_o",)
    _o: olmpy.PkDecryption

    def __init__(self) -> None:
        """A new random key pair."""
        self._o = olmpy.PkDecryption()

    @classmethod
    def from_key(cls, key: Curve25519SecretKey) -> PkDecryption:
        """From a Curve25519SecretKey."""
        if not isinstance(key, Curve25519SecretKey):
            raise _type_error("Curve25519SecretKey", key)
        w = _new(cls)
        w._o = key._o  # immutable: sharing the olmpy object is safe
        return w

    @property
    def key(self) -> Curve25519SecretKey:
        """The secret key.  Keep it secret."""
        w = _new(Curve25519SecretKey)
        w._o = self._o
        return w

    @property
    def public_key(self) -> Curve25519PublicKey:
        """The public key senders encrypt for."""
        return _curve(self._o.public_key)

    def decrypt(self, message: Message) -> bytes:
        """Decrypts a Message."""
        if not isinstance(message, Message):
            raise _type_error("Message", message)
        if len(message._e) != 32:
            raise PkInvalidKeySizeException(
                f"The key doesn't have the correct size, got {len(message._e)}, expected 32 bytes"
            )
        try:
            return self._o.decrypt(olmpy.PkMessage(message._c, message._m, message._e))
        except _e.MacError as err:
            raise PkDecodeException(
                f"the MAC of the ciphertext didn't pass validation: MAC tag mismatch ({err})"
            ) from err
        except (_e.DecodeError, _e.DecryptionError, _e.UsageError) as err:
            _raise(PkDecodeException, err)

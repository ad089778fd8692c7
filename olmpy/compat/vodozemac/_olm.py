"""The drop-in's Olm classes: the messages (PreKeyMessage, AnyOlmMessage), Session and
Account over olmpy's own."""

from __future__ import annotations

import olmpy
from olmpy.compat.vodozemac._common import (
    _key_id,
    _need,
    _need_bytes,
    _need_str,
    _no_init,
    _no_pickle,
    _wrap,
)
from olmpy.compat.vodozemac._errors import (
    DecodeException,
    LibolmPickleException,
    OlmDecryptionException,
    PickleException,
    SessionCreationException,
    _pickle_error,
    _raise,
)
from olmpy.compat.vodozemac._keys import Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature
from olmpy.errors import DecodeError, MacError, OlmpyError

__all__ = ["Account", "AnyOlmMessage", "PreKeyMessage", "Session"]


# --------------------------------------------------------------------------- Olm messages


class PreKeyMessage:
    """An Olm pre-key message (olmpy's ``olmpy.PreKeyMessage``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.PreKeyMessage

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def from_base64(cls, message: str) -> PreKeyMessage:
        """Decodes a base64 pre-key message; DecodeException if malformed."""
        _need_str(message)
        try:
            return _wrap(cls, olmpy.PreKeyMessage.from_base64(message))
        except OlmpyError as exc:
            _raise(DecodeException, "The message couldn't be decoded", exc)

    def to_any(self) -> AnyOlmMessage:
        """This message as an AnyOlmMessage of type 0."""
        return _wrap(AnyOlmMessage, self._o.to_any())

    def session_id(self) -> str:
        """The id of the session this message opens."""
        return self._o.session_id()


class AnyOlmMessage:
    """An Olm message of either type (olmpy's ``olmpy.AnyOlmMessage``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.AnyOlmMessage

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def _make(cls, message_type: int, message: bytes) -> AnyOlmMessage:
        _need_bytes(message)
        if message_type not in (0, 1):
            raise DecodeException(
                f"The message has an invalid type, expected 0 or 1, got {message_type}"
            )
        try:
            return _wrap(cls, olmpy.AnyOlmMessage(message_type, message))
        except OlmpyError as exc:
            _raise(DecodeException, "The message couldn't be decoded", exc)

    @classmethod
    def pre_key(cls, message: bytes) -> AnyOlmMessage:
        """A pre-key message from its raw bytes; DecodeException if malformed."""
        return cls._make(0, message)

    @classmethod
    def normal(cls, message: bytes) -> AnyOlmMessage:
        """A normal message from its raw bytes; DecodeException if malformed."""
        return cls._make(1, message)

    @classmethod
    def from_parts(cls, message_type: int, ciphertext: bytes) -> AnyOlmMessage:
        """A message from its type (0 pre-key, 1 normal) and raw bytes."""
        return cls._make(message_type, ciphertext)

    def to_pre_key(self) -> PreKeyMessage | None:
        """The pre-key message, or None for a normal message."""
        pre = self._o.to_pre_key()
        return None if pre is None else _wrap(PreKeyMessage, pre)

    def to_parts(self) -> tuple[int, bytes]:
        """(message type, raw bytes)."""
        return self._o.to_parts()


# --------------------------------------------------------------------------- Olm


class Session:
    """An Olm session (olmpy's ``olmpy.Session``); made by an Account or from a pickle."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.Session

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> Session:
        """Reads vodozemac's pickle (32-byte key); PickleException on failure."""
        _need_str(pickle)
        _need_bytes(pickle_key)
        try:
            return _wrap(cls, olmpy.Session.from_vodozemac_pickle(pickle, pickle_key))
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes) -> Session:
        """Reads libolm's pickle; LibolmPickleException on failure."""
        _need_str(pickle)
        _need_bytes(pickle_key)
        try:
            return _wrap(cls, olmpy.Session.from_libolm_pickle(pickle, pickle_key))
        except OlmpyError as exc:
            _pickle_error(LibolmPickleException, exc)

    @property
    def session_id(self) -> str:
        """The session id, the same at both ends."""
        return self._o.session_id

    def pickle(self, pickle_key: bytes) -> str:
        """This session in vodozemac's pickle format, encrypted with a 32-byte key."""
        _need_bytes(pickle_key)
        try:
            return self._o.to_vodozemac_pickle(pickle_key)
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)

    def session_matches(self, message: PreKeyMessage) -> bool:
        """Whether the pre-key message belongs to this session."""
        _need(message, PreKeyMessage)
        return self._o.session_matches(message._o)

    def encrypt(self, plaintext: bytes) -> AnyOlmMessage:
        """Encrypts ``plaintext``: a pre-key message until a reply was decrypted."""
        _need_bytes(plaintext)
        return _wrap(AnyOlmMessage, self._o.encrypt(plaintext))

    def decrypt(self, message: AnyOlmMessage) -> bytes:
        """Decrypts a message; OlmDecryptionException (DecodeException if malformed)."""
        _need(message, AnyOlmMessage)
        try:
            return self._o.decrypt(message._o)
        except DecodeError as exc:
            _raise(DecodeException, "The message couldn't be decoded", exc)
        except MacError as exc:
            _raise(
                OlmDecryptionException,
                "Failed decrypting Olm message, invalid MAC: MAC tag mismatch",
                exc,
            )
        except OlmpyError as exc:
            _raise(OlmDecryptionException, "Failed decrypting Olm message", exc)


class Account:
    """An Olm account (olmpy's ``olmpy.Account``)."""

    __slots__ = ("_curve", "_ed", "_o")
    __reduce__ = _no_pickle
    _o: olmpy.Account
    _curve: Curve25519PublicKey
    _ed: Ed25519PublicKey

    def __init__(self) -> None:
        self._o = olmpy.Account()

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> Account:
        """Reads vodozemac's pickle (32-byte key); PickleException on failure."""
        _need_str(pickle)
        _need_bytes(pickle_key)
        try:
            return _wrap(cls, olmpy.Account.from_vodozemac_pickle(pickle, pickle_key))
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes) -> Account:
        """Reads libolm's pickle; LibolmPickleException on failure."""
        _need_str(pickle)
        _need_bytes(pickle_key)
        try:
            return _wrap(cls, olmpy.Account.from_libolm_pickle(pickle, pickle_key))
        except OlmpyError as exc:
            _pickle_error(LibolmPickleException, exc)

    def pickle(self, pickle_key: bytes) -> str:
        """This account in vodozemac's pickle format, encrypted with a 32-byte key."""
        _need_bytes(pickle_key)
        try:
            return self._o.to_vodozemac_pickle(pickle_key)
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)

    @property
    def ed25519_key(self) -> Ed25519PublicKey:
        """The long-term signing key (made once: identity keys never change)."""
        try:
            return self._ed
        except AttributeError:
            self._ed = _wrap(Ed25519PublicKey, self._o.ed25519_key)
            return self._ed

    @property
    def curve25519_key(self) -> Curve25519PublicKey:
        """The long-term identity key (made once: identity keys never change)."""
        try:
            return self._curve
        except AttributeError:
            self._curve = _wrap(Curve25519PublicKey, self._o.curve25519_key)
            return self._curve

    @property
    def one_time_keys(self) -> dict[str, Curve25519PublicKey]:
        """Unpublished one-time keys by key id."""
        return {_key_id(k): _wrap(Curve25519PublicKey, v) for k, v in self._o.one_time_keys.items()}

    @property
    def fallback_key(self) -> dict[str, Curve25519PublicKey]:
        """The unpublished fallback key by key id (empty if none)."""
        return {_key_id(k): _wrap(Curve25519PublicKey, v) for k, v in self._o.fallback_key.items()}

    @property
    def max_number_of_one_time_keys(self) -> int:
        """How many one-time keys the account keeps."""
        return self._o.max_number_of_one_time_keys

    def sign(self, message: bytes) -> Ed25519Signature:
        """Signs ``message`` with the Ed25519 key."""
        _need_bytes(message)
        return _wrap(Ed25519Signature, self._o.sign(message))

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
        """Marks the current one-time and fallback keys as published."""
        self._o.mark_keys_as_published()

    def create_outbound_session(
        self, identity_key: Curve25519PublicKey, one_time_key: Curve25519PublicKey
    ) -> Session:
        """Opens a session to the owner of ``identity_key`` using their one-time key."""
        _need(identity_key, Curve25519PublicKey)
        _need(one_time_key, Curve25519PublicKey)
        try:
            return _wrap(Session, self._o.create_outbound_session(identity_key._o, one_time_key._o))
        except OlmpyError as exc:
            _raise(
                SessionCreationException,
                "The shared secret was derived from an insecure key exchange "
                "(non-contributory behaviour)",
                exc,
            )

    def create_inbound_session(
        self, identity_key: Curve25519PublicKey, message: PreKeyMessage
    ) -> tuple[Session, bytes]:
        """Opens a session from a pre-key message; (session, plaintext).
        SessionCreationException on failure."""
        _need(identity_key, Curve25519PublicKey)
        _need(message, PreKeyMessage)
        try:
            session, plaintext = self._o.create_inbound_session(identity_key._o, message._o)
        except OlmpyError as exc:
            _raise(SessionCreationException, "The session couldn't be created", exc)
        return _wrap(Session, session), plaintext

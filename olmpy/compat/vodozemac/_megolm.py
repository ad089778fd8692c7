"""The drop-in's Megolm classes: SessionKey, ExportedSessionKey, MegolmMessage,
GroupSession and InboundGroupSession over olmpy's own."""

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
    DecodeException,
    LibolmPickleException,
    MegolmDecryptionException,
    PickleException,
    SessionKeyDecodeException,
    _pickle_error,
    _raise,
)
from olmpy.compat.vodozemac._keys import Ed25519Signature
from olmpy.errors import MacError, OlmpyError, SignatureError, UnknownMessageIndexError
from olmpy.megolm import DecryptedMessage

__all__ = [
    "ExportedSessionKey",
    "GroupSession",
    "InboundGroupSession",
    "MegolmMessage",
    "SessionKey",
]


class SessionKey:
    """A Megolm session key (olmpy's ``olmpy.SessionKey``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.SessionKey

    def __init__(self, session_key: str) -> None:
        _need_str(session_key)
        try:
            self._o = olmpy.SessionKey.from_base64(session_key)
        except OlmpyError as exc:
            _raise(SessionKeyDecodeException, "The session key couldn't be decoded", exc)

    def to_base64(self) -> str:
        """The key in base64."""
        return self._o.to_base64()


class ExportedSessionKey:
    """An exported (unsigned) Megolm session key (olmpy's ``olmpy.ExportedSessionKey``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.ExportedSessionKey

    def __init__(self, session_key: str) -> None:
        _need_str(session_key)
        try:
            self._o = olmpy.ExportedSessionKey.from_base64(session_key)
        except OlmpyError as exc:
            _raise(SessionKeyDecodeException, "The session key couldn't be decoded", exc)

    def to_base64(self) -> str:
        """The key in base64."""
        return self._o.to_base64()


class MegolmMessage:
    """A Megolm message (olmpy's ``olmpy.MegolmMessage``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.MegolmMessage

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    @classmethod
    def from_base64(cls, message: str) -> MegolmMessage:
        """Decodes a base64 Megolm message; DecodeException if malformed."""
        _need_str(message)
        try:
            return _wrap(cls, olmpy.MegolmMessage.from_base64(message))
        except OlmpyError as exc:
            _raise(DecodeException, "The message couldn't be decoded", exc)

    @classmethod
    def from_bytes(cls, message: bytes) -> MegolmMessage:
        """Reads a raw Megolm message; DecodeException if malformed."""
        _need_bytes(message)
        try:
            return _wrap(cls, olmpy.MegolmMessage.from_bytes(message))
        except OlmpyError as exc:
            _raise(DecodeException, "The message couldn't be decoded", exc)

    def to_base64(self) -> str:
        """The message in base64."""
        return self._o.to_base64()

    def to_bytes(self) -> bytes:
        """The raw message."""
        return self._o.to_bytes()

    def message_index(self) -> int:
        """The ratchet index the message was encrypted at."""
        return self._o.message_index

    def signature(self) -> Ed25519Signature:
        """The sender's signature over the message."""
        return _wrap(Ed25519Signature, self._o.signature())


class GroupSession:
    """An outbound Megolm session (olmpy's ``olmpy.GroupSession``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.GroupSession

    def __init__(self) -> None:
        self._o = olmpy.GroupSession()

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> GroupSession:
        """Reads vodozemac's pickle (32-byte key); PickleException on failure."""
        _need_str(pickle)
        _need_bytes(pickle_key)
        try:
            return _wrap(cls, olmpy.GroupSession.from_vodozemac_pickle(pickle, pickle_key))
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)

    @property
    def session_id(self) -> str:
        """The session id (the Ed25519 public key, base64)."""
        return self._o.session_id

    @property
    def message_index(self) -> int:
        """The index the next message will be encrypted at."""
        return self._o.message_index

    @property
    def session_key(self) -> SessionKey:
        """The signed session key at the current index, to share with recipients."""
        return _wrap(SessionKey, self._o.session_key)

    def encrypt(self, plaintext: bytes) -> MegolmMessage:
        """Encrypts ``plaintext`` and advances the ratchet."""
        _need_bytes(plaintext)
        return _wrap(MegolmMessage, self._o.encrypt(plaintext))

    def pickle(self, pickle_key: bytes) -> str:
        """This session in vodozemac's pickle format, encrypted with a 32-byte key."""
        _need_bytes(pickle_key)
        try:
            return self._o.to_vodozemac_pickle(pickle_key)
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)


class InboundGroupSession:
    """An inbound Megolm session (olmpy's ``olmpy.InboundGroupSession``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.InboundGroupSession

    def __init__(self, session_key: SessionKey) -> None:
        _need(session_key, SessionKey)
        self._o = olmpy.InboundGroupSession(session_key._o)

    @classmethod
    def import_session(cls, session_key: ExportedSessionKey) -> InboundGroupSession:
        """A session from an exported (unsigned) key."""
        _need(session_key, ExportedSessionKey)
        return _wrap(cls, olmpy.InboundGroupSession.import_session(session_key._o))

    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> InboundGroupSession:
        """Reads vodozemac's pickle (32-byte key); PickleException on failure."""
        _need_str(pickle)
        _need_bytes(pickle_key)
        try:
            return _wrap(cls, olmpy.InboundGroupSession.from_vodozemac_pickle(pickle, pickle_key))
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes) -> InboundGroupSession:
        """Reads libolm's pickle; LibolmPickleException on failure."""
        _need_str(pickle)
        _need_bytes(pickle_key)
        try:
            # vodozemac keeps libolm's "signing key verified" flag; so does the drop-in
            inner = olmpy.InboundGroupSession.from_libolm_pickle(
                pickle, pickle_key, trust_verified_flag=True
            )
        except OlmpyError as exc:
            _pickle_error(LibolmPickleException, exc)
        return _wrap(cls, inner)

    @property
    def session_id(self) -> str:
        """The session id (the sender's Ed25519 key, base64)."""
        return self._o.session_id

    @property
    def first_known_index(self) -> int:
        """The lowest message index this session can decrypt."""
        return self._o.first_known_index

    def export_at(self, index: int) -> ExportedSessionKey | None:
        """The exported key at ``index``, or None below the first known index."""
        if index < 0:
            raise OverflowError("out of range integral type conversion attempted")
        key = self._o.export_at(index)
        return None if key is None else _wrap(ExportedSessionKey, key)

    def decrypt(self, message: MegolmMessage) -> DecryptedMessage:
        """Decrypts a message: (plaintext, message_index); MegolmDecryptionException."""
        _need(message, MegolmMessage)
        try:
            return self._o.decrypt(message._o)
        except UnknownMessageIndexError as exc:
            _raise(
                MegolmDecryptionException,
                "The message was encrypted using an unknown message index, first known "
                f"index {self._o.first_known_index}, index of the message "
                f"{message._o.message_index}",
                exc,
            )
        except SignatureError as exc:
            _raise(MegolmDecryptionException, "The signature on the message was invalid", exc)
        except MacError as exc:
            _raise(
                MegolmDecryptionException,
                "Failed decrypting Megolm message, invalid MAC: MAC tag mismatch",
                exc,
            )
        except OlmpyError as exc:
            _raise(MegolmDecryptionException, "Failed decrypting Megolm message", exc)

    def pickle(self, pickle_key: bytes) -> str:
        """This session in vodozemac's pickle format, encrypted with a 32-byte key."""
        _need_bytes(pickle_key)
        try:
            return self._o.to_vodozemac_pickle(pickle_key)
        except OlmpyError as exc:
            _pickle_error(PickleException, exc)

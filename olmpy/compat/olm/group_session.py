"""``olm.group_session``: python-olm's Megolm sessions over ``olmpy.GroupSession`` and
``olmpy.InboundGroupSession``."""

from __future__ import annotations

from typing import Any

import olmpy
from olmpy._nocopy import refuse_pickle
from olmpy.compat.olm._compat import to_bytes
from olmpy.compat.olm._errors import libolm_code, write_libolm_pickle
from olmpy.errors import OlmpyError

__all__ = ["InboundGroupSession", "OlmGroupSessionError", "OutboundGroupSession"]


class OlmGroupSessionError(Exception):
    """A Megolm session operation failed; ``args[0]`` is libolm's error code."""


def _error(exc: OlmpyError) -> OlmGroupSessionError:
    return OlmGroupSessionError(libolm_code(exc))


def _key_error(exc: OlmpyError) -> OlmGroupSessionError:
    """A session key that does not load: libolm's BAD_SESSION_KEY unless not base64."""
    return OlmGroupSessionError(libolm_code(exc, decode_error="BAD_SESSION_KEY"))


def _text(value: str | bytes, what: str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, str):
        return value
    raise TypeError(f"Invalid type {type(value)}")


class InboundGroupSession:
    """An inbound Megolm session (python-olm's ``olm.InboundGroupSession``)."""

    __slots__ = ("_session",)

    __reduce__ = refuse_pickle("pickle(passphrase) and from_pickle()")

    _session: olmpy.InboundGroupSession

    def __new__(cls, *args: Any, **kwargs: Any) -> InboundGroupSession:
        return super().__new__(cls)

    def __init__(self, session_key: str | bytes) -> None:
        """From a signed session key (an ``m.room_key``'s); OlmGroupSessionError
        ("BAD_SIGNATURE", "BAD_SESSION_KEY" ...) if it does not check out."""
        try:
            self._session = olmpy.InboundGroupSession(_text(session_key, "session key"))
        except OlmpyError as exc:
            raise _key_error(exc) from exc

    def pickle(self, passphrase: str = "") -> bytes:
        """This session as a libolm pickle (bytes), encrypted with ``passphrase``."""
        return write_libolm_pickle(self._session, passphrase or b"", OlmGroupSessionError)

    @classmethod
    def from_pickle(cls, pickle: bytes | str, passphrase: str = "") -> InboundGroupSession:
        """Loads a libolm inbound group session pickle."""
        if not pickle:
            raise ValueError("Pickle can't be empty")
        obj = cls.__new__(cls)
        try:
            obj._session = olmpy.InboundGroupSession.from_libolm_pickle(
                _text(pickle, "pickle"), passphrase or b""
            )
        except OlmpyError as exc:
            raise _error(exc) from exc
        return obj

    def decrypt(self, ciphertext: str | bytes, unicode_errors: str = "replace") -> tuple[str, int]:
        """Verifies and decrypts a base64 Megolm message: (plaintext, message index)."""
        if not ciphertext:
            raise ValueError("Ciphertext can't be empty.")
        session = self._session
        try:
            plaintext, index = session.decrypt(_text(ciphertext, "ciphertext"))
        except OlmpyError as exc:
            raise _error(exc) from exc
        # libolm marks the session verified once a message has decrypted; the flag only
        # goes into libolm pickles, which then match python-olm's byte for byte.
        session._libolm_flag = True
        return plaintext.decode("utf-8", unicode_errors), int(index)

    @property
    def id(self) -> str:
        """The session id (base64 of the sender's Ed25519 key)."""
        return self._session.session_id

    @property
    def first_known_index(self) -> int:
        """The lowest message index this session can decrypt."""
        return self._session.first_known_index

    def export_session(self, message_index: int) -> str:
        """The exported (unsigned) session key at ``message_index``;
        OlmGroupSessionError("UNKNOWN_MESSAGE_INDEX") below the first known index."""
        try:
            key = self._session.export_at(message_index)
        except OlmpyError as exc:
            raise _error(exc) from exc
        if key is None:
            raise OlmGroupSessionError("UNKNOWN_MESSAGE_INDEX")
        return key.to_base64()

    @classmethod
    def import_session(cls, session_key: str | bytes) -> InboundGroupSession:
        """A session from an exported session key."""
        obj = cls.__new__(cls)
        try:
            obj._session = olmpy.InboundGroupSession.import_session(
                _text(session_key, "session key")
            )
        except OlmpyError as exc:
            raise _key_error(exc) from exc
        return obj


class OutboundGroupSession:
    """An outbound Megolm session (python-olm's ``olm.OutboundGroupSession``)."""

    __slots__ = ("_session",)

    __reduce__ = refuse_pickle("pickle(passphrase) and from_pickle()")

    _session: olmpy.GroupSession

    def __new__(cls, *args: Any, **kwargs: Any) -> OutboundGroupSession:
        return super().__new__(cls)

    def __init__(self) -> None:
        """A new session with a fresh ratchet and signing key."""
        self._session = olmpy.GroupSession()

    def pickle(self, passphrase: str = "") -> bytes:
        """This session as a libolm pickle (bytes), encrypted with ``passphrase``."""
        return write_libolm_pickle(self._session, passphrase or b"", OlmGroupSessionError)

    @classmethod
    def from_pickle(cls, pickle: bytes | str, passphrase: str = "") -> OutboundGroupSession:
        """Loads a libolm outbound group session pickle."""
        if not pickle:
            raise ValueError("Pickle can't be empty")
        obj = cls.__new__(cls)
        try:
            obj._session = olmpy.GroupSession.from_libolm_pickle(
                _text(pickle, "pickle"), passphrase or b""
            )
        except OlmpyError as exc:
            raise _error(exc) from exc
        return obj

    def encrypt(self, plaintext: str | bytes) -> str:
        """Encrypts and signs ``plaintext`` (str as UTF-8): the base64 Megolm message."""
        return self._session.encrypt(to_bytes(plaintext)).to_base64()

    @property
    def id(self) -> str:
        """The session id (base64 of the session's Ed25519 key)."""
        return self._session.session_id

    @property
    def message_index(self) -> int:
        """The index the next message will get."""
        return self._session.message_index

    @property
    def session_key(self) -> str:
        """The signed session key at the current index, to share in an ``m.room_key``."""
        return self._session.session_key.to_base64()

"""``olm.session``: python-olm's Olm sessions and messages over ``olmpy.Session``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import olmpy
from olmpy import _b64
from olmpy._nocopy import refuse_pickle
from olmpy.compat.olm._compat import to_bytes
from olmpy.compat.olm._errors import libolm_code, write_libolm_pickle
from olmpy.errors import DecodeError, OlmpyError
from olmpy.keys import Curve25519PublicKey

if TYPE_CHECKING:
    from olmpy.compat.olm.account import Account

__all__ = [
    "InboundSession",
    "OlmMessage",
    "OlmPreKeyMessage",
    "OlmSessionError",
    "OutboundSession",
    "Session",
]

_PRE_KEY = 0
_MESSAGE = 1


class OlmSessionError(Exception):
    """An Olm session operation failed; ``args[0]`` is libolm's error code."""


class _OlmMessage:
    """An Olm message as python-olm carries it: base64 ``ciphertext`` and ``message_type``."""

    def __init__(self, ciphertext: str | bytes, message_type: int) -> None:
        if not ciphertext:
            raise ValueError("Ciphertext can't be empty")
        self.ciphertext = ciphertext
        self.message_type = message_type

    def __str__(self) -> str:
        prefix = "PRE_KEY" if self.message_type == _PRE_KEY else "MESSAGE"
        return f"{prefix} {self.ciphertext!s}"


class OlmPreKeyMessage(_OlmMessage):
    """A pre-key message (type 0): the first messages of a session."""

    def __init__(self, ciphertext: str | bytes) -> None:
        _OlmMessage.__init__(self, ciphertext, _PRE_KEY)

    def __repr__(self) -> str:
        return f"OlmPreKeyMessage({self.ciphertext!s})"


class OlmMessage(_OlmMessage):
    """A normal message (type 1)."""

    def __init__(self, ciphertext: str | bytes) -> None:
        _OlmMessage.__init__(self, ciphertext, _MESSAGE)

    def __repr__(self) -> str:
        return f"OlmMessage({self.ciphertext!s})"


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _parse(message: _OlmMessage) -> olmpy.AnyOlmMessage:
    raw = _b64.decode_public(_text(message.ciphertext), "Olm message")
    return olmpy.AnyOlmMessage(message.message_type, raw)


class Session:
    """An Olm session (python-olm's ``olm.Session``); made by InboundSession,
    OutboundSession or ``from_pickle``."""

    __slots__ = ("_session",)

    __reduce__ = refuse_pickle("pickle(passphrase) and from_pickle()")

    _session: olmpy.Session

    def __new__(cls, *args: Any, **kwargs: Any) -> Session:
        return super().__new__(cls)

    def __init__(self) -> None:
        if type(self) is Session:
            raise TypeError("Session class may not be instantiated.")

    def pickle(self, passphrase: str = "") -> bytes:
        """This session as a libolm pickle (bytes), encrypted with ``passphrase``."""
        return write_libolm_pickle(self._session, passphrase or b"", OlmSessionError)

    @classmethod
    def from_pickle(cls, pickle: bytes | str, passphrase: str = "") -> Session:
        """Loads a libolm session pickle; OlmSessionError("BAD_ACCOUNT_KEY") for a wrong key."""
        if not pickle:
            raise ValueError("Pickle can't be empty")
        text = pickle.decode("ascii", "replace") if isinstance(pickle, bytes) else pickle
        obj = cls.__new__(cls)
        try:
            obj._session = olmpy.Session.from_libolm_pickle(text, passphrase or b"")
        except OlmpyError as exc:
            raise OlmSessionError(libolm_code(exc)) from exc
        return obj

    def encrypt(self, plaintext: str | bytes) -> _OlmMessage:
        """Encrypts ``plaintext`` (str as UTF-8): an OlmPreKeyMessage until a reply has
        been decrypted, then an OlmMessage."""
        message = self._session.encrypt(to_bytes(plaintext))
        if message.message_type == _PRE_KEY:
            return OlmPreKeyMessage(message.to_base64())
        return OlmMessage(message.to_base64())

    def decrypt(self, message: _OlmMessage, unicode_errors: str = "replace") -> str:
        """Decrypts a message of either type; the plaintext is decoded with
        ``unicode_errors``.  OlmSessionError (libolm's code) on failure."""
        if not message.ciphertext:
            raise ValueError("Ciphertext can't be empty")
        try:
            plaintext = self._session.decrypt(_parse(message))
        except OlmpyError as exc:
            raise OlmSessionError(libolm_code(exc, index_error="BAD_MESSAGE_MAC")) from exc
        return plaintext.decode("utf-8", unicode_errors)

    @property
    def id(self) -> str:
        """The session id, the same at both ends."""
        return self._session.session_id

    def matches(self, message: OlmPreKeyMessage, identity_key: str | bytes | None = None) -> bool:
        """Whether a pre-key message belongs to this session (and, if given, comes
        from ``identity_key``)."""
        if not isinstance(message, OlmPreKeyMessage):
            raise TypeError("Matches can only be called with prekey messages.")
        if not message.ciphertext:
            raise ValueError("Ciphertext can't be empty")
        try:
            raw = _b64.decode_public(_text(message.ciphertext), "Olm message")
        except OlmpyError as exc:
            raise OlmSessionError(libolm_code(exc)) from exc
        try:
            pre = olmpy.PreKeyMessage(raw)
        except DecodeError:
            return False  # as libolm: a message that does not parse matches no session
        try:
            if not self._session.session_matches(pre):
                return False
            if identity_key:
                their = Curve25519PublicKey._coerce(_text(identity_key), "identity key")
                return bool(pre.identity_key == their)
        except OlmpyError as exc:
            raise OlmSessionError(libolm_code(exc)) from exc
        return True

    def describe(self, buffer_length: int = 600) -> str:
        """A summary of the ratchet state (no key material), cut to ``buffer_length - 1``
        characters ending with "..." if longer."""
        text = self._session.describe()
        if len(text) >= buffer_length:
            text = text[: max(buffer_length - 4, 0)] + "..." if buffer_length > 3 else ""
        return text


class InboundSession(Session):
    """A session opened by a pre-key message; decrypt that message with ``decrypt``."""

    __slots__ = ()

    def __new__(
        cls, account: Account, message: OlmPreKeyMessage, identity_key: str | bytes | None = None
    ) -> InboundSession:
        return cast(InboundSession, super().__new__(cls))

    def __init__(
        self, account: Account, message: OlmPreKeyMessage, identity_key: str | bytes | None = None
    ) -> None:
        """Opens the session (nothing is decrypted, the one-time key is kept: see
        ``Account.remove_one_time_keys``).  OlmSessionError("BAD_MESSAGE_KEY_ID") for an
        unknown one-time key or another sender's identity key."""
        if not message.ciphertext:
            raise ValueError("Ciphertext can't be empty")
        super().__init__()
        try:
            pre = olmpy.PreKeyMessage(_b64.decode_public(_text(message.ciphertext), "Olm message"))
            their = (
                Curve25519PublicKey._coerce(_text(identity_key), "identity key")
                if identity_key
                else pre.identity_key
            )
            self._session = account._account._open_inbound(their, pre)[0]
        except OlmpyError as exc:
            raise OlmSessionError(libolm_code(exc)) from exc


class OutboundSession(Session):
    """A session we start from the other device's identity key and one of its one-time keys."""

    __slots__ = ()

    def __new__(
        cls, account: Account, identity_key: str | bytes, one_time_key: str | bytes
    ) -> OutboundSession:
        return cast(OutboundSession, super().__new__(cls))

    def __init__(
        self, account: Account, identity_key: str | bytes, one_time_key: str | bytes
    ) -> None:
        """Starts the session; OlmSessionError("INVALID_BASE64") for a malformed key."""
        if not identity_key:
            raise ValueError("Identity key can't be empty")
        if not one_time_key:
            raise ValueError("One-time key can't be empty")
        super().__init__()
        try:
            self._session = account._account.create_outbound_session(
                _text(identity_key), _text(one_time_key)
            )
        except OlmpyError as exc:
            raise OlmSessionError(libolm_code(exc)) from exc

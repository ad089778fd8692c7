"""olmpy's typed errors as python-olm's: one exception class per module whose first
argument is libolm's error code (``BAD_MESSAGE_MAC`` ...); the olmpy error is chained."""

from __future__ import annotations

from typing import Protocol

from olmpy.errors import (
    Base64Error,
    CiphertextError,
    DecodeError,
    IdentityKeyMismatchError,
    KeyDecodeError,
    MacError,
    MessageDecodeError,
    MessageGapError,
    OlmpyError,
    PickleError,
    ReplayError,
    SessionMismatchError,
    SignatureError,
    UnknownMessageIndexError,
    UnknownOneTimeKeyError,
    VersionError,
)

__all__ = ["libolm_code", "write_libolm_pickle"]

_CODES: dict[type[BaseException], str] = {
    Base64Error: "INVALID_BASE64",
    VersionError: "BAD_MESSAGE_VERSION",
    MessageDecodeError: "BAD_MESSAGE_FORMAT",
    KeyDecodeError: "INVALID_BASE64",
    MacError: "BAD_MESSAGE_MAC",
    SessionMismatchError: "BAD_MESSAGE_MAC",
    CiphertextError: "BAD_MESSAGE_FORMAT",
    SignatureError: "BAD_SIGNATURE",
    UnknownMessageIndexError: "UNKNOWN_MESSAGE_INDEX",
    UnknownOneTimeKeyError: "BAD_MESSAGE_KEY_ID",
    IdentityKeyMismatchError: "BAD_MESSAGE_KEY_ID",
    MessageGapError: "BAD_MESSAGE_KEY_ID",
    ReplayError: "BAD_MESSAGE_KEY_ID",
}


def libolm_code(
    exc: OlmpyError,
    key_error: str = "INVALID_BASE64",
    *,
    decode_error: str | None = None,
    index_error: str = "UNKNOWN_MESSAGE_INDEX",
) -> str:
    """The libolm error code python-olm would report for ``exc``.

    ``key_error`` is the code for a malformed key; ``decode_error``, if given, the code
    for any input that does not parse but is valid base64 (libolm's BAD_SESSION_KEY when
    it reads a Megolm session key); ``index_error`` the code for a message key already
    used or never held (an Olm session's BAD_MESSAGE_MAC).
    """
    if isinstance(exc, PickleError):
        text = str(exc)
        if "expected a MAC" in text or "expected 16n" in text:
            return "BAD_ACCOUNT_KEY"
        if "expected base64" in text:
            return "INVALID_BASE64"
        if "version" in text:
            return "UNKNOWN_PICKLE_VERSION"
        return "CORRUPTED_PICKLE"
    if isinstance(exc, UnknownMessageIndexError):
        return index_error
    if (
        decode_error is not None
        and isinstance(exc, DecodeError)
        and not isinstance(exc, Base64Error)
    ):
        return decode_error
    for cls in type(exc).__mro__:
        if cls is KeyDecodeError:
            return key_error
        code = _CODES.get(cls)
        if code is not None:
            return code
    return str(exc)


class _LibolmPicklable(Protocol):
    def to_libolm_pickle(self, pickle_key: bytes | str, *, allow_weak_key: bool = ...) -> str: ...


def write_libolm_pickle(
    obj: _LibolmPicklable, key: bytes | str, error: type[Exception]
) -> bytes:
    """python-olm's ``pickle()``: ``obj`` as a libolm pickle in ASCII bytes, under any key
    (python-olm's default is empty); a failure is ``error`` with libolm's code."""
    try:
        text = obj.to_libolm_pickle(key, allow_weak_key=True)
    except OlmpyError as exc:
        raise error(libolm_code(exc)) from exc
    return text.encode("ascii")

"""olmpy's one error tree.

``OlmpyError`` is never raised itself.  Its branches separate what the *peer*
got wrong (``DecodeError``: bytes that do not parse; ``DecryptionError``: bytes
that parse but do not authenticate or cannot be decrypted) from what the
*caller* got wrong (``UsageError``).  Every message names what was expected and
what arrived.  Every error class of the package, including those defined beside the
code that raises them, is importable from ``olmpy``.  ``expected``, ``shown`` and
``brief`` format messages for olmpy's own modules and are not part of the API.
"""

from __future__ import annotations

import reprlib


class OlmpyError(Exception):
    """Base class of every error olmpy raises; never raised directly."""


class DecodeError(OlmpyError, ValueError):
    """Input from a peer or a store is malformed: it does not parse."""


class Base64Error(DecodeError):
    """A string is not valid unpadded or padded standard base64."""


class VersionError(DecodeError):
    """A message, key or pickle carries a version olmpy does not accept."""


class KeyDecodeError(DecodeError):
    """A key or session key has the wrong length, form or contents."""


class CurvePointError(KeyDecodeError):
    """A public key's 32 bytes do not encode a point on its curve."""


class MessageDecodeError(DecodeError):
    """A message's structure is malformed (truncated, bad varint, missing field)."""


class PickleError(DecodeError):
    """A pickle is malformed, of another type or version, or the key is wrong."""


class PublicKeyMismatchError(PickleError):
    """A pickle stores a public key that its own secret key does not give."""


class PickleKeyError(PickleError):
    """A pickle's MAC or tag does not match: the key is not the one it was sealed with, or
    the pickle was damaged in a way that kept its length.  Like every pickle failure it is
    a ``PickleError`` (a ``DecodeError``); the subclass lets callers tell a wrong key from
    a malformed pickle."""


class KdfCostError(DecodeError):
    """Stored or received parameters ask for a costlier key derivation (scrypt, PBKDF2)
    than the caller allows; the message names the limit and how to raise it.  Raised
    before any derivation runs."""


class DecryptionError(OlmpyError, ValueError):
    """A well-formed message could not be authenticated or decrypted."""


class SignatureError(DecryptionError):
    """An Ed25519 signature does not verify."""


class MacError(DecryptionError):
    """A message authentication code does not match."""


class UnknownMessageIndexError(DecryptionError):
    """A Megolm message is older than the first index the session knows."""


class CiphertextError(DecryptionError):
    """An authenticated ciphertext has a bad length or padding."""


class ReplayError(DecryptionError):
    """A (session, message index) pair was already seen on a different event."""


class UnknownOneTimeKeyError(DecryptionError):
    """A pre-key message names a one-time (or fallback) key this account does not hold."""


class IdentityKeyMismatchError(DecryptionError):
    """A pre-key message comes from another identity key than the caller expected."""


class MessageGapError(DecryptionError):
    """An Olm message skips more messages than the 2000 a chain may skip."""


class SessionMismatchError(DecryptionError):
    """A pre-key message belongs to another Olm session."""


class UsageError(OlmpyError, ValueError):
    """The caller broke an API rule (a wrong type, length or range)."""


class BackendError(OlmpyError, ImportError):
    """The compiled core is missing, mismatched or unusable."""


def expected(what: str, got: object) -> str:
    """Formats the 'expected X, got Y' part of an error message."""
    return f"expected {what}, got {got}"


def shown(value: object) -> str:
    """What arrived, for an error message: never long, never a secret's text.

    None, booleans and integers of at most 64 bits appear as themselves; short strings
    (up to 40 characters, not starting with NUL, which marks olmpy's hex byte strings) in
    quotes; anything else only by type and size.
    """
    if value is None or type(value) is bool:
        return repr(value)
    if isinstance(value, int):
        return repr(int(value)) if value.bit_length() <= 64 else "an integer beyond 64 bits"
    if isinstance(value, str):
        if len(value) <= 40 and value[:1] != "\x00":
            return repr(value)
        return f"a str of {len(value)} characters"
    if isinstance(value, (bytes, bytearray, list, tuple, dict)):
        return f"{type(value).__name__} of length {len(value)}"
    return type(value).__name__


_BRIEF = reprlib.Repr()
_BRIEF.maxlevel, _BRIEF.maxstring, _BRIEF.maxother = 2, 40, 40


def brief(value: object) -> str:
    """A short repr of an untrusted, non-secret value for an error message; never raises
    (an int past str()'s digit limit or a structure too deep shows as its type)."""
    try:
        return _BRIEF.repr(value)
    except (ValueError, RecursionError):
        return type(value).__name__


__all__ = [
    "BackendError",
    "Base64Error",
    "CiphertextError",
    "CurvePointError",
    "DecodeError",
    "DecryptionError",
    "IdentityKeyMismatchError",
    "KdfCostError",
    "KeyDecodeError",
    "MacError",
    "MessageDecodeError",
    "MessageGapError",
    "OlmpyError",
    "PickleError",
    "PickleKeyError",
    "PublicKeyMismatchError",
    "ReplayError",
    "SessionMismatchError",
    "SignatureError",
    "UnknownMessageIndexError",
    "UnknownOneTimeKeyError",
    "UsageError",
    "VersionError",
]

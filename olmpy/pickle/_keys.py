"""Pickle keys and passphrases: the checks every pickle writer and reader shares.

Writers are strict: a raw key must have at least ``MIN_KEY_BYTES`` bytes unless the caller
passes ``allow_weak_key=True`` (only to write for a peer that uses a short key, such as
python-olm's default empty passphrase), and a passphrase must not be empty.  Readers are
lenient: they take whatever key a peer may have written with.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, TypeVar

from olmpy.errors import KeyDecodeError, PickleError, UsageError, expected
from olmpy.hazmat.primitives import Ed25519SigningKey

__all__ = [
    "MIN_KEY_BYTES",
    "deprecated",
    "passphrase_in_key_slot",
    "reader_key",
    "signing_key",
    "writer_key",
]

MIN_KEY_BYTES = 32

_F = TypeVar("_F")

# ``deprecated`` marks the str overloads of ``pickle``/``from_pickle`` for type checkers
# (PEP 702); Python 3.10 has no warnings.deprecated, so at run time it marks nothing.

if TYPE_CHECKING:
    from typing_extensions import deprecated
else:

    def deprecated(message: str) -> Any:
        """PEP 702's marker for type checkers; at run time the warning is raised by hand."""

        def mark(f: _F) -> _F:
            return f

        return mark


def _described(key: object) -> str:
    if isinstance(key, (bytes, bytearray, memoryview)):
        return f"{len(key)} bytes"
    if isinstance(key, str):
        return f"a str of {len(key)} characters"
    return type(key).__name__


def reader_key(key: object, what: str) -> bytes:
    """A key as libolm's format takes it on read: bytes of any length as given, a str as
    its UTF-8 bytes (python-olm's passphrase), the empty key included."""
    if isinstance(key, str):
        try:
            return key.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                f"{what}: " + expected("a str encodable as UTF-8", "lone surrogates")
            ) from None
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise UsageError(f"{what}: " + expected("bytes or str", type(key).__name__))


def _allow(allow_weak_key: object) -> bool:
    if type(allow_weak_key) is not bool:
        raise UsageError("allow_weak_key: " + expected("a bool", type(allow_weak_key).__name__))
    return allow_weak_key


def writer_key(
    key: object, what: str, *, allow_weak_key: object = False, text: bool = True
) -> bytes:
    """A key for a libolm-format writer: bytes (or, when ``text``, a str as UTF-8) of at
    least ``MIN_KEY_BYTES`` bytes, unless ``allow_weak_key`` is True."""
    weak_ok = _allow(allow_weak_key)
    if not text and not isinstance(key, (bytes, bytearray, memoryview)):
        raise UsageError(f"{what}: " + expected("bytes", type(key).__name__))
    raw = reader_key(key, what)
    if len(raw) < MIN_KEY_BYTES and not weak_ok:
        raise UsageError(
            f"{what}: "
            + expected(
                f"at least {MIN_KEY_BYTES} bytes (pass allow_weak_key=True only to write for a "
                "peer that uses a shorter key, such as python-olm's default empty passphrase)",
                _described(key) if not isinstance(key, str) else f"{len(raw)} bytes of UTF-8",
            )
        )
    return raw


def passphrase_in_key_slot(owner: str, method: str, replacement: str) -> None:
    """Warns that a str went where a raw key goes (the deprecated passphrase path).

    Called from a sealing helper called from the object's method, so ``stacklevel=4``
    points at the user's call."""
    warnings.warn(
        f"{owner}.{method}(str) runs scrypt on a passphrase (about 0.1 s per call); passing "
        f"a str is deprecated: call {owner}.{replacement} for a passphrase, or pass a "
        "32-byte key (bytes)",
        DeprecationWarning,
        stacklevel=4,
    )


def signing_key(
    secret: bytes, expanded: bool, stored_public: bytes | None, what: str
) -> Ed25519SigningKey:
    """The Ed25519 key of a pickle's seed or expanded secret, checked against the public key
    stored beside it (if the format stores one): ``PublicKeyMismatchError`` when they
    disagree, ``PickleError`` when the scalar is 0 mod L."""
    try:
        key = (
            Ed25519SigningKey.from_expanded(secret)
            if expanded
            else Ed25519SigningKey.from_seed(secret)
        )
    except KeyDecodeError as exc:
        raise PickleError(f"{what} signing key: {exc}") from None
    if stored_public is not None:
        key.check_public(stored_public, what)
    return key

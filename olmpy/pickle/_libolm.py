"""libolm's pickle format (SPEC.md section 11).  Internal: the objects' ``to_libolm_pickle``
and ``from_libolm_pickle`` (and olmpy's own format, whose plaintext is this body) use it.

A pickle is unpadded base64 of AES-256-CBC(raw) || HMAC-SHA-256(ciphertext)[:8], with the
keys from HKDF(zero salt, pickle key, "Pickle", 80); python-olm uses the passphrase's
UTF-8 bytes as the pickle key.  The raw bytes start with a u32 big-endian version;
integers are u32 big-endian, flags one byte, lists a u32 count and their items.
"""

from __future__ import annotations

from olmpy import _backend
from olmpy.errors import PickleError, UsageError, expected
from olmpy.pickle._keys import reader_key, writer_key

__all__ = [
    "OLMPY_PREFIX",
    "Reader",
    "olmpy_hint",
    "open_sealed",
    "pickle_key",
    "read_version",
    "seal",
    "u32",
    "version",
]

# Unpadded base64 of "OLMPY" (olmpy's own pickles start with it): "T0xNUFk" is 42 bits, so
# a libolm pickle (random ciphertext) starts so with odds of 2**-42; it is only looked at
# once such a pickle has failed to open.
OLMPY_PREFIX = "T0xNUFk"


def pickle_key(key: bytes | str) -> bytes:
    """The pickle key as libolm takes it on read: bytes as given, str as UTF-8."""
    return reader_key(key, "pickle key")


def seal(raw: bytes, key: bytes | str, *, allow_weak_key: bool = False, text: bool = True) -> str:
    """Encrypts and MACs raw pickle bytes as libolm does (one native call).

    The key must have at least 32 bytes unless ``allow_weak_key``; ``text=False`` refuses
    a str key (for vodozemac's PkDecryption, whose key is bytes)."""
    secret = writer_key(
        key, "libolm pickle key" if text else "vodozemac pickle key",
        allow_weak_key=allow_weak_key, text=text,
    )
    sealed: str = _backend.impl.pickle_seal(secret, raw)
    return sealed


def olmpy_hint(text: object, what: str, loader: str = "from_pickle") -> str | None:
    """The message for an olmpy pickle given to a libolm or vodozemac loader, if it is one."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    if isinstance(text, str) and text.startswith(OLMPY_PREFIX):
        return (
            f"{what}: expected a pickle in this format, got an olmpy pickle (load it with "
            f"{loader}, or from_pickle_with_passphrase if it was sealed with a passphrase)"
        )
    return None


def open_sealed(text: str, key: bytes | str, what: str) -> bytes:
    """Checks the MAC, then decrypts a libolm pickle; PickleError on any failure.  Any key
    a peer may have used is taken, the empty one included."""
    if not isinstance(text, (str, bytes)):
        raise UsageError(f"{what}: " + expected("a pickle str", type(text).__name__))
    secret = reader_key(key, "pickle key")
    try:
        raw: bytes = _backend.impl.pickle_open(secret, text, what)
    except PickleError:
        hint = olmpy_hint(text, what)
        if hint is not None:
            raise PickleError(hint) from None
        raise
    return raw


def read_version(pickle: str, pickle_key: bytes | str) -> int:
    """The version number at the start of a libolm pickle's body (account 4, session 1,
    ...), after the key has opened it: ``PickleKeyError`` for a wrong key.  libolm's
    format does not say the object type, and several types share a version number.
    vodozemac's JSON pickles, sealed the same way, are refused (``PickleError``)."""
    what = "libolm pickle"
    raw = open_sealed(pickle, pickle_key, what)
    if len(raw) < 4:
        raise PickleError(f"{what}: " + expected("a 4-byte version", f"{len(raw)} bytes"))
    if raw[:1] == b"{":
        raise PickleError(f"{what}: expected a binary body, got JSON (a vodozemac pickle)")
    return int.from_bytes(raw[:4], "big")


class Reader:
    """Bounds-checked reading of raw pickle bytes; every failure is a PickleError."""

    __slots__ = ("_data", "_pos", "_what")

    def __init__(self, data: bytes, what: str) -> None:
        self._data = data
        self._pos = 0
        self._what = what

    def take(self, n: int) -> bytes:
        if self._pos + n > len(self._data):
            raise PickleError(
                f"{self._what}: expected {n} more bytes at offset {self._pos}, "
                f"got {len(self._data) - self._pos}"
            )
        out = self._data[self._pos : self._pos + n]
        self._pos += n
        return out

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    def remaining(self) -> int:
        """How many bytes are left unread."""
        return len(self._data) - self._pos

    def u8(self) -> int:
        return self.take(1)[0]

    def flag(self) -> bool:
        value = self.u8()
        if value > 1:
            raise PickleError(f"{self._what}: expected a flag of 0 or 1, got {value}")
        return value == 1

    def count(self, limit: int) -> int:
        n = self.u32()
        if n > limit:
            raise PickleError(f"{self._what}: expected at most {limit} items, got {n}")
        return n

    def end(self) -> None:
        if self._pos != len(self._data):
            raise PickleError(
                f"{self._what}: expected the end, got {len(self._data) - self._pos} trailing bytes"
            )


def version(reader: Reader, accepted: tuple[int, ...], what: str) -> int:
    """Reads the version and checks it is one olmpy accepts for this object type."""
    v = reader.u32()
    if v not in accepted:
        message = f"{what} version: " + expected(" or ".join(str(a) for a in accepted), v)
        if v >> 24 == ord("{"):  # JSON: vodozemac seals it exactly as libolm seals its body
            message += " (it is a vodozemac pickle: load it with from_vodozemac_pickle)"
        raise PickleError(message)
    return v


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")

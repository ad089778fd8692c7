"""libolm's pickle format (SPEC.md section 11).

A pickle is unpadded base64 of AES-256-CBC(raw) || HMAC-SHA-256(ciphertext)[:8], with the
keys from HKDF(zero salt, pickle key, "Pickle", 80); python-olm uses the passphrase's
UTF-8 bytes as the pickle key.  The raw bytes start with a u32 big-endian version;
integers are u32 big-endian, flags one byte, lists a u32 count and their items.
"""

from __future__ import annotations

from olmpy import _backend
from olmpy.errors import PickleError, UsageError, expected


def pickle_key(key: bytes | str) -> bytes:
    """The pickle key as libolm takes it: bytes as given, str as UTF-8."""
    if isinstance(key, str):
        return key.encode("utf-8")
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise UsageError("pickle key: " + expected("bytes or str", type(key).__name__))


def seal(raw: bytes, key: bytes | str) -> str:
    """Encrypts and MACs raw pickle bytes as libolm does (one native call)."""
    sealed: str = _backend.impl.pickle_seal(pickle_key(key), raw)
    return sealed


def open_sealed(text: str, key: bytes | str, what: str) -> bytes:
    """Checks the MAC, then decrypts a libolm pickle; PickleError on any failure."""
    if not isinstance(text, (str, bytes)):
        raise UsageError(f"{what}: " + expected("a pickle str", type(text).__name__))
    raw: bytes = _backend.impl.pickle_open(pickle_key(key), text, what)
    return raw


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
        raise PickleError(f"{what} version: " + expected(" or ".join(str(a) for a in accepted), v))
    return v


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")

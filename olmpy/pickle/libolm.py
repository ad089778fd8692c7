"""libolm's pickle format (SPEC.md section 11).

A pickle is unpadded base64 of AES-256-CBC(raw) || HMAC-SHA-256(ciphertext)[:8], with the
keys from HKDF(zero salt, pickle key, "Pickle", 80); python-olm uses the passphrase's
UTF-8 bytes as the pickle key.  The raw bytes start with a u32 big-endian version;
integers are u32 big-endian, flags one byte, lists a u32 count and their items.
"""

from __future__ import annotations

import hmac

from olmpy import _b64, _backend
from olmpy.errors import CiphertextError, PickleError, UsageError, expected

_INFO = b"Pickle"


def pickle_key(key: bytes | str) -> bytes:
    """The pickle key as libolm takes it: bytes as given, str as UTF-8."""
    if isinstance(key, str):
        return key.encode("utf-8")
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise UsageError("pickle key: " + expected("bytes or str", type(key).__name__))


def seal(raw: bytes, key: bytes | str) -> str:
    """Encrypts and MACs raw pickle bytes as libolm does."""
    b = _backend.impl
    okm = b.hkdf_sha256(b"", pickle_key(key), _INFO, 80)
    ct = b.aes256_cbc_encrypt(okm[:32], okm[64:80], raw)
    return _b64.encode(ct + b.hmac_sha256(okm[32:64], ct)[:8])


def open_sealed(text: str, key: bytes | str, what: str) -> bytes:
    """Checks the MAC and decrypts a libolm pickle; PickleError on any failure."""
    b = _backend.impl
    if not isinstance(text, (str, bytes)):
        raise UsageError(f"{what}: " + expected("a pickle str", type(text).__name__))
    try:
        data = _b64.decode(text, what)
    except Exception as exc:
        raise PickleError(f"{what}: expected base64, got text that is not ({exc})") from None
    if len(data) < 24 or (len(data) - 8) % 16:
        raise PickleError(f"{what}: " + expected("16n + 8 bytes (n >= 1)", f"{len(data)} bytes"))
    okm = b.hkdf_sha256(b"", pickle_key(key), _INFO, 80)
    ct, mac = data[:-8], data[-8:]
    if not hmac.compare_digest(b.hmac_sha256(okm[32:64], ct)[:8], mac):
        raise PickleError(
            f"{what}: expected a MAC made with this pickle key, got another "
            "(wrong key or damaged pickle)"
        )
    try:
        raw: bytes = b.aes256_cbc_decrypt(okm[:32], okm[64:80], ct)
    except CiphertextError:
        raise PickleError(f"{what}: expected valid padding, got invalid") from None
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

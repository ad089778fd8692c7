"""Pure twin of ``_native/sha256.c``: SHA-256, HMAC-SHA-256 and HKDF-SHA-256, through the
standard library's ``hashlib`` and ``hmac``."""

from __future__ import annotations

import hashlib
import hmac as _hmac

from olmpy.errors import UsageError, expected


def sha256(data: bytes) -> bytes:
    """SHA-256 digest of ``data``."""
    return hashlib.sha256(data).digest()


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-256 of ``data`` under ``key``."""
    return _hmac.digest(key, data, "sha256")


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869); an empty salt means 32 zero bytes."""
    if not 0 <= length <= 255 * 32:
        raise UsageError("HKDF length: " + expected("0..8160", length))
    prk = _hmac.digest(salt, ikm, "sha256")
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = _hmac.digest(prk, block + info + bytes([counter]), "sha256")
        out += block
        counter += 1
    return out[:length]

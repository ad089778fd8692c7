"""olmpy's own pickle format (SPEC.md section 12).

    "OLMPY" | format 1 | object type | KDF | [KDF parameters] | nonce (12) | AEAD output

The AEAD is ChaCha20-Poly1305 (cryptography/OpenSSL) with a fresh random nonce per pickle
and the whole header as associated data, so the object type, the KDF parameters and the
format cannot be swapped without detection.  The key is either exactly 32 bytes (KDF 0) or
a passphrase (str) stretched with scrypt (KDF 1: log2 N, r, p and a 16-byte salt recorded in
the header).  The plaintext is the object's libolm pickle body (section 11), which stores
every public key next to its secret, so loading recomputes nothing.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from olmpy import _b64
from olmpy.errors import PickleError, UsageError, expected

MAGIC = b"OLMPY"
FORMAT = 1
TYPES = {
    "account": 1,
    "session": 2,
    "group_session": 3,
    "inbound_group_session": 4,
    "pk_decryption": 5,
}
_NAMES = {v: k for k, v in TYPES.items()}
KDF_RAW = 0
KDF_SCRYPT = 1
SCRYPT_LOG2_N = 15
SCRYPT_R = 8
SCRYPT_P = 1
_MAX_LOG2_N = 20  # refuse pickles that would make loading take seconds of CPU and 1 GiB


def _scrypt(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase.encode())


def seal(body: bytes, kind: str, key: bytes | str) -> str:
    """Encrypts a pickle body for ``kind`` under a 32-byte key or a passphrase."""
    header = MAGIC + bytes([FORMAT, TYPES[kind]])
    if isinstance(key, str):
        if not key:
            raise UsageError("pickle passphrase: expected a non-empty str, got an empty one")
        salt = os.urandom(16)
        header += bytes([KDF_SCRYPT, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + salt
        secret = _scrypt(key, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    elif isinstance(key, (bytes, bytearray)) and len(key) == 32:
        header += bytes([KDF_RAW])
        secret = bytes(key)
    else:
        got = f"{len(key)} bytes" if isinstance(key, (bytes, bytearray)) else type(key).__name__
        raise UsageError("pickle key: " + expected("32 bytes or a passphrase str", got))
    nonce = os.urandom(12)
    header += nonce
    return _b64.encode_public(header + ChaCha20Poly1305(secret).encrypt(nonce, body, header))


def open_sealed(text: str, kind: str, key: bytes | str) -> bytes:
    """Authenticates and decrypts an olmpy pickle of ``kind``; PickleError on any failure."""
    what = f"olmpy {kind.replace('_', ' ')} pickle"
    if not isinstance(text, str):
        raise UsageError(f"{what}: " + expected("a pickle str", type(text).__name__))
    try:
        data = _b64.decode_public(text, what)
    except Exception:
        raise PickleError(f"{what}: expected base64, got text that is not") from None
    if data[:5] != MAGIC or len(data) < 8:
        raise PickleError(
            f"{what}: expected the OLMPY marker, got something else "
            "(a libolm or vodozemac pickle needs from_libolm_pickle)"
        )
    if data[5] != FORMAT:
        raise PickleError(f"{what} format: " + expected(str(FORMAT), data[5]))
    if data[6] != TYPES[kind]:
        got = _NAMES.get(data[6], f"unknown type {data[6]}")
        raise PickleError(f"{what}: expected the object type {kind}, got the object type {got}")
    kdf, pos = data[7], 8
    if kdf == KDF_RAW:
        if not (isinstance(key, (bytes, bytearray)) and len(key) == 32):
            raise PickleError(
                f"{what}: expected a 32-byte key (it was sealed with one), got "
                f"{'a passphrase' if isinstance(key, str) else 'another key'}"
            )
        secret = bytes(key)
    elif kdf == KDF_SCRYPT:
        if not isinstance(key, str):
            raise PickleError(f"{what}: expected a passphrase (it was sealed with one), got a key")
        if len(data) < pos + 19:
            raise PickleError(f"{what}: expected scrypt parameters, got a truncated header")
        log2_n, r, p = data[pos], data[pos + 1], data[pos + 2]
        if not (10 <= log2_n <= _MAX_LOG2_N and 1 <= r <= 16 and 1 <= p <= 4):
            raise PickleError(
                f"{what} scrypt parameters: "
                + expected(f"log2 N 10..{_MAX_LOG2_N}, r 1..16, p 1..4", f"{log2_n}, {r}, {p}")
            )
        secret = _scrypt(key, data[pos + 3 : pos + 19], log2_n, r, p)
        pos += 19
    else:
        raise PickleError(f"{what} KDF: " + expected("0 (key) or 1 (scrypt)", kdf))
    if len(data) < pos + 12 + 16:
        raise PickleError(f"{what}: expected a nonce and a tag, got a truncated pickle")
    header, nonce = data[: pos + 12], data[pos : pos + 12]
    try:
        return ChaCha20Poly1305(secret).decrypt(nonce, data[pos + 12 :], header)
    except InvalidTag:
        raise PickleError(
            f"{what}: expected a pickle sealed with this key, got one that does "
            "not authenticate (wrong key or damaged pickle)"
        ) from None

"""Pure twin of ``_native/core.c``: secret buffers, Ed25519 signing keys, signatures and
verification, X25519, and the two generators of fresh keys (a Megolm group session, an
Olm identity).  Ed25519 and X25519 are PyNaCl's (libsodium); there is no curve code here.
"""

from __future__ import annotations

import hmac as _hmac
import os

from nacl import bindings as _sodium
from nacl.exceptions import BadSignatureError

from olmpy.errors import KeyDecodeError, SignatureError, UsageError, expected, shown

KEY_SEED = 0
KEY_EXPANDED = 1
SIGNATURE_LEN = 64
ED25519_KEY_LEN = 96  # expanded secret (scalar || prefix) || public key


class SecretBuffer(bytearray):
    """A bytearray that zeroes itself when it is garbage-collected."""

    __slots__ = ()

    def __del__(self) -> None:
        self[:] = bytes(len(self))


# --- secret buffers ---------------------------------------------------------


def secret_buffer(data: bytes) -> bytearray:
    """A mutable buffer holding a copy of ``data``; zeroed when freed or by ``wipe``."""
    return SecretBuffer(data)


def secret_state_pair(initial: bytes, latest: bytes) -> tuple[None, bytearray, bytearray]:
    """Two 132-byte secret states: (owner, initial, latest); the pure twin needs no owner."""
    return None, SecretBuffer(initial), SecretBuffer(latest)


def write_secret(buf: bytearray, data: bytes) -> None:
    """Overwrites a secret buffer with ``data`` of the same length."""
    if len(data) != len(buf):
        raise UsageError("secret buffer: " + expected(f"{len(buf)} bytes", f"{len(data)} bytes"))
    buf[:] = data


def read_secret(buf: bytearray) -> bytes:
    """The current contents of a secret buffer."""
    return bytes(buf)


def wipe(buf: bytearray) -> None:
    """Overwrites a secret buffer with zeros."""
    buf[:] = bytes(len(buf))


# --- Ed25519 ---------------------------------------------------------------------


def ed25519_key_refuse() -> None:
    """Raises the error for an Ed25519 secret whose scalar is 0 mod L."""
    raise KeyDecodeError(
        "Ed25519 secret key: " + expected("a scalar that is not 0 mod L", "one that is")
    )


def ed25519_key(secret: bytes | bytearray, kind: int) -> tuple[bytearray, bytes]:
    """A signing key from a 32-byte seed (``KEY_SEED``) or libolm's 64-byte expanded key
    (``KEY_EXPANDED``): (key buffer, public key).  The public key is derived here; a
    scalar that is 0 mod L is a KeyDecodeError."""
    if kind not in (KEY_SEED, KEY_EXPANDED):
        raise UsageError("key kind: " + expected("0 (seed) or 1 (expanded)", shown(kind)))
    size = 32 if kind == KEY_SEED else 64
    if len(secret) != size:
        raise UsageError(
            "Ed25519 secret key: " + expected(f"{size} bytes", f"{len(secret)} bytes")
        )
    if kind == KEY_SEED:
        expanded = bytearray(_sodium.crypto_hash_sha512(bytes(secret)))
        expanded[0] &= 248
        expanded[31] &= 127
        expanded[31] |= 64
    else:
        expanded = bytearray(secret)
    key = SecretBuffer(expanded)
    wipe(expanded)
    scalar = _sodium.crypto_core_ed25519_scalar_reduce(bytes(key[:32]) + bytes(32))
    if _hmac.compare_digest(scalar, bytes(32)):
        ed25519_key_refuse()
    public = bytes(_sodium.crypto_scalarmult_ed25519_base_noclamp(scalar))
    key += public
    return key, public


def ed25519_sign(key: bytearray, message: bytes) -> bytes:
    """Signs ``message`` with a key made by ``ed25519_key`` (RFC 8032)."""
    prefix, public = bytes(key[32:64]), bytes(key[64:96])
    r = _sodium.crypto_core_ed25519_scalar_reduce(_sodium.crypto_hash_sha512(prefix + message))
    big_r = _sodium.crypto_scalarmult_ed25519_base_noclamp(r)
    k = _sodium.crypto_core_ed25519_scalar_reduce(
        _sodium.crypto_hash_sha512(big_r + public + message)
    )
    a = _sodium.crypto_core_ed25519_scalar_reduce(bytes(key[:32]) + bytes(32))
    s = _sodium.crypto_core_ed25519_scalar_add(_sodium.crypto_core_ed25519_scalar_mul(k, a), r)
    return bytes(big_r + s)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> None:
    """Raises SignatureError unless ``signature`` is valid for ``message``."""
    if len(public) != 32 or len(signature) != SIGNATURE_LEN:
        raise SignatureError(
            "Ed25519: "
            + expected(
                "a 32-byte key and a 64-byte signature", f"{len(public)} and {len(signature)} bytes"
            )
        )
    try:
        _sodium.crypto_sign_open(bytes(signature) + bytes(message), bytes(public))
    except BadSignatureError:
        raise SignatureError(
            "Ed25519 signature: expected one made by the signing key, got one that does not verify"
        ) from None


def megolm_group_new() -> tuple[bytearray, bytearray, bytearray, bytes]:
    """A fresh outbound session: (state, Ed25519 seed, signing key, public key)."""
    seed = SecretBuffer(os.urandom(32))
    key, public = ed25519_key(seed, KEY_SEED)
    return SecretBuffer(os.urandom(128) + bytes(4)), seed, key, public


# --- X25519 --------------------------------------------------------------------------------


def x25519_refuse() -> None:
    """Raises the error for a non-contributory (all-zero) X25519 result."""
    raise KeyDecodeError(
        "X25519: " + expected("a contributory public key", "one giving an all-zero secret")
    )


def x25519(secret: bytes | bytearray, public: bytes) -> bytes:
    """X25519 shared secret of a 32-byte secret and a public key (libsodium); an all-zero
    (non-contributory) result is a KeyDecodeError."""
    if len(secret) != 32 or len(public) != 32:
        raise UsageError(
            "X25519: "
            + expected(
                "a 32-byte secret and a 32-byte public key",
                f"{len(secret)} and {len(public)} bytes",
            )
        )
    try:
        shared = bytes(_sodium.crypto_scalarmult(bytes(secret), bytes(public)))
    except RuntimeError:  # libsodium refuses an all-zero result
        shared = bytes(32)
    if _hmac.compare_digest(shared, bytes(32)):
        x25519_refuse()
    return shared


def x25519_public_batch(secrets: bytes | bytearray) -> bytes:
    """The X25519 public keys of the concatenated 32-byte secrets, concatenated."""
    secrets = bytes(secrets)
    if len(secrets) % 32:
        raise UsageError(
            "X25519 secrets: " + expected("a multiple of 32 bytes", f"{len(secrets)} bytes")
        )
    return b"".join(
        bytes(_sodium.crypto_scalarmult_base(secrets[i : i + 32]))
        for i in range(0, len(secrets), 32)
    )


def identity_new() -> tuple[bytearray, bytearray, bytes, bytearray, bytes]:
    """A fresh Olm identity: (Ed25519 seed, Ed25519 signing key, Ed25519 public key,
    Curve25519 secret, Curve25519 public key), secrets in self-wiping buffers."""
    seed = SecretBuffer(os.urandom(32))
    key, public = ed25519_key(seed, KEY_SEED)
    curve = SecretBuffer(os.urandom(32))
    return seed, key, public, curve, x25519_public_batch(bytes(curve))


# --- lane arithmetic shared by the secret codecs (pickle.py's hex, recovery.py's base58) ---


def _lanes_at_least(x: int, ones: int, high: int, k: int) -> int:
    """Bit 7 of each 8-bit lane of ``x`` whose value is >= k (lanes below 0x80, k <= 0x80:
    c + 0x80 - k stays within its lane)."""
    return (x + (0x80 - k) * ones) & high

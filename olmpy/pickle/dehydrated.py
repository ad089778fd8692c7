"""Dehydrated devices (MSC3814, ``org.matrix.msc3814.v2``), in vodozemac's format.

The plaintext is a binary record, sealed with ChaCha20-Poly1305 under a 32-byte key and a
random 12-byte nonce (no associated data); ciphertext and nonce travel separately as
unpadded base64 (``device_pickle`` and ``nonce``)::

    version u32 (1) | Curve25519 secret 32 | Ed25519 seed 32
        | one-time key secrets (u32 count, 32 bytes each) | fallback flag u8 [| secret 32]

Integers are big-endian.  Only secrets are stored: every public key is derived on load.
"""

from __future__ import annotations

import os
from typing import Final, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from olmpy import _b64
from olmpy.errors import DecodeError, PickleError, UsageError, expected
from olmpy.pickle import libolm
from olmpy.types import DehydratedDeviceData

ALGORITHM: Final = "org.matrix.msc3814.v2"
VERSION = 1
WHAT = "dehydrated device"


class DehydratedDevice(NamedTuple):
    """An encrypted account for MSC3814: ``device_pickle`` and ``nonce``, unpadded base64."""

    ciphertext: str
    nonce: str

    def device_data(self) -> DehydratedDeviceData:
        """The ``device_data`` object of ``PUT /dehydrated_device``."""
        return {"algorithm": ALGORITHM, "device_pickle": self.ciphertext, "nonce": self.nonce}


class Contents(NamedTuple):
    """What a dehydrated device holds: secrets only (repr shows none of them)."""

    curve25519_secret: bytes
    ed25519_seed: bytes
    one_time_keys: list[bytes]
    fallback_key: bytes | None

    def __repr__(self) -> str:
        fallback = "none" if self.fallback_key is None else "one"
        return (
            f"Contents(<secrets hidden>, one_time_keys={len(self.one_time_keys)}, "
            f"fallback_key={fallback})"
        )


def _key(key: object) -> bytes:
    if not isinstance(key, (bytes, bytearray)) or len(key) != 32:
        got = f"{len(key)} bytes" if isinstance(key, (bytes, bytearray)) else type(key).__name__
        raise UsageError(f"{WHAT} key: " + expected("32 bytes", got))
    return bytes(key)


def seal(contents: Contents, key: bytes) -> DehydratedDevice:
    """Encodes and encrypts ``contents`` under ``key`` with a fresh nonce."""
    aead = ChaCha20Poly1305(_key(key))
    raw = bytearray(libolm.u32(VERSION) + contents.curve25519_secret + contents.ed25519_seed)
    raw += libolm.u32(len(contents.one_time_keys))
    for secret in contents.one_time_keys:
        raw += secret
    if contents.fallback_key is None:
        raw += b"\x00"
    else:
        raw += b"\x01" + contents.fallback_key
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, bytes(raw), None)
    raw[:] = bytes(len(raw))
    return DehydratedDevice(_b64.encode_public(sealed), _b64.encode_public(nonce))


def open_sealed(ciphertext: str, nonce: str, key: bytes) -> Contents:
    """Authenticates, decrypts and parses a dehydrated device; PickleError on any failure."""
    aead = ChaCha20Poly1305(_key(key))
    for name, value in (("ciphertext", ciphertext), ("nonce", nonce)):
        if not isinstance(value, str):
            raise UsageError(f"{WHAT} {name}: " + expected("a base64 str", type(value).__name__))
    try:
        sealed = _b64.decode_public(ciphertext, f"{WHAT} ciphertext")
        iv = _b64.decode_public(nonce, f"{WHAT} nonce")
    except DecodeError as e:
        raise PickleError(str(e)) from None
    if len(iv) != 12:
        raise PickleError(f"{WHAT} nonce: " + expected("12 bytes", f"{len(iv)} bytes"))
    try:
        raw = aead.decrypt(iv, sealed, None)
    except InvalidTag:
        raise PickleError(
            f"{WHAT}: expected a Poly1305 tag that verifies, got one that does not "
            "(wrong key, or altered ciphertext or nonce)"
        ) from None
    reader = libolm.Reader(raw, WHAT)
    libolm.version(reader, (VERSION,), WHAT)
    curve = reader.take(32)
    seed = reader.take(32)
    count = reader.count(reader.remaining() // 32)
    one_time = [reader.take(32) for _ in range(count)]
    fallback = reader.take(32) if reader.flag() else None
    reader.end()
    return Contents(curve, seed, one_time, fallback)


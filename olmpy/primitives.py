"""The cryptographic primitives olmpy is built from, as plain functions on bytes.

Symmetric functions run on the active backend (the compiled core, or its
pure-Python twin).  Elliptic-curve work always goes to a vetted library,
picked per operation by measurement on a 2-vCPU Xeon (see
benchmarks/primitives.py and SPEC.md section "Primitives"):

- Ed25519 keys, signing and verifying: libsodium (PyNaCl), 1.7x-2x faster
  than OpenSSL through cryptography.
- X25519 public key from a secret (fixed base): libsodium, about 2x faster.
- X25519 shared secret (variable base): libsodium too. PERFORMANCE.md's faster
  OpenSSL figure keeps key objects alive; from raw bytes, as olmpy has them,
  OpenSSL took 53 us against libsodium's 32 (benchmarks/primitives.py).

Non-contributory X25519 results (all zeros) are rejected.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from nacl import bindings as _sodium

from olmpy import _backend
from olmpy.errors import UsageError, expected


def require_bytes(name: str, value: object, length: int) -> bytes:
    """``value`` as bytes of exactly ``length``, or UsageError naming ``name``."""
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise UsageError(f"{name}: " + expected("bytes", type(value).__name__))
    value = bytes(value)
    if len(value) != length:
        raise UsageError(f"{name}: " + expected(f"{length} bytes", f"{len(value)} bytes"))
    return value


def sha256(data: bytes) -> bytes:
    """SHA-256 digest."""
    return _backend.impl.sha256(bytes(data))  # type: ignore[no-any-return]


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-256 tag (32 bytes)."""
    return _backend.impl.hmac_sha256(bytes(key), bytes(data))  # type: ignore[no-any-return]


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869); an empty salt is equivalent to 32 zero bytes."""
    out: bytes = _backend.impl.hkdf_sha256(bytes(salt), bytes(ikm), bytes(info), length)
    return out


def aes256_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-256-CBC with PKCS#7 padding."""
    out: bytes = _backend.impl.aes256_cbc_encrypt(bytes(key), bytes(iv), bytes(plaintext))
    return out


def aes256_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """AES-256-CBC decryption; raises ``CiphertextError`` on bad length or padding."""
    out: bytes = _backend.impl.aes256_cbc_decrypt(bytes(key), bytes(iv), bytes(ciphertext))
    return out


def x25519_public(secret: bytes) -> bytes:
    """The X25519 public key of a 32-byte secret (libsodium, fixed base)."""
    out: bytes = _backend.impl.x25519_public_batch(require_bytes("X25519 secret", secret, 32))
    return out


def x25519(secret: bytes, public: bytes) -> bytes:
    """X25519 shared secret (libsodium); rejects an all-zero, non-contributory result."""
    out: bytes = _backend.impl.x25519(
        require_bytes("X25519 secret", secret, 32), require_bytes("X25519 public key", public, 32)
    )
    return out


def ed25519_public_from_seed(seed: bytes) -> bytes:
    """The Ed25519 public key of a 32-byte seed."""
    pk, _ = _sodium.crypto_sign_seed_keypair(require_bytes("Ed25519 seed", seed, 32))
    return bytes(pk)


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """Ed25519 signature (RFC 8032) of ``message`` by the key with this seed."""
    pk, sk = _sodium.crypto_sign_seed_keypair(require_bytes("Ed25519 seed", seed, 32))
    out: bytes = _backend.impl.ed25519_sign(sk, 0, pk, bytes(message))
    return out


def ed25519_sign_expanded(expanded: bytes, public: bytes, message: bytes) -> bytes:
    """Ed25519 signature from libolm's expanded key (clamped scalar || prefix)."""
    out: bytes = _backend.impl.ed25519_sign(
        require_bytes("expanded Ed25519 key", expanded, 64),
        1,
        require_bytes("Ed25519 public key", public, 32),
        bytes(message),
    )
    return out


def ed25519_expand_seed(seed: bytes) -> bytes:
    """libolm's expanded form of a seed: clamped SHA-512(seed)[:32] || SHA-512(seed)[32:]."""
    h = bytearray(_sodium.crypto_hash_sha512(require_bytes("Ed25519 seed", seed, 32)))
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def ed25519_public_from_expanded(expanded: bytes) -> bytes:
    """The public key of libolm's expanded Ed25519 key: (scalar mod L) times the base point."""
    scalar = _sodium.crypto_core_ed25519_scalar_reduce(
        require_bytes("expanded Ed25519 key", expanded, 64)[:32] + bytes(32)
    )
    return bytes(_sodium.crypto_scalarmult_ed25519_base_noclamp(scalar))


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> None:
    """Raises ``SignatureError`` unless the signature verifies (libsodium)."""
    _backend.impl.ed25519_verify(bytes(public), bytes(message), bytes(signature))


class AesCtr64:
    """AES-256-CTR keystream whose counter is the low 64 bits of the block.

    OpenSSL's CTR mode counts over all 128 bits.  This wrapper feeds it whole
    runs that stay below the 64-bit boundary and, at the boundary, restarts it
    from the same high half with a zero low half, which is WebCrypto's
    ``{name: "AES-CTR", length: 64}``: Matrix attachments, secret storage and key
    export files all count this way.
    """

    __slots__ = ("_ctx", "_high", "_key", "_left")

    def __init__(self, key: bytes, iv: bytes) -> None:
        """A 32-byte AES key and a 16-byte counter block (UsageError otherwise)."""
        key = require_bytes("AES-CTR key", key, 32)
        iv = require_bytes("AES-CTR counter block", iv, 16)
        self._key = key
        self._high = iv[:8]
        low = int.from_bytes(iv[8:16], "big")
        self._left = ((1 << 64) - low) * 16  # bytes before the low half wraps
        self._ctx = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()

    def __repr__(self) -> str:
        return "AesCtr64(<key hidden>)"

    def update(self, data: bytes) -> bytes:
        """XORs ``data`` with the next ``len(data)`` keystream bytes."""
        if isinstance(data, memoryview) and not (
            data.itemsize == 1 and data.ndim == 1 and data.c_contiguous
        ):
            data = data.tobytes()  # count bytes, not items, toward the wrap
        elif not isinstance(data, (bytes, bytearray, memoryview)):
            raise UsageError("AES-CTR input: " + expected("bytes", type(data).__name__))
        if len(data) < self._left:
            self._left -= len(data)
            return self._ctx.update(data)
        out = []
        view = memoryview(data)
        while len(view) >= self._left:
            out.append(self._ctx.update(view[: self._left]))
            view = view[self._left :]
            self._ctx = Cipher(
                algorithms.AES(self._key), modes.CTR(self._high + bytes(8))
            ).encryptor()
            self._left = (1 << 64) * 16
        self._left -= len(view)
        out.append(self._ctx.update(view))
        return b"".join(out)

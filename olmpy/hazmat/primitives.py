"""Hazardous materials: the cryptographic primitives olmpy is built from, as plain
functions on bytes.

Nothing here authenticates, picks a nonce or refuses a reused key: AES-CBC and
AES-CTR give malleable ciphertexts that an attacker can flip bit by bit, a
repeated IV or counter block gives away the XOR of two plaintexts, and a secret
that comes from a predictable source (a caller-chosen rng, seed or IV) makes every
key derived from it predictable.  Use the protocol objects (``olmpy.Account``,
``olmpy.pk``, ``olmpy.secret_storage``, ``olmpy.attachments`` ...) unless you are
building a protocol yourself.  The old module ``olmpy.primitives`` still gives
these names, with a DeprecationWarning, for one minor release (0.2.x).

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

import hmac

from nacl import bindings as _sodium

from olmpy import _b64, _backend
from olmpy._contract import Backend, Secret
from olmpy._nocopy import refuse_pickle
from olmpy._pure.attachment import Ctr64
from olmpy.errors import PublicKeyMismatchError, UsageError, expected


def require_bytes(name: str, value: object, length: int) -> bytes:
    """``value`` as bytes of exactly ``length``, or UsageError naming ``name``.

    A length check only: it says nothing about where the bytes came from."""
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise UsageError(f"{name}: " + expected("bytes", type(value).__name__))
    value = bytes(value)
    if len(value) != length:
        raise UsageError(f"{name}: " + expected(f"{length} bytes", f"{len(value)} bytes"))
    return value


def sha256(data: bytes) -> bytes:
    """SHA-256 digest (32 raw bytes; ``olmpy.sha256`` gives python-olm's base64 form).

    A bare hash is no MAC: anyone can recompute it over altered data, so it only
    detects corruption when the digest itself arrives over an authenticated channel."""
    return _backend.impl.sha256(bytes(data))


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-256 tag (32 bytes).

    Compare tags with ``hmac.compare_digest``, never ``==``: a comparison that stops
    at the first differing byte lets an attacker find a valid tag byte by byte.
    Use a key for one purpose only."""
    return _backend.impl.hmac_sha256(bytes(key), bytes(data))


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869); an empty salt is equivalent to 32 zero bytes.

    HKDF spreads the entropy that ``ikm`` has; it cannot add any.  A low-entropy
    ``ikm`` (a password, a predictable rng's output) gives keys that can be guessed
    offline.  Distinct ``info`` strings keep keys for distinct purposes apart."""
    out: bytes = _backend.impl.hkdf_sha256(bytes(salt), bytes(ikm), bytes(info), length)
    return out


def aes256_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-256-CBC with PKCS#7 padding, UNAUTHENTICATED.

    The ciphertext is malleable: flipping a bit of block i flips the same bit of
    plaintext block i+1 (and of the first block through the IV), so MAC the IV and
    ciphertext (encrypt-then-MAC) and check the MAC before decrypting.  The IV must
    be fresh and unpredictable for every message under a key: a repeated IV shows
    which messages share a prefix."""
    out: bytes = _backend.impl.aes256_cbc_encrypt(bytes(key), bytes(iv), bytes(plaintext))
    return out


def aes256_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """AES-256-CBC decryption; raises ``CiphertextError`` on bad length or padding.

    UNAUTHENTICATED: call it only after a MAC over the IV and ciphertext has been
    checked.  Decrypting unchecked input and reporting padding failures to a peer is a
    padding oracle that gives the whole plaintext away."""
    out: bytes = _backend.impl.aes256_cbc_decrypt(bytes(key), bytes(iv), bytes(ciphertext))
    return out


def x25519_public(secret: bytes) -> bytes:
    """The X25519 public key of a 32-byte secret (libsodium, fixed base).

    The secret must come from ``os.urandom`` (or an equally strong source): a secret
    from a predictable rng is a key anyone can recompute."""
    out: bytes = _backend.impl.x25519_public_batch(require_bytes("X25519 secret", secret, 32))
    return out


def x25519(secret: bytes, public: bytes) -> bytes:
    """X25519 shared secret (libsodium); rejects an all-zero, non-contributory result.

    The raw output is not a key: run it through HKDF with a purpose-specific
    ``info``.  Nothing authenticates the peer's public key here; without a signature
    or a verified fingerprint the peer may be anyone (a man in the middle)."""
    out: bytes = _backend.impl.x25519(
        require_bytes("X25519 secret", secret, 32), require_bytes("X25519 public key", public, 32)
    )
    return out


class Ed25519SigningKey:
    """An Ed25519 secret key and the public key derived from it.

    The public key that a signature hashes is always computed from the secret
    (libsodium's fixed-base multiplication), never taken from a caller or a
    pickle: RFC 8032's nonce depends only on the secret prefix and the message,
    so two signatures of one message under two different public keys would give
    the secret scalar away.  Loaders compare a stored public key with
    ``public`` and refuse a mismatch.  The secret lives in a wiping buffer of the
    backend that was active when the key was made.

    Misuse: a seed from a predictable source is a key anyone can recompute, and
    ``seed``/``expanded`` hand the secret out as plain bytes that Python cannot wipe.
    Refuses stdlib ``pickle`` and ``copy``; store the seed sealed yourself.
    """

    __slots__ = ("_b", "_key", "_seed", "public")

    __reduce__ = refuse_pickle(".seed, stored encrypted, and .from_seed()")

    _b: Backend[Secret]
    _key: Secret
    _seed: Secret | None
    public: bytes

    @classmethod
    def _make(cls, secret: bytes, kind: int, seed: Secret | None) -> Ed25519SigningKey:
        self = cls.__new__(cls)
        self._b = _backend.impl
        self._key, self.public = self._b.ed25519_key(secret, kind)
        self._seed = seed
        return self

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519SigningKey:
        """The key of a 32-byte seed (RFC 8032, vodozemac's and libsodium's form)."""
        seed = require_bytes("Ed25519 seed", seed, 32)
        return cls._make(seed, _backend.impl.KEY_SEED, _backend.impl.secret_buffer(seed))

    @classmethod
    def from_expanded(cls, expanded: bytes) -> Ed25519SigningKey:
        """The key of libolm's 64-byte expanded form (scalar || prefix), as libolm
        pickles store it; ``KeyDecodeError`` for a scalar that is 0 mod L."""
        expanded = require_bytes("expanded Ed25519 key", expanded, 64)
        return cls._make(expanded, _backend.impl.KEY_EXPANDED, None)

    @classmethod
    def _adopt(cls, seed: Secret, key: Secret, public: bytes) -> Ed25519SigningKey:
        """Wraps a seed and key just made together by the backend (fresh identities)."""
        self = cls.__new__(cls)
        self._b = _backend.impl
        self._seed, self._key, self.public = seed, key, public
        return self

    @property
    def seed(self) -> bytes | None:
        """The 32-byte seed, or None for a key that came in libolm's expanded form."""
        return None if self._seed is None else bytes(self._b.read_secret(self._seed))

    @property
    def expanded(self) -> bytes:
        """libolm's expanded form: clamped scalar || prefix (64 bytes)."""
        return bytes(self._b.read_secret(self._key)[:64])

    def sign(self, message: bytes) -> bytes:
        """The 64-byte RFC 8032 signature of ``message``."""
        out: bytes = self._b.ed25519_sign(self._key, message)
        return out

    def check_public(self, stored: bytes, what: str) -> None:
        """PublicKeyMismatchError unless ``stored`` is this key's public key."""
        if not hmac.compare_digest(stored, self.public):
            raise PublicKeyMismatchError(
                f"{what}: expected the Ed25519 public key of the stored secret key, got another"
            )

    def __repr__(self) -> str:
        return f"Ed25519SigningKey(public={_b64.encode_public(self.public)}, secret=<hidden>)"


def check_x25519_publics(
    secrets: list[bytes], stored: list[bytes], what: str, names: list[str] | None = None
) -> bytes:
    """The public keys of ``secrets`` (one backend call), compared with ``stored`` where it
    is not empty: PublicKeyMismatchError naming ``what`` and the key on a mismatch.

    An empty entry of ``stored`` is not checked; a loader that skips the check accepts
    a stored public key that its secret does not give."""
    derived: bytes = _backend.impl.x25519_public_batch(b"".join(secrets)) if secrets else b""
    for i, public in enumerate(stored):
        if public and not hmac.compare_digest(public, derived[32 * i : 32 * i + 32]):
            which = names[i] if names else f"key {i + 1} of {len(stored)}"
            raise PublicKeyMismatchError(
                f"{what} ({which}): expected the Curve25519 public key of the stored secret "
                "key, got another"
            )
    return derived


def ed25519_public_from_seed(seed: bytes) -> bytes:
    """The Ed25519 public key of a 32-byte seed."""
    pk, _ = _sodium.crypto_sign_seed_keypair(require_bytes("Ed25519 seed", seed, 32))
    return bytes(pk)


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """Ed25519 signature (RFC 8032) of ``message`` by the key with this seed.

    The seed passes through Python bytes that cannot be wiped; hold a long-lived key
    as an ``Ed25519SigningKey`` instead."""
    return Ed25519SigningKey.from_seed(seed).sign(bytes(message))


def ed25519_sign_expanded(expanded: bytes, message: bytes) -> bytes:
    """Ed25519 signature from libolm's expanded key (clamped scalar || prefix); the public
    key it hashes is derived from the scalar."""
    return Ed25519SigningKey.from_expanded(expanded).sign(bytes(message))


def ed25519_expand_seed(seed: bytes) -> bytes:
    """libolm's expanded form of a seed: clamped SHA-512(seed)[:32] || SHA-512(seed)[32:].

    The result is the secret key itself (scalar and nonce prefix), as plain bytes."""
    h = bytearray(_sodium.crypto_hash_sha512(require_bytes("Ed25519 seed", seed, 32)))
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def ed25519_public_from_expanded(expanded: bytes) -> bytes:
    """The public key of libolm's expanded Ed25519 key: (scalar mod L) times the base point."""
    return Ed25519SigningKey.from_expanded(expanded).public


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> None:
    """Raises ``SignatureError`` unless the signature verifies (libsodium).

    A valid signature proves only that the holder of ``public`` signed: check that
    ``public`` is the key you expected (a verified device or cross-signing key)."""
    _backend.impl.ed25519_verify(bytes(public), bytes(message), bytes(signature))


class AesCtr64:
    """AES-256-CTR keystream whose counter is the low 64 bits of the block.

    OpenSSL's CTR mode counts over all 128 bits; the pure backend's ``Ctr64`` feeds it whole
    runs that stay below the 64-bit boundary and, at the boundary, restarts it
    from the same high half with a zero low half, which is WebCrypto's
    ``{name: "AES-CTR", length: 64}``: Matrix attachments, secret storage and key
    export files all count this way.

    UNAUTHENTICATED and malleable: flipping bit i of the ciphertext flips bit i of
    the plaintext, so MAC the ciphertext (and the counter block) and check the MAC
    before using the output.  Never use one (key, counter block) pair twice: two
    messages under the same keystream give away the XOR of their plaintexts, and with
    it both plaintexts once either is known or guessable.  A caller-chosen IV is only
    safe if it is never repeated under the key.
    """

    __slots__ = ("_ctr",)

    __reduce__ = refuse_pickle("a new AesCtr64 with a fresh IV; never duplicate a keystream")

    def __init__(self, key: bytes, iv: bytes) -> None:
        """A 32-byte AES key and a 16-byte counter block (UsageError otherwise)."""
        key = require_bytes("AES-CTR key", key, 32)
        iv = require_bytes("AES-CTR counter block", iv, 16)
        self._ctr = Ctr64(key, iv)

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
        return self._ctr.update(data)


__all__ = [
    "AesCtr64",
    "Ed25519SigningKey",
    "aes256_cbc_decrypt",
    "aes256_cbc_encrypt",
    "check_x25519_publics",
    "ed25519_expand_seed",
    "ed25519_public_from_expanded",
    "ed25519_public_from_seed",
    "ed25519_sign",
    "ed25519_sign_expanded",
    "ed25519_verify",
    "hkdf_sha256",
    "hmac_sha256",
    "require_bytes",
    "sha256",
    "x25519",
    "x25519_public",
]

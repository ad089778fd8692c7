"""Typed wrappers over the compiled core ``olmpy._native``.

This module and ``olmpy._nativelib``, which loads the core and hands it libsodium's
functions, are the only ones that touch ``lib``.  Every function has the signature of
its twin in ``olmpy._pure``; errors are raised as the same types with the same messages
(on a decode failure the pure parser is asked for the precise reason, which costs nothing
on the success path).  The wrappers are grouped by the C file that defines the function
they call, in the order of the pure twin's submodules (``olmpy._pure.core`` for core.c,
and so on).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, cast

from olmpy import _pure
from olmpy._nativelib import ffi, lib
from olmpy._nocopy import refuse_pickle
from olmpy.errors import (
    BackendError,
    Base64Error,
    CiphertextError,
    MacError,
    MessageDecodeError,
    PickleError,
    SignatureError,
    UnknownMessageIndexError,
    UsageError,
    expected,
)

NAME = "native"
KEY_SEED = _pure.KEY_SEED
KEY_EXPANDED = _pure.KEY_EXPANDED
MEGOLM_STATE_LEN = _pure.MEGOLM_STATE_LEN
SIGNATURE_LEN = _pure.SIGNATURE_LEN
ED25519_KEY_LEN = _pure.ED25519_KEY_LEN

if TYPE_CHECKING:

    class SecretBuffer:
        """What mypy sees of a secret buffer: a cffi ``uint8_t[]`` from the wiping
        allocator below, opaque outside this module.  Nominal, so that the contract
        check (``olmpy._contract``) tells it from ``bytes``."""

        def __len__(self) -> int: ...

else:
    SecretBuffer = object  # cffi arrays have no Python class to name

# Buffers that hold keys or plaintexts come from _secret_alloc, whose free wipes them;
# the returned bytes objects are Python's to manage.
_secret_alloc = ffi.new_allocator(
    alloc=lib.olmpy_secret_alloc, free=lib.olmpy_secret_free, should_clear_after_alloc=False
)
_scratch = ffi.new_allocator(should_clear_after_alloc=False)
_buffer = ffi.buffer


def _fallback(secret: SecretBuffer | bytes) -> bytes:
    """For mypy only: a secret handed on to the pure twin, which reads it with ``bytes()``
    (reached only for a bad length, to raise the precise error).  Costs one call there."""
    return cast(bytes, secret)


# --- core.c: secret buffers ---------------------------------------------------------------


def secret_buffer(data: bytes) -> SecretBuffer:
    """A C buffer holding a copy of ``data``; wiped when freed."""
    buf: SecretBuffer = _secret_alloc("uint8_t[]", len(data))
    ffi.memmove(buf, data, len(data))
    return buf


_STATE_VIEW = ffi.typeof("uint8_t(*)[132]")


def secret_state_pair(
    initial: bytes, latest: bytes
) -> tuple[object, SecretBuffer, SecretBuffer]:
    """Two 132-byte secret states in one wiping allocation: (owner, initial, latest).

    The views do not keep the memory alive; the caller keeps ``owner``.
    """
    owner = _secret_alloc("uint8_t[]", 264)
    ffi.memmove(owner, initial + latest, 264)
    first: SecretBuffer = ffi.cast(_STATE_VIEW, owner)[0]
    second: SecretBuffer = ffi.cast(_STATE_VIEW, owner + 132)[0]
    return owner, first, second


def write_secret(buf: SecretBuffer, data: bytes) -> None:
    """Overwrites a secret buffer with ``data`` of the same length."""
    if len(data) != len(buf):
        raise UsageError("secret buffer: " + expected(f"{len(buf)} bytes", f"{len(data)} bytes"))
    ffi.memmove(buf, data, len(data))


def read_secret(buf: SecretBuffer) -> bytes:
    """The current contents of a secret buffer."""
    return _buffer(buf)[:]


def wipe(buf: SecretBuffer) -> None:
    """Overwrites a secret buffer with zeros now (freeing wipes it too)."""
    lib.olmpy_wipe(buf, len(buf))


# --- core.c: Ed25519 keys, signatures and verification ------------------------------------


def ed25519_key(secret: SecretBuffer | bytes, kind: int) -> tuple[SecretBuffer, bytes]:
    """A signing key from a 32-byte seed (``KEY_SEED``) or libolm's 64-byte expanded key
    (``KEY_EXPANDED``): (key buffer, public key).  The public key is derived here; a
    scalar that is 0 mod L is a KeyDecodeError."""
    if kind not in (KEY_SEED, KEY_EXPANDED) or len(secret) != (32 if kind == KEY_SEED else 64):
        _pure.ed25519_key(_fallback(secret), kind)  # raises the precise error
        raise UsageError("Ed25519 secret key: bad length")  # pragma: no cover
    key: SecretBuffer = _secret_alloc("uint8_t[]", ED25519_KEY_LEN)
    if lib.olmpy_ed25519_key_init(secret, kind, key) != 0:
        _pure.ed25519_key_refuse()
    return key, _buffer(cast(Any, key) + 64, 32)[:]


def ed25519_sign(key: SecretBuffer, message: bytes) -> bytes:
    """Signs ``message`` with a key made by ``ed25519_key``."""
    sig = _scratch("uint8_t[64]")
    rc = lib.olmpy_ed25519_sign(key, message, len(message), sig)
    if rc != 0:  # pragma: no cover - only for a nonce of 0 (probability 2**-252)
        raise BackendError("olmpy_ed25519_sign failed")
    return _buffer(sig)[:]


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> None:
    """Raises SignatureError unless ``signature`` is valid for ``message``."""
    if len(public) != 32 or len(signature) != SIGNATURE_LEN:
        _pure.ed25519_verify(public, message, signature)  # raises the precise error
    if lib.olmpy_ed25519_verify(public, message, len(message), signature) != 0:
        raise SignatureError(
            "Ed25519 signature: expected one made by the signing key, got one that does not verify"
        )


# --- core.c: a fresh Megolm group session -------------------------------------------------


def megolm_group_new() -> tuple[SecretBuffer, SecretBuffer, SecretBuffer, bytes]:
    """A fresh outbound session: (state, Ed25519 seed, signing key, public key)."""
    state = _secret_alloc("uint8_t[]", MEGOLM_STATE_LEN)
    seed = _secret_alloc("uint8_t[32]")
    key = _secret_alloc("uint8_t[]", ED25519_KEY_LEN)
    if lib.olmpy_megolm_group_new(state, seed, key) != 0:  # pragma: no cover
        raise BackendError("libsodium could not make an Ed25519 key")
    return state, seed, key, _buffer(key + 64, 32)[:]


# --- core.c: X25519 and a fresh Olm identity ----------------------------------------------


def x25519(secret: SecretBuffer | bytes, public: bytes) -> bytes:
    """X25519 shared secret of a 32-byte secret (bytes or secret buffer) and a public key;
    an all-zero (non-contributory) result is a KeyDecodeError."""
    if len(public) != 32 or len(secret) != 32:
        return _pure.x25519(_fallback(secret), public)  # raises the precise error
    shared = _secret_alloc("uint8_t[32]")
    if lib.olmpy_x25519(secret, public, shared) != 0:
        _pure.x25519_refuse()
    out = _buffer(shared)[:]
    return out


def x25519_public_batch(secrets: SecretBuffer | bytes) -> bytes:
    """The X25519 public keys of the concatenated 32-byte secrets, concatenated."""
    n = len(secrets) // 32
    if len(secrets) != 32 * n:
        return _pure.x25519_public_batch(_fallback(secrets))  # raises the precise error
    out = _scratch("uint8_t[]", max(32 * n, 1))
    if lib.olmpy_x25519_public_batch(secrets, n, out) != 0:  # pragma: no cover
        raise BackendError("libsodium refused an X25519 base-point multiplication")
    return _buffer(out, 32 * n)[:]


def identity_new() -> tuple[SecretBuffer, SecretBuffer, bytes, SecretBuffer, bytes]:
    """A fresh Olm identity: (Ed25519 seed, Ed25519 signing key, Ed25519 public key,
    Curve25519 secret, Curve25519 public key), secrets in wiping buffers."""
    ed_seed = _secret_alloc("uint8_t[32]")
    ed_key = _secret_alloc("uint8_t[]", ED25519_KEY_LEN)
    curve_secret = _secret_alloc("uint8_t[32]")
    curve_public = _scratch("uint8_t[32]")
    if lib.olmpy_identity_new(ed_seed, ed_key, curve_secret, curve_public) != 0:
        raise BackendError("libsodium could not make the identity keys")  # pragma: no cover
    return ed_seed, ed_key, _buffer(ed_key + 64, 32)[:], curve_secret, _buffer(curve_public)[:]


# --- base64.c (SPEC.md section 1) ---------------------------------------------------------


def b64_encode(data: bytes) -> str:
    """Unpadded standard base64 of ``data`` (secrets: the scratch text is wiped)."""
    n = len(data)
    cap = (n + 2) // 3 * 4 + 1
    out = _scratch("char[]", cap)
    written = lib.olmpy_b64_encode(data, n, out)
    # A cffi buffer has the buffer protocol: one copy, straight into the str.
    text = str(cast(bytes, _buffer(out, written)), "ascii")
    lib.olmpy_wipe(out, cap)
    return text


def b64_encode_public(data: bytes) -> str:
    """Unpadded standard base64 of public ``data`` (nothing to wipe)."""
    n = len(data)
    out = _scratch("char[]", (n + 2) // 3 * 4 + 1)
    written = lib.olmpy_b64_encode(data, n, out)
    return str(cast(bytes, _buffer(out, written)), "ascii")


def _b64_decode(text: str | bytes, what: str, secret: bool) -> bytes:
    if type(text) is str:
        if not text.isascii():
            return _pure.b64_decode(text, what)  # raises the precise error
        raw = text.encode("ascii")
    elif isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
    else:
        return _pure.b64_decode(text, what)  # raises the precise error
    n = len(raw)
    cap = n // 4 * 3 + 16
    out = _scratch("uint8_t[]", cap)
    written = lib.olmpy_b64_decode(raw, n, out)
    if written < 0:
        lib.olmpy_wipe(out, cap)
        # The twin names the failure; its secret decoder has no table either.
        _pure.b64_decode(text, what)
        raise Base64Error(f"{what}: expected base64, got invalid text")  # pragma: no cover
    decoded = _buffer(out, written)[:]
    if secret:
        lib.olmpy_wipe(out, cap)
    return decoded


def b64_decode(text: str | bytes, what: str) -> bytes:
    """Decodes padded or unpadded base64, raising Base64Error that names ``what``
    (secrets: the scratch output is wiped)."""
    return _b64_decode(text, what, True)


def b64_decode_public(text: str | bytes, what: str) -> bytes:
    """``b64_decode`` for public data (nothing to wipe)."""
    return _b64_decode(text, what, False)


def curve_impl() -> int:
    """Which code makes public keys from secrets: 0 libsodium's (``OLMPY_CURVE=sodium``),
    1 olmpy's 64-bit code in radix 2^51, 2 olmpy's AVX-512 IFMA code (off with
    ``OLMPY_NO_IFMA=1``), 3 olmpy's radix-2^64 MULX/ADX code (off with ``OLMPY_NO_MULX=1``)."""
    return int(lib.olmpy_curve_impl())


# --- sha256.c: hashes and MACs ------------------------------------------------------------


def has_shani() -> bool:
    """Whether SHA-256 runs on the SHA extensions."""
    return bool(lib.olmpy_has_shani())


def sha256(data: bytes) -> bytes:
    """SHA-256 digest of ``data``."""
    out = _scratch("uint8_t[32]")
    lib.olmpy_sha256(data, len(data), out)
    return _buffer(out)[:]


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-256 of ``data`` under ``key``."""
    out = _secret_alloc("uint8_t[32]")
    lib.olmpy_hmac_sha256(key, len(key), data, len(data), out)
    return _buffer(out)[:]


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869); an empty salt means 32 zero bytes."""
    if not 0 <= length <= 255 * 32:
        raise UsageError("HKDF length: " + expected("0..8160", length))
    out = _secret_alloc("uint8_t[]", max(length, 1))
    lib.olmpy_hkdf_sha256(salt, len(salt), ikm, len(ikm), info, len(info), out, length)
    return _buffer(out, length)[:]


# --- aes.c: AES-256-CBC -------------------------------------------------------------------


def has_aesni() -> bool:
    """Whether the CPU has AES instructions, AES-NI or ARMv8's (the native core needs them)."""
    return bool(lib.olmpy_has_aesni())


def aes256_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-256-CBC with PKCS#7 padding."""
    _pure._check_aes_args(key, iv)
    n = len(plaintext)
    out = _scratch("uint8_t[]", (n // 16 + 1) * 16)
    written = lib.olmpy_aes256_cbc_encrypt(key, iv, plaintext, n, out)
    if written < 0:  # pragma: no cover - only without AES-NI, where this backend is not used
        return _pure.aes256_cbc_encrypt(key, iv, plaintext)
    return _buffer(out, written)[:]


def aes256_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Inverse of ``aes256_cbc_encrypt``; raises CiphertextError on bad length or padding."""
    _pure._check_aes_args(key, iv)
    n = len(ciphertext)
    if n == 0 or n % 16:
        return _pure.aes256_cbc_decrypt(key, iv, ciphertext)  # raises the precise error
    out = _secret_alloc("uint8_t[]", n)
    written = lib.olmpy_aes256_cbc_decrypt(key, iv, ciphertext, n, out)
    if written == lib.OLMPY_E_CIPHERTEXT:
        raise CiphertextError("AES-CBC plaintext: expected valid PKCS#7 padding, got invalid")
    if written < 0:  # pragma: no cover
        return _pure.aes256_cbc_decrypt(key, iv, ciphertext)
    return _buffer(out, written)[:]


# --- attachment.c: AES-256-CTR fused with SHA-256 -----------------------------------------

# CPUs without AES and SHA-256 instructions run the pure twin (OpenSSL and hashlib).
_ATTACHMENT_FUSED = bool(lib.olmpy_attachment_available())
_ATTACHMENT_STATE_LEN = int(lib.olmpy_attachment_state_len())
# From this size up, outputs are new bytes objects that C writes in place (see _fresh).
_FRESH_MIN = 1 << 16


def _fresh(n: int, secret: bool) -> tuple[Any, Any]:
    """(owner, pointer): where C writes an n-byte result, and what becomes it.

    From 64 KiB up the owner is a new ``bytes`` object written in place through its
    buffer, which saves a copy of the whole result: ``bytes(n)`` of that size is a
    fresh allocation (CPython shares only the empty and one-byte objects), nothing
    else refers to it yet, and it is handed out only after C is done with it (on a
    failed check, after C has wiped it).  Its pages come from calloc untouched, so
    attachment.c's huge-page advice and prefault helper apply to them.  Smaller
    results go through a cffi buffer (the wiping one for plaintexts) and are copied.
    """
    if n >= _FRESH_MIN:
        owner = bytes(n)
        return owner, ffi.from_buffer("uint8_t[]", owner)
    buf = (_secret_alloc if secret else _scratch)("uint8_t[]", max(n, 1))
    return buf, buf


def _result(owner: Any, n: int) -> bytes:
    return owner if isinstance(owner, bytes) else _buffer(owner, n)[:]


class AttachmentCipher:
    """The native attachment state (key schedule, counter, SHA-256) in a wiping buffer."""

    __slots__ = ("_state",)

    __reduce__ = refuse_pickle("a new cipher with a fresh IV; never duplicate a keystream")

    def __init__(self, key: bytes, iv: bytes) -> None:
        self._state = _secret_alloc("uint8_t[]", _ATTACHMENT_STATE_LEN)
        if lib.olmpy_attachment_init(self._state, key, iv) != 0:  # pragma: no cover
            raise BackendError("attachment core: expected AES and SHA-256 instructions, got none")

    def __repr__(self) -> str:
        return "AttachmentCipher(<key hidden>)"

    def update(self, data: bytes, decrypt: bool) -> bytes:
        """Encrypts (``decrypt`` false) or decrypts ``data``, hashing the ciphertext side."""
        n = len(data)
        owner, out = _fresh(n, decrypt)
        lib.olmpy_attachment_update(self._state, ffi.from_buffer(data), n, out, int(decrypt))
        return _result(owner, n)

    def digest(self) -> bytes:
        """SHA-256 of the ciphertext so far (the cipher stays usable)."""
        out = ffi.new("uint8_t[32]")
        lib.olmpy_attachment_hash(self._state, out)
        return bytes(out)


def attachment_cipher(key: bytes, iv: bytes) -> AttachmentCipher | _pure.AttachmentCipher:
    """A streaming attachment cipher under ``key`` from counter block ``iv``."""
    _pure._check_attachment_args(key, iv)
    if not _ATTACHMENT_FUSED:
        return _pure.attachment_cipher(key, iv)
    return AttachmentCipher(key, iv)


def attachment_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, SHA-256 of the ciphertext), in one fused pass."""
    _pure._check_attachment_args(key, iv)
    if not _ATTACHMENT_FUSED:
        return _pure.attachment_encrypt(key, iv, plaintext)
    n = len(plaintext)
    owner, out = _fresh(n, False)
    digest = ffi.new("uint8_t[32]")
    lib.olmpy_attachment_encrypt(key, iv, ffi.from_buffer(plaintext), n, out, digest)
    return _result(owner, n), bytes(digest)


def attachment_decrypt(key: bytes, iv: bytes, ciphertext: bytes, sha256: bytes
                       ) -> tuple[bytes | None, bytes]:
    """(plaintext, computed hash) if the ciphertext's SHA-256 is ``sha256``, else (None,
    computed hash).  One fused pass decrypts into a buffer that is released only after
    the constant-time check, and wiped if it fails."""
    _pure._check_attachment_args(key, iv)
    if not _ATTACHMENT_FUSED or len(sha256) != 32:
        return _pure.attachment_decrypt(key, iv, ciphertext, sha256)
    n = len(ciphertext)
    owner, out = _fresh(n, True)
    digest = ffi.new("uint8_t[32]")
    rc = lib.olmpy_attachment_decrypt(key, iv, ffi.from_buffer(ciphertext), n, out, sha256,
                                      digest)
    if rc != 0:
        return None, bytes(digest)
    return _result(owner, n), bytes(digest)


# --- ed25519_verify.c: points and precomputed verification keys ---------------------------


def ed25519_is_point(key: bytes) -> bool:
    """Whether 32 public bytes decompress to a point of Ed25519 (variable time)."""
    return len(key) == 32 and lib.olmpy_ed25519_is_point(key) == 1


# Precomputed Ed25519 verification keys (public data), shared by every session with the
# same signing key.  A key is precomputed when it is seen a second time: the object
# costs about as much as one verification to build and makes each later one two to
# three times cheaper.  Bounded LRU, so memory stays fixed (about 8 KB a key).
_VKEY_CACHE_SIZE = 1024
_vkeys: OrderedDict[bytes, Any] = OrderedDict()
_SEEN_ONCE = object()


def _verifier(public: bytes) -> Any:
    """The precomputed key for ``public``, or NULL to verify one-shot."""
    entry = _vkeys.get(public)
    if entry is None:
        _vkeys[public] = _SEEN_ONCE
        if len(_vkeys) > _VKEY_CACHE_SIZE:
            _vkeys.popitem(last=False)
        return ffi.NULL
    _vkeys.move_to_end(public)
    if entry is _SEEN_ONCE:
        entry = _scratch("uint64_t[]", lib.OLMPY_ED25519_VKEY_SIZE // 8)
        if len(public) != 32 or lib.olmpy_ed25519_vkey_init(entry, public) != 0:
            entry = ffi.NULL  # an unusable key: the one-shot verifier refuses it each time
        _vkeys[public] = entry
    return entry


# --- megolm.c: the Megolm ratchet and messages --------------------------------------------


def megolm_advance(state: SecretBuffer) -> None:
    """Advances a 132-byte Megolm state by one index, in place."""
    lib.olmpy_megolm_advance(state)


def megolm_advance_to(state: SecretBuffer, target: int) -> None:
    """Advances a Megolm state to ``target`` (mod 2**32), part by part, in place."""
    if not 0 <= target <= 0xFFFFFFFF:
        raise UsageError("Megolm index: " + expected("an int in 0..2**32-1", repr(target)))
    lib.olmpy_megolm_advance_to(state, target)


def megolm_parse(message: bytes) -> tuple[int, int, int]:
    """Parses a v1 Megolm message; returns (index, ciphertext offset, ciphertext length)."""
    index = ffi.new("uint32_t *")
    off = ffi.new("size_t *")
    length = ffi.new("size_t *")
    if lib.olmpy_megolm_parse(message, len(message), index, off, length) != 0:
        _pure.megolm_parse(message)
        raise MessageDecodeError("Megolm message: malformed")  # pragma: no cover
    return index[0], off[0], length[0]


def megolm_encrypt(state: SecretBuffer, key: SecretBuffer, plaintext: bytes) -> bytes:
    """Encrypts and signs (with a key from ``ed25519_key``) one v1 message at the state's
    index, then advances the state."""
    n = len(plaintext)
    cap = n + 16 + 96
    out = _scratch("uint8_t[]", cap)
    written = lib.olmpy_megolm_encrypt(state, key, plaintext, n, out, cap)
    if written < 0:  # pragma: no cover
        raise MemoryError(f"olmpy_megolm_encrypt failed ({written})")
    return _buffer(out, written)[:]


def megolm_decrypt(
    initial: SecretBuffer,
    latest: SecretBuffer,
    public: bytes,
    message: bytes,
    check_signature: bool,
) -> tuple[bytes, int]:
    """Verifies then decrypts a v1 message; moves ``latest`` forward only on success."""
    n = len(message)
    out = _secret_alloc("uint8_t[]", n)
    index = _scratch("uint32_t *")
    vkey = _verifier(public) if check_signature else ffi.NULL
    written = lib.olmpy_megolm_decrypt(
        initial, latest, public, message, n, 1 if check_signature else 0, vkey, out, index
    )
    if written >= 0:
        return _buffer(out, written)[:], index[0]
    if written == lib.OLMPY_E_SIGNATURE:
        raise SignatureError(
            "Ed25519 signature: expected one made by the signing key, got one that does not verify"
        )
    if written == lib.OLMPY_E_MAC:
        raise MacError(
            "Megolm message MAC: expected the MAC of this index's keys, got a different one"
        )
    if written == lib.OLMPY_E_UNKNOWN_INDEX:
        first = int.from_bytes(_buffer(initial)[128:132], "big")
        raise UnknownMessageIndexError(
            "Megolm message index: " + expected(f"at least {first}", index[0])
        )
    if written == lib.OLMPY_E_CIPHERTEXT:
        _, _, ct_len = _pure.megolm_parse(message)
        if ct_len == 0 or ct_len % 16:
            raise CiphertextError(
                "AES-CBC ciphertext: "
                + expected("a non-zero multiple of 16 bytes", f"{ct_len} bytes")
            )
        raise CiphertextError("AES-CBC plaintext: expected valid PKCS#7 padding, got invalid")
    if written in (lib.OLMPY_E_DECODE, lib.OLMPY_E_VERSION):
        _pure.megolm_parse(message)
        raise MessageDecodeError("Megolm message: malformed")  # pragma: no cover
    raise MemoryError(f"olmpy_megolm_decrypt failed ({written})")  # pragma: no cover


# --- olm.c (SPEC.md section 10) -----------------------------------------------------------


OLM_CHAIN_LEN = _pure.OLM_CHAIN_LEN


def olm_parse(message: bytes) -> tuple[bytes, int, int, int]:
    """Parses a normal Olm message; returns (ratchet key, chain index, ct offset, ct length)."""
    key_off = _scratch("size_t *")
    index = _scratch("uint32_t *")
    ct_off = _scratch("size_t *")
    ct_len = _scratch("size_t *")
    if lib.olmpy_olm_parse(message, len(message), key_off, index, ct_off, ct_len) != 0:
        _pure.olm_parse(message)
        raise MessageDecodeError("Olm message: malformed")  # pragma: no cover
    k = key_off[0]
    return message[k : k + 32], index[0], ct_off[0], ct_len[0]


def olm_encrypt(chain: SecretBuffer, ratchet_key: bytes, plaintext: bytes) -> bytes:
    """Encrypts one normal Olm message with the chain's next key, then advances the chain."""
    n = len(plaintext)
    cap = n + 96
    out = _scratch("uint8_t[]", cap)
    written = lib.olmpy_olm_encrypt(chain, ratchet_key, plaintext, n, out, cap)
    if written < 0:  # pragma: no cover
        raise MemoryError(f"olmpy_olm_encrypt failed ({written})")
    return _buffer(out, written)[:]


def olm_chain_keys(chain: bytes, target: int, keep: int) -> tuple[list[tuple[int, bytes]], bytes]:
    """Message keys for the chain's indexes up to ``target`` (the last ``keep`` of them) and
    the chain state just after ``target``.  The chain must not be past ``target``."""
    index = int.from_bytes(bytes(chain[32:36]), "big")
    if not index <= target <= 0xFFFFFFFF:
        raise UsageError("Olm chain index: " + expected(f"{index}..2**32-1", target))
    keys = _secret_alloc("uint8_t[]", 32 * max(keep, 1))
    after = _secret_alloc("uint8_t[36]")
    count = lib.olmpy_olm_chain_keys(chain, target, keep, keys, after)
    raw = _buffer(keys, 32 * count)[:]
    first = target - count + 1
    return [(first + i, raw[32 * i : 32 * i + 32]) for i in range(count)], _buffer(after)[:]


def olm_decrypt_message(message_key: bytes, message: bytes) -> bytes:
    """Checks the MAC of a normal Olm message under ``message_key``, then decrypts it."""
    n = len(message)
    out = _secret_alloc("uint8_t[]", max(n, 1))
    written = lib.olmpy_olm_decrypt_message(message_key, message, n, out)
    if written >= 0:
        return _buffer(out, written)[:]
    if written == lib.OLMPY_E_MAC:
        raise MacError("Olm message MAC: expected the MAC of this message's key, got another")
    # Decode and padding errors: the pure twin names the exact reason.
    return _pure.olm_decrypt_message(message_key, message)


def olm_decrypt_next(chain: SecretBuffer, message: bytes) -> bytes:
    """Decrypts a message at the chain's own index; advances the chain only on success."""
    n = len(message)
    out = _secret_alloc("uint8_t[]", max(n, 1))
    written = lib.olmpy_olm_decrypt_next(chain, message, n, out)
    if written >= 0:
        return _buffer(out, written)[:]
    if written == lib.OLMPY_E_MAC:
        raise MacError("Olm message MAC: expected the MAC of this message's key, got another")
    key = hmac_sha256(_buffer(chain, 32)[:], b"\x01")
    return _pure.olm_decrypt_message(key, message)  # raises the precise error


_OLM_RATCHET = b"OLM_RATCHET"


def olm_ratchet(
    root: SecretBuffer, secret: SecretBuffer | bytes, their: bytes
) -> tuple[SecretBuffer, SecretBuffer]:
    """(new root key, new chain state at index 0) of one Diffie-Hellman ratchet step: the
    shared secret and the HKDF output stay in one wiping buffer (three C calls, no Python
    object holds them); an all-zero X25519 result is a KeyDecodeError."""
    if len(secret) != 32 or len(their) != 32 or len(root) != 32:
        x25519(secret, their)  # raises the precise error for a key of the wrong length
        raise UsageError("Olm root key: " + expected("32 bytes", f"{len(root)} bytes"))
    work = _secret_alloc("uint8_t[96]")  # shared secret || HKDF output
    if lib.olmpy_x25519(secret, their, work) != 0:
        _pure.x25519_refuse()
    lib.olmpy_hkdf_sha256(root, 32, work, 32, _OLM_RATCHET, len(_OLM_RATCHET), work + 32, 64)
    new_root: SecretBuffer = _secret_alloc("uint8_t[32]")
    chain: SecretBuffer = _secret_alloc("uint8_t[36]")  # index 0: the allocation is zeroed
    ffi.memmove(new_root, work + 32, 32)
    ffi.memmove(chain, work + 64, 32)
    return new_root, chain


# --- pickle.c (SPEC.md sections 11 and 13) ------------------------------------------------


def _pickle_text(text: object) -> bytes | None:
    """A pickle's text as the ASCII bytes the C code reads, or None (then the pure twin
    names what is wrong with it)."""
    if type(text) is str and text.isascii():
        return text.encode("ascii")
    return text if isinstance(text, bytes) else None


def pickle_seal(key: bytes, raw: bytes) -> str:
    """libolm's sealed form of ``raw``: HKDF "Pickle" keys, AES-256-CBC, 8-byte HMAC, base64."""
    cap = lib.olmpy_pickle_sealed_len(len(raw)) + 4
    out = _scratch("char[]", cap)
    written = lib.olmpy_pickle_seal(key, len(key), raw, len(raw), out, cap)
    if written < 0:  # pragma: no cover - only without memory
        return _pure.pickle_seal(key, raw)
    return str(cast(bytes, _buffer(out, written)), "ascii")


def pickle_open(key: bytes, text: str | bytes, what: str) -> bytes:
    """Checks the MAC (constant time), then decrypts; PickleError naming ``what`` on failure."""
    data = _pickle_text(text)
    if data is None:
        return _pure.pickle_open(key, text, what)  # raises the precise error
    cap = len(data) // 4 * 3 + 16
    out = _secret_alloc("uint8_t[]", cap)
    written = lib.olmpy_pickle_open(key, len(key), data, len(data), out, cap)
    if written < 0:
        # A failure is rare (wrong key, damaged pickle): the twin names it precisely.
        _pure.pickle_open(key, text, what)
        raise PickleError(f"{what}: expected a valid pickle, got another")  # pragma: no cover
    return _buffer(out, written)[:]


def json_arrays_to_hex(text: bytes) -> bytes:
    """Each JSON array of integers 0..255 becomes the string "\\u0000" + lowercase hex."""
    cap = 4 * len(text) + 16
    out = _secret_alloc("uint8_t[]", cap)
    return _buffer(out, lib.olmpy_json_arrays_to_hex(text, len(text), out))[:]


def json_hex_to_arrays(text: bytes) -> bytes:
    """The inverse rewrite: each string "\\u0000" + lowercase hex becomes an integer array."""
    cap = 2 * len(text) + 16
    out = _secret_alloc("uint8_t[]", cap)
    return _buffer(out, lib.olmpy_json_hex_to_arrays(text, len(text), out))[:]


def pickle_seal_json(key: bytes, text: bytes) -> str:
    """``json_hex_to_arrays`` then ``pickle_seal``: a vodozemac pickle from marked JSON."""
    cap = lib.olmpy_pickle_sealed_json_cap(len(text))
    out = _scratch("char[]", cap)
    written = lib.olmpy_pickle_seal_json(key, len(key), text, len(text), out, cap)
    if written < 0:  # pragma: no cover - only without memory
        return _pure.pickle_seal_json(key, text)
    return str(cast(bytes, _buffer(out, written)), "ascii")


def pickle_open_json(key: bytes, text: str | bytes, what: str) -> bytes:
    """``pickle_open`` then ``json_arrays_to_hex``: a vodozemac pickle's JSON, marked."""
    data = _pickle_text(text)
    if data is None:
        return _pure.pickle_open_json(key, text, what)  # raises the precise error
    cap = 4 * (len(data) // 4 * 3 + 16) + 16
    out = _secret_alloc("uint8_t[]", cap)
    written = lib.olmpy_pickle_open_json(key, len(key), data, len(data), out, cap)
    if written < 0:
        _pure.pickle_open_json(key, text, what)  # names the failure precisely
        raise PickleError(f"{what}: expected a valid pickle, got another")  # pragma: no cover
    return _buffer(out, written)[:]


def hex_decode(digits: bytes) -> bytes:
    """Lowercase hex pairs as bytes, without tables or branches on the digits (C);
    PickleError for an odd length or a character outside 0-9a-f."""
    if type(digits) is not bytes:
        return _pure.hex_decode(digits)  # converts bytes-likes, refuses the rest
    n = len(digits)
    out = _secret_alloc("uint8_t[]", n // 2 + 1)
    if lib.olmpy_hex_decode(digits, n, out) < 0:
        _pure.hex_decode(digits)  # raises the precise error
        raise PickleError("pickle byte string: expected hex digits")  # pragma: no cover
    return _buffer(out, n // 2)[:]


def igs_vodozemac_seal(
    key: bytes, state: SecretBuffer | bytes, public: bytes, verified: bool
) -> str:
    """vodozemac's InboundGroupSession pickle, exactly as its serde writes it, of a
    132-byte initial state (R || counter) and the signing key."""
    if len(state) != 132 or len(public) != 32:
        return _pure.igs_vodozemac_seal(key, _fallback(state), public, verified)
    cap = lib.olmpy_igs_vodozemac_cap()
    out = _scratch("char[]", cap)
    written = lib.olmpy_igs_vodozemac_seal(key, len(key), state, public, int(verified), out, cap)
    if written < 0:  # pragma: no cover - only without memory
        return _pure.igs_vodozemac_seal(key, _fallback(state), public, verified)
    return str(cast(bytes, _buffer(out, written)), "ascii")


def igs_vodozemac_open(
    key: bytes, text: str | bytes, what: str
) -> tuple[bytes, bytes, bool] | None:
    """(initial state, signing key, verified) of a pickle in exactly that layout; None when it
    opens but is laid out otherwise (the caller's general parser decides); PickleError when
    it does not open."""
    data = _pickle_text(text)
    if data is None:
        return _pure.igs_vodozemac_open(key, text, what)  # raises the precise error
    state = _secret_alloc("uint8_t[132]")
    public = _scratch("uint8_t[32]")
    verified = _scratch("int *")
    result = lib.olmpy_igs_vodozemac_open(key, len(key), data, len(data), state, public, verified)
    if result < 0:
        _pure.pickle_open(key, text, what)  # names the failure precisely
        raise PickleError(f"{what}: expected a valid pickle, got another")  # pragma: no cover
    if result == 1:
        return None
    return _buffer(state)[:], _buffer(public)[:], bool(verified[0])


# --- recovery.c (SPEC.md section 16) ------------------------------------------------------


def recovery_key_decode(text: bytes) -> tuple[int, int, int, int, bytes]:
    """Decodes recovery key text, one byte per character, branch-free on the key:
    (first bad position or len, base58 count, decoded length or 0, flags: 1 prefix ok,
    2 parity ok, the 35 decoded bytes or zeros)."""
    if type(text) is not bytes:
        return _pure.recovery_key_decode(text)  # converts bytes-likes, refuses the rest
    raw = _secret_alloc("uint8_t[35]")
    info = _scratch("size_t[3]")
    flags = lib.olmpy_recovery_key_decode(text, len(text), raw, info)
    return info[0], info[1], info[2], flags, _buffer(raw)[:]


def recovery_key_encode(key: bytes) -> str:
    """The 48 base58 characters of 0x8B 0x01 | key | parity, branch-free on the key."""
    if type(key) is not bytes or len(key) != 32:
        return _pure.recovery_key_encode(key)  # converts bytes-likes, refuses the rest
    out = _scratch("char[48]")
    lib.olmpy_recovery_key_encode(key, out)
    text = str(cast(bytes, _buffer(out)), "ascii")
    lib.olmpy_wipe(out, 48)
    return text


# --- pk.c (SPEC.md section 16) ------------------------------------------------------------


def pk_encrypt(
    ephemeral_secret: SecretBuffer | bytes, recipient: bytes, plaintext: bytes
) -> tuple[bytes, bytes, bytes]:
    """(ephemeral public key, ciphertext, 8-byte MAC) of libolm's PK scheme; an all-zero
    shared secret is a KeyDecodeError."""
    if len(ephemeral_secret) != 32 or len(recipient) != 32:
        # the pure twin raises the precise error
        return _pure.pk_encrypt(_fallback(ephemeral_secret), recipient, plaintext)
    eph = _scratch("uint8_t[32]")
    mac = _scratch("uint8_t[8]")
    ct = _scratch("uint8_t[]", (len(plaintext) // 16 + 1) * 16)
    n = lib.olmpy_pk_encrypt(ephemeral_secret, recipient, plaintext, len(plaintext), eph, mac, ct)
    if n < 0:
        # the pure twin raises the precise error
        return _pure.pk_encrypt(_fallback(ephemeral_secret), recipient, plaintext)
    return _buffer(eph)[:], _buffer(ct, n)[:], _buffer(mac)[:]


def pk_decrypt(
    secret: SecretBuffer | bytes, ephemeral: bytes, ciphertext: bytes, mac: bytes
) -> bytes:
    """Checks the MAC (constant time: MacError), then decrypts (CiphertextError)."""
    if len(secret) != 32 or len(ephemeral) != 32:
        # the pure twin raises the precise error
        return _pure.pk_decrypt(_fallback(secret), ephemeral, ciphertext, mac)
    n = len(ciphertext)
    out = _secret_alloc("uint8_t[]", max(n, 1))
    written = lib.olmpy_pk_decrypt(secret, ephemeral, ciphertext, n, mac, len(mac), out)
    if written < 0:
        # the pure twin raises the precise error
        return _pure.pk_decrypt(_fallback(secret), ephemeral, ciphertext, mac)
    return _buffer(out, written)[:]

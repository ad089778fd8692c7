"""Pure-Python twin of every function of the compiled core.

Each function here has exactly the signature of its counterpart in
``olmpy._nativebinding``; the parity tests run both on the same inputs.  AES
goes through the cryptography package (OpenSSL), Ed25519 through PyNaCl
(libsodium); nothing here implements a cipher or a curve.

Secret state lives in ``bytearray`` objects that the owners wipe; values
produced along the way by ``hmac``/``hashlib`` are immutable ``bytes`` that
Python cannot wipe, which is one reason the native backend is the default.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac as _hmac
import os
import re
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from nacl import bindings as _sodium
from nacl.exceptions import BadSignatureError, CryptoError

from olmpy._wire import fields as wire_fields
from olmpy._wire import read_varint, varint
from olmpy.errors import (
    BackendError,
    Base64Error,
    CiphertextError,
    KeyDecodeError,
    MacError,
    MessageDecodeError,
    PickleError,
    SignatureError,
    UnknownMessageIndexError,
    UsageError,
    VersionError,
    expected,
    shown,
)

# Ed25519 signing from libolm's expanded keys needs libsodium's low-level scalar and point
# functions, which a "minimal" libsodium build (SODIUM_INSTALL=system with a minimal
# library) leaves out.  Both backends use them, so say so now rather than at the first
# signature.
for _feature in ("has_crypto_core_ed25519", "has_crypto_scalarmult_ed25519"):
    if not getattr(_sodium, _feature, False):
        raise BackendError(
            f"PyNaCl's libsodium lacks the optional Ed25519 functions olmpy signs with "
            f"(nacl.bindings.{_feature} is false: a minimal libsodium build); install PyNaCl "
            "with its bundled libsodium."
        )

NAME = "python"
KEY_SEED = 0
KEY_EXPANDED = 1
MEGOLM_STATE_LEN = 132
MEGOLM_MAC_LEN = 8
SIGNATURE_LEN = 64
ED25519_KEY_LEN = 96  # expanded secret (scalar || prefix) || public key
_MEGOLM_KEYS = b"MEGOLM_KEYS"


class SecretBuffer(bytearray):
    """A bytearray that zeroes itself when it is garbage-collected."""

    __slots__ = ()

    def __del__(self) -> None:
        self[:] = bytes(len(self))


def has_aesni() -> bool:
    """Whether AES runs on AES-NI; the pure backend always uses OpenSSL."""
    return False


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


# --- base64 (SPEC.md section 1) ---------------------------------------------------

# Two codecs.  The one for secrets (``b64_encode`` / ``b64_decode``: keys, session keys,
# pickled state) has no table and no branch per character: characters and sextets are
# converted by arithmetic on 16-bit lanes of one Python integer (SWAR), so that which
# characters a key has does not pick cache lines or code paths.  CPython's integers are
# not constant time in every respect (an operation's cost follows the number of
# significant digits), which SPEC.md section 1 states; there is no table-driven step.  The
# one for public data (``*_public``: messages, public keys, signatures, ciphertexts) is the
# stdlib's table-driven binascii, several times faster on long inputs.

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_STRICT = sys.version_info >= (3, 11)


def _lanes(pattern: bytes, count: int) -> int:
    """The little-endian integer of ``pattern`` repeated ``count`` times."""
    return int.from_bytes(pattern * count, "little")


def b64_encode(data: bytes) -> str:
    """Unpadded standard base64 of ``data`` (secrets: no table, no per-character branch)."""
    n = len(data)
    if n == 0:
        return ""
    groups = (n + 2) // 3
    padded = bytes(data) + bytes(3 * groups - n)
    # One 24-bit group per 64-bit slot, its bytes placed by slicing.
    slots = bytearray(8 * groups)
    slots[2::8] = padded[0::3]
    slots[1::8] = padded[1::3]
    slots[0::8] = padded[2::3]
    g = int.from_bytes(slots, "little")
    wipe(slots)
    # Group -> two 12-bit halves in 32-bit slots -> four sextets in 16-bit lanes, in order.
    m12 = _lanes(b"\xff\x0f" + bytes(6), groups)
    pairs = ((g >> 12) & m12) | ((g & m12) << 32)
    m6 = _lanes(b"\x3f\x00\x00\x00", 2 * groups)
    v = ((pairs >> 6) & m6) | ((pairs & m6) << 16)
    # Sextet -> character: 'A' + v, then +6 from 26 on, -75 from 52, -15 from 62, +3 at 63
    # (mod 256 in the low byte of each lane; a lane never exceeds 16 bits).
    ones = _lanes(b"\x01\x00", 4 * groups)
    w = v + ones * (0x8000 - 26)
    ge26 = (w >> 15) & ones
    ge52 = ((w - ones * 26) >> 15) & ones
    ge62 = ((w - ones * 36) >> 15) & ones
    ge63 = ((w - ones * 37) >> 15) & ones
    chars = v + ones * 65 + ge26 * 6 + ge52 * 181 + ge62 * 241 + ge63 * 3
    return chars.to_bytes(8 * groups, "little")[0 : 2 * ((4 * n + 2) // 3) : 2].decode("ascii")


def _b64_core(text: str | bytes, what: str) -> bytes:
    """The characters of padded or unpadded base64 ``text`` without the padding, after the
    checks that depend only on its length and padding (public facts)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if not raw.isascii():
            raise Base64Error(f"{what}: " + expected("base64 text", "non-ASCII bytes"))
    elif isinstance(text, str):
        if not text.isascii():
            raise Base64Error(
                f"{what}: " + expected("only base64 characters", "a character outside the alphabet")
            )
        raw = text.encode("ascii")
    else:
        raise UsageError(f"{what}: " + expected("a base64 str", type(text).__name__))
    core = raw.rstrip(b"=")
    pad = len(raw) - len(core)
    rem = len(core) % 4
    if rem == 1 or (pad and (len(raw) % 4 or pad != (4 - rem) % 4)):
        raise Base64Error(
            f"{what}: " + expected("a valid base64 length and padding", f"{len(raw)} characters")
        )
    return core


def _bad_character(what: str) -> Base64Error:
    return Base64Error(
        f"{what}: " + expected("only base64 characters", "a character outside the alphabet")
    )


def _bad_trailing_bits(what: str) -> Base64Error:
    return Base64Error(f"{what}: " + expected("zero trailing bits", "non-zero ones"))


def b64_decode(text: str | bytes, what: str) -> bytes:
    """Decodes padded or unpadded base64, raising Base64Error that names ``what``
    (secrets: no table, no per-character branch)."""
    core = _b64_core(text, what)
    n = len(core)
    if n == 0:
        return b""
    groups = (n + 3) // 4
    ones = _lanes(b"\x01\x00", 4 * groups)
    lanes = bytearray(b"A\x00" * 4 * groups)  # 'A' (sextet 0) fills the last group
    lanes[0 : 2 * n : 2] = core
    c = int.from_bytes(lanes, "little")
    wipe(lanes)
    # ge(k): 1 in each lane whose character code is at least k (codes are below 128).
    biased = c + ones * 0x8000

    def ge(k: int) -> int:
        return ((biased - ones * k) >> 15) & ones

    upper, lower, digit = ge(65) - ge(91), ge(97) - ge(123), ge(48) - ge(58)
    plus, slash = ge(43) - ge(44), ge(47) - ge(48)
    if upper + lower + digit + plus + slash != ones:
        raise _bad_character(what)
    # Character -> sextet, each class masked to its own lanes (mod 256 per lane).
    v = (
        ((c + ones * 191) & (upper * 0xFFFF))
        + ((c + ones * 185) & (lower * 0xFFFF))
        + ((c + ones * 4) & (digit * 0xFFFF))
        + plus * 62
        + slash * 63
    ) & (ones * 0xFF)
    # Sextets -> 12-bit pairs in 32-bit slots -> 24-bit groups in 64-bit slots -> bytes.
    m6 = _lanes(b"\x3f\x00\x00\x00", 2 * groups)
    pairs = ((v & m6) << 6) | ((v >> 16) & m6)
    m12 = _lanes(b"\xff\x0f" + bytes(6), groups)
    slots = (((pairs & m12) << 12) | ((pairs >> 32) & m12)).to_bytes(8 * groups, "little")
    out = SecretBuffer(3 * groups)
    out[0::3] = slots[2::8]
    out[1::3] = slots[1::8]
    out[2::3] = slots[0::8]
    length = n * 3 // 4
    # A short last group leaves its unused bits in the bytes past ``length``: all zero.
    if not _hmac.compare_digest(bytes(out[length:]), bytes(3 * groups - length)):
        raise _bad_trailing_bits(what)
    return bytes(out[:length])


def b64_encode_public(data: bytes) -> str:
    """Unpadded standard base64 of public ``data`` (the stdlib's table-driven encoder)."""
    return binascii.b2a_base64(data, newline=False).decode("ascii").rstrip("=")


def b64_decode_public(text: str | bytes, what: str) -> bytes:
    """``b64_decode`` for public data, through the stdlib's table-driven decoder."""
    core = _b64_core(text, what).decode("ascii")
    rem = len(core) % 4
    padded = core + "=" * ((4 - rem) % 4)
    try:
        if _STRICT:
            out = binascii.a2b_base64(padded, strict_mode=True)  # type: ignore[call-arg,unused-ignore]
        elif any(c not in _VALUE for c in core):
            raise binascii.Error("bad character")
        else:
            out = binascii.a2b_base64(padded)
    except (binascii.Error, ValueError):
        raise _bad_character(what) from None
    if rem and _VALUE[core[-1]] & (0x0F if rem == 2 else 0x03):
        raise _bad_trailing_bits(what)
    return out


# --- hashes and MACs ---------------------------------------------------------


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


# --- AES-256-CBC ---------------------------------------------------------------


def _check_aes_args(key: bytes, iv: bytes) -> None:
    if len(key) != 32:
        raise UsageError("AES-256 key: " + expected("32 bytes", f"{len(key)} bytes"))
    if len(iv) != 16:
        raise UsageError("AES-CBC IV: " + expected("16 bytes", f"{len(iv)} bytes"))


def aes256_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-256-CBC with PKCS#7 padding."""
    _check_aes_args(key, iv)
    pad = 16 - len(plaintext) % 16
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(bytes(plaintext) + bytes([pad]) * pad) + enc.finalize()


def aes256_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Inverse of ``aes256_cbc_encrypt``; raises CiphertextError on bad length or padding."""
    _check_aes_args(key, iv)
    if len(ciphertext) == 0 or len(ciphertext) % 16:
        raise CiphertextError(
            "AES-CBC ciphertext: "
            + expected("a non-zero multiple of 16 bytes", f"{len(ciphertext)} bytes")
        )
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = dec.update(bytes(ciphertext)) + dec.finalize()
    pad = padded[-1]
    # Both halves are evaluated so the check does not branch on which failed.
    bad = (pad - 1) >> 8 | (16 - pad) >> 8
    for i in range(1, 17):
        in_pad = (i - 1 - pad) >> 8  # -1 (all ones) when i <= pad, else 0
        bad |= in_pad & (padded[-i] ^ pad)
    if bad:
        raise CiphertextError("AES-CBC plaintext: expected valid PKCS#7 padding, got invalid")
    return padded[: len(padded) - pad]


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


# The Ed25519 base point's encoding (y = 4/5, x even).
_BASE_POINT = bytes([0x58]) + bytes([0x66]) * 31


def ed25519_is_point(key: bytes) -> bool:
    """Whether 32 public bytes decompress to a point of Ed25519 (the test ed25519-dalek's
    decompression makes).  No curve code here: libsodium's point addition decompresses
    both operands and fails exactly when one does not, so adding the base point is the
    test.  Public data only."""
    if len(key) != 32:
        return False
    try:
        _sodium.crypto_core_ed25519_add(bytes(key), _BASE_POINT)
    except CryptoError:
        return False
    return True


# --- Megolm ratchet -----------------------------------------------------------------


def _counter(state: bytearray) -> int:
    return int.from_bytes(state[128:132], "big")


def _rehash_from(state: bytearray, h: int) -> None:
    key = bytes(state[32 * h : 32 * h + 32])
    for k in range(3, h - 1, -1):
        state[32 * k : 32 * k + 32] = _hmac.digest(key, bytes([k]), "sha256")


def megolm_group_new() -> tuple[bytearray, bytearray, bytearray, bytes]:
    """A fresh outbound session: (state, Ed25519 seed, signing key, public key)."""
    seed = SecretBuffer(os.urandom(32))
    key, public = ed25519_key(seed, KEY_SEED)
    return SecretBuffer(os.urandom(128) + bytes(4)), seed, key, public


def megolm_advance(state: bytearray) -> None:
    """Advances a 132-byte Megolm state by one index, in place."""
    c = (_counter(state) + 1) & 0xFFFFFFFF
    if c & 0xFFFFFF == 0:
        h = 0
    elif c & 0xFFFF == 0:
        h = 1
    elif c & 0xFF == 0:
        h = 2
    else:
        h = 3
    _rehash_from(state, h)
    state[128:132] = c.to_bytes(4, "big")


def megolm_advance_to(state: bytearray, target: int) -> None:
    """Advances a Megolm state to ``target`` (mod 2**32), part by part, in place."""
    if not 0 <= target <= 0xFFFFFFFF:
        raise UsageError("Megolm index: " + expected("an int in 0..2**32-1", repr(target)))
    counter = _counter(state)
    for j in range(4):
        shift = (3 - j) * 8
        mask = (0xFFFFFFFF << shift) & 0xFFFFFFFF
        steps = ((target >> shift) - (counter >> shift)) & 0xFF
        if steps == 0:
            if target < counter:
                steps = 0x100
            else:
                continue
        tag = bytes([j])
        while steps > 1:
            state[32 * j : 32 * j + 32] = _hmac.digest(
                bytes(state[32 * j : 32 * j + 32]), tag, "sha256"
            )
            steps -= 1
        _rehash_from(state, j)
        counter = target & mask
    state[128:132] = counter.to_bytes(4, "big")


# --- Megolm messages ------------------------------------------------------------------


def megolm_parse(message: bytes) -> tuple[int, int, int]:
    """Parses a v1 Megolm message; returns (index, ciphertext offset, ciphertext length)."""
    trailer = MEGOLM_MAC_LEN + SIGNATURE_LEN
    if len(message) < 1:
        raise MessageDecodeError("Megolm message: " + expected("at least 1 byte", "0 bytes"))
    if message[0] != 0x03:
        raise VersionError("Megolm message version: " + expected("0x03", f"0x{message[0]:02x}"))
    if len(message) < 1 + trailer:
        raise MessageDecodeError(
            "Megolm message: " + expected(f"at least {1 + trailer} bytes", f"{len(message)} bytes")
        )
    end = len(message) - trailer
    pos = 1
    index: int | None = None
    ct: tuple[int, int] | None = None
    while pos < end:
        key, pos = read_varint(message, pos, end)
        wire, field = key & 7, key >> 3
        if wire == 0:
            value, pos = read_varint(message, pos, end)
            if field == 1:
                if index is not None:
                    raise MessageDecodeError("Megolm message: expected one index field, got two")
                if value > 0xFFFFFFFF:
                    raise MessageDecodeError("Megolm message index: " + expected("a u32", value))
                index = value
        elif wire == 2:
            length, pos = read_varint(message, pos, end)
            if length > end - pos:
                raise MessageDecodeError(
                    f"Megolm message field {field}: "
                    + expected(f"at most {end - pos} bytes", f"a length of {length}")
                )
            if field == 2:
                if ct is not None:
                    raise MessageDecodeError(
                        "Megolm message: expected one ciphertext field, got two"
                    )
                ct = (pos, length)
            pos += length
        else:
            raise MessageDecodeError(
                "Megolm message: " + expected("wire type 0 or 2", f"wire type {wire}")
            )
    if index is None or ct is None:
        missing = "message index" if index is None else "ciphertext"
        raise MessageDecodeError(f"Megolm message: expected a {missing} field, got none")
    return index, ct[0], ct[1]


def _megolm_keys(state: bytes | bytearray) -> tuple[bytes, bytes, bytes]:
    okm = hkdf_sha256(b"", bytes(state[:128]), _MEGOLM_KEYS, 80)
    return okm[:32], okm[32:64], okm[64:80]


def megolm_encrypt(state: bytearray, key: bytearray, plaintext: bytes) -> bytes:
    """Encrypts and signs (with a key from ``ed25519_key``) one v1 message at the state's
    index, then advances the state."""
    index = _counter(state)
    aes_key, mac_key, iv = _megolm_keys(state)
    ct = aes256_cbc_encrypt(aes_key, iv, plaintext)
    body = b"\x03\x08" + varint(index) + b"\x12" + varint(len(ct)) + ct
    body += _hmac.digest(mac_key, body, "sha256")[:MEGOLM_MAC_LEN]
    body += ed25519_sign(key, body)
    megolm_advance(state)
    return body


def megolm_decrypt(
    initial: bytearray, latest: bytearray, public: bytes, message: bytes, check_signature: bool
) -> tuple[bytes, int]:
    """Verifies then decrypts a v1 message; moves ``latest`` forward only on success."""
    message = bytes(message)
    index, ct_off, ct_len = megolm_parse(message)
    if check_signature:
        ed25519_verify(public, message[:-SIGNATURE_LEN], message[-SIGNATURE_LEN:])
    latest_c, initial_c = _counter(latest), _counter(initial)
    # Indexes compare modulo 2**32 over half the range, as libolm does.
    ahead_of_latest = (index - latest_c) & 0xFFFFFFFF
    if ahead_of_latest < 0x80000000:
        work = bytearray(latest)
    elif (index - initial_c) & 0xFFFFFFFF < 0x80000000:
        work = bytearray(initial)
    else:
        raise UnknownMessageIndexError(
            "Megolm message index: " + expected(f"at least {initial_c}", index)
        )
    try:
        megolm_advance_to(work, index)
        aes_key, mac_key, iv = _megolm_keys(work)
        mac_end = len(message) - SIGNATURE_LEN - MEGOLM_MAC_LEN
        mac = _hmac.digest(mac_key, message[:mac_end], "sha256")[:MEGOLM_MAC_LEN]
        if not _hmac.compare_digest(mac, message[mac_end : mac_end + MEGOLM_MAC_LEN]):
            raise MacError(
                "Megolm message MAC: expected the MAC of this index's keys, got a different one"
            )
        plaintext = aes256_cbc_decrypt(aes_key, iv, message[ct_off : ct_off + ct_len])
        if 0 < ahead_of_latest < 0x80000000:
            latest[:] = work
        return plaintext, index
    finally:
        wipe(work)


# --- Olm messages and chains (SPEC.md section 10) ---------------------------------------

OLM_MAC_LEN = 8
OLM_CHAIN_LEN = 36  # chain key (32) || index (u32 BE)
_OLM_KEYS = b"OLM_KEYS"


def olm_parse(message: bytes) -> tuple[bytes, int, int, int]:
    """Parses a normal Olm message; returns (ratchet key, chain index, ct offset, ct length)."""
    what = "Olm message"
    if len(message) < 1:
        raise MessageDecodeError(f"{what}: " + expected("at least 1 byte", "0 bytes"))
    if message[0] != 0x03:
        raise VersionError(f"{what} version: " + expected("0x03", f"0x{message[0]:02x}"))
    if len(message) < 1 + OLM_MAC_LEN:
        raise MessageDecodeError(
            f"{what}: " + expected(f"at least {1 + OLM_MAC_LEN} bytes", f"{len(message)} bytes")
        )
    fields = wire_fields(message, len(message) - OLM_MAC_LEN, what)
    key = fields.get(1)
    index = fields.get(2)
    ct = fields.get(4)
    if key is None or key[0] != 2 or key[2] != 32:
        got = "none" if key is None else f"{key[2]} bytes" if key[0] == 2 else "a varint"
        raise MessageDecodeError(f"{what} ratchet key: " + expected("32 bytes", got))
    if index is None or index[0] != 0:
        raise MessageDecodeError(f"{what}: expected a chain index varint, got none")
    if index[1] > 0xFFFFFFFF:
        raise MessageDecodeError(f"{what} chain index: " + expected("a u32", index[1]))
    if ct is None or ct[0] != 2:
        raise MessageDecodeError(f"{what}: expected a ciphertext field, got none")
    return bytes(message[key[1] : key[1] + 32]), index[1], ct[1], ct[2]


def olm_encrypt(chain: bytearray, ratchet_key: bytes, plaintext: bytes) -> bytes:
    """Encrypts one normal Olm message with the chain's next key, then advances the chain."""
    ck = bytes(chain[:32])
    index = int.from_bytes(chain[32:36], "big")
    message_key = _hmac.digest(ck, b"\x01", "sha256")
    okm = hkdf_sha256(b"", message_key, _OLM_KEYS, 80)
    ct = aes256_cbc_encrypt(okm[:32], okm[64:80], plaintext)
    body = (
        b"\x03\x0a\x20"
        + bytes(ratchet_key)
        + b"\x10"
        + varint(index)
        + b"\x22"
        + varint(len(ct))
        + ct
    )
    body += _hmac.digest(okm[32:64], body, "sha256")[:OLM_MAC_LEN]
    chain[:32] = _hmac.digest(ck, b"\x02", "sha256")
    chain[32:36] = ((index + 1) & 0xFFFFFFFF).to_bytes(4, "big")
    return body


def olm_chain_keys(chain: bytes, target: int, keep: int) -> tuple[list[tuple[int, bytes]], bytes]:
    """Message keys for the chain's indexes up to ``target`` (the last ``keep`` of them) and
    the chain state just after ``target``.  The chain must not be past ``target``."""
    ck = bytes(chain[:32])
    index = int.from_bytes(chain[32:36], "big")
    if not index <= target <= 0xFFFFFFFF:
        raise UsageError("Olm chain index: " + expected(f"{index}..2**32-1", target))
    keys: list[tuple[int, bytes]] = []
    while index <= target:
        if target - index < keep:
            keys.append((index, _hmac.digest(ck, b"\x01", "sha256")))
        ck = _hmac.digest(ck, b"\x02", "sha256")
        index += 1
    return keys, ck + (index & 0xFFFFFFFF).to_bytes(4, "big")


def olm_decrypt_message(message_key: bytes, message: bytes) -> bytes:
    """Checks the MAC of a normal Olm message under ``message_key``, then decrypts it."""
    message = bytes(message)
    _, _, ct_off, ct_len = olm_parse(message)
    okm = hkdf_sha256(b"", bytes(message_key), _OLM_KEYS, 80)
    end = len(message) - OLM_MAC_LEN
    mac = _hmac.digest(okm[32:64], message[:end], "sha256")[:OLM_MAC_LEN]
    if not _hmac.compare_digest(mac, message[end:]):
        raise MacError("Olm message MAC: expected the MAC of this message's key, got another")
    return aes256_cbc_decrypt(okm[:32], okm[64:80], message[ct_off : ct_off + ct_len])


def olm_decrypt_next(chain: bytearray, message: bytes) -> bytes:
    """Decrypts a message at the chain's own index; advances the chain only on success."""
    ck = bytes(chain[:32])
    plaintext = olm_decrypt_message(_hmac.digest(ck, b"\x01", "sha256"), message)
    chain[:32] = _hmac.digest(ck, b"\x02", "sha256")
    chain[32:36] = ((int.from_bytes(chain[32:36], "big") + 1) & 0xFFFFFFFF).to_bytes(4, "big")
    return plaintext


# --- X25519 --------------------------------------------------------------------------------


def x25519_refuse() -> None:
    """Raises the error for a non-contributory (all-zero) X25519 result."""
    raise KeyDecodeError(
        "X25519: " + expected("a contributory public key", "one giving an all-zero secret")
    )


def x25519(secret: bytes, public: bytes) -> bytes:
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


def x25519_public_batch(secrets: bytes) -> bytes:
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


# --- pickles (SPEC.md sections 11 and 13) ----------------------------------------------

_PICKLE_INFO = b"Pickle"


def pickle_seal(key: bytes, raw: bytes) -> str:
    """libolm's sealed form of ``raw``: HKDF "Pickle" keys, AES-256-CBC, 8-byte HMAC, base64."""
    okm = hkdf_sha256(b"", key, _PICKLE_INFO, 80)
    ct = aes256_cbc_encrypt(okm[:32], okm[64:80], raw)
    return b64_encode_public(ct + hmac_sha256(okm[32:64], ct)[:8])


def pickle_open(key: bytes, text: str | bytes, what: str) -> bytes:
    """Checks the MAC (constant time), then decrypts; PickleError naming ``what`` on failure."""
    try:
        data = b64_decode_public(text, what)
    except Base64Error as exc:
        raise PickleError(f"{what}: expected base64, got text that is not ({exc})") from None
    if len(data) < 24 or (len(data) - 8) % 16:
        raise PickleError(f"{what}: " + expected("16n + 8 bytes (n >= 1)", f"{len(data)} bytes"))
    okm = hkdf_sha256(b"", key, _PICKLE_INFO, 80)
    ct, mac = data[:-8], data[-8:]
    if not _hmac.compare_digest(hmac_sha256(okm[32:64], ct)[:8], mac):
        raise PickleError(
            f"{what}: expected a MAC made with this pickle key, got another "
            "(wrong key or damaged pickle)"
        )
    try:
        return aes256_cbc_decrypt(okm[:32], okm[64:80], ct)
    except CiphertextError:
        raise PickleError(f"{what}: expected valid padding, got invalid") from None


# JSON strings (terminated, or running to the end) and arrays of integers 0..999 with JSON
# whitespace; the replacement functions keep everything that is not a byte array.
_WS = rb"[ \t\n\r]*"
_NUMBER = rb"(?:0|[1-9][0-9]{0,2})(?![0-9])"
_STRING = rb'"(?:[^"\\]|\\.)*(?:"|\\?\Z)'
_ARRAY_OR_STRING = re.compile(
    _STRING + rb"|\[" + _WS + rb"(" + _NUMBER + rb"(?:" + _WS + rb"," + _WS + _NUMBER + rb")*)"
    + _WS + rb"\]",
    re.S,
)
_SPLIT = re.compile(_WS + rb"," + _WS)
_MARKED = re.compile(rb'"\\u0000((?:[0-9a-f]{2})*)"')
_ANY_STRING = re.compile(_STRING, re.S)


def _array_to_hex(match: re.Match[bytes]) -> bytes:
    numbers = match.group(1)
    if numbers is None:
        string = match.group(0)
        # A string that itself starts with \u0000 gets a second one, so it can never pass
        # for a marked byte string (whose hex digits follow one \u0000).
        return b'"\\u0000' + string[1:] if string.startswith(b'"\\u0000') else string
    values = [int(n) for n in _SPLIT.split(numbers)]
    if max(values) > 255:
        return match.group(0)
    return b'"\\u0000' + bytes(values).hex().encode("ascii") + b'"'


def json_arrays_to_hex(text: bytes) -> bytes:
    """Each JSON array of integers 0..255 becomes the string "\\u0000" + lowercase hex; a
    string already starting with "\\u0000" gets a second one."""
    return _ARRAY_OR_STRING.sub(_array_to_hex, text)


def _hex_to_array(match: re.Match[bytes]) -> bytes:
    marked = _MARKED.fullmatch(match.group(0))
    if marked is None:
        return match.group(0)
    return b"[" + b",".join(b"%d" % v for v in bytes.fromhex(marked.group(1).decode())) + b"]"


def json_hex_to_arrays(text: bytes) -> bytes:
    """The inverse rewrite: each string "\\u0000" + lowercase hex becomes an integer array."""
    return _ANY_STRING.sub(_hex_to_array, text)


def pickle_seal_json(key: bytes, text: bytes) -> str:
    """``json_hex_to_arrays`` then ``pickle_seal``: a vodozemac pickle from marked JSON."""
    return pickle_seal(key, json_hex_to_arrays(text))


def pickle_open_json(key: bytes, text: str | bytes, what: str) -> bytes:
    """``pickle_open`` then ``json_arrays_to_hex``: a vodozemac pickle's JSON, marked."""
    return json_arrays_to_hex(pickle_open(key, text, what))


# Secret bytes written as lowercase hex (the marked strings above, once parsed) are decoded
# without a table and without a branch per digit: one Python integer holds every character
# in its own 8-bit lane (first character most significant) under a guard lane of 0x01, which
# keeps the integer's size independent of the digits, and lane-wise arithmetic classifies
# and converts all of them at once (SPEC.md section 13).


def _lanes_at_least(x: int, ones: int, high: int, k: int) -> int:
    """Bit 7 of each 8-bit lane of ``x`` whose value is >= k (lanes below 0x80, k <= 0x80:
    c + 0x80 - k stays within its lane)."""
    return (x + (0x80 - k) * ones) & high


def hex_decode(digits: bytes) -> bytes:
    """Lowercase hex pairs as bytes, by lane arithmetic (no table, no branch per digit);
    PickleError for an odd length or a character outside 0-9a-f."""
    if not isinstance(digits, (bytes, bytearray, memoryview)):
        raise UsageError("hex digits: " + expected("bytes", type(digits).__name__))
    data = bytes(digits)
    n = len(data)
    if n % 2:
        raise PickleError("pickle byte string: " + expected("hex digits in pairs", f"{n}"))
    if not n:
        return b""
    ones = int.from_bytes(b"\x01" * (n + 1), "big")
    high = ones << 7
    x = int.from_bytes(b"\x01" + data, "big")
    digit = _lanes_at_least(x, ones, high, 0x30) & ~_lanes_at_least(x, ones, high, 0x3A)
    letter = _lanes_at_least(x, ones, high, 0x61) & ~_lanes_at_least(x, ones, high, 0x67)
    # A lane of 0x80 or more is bad by itself (its sum may carry into the next lane, whose
    # flags then do not matter: the verdict is already "bad").
    bad = ((x & high) | ~(digit | letter)) & (high >> 8)  # every lane but the guard
    if bad:
        raise PickleError(
            "pickle byte string: " + expected("lowercase hex digits (0-9, a-f)", "other text")
        )
    # '0'..'9' -> c & 15; 'a'..'f' (bit 6 set) -> (c & 15) + 9.
    value = (x & (ones * 0x0F)) + 9 * ((x >> 6) & ones)
    # Each 16-bit unit (high digit, low digit) becomes one byte in its low half.
    pairs = (value | (value >> 4)) & int.from_bytes(b"\x01" + b"\x00\xff" * (n // 2), "big")
    return pairs.to_bytes(n + 1, "big")[2::2]


# vodozemac's InboundGroupSession pickle in its exact serde layout (SPEC.md section 13).
_BYTE = rb"(?:0|[1-9][0-9]{0,2})"
_IGS_EXACT = re.compile(
    rb'\{"initial_ratchet":\{"inner":\[((?:' + _BYTE + rb",){127}" + _BYTE + rb')\],'
    rb'"counter":(0|[1-9][0-9]{0,9})\},"signing_key":\[((?:' + _BYTE + rb",){31}" + _BYTE
    + rb')\],"signing_key_verified":(true|false),"config":\{"version":"V1"\}\}',
)


def _igs_array(data: bytes) -> bytes:
    return b",".join(b"%d" % v for v in data)


def igs_vodozemac_seal(key: bytes, state: bytes, public: bytes, verified: bool) -> str:
    """vodozemac's InboundGroupSession pickle, exactly as its serde writes it, of a
    132-byte initial state (R || counter) and the signing key."""
    state = bytes(state)
    text = (
        b'{"initial_ratchet":{"inner":[' + _igs_array(state[:128]) + b'],"counter":'
        + b"%d" % int.from_bytes(state[128:132], "big") + b'},"signing_key":['
        + _igs_array(public) + b'],"signing_key_verified":' + (b"true" if verified else b"false")
        + b',"config":{"version":"V1"}}'
    )
    return pickle_seal(key, text)


def igs_vodozemac_open(
    key: bytes, text: str | bytes, what: str
) -> tuple[bytes, bytes, bool] | None:
    """(initial state, signing key, verified) of a pickle in exactly that layout; None when it
    opens but is laid out otherwise (the caller's general parser decides); PickleError when
    it does not open."""
    match = _IGS_EXACT.fullmatch(pickle_open(key, text, what))
    if match is None:
        return None
    inner, counter, public, verified = match.groups()
    ratchet = [int(v) for v in inner.split(b",")]
    signing = [int(v) for v in public.split(b",")]
    number = int(counter)
    if max(ratchet) > 255 or max(signing) > 255 or number > 0xFFFFFFFF:
        return None
    return bytes(ratchet) + number.to_bytes(4, "big"), bytes(signing), verified == b"true"


# --- recovery keys (SPEC.md section 16) -------------------------------------------------

# Base58 without an alphabet table or big-integer arithmetic on the key: character classes
# and values by lane arithmetic (as in hex_decode above, over chunks of the text, so a huge
# text costs no more than a copy of a chunk), and a fixed-width multiply-add over twelve
# 32-bit limbs for each base58 character.  Python's integers are not constant time (their
# size and the small-int cache vary); the native twin is the one held to that.

_B58_LIMBS = 12  # 384 bits: 58**64 < 2**375
_B58_MAX_CHARS = 64
_B58_CHUNK = 4096
_RECOVERY_RAW = 35
_RECOVERY_PREFIX = b"\x8b\x01"


def _in_lanes(x: int, ones: int, high: int, lo: int, hi: int) -> int:
    """Bit 7 of each lane (values below 0x80) holding lo..hi."""
    return _lanes_at_least(x, ones, high, lo) & ~_lanes_at_least(x, ones, high, hi + 1)


def _b58_chunk(chunk: bytes) -> tuple[int, bytes, bytes]:
    """(position of the first bad character or -1, digit flags (1 per character), values)
    for one chunk, classified in parallel lanes."""
    n = len(chunk)
    ones = int.from_bytes(b"\x01" * (n + 1), "big")
    high = ones << 7
    lanes = high >> 8  # every lane but the guard on top
    x = int.from_bytes(b"\x01" + chunk, "big")
    upper = x & lanes  # characters of 0x80 and above: bad, and kept out of the sums
    x ^= upper

    def within(lo: int, hi: int) -> int:
        return _in_lanes(x, ones, high, lo, hi)

    digit = (within(49, 57) | within(65, 72) | within(74, 78) | within(80, 90)
             | within(97, 107) | within(109, 122)) & ~upper & lanes
    space = (within(9, 13) | within(28, 32)) & ~upper & lanes
    bad = lanes & ~(digit | space)
    first = n - 1 - (bad.bit_length() - 1) // 8 if bad else -1
    # value = c - 49, less 7 from 'A', 1 from 'J', 1 from 'P', 6 from 'a', 1 from 'm'
    offset = 49 * ones + sum(
        step * (_lanes_at_least(x, ones, high, start) >> 7)
        for step, start in ((7, 65), (1, 74), (1, 80), (6, 97), (1, 109))
    )
    full = (digit >> 7) * 0xFF
    values = (x & full) - (offset & full)
    return first, (digit >> 7).to_bytes(n + 1, "big")[1:], values.to_bytes(n + 1, "big")[1:]


def recovery_key_decode(text: bytes) -> tuple[int, int, int, int, bytes]:
    """Decodes recovery key text, one byte per character, without tables: (first bad
    position or len, base58 count, decoded length or 0, flags: 1 prefix ok, 2 parity ok,
    the 35 decoded bytes or zeros)."""
    if not isinstance(text, (bytes, bytearray, memoryview)):
        raise UsageError("recovery key text: " + expected("bytes", type(text).__name__))
    from itertools import compress

    data = bytes(text)
    first_bad, count = len(data), 0
    digits = bytearray()
    for start in range(0, len(data), _B58_CHUNK):
        first, flags, values = _b58_chunk(data[start : start + _B58_CHUNK])
        if first >= 0 and first_bad == len(data):
            first_bad = start + first
        count += sum(flags)
        if len(digits) <= _B58_MAX_CHARS:  # more is an error, reported by count
            digits += bytes(compress(values, flags))
    nothing = (first_bad, count, 0, 0, bytes(_RECOVERY_RAW))
    if first_bad < len(data) or not 1 <= count <= _B58_MAX_CHARS:
        return nothing
    limbs = [0] * _B58_LIMBS
    zeros, lead = 0, 1
    for value in digits:
        carry = value
        for j in range(_B58_LIMBS):
            total = limbs[j] * 58 + carry
            limbs[j] = total & 0xFFFFFFFF
            carry = total >> 32
        zero = 1 ^ ((-value >> 8) & 1)  # 1 when the digit is 0 ('1')
        zeros += lead & zero
        lead &= zero
    number = b"".join(limb.to_bytes(4, "big") for limb in reversed(limbs))
    seen = leading = 0
    for byte in number:
        seen |= (-byte >> 8) & 1
        leading += 1 ^ seen
    length = zeros + len(number) - leading
    if length != _RECOVERY_RAW:
        return first_bad, count, length, 0, bytes(_RECOVERY_RAW)
    raw = number[-_RECOVERY_RAW:]
    parity = 0
    for byte in raw:
        parity ^= byte
    prefix_ok = int(_hmac.compare_digest(raw[:2], _RECOVERY_PREFIX))
    return first_bad, count, length, prefix_ok | (int(parity == 0) << 1), raw


def _b58_char(d: int) -> str:
    """The character for a base58 value: d + 49, plus the gaps in the alphabet below it
    (((k - d) >> 8) & 1 is 1 when d > k)."""
    return chr(d + 49 + 7 * (((8 - d) >> 8) & 1) + (((16 - d) >> 8) & 1)
               + (((21 - d) >> 8) & 1) + 6 * (((32 - d) >> 8) & 1) + (((43 - d) >> 8) & 1))


def recovery_key_encode(key: bytes) -> str:
    """The 48 base58 characters of 0x8B 0x01 | key | parity, by fixed-width long division
    (no big integers, no alphabet table)."""
    if not isinstance(key, (bytes, bytearray, memoryview)) or len(key) != 32:
        got = f"{len(key)} bytes" if isinstance(key, (bytes, bytearray, memoryview)) else (
            type(key).__name__)
        raise UsageError("recovery key: " + expected("32 bytes", got))
    work = bytearray(_RECOVERY_PREFIX + bytes(key))
    parity = 0
    for byte in work:
        parity ^= byte
    work.append(parity)
    out = [""] * 48
    for d in range(47, -1, -1):  # 0x8B01... lies in [58**47, 58**48): 48 digits
        r = 0
        for i in range(_RECOVERY_RAW):
            x = (r << 8) | work[i]
            q = (x * 565) >> 15  # x // 58 for every x below 58 * 256
            r = x - 58 * q
            work[i] = q
        out[d] = _b58_char(r)
    return "".join(out)


# --- PK encryption (SPEC.md section 16) ------------------------------------------------

_PK_MAC_ERROR = (
    "PK message: expected a MAC made with this key, got another "
    "(encrypted for another key, or damaged)"
)


def pk_encrypt(
    ephemeral_secret: bytes, recipient: bytes, plaintext: bytes
) -> tuple[bytes, bytes, bytes]:
    """(ephemeral public key, ciphertext, 8-byte MAC) of libolm's PK scheme; an all-zero
    shared secret is a KeyDecodeError."""
    secret = bytes(ephemeral_secret)
    shared = x25519(secret, recipient)
    okm = hkdf_sha256(b"", shared, b"", 80)
    ciphertext = aes256_cbc_encrypt(okm[:32], okm[64:80], plaintext)
    return x25519_public_batch(secret), ciphertext, hmac_sha256(okm[32:64], b"")[:8]


def pk_decrypt(secret: bytes, ephemeral: bytes, ciphertext: bytes, mac: bytes) -> bytes:
    """Checks the MAC (constant time: MacError), then decrypts (CiphertextError)."""
    okm = hkdf_sha256(b"", x25519(bytes(secret), ephemeral), b"", 80)
    if not _hmac.compare_digest(hmac_sha256(okm[32:64], b"")[:8], mac):
        raise MacError(_PK_MAC_ERROR)
    return aes256_cbc_decrypt(okm[:32], okm[64:80], ciphertext)

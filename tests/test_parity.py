"""The compiled core and its pure-Python twin agree byte for byte.

Every function both backends expose is called on the same inputs through
``olmpy._backend.load("native")`` and ``load("python")``; results must be
identical, and so must failures (exception type and message).  Functions that
mutate secret state in place are compared on the state they leave behind.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import nacl.bindings
import needs
import pytest
import vodozemac
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from olmpy import _backend
from olmpy.errors import KeyDecodeError, OlmpyError, UsageError
from olmpy.hazmat.primitives import ed25519_expand_seed

needs.native(module_level=True)
N = _backend.load("native")
P = _backend.load("python")

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

U32 = 0xFFFFFFFF


# --- helpers ------------------------------------------------------------------------


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    """("ok", value) or ("err", exception type, message) for one call."""
    try:
        return ("ok", fn(*args))
    except Exception as exc:  # the type itself is part of what is compared
        return ("err", type(exc), str(exc))


def both(name: str, *args: Any) -> tuple[Any, ...]:
    """Calls ``name`` on both backends, asserts the outcomes are identical, returns it."""
    native = outcome(getattr(N, name), *args)
    python = outcome(getattr(P, name), *args)
    assert native == python, f"{name} disagrees: native={native!r} python={python!r}"
    if native[0] == "err":
        assert issubclass(native[1], OlmpyError), native
    return native


def state_at(ratchet: bytes, counter: int) -> bytes:
    return ratchet + (counter & U32).to_bytes(4, "big")


def advanced(state: bytes, target: int) -> bytes:
    """``state`` advanced to ``target`` with the pure ratchet (a reference copy)."""
    buf = P.secret_buffer(state)
    P.megolm_advance_to(buf, target & U32)
    return P.read_secret(buf)


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def seed_keypair(seed: bytes) -> tuple[bytes, bytes]:
    pk, sk = nacl.bindings.crypto_sign_seed_keypair(seed)
    return bytes(pk), bytes(sk)


def pkey(sk: bytes) -> Any:
    """The pure backend's signing key for libsodium's (seed || public) secret key."""
    return P.ed25519_key(sk[:32], P.KEY_SEED)[0]


# --- strategies ------------------------------------------------------------------------

small_bytes = st.binary(max_size=64)
data_bytes = st.one_of(st.binary(max_size=300), st.binary(min_size=300, max_size=4096))
ratchets = st.binary(min_size=128, max_size=128)
seeds = st.binary(min_size=32, max_size=32)
interesting_u32 = st.one_of(
    st.integers(0, U32),
    st.sampled_from([0, 1, 0xFE, 0xFF, 0x100, 0xFFFF, 0x10000, 0xFFFFFF, 0x1000000,
                     0xFFFFFF00, 0xFFFFFFFE, U32]),
    st.integers(0, 0x300),
)


@st.composite
def mutations(draw: st.DrawFn, data: bytes, others: tuple[bytes, ...] = ()) -> bytes:
    """``data`` after one to three random edits (flip, cut, extend, insert, delete, splice)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(
            ["flip", "truncate", "extend", "insert", "delete", "set", "splice"]))
        if kind == "flip" and out:
            i = draw(st.integers(0, len(out) - 1))
            out[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            out = out[: draw(st.integers(0, len(out)))]
        elif kind == "extend":
            out += draw(st.binary(min_size=1, max_size=40))
        elif kind == "insert":
            i = draw(st.integers(0, len(out)))
            out[i:i] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and out:
            i = draw(st.integers(0, len(out) - 1))
            del out[i : i + draw(st.integers(1, 4))]
        elif kind == "set" and out:
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        elif kind == "splice" and others:
            other = draw(st.sampled_from(others))
            cut_a = draw(st.integers(0, len(out)))
            cut_b = draw(st.integers(0, len(other)))
            out = out[:cut_a] + other[cut_b:]
    return bytes(out)


# --- coverage of the shared surface ---------------------------------------------------

COVERED = {
    "secret_buffer", "secret_state_pair", "read_secret", "wipe", "b64_encode", "b64_decode",
    "b64_encode_public", "b64_decode_public",
    "sha256", "hmac_sha256", "hkdf_sha256",
    "aes256_cbc_encrypt", "aes256_cbc_decrypt",
    "ed25519_key", "ed25519_sign", "ed25519_verify", "ed25519_is_point",
    "megolm_group_new", "megolm_advance", "megolm_advance_to", "megolm_parse",
    "megolm_encrypt", "megolm_decrypt", "write_secret",
    "olm_parse", "olm_encrypt", "olm_chain_keys", "olm_decrypt_message", "olm_decrypt_next",
    "olm_ratchet",
    "x25519", "x25519_public_batch", "identity_new",
    "pickle_seal", "pickle_open", "json_arrays_to_hex", "json_hex_to_arrays",
    "pickle_seal_json", "pickle_open_json", "pk_encrypt", "pk_decrypt",
    "igs_vodozemac_seal", "igs_vodozemac_open",
}
# Reports about the machine, not computations: they differ by design (the pure
# backend's AES is OpenSSL's, so it reports no AES-NI of its own).
NOT_COMPARED = {"has_aesni"}
COVERED |= {"hex_decode", "recovery_key_decode", "recovery_key_encode"}  # test_ct_decoders.py
COVERED |= {"attachment_encrypt", "attachment_decrypt",
            "attachment_cipher"}  # test_parity_attachments.py


def public_functions(module: Any) -> set[str]:
    return {
        name for name, obj in vars(module).items()
        if not name.startswith("_") and inspect.isfunction(obj)
        and obj.__module__ == module.__name__
    }


def test_every_shared_function_is_covered() -> None:
    """Every public function both backends define is compared by this file."""
    shared = public_functions(N) & public_functions(P)
    assert shared - NOT_COMPARED <= COVERED, shared - NOT_COMPARED - COVERED
    assert shared >= COVERED
    for name in COVERED:
        assert (inspect.signature(getattr(N, name)).parameters.keys()
                == inspect.signature(getattr(P, name)).parameters.keys()), name
    consts = ("KEY_SEED", "KEY_EXPANDED", "MEGOLM_STATE_LEN", "SIGNATURE_LEN", "ED25519_KEY_LEN")
    for const in ("NAME", *consts):
        assert hasattr(N, const) and hasattr(P, const)
    assert [getattr(N, c) for c in consts] == [getattr(P, c) for c in consts]


# --- secret buffers ----------------------------------------------------------------------


@SETTINGS
@given(st.binary(max_size=200))
def test_secret_buffers(data: bytes) -> None:
    """A secret buffer reads back what it was given, and reads back zeros once wiped."""
    for b in (N, P):
        buf = b.secret_buffer(data)
        assert b.read_secret(buf) == data
        b.wipe(buf)
        assert b.read_secret(buf) == bytes(len(data))


# --- base64 ---------------------------------------------------------------------------------

B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Long enough to cross the native decoder's 16-character SIMD lanes and its
# 1024-character chunks.
long_binary = st.one_of(st.binary(max_size=100), st.binary(max_size=2000))


@SETTINGS
@given(long_binary)
def test_b64_encode(data: bytes) -> None:
    """Both encoders give the standard library's base64 without padding."""
    assert both("b64_encode", data) == ("ok", base64.b64encode(data).decode().rstrip("="))


@SETTINGS
@given(st.one_of(
    st.text(max_size=60),
    st.binary(max_size=60),
    st.text(alphabet=B64_ALPHABET + "=", max_size=1500),
    st.binary(max_size=1500).map(lambda b: base64.b64encode(b).decode()),
    st.binary(max_size=1500).map(lambda b: base64.b64encode(b)),
    st.binary(max_size=1500).map(lambda b: base64.b64encode(b).decode().rstrip("=")),
))
def test_b64_decode_arbitrary(text: str | bytes) -> None:
    """Arbitrary text or bytes decode identically or fail with the same Base64Error."""
    result = both("b64_decode", text, "some value")
    if result[0] == "ok":
        as_text = text if isinstance(text, str) else text.decode("ascii")
        assert base64.b64decode(as_text + "=" * (-len(as_text) % 4), validate=True) == result[1]


@SETTINGS
@given(long_binary, st.data())
def test_b64_decode_one_bad_character(data: bytes, draw: st.DataObject) -> None:
    """One character replaced, inserted or removed anywhere (any lane, any chunk) gives
    identical verdicts, for text and for raw bytes."""
    text = bytearray(base64.b64encode(data).rstrip(b"=") if draw.draw(st.booleans())
                     else base64.b64encode(data))
    edit = draw.draw(st.sampled_from(["set", "insert", "delete"]))
    if edit == "set" and text:
        text[draw.draw(st.integers(0, len(text) - 1))] = draw.draw(st.integers(0, 255))
    elif edit == "insert":
        text.insert(draw.draw(st.integers(0, len(text))), draw.draw(st.integers(0, 255)))
    elif edit == "delete" and text:
        del text[draw.draw(st.integers(0, len(text) - 1))]
    both("b64_decode", bytes(text), "v")
    both("b64_decode", bytes(text).decode("latin-1"), "v")


def test_b64_decode_every_byte_in_every_position() -> None:
    """Every byte value at every position of a 44-character value decodes identically."""
    valid = base64.b64encode(bytes(range(7, 40)))  # 44 characters: two SIMD lanes + tail
    for i in range(len(valid)):
        for value in range(256):
            text = valid[:i] + bytes([value]) + valid[i + 1 :]
            both("b64_decode", text, "v")


def test_b64_decode_wrong_types() -> None:
    """Non-text arguments fail identically."""
    for value in (None, 3, 1.5, ["AAAA"], object):
        both("b64_decode", value, "v")


# --- hashes, MACs, KDF --------------------------------------------------------------------


@SETTINGS
@given(data_bytes)
def test_sha256(data: bytes) -> None:
    """Both SHA-256s equal hashlib's."""
    assert both("sha256", data) == ("ok", hashlib.sha256(data).digest())


def test_sha256_block_boundaries() -> None:
    """Lengths around every padding edge of the first few blocks hash identically."""
    for n in range(0, 300):
        data = bytes((i * 7 + n) & 0xFF for i in range(n))
        assert both("sha256", data) == ("ok", hashlib.sha256(data).digest())


@SETTINGS
@given(st.binary(max_size=200), data_bytes)
def test_hmac_sha256(key: bytes, data: bytes) -> None:
    """Both HMAC-SHA-256s equal the standard library's, for keys shorter and longer than a block."""
    assert both("hmac_sha256", key, data) == ("ok", hmac.digest(key, data, "sha256"))


@SETTINGS
@given(st.one_of(st.just(b""), st.binary(max_size=100)), st.binary(max_size=200),
       st.binary(max_size=200),
       st.one_of(st.integers(0, 200), st.integers(0, 8160), st.sampled_from([0, 32, 8159, 8160])))
def test_hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int) -> None:
    """HKDF output is identical for every salt and every allowed length."""
    result = both("hkdf_sha256", salt, ikm, info, length)
    assert result[0] == "ok" and len(result[1]) == length
    if salt == b"":
        # An empty salt is the same as 32 zero bytes (HMAC zero-pads keys).
        assert result == both("hkdf_sha256", bytes(32), ikm, info, length)


@SETTINGS
@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=8161),
                 st.sampled_from([-1, 8161, 2**31, 2**64, -(2**63)])))
def test_hkdf_out_of_range_length(length: int) -> None:
    """Lengths outside 0..8160 fail the same way on both backends."""
    result = both("hkdf_sha256", b"salt", b"ikm", b"info", length)
    assert result[0] == "err" and "expected" in result[2]


# --- AES-256-CBC ---------------------------------------------------------------------------

keys32 = st.binary(min_size=32, max_size=32)
ivs = st.binary(min_size=16, max_size=16)


@SETTINGS
@given(keys32, ivs, data_bytes)
def test_aes_encrypt_roundtrip(key: bytes, iv: bytes, plaintext: bytes) -> None:
    """Encryption is identical and decryption on either backend inverts it."""
    ok, ct = both("aes256_cbc_encrypt", key, iv, plaintext)
    assert ok == "ok" and len(ct) == (len(plaintext) // 16 + 1) * 16
    assert both("aes256_cbc_decrypt", key, iv, ct) == ("ok", plaintext)


@SETTINGS
@given(keys32, ivs, st.one_of(st.binary(max_size=100),
                              st.integers(1, 20).map(lambda n: os.urandom(16 * n))))
def test_aes_decrypt_arbitrary(key: bytes, iv: bytes, ciphertext: bytes) -> None:
    """Arbitrary ciphertexts give the same plaintext or the same error on both backends."""
    both("aes256_cbc_decrypt", key, iv, ciphertext)


@SETTINGS
@given(keys32, ivs, st.binary(max_size=64), st.integers(0, 15), st.integers(1, 255))
def test_aes_decrypt_padding_edges(key: bytes, iv: bytes, body: bytes, fill: int,
                                   last: int) -> None:
    """Ciphertexts whose padding is almost right (one bad byte, pad 0, pad > 16) agree."""
    # Build a plaintext whose final block ends in chosen bytes, then encrypt it raw.
    block = bytearray(body + bytes(16 - len(body) % 16))
    block[-1] = last
    if fill and last <= 16:
        block[-1 - fill % last if last > 1 else -1] ^= 1
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ct = enc.update(bytes(block)) + enc.finalize()
    both("aes256_cbc_decrypt", key, iv, ct)


@SETTINGS
@given(st.binary(max_size=40), st.binary(max_size=20), st.binary(max_size=40))
def test_aes_bad_key_or_iv(key: bytes, iv: bytes, data: bytes) -> None:
    """Wrong key or IV lengths fail identically, for encryption and decryption."""
    assume(len(key) != 32 or len(iv) != 16)
    r1 = both("aes256_cbc_encrypt", key, iv, data)
    r2 = both("aes256_cbc_decrypt", key, iv, data)
    assert r1[0] == r2[0] == "err"


# --- Ed25519 --------------------------------------------------------------------------------


def keys_both(secret: bytes, kind: int) -> tuple[Any, Any, bytes]:
    """(native key, pure key, public key) from both backends, which must agree."""
    nk, npub = N.ed25519_key(secret, kind)
    pk_, ppub = P.ed25519_key(secret, kind)
    assert N.read_secret(nk) == P.read_secret(pk_) and npub == ppub
    assert len(N.read_secret(nk)) == N.ED25519_KEY_LEN and N.read_secret(nk)[64:] == npub
    return nk, pk_, npub


@SETTINGS
@given(seeds, data_bytes)
def test_ed25519_sign_seed_and_expanded(seed: bytes, message: bytes) -> None:
    """Seed and expanded keys derive the same public key and sign identically on both
    backends, exactly as libsodium signs with the seed."""
    pk, sk = seed_keypair(seed)
    nk, pk_, public = keys_both(seed, 0)
    assert public == pk
    sig0 = N.ed25519_sign(nk, message)
    assert sig0 == P.ed25519_sign(pk_, message)
    assert sig0 == bytes(nacl.bindings.crypto_sign(message, sk)[:64])

    expanded = ed25519_expand_seed(seed)
    nk1, pk1, public1 = keys_both(expanded, 1)
    assert public1 == pk and N.read_secret(nk1) == N.read_secret(nk)
    # Ed25519 is deterministic and the expanded key is SHA-512(seed) clamped,
    # so libolm-style signing must give the RFC 8032 signature exactly.
    assert N.ed25519_sign(nk1, message) == P.ed25519_sign(pk1, message) == sig0
    # Secret buffers are accepted as well as bytes.
    for b in (N, P):
        assert b.read_secret(b.ed25519_key(b.secret_buffer(expanded), 1)[0]) == expanded + pk
        assert b.read_secret(b.ed25519_key(b.secret_buffer(seed), 0)[0]) == expanded + pk


@SETTINGS
@given(st.binary(min_size=64, max_size=64), small_bytes)
def test_ed25519_sign_arbitrary_expanded(secret: bytes, message: bytes) -> None:
    """Any 64-byte expanded key (even unclamped, as a libolm pickle may hold) gets the same
    derived public key on both backends, and its signatures verify under that key."""
    if int.from_bytes(secret[:32], "little") % ED25519_L == 0:  # pragma: no cover - 2**-252
        return
    nk, pk_, public = keys_both(secret, 1)
    assert public == bytes(nacl.bindings.crypto_scalarmult_ed25519_base_noclamp(
        nacl.bindings.crypto_core_ed25519_scalar_reduce(secret[:32] + bytes(32))))
    sig = N.ed25519_sign(nk, message)
    assert sig == P.ed25519_sign(pk_, message)
    assert nacl.bindings.crypto_sign_open(sig + message, public) == message


ED25519_L = 2**252 + 27742317777372353535851937790883648493


@pytest.mark.parametrize("multiple", [0, 1, 7])
def test_ed25519_key_zero_scalar(multiple: int) -> None:
    """A scalar that is 0 mod L cannot sign: the same KeyDecodeError on both backends."""
    scalar = (multiple * ED25519_L).to_bytes(32, "little")
    result = both("ed25519_key", scalar + os.urandom(32), 1)
    assert result[0] == "err" and result[1] is KeyDecodeError


@SETTINGS
@given(seeds, st.integers().filter(lambda k: k not in (0, 1)), st.binary(max_size=70))
def test_ed25519_key_bad_kind_or_length(seed: bytes, kind: int, secret: bytes) -> None:
    """A key kind other than 0 or 1, or a secret of the wrong length, is refused identically."""
    assert both("ed25519_key", seed, kind)[0] == "err"
    assume(len(secret) not in (32, 64))
    assert both("ed25519_key", secret, 0)[1] is UsageError
    assert both("ed25519_key", secret, 1)[1] is UsageError


@st.composite
def verify_cases(draw: st.DrawFn) -> tuple[bytes, bytes, bytes]:
    seed = draw(seeds)
    message = draw(st.binary(max_size=200))
    pk, sk = seed_keypair(seed)
    sig = bytes(nacl.bindings.crypto_sign(message, sk)[:64])
    which = draw(st.sampled_from(["valid", "sig", "msg", "key", "random", "lengths"]))
    if which == "sig":
        sig = draw(mutations(sig))
    elif which == "msg":
        message = draw(mutations(message))
    elif which == "key":
        pk = draw(st.one_of(mutations(pk), st.sampled_from(
            [bytes(32), b"\x01" + bytes(31), b"\xff" * 32, b"\xec" + b"\xff" * 30 + b"\x7f"])))
    elif which == "random":
        pk, sig = draw(st.binary(min_size=32, max_size=32)), draw(
            st.binary(min_size=64, max_size=64))
    elif which == "lengths":
        pk, sig = draw(st.binary(max_size=40)), draw(st.binary(max_size=80))
    return pk, message, sig


@SETTINGS
@given(verify_cases())
def test_ed25519_verify(case: tuple[bytes, bytes, bytes]) -> None:
    """Verification accepts and rejects identically, and agrees with libsodium."""
    pk, message, sig = case
    result = both("ed25519_verify", pk, message, sig)
    if len(pk) == 32 and len(sig) == 64:
        try:
            nacl.bindings.crypto_sign_open(sig + message, pk)
            sodium_ok = True
        except Exception:
            sodium_ok = False
        assert (result == ("ok", None)) == sodium_ok


# Encodings at the edges of decompression: y = 0, 1, p - 1, p, p + 1, 2^255 - 1 (y >= p is
# taken mod p), each with and without the sign bit, and the base point.
_P25519 = 2**255 - 19
EDGE_ENCODINGS = [
    (y | sign << 255).to_bytes(32, "little")
    for y in (0, 1, 2, _P25519 - 1, _P25519, _P25519 + 1, _P25519 + 2, 2**255 - 1)
    for sign in (0, 1)
] + [bytes([0x58]) + bytes([0x66]) * 31]


@SETTINGS
@given(st.one_of(
    st.binary(min_size=32, max_size=32),
    st.sampled_from(EDGE_ENCODINGS),
    seeds.map(lambda seed: seed_keypair(seed)[0]),
    st.binary(max_size=40),
))
def test_ed25519_is_point(key: bytes) -> None:
    """Native decompression (olmpy's verifier code) and the pure backend's (libsodium's point
    addition) agree on every input, and with vodozemac's Ed25519PublicKey, the peer whose
    rule olmpy follows for session keys."""
    verdict = both("ed25519_is_point", key)
    assert verdict[0] == "ok"
    if len(key) == 32:
        try:
            vodozemac.Ed25519PublicKey.from_base64(base64.b64encode(key).decode().rstrip("="))
            peer = True
        except Exception:
            peer = False
        assert verdict[1] is peer
    else:
        assert verdict[1] is False


def test_ed25519_is_point_small_and_wrapped_y() -> None:
    """Every y below 256 and every 255-bit y from p - 128 up: small values once tripped the
    native decompression (a subtraction past its limb bound refused y = 9, 10, 15, ...),
    where random encodings almost never do.  Both backends and vodozemac agree."""
    for y in [*range(256), *range(_P25519 - 128, 2**255)]:
        key = y.to_bytes(32, "little")
        verdict = both("ed25519_is_point", key)[1]
        try:
            vodozemac.Ed25519PublicKey.from_base64(base64.b64encode(key).decode().rstrip("="))
            peer = True
        except Exception:
            peer = False
        assert verdict is peer, y


def test_ed25519_is_point_finds_both_verdicts() -> None:
    """About half of random encodings are points: both answers occur (the check can fail)."""
    answers = {N.ed25519_is_point(os.urandom(32)) for _ in range(64)}
    assert answers == {True, False}


# --- Megolm ratchet ------------------------------------------------------------------------


@FEW
@given(st.sampled_from(["native", "python"]), st.binary(max_size=100))
def test_megolm_group_new(maker: str, plaintext: bytes) -> None:
    """A fresh session (random, so compared by shape) has a zero counter, a seed||public key
    that matches its public key, and encrypts identically on both backends."""
    made = _backend.load(maker)
    state_buf, seed_buf, key_buf, public = made.megolm_group_new()
    state, seed = made.read_secret(state_buf), made.read_secret(seed_buf)
    assert len(state) == 132 and state[128:] == bytes(4)
    assert made.read_secret(key_buf) == ed25519_expand_seed(seed) + public
    assert seed_keypair(seed)[0] == public
    again = made.megolm_group_new()
    assert made.read_secret(again[0])[:128] != state[:128] and again[3] != public
    n, p = N.secret_buffer(state), P.secret_buffer(state)
    mn = N.megolm_encrypt(n, N.ed25519_key(seed, 0)[0], plaintext)
    mp = P.megolm_encrypt(p, P.ed25519_key(seed, 0)[0], plaintext)
    assert mn == mp and N.read_secret(n) == P.read_secret(p)
    nacl.bindings.crypto_sign_open(mn[-64:] + mn[:-64], public)


@SETTINGS
@given(ratchets, interesting_u32, st.integers(1, 5))
def test_megolm_advance(ratchet: bytes, counter: int, steps: int) -> None:
    """Single steps leave identical states, including across 2**8/2**16/2**24/2**32 edges."""
    n, p = N.secret_buffer(state_at(ratchet, counter)), P.secret_buffer(state_at(ratchet, counter))
    for _ in range(steps):
        N.megolm_advance(n)
        P.megolm_advance(p)
        assert N.read_secret(n) == P.read_secret(p)
    assert int.from_bytes(P.read_secret(p)[128:], "big") == (counter + steps) & U32


@SETTINGS
@given(ratchets, interesting_u32, st.one_of(interesting_u32, st.integers(0, 0x400)), st.booleans())
def test_megolm_advance_to(ratchet: bytes, counter: int, target: int, relative: bool) -> None:
    """advance_to reaches identical states for any start and target, wrap-around included."""
    if relative:
        target = (counter + target) & U32
    start = state_at(ratchet, counter)
    n, p = N.secret_buffer(start), P.secret_buffer(start)
    N.megolm_advance_to(n, target)
    P.megolm_advance_to(p, target)
    assert N.read_secret(n) == P.read_secret(p)
    assert int.from_bytes(P.read_secret(p)[128:], "big") == target
    # Advancing to the index it already has changes nothing.
    N.megolm_advance_to(n, target)
    P.megolm_advance_to(p, target)
    assert N.read_secret(n) == P.read_secret(p)
    assert int.from_bytes(P.read_secret(p)[128:], "big") == target


@SETTINGS
@given(ratchets, st.integers(0, U32), st.integers(0, 600))
def test_megolm_advance_to_matches_stepping(ratchet: bytes, counter: int, steps: int) -> None:
    """advance_to(counter + k) equals k single advances, on both backends."""
    start = state_at(ratchet, counter)
    n, p = N.secret_buffer(start), P.secret_buffer(start)
    N.megolm_advance_to(n, (counter + steps) & U32)
    P.megolm_advance_to(p, (counter + steps) & U32)
    stepped = N.secret_buffer(start)
    for _ in range(steps):
        N.megolm_advance(stepped)
    assert N.read_secret(n) == P.read_secret(p) == N.read_secret(stepped)


@SETTINGS
@given(ratchets, st.integers(0, U32),
       st.one_of(st.integers(max_value=-1), st.integers(min_value=U32 + 1)))
def test_megolm_advance_to_out_of_range(ratchet: bytes, counter: int, target: int) -> None:
    """Targets outside the u32 range are refused identically and leave the state alone."""
    start = state_at(ratchet, counter)
    n, p = N.secret_buffer(start), P.secret_buffer(start)
    native = outcome(N.megolm_advance_to, n, target)
    python = outcome(P.megolm_advance_to, p, target)
    assert native == python and native[0] == "err"
    assert N.read_secret(n) == P.read_secret(p) == start


# --- Megolm messages -------------------------------------------------------------------------


@st.composite
def megolm_bodies(draw: st.DrawFn, index: int | None = None) -> tuple[bytes, int, bytes]:
    """A message body (version + fields, no MAC or signature) with arbitrary field layout.

    Returns (body, index, ciphertext).
    """
    if index is None:
        index = draw(interesting_u32)
    ct = draw(st.one_of(st.binary(max_size=80), st.integers(1, 5).map(lambda n: bytes(16 * n))))
    fields = [b"\x08" + varint(index), b"\x12" + varint(len(ct)) + ct]
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.integers(3, 40))
        if draw(st.booleans()):
            fields.append(varint(field << 3) + varint(draw(st.integers(0, 2**64 - 1))))
        else:
            blob = draw(st.binary(max_size=10))
            fields.append(varint(field << 3 | 2) + varint(len(blob)) + blob)
    fields = draw(st.permutations(fields))
    return b"\x03" + b"".join(fields), index, ct


@st.composite
def parse_inputs(draw: st.DrawFn) -> bytes:
    body, _, _ = draw(megolm_bodies())
    msg = body + draw(st.binary(min_size=72, max_size=72))
    return draw(st.one_of(
        st.just(msg),
        mutations(msg),
        st.binary(max_size=200),
        st.binary(max_size=120).map(lambda b: b"\x03" + b),
        # Over-long and unterminated varints, huge lengths, odd wire types.
        st.sampled_from([b"\x08" + b"\xff" * 10 + b"\x01", b"\x08" + b"\x80" * 11,
                         b"\x08\xff\xff\xff\xff\x0f", b"\x08\x80\x80\x80\x80\x10",
                         b"\x12\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", b"\x0b", b"\x0d",
                         b"\x0c", b"\x0f", b"\x08\x01\x08\x02", b"\x12\x00\x12\x00",
                         b"\x08\x01", b"\x12\x00", b"", b"\x08"]).map(
            lambda f: b"\x03" + f + bytes(72)),
    ))


@settings(SETTINGS, max_examples=400)
@given(parse_inputs())
def test_megolm_parse(message: bytes) -> None:
    """Any bytes parse to the same (index, offset, length) or fail with the same error."""
    result = both("megolm_parse", message)
    event("ok" if result[0] == "ok" else result[1].__name__)
    if result[0] == "ok":
        index, off, length = result[1]
        assert 0 <= index <= U32 and off + length <= len(message) - 72


@SETTINGS
@given(megolm_bodies())
def test_megolm_parse_finds_fields(case: tuple[bytes, int, bytes]) -> None:
    """Well-formed messages with unknown fields in any order parse to their real fields."""
    body, index, ct = case
    msg = body + bytes(72)
    ok, (got_index, off, length) = both("megolm_parse", msg)
    assert ok == "ok" and got_index == index and msg[off : off + length] == ct


@SETTINGS
@given(ratchets, interesting_u32, seeds, st.binary(max_size=300), st.booleans(),
       st.integers(1, 3))
def test_megolm_encrypt(ratchet: bytes, counter: int, seed: bytes, plaintext: bytes,
                        expanded: bool, count: int) -> None:
    """Encryption yields identical message bytes and identical advanced states."""
    pk, _ = seed_keypair(seed)
    secret, kind = (ed25519_expand_seed(seed), 1) if expanded else (seed, 0)
    start = state_at(ratchet, counter)
    n, p = N.secret_buffer(start), P.secret_buffer(start)
    ns, ps = N.ed25519_key(secret, kind)[0], P.ed25519_key(secret, kind)[0]
    for i in range(count):
        mn = N.megolm_encrypt(n, ns, plaintext)
        mp = P.megolm_encrypt(p, ps, plaintext)
        assert mn == mp
        assert N.read_secret(n) == P.read_secret(p)
        assert int.from_bytes(P.read_secret(p)[128:], "big") == (counter + i + 1) & U32
        assert both("megolm_parse", mn)[1][0] == (counter + i) & U32
        nacl.bindings.crypto_sign_open(mn[-64:] + mn[:-64], pk)


DECRYPT_KINDS = ["valid", "mutated", "truncated", "tampered", "resigned", "forged", "random",
                 "wrong_key", "spliced"]


@st.composite
def decrypt_cases(draw: st.DrawFn) -> dict[str, Any]:
    """A sender state, a receiver (initial, latest) pair and a message, maybe damaged."""
    kind = draw(st.sampled_from(DECRYPT_KINDS))
    ratchet = draw(ratchets)
    c0 = draw(interesting_u32)
    seed = draw(seeds)
    pk, sk = seed_keypair(seed)
    base = state_at(ratchet, c0)
    a = draw(st.integers(0, 300))              # initial = base + a
    b = draw(st.integers(0, 300))              # latest  = initial + b
    if kind in ("valid", "mutated", "truncated", "random", "spliced") and draw(st.booleans()):
        m = draw(st.integers(0, 700))          # message index = base + m, maybe unknown
    else:
        m = a + draw(st.integers(0, 400))      # an index the receiver knows
    initial = advanced(base, c0 + a)
    latest = advanced(initial, c0 + a + b)
    sender = advanced(base, c0 + m)
    index = (c0 + m) & U32
    plaintext = draw(st.binary(max_size=100))
    buf = P.secret_buffer(sender)
    message = P.megolm_encrypt(buf, pkey(sk), plaintext)
    check = draw(st.booleans())
    if kind == "mutated":
        other = P.megolm_encrypt(buf, pkey(sk), plaintext)
        message = draw(mutations(message, (other,)))
    elif kind == "truncated":
        message = message[: draw(st.integers(0, len(message) - 1))]
    elif kind in ("tampered", "resigned"):
        # A flip in the ciphertext or MAC, with the signature left stale
        # (SignatureError, or MacError when signatures are not checked) or redone
        # over the damaged bytes (MacError either way).
        i = draw(st.integers(4, len(message) - 65))
        damaged = bytearray(message)
        damaged[i] ^= 1 << draw(st.integers(0, 7))
        message = bytes(damaged)
        if kind == "resigned":
            body = message[:-64]
            message = body + bytes(nacl.bindings.crypto_sign(body, sk)[:64])
    elif kind == "forged":
        # Arbitrary field layout and ciphertext (bad lengths, bad padding, unknown
        # fields) under a correct MAC and signature, reaching the AES stage.
        body, _, ct = draw(megolm_bodies(index))
        okm = P.hkdf_sha256(b"", sender[:128], b"MEGOLM_KEYS", 80)
        if draw(st.booleans()):
            ct = P.aes256_cbc_encrypt(okm[:32], okm[64:], plaintext)
            body = b"\x03\x08" + varint(index) + b"\x12" + varint(len(ct)) + ct
        elif draw(st.booleans()):
            # Whole blocks whose last byte decrypts to a chosen padding value.
            pad = draw(st.integers(0, 255))
            blocks = bytearray(draw(st.binary(min_size=16, max_size=48)))
            blocks += bytes(16 - len(blocks) % 16)
            blocks[-1] = pad
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            enc = Cipher(algorithms.AES(okm[:32]), modes.CBC(okm[64:])).encryptor()
            ct = enc.update(bytes(blocks)) + enc.finalize()
            body = b"\x03\x08" + varint(index) + b"\x12" + varint(len(ct)) + ct
        body += hmac.digest(okm[32:64], body, "sha256")[:8]
        message = body + bytes(nacl.bindings.crypto_sign(body, sk)[:64])
    elif kind == "random":
        message = draw(st.binary(max_size=200))
    elif kind == "wrong_key":
        pk = draw(st.one_of(st.binary(min_size=32, max_size=32), st.just(
            seed_keypair(bytes(32))[0])))
        check = True
    elif kind == "spliced":
        other_seed = draw(seeds)
        _, osk = seed_keypair(other_seed)
        other = P.megolm_encrypt(P.secret_buffer(advanced(base, c0 + m)), pkey(osk), b"x")
        cut = draw(st.integers(0, min(len(message), len(other)) - 1))
        message = message[:cut] + other[cut:]
    return {"kind": kind, "initial": initial, "latest": latest, "public": pk, "message": message,
            "check": check}


@settings(SETTINGS, max_examples=500)
@given(decrypt_cases())
def test_megolm_decrypt(case: dict[str, Any]) -> None:
    """Decryption gives the same plaintext or the same error, and leaves identical states."""
    ni, nl = N.secret_buffer(case["initial"]), N.secret_buffer(case["latest"])
    pi, pl = P.secret_buffer(case["initial"]), P.secret_buffer(case["latest"])
    args = (case["public"], case["message"], case["check"])
    native = outcome(N.megolm_decrypt, ni, nl, *args)
    python = outcome(P.megolm_decrypt, pi, pl, *args)
    event(f"{case['kind']}: {'ok' if native[0] == 'ok' else native[1].__name__}")
    assert native == python
    if native[0] == "err":
        assert issubclass(native[1], OlmpyError)
    assert N.read_secret(ni) == P.read_secret(pi) == case["initial"]
    assert N.read_secret(nl) == P.read_secret(pl)
    if native[0] == "err":
        assert P.read_secret(pl) == case["latest"]


@FEW
@given(ratchets, seeds, st.integers(0, U32), st.lists(st.integers(0, 40), min_size=1,
                                                       max_size=6))
def test_megolm_decrypt_sequences(ratchet: bytes, seed: bytes, c0: int,
                                  order: list[int]) -> None:
    """Decrypting a series out of order moves ``latest`` identically on both backends."""
    pk, sk = seed_keypair(seed)
    sender = P.secret_buffer(state_at(ratchet, c0))
    messages = [P.megolm_encrypt(sender, pkey(sk), bytes([i])) for i in range(41)]
    start = state_at(ratchet, c0)
    ni, nl = N.secret_buffer(start), N.secret_buffer(start)
    pi, pl = P.secret_buffer(start), P.secret_buffer(start)
    for i in order:
        native = outcome(N.megolm_decrypt, ni, nl, pk, messages[i], True)
        python = outcome(P.megolm_decrypt, pi, pl, pk, messages[i], True)
        assert native == python
        if c0 + i <= U32:
            assert native == ("ok", (bytes([i]), c0 + i))
        assert N.read_secret(nl) == P.read_secret(pl)
        assert N.read_secret(ni) == P.read_secret(pi) == start


# --- the portable SHA-256 path --------------------------------------------------------------

_NO_SHANI_SCRIPT = textwrap.dedent("""
    import hashlib, hmac, sys
    from olmpy import _nativebinding as n
    assert n.has_shani() is False, "OLMPY_NO_SHANI=1 did not disable SHA-NI"
    for size in list(range(0, 200)) + [447, 448, 511, 512, 1000, 4096, 65537]:
        data = bytes((i * 131 + size) & 0xFF for i in range(size))
        assert n.sha256(data) == hashlib.sha256(data).digest(), size
        key = data[: size % 150]
        assert n.hmac_sha256(key, data) == hmac.digest(key, data, "sha256"), size
    okm = n.hkdf_sha256(b"", b"ikm", b"info", 8160)
    from olmpy import _pure
    assert okm == _pure.hkdf_sha256(b"", b"ikm", b"info", 8160)
    print("portable-ok")
""")


def test_native_sha256_portable_path() -> None:
    """With OLMPY_NO_SHANI=1 the native core uses its portable SHA-256, which matches hashlib."""
    env = dict(os.environ, OLMPY_NO_SHANI="1", OLMPY_BACKEND="native")
    proc = subprocess.run([sys.executable, "-c", _NO_SHANI_SCRIPT], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "portable-ok"


@pytest.mark.skipif(not N.has_shani(), reason="this CPU has no SHA extensions")
def test_native_uses_shani_here() -> None:
    """Without the variable the in-process core uses SHA-NI, so both paths are tested."""
    assert N.has_shani() is True


@given(st.binary(min_size=132, max_size=132), st.binary(min_size=132, max_size=132))
@settings(max_examples=50, deadline=None)
def test_secret_state_pair_parity(initial: bytes, latest: bytes) -> None:
    """Both backends' state pairs read back the two states, stay independent, and wipe."""
    for module in (N, P):
        _owner, a, b = module.secret_state_pair(initial, latest)
        assert module.read_secret(a) == initial
        assert module.read_secret(b) == latest
        module.megolm_advance(b)
        assert module.read_secret(a) == initial
        module.wipe(a)
        assert module.read_secret(a) == bytes(132)


def test_pure_secret_buffer_zeroes_itself_when_freed() -> None:
    """The pure twin's secret buffers zero their contents in their finaliser."""
    buf = P.secret_buffer(b"\x07" * 40)
    view = memoryview(buf)
    buf.__del__()
    assert bytes(view) == bytes(40)


def _outcome_of(fn: Callable[[], Any]) -> Any:
    try:
        return ("ok", fn())
    except OlmpyError as exc:
        return (type(exc).__name__, str(exc))


@given(st.binary(min_size=32, max_size=32), st.integers(0, 2**32 - 40), st.binary(max_size=300),
       st.binary(min_size=32, max_size=32))
@settings(max_examples=80, deadline=None)
def test_olm_encrypt_parse_decrypt_parity(ck: bytes, index: int, plaintext: bytes,
                                          ratchet: bytes) -> None:
    """Both backends encrypt Olm messages identically, advance the chain identically,
    parse them identically and decrypt them with the matching message key."""
    chain = ck + index.to_bytes(4, "big")
    a, b = N.secret_buffer(chain), P.secret_buffer(chain)
    message = N.olm_encrypt(a, ratchet, plaintext)
    assert message == P.olm_encrypt(b, ratchet, plaintext)
    assert N.read_secret(a) == P.read_secret(b)
    assert N.olm_parse(message) == P.olm_parse(message) == (
        ratchet, index, N.olm_parse(message)[2], N.olm_parse(message)[3])
    keys_n = N.olm_chain_keys(chain, index + 3, 41)
    assert keys_n == P.olm_chain_keys(chain, index + 3, 41)
    key = keys_n[0][0][1]
    assert N.olm_decrypt_message(key, message) == P.olm_decrypt_message(key, message) == plaintext


@given(st.binary(min_size=32, max_size=32), st.integers(0, 100), st.integers(0, 60),
       st.integers(1, 50))
@settings(max_examples=80, deadline=None)
def test_olm_chain_keys_parity(ck: bytes, start: int, ahead: int, keep: int) -> None:
    """Chain stepping keeps the same last keys and ends in the same state on both backends."""
    chain = ck + start.to_bytes(4, "big")
    n = N.olm_chain_keys(chain, start + ahead, keep)
    assert n == P.olm_chain_keys(chain, start + ahead, keep)
    assert [i for i, _ in n[0]] == list(range(max(start, start + ahead - keep + 1),
                                              start + ahead + 1))
    assert _outcome_of(lambda: N.olm_chain_keys(chain, start - 1, 5)) == _outcome_of(
        lambda: P.olm_chain_keys(chain, start - 1, 5)) or start == 0


@given(st.binary(max_size=120), st.data())
@settings(max_examples=300, deadline=None)
def test_olm_parse_and_decrypt_parity_on_garbage(junk: bytes, data: st.DataObject) -> None:
    """Arbitrary and mutated Olm messages parse and fail identically on both backends."""
    chain = bytes(32) + bytes(4)
    message = P.olm_encrypt(P.secret_buffer(chain), bytes(range(32)), b"hello olm")
    pos = data.draw(st.integers(0, len(message) - 1))
    mutated = bytearray(message)
    mutated[pos] ^= data.draw(st.integers(1, 255))
    key = P.olm_chain_keys(chain, 0, 1)[0][0][1]
    for candidate in (junk, bytes(mutated), b"\x03" + junk):
        assert _outcome_of(lambda c=candidate: N.olm_parse(c)) == _outcome_of(
            lambda c=candidate: P.olm_parse(c))
        assert _outcome_of(lambda c=candidate: N.olm_decrypt_message(key, c)) == _outcome_of(
            lambda c=candidate: P.olm_decrypt_message(key, c))


def test_write_secret_parity() -> None:
    """write_secret replaces a buffer's contents and refuses a different length on both."""
    for module in (N, P):
        buf = module.secret_buffer(bytes(8))
        module.write_secret(buf, b"abcdefgh")
        assert module.read_secret(buf) == b"abcdefgh"
        with pytest.raises(UsageError):
            module.write_secret(buf, b"short")


@given(st.binary(min_size=32, max_size=32), st.integers(0, 1000), st.binary(max_size=200),
       st.integers(-1, 200))
@settings(max_examples=120, deadline=None)
def test_olm_decrypt_next_parity(ck: bytes, index: int, plaintext: bytes, flip: int) -> None:
    """In-order decryption gives the same plaintext or error on both backends and advances
    the chain exactly when it succeeds."""
    chain = ck + index.to_bytes(4, "big")
    message = bytearray(P.olm_encrypt(P.secret_buffer(chain), bytes(range(32)), plaintext))
    if 0 <= flip < len(message):
        message[flip] ^= 0x10
    a, b = N.secret_buffer(chain), P.secret_buffer(chain)
    got_n = _outcome_of(lambda: N.olm_decrypt_next(a, bytes(message)))
    got_p = _outcome_of(lambda: P.olm_decrypt_next(b, bytes(message)))
    assert got_n == got_p
    assert N.read_secret(a) == P.read_secret(b)
    if got_n[0] == "ok":
        assert got_n[1] == plaintext
        assert N.read_secret(a) != chain
    else:
        assert N.read_secret(a) == chain


def _hkdf_by_hand(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 written out with the stdlib's HMAC (independent of both backends)."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block = b"", b""
    for counter in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
    return out[:length]


@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32),
       st.binary(min_size=32, max_size=32))
@settings(max_examples=100, deadline=None)
def test_olm_ratchet_parity(root: bytes, secret: bytes, their_secret: bytes) -> None:
    """One ratchet step gives libsodium's X25519 through RFC 5869 HKDF ("OLM_RATCHET") on
    both backends, from a secret as bytes or as a buffer: (root key, chain at index 0)."""
    their = bytes(nacl.bindings.crypto_scalarmult_base(their_secret))
    shared = bytes(nacl.bindings.crypto_scalarmult(secret, their))
    derived = _hkdf_by_hand(root, shared, b"OLM_RATCHET", 64)
    want = (derived[:32], derived[32:] + bytes(4))
    for module in (N, P):
        for given_secret in (secret, module.secret_buffer(secret)):
            new_root, chain = module.olm_ratchet(module.secret_buffer(root), given_secret, their)
            assert (module.read_secret(new_root), module.read_secret(chain)) == want


def test_olm_ratchet_refuses_alike() -> None:
    """Small-order keys (all-zero X25519) and wrong lengths give the same errors on both."""
    root, secret = bytes(range(32)), bytes(range(1, 33))
    small = bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")
    for their, error in ((bytes(32), "KeyDecodeError"), (small, "KeyDecodeError"),
                         (bytes(31), "UsageError")):
        got_n = _outcome_of(lambda t=their: N.olm_ratchet(N.secret_buffer(root), secret, t))
        got_p = _outcome_of(lambda t=their: P.olm_ratchet(P.secret_buffer(root), secret, t))
        assert got_n == got_p
        assert got_n[0] == error
    short_n = _outcome_of(lambda: N.olm_ratchet(N.secret_buffer(root[:31]), secret, small[::-1]))
    short_p = _outcome_of(lambda: P.olm_ratchet(P.secret_buffer(root[:31]), secret, small[::-1]))
    assert short_n == short_p
    assert short_n[0] == "UsageError"


@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
@settings(max_examples=100, deadline=None)
def test_x25519_parity(secret: bytes, public: bytes) -> None:
    """Both backends give libsodium's X25519 result, or the same error, from bytes or buffers."""
    expected_result = _outcome_of(lambda: P.x25519(secret, public))
    assert _outcome_of(lambda: N.x25519(secret, public)) == expected_result
    assert _outcome_of(lambda: N.x25519(N.secret_buffer(secret), public)) == expected_result


def test_x25519_small_order_points_refused_alike() -> None:
    """Every small-order public key gives the same non-contributory error on both backends."""
    small_order = [bytes(32), (1).to_bytes(32, "little"), bytes.fromhex(
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    for point in small_order:
        got_n = _outcome_of(lambda p=point: N.x25519(bytes(range(32)), p))
        assert got_n == _outcome_of(lambda p=point: P.x25519(bytes(range(32)), p))
        assert got_n[0] == "KeyDecodeError"


@given(st.lists(st.binary(min_size=32, max_size=32), max_size=6))
@settings(max_examples=50, deadline=None)
def test_x25519_public_batch_parity(secrets: list[bytes]) -> None:
    """Batched public keys equal one-by-one libsodium results on both backends."""
    joined = b"".join(secrets)
    expected_publics = b"".join(bytes(nacl.bindings.crypto_scalarmult_base(s)) for s in secrets)
    assert N.x25519_public_batch(joined) == P.x25519_public_batch(joined) == expected_publics
    with pytest.raises(UsageError):
        P.x25519_public_batch(joined + b"x")
    with pytest.raises(UsageError):
        N.x25519_public_batch(joined + b"x")


def test_identity_new_shape() -> None:
    """Both backends make fresh, consistent identities: the publics match the secrets."""
    for module in (N, P):
        ed_seed, ed_key, ed_public, curve_secret, curve_public = module.identity_new()
        seed = module.read_secret(ed_seed)
        raw_curve = module.read_secret(curve_secret)
        assert module.read_secret(ed_key) == ed25519_expand_seed(seed) + ed_public
        assert nacl.bindings.crypto_sign_seed_keypair(seed)[0] == ed_public
        assert bytes(nacl.bindings.crypto_scalarmult_base(raw_curve)) == curve_public
        assert module.identity_new()[2] != ed_public


# --- pickles --------------------------------------------------------------------------


@SETTINGS
@given(key=st.binary(max_size=64), raw=st.binary(max_size=600))
def test_pickle_seal_and_open(key: bytes, raw: bytes) -> None:
    sealed = both("pickle_seal", key, raw)[1]
    assert both("pickle_open", key, sealed, "p") == ("ok", raw)
    # An independent reference for the sealed form: cryptography's HKDF, AES and HMAC.
    from cryptography.hazmat.primitives import hashes, padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    okm = HKDF(hashes.SHA256(), 80, None, b"Pickle").derive(key)
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(okm[:32]), modes.CBC(okm[64:80])).encryptor()
    ct = enc.update(padder.update(raw) + padder.finalize()) + enc.finalize()
    mac = hmac.new(okm[32:64], ct, hashlib.sha256).digest()[:8]
    assert sealed == base64.b64encode(ct + mac).decode().rstrip("=")


@SETTINGS
@given(key=st.binary(min_size=1, max_size=40), raw=st.binary(max_size=100), data=st.data())
def test_pickle_open_refusals(key: bytes, raw: bytes, data: st.DataObject) -> None:
    sealed = P.pickle_seal(key, raw)
    kind = data.draw(st.sampled_from(["flip", "cut", "char", "key", "padding", "bytes"]))
    if kind == "flip":
        blob = bytearray(base64.b64decode(sealed + "=" * (-len(sealed) % 4)))
        blob[data.draw(st.integers(0, len(blob) - 1))] ^= 1 << data.draw(st.integers(0, 7))
        text: Any = base64.b64encode(bytes(blob)).decode()
    elif kind == "cut":
        text = sealed[: data.draw(st.integers(0, len(sealed) - 1))]
    elif kind == "char":
        i = data.draw(st.integers(0, len(sealed) - 1))
        text = sealed[:i] + data.draw(st.sampled_from(["!", "é", " ", "="])) + sealed[i + 1 :]
    elif kind == "key":
        text, key = sealed, key + b"x"
    elif kind == "padding":
        # A block with bad PKCS#7 padding under a valid MAC.
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        okm = P.hkdf_sha256(b"", key, b"Pickle", 80)
        enc = Cipher(algorithms.AES(okm[:32]), modes.CBC(okm[64:80])).encryptor()
        ct = enc.update(bytes(15) + b"\x11") + enc.finalize()
        text = base64.b64encode(ct + P.hmac_sha256(okm[32:64], ct)[:8]).decode()
    else:
        text = sealed.encode()
    result = both("pickle_open", key, text, "p")
    if kind == "bytes":  # the same pickle as ASCII bytes
        assert result == ("ok", raw)
    elif result[0] == "ok":  # every edit breaks the base64, the length or the MAC
        pytest.fail(f"{kind}: a damaged pickle opened")


JSON_PIECES = [
    b"[", b"]", b",", b" ", b"\n", b"0", b"1", b"9", b"10", b"25", b"255", b"256", b"01",
    b"1000", b"-1", b"1.5", b'"', b"\\", b'"\\u0000', b"ab", b"0f", b"F0", b"x", b"{",
    b"}", b":", b"\xc3\xa9", b"\\u0000",
]


@SETTINGS
@given(pieces=st.lists(st.sampled_from(JSON_PIECES), max_size=40))
def test_json_rewrites_agree_on_any_text(pieces: list[bytes]) -> None:
    text = b"".join(pieces)
    both("json_arrays_to_hex", text)
    both("json_hex_to_arrays", text)


@SETTINGS
@given(doc=st.recursive(
    # Text never starts with NUL here: a string "\\u0000" + hex is the marker itself.
    st.one_of(st.lists(st.integers(0, 255), min_size=1, max_size=40),
              st.text(st.characters(blacklist_characters="\x00"), max_size=8),
              st.integers(-300, 300), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(st.characters(blacklist_characters="\x00"),
                                                    max_size=5), inner, max_size=4)),
    max_leaves=12,
))
def test_json_rewrites_round_trip(doc: Any) -> None:
    """Arrays of bytes become marked hex and back; the parsed document is unchanged."""
    import json

    for indent in (None, 1):
        text = json.dumps(doc, indent=indent).encode()
        marked = both("json_arrays_to_hex", text)[1]
        restored = both("json_hex_to_arrays", marked)[1]
        assert json.loads(restored) == doc

        def unmark(value: Any) -> Any:
            if isinstance(value, str) and value.startswith("\x00"):
                return list(bytes.fromhex(value[1:]))
            if isinstance(value, list):
                return [unmark(v) for v in value]
            if isinstance(value, dict):
                return {k: unmark(v) for k, v in value.items()}
            return value

        assert unmark(json.loads(marked)) == doc


@SETTINGS
@given(key=st.binary(max_size=40), pieces=st.lists(st.sampled_from(JSON_PIECES), max_size=30),
       cut=st.integers(0, 200))
def test_pickle_json_one_call(key: bytes, pieces: list[bytes], cut: int) -> None:
    text = b"".join(pieces)
    sealed = both("pickle_seal_json", key, text)[1]
    assert sealed == P.pickle_seal(key, P.json_hex_to_arrays(text))
    opened = both("pickle_open_json", key, sealed, "p")[1]
    assert opened == P.json_arrays_to_hex(P.json_hex_to_arrays(text))
    short = cut % (len(sealed) + 1)
    assert both("pickle_open_json", key, sealed[:short], "p")[0] == (
        "ok" if short == len(sealed) else "err")
    assert both("pickle_open_json", key + b"!", sealed, "p")[0] == "err"


# The C rewrites and pickle calls at their documented capacities, with every input ending
# just before an inaccessible page and every output buffer exactly as large as
# olmpy_native.h says: a read past the input or a write past the capacity faults.  Run in
# a child process, so a fault is a failed test rather than a dead test run.
_GUARD_SCRIPT = textwrap.dedent(r"""
    import ctypes, itertools, mmap, random, sys
    from olmpy import _backend
    from olmpy._native import ffi, lib
    P = _backend.load("python")
    PAGE = mmap.PAGESIZE
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]

    class Guarded:
        def __init__(self, pages):
            self.size = pages * PAGE
            self.mm = mmap.mmap(-1, self.size + PAGE)
            self.base = ctypes.addressof(ctypes.c_char.from_buffer(self.mm))
            assert libc.mprotect(self.base + self.size, PAGE, 0) == 0  # PROT_NONE

        def tail(self, data=b"", size=None):
            # data (or size filler bytes) placed to end at the inaccessible page
            n = len(data) if size is None else size
            off = self.size - n
            self.mm[off:self.size] = data if size is None else b"\xa5" * n
            return ffi.cast("uint8_t *", self.base + off), off

        def read(self, off, n):
            return bytes(self.mm[off:off + n])

    IN, OUT = Guarded(16), Guarded(64)

    def rewrites(text, cap_to_hex=None):
        src, _ = IN.tail(text)
        cap = 4 * len(text) + 16 if cap_to_hex is None else cap_to_hex
        out, off = OUT.tail(size=cap)
        marked = OUT.read(off, lib.olmpy_json_arrays_to_hex(src, len(text), out))
        out, off = OUT.tail(size=2 * len(text) + 16)
        arrays = OUT.read(off, lib.olmpy_json_hex_to_arrays(src, len(text), out))
        assert marked == P.json_arrays_to_hex(text), text
        assert arrays == P.json_hex_to_arrays(text), text

    def pickles(key, text):
        src, _ = IN.tail(text)
        cap = lib.olmpy_pickle_sealed_json_cap(len(text))
        out, off = OUT.tail(size=cap)
        n = lib.olmpy_pickle_seal_json(key, len(key), src, len(text), ffi.cast("char *", out),
                                       cap)
        sealed = OUT.read(off, n)
        assert sealed.decode() == P.pickle_seal_json(key, text)
        cap = lib.olmpy_pickle_sealed_len(len(text)) + 4
        out, off = OUT.tail(size=cap)
        n = lib.olmpy_pickle_seal(key, len(key), src, len(text), ffi.cast("char *", out), cap)
        assert OUT.read(off, n).decode() == P.pickle_seal(key, text)
        for cut in sorted({0, 1, 2, 3, 4, 5, 8, len(sealed) - 1, len(sealed)}):
            if not 0 <= cut <= len(sealed):
                continue
            src, _ = IN.tail(sealed[:cut])
            char_src = ffi.cast("char *", src)
            cap = 4 * (cut // 4 * 3 + 16) + 16
            out, off = OUT.tail(size=cap)
            n = lib.olmpy_pickle_open_json(key, len(key), char_src, cut, out, cap)
            if cut == len(sealed):
                assert OUT.read(off, n) == P.pickle_open_json(key, sealed, "p")
            cap = cut // 4 * 3 + 16
            out, off = OUT.tail(size=cap)
            n = lib.olmpy_pickle_open(key, len(key), char_src, cut, out, cap)
            assert (n >= 0) == (cut == len(sealed)), (cut, n)

    if sys.argv[1] == "overrun":  # proves the guard is live: a too-small buffer must fault
        rewrites(b"[0]" * 100, cap_to_hex=300)
        print("no fault")
        sys.exit(0)

    alphabet = [b"[", b"]", b",", b" ", b"0", b"25", b"256", b'"', b"\\", b"u", b"a", b"f",
                b'"\\u0000']
    for length in range(5):
        for combo in itertools.product(alphabet, repeat=length):
            rewrites(b"".join(combo))
    for size in range(9):  # every short text over the characters that matter
        for combo in itertools.product(b'[0,]"\\u' if size < 7 else b'[0"\\', repeat=size):
            rewrites(bytes(combo))
    worst = [b"[0]" * 2000, b"[" + b"0," * 3000, b"[" + b"255," * 1000 + b"255]",
             b'"\\u0000' * 900, b'"\\u0000"' * 900, b'"\\u0000' + b"ff" * 4000 + b'"',
             b'"\\u0000' + b"09" * 4000 + b'"', b'"\\u0000' + b"ff" * 4000, b"[" * 8000,
             b'"' + b"\\" * 5001, b'"\\u0000\\']
    rng = random.Random(5)
    fuzz = [b"".join(rng.choice(alphabet) for _ in range(rng.randrange(60)))
            for _ in range(1500)]
    for text in worst + fuzz:
        rewrites(text)
    for text in worst + fuzz[:200] + [b"", b"x" * 15, b"x" * 16]:
        pickles(b"k" * 32, text)
    print("guarded-ok")
""")


def test_native_rewrites_and_pickles_stay_in_bounds() -> None:
    """Brute force over short texts (every combination of up to four JSON-ish pieces, every
    text of 0..6 bytes over ``[0,]"\\u`` and of 7..8 bytes over ``[0"\\``), worst cases for
    each capacity bound and a seeded fuzz: no fault, and results equal the pure twin's."""
    env = dict(os.environ, OLMPY_BACKEND="native")
    proc = subprocess.run([sys.executable, "-c", _GUARD_SCRIPT, "check"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert proc.stdout.strip() == "guarded-ok"


def test_guard_pages_catch_an_overrun() -> None:
    """The harness above is live: an output buffer smaller than the bound faults."""
    env = dict(os.environ, OLMPY_BACKEND="native")
    proc = subprocess.run([sys.executable, "-c", _GUARD_SCRIPT, "overrun"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode < 0 and "no fault" not in proc.stdout, (proc.returncode, proc.stdout)


# --- PK encryption --------------------------------------------------------------------


@SETTINGS
@given(eph=st.binary(min_size=32, max_size=32), secret=st.binary(min_size=32, max_size=32),
       plaintext=st.binary(max_size=300), data=st.data())
def test_pk_encrypt_and_decrypt(eph: bytes, secret: bytes, plaintext: bytes,
                                data: st.DataObject) -> None:
    recipient = bytes(nacl.bindings.crypto_scalarmult_base(secret))
    ephemeral, ciphertext, mac = both("pk_encrypt", eph, recipient, plaintext)[1]
    assert both("pk_decrypt", secret, ephemeral, ciphertext, mac) == ("ok", plaintext)
    kind = data.draw(st.sampled_from(["mac", "short mac", "ct", "cut", "key", "zero", "ok"]))
    if kind == "mac":
        mac = bytes([mac[0] ^ 1]) + mac[1:]
    elif kind == "short mac":
        mac = mac[:7]
    elif kind == "ct":
        ciphertext = ciphertext[:-1] + bytes([ciphertext[-1] ^ 1])
    elif kind == "cut":
        ciphertext = ciphertext[: data.draw(st.integers(0, len(ciphertext) - 1))]
    elif kind == "key":
        assume(ephemeral != recipient)  # secrets equal after clamping give one key
        ephemeral = recipient
    elif kind == "zero":
        ephemeral = bytes(32)
    result = both("pk_decrypt", secret, ephemeral, ciphertext, mac)
    if kind in ("mac", "short mac", "key", "zero"):
        assert result[0] == "err", kind
    both("pk_encrypt", eph, bytes(32), plaintext)  # an all-zero shared secret is refused


# --- vodozemac inbound group session pickles in their exact layout -----------------------


@SETTINGS
@given(key=st.binary(min_size=32, max_size=32), ratchet=st.binary(min_size=128, max_size=128),
       counter=st.integers(0, U32), public=st.binary(min_size=32, max_size=32),
       verified=st.booleans(), data=st.data())
def test_igs_vodozemac_exact_layout(key: bytes, ratchet: bytes, counter: int, public: bytes,
                                    verified: bool, data: st.DataObject) -> None:
    """Both backends write the same pickle, which is serde's compact JSON (checked against
    json.dumps), and read it back; any other spelling of the document opens as None (the
    caller's general parser), and damaged pickles fail the same way."""
    import json

    state = ratchet + counter.to_bytes(4, "big")
    sealed = both("igs_vodozemac_seal", key, state, public, verified)[1]
    text = P.pickle_open(key, sealed, "p")
    assert json.loads(text) == {
        "initial_ratchet": {"inner": list(ratchet), "counter": counter},
        "signing_key": list(public), "signing_key_verified": verified,
        "config": {"version": "V1"},
    }
    assert b" " not in text
    assert both("igs_vodozemac_open", key, sealed, "p") == ("ok", (state, public, verified))
    document = json.loads(text)
    variant = data.draw(st.sampled_from(["spaced", "reordered", "extra", "big counter", "bad byte",
                                         "leading zero", "v2", "cut", "wrong key"]))
    if variant == "spaced":
        other = json.dumps(document).encode()
    elif variant == "reordered":
        other = json.dumps(dict(reversed(list(document.items()))), separators=(",", ":")).encode()
    elif variant == "extra":
        other = text[:-1] + b',"x":1}'
    elif variant == "big counter":
        other = text.replace(b'"counter":%d' % counter, b'"counter":%d' % (U32 + 1 + counter))
    elif variant == "bad byte":
        other = text.replace(b'"inner":[', b'"inner":[256,', 1)
    elif variant == "leading zero":
        other = text.replace(b'"signing_key":[', b'"signing_key":[0', 1)
    elif variant == "v2":
        other = text.replace(b'"V1"', b'"V2"')
    else:
        other = text
    resealed = P.pickle_seal(key, other)
    if variant == "cut":
        resealed = resealed[: data.draw(st.integers(0, len(resealed) - 1))]
    if variant == "wrong key":
        key = bytes(b ^ 1 for b in key)
    result = both("igs_vodozemac_open", key, resealed, "p")
    if variant in ("cut", "wrong key"):
        assert result[0] == "err"
    else:
        assert result == ("ok", None), variant


def test_igs_vodozemac_open_every_truncation_and_extension() -> None:
    """The exact-layout parser meets the end of the text at every position (each prefix of
    a real document, and the document with a byte appended) and answers None, never more."""
    key = bytes(range(32))
    sealed = N.igs_vodozemac_seal(key, bytes(range(100, 228)) + b"\x00\x00\x01\x00",
                                  bytes(range(32)), True)
    text = P.pickle_open(key, sealed, "p")
    for cut in range(len(text)):
        assert both("igs_vodozemac_open", key, P.pickle_seal(key, text[:cut]), "p") == ("ok", None)
    for extra in (b" ", b"}", b"0", b"\x00"):
        assert both("igs_vodozemac_open", key, P.pickle_seal(key, text + extra), "p") == (
            "ok", None)

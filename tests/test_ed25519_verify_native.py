"""Differential tests of the variable-time Ed25519 verifiers in _native/ed25519_verify.c.

The C file is compiled once per session into throwaway cffi modules, independent of
olmpy's own build.  Every verdict is compared with libsodium's ``crypto_sign_open``
(through PyNaCl), the reference for the exact acceptance rules; a small pure-Python
curve model below crafts the edge cases libsodium's signer cannot produce: keys and
nonces with a torsion component (cofactorless-valid signatures that must verify),
small-order points, non-canonical encodings.

Each differential test runs against three verifiers (the ``edv`` fixture):

- ``cached``: olmpy_ed25519_vkey_init + olmpy_ed25519_vkey_verify;
- ``oneshot``: olmpy_ed25519_verify_oneshot (half-size scalars from a lattice reduction);
- ``oneshot-fallback``: the same, compiled with OLMPY_TEST_ONESHOT_NO_LATTICE so that
  every signature takes the full-size path the reduction falls back to.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import needs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl import bindings as sodium
from nacl.exceptions import BadSignatureError

ROOT = Path(__file__).resolve().parents[1]
NATIVE = ROOT / "_native"
SOURCE = NATIVE / "ed25519_verify.c"
# ../shared/wycheproof beside the checkout; OLMPY_WYCHEPROOF_DIR names another place
# (tools/sanitize.py runs the suite in a copy elsewhere).
WYCHEPROOF = Path(os.environ.get("OLMPY_WYCHEPROOF_DIR") or ROOT.parent / "shared" / "wycheproof")
RFC8032 = ROOT / "vectors" / "published" / "ed25519_rfc8032.json"

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- a pure-Python model of edwards25519 (for crafting inputs only) -----------------

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRTM1 = pow(2, (P - 1) // 4, P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)
IDENTITY: Point = (0, 1, 1, 0)


def _x_from_y(y: int, sign: int) -> int | None:
    """The x with the given parity for y (libsodium's rules: x = 0 ignores the sign)."""
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x2 = u * pow(v, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRTM1 % P
    if (x * x - x2) % P:
        return None
    return (P - x) % P if (x & 1) != sign else x


def decode(s: bytes) -> Point | None:
    """Decompresses 32 bytes, reducing a non-canonical y mod p; None if off the curve."""
    v = int.from_bytes(s, "little")
    y = (v & (2**255 - 1)) % P
    x = _x_from_y(y, v >> 255)
    return None if x is None else (x, y, 1, x * y % P)


def encode(pt: Point) -> bytes:
    """Canonical encoding."""
    x, y, z, _ = pt
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def add(p1: Point, p2: Point) -> Point:
    """Complete addition on -x^2 + y^2 = 1 + d x^2 y^2."""
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * D * t1 * t2 % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def mul(k: int, pt: Point) -> Point:
    """k * pt by double-and-add."""
    acc = IDENTITY
    while k:
        if k & 1:
            acc = add(acc, pt)
        pt = add(pt, pt)
        k >>= 1
    return acc


def same(p1: Point, p2: Point) -> bool:
    """Projective equality."""
    return (p1[0] * p2[2] - p2[0] * p1[2]) % P == 0 and (p1[1] * p2[2] - p2[1] * p1[2]) % P == 0


BY = 4 * pow(5, P - 2, P) % P
BX = _x_from_y(BY, 0)
assert BX is not None
BASE: Point = (BX, BY, 1, BX * BY % P)
_T8 = decode(bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))
assert _T8 is not None
TORSION: list[Point] = [mul(k, _T8) for k in range(8)]  # TORSION[k] = k * T8, order 8
assert same(mul(8, _T8), IDENTITY) and not same(TORSION[4], IDENTITY)


def base_mul(k: int) -> Point:
    """k * B through libsodium (fast), k reduced mod L and non-zero."""
    k %= L
    assert k
    pt = decode(sodium.crypto_scalarmult_ed25519_base_noclamp(k.to_bytes(32, "little")))
    assert pt is not None
    return pt


def h_scalar(r: bytes, a: bytes, msg: bytes) -> int:
    """SHA-512(R || A || M) mod L."""
    return int.from_bytes(hashlib.sha512(r + a + msg).digest(), "little") % L


def craft(
    a_scalar: int,
    a_tors: int,
    msg: bytes,
    rng: random.Random,
    pk: bytes | None = None,
    off: int = 0,
) -> tuple[bytes, bytes]:
    """(pk, sig) with A = a*B + TORSION[a_tors] and R with a torsion part, valid cofactorless.

    R = r*B + t*T8 is kept only when t = -h*a_tors + off (mod 8), which makes
    S*B - h*A - R == -off*T8 for S = r + h*a mod L: exactly R for off = 0, and R plus a
    nonzero small-order point otherwise (valid only for a cofactored verifier).
    a_scalar = 0 gives a pure torsion key, which may be given as any of its encodings in
    pk (h is computed over those bytes).
    """
    if pk is None:
        tors_a = TORSION[a_tors]
        pk = encode(tors_a if a_scalar % L == 0 else add(base_mul(a_scalar), tors_a))
    while True:
        r = rng.randrange(1, L)
        r_pt = base_mul(r)
        for t in rng.sample(range(8), 8):
            r_enc = encode(add(r_pt, TORSION[t]))
            h = h_scalar(r_enc, pk, msg)
            if (t + h * a_tors) % 8 == off % 8:
                s = (r + h * a_scalar) % L
                return pk, r_enc + s.to_bytes(32, "little")


def torsion_index(enc: bytes) -> int:
    """k with decode(enc) == k * T8 (enc must decode to a small-order point)."""
    pt = decode(enc)
    assert pt is not None
    return next(k for k in range(8) if same(TORSION[k], pt))


def _le(v: int) -> bytes:
    return v.to_bytes(32, "little")


def _with_sign(enc: bytes, sign: int) -> bytes:
    return enc[:31] + bytes([(enc[31] & 0x7F) | (sign << 7)])


# Every encoding of a small-order point: the 8 canonical ones, the same y with the other
# sign bit (x = 0 with the sign set for y = 1 and y = -1), and y = p, p + 1 (0 and 1).
SMALL_ORDER_ENCODINGS = sorted(
    {_with_sign(encode(t), s) for t in TORSION for s in (0, 1)}
    | {_with_sign(_le(P + y), s) for y in (0, 1) for s in (0, 1)}
)
# Every non-canonical y (p <= y < 2^255), both sign bits.
NON_CANONICAL_ENCODINGS = [_with_sign(_le(P + k), s) for k in range(19) for s in (0, 1)]

# --- the compiled verifier -----------------------------------------------------------


MODES = ("cached", "oneshot", "oneshot-fallback")


class Verifier:
    """The C entry points, with libsodium's verdict next to ours.

    ``mode`` picks the verifier behind ``ours`` and ``agree``: the key object
    (``cached``) or olmpy_ed25519_verify_oneshot (``oneshot``, ``oneshot-fallback``).
    """

    def __init__(self, module: ModuleType, mode: str = "cached") -> None:
        assert mode in MODES
        self.mode = mode
        self.ffi = module.ffi
        self.lib = module.lib
        self.size = self.lib.olmpy_ed25519_vkey_size()

    def new_key(self, pk: bytes) -> tuple[int, Any]:
        """(init return code, key object)."""
        assert len(pk) == 32
        vk = self.ffi.new("uint64_t[]", (self.size + 7) // 8)
        return self.lib.olmpy_ed25519_vkey_init(vk, pk), vk

    def check(self, vk: Any, msg: bytes, sig: bytes) -> int:
        """Raw return code of a verification with a key object."""
        assert len(sig) == 64
        return self.lib.olmpy_ed25519_vkey_verify(vk, msg, len(msg), sig)

    def oneshot(self, pk: bytes, msg: bytes, sig: bytes) -> int:
        """Raw return code of a one-shot verification."""
        assert len(pk) == 32 and len(sig) == 64
        return self.lib.olmpy_ed25519_verify_oneshot(pk, msg, len(msg), sig)

    def verify(self, pk: bytes, msg: bytes, sig: bytes) -> int:
        """Raw return code of this mode's verifier."""
        if self.mode != "cached":
            return self.oneshot(pk, msg, sig)
        rc, vk = self.new_key(pk)
        result = self.check(vk, msg, sig)
        assert rc == 0 or result == -3
        return result

    def ours(self, pk: bytes, msg: bytes, sig: bytes) -> bool:
        """Our verdict; also checks return codes and that a refused key refuses everything."""
        if self.mode != "cached":
            result = self.oneshot(pk, msg, sig)
            assert result in (0, -3)
            return result == 0
        rc, vk = self.new_key(pk)
        assert rc in (0, -3)
        result = self.check(vk, msg, sig)
        assert result in (0, -3)
        if rc != 0:
            assert result == -3
        return result == 0

    def agree(self, pk: bytes, msg: bytes, sig: bytes) -> bool:
        """Asserts our verdict equals libsodium's and returns it."""
        ours = self.ours(pk, msg, sig)
        theirs = sodium_verdict(pk, msg, sig)
        assert ours == theirs, (
            f"{self.mode}: ours={ours} libsodium={theirs} pk={pk.hex()} sig={sig.hex()}"
        )
        return ours


def sodium_verdict(pk: bytes, msg: bytes, sig: bytes) -> bool:
    """libsodium's crypto_sign_open verdict."""
    try:
        sodium.crypto_sign_open(sig + msg, pk)
    except BadSignatureError:
        return False
    return True


def _compile(build: Path, name: str, macros: list[tuple[str, str | None]]) -> ModuleType:
    """Compiles ed25519_verify.c (and sha512.c, which it uses) with macros into build."""
    from cffi import FFI

    ffi = FFI()
    ffi.cdef((NATIVE / "ed25519_verify.h").read_text(encoding="utf-8"))
    flags = [] if sys.platform == "win32" else ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror"]
    ffi.set_source(
        name,
        '#include <stddef.h>\n#include <stdint.h>\n#include "ed25519_verify.h"\n',
        sources=[str(SOURCE), str(NATIVE / "sha512.c")],
        include_dirs=[str(NATIVE)],
        define_macros=macros,
        extra_compile_args=flags,
    )
    library = ffi.compile(tmpdir=str(build))
    spec = importlib.util.spec_from_file_location(name, library)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    """The verifier as built for olmpy, and with the lattice reduction disabled."""
    needs.c_compiler()
    build = tmp_path_factory.mktemp("ed25519_verify_build")
    return {
        "main": _compile(build / "main", "_olmpy_ed25519_verify_under_test", []),
        "fallback": _compile(
            build / "fallback",
            "_olmpy_ed25519_verify_fallback_under_test",
            [("OLMPY_TEST_ONESHOT_NO_LATTICE", None)],
        ),
    }


@pytest.fixture(scope="session", params=MODES)
def edv(request: pytest.FixtureRequest, modules: dict[str, ModuleType]) -> Iterator[Verifier]:
    """Each verifier in turn (see the module docstring)."""
    mode: str = request.param
    yield Verifier(modules["fallback" if mode == "oneshot-fallback" else "main"], mode)


@pytest.fixture(scope="session")
def cached(modules: dict[str, ModuleType]) -> Verifier:
    """The key-object verifier, for tests of the key object itself."""
    return Verifier(modules["main"], "cached")


def _keypair(seed: bytes) -> tuple[bytes, bytes]:
    return sodium.crypto_sign_seed_keypair(seed)


def _sign(sk: bytes, msg: bytes) -> bytes:
    return sodium.crypto_sign(msg, sk)[:64]


# --- known answers -------------------------------------------------------------------


def _rfc_cases() -> list[dict[str, str]]:
    cases: list[dict[str, str]] = json.loads(RFC8032.read_text())["cases"]
    return cases


def test_rfc8032_vectors(edv: Verifier) -> None:
    """RFC 8032 section 7.1 vectors (TEST 1, 2, 3 and the rest of the file) verify."""
    cases = _rfc_cases()
    ids = {c["id"] for c in cases}
    assert {"rfc8032-7.1-test1", "rfc8032-7.1-test2", "rfc8032-7.1-test3"} <= ids
    for case in cases:
        pk, msg, sig = (bytes.fromhex(case[k]) for k in ("public_key", "message", "signature"))
        assert edv.agree(pk, msg, sig), case["id"]


def test_rfc8032_tampered(edv: Verifier) -> None:
    """Every single-bit change to a TEST 1-3 signature, key or message is rejected."""
    for case in _rfc_cases()[:3]:
        pk, msg, sig = (bytes.fromhex(case[k]) for k in ("public_key", "message", "signature"))
        for bit in range(512):
            bad = bytearray(sig)
            bad[bit // 8] ^= 1 << (bit % 8)
            assert not edv.agree(pk, msg, bytes(bad))
        for bit in range(256):
            bad = bytearray(pk)
            bad[bit // 8] ^= 1 << (bit % 8)
            assert not edv.agree(bytes(bad), msg, sig)
        for bit in range(8 * len(msg)):
            bad = bytearray(msg)
            bad[bit // 8] ^= 1 << (bit % 8)
            assert not edv.agree(pk, bytes(bad), sig)
        assert not edv.agree(pk, msg + b"\x00", sig)


def _wycheproof_cases() -> list[Any]:
    path = WYCHEPROOF / "ed25519_test.json"
    if not path.exists():
        if os.environ.get("CI"):
            raise FileNotFoundError(f"Wycheproof vectors missing in CI: {path}")
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"no {path}"))]
    data = json.loads(path.read_text())
    return [
        pytest.param(group["publicKey"]["pk"], test, id=f"tc{test['tcId']}")
        for group in data["testGroups"]
        for test in group["tests"]
    ]


@pytest.mark.parametrize(("pk_hex", "case"), _wycheproof_cases())
def test_wycheproof(edv: Verifier, pk_hex: str, case: dict[str, Any]) -> None:
    """Each Wycheproof Ed25519 case gets the file's verdict, which is libsodium's too."""
    pk, msg, sig = bytes.fromhex(pk_hex), bytes.fromhex(case["msg"]), bytes.fromhex(case["sig"])
    assert case["result"] in ("valid", "invalid")
    if len(sig) != 64:  # the C API takes exactly 64 bytes; callers refuse other lengths
        assert case["result"] == "invalid"
        return
    assert edv.agree(pk, msg, sig) == (case["result"] == "valid")


def test_static_base_table_matches_recomputation() -> None:
    """The static table of multiples of B in the C source equals a pure-Python recomputation."""
    text = SOURCE.read_text(encoding="utf-8")
    splits = int(re.search(r"#define SPLITS (\d+)", text).group(1))  # type: ignore[union-attr]
    width = int(re.search(r"#define WB (\d+)", text).group(1))  # type: ignore[union-attr]
    body = re.search(r"base_table\[SPLITS\]\[NB\] = \{(.*?)\n\};", text, re.S)
    assert body is not None
    limbs = [int(v, 16) for v in re.findall(r"0x([0-9a-fA-F]+)", body.group(1))]
    values = [
        sum(limb << (51 * i) for i, limb in enumerate(limbs[k : k + 5]))
        for k in range(0, len(limbs), 5)
    ]
    per = 1 << (width - 2)
    assert len(values) == 3 * splits * per
    expected = []
    piece = BASE
    for _ in range(splits):
        twice, cur = add(piece, piece), piece
        for _ in range(per):
            x, y, z, _t = cur
            zi = pow(z, P - 2, P)
            x, y = x * zi % P, y * zi % P
            expected += [(y + x) % P, (y - x) % P, 2 * D * x * y % P]
            cur = add(cur, twice)
        for _ in range(256 // splits):
            piece = add(piece, piece)
    assert values == expected
    assert all(limb < 2**51 for limb in limbs)


# --- structure of the key object ------------------------------------------------------


def test_every_message_length_around_hash_blocks(edv: Verifier) -> None:
    """Messages of 0..300 bytes and around 64 KiB verify, crossing every SHA-512 padding case."""
    pk, sk = _keypair(bytes(range(32)))
    rc, vk = edv.new_key(pk)
    assert rc == 0
    for n in [*range(301), 65535, 65536, 65537]:
        msg = bytes((7 * i + n) & 0xFF for i in range(n))
        sig = _sign(sk, msg)
        if edv.mode == "cached":
            assert edv.check(vk, msg, sig) == 0, n
            assert edv.check(vk, msg + b"!", sig) == -3, n
        else:
            assert edv.oneshot(pk, msg, sig) == 0, n
            assert edv.oneshot(pk, msg + b"!", sig) == -3, n


def test_oneshot_null_message(cached: Verifier) -> None:
    """The one-shot verifier accepts NULL for an empty message, as the key object does."""
    pk, sk = _keypair(b"\x66" * 32)
    sig = _sign(sk, b"")
    null = cached.ffi.NULL
    assert cached.lib.olmpy_ed25519_verify_oneshot(pk, null, 0, sig) == 0
    assert cached.lib.olmpy_ed25519_verify_oneshot(pk, null, 0, sig[:63] + b"\x01") == -3
    _, vk = cached.new_key(pk)
    assert cached.lib.olmpy_ed25519_vkey_verify(vk, null, 0, sig) == 0


def test_key_object_is_plain_bytes_and_reusable(cached: Verifier) -> None:
    """A key object copied byte for byte still verifies, and re-initialising it replaces it."""
    pk, sk = _keypair(b"\x11" * 32)
    rc, vk = cached.new_key(pk)
    assert rc == 0
    copy = cached.ffi.new("uint64_t[]", (cached.size + 7) // 8)
    cached.ffi.memmove(copy, cached.ffi.buffer(vk, cached.size)[:], cached.size)
    msgs = [os.urandom(n) for n in range(0, 400, 7)]
    for msg in msgs:
        sig = _sign(sk, msg)
        assert cached.check(copy, msg, sig) == 0
        assert cached.check(vk, msg, sig) == 0
    # a refused key leaves the object unusable, even for signatures it used to accept
    assert cached.lib.olmpy_ed25519_vkey_init(vk, SMALL_ORDER_ENCODINGS[0]) == -3
    assert cached.check(vk, msgs[0], _sign(sk, msgs[0])) == -3
    other_pk, other_sk = _keypair(b"\x22" * 32)
    assert cached.lib.olmpy_ed25519_vkey_init(vk, other_pk) == 0
    assert cached.check(vk, msgs[1], _sign(other_sk, msgs[1])) == 0
    assert cached.check(vk, msgs[1], _sign(sk, msgs[1])) == -3


def test_uninitialised_key_object_refuses(cached: Verifier) -> None:
    """A zero-filled key object that was never initialised verifies nothing."""
    _, sk = _keypair(b"\x55" * 32)
    blank = cached.ffi.new("uint64_t[]", (cached.size + 7) // 8)
    assert cached.check(blank, b"m", _sign(sk, b"m")) == -3
    assert cached.size == cached.lib.OLMPY_ED25519_VKEY_SIZE  # the header's constant is current
    assert 1024 <= cached.size <= 16384  # a few KiB of per-key tables, no pointers


# --- edge cases against libsodium ---------------------------------------------------


def _ids(enc: bytes) -> str:
    return enc.hex()[:4] + ".." + enc.hex()[-2:]


@pytest.mark.parametrize("enc", SMALL_ORDER_ENCODINGS, ids=_ids)
def test_small_order_public_keys_are_refused(edv: Verifier, enc: bytes) -> None:
    """Small-order keys (every encoding) refuse even a signature meeting the equation."""
    tors = torsion_index(enc)
    msg = b"small order key"
    _, sig = craft(0, tors, msg, random.Random(enc), pk=enc)
    # the cofactorless equation S*B - h*A == R holds for this signature
    h = h_scalar(sig[:32], enc, msg)
    s_pt = base_mul(int.from_bytes(sig[32:], "little"))
    assert same(add(s_pt, TORSION[-h * tors % 8]), decode(sig[:32]))  # type: ignore[arg-type]
    rc, _ = edv.new_key(enc)
    assert rc == -3
    assert not edv.agree(enc, msg, sig)
    assert edv.verify(enc, msg, sig) == -3


@pytest.mark.parametrize("enc", SMALL_ORDER_ENCODINGS, ids=_ids)
def test_small_order_r_is_refused(edv: Verifier, enc: bytes) -> None:
    """A small-order R is refused, including when S*B - h*A equals that point."""
    pk, sk = _keypair(b"\x33" * 32)
    msg = b"small order R"
    assert not edv.agree(pk, msg, enc + _le(12345))
    assert not edv.agree(pk, msg, enc + _sign(sk, msg)[32:])
    # A = a*B + tors*T8 and S = h*a give S*B - h*A = (-h*tors)*T8: search for a match
    target = torsion_index(enc)
    rng = random.Random(enc)
    for _ in range(400):
        a, tors = rng.randrange(1, L), rng.randrange(8)
        pub = encode(add(base_mul(a), TORSION[tors]))
        h = h_scalar(enc, pub, msg)
        if -h * tors % 8 == target:
            assert not edv.agree(pub, msg, enc + _le(h * a % L))
            break
    else:
        raise AssertionError("no key found for which the equation holds")


@pytest.mark.parametrize("enc", NON_CANONICAL_ENCODINGS, ids=_ids)
def test_non_canonical_encodings(edv: Verifier, enc: bytes) -> None:
    """y >= p is refused as a key and can never match as R."""
    rc, _ = edv.new_key(enc)
    assert rc == -3
    pk, sk = _keypair(b"\x44" * 32)
    sig = _sign(sk, b"x")
    assert not edv.agree(enc, b"x", sig)
    assert not edv.agree(pk, b"x", enc + sig[32:])


@given(
    seed=st.binary(min_size=32, max_size=32),
    msg=st.binary(max_size=300),
)
@settings(SETTINGS, max_examples=1000)
def test_valid_signatures(edv: Verifier, seed: bytes, msg: bytes) -> None:
    """libsodium's signatures over random keys and messages verify."""
    pk, sk = _keypair(seed)
    assert edv.agree(pk, msg, _sign(sk, msg))


@given(
    seed=st.binary(min_size=32, max_size=32),
    msg=st.binary(min_size=1, max_size=200),
    where=st.sampled_from(["sig", "msg", "pk"]),
    bit=st.integers(min_value=0, max_value=511),
    extra=st.integers(min_value=0, max_value=255),
)
@settings(SETTINGS, max_examples=1500)
def test_random_bit_flips(
    edv: Verifier, seed: bytes, msg: bytes, where: str, bit: int, extra: int
) -> None:
    """Flipping one or two bits of the signature, message or key gives libsodium's verdict."""
    pk, sk = _keypair(seed)
    parts = {"sig": bytearray(_sign(sk, msg)), "msg": bytearray(msg), "pk": bytearray(pk)}
    target = parts[where]
    bit %= 8 * len(target)
    target[bit // 8] ^= 1 << (bit % 8)
    if extra % 2:
        other = extra % (8 * len(target))
        target[other // 8] ^= 1 << (other % 8)
    edv.agree(bytes(parts["pk"]), bytes(parts["msg"]), bytes(parts["sig"]))


@given(
    pk=st.binary(min_size=32, max_size=32),
    r=st.binary(min_size=32, max_size=32),
    s=st.integers(min_value=0, max_value=2**256 - 1),
    msg=st.binary(max_size=64),
)
@settings(SETTINGS, max_examples=1000)
def test_random_keys_and_nonces(edv: Verifier, pk: bytes, r: bytes, s: int, msg: bytes) -> None:
    """Random 32-byte strings as keys and as R, with any S, give libsodium's verdict."""
    edv.agree(pk, msg, r + _le(s))


@given(
    seed=st.binary(min_size=32, max_size=32),
    r=st.binary(min_size=32, max_size=32),
    s=st.integers(min_value=0, max_value=L - 1),
)
@settings(SETTINGS, max_examples=500)
def test_random_nonce_with_real_key(edv: Verifier, seed: bytes, r: bytes, s: int) -> None:
    """A real key with a random R and canonical S gives libsodium's verdict (a rejection)."""
    pk, _ = _keypair(seed)
    assert not edv.agree(pk, b"msg", r + _le(s))


S_NEAR_L = sorted(
    {L + k for k in range(-3, 4)}
    | {2**252 + k for k in (-1, 0, 1)}
    | {2**253 - 1, 2**253, 2**255 - 19, 2**255, 2**256 - 1, 0, 1}
)


@given(
    seed=st.binary(min_size=32, max_size=32),
    msg=st.binary(max_size=100),
    s=st.sampled_from(S_NEAR_L),
)
@settings(SETTINGS, max_examples=300)
def test_s_near_l(edv: Verifier, seed: bytes, msg: bytes, s: int) -> None:
    """S values around L and other boundaries give libsodium's verdict; S + L never verifies."""
    pk, sk = _keypair(seed)
    sig = _sign(sk, msg)
    edv.agree(pk, msg, sig[:32] + _le(s))
    s_valid = int.from_bytes(sig[32:], "little")
    for k in (1, 2, 3):
        if s_valid + k * L < 2**256:
            assert not edv.agree(pk, msg, sig[:32] + _le(s_valid + k * L))


@given(
    a=st.integers(min_value=1, max_value=L - 1),
    a_tors=st.integers(min_value=0, max_value=7),
    msg=st.binary(max_size=80),
    seed=st.integers(min_value=0, max_value=2**64),
)
@settings(SETTINGS, max_examples=400)
def test_mixed_order_keys_and_nonces(
    edv: Verifier, a: int, a_tors: int, msg: bytes, seed: int
) -> None:
    """Keys and R with torsion components verify exactly when the cofactorless equation holds."""
    rng = random.Random(seed)
    pk, sig = craft(a, a_tors, msg, rng)
    assert edv.agree(pk, msg, sig)
    # the same R with another torsion component breaks the equation
    r_pt = decode(sig[:32])
    assert r_pt is not None
    wrong = encode(add(r_pt, TORSION[rng.randrange(1, 8)]))
    assert not edv.agree(pk, msg, wrong + sig[32:])


@given(
    a=st.integers(min_value=1, max_value=L - 1),
    a_tors=st.integers(min_value=0, max_value=7),
    off=st.integers(min_value=1, max_value=7),
    msg=st.binary(max_size=80),
    seed=st.integers(min_value=0, max_value=2**64),
)
@settings(SETTINGS, max_examples=300)
def test_off_by_a_small_order_point_is_refused(
    edv: Verifier, a: int, a_tors: int, off: int, msg: bytes, seed: int
) -> None:
    """S*B - h*A equal to R plus a nonzero small-order point is refused (no cofactor)."""
    pk, sig = craft(a, a_tors, msg, random.Random(seed), off=off)
    s = int.from_bytes(sig[32:], "little")
    a_pt, r_pt = decode(pk), decode(sig[:32])
    assert a_pt is not None and r_pt is not None
    lhs = add(base_mul(s) if s else IDENTITY, TORSION[off])  # S*B + off*T8
    assert same(lhs, add(mul(h_scalar(sig[:32], pk, msg), a_pt), r_pt))  # == h*A + R
    assert not edv.agree(pk, msg, sig)


@given(
    enc=st.sampled_from(SMALL_ORDER_ENCODINGS + NON_CANONICAL_ENCODINGS),
    role=st.sampled_from(["pk", "r"]),
    s=st.integers(min_value=0, max_value=2**256 - 1),
    seed=st.binary(min_size=32, max_size=32),
    msg=st.binary(max_size=40),
)
@settings(SETTINGS, max_examples=600)
def test_special_encodings_with_random_rest(
    edv: Verifier, enc: bytes, role: str, s: int, seed: bytes, msg: bytes
) -> None:
    """Small-order and non-canonical encodings as key or R give libsodium's verdict."""
    pk, sk = _keypair(seed)
    sig = _sign(sk, msg)
    if role == "pk":
        edv.agree(enc, msg, sig[:32] + _le(s))
        edv.agree(enc, msg, sig)
    else:
        edv.agree(pk, msg, enc + _le(s))

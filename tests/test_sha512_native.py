"""Tests of the SHA-512 in _native/sha512.c, on every compression function the CPU runs.

The C file is compiled once per session into a throwaway cffi module whose source
includes sha512.c itself, so that a test-only hook can pick the compression function
(portable C, BMI2, AVX2) that the streaming API uses.  Digests are compared with
hashlib (OpenSSL) and with the FIPS 180 examples; a small pure-Python SHA-512
compression checks the 128-bit length field beyond what can actually be hashed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import needs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
NATIVE = ROOT / "_native"
SOURCE = NATIVE / "sha512.c"

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

IMPLS = {"portable": 0, "bmi2": 1, "avx2": 2}  # SHA512_* in sha512.c

HOOKS = """
int olmpy_test_sha512_supported(int impl);
void olmpy_test_sha512_set_impl(int impl);
int olmpy_test_sha512_best_impl(void);
"""

HOOKS_C = """
#include "sha512.c"

int olmpy_test_sha512_supported(int impl)
{
    if (impl == SHA512_PORTABLE)
        return 1;
#ifdef OLMPY_SHA512_X86
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("bmi") || !__builtin_cpu_supports("bmi2"))
        return 0;
    return impl == SHA512_BMI2 || (impl == SHA512_AVX2 && __builtin_cpu_supports("avx2"));
#else
    return 0;
#endif
}

void olmpy_test_sha512_set_impl(int impl)
{
    sha512_impl_state = impl;
}

int olmpy_test_sha512_best_impl(void)
{
    return sha512_best_impl();
}
"""


def _cdef_header() -> str:
    """olmpy_sha512.h without its preprocessor lines, which cffi's cdef does not take."""
    text = (NATIVE / "olmpy_sha512.h").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


@pytest.fixture(scope="session")
def sha(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """sha512.c with the test hooks, compiled once per session."""
    needs.c_compiler()
    from cffi import FFI

    name = "_olmpy_sha512_under_test"
    build = tmp_path_factory.mktemp("sha512_build")
    ffi = FFI()
    ffi.cdef(_cdef_header() + HOOKS)
    flags = [] if sys.platform == "win32" else ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror"]
    ffi.set_source(name, HOOKS_C, include_dirs=[str(NATIVE)], extra_compile_args=flags)
    library = ffi.compile(tmpdir=str(build))
    spec = importlib.util.spec_from_file_location(name, library)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Hasher:
    """The C API with one compression function forced."""

    def __init__(self, module: ModuleType, impl: str) -> None:
        self.ffi, self.lib, self.impl = module.ffi, module.lib, impl
        self.lib.olmpy_test_sha512_set_impl(IMPLS[impl])

    def oneshot(self, data: bytes, offset: int = 0) -> bytes:
        """olmpy_sha512 over data, placed offset bytes into a buffer (alignment)."""
        self.lib.olmpy_test_sha512_set_impl(IMPLS[self.impl])
        buf = self.ffi.new("uint8_t[]", offset + len(data) + 1)
        buf[offset : offset + len(data)] = data
        out = self.ffi.new("uint8_t[64]")
        self.lib.olmpy_sha512(buf + offset, len(data), out)
        return bytes(out)

    def stream(self, chunks: list[bytes]) -> bytes:
        """init, one update per chunk, final; also checks that final wipes the context."""
        self.lib.olmpy_test_sha512_set_impl(IMPLS[self.impl])
        ctx = self.ffi.new("olmpy_sha512_ctx *")
        self.lib.olmpy_sha512_init(ctx)
        for chunk in chunks:
            self.lib.olmpy_sha512_update(ctx, chunk, len(chunk))
        out = self.ffi.new("uint8_t[64]")
        self.lib.olmpy_sha512_final(ctx, out)
        assert bytes(self.ffi.buffer(ctx)) == bytes(self.ffi.sizeof("olmpy_sha512_ctx"))
        return bytes(out)


@pytest.fixture(scope="session", params=list(IMPLS))
def hasher(request: pytest.FixtureRequest, sha: ModuleType) -> Hasher:
    """Each compression function this CPU runs, in turn."""
    impl: str = request.param
    if not sha.lib.olmpy_test_sha512_supported(IMPLS[impl]):
        pytest.skip(f"this CPU cannot run the {impl} SHA-512")
    return Hasher(sha, impl)


def _data(n: int, seed: int = 0) -> bytes:
    return random.Random(n * 7919 + seed).randbytes(n)


# --- known answers (FIPS 180-2 appendix C and the NIST examples) ---------------------

FIPS = [
    (
        b"",
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    ),
    (
        b"abc",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ),
    (
        b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        b"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
    ),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
        "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
    ),
    (
        b"a" * 1_000_000,
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
        "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
    ),
]


@pytest.mark.parametrize(
    ("msg", "digest"), FIPS, ids=["empty", "abc", "two-block", "448-bit", "million-a"]
)
def test_fips_examples(hasher: Hasher, msg: bytes, digest: str) -> None:
    """The FIPS 180 examples, one-shot and streamed (the million a's as 1000 updates)."""
    assert hasher.oneshot(msg).hex() == digest
    step = 1000 if len(msg) > 1000 else 1
    assert hasher.stream([msg[i : i + step] for i in range(0, len(msg), step)]).hex() == digest


# --- agreement with hashlib -----------------------------------------------------------


def test_every_length_up_to_300(hasher: Hasher) -> None:
    """Every length 0..300 (every padding case of one to three blocks) matches hashlib."""
    for n in range(301):
        data = _data(n)
        assert hasher.oneshot(data) == hashlib.sha512(data).digest(), n


BOUNDARY_LENGTHS = sorted(
    {128 * k + d for k in range(1, 12) for d in range(-3, 4)}
    | {111, 112, 113, 239, 240, 241, 255, 256, 257, 383, 384, 385}
)


def test_lengths_around_block_boundaries(hasher: Hasher) -> None:
    """Lengths around multiples of 128 and the 112-byte padding limit match hashlib."""
    for n in BOUNDARY_LENGTHS:
        data = _data(n, 1)
        assert hasher.oneshot(data) == hashlib.sha512(data).digest(), n
        assert hasher.stream([data[: n // 3], data[n // 3 :]]) == hashlib.sha512(data).digest(), n


@pytest.mark.parametrize("n", [65535, 65536, 65537, 65536 + 128, 65536 + 200, 200_003])
def test_large_inputs(hasher: Hasher, n: int) -> None:
    """64 KiB and around it (odd and even block counts for the two-block AVX2 code)."""
    data = _data(n, 2)
    assert hasher.oneshot(data) == hashlib.sha512(data).digest()


def test_random_lengths_and_alignment(hasher: Hasher) -> None:
    """Random lengths up to 20 KB at every offset 0..15 match hashlib."""
    rng = random.Random(3)
    for i in range(200):
        n = rng.randrange(20_000) if i % 4 else rng.randrange(600)
        data = rng.randbytes(n)
        assert hasher.oneshot(data, offset=i % 16) == hashlib.sha512(data).digest(), (n, i)


@given(
    data=st.binary(max_size=2000),
    cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=12),
)
@settings(SETTINGS, max_examples=300)
def test_streaming_random_splits(hasher: Hasher, data: bytes, cuts: list[int]) -> None:
    """Any split of the input into updates (empty ones included) gives hashlib's digest."""
    points = sorted({min(c, len(data)) for c in cuts})
    chunks = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    assert hasher.stream(chunks) == hashlib.sha512(data).digest()


def test_streaming_byte_by_byte(hasher: Hasher) -> None:
    """1000 single-byte updates, then a long one, match hashlib."""
    data = _data(1000, 4) + _data(5000, 5)
    chunks = [data[i : i + 1] for i in range(1000)] + [data[1000:]]
    assert hasher.stream(chunks) == hashlib.sha512(data).digest()


def test_null_data_with_zero_length(hasher: Hasher) -> None:
    """NULL with length 0 is accepted by olmpy_sha512 and olmpy_sha512_update."""
    ffi, lib = hasher.ffi, hasher.lib
    out = ffi.new("uint8_t[64]")
    lib.olmpy_sha512(ffi.NULL, 0, out)
    assert bytes(out) == hashlib.sha512(b"").digest()
    ctx = ffi.new("olmpy_sha512_ctx *")
    lib.olmpy_sha512_init(ctx)
    lib.olmpy_sha512_update(ctx, b"ab", 2)
    lib.olmpy_sha512_update(ctx, ffi.NULL, 0)
    lib.olmpy_sha512_update(ctx, b"c", 1)
    lib.olmpy_sha512_final(ctx, out)
    assert bytes(out) == hashlib.sha512(b"abc").digest()


# --- the 128-bit length field, against an independent pure-Python compression ----------

_K_HEX = """
428a2f98d728ae22 7137449123ef65cd b5c0fbcfec4d3b2f e9b5dba58189dbbc 3956c25bf348b538
59f111f1b605d019 923f82a4af194f9b ab1c5ed5da6d8118 d807aa98a3030242 12835b0145706fbe
243185be4ee4b28c 550c7dc3d5ffb4e2 72be5d74f27b896f 80deb1fe3b1696b1 9bdc06a725c71235
c19bf174cf692694 e49b69c19ef14ad2 efbe4786384f25e3 0fc19dc68b8cd5b5 240ca1cc77ac9c65
2de92c6f592b0275 4a7484aa6ea6e483 5cb0a9dcbd41fbd4 76f988da831153b5 983e5152ee66dfab
a831c66d2db43210 b00327c898fb213f bf597fc7beef0ee4 c6e00bf33da88fc2 d5a79147930aa725
06ca6351e003826f 142929670a0e6e70 27b70a8546d22ffc 2e1b21385c26c926 4d2c6dfc5ac42aed
53380d139d95b3df 650a73548baf63de 766a0abb3c77b2a8 81c2c92e47edaee6 92722c851482353b
a2bfe8a14cf10364 a81a664bbc423001 c24b8b70d0f89791 c76c51a30654be30 d192e819d6ef5218
d69906245565a910 f40e35855771202a 106aa07032bbd1b8 19a4c116b8d2d0c8 1e376c085141ab53
2748774cdf8eeb99 34b0bcb5e19b48a8 391c0cb3c5c95a63 4ed8aa4ae3418acb 5b9cca4f7763e373
682e6ff3d6b2b8a3 748f82ee5defb2fc 78a5636f43172f60 84c87814a1f0ab72 8cc702081a6439ec
90befffa23631e28 a4506cebde82bde9 bef9a3f7b2c67915 c67178f2e372532b ca273eceea26619c
d186b8c721c0c207 eada7dd6cde0eb1e f57d4f7fee6ed178 06f067aa72176fba 0a637dc5a2c898a6
113f9804bef90dae 1b710b35131c471b 28db77f523047d84 32caab7b40c72493 3c9ebe0a15c9bebc
431d67c49c100d4c 4cc5d4becb3e42b6 597f299cfc657e2a 5fcb6fab3ad6faec 6c44198c4a475817
"""
_K = [int(x, 16) for x in _K_HEX.split()]
_M64 = 2**64 - 1


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (64 - n))) & _M64


def _compress(state: list[int], block: bytes) -> list[int]:
    """FIPS 180-4 section 6.4.2, one block."""
    w = [int.from_bytes(block[8 * i : 8 * i + 8], "big") for i in range(16)]
    for t in range(16, 80):
        s0 = _rotr(w[t - 15], 1) ^ _rotr(w[t - 15], 8) ^ (w[t - 15] >> 7)
        s1 = _rotr(w[t - 2], 19) ^ _rotr(w[t - 2], 61) ^ (w[t - 2] >> 6)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & _M64)
    a, b, c, d, e, f, g, h = state
    for t in range(80):
        t1 = h + (_rotr(e, 14) ^ _rotr(e, 18) ^ _rotr(e, 41)) + ((e & f) ^ (~e & g)) + _K[t] + w[t]
        t2 = (_rotr(a, 28) ^ _rotr(a, 34) ^ _rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c))
        a, b, c, d, e, f, g, h = (t1 + t2) & _M64, a, b, c, (d + t1) & _M64, e, f, g
    return [(x + y) & _M64 for x, y in zip(state, (a, b, c, d, e, f, g, h), strict=True)]


def _finish(state: list[int], tail: bytes, total_bytes: int) -> bytes:
    """Pads tail (the bytes after the last full block) for a message of total_bytes."""
    padded = tail + b"\x80" + bytes((111 - len(tail)) % 128) + (8 * total_bytes).to_bytes(16, "big")
    for i in range(0, len(padded), 128):
        state = _compress(state, padded[i : i + 128])
    return b"".join(x.to_bytes(8, "big") for x in state)


def test_pure_python_model_matches_hashlib() -> None:
    """The model used below agrees with hashlib on a few ordinary messages."""
    iv = [
        0x6A09E667F3BCC908,
        0xBB67AE8584CAA73B,
        0x3C6EF372FE94F82B,
        0xA54FF53A5F1D36F1,
        0x510E527FADE682D1,
        0x9B05688C2B3E6C1F,
        0x1F83D9ABFB41BD6B,
        0x5BE0CD19137E2179,
    ]
    for n in (0, 5, 111, 112, 127, 128, 300):
        data = _data(n, 6)
        state = iv
        full = n - n % 128
        for i in range(0, full, 128):
            state = _compress(state, data[i : i + 128])
        assert _finish(state, data[full:], n) == hashlib.sha512(data).digest(), n


@pytest.mark.parametrize(
    "total", [2**61 - 1, 2**61, 2**61 + 77, 2**64 - 5, 2**64 + 3, 2**67 + 2**64 + 1, 2**125 - 3]
)
def test_length_field_beyond_2_61_bytes(hasher: Hasher, total: int) -> None:
    """A context claiming total bytes already hashed pads with the 128-bit bit count.

    The counters are set directly (no one hashes 2^61 bytes); the chaining value is left
    as is, so the digest is that of a block sequence the model reproduces.
    """
    ffi, lib = hasher.ffi, hasher.lib
    lib.olmpy_test_sha512_set_impl(IMPLS[hasher.impl])
    ctx = ffi.new("olmpy_sha512_ctx *")
    lib.olmpy_sha512_init(ctx)
    state = list(ctx.h)
    base = total - 200  # the last 200 bytes go through update, crossing the counter carry
    base -= base % 128
    ctx.total_lo, ctx.total_hi = base & _M64, base >> 64
    tail = _data(total - base, 7)
    lib.olmpy_sha512_update(ctx, tail[:150], 150)
    lib.olmpy_sha512_update(ctx, tail[150:], len(tail) - 150)
    out = ffi.new("uint8_t[64]")
    lib.olmpy_sha512_final(ctx, out)
    full = len(tail) - len(tail) % 128
    for i in range(0, full, 128):
        state = _compress(state, tail[i : i + 128])
    assert bytes(out) == _finish(state, tail[full:], total)


# --- selection of the compression function -------------------------------------------


def test_olmpy_no_avx2_forces_portable(sha: ModuleType) -> None:
    """With OLMPY_NO_AVX2 set at first use the portable code is chosen, else the best one.

    olmpy_sha512_impl reports the choice.
    """
    path = sha.__file__
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location({sha.__name__!r}, {path!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "assert m.lib.olmpy_sha512_impl() == m.lib.olmpy_test_sha512_best_impl()\n"
        "print(m.lib.olmpy_sha512_impl())\n"
    )
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if k != "OLMPY_NO_AVX2"}
    best = int(
        subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    expected = max(i for i in IMPLS.values() if sha.lib.olmpy_test_sha512_supported(i))
    assert best == expected
    env["OLMPY_NO_AVX2"] = "1"
    forced = int(
        subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    assert forced == IMPLS["portable"]

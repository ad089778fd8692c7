#!/usr/bin/env python3
"""Times Ed25519 verification and SHA-512: olmpy's C code against libsodium and OpenSSL.

Usage: ``python benchmarks/ed25519_verify.py [--quick]``
(``OLMPY_NO_AVX2=1`` in the environment times the portable SHA-512.)

Compiles _native/ed25519_verify.c and _native/sha512.c (-O3) into a throwaway cffi
module, then for a 100-byte and a 64 KiB message prints the median time per call of:

- ``olmpy cached``: olmpy_ed25519_vkey_verify with the key object initialised once
  (what a Megolm session does for every message after the first);
- ``olmpy one-shot``: olmpy_ed25519_verify_oneshot (a key seen once);
- ``olmpy init+verify``: olmpy_ed25519_vkey_init and verify on every call;
- ``libsodium (cffi)``: crypto_sign_open called directly through PyNaCl's cffi lib;
- ``libsodium (pynacl)``: nacl.bindings.crypto_sign_open (adds PyNaCl's wrapper);
- ``OpenSSL (cryptography)``: Ed25519PublicKey.verify on a key object loaded once;

and, for SHA-512 of the same messages, olmpy_sha512, libsodium's crypto_hash_sha512
(cffi) and hashlib.sha512 (OpenSSL).

Candidates are sampled interleaved, each sample about 2 ms long, and every one is
first checked to accept the signature and reject a tampered one (or, for SHA-512, to
give hashlib's digest).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from cffi import FFI
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nacl import bindings as sodium
from nacl._sodium import ffi as sodium_ffi
from nacl._sodium import lib as sodium_lib

NATIVE = Path(__file__).resolve().parents[1] / "_native"


def build(tmp: str) -> ModuleType:
    """Compiles the verifier into tmp and imports it."""
    name = "_olmpy_ed25519_verify_bench"
    ffi = FFI()
    ffi.cdef((NATIVE / "ed25519_verify.h").read_text(encoding="utf-8"))
    ffi.set_source(
        name,
        '#include <stddef.h>\n#include <stdint.h>\n#include "ed25519_verify.h"\n',
        sources=[str(NATIVE / "ed25519_verify.c"), str(NATIVE / "sha512.c")],
        include_dirs=[str(NATIVE)],
        extra_compile_args=["-O3", "-std=c11"],
    )
    path = ffi.compile(tmpdir=tmp)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(candidates: dict[str, Callable[[], object]], reps: int) -> dict[str, float]:
    """Median microseconds per call of each candidate, sampled interleaved."""
    loops: dict[str, int] = {}
    for label, fn in candidates.items():
        n = 1
        while True:
            start = time.perf_counter()
            for _ in range(n):
                fn()
            if time.perf_counter() - start > 0.002:
                break
            n *= 2
        loops[label] = n
    samples: dict[str, list[float]] = {label: [] for label in candidates}
    labels = list(candidates)
    for rep in range(reps):
        order = labels[rep % len(labels) :] + labels[: rep % len(labels)]
        for label in order:
            fn, n = candidates[label], loops[label]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[label].append((time.perf_counter() - start) / n * 1e6)
    return {label: statistics.median(values) for label, values in samples.items()}


def candidates_for(lib: object, size: int) -> dict[str, Callable[[], object]]:
    """The timed calls for one message size, each checked on a good and a bad signature."""
    ffi, c = lib.ffi, lib.lib  # type: ignore[attr-defined]
    pk, sk = sodium.crypto_sign_seed_keypair(b"\x07" * 32)
    vk = ffi.new("uint64_t[]", (c.olmpy_ed25519_vkey_size() + 7) // 8)
    assert c.olmpy_ed25519_vkey_init(vk, pk) == 0
    scratch = ffi.new("uint64_t[]", (c.olmpy_ed25519_vkey_size() + 7) // 8)
    ossl_key = Ed25519PublicKey.from_public_bytes(pk)
    init, verify = c.olmpy_ed25519_vkey_init, c.olmpy_ed25519_vkey_verify
    oneshot = c.olmpy_ed25519_verify_oneshot
    sodium_open = sodium_lib.crypto_sign_open
    msg = os.urandom(size)
    sm = sodium.crypto_sign(msg, sk)
    sig = sm[:64]
    bad = bytes([sig[0] ^ 1]) + sig[1:]
    out = sodium_ffi.new("unsigned char[]", len(sm))
    out_len = sodium_ffi.new("unsigned long long *")

    def olmpy_cached(s: bytes = sig) -> int:
        return int(verify(vk, msg, size, s))

    def olmpy_oneshot(s: bytes = sig) -> int:
        return int(oneshot(pk, msg, size, s))

    def olmpy_init(s: bytes = sig) -> int:
        init(scratch, pk)
        return int(verify(scratch, msg, size, s))

    def sodium_cffi(m: bytes = sm) -> int:
        return int(sodium_open(out, out_len, m, len(m), pk))

    def sodium_pynacl() -> bytes:
        return sodium.crypto_sign_open(sm, pk)

    def openssl() -> None:
        ossl_key.verify(sig, msg)

    checks = [
        (olmpy_cached() == 0, olmpy_cached(bad) != 0),
        (olmpy_oneshot() == 0, olmpy_oneshot(bad) != 0),
        (olmpy_init() == 0, olmpy_init(bad) != 0),
        (sodium_cffi() == 0, sodium_cffi(bad + msg) != 0),
    ]
    assert all(ok and ko for ok, ko in checks), checks
    openssl()
    return {
        "olmpy cached": olmpy_cached,
        "olmpy one-shot": olmpy_oneshot,
        "olmpy init+verify": olmpy_init,
        "libsodium (cffi)": sodium_cffi,
        "libsodium (pynacl)": sodium_pynacl,
        "OpenSSL (cryptography)": openssl,
    }


def sha512_candidates_for(lib: object, size: int) -> dict[str, Callable[[], object]]:
    """The timed SHA-512 calls for one message size, each checked against hashlib."""
    ffi, c = lib.ffi, lib.lib  # type: ignore[attr-defined]
    msg = os.urandom(size)
    out = ffi.new("uint8_t[64]")
    sodium_out = sodium_ffi.new("unsigned char[64]")
    olmpy_sha512, sodium_sha512 = c.olmpy_sha512, sodium_lib.crypto_hash_sha512

    def olmpy() -> None:
        olmpy_sha512(msg, size, out)

    def libsodium() -> None:
        sodium_sha512(sodium_out, msg, size)

    def openssl() -> bytes:
        return hashlib.sha512(msg).digest()

    olmpy()
    libsodium()
    expected = openssl()
    assert bytes(out) == expected and bytes(sodium_out) == expected
    return {"olmpy_sha512": olmpy, "libsodium (cffi)": libsodium, "hashlib (OpenSSL)": openssl}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args()
    reps = 5 if args.quick else 25

    with tempfile.TemporaryDirectory() as tmp:
        mod = build(tmp)
        impl = ("portable C", "BMI2", "AVX2 + BMI2")[mod.lib.olmpy_sha512_impl()]
        print(f"key object: {mod.lib.olmpy_ed25519_vkey_size()} bytes; SHA-512: {impl}")
        print(f"{'message':>8}  {'candidate':<24} {'us/verify':>10} {'vs libsodium':>13}")
        for size in (100, 65536):
            results = measure(candidates_for(mod, size), reps)
            ref = results["libsodium (cffi)"]
            for label, us in results.items():
                print(f"{size:>8}  {label:<24} {us:>10.2f} {ref / us:>12.2f}x")
        print(f"{'message':>8}  {'SHA-512':<24} {'us/hash':>10} {'vs libsodium':>13}")
        for size in (100, 65536):
            results = measure(sha512_candidates_for(mod, size), reps)
            ref = results["libsodium (cffi)"]
            for label, us in results.items():
                print(f"{size:>8}  {label:<24} {us:>10.2f} {ref / us:>12.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

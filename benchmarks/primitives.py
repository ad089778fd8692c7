#!/usr/bin/env python3
"""Measures the primitive choices behind olmpy/hazmat/primitives.py.

Usage: ``python benchmarks/primitives.py [--quick] [--json out.json]``

For each primitive the candidate implementations are timed side by side in this
process, interleaved (one sample of each candidate per repetition, the starting
candidate rotating), each sample about 1 ms long; the figure is the median
per-call time.  Every candidate is first checked to produce the same bytes as
the others, so only equivalent work is compared.  Inputs are bytes already in
memory; where a library needs key objects they are built inside the timed call,
as olmpy would have to from stored key bytes, unless the row says otherwise.
"""

from __future__ import annotations

import argparse
import binascii
import gc
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from nacl import bindings as sodium

from olmpy import _nativebinding as native
from olmpy import _pure as pure

perf_counter_ns = time.perf_counter_ns
_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
TOLERANCE = 0.05  # differences below this are within run-to-run noise here
# binascii's strict mode (what olmpy's rules need) exists from Python 3.11 on.
_STRICT: dict[str, Any] = {"strict_mode": True} if sys.version_info >= (3, 11) else {}


@dataclass(frozen=True)
class Primitive:
    label: str
    candidates: dict[str, Callable[[], bytes]]
    used: str  # the candidate olmpy uses
    # Shown for reference but not equivalent work (e.g. a key object built once,
    # where olmpy starts from key bytes); never picked as the fastest.
    reference: tuple[str, ...] = ()


def _pkcs7(data: bytes) -> bytes:
    pad = 16 - len(data) % 16
    return data + bytes([pad]) * pad


def primitives() -> list[Primitive]:
    seed, x_secret, x_peer_secret = os.urandom(32), os.urandom(32), os.urandom(32)
    msg200, msg112, msg64k = os.urandom(200), os.urandom(112), os.urandom(64 * 1024)
    aes_key, aes_iv, mac_key = os.urandom(32), os.urandom(16), os.urandom(32)
    pk, sk = sodium.crypto_sign_seed_keypair(seed)
    native_key = native.ed25519_key(seed, native.KEY_SEED)[0]
    c_priv = Ed25519PrivateKey.from_private_bytes(seed)
    sig = sodium.crypto_sign(msg200, sk)[:64]
    x_peer = sodium.crypto_scalarmult_base(x_peer_secret)
    padded112 = _pkcs7(msg112)
    b64_small = binascii.b2a_base64(msg200, newline=False).decode("ascii").rstrip("=")
    b64_big = binascii.b2a_base64(msg64k, newline=False).decode("ascii").rstrip("=")
    c_x_priv = X25519PrivateKey.from_private_bytes(x_secret)
    c_x_peer = X25519PublicKey.from_public_bytes(x_peer)

    def c_aes() -> bytes:
        enc = Cipher(algorithms.AES(aes_key), modes.CBC(aes_iv)).encryptor()
        return enc.update(padded112) + enc.finalize()

    def n_verify() -> bytes:
        return bytes(sodium.crypto_sign_open(sig + msg200, pk))

    def c_verify() -> bytes:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg200)
        return msg200

    def o_verify() -> bytes:
        native.ed25519_verify(pk, msg200, sig)
        return msg200

    return [
        Primitive(
            "Ed25519 keypair from seed",
            {
                "PyNaCl": lambda: sodium.crypto_sign_seed_keypair(seed)[0],
                "cryptography": lambda: (
                    Ed25519PrivateKey.from_private_bytes(seed)
                    .public_key()
                    .public_bytes(_RAW, _RAW_PUB)
                ),
            },
            "PyNaCl",
        ),
        Primitive(
            "Ed25519 sign 200 B",
            {
                "PyNaCl": lambda: sodium.crypto_sign(msg200, sk)[:64],
                "cryptography": lambda: Ed25519PrivateKey.from_private_bytes(seed).sign(msg200),
                "cryptography (key object kept)": lambda: c_priv.sign(msg200),
                "olmpy native (libsodium from C)": lambda: native.ed25519_sign(
                    native_key, msg200
                ),
            },
            "olmpy native (libsodium from C)",
            ("cryptography (key object kept)",),
        ),
        Primitive(
            "Ed25519 verify 200 B",
            {
                "PyNaCl": n_verify,
                "cryptography": c_verify,
                "olmpy native (libsodium from C)": o_verify,
            },
            "olmpy native (libsodium from C)",
        ),
        Primitive(
            "X25519 public from secret (fixed base)",
            {
                "PyNaCl crypto_scalarmult_base": lambda: sodium.crypto_scalarmult_base(x_secret),
                "cryptography": lambda: (
                    X25519PrivateKey.from_private_bytes(x_secret)
                    .public_key()
                    .public_bytes(_RAW, _RAW_PUB)
                ),
            },
            "PyNaCl crypto_scalarmult_base",
        ),
        Primitive(
            "X25519 shared secret (variable base)",
            {
                "PyNaCl crypto_scalarmult": lambda: sodium.crypto_scalarmult(x_secret, x_peer),
                "cryptography exchange": lambda: X25519PrivateKey.from_private_bytes(
                    x_secret
                ).exchange(X25519PublicKey.from_public_bytes(x_peer)),
                "cryptography exchange (key objects kept)": lambda: c_x_priv.exchange(c_x_peer),
            },
            "cryptography exchange",
            ("cryptography exchange (key objects kept)",),
        ),
        Primitive(
            "AES-256-CBC encrypt 112 B (+PKCS#7)",
            {
                "olmpy native (AES-NI)": lambda: native.aes256_cbc_encrypt(aes_key, aes_iv, msg112),
                "cryptography (pre-padded)": c_aes,
                "olmpy pure (cryptography + padding)": lambda: pure.aes256_cbc_encrypt(
                    aes_key, aes_iv, msg112
                ),
            },
            "olmpy native (AES-NI)",
        ),
        Primitive(
            "HMAC-SHA-256 200 B",
            {
                "olmpy native": lambda: native.hmac_sha256(mac_key, msg200),
                "stdlib hmac.digest": lambda: hmac.digest(mac_key, msg200, "sha256"),
            },
            "olmpy native",
        ),
        Primitive(
            "HKDF-SHA-256 80 B out (Megolm keys)",
            {
                "olmpy native": lambda: native.hkdf_sha256(
                    b"", msg112 + msg112[:16], b"MEGOLM_KEYS", 80
                ),
                "olmpy pure (stdlib hmac)": lambda: pure.hkdf_sha256(
                    b"", msg112 + msg112[:16], b"MEGOLM_KEYS", 80
                ),
            },
            "olmpy native",
        ),
        Primitive(
            "base64 encode 200 B (unpadded str)",
            {
                "olmpy native": lambda: native.b64_encode(msg200).encode(),
                "stdlib binascii": lambda: (
                    binascii.b2a_base64(msg200, newline=False).decode("ascii").rstrip("=").encode()
                ),
            },
            "olmpy native",
        ),
        Primitive(
            "base64 decode 200 B (strict)",
            {
                "olmpy native": lambda: native.b64_decode(b64_small, "x"),
                "stdlib binascii": lambda: binascii.a2b_base64(b64_small + "=", **_STRICT),
            },
            "olmpy native",
        ),
        Primitive(
            "base64 encode 64 KiB (unpadded str)",
            {
                "olmpy native": lambda: native.b64_encode(msg64k).encode(),
                "stdlib binascii": lambda: (
                    binascii.b2a_base64(msg64k, newline=False).decode("ascii").rstrip("=").encode()
                ),
            },
            "olmpy native",
        ),
        Primitive(
            "base64 decode 64 KiB (strict)",
            {
                "olmpy native": lambda: native.b64_decode(b64_big, "x"),
                "stdlib binascii": lambda: binascii.a2b_base64(b64_big + "==", **_STRICT),
            },
            "olmpy native",
        ),
        Primitive(
            "SHA-256 64 KiB",
            {
                "olmpy native": lambda: native.sha256(msg64k),
                "stdlib hashlib": lambda: hashlib.sha256(msg64k).digest(),
            },
            "olmpy native",
        ),
        Primitive(
            "SHA-256 200 B",
            {
                "olmpy native": lambda: native.sha256(msg200),
                "stdlib hashlib": lambda: hashlib.sha256(msg200).digest(),
            },
            "olmpy native",
        ),
    ]


def check(p: Primitive) -> None:
    """All candidates give the same bytes (X25519 and Ed25519 are deterministic)."""
    outs = {name: bytes(fn()) for name, fn in p.candidates.items()}
    if len(set(outs.values())) != 1:
        raise SystemExit(f"{p.label}: candidates disagree: {sorted(outs)}")


def _sample(fn: Callable[[], bytes], loops: int) -> int:
    it = range(loops)
    gc.disable()
    try:
        t0 = perf_counter_ns()
        for _ in it:
            fn()
        return perf_counter_ns() - t0
    finally:
        gc.enable()


def _calibrate(fn: Callable[[], bytes], target_ns: int) -> int:
    _sample(fn, 1)
    loops = 1
    while True:
        t = max(_sample(fn, loops), 1)
        if t >= target_ns // 4:
            return max(1, -(-loops * target_ns // t))
        loops *= 4


def measure(p: Primitive, reps: int, target_ns: int) -> dict[str, float]:
    names = list(p.candidates)
    loops = {n: _calibrate(p.candidates[n], target_ns) for n in names}
    xs: dict[str, list[float]] = {n: [] for n in names}
    for r in range(reps):
        for i in range(len(names)):
            n = names[(r + i) % len(names)]
            xs[n].append(_sample(p.candidates[n], loops[n]) / loops[n] / 1000.0)
    return {n: statistics.median(v) for n, v in xs.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Times olmpy's primitive choices side by side.")
    ap.add_argument("--quick", action="store_true", help="smoke run: few, short samples")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = ap.parse_args(argv)
    reps, target_ns = (3, 100_000) if args.quick else (61, 1_000_000)

    print(
        f"native AES-NI: {native.has_aesni()}, SHA-NI: {native.has_shani()}; "
        f"medians of {reps} interleaved samples, µs per call"
    )
    rows: list[tuple[Primitive, dict[str, float]]] = []
    for p in primitives():
        check(p)
        rows.append((p, measure(p, reps, target_ns)))

    width = max(len(n) for p, _ in rows for n in p.candidates)
    results: list[dict[str, Any]] = []
    for p, res in rows:
        best = min((n for n in res if n not in p.reference), key=res.__getitem__)
        print(f"\n{p.label}")
        for name, us in sorted(res.items(), key=lambda kv: kv[1]):
            marks = (
                (" fastest" if name == best else f" {us / res[best]:.2f}x")
                + (" <- olmpy uses" if name == p.used else "")
                + (" (reference only)" if name in p.reference else "")
            )
            print(f"  {name.ljust(width)} {us:9.2f}{marks}")
        results.append({"primitive": p.label, "us": res, "fastest": best, "olmpy_uses": p.used})
    print()
    mismatched = 0
    for r in results:
        ratio = r["us"][r["olmpy_uses"]] / r["us"][r["fastest"]]
        r["olmpy_choice_vs_fastest"] = ratio
        if ratio > 1 + TOLERANCE:
            mismatched += 1
            print(
                f"NOTE: {r['primitive']}: olmpy uses {r['olmpy_uses']}, "
                f"{ratio:.2f}x the fastest here ({r['fastest']})"
            )
    if not mismatched:
        print(f"olmpy's choice is within {TOLERANCE:.0%} of the fastest for every primitive.")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                {"reps": reps, "sample_target_ns": target_ns, "results": results}, f, indent=2
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

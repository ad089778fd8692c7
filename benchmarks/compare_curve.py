"""olmpy's curve code in its three modes, beside libsodium and vodozemac (dalek).

The fixed-base multiplications on secrets (Ed25519 and X25519 public keys, the r*B of
signing) run in olmpy's own code (_native/curve25519.c): four lanes wide with AVX-512 IFMA
where the CPU has it, else in radix 2^64 with MULX/ADX where the CPU has BMI2, ADX and
AVX2, else 64-bit scalar code in radix 2^51.  OLMPY_NO_IFMA=1 and OLMPY_NO_MULX=1 turn the
first two off (the "radix 2^51" mode sets both) and OLMPY_CURVE=sodium forces libsodium's.
The mode is fixed when the native core loads, so this script runs one child process per
mode.  Each child times, interleaved in one
process, olmpy in its mode and the peers: PyNaCl (libsodium) for the primitives, and
vodozemac (curve25519-dalek) for the primitives it exposes and for the operations of
issue 17's table.  The parent prints one table with every mode's median and ratio.

Ratios are olmpy time / peer time, both measured in the same child.

Run: ``python benchmarks/compare_curve.py [--quick] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MODES: tuple[tuple[str, dict[str, str]], ...] = (
    ("own", {}),
    ("own radix 2^51", {"OLMPY_NO_IFMA": "1", "OLMPY_NO_MULX": "1"}),
    ("libsodium", {"OLMPY_CURVE": "sodium"}),
)
Runner = Callable[[], object]


def primitive_rows() -> list[tuple[str, dict[str, Runner]]]:
    """(row, {implementation: one call}) for the primitives."""
    import nacl.bindings as sodium
    import nacl.signing
    import vodozemac

    from olmpy.hazmat import primitives as p

    secret = os.urandom(32)
    seed = os.urandom(32)
    peer_public = sodium.crypto_scalarmult_base(os.urandom(32))
    message = b"m" * 100
    my_key = p.Ed25519SigningKey.from_seed(seed)
    nacl_key = nacl.signing.SigningKey(seed)
    vz_account = vodozemac.Account()
    return [
        ("X25519 public key from a secret", {
            "olmpy": lambda: p.x25519_public(secret),
            "libsodium": lambda: sodium.crypto_scalarmult_base(secret),
            "vodozemac": lambda: vodozemac.Curve25519SecretKey.from_bytes(secret).public_key(),
        }),
        ("X25519 key generation (random secret + public key)", {
            "olmpy": lambda: p.x25519_public(os.urandom(32)),
            "libsodium": lambda: sodium.crypto_box_keypair(),
            "vodozemac": lambda: vodozemac.Curve25519SecretKey().public_key(),
        }),
        ("Ed25519 key pair from a seed", {
            "olmpy": lambda: p.Ed25519SigningKey.from_seed(seed),
            "libsodium": lambda: sodium.crypto_sign_seed_keypair(seed),
        }),
        ("Ed25519 sign 100 B", {
            "olmpy": lambda: my_key.sign(message),
            "libsodium": lambda: nacl_key.sign(message),
            "vodozemac": lambda: vz_account.sign(message),
        }),
        ("X25519 agreement (olmpy: own four-lane code, else libsodium)", {
            "olmpy": lambda: p.x25519(secret, peer_public),
            "libsodium": lambda: sodium.crypto_scalarmult(secret, peer_public),
        }),
    ]


# compare.py's operations that issue 17's table names, and the PK and SAS rows.
COMPARE_OPS = ("outbound", "encrypt_100", "olm_account", "olm_one_time_keys", "olm_outbound",
               "olm_inbound", "olm_ratchet")
PK_ROWS = ("PK encrypt 100 B -> base64", "backup one session (KeyBackupData)")
SAS_ROWS = ("Sas() + diffie_hellman (key from base64)",)


def child(quick: bool) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import compare
    import compare_pk
    import compare_sas
    from _harness import medians_us

    from olmpy import _nativebinding

    rounds, target_s = (7, 0.0002) if quick else (61, 0.001)
    out: dict[str, Any] = {"curve_impl": _nativebinding.curve_impl(), "rows": {}}
    for name, impls in primitive_rows():
        out["rows"][name] = medians_us(impls, rounds, target_s)
    compare.IMPLS = tuple(i for i in compare.IMPLS if i[0] in ("olmpy native", "vodozemac"))
    wire = compare.make_wire()
    for op in compare.OPS:
        if op.key in COMPARE_OPS:
            res = compare.measure(op, wire, rounds, int(target_s * 1e9))
            out["rows"][op.label] = {"olmpy": res["olmpy native"]["median_us"],
                                     "vodozemac": res["vodozemac"]["median_us"]}
    for name, impls in [*compare_pk.rows(), *compare_sas.rows()]:
        if name in PK_ROWS or name in SAS_ROWS:
            out["rows"][name] = medians_us(
                {k: v for k, v in impls.items() if k in ("olmpy", "vodozemac")}, rounds, target_s)
    return out


IMPL_NAMES = {0: "libsodium", 1: "own, 64-bit scalar (radix 2^51)",
              2: "own, four lanes (AVX-512 IFMA)", 3: "own, radix 2^64 (MULX/ADX)"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="few, short samples (a smoke run)")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.quick)))
        return 0
    results: dict[str, dict[str, Any]] = {}
    for mode, env in MODES:
        done = subprocess.run(
            [sys.executable, __file__, "--child", *(["--quick"] if args.quick else [])],
            env={**os.environ, **env}, capture_output=True, text=True, check=True)
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    for mode, _ in MODES:
        impl = IMPL_NAMES[results[mode]["curve_impl"]]
        print(f"mode {mode!r}: olmpy's fixed-base code is {impl}")
    modes = [m for m, _ in MODES]
    print()
    heads = " | ".join(f"olmpy {m} µs (ratio)" for m in modes)
    print(f"| operation | peer | peer µs | {heads} |")
    print("|---|---|--:|" + "--:|" * len(modes))
    for name in results["own"]["rows"]:
        for peer in results["own"]["rows"][name]:
            if peer == "olmpy":
                continue
            cells = []
            for m in modes:
                r = results[m]["rows"][name]
                cells.append(f"{r['olmpy']:,.1f} ({r['olmpy'] / r[peer]:.2f})")
            theirs = results["own"]["rows"][name][peer]
            print(f"| {name} | {peer} | {theirs:,.1f} | " + " | ".join(cells) + " |")
    print("\nratio = olmpy / peer, both timed in the same process; peer µs from the 'own' run.")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

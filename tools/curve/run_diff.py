"""Build and run tools/curve/diff_test.c: olmpy's own curve code against libsodium.

    python tools/curve/run_diff.py [N] [--seed S] [--bench [ROUNDS]] [--sanitize] [--emulate]

N random inputs per function (default 10^4, the CI size; the documented long run is 10^6),
plus the edge scalars and u-coordinates and the RFC 8032 / RFC 7748 vectors, then
Wycheproof's x25519_test.json (../shared/wycheproof, or OLMPY_WYCHEPROOF_DIR) when present.
--bench prints median ns per call, olmpy and libsodium interleaved.  --sanitize builds with
ASan and UBSan.  --emulate builds the four-lane fixed-base code with its operations
emulated in C (the build the constant-time check runs); OLMPY_NO_IFMA=1 in the environment
turns the four-lane code off, and OLMPY_NO_MULX=1 the radix-2^64 MULX/ADX code, leaving the
64-bit scalar code in radix 2^51.  libsodium is PyNaCl's (the module olmpy's core is coupled to).
Exit status 0 only when everything agrees.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NATIVE = ROOT / "_native"
WYCHEPROOF = Path(os.environ.get("OLMPY_WYCHEPROOF_DIR") or ROOT.parent / "shared" / "wycheproof")


def build(out: Path, sanitize: bool, emulate: bool = False) -> Path:
    gcc = shutil.which("gcc") or "cc"
    exe = out / "diff_test"
    flags = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-g"] if sanitize else []
    if emulate:
        flags.append("-DOLMPY_CURVE_V4_EMULATE")
    sources = [*map(str, sorted(NATIVE.glob("*.c"))), str(ROOT / "tools" / "curve" / "diff_test.c")]
    # OLMPY_CURVE_TESTHOOKS: the harness also compares the two field inversions
    subprocess.run([gcc, "-O3", "-std=c11", "-D_GNU_SOURCE", "-Wall", f"-I{NATIVE}",
                    '-DOLMPY_VERSION_STRING="diff"', "-DOLMPY_CURVE_TESTHOOKS", *flags,
                    *sources, "-o", str(exe), "-ldl", "-rdynamic"], check=True)
    return exe


def wycheproof_lines() -> str | None:
    path = WYCHEPROOF / "x25519_test.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return "".join(f"{t['private']} {t['public']} {t['shared']} {t['result']}\n"
                   for g in data["testGroups"] for t in g["tests"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10_000)
    ap.add_argument("--seed", default=None)
    ap.add_argument("--bench", nargs="?", const=101, type=int, default=None)
    ap.add_argument("--sanitize", action="store_true")
    ap.add_argument("--emulate", action="store_true")
    ap.add_argument("--build-dir", type=Path, default=None,
                    help="build diff_test here and reuse one already built there (the same "
                         "flags each time: the path selection is run-time, by environment)")
    args = ap.parse_args()
    import nacl._sodium

    sodium = nacl._sodium.__file__
    env = {**os.environ}
    if args.sanitize:  # libsodium is not instrumented; PyNaCl's module is loaded by dlopen
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    with tempfile.TemporaryDirectory() as tmp:
        if args.build_dir is not None:
            args.build_dir.mkdir(parents=True, exist_ok=True)
            exe = args.build_dir / "diff_test"
            if not exe.exists():
                build(args.build_dir, args.sanitize, args.emulate)
        else:
            exe = build(Path(tmp), args.sanitize, args.emulate)
        if args.bench is not None:
            return subprocess.run([str(exe), sodium, "bench", str(args.bench)], env=env).returncode
        cmd = [str(exe), sodium, "diff", str(args.n)] + ([args.seed] if args.seed else [])
        rc = subprocess.run(cmd, env=env).returncode
        lines = wycheproof_lines()
        if lines is None:
            print(f"wycheproof x25519: {WYCHEPROOF} absent, skipped")
        else:
            sys.stdout.flush()
            rc |= subprocess.run([str(exe), sodium, "wycheproof"], input=lines, text=True,
                                 env=env).returncode
        print("OK" if rc == 0 else "FAILED")
        return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

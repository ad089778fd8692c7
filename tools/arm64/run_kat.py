"""The ARM64 known-answer run (issue 16, SPEC.md section 8): builds tools/arm64/kat.c
twice and runs it under qemu-aarch64.

1. Writes kat_vectors.h from vectors/ (make_kat_vectors.py, with this Python, which must
   import olmpy and PyNaCl: CI's .venv).
2. Builds the harness natively (x86-64) with -DKAT_RECORD against PyNaCl's libsodium and runs
   it: the native answers are checked too, and every libsodium call is recorded.
3. Cross-builds it for aarch64 (aarch64-linux-gnu-gcc -O3 -static, the core's own flags
   otherwise) and runs it under qemu-aarch64 three times: with the CPU's extensions (qemu's
   default CPU has AES, SHA-2 and NEON), with OLMPY_NO_SHANI and OLMPY_NO_NEON (portable
   SHA-256 and base64; AES has no portable path by design), and with OLMPY_NO_AESNI as well
   (the AES functions must answer OLMPY_E_NO_AES).

Installs gcc-aarch64-linux-gnu, qemu-user and libc6-dev-arm64-cross with apt-get when they are
missing and this runs as root; fails otherwise.  Exit status 0 only if every run passed.
Usage: run_kat.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NATIVE = ROOT / "_native"
CROSS_CC = "aarch64-linux-gnu-gcc"
QEMU = "qemu-aarch64"
PACKAGES = ["gcc-aarch64-linux-gnu", "qemu-user", "libc6-dev-arm64-cross"]
RUNS = [
    ("crypto extensions", {}),
    ("portable SHA-256 and base64", {"OLMPY_NO_SHANI": "1", "OLMPY_NO_NEON": "1"}),
    ("no hardware AES", {"OLMPY_NO_AESNI": "1", "OLMPY_NO_SHANI": "1", "OLMPY_NO_NEON": "1"}),
]


def _have_tools() -> bool:
    if not (shutil.which(CROSS_CC) and shutil.which(QEMU)):
        return False
    return Path("/usr/aarch64-linux-gnu/lib/libc.a").exists()


def ensure_tools() -> None:
    if _have_tools():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(
            f"run_kat: {CROSS_CC}, {QEMU} or the arm64 libc are missing, and apt-get "
            "cannot be used here (needs root on Debian)"
        )
    print("run_kat: installing " + " ".join(PACKAGES), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES],
    ):
        if subprocess.run(["timeout", "300", *cmd], env=env).returncode != 0:
            sys.exit("run_kat: " + " ".join(cmd) + " failed")
    if not _have_tools():
        sys.exit("run_kat: the cross compiler or qemu-aarch64 is still missing")


def run(cmd: list[str], **kw: object) -> None:
    result = subprocess.run(cmd, timeout=120, **kw)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.exit(f"run_kat: {' '.join(map(str, cmd))} exited with {result.returncode}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build in this directory and keep it")
    args = parser.parse_args()
    start = time.monotonic()
    ensure_tools()
    work = args.keep or Path(tempfile.mkdtemp(prefix="olmpy-arm64-kat-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        run([sys.executable, str(HERE / "make_kat_vectors.py"), str(work / "kat_vectors.h")])
        sources = sorted(str(p) for p in NATIVE.glob("*.c"))
        common = [
            "-std=c11",
            "-Wall",
            "-Werror",
            "-D_GNU_SOURCE",
            f"-I{NATIVE}",
            f"-I{work}",
            '-DOLMPY_VERSION_STRING="arm64-kat"',
            str(HERE / "kat.c"),
            *sources,
        ]
        import nacl._sodium as sodium_module  # the libsodium PyNaCl ships (its own copy)

        run(
            [
                "gcc",
                "-O2",
                "-rdynamic",
                "-DKAT_RECORD",
                *common,
                "-ldl",
                "-o",
                str(work / "kat_x86_64"),
            ]
        )
        print("== x86-64, native (records the libsodium answers)", flush=True)
        # OLMPY_NO_IFMA: the curve code takes the path aarch64 takes (64-bit, with libsodium's
        # X25519 agreement), so the libsodium calls recorded are the ones replayed there.
        run([str(work / "kat_x86_64"), sodium_module.__file__, str(work / "answers.txt")],
            env={**os.environ, "OLMPY_NO_IFMA": "1"})
        # The core's release flags (-O3, as _native/build.py), static so that qemu needs no
        # aarch64 sysroot at run time.
        run([CROSS_CC, "-O3", "-static", *common, "-o", str(work / "kat_aarch64")])
        failed = 0
        for title, extra in RUNS:
            print(
                f"== aarch64 under {QEMU}: {title} "
                f"({' '.join(f'{k}=1' for k in extra) or 'no overrides'})",
                flush=True,
            )
            env = {k: v for k, v in os.environ.items() if not k.startswith("OLMPY_NO_")}
            env.update(extra)
            code = subprocess.run(
                [QEMU, str(work / "kat_aarch64"), str(work / "answers.txt")], env=env, timeout=120
            ).returncode
            failed += code != 0
        print(f"run_kat: {'FAIL' if failed else 'ok'} in {time.monotonic() - start:.1f} s")
        return 1 if failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

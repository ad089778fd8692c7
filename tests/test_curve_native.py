"""olmpy's own curve code (_native/curve25519.c, issue 17) held to libsodium and to the
constant-time check, in CI.

* A bounded differential run (tools/curve/run_diff.py, 10^4 random inputs per function
  plus the edge scalars, RFC 8032 / RFC 7748 vectors and Wycheproof's X25519 file); the
  documented long run is 10^6 (SPEC.md section 28).
* The checker catches what it must: a copy of curve25519.c with a planted secret-dependent
  branch in the table lookup is built into tests/ct_core.c and must be reported, so a
  check that silently stopped seeing the curve code would fail here.

Skipped without gcc (and valgrind for the second), except in CI (CI=true) unless the run
has no compiler on purpose (OLMPY_EXPECT_NO_COMPILER=1), like tests/test_ct_core.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import needs
import pytest

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "_native"


def _require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if "valgrind" in tools and not Path("/usr/include/valgrind/memcheck.h").exists():
        missing.append("valgrind headers")
    if missing:
        if os.environ.get("CI") and not os.environ.get("OLMPY_EXPECT_NO_COMPILER"):
            pytest.fail(f"CI needs {', '.join(missing)} for the curve checks")
        pytest.skip(f"needs {', '.join(missing)}")


def _cpu_has(*wanted: str) -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return all(f" {flag}" in flags for flag in wanted)


def _has_ifma() -> bool:
    return _cpu_has("avx512f", "avx512vl", "avx512ifma")


def _has_mulx() -> bool:
    return _cpu_has("avx2", "bmi2", "adx")


MULX_PATH = "64-bit radix 2^64 (MULX/ADX)"
SCALAR_PATH = "64-bit scalar"
NO_CURVE_ENV = ("OLMPY_NO_IFMA", "OLMPY_NO_MULX", "OLMPY_CURVE")

# (arguments, environment, the fixed-base path diff_test must report; None: the CPU's best)
DIFF_RUNS = {
    "shipped": (["10000"], {}, None),
    "no-ifma": (["3000"], {"OLMPY_NO_IFMA": "1"}, "mulx-or-scalar"),
    "radix-2^51": (["3000"], {"OLMPY_NO_IFMA": "1", "OLMPY_NO_MULX": "1"}, SCALAR_PATH),
    "four-lane-emulated": (["3000", "--emulate"], {}, "four lanes (IFMA emulated in C)"),
}


@pytest.fixture(scope="module")
def diff_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of diff_test for the runs that differ only in their environment (and
    one for --emulate): run_diff.py --build-dir reuses it."""
    return tmp_path_factory.mktemp("diff_builds")


@pytest.mark.parametrize("run", sorted(DIFF_RUNS))
def test_differential_against_libsodium_bounded(run: str, diff_builds: Path) -> None:
    _require("gcc")
    args, env, path = DIFF_RUNS[run]
    build_dir = diff_builds / ("emulated" if "--emulate" in args else "plain")
    args = [*args, "--build-dir", str(build_dir)]
    best = MULX_PATH if _has_mulx() else SCALAR_PATH
    if path is None:
        path = "four lanes (AVX-512 IFMA)" if _has_ifma() else best
    elif path == "mulx-or-scalar":
        path = best
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "curve" / "run_diff.py"), *args],
                          capture_output=True, text=True, timeout=900,
                          env={**{k: v for k, v in os.environ.items() if k not in NO_CURVE_ENV},
                               **env})
    assert done.returncode == 0 and done.stdout.rstrip().endswith("OK"), done.stdout + done.stderr
    assert "0 differ" in done.stdout and "DIFFERENCES" not in done.stdout, done.stdout
    assert f"fixed-base path: {path}\n" in done.stdout, done.stdout


PLANT = "    if (e == 0) /* planted: must be reported */\n        return;\n"
LADDER_PLANT = ("        if (bit) /* planted: must be reported */\n"
                "            __asm__ __volatile__(\"\");\n")
FIXED_BASE = ("olmpy_curve_ed25519_pubkey_from_seed", "olmpy_curve_ed25519_base",
              "olmpy_curve_x25519_base", "olmpy_curve_x25519_base_batch",
              "olmpy_curve_ed25519_x25519_base")
# (file, the line the plant goes after, the plant, the function valgrind must name, extra
# defines, the harness lines that must report)
PLANTS = {
    "64-bit": ("curve25519.c", "    uint64_t acc[15], m0 = -ceq(mag, 0);\n", PLANT, "cselect",
               [], FIXED_BASE),
    "four-lane": ("curve25519_v4.h", "    const v4 one = v4_set(1, 1, 0, 2);\n", PLANT,
                  "v4_select", ["-DOLMPY_CURVE_V4_EMULATE"], FIXED_BASE),
    "mulx": ("curve25519_mulx.h",
             "    const __m256i m0 = _mm256_set1_epi64x((long long)-ceq(mag, 0));\n", PLANT,
             "mulx_select", ["-DOLMPY_CURVE_MULX_FORCE"], FIXED_BASE),
    "inversion": ("curve25519.c", "        uint64_t c2 = -(g & 1);               /* g odd */\n",
                  LADDER_PLANT.replace("(bit)", "(c2)"), "cdivsteps62", [], FIXED_BASE),
    "four-lane-ladder": ("curve25519_v4.h", "        swap = bit;\n", LADDER_PLANT, "v4_ladder",
                         ["-DOLMPY_CURVE_V4_EMULATE"],
                         ("olmpy_curve_x25519", "olmpy_x25519+public_batch", "olmpy_pk_encrypt")),
}


@pytest.mark.parametrize("path", sorted(PLANTS))
def test_ct_check_reports_a_planted_branch(tmp_path: Path, path: str) -> None:
    _require("gcc", "valgrind")
    import nacl._sodium

    name, anchor, plant, function, defines, reporting = PLANTS[path]
    source = (NATIVE / name).read_text()
    assert source.count(anchor) == 1, "the plant's anchor moved: update this test"
    # A copy of _native with the one file planted; the shipped files are untouched.
    copy = tmp_path / "native"
    shutil.copytree(NATIVE, copy)
    (copy / name).write_text(source.replace(anchor, anchor + plant))
    sources = [str(p) for p in sorted(copy.glob("*.c"))] + [str(ROOT / "tests" / "ct_core.c")]
    exe = tmp_path / "ct_core_planted"
    build = subprocess.run(
        ["gcc", "-O3", "-g", "-std=c11", "-D_GNU_SOURCE", f"-I{copy}", *defines,
         '-DOLMPY_VERSION_STRING="ct"', *sources, "-o", str(exe), "-ldl", "-rdynamic",
         "-Wl,--wrap=olmpy_ct_equal", "-Wl,--wrap=olmpy_aes256_cbc_decrypt",
         "-Wl,--wrap=olmpy_curve_ed25519_base", "-Wl,--wrap=olmpy_curve_ed25519_x25519_base",
         "-Wl,--wrap=olmpy_curve_x25519"],
        capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    done = subprocess.run(
        ["valgrind", "-q", f"--suppressions={ROOT / 'tests' / 'ct_core.supp'}",
         "--error-exitcode=9", str(exe), nacl._sodium.__file__],
        capture_output=True, text=True, timeout=600)
    lines = dict(line.rsplit(None, 1) for line in done.stdout.splitlines()[1:-1])
    assert done.returncode == 9, done.stdout + done.stderr
    for fn in reporting:
        assert int(lines[fn]) > 0, done.stdout
    assert function in done.stderr, done.stderr[-2000:]


_MODE_SCRIPT = """
import os, sys
import nacl.bindings as s
import nacl.signing
from olmpy import _nativebinding as n
from olmpy.hazmat import primitives as p
print(n.curve_impl())
for i in range(200):
    secret, seed, msg = os.urandom(32), os.urandom(32), os.urandom(i)
    assert p.x25519_public(secret) == s.crypto_scalarmult_base(secret), secret.hex()
    key = p.Ed25519SigningKey.from_seed(seed)
    assert key.public == s.crypto_sign_seed_keypair(seed)[0], seed.hex()
    assert key.sign(msg) == nacl.signing.SigningKey(seed).sign(msg).signature, seed.hex()
print("ok")
"""


# environment -> olmpy_curve_impl (None: 2 with IFMA, else 3 with MULX/ADX, else 1;
# -1: 3 with MULX/ADX, else 1)
MODES = {"default": ({}, None), "no-ifma": ({"OLMPY_NO_IFMA": "1"}, -1),
         "radix-2^51": ({"OLMPY_NO_IFMA": "1", "OLMPY_NO_MULX": "1"}, 1),
         "sodium": ({"OLMPY_CURVE": "sodium"}, 0)}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_each_mode_makes_libsodiums_keys_and_signatures(mode: str) -> None:
    """Through the public API, in each mode the core can be put in: the mode the core
    reports, and public keys and signatures equal to PyNaCl's for 200 random inputs."""
    needs.native()
    extra, impl = MODES[mode]
    best = 3 if _has_mulx() else 1
    if impl is None:
        impl = 2 if _has_ifma() else best
    elif impl == -1:
        impl = best
    env = {k: v for k, v in os.environ.items() if k not in NO_CURVE_ENV}
    done = subprocess.run([sys.executable, "-c", _MODE_SCRIPT], capture_output=True, text=True,
                          timeout=300, env={**env, **extra, "OLMPY_BACKEND": "native"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(impl), "ok"], done.stdout

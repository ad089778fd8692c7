"""olmpy's own curve code (_native/curve25519.c, issue 17) held to libsodium and to the
constant-time check, in CI.

* A bounded differential run (tools/curve/run_diff.py, 10^4 random inputs per function
  plus the edge scalars, RFC 8032 / RFC 7748 vectors and Wycheproof's X25519 file); the
  documented long run is 10^6 (_native/CURVE_STATUS.md).
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


def test_differential_against_libsodium_bounded() -> None:
    _require("gcc")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "curve" / "run_diff.py"), "10000"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and done.stdout.rstrip().endswith("OK"), done.stdout + done.stderr
    assert "0 differ" in done.stdout and "DIFFERENCES" not in done.stdout, done.stdout


PLANT_AFTER = "    uint64_t acc[15], m0 = -ceq(mag, 0);\n"
PLANT = "    if (e == 0) /* planted: must be reported */\n        return;\n"


def test_ct_check_reports_a_planted_branch(tmp_path: Path) -> None:
    _require("gcc", "valgrind")
    import nacl._sodium

    source = (NATIVE / "curve25519.c").read_text()
    assert source.count(PLANT_AFTER) == 1, "the plant's anchor moved: update this test"
    (tmp_path / "curve25519.c").write_text(source.replace(PLANT_AFTER, PLANT_AFTER + PLANT))
    sources = [str(p) for p in sorted(NATIVE.glob("*.c")) if p.name != "curve25519.c"]
    sources += [str(tmp_path / "curve25519.c"), str(ROOT / "tests" / "ct_core.c")]
    exe = tmp_path / "ct_core_planted"
    build = subprocess.run(
        ["gcc", "-O3", "-g", "-std=c11", "-D_GNU_SOURCE", f"-I{NATIVE}",
         '-DOLMPY_VERSION_STRING="ct"', *sources, "-o", str(exe), "-ldl", "-rdynamic",
         "-Wl,--wrap=olmpy_ct_equal", "-Wl,--wrap=olmpy_aes256_cbc_decrypt",
         "-Wl,--wrap=olmpy_curve_ed25519_base", "-Wl,--wrap=olmpy_curve_ed25519_x25519_base"],
        capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    done = subprocess.run(
        ["valgrind", "-q", f"--suppressions={ROOT / 'tests' / 'ct_core.supp'}",
         "--error-exitcode=9", str(exe), nacl._sodium.__file__],
        capture_output=True, text=True, timeout=600)
    lines = dict(line.rsplit(None, 1) for line in done.stdout.splitlines()[1:-1])
    assert done.returncode == 9, done.stdout + done.stderr
    for name in ("olmpy_curve_ed25519_pubkey_from_seed", "olmpy_curve_ed25519_base",
                 "olmpy_curve_x25519_base", "olmpy_curve_x25519_base_batch",
                 "olmpy_curve_ed25519_x25519_base"):
        assert int(lines[name]) > 0, done.stdout
    assert "cselect" in done.stderr, done.stderr[-2000:]

"""Constant-time check of every secret-touching native function (SPEC.md section 27):
tests/ct_core.c marks secrets undefined and runs the C core under valgrind memcheck, which
reports any branch or memory address computed from them (the ctgrind method).  The bar is
zero reports outside the exemptions of tests/ct_core.supp.  Skipped without gcc, valgrind
and its headers, except in CI (CI=true), where they are required unless the run has no
compiler on purpose (OLMPY_EXPECT_NO_COMPILER=1, tests/needs.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "_native"
SUPP = ROOT / "tests" / "ct_core.supp"


def _build(tmp_path_factory: pytest.TempPathFactory, *defines: str,
           native: Path = NATIVE) -> list[str]:
    gcc, valgrind = shutil.which("gcc"), shutil.which("valgrind")
    if gcc is None or valgrind is None or not Path("/usr/include/valgrind/memcheck.h").exists():
        if os.environ.get("CI") and not os.environ.get("OLMPY_EXPECT_NO_COMPILER"):
            pytest.fail("CI needs gcc, valgrind and valgrind's headers for the CT check")
        pytest.skip("needs gcc, valgrind and valgrind's headers")
    import nacl._sodium

    out = tmp_path_factory.mktemp("ct")
    # The package's optimisation level (-O3), so the code checked is the code shipped.
    sources = [*map(str, sorted(native.glob("*.c"))), str(ROOT / "tests" / "ct_core.c")]
    build = subprocess.run(
        [gcc, "-O3", "-g", "-std=c11", "-D_GNU_SOURCE", "-pthread", f"-I{native}",
         '-DOLMPY_VERSION_STRING="ct"', *defines, *sources, "-o", str(out / "ct_core"), "-ldl",
         "-rdynamic", "-Wl,--wrap=olmpy_ct_equal", "-Wl,--wrap=olmpy_aes256_cbc_decrypt",
         "-Wl,--wrap=olmpy_curve_ed25519_base", "-Wl,--wrap=olmpy_curve_ed25519_x25519_base",
         "-Wl,--wrap=olmpy_curve_x25519"],
        capture_output=True, text=True, timeout=600, cwd=out)
    assert build.returncode == 0, build.stderr
    return [valgrind, "-q", f"--suppressions={SUPP}", "--error-exitcode=9",
            str(out / "ct_core"), str(nacl._sodium.__file__)]


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return _build(tmp_path_factory)


@pytest.fixture(scope="module")
def harness_v4_emulated(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The four-lane (AVX-512 IFMA) curve code with its lane operations emulated in C:
    valgrind cannot run AVX-512, so this build is how that path's branches and addresses
    are checked (_native/curve25519_v4.h)."""
    return _build(tmp_path_factory, "-DOLMPY_CURVE_V4_EMULATE")


@pytest.fixture(scope="module")
def harness_mulx(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The radix-2^64 MULX/ADX fixed-base code (_native/curve25519_mulx.h) switched on
    without its CPUID test: valgrind runs MULX, ADCX and ADOX but hides ADX from CPUID, so
    the shipped build would take the radix-2^51 code under it."""
    return _build(tmp_path_factory, "-DOLMPY_CURVE_MULX_FORCE")


@pytest.fixture(scope="module")
def harness_shani_emulated(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """SHA-NI's three instructions emulated in C (_native/sha256_shani.h): valgrind cannot
    run them, so this build is how the fused attachment pass and the SHA-NI compression
    function are checked; AES-NI runs as shipped.  The split pass of whole files (a helper
    thread writing the output while the caller hashes) starts at 256 bytes here instead of
    4 MiB, so ct_core.c's sizes run both it and the one-thread pass."""
    return _build(tmp_path_factory, *SHANI_DEFINES)


SHANI_DEFINES = ("-DOLMPY_SHANI_EMULATE", "-DOLMPY_SPLIT_MIN=256")


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("env", [{}, {"OLMPY_NO_AVX2": "1", "OLMPY_NO_SHANI": "1"},
                                 {"OLMPY_CURVE": "sodium"}],
                         ids=["dispatched", "portable-sha", "sodium-curve"])
def test_secret_touching_functions_report_nothing(harness: list[str], env: dict[str, str]) -> None:
    """Every function line shows 0 reports, results are right, valgrind's exit is clean."""
    rc, out, err = run(harness, env)
    lines = dict(line.rsplit(None, 1) for line in out.splitlines()[1:-1])
    assert "total" in lines and len(lines) >= 20, out + err
    assert rc == 0 and out.rstrip().endswith("results ok") and lines["total"] == "0", out + err


@pytest.mark.parametrize("env", [{}, {"OLMPY_NO_AVX2": "1", "OLMPY_NO_SHANI": "1"}],
                         ids=["dispatched", "portable-sha"])
def test_four_lane_curve_path_reports_nothing(harness_v4_emulated: list[str],
                                              env: dict[str, str]) -> None:
    """The same check on the build whose fixed-base code runs four lanes wide."""
    rc, out, err = run(harness_v4_emulated, env)
    assert " curve_impl 2 " in out.splitlines()[0], out  # the four-lane path ran
    lines = dict(line.rsplit(None, 1) for line in out.splitlines()[1:-1])
    assert "total" in lines and len(lines) >= 20, out + err
    assert rc == 0 and out.rstrip().endswith("results ok") and lines["total"] == "0", out + err


@pytest.mark.parametrize("env", [{}, {"OLMPY_NO_AVX2": "1", "OLMPY_NO_SHANI": "1"}],
                         ids=["dispatched", "portable-sha"])
def test_mulx_curve_path_reports_nothing(harness_mulx: list[str], env: dict[str, str]) -> None:
    """The same check on the build whose fixed-base code runs in radix 2^64 (MULX/ADX)."""
    rc, out, err = run(harness_mulx, env)
    assert " curve_impl 3 " in out.splitlines()[0], out  # the MULX/ADX path ran
    lines = dict(line.rsplit(None, 1) for line in out.splitlines()[1:-1])
    assert "total" in lines and len(lines) >= 20, out + err
    assert rc == 0 and out.rstrip().endswith("results ok") and lines["total"] == "0", out + err


def test_plain_build_checks_the_64_bit_curve_path(harness: list[str]) -> None:
    """Under valgrind (no AVX-512) the shipped build runs its 64-bit curve code, so the
    cases above check that path; the emulated build checks the four-lane one."""
    rc, out, err = run(harness)
    assert rc == 0 and " curve_impl 1 " in out.splitlines()[0], out + err


@pytest.mark.xfail(strict=True, reason="known finding: vodozemac pickle JSON writes secret "
                   "bytes as decimal numbers, and pickle.c parses and prints them with "
                   "branches on the digits (SPEC.md section 27)")
def test_vodozemac_json_pickle_path(harness: list[str]) -> None:
    rc, out, err = run([*harness, "--known"])
    assert out.rstrip().endswith("results ok"), out + err
    assert rc == 0, out


def test_sha_ni_paths_report_nothing(harness_shani_emulated: list[str]) -> None:
    """The SHA-NI compression function and the fused attachment pass (AES-NI with SHA-NI,
    encrypt and decrypt, one-shot and streamed at every alignment) report nothing."""
    rc, out, err = run(harness_shani_emulated)
    assert " shani 1 " in out.splitlines()[0], out
    assert "attachment_fused 1" in out.splitlines(), out  # the fused pass ran
    lines = dict(line.rsplit(None, 1) for line in out.splitlines()[1:-1])
    assert lines["olmpy_attachment_encrypt+decrypt"] == "0", out
    assert rc == 0 and out.rstrip().endswith("results ok") and lines["total"] == "0", out + err


# A branch on a plaintext byte inside the fused pass, and one on a data byte in the split
# pass's writer: the check must report each.  (anchor, plant, the function valgrind must
# name, the harness lines that must report)
ATTACHMENT_PLANTS = {
    "fused": ("            _mm_storeu_si128(dst + 3, y3);\n",
              "            if (_mm_cvtsi128_si32(y0) & 1) /* planted: must be reported */\n"
              "                __asm__ __volatile__(\"\");\n",
              "fused_",
              ("olmpy_attachment_encrypt+decrypt", "olmpy_attachment_init+update+hash")),
    "split-writer": ("        out[i] = (uint8_t)(in[i] ^ ks[i & 15]);\n",
                     "        if (out[i] & 1) /* planted: must be reported */\n"
                     "            __asm__ __volatile__(\"\");\n",
                     "ctr_xor",
                     ("olmpy_attachment_encrypt+decrypt",)),
}


@pytest.mark.parametrize("where", sorted(ATTACHMENT_PLANTS))
def test_ct_check_reports_a_branch_planted_in_the_attachment_passes(
        tmp_path_factory: pytest.TempPathFactory, where: str) -> None:
    anchor, plant, function, reporting = ATTACHMENT_PLANTS[where]
    source = (NATIVE / "attachment.c").read_text()
    assert source.count(anchor) == 1, "the plant's anchor moved: update this test"
    copy = tmp_path_factory.mktemp("planted") / "native"
    shutil.copytree(NATIVE, copy)  # the shipped files are untouched
    (copy / "attachment.c").write_text(source.replace(anchor, anchor + plant))
    rc, out, err = run(_build(tmp_path_factory, *SHANI_DEFINES, native=copy))
    lines = dict(line.rsplit(None, 1) for line in out.splitlines()[1:-1])
    assert rc == 9, out + err
    for line in reporting:
        assert int(lines[line]) > 0, out
    assert function in err and "attachment.c" in err, err[-2000:]

"""The test suite and the fuzz corpora against the C core built with ASan and UBSan.

    python tools/sanitize.py [--keep DIR] [-- PYTEST ARGS...]

Copies the checkout (not .git, .venv, .ci) into a temporary directory, builds
olmpy._native there with ``OLMPY_SANITIZE=1`` (see _native/build.py:
-fsanitize=address,undefined -fno-sanitize-recover=all), then runs, with libasan
preloaded into the interpreter and leak detection off (CPython does not free everything
at exit):

1. pytest on the copy (native backend), the arguments after ``--`` added (default ``-q``);
2. every fuzz corpus through its target (fuzz/run.py replay), native backend.

Any ASan or UBSan finding aborts the process, which fails the step.  The checkout is not
touched; the temporary directory is removed unless ``--keep DIR`` names one to use.
Exit status: 0 when both steps pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".git", ".venv", ".ci", "build", "dist", ".hypothesis", ".mypy_cache", ".ruff_cache"}
# The constant-time checks build their own binaries and run valgrind, which cannot run
# under a preloaded ASan runtime; they have nothing to do with the sanitized extension.  The
# bounded differential runs also build their own (unsanitized) binary: the main suite runs
# them, and repeating them here would check nothing more.
NOT_UNDER_ASAN = ["tests/test_ct_decoders.py::test_native_decoders_do_not_depend_on_secrets",
                  "tests/test_ct_core.py",
                  "tests/test_curve_native.py::test_ct_check_reports_a_planted_branch",
                  "tests/test_curve_native.py::test_differential_against_libsodium_bounded"]


def _asan_runtime() -> str:
    out = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True,
                         text=True, check=True).stdout.strip()
    if not os.path.isabs(out):
        raise SystemExit("gcc does not know where libasan.so is (is ASan installed?)")
    return out


def build(tree: Path) -> Path:
    for src in sorted(ROOT.iterdir()):
        name = src.name
        if name in SKIPPED or name.endswith(".egg-info"):
            continue
        if src.is_dir():
            shutil.copytree(src, tree / name, ignore=shutil.ignore_patterns(
                "__pycache__", "*.so", "work", ".hypothesis"))
        elif src.exists():
            shutil.copy2(src, tree / name)
    env = {**os.environ, "OLMPY_SANITIZE": "1"}
    run = subprocess.run([sys.executable, "_native/build.py"], cwd=tree, env=env,
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout[-4000:], run.stderr[-4000:], sep="\n")
        raise SystemExit("sanitizer build failed")
    built = sorted((tree / "olmpy").glob("_native*.so"))
    if len(built) != 1 or "-fsanitize=address" not in run.stdout:
        raise SystemExit(f"expected one sanitized olmpy/_native*.so, got {built}")
    for leftover in tree.glob("olmpy._native.*"):
        leftover.unlink()
    return built[0]


def main(argv: list[str]) -> int:
    keep = None
    if "--keep" in argv:
        keep = Path(argv[argv.index("--keep") + 1])
    pytest_args = argv[argv.index("--") + 1 :] if "--" in argv else ["-q"]
    tree = keep or Path(tempfile.mkdtemp(prefix="olmpy-sanitize-"))
    tree.mkdir(parents=True, exist_ok=True)
    status = 0
    try:
        start = time.monotonic()
        so = build(tree)
        print(f"sanitizer build: {so.name} in {time.monotonic() - start:.0f}s", flush=True)
        env = {
            **os.environ,
            "LD_PRELOAD": _asan_runtime(),
            "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:halt_on_error=1",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
            "PYTHONPATH": str(tree),
            "OLMPY_BACKEND": "native",
            "PYTHONDONTWRITEBYTECODE": "1",
            # the copy has no ../shared next to it: point the Wycheproof tests at the one
            # beside this checkout
            "OLMPY_WYCHEPROOF_DIR": os.environ.get(
                "OLMPY_WYCHEPROOF_DIR", str(ROOT.parent / "shared" / "wycheproof")),
        }
        check = [sys.executable, "-c",
                 "import olmpy._native as n, sys; print(n.__file__); "
                 f"sys.exit(not n.__file__.startswith({str(tree)!r}))"]
        if subprocess.run(check, cwd=tree, env=env).returncode != 0:
            raise SystemExit("the sanitized extension is not the one imported")
        deselect = [a for item in NOT_UNDER_ASAN for a in ("--deselect", item)]
        start = time.monotonic()
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *deselect,
             *pytest_args], cwd=tree, env=env)
        print(f"sanitizer suite: exit {tests.returncode} in {time.monotonic() - start:.0f}s",
              flush=True)
        start = time.monotonic()
        corpora = subprocess.run([sys.executable, "fuzz/run.py", "replay"], cwd=tree, env=env,
                                 capture_output=True, text=True)
        print(corpora.stdout[-3000:] + corpora.stderr[-6000:])
        print(f"sanitizer corpora: exit {corpora.returncode} in "
              f"{time.monotonic() - start:.0f}s", flush=True)
        status = int(tests.returncode != 0 or corpora.returncode != 0)
    finally:
        if keep is None:
            shutil.rmtree(tree, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

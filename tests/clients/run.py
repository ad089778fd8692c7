#!/usr/bin/env python3
"""Run real Matrix clients' test suites against olmpy's drop-in modules.

The suites (unmodified, see ``../shared/clients/README.md``) are read from
``<checkout>/../shared/clients`` or ``$OLMPY_CLIENTS``.  Each runs in a fresh
temporary copy, in a child process whose bootstrap switches ``import vodozemac``
(or ``olm`` and ``_libolm``) to olmpy with ``olmpy.compat.install`` and checks,
before and after pytest, that the module really is olmpy's.  The outcome counts
must equal the README's baseline exactly.

    python tests/clients/run.py                 # all five suites on the drop-ins
    python tests/clients/run.py --only mautrix  # one suite (repeatable)
    python tests/clients/run.py --baseline      # the real modules: re-prove the baseline
    python tests/clients/run.py --e2e           # the suites, then the Synapse flows
    python tests/clients/run.py --e2e-only      # the Synapse flows alone
    python tests/clients/run.py --e2e-only --flow hs-check   # only olmpy hs-check's flow

Only the standard library is used here; the suites and flows run in venvs cached
under ``<checkout>/.ci/venvs`` (keyed by a hash of their requirement lists).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parents[1]
CACHE = CHECKOUT / ".ci" / "venvs"
SUITE_TIMEOUT = 600.0
PIP_TIMEOUT = 900.0

# The requirement lists of ../shared/clients/README.md.
VENVS: dict[str, list[str]] = {
    "clients": [
        "python-olm==3.2.16", "vodozemac==0.10.0", "matrix-nio[e2e]==0.26.0",
        "mautrix[encryption]==0.21.1", "aioresponses-ng", "faker", "hypothesis", "pytest",
        "pytest-asyncio", "pytest-aiohttp", "pytest-benchmark", "hpack", "hyperframe",
        "aiosqlite", "asyncpg", "pycryptodome", "unpaddedbase64", "base58", "ruamel.yaml",
        "future", "aspectlib",
    ],
    "nio025": [
        "matrix-nio[e2e]==0.25.2", "python-olm==3.2.16", "aiohttp<3.14", "aioresponses~=0.7",
        "faker~=8.0", "pytest~=8.2", "pytest-asyncio~=0.24", "pytest-aiohttp",
        "pytest-benchmark", "hypothesis", "hpack", "hyperframe",
    ],
    # The homeserver of the end-to-end flows (no olmpy in it).
    "synapse": ["matrix-synapse==1.163.2"],
}
OLMPY_VENVS = ("clients", "nio025")
HS_CHECK_FLOW = "hs-check"  # tests/clients/hs_check_flow.py

NIO_FILES = [
    "tests/encryption_test.py", "tests/sessions_test.py", "tests/sas_test.py",
    "tests/key_export_test.py",
]


@dataclass(frozen=True)
class Suite:
    name: str
    venv: str
    folder: str | None  # under the clients dir; None: the tests ship in the venv
    args: list[str]
    substitute: tuple[str, ...]  # modules switched to olmpy
    keep_real: tuple[str, ...] = ()  # modules that must stay the real ones
    passed: int = 0
    skipped: int = 0


SUITES: list[Suite] = [
    Suite("nio-0.26", "clients", "matrix-nio-0.26.0", ["--benchmark-disable", *NIO_FILES],
          ("vodozemac",), keep_real=("olm",), passed=80),
    Suite("vodozemac", "clients", "vodozemac-python-0.10-tests", ["tests"],
          ("vodozemac",), passed=36),
    Suite("python-olm", "clients", "python-olm-3.2.16-tests", ["--benchmark-disable", "tests"],
          ("olm", "_libolm"), passed=62),
    Suite("nio-0.25.2", "nio025", "matrix-nio-0.25.2", ["--benchmark-disable", *NIO_FILES],
          ("olm", "_libolm"), passed=74),
    # The README's command lacks asyncio_mode=auto: without it the async tests error out
    # (23 passed, 2 failed, 6 errors with the real modules).
    Suite("mautrix", "clients", None, ["-o", "asyncio_mode=auto", "--pyargs", "mautrix.crypto"],
          ("olm", "_libolm"), passed=29, skipped=2),
]

# Runs in the suite's child process.  argv[1] is a JSON config.  It prints one
# OLMPY-IDENTITY line per checked module, and refuses to run pytest when a module
# under test is not the expected one (olmpy's, or in baseline mode the real one).
BOOTSTRAP = r"""
import importlib, json, sys
cfg = json.loads(sys.argv[1])
import olmpy
import olmpy.compat as compat
if not olmpy.__file__.startswith(cfg["site"]):
    sys.exit("OLMPY-IDENTITY-FAIL olmpy imported from %s, not the venv" % olmpy.__file__)
print("OLMPY-IDENTITY olmpy", olmpy.__file__, flush=True)
if cfg["substitute"]:
    compat.install(*cfg["substitute"])
def check(stage):
    for name in cfg["substitute"]:
        mod = importlib.import_module(name)
        want = compat.DROP_INS[name]
        if mod is not sys.modules.get(want) or mod.__name__ != want:
            sys.exit(f"OLMPY-IDENTITY-FAIL {stage} {name}: {mod.__name__} is not olmpy's")
        where = getattr(mod, "__file__", "?")
        print("OLMPY-IDENTITY", stage, name, "->", mod.__name__, where, flush=True)
    for name in cfg["real"]:
        mod = importlib.import_module(name)
        where = getattr(mod, "__file__", "?")
        if mod.__name__.startswith("olmpy") or "olmpy" in str(where):
            sys.exit(f"OLMPY-IDENTITY-FAIL {stage} {name}: wanted the real one, got {where}")
        print("OLMPY-IDENTITY", stage, name, "-> real", where, flush=True)
check("before")
import pytest
rc = pytest.main(cfg["args"])
check("after")
sys.exit(int(rc))
"""


def banner(lines: list[str]) -> None:
    width = max(len(line) for line in lines) + 4
    print("\n" + "!" * width, file=sys.stderr)
    for line in lines:
        print(f"! {line.ljust(width - 4)} !", file=sys.stderr)
    print("!" * width + "\n", file=sys.stderr, flush=True)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def clients_dir() -> Path:
    env = os.environ.get("OLMPY_CLIENTS")
    return Path(env) if env else CHECKOUT.parent / "shared" / "clients"


def venv_key(name: str) -> str:
    data = json.dumps([sys.version_info[:2], VENVS[name]]).encode()
    return hashlib.sha256(data).hexdigest()[:16]


def run_logged(cmd: list[str], timeout: float, log: Path, **kw: object) -> int:
    """Run cmd with output to log; return its exit code (124 on time-out)."""
    with log.open("ab") as out:
        out.write(("\n$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, **kw)  # type: ignore[call-overload]
        try:
            return int(proc.wait(timeout=timeout))
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out.write(f"\n[timed out after {timeout:.0f}s]\n".encode())
            return 124


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def ensure_venv(name: str, log: Path) -> tuple[Path, float, bool]:
    """The venv's python, the seconds spent, and whether it was created now."""
    start = time.monotonic()
    root = CACHE / f"{name}-{venv_key(name)}"
    python = root / "bin" / "python"
    if (root / ".complete").exists() and python.exists():
        return python, time.monotonic() - start, False
    shutil.rmtree(root, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    if run_logged([sys.executable, "-m", "venv", str(root)], 300, log) != 0:
        raise SystemExit(f"creating the {name} venv failed; see {log}")
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if run_logged([*pip, *VENVS[name]], PIP_TIMEOUT, log) != 0:
        raise SystemExit(f"installing the {name} requirements failed; see {log}")
    (root / ".complete").write_text(json.dumps(VENVS[name]) + "\n")
    return python, time.monotonic() - start, True


def build_olmpy_wheel(dest: Path, log: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dest),
           str(CHECKOUT)]
    # Run from dest so nothing in the checkout is picked up by accident.
    if run_logged(cmd, PIP_TIMEOUT, log, cwd=str(dest)) != 0:
        raise SystemExit(f"building olmpy's wheel failed; see {log}")
    wheels = sorted(dest.glob("olmpy-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one olmpy wheel in {dest}, found {wheels}")
    return wheels[0]


def install_olmpy(python: Path, wheel: Path, log: Path) -> None:
    cmd = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
           "--force-reinstall", "--no-deps", str(wheel)]
    deps = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
            f"{wheel}"]
    # The first puts this checkout's olmpy in even when the version number is unchanged;
    # the second fetches olmpy's dependencies if the venv lacks them.
    if run_logged(cmd, PIP_TIMEOUT, log) != 0 or run_logged(deps, PIP_TIMEOUT, log) != 0:
        raise SystemExit(f"installing olmpy into {python} failed; see {log}")


def site_packages(python: Path) -> str:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60, cwd="/",
    )
    return out.stdout.strip()


def restore_git_symlinks(root: Path) -> list[str]:
    """Turn back into symlinks the files a symlink-less copy left holding a sibling's name.

    git stores a symlink as a blob holding its target; a copy made without symlink support
    leaves that text in a plain file (nio 0.26's ``libolm_session_pickle_v1.db``).
    """
    fixed = []
    for path in root.rglob("*"):
        if not path.is_file() or path.is_symlink() or path.stat().st_size > 255:
            continue
        data = path.read_bytes()
        if not data or b"\n" in data or b"/" in data or b"\0" in data:
            continue
        try:
            target = data.decode()
        except UnicodeDecodeError:
            continue
        if target != path.name and (path.parent / target).is_file():
            path.unlink()
            path.symlink_to(target)
            fixed.append(f"{path.relative_to(root)} -> {target}")
    return fixed


def copy_suite(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, symlinks=True)
    for path in [dest, *dest.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)


@dataclass
class Result:
    suite: Suite
    ran: bool = False
    passed: int = 0
    skipped: int = 0
    failed: int = 0
    errors: int = 0
    rc: int | None = None
    seconds: float = 0.0
    note: str = ""
    identity: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.ran and self.rc == 0 and self.failed == 0 and self.errors == 0
                and self.passed == self.suite.passed and self.skipped == self.suite.skipped)


def parse_junit(path: Path) -> tuple[int, int, int, int]:
    """passed, skipped, failed, errors summed over every <testsuite>."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = skipped = failed = errors = 0
    for s in suites:
        tests += int(s.get("tests", 0))
        skipped += int(s.get("skipped", 0))
        failed += int(s.get("failures", 0))
        errors += int(s.get("errors", 0))
    return tests - skipped - failed - errors, skipped, failed, errors


def run_suite(suite: Suite, python: Path, site: str, clients: Path | None, baseline: bool,
              logdir: Path) -> Result:
    res = Result(suite)
    with tempfile.TemporaryDirectory(prefix=f"olmpy-{suite.name}-") as tmp:
        work = Path(tmp) / "suite"
        if suite.folder is not None:
            assert clients is not None
            copy_suite(clients / suite.folder, work)
            fixed = restore_git_symlinks(work)
            if fixed:
                res.note = "restored symlink " + ", ".join(fixed)
        else:
            work.mkdir()
        junit = Path(tmp) / "junit.xml"
        cfg = {
            "site": site,
            "substitute": [] if baseline else list(suite.substitute),
            "real": list(suite.substitute if baseline else suite.keep_real),
            "args": ["-q", "-p", "no:cacheprovider", f"--junitxml={junit}", "-rfE",
                     *suite.args],
        }
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        log = logdir / f"{suite.name}.log"
        log.unlink(missing_ok=True)
        start = time.monotonic()
        res.rc = run_logged([str(python), "-c", BOOTSTRAP, json.dumps(cfg)], SUITE_TIMEOUT,
                            log, cwd=str(work), env=env)
        res.seconds = time.monotonic() - start
        text = log.read_text(errors="replace")
        res.identity = [line for line in text.splitlines() if line.startswith("OLMPY-IDENTITY")]
        failures = [line for line in res.identity if line.startswith("OLMPY-IDENTITY-FAIL")]
        if failures:
            res.note = failures[0]
            return res
        if res.rc == 124:
            res.note = f"timed out after {SUITE_TIMEOUT:.0f}s"
        if not junit.exists():
            last = [line for line in text.splitlines() if line.strip()][-1:] or ["no output"]
            res.note = res.note or f"no junit report (exit {res.rc}): {last[0][:120]}"
            return res
        res.passed, res.skipped, res.failed, res.errors = parse_junit(junit)
        # Ran: the identity checks before and after pytest both printed.
        stages = {line.split()[1] for line in res.identity if len(line.split()) > 2}
        res.ran = {"before", "after"} <= stages
        if not res.ran:
            res.note = res.note or "identity check after pytest missing"
    return res


def print_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = " | ".join(f"{{:<{w}}}" for w in widths)
    print(fmt.format(*header))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(fmt.format(*r))


def counts(passed: int, skipped: int, failed: int = 0, errors: int = 0) -> str:
    parts = [f"{passed} passed"]
    if skipped:
        parts.append(f"{skipped} skipped")
    if failed:
        parts.append(f"{failed} failed")
    if errors:
        parts.append(f"{errors} errors")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", choices=[s.name for s in SUITES],
                    help="run only this suite (repeatable)")
    ap.add_argument("--baseline", action="store_true",
                    help="run with the real modules (re-prove the baseline)")
    ap.add_argument("--e2e", action="store_true", help="also run the Synapse flows")
    ap.add_argument("--e2e-only", action="store_true", help="run only the Synapse flows")
    ap.add_argument("--flow", action="append", help="run only this e2e flow (repeatable)")
    ap.add_argument("--logs", type=Path, default=None, help="keep logs in this folder")
    args = ap.parse_args(argv)

    suites = [] if args.e2e_only else [s for s in SUITES if not args.only or s.name in args.only]
    want_e2e = args.e2e or args.e2e_only
    clients = clients_dir()
    if suites and not clients.is_dir():
        banner([
            "NO CLIENT SUITE RAN.",
            f"The client test suites were not found at {clients}",
            "(set OLMPY_CLIENTS to the folder holding matrix-nio-0.26.0 etc.).",
            "Nothing about the drop-in modules was checked by this step.",
        ])
        if in_ci():
            return 1
        if not want_e2e:
            return 0
        suites = []

    logdir = args.logs or Path(tempfile.mkdtemp(prefix="olmpy-clients-logs-"))
    logdir.mkdir(parents=True, exist_ok=True)
    setup_log = logdir / "setup.log"
    print(f"logs: {logdir}", flush=True)

    needed = {s.venv for s in suites}
    if want_e2e:
        needed |= {"clients", "synapse"}
    t0 = time.monotonic()
    pythons: dict[str, Path] = {}
    for name in [n for n in VENVS if n in needed]:
        python, secs, created = ensure_venv(name, setup_log)
        pythons[name] = python
        print(f"venv {name}: {'created' if created else 'reused'} in {secs:.1f}s "
              f"({python.parent.parent})", flush=True)
    sites: dict[str, str] = {}
    olmpy_venvs = [n for n in OLMPY_VENVS if n in pythons]
    if olmpy_venvs:
        t1 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="olmpy-wheel-") as wdir:
            wheel = build_olmpy_wheel(Path(wdir), setup_log)
            for name in olmpy_venvs:
                install_olmpy(pythons[name], wheel, setup_log)
                sites[name] = site_packages(pythons[name])
        print(f"olmpy built and installed into {', '.join(olmpy_venvs)} in "
              f"{time.monotonic() - t1:.1f}s", flush=True)
    print(f"setup total: {time.monotonic() - t0:.1f}s", flush=True)

    status = 0
    if suites:
        results = []
        for suite in suites:
            res = run_suite(suite, pythons[suite.venv], sites[suite.venv], clients,
                            args.baseline, logdir)
            results.append(res)
            print(f"suite {suite.name}: {'ok' if res.ok else 'FAILED'} in {res.seconds:.1f}s"
                  + (f" ({res.note})" if res.note else ""), flush=True)
            for line in res.identity:
                print("   ", line)
            if not res.ok:
                print(f"    log: {logdir / (suite.name + '.log')}")
        mode = "real modules (baseline)" if args.baseline else "olmpy drop-ins"
        print(f"\nClient suites on {mode}:")
        rows = []
        for r in results:
            got = (counts(r.passed, r.skipped, r.failed, r.errors) if r.ran
                   else f"DID NOT RUN ({r.note})")
            subst = "-" if args.baseline else ",".join(r.suite.substitute)
            rows.append((r.suite.name, subst, counts(r.suite.passed, r.suite.skipped), got,
                         "ok" if r.ok else "FAIL", f"{r.seconds:.1f}s"))
        print_table(rows, ("suite", "olmpy as", "expected", "got", "", "time"))
        if not all(r.ok for r in results):
            status = 1

    if want_e2e:
        from e2e_flows import run_flows  # stdlib-only, imported on demand
        from hs_check_flow import run_hs_check_flow

        # hs-check is a flow of its own: its own Synapse (open registration), no drop-ins,
        # so it runs in baseline mode too.
        flows = [f for f in args.flow or [] if f != HS_CHECK_FLOW]
        want_hs_check = not args.flow or HS_CHECK_FLOW in args.flow
        if (flows or not args.flow) and run_flows(pythons, sites, logdir, flows or None,
                                                  baseline=args.baseline) != 0:
            status = 1
        if want_hs_check and not run_hs_check_flow(pythons, logdir):
            status = 1
    return status


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())

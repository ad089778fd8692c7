"""Runs olmpy's fuzz targets (fuzz/targets.py).

    python fuzz/run.py list
    python fuzz/run.py fuzz TARGET [libFuzzer options...]   # atheris, coverage-guided
    python fuzz/run.py replay [TARGET...]                   # corpus files, no atheris
    python fuzz/run.py ci --seconds N [--out DIR]           # every target, N s each

``fuzz`` starts from fuzz/corpus/TARGET (read only) and writes new inputs into a work
directory (``--work DIR``, default fuzz/work/TARGET, not committed) and crashes as
``crash-*`` files there.  ``replay`` feeds every file of fuzz/corpus/TARGET (and of
fuzz/work/TARGET if it exists) to the target once, without atheris, which is how the
corpora run under the sanitizer build.  ``ci`` instruments olmpy once, then fuzzes each
target in turn in a forked child (a fresh libFuzzer each, without paying for the
instrumentation 17 times) and fails if any of them fails.  The backend is OLMPY_BACKEND's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
WORK = HERE / "work"


def _import_targets() -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from fuzz.targets import TARGETS

    return dict(TARGETS)


def _keeping_crashes(target: Any, work: Path) -> Any:
    """``target``, but an input that raises is first saved as work/crash-SHA1 (libFuzzer
    saves the inputs of native crashes itself, not those of Python exceptions)."""

    def one(data: bytes) -> None:
        try:
            target(data)
        except BaseException:
            (work / f"crash-{hashlib.sha1(data).hexdigest()}").write_bytes(data)
            raise

    return one


def fuzz(name: str, args: list[str]) -> int:
    import atheris

    work = WORK / name
    for i, arg in enumerate(args):
        if arg == "--work":
            work = Path(args[i + 1])
            del args[i : i + 2]
            break
    work.mkdir(parents=True, exist_ok=True)
    with atheris.instrument_imports(include=["olmpy"]):
        targets = _import_targets()
    one = _keeping_crashes(targets[name], work)
    seeds = CORPUS / name
    argv = [sys.argv[0], f"-artifact_prefix={work}/", *args, str(work)]
    if seeds.is_dir():
        argv.append(str(seeds))
    atheris.Setup(argv, one)
    atheris.Fuzz()
    return 0


def replay(names: list[str]) -> int:
    targets = _import_targets()
    failures = 0
    for name in names or sorted(targets):
        one = targets[name]
        files = sorted(
            p for d in (CORPUS / name, WORK / name) if d.is_dir() for p in d.iterdir()
            if p.is_file() and not p.name.startswith(("crash-", "timeout-", "oom-", "slow-"))
        )
        start = time.monotonic()
        for path in files:
            try:
                one(path.read_bytes())  # type: ignore[operator]
            except Exception as exc:  # the failure the target exists to find
                failures += 1
                print(f"FAIL {name} {path}: {type(exc).__name__}: {exc}", flush=True)
        took = time.monotonic() - start
        print(f"replay {name}: {len(files)} inputs in {took:.1f}s", flush=True)
    return 1 if failures else 0


def _fuzz_in_child(name: str, target: object, work: Path, args: list[str],
                   log: Path) -> int:
    """Runs one instrumented target in a forked child, its output in ``log``; the exit
    status.  The parent instrumented olmpy once, so each child starts fuzzing at once."""
    import atheris

    work.mkdir(parents=True, exist_ok=True)
    seeds = CORPUS / name
    argv = [sys.argv[0], f"-artifact_prefix={work}/", *args, str(work)]
    if seeds.is_dir():
        argv.append(str(seeds))
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: libFuzzer ends the process itself
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            atheris.Setup(argv, _keeping_crashes(target, work))
            atheris.Fuzz()
        finally:
            os._exit(70)  # Fuzz() returned or raised before fuzzing: a failure
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def ci(seconds: int, out: Path | None) -> int:
    """Each target for ``seconds`` in a child forked after olmpy was instrumented once;
    one summary line per target."""
    import atheris

    with atheris.instrument_imports(include=["olmpy"]):
        targets = _import_targets()
    failed = []
    logs = Path(tempfile.mkdtemp(prefix="olmpy-fuzz-logs-"))
    for name in sorted(targets):
        work = (out or WORK) / name
        args = [f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048",
                "-print_final_stats=1"]
        start = time.monotonic()
        code = _fuzz_in_child(name, targets[name], work, args, logs / f"{name}.log")
        took = time.monotonic() - start
        log = (logs / f"{name}.log").read_text(errors="replace")
        stats = dict(line.rsplit(":", 1) for line in log.splitlines()
                     if line.startswith("stat::"))
        runs = stats.get("stat::number_of_executed_units", "?").strip()
        done = [line for line in log.splitlines() if line.startswith("#") and "cov:" in line]
        cov = done[-1].split("cov:")[1].split()[0] if done else "?"
        ft = done[-1].split("ft:")[1].split()[0] if done and "ft:" in done[-1] else "?"
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"fuzz {os.environ.get('OLMPY_BACKEND', 'native'):6} {name:22} {runs:>8} inputs"
              f"  cov {cov:>5}  ft {ft:>6}  {took:5.1f}s  {status}", flush=True)
        if code != 0:
            failed.append(name)
            print(log[-6000:], flush=True)
    shutil.rmtree(logs, ignore_errors=True)
    if failed:
        print("fuzz targets that failed: " + ", ".join(failed), flush=True)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "list":
        print("\n".join(sorted(_import_targets())))
        return 0
    if command == "fuzz":
        return fuzz(rest[0], rest[1:])
    if command == "replay":
        return replay(rest)
    if command == "ci":
        seconds = int(rest[rest.index("--seconds") + 1]) if "--seconds" in rest else 3
        out = Path(rest[rest.index("--out") + 1]) if "--out" in rest else None
        return ci(seconds, out)
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Runs olmpy's fuzz targets (fuzz/targets.py).

    python fuzz/run.py list
    python fuzz/run.py fuzz TARGET [libFuzzer options...]   # atheris, coverage-guided
    python fuzz/run.py replay [TARGET...]                   # corpus files, no atheris
    python fuzz/run.py ci --seconds N [--out DIR]           # every target, N s each

``fuzz`` starts from fuzz/corpus/TARGET (read only) and writes new inputs into a work
directory (``--work DIR``, default fuzz/work/TARGET, not committed) and crashes as
``crash-*`` files there.  ``replay`` feeds every file of fuzz/corpus/TARGET (and of
fuzz/work/TARGET if it exists) to the target once, without atheris, which is how the
corpora run under the sanitizer build.  ``ci`` runs ``fuzz`` on each target in turn in a
fresh process and fails if any of them fails.  The backend is OLMPY_BACKEND's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
WORK = HERE / "work"


def _import_targets() -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from fuzz.targets import TARGETS

    return dict(TARGETS)


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
    one = targets[name]
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


def ci(seconds: int, out: Path | None) -> int:
    """Each target for ``seconds`` in its own process; one summary line per target."""
    failed = []
    for name in sorted(_import_targets()):
        work = (out or WORK) / name
        cmd = [sys.executable, __file__, "fuzz", name, "--work", str(work),
               f"-max_total_time={seconds}", "-timeout=10", "-rss_limit_mb=2048",
               "-print_final_stats=1"]
        start = time.monotonic()
        run = subprocess.run(cmd, capture_output=True, text=True)
        took = time.monotonic() - start
        log = run.stdout + run.stderr
        stats = dict(line.rsplit(":", 1) for line in log.splitlines()
                     if line.startswith("stat::"))
        runs = stats.get("stat::number_of_executed_units", "?").strip()
        done = [line for line in log.splitlines() if line.startswith("#") and "cov:" in line]
        cov = done[-1].split("cov:")[1].split()[0] if done else "?"
        ft = done[-1].split("ft:")[1].split()[0] if done and "ft:" in done[-1] else "?"
        status = "ok" if run.returncode == 0 else f"FAILED (exit {run.returncode})"
        print(f"fuzz {os.environ.get('OLMPY_BACKEND', 'native'):6} {name:22} {runs:>8} inputs"
              f"  cov {cov:>5}  ft {ft:>6}  {took:5.1f}s  {status}", flush=True)
        if run.returncode != 0:
            failed.append(name)
            print(log[-6000:], flush=True)
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

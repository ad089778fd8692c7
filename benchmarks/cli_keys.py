"""Memory and throughput of ``olmpy keys`` on a large export file, against the Python API.

    PYTHONPATH=. python benchmarks/cli_keys.py [--sessions 100000] [--rounds 1000]

Writes a file of N sessions (olmpy's KeyExportWriter, few PBKDF2 rounds so that the KDF
does not hide the per-session cost), then runs ``olmpy keys list``, ``decrypt`` and
``merge`` (the file with itself: every session compared once) in subprocesses and reports
each one's peak resident memory (``ru_maxrss`` from ``wait4``) and sessions per second.
The interpreter's own peak (``olmpy --help``) is shown as the baseline.  In-process, the
streaming API (iterating ``KeyExportReader``) and the all-at-once one
(``import_room_keys``) are timed (without tracing), then run again under tracemalloc
for their Python-heap peak.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from olmpy import InboundGroupSession, testing
from olmpy.key_export import (
    ExportedRoomKey,
    KeyExportReader,
    KeyExportWriter,
    import_room_keys,
)

PASS = "benchmark passphrase"
SENDER = "Ebh0nfMKc+ViNa5DsC8fq1KI1l8Pfq2X8GVzDeF2nCk"


def _keys(n: int) -> Iterator[ExportedRoomKey]:
    for i in range(n):
        outbound = testing.group_session_from_parts(os.urandom(128), 0, os.urandom(32))
        inbound = InboundGroupSession(outbound.session_key)
        yield ExportedRoomKey(
            room_id=f"!room{i % 500}:example.org", sender_key=SENDER,
            session_id=inbound.session_id, session_key=inbound.export_at(0),
            sender_claimed_keys={"ed25519": SENDER},
        )


def _run(args: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of ``python -m olmpy ARGS``."""
    env = {**os.environ, "P": PASS}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "olmpy", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"olmpy {' '.join(args)} failed: {proc.stderr.read().decode()}"
                         if proc.stderr else "failed")
    return elapsed, usage.ru_maxrss


def main() -> None:
    """Builds the file and prints one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1000)
    args = parser.parse_args()
    n = args.sessions
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "keys.txt"
        start = time.perf_counter()
        with open(path, "w") as out, KeyExportWriter(
            out, PASS, rounds=args.rounds, allow_low_rounds=True
        ) as writer:
            writer.write_all(_keys(n))
        print(f"file: {n:,} sessions, {path.stat().st_size / 1e6:.1f} MB, "
              f"made in {time.perf_counter() - start:.1f} s")
        base_s, base_kib = _run(["--help"])
        print(f"baseline (olmpy --help): peak RSS {base_kib / 1024:.1f} MiB, {base_s:.2f} s")
        common = ["--passphrase-env", "P"]
        runs = {
            "keys list": ["keys", "list", *common, str(path)],
            "keys decrypt": ["keys", "decrypt", *common, str(path), "-o",
                             str(Path(tmp) / "keys.json")],
            "keys merge (file with itself)": ["keys", "merge", *common, str(path), str(path),
                                              "-o", str(Path(tmp) / "merged.txt")],
        }
        for name, argv in runs.items():
            seconds, kib = _run(argv)
            read = 2 * n if "merge" in name else n
            print(f"{name}: peak RSS {kib / 1024:.1f} MiB, {seconds:.1f} s, "
                  f"{read / seconds:,.0f} sessions/s read")
        for name, fn in (("API: iterate KeyExportReader", _iterate),
                         ("API: import_room_keys (a list)", _import_all)):
            start = time.perf_counter()  # timed without tracemalloc, which slows allocation
            fn(path)
            seconds = time.perf_counter() - start
            tracemalloc.start()  # a second run for the heap peak
            fn(path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{name}: Python heap peak {peak / 2**20:.1f} MiB, {seconds:.1f} s, "
                  f"{n / seconds:,.0f} sessions/s")


def _iterate(path: Path) -> None:
    with KeyExportReader(path, PASS) as reader:
        for _ in reader:
            pass


def _import_all(path: Path) -> None:
    import_room_keys(path, PASS)


if __name__ == "__main__":
    main()

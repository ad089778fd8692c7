"""Memory and throughput of ``olmpy backup decrypt`` on a large dump, against the Python API.

    PYTHONPATH=. python benchmarks/cli_backup.py [--sessions 100000]

Writes the JSON of ``GET /room_keys/keys`` for N sessions in 500 rooms (every entry
encrypted to one backup key by ``olmpy.backup.key_backup_data``) and the version's
``auth_data``, then runs ``olmpy backup decrypt --json`` in a subprocess and reports its
peak resident memory (``ru_maxrss``) and sessions per second, next to the interpreter's
own peak (``olmpy --help``).  In-process, the same entries are decrypted through the API:
streamed (``iter_backup_dump`` + ``decrypt_key_backup_data``) and after ``json.load`` of
the whole dump, each timed without tracing, then run again under tracemalloc for its
Python-heap peak.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from olmpy import InboundGroupSession, backup, testing
from olmpy.pk import PkDecryption

SENDER = "Ebh0nfMKc+ViNa5DsC8fq1KI1l8Pfq2X8GVzDeF2nCk"


def _write_dump(path: Path, n: int, public_key: str) -> None:
    """The dump, written room by room so that making it does not hold it all either."""
    with open(path, "w") as out:
        out.write('{"rooms": {')
        per_room = max(1, n // 500)
        for r in range(0, n, per_room):
            if r:
                out.write(", ")
            out.write(json.dumps(f"!room{r // per_room}:example.org") + ': {"sessions": {')
            for i in range(r, min(n, r + per_room)):
                outbound = testing.group_session_from_parts(os.urandom(128), 0, os.urandom(32))
                inbound = InboundGroupSession(outbound.session_key)
                entry = backup.key_backup_data(public_key, inbound, sender_key=SENDER,
                                               sender_claimed_keys={"ed25519": SENDER})
                if i > r:
                    out.write(", ")
                out.write(json.dumps(inbound.session_id) + ": " + json.dumps(entry))
            out.write("}}")
        out.write("}}")


def _run(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of ``python -m olmpy ARGS``."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "olmpy", *args], env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"olmpy {' '.join(args)} failed: {err}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    """Builds the dump and prints one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    args = parser.parse_args()
    n = args.sessions
    key = PkDecryption()
    with tempfile.TemporaryDirectory() as tmp:
        dump, info = Path(tmp) / "keys.json", Path(tmp) / "version.json"
        start = time.perf_counter()
        _write_dump(dump, n, key.public_key.to_base64())
        info.write_text(json.dumps(backup.make_backup_info(key.public_key)))
        print(f"dump: {n:,} sessions, {dump.stat().st_size / 1e6:.1f} MB, "
              f"made in {time.perf_counter() - start:.1f} s")
        base_s, base_kib = _run(["--help"], {})
        print(f"baseline (olmpy --help): peak RSS {base_kib / 1024:.1f} MiB, {base_s:.2f} s")
        seconds, kib = _run(["backup", "decrypt", str(dump), "--info", str(info), "--json",
                             "--recovery-key-env", "RK", "-o", str(Path(tmp) / "out.json")],
                            {"RK": key.to_recovery_key()})
        print(f"olmpy backup decrypt --json: peak RSS {kib / 1024:.1f} MiB, {seconds:.1f} s, "
              f"{n / seconds:,.0f} sessions/s")
        for name, fn in (("API: iter_backup_dump, streamed", _streamed),
                         ("API: json.load of the whole dump", _loaded)):
            start = time.perf_counter()  # timed without tracemalloc, which slows allocation
            count = fn(dump, key)
            seconds = time.perf_counter() - start
            tracemalloc.start()  # a second run for the heap peak
            fn(dump, key)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{name}: Python heap peak {peak / 2**20:.1f} MiB, {seconds:.1f} s, "
                  f"{count / seconds:,.0f} sessions/s")


def _streamed(path: Path, key: PkDecryption) -> int:
    count = 0
    with open(path, "rb") as stream:
        for _, session_id, entry in backup.iter_backup_dump(stream):
            backup.decrypt_key_backup_data(key, entry, session_id=session_id)
            count += 1
    return count


def _loaded(path: Path, key: PkDecryption) -> int:
    count = 0
    with open(path, "rb") as stream:
        dump = json.load(stream)
    for body in dump["rooms"].values():
        for session_id, entry in body["sessions"].items():
            backup.decrypt_key_backup_data(key, entry, session_id=session_id)
            count += 1
    return count


if __name__ == "__main__":
    main()

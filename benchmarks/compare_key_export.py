"""Key export benchmark: the PBKDF2 choice, and export/import of many sessions.

No Python peer writes MEGOLM SESSION DATA files, so the session rows report absolute
figures: total time split into the key derivation (timed through the progress callback)
and the rest, and the peak traced memory (tracemalloc, measured in a separate run).  The
KDF row compares the call olmpy makes (pyca/cryptography, OpenSSL) with hashlib's and with
the pure-Python U-chain that progress reporting inside the KDF would need.

Run: ``python benchmarks/compare_key_export.py [--quick]``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

import olmpy
from olmpy import _backend
from olmpy import key_export as kx

PASS = b"correct horse battery staple"
SALT = bytes(range(16))


def pure_python_pbkdf2(password: bytes, salt: bytes, rounds: int) -> bytes:
    """PBKDF2-HMAC-SHA-512, one 64-byte block, as a progress-reporting loop would do it."""
    base = hmac.new(password, None, "sha512")
    h = base.copy()
    h.update(salt + b"\0\0\0\1")
    u = h.digest()
    acc = int.from_bytes(u, "big")
    for _ in range(rounds - 1):
        h = base.copy()
        h.update(u)
        u = h.digest()
        acc ^= int.from_bytes(u, "big")
    return acc.to_bytes(64, "big")


def kdf_row(rounds: int, repeats: int) -> None:
    impls: dict[str, Callable[[], bytes]] = {
        "olmpy (cryptography)": lambda: PBKDF2HMAC(hashes.SHA512(), 64, SALT, rounds).derive(PASS),
        "hashlib.pbkdf2_hmac": lambda: hashlib.pbkdf2_hmac("sha512", PASS, SALT, rounds, 64),
        "pure-Python hmac loop": lambda: pure_python_pbkdf2(PASS, SALT, rounds),
    }
    results = {name: run() for name, run in impls.items()}
    assert len(set(results.values())) == 1, "the three KDFs disagree"
    samples: dict[str, list[float]] = {k: [] for k in impls}
    for _ in range(repeats):
        for name, run in impls.items():
            start = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - start)
    mine = statistics.median(samples["olmpy (cryptography)"]) * 1e3
    print(f"\nPBKDF2-HMAC-SHA-512, {rounds:,} rounds, 64 bytes; medians of {repeats} "
          "interleaved samples")
    print("| operation | olmpy ms | peer | peer ms | olmpy / peer |")
    print("|---|--:|---|--:|--:|")
    for name in impls:
        if name.startswith("olmpy"):
            continue
        theirs = statistics.median(samples[name]) * 1e3
        print(f"| PBKDF2 {rounds:,} rounds | {mine:,.1f} | {name} | {theirs:,.1f} | "
              f"{mine / theirs:.2f} |")


def make_keys(count: int) -> list[kx.ExportedRoomKey]:
    account = olmpy.Account()
    curve = account.curve25519_key.to_base64()
    claimed = {"ed25519": account.ed25519_key.to_base64()}
    return [
        kx.ExportedRoomKey.from_inbound_group_session(
            olmpy.InboundGroupSession(olmpy.GroupSession().session_key),
            f"!room{i % 50}:example.org", curve, claimed,
        )
        for i in range(count)
    ]


class NullSink(io.RawIOBase):
    """Counts bytes and keeps none, so memory shows the writer's own footprint."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def timed(run: Callable[[Callable[..., None]], object]) -> tuple[float, float]:
    """(total seconds, KDF seconds) of one run, the KDF timed by the progress callback."""
    marks: dict[int, float] = {}

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage == kx.KDF:
            marks[done] = time.perf_counter()

    start = time.perf_counter()
    run(progress)
    total = time.perf_counter() - start
    kdf = max(marks.values()) - min(marks.values())
    return total, kdf


def peak_mib(run: Callable[[Callable[..., None]], object]) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        run(lambda *a: None)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def session_rows(count: int, rounds: int, repeats: int) -> None:
    keys = make_keys(count)
    armoured = kx.export_room_keys(keys, PASS, rounds=rounds, allow_low_rounds=True)
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    with open(path, "w", encoding="ascii") as f:
        f.write(armoured)
    try:
        def export_stream(progress: Callable[..., None]) -> object:
            with kx.KeyExportWriter(NullSink(), PASS, rounds=rounds, allow_low_rounds=True,
                                    progress=progress) as writer:
                writer.write_all(keys)
            return None

        def export_str(progress: Callable[..., None]) -> object:
            return kx.export_room_keys(keys, PASS, rounds=rounds, allow_low_rounds=True,
                                       progress=progress)

        def import_stream(progress: Callable[..., None]) -> object:
            with open(path, "rb") as f, kx.KeyExportReader(f, PASS, progress=progress) as r:
                n = sum(1 for _ in r)
            assert n == count
            return None

        def import_list(progress: Callable[..., None]) -> object:
            back = kx.import_room_keys(armoured, PASS, progress=progress)
            assert len(back) == count
            return back

        rows = [
            ("export, streamed to a null sink", export_stream),
            ("export_room_keys -> str", export_str),
            ("import, streamed from a file (spooled)", import_stream),
            ("import_room_keys(str) -> list", import_list),
        ]
        print(f"\n{count:,} sessions, {rounds:,} PBKDF2 rounds, file {len(armoured) / 2**20:.1f} "
              f"MiB; medians of {repeats}; memory = tracemalloc peak of one extra run")
        print("| operation | total ms | KDF ms | rest ms | rest µs / session | peak MiB |")
        print("|---|--:|--:|--:|--:|--:|")
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in rows}
        for _ in range(repeats):
            for name, run in rows:
                samples[name].append(timed(run))
        for name, run in rows:
            total = statistics.median(t for t, _ in samples[name]) * 1e3
            kdf = statistics.median(k for _, k in samples[name]) * 1e3
            rest = statistics.median(t - k for t, k in samples[name]) * 1e3
            print(f"| {name} | {total:,.0f} | {kdf:,.0f} | {rest:,.0f} | "
                  f"{rest * 1e3 / count:,.1f} | {peak_mib(run):,.2f} |")
    finally:
        os.unlink(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="few samples, for a smoke test")
    args = parser.parse_args()
    rounds = 20_000 if args.quick else kx.DEFAULT_ROUNDS
    print(f"olmpy {olmpy.__version__} ({_backend.BACKEND}); key export benchmark")
    kdf_row(rounds, 3 if args.quick else 7)
    if args.quick:
        session_rows(300, rounds, 1)
    else:
        session_rows(1_000, rounds, 5)
        session_rows(10_000, rounds, 5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

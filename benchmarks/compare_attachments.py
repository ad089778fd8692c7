"""Encrypted-attachment benchmark: olmpy's streaming API against a bare OpenSSL floor.

No Python peer implements attachments, so each row compares olmpy with the least work the
same primitives allow: the floor encrypts with ``cryptography``'s AES-CTR and hashes with
``hashlib`` in one loop, and decrypts in ONE pass while hashing (matrix-rust-sdk's design,
which hands out plaintext before the hash is known).  olmpy decrypts only after the hash
checks out, so its decrypt rows read the data twice (seekable file) or spool it to a
temporary file first (one-way stream); the ratio is the price of that guarantee.

Sources and sinks never hold the data: the plaintext is generated chunk by chunk and the
output is hashed and dropped, so memory should stay flat whatever the size.  Each row's
tracemalloc peak is measured in a separate, untimed run; peak RSS is printed at the end.

Run: ``python benchmarks/compare_attachments.py [--quick]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import IO

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import olmpy
from olmpy import _backend, attachments

MiB = 1024 * 1024
CHUNK = attachments.CHUNK_SIZE
Runner = Callable[[], object]


class Pattern:
    """A plaintext source of ``size`` bytes made on demand."""

    _BLOCK = bytes(range(256)) * (CHUNK // 256)

    def __init__(self, size: int) -> None:
        self.left = size

    def read(self, n: int = -1) -> bytes:
        n = min(CHUNK if n < 0 else n, self.left, len(self._BLOCK))
        self.left -= n
        return self._BLOCK[:n]


class Sink:
    """Hashes what it is given and keeps nothing."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return len(data)


class OneWay:
    """A non-seekable view of a file (a socket or HTTP body stand-in)."""

    def __init__(self, f: IO[bytes]) -> None:
        f.seek(0)
        self._f = f

    def read(self, n: int = -1) -> bytes:
        return self._f.read(n)

    def seekable(self) -> bool:
        return False


def floor_encrypt(size: int) -> bytes:
    key, iv = os.urandom(32), os.urandom(8) + bytes(8)
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    src, sink, digest = Pattern(size), Sink(), hashlib.sha256()
    while chunk := src.read(CHUNK):
        out = enc.update(chunk)
        digest.update(out)
        sink.write(out)
    return digest.digest()


def floor_decrypt_one_pass(f: IO[bytes], info: attachments.EncryptedFileInfo) -> bool:
    f.seek(0)
    dec = Cipher(algorithms.AES(info.key), modes.CTR(info.iv)).decryptor()
    sink, digest = Sink(), hashlib.sha256()
    while chunk := f.read(CHUNK):
        digest.update(chunk)
        sink.write(dec.update(chunk))
    return digest.digest() == info.sha256


def rows(size: int, f: IO[bytes], info: attachments.EncryptedFileInfo
         ) -> list[tuple[str, dict[str, Runner]]]:
    """(row name, {implementation: one run})."""
    mib = size // MiB

    def olmpy_decrypt_seekable() -> int:
        f.seek(0)
        return attachments.decrypt_stream(f, Sink(), info)

    return [
        (f"encrypt {mib} MiB stream", {
            "olmpy": lambda: attachments.encrypt_stream(Pattern(size), Sink()),
            "floor": lambda: floor_encrypt(size),
        }),
        (f"decrypt {mib} MiB, seekable file", {
            "olmpy": olmpy_decrypt_seekable,
            "floor": lambda: floor_decrypt_one_pass(f, info),
        }),
        (f"decrypt {mib} MiB, one-way stream", {
            "olmpy": lambda: attachments.decrypt_stream(OneWay(f), Sink(), info),
            "floor": lambda: floor_decrypt_one_pass(f, info),
        }),
    ]


def peak_kib(run: Runner) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="few samples, for a smoke test")
    args = parser.parse_args()
    sizes = (1 * MiB, 4 * MiB) if args.quick else (1 * MiB, 64 * MiB)
    repeats = 3 if args.quick else 9
    print(f"olmpy {olmpy.__version__} ({_backend.BACKEND}); medians of {repeats} interleaved "
          f"samples; {CHUNK // 1024} KiB chunks; floor = cryptography AES-CTR + hashlib, "
          "decrypting in one unverified pass")
    print("| operation | olmpy ms | olmpy MB/s | floor ms | floor MB/s | olmpy / floor "
          "| olmpy peak KiB (tracemalloc) |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for size in sizes:
        with tempfile.TemporaryFile() as f:
            info = attachments.encrypt_stream(Pattern(size), f)
            table = rows(size, f, info)
            for name, impls in table:
                peak = peak_kib(impls["olmpy"])
                samples: dict[str, list[float]] = {k: [] for k in impls}
                for _ in range(repeats):
                    for key, run in impls.items():
                        start = time.perf_counter()
                        run()
                        samples[key].append(time.perf_counter() - start)
                mine = statistics.median(samples["olmpy"])
                floor = statistics.median(samples["floor"])
                print(f"| {name} | {mine * 1e3:,.1f} | {size / mine / 1e6:,.0f} | "
                      f"{floor * 1e3:,.1f} | {size / floor / 1e6:,.0f} | {mine / floor:.2f} | "
                      f"{peak:,.0f} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\npeak RSS of the whole run: {rss / 1024:,.1f} MiB (largest stream "
          f"{sizes[-1] // MiB} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

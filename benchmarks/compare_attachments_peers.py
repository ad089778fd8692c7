"""Encrypted attachments in memory: olmpy against matrix-nio and mautrix, with the
SHA-256-alone ceiling, side by side in one process (issue 19).

Each size is timed in interleaved rounds: every round runs, in a rotating order, olmpy's
``attachments.encrypt`` and ``decrypt``, nio's and mautrix's ``encrypt_attachment`` and
``decrypt_attachment``, and ``hashlib.sha256`` of the same bytes (OpenSSL's SHA-256 on this
CPU's SHA instructions: the rate no attachment code that hashes every byte can pass).
Calls below 1 MiB are batched to at least 20 ms.  The table gives the median and the best
MiB/s of each, olmpy's share of the SHA-256-alone rate (median of the per-round ratios,
each against the same round's SHA-256) and olmpy's speed over the faster peer.

nio and mautrix are not olmpy's dependencies: run this with a Python that has them
(tests/clients/run.py's clients venv, or ``pip install matrix-nio mautrix``) and can import
olmpy, e.g. ``PYTHONPATH=. .ci/venvs/clients-*/bin/python benchmarks/
compare_attachments_peers.py``.  ``--quick``: one small size, two rounds (smoke test).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time
from collections.abc import Callable

from olmpy import _backend, attachments

KiB, MiB = 1024, 1024 * 1024
Runner = Callable[[], object]


def peers() -> dict[str, tuple[Callable[[bytes], tuple[bytes, dict]], Callable[..., bytes]]]:
    from mautrix.crypto.attachments import decrypt_attachment as mautrix_decrypt
    from mautrix.crypto.attachments import encrypt_attachment as mautrix_encrypt
    from nio.crypto.attachments import decrypt_attachment as nio_decrypt
    from nio.crypto.attachments import encrypt_attachment as nio_encrypt

    def mautrix_enc(data: bytes) -> tuple[bytes, dict]:
        ciphertext, file = mautrix_encrypt(data)
        return ciphertext, file.serialize()

    return {"nio": (nio_encrypt, nio_decrypt), "mautrix": (mautrix_enc, mautrix_decrypt)}


def rows_for(size: int) -> dict[str, Runner]:
    data = os.urandom(size)
    ciphertext, info = attachments.encrypt(data)
    runs: dict[str, Runner] = {
        "sha256 alone": lambda: hashlib.sha256(data).digest(),
        "olmpy encrypt": lambda: attachments.encrypt(data),
        "olmpy decrypt": lambda: attachments.decrypt(ciphertext, info),
    }
    assert attachments.decrypt(ciphertext, info) == data
    for name, (enc, dec) in peers().items():
        peer_ct, peer_info = enc(data)
        args = (peer_info["key"]["k"], peer_info["hashes"]["sha256"], peer_info["iv"])
        assert dec(peer_ct, *args) == data
        assert attachments.decrypt(peer_ct, peer_info) == data  # the same format
        runs[f"{name} encrypt"] = lambda enc=enc: enc(data)
        runs[f"{name} decrypt"] = lambda dec=dec, ct=peer_ct, a=args: dec(ct, *a)
    return runs


def measure(runs: dict[str, Runner], rounds: int, size: int) -> dict[str, list[float]]:
    """Seconds per call of every runner in each round (rotating order)."""
    inner = {}
    for key, run in runs.items():
        n = 1
        while size < MiB:
            start = time.perf_counter()
            for _ in range(n):
                run()
            if time.perf_counter() - start >= 0.02:
                break
            n *= 2
        inner[key] = n
        run()  # warm: first-touch of the code and of any allocator arenas
    samples: dict[str, list[float]] = {k: [] for k in runs}
    order = list(runs)
    for r in range(rounds):
        for key in order[r % len(order):] + order[: r % len(order)]:
            run, n = runs[key], inner[key]
            start = time.perf_counter()
            for _ in range(n):
                run()
            samples[key].append((time.perf_counter() - start) / n)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 KiB only, 2 rounds")
    parser.add_argument("--rounds", type=int, default=0, help="rounds per size")
    args = parser.parse_args()
    sizes = [KiB] if args.quick else [KiB, MiB, 64 * MiB]
    backend = _backend.impl
    fused = getattr(backend, "_ATTACHMENT_FUSED", False)
    print(f"olmpy backend {backend.NAME}, fused native pass: {'yes' if fused else 'no'}")
    for size in sizes:
        rounds = args.rounds or (2 if args.quick else 15 if size >= 64 * MiB else 31)
        samples = measure(rows_for(size), rounds, size)
        label = f"{size // MiB} MiB" if size >= MiB else f"{size // KiB} KiB"
        print(f"\n{label}, {rounds} interleaved rounds")
        print("| | median MiB/s | best MiB/s |")
        print("|---|--:|--:|")
        rate = {k: statistics.median(v) for k, v in samples.items()}
        for key, v in samples.items():
            print(f"| {key} | {size / MiB / rate[key]:,.0f} | {size / MiB / min(v):,.0f} |")
        sha = samples["sha256 alone"]
        for op in ("encrypt", "decrypt"):
            mine = samples[f"olmpy {op}"]
            share = statistics.median(s / m for s, m in zip(sha, mine, strict=True))
            best_share = max(s / m for s, m in zip(sha, mine, strict=True))
            peer = min(rate[f"nio {op}"], rate[f"mautrix {op}"])
            print(f"olmpy {op}: {share:.2f} of SHA-256 alone (median of rounds; best round "
                  f"{best_share:.2f}); {peer / rate[f'olmpy {op}']:.2f}x the faster peer")


if __name__ == "__main__":
    main()

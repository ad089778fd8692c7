"""What the side-by-side benchmark scripts share: interleaved timing and the ratio table.

Each row is ``(name, {implementation: callable})`` with an ``"olmpy"`` entry.  Every round
runs each implementation once (a batch of calls long enough to time), in a rotating order,
so that drift in the machine's speed falls on all of them alike; the table reports medians
and olmpy's time over each peer's.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

Runner = Callable[[], object]
Rows = list[tuple[str, dict[str, Runner]]]


def inner_count(run: Runner, target_s: float) -> int:
    """How many calls make one timed batch of at least ``target_s`` seconds."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            run()
        if time.perf_counter() - start >= target_s or n >= 1 << 16:
            return n
        n *= 2


def medians_us(impls: dict[str, Runner], rounds: int, target_s: float) -> dict[str, float]:
    """Median µs per call of each implementation over ``rounds`` interleaved rounds."""
    inner = {k: inner_count(run, target_s) for k, run in impls.items()}
    samples: dict[str, list[float]] = {k: [] for k in impls}
    order = list(impls)
    for r in range(rounds):
        for key in order[r % len(order) :] + order[: r % len(order)]:
            run, n = impls[key], inner[key]
            start = time.perf_counter()
            for _ in range(n):
                run()
            samples[key].append((time.perf_counter() - start) / n)
    return {k: statistics.median(v) * 1e6 for k, v in samples.items()}


def print_table(rows: Rows, rounds: int, target_s: float, digits: int = 1) -> None:
    """Times every row and prints the markdown table (one line per peer)."""
    print("| operation | olmpy µs | peer | peer µs | olmpy / peer |")
    print("|---|--:|---|--:|--:|")
    for name, impls in rows:
        result = medians_us(impls, rounds, target_s)
        mine = result["olmpy"]
        peers = [k for k in impls if k != "olmpy"]
        if not peers:
            print(f"| {name} | {mine:,.{digits}f} | - | - | - |")
        for peer in peers:
            theirs = result[peer]
            print(
                f"| {name} | {mine:,.{digits}f} | {peer} | {theirs:,.{digits}f} "
                f"| {mine / theirs:.2f} |"
            )

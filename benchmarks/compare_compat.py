#!/usr/bin/env python3
"""The drop-in modules side by side: olmpy's own API, the drop-ins, and the real modules.

Usage: ``python benchmarks/compare_compat.py [--reps N] [--only SUBSTR] [--json out.json]``

Theory of operation: the operations are those of ``compare.py`` (Megolm and Olm, from
wire strings to results), and so is the code that calls each module: this script loads
``compare.py`` a second time with its module names ``olm`` and ``vz`` bound to
``olmpy.compat.olm`` and ``olmpy.compat.vodozemac``, so a drop-in runs exactly the code
that times the real module.  Before anything is timed, that second copy's wire check
decrypts the shared messages through both drop-ins.  Five implementations are then timed
interleaved in one process (rotating order, median per call, olmpy on its native
backend): olmpy native, the ``olm`` drop-in, python-olm, the ``vodozemac`` drop-in and
vodozemac.

Targets (issue 10): each drop-in costs at most 10% over olmpy's own API on each
operation (drop-in / olmpy native <= 1.10), and the ``olm`` drop-in stays at most 0.5x
python-olm.  Timing is reported, never enforced: the exit status is 0 whatever the
verdicts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import compare as real  # noqa: E402  (the real olm and vodozemac)

import olmpy.compat.olm as olm_dropin  # noqa: E402
import olmpy.compat.vodozemac as vz_dropin  # noqa: E402


def _on_dropins() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_on_dropins", HERE / "compare.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while executing
    spec.loader.exec_module(module)
    module.olm = olm_dropin
    module.vz = vz_dropin
    return module


DROPIN = _on_dropins()

# (label, compare.py copy, family); every one runs with olmpy's native backend selected.
IMPLS: tuple[tuple[str, ModuleType, str], ...] = (
    ("olmpy native", real, "olmpy"),
    ("olm drop-in", DROPIN, "olm"),
    ("python-olm", real, "olm"),
    ("vodozemac drop-in", DROPIN, "vz"),
    ("vodozemac", real, "vz"),
)

RATIOS = (
    # (numerator, denominator, target)
    ("olm drop-in", "olmpy native", 1.10),
    ("olm drop-in", "python-olm", 0.50),
    ("vodozemac drop-in", "olmpy native", 1.10),
    ("vodozemac drop-in", "vodozemac", None),
)


def measure(op_key: str, w: real.Wire, reps: int, target_ns: int) -> dict[str, float]:
    """Median µs per call of each implementation for one operation."""
    runs = []
    for label, copy, family in IMPLS:
        op = next(o for o in copy.OPS if o.key == op_key)
        with real._ctx("native"):
            run = op.build(family, w)
        runs.append((label, run, real.calibrate(run, "native", target_ns)))
    samples: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    for r in range(reps):
        for i in range(len(runs)):
            label, run, loops = runs[(r + i) % len(runs)]
            samples[label].append(real._sample(run, loops, "native") / loops / 1000.0)
    return {label: statistics.median(xs) for label, xs in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=101)
    parser.add_argument("--target-ms", type=float, default=2.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args(argv)

    wire = real.make_wire()
    real.check_wire(wire)
    DROPIN.check_wire(wire)  # the drop-ins decrypt the shared wire data, or this exits

    header = ["operation", *(label + " µs" for label, _, _ in IMPLS)]
    header += [f"{a} / {b}" + (f" (≤{t:.2f})" if t else "") for a, b, t in RATIOS]
    print("| " + " | ".join(header) + " |")
    print("|---|" + "--:|" * (len(header) - 1))
    results = {}
    for op in real.OPS:
        if args.only and args.only not in op.key and args.only not in op.label:
            continue
        got = measure(op.key, wire, args.reps, int(args.target_ms * 1e6))
        results[op.key] = got
        cells = [op.label, *(f"{got[label]:,.1f}" for label, _, _ in IMPLS)]
        for a, b, target in RATIOS:
            ratio = got[a] / got[b]
            verdict = "" if target is None else (" PASS" if ratio <= target else " MISS")
            cells.append(f"{ratio:.2f}{verdict}")
        print("| " + " | ".join(cells) + " |", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

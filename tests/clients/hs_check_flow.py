"""The ``hs-check`` end-to-end flow: ``olmpy hs-check`` against Synapse, clean and faulty.

One Synapse (open registration, MSC3814 on) serves every run.  ``olmpy hs-check URL
--json`` runs in the clients venv, where ``run.py`` installed the olmpy wheel built from
this checkout: so the flow tests the package as users get it (the wheel's
``python -m olmpy`` entry point included), with the checkout out of the import path (cwd
in a temp folder, no PYTHONPATH).

* The clean run must PASS every MUST check, except the Synapse findings listed in
  ``SYNAPSE_FINDINGS``, which must FAIL as found (so a fixed Synapse is noticed too).
* Then one run per fault of ``faulty_proxy``: exactly the checks in ``EXPECTED_FAILS``
  must turn from PASS to FAIL, every other check must keep its clean-run status.

Standard library only.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import faulty_proxy
import homeserver

RUN_TIMEOUT = 120.0

# What Synapse 1.163.2 gets wrong against the spec (hs-check reports it; this flow keeps
# it in view).  check id -> what was found.
SYNAPSE_FINDINGS: dict[str, str] = {
    "backup-replace-order": (
        "Synapse's _should_replace_room_key replaces the stored key when the new one is "
        "better on any single criterion (verified, or lower first_message_index, or lower "
        "forwarded_count), instead of comparing is_verified, then first_message_index, then "
        "forwarded_count: an unverified key with a lower index replaces a verified one, and "
        "a key with a higher index but fewer forwards replaces a better one"),
    "signatures-upload-forged-again": (
        "once a device carries a self-signing signature, Synapse skips a newly uploaded one "
        "without checking it: a forged signature gets neither stored nor reported in "
        "failures (SHOULD)"),
}


def _hs_check(python: Path, url: str, log: Path) -> tuple[dict[str, Any] | None, float, str]:
    """Runs hs-check; the parsed JSON report (None if none), seconds, and a problem."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="olmpy-hs-check-") as cwd:
        try:
            proc = subprocess.run(
                [str(python), "-m", "olmpy", "hs-check", url, "--json", "--assume-msc3814",
                 "--verbose"],
                capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=cwd, env=env,
            )
        except subprocess.TimeoutExpired:
            return None, time.monotonic() - t0, f"timed out after {RUN_TIMEOUT:.0f}s"
    secs = time.monotonic() - t0
    with log.open("a") as out:
        out.write(f"\n$ olmpy hs-check {url} (exit {proc.returncode}, {secs:.1f}s)\n")
        out.write(proc.stderr)
        out.write(proc.stdout)
    try:
        report: dict[str, Any] = json.loads(proc.stdout)
    except ValueError:
        return None, secs, f"no JSON report (exit {proc.returncode}): {proc.stderr[-300:]}"
    if report.get("exit_code") != proc.returncode:
        return report, secs, (f"exit status {proc.returncode} differs from the report's "
                              f"{report.get('exit_code')}")
    return report, secs, ""


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["checks"]}


def run_hs_check_flow(pythons: dict[str, Path], logdir: Path) -> bool:
    """The whole flow; prints what it saw and returns whether it passed."""
    t0 = time.monotonic()
    python = pythons["clients"]
    log = logdir / "hs-check.log"
    log.unlink(missing_ok=True)
    ident = subprocess.run([str(python), "-c", "import olmpy; print(olmpy.__file__)"],
                           capture_output=True, text=True, timeout=60, cwd="/",
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    print(f"hs-check: olmpy from {ident.stdout.strip()}", flush=True)
    problems: list[str] = []
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="olmpy-hs-e2e-") as work:
        try:
            with homeserver.running(pythons["synapse"], Path(work) / "synapse",
                                    open_registration=True) as hs:
                report, secs, problem = _hs_check(python, hs.url, log)
                if report is None or problem:
                    problems.append(f"clean run: {problem}")
                if report is None:
                    return _finish(problems, lines, t0, log)
                base = _statuses(report)
                lines.append(f"clean run ({secs:.1f}s, exit {report['exit_code']}):")
                for c in report["checks"]:
                    lines.append(f"    {c['status']:4} {c['level']:6} {c['id']}: {c['detail']}")
                for c in report["checks"]:
                    if c["id"] in SYNAPSE_FINDINGS:
                        if c["status"] != "FAIL":
                            problems.append(f"{c['id']}: the Synapse finding is gone "
                                            f"({c['status']}); update SYNAPSE_FINDINGS")
                    elif c["level"] == "MUST" and c["status"] != "PASS":
                        problems.append(f"clean run: MUST {c['id']} is {c['status']}: "
                                        f"{c['detail']}")
                for name, text in SYNAPSE_FINDINGS.items():
                    lines.append(f"    Synapse finding {name}: {text}")
                for fault, description in faulty_proxy.FAULTS.items():
                    with faulty_proxy.FaultyProxy(hs.url, fault) as proxy:
                        report, secs, problem = _hs_check(python, proxy.url, log)
                        rewrites = proxy.state.rewrites
                    if report is None or problem:
                        problems.append(f"fault {fault}: {problem}")
                    if report is None:
                        continue
                    got = _statuses(report)
                    changed = {cid for cid in got if got[cid] != base.get(cid)}
                    want = faulty_proxy.EXPECTED_FAILS[fault]
                    failed = {cid for cid in want if got.get(cid) == "FAIL"}
                    ok = changed == want and failed == want and rewrites > 0
                    lines.append(f"fault {fault} ({description}; {rewrites} rewrites, "
                                 f"{secs:.1f}s): changed {sorted(changed)}, expected "
                                 f"{sorted(want)} -> {'ok' if ok else 'MISMATCH'}")
                    if not ok:
                        problems.append(f"fault {fault}: changed {sorted(changed)} "
                                        f"(to {[got[c] for c in sorted(changed)]}), expected "
                                        f"{sorted(want)} to FAIL; {rewrites} rewrites")
        except RuntimeError as err:
            problems.append(f"homeserver failed: {err}")
    return _finish(problems, lines, t0, log)


def _finish(problems: list[str], lines: list[str], t0: float, log: Path) -> bool:
    ok = not problems
    print(f"\nflow hs-check: {'ok' if ok else 'FAILED'} in {time.monotonic() - t0:.1f}s "
          f"(log {log})")
    for line in lines:
        print(f"    {line}")
    for line in problems:
        print(f"  ! {line}")
    return ok

"""The end-to-end flows on a real Synapse (orchestration; standard library only).

Each flow registers its own two users, then runs phases; in a phase the two clients
run as separate processes at once (the clients venv, cwd in a temp folder so the
checkout never shadows the installed olmpy) and each prints ``CHECK`` lines.  The
flow fails on any non-zero exit, time-out, or expected ``CHECK`` line missing.

* ``nio-live``: nio bot on the vodozemac drop-in, nio peer on real vodozemac.
* ``nio-store``: the bot's nio store written by real vodozemac is reopened on the
  drop-in (history decrypts, new messages both ways), then back on real vodozemac.
* ``mautrix-live``: mautrix ``OlmMachine`` on the olm drop-in, peer on real python-olm.
* ``mautrix-store``: the same store round trip for mautrix's crypto store.

In baseline mode every ``dropin`` becomes ``real``: the flows themselves are proved
with the real modules on both sides.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import homeserver

HERE = Path(__file__).resolve().parent
PHASE_TIMEOUT = 180.0
CLIENT_TIMEOUT = 120.0


@dataclass
class Client:
    """One client across phases: its user, state folder and script."""

    script: str
    name: str
    user: str
    password: str
    state: Path


@dataclass
class Run:
    client: Client
    module: str
    send: list[str] = field(default_factory=list)
    expect: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    send_first: bool = False
    create_room: bool = False


@dataclass
class FlowResult:
    name: str
    ok: bool = False
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Flow:
    def __init__(self, name: str, hs: homeserver.Homeserver, python: Path, workdir: Path,
                 baseline: bool, logdir: Path) -> None:
        self.name = name
        self.hs = hs
        self.python = python
        self.dir = workdir / name
        self.dir.mkdir(parents=True)
        self.room_file = self.dir / "room_id"
        self.baseline = baseline
        self.logdir = logdir
        self.result = FlowResult(name)
        self.phase_no = 0

    def client(self, script: str, name: str) -> Client:
        password = secrets.token_hex(8)
        localpart = f"{self.name.replace('-', '')}{name}"
        user = self.hs.register(localpart, password)
        return Client(script, name, user, password, self.dir / name)

    def expected(self, run: Run, first_time: bool) -> list[str]:
        want = ["module ", "store reopened" if not first_time else "logged in",
                "room is encrypted and"]
        want += [f"history from the store decrypted: {b}" for b in run.history]
        want += [f"sent encrypted: {b}" for b in run.send]
        want += [f"decrypted from {self.peer_of(run).user}: {b}" for b in run.expect]
        return [*want, "done"]

    def peer_of(self, run: Run) -> Client:
        return self._pair[1] if run.client is self._pair[0] else self._pair[0]

    def phase(self, label: str, a: Run, b: Run) -> bool:
        """Run a and b at once; True if both passed every expected check."""
        self.phase_no += 1
        self._pair = (a.client, b.client)
        procs = []
        for run in (a, b):
            module = "real" if self.baseline else run.module
            first_time = not (run.client.state / "login.json").exists()
            cfg: dict[str, Any] = {
                "module": module, "homeserver": self.hs.url, "user": run.client.user,
                "password": run.client.password, "name": run.client.name,
                "state": str(run.client.state), "room_file": str(self.room_file),
                "peer_user": self.peer_of(run).user, "send": run.send,
                "expect": run.expect, "history": run.history, "send_first": run.send_first,
                "create_room": run.create_room, "timeout": CLIENT_TIMEOUT,
            }
            tag = f"{self.name}.{self.phase_no}.{run.client.name}"
            cfg_file = self.dir / f"{tag}.json"
            cfg_file.write_text(json.dumps(cfg))
            log = self.logdir / f"{tag}.log"
            env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [str(self.python), str(HERE / run.client.script), str(cfg_file)],
                    stdout=out, stderr=subprocess.STDOUT, cwd=str(self.dir), env=env,
                    start_new_session=True,
                )
            procs.append((run, module, first_time, proc, log, tag))
        deadline = time.monotonic() + PHASE_TIMEOUT
        ok = True
        for run, module, first_time, proc, log, _tag in procs:
            try:
                rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                rc = None
            lines = log.read_text(errors="replace").splitlines()
            checks = [line[6:] for line in lines if line.startswith("CHECK ")]
            who = f"{label} {run.client.name}[{module}]"
            missing = [w for w in self.expected(run, first_time)
                       if not any(c.startswith(w) for c in checks)]
            if module == "dropin" and not any("olmpy.compat." in c for c in checks):
                missing.append("module is olmpy's")
            for c in checks:
                self.result.checked.append(f"{who}: {c}")
            if rc != 0 or missing:
                ok = False
                why = "timed out" if rc is None else f"exit {rc}"
                tail = [line for line in lines if line.strip()][-3:]
                self.result.problems.append(
                    f"{who}: {why}; missing {missing}; log {log}; last: {tail}")
        return ok


def nonce_texts(flow: str, phase: str, who: str, n: int = 1) -> list[str]:
    return [f"{flow} {phase} from {who} #{i} {secrets.token_hex(4)}" for i in range(n)]


def live_flow(f: Flow, script: str) -> bool:
    """Bot on the drop-in, peer on the real module: a fresh encrypted room, both ways."""
    bot, peer = f.client(script, "bot"), f.client(script, "peer")
    to_peer, to_bot = nonce_texts(f.name, "live", "bot", 2), nonce_texts(f.name, "live", "peer", 2)
    return f.phase("live", Run(bot, "dropin", send=to_peer, expect=to_bot, send_first=True,
                               create_room=True),
                   Run(peer, "real", send=to_bot, expect=to_peer))


def store_flow(f: Flow, script: str) -> bool:
    """The bot's store: written by the real module, reopened by the drop-in, and back."""
    bot, peer = f.client(script, "bot"), f.client(script, "peer")
    ok = True
    history: list[str] = []
    for label, module in (("1-real", "real"), ("2-dropin", "dropin"), ("3-real-again", "real")):
        to_peer = nonce_texts(f.name, label, "bot")
        to_bot = nonce_texts(f.name, label, "peer")
        ok = f.phase(label, Run(bot, module, send=to_peer, expect=to_bot, history=history,
                                send_first=True, create_room=True),
                     Run(peer, "real", send=to_bot, expect=to_peer)) and ok
        if not ok:
            break
        history = to_bot  # the next phase's bot must decrypt these from its store
    return ok


FLOWS: dict[str, tuple[str, Callable[[Flow, str], bool]]] = {
    "nio-live": ("e2e_nio.py", live_flow),
    "nio-store": ("e2e_nio.py", store_flow),
    "mautrix-live": ("e2e_mautrix.py", live_flow),
    "mautrix-store": ("e2e_mautrix.py", store_flow),
}


def run_flows(pythons: dict[str, Path], sites: dict[str, str], logdir: Path,
              only: list[str] | None, baseline: bool) -> int:
    names = [n for n in FLOWS if not only or n in only]
    unknown = sorted(set(only or []) - set(FLOWS))
    if unknown:
        print(f"unknown flow(s) {unknown}; known: {sorted(FLOWS)}")
        return 1
    results: list[FlowResult] = []
    keep = bool(os.environ.get("OLMPY_E2E_KEEP"))  # keep the homeserver and client state
    work = Path(tempfile.mkdtemp(prefix="olmpy-e2e-"))
    try:
        if keep:
            print(f"keeping the e2e state in {work}")
        try:
            hs_cm = homeserver.running(pythons["synapse"], work / "synapse")
            with hs_cm as hs:
                for name in names:
                    script, fn = FLOWS[name]
                    t0 = time.monotonic()
                    flow = Flow(name, hs, pythons["clients"], work, baseline, logdir)
                    try:
                        flow.result.ok = fn(flow, script)
                    except Exception as e:  # a flow's crash is its failure, not the run's
                        flow.result.problems.append(f"{type(e).__name__}: {e}")
                    flow.result.seconds = time.monotonic() - t0
                    results.append(flow.result)
        except RuntimeError as e:
            print(f"homeserver failed: {e}")
            log = work / "synapse" / "synapse.log"
            if log.exists():
                print("\n".join(log.read_text(errors="replace").splitlines()[-20:]))
            for name in names:
                if name not in {r.name for r in results}:
                    results.append(FlowResult(name, problems=["homeserver failed"]))
        finally:
            with contextlib.suppress(OSError):
                hs_log = work / "synapse" / "synapse.log"
                if hs_log.exists():
                    (logdir / "synapse.log").write_bytes(hs_log.read_bytes())
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)

    mode = "real modules on both sides (baseline)" if baseline else "olmpy drop-ins"
    print(f"\nEnd-to-end flows on a real Synapse, {mode}:")
    for r in results:
        print(f"flow {r.name}: {'ok' if r.ok else 'FAILED'} in {r.seconds:.1f}s")
        for line in r.checked:
            print(f"    {line}")
        for line in r.problems:
            print(f"  ! {line}")
    passed = sum(r.ok for r in results)
    print(f"e2e: {passed} passed, {len(results) - passed} failed")
    return 0 if results and passed == len(results) else 1

"""A misbehaving homeserver proxy for ``olmpy hs-check`` (standard library only).

It listens on loopback, forwards every request to the real homeserver and, for one chosen
fault, rewrites what the homeserver answers, so a check that is meant to catch that fault
can be shown to catch it (and the others shown to stay unaffected).  The rewriting is a
pure function of (fault, state, request, response) so it is unit-tested without a server.

    python tests/clients/faulty_proxy.py http://127.0.0.1:8008 claim-twice
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

FAULTS: dict[str, str] = {
    "claim-twice": "serves a claimed one-time key again on the next claim for that device",
    "strip-signature": "removes the cross-signing signatures of device keys in /keys/query",
    "alter-signature": "alters the master key's signature of self-signing and user-signing "
                       "keys in /keys/query",
    "drop-to-device": "drops the first encrypted to-device event from /sync",
    "backup-replace": "serves the last uploaded backup entry of each session, as if every "
                      "upload replaced the stored one, a worse one included",
}

# The hs-check checks each fault must turn to FAIL (and no other).  backup-replace also
# fails backup-etag: the entries it serves change while the server's etag does not, which
# is exactly the inconsistency that check looks for.
EXPECTED_FAILS: dict[str, set[str]] = {
    "claim-twice": {"keys-claim-once"},
    "strip-signature": {"signatures-upload-valid"},
    "alter-signature": {"keys-query-cross-signing"},
    "drop-to-device": {"to-device-olm"},
    "backup-replace": {"backup-keep-worse", "backup-etag"},
}

_ROOM_KEYS = re.compile(r"^/_matrix/client/(?:v3|r0)/room_keys/keys(?:/([^/]+)(?:/([^/]+))?)?$")
UPSTREAM_TIMEOUT = 60.0


@dataclass
class State:
    """What a fault remembers between requests (guarded by ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    first_claimed: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    dropped: int = 0
    backup: dict[tuple[str, str], Any] = field(default_factory=dict)
    rewrites: int = 0


def _flip(signature: str) -> str:
    """The signature with its first character changed (still base64, no longer valid)."""
    return ("B" if signature[:1] == "A" else "A") + signature[1:]


def observe_request(fault: str, state: State, method: str, path: str, body: Any) -> None:
    """Records what a fault needs from a request (the backup entries uploaded)."""
    if fault != "backup-replace" or method != "PUT" or not isinstance(body, dict):
        return
    match = _ROOM_KEYS.match(path)
    if match is None:
        return
    room, session = (unquote(g) if g else None for g in match.groups())
    with state.lock:
        if room and session:
            state.backup[(room, session)] = body
        elif room:
            for sid, entry in body.get("sessions", {}).items():
                state.backup[(room, sid)] = entry
        else:
            for rid, data in body.get("rooms", {}).items():
                for sid, entry in data.get("sessions", {}).items():
                    state.backup[(rid, sid)] = entry


def rewrite_response(fault: str, state: State, method: str, path: str, body: Any) -> Any:
    """The response body the proxy serves for a 200 answer ``body`` under ``fault``."""
    if not isinstance(body, dict):
        return body
    if fault == "claim-twice" and method == "POST" and path.endswith("/keys/claim"):
        with state.lock:
            for user, devices in body.get("one_time_keys", {}).items():
                for device, keys in devices.items():
                    if not keys or any(isinstance(k, dict) and k.get("fallback")
                                       for k in keys.values()):
                        continue
                    first = state.first_claimed.get((user, device))
                    if first is None:
                        state.first_claimed[(user, device)] = dict(keys)
                    else:
                        devices[device] = dict(first)
                        state.rewrites += 1
    elif fault == "strip-signature" and method == "POST" and path.endswith("/keys/query"):
        for user, devices in body.get("device_keys", {}).items():
            for device, keys in devices.items():
                sigs = keys.get("signatures", {}) if isinstance(keys, dict) else {}
                own = sigs.get(user, {}).get(f"ed25519:{device}")
                kept = {user: {f"ed25519:{device}": own}} if own is not None else {}
                if kept != sigs:
                    keys["signatures"] = kept
                    with state.lock:
                        state.rewrites += 1
    elif fault == "alter-signature" and method == "POST" and path.endswith("/keys/query"):
        masters = body.get("master_keys", {})
        for section in ("self_signing_keys", "user_signing_keys"):
            for user, key in body.get(section, {}).items():
                master_ids = list(masters.get(user, {}).get("keys", {}))
                sigs = key.get("signatures", {}).get(user, {}) if isinstance(key, dict) else {}
                for key_id in master_ids:
                    if isinstance(sigs.get(key_id), str):
                        sigs[key_id] = _flip(sigs[key_id])
                        with state.lock:
                            state.rewrites += 1
    elif fault == "drop-to-device" and method == "GET" and path.endswith("/sync"):
        events = body.get("to_device", {}).get("events", [])
        with state.lock:
            for i, event in enumerate(events):
                if state.dropped == 0 and event.get("type") == "m.room.encrypted":
                    del events[i]
                    state.dropped += 1
                    state.rewrites += 1
                    break
    elif fault == "backup-replace" and method == "GET":
        match = _ROOM_KEYS.match(path)
        if match is not None:
            room, session = (unquote(g) if g else None for g in match.groups())
            with state.lock:
                if room and session:
                    if (room, session) in state.backup:
                        state.rewrites += 1
                        return state.backup[(room, session)]
                elif room:
                    for sid in body.get("sessions", {}):
                        if (room, sid) in state.backup:
                            body["sessions"][sid] = state.backup[(room, sid)]
                else:
                    for rid, data in body.get("rooms", {}).items():
                        for sid in data.get("sessions", {}):
                            if (rid, sid) in state.backup:
                                data["sessions"][sid] = state.backup[(rid, sid)]
    return body


_SKIP_HEADERS = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding",
                 "keep-alive"}


class FaultyProxy:
    """A threaded proxy on 127.0.0.1 in front of ``upstream`` injecting ``fault``."""

    def __init__(self, upstream: str, fault: str) -> None:
        if fault not in FAULTS:
            raise ValueError(f"fault: expected one of {sorted(FAULTS)}, got {fault!r}")
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.fault = fault
        self.state = State()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                try:
                    request_body = json.loads(raw) if raw else None
                except ValueError:
                    request_body = None
                observe_request(proxy.fault, proxy.state, self.command, path, request_body)
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=UPSTREAM_TIMEOUT)
                try:
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() not in _SKIP_HEADERS}
                    conn.request(self.command, self.path, body=raw or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    status, reason = resp.status, resp.reason
                    out_headers = [(k, v) for k, v in resp.getheaders()
                                   if k.lower() not in _SKIP_HEADERS]
                finally:
                    conn.close()
                if status == 200 and data:
                    try:
                        parsed = json.loads(data)
                    except ValueError:
                        parsed = None
                    if parsed is not None:
                        changed = rewrite_response(proxy.fault, proxy.state, self.command, path,
                                                   parsed)
                        data = json.dumps(changed).encode()
                self.send_response(status, reason)
                for k, v in out_headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in FAULTS:
        print(__doc__)
        print("faults: " + ", ".join(f"{k} ({v})" for k, v in FAULTS.items()))
        return 2
    with FaultyProxy(argv[0], argv[1]) as proxy:
        print(f"{proxy.url} -> {argv[0]} with fault {argv[1]}", flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

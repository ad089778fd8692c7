"""``olmpy hs-check URL``: checks a running homeserver's end-to-end encryption API.

Simulated devices (``olmpy.testing.device.Device``) on fresh users drive the
client-server API over HTTP (``urllib``, bounded time-outs, a few retries on connection
errors and 429) and each check reports PASS, FAIL or SKIP, labelled MUST or SHOULD after
the spec's wording, with the section of the client-server API it tests.  A SKIP is never a
pass: the exit status is 0 only when every MUST check passed, 1 when one failed, 2 when
none failed but one could not run, 3 when the run could not start (see ``Report``).

Users: open registration (``/register`` with ``m.login.dummy``), a registration token
(``registration_token``), or given access tokens (``access_tokens``; checks needing more
users than given are skipped, with the reason).  Backup versions and the devices it made
are removed at the end.

The report logic, without a server:

>>> from olmpy.testing.hs_check import CHECKS, Report, Result
>>> results = [Result(check, "PASS") for check in CHECKS.values()]
>>> Report("http://hs.example", results).exit_code
0
>>> results[0] = Result(results[0].check, "SKIP", "needs 3 users, 1 given")
>>> results[0].check.level, Report("http://hs.example", results).exit_code
('MUST', 2)
>>> results[1] = Result(results[1].check, "FAIL", "count 2, expected 3")
>>> Report("http://hs.example", results).exit_code
1
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal
from urllib.parse import quote, urlencode

from olmpy import backup as _backup
from olmpy.device_keys import (
    cross_signing_key_id,
    verify_device_keys,
    verify_device_signed_by_self_signing_key,
)
from olmpy.errors import OlmpyError
from olmpy.megolm import GroupSession, InboundGroupSession
from olmpy.olm import Account
from olmpy.pk import PkDecryption
from olmpy.signed_json import PkSigning, canonical_json, sign_json
from olmpy.testing.device import Device, send_to_device_path

__all__ = ["CHECKS", "Check", "Report", "Result", "main", "run"]

Level = Literal["MUST", "SHOULD"]
Status = Literal["PASS", "FAIL", "SKIP"]
SPEC = "https://spec.matrix.org/latest/client-server-api/"
V3 = "/_matrix/client/v3"
MSC3814 = "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device"


@dataclass(frozen=True)
class Check:
    """One check: its id, what it asserts, MUST or SHOULD, and the spec section."""

    id: str
    title: str
    level: Level
    spec: str
    anchor: str

    @property
    def url(self) -> str:
        """The spec section's address."""
        return self.anchor if self.anchor.startswith("http") else SPEC + self.anchor


def _check(id: str, title: str, level: Level, spec: str, anchor: str) -> tuple[str, Check]:
    return id, Check(id, title, level, spec, anchor)


CHECKS: dict[str, Check] = dict([
    _check("keys-upload-counts", "/keys/upload returns the one-time key counts",
           "MUST", "POST /_matrix/client/v3/keys/upload", "#post_matrixclientv3keysupload"),
    _check("keys-query-device-keys",
           "/keys/query serves device keys as uploaded (unknown fields, signatures)",
           "MUST", "POST /_matrix/client/v3/keys/query", "#post_matrixclientv3keysquery"),
    _check("keys-query-cross-signing", "/keys/query serves the cross-signing keys as uploaded",
           "MUST", "POST /_matrix/client/v3/keys/query", "#post_matrixclientv3keysquery"),
    _check("keys-claim-once", "/keys/claim hands out each one-time key once, as uploaded",
           "MUST", "POST /_matrix/client/v3/keys/claim", "#post_matrixclientv3keysclaim"),
    _check("keys-claim-fallback",
           "/keys/claim serves the fallback key when one-time keys run out, and keeps it",
           "MUST", "POST /_matrix/client/v3/keys/claim", "#post_matrixclientv3keysclaim"),
    _check("sync-one-time-key-counts",
           "/sync device_one_time_keys_count follows uploads and claims",
           "MUST", "GET /_matrix/client/v3/sync (End-to-End Encryption extensions)",
           "#extensions-to-sync-1"),
    _check("sync-unused-fallback", "/sync device_unused_fallback_key_types: unused, then used",
           "MUST", "GET /_matrix/client/v3/sync (End-to-End Encryption extensions)",
           "#extensions-to-sync-1"),
    _check("sync-device-lists", "/sync device_lists.changed names a room member who uploaded keys",
           "MUST", "GET /_matrix/client/v3/sync (End-to-End Encryption extensions)",
           "#extensions-to-sync-1"),
    _check("keys-changes", "/keys/changes names the member who uploaded keys",
           "MUST", "GET /_matrix/client/v3/keys/changes", "#get_matrixclientv3keyschanges"),
    _check("to-device-olm",
           "Olm-encrypted m.room_key to-device: delivered once, decrypts, gone after ack",
           "MUST", "PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}",
           "#put_matrixclientv3sendtodeviceeventtypetxnid"),
    _check("room-megolm",
           "a Megolm m.room.encrypted room event reaches the member and decrypts",
           "MUST", "PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
           "#put_matrixclientv3roomsroomidsendeventtypetxnid"),
    _check("cross-signing-upload",
           "/keys/device_signing/upload accepted (with m.login.password UIA)",
           "MUST", "POST /_matrix/client/v3/keys/device_signing/upload",
           "#post_matrixclientv3keysdevice_signingupload"),
    _check("signatures-upload-valid",
           "/keys/signatures/upload accepts a valid signature and /keys/query serves it",
           "MUST", "POST /_matrix/client/v3/keys/signatures/upload",
           "#post_matrixclientv3keyssignaturesupload"),
    _check("signatures-upload-forged",
           "/keys/signatures/upload reports a forged signature in failures, never serves it",
           "MUST", "POST /_matrix/client/v3/keys/signatures/upload",
           "#post_matrixclientv3keyssignaturesupload"),
    _check("signatures-upload-forged-again",
           "/keys/signatures/upload reports a forged signature sent when a valid one is stored",
           "SHOULD", "POST /_matrix/client/v3/keys/signatures/upload",
           "#post_matrixclientv3keyssignaturesupload"),
    _check("backup-version", "/room_keys/version stores the algorithm and auth_data as sent",
           "MUST", "POST/GET /_matrix/client/v3/room_keys/version",
           "#post_matrixclientv3room_keysversion"),
    _check("backup-keys-roundtrip",
           "/room_keys/keys reads back what was uploaded; it restores with the recovery key",
           "MUST", "PUT/GET /_matrix/client/v3/room_keys/keys", "#put_matrixclientv3room_keyskeys"),
    _check("backup-replace-better",
           "a stored backup key is replaced by a better one (verified, lower "
           "first_message_index, lower forwarded_count)", "MUST",
           "PUT /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}",
           "#put_matrixclientv3room_keyskeysroomidsessionid"),
    _check("backup-keep-worse",
           "a stored backup key is kept against a key no better on any of the three",
           "MUST", "PUT /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}",
           "#put_matrixclientv3room_keyskeysroomidsessionid"),
    _check("backup-replace-order",
           "backup keys compare is_verified first, then first_message_index, then "
           "forwarded_count", "MUST",
           "PUT /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}",
           "#put_matrixclientv3room_keyskeysroomidsessionid"),
    _check("backup-count", "the backup's count is the number of stored keys",
           "MUST", "PUT /_matrix/client/v3/room_keys/keys; GET /room_keys/version",
           "#get_matrixclientv3room_keysversion"),
    _check("backup-etag", "the backup's etag changes when its keys change",
           "SHOULD", "PUT /_matrix/client/v3/room_keys/keys; GET /room_keys/version",
           "#get_matrixclientv3room_keysversion"),
    _check("dehydrated-device",
           "MSC3814 dehydrated device: PUT, GET, listed in /keys/query, DELETE",
           "SHOULD", "MSC3814 /_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device",
           "https://github.com/matrix-org/matrix-spec-proposals/pull/3814"),
])


@dataclass(frozen=True)
class Result:
    """A check's outcome and what was seen."""

    check: Check
    status: Status
    detail: str = ""


@dataclass
class Report:
    """Every check's result.  ``exit_code``: 0 every MUST passed, 1 a MUST failed, 2 none
    failed but a MUST was skipped (a skip is not a pass), 3 the run could not start."""

    url: str
    results: list[Result]
    seconds: float = 0.0
    error: str = ""
    server: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """The command's exit status (see the class docstring)."""
        if self.error:
            return 3
        musts = [r for r in self.results if r.check.level == "MUST"]
        if any(r.status == "FAIL" for r in musts):
            return 1
        if len(musts) < sum(c.level == "MUST" for c in CHECKS.values()):
            return 2
        return 0 if all(r.status == "PASS" for r in musts) else 2

    def to_json(self) -> dict[str, Any]:
        """The report as JSON (for ``--json``)."""
        return {
            "url": self.url,
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 2),
            "error": self.error,
            "server": self.server,
            "checks": [
                {"id": r.check.id, "title": r.check.title, "level": r.check.level,
                 "status": r.status, "spec": r.check.spec, "spec_url": r.check.url,
                 "detail": r.detail}
                for r in self.results
            ],
        }

    def table(self) -> str:
        """The report as a text table."""
        rows = [("STATUS", "LEVEL", "CHECK", "SPEC", "DETAIL")]
        rows += [(r.status, r.check.level, r.check.id, r.check.spec, r.detail)
                 for r in self.results]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(row[:4], widths, strict=True))
                 + "  " + row[4] for row in rows]
        summary = {s: sum(r.status == s for r in self.results) for s in ("PASS", "FAIL", "SKIP")}
        lines.append(
            f"{self.url}: {summary['PASS']} passed, {summary['FAIL']} failed, "
            f"{summary['SKIP']} skipped in {self.seconds:.1f}s; exit {self.exit_code}"
            + (f" ({self.error})" if self.error else "")
        )
        return "\n".join(lines)


# --- HTTP -------------------------------------------------------------------------------


class ServerError(Exception):
    """The server answered a step with an error status (or not at all)."""


@dataclass
class _Response:
    status: int
    body: Any


class _Http:
    def __init__(self, base: str, timeout: float, retries: int) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.retries = retries

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None,
             query: Mapping[str, str] | None = None) -> _Response:
        url = self.base + path + ("?" + urlencode(query) if query else "")
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        attempt = 0
        while True:
            attempt += 1
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return _Response(resp.status, _parse(resp.read()))
            except urllib.error.HTTPError as err:
                parsed = _parse(err.read())
                if err.code == 429 and attempt <= self.retries:
                    wait = parsed.get("retry_after_ms", 500) if isinstance(parsed, dict) else 500
                    time.sleep(min(max(float(wait) / 1000, 0.1), 2.0))
                    continue
                return _Response(err.code, parsed)
            except (TimeoutError, urllib.error.URLError, ConnectionError) as err:
                if attempt <= self.retries:
                    time.sleep(0.3 * attempt)
                    continue
                raise ServerError(f"{method} {path}: no answer ({err})") from None

    def ok(self, method: str, path: str, body: Any = None, *, token: str | None = None,
           query: Mapping[str, str] | None = None) -> Any:
        """The JSON body of a 200 answer; ServerError naming the status otherwise."""
        resp = self.call(method, path, body, token=token, query=query)
        if resp.status != 200:
            raise ServerError(f"{method} {path}: expected 200, got {resp.status} "
                              f"{_short(resp.body)}")
        return resp.body


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return {"_not_json": raw[:200].decode("utf-8", "replace")}


def _short(value: Any, n: int = 160) -> str:
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= n else text[:n] + "..."


def _canon(value: Any) -> bytes:
    return canonical_json(value)


def _without(obj: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in names}


# --- users ------------------------------------------------------------------------------


@dataclass
class _User:
    user_id: str
    device_id: str
    token: str = field(repr=False)
    password: str | None = field(repr=False)
    ours: bool
    device: Device = field(init=False)

    def __post_init__(self) -> None:
        self.device = Device(self.user_id, self.device_id)


class _Skip(Exception):
    """The check cannot run here (the reason is its message)."""


class _Fail(Exception):
    """The check failed (the message says what was expected and what was seen)."""


def _register(http: _Http, registration_token: str | None) -> _User:
    localpart = "olmpyhs" + secrets.token_hex(6)
    password = secrets.token_urlsafe(18)
    body: dict[str, Any] = {"username": localpart, "password": password,
                            "initial_device_display_name": "olmpy hs-check"}
    resp = http.call("POST", f"{V3}/register", body)
    for _ in range(4):
        if resp.status == 200:
            out = resp.body
            return _User(out["user_id"], out["device_id"], out["access_token"], password, True)
        flows = resp.body.get("flows") if isinstance(resp.body, dict) else None
        if resp.status != 401 or not isinstance(flows, list):
            raise ServerError(f"POST /register: expected 200 or 401 with flows, got "
                              f"{resp.status} {_short(resp.body)}")
        usable = {"m.login.dummy"} | ({"m.login.registration_token"} if registration_token
                                      else set())
        flow = next((f.get("stages", []) for f in flows
                     if set(f.get("stages", [])) <= usable), None)
        if flow is None:
            raise _Skip("registration needs stages olmpy cannot do: "
                        + _short([f.get("stages") for f in flows]))
        done = resp.body.get("completed", [])
        stage = next(s for s in flow if s not in done)
        auth: dict[str, Any] = {"type": stage, "session": resp.body.get("session")}
        if stage == "m.login.registration_token":
            auth["token"] = registration_token
        resp = http.call("POST", f"{V3}/register", {**body, "auth": auth})
    raise ServerError("POST /register: user-interactive auth did not finish in 4 steps")


def _from_token(http: _Http, token: str) -> _User:
    who = http.ok("GET", f"{V3}/account/whoami", token=token)
    device_id = who.get("device_id")
    if not isinstance(device_id, str):
        raise ServerError("GET /account/whoami: expected a device_id for the token, got none")
    return _User(who["user_id"], device_id, token, None, False)


# --- the run ----------------------------------------------------------------------------


class _Run:
    SYNC_WAIT = 6.0

    def __init__(self, http: _Http, users: list[_User], unstable: set[str],
                 log: Callable[[str], None]) -> None:
        self.http = http
        self.users = users
        self.unstable = unstable
        self.log = log
        self.results: dict[str, Result] = {}
        self.room_id: str | None = None
        self.since: dict[str, str] = {}
        self.backup_version: str | None = None
        self.megolm_event: tuple[dict[str, Any], str] | None = None
        self.uploaded: dict[str, dict[str, Any]] = {}
        self.cross_signed = False

    # helpers

    def user(self, index: int, why: str) -> _User:
        if index >= len(self.users):
            raise _Skip(f"needs {index + 1} users ({why}), {len(self.users)} available")
        return self.users[index]

    def record(self, check_id: str, status: Status, detail: str = "") -> None:
        if check_id not in self.results:  # the first verdict stands
            self.results[check_id] = Result(CHECKS[check_id], status, detail)
            self.log(f"{status:4} {check_id}: {detail}")

    def attempt(self, check_ids: Sequence[str], step: Callable[[], None]) -> None:
        """Runs a step; an exception fails (or skips) every listed check not yet decided."""
        try:
            step()
        except _Skip as why:
            for cid in check_ids:
                self.record(cid, "SKIP", str(why))
        except (_Fail, ServerError, OlmpyError, KeyError, TypeError, ValueError) as err:
            what = str(err) if isinstance(err, (_Fail, ServerError)) else \
                f"{type(err).__name__}: {err}"
            for cid in check_ids:
                self.record(cid, "FAIL", what)

    def upload(self, user: _User, **kw: Any) -> tuple[dict[str, Any], dict[str, int]]:
        body = user.device.keys_upload_body(**kw)
        resp = self.http.ok("POST", f"{V3}/keys/upload", body, token=user.token)
        return body, user.device.receive_keys_upload(resp)

    def query(self, user: _User, targets: Sequence[str]) -> dict[str, Any]:
        resp: dict[str, Any] = self.http.ok(
            "POST", f"{V3}/keys/query", user.device.keys_query_body(targets), token=user.token)
        return resp

    def sync(self, user: _User, timeout_ms: int = 0) -> dict[str, Any]:
        query = {"timeout": str(timeout_ms)}
        if user.user_id in self.since:
            query["since"] = self.since[user.user_id]
        resp: dict[str, Any] = self.http.ok("GET", f"{V3}/sync", token=user.token, query=query)
        if isinstance(resp.get("next_batch"), str):
            self.since[user.user_id] = resp["next_batch"]
        return resp

    def sync_until(self, user: _User, found: Callable[[dict[str, Any]], bool]
                   ) -> list[dict[str, Any]]:
        """Syncs (long-polling) until ``found`` holds for a response or time runs out;
        every response seen, in order."""
        seen = []
        deadline = time.monotonic() + self.SYNC_WAIT
        while True:
            left = deadline - time.monotonic()
            resp = self.sync(user, int(max(0.0, min(left, 3.0)) * 1000))
            seen.append(resp)
            if found(resp) or time.monotonic() >= deadline:
                return seen

    # steps

    def step_upload(self) -> None:
        alice, bob = self.user(0, "uploader"), self.user(1, "peer")
        got = []
        for user, n, extra in (
            (alice, 2, None),
            (bob, 2, {"org.olmpy.hs_check": {"kept": ["as", 1, True, None], "text": "é ü"}}),
        ):
            body, counts = self.upload(user, one_time_keys=n, fallback_key=True,
                                       extra_device_fields=extra)
            self.uploaded[user.user_id] = body
            got.append(f"{n} uploaded, counts {counts}")
            if counts.get("signed_curve25519") != n:
                raise _Fail(f"one_time_key_counts.signed_curve25519: expected {n}, "
                            f"got {counts.get('signed_curve25519')!r} ({counts})")
        self.record("keys-upload-counts", "PASS", "; ".join(got))

    def step_room(self) -> None:
        alice, bob = self.user(0, "room creator"), self.user(1, "room member")
        invite = [u.user_id for u in self.users[1:3]]
        body = {"preset": "private_chat", "invite": invite, "initial_state": [
            {"type": "m.room.encryption", "state_key": "",
             "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]}
        self.room_id = self.http.ok("POST", f"{V3}/createRoom", body,
                                    token=alice.token)["room_id"]
        for member in self.users[1:3]:
            self.http.ok("POST", f"{V3}/join/{quote(self.room_id)}", {}, token=member.token)
        for user in (alice, bob):
            self.sync(user)  # the since tokens of what follows

    def step_device_lists(self) -> None:
        bob, carol = self.user(1, "watcher"), self.user(2, "member uploading keys")
        since = self.since[bob.user_id]
        body, counts = self.upload(carol, one_time_keys=3, fallback_key=True)
        self.uploaded[carol.user_id] = body
        if counts.get("signed_curve25519") != 3:
            self.results.pop("keys-upload-counts", None)
            self.record("keys-upload-counts", "FAIL",
                        f"third user: expected signed_curve25519 3, got {counts}")
        seen = self.sync_until(bob, lambda r: carol.user_id in
                               r.get("device_lists", {}).get("changed", []))
        changed = [u for r in seen for u in r.get("device_lists", {}).get("changed", [])]
        if carol.user_id in changed:
            self.record("sync-device-lists", "PASS",
                        f"{carol.user_id} in device_lists.changed after its upload")
        else:
            self.record("sync-device-lists", "FAIL",
                        f"expected {carol.user_id} in device_lists.changed within "
                        f"{self.SYNC_WAIT:.0f}s, got {changed}")
        to = self.since[bob.user_id]
        resp = self.http.ok("GET", f"{V3}/keys/changes", token=bob.token,
                            query={"from": since, "to": to})
        if carol.user_id in resp.get("changed", []):
            self.record("keys-changes", "PASS", f"{carol.user_id} in changed")
        else:
            self.record("keys-changes", "FAIL",
                        f"expected {carol.user_id} in /keys/changes changed, got {_short(resp)}")

    def step_query(self) -> None:
        alice = self.user(0, "querier")
        targets = [u for u in self.users[1:3] if u.user_id in self.uploaded]
        if not targets:
            raise _Skip("needs 2 users (querier and uploader)")
        resp = self.query(alice, [u.user_id for u in targets])
        result = alice.device.receive_keys_query(resp)
        problems = [str(err) for _where, err in result.rejected]
        for user in targets:
            served = resp.get("device_keys", {}).get(user.user_id, {}).get(user.device_id)
            sent = self.uploaded[user.user_id]["device_keys"]
            if not isinstance(served, dict):
                problems.append(f"{user.user_id} {user.device_id}: expected device keys, "
                                f"got {_short(served)}")
            elif _canon(_without(served, "unsigned")) != _canon(sent):
                problems.append(f"{user.device_id}: expected {_short(sent, 300)}, "
                                f"got {_short(_without(served, 'unsigned'), 300)}")
        if problems:
            raise _Fail("; ".join(problems))
        self.record("keys-query-device-keys", "PASS",
                    f"{len(targets)} devices byte for byte (apart from unsigned), "
                    "unknown fields kept, signatures verify")

    def step_claims(self) -> None:
        alice, carol = self.user(0, "claimer"), self.user(2, "device whose keys run out")
        if not alice.device.devices.get(carol.user_id):
            raise _Fail("the claimed device was not in /keys/query, so its keys cannot be checked")
        before = self.sync(carol)
        uploaded = self.uploaded[carol.user_id]
        otks = uploaded["one_time_keys"]
        fallback = uploaded["fallback_keys"]
        claims = []
        for _ in range(len(otks) + 2):
            resp = self.http.ok("POST", f"{V3}/keys/claim",
                                alice.device.keys_claim_body([(carol.user_id, carol.device_id)]),
                                token=alice.token)
            claims.append(resp.get("one_time_keys", {}).get(carol.user_id, {})
                          .get(carol.device_id, {}))
        after = self.sync(carol)
        # each one-time key once, as uploaded
        first, rest = claims[: len(otks)], claims[len(otks):]
        problems = []
        seen: list[str] = []
        for i, got in enumerate(first):
            if len(got) != 1:
                problems.append(f"claim {i + 1}: expected one key, got {_short(got)}")
                continue
            ((key_id, obj),) = got.items()
            if key_id not in otks or _canon(obj) != _canon(otks[key_id]):
                problems.append(f"claim {i + 1}: expected one of the uploaded one-time keys, "
                                f"got {key_id} {_short(obj)}")
            elif key_id in seen:
                problems.append(f"claim {i + 1}: {key_id} was already handed out")
            seen.append(key_id)
        try:
            checked = alice.device.receive_keys_claim(
                {"one_time_keys": {carol.user_id: {carol.device_id: first[0]}}},
                create_sessions=False) if first and len(first[0]) == 1 else {}
        except OlmpyError as err:
            problems.append(f"claimed key does not verify: {err}")
            checked = {}
        if problems:
            self.record("keys-claim-once", "FAIL", "; ".join(problems))
        else:
            self.record("keys-claim-once", "PASS",
                        f"{len(seen)} claims, {len(set(seen))} distinct keys, all as uploaded"
                        + (" and signed" if checked else ""))
        # the fallback key, twice
        ((fb_id, fb_obj),) = fallback.items()
        problems = []
        for i, got in enumerate(rest):
            if got != {fb_id: got.get(fb_id)} or _canon(got.get(fb_id)) != _canon(fb_obj):
                problems.append(f"claim {len(otks) + i + 1}: expected the fallback key "
                                f"{fb_id}, got {_short(got)}")
        if problems:
            self.record("keys-claim-fallback", "FAIL", "; ".join(problems))
        else:
            self.record("keys-claim-fallback", "PASS",
                        f"fallback key {fb_id} served on claims {len(otks) + 1} and "
                        f"{len(otks) + 2}, as uploaded")
        # sync counts
        n_before = before.get("device_one_time_keys_count", {}).get("signed_curve25519")
        after_counts = after.get("device_one_time_keys_count")
        n_after = (after_counts or {}).get("signed_curve25519", 0 if after_counts == {} else None)
        if n_before == len(otks) and n_after == 0:
            self.record("sync-one-time-key-counts", "PASS",
                        f"signed_curve25519 {n_before} after upload, 0 after {len(otks)} claims")
        else:
            self.record("sync-one-time-key-counts", "FAIL",
                        f"expected {len(otks)} then 0, got {n_before!r} then {n_after!r}")
        fb_before = before.get("device_unused_fallback_key_types")
        fb_after = after.get("device_unused_fallback_key_types")
        if fb_before == ["signed_curve25519"] and fb_after == []:
            self.record("sync-unused-fallback", "PASS",
                        "['signed_curve25519'] after upload, [] once the fallback key was used")
        else:
            self.record("sync-unused-fallback", "FAIL",
                        f"expected ['signed_curve25519'] then [], got {fb_before!r} then "
                        f"{fb_after!r}")

    def step_to_device(self) -> None:
        alice, bob = self.user(0, "sender"), self.user(1, "recipient")
        if self.room_id is None:
            raise _Fail("no room: room creation failed")
        if not alice.device.devices.get(bob.user_id):
            raise _Fail("the recipient's device keys did not verify in /keys/query")
        # Bob learns Alice's keys, so he can check the sender of what arrives.
        bob.device.receive_keys_query(self.query(bob, [alice.user_id]))
        claim = self.http.ok("POST", f"{V3}/keys/claim",
                             alice.device.keys_claim_body([(bob.user_id, bob.device_id)]),
                             token=alice.token)
        alice.device.receive_keys_claim(claim)
        body = alice.device.share_room_key(self.room_id, [(bob.user_id, bob.device_id)])
        session_id = alice.device.outbound_session(self.room_id).session_id
        path = send_to_device_path("m.room.encrypted", "hscheck" + secrets.token_hex(8))
        self.http.ok("PUT", path, body, token=alice.token)

        def ours(resp: dict[str, Any]) -> list[dict[str, Any]]:
            return [e for e in resp.get("to_device", {}).get("events", [])
                    if e.get("sender") == alice.user_id and e.get("type") == "m.room.encrypted"]

        seen = self.sync_until(bob, lambda r: bool(ours(r)))
        events = [e for r in seen for e in ours(r)]
        if len(events) != 1:
            raise _Fail(f"expected the to-device event once within {self.SYNC_WAIT:.0f}s, "
                        f"got it {len(events)} times")
        decrypted = bob.device.receive_sync({"next_batch": "-", "to_device": {"events": events}})
        if decrypted.failures:
            raise _Fail(f"the event did not decrypt: {decrypted.failures[0][1]}")
        keys = [e for e in decrypted.to_device if e.type == "m.room_key"
                and e.content.get("session_id") == session_id]
        if len(keys) != 1:
            raise _Fail(f"expected one m.room_key for session {session_id}, got "
                        f"{[e.type for e in decrypted.to_device]}")
        again = ours(self.sync(bob))
        if again:
            raise _Fail(f"after acknowledging next_batch the event came again ({len(again)}x)")
        self.record("to-device-olm", "PASS",
                    "delivered once, Olm pre-key message decrypted, payload checked, "
                    "not delivered after the ack")

    def step_megolm(self) -> None:
        alice, bob = self.user(0, "sender"), self.user(1, "member")
        if self.room_id is None:
            raise _Fail("no room: room creation failed")
        room_id = self.room_id
        note = ""
        session = alice.device.outbound_session(room_id)
        if (room_id, session.session_id) not in bob.device.room_keys:
            from olmpy.testing.device import RoomKeyInfo

            bob.device.add_room_key(RoomKeyInfo(
                room_id, InboundGroupSession(session.session_key),
                alice.device.curve25519_key.to_base64(), alice.device.ed25519_key.to_base64()))
            note = " (room key shared out of band: the to-device check did not deliver it)"
        text = "hs-check " + secrets.token_hex(6)
        content = alice.device.encrypt_room_event(room_id, "m.room.message",
                                                  {"msgtype": "m.text", "body": text})
        txn = "hscheck" + secrets.token_hex(8)
        event_id = self.http.ok(
            "PUT", f"{V3}/rooms/{quote(room_id)}/send/m.room.encrypted/{txn}", content,
            token=alice.token)["event_id"]
        self.megolm_event = (content, text)

        def timeline(resp: dict[str, Any]) -> list[dict[str, Any]]:
            room = resp.get("rooms", {}).get("join", {}).get(room_id, {})
            return [e for e in room.get("timeline", {}).get("events", [])
                    if e.get("event_id") == event_id]

        seen = self.sync_until(bob, lambda r: bool(timeline(r)))
        events = [e for r in seen for e in timeline(r)]
        if not events:
            raise _Fail(f"event {event_id} not in the member's timeline within "
                        f"{self.SYNC_WAIT:.0f}s")
        got = bob.device.decrypt_room_event(room_id, events[0])
        if got.content.get("body") != text or got.sender != alice.user_id:
            raise _Fail(f"expected {text!r} from {alice.user_id}, got "
                        f"{got.content.get('body')!r} from {got.sender}")
        if _canon(events[0].get("content")) != _canon(content):
            raise _Fail("the event content was not served as sent")
        self.record("room-megolm", "PASS", "served as sent, decrypts" + note)

    def _password_auth(self, user: _User, challenge: _Response) -> dict[str, Any]:
        """The m.login.password auth object answering a 401 challenge (or _Skip/_Fail)."""
        if challenge.status != 401 or not isinstance(challenge.body, dict) \
                or "flows" not in challenge.body:
            raise _Fail(f"expected 401 with user-interactive auth flows, got "
                        f"{challenge.status} {_short(challenge.body)}")
        if user.password is None:
            raise _Skip("the server asks for user-interactive auth and no password is "
                        "known for a given access token")
        stages = [f.get("stages") for f in challenge.body["flows"]]
        if ["m.login.password"] not in stages:
            raise _Skip(f"no m.login.password flow offered: {stages}")
        return {"type": "m.login.password", "session": challenge.body.get("session"),
                "identifier": {"type": "m.id.user", "user": user.user_id},
                "password": user.password}

    def step_cross_signing(self) -> None:
        alice = self.user(0, "cross-signing user")
        path = f"{V3}/keys/device_signing/upload"
        resp = self.http.call("POST", path, alice.device.cross_signing_upload_body(),
                              token=alice.token)
        how = "first upload accepted without user-interactive auth (allowed for a first upload)"
        if resp.status == 401:
            auth = self._password_auth(alice, resp)
            resp = self.http.call("POST", path, alice.device.cross_signing_upload_body(auth),
                                  token=alice.token)
            how = "first upload accepted after m.login.password user-interactive auth"
        if resp.status != 200:
            raise _Fail(f"expected 200, got {resp.status} {_short(resp.body)}")
        self.cross_signed = True
        # Replacing existing keys must go through user-interactive auth.
        if alice.password is None:
            self.record("cross-signing-upload", "PASS",
                        how + "; replacing the keys not tried (no password known)")
            return
        resp = self.http.call("POST", path,
                              alice.device.cross_signing_upload_body(new_keys=True),
                              token=alice.token)
        if resp.status == 200:
            raise _Fail("new cross-signing keys replaced the existing ones without "
                        "user-interactive auth")
        auth = self._password_auth(alice, resp)
        resp = self.http.call("POST", path, alice.device.cross_signing_upload_body(auth),
                              token=alice.token)
        if resp.status != 200:
            raise _Fail(f"replacing the keys after m.login.password auth: expected 200, got "
                        f"{resp.status} {_short(resp.body)}")
        self.record("cross-signing-upload", "PASS",
                    how + "; replacing them asked for user-interactive auth (401) and was "
                    "accepted after m.login.password")

    def step_query_cross_signing(self) -> None:
        alice, bob = self.user(0, "cross-signing user"), self.user(1, "querier")
        if not self.cross_signed:
            raise _Skip("needs the cross-signing keys, whose upload did not pass")
        cs = alice.device.cross_signing
        assert cs is not None
        want = {"master_keys": cs.master_key(), "self_signing_keys": cs.self_signing_key()}
        problems = []
        for who, sections in ((bob, want), (alice, {**want,
                                                   "user_signing_keys": cs.user_signing_key()})):
            resp = self.query(who, [alice.user_id])
            checked = who.device.receive_keys_query(resp)
            problems += [str(err) for _where, err in checked.rejected]
            for section, sent in sections.items():
                served = resp.get(section, {}).get(alice.user_id)
                if not isinstance(served, dict) or _canon(served) != _canon(sent):
                    problems.append(f"{section} for {who.user_id}: expected {_short(sent)}, "
                                    f"got {_short(served)}")
        if problems:
            raise _Fail("; ".join(problems))
        self.record("keys-query-cross-signing", "PASS",
                    "master and self-signing keys to another user, with user-signing to the "
                    "owner, as uploaded; signatures verify")

    def step_signatures(self) -> None:
        alice, bob = self.user(0, "cross-signing user"), self.user(1, "querier")
        if not self.cross_signed:
            raise _Skip("needs the cross-signing keys, whose upload did not pass")
        cs = alice.device.cross_signing
        assert cs is not None
        ssk_id = cross_signing_key_id(cs.self_signing)
        body = alice.device.self_signature_upload_body()
        valid_sig = body[alice.user_id][alice.device_id]["signatures"][alice.user_id][ssk_id]
        resp = self.http.ok("POST", f"{V3}/keys/signatures/upload", body, token=alice.token)
        if resp.get("failures"):
            raise _Fail(f"expected no failures, got {_short(resp['failures'])}")
        served = self.query(bob, [alice.user_id]).get("device_keys", {}).get(
            alice.user_id, {}).get(alice.device_id, {})
        sig = served.get("signatures", {}).get(alice.user_id, {}).get(ssk_id)
        if sig != valid_sig:
            raise _Fail(f"expected /keys/query to serve the self-signing signature {ssk_id}: "
                        f"{valid_sig[:16]}..., got {sig!r}")
        verify_device_signed_by_self_signing_key(_without(served, "unsigned"),
                                                 cs.self_signing_key(), alice.device_id)
        self.record("signatures-upload-valid", "PASS",
                    "no failures; the device's self-signing signature is served and verifies")

    def step_forged(self, check_id: str) -> None:
        alice, bob = self.user(0, "cross-signing user"), self.user(1, "querier")
        if not self.cross_signed:
            raise _Skip("needs the cross-signing keys, whose upload did not pass")
        cs = alice.device.cross_signing
        assert cs is not None and alice.device.uploaded_device_keys is not None
        ssk_id = cross_signing_key_id(cs.self_signing)
        forged = sign_json(_without(alice.device.uploaded_device_keys, "signatures"),
                           alice.user_id, ssk_id, PkSigning.generate())
        forged = sign_json(forged, alice.user_id, alice.device.key_id, alice.device.account)
        forged_sig = forged["signatures"][alice.user_id][ssk_id]
        resp = self.http.ok("POST", f"{V3}/keys/signatures/upload",
                            {alice.user_id: {alice.device_id: forged}}, token=alice.token)
        failure = resp.get("failures", {}).get(alice.user_id, {}).get(alice.device_id)
        if not isinstance(failure, dict):
            served = self.query(bob, [alice.user_id]).get("device_keys", {}).get(
                alice.user_id, {}).get(alice.device_id, {})
            stored = served.get("signatures", {}).get(alice.user_id, {}).get(ssk_id)
            raise _Fail(f"expected failures[{alice.user_id}][{alice.device_id}], got "
                        f"{_short(resp)}; /keys/query then serves "
                        + ("the forged signature" if stored == forged_sig else
                           "no self-signing signature" if stored is None else
                           "the earlier signature"))
        served = self.query(bob, [alice.user_id]).get("device_keys", {}).get(
            alice.user_id, {}).get(alice.device_id, {})
        if served.get("signatures", {}).get(alice.user_id, {}).get(ssk_id) == forged_sig:
            raise _Fail("the forged signature is served by /keys/query")
        errcode = failure.get("errcode")
        self.record(check_id, "PASS",
                    f"refused with errcode {errcode}"
                    + ("" if errcode == "M_INVALID_SIGNATURE"
                       else " (the spec names M_INVALID_SIGNATURE)"))

    def step_backup(self) -> None:
        alice = self.user(0, "backup owner")
        if self.room_id is None:
            raise _Fail("no room: room creation failed")
        dev = alice.device
        body = dev.backup_version_body()
        version = dev.receive_backup_version(
            self.http.ok("POST", f"{V3}/room_keys/version", body, token=alice.token))
        self.backup_version = version
        q = {"version": version}
        info = self.http.ok("GET", f"{V3}/room_keys/version/{quote(version)}", token=alice.token)
        latest = self.http.ok("GET", f"{V3}/room_keys/version", token=alice.token)
        problems = []
        for name, got in (("GET /room_keys/version/{version}", info),
                          ("GET /room_keys/version", latest)):
            if got.get("version") != version or got.get("algorithm") != body["algorithm"] \
                    or _canon(got.get("auth_data")) != _canon(body["auth_data"]):
                problems.append(f"{name}: expected version {version} with "
                                f"{_short(body, 200)}, got {_short(got, 200)}")
        if problems:
            self.record("backup-version", "FAIL", "; ".join(problems))
        else:
            self.record("backup-version", "PASS",
                        "algorithm and signed auth_data served as sent, latest is this version")
        etags: list[Any] = [(info.get("etag"), False)]
        counts: list[tuple[Any, int]] = [(info.get("count"), 0)]
        # upload what the device holds; read back; restore
        keys_body = dev.backup_keys_body()
        n_sessions = sum(len(r["sessions"]) for r in keys_body["rooms"].values())
        put = self.http.ok("PUT", f"{V3}/room_keys/keys", keys_body, token=alice.token, query=q)
        sessions = {sid for r in keys_body["rooms"].values() for sid in r["sessions"]}
        counts.append((put.get("count"), len(sessions)))
        etags.append((put.get("etag"), True))
        got_all = self.http.ok("GET", f"{V3}/room_keys/keys", token=alice.token, query=q)
        problems = []
        for room_id, room in keys_body["rooms"].items():
            for sid, entry in room["sessions"].items():
                served = got_all.get("rooms", {}).get(room_id, {}).get("sessions", {}).get(sid)
                if _canon(served) != _canon(entry):
                    problems.append(f"{sid}: expected {_short(entry)}, got {_short(served)}")
        restorer = Device(alice.user_id, "HSCHECKRESTORE")
        try:
            restored = restorer.restore_backup(dev.recovery_key, info, got_all)
            if {r.session_id for r in restored} != {
                    sid for r in keys_body["rooms"].values() for sid in r["sessions"]}:
                problems.append("the restored sessions are not the uploaded ones")
            if self.megolm_event is not None:
                content, text = self.megolm_event
                event = {"type": "m.room.encrypted", "sender": alice.user_id, "content": content}
                if restorer.decrypt_room_event(self.room_id, event).content.get("body") != text:
                    problems.append("a restored session decrypts the room message wrongly")
        except OlmpyError as err:
            problems.append(f"restoring with the recovery key: {type(err).__name__}: {err}")
        if problems:
            self.record("backup-keys-roundtrip", "FAIL", "; ".join(problems))
        else:
            self.record("backup-keys-roundtrip", "PASS",
                        f"{n_sessions} session(s) read back as uploaded, restored with the "
                        "recovery key" + (", and the room message decrypts"
                                          if self.megolm_event else ""))
        # the replacement rules, on a session of its own
        self.replacement(alice, version, etags, counts, sessions)
        # count and etag
        final = self.http.ok("GET", f"{V3}/room_keys/version/{quote(version)}",
                             token=alice.token)
        counts.append((final.get("count"), len(sessions)))
        wrong = [f"{i}: expected {want}, got {got!r}" for i, (got, want) in enumerate(counts)
                 if got != want]
        if wrong:
            self.record("backup-count", "FAIL", "count after upload " + "; ".join(wrong))
        else:
            self.record("backup-count", "PASS",
                        f"count right at creation, after each of {len(counts) - 2} uploads and "
                        f"in the version ({len(sessions)} sessions)")
        problems = []
        for i in range(1, len(etags)):
            (before, _), (now, changed) = etags[i - 1], etags[i]
            if not isinstance(now, str):
                problems.append(f"upload {i}: expected an etag string, got {now!r}")
            elif changed and now == before:
                problems.append(f"upload {i} changed the stored keys but the etag stayed {now!r}")
        if final.get("etag") != etags[-1][0]:
            problems.append(f"the version's etag {final.get('etag')!r} is not the last "
                            f"upload's {etags[-1][0]!r}")
        if problems:
            self.record("backup-etag", "FAIL", "; ".join(problems))
        else:
            self.record("backup-etag", "PASS",
                        f"a new etag on each of {sum(c for _, c in etags)} changes of the "
                        "stored keys; the version's etag is the last upload's")

    # (is_verified, first_message_index, forwarded_count) of each upload, and the upload
    # the server must hold afterwards; each scenario on a Megolm session of its own
    SCENARIOS: ClassVar[dict[str, list[tuple[tuple[bool, int, int], int]]]] = {
        "backup-replace-better": [((False, 2, 1), 0), ((False, 2, 0), 1), ((False, 1, 0), 2),
                                  ((True, 1, 0), 3)],
        "backup-keep-worse": [((True, 1, 0), 0), ((True, 1, 1), 0), ((True, 2, 0), 0),
                              ((False, 1, 0), 0), ((False, 3, 3), 0)],
        "backup-replace-order": [((False, 2, 1), 0), ((False, 3, 0), 0), ((True, 5, 5), 2),
                                 ((False, 0, 0), 2)],
    }

    def replacement(self, alice: _User, version: str, etags: list[Any],
                    counts: list[tuple[Any, int]], sessions: set[str]) -> None:
        assert self.room_id is not None
        dev = alice.device
        assert dev._backup_key is not None  # made by backup_version_body
        public = dev._backup_key.public_key
        for check_id, steps in self.SCENARIOS.items():
            outbound = GroupSession()
            base = InboundGroupSession(outbound.session_key)

            def entry(verified: bool, first: int, forwarded: int,
                      base: InboundGroupSession = base) -> dict[str, Any]:
                exported = base.export_at(first)
                assert exported is not None
                session = InboundGroupSession.import_session(exported)
                chain = [PkDecryption().public_key for _ in range(forwarded)]
                return dict(_backup.key_backup_data(
                    public, session, sender_key=dev.curve25519_key,
                    sender_claimed_keys={"ed25519": dev.ed25519_key},
                    forwarding_curve25519_key_chain=chain, is_verified=verified))

            entries = [entry(*params) for params, _ in steps]
            path = (f"{V3}/room_keys/keys/{quote(self.room_id, safe='')}/"
                    f"{quote(outbound.session_id, safe='')}")
            problems = []
            previous: Any = None
            for i, ((params, keep), sent) in enumerate(zip(steps, entries, strict=True)):
                put = self.http.ok("PUT", path, sent, token=alice.token,
                                   query={"version": version})
                sessions.add(outbound.session_id)
                counts.append((put.get("count"), len(sessions)))
                got = self.http.ok("GET", path, token=alice.token, query={"version": version})
                etags.append((put.get("etag"), _canon(got) != _canon(previous)))
                previous = got
                if _canon(got) != _canon(entries[keep]):
                    which = next((j for j, e in enumerate(entries) if _canon(e) == _canon(got)),
                                 None)
                    prior = _describe(steps[steps[i - 1][1]][0]) if i else "nothing"
                    problems.append(
                        f"upload {_describe(params)} onto {prior}: "
                        f"expected {_describe(steps[keep][0])} stored, got "
                        + (_describe(steps[which][0]) if which is not None else _short(got)))
            if problems:
                self.record(check_id, "FAIL", "; ".join(problems))
            else:
                self.record(check_id, "PASS", "; ".join(
                    f"{_describe(p)} -> {'stored' if k == i else 'refused'}"
                    for i, (p, k) in enumerate(steps)))

    def step_dehydrated(self, assume: bool) -> None:
        alice = self.user(0, "owner of the dehydrated device")
        if "org.matrix.msc3814" not in self.unstable and not assume:
            raise _Skip("/versions does not advertise org.matrix.msc3814")
        account = Account()
        account.generate_one_time_keys(2)
        account.generate_fallback_key()
        key = secrets.token_bytes(32)
        device_id = "HSCHECKDEHYD" + secrets.token_hex(3).upper()
        holder = Device(alice.user_id, device_id, account=account)
        upload = holder.keys_upload_body()
        data = account.to_dehydrated_device(key).device_data()
        body = {"device_id": device_id, "device_data": dict(data),
                "initial_device_display_name": "olmpy hs-check dehydrated", **upload}
        resp = self.http.call("PUT", MSC3814, body, token=alice.token)
        if resp.status != 200 or resp.body.get("device_id") != device_id:
            raise _Fail(f"PUT: expected 200 with device_id {device_id}, got {resp.status} "
                        f"{_short(resp.body)}")
        got = self.http.ok("GET", MSC3814, token=alice.token)
        if got.get("device_id") != device_id or _canon(got.get("device_data")) != _canon(data):
            raise _Fail(f"GET: expected {device_id} with the uploaded device_data, got "
                        f"{_short(got)}")
        back = Account.from_dehydrated_device(got["device_data"]["device_pickle"],
                                              got["device_data"]["nonce"], key)
        if back.curve25519_key != account.curve25519_key:
            raise _Fail("the device_data served does not rehydrate to the uploaded account")
        served = self.query(alice, [alice.user_id]).get("device_keys", {}).get(
            alice.user_id, {}).get(device_id)
        if served is None:
            raise _Fail(f"/keys/query does not list the dehydrated device {device_id}")
        verify_device_keys(_without(served, "unsigned"), alice.user_id, device_id,
                           account.ed25519_key)
        deleted = self.http.call("DELETE", MSC3814, token=alice.token)
        after = self.http.call("GET", MSC3814, token=alice.token)
        if deleted.status != 200 or after.status != 404:
            raise _Fail(f"DELETE then GET: expected 200 then 404, got {deleted.status} then "
                        f"{after.status}")
        self.record("dehydrated-device", "PASS",
                    "stored and served as sent, rehydrates, listed in /keys/query, deleted"
                    + ("" if "org.matrix.msc3814" in self.unstable
                       else " (run although /versions does not advertise it)"))

    def execute(self, assume_msc3814: bool) -> None:
        self.attempt(["keys-upload-counts"], self.step_upload)
        self.attempt(["to-device-olm", "room-megolm", "sync-device-lists", "keys-changes"],
                     self.step_room)
        self.attempt(["sync-device-lists", "keys-changes"], self.step_device_lists)
        self.attempt(["keys-query-device-keys"], self.step_query)
        self.attempt(["keys-claim-once", "keys-claim-fallback", "sync-one-time-key-counts",
                      "sync-unused-fallback"], self.step_claims)
        self.attempt(["to-device-olm"], self.step_to_device)
        self.attempt(["room-megolm"], self.step_megolm)
        self.attempt(["cross-signing-upload"], self.step_cross_signing)
        self.attempt(["keys-query-cross-signing"], self.step_query_cross_signing)
        self.attempt(["signatures-upload-forged"],
                     lambda: self.step_forged("signatures-upload-forged"))
        self.attempt(["signatures-upload-valid"], self.step_signatures)
        self.attempt(["signatures-upload-forged-again"],
                     lambda: self.step_forged("signatures-upload-forged-again"))
        self.attempt(["backup-version", "backup-keys-roundtrip", *self.SCENARIOS,
                      "backup-count", "backup-etag"], self.step_backup)
        self.attempt(["dehydrated-device"], lambda: self.step_dehydrated(assume_msc3814))

    def cleanup(self) -> list[str]:
        notes = []
        if self.backup_version is not None and self.users:
            resp = self.http.call("DELETE", f"{V3}/room_keys/version/"
                                  f"{quote(self.backup_version)}", token=self.users[0].token)
            notes.append(f"backup version {self.backup_version} deleted: {resp.status}")
        for user in self.users:
            if user.ours:
                resp = self.http.call("POST", f"{V3}/logout", {}, token=user.token)
                notes.append(f"{user.user_id} logged out: {resp.status}")
        return notes


def _describe(params: tuple[bool, int, int]) -> str:
    verified, first, forwarded = params
    return f"(is_verified={str(verified).lower()}, first_message_index={first}, " \
           f"forwarded_count={forwarded})"


def run(
    url: str,
    *,
    registration_token: str | None = None,
    access_tokens: Sequence[str] = (),
    timeout: float = 10.0,
    retries: int = 3,
    assume_msc3814: bool = False,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Runs every check against the homeserver at ``url`` and returns the report.

    ``access_tokens``, when given, are used instead of registering users (their devices
    should be fresh: keys are uploaded for them); ``assume_msc3814`` runs the dehydrated
    device check even when ``/versions`` does not advertise it.
    """
    started = time.monotonic()
    say = log or (lambda _line: None)
    http = _Http(url, timeout, retries)
    report = Report(url, [])
    try:
        versions = http.ok("GET", "/_matrix/client/versions")
        unstable = {k for k, v in versions.get("unstable_features", {}).items() if v is True}
        report.server = {"versions": versions.get("versions", [])}
        users = ([_from_token(http, t) for t in access_tokens] if access_tokens
                 else [_register(http, registration_token) for _ in range(3)])
    except (ServerError, _Skip, KeyError, TypeError, AttributeError) as err:
        report.error = f"could not start: {err}"
        report.seconds = time.monotonic() - started
        return report
    say("users: " + ", ".join(u.user_id for u in users))
    state = _Run(http, users, unstable, say)
    try:
        state.execute(assume_msc3814)
    finally:
        try:
            for note in state.cleanup():
                say(note)
        except ServerError as err:
            say(f"cleanup: {err}")
    report.results = [state.results.get(cid) or Result(check, "SKIP", "did not run")
                      for cid, check in CHECKS.items()]
    report.seconds = time.monotonic() - started
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """``olmpy hs-check``: parses the arguments, runs, prints, returns the exit status."""
    import argparse
    import os
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m olmpy hs-check",
        description="Check a homeserver's end-to-end encryption API with simulated devices.",
    )
    parser.add_argument("url", help="the homeserver's client API base URL")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--registration-token-env", metavar="NAME",
                        help="read a registration token from this environment variable")
    parser.add_argument("--access-token-env", metavar="NAME",
                        help="use the access tokens (comma or space separated) in this "
                             "environment variable instead of registering users")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds per HTTP request (default 10)")
    parser.add_argument("--assume-msc3814", action="store_true",
                        help="run the dehydrated-device check even if /versions does not "
                             "advertise org.matrix.msc3814")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    args = parser.parse_args(argv)

    def env(name: str | None) -> str | None:
        if name is None:
            return None
        value = os.environ.get(name)
        if not value:
            parser.error(f"environment variable {name} is empty or not set")
        return value

    token = env(args.registration_token_env)
    tokens_text = env(args.access_token_env)
    tokens = tokens_text.replace(",", " ").split() if tokens_text else []
    report = run(args.url, registration_token=token, access_tokens=tokens,
                 timeout=args.timeout, assume_msc3814=args.assume_msc3814,
                 log=(lambda line: print(line, file=sys.stderr)) if args.verbose else None)
    if args.json:
        print(json.dumps(report.to_json(), indent=1))
    else:
        print(report.table())
    return report.exit_code

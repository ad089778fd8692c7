"""``olmpy hs-check``'s HTTP client (``urllib``, time-outs, retries on connection errors and
429), the users it runs as (registered or from access tokens) and the skip and failure
signals of a check.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from olmpy.signed_json import canonical_json
from olmpy.testing.device import Device

V3 = "/_matrix/client/v3"
MSC3814 = "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device"


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

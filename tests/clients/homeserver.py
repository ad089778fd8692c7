"""A throw-away Synapse for the end-to-end flows (standard library only).

SQLite, the client API alone on 127.0.0.1 and a free port, no federation and no
key servers (so it never reaches outside), registration only through the shared
secret, rate limits lifted.  Opt-in (``open_registration``, for ``olmpy hs-check``):
open registration with ``m.login.dummy`` and MSC3814 dehydrated devices.  Started and
stopped with bounded time-outs; the process group is killed on exit whatever happens.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

START_TIMEOUT = 180.0
STOP_TIMEOUT = 20.0
SERVER_NAME = "localhost"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def http_json(method: str, url: str, body: dict[str, Any] | None = None,
              timeout: float = 30.0) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # loopback only
        result: dict[str, Any] = json.loads(resp.read())
        return result


def _lift(per_second: float = 1000.0, burst: int = 1000) -> dict[str, float]:
    return {"per_second": per_second, "burst_count": burst}


class Homeserver:
    """Synapse in ``workdir``, run by ``python`` (the synapse venv's interpreter)."""

    def __init__(self, python: Path, workdir: Path, *, open_registration: bool = False) -> None:
        self.python = python
        self.open_registration = open_registration
        self.dir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_hex(16)
        self.config = self.dir / "homeserver.yaml"
        self.log = self.dir / "synapse.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def write_config(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        d = self.dir
        config: dict[str, Any] = {
            "server_name": SERVER_NAME,
            "pid_file": str(d / "homeserver.pid"),
            "listeners": [{
                "port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http",
                "tls": False, "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }],
            "database": {"name": "sqlite3", "args": {"database": str(d / "homeserver.db")}},
            "media_store_path": str(d / "media"),
            "signing_key_path": str(d / "signing.key"),
            "registration_shared_secret": self.secret,
            "enable_registration": False,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "report_stats": False,
            "enable_metrics": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            "rc_message": _lift(),
            "rc_registration": _lift(),
            "rc_login": {"address": _lift(), "account": _lift(), "failed_attempts": _lift()},
            "rc_joins": {"local": _lift(), "remote": _lift()},
            "rc_invites": {"per_room": _lift(), "per_user": _lift(), "per_issuer": _lift()},
            "rc_key_requests": _lift(),
            "rc_3pid_validation": _lift(),
            "rc_admin_redaction": _lift(),
        }
        if self.open_registration:
            config["enable_registration"] = True
            config["enable_registration_without_verification"] = True
            config["experimental_features"] = {"msc3814_enabled": True}
        # JSON is YAML: no YAML writer needed here.
        self.config.write_text(json.dumps(config, indent=1))

    def _synapse(self, *args: str, timeout: float) -> None:
        with self.log.open("ab") as out:
            subprocess.run(
                [str(self.python), "-m", "synapse.app.homeserver", "-c", str(self.config),
                 *args], stdout=out, stderr=subprocess.STDOUT, check=True, timeout=timeout,
                cwd=str(self.dir),
            )

    def start(self) -> float:
        """Start and wait until the client API answers; the seconds it took."""
        t0 = time.monotonic()
        self.write_config()
        self._synapse("--generate-keys", timeout=120)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [str(self.python), "-m", "synapse.app.homeserver", "-c", str(self.config)],
            stdout=out, stderr=subprocess.STDOUT, cwd=str(self.dir), start_new_session=True,
        )
        out.close()
        deadline = t0 + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"synapse exited with {self.proc.returncode}; see {self.log}")
            with contextlib.suppress(OSError, ValueError):
                http_json("GET", f"{self.url}/_matrix/client/versions", timeout=5)
                return time.monotonic() - t0
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"synapse did not answer within {START_TIMEOUT:.0f}s; see {self.log}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=STOP_TIMEOUT)

    def register(self, localpart: str, password: str) -> str:
        """Register a user through the shared secret; its full user id."""
        url = f"{self.url}/_synapse/admin/v1/register"
        nonce = http_json("GET", url)["nonce"]
        mac = hmac.new(self.secret.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode(),
                                 b"notadmin"]))
        body = {"nonce": nonce, "username": localpart, "password": password,
                "admin": False, "mac": mac.hexdigest()}
        try:
            return str(http_json("POST", url, body)["user_id"])
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"registering {localpart}: {e.code} {e.read()[:300]!r}") from e


@contextlib.contextmanager
def running(python: Path, workdir: Path, *, open_registration: bool = False
            ) -> Iterator[Homeserver]:
    hs = Homeserver(python, workdir, open_registration=open_registration)
    try:
        secs = hs.start()
        print(f"synapse up at {hs.url} in {secs:.1f}s (log {hs.log})", flush=True)
        yield hs
    finally:
        hs.stop()

"""The state of one ``olmpy hs-check`` run and the helpers its checks share; the checks
(``_hs_checks_*.py``) are written on classes built on ``_RunBase``, which
``olmpy.testing.hs_check._Run`` gathers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from olmpy.errors import OlmpyError
from olmpy.testing._hs_check_http import V3, ServerError, _Fail, _Http, _Skip, _User
from olmpy.testing._hs_check_report import CHECKS, Result, Status


class _RunBase:
    """A run's users, results and what earlier checks left for later ones."""

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

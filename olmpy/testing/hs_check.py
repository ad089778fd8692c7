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
import time
from collections.abc import Callable, Sequence
from typing import Any as Any
from urllib.parse import quote

from olmpy.testing._hs_check_http import MSC3814 as MSC3814
from olmpy.testing._hs_check_http import V3 as V3
from olmpy.testing._hs_check_http import ServerError as ServerError
from olmpy.testing._hs_check_http import _from_token, _Http, _register, _Skip
from olmpy.testing._hs_check_http import _Response as _Response
from olmpy.testing._hs_check_report import CHECKS, Check, Report, Result
from olmpy.testing._hs_check_report import SPEC as SPEC
from olmpy.testing._hs_check_report import Level as Level
from olmpy.testing._hs_check_report import Status as Status
from olmpy.testing._hs_checks_backup import _BackupChecks
from olmpy.testing._hs_checks_dehydrated import _DehydratedChecks
from olmpy.testing._hs_checks_keys import _KeyChecks
from olmpy.testing._hs_checks_messages import _MessageChecks
from olmpy.testing._hs_checks_signing import _SigningChecks

__all__ = ["CHECKS", "Check", "Report", "Result", "main", "run"]


# --- the run ----------------------------------------------------------------------------


class _Run(_KeyChecks, _MessageChecks, _SigningChecks, _BackupChecks, _DehydratedChecks):
    # The run's state and helpers are in _hs_check_run.py, the checks in _hs_checks_*.py
    # (keys and sync, messages, signing, backup, dehydrated device).

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


# The public names written in the private modules keep the __module__ they had when all of
# them were written here (repr, help(), pickle).  typing.get_type_hints looks the names in
# their annotations up here too: hence `Any as Any` above.
for _name in (*__all__, "ServerError"):
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("olmpy.testing._hs_check"):
        _value.__module__ = __name__
del _name, _value

"""``olmpy hs-check``'s checks and report: ``Check``, ``CHECKS``, ``Result`` and ``Report``
(``olmpy.testing.hs_check`` re-exports them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["MUST", "SHOULD"]
Status = Literal["PASS", "FAIL", "SKIP"]
SPEC = "https://spec.matrix.org/latest/client-server-api/"



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

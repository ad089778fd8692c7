"""``olmpy hs-check``'s checks of server-side key backup: ``/room_keys/version``, keys read
back and restored, the replacement rules, the count and the etag.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from olmpy import backup as _backup
from olmpy.errors import OlmpyError
from olmpy.megolm import GroupSession, InboundGroupSession
from olmpy.pk import PkDecryption
from olmpy.testing._hs_check_http import V3, _canon, _Fail, _short, _User
from olmpy.testing._hs_check_run import _RunBase
from olmpy.testing.device import Device


class _BackupChecks(_RunBase):
    """The key backup checks."""

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


def _describe(params: tuple[bool, int, int]) -> str:
    verified, first, forwarded = params
    return f"(is_verified={str(verified).lower()}, first_message_index={first}, " \
           f"forwarded_count={forwarded})"

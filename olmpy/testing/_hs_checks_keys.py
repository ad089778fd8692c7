"""``olmpy hs-check``'s checks of ``/keys/upload``, ``/keys/query``, ``/keys/claim``,
``/keys/changes`` and the end-to-end encryption fields of ``/sync`` (one-time key counts,
unused fallback key types, device lists), with the room the later checks use.
"""

from __future__ import annotations

from urllib.parse import quote

from olmpy.errors import OlmpyError
from olmpy.testing._hs_check_http import V3, _canon, _Fail, _short, _Skip, _without
from olmpy.testing._hs_check_run import _RunBase


class _KeyChecks(_RunBase):
    """The keys upload, query and claim checks and the /sync fields they move."""

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

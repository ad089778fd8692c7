"""``olmpy hs-check``'s checks of cross-signing: ``/keys/device_signing/upload`` (with
user-interactive auth), the keys served by ``/keys/query``, and valid and forged signatures
sent to ``/keys/signatures/upload``.
"""

from __future__ import annotations

from typing import Any

from olmpy.device_keys import cross_signing_key_id, verify_device_signed_by_self_signing_key
from olmpy.signed_json import PkSigning, sign_json
from olmpy.testing._hs_check_http import (
    V3,
    _canon,
    _Fail,
    _Response,
    _short,
    _Skip,
    _User,
    _without,
)
from olmpy.testing._hs_check_run import _RunBase


class _SigningChecks(_RunBase):
    """The cross-signing and signature upload checks."""

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

"""``olmpy hs-check``'s check of MSC3814 dehydrated devices.
"""

from __future__ import annotations

import secrets

from olmpy.device_keys import verify_device_keys
from olmpy.olm import Account
from olmpy.testing._hs_check_http import MSC3814, _canon, _Fail, _short, _Skip, _without
from olmpy.testing._hs_check_run import _RunBase
from olmpy.testing.device import Device


class _DehydratedChecks(_RunBase):
    """The dehydrated device check."""

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

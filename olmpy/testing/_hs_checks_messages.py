"""``olmpy hs-check``'s checks of encrypted messages: an Olm ``m.room_key`` over
``/sendToDevice`` and a Megolm room event.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from olmpy.megolm import InboundGroupSession
from olmpy.testing._hs_check_http import V3, _canon, _Fail
from olmpy.testing._hs_check_run import _RunBase
from olmpy.testing.device import send_to_device_path


class _MessageChecks(_RunBase):
    """The to-device (Olm) and room event (Megolm) checks."""

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

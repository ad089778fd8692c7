"""``Device``'s Megolm room keys and room events, and what it receives: to-device events,
room events and ``/sync`` responses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from olmpy.device_keys import MEGOLM_ALGORITHM, OLM_ALGORITHM, VerifiedDevice
from olmpy.errors import DecryptionError, OlmpyError, SessionMismatchError, brief, expected
from olmpy.megolm import GroupSession, InboundGroupSession, MegolmMessage
from olmpy.olm import AnyOlmMessage, OlmPayload, check_olm_payload
from olmpy.room_key_events import room_key_content as _room_key_content
from olmpy.shared_history import read_shared_history
from olmpy.testing._device_keys import _DeviceKeys
from olmpy.testing._device_records import (
    DecryptedRoomEvent,
    DecryptedToDevice,
    RoomKeyInfo,
    ServerResponseError,
    SyncResult,
    _counts,
    _obj,
    _opt_obj,
    _str,
)


class _DeviceEvents(_DeviceKeys):
    """``Device``'s Megolm sessions and the decryption of to-device events, room events and
    ``/sync`` responses."""

    # --- Megolm -------------------------------------------------------------------------

    def outbound_session(self, room_id: str) -> GroupSession:
        """The room's outbound Megolm session, made (with this device's inbound copy) on
        first use."""
        session = self._outbound.get(room_id)
        if session is None:
            session = GroupSession()
            self._outbound[room_id] = session
            inbound = InboundGroupSession(session.session_key)
            self.room_keys[(room_id, session.session_id)] = RoomKeyInfo(
                room_id,
                inbound,
                self.curve25519_key.to_base64(),
                self.ed25519_key.to_base64(),
                verified=True,
            )
        return session

    def room_key_content(self, room_id: str) -> dict[str, Any]:
        """The ``m.room_key`` content of the room's outbound session, at its current index
        (its shared-history flag is the one the device's own copy holds)."""
        session = self.outbound_session(room_id)
        own = self.room_keys.get((room_id, session.session_id))
        return _room_key_content(
            room_id, session, shared_history=own is not None and own.shared_history
        )

    def share_room_key(
        self, room_id: str, recipients: Iterable[tuple[str, str]]
    ) -> dict[str, Any]:
        """A ``/sendToDevice/m.room.encrypted`` body sharing the room's session key
        (``m.room_key``) with each (user, device)."""
        return self.encrypt_to_device("m.room_key", self.room_key_content(room_id), recipients)

    def encrypt_room_event(
        self, room_id: str, event_type: str, content: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The ``m.room.encrypted`` content of a room event (``m.megolm.v1.aes-sha2``), for
        ``PUT /rooms/{roomId}/send/m.room.encrypted/{txnId}``."""
        session = self.outbound_session(room_id)
        plaintext = {"type": event_type, "content": dict(content), "room_id": room_id}
        message = session.encrypt(json.dumps(plaintext, ensure_ascii=False))
        return {
            "algorithm": MEGOLM_ALGORITHM,
            "sender_key": self.curve25519_key.to_base64(),
            "ciphertext": message.to_base64(),
            "session_id": session.session_id,
            "device_id": self.device_id,
        }

    def add_room_key(self, info: RoomKeyInfo) -> RoomKeyInfo:
        """Keeps an inbound session; of two copies of one session the one that knows the
        earlier message index stays."""
        slot = (info.room_id, info.session_id)
        old = self.room_keys.get(slot)
        if old is None or info.session.first_known_index < old.session.first_known_index:
            self.room_keys[slot] = info
            return info
        return old

    # --- receiving ----------------------------------------------------------------------

    def decrypt_to_device(self, event: Mapping[str, Any]) -> DecryptedToDevice:
        """Decrypts an Olm ``m.room.encrypted`` to-device event and checks its payload; an
        ``m.room_key`` it carries is imported (see ``room_keys``)."""
        ev = _obj("to-device event", event)
        sender = _str("to-device event sender", ev.get("sender"))
        content = _obj("to-device event content", ev.get("content"))
        if content.get("algorithm") != OLM_ALGORITHM:
            raise ServerResponseError(
                "to-device content algorithm: "
                + expected(repr(OLM_ALGORITHM), brief(content.get("algorithm")))
            )
        sender_key = _str("to-device content sender_key", content.get("sender_key"))
        ciphertexts = _obj("to-device content ciphertext", content.get("ciphertext"))
        own = self.curve25519_key.to_base64()
        if own not in ciphertexts:
            raise DecryptionError(
                "to-device ciphertext: "
                + expected(f"an entry for this device's key {own}", sorted(ciphertexts))
            )
        entry = _obj("to-device ciphertext entry", ciphertexts[own])
        message_type = entry.get("type")
        body = _str("to-device ciphertext body", entry.get("body"))
        if message_type not in (0, 1) or type(message_type) is not int:
            raise ServerResponseError(
                "to-device ciphertext type: " + expected("0 or 1", brief(message_type))
            )
        message = AnyOlmMessage.from_base64(message_type, body)
        plaintext = self._olm_decrypt(sender_key, message)
        sender_device = self._device_with_curve(sender, sender_key)
        payload = check_olm_payload(
            plaintext,
            sender=sender,
            recipient=self.user_id,
            recipient_ed25519=self.ed25519_key,
            sender_ed25519=None if sender_device is None else sender_device.ed25519,
        )
        if payload.type == "m.room_key":
            self._import_room_key(payload, sender_key)
        return DecryptedToDevice(payload.type, sender, sender_key, payload.content, payload)

    def _olm_decrypt(self, sender_key: str, message: AnyOlmMessage) -> bytes:
        sessions = self._olm.setdefault(sender_key, [])
        pre_key = message.to_pre_key()
        for session in reversed(sessions):
            if pre_key is not None and not session.session_matches(pre_key):
                continue
            try:
                return session.decrypt(message)
            except DecryptionError:
                if pre_key is not None:
                    raise
        if pre_key is None:
            raise DecryptionError(
                "Olm message: " + expected(f"a session with {sender_key} that decrypts it",
                                           f"none of {len(sessions)} sessions")
            )
        session, plaintext = self.account.create_inbound_session(sender_key, pre_key)
        sessions.append(session)
        return plaintext

    def _device_with_curve(self, user_id: str, curve: str) -> VerifiedDevice | None:
        for device in self.devices.get(user_id, {}).values():
            if device.curve25519.to_base64() == curve:
                return device
        return None

    def _import_room_key(self, payload: OlmPayload, sender_key: str) -> None:
        content = payload.content
        if content.get("algorithm") != MEGOLM_ALGORITHM:
            raise ServerResponseError(
                "m.room_key algorithm: "
                + expected(repr(MEGOLM_ALGORITHM), brief(content.get("algorithm")))
            )
        room_id = _str("m.room_key room_id", content.get("room_id"))
        session_id = _str("m.room_key session_id", content.get("session_id"))
        session = InboundGroupSession(_str("m.room_key session_key", content.get("session_key")))
        if session.session_id != session_id:
            raise SessionMismatchError(
                "m.room_key session_id: " + expected(session.session_id, brief(session_id))
            )
        self.add_room_key(
            RoomKeyInfo(
                room_id,
                session,
                sender_key,
                payload.sender_ed25519.to_base64(),
                shared_history=read_shared_history(content),
            )
        )

    def decrypt_room_event(self, room_id: str, event: Mapping[str, Any]) -> DecryptedRoomEvent:
        """Decrypts a Megolm ``m.room.encrypted`` room event of ``room_id``."""
        ev = _obj("room event", event)
        content = _obj("room event content", ev.get("content"))
        if content.get("algorithm") != MEGOLM_ALGORITHM:
            raise ServerResponseError(
                "room event algorithm: "
                + expected(repr(MEGOLM_ALGORITHM), brief(content.get("algorithm")))
            )
        session_id = _str("room event session_id", content.get("session_id"))
        info = self.room_keys.get((room_id, session_id))
        if info is None:
            raise DecryptionError(
                "room event: " + expected(f"a known session of {room_id}", f"session {session_id}")
            )
        ciphertext = _str("room event ciphertext", content.get("ciphertext"))
        result = info.session.decrypt(MegolmMessage.from_base64(ciphertext))
        try:
            plain = json.loads(result.plaintext)
        except ValueError:
            raise ServerResponseError(
                "Megolm plaintext: expected JSON, got bytes that do not parse"
            ) from None
        plain = _obj("Megolm plaintext", plain)
        if plain.get("room_id") != room_id:
            raise DecryptionError(
                "Megolm plaintext room_id: " + expected(repr(room_id), brief(plain.get("room_id")))
            )
        event_id = ev.get("event_id")
        return DecryptedRoomEvent(
            room_id,
            event_id if isinstance(event_id, str) else None,
            _str("room event sender", ev.get("sender")),
            _str("Megolm plaintext type", plain.get("type")),
            result.message_index,
            session_id,
            _obj("Megolm plaintext content", plain.get("content")),
        )

    def receive_sync(self, response: Mapping[str, Any]) -> SyncResult:
        """Takes a ``/sync`` response: decrypts to-device events and the encrypted events
        of joined rooms' timelines, and records ``next_batch``, ``device_lists``,
        ``device_one_time_keys_count`` and ``device_unused_fallback_key_types``.  Events
        that fail are listed in ``failures``, never dropped silently."""
        resp = _obj("/sync response", response)
        result = SyncResult(_str("/sync next_batch", resp.get("next_batch")))
        self.next_batch = result.next_batch
        to_device = _opt_obj(resp, "to_device", "/sync")
        events = to_device.get("events", [])
        if not isinstance(events, list):
            raise ServerResponseError(
                "/sync to_device events: " + expected("a list", brief(events))
            )
        for event in events:
            ev = _obj("/sync to-device event", event)
            if ev.get("type") != "m.room.encrypted":
                result.plain_to_device.append(ev)
                continue
            try:
                result.to_device.append(self.decrypt_to_device(ev))
            except OlmpyError as err:
                result.failures.append((ev, err))
        joined = _opt_obj(_opt_obj(resp, "rooms", "/sync"), "join", "/sync rooms")
        for room_id, room in joined.items():
            timeline = _opt_obj(_obj(f"/sync room {room_id}", room), "timeline", room_id)
            for event in timeline.get("events", []):
                ev = _obj(f"/sync {room_id} event", event)
                if ev.get("type") != "m.room.encrypted":
                    continue
                try:
                    result.room_events.append(self.decrypt_room_event(room_id, ev))
                except OlmpyError as err:
                    result.failures.append((ev, err))
        lists = _opt_obj(resp, "device_lists", "/sync")
        for name, target, seen in (
            ("changed", result.device_lists_changed, self.device_lists_changed),
            ("left", result.device_lists_left, self.device_lists_left),
        ):
            users = lists.get(name, [])
            if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
                raise ServerResponseError(
                    f"/sync device_lists {name}: " + expected("a list of user ids", brief(users))
                )
            target.extend(users)
            seen.update(users)
        if "device_one_time_keys_count" in resp:
            counts = _counts("/sync device_one_time_keys_count", resp["device_one_time_keys_count"])
            result.one_time_key_counts = counts
            self.one_time_key_counts = counts
        if "device_unused_fallback_key_types" in resp:
            types = resp["device_unused_fallback_key_types"]
            if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
                raise ServerResponseError(
                    "/sync device_unused_fallback_key_types: "
                    + expected("a list of strings", brief(types))
                )
            result.unused_fallback_key_types = list(types)
            self.unused_fallback_key_types = list(types)
        return result

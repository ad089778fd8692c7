"""A simulated end-to-end encrypted Matrix device, without I/O, for homeserver tests.

``Device`` writes the JSON bodies a real client sends to the client-server API and reads
the JSON it gets back (responses and ``/sync`` payloads).  It never opens a connection:
the caller carries the dicts to and from a server, so it works under any test harness and
any HTTP client.  Every protocol step is one of olmpy's own objects (``Account``,
``Session``, ``GroupSession``, ``InboundGroupSession``) and helpers (``olmpy.device_keys``,
``olmpy.signed_json``, ``olmpy.olm.payload``, ``olmpy.backup``); this module only
translates between them and the API's JSON.

What arrives from the server is checked: device keys and one-time keys must carry valid
signatures, decrypted Olm payloads must name the right sender, recipient and keys, and a
malformed response raises ``ServerResponseError`` (a ``DecodeError``) naming what was
expected and what arrived.  No secret appears in a repr.

Two devices exchanging a room key, the "server" played by passing dicts:

>>> from olmpy.testing.device import Device
>>> alice = Device("@alice:example.org", "ALICEDEV")
>>> bob = Device("@bob:example.org", "BOBDEV")
>>> bob_upload = bob.keys_upload_body(one_time_keys=1)         # POST /keys/upload
>>> bob.receive_keys_upload({"one_time_key_counts": {"signed_curve25519": 1}})
{'signed_curve25519': 1}
>>> alice_upload = alice.keys_upload_body()
>>> query = {"device_keys": {bob.user_id: {bob.device_id: bob_upload["device_keys"]}}}
>>> sorted(alice.receive_keys_query(query).devices[bob.user_id])  # POST /keys/query
['BOBDEV']
>>> bob.receive_keys_query(
...     {"device_keys": {alice.user_id: {alice.device_id: alice_upload["device_keys"]}}}
... ).rejected
[]
>>> claim = {"one_time_keys": {bob.user_id: {bob.device_id: bob_upload["one_time_keys"]}}}
>>> [c.fallback for c in alice.receive_keys_claim(claim).values()]  # POST /keys/claim
[False]
>>> to_device = alice.share_room_key("!room:example.org", [(bob.user_id, bob.device_id)])
>>> event = {"type": "m.room.encrypted", "sender": alice.user_id,
...          "content": to_device["messages"][bob.user_id][bob.device_id]}
>>> synced = bob.receive_sync({"next_batch": "s1", "to_device": {"events": [event]}})
>>> [(e.type, e.sender) for e in synced.to_device], synced.failures
([('m.room_key', '@alice:example.org')], [])
>>> content = alice.encrypt_room_event(
...     "!room:example.org", "m.room.message", {"msgtype": "m.text", "body": "hello Bob"})
>>> room_event = {"type": "m.room.encrypted", "sender": alice.user_id, "content": content,
...               "event_id": "$1"}
>>> bob.decrypt_room_event("!room:example.org", room_event).content["body"]
'hello Bob'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from olmpy import backup as _backup
from olmpy.device_keys import (
    MEGOLM_ALGORITHM,
    OLM_ALGORITHM,
    SIGNED_CURVE25519,
    CrossSigning,
    VerifiedDevice,
    cross_signing_key_id,
    device_keys,
    signed_fallback_keys,
    signed_one_time_keys,
    verify_cross_signing_key,
    verify_device_keys,
    verify_signed_by_master,
    verify_signed_key,
)
from olmpy.errors import (
    DecodeError,
    DecryptionError,
    OlmpyError,
    SessionMismatchError,
    UsageError,
    brief,
    expected,
)
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey
from olmpy.megolm import GroupSession, InboundGroupSession, MegolmMessage
from olmpy.olm import Account, AnyOlmMessage, OlmPayload, Session, check_olm_payload
from olmpy.olm import olm_payload as _olm_payload
from olmpy.pk import PkDecryption
from olmpy.signed_json import sign_json

__all__ = [
    "ClaimedKey",
    "DecryptedRoomEvent",
    "DecryptedToDevice",
    "Device",
    "QueryResult",
    "RoomKeyInfo",
    "ServerResponseError",
    "SyncResult",
    "send_to_device_path",
]

CLIENT_V3 = "/_matrix/client/v3"


class ServerResponseError(DecodeError):
    """A response or sync payload is not the JSON the client-server API describes."""


def send_to_device_path(event_type: str, txn_id: str) -> str:
    """The path of ``PUT /sendToDevice/{eventType}/{txnId}``."""
    return f"{CLIENT_V3}/sendToDevice/{quote(event_type, safe='')}/{quote(txn_id, safe='')}"


# --- reading untrusted JSON -------------------------------------------------------------


def _obj(what: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServerResponseError(f"{what}: " + expected("a JSON object", brief(value)))
    return value


def _opt_obj(container: Mapping[str, Any], name: str, what: str) -> dict[str, Any]:
    value = container.get(name, {})
    return _obj(f"{what} {name}", value)


def _str(what: str, value: object) -> str:
    if not isinstance(value, str):
        raise ServerResponseError(f"{what}: " + expected("a string", brief(value)))
    return value


def _counts(what: str, value: object) -> dict[str, int]:
    counts = _obj(what, value)
    for name, number in counts.items():
        if type(number) is not int or number < 0:
            raise ServerResponseError(
                f"{what} {name}: " + expected("a non-negative integer", brief(number))
            )
    return dict(counts)


@contextmanager
def _context(where: str) -> Iterator[None]:
    """Prefixes the message of an olmpy error with where it happened (same error type)."""
    try:
        yield
    except OlmpyError as err:
        try:
            wrapped = type(err)(f"{where}: {err}")
        except TypeError:  # an error class with another constructor: keep it as it is
            raise err from None
        raise wrapped from err


# --- results ----------------------------------------------------------------------------


@dataclass
class QueryResult:
    """What ``receive_keys_query`` accepted and refused.

    ``devices`` holds the device keys that verified, by user and device id;
    ``cross_signing`` the cross-signing key objects that verified, by user and usage;
    ``rejected`` one ``(where, error)`` pair per object that did not.
    """

    devices: dict[str, dict[str, VerifiedDevice]] = field(default_factory=dict)
    cross_signing: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    rejected: list[tuple[str, OlmpyError]] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimedKey:
    """One verified key from a ``/keys/claim`` response (``json`` as served)."""

    user_id: str
    device_id: str
    key_id: str
    key: Curve25519PublicKey
    fallback: bool
    json: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class DecryptedToDevice:
    """A decrypted Olm to-device event: the event it carried and the checked payload."""

    type: str
    sender: str
    sender_key: str
    content: dict[str, Any] = field(repr=False)
    payload: OlmPayload = field(repr=False)


@dataclass(frozen=True)
class DecryptedRoomEvent:
    """A decrypted Megolm room event."""

    room_id: str
    event_id: str | None
    sender: str
    type: str
    message_index: int
    session_id: str
    content: dict[str, Any] = field(repr=False)


@dataclass
class RoomKeyInfo:
    """An inbound Megolm session the device holds, with what it knows of its origin.

    ``sender_key`` and ``sender_ed25519`` are the sending device's keys (base64);
    ``forwarding_chain`` the Curve25519 keys it came through; ``verified`` whether this
    device trusts the sender (what a backup entry's ``is_verified`` reports).
    """

    room_id: str
    session: InboundGroupSession = field(repr=False)
    sender_key: str
    sender_ed25519: str
    forwarding_chain: list[str] = field(default_factory=list)
    verified: bool = False

    @property
    def session_id(self) -> str:
        """The Megolm session id."""
        return self.session.session_id


@dataclass
class SyncResult:
    """What one ``/sync`` response brought (see ``Device.receive_sync``).

    ``failures`` lists ``(event, error)`` for every encrypted event that did not decrypt
    or check; ``one_time_key_counts`` and ``unused_fallback_key_types`` are None when the
    response left them out.
    """

    next_batch: str
    to_device: list[DecryptedToDevice] = field(default_factory=list)
    room_events: list[DecryptedRoomEvent] = field(default_factory=list)
    failures: list[tuple[dict[str, Any], OlmpyError]] = field(default_factory=list)
    plain_to_device: list[dict[str, Any]] = field(default_factory=list)
    device_lists_changed: list[str] = field(default_factory=list)
    device_lists_left: list[str] = field(default_factory=list)
    one_time_key_counts: dict[str, int] | None = None
    unused_fallback_key_types: list[str] | None = None


# --- the device -------------------------------------------------------------------------


class Device:
    """A simulated device of ``user_id`` with id ``device_id`` (a fresh ``Account`` unless
    one is given).  Methods ending in ``_body`` return request bodies; methods starting
    with ``receive_`` take responses."""

    def __init__(self, user_id: str, device_id: str, *, account: Account | None = None) -> None:
        for name, value in (("user_id", user_id), ("device_id", device_id)):
            if not isinstance(value, str) or not value:
                raise UsageError(f"{name}: " + expected("a non-empty str", brief(value)))
        if account is not None and not isinstance(account, Account):
            raise UsageError("account: " + expected("an olmpy Account", type(account).__name__))
        self.user_id = user_id
        self.device_id = device_id
        self.account = account if account is not None else Account()
        self.uploaded_device_keys: dict[str, Any] | None = None
        self.one_time_key_counts: dict[str, int] = {}
        self.unused_fallback_key_types: list[str] | None = None
        self.devices: dict[str, dict[str, VerifiedDevice]] = {}
        self.cross_signing_keys: dict[str, dict[str, dict[str, Any]]] = {}
        self.device_lists_changed: set[str] = set()
        self.device_lists_left: set[str] = set()
        self.next_batch: str | None = None
        self.cross_signing: CrossSigning | None = None
        self.backup_version: str | None = None
        self.room_keys: dict[tuple[str, str], RoomKeyInfo] = {}
        self._olm: dict[str, list[Session]] = {}
        self._outbound: dict[str, GroupSession] = {}
        self._backup_key: PkDecryption | None = None

    def __repr__(self) -> str:
        return (
            f"Device(user_id={self.user_id!r}, device_id={self.device_id!r}, "
            f"ed25519={self.ed25519_key.to_base64()!r})"
        )

    @property
    def ed25519_key(self) -> Ed25519PublicKey:
        """The device's Ed25519 (fingerprint) key."""
        return self.account.ed25519_key

    @property
    def curve25519_key(self) -> Curve25519PublicKey:
        """The device's Curve25519 (identity) key."""
        return self.account.curve25519_key

    @property
    def key_id(self) -> str:
        """``ed25519:<device id>``, the id of this device's signatures."""
        return f"ed25519:{self.device_id}"

    # --- /keys/upload -------------------------------------------------------------------

    def device_keys(self, extra_fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The signed ``device_keys`` object; ``extra_fields`` are added before signing
        (fields beyond the spec's, which a server must keep as they are)."""
        keys: dict[str, Any] = dict(device_keys(self.account, self.user_id, self.device_id))
        if extra_fields:
            del keys["signatures"]
            for name, value in extra_fields.items():
                if name in keys or name in ("signatures", "unsigned"):
                    raise UsageError(
                        "extra device-key field: " + expected("a new name", repr(name))
                    )
                keys[name] = value
            keys = sign_json(keys, self.user_id, self.key_id, self.account)
        return keys

    def keys_upload_body(
        self,
        *,
        one_time_keys: int = 0,
        fallback_key: bool = False,
        include_device_keys: bool | None = None,
        extra_device_fields: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A ``POST /keys/upload`` body: device keys (the first time, unless told), the
        unpublished one-time keys plus ``one_time_keys`` new ones, and a new fallback key
        when ``fallback_key``.  Call ``receive_keys_upload`` with the response."""
        if type(one_time_keys) is not int or one_time_keys < 0:
            raise UsageError("one_time_keys: " + expected("an int >= 0", brief(one_time_keys)))
        if include_device_keys is None:
            include_device_keys = self.uploaded_device_keys is None
        if one_time_keys:
            self.account.generate_one_time_keys(one_time_keys)
        if fallback_key:
            self.account.generate_fallback_key()
        body: dict[str, Any] = {}
        if include_device_keys:
            body["device_keys"] = self.device_keys(extra_device_fields)
            self.uploaded_device_keys = body["device_keys"]
        otks = signed_one_time_keys(self.account, self.user_id, self.device_id)
        if otks:
            body["one_time_keys"] = dict(otks)
        fallback = signed_fallback_keys(self.account, self.user_id, self.device_id)
        if fallback:
            body["fallback_keys"] = dict(fallback)
        return body

    def receive_keys_upload(self, response: Mapping[str, Any]) -> dict[str, int]:
        """Takes the ``/keys/upload`` response: marks the keys published and returns
        ``one_time_key_counts``."""
        resp = _obj("/keys/upload response", response)
        if "one_time_key_counts" not in resp:
            raise ServerResponseError(
                "/keys/upload response: " + expected('"one_time_key_counts"', sorted(resp))
            )
        counts = _counts("/keys/upload one_time_key_counts", resp["one_time_key_counts"])
        self.account.mark_keys_as_published()
        self.one_time_key_counts = counts
        return counts

    # --- /keys/query --------------------------------------------------------------------

    def keys_query_body(self, user_ids: Iterable[str]) -> dict[str, Any]:
        """A ``POST /keys/query`` body asking for every device of ``user_ids``."""
        return {"device_keys": {user: [] for user in user_ids}}

    def receive_keys_query(
        self, response: Mapping[str, Any], *, strict: bool = False
    ) -> QueryResult:
        """Checks a ``/keys/query`` response and remembers what verified.

        Device keys must be self-signed and state the user and device they are listed
        under; a device already known must keep its Ed25519 key.  Cross-signing keys
        must name their user, and self-signing and user-signing keys must be signed by
        the master key.  With ``strict`` the first refused object raises its error;
        otherwise refusals are listed in the result and the rest is kept.
        """
        resp = _obj("/keys/query response", response)
        result = QueryResult()

        def refuse(where: str, err: OlmpyError) -> None:
            if strict:
                raise err
            result.rejected.append((where, err))

        for user_id, devices in _opt_obj(resp, "device_keys", "/keys/query").items():
            for device_id, obj in _obj(f"/keys/query device_keys {user_id}", devices).items():
                where = f"/keys/query device_keys {user_id} {device_id}"
                try:
                    with _context(where):
                        known = self.devices.get(user_id, {}).get(device_id)
                        pinned = known.ed25519 if known is not None else None
                        verified = verify_device_keys(obj, user_id, device_id, pinned)
                except OlmpyError as err:
                    refuse(where, err)
                    continue
                self.devices.setdefault(user_id, {})[device_id] = verified
                result.devices.setdefault(user_id, {})[device_id] = verified
        masters: dict[str, dict[str, Any]] = {}
        for user_id, obj in _opt_obj(resp, "master_keys", "/keys/query").items():
            where = f"/keys/query master_keys {user_id}"
            try:
                with _context(where):
                    verify_cross_signing_key(obj, "master", user_id)
            except OlmpyError as err:
                refuse(where, err)
                continue
            masters[user_id] = obj
            result.cross_signing.setdefault(user_id, {})["master"] = obj
        for section, usage in (
            ("self_signing_keys", "self_signing"),
            ("user_signing_keys", "user_signing"),
        ):
            for user_id, obj in _opt_obj(resp, section, "/keys/query").items():
                where = f"/keys/query {section} {user_id}"
                try:
                    with _context(where):
                        master = masters.get(user_id)
                        if master is None:
                            raise ServerResponseError(
                                "a master key to check it with: "
                                + expected("one in master_keys", "none")
                            )
                        verify_cross_signing_key(obj, usage, user_id)  # type: ignore[arg-type]
                        verify_signed_by_master(obj, usage, master)  # type: ignore[arg-type]
                except OlmpyError as err:
                    refuse(where, err)
                    continue
                result.cross_signing.setdefault(user_id, {})[usage] = obj
        for user_id, keys in result.cross_signing.items():
            self.cross_signing_keys.setdefault(user_id, {}).update(keys)
        return result

    def device(self, user_id: str, device_id: str) -> VerifiedDevice:
        """A device known from a checked ``/keys/query`` (UsageError if unknown)."""
        known = self.devices.get(user_id, {}).get(device_id)
        if known is None:
            raise UsageError(
                "device: "
                + expected("one seen in a /keys/query response", f"{user_id} {device_id}")
            )
        return known

    # --- /keys/claim and Olm sessions ---------------------------------------------------

    def keys_claim_body(self, devices: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """A ``POST /keys/claim`` body: one ``signed_curve25519`` key per (user, device)."""
        wanted: dict[str, dict[str, str]] = {}
        for user_id, device_id in devices:
            wanted.setdefault(user_id, {})[device_id] = SIGNED_CURVE25519
        return {"one_time_keys": wanted}

    def receive_keys_claim(
        self, response: Mapping[str, Any], *, create_sessions: bool = True
    ) -> dict[tuple[str, str], ClaimedKey]:
        """Checks a ``/keys/claim`` response against the queried device keys and, unless
        told not to, starts an Olm session with each device from its key.

        Every key must be signed by its device (raises ``SignatureError``) and the device
        must be known from ``/keys/query`` (``ServerResponseError`` otherwise).
        """
        resp = _obj("/keys/claim response", response)
        out: dict[tuple[str, str], ClaimedKey] = {}
        for user_id, devices in _opt_obj(resp, "one_time_keys", "/keys/claim").items():
            for device_id, keys in _obj(f"/keys/claim {user_id}", devices).items():
                where = f"/keys/claim {user_id} {device_id}"
                keys = _obj(where, keys)
                if len(keys) != 1:
                    raise ServerResponseError(f"{where}: " + expected("one key", len(keys)))
                known = self.devices.get(user_id, {}).get(device_id)
                if known is None:
                    raise ServerResponseError(
                        f"{where}: " + expected("a key of a device seen in /keys/query",
                                                "a key of an unknown device")
                    )
                ((key_id, obj),) = keys.items()
                with _context(where):
                    key = verify_signed_key(key_id, obj, user_id, device_id, known.ed25519)
                claimed = ClaimedKey(
                    user_id, device_id, key_id, key, obj.get("fallback") is True, obj
                )
                out[(user_id, device_id)] = claimed
                if create_sessions:
                    session = self.account.create_outbound_session(known.curve25519, key)
                    self._olm.setdefault(known.curve25519.to_base64(), []).append(session)
        return out

    def has_olm_session(self, user_id: str, device_id: str) -> bool:
        """Whether an Olm session with that (queried) device exists."""
        return bool(self._olm.get(self.device(user_id, device_id).curve25519.to_base64()))

    def encrypt_to_device(
        self, event_type: str, content: Mapping[str, Any], recipients: Iterable[tuple[str, str]]
    ) -> dict[str, Any]:
        """A ``PUT /sendToDevice/m.room.encrypted/{txnId}`` body carrying ``event_type`` and
        ``content`` Olm-encrypted to each (user, device), with the payload fields the spec
        requires (sender, recipient, recipient_keys, keys).  Each recipient needs an Olm
        session (``receive_keys_claim`` or an incoming pre-key message)."""
        messages: dict[str, dict[str, Any]] = {}
        for user_id, device_id in recipients:
            device = self.device(user_id, device_id)
            sessions = self._olm.get(device.curve25519.to_base64())
            if not sessions:
                raise UsageError(
                    f"recipient {user_id} {device_id}: "
                    + expected("an Olm session (claim a one-time key first)", "none")
                )
            payload = _olm_payload(
                event_type,
                content,
                sender=self.user_id,
                recipient=user_id,
                sender_ed25519=self.ed25519_key,
                recipient_ed25519=device.ed25519,
            )
            message = sessions[-1].encrypt(json.dumps(payload, ensure_ascii=False))
            messages.setdefault(user_id, {})[device_id] = {
                "algorithm": OLM_ALGORITHM,
                "sender_key": self.curve25519_key.to_base64(),
                "ciphertext": {
                    device.curve25519.to_base64(): {
                        "type": message.message_type,
                        "body": message.to_base64(),
                    }
                },
            }
        return {"messages": messages}

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
        """The ``m.room_key`` content of the room's outbound session, at its current index."""
        session = self.outbound_session(room_id)
        return {
            "algorithm": MEGOLM_ALGORITHM,
            "room_id": room_id,
            "session_id": session.session_id,
            "session_key": session.session_key.to_base64(),
        }

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
            RoomKeyInfo(room_id, session, sender_key, payload.sender_ed25519.to_base64())
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

    # --- cross-signing ------------------------------------------------------------------

    def cross_signing_upload_body(
        self, auth: Mapping[str, Any] | None = None, *, new_keys: bool = False
    ) -> dict[str, Any]:
        """A ``POST /keys/device_signing/upload`` body with this user's three keys (made
        on first use, or anew with ``new_keys``); ``auth`` is the user-interactive auth
        object, when asked for."""
        if self.cross_signing is None or new_keys:
            self.cross_signing = CrossSigning.generate(self.user_id)
        body: dict[str, Any] = dict(self.cross_signing.upload_body())
        if auth is not None:
            body["auth"] = dict(auth)
        return body

    def _require_cross_signing(self) -> CrossSigning:
        if self.cross_signing is None:
            raise UsageError(
                "cross-signing keys: " + expected("keys made by cross_signing_upload_body", "none")
            )
        return self.cross_signing

    def self_signature_upload_body(self) -> dict[str, Any]:
        """A ``POST /keys/signatures/upload`` body: this device's uploaded keys signed by
        the self-signing key, and the master key signed by this device."""
        cs = self._require_cross_signing()
        if self.uploaded_device_keys is None:
            raise UsageError("device keys: " + expected("uploaded keys to sign", "none"))
        master = cs.master_key()
        master_id = cross_signing_key_id(cs.master).split(":", 1)[1]
        return {
            self.user_id: {
                self.device_id: dict(cs.sign_device(dict(self.uploaded_device_keys))),
                master_id: sign_json(dict(master), self.user_id, self.key_id, self.account),
            }
        }

    def user_signature_upload_body(self, user_id: str) -> dict[str, Any]:
        """A ``POST /keys/signatures/upload`` body signing ``user_id``'s master key (from a
        checked ``/keys/query``) with this user's user-signing key."""
        cs = self._require_cross_signing()
        master = self.cross_signing_keys.get(user_id, {}).get("master")
        if master is None:
            raise UsageError(
                f"master key of {user_id}: " + expected("one seen in /keys/query", "none")
            )
        signed = cs.sign_user(dict(master))
        _, public = verify_cross_signing_key(signed, "master", user_id)
        return {user_id: {public.to_base64(): dict(signed)}}

    # --- key backup ---------------------------------------------------------------------

    @property
    def recovery_key(self) -> str:
        """The backup's recovery key (the secret users write down; never in a repr)."""
        if self._backup_key is None:
            raise UsageError("backup key: " + expected("one made by backup_version_body", "none"))
        return self._backup_key.to_recovery_key()

    def backup_version_body(self) -> dict[str, Any]:
        """A ``POST /room_keys/version`` body: a new backup key, ``auth_data`` signed by
        this device (and by the master key when cross-signing keys exist)."""
        self._backup_key = PkDecryption()
        body: dict[str, Any] = dict(
            _backup.make_backup_info(
                self._backup_key, user_id=self.user_id, key_id=self.key_id, signer=self.account
            )
        )
        if self.cross_signing is not None:
            body["auth_data"] = _backup.sign_auth_data(
                body["auth_data"], self.user_id,
                cross_signing_key_id(self.cross_signing.master), self.cross_signing.master,
            )
        return body

    def receive_backup_version(self, response: Mapping[str, Any]) -> str:
        """Takes the ``POST /room_keys/version`` response; returns the new version."""
        resp = _obj("/room_keys/version response", response)
        self.backup_version = _str("/room_keys/version version", resp.get("version"))
        return self.backup_version

    def backup_key_data(self, info: RoomKeyInfo) -> dict[str, Any]:
        """One ``KeyBackupData`` for a held session (encrypted to the backup key)."""
        if self._backup_key is None:
            raise UsageError("backup key: " + expected("one made by backup_version_body", "none"))
        return dict(
            _backup.key_backup_data(
                self._backup_key.public_key,
                info.session,
                sender_key=info.sender_key,
                sender_claimed_keys={"ed25519": info.sender_ed25519},
                forwarding_curve25519_key_chain=info.forwarding_chain,
                is_verified=info.verified,
            )
        )

    def backup_keys_body(self) -> dict[str, Any]:
        """A ``PUT /room_keys/keys?version=...`` body with every held inbound session."""
        rooms: dict[str, dict[str, Any]] = {}
        for (room_id, session_id), info in self.room_keys.items():
            sessions = rooms.setdefault(room_id, {"sessions": {}})["sessions"]
            sessions[session_id] = self.backup_key_data(info)
        return {"rooms": rooms}

    def restore_backup(
        self, recovery_key: str, version: Mapping[str, Any], keys: Mapping[str, Any]
    ) -> list[RoomKeyInfo]:
        """Restores sessions from a ``GET /room_keys/keys`` response with the recovery key,
        after checking the key is the one of ``version`` (the ``GET /room_keys/version``
        response).  Restored sessions are unverified; returns them."""
        decryption = PkDecryption.from_recovery_key(recovery_key)
        _backup.check_backup_key(decryption, _obj("/room_keys/version response", version))
        restored = []
        for room_id, room in _opt_obj(_obj("/room_keys/keys", keys), "rooms", "/room_keys").items():
            sessions = _opt_obj(_obj(f"backup room {room_id}", room), "sessions", room_id)
            for session_id, data in sessions.items():
                with _context(f"backup {room_id} {session_id}"):
                    entry = _backup.decrypt_key_backup_data(
                        decryption, _obj("KeyBackupData", data), session_id=session_id
                    )
                key = entry.room_key
                info = RoomKeyInfo(
                    room_id,
                    key.session(),
                    key.sender_key,
                    key.sender_claimed_keys.get("ed25519", ""),
                    list(key.forwarding_curve25519_key_chain),
                )
                restored.append(self.add_room_key(info))
        return restored

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

from types import FunctionType
from typing import Any as Any

from olmpy.device_keys import VerifiedDevice as VerifiedDevice
from olmpy.errors import OlmpyError as OlmpyError
from olmpy.keys import Curve25519PublicKey as Curve25519PublicKey
from olmpy.megolm import InboundGroupSession as InboundGroupSession
from olmpy.olm import OlmPayload as OlmPayload
from olmpy.testing._device_backup import _DeviceBackup
from olmpy.testing._device_records import CLIENT_V3 as CLIENT_V3
from olmpy.testing._device_records import (
    ClaimedKey,
    DecryptedRoomEvent,
    DecryptedToDevice,
    QueryResult,
    RoomKeyInfo,
    ServerResponseError,
    SyncResult,
    send_to_device_path,
)

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


# --- the device -------------------------------------------------------------------------


class Device(_DeviceBackup):
    """A simulated device of ``user_id`` with id ``device_id`` (a fresh ``Account`` unless
    one is given).  Methods ending in ``_body`` return request bodies; methods starting
    with ``receive_`` take responses."""

    # The methods are written in _device_keys.py (state, keys upload, query and claim, Olm
    # sessions, cross-signing), _device_events.py (Megolm, receiving) and _device_backup.py.


# The public names written in the private modules keep the __module__ they had when all of
# them were written here: repr and tracebacks show it, and pickle finds a class (a
# ServerResponseError, a RoomKeyInfo) by it and its qualified name.  typing.get_type_hints
# looks the names in the records' annotations up here too, so the classes they name are
# imported above (the `X as X` imports from outside olmpy.testing).
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("olmpy.testing._device_"):
        _value.__module__ = __name__
del _name, _value

# Device's methods keep the qualified names they had when they were written in its class
# body (the repr of a bound method and help() show Device.<name>).
for _part in Device.__mro__[1:-1]:
    for _attr, _member in vars(_part).items():
        _function = _member.fget if isinstance(_member, property) else _member
        if isinstance(_function, FunctionType):
            _function.__qualname__ = f"Device.{_attr}"
del _part, _attr, _member, _function

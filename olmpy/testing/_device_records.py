"""What ``olmpy.testing.device`` reads and returns: ``ServerResponseError``, the checks of
untrusted JSON from the server, and the result records (``QueryResult``, ``ClaimedKey``,
``DecryptedToDevice``, ``DecryptedRoomEvent``, ``RoomKeyInfo``, ``SyncResult``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from olmpy.device_keys import VerifiedDevice
from olmpy.errors import DecodeError, OlmpyError, brief, expected
from olmpy.keys import Curve25519PublicKey
from olmpy.megolm import InboundGroupSession
from olmpy.olm import OlmPayload

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
    device trusts the sender (what a backup entry's ``is_verified`` reports);
    ``shared_history`` whether the session's creator allowed sharing it with users invited
    later (read from the ``m.room_key`` or backup entry under any of its names).
    """

    room_id: str
    session: InboundGroupSession = field(repr=False)
    sender_key: str
    sender_ed25519: str
    forwarding_chain: list[str] = field(default_factory=list)
    verified: bool = False
    shared_history: bool = False

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

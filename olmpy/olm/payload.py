"""The plaintext of an Olm-encrypted to-device event, and the checks the spec requires on it.

An ``m.room.encrypted`` to-device event with the algorithm ``m.olm.v1.curve25519-aes-sha2``
carries, once decrypted, a JSON object (Matrix client-server API, "End-to-End Encryption",
the ``m.olm.v1.curve25519-aes-sha2`` algorithm)::

    {"type": <event type>, "content": {...},
     "sender": <sender user id>, "recipient": <recipient user id>,
     "recipient_keys": {"ed25519": <recipient device's Ed25519 key>},
     "keys": {"ed25519": <sending device's Ed25519 key>}}

Olm authenticates only the sending device's Curve25519 key.  The other fields bind the
message to the people and devices it is about: without them, someone who publishes another
device's Curve25519 key as their own could pass that device's messages off as theirs, and a
message meant for one device or user could be replayed to another.  So the receiver must
check that:

- ``sender`` is the user who sent the to-device event;
- ``recipient`` is its own user id, and ``recipient_keys.ed25519`` its own Ed25519 key;
- ``keys.ed25519`` is the Ed25519 key of the sending device: the device, listed under
  ``sender`` in a checked ``/keys/query`` response (``olmpy.device_keys.verify_device_keys``),
  whose Curve25519 key the Olm session was made with.

``olm_payload`` builds the object on the sending side; ``check_olm_payload`` runs the checks
on the receiving side and returns an ``OlmPayload``.  A malformed payload raises
``OlmPayloadError`` (a ``DecodeError``); a well-formed one that fails a check raises
``OlmPayloadMismatchError`` (a ``DecryptionError``), whose ``field`` names the check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from olmpy.errors import DecodeError, DecryptionError, UsageError, brief, expected, shown
from olmpy.keys import Ed25519PublicKey
from olmpy.signed_json import JsonDecodeError, parse_json
from olmpy.types import OlmPayloadJson

__all__ = [
    "OlmPayload",
    "OlmPayloadError",
    "OlmPayloadMismatchError",
    "check_olm_payload",
    "olm_payload",
]

_WHAT = "Olm payload"


class OlmPayloadError(DecodeError):
    """A decrypted Olm payload is not the JSON object the spec describes (not JSON, a
    missing or mistyped field, a key that does not decode)."""


class OlmPayloadMismatchError(DecryptionError):
    """A well-formed Olm payload fails one of the spec's checks: it names another sender,
    recipient or key than the one expected.  ``field`` is the payload field that failed
    (``"sender"``, ``"recipient"``, ``"recipient_keys.ed25519"`` or ``"keys.ed25519"``)."""

    def __init__(self, field: str, want: str, got: str) -> None:
        super().__init__(f"{_WHAT} {field}: " + expected(want, got))
        self.field = field
        self._parts = (field, want, got)

    def __reduce__(self) -> tuple[type[OlmPayloadMismatchError], tuple[str, str, str]]:
        return (type(self), self._parts)  # so the error survives pickling (process pools)


@dataclass(frozen=True)
class OlmPayload:
    """A decrypted Olm payload that passed ``check_olm_payload``.

    ``type`` and ``content`` are the to-device event it carries (an ``m.room_key``'s
    content holds a session key: the repr leaves ``content`` and ``fields`` out).
    ``sender_ed25519`` is the sending device's Ed25519 key from ``keys.ed25519``; it was
    compared with the key the caller gave when ``sender_ed25519_checked`` is True, and is
    otherwise only the sender's claim, to look up in the sender's device list.  ``fields``
    is the whole decoded object, for fields beyond the spec's (such as ``sender_device``).
    """

    type: str
    content: dict[str, Any] = field(repr=False)
    sender: str
    recipient: str
    recipient_ed25519: Ed25519PublicKey
    sender_ed25519: Ed25519PublicKey
    sender_ed25519_checked: bool
    fields: dict[str, Any] = field(repr=False, compare=False)


def _user_id(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise UsageError(f"{name}: " + expected("a user id (non-empty str)", shown(value)))
    return value


def _key(name: str, value: object) -> Ed25519PublicKey:
    """A caller's key: an Ed25519PublicKey or unpadded base64."""
    if isinstance(value, Ed25519PublicKey):
        return value
    if isinstance(value, str):
        return Ed25519PublicKey.from_base64(value)
    raise UsageError(f"{name}: " + expected("Ed25519PublicKey or base64 str", shown(value)))


def olm_payload(
    event_type: str,
    content: Mapping[str, Any],
    *,
    sender: str,
    recipient: str,
    sender_ed25519: Ed25519PublicKey | str,
    recipient_ed25519: Ed25519PublicKey | str,
) -> OlmPayloadJson:
    """The plaintext object to Olm-encrypt for one device: the event (``event_type``,
    ``content``) plus the fields the receiver checks.

    ``sender`` is your user id and ``sender_ed25519`` your device's Ed25519 key
    (``account.ed25519_key``); ``recipient`` and ``recipient_ed25519`` are the receiving
    device's user and Ed25519 key, from its checked device keys.  Encrypt
    ``json.dumps(...)`` of the result with the Olm session of that device.
    """
    if not isinstance(event_type, str) or not event_type:
        raise UsageError("event type: " + expected("a non-empty str", shown(event_type)))
    if not isinstance(content, Mapping):
        raise UsageError("content: " + expected("a JSON object (Mapping)", shown(content)))
    return {
        "type": event_type,
        "content": dict(content),
        "sender": _user_id("sender", sender),
        "recipient": _user_id("recipient", recipient),
        "recipient_keys": {"ed25519": _key("recipient_ed25519", recipient_ed25519).to_base64()},
        "keys": {"ed25519": _key("sender_ed25519", sender_ed25519).to_base64()},
    }


def _member(obj: Mapping[str, Any], name: str, kind: type, what: str) -> Any:
    if name not in obj:
        raise OlmPayloadError(f"{_WHAT}: " + expected(f'a "{what}" member', "none"))
    value = obj[name]
    if not isinstance(value, kind):
        described = "a JSON object" if kind is dict else "a string"
        raise OlmPayloadError(f"{_WHAT} {what}: " + expected(described, brief(value)))
    return value


def _payload_key(obj: Mapping[str, Any], name: str) -> Ed25519PublicKey:
    keys = _member(obj, name, dict, name)
    text = _member(keys, "ed25519", str, f"{name}.ed25519")
    try:
        return Ed25519PublicKey.from_base64(text)
    except DecodeError as err:
        raise OlmPayloadError(f"{_WHAT} {name}.ed25519: {err}") from err


def _decode(plaintext: object) -> dict[str, Any]:
    if isinstance(plaintext, Mapping):
        obj: object = dict(plaintext)
    elif isinstance(plaintext, (str, bytes, bytearray)):
        try:
            obj = parse_json(bytes(plaintext) if isinstance(plaintext, bytearray) else plaintext)
        except JsonDecodeError as err:
            raise OlmPayloadError(f"{_WHAT}: {err}") from err
    else:
        raise UsageError(
            "Olm payload: " + expected("bytes, str or a decoded JSON object", shown(plaintext))
        )
    if not isinstance(obj, dict):
        raise OlmPayloadError(f"{_WHAT}: " + expected("a JSON object", type(obj).__name__))
    return obj


def check_olm_payload(
    plaintext: bytes | str | OlmPayloadJson | Mapping[str, Any],
    *,
    sender: str,
    recipient: str,
    recipient_ed25519: Ed25519PublicKey | str,
    sender_ed25519: Ed25519PublicKey | str | None,
) -> OlmPayload:
    """Runs the spec's checks on a decrypted Olm payload and returns it.

    ``plaintext`` is what ``Session.decrypt`` (or ``Account.create_inbound_session``)
    returned, or that text already decoded.  The keyword arguments are what the payload
    must say:

    - ``sender``: the ``sender`` of the to-device event (the server's word, which the
      encrypted ``sender`` must repeat);
    - ``recipient``, ``recipient_ed25519``: your own user id and your device's Ed25519 key
      (``account.ed25519_key``);
    - ``sender_ed25519``: the Ed25519 key of the device the Olm session belongs to (the
      device, in the sender's checked device keys, whose Curve25519 key is the to-device
      content's ``sender_key``).  It is required; pass None only when you do not know the
      device yet, and then look ``OlmPayload.sender_ed25519`` up before trusting the event
      (``sender_ed25519_checked`` is then False).

    Raises ``OlmPayloadError`` when the payload is not a JSON object with a string
    ``type``, an object ``content``, string ``sender`` and ``recipient`` and the two key
    objects; ``OlmPayloadMismatchError`` when a field differs from what is expected (its
    message names the field, the expected value and what arrived); ``UsageError`` for
    wrong argument types.
    """
    sender = _user_id("sender", sender)
    recipient = _user_id("recipient", recipient)
    own_key = _key("recipient_ed25519", recipient_ed25519)
    their_key = None if sender_ed25519 is None else _key("sender_ed25519", sender_ed25519)
    obj = _decode(plaintext)
    event_type = _member(obj, "type", str, "type")
    content = _member(obj, "content", dict, "content")
    claimed_sender = _member(obj, "sender", str, "sender")
    claimed_recipient = _member(obj, "recipient", str, "recipient")
    claimed_own_key = _payload_key(obj, "recipient_keys")
    claimed_key = _payload_key(obj, "keys")
    if claimed_sender != sender:
        raise OlmPayloadMismatchError("sender", repr(sender), brief(claimed_sender))
    if claimed_recipient != recipient:
        raise OlmPayloadMismatchError("recipient", repr(recipient), brief(claimed_recipient))
    if claimed_own_key != own_key:
        raise OlmPayloadMismatchError(
            "recipient_keys.ed25519", own_key.to_base64(), claimed_own_key.to_base64()
        )
    if their_key is not None and claimed_key != their_key:
        raise OlmPayloadMismatchError(
            "keys.ed25519", their_key.to_base64(), claimed_key.to_base64()
        )
    return OlmPayload(
        type=event_type,
        content=content,
        sender=sender,
        recipient=recipient,
        recipient_ed25519=own_key,
        sender_ed25519=claimed_key,
        sender_ed25519_checked=their_key is not None,
        fields=obj,
    )


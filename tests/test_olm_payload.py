"""The decrypted Olm payload: ``olm_payload`` builds it, ``check_olm_payload`` runs the
spec's checks (Matrix client-server API, ``m.olm.v1.curve25519-aes-sha2``: ``sender``,
``recipient``, ``recipient_keys.ed25519``, ``keys.ed25519``; ``type`` and ``content``
present).

Each check is shown to fail on its own, with every other field right; a round trip runs
between two olmpy accounts; and payloads written by hand per the spec, encrypted by
libolm (python-olm) and by vodozemac, decrypt in olmpy and pass.  Every test runs on both
backends.
"""

from __future__ import annotations

import base64
import copy
import json
import pickle
from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac

import olmpy
from olmpy.errors import DecodeError, DecryptionError, UsageError
from olmpy.olm import (
    OlmPayload,
    OlmPayloadError,
    OlmPayloadMismatchError,
    check_olm_payload,
    olm_payload,
)

ALICE, BOB = "@alice:example.org", "@bob:example.org"
ROOM_KEY = {
    "algorithm": "m.megolm.v1.aes-sha2",
    "room_id": "!room:example.org",
    "session_id": "X3lUlvLELLYxeTx4yOVu6UDpasGEVO0Jbu+QFnm0cKQ",
    "session_key": "AgAAAADxKHa9uFxcXzwYoNueL5Xqi69IkD4sni8Llf",
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


class Devices:
    """Alice's device sends to Bob's; each side knows the other's Ed25519 key."""

    def __init__(self) -> None:
        self.alice = olmpy.Account()
        self.bob = olmpy.Account()

    def payload(self) -> dict[str, Any]:
        return olm_payload(
            "m.room_key",
            ROOM_KEY,
            sender=ALICE,
            recipient=BOB,
            sender_ed25519=self.alice.ed25519_key,
            recipient_ed25519=self.bob.ed25519_key,
        )

    def check(self, plaintext: bytes | str | dict[str, Any], **override: Any) -> OlmPayload:
        expected: dict[str, Any] = {
            "sender": ALICE,
            "recipient": BOB,
            "recipient_ed25519": self.bob.ed25519_key,
            "sender_ed25519": self.alice.ed25519_key,
        }
        expected.update(override)
        return check_olm_payload(plaintext, **expected)


@pytest.fixture
def devices(backend: ModuleType) -> Devices:
    return Devices()


def test_builder_shape(devices: Devices) -> None:
    """The builder writes exactly the spec's six fields, keys in unpadded base64."""
    assert devices.payload() == {
        "type": "m.room_key",
        "content": ROOM_KEY,
        "sender": ALICE,
        "recipient": BOB,
        "recipient_keys": {"ed25519": devices.bob.ed25519_key.to_base64()},
        "keys": {"ed25519": devices.alice.ed25519_key.to_base64()},
    }
    by_text = olm_payload("m.dummy", {}, sender=ALICE, recipient=BOB,
                          sender_ed25519=devices.alice.ed25519_key.to_base64(),
                          recipient_ed25519=devices.bob.ed25519_key.to_base64())
    assert by_text["keys"] == devices.payload()["keys"]


def test_round_trip_between_two_accounts(devices: Devices) -> None:
    """Alice encrypts the payload over a new Olm session; Bob decrypts and checks it."""
    devices.bob.generate_one_time_keys(1)
    otk = next(iter(devices.bob.one_time_keys.values()))
    outbound = devices.alice.create_outbound_session(devices.bob.curve25519_key, otk)
    message = outbound.encrypt(json.dumps(devices.payload()))
    _, plaintext = devices.bob.create_inbound_session(devices.alice.curve25519_key, message)
    payload = devices.check(plaintext)
    assert (payload.type, payload.content, payload.sender, payload.recipient) == (
        "m.room_key", ROOM_KEY, ALICE, BOB
    )
    assert payload.sender_ed25519 == devices.alice.ed25519_key
    assert payload.recipient_ed25519 == devices.bob.ed25519_key
    assert payload.sender_ed25519_checked is True
    assert payload.fields == devices.payload()
    # str, bytes and an already-decoded object give the same result.
    assert devices.check(plaintext.decode()) == payload == devices.check(json.loads(plaintext))


def test_repr_hides_the_content(devices: Devices) -> None:
    """An m.room_key's content holds the session key: the repr must not show it."""
    text = repr(devices.check(json.dumps(devices.payload())))
    assert "m.room_key" in text and ALICE in text
    assert ROOM_KEY["session_key"] not in text and "content" not in text


def _edit(payload: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


OTHER_KEY = olmpy.Account().ed25519_key.to_base64()


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("sender",), "@mallory:example.org", "sender"),
        (("recipient",), "@carol:example.org", "recipient"),
        (("recipient_keys", "ed25519"), OTHER_KEY, "recipient_keys.ed25519"),
        (("keys", "ed25519"), OTHER_KEY, "keys.ed25519"),
    ],
)
def test_each_check_fails_on_its_own(
    devices: Devices, path: tuple[str, ...], value: str, field: str
) -> None:
    """One field wrong, the others right: refused, and the error names the field, what
    was expected and what arrived."""
    good = devices.payload()
    bad = _edit(good, path, value)
    with pytest.raises(OlmPayloadMismatchError) as info:
        devices.check(json.dumps(bad))
    error = info.value
    assert error.field == field
    assert isinstance(error, DecryptionError)
    want = good
    for key in path:
        want = want[key]
    assert f"Olm payload {field}: expected" in str(error)
    assert str(want) in str(error) and value in str(error)
    copied = pickle.loads(pickle.dumps(error))  # e.g. raised in a process pool
    assert (type(copied), copied.field, str(copied)) == (type(error), field, str(error))


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"sender": "@mallory:example.org"}, "sender"),
        ({"recipient": "@carol:example.org"}, "recipient"),
        ({"recipient_ed25519": OTHER_KEY}, "recipient_keys.ed25519"),
        ({"sender_ed25519": OTHER_KEY}, "keys.ed25519"),
    ],
)
def test_each_expectation_is_compared(
    devices: Devices, override: dict[str, Any], field: str
) -> None:
    """The same checks seen from the other side: a right payload, a different
    expectation (a to-device event whose outer sender was changed, a payload meant for
    another device, a session with another device than the one that claims it)."""
    with pytest.raises(OlmPayloadMismatchError) as info:
        devices.check(json.dumps(devices.payload()), **override)
    assert info.value.field == field


def test_unknown_sender_device_is_reported_unchecked(devices: Devices) -> None:
    """With ``sender_ed25519=None`` the claim is returned, marked unchecked, for the
    caller to look up; the other checks still run."""
    text = json.dumps(devices.payload())
    payload = devices.check(text, sender_ed25519=None)
    assert payload.sender_ed25519 == devices.alice.ed25519_key
    assert payload.sender_ed25519_checked is False
    with pytest.raises(OlmPayloadMismatchError, match=r"recipient_keys\.ed25519"):
        devices.check(text, sender_ed25519=None, recipient_ed25519=OTHER_KEY)


def test_the_sender_key_expectation_cannot_be_left_out(devices: Devices) -> None:
    """``sender_ed25519`` has no default: leaving it out is an error a type checker and
    Python both report; None must be written out."""
    with pytest.raises(TypeError, match="sender_ed25519"):
        check_olm_payload(  # type: ignore[call-arg]
            json.dumps(devices.payload()),
            sender=ALICE,
            recipient=BOB,
            recipient_ed25519=devices.bob.ed25519_key,
        )


_MISSING = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("type",), _MISSING, 'a "type" member'),
        (("type",), 5, "type: expected a string, got 5"),
        (("content",), _MISSING, 'a "content" member'),
        (("content",), "text", "content: expected a JSON object"),
        (("sender",), _MISSING, 'a "sender" member'),
        (("sender",), None, "sender: expected a string, got None"),
        (("recipient",), _MISSING, 'a "recipient" member'),
        (("recipient",), ["@bob:example.org"], "recipient: expected a string"),
        (("recipient_keys",), _MISSING, 'a "recipient_keys" member'),
        (("recipient_keys",), "key", "recipient_keys: expected a JSON object"),
        (("recipient_keys", "ed25519"), _MISSING, 'a "recipient_keys.ed25519" member'),
        (("keys",), _MISSING, 'a "keys" member'),
        (("keys", "ed25519"), 7, "keys.ed25519: expected a string, got 7"),
        (("keys", "ed25519"), "AAAA", "keys.ed25519: Ed25519 public key: expected 32 bytes"),
        (("keys", "ed25519"), "*" * 43, "keys.ed25519: "),
    ],
)
def test_malformed_payloads_are_decode_errors(
    devices: Devices, path: tuple[str, ...], value: object, message: str
) -> None:
    payload = devices.payload()
    if value is _MISSING:
        target = payload
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    else:
        payload = _edit(payload, path, value)
    with pytest.raises(OlmPayloadError, match=message.replace("(", r"\(")) as info:
        devices.check(json.dumps(payload))
    assert isinstance(info.value, DecodeError)


@pytest.mark.parametrize(
    ("plaintext", "message"),
    [
        (b"\xff\xfe", "UTF-8"),
        (b"not json", "valid JSON"),
        (b"[1, 2]", "expected a JSON object, got list"),
        (b'{"type": "a", "type": "b"}', "duplicate"),
        ("null", "expected a JSON object, got NoneType"),
    ],
)
def test_text_that_is_not_a_json_object(
    devices: Devices, plaintext: bytes | str, message: str
) -> None:
    with pytest.raises(OlmPayloadError, match=message):
        devices.check(plaintext)


def test_argument_types_are_usage_errors(devices: Devices) -> None:
    text = json.dumps(devices.payload())
    for name, value in (
        ("sender", None),
        ("recipient", ""),
        ("recipient_ed25519", devices.bob.ed25519_key.to_bytes()),
        ("sender_ed25519", 5),
    ):
        with pytest.raises(UsageError, match=f"^{name}: expected"):
            devices.check(text, **{name: value})
    with pytest.raises(UsageError, match="Olm payload: expected bytes, str or a decoded"):
        devices.check(5)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="event type"):
        olm_payload("", {}, sender=ALICE, recipient=BOB,
                    sender_ed25519=devices.alice.ed25519_key,
                    recipient_ed25519=devices.bob.ed25519_key)
    with pytest.raises(UsageError, match="content"):
        olm_payload("m.dummy", [], sender=ALICE, recipient=BOB,  # type: ignore[arg-type]
                    sender_ed25519=devices.alice.ed25519_key,
                    recipient_ed25519=devices.bob.ed25519_key)
    with pytest.raises(UsageError, match="recipient_ed25519"):
        olm_payload("m.dummy", {}, sender=ALICE, recipient=BOB,
                    sender_ed25519=devices.alice.ed25519_key,
                    recipient_ed25519=None)  # type: ignore[arg-type]


def test_exported_from_olmpy() -> None:
    assert olmpy.check_olm_payload is check_olm_payload
    assert olmpy.olm_payload is olm_payload
    assert olmpy.OlmPayload is OlmPayload
    assert olmpy.OlmPayloadError is OlmPayloadError
    assert olmpy.OlmPayloadMismatchError is OlmPayloadMismatchError


# --- interop: payloads written per the spec by hand, encrypted by libolm and vodozemac --


def _spec_payload(sender_ed25519: str, recipient_ed25519: str) -> str:
    """The payload as the spec's example lays it out, written without olmpy's builder."""
    return json.dumps({
        "type": "m.room_key",
        "content": ROOM_KEY,
        "sender": ALICE,
        "recipient": BOB,
        "recipient_keys": {"ed25519": recipient_ed25519},
        "keys": {"ed25519": sender_ed25519},
    })


def test_payload_from_libolm(backend: ModuleType) -> None:
    """python-olm's account sends to an olmpy account; olmpy decrypts and checks."""
    alice = olm.Account()
    bob = olmpy.Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values())).to_base64()
    session = olm.OutboundSession(alice, bob.curve25519_key.to_base64(), otk)
    alice_ed = str(alice.identity_keys["ed25519"])
    message = session.encrypt(_spec_payload(alice_ed, bob.ed25519_key.to_base64()))
    wire = olmpy.AnyOlmMessage.from_parts(int(message.message_type), str(message.ciphertext))
    _, plaintext = bob.create_inbound_session(str(alice.identity_keys["curve25519"]), wire)
    payload = check_olm_payload(plaintext, sender=ALICE, recipient=BOB,
                                recipient_ed25519=bob.ed25519_key, sender_ed25519=alice_ed)
    assert payload.content == ROOM_KEY and payload.sender_ed25519.to_base64() == alice_ed
    with pytest.raises(OlmPayloadMismatchError, match=r"keys\.ed25519"):
        check_olm_payload(plaintext, sender=ALICE, recipient=BOB,
                          recipient_ed25519=bob.ed25519_key, sender_ed25519=OTHER_KEY)


def test_payload_from_vodozemac(backend: ModuleType) -> None:
    """vodozemac's account sends to an olmpy account; olmpy decrypts and checks."""
    alice = vodozemac.Account()
    bob = olmpy.Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values())).to_base64()
    session = alice.create_outbound_session(
        vodozemac.Curve25519PublicKey.from_base64(bob.curve25519_key.to_base64()),
        vodozemac.Curve25519PublicKey.from_base64(otk),
    )
    alice_ed = str(alice.ed25519_key.to_base64())
    text = _spec_payload(alice_ed, bob.ed25519_key.to_base64())
    message_type, body = session.encrypt(text.encode()).to_parts()
    wire = olmpy.AnyOlmMessage.from_parts(int(message_type), bytes(body))
    _, plaintext = bob.create_inbound_session(alice.curve25519_key.to_base64(), wire)
    payload = check_olm_payload(plaintext, sender=ALICE, recipient=BOB,
                                recipient_ed25519=bob.ed25519_key, sender_ed25519=alice_ed)
    assert payload.type == "m.room_key" and payload.fields == json.loads(text)


def test_olmpy_payload_read_by_libolm(backend: ModuleType) -> None:
    """The other direction: olmpy's builder, encrypted by olmpy, decrypted by libolm,
    reads as the spec's object with the keys libolm's own account reports."""
    alice = olmpy.Account()
    bob = olm.Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys["curve25519"].values()))
    session = alice.create_outbound_session(str(bob.identity_keys["curve25519"]), otk)
    payload = olm_payload("m.room_key", ROOM_KEY, sender=ALICE, recipient=BOB,
                          sender_ed25519=alice.ed25519_key,
                          recipient_ed25519=str(bob.identity_keys["ed25519"]))
    message_type, body = session.encrypt(json.dumps(payload)).to_parts()
    pre_key = olm.OlmPreKeyMessage(b64(body))
    assert message_type == 0
    inbound = olm.InboundSession(bob, pre_key, alice.curve25519_key.to_base64())
    read = json.loads(inbound.decrypt(pre_key))
    assert read["recipient_keys"] == {"ed25519": bob.identity_keys["ed25519"]}
    assert read["keys"] == {"ed25519": alice.ed25519_key.to_base64()}
    assert (read["sender"], read["recipient"], read["type"]) == (ALICE, BOB, "m.room_key")

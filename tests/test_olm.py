"""Olm accounts and sessions: the security behaviours the issue lists, the limits, the key
policy and the message classes.  Byte compatibility is covered by the vector and interop
suites; these tests pin olmpy's own rules."""

from __future__ import annotations

from types import ModuleType

import pytest

import olmpy
from olmpy import Account, AnyOlmMessage, PreKeyMessage, Session, testing


def _pair(backend: ModuleType) -> tuple[Account, Account, Session, Session]:
    alice, bob = Account(), Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values()))
    outbound = alice.create_outbound_session(bob.curve25519_key, otk)
    first = outbound.encrypt(b"hello bob")
    inbound, plaintext = bob.create_inbound_session(alice.curve25519_key, first)
    assert plaintext == b"hello bob"
    return alice, bob, outbound, inbound


def _state(session: Session) -> tuple[object, ...]:
    b = session._b
    return (
        b.read_secret(session._root),
        None
        if session._sender is None
        else (
            b.read_secret(session._sender[0]),
            session._sender[1],
            b.read_secret(session._sender[2]),
        ),
        [(k, b.read_secret(c)) for k, c in session._receivers],
        [(k, i, b.read_secret(m)) for k, i, m in session._skipped],
        session._received,
    )


def test_conversation_with_ratchet_turns(backend: ModuleType) -> None:
    """Messages in both directions decrypt, with a new ratchet key on each turn."""
    _, _, a, b = _pair(backend)
    keys_seen = set()
    for turn in range(6):
        sender, receiver = (a, b) if turn % 2 == 0 else (b, a)
        for i in range(3):
            message = sender.encrypt(f"turn {turn} message {i}".encode())
            keys_seen.add(
                message.parsed().message.ratchet_key
                if message.message_type == 0
                else message.parsed().ratchet_key
            )
            assert receiver.decrypt(message) == f"turn {turn} message {i}".encode()
    assert len(keys_seen) >= 6


def test_pre_keys_until_first_reply(backend: ModuleType) -> None:
    """The outbound side sends pre-key messages until it has decrypted a reply."""
    _, _, a, b = _pair(backend)
    assert a.encrypt(b"again").message_type == 0
    assert not a.has_received_message and b.has_received_message
    assert a.decrypt(b.encrypt(b"reply")) == b"reply"
    assert a.encrypt(b"now normal").message_type == 1


def test_one_time_key_consumed_only_after_decrypt(backend: ModuleType) -> None:
    """A forged pre-key message naming a real one-time key fails and leaves the key in place."""
    alice, bob = Account(), Account()
    bob.generate_one_time_keys(1)
    key_id, otk = next(iter(bob.one_time_keys.items()))
    genuine = alice.create_outbound_session(bob.curve25519_key, otk).encrypt(b"real")
    raw = bytearray(genuine.to_bytes())
    raw[-1] ^= 1  # the inner message's MAC
    forged = AnyOlmMessage.from_parts(0, bytes(raw))
    with pytest.raises(olmpy.MacError):
        bob.create_inbound_session(alice.curve25519_key, forged)
    assert key_id in bob.one_time_keys
    _, plaintext = bob.create_inbound_session(alice.curve25519_key, genuine)
    assert plaintext == b"real"
    assert key_id not in bob.one_time_keys
    with pytest.raises(olmpy.UnknownOneTimeKeyError):
        bob.create_inbound_session(alice.curve25519_key, genuine)


def test_wrong_identity_key_is_refused(backend: ModuleType) -> None:
    """A pre-key message from another identity key than the caller names is refused."""
    alice, bob, mallory = Account(), Account(), Account()
    bob.generate_one_time_keys(1)
    message = alice.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values()))
    ).encrypt(b"x")
    with pytest.raises(olmpy.IdentityKeyMismatchError, match="expected identity key"):
        bob.create_inbound_session(mallory.curve25519_key, message)
    assert len(bob.one_time_keys) == 1


def test_fallback_key_session_keeps_the_key(backend: ModuleType) -> None:
    """Sessions from a fallback key work and do not consume it; old fallbacks can be forgotten."""
    alice, bob = Account(), Account()
    bob.generate_fallback_key()
    fallback = next(iter(bob.fallback_key.values()))
    for _ in range(2):
        message = alice.create_outbound_session(bob.curve25519_key, fallback).encrypt(b"fb")
        assert bob.create_inbound_session(alice.curve25519_key, message)[1] == b"fb"
    bob.mark_keys_as_published()
    assert bob.fallback_key == {}
    bob.generate_fallback_key()
    message = alice.create_outbound_session(bob.curve25519_key, fallback).encrypt(b"old")
    assert bob.create_inbound_session(alice.curve25519_key, message)[1] == b"old"
    assert bob.forget_fallback_key() is True
    with pytest.raises(olmpy.UnknownOneTimeKeyError):
        bob.create_inbound_session(alice.curve25519_key, message)


def test_failed_decrypt_changes_nothing(backend: ModuleType) -> None:
    """Flipping any bit of a message makes decrypt raise and leaves the session as it was."""
    _, _, a, b = _pair(backend)
    a.decrypt(b.encrypt(b"turn"))
    good = a.encrypt(b"payload")
    raw = good.to_bytes()
    for pos in range(0, len(raw), 3):
        before = _state(b)
        bad = bytearray(raw)
        bad[pos] ^= 0x04
        with pytest.raises(olmpy.OlmpyError):
            b.decrypt(AnyOlmMessage(1, bytes(bad)))
        assert _state(b) == before
    assert b.decrypt(good) == b"payload"


def test_out_of_order_and_skipped_key_limit(backend: ModuleType) -> None:
    """Skipped messages decrypt later; past 40 skipped keys the oldest are gone for good."""
    _, _, a, b = _pair(backend)
    a.decrypt(b.encrypt(b"turn"))
    messages = [a.encrypt(bytes([i])) for i in range(45)]
    assert b.decrypt(messages[44]) == bytes([44])
    for i in (43, 10, 4):
        assert b.decrypt(messages[i]) == bytes([i])
    for i in (0, 1, 2, 3):
        with pytest.raises(olmpy.UnknownMessageIndexError):
            b.decrypt(messages[i])
    with pytest.raises(olmpy.UnknownMessageIndexError):
        b.decrypt(messages[10])  # each key opens its message once


def test_message_gap_limit(backend: ModuleType) -> None:
    """A message more than 2000 ahead of its chain is refused; exactly 2000 is accepted."""
    _, _, a, b = _pair(backend)
    a.decrypt(b.encrypt(b"turn"))
    messages = [a.encrypt(b"") for _ in range(2002)]
    before = _state(b)
    with pytest.raises(olmpy.MessageGapError, match="at most 2000"):
        b.decrypt(messages[2001])
    assert _state(b) == before
    assert b.decrypt(messages[2000]) == b""


def test_receiver_chain_limit(backend: ModuleType) -> None:
    """Only the five newest receiver chains are kept; a message on an older one fails."""
    _, _, a, b = _pair(backend)
    held = []
    for _ in range(6):
        held.append(a.encrypt(b"late"))  # on a's current chain, kept back
        a.decrypt(b.encrypt(b"ping"))
        b.decrypt(a.encrypt(b"pong"))
    assert len(b._receivers) == 5
    assert b.decrypt(held[-1]) == b"late"
    with pytest.raises(olmpy.OlmpyError):
        b.decrypt(held[0])


def test_all_zero_dh_is_rejected(backend: ModuleType) -> None:
    """A low-order one-time key (all-zero shared secret) is refused at session creation."""
    alice, bob = Account(), Account()
    with pytest.raises(olmpy.KeyDecodeError, match="contributory"):
        alice.create_outbound_session(bob.curve25519_key, bytes(32))


def test_session_matches_and_ids(backend: ModuleType) -> None:
    """Both sides agree on the session id, and pre-key messages match only their session."""
    _, _, a, b = _pair(backend)
    assert a.session_id == b.session_id
    pre = a.encrypt(b"x")
    assert b.session_matches(pre)
    assert isinstance(pre.to_pre_key(), PreKeyMessage)
    assert pre.to_pre_key().session_id() == a.session_id  # type: ignore[union-attr]
    _, _, other, _ = _pair(backend)
    assert not b.session_matches(other.encrypt(b"y"))
    with pytest.raises(olmpy.SessionMismatchError):
        b.decrypt(other.encrypt(b"y"))


def test_one_time_key_capacity_and_ids(backend: ModuleType) -> None:
    """Key ids count up from 1 as libolm's do; at most 100 keys are kept, oldest dropped."""
    account = Account()
    account.generate_one_time_keys(3)
    assert list(account.one_time_keys) == ["AAAAAQ", "AAAAAg", "AAAAAw"]
    account.mark_keys_as_published()
    assert account.one_time_keys == {}
    account.generate_one_time_keys(120)
    assert len(account._one_time) == 100
    assert "AAAAAQ" not in {olmpy._b64.encode(k.to_bytes(4, "big")) for k in account._one_time}
    assert account.max_number_of_one_time_keys == 50


def test_sign_and_identity_keys(backend: ModuleType) -> None:
    """The account signs with its Ed25519 key and reports both identity keys."""
    account = testing.account_from_parts(bytes(range(32)), bytes(range(32, 64)))
    sig = account.sign("canonical json")
    account.ed25519_key.verify_signature(b"canonical json", sig)
    keys = account.identity_keys
    assert keys["ed25519"] == account.ed25519_key.to_base64()
    assert keys["curve25519"] == account.curve25519_key.to_base64()
    again = testing.account_from_parts(bytes(range(32)), bytes(range(32, 64)))
    assert again.identity_keys == keys


def test_describe_and_repr_reveal_no_secrets(backend: ModuleType) -> None:
    """describe(), repr() and str() name ids and indexes but no key material."""
    _, _, a, b = _pair(backend)
    root = a._b.read_secret(a._root)
    for text in (a.describe(), repr(a), str(b), b.describe()):
        assert olmpy._b64.encode(root)[:10] not in text
        assert root.hex()[:10] not in text
    assert "sender chain index" in a.describe()


def test_message_classes_round_trip(backend: ModuleType) -> None:
    """Messages convert between parts, bytes and base64 without change."""
    _, _, a, _ = _pair(backend)
    message = a.encrypt(b"z")
    kind, body = message.to_parts()
    assert AnyOlmMessage.from_parts(kind, body) == message
    assert AnyOlmMessage.from_parts(kind, message.to_base64()) == message
    pre = PreKeyMessage.from_base64(message.to_base64())
    assert pre.to_any() == message and pre.to_bytes() == body
    with pytest.raises(olmpy.UsageError):
        AnyOlmMessage.from_parts(2, body)
    with pytest.raises(olmpy.DecodeError):
        AnyOlmMessage.from_parts(1, b"\x03garbage")

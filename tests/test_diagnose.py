"""``olmpy.diagnose``: each reason made to happen for real, with messages from python-olm
and olmpy, and nothing diagnosed ever changed (libolm pickles compared before and after)."""

from __future__ import annotations

import json

import olm
import pytest

from olmpy import Account, GroupSession, InboundGroupSession, PkDecryption, attachments, diagnose
from olmpy._b64 import decode_public, encode_public
from olmpy.backup import key_backup_data
from olmpy.diagnose import Reason
from olmpy.errors import DecodeError, UsageError
from olmpy.megolm import MegolmMessage
from olmpy.olm import AnyOlmMessage, Session
from olmpy.secret_storage import encrypt_secret

KEY = b"k" * 32


def _flip(message: str, offset: int) -> str:
    raw = bytearray(decode_public(message, "m"))
    raw[offset] ^= 0x01
    return encode_public(bytes(raw))


@pytest.fixture(scope="module")
def peer() -> tuple[olm.OutboundGroupSession, str, list[str]]:
    """A python-olm sender: its session key at index 0 and messages 0..6."""
    out = olm.OutboundGroupSession()
    key = out.session_key
    return out, key, [out.encrypt(f"message {i}") for i in range(7)]


def test_megolm_each_reason(peer: tuple[olm.OutboundGroupSession, str, list[str]]) -> None:
    out, key, msgs = peer
    session = InboundGroupSession(key)
    before = session.to_libolm_pickle(KEY)

    ok = diagnose.megolm(session, msgs[2])
    assert ok.reason is Reason.DECRYPTS and ok.plaintext == b"message 2"
    assert ok.session_id == out.id and ok.message_index == 2 and "plaintext" not in repr(ok)

    late = InboundGroupSession.import_session(session.export_at(5))
    unknown = diagnose.megolm(late, msgs[2])
    assert unknown.reason is Reason.UNKNOWN_INDEX
    assert (unknown.message_index, unknown.first_known_index) == (2, 5)
    assert "2" in unknown.detail and "5" in unknown.detail

    other = InboundGroupSession(olm.OutboundGroupSession().session_key)
    assert diagnose.megolm(other, msgs[2]).reason is Reason.WRONG_SESSION
    claimed = diagnose.megolm(other, msgs[2], session_id=out.id)
    assert claimed.reason is Reason.WRONG_SESSION and out.id in claimed.detail

    bad_mac = _flip(msgs[3], -65)  # the last MAC byte (the signature follows, 64 bytes)
    assert diagnose.megolm(session, bad_mac).reason is Reason.BAD_MAC
    assert diagnose.megolm(session, bad_mac, session_id=out.id).reason is Reason.BAD_MAC
    assert diagnose.megolm(session, _flip(msgs[3], -1)).reason is Reason.BAD_SIGNATURE
    assert diagnose.megolm(session, _flip(msgs[3], -40)).reason is Reason.BAD_SIGNATURE

    assert session.to_libolm_pickle(KEY) == before  # nothing moved, whatever the verdict
    assert session.decrypt(msgs[6]).plaintext == b"message 6"
    assert diagnose.megolm(session, msgs[1]).decrypts  # still from index 0


def test_megolm_ratchet_not_the_senders_is_bad_mac() -> None:
    """A signed message whose MAC is not the key's ratchet: an exported key with the right
    public part and another ratchet."""
    sender = GroupSession()
    key = sender.session_key
    message = sender.encrypt(b"x").to_base64()
    exported = InboundGroupSession(key).export_at(0)
    assert exported is not None
    raw = bytearray(exported.to_bytes())
    raw[10] ^= 1
    forged = InboundGroupSession.import_session(encode_public(bytes(raw)))
    verdict = diagnose.megolm(forged, message)
    assert verdict.reason is Reason.BAD_MAC and "signed" in verdict.detail


def test_session_key_fields(peer: tuple[olm.OutboundGroupSession, str, list[str]]) -> None:
    out, key, _ = peer
    fields = diagnose.session_key_fields(key)
    assert (fields.version, fields.signed, fields.message_index) == (2, True, 0)
    assert fields.session_id == out.id and fields.signature_valid is True
    raw = bytearray(decode_public(key, "k"))
    raw[-1] ^= 1
    assert diagnose.session_key_fields(bytes(raw)).signature_valid is False
    exported = InboundGroupSession(key).export_at(4)
    assert exported is not None
    fields = diagnose.session_key_fields(exported.to_base64())
    assert (fields.version, fields.signed, fields.message_index) == (1, False, 4)
    assert fields.signature_valid is None
    with pytest.raises(DecodeError):
        diagnose.session_key_fields(bytes(raw[:100]))


def test_message_fields(peer: tuple[olm.OutboundGroupSession, str, list[str]]) -> None:
    _, _, msgs = peer
    fields = diagnose.message_fields(MegolmMessage.from_base64(msgs[4]))
    assert (fields.version, fields.index, fields.mac_length, fields.signature_length) == (
        3, 4, 8, 64)
    assert fields.ciphertext_length == 16 and fields.ratchet_key is None


def _olm_pair() -> tuple[olm.Account, Account, olm.Session]:
    alice = olm.Account()
    bob = Account.generate()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values())).to_base64()
    return alice, bob, olm.OutboundSession(alice, bob.curve25519_key.to_base64(), otk)


def test_olm_account_and_sessions() -> None:
    alice, bob, outbound = _olm_pair()
    first = outbound.encrypt("hello")
    pre = AnyOlmMessage.from_base64(first.message_type, first.ciphertext)
    before = bob.to_libolm_pickle(KEY)
    verdict = diagnose.olm(pre, account=bob)
    assert verdict.decrypts and verdict.plaintext == b"hello"
    assert verdict.session_id == outbound.id == verdict.message_session_id
    assert bob.to_libolm_pickle(KEY) == before  # the one-time key is still there
    wrong = diagnose.olm(pre, account=bob, recipient_key=alice.identity_keys["curve25519"])
    assert wrong.reason is Reason.WRONG_ACCOUNT
    stranger = Account.generate()
    assert diagnose.olm(pre, account=stranger).reason is Reason.UNKNOWN_ONE_TIME_KEY

    session, _ = bob.create_inbound_session(pre.parsed().identity_key, pre)  # type: ignore[union-attr]
    again = diagnose.olm(pre, sessions=[session])
    assert again.reason is Reason.UNKNOWN_INDEX  # its message key is used up
    second = outbound.encrypt("two")
    normal = AnyOlmMessage.from_base64(second.message_type, second.ciphertext)
    before = session.to_libolm_pickle(KEY)
    assert diagnose.olm(normal, sessions=[session]).plaintext == b"two"
    assert session.to_libolm_pickle(KEY) == before
    raw = bytearray(normal.to_bytes())
    raw[-1] ^= 1
    flipped = AnyOlmMessage.from_parts(normal.message_type, bytes(raw))
    assert diagnose.olm(flipped, sessions=[session]).reason is Reason.BAD_MAC

    _, _, unrelated = _olm_pair()
    other = unrelated.encrypt("x")
    foreign = AnyOlmMessage.from_base64(other.message_type, other.ciphertext)
    assert diagnose.olm(foreign, sessions=[session]).reason is Reason.WRONG_SESSION
    with pytest.raises(UsageError):
        diagnose.olm(normal)


def test_backup_entry_secret_attachment() -> None:
    key = PkDecryption.from_key(bytes(range(32)))
    sender = GroupSession()
    inbound = InboundGroupSession(sender.session_key)
    entry = key_backup_data(key.public_key, inbound, sender_key=encode_public(bytes(32)),
                            sender_claimed_keys={"ed25519": "x"})
    verdict = diagnose.backup_entry(key, dict(entry))
    assert verdict.decrypts and verdict.session_id == inbound.session_id
    assert diagnose.backup_entry(key, dict(entry), session_id="other").reason is (
        Reason.WRONG_SESSION)
    other = PkDecryption.from_key(bytes(range(1, 33)))
    assert diagnose.backup_entry(other, dict(entry)).reason is Reason.BAD_MAC

    data = encrypt_secret(KEY, "m.test", "s3cret").to_json()
    assert diagnose.secret(KEY, "m.test", dict(data)).plaintext == b"s3cret"
    assert diagnose.secret(KEY, "m.other", dict(data)).reason is Reason.BAD_MAC
    assert diagnose.secret(bytes(32), "m.test", dict(data)).reason is Reason.BAD_MAC

    ciphertext, info = attachments.encrypt(b"file body")
    assert diagnose.attachment(info.to_json(), ciphertext).plaintext == b"file body"
    changed = diagnose.attachment(info, ciphertext[:-1] + bytes([ciphertext[-1] ^ 1]))
    assert changed.reason is Reason.HASH_MISMATCH


def test_wrong_types_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        diagnose.megolm(object(), "AAAA")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        diagnose.olm("x", sessions=[])  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        diagnose.secret("k", "n", {})  # type: ignore[arg-type]
    assert json.dumps([r.value for r in Reason])  # the phrases are plain strings
    assert isinstance(Session, type)

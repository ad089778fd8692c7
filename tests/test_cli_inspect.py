"""``olmpy inspect``: subprocess runs on objects made by python-olm, vodozemac and olmpy.

The fields printed are checked against what the peer that made the object reports; each
diagnosis reason is made to happen for real; no secret (session key, recovery key,
attachment key, plaintext without ``--show-plaintext``) may reach stdout or stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import olm
import pytest
import vodozemac
from cli_run import Result, olmpy

from olmpy import GroupSession, InboundGroupSession, PkDecryption, attachments
from olmpy._b64 import decode_public, encode_public
from olmpy.key_export import ExportedRoomKey, export_room_keys
from olmpy.recovery import encode_recovery_key
from olmpy.secret_storage import SecretStorageKey

MEGOLM = "m.megolm.v1.aes-sha2"
OLM = "m.olm.v1.curve25519-aes-sha2"
PLAIN = "the plaintext 7f3a"


def _json(result: Result) -> dict[str, Any]:
    assert result.code in (0, 3), result.err
    doc: dict[str, Any] = json.loads(result.text())
    return doc


def _flip(message: str, offset: int) -> str:
    raw = bytearray(decode_public(message, "m"))
    raw[offset] ^= 0x01
    return encode_public(bytes(raw))


@pytest.fixture(scope="module")
def megolm_peer() -> tuple[olm.OutboundGroupSession, str, list[str]]:
    """python-olm's sender: its session key at index 0, then messages 0..6."""
    out = olm.OutboundGroupSession()
    key = out.session_key
    return out, key, [out.encrypt(f"{PLAIN} {i}") for i in range(7)]


# --- fields, as the peers report them ----------------------------------------------------


def test_megolm_message_from_python_olm(megolm_peer: Any) -> None:
    _, _, msgs = megolm_peer
    doc = _json(olmpy("inspect", "--json", stdin=msgs[4].encode()))
    assert doc["kind"] == "megolm-message" and doc["detected"] is True
    fields = doc["fields"]
    assert fields["message_index"] == 4 and fields["version"] == 3
    assert fields["mac_length"] == 8 and fields["signature_present"] is True
    assert fields["ciphertext_length"] == 32  # AES-CBC of 19 bytes
    text = olmpy("inspect", stdin=msgs[4].encode())
    assert text.code == 0 and "kind: megolm-message (detected)" in text.text()
    assert "diagnosis" not in text.text()  # no key, no verdict


def test_megolm_event_from_vodozemac() -> None:
    group = vodozemac.GroupSession()
    for _ in range(3):
        group.encrypt(b"skip")
    message = group.encrypt(b"x")
    content = {"algorithm": MEGOLM, "ciphertext": message.to_base64(),
               "session_id": group.session_id, "sender_key": "SENDER", "device_id": "DEV"}
    doc = _json(olmpy("inspect", "--json", stdin=json.dumps(content).encode()))
    assert doc["kind"] == "megolm-message"
    assert doc["fields"]["message_index"] == message.message_index() == 3
    assert doc["fields"]["session_id"] == group.session_id
    assert (doc["fields"]["sender_key"], doc["fields"]["device_id"]) == ("SENDER", "DEV")


def test_session_keys(megolm_peer: Any) -> None:
    out, key, _ = megolm_peer
    room_key = {"algorithm": MEGOLM, "room_id": "!r:x", "session_id": out.id,
                "session_key": key}
    for given in (key, json.dumps(room_key)):
        result = olmpy("inspect", "--json", stdin=given.encode())
        doc = _json(result)
        assert doc["kind"] == "session-key"
        assert doc["fields"]["session_id"] == out.id
        assert doc["fields"]["first_index"] == 0 and doc["fields"]["signature_valid"] is True
        assert not result.shows(key) and not result.shows(key[5:60])
    bad = _json(olmpy("inspect", "--json", stdin=_flip(key, -1).encode()))
    assert bad["fields"]["signature_valid"] is False
    group = vodozemac.GroupSession()
    exported = vodozemac.InboundGroupSession(group.session_key).export_at(5).to_base64()
    result = olmpy("inspect", "--json", stdin=exported.encode())
    doc = _json(result)
    assert doc["kind"] == "exported-session-key"
    assert (doc["fields"]["version"], doc["fields"]["first_index"]) == (1, 5)
    assert doc["fields"]["session_id"] == group.session_id
    assert not result.shows(exported[8:60])


def _olm_pair() -> tuple[olm.Account, olm.Account, str, olm.OutboundSession]:
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys["curve25519"].values()))
    return alice, bob, otk, olm.OutboundSession(alice, bob.identity_keys["curve25519"], otk)


def _olm_event(alice: olm.Account, bob: olm.Account, message: Any) -> bytes:
    return json.dumps({"algorithm": OLM, "sender_key": alice.identity_keys["curve25519"],
                       "ciphertext": {bob.identity_keys["curve25519"]: {
                           "type": message.message_type, "body": message.ciphertext}}}).encode()


def test_olm_messages_from_python_olm() -> None:
    alice, bob, otk, session = _olm_pair()
    first = session.encrypt(PLAIN)
    doc = _json(olmpy("inspect", "--json", stdin=first.ciphertext.encode()))
    assert doc["kind"] == "olm-pre-key"
    fields = doc["fields"]
    assert fields["identity_key"] == alice.identity_keys["curve25519"]
    assert fields["one_time_key"] == otk and fields["session_id"] == session.id
    assert fields["inner_chain_index"] == 0 and fields["inner_mac_length"] == 8
    event = _olm_json(_olm_event(alice, bob, first))
    assert event["fields"]["identity_key_is_sender_key"] is True
    assert event["fields"]["recipient_key"] == bob.identity_keys["curve25519"]

    inbound = olm.InboundSession(bob, first)
    assert inbound.decrypt(first) == PLAIN
    reply = inbound.encrypt("reply")
    assert reply.message_type == 1
    doc = _json(olmpy("inspect", "--json", stdin=reply.ciphertext.encode()))
    assert doc["kind"] == "olm-message"
    assert doc["fields"]["chain_index"] == 0 and doc["fields"]["mac_length"] == 8
    assert len(decode_public(doc["fields"]["ratchet_key"], "k")) == 32


def _olm_json(stdin: bytes) -> dict[str, Any]:
    return _json(olmpy("inspect", "--json", stdin=stdin))


def test_room_key_backup_entry_secret_attachment_fields(tmp_path: Path) -> None:
    igs = InboundGroupSession(GroupSession().session_key)
    exported = ExportedRoomKey.from_inbound_group_session(igs, "!room:x", encode_public(bytes(32)))
    doc = exported.to_json()
    result = olmpy("inspect", "--json", stdin=json.dumps(doc).encode())
    fields = _json(result)["fields"]
    assert _json(result)["kind"] == "room-key"
    assert (fields["room_id"], fields["session_id"]) == ("!room:x", igs.session_id)
    assert fields["first_known_index"] == 0 and fields["forwarding_chain_length"] == 0
    assert not result.shows(doc["session_key"][8:60])

    _, info = attachments.encrypt(b"file")
    file_obj = info.to_json("mxc://x/y")
    result = olmpy("inspect", "--json", stdin=json.dumps({"file": file_obj}).encode())
    fields = _json(result)["fields"]
    assert _json(result)["kind"] == "attachment"
    assert (fields["v"], fields["key_alg"], fields["url"]) == ("v2", "A256CTR", "mxc://x/y")
    assert fields["sha256"] == file_obj["hashes"]["sha256"]
    assert not result.shows(file_obj["key"]["k"])


# --- Megolm diagnosis --------------------------------------------------------------------


def _megolm_run(message: str, *flags: str, **env: str) -> Result:
    return olmpy("inspect", "--json", *flags, stdin=message.encode(), **env)


def test_megolm_diagnosis_each_reason(megolm_peer: Any) -> None:
    _, key, msgs = megolm_peer
    ok = _megolm_run(msgs[2], "--session-key-env", "SK", SK=key)
    assert ok.code == 0 and _json(ok)["diagnosis"]["reason"] == "decrypts"
    assert not ok.shows(PLAIN) and not ok.shows(key)
    shown = _megolm_run(msgs[2], "--session-key-env", "SK", "--show-plaintext", SK=key)
    assert _json(shown)["diagnosis"]["plaintext"] == f"{PLAIN} 2"

    other = olm.OutboundGroupSession().session_key
    wrong = _megolm_run(msgs[2], "--session-key-env", "SK", SK=other)
    assert wrong.code == 3 and _json(wrong)["diagnosis"]["reason"] == "wrong session"

    at5 = vodozemac.InboundGroupSession(vodozemac.SessionKey(key)).export_at(5).to_base64()
    late = _megolm_run(msgs[2], "--exported-key-env", "EK", EK=at5)
    verdict = _json(late)["diagnosis"]
    assert late.code == 3 and verdict["reason"] == "unknown index"
    assert (verdict["message_index"], verdict["first_known_index"]) == (2, 5)
    assert not late.shows(at5[8:60])

    mac = _megolm_run(_flip(msgs[3], -65), "--session-key-env", "SK", SK=key)
    assert mac.code == 3 and _json(mac)["diagnosis"]["reason"] == "bad MAC"
    sig = _megolm_run(_flip(msgs[3], -1), "--session-key-env", "SK", SK=key)
    assert sig.code == 3 and _json(sig)["diagnosis"]["reason"] == "bad signature"
    text = olmpy("inspect", "--exported-key-env", "EK", stdin=msgs[2].encode(), EK=at5)
    assert text.code == 3 and "diagnosis: unknown index" in text.text()
    assert "index 2" in text.text() and "index 5" in text.text()


def test_megolm_event_names_its_session(megolm_peer: Any) -> None:
    out, _, msgs = megolm_peer
    other = olm.OutboundGroupSession()
    content = {"algorithm": MEGOLM, "ciphertext": msgs[1], "session_id": out.id,
               "sender_key": "S", "device_id": "D"}
    result = olmpy("inspect", "--json", "--session-key-env", "SK",
                   stdin=json.dumps(content).encode(), SK=other.session_key)
    verdict = _json(result)["diagnosis"]
    assert result.code == 3 and verdict["reason"] == "wrong session"
    assert verdict["message_session_id"] == out.id and verdict["session_id"] == other.id


def test_megolm_key_export_file(megolm_peer: Any, tmp_path: Path) -> None:
    out, key, msgs = megolm_peer
    keys = []
    sender = encode_public(bytes(32))
    full = InboundGroupSession(key)
    late = InboundGroupSession.import_session(full.export_at(5))  # the same session, later
    for igs in (InboundGroupSession(olm.OutboundGroupSession().session_key), late, full):
        keys.append(ExportedRoomKey.from_inbound_group_session(igs, "!r:x", sender))
    path = tmp_path / "keys.txt"
    path.write_text(export_room_keys(keys, "pass", rounds=1000, allow_low_rounds=True))
    ok = _megolm_run(msgs[2], "--key-export", str(path), "--passphrase-env", "P", P="pass")
    verdict = _json(ok)["diagnosis"]
    assert ok.code == 0 and verdict["session_id"] == out.id
    assert verdict["first_known_index"] == 0  # the copy that decrypts, not the later one
    stranger = olm.OutboundGroupSession()
    stranger.encrypt("x")
    miss = _megolm_run(stranger.encrypt("y"), "--key-export", str(path),
                       "--passphrase-env", "P", P="pass")
    assert miss.code == 3 and _json(miss)["diagnosis"]["reason"] == "wrong session"
    wrong_pass = _megolm_run(msgs[5], "--key-export", str(path), "--passphrase-env", "P",
                             P="nope")
    assert wrong_pass.code == 3 and "MAC" in wrong_pass.err and not wrong_pass.shows("nope")


# --- Olm diagnosis -----------------------------------------------------------------------


def test_olm_diagnosis_with_pickles(tmp_path: Path) -> None:
    alice, bob, _, session = _olm_pair()
    first = session.encrypt(PLAIN)
    account = tmp_path / "bob.account"
    account.write_bytes(bob.pickle("pickle pass"))
    event = _olm_event(alice, bob, first)
    flags = ("--pickle-key-env", "PK")
    ok = olmpy("inspect", "--json", "--account", account, *flags, stdin=event, PK="pickle pass")
    verdict = _json(ok)["diagnosis"]
    assert ok.code == 0 and verdict["reason"] == "decrypts"
    assert verdict["session_id"] == session.id and not ok.shows(PLAIN)

    inbound = olm.InboundSession(bob, first)
    inbound.decrypt(first)
    second = session.encrypt("second")
    stored = tmp_path / "bob.session"
    stored.write_bytes(inbound.pickle("pickle pass"))
    got = olmpy("inspect", "--json", "--session", stored, *flags,
                stdin=second.ciphertext.encode(), PK="pickle pass")
    assert got.code == 0 and _json(got)["diagnosis"]["session_id"] == session.id
    raw = bytearray(decode_public(second.ciphertext, "m"))
    raw[-1] ^= 1
    mac = olmpy("inspect", "--json", "--as", "olm-pre-key", "--session", stored, *flags,
                stdin=encode_public(bytes(raw)).encode(), PK="pickle pass")
    assert mac.code == 3 and _json(mac)["diagnosis"]["reason"] == "bad MAC"

    a2, b2, _, unrelated = _olm_pair()
    foreign = olmpy("inspect", "--json", "--session", stored, *flags,
                    stdin=_olm_event(a2, b2, unrelated.encrypt("z")), PK="pickle pass")
    assert foreign.code == 3 and _json(foreign)["diagnosis"]["reason"] == "wrong session"
    stranger = tmp_path / "stranger.account"
    stranger.write_bytes(olm.Account().pickle("pickle pass"))
    no_otk = olmpy("inspect", "--json", "--account", stranger, *flags, stdin=event,
                   PK="pickle pass")
    assert no_otk.code == 3 and _json(no_otk)["diagnosis"]["reason"] == "wrong account"
    bare = olmpy("inspect", "--json", "--account", stranger, *flags,
                 stdin=first.ciphertext.encode(), PK="pickle pass")
    assert bare.code == 3 and _json(bare)["diagnosis"]["reason"] == "unknown one-time key"
    bad_key = olmpy("inspect", "--account", account, *flags, stdin=event, PK="wrong")
    assert bad_key.code == 3 and not bad_key.shows("pickle pass")


# --- backup entries, secrets, attachments --------------------------------------------------


def test_backup_entry_diagnosis() -> None:
    key = PkDecryption.from_key(bytes(range(32)))
    recovery = key.to_recovery_key()
    igs = olm.InboundGroupSession(olm.OutboundGroupSession().session_key)
    plaintext = json.dumps({"algorithm": MEGOLM, "sender_key": encode_public(bytes(32)),
                            "sender_claimed_keys": {}, "forwarding_curve25519_key_chain": [],
                            "session_key": igs.export_session(0)})
    sealed = olm.pk.PkEncryption(key.public_key.to_base64()).encrypt(plaintext)
    entry = {"first_message_index": 0, "forwarded_count": 0, "is_verified": False,
             "session_data": {"ephemeral": sealed.ephemeral_key, "ciphertext":
                              sealed.ciphertext, "mac": sealed.mac}}
    stdin = json.dumps(entry).encode()
    fields = _json(olmpy("inspect", "--json", stdin=stdin))["fields"]
    assert fields["ephemeral"] == sealed.ephemeral_key and fields["is_verified"] is False
    ok = olmpy("inspect", "--json", "--recovery-key-env", "RK", stdin=stdin, RK=recovery)
    assert ok.code == 0 and _json(ok)["diagnosis"]["session_id"] == igs.id
    assert not ok.shows(recovery) and not ok.shows(igs.export_session(0)[8:60])
    other = encode_recovery_key(bytes(range(1, 33)))
    wrong = olmpy("inspect", "--recovery-key-env", "RK", stdin=stdin, RK=other)
    assert wrong.code == 3 and "diagnosis: bad MAC" in wrong.text()
    assert "another key" in wrong.text() and not wrong.shows(other)


def test_secret_and_attachment_diagnosis(tmp_path: Path) -> None:
    ssss = SecretStorageKey.generate()
    content = ssss.secret_event_content("m.cross_signing.master", "very secret value")
    stdin = json.dumps(content).encode()
    fields = _json(olmpy("inspect", "--json", stdin=stdin))["fields"]
    assert fields["key_ids"] == [ssss.key_id]
    rk = ssss.to_recovery_key()
    ok = olmpy("inspect", "--name", "m.cross_signing.master", "--recovery-key-env", "RK",
               stdin=stdin, RK=rk)
    assert ok.code == 0 and "diagnosis: decrypts" in ok.text()
    assert not ok.shows("very secret value") and not ok.shows(rk)
    wrong = olmpy("inspect", "--name", "m.other", "--recovery-key-env", "RK", stdin=stdin,
                  RK=rk)
    assert wrong.code == 3 and "bad MAC" in wrong.text()
    nameless = olmpy("inspect", "--recovery-key-env", "RK", stdin=stdin, RK=rk)
    assert nameless.code == 2 and "--name" in nameless.err

    ciphertext, info = attachments.encrypt(b"attachment body")
    path, info_path = tmp_path / "blob", tmp_path / "file.json"
    path.write_bytes(ciphertext)
    info_path.write_text(json.dumps(info.to_json()))
    ok = olmpy("inspect", info_path, "--ciphertext", path)
    assert ok.code == 0 and "diagnosis: decrypts" in ok.text()
    assert not ok.shows("attachment body") and not ok.shows(info.to_json()["key"]["k"])
    path.write_bytes(ciphertext[:-1])
    bad = olmpy("inspect", info_path, "--ciphertext", path)
    assert bad.code == 3 and "hash mismatch" in bad.text()


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("stdin, flags, expect", [
    (b"AwgCEhAx", (), "parse as none"),                 # a truncated message
    (b"!!garbage??", (), "neither"),
    (b"", (), "nothing"),
    (b'{"hello": 1}', (), "members"),
    (b"{not json", (), "does not parse"),
    (b"\xff\xfe\x00", (), "not UTF-8"),
])
def test_bad_input_is_one_line(stdin: bytes, flags: tuple[str, ...], expect: str) -> None:
    result = olmpy("inspect", *flags, stdin=stdin)
    assert result.code == 2 and result.out == b""
    assert len(result.err.strip().splitlines()) == 1 and expect in result.err


def test_wrong_as_and_missing_file(megolm_peer: Any, tmp_path: Path) -> None:
    _, key, msgs = megolm_peer
    wrong = olmpy("inspect", "--as", "olm-message", stdin=msgs[0].encode())
    assert wrong.code == 2 and "--as olm-message: expected an Olm normal message" in wrong.err
    as_json = olmpy("inspect", "--as", "secret", stdin=msgs[0].encode())
    assert as_json.code == 2 and "got base64 text" in as_json.err
    given = olmpy("inspect", "--as", "megolm-message", stdin=msgs[0].encode())
    assert given.code == 0 and "(given with --as)" in given.text()
    missing = olmpy("inspect", tmp_path / "absent.json")
    assert missing.code == 2 and "No such file" in missing.err
    truncated = olmpy("inspect", stdin=msgs[0][:-30].encode())
    assert truncated.code == 2 and "Megolm message" in truncated.err
    bad_key = olmpy("inspect", "--session-key-env", "SK", stdin=msgs[0].encode(),
                    SK=key[:-10])
    assert bad_key.code == 2 and not bad_key.shows(key[:-10])


def test_olm_pre_key_from_vodozemac_and_olmpy_pickle(tmp_path: Path) -> None:
    """vodozemac's pre-key message: the identity key is the sender's Curve25519 key and
    the one-time key the one claimed; an olmpy-format account pickle under a raw 32-byte
    key (base64) opens it."""
    from olmpy import Account

    bob = Account.generate()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values())).to_base64()
    alice = vodozemac.Account()
    session = alice.create_outbound_session(
        vodozemac.Curve25519PublicKey.from_base64(bob.curve25519_key.to_base64()),
        vodozemac.Curve25519PublicKey.from_base64(otk))
    kind, body = session.encrypt(PLAIN.encode()).to_parts()
    assert kind == 0
    stdin = encode_public(body).encode()
    fields = _json(olmpy("inspect", "--json", stdin=stdin))["fields"]
    assert fields["identity_key"] == alice.curve25519_key.to_base64()
    assert fields["one_time_key"] == otk and fields["session_id"] == session.session_id
    raw_key = bytes(range(32))
    path = tmp_path / "bob.olmpy"
    path.write_text(bob.pickle(raw_key))
    result = olmpy("inspect", "--json", "--account", path, "--pickle-key-env", "PK",
                   stdin=stdin, PK=encode_public(raw_key))
    verdict = _json(result)["diagnosis"]
    assert result.code == 0 and verdict["session_id"] == session.session_id
    assert not result.shows(PLAIN) and not result.shows(encode_public(raw_key))

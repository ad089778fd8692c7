"""olmpy.testing.device.Device without a server (the test plays the relay), the hs-check
report logic, the fault proxy's rewriting, and the doctests of both modules."""

from __future__ import annotations

import copy
import doctest
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import olmpy
from olmpy import backup
from olmpy.device_keys import (
    KeyObjectError,
    verify_device_signed_by_self_signing_key,
    verify_user_signed_by_user_signing_key,
)
from olmpy.errors import DecryptionError, SignatureError, UsageError
from olmpy.olm import OlmPayloadMismatchError
from olmpy.signed_json import PkSigning, sign_json, signing_payload, verify_json
from olmpy.testing import device as device_module
from olmpy.testing import hs_check
from olmpy.testing.device import Device, RoomKeyInfo, ServerResponseError, send_to_device_path

ROOM = "!room:example.org"
CLIENTS = Path(__file__).resolve().parent / "clients"


def query_of(*devices: Device) -> dict[str, Any]:
    """The /keys/query response a server gives for the devices' uploaded keys."""
    out: dict[str, Any] = {"device_keys": {}}
    for d in devices:
        assert d.uploaded_device_keys is not None
        served = dict(d.uploaded_device_keys, unsigned={"device_display_name": "x"})
        out["device_keys"].setdefault(d.user_id, {})[d.device_id] = served
    return out


def pair() -> tuple[Device, Device, dict[str, Any]]:
    """Alice and Bob who know each other's keys; Alice holds an Olm session to Bob."""
    alice, bob = Device("@alice:ex.org", "ALICE"), Device("@bob:ex.org", "BOB")
    alice.keys_upload_body()
    body = bob.keys_upload_body(one_time_keys=2, fallback_key=True)
    bob.receive_keys_upload({"one_time_key_counts": {"signed_curve25519": 2}})
    alice.receive_keys_query(query_of(bob), strict=True)
    bob.receive_keys_query(query_of(alice), strict=True)
    key_id = sorted(body["one_time_keys"])[0]
    alice.receive_keys_claim({"one_time_keys": {bob.user_id: {bob.device_id: {
        key_id: body["one_time_keys"][key_id]}}}})
    return alice, bob, body


def to_device_event(sender: Device, body: dict[str, Any], to: Device) -> dict[str, Any]:
    return {"type": "m.room.encrypted", "sender": sender.user_id,
            "content": body["messages"][to.user_id][to.device_id]}


# --- upload -----------------------------------------------------------------------------


def test_upload_body_keys_are_signed_and_published_once() -> None:
    dev = Device("@a:ex.org", "DEV")
    body = dev.keys_upload_body(one_time_keys=3, fallback_key=True,
                                extra_device_fields={"org.example.extra": [1, "x"]})
    keys = body["device_keys"]
    assert keys["org.example.extra"] == [1, "x"]
    verify_json(keys, dev.user_id, dev.key_id, dev.ed25519_key)
    assert len(body["one_time_keys"]) == 3
    ((fb_id, fb),) = body["fallback_keys"].items()
    assert fb["fallback"] is True and fb_id.startswith("signed_curve25519:")
    for obj in [*body["one_time_keys"].values(), fb]:
        verify_json(obj, dev.user_id, dev.key_id, dev.ed25519_key)
    assert dev.receive_keys_upload({"one_time_key_counts": {"signed_curve25519": 3}}) == {
        "signed_curve25519": 3}
    again = dev.keys_upload_body()
    assert again == {}  # nothing unpublished, device keys already sent
    with pytest.raises(ServerResponseError, match="one_time_key_counts"):
        dev.receive_keys_upload({})
    with pytest.raises(ServerResponseError, match="non-negative integer"):
        dev.receive_keys_upload({"one_time_key_counts": {"signed_curve25519": "3"}})
    with pytest.raises(UsageError, match="a new name"):
        dev.device_keys({"keys": {}})


def test_uploaded_device_keys_verify_with_python_olm() -> None:
    olm = pytest.importorskip("olm")
    dev = Device("@a:ex.org", "DEV")
    keys = dev.keys_upload_body()["device_keys"]
    signature = keys["signatures"][dev.user_id][dev.key_id]
    olm.ed25519_verify(dev.ed25519_key.to_base64(), signing_payload(keys), signature)
    with pytest.raises(olm.OlmVerifyError):
        olm.ed25519_verify(dev.ed25519_key.to_base64(),
                           signing_payload(dict(keys, device_id="OTHER")), signature)


# --- query ------------------------------------------------------------------------------


def test_query_keeps_good_devices_and_lists_the_refused() -> None:
    alice, bob, carol = (Device(f"@{n}:ex.org", n.upper()) for n in ("alice", "bob", "carol"))
    for d in (alice, bob, carol):
        d.keys_upload_body()
    resp = query_of(bob, carol)
    bad = resp["device_keys"][carol.user_id][carol.device_id]
    sig = bad["signatures"][carol.user_id][carol.key_id]
    bad["signatures"][carol.user_id][carol.key_id] = ("A" if sig[0] != "A" else "B") + sig[1:]
    result = alice.receive_keys_query(resp)
    assert list(result.devices) == [bob.user_id]
    assert result.devices[bob.user_id]["BOB"].ed25519 == bob.ed25519_key
    ((where, err),) = result.rejected
    assert carol.user_id in where and isinstance(err, SignatureError)
    assert carol.user_id in str(err)
    with pytest.raises(SignatureError):
        alice.receive_keys_query(resp, strict=True)
    # listed under another device id
    moved = {"device_keys": {bob.user_id: {"OTHER": bob.uploaded_device_keys}}}
    ((_, err),) = alice.receive_keys_query(moved).rejected
    assert isinstance(err, KeyObjectError) and "OTHER" in str(err)
    # a known device whose Ed25519 key changes
    impostor = Device(bob.user_id, bob.device_id)
    impostor.keys_upload_body()
    ((_, err),) = alice.receive_keys_query(query_of(impostor)).rejected
    assert alice.device(bob.user_id, bob.device_id).ed25519 == bob.ed25519_key
    with pytest.raises(UsageError, match="seen in a /keys/query"):
        alice.device("@nobody:ex.org", "X")
    with pytest.raises(ServerResponseError, match="JSON object"):
        alice.receive_keys_query({"device_keys": []})
    assert alice.keys_query_body([bob.user_id]) == {"device_keys": {bob.user_id: []}}


def test_cross_signing_bodies_and_query() -> None:
    alice, bob = Device("@alice:ex.org", "ALICE"), Device("@bob:ex.org", "BOB")
    alice.keys_upload_body()
    bob.keys_upload_body()
    upload = alice.cross_signing_upload_body(auth={"type": "m.login.password"})
    assert upload["auth"] == {"type": "m.login.password"}
    served = {
        "master_keys": {alice.user_id: upload["master_key"]},
        "self_signing_keys": {alice.user_id: upload["self_signing_key"]},
        "user_signing_keys": {alice.user_id: upload["user_signing_key"]},
    }
    result = bob.receive_keys_query(served)
    assert result.rejected == []
    assert set(result.cross_signing[alice.user_id]) == {"master", "self_signing", "user_signing"}
    forged = copy.deepcopy(served)
    forged["self_signing_keys"][alice.user_id] = sign_json(
        {k: v for k, v in upload["self_signing_key"].items() if k != "signatures"},
        alice.user_id, next(iter(upload["master_key"]["keys"])), PkSigning.generate())
    ((where, err),) = bob.receive_keys_query(forged).rejected
    assert "self_signing_keys" in where and isinstance(err, SignatureError)
    orphan = {"self_signing_keys": {alice.user_id: upload["self_signing_key"]}}
    ((_, err),) = Device("@c:ex.org", "C").receive_keys_query(orphan).rejected
    assert isinstance(err, ServerResponseError) and "master" in str(err)
    # signatures/upload bodies
    sigs = alice.self_signature_upload_body()[alice.user_id]
    assert alice.cross_signing is not None
    verify_device_signed_by_self_signing_key(
        sigs[alice.device_id], alice.cross_signing.self_signing_key(), alice.device_id)
    ((master_id, master),) = [(k, v) for k, v in sigs.items() if k != alice.device_id]
    verify_json(master, alice.user_id, alice.key_id, alice.ed25519_key)
    assert master["keys"] == {f"ed25519:{master_id}": master_id}
    bob.cross_signing_upload_body()
    bob.receive_keys_query(served)
    ((other,),) = [list(v.values()) for v in bob.user_signature_upload_body(
        alice.user_id).values()]
    assert bob.cross_signing is not None
    verify_user_signed_by_user_signing_key(other, bob.cross_signing.user_signing_key())
    with pytest.raises(UsageError, match="cross_signing_upload_body"):
        Device("@d:ex.org", "D").self_signature_upload_body()


# --- claim, Olm to-device ---------------------------------------------------------------


def test_claim_checks_signatures_and_devices() -> None:
    alice, bob = Device("@alice:ex.org", "ALICE"), Device("@bob:ex.org", "BOB")
    body = bob.keys_upload_body(one_time_keys=1, fallback_key=True)
    alice.keys_upload_body()
    claim_body = alice.keys_claim_body([(bob.user_id, bob.device_id)])
    assert claim_body == {"one_time_keys": {bob.user_id: {"BOB": "signed_curve25519"}}}
    resp = {"one_time_keys": {bob.user_id: {bob.device_id: body["fallback_keys"]}}}
    with pytest.raises(ServerResponseError, match="unknown device"):
        alice.receive_keys_claim(resp)
    alice.receive_keys_query(query_of(bob), strict=True)
    ((claimed,),) = [list(alice.receive_keys_claim(resp, create_sessions=False).values())]
    assert claimed.fallback and not alice.has_olm_session(bob.user_id, bob.device_id)
    ((key_id, obj),) = body["one_time_keys"].items()
    tampered = dict(obj, key=next(iter(body["fallback_keys"].values()))["key"])
    with pytest.raises(SignatureError, match=bob.user_id):
        alice.receive_keys_claim({"one_time_keys": {bob.user_id: {bob.device_id: {
            key_id: tampered}}}})
    two = {"one_time_keys": {bob.user_id: {bob.device_id: {**body["one_time_keys"],
                                                          **body["fallback_keys"]}}}}
    with pytest.raises(ServerResponseError, match="one key"):
        alice.receive_keys_claim(two)
    alice.receive_keys_claim({"one_time_keys": {bob.user_id: {bob.device_id: {key_id: obj}}}})
    assert alice.has_olm_session(bob.user_id, bob.device_id)


def test_room_key_over_olm_then_megolm_both_ways() -> None:
    alice, bob, _ = pair()
    body = alice.share_room_key(ROOM, [(bob.user_id, bob.device_id)])
    content = body["messages"][bob.user_id][bob.device_id]
    assert content["algorithm"] == "m.olm.v1.curve25519-aes-sha2"
    assert content["sender_key"] == alice.curve25519_key.to_base64()
    ((recipient_key, entry),) = content["ciphertext"].items()
    assert recipient_key == bob.curve25519_key.to_base64() and entry["type"] == 0
    sync = bob.receive_sync({
        "next_batch": "s1", "to_device": {"events": [
            to_device_event(alice, body, bob), {"type": "m.dummy", "sender": "x", "content": {}}]},
        "device_lists": {"changed": [alice.user_id], "left": ["@gone:ex.org"]},
        "device_one_time_keys_count": {"signed_curve25519": 1},
        "device_unused_fallback_key_types": ["signed_curve25519"],
    })
    assert sync.failures == [] and sync.next_batch == "s1" == bob.next_batch
    ((event,),) = [sync.to_device]
    assert event.type == "m.room_key" and event.payload.sender_ed25519_checked
    assert event.payload.fields["recipient_keys"]["ed25519"] == bob.ed25519_key.to_base64()
    assert [e["type"] for e in sync.plain_to_device] == ["m.dummy"]
    assert sync.device_lists_changed == [alice.user_id] and "@gone:ex.org" in bob.device_lists_left
    assert sync.one_time_key_counts == {"signed_curve25519": 1}
    assert sync.unused_fallback_key_types == ["signed_curve25519"]
    # Bob answers on the session Alice's pre-key message opened: a normal message (type 1)
    reply = bob.encrypt_to_device("m.dummy", {"n": 1}, [(alice.user_id, alice.device_id)])
    ((entry,),) = [list(reply["messages"][alice.user_id]["ALICE"]["ciphertext"].values())]
    got = alice.decrypt_to_device(to_device_event(bob, reply, alice))
    assert (got.type, got.content, entry["type"]) == ("m.dummy", {"n": 1}, 1)
    again = alice.encrypt_to_device("m.dummy", {"n": 2}, [(bob.user_id, bob.device_id)])
    assert bob.decrypt_to_device(to_device_event(alice, again, bob)).content == {"n": 2}
    # Megolm room events, in a sync
    content = alice.encrypt_room_event(ROOM, "m.room.message", {"body": "hi"})
    assert content["session_id"] == alice.outbound_session(ROOM).session_id
    room_sync = bob.receive_sync({"next_batch": "s2", "rooms": {"join": {ROOM: {"timeline": {
        "events": [{"type": "m.room.encrypted", "sender": alice.user_id, "event_id": "$e",
                    "content": content},
                   {"type": "m.room.message", "content": {"body": "plain"}}]}}}}})
    ((ev,),) = [room_sync.room_events]
    assert (ev.event_id, ev.sender, ev.type, ev.content, ev.message_index) == (
        "$e", alice.user_id, "m.room.message", {"body": "hi"}, 0)
    # a key filed under another room is unknown there; filed there too (a server or peer
    # replaying the event into another room), the plaintext's room_id gives it away
    with pytest.raises(DecryptionError, match="known session"):
        bob.decrypt_room_event("!other:ex.org", {"sender": alice.user_id, "content": content})
    held = bob.room_keys[(ROOM, content["session_id"])]
    bob.add_room_key(RoomKeyInfo("!other:ex.org", held.session, held.sender_key,
                                 held.sender_ed25519))
    with pytest.raises(DecryptionError, match="room_id"):
        bob.decrypt_room_event("!other:ex.org", {"sender": alice.user_id, "content": content})
    with pytest.raises(DecryptionError, match="known session"):
        Device("@c:ex.org", "C").decrypt_room_event(ROOM, {"content": content, "sender": "x"})


def test_to_device_checks_fail_into_failures() -> None:
    alice, bob, _ = pair()
    body = alice.share_room_key(ROOM, [(bob.user_id, bob.device_id)])
    event = to_device_event(alice, body, bob)
    # the server names another sender than the one inside the payload
    lying = dict(event, sender="@mallory:ex.org")
    sync = bob.receive_sync({"next_batch": "s", "to_device": {"events": [lying]}})
    ((_, err),) = sync.failures
    assert isinstance(err, OlmPayloadMismatchError) and err.field == "sender"
    assert sync.to_device == []
    # meant for someone else: no ciphertext for this device's key
    carol = Device("@carol:ex.org", "CAROL")
    ((_, err),) = carol.receive_sync({"next_batch": "s", "to_device": {"events": [
        event]}}).failures
    assert isinstance(err, DecryptionError) and "this device's key" in str(err)
    with pytest.raises(ServerResponseError, match="algorithm"):
        bob.decrypt_to_device(dict(event, content=dict(event["content"], algorithm="x")))
    alice.receive_keys_query(query_of(carol.keys_upload_body() and carol), strict=True)
    with pytest.raises(UsageError, match="Olm session"):
        alice.encrypt_to_device("m.dummy", {}, [(carol.user_id, carol.device_id)])
    assert Device("@d:ex.org", "D").encrypt_to_device("m.dummy", {}, []) == {"messages": {}}
    with pytest.raises(ServerResponseError, match="next_batch"):
        bob.receive_sync({})


def test_olm_to_device_decrypts_with_python_olm() -> None:
    olm = pytest.importorskip("olm")
    alice = Device("@alice:ex.org", "ALICE")
    peer = olm.Account()
    peer.generate_one_time_keys(1)
    user, device = "@peer:ex.org", "PEER"
    keys = {"user_id": user, "device_id": device,
            "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
            "keys": {f"curve25519:{device}": peer.identity_keys["curve25519"],
                     f"ed25519:{device}": peer.identity_keys["ed25519"]}}
    keys["signatures"] = {user: {f"ed25519:{device}": peer.sign(signing_payload(keys))}}
    ((otk_id, otk),) = peer.one_time_keys["curve25519"].items()
    signed = {"key": otk}
    signed["signatures"] = {user: {f"ed25519:{device}": peer.sign(signing_payload(signed))}}
    alice.receive_keys_query({"device_keys": {user: {device: keys}}}, strict=True)
    alice.receive_keys_claim({"one_time_keys": {user: {device: {
        f"signed_curve25519:{otk_id}": signed}}}})
    body = alice.share_room_key(ROOM, [(user, device)])
    entry = body["messages"][user][device]["ciphertext"][peer.identity_keys["curve25519"]]
    session = olm.InboundSession(peer, olm.OlmPreKeyMessage(entry["body"]),
                                 alice.curve25519_key.to_base64())
    payload = json.loads(session.decrypt(olm.OlmPreKeyMessage(entry["body"])))
    assert payload["type"] == "m.room_key" and payload["recipient"] == user
    assert payload["keys"]["ed25519"] == alice.ed25519_key.to_base64()
    assert payload["recipient_keys"]["ed25519"] == peer.identity_keys["ed25519"]
    assert payload["content"]["session_id"] == alice.outbound_session(ROOM).session_id


def test_olm_to_device_decrypts_with_vodozemac() -> None:
    vodozemac = pytest.importorskip("vodozemac")
    alice = Device("@alice:ex.org", "ALICE")
    peer = vodozemac.Account()
    peer.generate_one_time_keys(1)
    user, device = "@peer:ex.org", "PEER"
    curve, ed = peer.curve25519_key.to_base64(), peer.ed25519_key.to_base64()
    keys = {"user_id": user, "device_id": device, "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
            "keys": {f"curve25519:{device}": curve, f"ed25519:{device}": ed}}
    keys["signatures"] = {user: {f"ed25519:{device}":
                                 peer.sign(signing_payload(keys)).to_base64()}}
    ((otk_id, otk),) = peer.one_time_keys.items()
    signed: dict[str, Any] = {"key": otk.to_base64()}
    signed["signatures"] = {user: {f"ed25519:{device}":
                                   peer.sign(signing_payload(signed)).to_base64()}}
    alice.receive_keys_query({"device_keys": {user: {device: keys}}}, strict=True)
    alice.receive_keys_claim({"one_time_keys": {user: {device: {
        f"signed_curve25519:{otk_id}": signed}}}})
    body = alice.encrypt_to_device("m.dummy", {"hello": "vodozemac"}, [(user, device)])
    entry = body["messages"][user][device]["ciphertext"][curve]
    result = peer.create_inbound_session(
        vodozemac.Curve25519PublicKey.from_base64(alice.curve25519_key.to_base64()),
        vodozemac.PreKeyMessage.from_base64(entry["body"]))
    plaintext = result[1] if isinstance(result, tuple) else result.plaintext
    payload = json.loads(plaintext)
    assert payload["content"] == {"hello": "vodozemac"} and payload["sender"] == alice.user_id


# --- backup -----------------------------------------------------------------------------


def test_backup_bodies_and_restore() -> None:
    alice, bob, _ = pair()
    alice.cross_signing_upload_body()
    body = alice.share_room_key(ROOM, [(bob.user_id, bob.device_id)])
    bob.receive_sync({"next_batch": "s", "to_device": {"events": [
        to_device_event(alice, body, bob)]}})
    message = alice.encrypt_room_event(ROOM, "m.room.message", {"body": "kept"})
    version = alice.backup_version_body()
    assert version["algorithm"] == backup.ALGORITHM
    backup.verify_auth_data(version["auth_data"], alice.user_id, alice.key_id, alice.ed25519_key)
    assert alice.cross_signing is not None
    master = alice.cross_signing.master.public_key
    backup.verify_auth_data(version["auth_data"], alice.user_id, f"ed25519:{master.to_base64()}",
                            master)
    assert bob.backup_version_body()["auth_data"]["signatures"].keys() == {bob.user_id}
    assert alice.receive_backup_version({"version": "7"}) == "7" == alice.backup_version
    keys = bob.backup_keys_body()
    ((sid, entry),) = keys["rooms"][ROOM]["sessions"].items()
    assert entry["is_verified"] is False and entry["forwarded_count"] == 0
    served_version = dict(bob.backup_version_body(), version="1", etag="0", count=1)
    keys = bob.backup_keys_body()  # under the new backup key
    fresh = Device(bob.user_id, "NEWBOB")
    restored = fresh.restore_backup(bob.recovery_key, served_version, keys)
    assert [r.session_id for r in restored] == [sid]
    assert restored[0].sender_key == alice.curve25519_key.to_base64()
    event = {"type": "m.room.encrypted", "sender": alice.user_id, "content": message}
    assert fresh.decrypt_room_event(ROOM, event).content == {"body": "kept"}
    with pytest.raises(olmpy.BackupKeyMismatchError):
        fresh.restore_backup(alice.recovery_key, served_version, keys)
    with pytest.raises(UsageError, match="backup_version_body"):
        Device("@x:ex.org", "X").recovery_key  # noqa: B018


def test_no_secret_in_any_repr() -> None:
    alice, bob, _ = pair()
    alice.cross_signing_upload_body()
    alice.backup_version_body()
    body = alice.share_room_key(ROOM, [(bob.user_id, bob.device_id)])
    sync = bob.receive_sync({"next_batch": "s", "to_device": {"events": [
        to_device_event(alice, body, bob)]}})
    content = alice.encrypt_room_event(ROOM, "m.room.message", {"body": "secret text"})
    decrypted = bob.decrypt_room_event(ROOM, {"sender": alice.user_id, "content": content})
    session_key = alice.outbound_session(ROOM).session_key.to_base64()
    assert alice.cross_signing is not None
    secrets = [alice.recovery_key, session_key, "secret text",
               *(k.seed.hex() for k in (alice.cross_signing.master,
                                        alice.cross_signing.self_signing))]
    shown = " ".join(repr(x) for x in (alice, bob, sync, decrypted, *bob.room_keys.values(),
                                        *alice.room_keys.values(), alice.cross_signing))
    assert "Device(user_id='@alice:ex.org'" in shown
    for secret in secrets:
        assert secret not in shown


def test_send_to_device_path_quotes() -> None:
    assert send_to_device_path("m.room.encrypted", "a/b c") == (
        "/_matrix/client/v3/sendToDevice/m.room.encrypted/a%2Fb%20c")
    with pytest.raises(UsageError):
        Device("", "X")
    with pytest.raises(UsageError):
        Device("@a:b", "X", account="nope")  # type: ignore[arg-type]


# --- hs-check report, without a server --------------------------------------------------


def test_report_exit_codes_and_output() -> None:
    checks = list(hs_check.CHECKS.values())
    passed = [hs_check.Result(c, "PASS", "ok") for c in checks]
    assert hs_check.Report("u", passed).exit_code == 0
    should = next(i for i, c in enumerate(checks) if c.level == "SHOULD")
    must = next(i for i, c in enumerate(checks) if c.level == "MUST")
    soft = list(passed)
    soft[should] = hs_check.Result(checks[should], "FAIL", "x")
    assert hs_check.Report("u", soft).exit_code == 0  # a SHOULD never fails the run
    skipped = list(passed)
    skipped[must] = hs_check.Result(checks[must], "SKIP", "why")
    assert hs_check.Report("u", skipped).exit_code == 2  # a skip is not a pass
    assert hs_check.Report("u", passed[1:]).exit_code == 2  # a missing MUST neither
    failed = list(skipped)
    failed[must + 1] = hs_check.Result(checks[must + 1], "FAIL", "x")
    report = hs_check.Report("u", failed, seconds=1.5)
    assert report.exit_code == 1
    data = report.to_json()
    assert data["exit_code"] == 1 and len(data["checks"]) == len(checks)
    assert {c["spec_url"][:8] for c in data["checks"]} == {"https://"}
    table = report.table()
    assert "FAIL" in table and "SKIP" in table and checks[must].spec in table
    assert hs_check.Report("u", passed, error="could not start").exit_code == 3
    for c in checks:
        assert c.level in ("MUST", "SHOULD") and c.spec and c.title


def test_run_reports_an_unreachable_server() -> None:
    report = hs_check.run("http://127.0.0.1:9", timeout=0.5, retries=0)
    assert report.exit_code == 3 and "no answer" in report.error
    assert hs_check.main(["http://127.0.0.1:9", "--timeout", "0.5", "--json"]) == 3


def test_main_reads_tokens_from_the_environment_only(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("HSCHECK_TEST_TOKEN", raising=False)
    with pytest.raises(SystemExit):
        hs_check.main(["http://127.0.0.1:9", "--registration-token-env", "HSCHECK_TEST_TOKEN"])
    assert "HSCHECK_TEST_TOKEN" in capsys.readouterr().err


# --- the fault proxy's rewriting --------------------------------------------------------


def _load_proxy() -> Any:
    spec = importlib.util.spec_from_file_location("faulty_proxy", CLIENTS / "faulty_proxy.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["faulty_proxy"] = module
    spec.loader.exec_module(module)
    return module


def test_proxy_rewrites() -> None:
    fp = _load_proxy()
    assert set(fp.EXPECTED_FAILS) == set(fp.FAULTS)
    for wanted in fp.EXPECTED_FAILS.values():
        assert wanted <= set(hs_check.CHECKS)
    # claim-twice: the second claim gets the first key again; fallback keys pass
    state = fp.State()
    first = {"one_time_keys": {"@u": {"D": {"signed_curve25519:A": {"key": "a"}}}}}
    second = {"one_time_keys": {"@u": {"D": {"signed_curve25519:B": {"key": "b"}}}}}
    fallback = {"one_time_keys": {"@u": {"D": {"signed_curve25519:F": {"key": "f",
                                                                      "fallback": True}}}}}
    path = "/_matrix/client/v3/keys/claim"
    assert fp.rewrite_response("claim-twice", state, "POST", path, copy.deepcopy(first)) == first
    assert fp.rewrite_response("claim-twice", state, "POST", path, second) == first
    assert fp.rewrite_response("claim-twice", state, "POST", path,
                               copy.deepcopy(fallback)) == fallback
    # strip-signature keeps only the device's own signature
    query = {"device_keys": {"@u": {"D": {"signatures": {"@u": {"ed25519:D": "own",
                                                                "ed25519:SSK": "cs"}}}}}}
    out = fp.rewrite_response("strip-signature", fp.State(), "POST",
                              "/_matrix/client/v3/keys/query", query)
    assert out["device_keys"]["@u"]["D"]["signatures"] == {"@u": {"ed25519:D": "own"}}
    # alter-signature changes the master key's signature of the self-signing key
    cs = {"master_keys": {"@u": {"keys": {"ed25519:M": "M"}}},
          "self_signing_keys": {"@u": {"signatures": {"@u": {"ed25519:M": "AAAA"}}}}}
    out = fp.rewrite_response("alter-signature", fp.State(), "POST",
                              "/_matrix/client/v3/keys/query", cs)
    assert out["self_signing_keys"]["@u"]["signatures"]["@u"]["ed25519:M"] == "BAAA"
    # drop-to-device drops one encrypted event, once
    state = fp.State()
    sync = {"to_device": {"events": [{"type": "m.dummy"}, {"type": "m.room.encrypted"}]}}
    out = fp.rewrite_response("drop-to-device", state, "GET", "/_matrix/client/v3/sync", sync)
    assert out["to_device"]["events"] == [{"type": "m.dummy"}]
    again = {"to_device": {"events": [{"type": "m.room.encrypted"}]}}
    assert fp.rewrite_response("drop-to-device", state, "GET", "/_matrix/client/v3/sync",
                               copy.deepcopy(again)) == again
    # backup-replace serves the last upload whatever the server kept
    state = fp.State()
    single = "/_matrix/client/v3/room_keys/keys/%21r%3Ax/S1"
    fp.observe_request("backup-replace", state, "PUT", single, {"first_message_index": 9})
    fp.observe_request("backup-replace", state, "PUT", "/_matrix/client/v3/room_keys/keys",
                       {"rooms": {"!r:x": {"sessions": {"S2": {"n": 2}}}}})
    assert fp.rewrite_response("backup-replace", state, "GET", single,
                               {"first_message_index": 0}) == {"first_message_index": 9}
    whole = {"rooms": {"!r:x": {"sessions": {"S1": {}, "S2": {}, "S3": {"n": 3}}}}}
    out = fp.rewrite_response("backup-replace", state, "GET",
                              "/_matrix/client/v3/room_keys/keys", whole)
    assert out["rooms"]["!r:x"]["sessions"] == {"S1": {"first_message_index": 9},
                                                "S2": {"n": 2}, "S3": {"n": 3}}
    # other faults leave a response alone
    assert fp.rewrite_response("claim-twice", fp.State(), "GET", single, {"x": 1}) == {"x": 1}
    with pytest.raises(ValueError, match="fault"):
        fp.FaultyProxy("http://127.0.0.1:9", "no-such-fault")


# --- doctests ---------------------------------------------------------------------------


@pytest.mark.parametrize("module", [device_module, hs_check])
def test_module_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_registration_walks_the_token_and_dummy_stages() -> None:
    calls: list[dict[str, Any]] = []
    flows = [{"stages": ["m.login.email.identity"]},
             {"stages": ["m.login.registration_token", "m.login.dummy"]}]

    class FakeHttp:
        def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
            calls.append(body)
            done = [a["type"] for a in ([c.get("auth") for c in calls if c.get("auth")])]
            if done == ["m.login.registration_token", "m.login.dummy"]:
                return hs_check._Response(200, {"user_id": "@u:x", "device_id": "D",
                                                "access_token": "t"})
            return hs_check._Response(401, {"flows": flows, "session": "S", "completed": done})

    user = hs_check._register(FakeHttp(), "the-token")  # type: ignore[arg-type]
    assert (user.user_id, user.device_id, user.ours) == ("@u:x", "D", True)
    auths = [c["auth"] for c in calls if "auth" in c]
    assert auths[0] == {"type": "m.login.registration_token", "session": "S",
                        "token": "the-token"}
    assert auths[1] == {"type": "m.login.dummy", "session": "S"}
    with pytest.raises(hs_check._Skip, match="cannot do"):
        calls.clear()
        hs_check._register(FakeHttp(), None)  # type: ignore[arg-type]

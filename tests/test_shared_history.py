"""The shared-history flag (MSC3061) under its three names, in exports, backups and room keys.

The vectors (vectors/shared_history.json) hold one backup entry and one export per name,
each marked shared; the first two backup entries are js-sdk's published test data, the rest
are constructed (see vectors/README.md).  Run against the code before olmpy read all three
names and wrote two (with only the new helper modules copied in), 58 of the 69 cases here
failed; the others check the vectors and the new helpers themselves.
"""

from __future__ import annotations

import base64
import json
from types import ModuleType
from typing import Any

import pytest
from test_device import pair, to_device_event
from vectors_loader import generator, load, params

from olmpy import backup, key_export
from olmpy.errors import UsageError
from olmpy.key_export import ExportedRoomKey
from olmpy.megolm import GroupSession, InboundGroupSession
from olmpy.pk import PkDecryption
from olmpy.room_key_events import forwarded_room_key_content, room_key_content
from olmpy.shared_history import (
    READ_NAMES,
    RUST_SDK,
    SPEC,
    UNSTABLE,
    WRITTEN_NAMES,
    read_shared_history,
    shared_history_fields,
)
from olmpy.testing.device import Device

DOC = load("shared_history.json")
FAST = {"rounds": 1, "allow_low_rounds": True}
PASS = "round trip"


def _key(record: dict[str, Any]) -> PkDecryption:
    return PkDecryption.from_key(base64.b64decode(record["private_key_base64"]))


def _written(plaintext: bytes | str) -> dict[str, Any]:
    doc = json.loads(plaintext)
    return {n: doc[n] for n in READ_NAMES if n in doc}


# --- the vectors: one per name ------------------------------------------------------------


def test_the_vectors_cover_every_name() -> None:
    for section in ("backups", "exports"):
        assert sorted(r["name"] for r in DOC[section]) == sorted(READ_NAMES), section


@pytest.mark.parametrize("record", params(DOC["backups"]))
def test_backup_entry_reads_as_shared(backend: ModuleType, record: dict[str, Any]) -> None:
    room_key = backup.decrypt_session_data(
        _key(record), record["session_data"], session_id=record["session_id"]
    )
    assert room_key.shared_history is record["expected_shared_history"] is True
    assert room_key.to_json() == {
        **{k: v for k, v in json.loads(record["plaintext_by_peers"]).items()
           if k not in ("room_id", "session_id", record["name"])},
        **shared_history_fields(True),
    }


@pytest.mark.parametrize("record", params(DOC["backups"]))
def test_backup_round_trip_keeps_the_flag(backend: ModuleType, record: dict[str, Any]) -> None:
    decryption = _key(record)
    room_key = backup.decrypt_session_data(
        decryption, record["session_data"], session_id=record["session_id"]
    )
    again = backup.encrypt_room_key(decryption.public_key, room_key)
    assert _written(decryption.decrypt(backup.PkMessage.from_json(again))) == {
        SPEC: True, UNSTABLE: True,
    }
    back = backup.decrypt_session_data(decryption, again, session_id=record["session_id"])
    assert back.shared_history is True


@pytest.mark.parametrize("record", params(DOC["exports"]))
def test_export_reads_as_shared(backend: ModuleType, record: dict[str, Any]) -> None:
    (key,) = key_export.import_room_keys(record["armoured"], record["passphrase"])
    assert key.session_id == record["session_id"]
    assert key.shared_history is record["expected_shared_history"] is True
    assert not set(key.extra) & set(READ_NAMES)


@pytest.mark.parametrize("record", params(DOC["exports"]))
def test_export_round_trip_keeps_the_flag(backend: ModuleType, record: dict[str, Any]) -> None:
    keys = key_export.import_room_keys(record["armoured"], record["passphrase"])
    text = key_export.export_room_keys(keys, PASS, **FAST)  # type: ignore[arg-type]
    plaintext = key_export.decrypt_key_file(text, PASS)
    (entry,) = json.loads(plaintext)
    assert _written(json.dumps(entry)) == {SPEC: True, UNSTABLE: True}
    (again,) = key_export.import_room_keys(text, PASS)
    assert again.shared_history is True and again == keys[0]


def test_backup_to_export_and_back_keeps_the_flag(backend: ModuleType) -> None:
    """A rust-sdk-style backup entry restored, exported and backed up again stays shared."""
    (record,) = [r for r in DOC["backups"] if r["name"] == RUST_SDK]
    decryption = _key(record)
    room_key = backup.decrypt_session_data(
        decryption, record["session_data"], session_id=record["session_id"]
    )
    exported = ExportedRoomKey.from_inbound_group_session(
        room_key.session(), "!room:id", room_key.sender_key, room_key.sender_claimed_keys,
        shared_history=room_key.shared_history,
    )
    (imported,) = key_export.import_room_keys(
        key_export.export_room_keys([exported], PASS, **FAST), PASS
    )
    entry = backup.key_backup_data(
        decryption.public_key, imported.to_inbound_group_session(),
        sender_key=imported.sender_key, sender_claimed_keys=imported.sender_claimed_keys,
        shared_history=imported.shared_history,
    )
    restored = backup.decrypt_key_backup_data(decryption, entry, session_id=imported.session_id)
    assert restored.room_key.shared_history is True


def test_generator_reproduces_committed_json() -> None:
    module = generator("generate_shared_history")
    committed = (module.OUTPUT).read_text(encoding="utf-8")
    assert module.render(module.generate()) == committed


# --- the reading rule -----------------------------------------------------------------------


@pytest.mark.parametrize("case", params(DOC["rule_cases"]))
def test_reading_rule_is_the_same_everywhere(backend: ModuleType, case: dict[str, Any]) -> None:
    (record,) = [r for r in DOC["backups"] if r["name"] == SPEC]
    base = json.loads(record["plaintext_by_peers"])
    for name in READ_NAMES:
        base.pop(name, None)
    fields = case["fields"]
    assert read_shared_history(fields) is case["expected"]
    assert backup.BackedUpRoomKey.from_json({**base, **fields}).shared_history is case["expected"]
    doc = {**base, "room_id": "!room:id", "session_id": record["session_id"], **fields}
    key = ExportedRoomKey.from_json(doc)
    assert key.shared_history is case["expected"]
    assert not set(key.extra) & set(READ_NAMES)


def test_read_shared_history_wants_a_mapping() -> None:
    with pytest.raises(UsageError, match="mapping"):
        read_shared_history(["shared_history"])  # type: ignore[arg-type]


def test_written_names_never_include_both_rust_names(backend: ModuleType) -> None:
    """matrix-rust-sdk reads m.shared_history and the MSC name into one serde field and
    rejects an object with both; olmpy never writes such an object, even from one."""
    (record,) = [r for r in DOC["exports"] if r["name"] == RUST_SDK]
    (key,) = key_export.import_room_keys(record["armoured"], record["passphrase"])
    both = {**key.to_json(), RUST_SDK: True, UNSTABLE: True}
    for doc in (key.to_json(), ExportedRoomKey.from_json(both).to_json()):
        assert RUST_SDK not in doc and doc[UNSTABLE] is True and doc[SPEC] is True
    assert set(WRITTEN_NAMES) == {SPEC, UNSTABLE}
    assert shared_history_fields(False) == {SPEC: False, UNSTABLE: False}
    with pytest.raises(UsageError, match="bool"):
        shared_history_fields(1)  # type: ignore[arg-type]


def test_unshared_export_writes_no_flag_and_backup_writes_false(backend: ModuleType) -> None:
    outbound = GroupSession()
    inbound = InboundGroupSession(outbound.session_key)
    sender = Device("@a:example.org", "A").curve25519_key.to_base64()
    key = ExportedRoomKey.from_inbound_group_session(inbound, "!r:example.org", sender)
    assert not set(key.to_json()) & set(READ_NAMES)
    room_key = backup.BackedUpRoomKey.from_session(
        inbound, sender_key=sender, sender_claimed_keys={}
    )
    assert {n: room_key.to_json()[n] for n in WRITTEN_NAMES} == {SPEC: False, UNSTABLE: False}  # type: ignore[literal-required]


# --- room keys ------------------------------------------------------------------------------


def test_room_key_content_writes_both_names(backend: ModuleType) -> None:
    outbound = GroupSession()
    content = room_key_content("!r:example.org", outbound, shared_history=True)
    assert _written(json.dumps(content)) == {SPEC: True, UNSTABLE: True}
    assert content["session_id"] == outbound.session_id
    assert InboundGroupSession(content["session_key"]).session_id == outbound.session_id
    assert read_shared_history(room_key_content("!r:x", outbound.session_key)) is False
    with pytest.raises(UsageError):
        room_key_content("!r:x", "key")  # type: ignore[arg-type]


def test_forwarded_room_key_content_keeps_the_flag(backend: ModuleType) -> None:
    (record,) = [r for r in DOC["exports"] if r["name"] == UNSTABLE]
    (key,) = key_export.import_room_keys(record["armoured"], record["passphrase"])
    content = forwarded_room_key_content(key)
    assert _written(json.dumps(content)) == {SPEC: True, UNSTABLE: True}
    assert content["sender_claimed_ed25519_key"] == key.sender_claimed_keys["ed25519"]
    assert content["session_key"] == key.session_key.to_base64()
    bare = ExportedRoomKey(key.room_id, key.sender_key, key.session_id, key.session_key)
    with pytest.raises(UsageError, match="ed25519"):
        forwarded_room_key_content(bare)


@pytest.mark.parametrize("name", READ_NAMES)
def test_device_keeps_the_flag_of_an_m_room_key(backend: ModuleType, name: str) -> None:
    """An m.room_key marked shared under any name stays shared through the device's backup."""
    alice, bob, _ = pair()
    room = "!r:example.org"
    content = {k: v for k, v in alice.room_key_content(room).items() if k not in READ_NAMES}
    content[name] = True
    body = alice.encrypt_to_device("m.room_key", content, [(bob.user_id, bob.device_id)])
    bob.decrypt_to_device(to_device_event(alice, body, bob))
    assert bob.room_keys[(room, content["session_id"])].shared_history is True
    version = dict(bob.backup_version_body(), version="1")
    keys = bob.backup_keys_body()
    ((entry,),) = [list(r["sessions"].values()) for r in keys["rooms"].values()]
    plaintext = PkDecryption.from_recovery_key(bob.recovery_key).decrypt(
        backup.PkMessage.from_json(entry["session_data"])
    )
    assert _written(plaintext) == {SPEC: True, UNSTABLE: True}
    restored = Device(bob.user_id, "BOB2").restore_backup(bob.recovery_key, version, keys)
    assert [r.shared_history for r in restored] == [True]
    # and the device's own m.room_key for a session it holds as shared says so
    alice.room_keys[(room, content["session_id"])].shared_history = True
    assert _written(json.dumps(alice.room_key_content(room))) == {SPEC: True, UNSTABLE: True}

"""Server-side key backup (olmpy.backup) against published and peer-made backups.

Ground truth (vectors/pk.json): matrix-js-sdk's backup test data (decryption key, signed
auth_data, a KeyBackupData entry, the Megolm session inside it and an event encrypted
with that session), matrix-rust-sdk's backup entry, and entries written by libolm and
vodozemac for their own Megolm sessions.  The live round trips with python-olm and
vodozemac are in tests/interop/test_pk_interop.py.
"""

from __future__ import annotations

import base64
import json
import re
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vectors_loader import load, unhex

import olmpy
from olmpy.backup import (
    ALGORITHM,
    BackedUpRoomKey,
    BackupDataError,
    BackupKeyMismatchError,
    auth_data_public_key,
    backup_key_matches,
    check_backup_key,
    decrypt_key_backup_data,
    decrypt_session_data,
    encrypt_room_key,
    encrypt_session,
    key_backup_data,
    make_auth_data,
    make_backup_info,
    sign_auth_data,
    verify_auth_data,
)
from olmpy.errors import (
    DecodeError,
    DecryptionError,
    KeyDecodeError,
    MacError,
    MessageDecodeError,
    OlmpyError,
    SignatureError,
    UsageError,
)
from olmpy.megolm import ExportedSessionKey
from olmpy.pk import PkDecryption, PkEncryption, PkMessage
from olmpy.signed_json import PkSigning, canonical_json

PK = load("pk.json")
JS = next(r for r in PK["published_backups"] if r["id"] == "matrix-js-sdk")
RUST = next(r for r in PK["published_backups"] if r["id"] == "matrix-rust-sdk")
HYPO = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
JS_ID = JS["room_key"]["session_id"]
SENDER = "WimPd2udAU/1S/+YBpPbmr9L+0H5H+BnAVHSwDxlPGc"
CLAIMED = {"ed25519": "Bhbpt6hqMZlSH4sJV7xiEEEiPVeTWz4Vkujl1EMdIPI"}


def _key(record: dict[str, Any]) -> PkDecryption:
    text = record["private_key_base64"].rstrip("=")
    return PkDecryption.from_key(base64.b64decode(text + "=" * (-len(text) % 4)))


# --- published backups --------------------------------------------------------------------


def test_js_sdk_backup_decrypts_to_its_session(backend: ModuleType) -> None:
    """js-sdk's entry yields MEGOLM_SESSION_DATA, whose session decrypts ENCRYPTED_EVENT."""
    result = decrypt_key_backup_data(_key(JS), JS["key_backup_data"], session_id=JS_ID)
    room_key = result.room_key
    expected = JS["room_key"]
    assert room_key.algorithm == expected["algorithm"]
    assert room_key.sender_key == expected["sender_key"]
    assert room_key.sender_claimed_keys == expected["sender_claimed_keys"]
    assert room_key.forwarding_curve25519_key_chain == expected["forwarding_curve25519_key_chain"]
    assert room_key.session_key.to_base64() == expected["session_key"]
    assert room_key.session_id == expected["session_id"]
    assert room_key.shared_history is False
    # The server-visible metadata is reported as stored (js-sdk wrote index 1 for a key at 0).
    assert (result.first_message_index, result.forwarded_count, result.claimed_verified) == (
        1, 0, False
    )
    assert room_key.first_known_index == 0
    session = room_key.session()
    assert not session.created_from_signed_key
    assert session.source is olmpy.SessionSource.BACKUP
    decrypted = session.decrypt(JS["megolm_message"])
    event = json.loads(decrypted.plaintext)
    assert {k: event[k] for k in JS["clear_event"]} == JS["clear_event"]
    assert decrypted.plaintext.decode() == JS["megolm_plaintext_by_libolm"]


def test_rust_sdk_backup_decrypts_like_the_peers(backend: ModuleType) -> None:
    dec = _key(RUST)
    assert dec.public_key.to_base64() == RUST["public_key"]
    plaintext = dec.decrypt(RUST["key_backup_data"]["session_data"])
    assert plaintext.decode() == RUST["plaintext_by_peers"]
    rust_id = ExportedSessionKey(json.loads(plaintext)["session_key"]).session_id
    room_key = decrypt_key_backup_data(dec, RUST["key_backup_data"], session_id=rust_id).room_key
    assert room_key.to_json()["session_key"] == json.loads(plaintext)["session_key"]


def test_js_sdk_auth_data_signature_verifies(backend: ModuleType) -> None:
    info = JS["backup_info"]
    signer = JS["signer"]
    key = verify_auth_data(
        info["auth_data"], signer["user_id"], signer["key_id"], signer["ed25519"]
    )
    assert key.to_base64() == info["auth_data"]["public_key"] == JS["public_key"]
    assert auth_data_public_key(info) == key
    check_backup_key(_key(JS), info)
    check_backup_key(_key(JS), info["auth_data"])
    assert (
        canonical_json({k: v for k, v in info["auth_data"].items() if k != "signatures"})
        == JS["auth_data_canonical_json"].encode()
    )


def test_tampered_auth_data_fails(backend: ModuleType) -> None:
    signer = JS["signer"]
    auth = dict(JS["backup_info"]["auth_data"])
    auth["public_key"] = RUST["public_key"]
    with pytest.raises(SignatureError):
        verify_auth_data(auth, signer["user_id"], signer["key_id"], signer["ed25519"])
    with pytest.raises(SignatureError):
        verify_auth_data(
            JS["backup_info"]["auth_data"], signer["user_id"], "ed25519:other", signer["ed25519"]
        )


def test_backup_key_mismatch(backend: ModuleType) -> None:
    """A recovery key for another backup is refused before any use (clients must check)."""
    assert backup_key_matches(_key(JS), JS["backup_info"])
    assert not backup_key_matches(_key(RUST), JS["backup_info"])
    with pytest.raises(BackupKeyMismatchError, match="hSDwCYkwp1R0i33ctD73Wg2"):
        check_backup_key(_key(RUST), JS["backup_info"])
    assert issubclass(BackupKeyMismatchError, DecryptionError)


def test_rust_key_cannot_open_js_entry(backend: ModuleType) -> None:
    with pytest.raises(MacError):
        decrypt_key_backup_data(_key(RUST), JS["key_backup_data"], session_id=JS_ID)


# --- peer-made backups ----------------------------------------------------------------------


@pytest.mark.parametrize("section", ["libolm_backup", "vodozemac_backup"])
def test_peer_backup_entry_restores_a_working_session(backend: ModuleType, section: str) -> None:
    """A peer's session, backed up by the peer's PkEncryption, decrypts the peer's messages."""
    record = PK[section]
    dec = PkDecryption.from_key(unhex(record["recipient_private_key_hex"]))
    result = decrypt_key_backup_data(
        dec, record["key_backup_data"], session_id=record["session_id"]
    )
    assert result.room_key.to_json() == {
        **json.loads(record["plaintext"]),
        "shared_history": False,
        "org.matrix.msc3061.shared_history": False,
    }
    assert result.room_key.session_id == record["session_id"]
    assert result.first_message_index == result.room_key.first_known_index
    assert result.forwarded_count == len(result.room_key.forwarding_curve25519_key_chain) == 1
    session = result.room_key.session()
    for message in record["messages"]:
        out = session.decrypt(message["ciphertext"])
        assert out == (message["plaintext"].encode(), message["index"])
    if "message_before_first_index" in record:
        with pytest.raises(olmpy.UnknownMessageIndexError):
            session.decrypt(record["message_before_first_index"])


# --- olmpy-made backups ------------------------------------------------------------------


def _session(advance: int = 0) -> tuple[olmpy.GroupSession, olmpy.InboundGroupSession]:
    outbound = olmpy.GroupSession()
    inbound = olmpy.InboundGroupSession(outbound.session_key)
    if advance:
        inbound.advance_to(advance)
    return outbound, inbound


def test_key_backup_data_fields(backend: ModuleType) -> None:
    dec = PkDecryption()
    outbound, inbound = _session(advance=3)
    body = key_backup_data(
        dec.public_key,
        inbound,
        sender_key=SENDER,
        sender_claimed_keys=CLAIMED,
        forwarding_curve25519_key_chain=[SENDER, dec.public_key],
        is_verified=True,
    )
    assert set(body) == {"first_message_index", "forwarded_count", "is_verified", "session_data"}
    assert body["first_message_index"] == 3 and body["forwarded_count"] == 2
    assert body["is_verified"] is True
    assert set(body["session_data"]) == {"ephemeral", "ciphertext", "mac"}
    assert all("=" not in v for v in body["session_data"].values())
    result = decrypt_key_backup_data(dec, body, session_id=inbound.session_id)
    assert result.first_message_index == result.room_key.first_known_index == 3
    assert result.room_key.sender_key == SENDER
    assert result.room_key.forwarding_curve25519_key_chain == [SENDER, dec.public_key.to_base64()]
    plaintext = json.loads(dec.decrypt(body["session_data"]))
    assert set(plaintext) == {
        "algorithm",
        "forwarding_curve25519_key_chain",
        "sender_claimed_keys",
        "sender_key",
        "session_key",
        "shared_history",
        "org.matrix.msc3061.shared_history",
    }
    assert plaintext["session_key"] == inbound.export_at_first_known_index().to_base64()
    for _ in range(3):
        outbound.encrypt(b"skipped")
    restored = result.room_key.session()
    assert restored.decrypt(outbound.encrypt(b"after backup")).plaintext == b"after backup"


def test_encrypt_session_and_room_key_round_trip(backend: ModuleType) -> None:
    dec = PkDecryption()
    _, inbound = _session()
    enc = PkEncryption(dec.public_key)
    data = encrypt_session(
        enc, inbound, sender_key=SENDER, sender_claimed_keys=CLAIMED, shared_history=True
    )
    room_key = decrypt_session_data(dec, data, session_id=inbound.session_id)
    assert room_key.shared_history is True and room_key.session_id == inbound.session_id
    again = decrypt_session_data(
        dec, encrypt_room_key(dec.public_key.to_base64(), room_key), session_id=room_key.session_id
    )
    assert again == room_key


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    claimed=st.dictionaries(_TEXT, _TEXT, max_size=4),
    chain=st.lists(_TEXT, max_size=3),
    sender=_TEXT,
    shared=st.booleans(),
)
def test_room_key_plaintext_is_the_sorted_compact_json(
    backend: ModuleType, claimed: dict[str, str], chain: list[str], sender: str, shared: bool
) -> None:
    """The plaintext encrypt_room_key writes field by field is json.dumps of to_json()
    with sorted keys, compact separators and non-ASCII kept, whatever the strings hold
    (quotes, backslashes, control characters, U+2028, astral characters)."""
    from olmpy.backup import _room_key_json

    _, inbound = _session()
    room_key = BackedUpRoomKey(
        session_key=inbound.export_at_first_known_index(),
        sender_key=sender,
        sender_claimed_keys=claimed,
        forwarding_curve25519_key_chain=chain,
        shared_history=shared,
    )
    expected_text = json.dumps(
        room_key.to_json(), separators=(",", ":"), sort_keys=True, ensure_ascii=False
    )
    assert _room_key_json(room_key) == expected_text
    dec = PkDecryption()
    sent = PkMessage.from_json(encrypt_room_key(dec.public_key, room_key))
    assert dec.decrypt(sent) == expected_text.encode("utf-8")


def test_room_key_repr_hides_the_session_key(backend: ModuleType) -> None:
    room_key = decrypt_key_backup_data(_key(JS), JS["key_backup_data"], session_id=JS_ID).room_key
    assert JS["room_key"]["session_key"] not in repr(room_key)
    assert JS["room_key"]["session_key"][:20] not in str(room_key)


def test_make_backup_info_signed_and_verified(backend: ModuleType) -> None:
    """Signed auth_data verifies with olmpy and with libolm over the canonical JSON."""
    import olm

    dec = PkDecryption()
    account = olmpy.Account()
    info = make_backup_info(dec, user_id="@me:x", key_id="ed25519:DEV", signer=account)
    assert info["algorithm"] == ALGORITHM
    auth = info["auth_data"]
    assert auth["public_key"] == dec.public_key.to_base64()
    verify_auth_data(auth, "@me:x", "ed25519:DEV", account.ed25519_key)
    unsigned = {k: v for k, v in auth.items() if k != "signatures"}
    olm.ed25519_verify(
        account.ed25519_key.to_base64(),
        json.dumps(unsigned, sort_keys=True, separators=(",", ":")),
        auth["signatures"]["@me:x"]["ed25519:DEV"],
    )
    signing = PkSigning(bytes(range(32)))
    signed = sign_auth_data(make_auth_data(dec.public_key), "@me:x", "ed25519:XSK", signing)
    verify_auth_data(signed, "@me:x", "ed25519:XSK", signing.public_key)
    assert make_backup_info(dec) == {"algorithm": ALGORITHM, "auth_data": make_auth_data(dec)}
    with pytest.raises(UsageError):
        make_backup_info(dec, user_id="@me:x")


# --- malformed input ---------------------------------------------------------------------


def _entry(**changes: Any) -> dict[str, Any]:
    body = dict(JS["key_backup_data"])
    body.update(changes)
    return body


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        _entry(first_message_index=-1),
        _entry(first_message_index=2**32),
        _entry(first_message_index="0"),
        _entry(first_message_index=True),
        _entry(forwarded_count=None),
        _entry(is_verified=0),
        _entry(session_data=None),
        _entry(session_data="text"),
        {k: v for k, v in JS["key_backup_data"].items() if k != "is_verified"},
    ],
)
def test_malformed_key_backup_data(backend: ModuleType, body: Any) -> None:
    with pytest.raises(BackupDataError):
        decrypt_key_backup_data(_key(JS), body, session_id=JS_ID)


def _room_key_plaintext(**changes: Any) -> bytes:
    value = dict(JS["room_key"])
    value.update(changes)
    value = {k: v for k, v in value.items() if v is not _DROP}
    return json.dumps(value).encode()


_DROP = object()


@pytest.mark.parametrize(
    ("plaintext", "error"),
    [
        (b"not json", BackupDataError),
        (b"\xff\xfe", BackupDataError),
        (b"[1, 2]", BackupDataError),
        (b"[" * 100_000, BackupDataError),
        (_room_key_plaintext(algorithm="m.megolm.v2.aes-sha2"), BackupDataError),
        (_room_key_plaintext(algorithm=_DROP), BackupDataError),
        (_room_key_plaintext(sender_key=5), BackupDataError),
        (_room_key_plaintext(sender_key="AAAA"), KeyDecodeError),
        (_room_key_plaintext(sender_claimed_keys=[]), BackupDataError),
        (_room_key_plaintext(sender_claimed_keys={"ed25519": 1}), BackupDataError),
        (_room_key_plaintext(forwarding_curve25519_key_chain="x"), BackupDataError),
        (_room_key_plaintext(forwarding_curve25519_key_chain=[1]), BackupDataError),
        (_room_key_plaintext(forwarding_curve25519_key_chain=["k"] * 1001), BackupDataError),
        (_room_key_plaintext(session_key=_DROP), BackupDataError),
        (_room_key_plaintext(session_key="AQAA"), KeyDecodeError),
        (_room_key_plaintext(session_key="Ag" + JS["room_key"]["session_key"][2:]), DecodeError),
    ],
)
def test_malformed_plaintext(backend: ModuleType, plaintext: bytes, error: type[Exception]) -> None:
    """Anyone with the public key can write entries, so every plaintext field is checked."""
    dec = PkDecryption()
    data = PkEncryption(dec.public_key).encrypt(plaintext).to_json()
    with pytest.raises(error):
        decrypt_session_data(dec, data, session_id=JS_ID)


def test_missing_optional_fields_read_as_empty(backend: ModuleType) -> None:
    dec = PkDecryption()
    plaintext = _room_key_plaintext(
        sender_claimed_keys=_DROP, forwarding_curve25519_key_chain=_DROP, shared_history="yes"
    )
    data = PkEncryption(dec.public_key).encrypt(plaintext).to_json()
    room_key = decrypt_session_data(dec, data, session_id=JS_ID)
    assert room_key.sender_claimed_keys == {} and room_key.forwarding_curve25519_key_chain == []
    assert room_key.shared_history is False


@pytest.mark.parametrize(
    "value",
    [None, {}, {"public_key": 1}, {"public_key": "AAAA"}, {"algorithm": "other", "auth_data": {}}],
)
def test_malformed_auth_data(value: Any) -> None:
    with pytest.raises(DecodeError):
        auth_data_public_key(value)


def test_usage_errors(backend: ModuleType) -> None:
    dec = PkDecryption()
    _, inbound = _session()
    with pytest.raises(UsageError):
        decrypt_session_data(dec.key, JS["key_backup_data"]["session_data"], session_id=JS_ID)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        encrypt_session(dec.public_key, "session", sender_key=SENDER, sender_claimed_keys={})  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        encrypt_session(dec.public_key, inbound, sender_key=SENDER, sender_claimed_keys=[])  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        encrypt_session(
            dec.public_key,
            inbound,
            sender_key=SENDER,
            sender_claimed_keys={},
            forwarding_curve25519_key_chain=SENDER,  # a str, not a list
        )
    with pytest.raises(KeyDecodeError):
        encrypt_session(dec.public_key, inbound, sender_key="AAAA", sender_claimed_keys={})
    with pytest.raises(UsageError):
        key_backup_data(
            dec.public_key,
            inbound,
            sender_key=SENDER,
            sender_claimed_keys={},
            is_verified=1,  # type: ignore[arg-type]
        )
    with pytest.raises(UsageError):
        encrypt_room_key(dec.public_key, {"session_key": "x"})  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        backup_key_matches(dec.key, JS["backup_info"])  # type: ignore[arg-type]


def _nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "body",
    [
        _entry(first_message_index=10**5000),  # str() of it raises ValueError
        _entry(forwarded_count=-(10**5000)),
        _entry(is_verified=_nested(5000)),  # repr() of it raises RecursionError
    ],
    ids=["huge-index", "huge-negative-count", "deeply-nested-is_verified"],
)
def test_hostile_metadata_gives_backup_data_error(backend: ModuleType, body: Any) -> None:
    with pytest.raises(BackupDataError, match="expected"):
        decrypt_key_backup_data(_key(JS), body, session_id=JS_ID)


@pytest.mark.parametrize(
    "field", ["algorithm", "sender_key", "sender_claimed_keys", "forwarding_curve25519_key_chain"]
)
def test_deeply_nested_plaintext_field_gives_backup_data_error(field: str) -> None:
    """Nesting deeper than repr() can print (from a lenient JSON parser): still typed."""
    value = {**JS["room_key"], field: _nested(5000)}
    if field == "sender_claimed_keys":
        value[field] = {"ed25519": _nested(5000)}
    with pytest.raises(BackupDataError, match="expected"):
        BackedUpRoomKey.from_json(value)


def test_caller_mistakes_in_room_keys_give_usage_errors(backend: ModuleType) -> None:
    """A non-iterable chain, lone surrogates or a bad session key: UsageError, not a crash."""
    dec = PkDecryption()
    _, inbound = _session()
    with pytest.raises(UsageError, match="a list of keys"):
        encrypt_session(
            dec.public_key,
            inbound,
            sender_key=SENDER,
            sender_claimed_keys={},
            forwarding_curve25519_key_chain=5,  # type: ignore[arg-type]
        )
    claimed: Any = {"ed25519": 5}
    with pytest.raises(UsageError, match="got str 'ed25519': int"):
        encrypt_session(dec.public_key, inbound, sender_key=SENDER, sender_claimed_keys=claimed)
    room_key = BackedUpRoomKey.from_session(
        inbound, sender_key=SENDER, sender_claimed_keys={"ed25519": "bad \ud800"}
    )
    with pytest.raises(UsageError, match="UTF-8"):
        encrypt_room_key(dec.public_key, room_key)
    with pytest.raises(UsageError, match="ExportedSessionKey"):  # refused when built
        BackedUpRoomKey("not a key", SENDER, {}, [])  # type: ignore[arg-type]


# --- robustness ------------------------------------------------------------------------------

_FIELD = st.one_of(
    st.none(), st.integers(-3, 3), st.booleans(), st.text(max_size=60), st.binary(max_size=8)
)


@HYPO
@given(
    st.sampled_from(["ephemeral", "ciphertext", "mac"]), st.integers(0, 700), st.integers(1, 120)
)
def test_mutated_session_data_gives_typed_errors(
    backend: ModuleType, field: str, position: int, delta: int
) -> None:
    data = dict(JS["key_backup_data"]["session_data"])
    text = data[field]
    i = position % len(text)
    data[field] = text[:i] + chr((ord(text[i]) + delta) % 128) + text[i + 1 :]
    try:
        room_key = decrypt_session_data(_key(JS), data, session_id=JS_ID)
    except OlmpyError:
        return
    assert isinstance(room_key, BackedUpRoomKey)


@HYPO
@given(st.dictionaries(st.sampled_from(["ephemeral", "ciphertext", "mac", "x"]), _FIELD))
def test_random_session_data_gives_typed_errors(backend: ModuleType, data: dict[str, Any]) -> None:
    with pytest.raises((DecodeError, DecryptionError)):
        decrypt_session_data(_key(JS), data, session_id=JS_ID)


@HYPO
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "algorithm",
                "sender_key",
                "sender_claimed_keys",
                "forwarding_curve25519_key_chain",
                "session_key",
                "shared_history",
                "org.matrix.msc3061.shared_history",
                "m.shared_history",
            ]
        ),
        st.one_of(
            _FIELD.filter(lambda v: not isinstance(v, bytes)),
            st.lists(st.text(max_size=3), max_size=3),
        ),
    )
)
def test_random_plaintext_objects_give_typed_errors(
    backend: ModuleType, value: dict[str, Any]
) -> None:
    with pytest.raises(DecodeError):
        BackedUpRoomKey.from_json(value)


def test_mac_errors_are_not_backup_errors() -> None:
    assert issubclass(BackupDataError, DecodeError) and not issubclass(MacError, DecodeError)
    assert issubclass(MessageDecodeError, DecodeError)


def test_entry_for_another_session_is_refused(backend: ModuleType) -> None:
    """Anyone with the backup's public key can write session_data (the PK MAC covers the
    empty string), so a restore checks the session id the entry was fetched under."""
    from olmpy.backup import BackupSessionMismatchError

    dec = PkDecryption()
    _, first = _session(advance=0)
    _, second = _session(advance=0)
    body = key_backup_data(dec.public_key, first, sender_key=SENDER, sender_claimed_keys=CLAIMED)
    ok = decrypt_key_backup_data(dec, body, session_id=first.session_id)
    assert ok.room_key.session_id == first.session_id
    with pytest.raises(BackupSessionMismatchError, match=re.escape(first.session_id)):
        decrypt_key_backup_data(dec, body, session_id=second.session_id)
    with pytest.raises(BackupSessionMismatchError):
        decrypt_session_data(dec, body["session_data"], session_id=second.session_id)
    with pytest.raises(UsageError):
        decrypt_key_backup_data(dec, body, session_id=5)  # type: ignore[arg-type]


def test_session_id_is_required(backend: ModuleType) -> None:
    """A restore cannot skip the session id check: session_id is keyword-only and has no
    default, and None is a UsageError (a server could otherwise swap entries)."""
    dec = PkDecryption()
    _, session = _session(advance=0)
    body = key_backup_data(dec.public_key, session, sender_key=SENDER, sender_claimed_keys=CLAIMED)
    with pytest.raises(TypeError, match="session_id"):
        decrypt_key_backup_data(dec, body)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="session_id"):
        decrypt_session_data(dec, body["session_data"])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        decrypt_key_backup_data(dec, body, session.session_id)  # type: ignore[misc]
    for call in (
        lambda: decrypt_key_backup_data(dec, body, session_id=None),  # type: ignore[arg-type]
        lambda: decrypt_session_data(dec, body["session_data"], session_id=None),  # type: ignore[arg-type]
    ):
        with pytest.raises(UsageError, match="session_id: expected a str, got NoneType"):
            call()
    assert decrypt_session_data(
        dec, body["session_data"], session_id=session.session_id
    ).session_id == session.session_id


def test_forged_backup_entry_never_shows_verified(backend: ModuleType) -> None:
    """The review's attack: knowing only the backup's public key, anyone can write an entry
    for a session of their own (and claim is_verified).  It restores and decrypts the
    forger's messages, but the session is never verified, in memory or in any pickle."""
    backup = PkDecryption()
    forger = olmpy.GroupSession()
    body = key_backup_data(
        backup.public_key,  # all the forger needs
        olmpy.InboundGroupSession(forger.session_key),
        sender_key=SENDER,
        sender_claimed_keys=CLAIMED,
        is_verified=True,
    )
    entry = decrypt_key_backup_data(backup, body, session_id=forger.session_id)
    assert entry.claimed_verified is True  # the server-visible claim, only reported
    session = entry.room_key.session()
    for text in (b"pay the invoice", b"to this account"):
        assert session.decrypt(forger.encrypt(text)).plaintext == text
        assert not session.created_from_signed_key
    key = bytes(range(32))
    reloaded = olmpy.InboundGroupSession.from_pickle(session.pickle(key), key)
    assert not reloaded.created_from_signed_key
    again = olmpy.InboundGroupSession.from_vodozemac_pickle(session.to_vodozemac_pickle(key), key)
    assert not again.created_from_signed_key
    libolm_body = olmpy.pickle._libolm.open_sealed(session.to_libolm_pickle(key), key, "test")
    assert libolm_body[-1] == 0  # libolm's verified flag, written truthfully

"""The API's inconsistencies, made consistent without breaking vodozemac's names.

Each test pins one finding of the review: the vodozemac spelling keeps working and the
clear alternative exists beside it.
"""

from __future__ import annotations

import base64
import hashlib
import warnings

import pytest

import olmpy
from olmpy import (
    Account,
    AnyOlmMessage,
    Curve25519PublicKey,
    GroupSession,
    InboundGroupSession,
    MegolmMessage,
    Message,
    PkDecryption,
    PkEncryption,
    PkMessage,
    PkSigning,
    PreKeyMessage,
    ReplayGuard,
    UsageError,
)
from olmpy.errors import DecodeError


def _olm_pair() -> tuple[Account, Account, AnyOlmMessage]:
    alice, bob = Account(), Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values()))
    session = alice.create_outbound_session(bob.curve25519_key, otk)
    return alice, bob, session.encrypt(b"hi")


# --- MegolmMessage.message_index: method in vodozemac, property elsewhere ------------------


def test_megolm_message_index_compares_as_an_int_and_still_calls() -> None:
    group = GroupSession()
    group.encrypt(b"zero")
    message = group.encrypt(b"one")
    assert message.message_index() == 1  # vodozemac's method call
    assert message.message_index == 1  # the property form GroupSession uses: no silent False
    assert message.message_index != 0
    assert message.index == 1 and type(message.index) is int
    assert type(message.message_index()) is int
    assert isinstance(message.message_index, int) and not isinstance(message.message_index, bool)
    assert repr(message.message_index) == "1"
    # Round trips keep it.
    parsed = MegolmMessage.from_base64(message.to_base64())
    assert parsed.message_index == parsed.index == 1
    # It works where an int is wanted, e.g. the replay guard.
    session = InboundGroupSession(group.session_key)
    guard = ReplayGuard()
    guard.check(session.session_id, message.message_index, "$event")
    guard.check(session.session_id, 1, "$event")


# --- PreKeyMessage keys: bytes before, key objects beside them -----------------------------


def test_pre_key_message_keys_as_key_objects() -> None:
    alice, bob, message = _olm_pair()
    pre_key = message.to_pre_key()
    assert pre_key is not None
    assert isinstance(pre_key.identity_key, bytes)  # unchanged
    assert pre_key.identity_key_object == alice.curve25519_key
    assert isinstance(pre_key.identity_key_object, Curve25519PublicKey)
    assert pre_key.one_time_key_object in bob.one_time_keys.values()
    assert pre_key.base_key_object.to_bytes() == pre_key.base_key
    # The key object works where the account API takes a key.
    session, plaintext = bob.create_inbound_session(pre_key.identity_key_object, pre_key)
    assert plaintext == b"hi" and session.session_id == pre_key.session_id()


# --- from_json/to_json everywhere; PkMessage's from_dict/to_dict deprecated -----------------


def test_pk_message_json_names_and_deprecated_dict_names() -> None:
    decryption = PkDecryption()
    message = PkEncryption(decryption.public_key).encrypt(b"secret")
    body = message.to_json()
    assert set(body) == {"ciphertext", "mac", "ephemeral"}
    assert PkMessage.from_json(body) == message
    assert decryption.decrypt(body) == b"secret"
    with pytest.warns(DeprecationWarning, match="to_json"):
        assert message.to_dict() == body
    with pytest.warns(DeprecationWarning, match="from_json"):
        assert PkMessage.from_dict(body) == message
    # olmpy's other JSON-carried types already use from_json/to_json.
    from olmpy import attachments, backup, key_export, secret_storage

    for cls in (attachments.EncryptedFileInfo, backup.BackedUpRoomKey,
                key_export.ExportedRoomKey, secret_storage.EncryptedSecret,
                secret_storage.KeyDescription, secret_storage.PassphraseInfo, PkMessage):
        assert callable(cls.from_json) and callable(cls.to_json)


def test_backup_uses_the_json_names_without_warnings() -> None:
    from olmpy.backup import decrypt_session_data, encrypt_session

    decryption = PkDecryption()
    group = GroupSession()
    session = InboundGroupSession(group.session_key)
    alice = Account()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        data = encrypt_session(decryption.public_key, session, sender_key=alice.curve25519_key,
                               sender_claimed_keys={"ed25519": alice.ed25519_key})
        room_key = decrypt_session_data(decryption, data, session_id=session.session_id)
    assert room_key.session_id == session.session_id


# --- Account() beside PkSigning.generate() ------------------------------------------------


def test_generate_on_both_sides() -> None:
    account = Account.generate()
    assert isinstance(account, Account)
    assert account.curve25519_key != Account.generate().curve25519_key
    signing = PkSigning.generate()
    assert isinstance(signing, PkSigning)
    # Account() stays (vodozemac's spelling), and so does PkSigning(seed) (python-olm's).
    assert isinstance(Account(), Account)
    assert PkSigning(signing.seed).public_key == signing.public_key


# --- olmpy.sha256 (base64 text) and the raw digest ----------------------------------------


def test_sha256_names_say_what_they_return() -> None:
    from olmpy.hazmat import primitives

    data = b"the message"
    text = base64.b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")
    assert olmpy.sha256(data) == olmpy.sha256_base64(data) == text
    assert olmpy.sha256("the message") == text  # a str is hashed as UTF-8
    assert primitives.sha256(data) == hashlib.sha256(data).digest()
    assert "base64" in (olmpy.sha256.__doc__ or "")
    assert "hazmat.primitives.sha256" in (olmpy.sha256_base64.__doc__ or "")
    with pytest.raises(UsageError, match="bytes or str"):
        olmpy.sha256(None)  # type: ignore[arg-type]


# --- Message(body: bytes) and AnyOlmMessage validate in __init__ ---------------------------


def test_message_constructors_take_bytes_only_and_parse_at_once() -> None:
    _, _, message = _olm_pair()
    raw = message.to_bytes()
    with pytest.raises(UsageError, match="from_base64"):
        PreKeyMessage(message.to_base64())  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="from_base64"):
        Message("AwogAAAA")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="from_base64"):
        AnyOlmMessage(0, message.to_base64())  # type: ignore[arg-type]
    assert PreKeyMessage.from_base64(message.to_base64()).to_bytes() == raw
    with pytest.raises(DecodeError):
        AnyOlmMessage(1, b"junk")
    with pytest.raises(DecodeError):
        AnyOlmMessage(0, b"junk")
    with pytest.raises(UsageError):
        AnyOlmMessage(True, raw)
    built = AnyOlmMessage(0, raw)
    assert built == message and isinstance(built.parsed(), PreKeyMessage)
    assert AnyOlmMessage.from_parts(0, message.to_base64()) == message


# --- olmpy.types describes the bodies olmpy really builds -----------------------------------


def _conforms(value: object, td: type) -> None:
    """``value`` has every required key of TypedDict ``td`` and no key it does not name."""
    assert isinstance(value, dict), (td.__name__, value)
    required = td.__required_keys__  # type: ignore[attr-defined]
    allowed = required | td.__optional_keys__  # type: ignore[attr-defined]
    assert required <= set(value), (td.__name__, sorted(required - set(value)))
    assert set(value) <= allowed, (td.__name__, sorted(set(value) - allowed))


def test_typeddicts_match_the_bodies_olmpy_builds() -> None:
    from olmpy import attachments, backup, device_keys, key_export, recovery, secret_storage
    from olmpy import types as t

    account = Account()
    account.generate_one_time_keys(1)
    account.generate_fallback_key()
    upload = device_keys.keys_upload_body(account, "@a:example.org", "DEV")
    _conforms(upload, t.KeysUploadBody)
    _conforms(upload["device_keys"], t.DeviceKeys)
    for key in [*upload["one_time_keys"].values(), *upload["fallback_keys"].values()]:
        _conforms(key, t.SignedKey)
    cross = device_keys.CrossSigning.generate("@a:example.org")
    _conforms(cross.upload_body(), t.CrossSigningUploadBody)
    for key in cross.upload_body().values():
        _conforms(key, t.CrossSigningKey)
    _conforms(cross.sign_device(upload["device_keys"]), t.DeviceKeys)

    decryption = PkDecryption()
    group = GroupSession()
    session = InboundGroupSession(group.session_key)
    entry = backup.key_backup_data(decryption.public_key, session,
                                   sender_key=account.curve25519_key,
                                   sender_claimed_keys={"ed25519": account.ed25519_key})
    _conforms(entry, t.KeyBackupData)
    _conforms(entry["session_data"], t.EncryptedSessionData)
    info = backup.make_backup_info(decryption, user_id="@a:example.org",
                                   key_id="ed25519:DEV", signer=account)
    _conforms(info, t.KeyBackupVersionBody)
    _conforms(info["auth_data"], t.KeyBackupAuthData)
    room_key = backup.decrypt_session_data(decryption, entry["session_data"],
                                           session_id=session.session_id)
    _conforms(room_key.to_json(), t.BackedUpSessionData)

    key = bytes(range(32))
    passphrase = secret_storage.PassphraseInfo("salt", 1000)
    description = secret_storage.create_key_description(key, name="n", passphrase=passphrase)
    _conforms(description.to_json(), t.SecretStorageKeyDescription)
    _conforms(passphrase.to_json(), t.PassphraseInfoJson)
    _conforms(recovery.generate_passphrase_info(), t.PassphraseInfoJson)
    storage_key = secret_storage.SecretStorageKey(key, "kid", description)
    content = storage_key.secret_event_content("m.secret", "value")
    _conforms(content, t.SecretEventContent)
    _conforms(content["encrypted"]["kid"], t.SecretStorageEncryptedData)

    exported = key_export.ExportedRoomKey.from_inbound_group_session(
        session, "!r:example.org", account.curve25519_key.to_base64(), shared_history=True)
    _conforms(exported.to_json(), t.ExportedRoomKeyJson)

    _, file_info = attachments.encrypt(b"data")
    encrypted_file = file_info.to_json(url="mxc://example.org/abc")
    _conforms(encrypted_file, t.EncryptedFile)
    _conforms(encrypted_file["key"], t.JsonWebKey)
    _conforms(encrypted_file["hashes"], t.EncryptedFileHashes)

    _conforms(account.to_dehydrated_device(key).device_data(), t.DehydratedDeviceData)

    from olmpy import check_olm_payload, olm_payload

    other = Account()
    payload = olm_payload("m.dummy", {}, sender="@a:example.org", recipient="@b:example.org",
                          sender_ed25519=account.ed25519_key,
                          recipient_ed25519=other.ed25519_key)
    _conforms(payload, t.OlmPayloadJson)
    _conforms(payload["keys"], t.Ed25519Keys)
    _conforms(payload["recipient_keys"], t.Ed25519Keys)
    assert check_olm_payload(payload, sender="@a:example.org",
                             recipient="@b:example.org",
                             recipient_ed25519=other.ed25519_key,
                             sender_ed25519=account.ed25519_key).type == "m.dummy"


def test_literals_name_what_the_runtime_accepts() -> None:
    from typing import get_args

    from olmpy import attachments, backup, device_keys, recovery, sas, secret_storage
    from olmpy import types as t
    from olmpy.pickle import dehydrated

    assert set(get_args(t.MacMethod)) == set(sas._ALIASES)
    established = _established_sas()
    for method in get_args(t.MacMethod):
        tag = established.calculate_mac("input", "info", method)
        established.verify_mac("input", "info", tag, method)
    assert set(get_args(t.KeyAgreementProtocol)) == {sas.KEY_AGREEMENT_HKDF,
                                                     sas.KEY_AGREEMENT_LEGACY}
    assert get_args(t.OlmAlgorithm) == (device_keys.OLM_ALGORITHM,)
    assert get_args(t.MegolmAlgorithm) == (device_keys.MEGOLM_ALGORITHM,)
    assert get_args(t.MegolmAlgorithm) == (backup.MEGOLM_ALGORITHM,)
    assert get_args(t.BackupAlgorithm) == (backup.ALGORITHM,)
    assert get_args(t.SecretStorageAlgorithm) == (secret_storage.ALGORITHM,)
    assert get_args(t.PassphraseAlgorithm) == (recovery.PBKDF2_ALGORITHM,)
    assert get_args(t.DehydratedDeviceAlgorithm) == (dehydrated.ALGORITHM,)
    assert set(get_args(t.AttachmentVersion)) == set(attachments.ACCEPTED_VERSIONS)
    assert set(get_args(t.CrossSigningUsage)) == set(device_keys._USAGES)
    with pytest.raises(UsageError):
        established.calculate_mac("input", "info", "hkdf-hmac-sha256.v3")  # type: ignore[arg-type]


def _established_sas() -> olmpy.EstablishedSas:
    return olmpy.Sas().diffie_hellman(olmpy.Sas().public_key)

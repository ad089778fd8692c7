"""The trust flags renamed to say what they mean, and their deprecated aliases.

``InboundGroupSession.is_verified`` became ``created_from_signed_key`` (it says the session
came from a signed ``m.room_key`` session key, not that the sender is verified), and
``DecryptedKeyBackupData.is_verified`` became ``claimed_verified`` (the backup entry's
unauthenticated claim).  The old names still answer, with the same value, for one minor
release, and warn (SPEC.md sections 6 and 16).  Every test runs on both backends.
"""

from __future__ import annotations

import warnings
from types import ModuleType

import pytest

import olmpy
from olmpy.backup import DecryptedKeyBackupData, decrypt_key_backup_data, key_backup_data
from olmpy.pk import PkDecryption


def _sessions() -> list[olmpy.InboundGroupSession]:
    sender = olmpy.GroupSession()
    signed = olmpy.InboundGroupSession(sender.session_key)
    exported = olmpy.InboundGroupSession.import_session(signed.export_at_first_known_index())
    merged = exported.merge(signed)
    assert merged is not None
    return [signed, exported, merged]


def test_inbound_session_flag_and_alias(backend: ModuleType) -> None:
    signed, exported, merged = _sessions()
    assert (signed.created_from_signed_key, exported.created_from_signed_key) == (True, False)
    assert merged.created_from_signed_key is True
    for session in (signed, exported, merged):
        with pytest.warns(DeprecationWarning, match="use created_from_signed_key") as record:
            old = session.is_verified
        assert old is session.created_from_signed_key
        assert record[0].filename == __file__  # stacklevel points at the caller
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        signed.created_from_signed_key  # the new name does not warn  # noqa: B018


def test_inbound_session_repr_uses_the_new_name(backend: ModuleType) -> None:
    signed, exported, _ = _sessions()
    assert "created_from_signed_key=True" in repr(signed)
    assert "created_from_signed_key=False" in repr(exported) and "verified" not in repr(exported)


def test_pickles_unchanged_by_the_rename(backend: ModuleType) -> None:
    """The flag is stored where it was: olmpy's extension byte, libolm's flag, vodozemac's
    ``signing_key_verified``; each round trip keeps it."""
    key = bytes(range(32))
    for session in _sessions():
        flag = session.created_from_signed_key
        body = olmpy.pickle.native.open_sealed(session.pickle(key), "inbound_group_session", key)
        assert body[-1] == int(flag)
        back = olmpy.InboundGroupSession.from_pickle(session.pickle(key), key)
        assert back.created_from_signed_key is flag
        vodozemac = olmpy.InboundGroupSession.from_vodozemac_pickle(
            session.to_vodozemac_pickle(key), key
        )
        assert vodozemac.created_from_signed_key is flag


@pytest.mark.parametrize("claim", [True, False])
def test_backup_claim_and_alias(backend: ModuleType, claim: bool) -> None:
    backup = PkDecryption()
    sender = olmpy.GroupSession()
    body = key_backup_data(
        backup.public_key,
        olmpy.InboundGroupSession(sender.session_key),
        sender_key=olmpy.Account().curve25519_key,
        sender_claimed_keys={"ed25519": olmpy.Account().ed25519_key},
        is_verified=claim,
    )
    assert body["is_verified"] is claim  # the wire name is the spec's, unchanged
    entry = decrypt_key_backup_data(backup, body, session_id=sender.session_id)
    assert entry.claimed_verified is claim
    assert entry._fields[-1] == "claimed_verified"
    with pytest.warns(DeprecationWarning, match="use claimed_verified") as record:
        old = entry.is_verified
    assert old is claim and record[0].filename == __file__
    # Tuple unpacking, the positional form, is unchanged.
    _, first, forwarded, claimed = entry
    assert (first, forwarded, claimed) == (0, 0, claim)
    assert isinstance(entry, DecryptedKeyBackupData)
    # The claim is never applied: the restored session is unsigned either way.
    assert entry.room_key.session().created_from_signed_key is False

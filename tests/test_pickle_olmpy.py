"""olmpy's own pickle format (SPEC.md section 12): round trips for every object type on both
backends, fresh nonces, keys and passphrases, and typed PickleErrors for every tampering."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import olmpy
from olmpy import _b64
from olmpy.errors import OlmpyError, PickleError, UsageError

KEY = bytes(range(32))


def _objects() -> dict[str, Any]:
    alice, bob = olmpy.Account(), olmpy.Account()
    alice.generate_one_time_keys(5)
    alice.generate_fallback_key()
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(bob.curve25519_key, next(iter(bob.one_time_keys.values())))
    b, _ = bob.create_inbound_session(alice.curve25519_key, a.encrypt(b"hi"))
    a.decrypt(b.encrypt(b"reply"))
    group = olmpy.GroupSession()
    group.encrypt(b"one")
    inbound = olmpy.InboundGroupSession(group.session_key)
    return {"account": alice, "session": a, "peer": b, "group": group, "inbound": inbound}


def test_round_trips_keep_behaviour(backend: ModuleType) -> None:
    """Every object type survives pickling and behaves exactly as before."""
    o = _objects()
    account = olmpy.Account.from_pickle(o["account"].pickle(KEY), KEY)
    assert account.identity_keys == o["account"].identity_keys
    assert account.one_time_keys.keys() == o["account"].one_time_keys.keys()
    assert account.sign("m") == o["account"].sign("m")
    session = olmpy.Session.from_pickle(o["session"].pickle(KEY), KEY)
    assert o["peer"].decrypt(session.encrypt(b"after pickle")) == b"after pickle"
    assert session.decrypt(o["peer"].encrypt(b"answer")) == b"answer"
    group = olmpy.GroupSession.from_pickle_with_passphrase(
        o["group"].pickle_with_passphrase("pass phrase"), "pass phrase"
    )
    inbound = olmpy.InboundGroupSession.from_pickle(o["inbound"].pickle(KEY), KEY)
    assert inbound.decrypt(group.encrypt(b"two")) == (b"two", 1)
    assert inbound.created_from_signed_key


def test_nonce_is_fresh(backend: ModuleType) -> None:
    """Pickling the same object twice gives different pickles (a random nonce each time)."""
    group = olmpy.GroupSession()
    assert group.pickle(KEY) != group.pickle(KEY)


@pytest.mark.parametrize("kind", ["account", "session", "group", "inbound"])
def test_tampering_and_wrong_keys(backend: ModuleType, kind: str) -> None:
    """Wrong keys, wrong key kinds, truncation, other types and edits are PickleErrors."""
    o = _objects()
    obj = o[kind]
    cls = type(obj)
    pickled = obj.pickle(KEY)
    raw = _b64.decode(pickled, "t")
    cases = {
        "wrong key": (pickled, bytes(32)),
        "short key": (pickled, bytes(31)),
        "truncated": (pickled[:-8], KEY),
        "libolm pickle": (obj.to_libolm_pickle(KEY), KEY),
        "format": (_b64.encode(raw[:5] + b"\x02" + raw[6:]), KEY),
        "kdf": (_b64.encode(raw[:7] + b"\x07" + raw[8:]), KEY),
        "trailing": (_b64.encode(raw + b"\x00"), KEY),
        "garbage": ("not a pickle", KEY),
    }
    for name, (text, key) in cases.items():
        with pytest.raises(PickleError, match="expected"):
            cls.from_pickle(text, key)
            pytest.fail(f"{name} was accepted")
    with pytest.raises(PickleError, match="expected a pickle sealed with a passphrase"):
        cls.from_pickle_with_passphrase(pickled, "passphrase")
    for other in o.values():
        if type(other) is not cls:
            with pytest.raises(PickleError, match="object type"):
                cls.from_pickle(other.pickle(KEY), KEY)


def test_passphrase_pickles_record_their_parameters(backend: ModuleType) -> None:
    """A passphrase pickle needs the passphrase, and absurd scrypt parameters are refused."""
    group = olmpy.GroupSession()
    pickled = group.pickle_with_passphrase("secret words")
    with pytest.raises(PickleError):
        olmpy.GroupSession.from_pickle_with_passphrase(pickled, "other words")
    with pytest.raises(PickleError, match="sealed with a passphrase"):
        olmpy.GroupSession.from_pickle(pickled, KEY)
    raw = bytearray(_b64.decode(pickled, "t"))
    raw[8] = 30  # log2 N far beyond the limit
    with pytest.raises(PickleError, match="scrypt parameters"):
        olmpy.GroupSession.from_pickle_with_passphrase(_b64.encode(bytes(raw)), "secret words")
    with pytest.raises(UsageError):
        group.pickle(b"short key")
    with pytest.raises(UsageError):
        group.pickle_with_passphrase("")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_edit_is_refused(data: st.DataObject) -> None:
    """Changing any byte of a pickle makes loading fail with an olmpy error, never succeed."""
    group = olmpy.GroupSession()
    raw = bytearray(_b64.decode(group.pickle(KEY), "t"))
    pos = data.draw(st.integers(0, len(raw) - 1))
    raw[pos] ^= data.draw(st.integers(1, 255))
    with pytest.raises(OlmpyError):
        olmpy.GroupSession.from_pickle(_b64.encode(bytes(raw)), KEY)


def _sources(sender: olmpy.GroupSession) -> list[olmpy.InboundGroupSession]:
    """One session per SessionSource, plus a verified merge that keeps a forwarded ratchet."""
    signed = olmpy.InboundGroupSession(sender.session_key)
    export = signed.export_at(0)
    assert export is not None
    out = [signed]
    for source in olmpy.SessionSource:
        if source is not olmpy.SessionSource.ROOM_KEY:
            out.append(olmpy.InboundGroupSession.import_session(export, source=source))
    sender.encrypt(b"later")
    merged = olmpy.InboundGroupSession(sender.session_key).merge(out[1])
    assert merged is not None and merged.created_from_signed_key
    assert merged.source is olmpy.SessionSource.FORWARDED
    return [*out, merged]


def test_inbound_pickle_keeps_source_and_verification(backend: ModuleType) -> None:
    """olmpy's pickle keeps where a session came from and whether a signed key verified it,
    in a 3-byte extension after the libolm body (SPEC.md section 12)."""
    from olmpy.pickle import _native as native

    sender = olmpy.GroupSession()
    codes = {"unknown": 0, "room_key": 1, "forwarded": 2, "backup": 3, "export_file": 4}
    for session in _sources(sender):
        cls = olmpy.InboundGroupSession
        for back in (
            cls.from_pickle(session.pickle(KEY), KEY),
            cls.from_pickle_with_passphrase(session.pickle_with_passphrase("pp"), "pp"),
        ):
            assert back.source == session.source
            assert back.created_from_signed_key == session.created_from_signed_key
            assert back.session_id == session.session_id
        body = native.open_sealed(session.pickle(KEY), "inbound_group_session", KEY)
        libolm_body = olmpy.pickle._libolm.open_sealed(session.to_libolm_pickle(KEY), KEY, "t")
        extension = bytes([1, codes[session.source.value], int(session.created_from_signed_key)])
        assert body == libolm_body + extension
        # libolm's flag, written truthfully
        assert libolm_body[-1] == int(session.created_from_signed_key)
        assert back.decrypt(sender.encrypt(b"m")).plaintext == b"m"


def test_inbound_pickle_from_before_the_extension(backend: ModuleType) -> None:
    """An olmpy pickle written before the extension (plaintext = the libolm body alone) still
    loads.  Its flag was set by any decrypt then, so it is libolm's weaker flag: the session
    loads unverified, source UNKNOWN, and re-exports that flag to libolm unchanged."""
    from olmpy.pickle import _native as native

    sender = olmpy.GroupSession()
    signed = olmpy.InboundGroupSession(sender.session_key)
    libolm_text = signed.to_libolm_pickle(KEY)
    body = olmpy.pickle._libolm.open_sealed(libolm_text, KEY, "t")
    old = native.seal(body, "inbound_group_session", KEY)
    loaded = olmpy.InboundGroupSession.from_pickle(old, KEY)
    assert loaded.source is olmpy.SessionSource.UNKNOWN and not loaded.created_from_signed_key
    assert loaded.to_libolm_pickle(KEY) == libolm_text
    assert loaded.decrypt(sender.encrypt(b"still works")).plaintext == b"still works"
    again = olmpy.InboundGroupSession.from_pickle(loaded.pickle(KEY), KEY)
    assert again.source is olmpy.SessionSource.UNKNOWN and not again.created_from_signed_key
    assert again.to_libolm_pickle(KEY) == libolm_text


def test_recorded_olmpy_inbound_pickle_loads_unverified(backend: ModuleType) -> None:
    """vectors/pickles.json's olmpy inbound session predates the extension: it loads with
    its recorded state, unverified and of unknown source."""
    import json
    from pathlib import Path

    doc = json.loads((Path(__file__).parent.parent / "vectors" / "pickles.json").read_text())
    (record,) = [
        r for r in doc["records"]
        if r["format"] == "olmpy" and r["type"] == "inbound_group_session"
        and r["library"] == "olmpy 0.1.0"
    ]
    cls = olmpy.InboundGroupSession
    if "key_hex" in record:
        session = cls.from_pickle(record["pickle"], bytes.fromhex(record["key_hex"]))
    else:
        session = cls.from_pickle_with_passphrase(record["pickle"], record["passphrase"])
    assert session.session_id == record["session_id"]
    assert session.source is olmpy.SessionSource.UNKNOWN and not session.created_from_signed_key


@pytest.mark.parametrize(
    ("extension", "error"),
    [
        (b"\x02\x01\x01", "extension version"),
        (b"\x01\x05\x00", "source"),
        (b"\x01\x01\x02", "flag"),
        (b"\x01\x01", "more bytes"),
        (b"\x01", "more bytes"),
        (b"\x01\x01\x01\x00", "trailing"),
    ],
)
def test_bad_inbound_extension(backend: ModuleType, extension: bytes, error: str) -> None:
    """A malformed extension (authentic, so only a buggy writer could make one) is a
    PickleError naming what was expected."""
    from olmpy.pickle import _native as native

    signed = olmpy.InboundGroupSession(olmpy.GroupSession().session_key)
    body = olmpy.pickle._libolm.open_sealed(signed.to_libolm_pickle(KEY), KEY, "t")
    text = native.seal(body + extension, "inbound_group_session", KEY)
    with pytest.raises(PickleError) as info:
        olmpy.InboundGroupSession.from_pickle(text, KEY)
    assert error in str(info.value) and "expected" in str(info.value)

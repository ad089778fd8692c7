"""libolm pickles (SPEC.md section 11): live migration with python-olm and vodozemac in both
directions for every object type olmpy has, byte-identical re-export, and typed PickleErrors
for every kind of bad pickle."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac
from hypothesis import given, settings
from hypothesis import strategies as st

import olmpy
from olmpy.errors import OlmpyError, PickleError

KEY = "a passphrase"
VKEY = bytes(range(32))


def _olm_conversation() -> tuple[Any, Any, Any, Any, Any]:
    alice, bob = olm.Account(), olm.Account()
    alice.generate_one_time_keys(2)
    alice.generate_fallback_key()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys["curve25519"].values()))
    a = olm.OutboundSession(alice, bob.identity_keys["curve25519"], otk)
    first = a.encrypt("hello")
    b = olm.InboundSession(bob, first, alice.identity_keys["curve25519"])
    b.decrypt(first)
    for i in range(2):
        a.decrypt(b.encrypt(f"r{i}"))
        b.decrypt(a.encrypt(f"a{i}"))
    held = b.encrypt("held back")
    a.decrypt(b.encrypt("after held"))
    return alice, a, b, held, bob


def test_account_round_trip_with_python_olm(backend: ModuleType) -> None:
    """A python-olm account loads in olmpy with the same keys and signatures, and goes back."""
    alice, *_ = _olm_conversation()
    pickled = alice.pickle(KEY).decode()
    account = olmpy.Account.from_libolm_pickle(pickled, KEY)
    assert account.identity_keys == alice.identity_keys
    assert account.sign("message").to_base64() == alice.sign("message")
    assert {k: v.to_base64() for k, v in account.one_time_keys.items()} == (
        alice.one_time_keys["curve25519"]
    )
    assert account.to_libolm_pickle(KEY) == pickled
    back = olm.Account.from_pickle(account.to_libolm_pickle("other").encode(), "other")
    assert back.identity_keys == alice.identity_keys and back.sign("x") == alice.sign("x")


def test_session_migrates_and_keeps_talking(backend: ModuleType) -> None:
    """An Olm session moves python-olm -> olmpy -> python-olm mid-conversation, skipped keys
    included, and both sides keep decrypting."""
    _, a, b, held, _ = _olm_conversation()
    pickled = a.pickle(KEY).decode()
    session = olmpy.Session.from_libolm_pickle(pickled, KEY)
    assert session.to_libolm_pickle(KEY) == pickled
    assert session.session_id == a.id
    assert session.decrypt(olmpy.AnyOlmMessage.from_parts(1, held.ciphertext)) == b"held back"
    assert b.decrypt(olm.OlmMessage(session.encrypt(b"olmpy speaks").to_base64())) == (
        "olmpy speaks"
    )
    reply = b.encrypt("to olmpy")
    assert session.decrypt(olmpy.AnyOlmMessage.from_parts(1, reply.ciphertext)) == b"to olmpy"
    back = olm.Session.from_pickle(session.to_libolm_pickle("k2").encode(), "k2")
    assert b.decrypt(back.encrypt("libolm again")) == "libolm again"
    assert back.decrypt(b.encrypt("and back")) == "and back"


def test_olmpy_session_loads_in_vodozemac(backend: ModuleType) -> None:
    """olmpy's libolm export of an Account and a Session loads in vodozemac and talks."""
    alice, bob = olmpy.Account(), olmpy.Account()
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(bob.curve25519_key, next(iter(bob.one_time_keys.values())))
    b, _ = bob.create_inbound_session(alice.curve25519_key, a.encrypt(b"hi"))
    a.decrypt(b.encrypt(b"reply"))
    key = bytes(range(32))
    v_account = vodozemac.Account.from_libolm_pickle(alice.to_libolm_pickle(key), key)
    assert v_account.curve25519_key.to_base64() == alice.curve25519_key.to_base64()
    v_session = vodozemac.Session.from_libolm_pickle(a.to_libolm_pickle(key), key)
    out = v_session.encrypt(b"from vodozemac")
    assert b.decrypt(olmpy.AnyOlmMessage.from_parts(*out.to_parts())) == b"from vodozemac"
    reply = b.encrypt(b"to vodozemac")
    assert v_session.decrypt(vodozemac.AnyOlmMessage.from_parts(*reply.to_parts())) == (
        b"to vodozemac"
    )


def test_megolm_sessions_migrate(backend: ModuleType) -> None:
    """Outbound and inbound group sessions move between python-olm and olmpy both ways,
    and vodozemac loads olmpy's inbound export."""
    outbound = olm.OutboundGroupSession()
    outbound.encrypt("one")
    inbound = olm.InboundGroupSession(outbound.session_key)
    pickled = outbound.pickle(KEY).decode()
    group = olmpy.GroupSession.from_libolm_pickle(pickled, KEY)
    assert group.to_libolm_pickle(KEY) == pickled
    assert inbound.decrypt(group.encrypt(b"two").to_base64()) == ("two", 1)
    again = olm.OutboundGroupSession.from_pickle(group.to_libolm_pickle(KEY).encode(), KEY)
    assert inbound.decrypt(again.encrypt("three")) == ("three", 2)
    mine = olmpy.InboundGroupSession.from_libolm_pickle(inbound.pickle(KEY).decode(), KEY)
    # libolm's flag: see below
    assert not mine.created_from_signed_key and mine.first_known_index == 1
    assert mine.decrypt(again.encrypt("four")).plaintext == b"four"
    key = bytes(range(32))
    v_inbound = vodozemac.InboundGroupSession.from_libolm_pickle(mine.to_libolm_pickle(key), key)
    message = vodozemac.MegolmMessage.from_base64(again.encrypt("five"))
    assert v_inbound.decrypt(message).plaintext == b"five"
    olm_again = olm.InboundGroupSession.from_pickle(mine.to_libolm_pickle(KEY).encode(), KEY)
    assert olm_again.decrypt(again.encrypt("six")) == ("six", 5)


def _pickles() -> list[tuple[type[Any], str]]:
    alice, a, _, _, _ = _olm_conversation()
    outbound = olm.OutboundGroupSession()
    inbound = olm.InboundGroupSession(outbound.session_key)
    return [
        (olmpy.Account, alice.pickle(KEY).decode()),
        (olmpy.Session, a.pickle(KEY).decode()),
        (olmpy.GroupSession, outbound.pickle(KEY).decode()),
        (olmpy.InboundGroupSession, inbound.pickle(KEY).decode()),
    ]


PICKLES = _pickles()
IDS = [cls.__name__ for cls, _ in PICKLES]


def _seal(raw: bytes) -> str:
    from olmpy.pickle import libolm

    return libolm.seal(raw, KEY)


def _open(text: str) -> bytes:
    from olmpy.pickle import libolm

    return libolm.open_sealed(text, KEY, "test")


@pytest.mark.parametrize(("cls", "pickled"), PICKLES, ids=IDS)
def test_bad_pickles_are_pickle_errors(backend: ModuleType, cls: Any, pickled: str) -> None:
    """Wrong key, truncation, bit flips, unknown versions, trailing data and other object
    types each give a PickleError naming what was expected."""
    raw = _open(pickled)
    bad = {
        "wrong key": (pickled, "not the key"),
        "truncated text": (pickled[:-5], KEY),
        "bit flip": (pickled[:10] + ("A" if pickled[10] != "A" else "B") + pickled[11:], KEY),
        "unknown version": (_seal(b"\x00\x00\x00\x63" + raw[4:]), KEY),
        "trailing data": (_seal(raw + b"\x00"), KEY),
        "truncated body": (_seal(raw[:-1]), KEY),
        "empty": ("", KEY),
    }
    for name, (text, key) in bad.items():
        with pytest.raises(PickleError, match="expected"):
            cls.from_libolm_pickle(text, key)
            pytest.fail(f"{name} was accepted")
    for other_cls, other in PICKLES:
        if other_cls is not cls:
            with pytest.raises(PickleError):
                cls.from_libolm_pickle(other, KEY)


@pytest.mark.parametrize(("cls", "pickled"), PICKLES, ids=IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_mutated_pickle_bodies_never_crash(cls: Any, pickled: str, data: st.DataObject) -> None:
    """Any change to a pickle's decrypted body, re-sealed with the right key, loads as an
    object or raises an olmpy error: never another exception."""
    raw = bytearray(_open(pickled))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            raw[pos] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del raw[pos:]
            if not raw:
                raw = bytearray(b"\x00")
        else:
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
    try:
        loaded = cls.from_libolm_pickle(_seal(bytes(raw)), KEY)
    except OlmpyError:
        return
    assert isinstance(loaded, cls)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.binary(max_size=64))
def test_arbitrary_text_is_a_pickle_error(text: str, key: bytes) -> None:
    """Arbitrary text under any key is refused with a PickleError by every loader."""
    for cls, _ in PICKLES:
        with pytest.raises(PickleError):
            cls.from_libolm_pickle(text, key)


def test_inbound_group_session_version_1(backend: ModuleType) -> None:
    """A version-1 inbound pickle (no verified flag), which libolm itself still loads,
    loads in olmpy as verified, as libolm treats it."""
    from olmpy.pickle import libolm

    outbound = olm.OutboundGroupSession()
    inbound = olm.InboundGroupSession(outbound.session_key)
    body = libolm.open_sealed(inbound.pickle(KEY).decode(), KEY, "t")
    v1 = libolm.seal(b"\x00\x00\x00\x01" + body[4:-1], KEY)
    assert olm.InboundGroupSession.from_pickle(v1.encode(), KEY).id == inbound.id
    mine = olmpy.InboundGroupSession.from_libolm_pickle(v1, KEY)
    assert mine.created_from_signed_key
    assert mine.decrypt(outbound.encrypt("after v1")).plaintext == b"after v1"
    with pytest.raises(PickleError, match="trailing"):
        olmpy.InboundGroupSession.from_libolm_pickle(
            libolm.seal(b"\x00\x00\x00\x01" + body[4:], KEY), KEY
        )


def test_account_versions_2_and_3(backend: ModuleType) -> None:
    """Older account pickles (v2 without fallback keys, v3 with both fallback records always
    present) load in olmpy exactly as python-olm loads them."""
    from olmpy.pickle import libolm

    alice = olm.Account()
    alice.generate_one_time_keys(2)
    alice.generate_fallback_key()
    alice.mark_keys_as_published()
    body = libolm.open_sealed(alice.pickle(KEY).decode(), KEY, "t")
    # v4 body: version | identity (160) | one-time keys (4 + 2 * 69) | count u8 | 1 record | id
    keys_end = 4 + 160 + 4 + 2 * 69
    assert body[keys_end] == 1
    record = body[keys_end + 1 : keys_end + 70]
    empty = bytes(69)
    v3 = b"\x00\x00\x00\x03" + body[4:keys_end] + record + empty + body[-4:]
    v2 = b"\x00\x00\x00\x02" + body[4:keys_end] + body[-4:]
    for raw, fallbacks in ((v3, 1), (v2, 0)):
        pickled = libolm.seal(raw, KEY)
        theirs = olm.Account.from_pickle(pickled.encode(), KEY)
        mine = olmpy.Account.from_libolm_pickle(pickled, KEY)
        assert mine.identity_keys == theirs.identity_keys
        assert mine.sign("x").to_base64() == theirs.sign("x")
        assert (mine._fallback is not None) == (fallbacks == 1)
        bob = olm.Account()
        if fallbacks:
            fallback = olmpy.Curve25519PublicKey(mine._fallback.public)  # type: ignore[union-attr]
            session = olm.OutboundSession(
                bob, mine.identity_keys["curve25519"], fallback.to_base64()
            )
            message = session.encrypt("via the v3 fallback key")
            _, plaintext = mine.create_inbound_session(
                bob.identity_keys["curve25519"],
                olmpy.AnyOlmMessage.from_parts(0, message.ciphertext),
            )
            assert plaintext == b"via the v3 fallback key"


def test_session_version_0x80000001(backend: ModuleType) -> None:
    """The older session layout (version 0x80000001: version 1 plus a u32 chain index after
    the skipped keys) loads in olmpy as libolm itself loads it, and the session carries on."""
    from olmpy.pickle import libolm

    _, a, b, held, _ = _olm_conversation()
    body = libolm.open_sealed(a.pickle(KEY).decode(), KEY, "t")
    old = libolm.seal(b"\x80\x00\x00\x01" + body[4:] + b"\x00\x00\x00\x07", KEY)
    theirs = olm.Session.from_pickle(old.encode(), KEY)
    mine = olmpy.Session.from_libolm_pickle(old, KEY)
    assert mine.session_id == theirs.id == a.id
    assert mine.to_libolm_pickle(KEY) == a.pickle(KEY).decode()  # written back as version 1
    assert mine.decrypt(olmpy.AnyOlmMessage.from_parts(1, held.ciphertext)) == b"held back"
    assert theirs.decrypt(held) == "held back"
    assert b.decrypt(olm.OlmMessage(mine.encrypt(b"from the old pickle").to_base64())) == (
        "from the old pickle"
    )
    for bad in (body[4:], body[4:] + b"\x00\x00\x00\x07\x00"):  # index missing / extra byte
        with pytest.raises(PickleError):
            olmpy.Session.from_libolm_pickle(libolm.seal(b"\x80\x00\x00\x01" + bad, KEY), KEY)


def test_libolm_flag_is_not_taken_as_verification(backend: ModuleType) -> None:
    """libolm sets its flag when an imported session first decrypts, so the flag cannot tell
    a signed key from a forged export.  olmpy loads a version-2 pickle unverified, of source
    UNKNOWN, still writes the flag back byte for byte, and trusts it only when asked."""
    outbound = olm.OutboundGroupSession()
    signed = olm.InboundGroupSession(outbound.session_key)
    imported = olm.InboundGroupSession.import_session(signed.export_session(0))
    imported.decrypt(outbound.encrypt("libolm now sets the flag"))
    for peer in (signed, imported):
        text = peer.pickle(KEY).decode()
        assert libolm_flag(text) == 1
        mine = olmpy.InboundGroupSession.from_libolm_pickle(text, KEY)
        assert not mine.created_from_signed_key and mine.source is olmpy.SessionSource.UNKNOWN
        assert mine.to_libolm_pickle(KEY) == text
        again = olmpy.InboundGroupSession.from_pickle(mine.pickle(VKEY), VKEY)
        assert not again.created_from_signed_key and again.to_libolm_pickle(KEY) == text
        theirs = olmpy.InboundGroupSession.from_vodozemac_pickle(
            mine.to_vodozemac_pickle(VKEY), VKEY
        )
        assert not theirs.created_from_signed_key  # olmpy writes vodozemac's flag as olmpy reads it
        trusted = olmpy.InboundGroupSession.from_libolm_pickle(
            text, KEY, trust_verified_flag=True
        )
        assert trusted.created_from_signed_key and trusted.source is olmpy.SessionSource.UNKNOWN
        assert trusted.to_libolm_pickle(KEY) == text
    fresh = olm.InboundGroupSession.import_session(signed.export_session(0))
    text = fresh.pickle(KEY).decode()
    assert libolm_flag(text) == 0
    for trust in (False, True):
        mine = olmpy.InboundGroupSession.from_libolm_pickle(text, KEY, trust_verified_flag=trust)
        assert not mine.created_from_signed_key and mine.to_libolm_pickle(KEY) == text
    with pytest.raises(olmpy.UsageError, match="trust_verified_flag: expected a bool, got 1"):
        olmpy.InboundGroupSession.from_libolm_pickle(text, KEY, trust_verified_flag=1)  # type: ignore[arg-type]


def libolm_flag(text: str) -> int:
    """The last byte of a libolm inbound group session pickle: its verified flag."""
    from olmpy.pickle import libolm

    return libolm.open_sealed(text, KEY, "t")[-1]

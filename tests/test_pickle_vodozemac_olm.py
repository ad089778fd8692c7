"""vodozemac pickles for Olm accounts and sessions (SPEC.md section 13): live migration both
ways mid-conversation with vodozemac and python-olm peers, byte-identical re-export, the key id
mapping, skipped keys, and typed PickleErrors for bad input."""

from __future__ import annotations

import base64
import copy
import json
from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac
from hypothesis import given, settings
from hypothesis import strategies as st

import olmpy
from olmpy import AnyOlmMessage
from olmpy.errors import OlmpyError, PickleError, UsageError
from olmpy.pickle import _libolm as libolm

KEY = bytes(range(32))


def _doc(pickled: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(libolm.open_sealed(pickled, KEY, "test"))
    return document


def _seal(document: Any) -> str:
    return libolm.seal(json.dumps(document).encode(), KEY)


def _to_olmpy(message: Any) -> AnyOlmMessage:
    return AnyOlmMessage.from_parts(*message.to_parts())


def _to_vodozemac(message: AnyOlmMessage) -> Any:
    return vodozemac.AnyOlmMessage.from_parts(*message.to_parts())


def _to_olm(message: AnyOlmMessage) -> Any:
    cls = olm.OlmPreKeyMessage if message.message_type == 0 else olm.OlmMessage
    return cls(message.to_base64())


def _vodozemac_peer_uses(account: olmpy.Account, key: olmpy.Curve25519PublicKey) -> None:
    """A fresh vodozemac device starts a session from ``key``; ``account`` accepts it."""
    peer = vodozemac.Account()
    session = peer.create_outbound_session(
        vodozemac.Curve25519PublicKey.from_base64(account.curve25519_key.to_base64()),
        vodozemac.Curve25519PublicKey.from_base64(key.to_base64()),
    )
    first = _to_olmpy(session.encrypt(b"via vodozemac"))
    peer_key = olmpy.Curve25519PublicKey.from_base64(peer.curve25519_key.to_base64())
    mine, plaintext = account.create_inbound_session(peer_key, first)
    assert plaintext == b"via vodozemac"
    assert session.decrypt(_to_vodozemac(mine.encrypt(b"ok"))) == b"ok"


def _olm_peer_uses(account: olmpy.Account, key: olmpy.Curve25519PublicKey) -> None:
    """A fresh python-olm device starts a session from ``key``; ``account`` accepts it."""
    peer = olm.Account()
    session = olm.OutboundSession(peer, account.curve25519_key.to_base64(), key.to_base64())
    first = session.encrypt("via libolm")
    peer_key = peer.identity_keys["curve25519"]
    mine, plaintext = account.create_inbound_session(
        peer_key, AnyOlmMessage.from_base64(0, first.ciphertext)
    )
    assert plaintext == b"via libolm"
    assert session.decrypt(_to_olm(mine.encrypt(b"ok"))) == "ok"


def _vodozemac_key(account: Any) -> Any:
    return vodozemac.Curve25519PublicKey.from_base64(account.curve25519_key.to_base64())


def test_vodozemac_account_and_session_move_to_olmpy_and_back(backend: ModuleType) -> None:
    """A vodozemac device moves to olmpy mid-conversation and back, with its peer unaware."""
    alice, bob = vodozemac.Account(), vodozemac.Account()
    alice.generate_one_time_keys(4)
    alice.generate_fallback_key()
    alice.mark_keys_as_published()
    alice.generate_fallback_key()
    alice.generate_one_time_keys(2)
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(_vodozemac_key(bob), next(iter(bob.one_time_keys.values())))
    b, _ = bob.create_inbound_session(_vodozemac_key(alice), a.encrypt(b"hello").to_pre_key())
    for i in range(3):
        a.decrypt(b.encrypt(b"r%d" % i))
        b.decrypt(a.encrypt(b"a%d" % i))
    held = b.encrypt(b"held back")
    a.decrypt(b.encrypt(b"after held"))

    account_pickle, session_pickle = alice.pickle(KEY), a.pickle(KEY)
    account = olmpy.Account.from_vodozemac_pickle(account_pickle, KEY)
    session = olmpy.Session.from_vodozemac_pickle(session_pickle, KEY)
    assert account.to_vodozemac_pickle(KEY) == account_pickle
    assert session.to_vodozemac_pickle(KEY) == session_pickle
    assert account.curve25519_key.to_base64() == alice.curve25519_key.to_base64()
    assert account.sign("x").to_base64() == alice.sign(b"x").to_base64()
    assert session.session_id == a.session_id and session.has_received_message
    assert session.decrypt(_to_olmpy(held)) == b"held back"
    assert b.decrypt(_to_vodozemac(session.encrypt(b"olmpy speaks"))) == b"olmpy speaks"
    assert session.decrypt(_to_olmpy(b.encrypt(b"to olmpy"))) == b"to olmpy"

    # Unpublished one-time keys and both fallback keys work for new peers.
    unpublished = list(account.one_time_keys.values())
    assert len(unpublished) == 2
    _vodozemac_peer_uses(account, unpublished[0])
    _olm_peer_uses(account, next(iter(account.fallback_key.values())))
    assert len(account.one_time_keys) == 1

    back_account = vodozemac.Account.from_pickle(account.to_vodozemac_pickle(KEY), KEY)
    back = vodozemac.Session.from_pickle(session.to_vodozemac_pickle(KEY), KEY)
    assert [k.to_base64() for k in back_account.one_time_keys.values()] == [
        unpublished[1].to_base64()
    ]
    assert b.decrypt(back.encrypt(b"vodozemac again")) == b"vodozemac again"
    assert back.decrypt(b.encrypt(b"and back")) == b"and back"
    carol = vodozemac.Account()
    c = carol.create_outbound_session(
        _vodozemac_key(back_account), next(iter(back_account.one_time_keys.values()))
    )
    _, plaintext = back_account.create_inbound_session(
        _vodozemac_key(carol), c.encrypt(b"last key").to_pre_key()
    )
    assert plaintext == b"last key"


def test_olmpy_account_and_session_move_to_vodozemac_and_back(backend: ModuleType) -> None:
    """An olmpy device talking to python-olm moves to vodozemac and back mid-conversation."""
    alice, bob = olmpy.Account(), olm.Account()
    alice.generate_one_time_keys(3)
    alice.generate_fallback_key()
    alice.mark_keys_as_published()
    alice.generate_fallback_key()
    alice.generate_one_time_keys(1)
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(
        bob.identity_keys["curve25519"], next(iter(bob.one_time_keys["curve25519"].values()))
    )
    first = a.encrypt(b"hello")
    b = olm.InboundSession(bob, _to_olm(first))
    assert b.decrypt(_to_olm(first)) == "hello"
    for i in range(3):
        assert a.decrypt(AnyOlmMessage.from_base64(1, b.encrypt(f"r{i}").ciphertext)) == (
            f"r{i}".encode())
        assert b.decrypt(_to_olm(a.encrypt(b"a%d" % i))) == f"a{i}"
    held = b.encrypt("held back")
    a.decrypt(AnyOlmMessage.from_base64(1, b.encrypt("after held").ciphertext))
    unpublished = alice.one_time_keys

    v_account = vodozemac.Account.from_pickle(alice.to_vodozemac_pickle(KEY), KEY)
    v_session = vodozemac.Session.from_pickle(a.to_vodozemac_pickle(KEY), KEY)
    assert v_account.curve25519_key.to_base64() == alice.curve25519_key.to_base64()
    assert v_account.sign(b"x").to_base64() == alice.sign(b"x").to_base64()
    assert v_session.session_id == a.session_id
    message = _to_vodozemac(AnyOlmMessage.from_base64(1, held.ciphertext))
    assert v_session.decrypt(message) == b"held back"
    out = _to_olmpy(v_session.encrypt(b"vodozemac speaks"))
    assert b.decrypt(_to_olm(out)) == "vodozemac speaks"
    v_session.decrypt(_to_vodozemac(AnyOlmMessage.from_base64(1, b.encrypt("hi").ciphertext)))
    held_again = b.encrypt("held again")
    assert [k.to_base64() for k in v_account.one_time_keys.values()] == [
        k.to_base64() for k in unpublished.values()
    ]
    assert [k.to_base64() for k in v_account.fallback_key.values()] == [
        k.to_base64() for k in alice.fallback_key.values()
    ]
    # a peer uses the previous (published) fallback key while the account is in vodozemac
    previous = olmpy.Curve25519PublicKey(alice._previous_fallback.public)  # type: ignore[union-attr]
    carol = vodozemac.Account()
    c = carol.create_outbound_session(
        _vodozemac_key(v_account), vodozemac.Curve25519PublicKey.from_base64(previous.to_base64())
    )
    v_account.create_inbound_session(_vodozemac_key(carol), c.encrypt(b"x").to_pre_key())

    account = olmpy.Account.from_vodozemac_pickle(v_account.pickle(KEY), KEY)
    session = olmpy.Session.from_vodozemac_pickle(v_session.pickle(KEY), KEY)
    assert session.decrypt(AnyOlmMessage.from_base64(1, held_again.ciphertext)) == b"held again"
    assert b.decrypt(_to_olm(session.encrypt(b"olmpy again"))) == "olmpy again"
    assert account.one_time_keys == alice.one_time_keys
    _olm_peer_uses(account, next(iter(account.one_time_keys.values())))
    _vodozemac_peer_uses(account, previous)


def test_key_ids_keep_their_numbers(backend: ModuleType) -> None:
    """Key ids keep their numbers across the move and the counter never reissues one."""
    theirs = vodozemac.Account()
    theirs.generate_one_time_keys(3)
    theirs.generate_fallback_key()
    assert sorted(theirs.one_time_keys) == ["AAAAAAAAAAA", "AAAAAAAAAAE", "AAAAAAAAAAI"]
    mine = olmpy.Account.from_vodozemac_pickle(theirs.pickle(KEY), KEY)
    assert sorted(mine.one_time_keys) == ["AAAAAA", "AAAAAQ", "AAAAAg"]
    assert list(mine.fallback_key) == ["AAAAAA"]
    mine.mark_keys_as_published()
    mine.generate_one_time_keys(1)
    assert list(mine.one_time_keys) == ["AAAAAw"]
    back = vodozemac.Account.from_pickle(mine.to_vodozemac_pickle(KEY), KEY)
    assert list(back.one_time_keys) == ["AAAAAAAAAAM"]
    back.generate_one_time_keys(1)
    back.generate_fallback_key()
    assert sorted(back.one_time_keys) == ["AAAAAAAAAAM", "AAAAAAAAAAQ"]
    assert list(back.fallback_key) == ["AAAAAAAAAAE"]
    fresh = olmpy.Account()
    fresh.generate_one_time_keys(2)
    fresh.generate_fallback_key()
    document = _doc(fresh.to_vodozemac_pickle(KEY))
    assert document["one_time_keys"]["next_key_id"] == 4
    assert list(document["one_time_keys"]["private_keys"]) == ["1", "2"]
    assert document["fallback_keys"]["key_id"] == 4
    assert document["fallback_keys"]["fallback_key"]["key_id"] == 3


def test_libolm_counter_is_not_reissued(backend: ModuleType) -> None:
    """An account from libolm (counter = last id issued) issues fresh ids in olmpy, also after
    vodozemac's own libolm import, which stores the last id as its next one."""
    theirs = olm.Account()
    theirs.generate_one_time_keys(2)
    mine = olmpy.Account.from_libolm_pickle(theirs.pickle("k").decode(), "k")
    mine.generate_one_time_keys(1)
    assert sorted(mine.one_time_keys) == ["AAAAAQ", "AAAAAg", "AAAAAw"]
    via = vodozemac.Account.from_libolm_pickle(theirs.pickle("k").decode(), b"k")
    assert _doc(via.pickle(KEY))["one_time_keys"]["next_key_id"] == 2
    again = olmpy.Account.from_vodozemac_pickle(via.pickle(KEY), KEY)
    again.generate_one_time_keys(1)
    assert len(again.one_time_keys) == 3 and "AAAAAw" in again.one_time_keys
    back = olm.Account.from_pickle(mine.to_libolm_pickle("k", allow_weak_key=True).encode(), "k")
    back.generate_one_time_keys(1)
    assert "AAAABA" in back.one_time_keys["curve25519"]


def test_expanded_signing_keys(backend: ModuleType) -> None:
    """Accounts imported from libolm keep their expanded Ed25519 key through vodozemac."""
    theirs = olm.Account()
    mine = olmpy.Account.from_libolm_pickle(theirs.pickle("k").decode(), "k")
    document = _doc(mine.to_vodozemac_pickle(KEY))
    assert list(document["signing_key"]) == ["Expanded"]
    v_account = vodozemac.Account.from_pickle(mine.to_vodozemac_pickle(KEY), KEY)
    assert v_account.sign(b"m").to_base64() == theirs.sign("m")
    via = vodozemac.Account.from_libolm_pickle(theirs.pickle("k").decode(), b"k")
    again = olmpy.Account.from_vodozemac_pickle(via.pickle(KEY), KEY)
    assert again.sign("m").to_base64() == theirs.sign("m")
    assert again.to_vodozemac_pickle(KEY) == via.pickle(KEY)


def test_sessions_in_every_state_round_trip(backend: ModuleType) -> None:
    """Fresh, inbound, multi-chain and skipped-key vodozemac sessions re-export byte-identically
    and olmpy sessions keep vodozemac's ratchet counts."""
    alice, bob = vodozemac.Account(), vodozemac.Account()
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(_vodozemac_key(bob), next(iter(bob.one_time_keys.values())))
    states = [a.pickle(KEY)]
    b, _ = bob.create_inbound_session(_vodozemac_key(alice), a.encrypt(b"hi").to_pre_key())
    states += [a.pickle(KEY), b.pickle(KEY)]
    for turn in range(7):
        burst = [b.encrypt(b"b") for _ in range(3)]
        a.decrypt(burst[2])
        burst = [a.encrypt(b"a") for _ in range(4)]
        b.decrypt(burst[3])
        b.decrypt(burst[turn % 3])
        states += [a.pickle(KEY), b.pickle(KEY)]
    kinds = set()
    for pickled in states:
        document = _doc(pickled)
        kinds.add((document["sending_ratchet"]["type"], len(document["receiving_chains"]["inner"])))
        assert olmpy.Session.from_vodozemac_pickle(pickled, KEY).to_vodozemac_pickle(KEY) == (
            pickled)
    assert ("active", 0) in kinds and ("inactive", 1) in kinds and ("active", 5) in kinds
    mine = olmpy.Session.from_vodozemac_pickle(b.pickle(KEY), KEY)
    a.decrypt(_to_vodozemac(mine.encrypt(b"x")))
    theirs = _doc(a.pickle(KEY))["sending_ratchet"]["ratchet_count"]
    assert theirs == _doc(mine.to_vodozemac_pickle(KEY))["sending_ratchet"]["ratchet_count"]
    assert theirs["Known"] > 10
    olm_alice, olm_bob = olm.Account(), olm.Account()
    olm_bob.generate_one_time_keys(1)
    olm_session = olm.OutboundSession(
        olm_alice, olm_bob.identity_keys["curve25519"],
        next(iter(olm_bob.one_time_keys["curve25519"].values())))
    from_libolm = olmpy.Session.from_libolm_pickle(olm_session.pickle("k").decode(), "k")
    document = _doc(from_libolm.to_vodozemac_pickle(KEY))
    assert document["sending_ratchet"]["ratchet_count"] == {"Unknown": None}


def test_skipped_keys_survive_and_olmpy_keeps_the_newest_40(backend: ModuleType) -> None:
    """Skipped message keys move both ways; beyond olmpy's 40 in all the oldest are dropped."""
    alice, bob = vodozemac.Account(), vodozemac.Account()
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(_vodozemac_key(bob), next(iter(bob.one_time_keys.values())))
    b, _ = bob.create_inbound_session(_vodozemac_key(alice), a.encrypt(b"hi").to_pre_key())
    held = []
    for _ in range(3):
        burst = [a.encrypt(b"skipped %d" % i) for i in range(21)]
        b.decrypt(burst[-1])
        held.append(burst[:-1])
        a.decrypt(b.encrypt(b"turn"))
    document = _doc(b.pickle(KEY))
    assert [len(c["skipped_message_keys"]["inner"]) for c in document["receiving_chains"]["inner"]
            ] == [20, 20, 20]
    mine = olmpy.Session.from_vodozemac_pickle(b.pickle(KEY), KEY)
    assert len(mine._skipped) == 40
    with pytest.raises(olmpy.errors.UnknownMessageIndexError):
        mine.decrypt(_to_olmpy(held[0][0]))
    assert mine.decrypt(_to_olmpy(held[1][0])) == b"skipped 0"
    back = vodozemac.Session.from_pickle(mine.to_vodozemac_pickle(KEY), KEY)
    assert back.decrypt(held[2][5]) == b"skipped 5"
    assert back.decrypt(held[1][19]) == b"skipped 19"
    again = olmpy.Session.from_vodozemac_pickle(back.pickle(KEY), KEY)
    assert again.decrypt(_to_olmpy(held[2][7])) == b"skipped 7"


def test_many_one_time_keys_keep_the_newest_100(backend: ModuleType) -> None:
    """A vodozemac account with more than 100 one-time keys loads with the newest 100."""
    theirs = vodozemac.Account()
    theirs.generate_one_time_keys(120)
    newest = theirs.one_time_keys[base64.b64encode((119).to_bytes(8, "big")).decode().rstrip("=")]
    mine = olmpy.Account.from_vodozemac_pickle(theirs.pickle(KEY), KEY)
    assert len(mine.one_time_keys) == 100
    assert min(mine.one_time_keys) == "AAAAFA"  # id 20: ids 0..19 were dropped
    assert mine._next_id == 120
    _vodozemac_peer_uses(mine, olmpy.Curve25519PublicKey.from_base64(newest.to_base64()))


def test_extra_fields_are_ignored_like_vodozemac(backend: ModuleType) -> None:
    """Unknown fields, a missing config and missing optional fields load, as in vodozemac."""
    account = olmpy.Account()
    account.generate_fallback_key()
    document = _doc(account.to_vodozemac_pickle(KEY))
    document["extra"] = 1
    document["one_time_keys"]["extra"] = [1]
    del document["fallback_keys"]["previous_fallback_key"]
    document["one_time_keys"]["key_id"] = document["one_time_keys"].pop("next_key_id")
    loaded = olmpy.Account.from_vodozemac_pickle(_seal(document), KEY)
    vodozemac.Account.from_pickle(_seal(document), KEY)
    assert loaded.fallback_key == account.fallback_key
    bob = olmpy.Account()
    bob.generate_one_time_keys(1)
    session = account.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values())))
    document = _doc(session.to_vodozemac_pickle(KEY))
    del document["config"], document["sending_ratchet"]["ratchet_count"]
    del document["sending_ratchet"]["parent_ratchet_key"]
    document["sending_ratchet"]["extra"] = {}
    loaded_session = olmpy.Session.from_vodozemac_pickle(_seal(document), KEY)
    vodozemac.Session.from_pickle(_seal(document), KEY)
    assert loaded_session.session_id == session.session_id
    assert _doc(loaded_session.to_vodozemac_pickle(KEY))["sending_ratchet"]["ratchet_count"] == {
        "Unknown": None}


def _pickles() -> dict[str, tuple[type[Any], str]]:
    alice, bob = vodozemac.Account(), vodozemac.Account()
    alice.generate_one_time_keys(2)
    alice.generate_fallback_key()
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(_vodozemac_key(bob), next(iter(bob.one_time_keys.values())))
    b, _ = bob.create_inbound_session(_vodozemac_key(alice), a.encrypt(b"hi").to_pre_key())
    a.decrypt(b.encrypt(b"reply"))
    return {
        "account": (olmpy.Account, alice.pickle(KEY)),
        "session": (olmpy.Session, a.pickle(KEY)),
    }


PICKLES = _pickles()


def _edit(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    edited = copy.deepcopy(document)
    target = edited
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return edited


_DELETE = object()
_ACCOUNT_EDITS: list[tuple[tuple[Any, ...], Any]] = [
    (("signing_key",), {"Normal": [0] * 31}),
    (("signing_key",), {"Normal": [0] * 32, "Expanded": [0] * 64}),
    (("signing_key",), [0] * 32),
    (("diffie_hellman_key",), "AAAA"),
    (("diffie_hellman_key",), [256] * 32),
    (("one_time_keys", "next_key_id"), -1),
    (("one_time_keys", "next_key_id"), 1.0),
    (("one_time_keys", "next_key_id"), 2**32),
    (("one_time_keys", "private_keys"), {"01": [0] * 32}),
    (("one_time_keys", "private_keys"), {"x": [0] * 32}),
    (("one_time_keys", "private_keys"), {str(2**64): [0] * 32}),
    (("one_time_keys", "private_keys"), {str(2**32): [0] * 32}),
    (("one_time_keys", "private_keys"), [[0] * 32]),
    (("one_time_keys", "public_keys"), _DELETE),
    (("fallback_keys", "key_id"), _DELETE),
    (("fallback_keys", "fallback_key", "published"), 1),
    (("fallback_keys", "fallback_key", "key"), None),
    (("fallback_keys",), None),
    (("one_time_keys",), _DELETE),
]
_SESSION_EDITS: list[tuple[tuple[Any, ...], Any]] = [
    (("config",), {"version": "V2"}),
    (("session_keys", "identity_key"), [0] * 33),
    (("session_keys",), _DELETE),
    (("sending_ratchet", "type"), "other"),
    (("sending_ratchet", "ratchet_count"), "Unknown"),
    (("sending_ratchet", "ratchet_count"), {"Known": -1}),
    (("sending_ratchet", "root_key"), [0] * 32),
    (("sending_ratchet", "ratchet_key"), [0] * 32),
    (("receiving_chains",), []),
    (("receiving_chains", "inner"), [{}] * 6),
    (("receiving_chains", "inner"), []),
    (("receiving_chains", "inner", 0, "hkdf_ratchet", "index"), 2**32),
    (("receiving_chains", "inner", 0, "hkdf_ratchet", "index"), True),
    (("receiving_chains", "inner", 0, "skipped_message_keys", "inner"),
     [{"key": [0] * 32, "index": 0}] * 41),
    (("receiving_chains", "inner", 0, "skipped_message_keys", "inner"), [{"key": [0] * 32}]),
    (("receiving_chains", "inner", 0, "ratchet_key"), None),
]


@pytest.mark.parametrize("name", list(PICKLES))
def test_bad_pickles_are_pickle_errors(backend: ModuleType, name: str) -> None:
    """Wrong keys, truncation, bit flips, other object types and bad fields are PickleErrors
    naming what was expected; a key that is not 32 bytes is a UsageError."""
    cls, pickled = PICKLES[name]
    bad = [
        (pickled, bytes(32)),
        (pickled[:-5], KEY),
        (pickled[:10] + ("A" if pickled[10] != "A" else "B") + pickled[11:], KEY),
        ("", KEY),
        (libolm.seal(b"{not json", KEY), KEY),
        (libolm.seal(b"[1, 2]", KEY), KEY),
    ]
    for other_cls, other in PICKLES.values():
        if other_cls is not cls:
            bad.append((other, KEY))
    bad.append((vodozemac.GroupSession().pickle(KEY), KEY))
    document = _doc(pickled)
    for path, value in _ACCOUNT_EDITS if cls is olmpy.Account else _SESSION_EDITS:
        bad.append((_seal(_edit(document, path, value)), KEY))
    for text, key in bad:
        with pytest.raises(PickleError, match="expected"):
            cls.from_vodozemac_pickle(text, key)
            pytest.fail(f"accepted {text[:20]!r}")
    with pytest.raises(UsageError):
        cls.from_vodozemac_pickle(pickled, KEY[:31])
    loaded = cls.from_vodozemac_pickle(pickled, KEY)
    with pytest.raises(UsageError):
        loaded.to_vodozemac_pickle(b"short")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-1, 2**65) | st.text(max_size=5),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=20,
)


@settings(max_examples=80, deadline=None)
@given(_JSON)
def test_arbitrary_json_never_crashes(document: object) -> None:
    """Any JSON value sealed with the right key loads or raises an olmpy error."""
    text = _seal(document)
    for cls in (olmpy.Account, olmpy.Session):
        try:
            loaded = cls.from_vodozemac_pickle(text, KEY)
        except OlmpyError:
            continue
        assert isinstance(loaded, cls)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list) and value and not isinstance(value[0], int):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_mutated_documents_never_crash(data: st.DataObject) -> None:
    """A valid document with one field replaced by any JSON value loads or raises an olmpy
    error, never another exception."""
    cls, pickled = data.draw(st.sampled_from(list(PICKLES.values())))
    document = _doc(pickled)
    path = data.draw(st.sampled_from(_paths(document)))
    value = data.draw(_JSON | st.just(_DELETE))
    try:
        loaded = cls.from_vodozemac_pickle(_seal(_edit(document, path, value)), KEY)
    except OlmpyError:
        return
    assert isinstance(loaded, cls)

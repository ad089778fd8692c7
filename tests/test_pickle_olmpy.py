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
    group = olmpy.GroupSession.from_pickle(o["group"].pickle("pass phrase"), "pass phrase")
    inbound = olmpy.InboundGroupSession.from_pickle(o["inbound"].pickle(KEY), KEY)
    assert inbound.decrypt(group.encrypt(b"two")) == (b"two", 1)
    assert inbound.is_verified


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
        "passphrase for a key pickle": (pickled, "passphrase"),
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
    for other in o.values():
        if type(other) is not cls:
            with pytest.raises(PickleError, match="object type"):
                cls.from_pickle(other.pickle(KEY), KEY)


def test_passphrase_pickles_record_their_parameters(backend: ModuleType) -> None:
    """A passphrase pickle needs the passphrase, and absurd scrypt parameters are refused."""
    group = olmpy.GroupSession()
    pickled = group.pickle("secret words")
    with pytest.raises(PickleError):
        olmpy.GroupSession.from_pickle(pickled, "other words")
    with pytest.raises(PickleError, match="sealed with one"):
        olmpy.GroupSession.from_pickle(pickled, KEY)
    raw = bytearray(_b64.decode(pickled, "t"))
    raw[8] = 30  # log2 N far beyond the limit
    with pytest.raises(PickleError, match="scrypt parameters"):
        olmpy.GroupSession.from_pickle(_b64.encode(bytes(raw)), "secret words")
    with pytest.raises(UsageError):
        group.pickle(b"short key")
    with pytest.raises(UsageError):
        group.pickle("")


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

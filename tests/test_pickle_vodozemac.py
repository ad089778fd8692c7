"""vodozemac pickles for the Megolm sessions (SPEC.md section 13): live round trips with
vodozemac both ways mid-conversation, and typed PickleErrors for bad input."""

from __future__ import annotations

import json
from types import ModuleType

import pytest
import vodozemac
from hypothesis import given, settings
from hypothesis import strategies as st

import olmpy
from olmpy.errors import OlmpyError, PickleError, UsageError
from olmpy.pickle import libolm

KEY = bytes(range(32))


def test_group_session_moves_both_ways(backend: ModuleType) -> None:
    """A vodozemac GroupSession continues in olmpy and back, readable by one receiver."""
    sender = vodozemac.GroupSession()
    receiver = vodozemac.InboundGroupSession(sender.session_key)
    sender.encrypt(b"zero")
    mine = olmpy.GroupSession.from_vodozemac_pickle(sender.pickle(KEY), KEY)
    assert mine.session_id == sender.session_id and mine.message_index == 1
    message = vodozemac.MegolmMessage.from_base64(mine.encrypt(b"one").to_base64())
    assert receiver.decrypt(message).plaintext == b"one"
    again = vodozemac.GroupSession.from_pickle(mine.to_vodozemac_pickle(KEY), KEY)
    assert again.message_index == 2
    assert receiver.decrypt(again.encrypt(b"two")).plaintext == b"two"


def test_inbound_session_moves_both_ways(backend: ModuleType) -> None:
    """A vodozemac InboundGroupSession keeps its indexes and verification across the move."""
    sender = vodozemac.GroupSession()
    key = vodozemac.InboundGroupSession(sender.session_key).export_at(0)
    theirs = vodozemac.InboundGroupSession.import_session(key)
    first = sender.encrypt(b"first")
    mine = olmpy.InboundGroupSession.from_vodozemac_pickle(theirs.pickle(KEY), KEY)
    assert not mine.created_from_signed_key and mine.source is olmpy.SessionSource.UNKNOWN
    assert mine.decrypt(first.to_base64()).plaintext == b"first"
    back = vodozemac.InboundGroupSession.from_pickle(mine.to_vodozemac_pickle(KEY), KEY)
    assert back.decrypt(sender.encrypt(b"second")).plaintext == b"second"
    assert back.first_known_index == 0


def test_expanded_key_from_libolm_goes_to_vodozemac(backend: ModuleType) -> None:
    """A group session imported from libolm (expanded key) exports a vodozemac pickle that
    vodozemac loads and signs with."""
    import olm

    libolm_sender = olm.OutboundGroupSession()
    inbound = olm.InboundGroupSession(libolm_sender.session_key)
    mine = olmpy.GroupSession.from_libolm_pickle(libolm_sender.pickle("k").decode(), "k")
    theirs = vodozemac.GroupSession.from_pickle(mine.to_vodozemac_pickle(KEY), KEY)
    assert inbound.decrypt(theirs.encrypt(b"signed by vodozemac").to_base64()) == (
        "signed by vodozemac", 0)
    back = olmpy.GroupSession.from_vodozemac_pickle(theirs.pickle(KEY), KEY)
    assert inbound.decrypt(back.encrypt(b"and olmpy").to_base64()) == ("and olmpy", 1)


def test_bad_vodozemac_pickles(backend: ModuleType) -> None:
    """Wrong keys, short keys, bad JSON, wrong field types and v2 configs are refused."""
    sender = vodozemac.GroupSession()
    pickled = sender.pickle(KEY)
    with pytest.raises(PickleError):
        olmpy.GroupSession.from_vodozemac_pickle(pickled, bytes(32))
    with pytest.raises(UsageError):
        olmpy.GroupSession.from_vodozemac_pickle(pickled, b"short")
    document = json.loads(libolm.open_sealed(pickled, KEY, "t"))
    edits = [
        {**document, "config": {"version": "V2"}},
        {**document, "ratchet": {"inner": [0] * 127, "counter": 0}},
        {**document, "ratchet": {"inner": [256] * 128, "counter": 0}},
        {**document, "ratchet": {"inner": [0] * 128, "counter": -1}},
        {**document, "signing_key": {"Other": [0] * 32}},
        {k: v for k, v in document.items() if k != "ratchet"},
    ]
    for edit in edits:
        text = libolm.seal(json.dumps(edit).encode(), KEY)
        with pytest.raises(PickleError, match="expected"):
            olmpy.GroupSession.from_vodozemac_pickle(text, KEY)
    with pytest.raises(PickleError, match="JSON"):
        olmpy.GroupSession.from_vodozemac_pickle(libolm.seal(b"{not json", KEY), KEY)
    inbound = vodozemac.InboundGroupSession(sender.session_key).pickle(KEY)
    with pytest.raises(PickleError):
        olmpy.GroupSession.from_vodozemac_pickle(inbound, KEY)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c,
                                                                         max_size=4),
                    max_leaves=20))
def test_arbitrary_json_never_crashes(document: object) -> None:
    """Any JSON value sealed with the right key loads or raises an olmpy error."""
    text = libolm.seal(json.dumps(document).encode(), KEY)
    for cls in (olmpy.GroupSession, olmpy.InboundGroupSession):
        try:
            loaded = cls.from_vodozemac_pickle(text, KEY)
        except OlmpyError:
            continue
        assert isinstance(loaded, cls)


def test_strings_where_byte_arrays_belong(backend: ModuleType) -> None:
    """olmpy reads byte arrays through marked hex strings ("\\u0000" + hex); real strings in
    their place, marked-looking or not, are PickleErrors, as in vodozemac."""
    sender = vodozemac.GroupSession()
    inbound = json.loads(
        libolm.open_sealed(vodozemac.InboundGroupSession(sender.session_key).pickle(KEY), KEY, "t")
    )
    for bad in ["\x00zz", "\x00" + "ab" * 31, "\x00" + "ab" * 33, "\x00" + "AB" * 32, "ab" * 32,
                "\x00" + "a" * 65]:
        for edit in ({**inbound, "signing_key": bad},
                     {**inbound, "initial_ratchet": {"inner": bad, "counter": 0}}):
            text = libolm.seal(json.dumps(edit).encode(), KEY)
            with pytest.raises(PickleError, match="expected"):
                olmpy.InboundGroupSession.from_vodozemac_pickle(text, KEY)


def test_fast_and_general_paths_agree(backend: ModuleType) -> None:
    """An inbound session pickle in vodozemac's exact layout takes olmpy's fast path; the
    same document with its fields reordered and spaced takes the general one. Both give
    the same session, and olmpy writes vodozemac's exact bytes back."""
    sender = vodozemac.GroupSession()
    sender.encrypt(b"advance")
    theirs = vodozemac.InboundGroupSession(sender.session_key)
    exact = theirs.pickle(KEY)
    document = json.loads(libolm.open_sealed(exact, KEY, "t"))
    shuffled = dict(reversed(list(document.items())))
    spaced = libolm.seal(json.dumps(shuffled, indent=2).encode(), KEY)
    message = sender.encrypt(b"after").to_base64()
    for text in (exact, spaced):
        mine = olmpy.InboundGroupSession.from_vodozemac_pickle(text, KEY)
        assert mine.first_known_index == 1 and mine.created_from_signed_key  # from a signed key
        assert mine.source is olmpy.SessionSource.UNKNOWN  # the format cannot say
        assert mine.to_vodozemac_pickle(KEY) == exact
        assert mine.decrypt(message).plaintext == b"after"


def test_deep_nesting_is_a_pickle_error(backend: ModuleType) -> None:
    """JSON nested beyond Python's parser (sealed with the right key) is a PickleError, not
    a RecursionError."""
    for deep in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000):
        text = libolm.seal(deep, KEY)
        for cls in (olmpy.Account, olmpy.Session, olmpy.GroupSession, olmpy.InboundGroupSession):
            with pytest.raises(PickleError, match="nesting"):
                cls.from_vodozemac_pickle(text, KEY)


def test_misplaced_secrets_stay_out_of_error_messages(backend: ModuleType) -> None:
    """A secret byte array where an integer, a boolean or a key variant belongs is refused
    without its hex (or values) appearing in the message."""
    account = vodozemac.Account()
    account.generate_one_time_keys(1)
    account.generate_fallback_key()
    document = json.loads(libolm.open_sealed(account.pickle(KEY), KEY, "t"))
    seed = document["signing_key"]["Normal"]
    secret = bytes(document["diffie_hellman_key"]).hex()
    fallback = document["fallback_keys"]["fallback_key"]
    edits = [
        {**document, "signing_key": {"Normal": seed, "Other": seed}},
        {**document, "signing_key": seed},
        {**document, "one_time_keys": {**document["one_time_keys"],
                                       "next_key_id": document["diffie_hellman_key"]}},
        {**document, "fallback_keys": {**document["fallback_keys"], "fallback_key": {
            **fallback, "published": document["diffie_hellman_key"]}}},
    ]
    for edit in edits:
        with pytest.raises(PickleError) as caught:
            olmpy.Account.from_vodozemac_pickle(libolm.seal(json.dumps(edit).encode(), KEY), KEY)
        message = str(caught.value)
        for value in (bytes(seed).hex()[:8], secret[:8], str(seed[0]) + ", " + str(seed[1])):
            assert value not in message, message


def test_key_ids_too_long_for_int_are_pickle_errors(backend: ModuleType) -> None:
    """A key id of thousands of digits (beyond what int() converts) is a PickleError."""
    account = vodozemac.Account()
    account.generate_one_time_keys(1)
    document = json.loads(libolm.open_sealed(account.pickle(KEY), KEY, "t"))
    keys = document["one_time_keys"]
    (key_id,) = keys["public_keys"]
    for name in ("1" * 5000, "1" * 21, "18446744073709551616"):
        edit = {**document, "one_time_keys": {
            **keys, "public_keys": {name: keys["public_keys"][key_id]},
            "private_keys": {name: keys["private_keys"][key_id]}}}
        text = libolm.seal(json.dumps(edit).encode(), KEY)
        with pytest.raises(PickleError, match="key ids that fit a u64"):
            olmpy.Account.from_vodozemac_pickle(text, KEY)

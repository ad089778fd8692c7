"""olmpy.testing.strategies: what it draws is valid for olmpy, libolm (python-olm) and
vodozemac, what it damages is refused by all three for the stated reason, and the same
hypothesis seed gives the same bytes.

The peers see the drawn objects through pickles (libolm's format into python-olm,
vodozemac's into vodozemac) taken just before a delivery, so they judge exactly the
state olmpy judges.
"""

from __future__ import annotations

import base64
import doctest
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import olm
import pytest
import vodozemac
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from interop import olm_peers, peers

import olmpy
from olmpy.backup import decrypt_key_backup_data
from olmpy.device_keys import (
    KeyObjectError,
    verify_device_keys,
    verify_signed_by_master,
    verify_signed_key,
)
from olmpy.errors import (
    DecodeError,
    DecryptionError,
    MacError,
    OlmpyError,
    ReplayError,
    SignatureError,
    UnknownMessageIndexError,
    UnknownOneTimeKeyError,
    UsageError,
    VersionError,
)
from olmpy.signed_json import MissingSignatureError
from olmpy.testing import strategies as ost

ROOT = Path(__file__).resolve().parent.parent
PEER_KEY = b"olmpy-strategies-test-pickle-key"  # 32 ASCII bytes: python-olm takes it as text
assert len(PEER_KEY) == 32
FAST = settings(max_examples=6, deadline=None, derandomize=True, database=None)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


# --- the peers, each as "deliver these bytes, give the plaintext or raise" ---------------------

Deliver = Callable[[bytes], bytes]


def peer_receivers(message: ost.WireMessage) -> dict[str, Deliver]:
    """libolm and vodozemac copies of ``message.receiver`` as it is now."""
    receiver = message.receiver
    if isinstance(receiver, olmpy.Account):
        sender = message.sender_key
        assert sender is not None
        lib_party = olm_peers.LibolmParty(
            olm.Account.from_pickle(receiver.to_libolm_pickle(PEER_KEY).encode(), PEER_KEY.decode())
        )
        voz_party = olm_peers.VodozemacParty(
            vodozemac.Account.from_pickle(receiver.to_vodozemac_pickle(PEER_KEY), PEER_KEY)
        )
        return {
            "libolm": lambda body: lib_party.inbound(sender.to_base64(), (0, b64(body)))[1],
            "vodozemac": lambda body: voz_party.inbound(sender.to_base64(), (0, b64(body)))[1],
        }
    if isinstance(receiver, olmpy.Session):
        lib_conv = olm_peers.LibolmConv(
            olm.Session.from_pickle(receiver.to_libolm_pickle(PEER_KEY).encode(), PEER_KEY.decode())
        )
        voz_conv = olm_peers.VodozemacConv(
            vodozemac.Session.from_pickle(receiver.to_vodozemac_pickle(PEER_KEY), PEER_KEY)
        )
        return {
            "libolm": lambda body: lib_conv.decrypt((1, b64(body))),
            "vodozemac": lambda body: voz_conv.decrypt((1, b64(body))),
        }
    assert isinstance(receiver, olmpy.InboundGroupSession)
    lib_in = peers.LibolmReceiver(
        olm.InboundGroupSession.from_pickle(
            receiver.to_libolm_pickle(PEER_KEY).encode(), PEER_KEY.decode()
        )
    )
    voz_in = peers.VodozemacReceiver(
        vodozemac.InboundGroupSession.from_pickle(receiver.to_vodozemac_pickle(PEER_KEY), PEER_KEY)
    )
    return {
        "libolm": lambda body: lib_in.decrypt(b64(body))[0],
        "vodozemac": lambda body: voz_in.decrypt(b64(body))[0],
    }


def refused(deliver: Callable[[], object]) -> str:
    """The peer's error text; fails the test if the peer accepted."""
    return olm_peers.failure(deliver)


# --- valid messages and session pairs ----------------------------------------------------------


@settings(FAST, max_examples=12)
@given(ost.wire_messages())
def test_valid_messages_decrypt_in_olmpy_and_both_peers(message: ost.WireMessage) -> None:
    others = peer_receivers(message)
    assert ost.decrypt(message) == message.plaintext
    for name, deliver in others.items():
        assert deliver(message.body) == message.plaintext, name


@settings(FAST)
@given(ost.session_pairs())
def test_session_pairs_talk_to_peer_copies(pair: ost.SessionPair) -> None:
    # Bob's side in each peer decrypts Alice's olmpy message, and Alice (olmpy) decrypts
    # the peer's reply: the pair is a real, established session.
    for name in ("libolm", "vodozemac"):
        bob: olm_peers.Conv
        if name == "libolm":
            bob = olm_peers.LibolmConv(
                olm.Session.from_pickle(
                    pair.inbound.to_libolm_pickle(PEER_KEY).encode(), PEER_KEY.decode()
                )
            )
        else:
            bob = olm_peers.VodozemacConv(
                vodozemac.Session.from_pickle(pair.inbound.to_vodozemac_pickle(PEER_KEY), PEER_KEY)
            )
        assert bob.session_id == pair.outbound.session_id == pair.inbound.session_id
        sent = pair.outbound.encrypt(b"to " + name.encode())
        assert bob.decrypt((sent.message_type, sent.to_base64())) == b"to " + name.encode()
    reply = pair.inbound.encrypt(b"reply")
    assert pair.outbound.decrypt(reply) == b"reply"


@settings(FAST)
@given(ost.session_keys(), ost.exported_session_keys())
def test_session_keys_import_into_both_peers(
    key: olmpy.SessionKey, exported: olmpy.ExportedSessionKey
) -> None:
    lib = olm.InboundGroupSession(key.to_base64())
    voz = vodozemac.InboundGroupSession(vodozemac.SessionKey(key.to_base64()))
    assert lib.id == voz.session_id == key.session_id
    assert lib.first_known_index == voz.first_known_index == key.message_index
    lib_x = olm.InboundGroupSession.import_session(exported.to_base64())
    voz_x = vodozemac.InboundGroupSession.import_session(
        vodozemac.ExportedSessionKey(exported.to_base64())
    )
    assert lib_x.id == voz_x.session_id == exported.session_id
    assert lib_x.first_known_index == voz_x.first_known_index == exported.message_index


# --- pickles -------------------------------------------------------------------------------------


def _identity(obj: Any) -> str:
    """One public fact that names the object, for olmpy objects and both peers'."""
    for attr in ("session_id", "id", "public_key"):
        if hasattr(obj, attr):
            value = getattr(obj, attr)
            return str(value.to_base64() if hasattr(value, "to_base64") else value)
    keys = obj.identity_keys if isinstance(obj, (olm.Account, olmpy.Account)) else None
    if keys is not None:
        return str(keys["ed25519"])
    return str(obj.ed25519_key.to_base64())


PYTHON_OLM = {
    "Account": olm.Account,
    "Session": olm.Session,
    "GroupSession": olm.OutboundGroupSession,
    "InboundGroupSession": olm.InboundGroupSession,
    "PkDecryption": olm.PkDecryption,
}
OLMPY = {
    "Account": olmpy.Account,
    "Session": olmpy.Session,
    "GroupSession": olmpy.GroupSession,
    "InboundGroupSession": olmpy.InboundGroupSession,
    "PkDecryption": olmpy.PkDecryption,
}


@pytest.mark.parametrize("fmt", ost.PICKLE_FORMATS)
def test_pickles_load_where_their_format_belongs(fmt: ost.PickleFormat) -> None:
    loaded: set[str] = set()

    @settings(FAST, max_examples=10)
    @given(ost.pickles(formats=(fmt,), ascii_keys=True))
    def check(p: ost.Pickled) -> None:
        loaded.add(p.object_type)
        want = _identity(p.source)
        cls = OLMPY[p.object_type]
        if fmt == "olmpy":
            assert _identity(cls.from_pickle(p.pickle, p.key)) == want
            return
        if fmt == "libolm" or p.object_type == "PkDecryption":
            # python-olm reads libolm's format; vodozemac's PkDecryption pickle is that too
            theirs = PYTHON_OLM[p.object_type].from_pickle(p.pickle.encode(), p.key.decode())
            assert _identity(theirs) == want
        if fmt == "libolm":
            assert _identity(cls.from_libolm_pickle(p.pickle, p.key)) == want
            if p.object_type in ("Account", "Session", "InboundGroupSession"):
                voz = getattr(vodozemac, p.object_type).from_libolm_pickle(p.pickle, p.key)
                assert _identity(voz) == want
        else:
            assert _identity(cls.from_vodozemac_pickle(p.pickle, p.key)) == want
            if p.object_type != "PkDecryption":
                voz = getattr(vodozemac, p.object_type).from_pickle(p.pickle, p.key)
                assert _identity(voz) == want

    check()
    assert len(loaded) >= 3, loaded  # several object types were drawn, not one


# --- mutated messages ------------------------------------------------------------------------

# What olmpy raises on first delivery, per mutation and message kind.
OLMPY_ERRORS: dict[str, tuple[type[Exception], ...]] = {
    "bit_flip": (DecodeError, DecryptionError),
    "truncation": (DecodeError, DecryptionError),
    "extension": (MacError, SignatureError, DecodeError),
    "wrong_version": (VersionError,),
    "wrong_key": (MacError, SignatureError),
}


@pytest.mark.parametrize("message_kind", ost.MESSAGE_KINDS)
@pytest.mark.parametrize("kind", ost.MUTATION_KINDS)
def test_mutated_messages_are_refused_for_their_reason(
    kind: ost.MutationKind, message_kind: ost.MessageKind
) -> None:
    @settings(FAST, max_examples=5)
    @given(ost.mutated_messages(kinds=(kind,), message_kinds=(message_kind,)))
    def check(m: ost.Mutated) -> None:
        assert m.kind == kind and m.original.kind == message_kind
        original = m.original
        others = peer_receivers(original)
        if kind == "replay":
            assert m.mutated == original.body
            assert ost.decrypt(original) == original.plaintext
            for deliver in others.values():
                assert deliver(original.body) == original.plaintext
            if original.kind == "megolm":
                # Megolm decrypts a replay everywhere; only a replay guard notices it.
                assert ost.decrypt(original, m.mutated) == original.plaintext
                for deliver in others.values():
                    assert deliver(m.mutated) == original.plaintext
                guard = olmpy.ReplayGuard()
                receiver = original.receiver
                assert isinstance(receiver, olmpy.InboundGroupSession)
                guard.decrypt(receiver, olmpy.MegolmMessage.from_bytes(original.body), "$a")
                with pytest.raises(ReplayError):
                    guard.decrypt(receiver, olmpy.MegolmMessage.from_bytes(m.mutated), "$b")
                return
            want = UnknownOneTimeKeyError if original.kind == "olm_pre_key" else (
                UnknownMessageIndexError
            )
            with pytest.raises(want):
                ost.decrypt(original, m.mutated)
            for deliver in others.values():
                refused(lambda d=deliver: d(m.mutated))  # type: ignore[misc]
            return
        with pytest.raises(OLMPY_ERRORS[kind]):
            ost.decrypt(original, m.mutated)
        for name, deliver in others.items():
            text = refused(lambda d=deliver: d(m.mutated))  # type: ignore[misc]
            assert text, name
        # The damage was the only reason: the undamaged message still gets through.
        assert ost.decrypt(original) == original.plaintext

    check()


# --- signed keys and cross-signing -------------------------------------------------------------


def peer_verify(obj: dict[str, Any], user: str, key_id: str, public_b64: str, text: bytes) -> None:
    """Both peers verify the signature over ``text``; raises if either refuses."""
    signature = obj["signatures"][user][key_id]
    olm.ed25519_verify(public_b64, text, signature)
    vodozemac.Ed25519PublicKey.from_base64(public_b64).verify_signature(
        text, vodozemac.Ed25519Signature.from_base64(signature)
    )


def snippet_payload(obj: dict[str, Any]) -> bytes:
    """Canonical JSON per the spec's snippet, without olmpy."""
    body = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def olmpy_check(k: ost.SignedKeys) -> None:
    if k.kind == "device_keys":
        verify_device_keys(k.obj, k.user_id, k.device_id, k.ed25519_key)
    else:
        assert k.key_id is not None
        verify_signed_key(
            k.key_id, k.obj, k.user_id, k.device_id, k.ed25519_key,
            fallback=k.kind == "fallback_key",
        )


@pytest.mark.parametrize("kind", ost.SIGNED_KINDS)
@pytest.mark.parametrize("defect", [None, *ost.KEY_DEFECTS])
def test_signed_keys_valid_or_refused_for_their_defect(
    kind: ost.SignedKind, defect: ost.KeyDefect | None
) -> None:
    @settings(FAST, max_examples=3)
    @given(ost.signed_keys(kinds=(kind,), defects=(defect,)))
    def check(k: ost.SignedKeys) -> None:
        assert k.defect == defect and k.kind == kind
        key_id = f"ed25519:{k.device_id}"
        public = k.ed25519_key.to_base64()
        if defect is None:
            olmpy_check(k)
            assert snippet_payload(k.obj) == k.signed_text
            peer_verify(k.obj, k.user_id, key_id, public, snippet_payload(k.obj))
            return
        if defect == "bad_signature":
            with pytest.raises(SignatureError):
                olmpy_check(k)
            refused(lambda: olm.ed25519_verify(
                public, snippet_payload(k.obj), k.obj["signatures"][k.user_id][key_id]))
            refused(lambda: vodozemac.Ed25519PublicKey.from_base64(public).verify_signature(
                snippet_payload(k.obj),
                vodozemac.Ed25519Signature.from_base64(k.obj["signatures"][k.user_id][key_id])))
        elif defect == "wrong_user":
            want = KeyObjectError if k.kind == "device_keys" else MissingSignatureError
            with pytest.raises(want):
                olmpy_check(k)
            # No signature by the user asked about; the other user's one is sound.
            assert k.user_id not in k.obj["signatures"]
            ((other, _),) = k.obj["signatures"].items()
            peer_verify(k.obj, other, key_id, public, snippet_payload(k.obj))
        elif defect == "missing_key":
            with pytest.raises(KeyObjectError):
                olmpy_check(k)
            if k.kind == "device_keys":
                assert key_id not in k.obj["keys"]
            else:
                assert "key" not in k.obj
            peer_verify(k.obj, k.user_id, key_id, public, snippet_payload(k.obj))
        else:
            with pytest.raises(SignatureError):
                olmpy_check(k)
            assert k.signed_text != snippet_payload(k.obj)
            peer_verify(k.obj, k.user_id, key_id, public, k.signed_text)  # signed that text
            refused(lambda: olm.ed25519_verify(
                public, snippet_payload(k.obj), k.obj["signatures"][k.user_id][key_id]))
            refused(lambda: vodozemac.Ed25519PublicKey.from_base64(public).verify_signature(
                snippet_payload(k.obj),
                vodozemac.Ed25519Signature.from_base64(k.obj["signatures"][k.user_id][key_id])))

    check()


@pytest.mark.parametrize("defect", [None, *ost.KEY_DEFECTS])
def test_cross_signing_bundles_valid_or_refused(defect: ost.KeyDefect | None) -> None:
    @settings(FAST, max_examples=5)
    @given(ost.cross_signing_bundles(defects=(defect,)))
    def check(b: ost.CrossSigningBundle) -> None:
        assert b.defect == defect
        master_b64 = b.master_public.to_base64()
        master_id = f"ed25519:{master_b64}"
        for usage, obj in (("self_signing", b.self_signing_key),
                           ("user_signing", b.user_signing_key)):
            if usage != b.defective:
                assert verify_signed_by_master(obj, usage, b.master_key)  # type: ignore[arg-type]
                peer_verify(obj, b.user_id, master_id, master_b64, snippet_payload(obj))
                continue
            errors: dict[str, type[Exception]] = {
                "bad_signature": SignatureError,
                "wrong_user": KeyObjectError,
                "missing_key": KeyObjectError,
                "non_canonical_json": SignatureError,
            }
            assert defect is not None
            with pytest.raises(errors[defect]):
                verify_signed_by_master(obj, usage, b.master_key)  # type: ignore[arg-type]
            if defect in ("bad_signature", "non_canonical_json"):
                refused(lambda o=obj: peer_verify(  # type: ignore[misc]
                    o, b.user_id, master_id, master_b64, snippet_payload(o)))
            elif defect == "wrong_user":
                assert obj["user_id"] != b.user_id and b.user_id not in obj["signatures"]
            else:
                assert obj["keys"] == {}
        if defect is None:
            assert b.defective is None

    check()


# --- key backup and SAS ------------------------------------------------------------------------


@settings(FAST)
@given(ost.backup_entries())
def test_backup_entries_decrypt_with_python_olm(entry: ost.BackupEntry) -> None:
    mine = olmpy.PkDecryption.from_key(entry.decryption_key)
    assert mine.public_key == entry.public_key
    data = entry.key_backup_data["session_data"]
    theirs = olm.PkDecryption.from_pickle(
        mine.to_libolm_pickle(PEER_KEY).encode(), PEER_KEY.decode()
    )
    plain = json.loads(
        theirs.decrypt(olm.PkMessage(data["ephemeral"], data["mac"], data["ciphertext"]))
    )
    assert plain["sender_key"] == entry.sender_key.to_base64()
    assert plain["sender_claimed_keys"] == entry.sender_claimed_keys
    peer_session = olm.InboundGroupSession.import_session(plain["session_key"])
    assert peer_session.id == entry.session_id
    decrypted = decrypt_key_backup_data(mine, entry.key_backup_data, session_id=entry.session_id)
    assert decrypted.room_key.session_id == entry.session_id


def _hkdf(secret: bytes, info: str, length: int) -> bytes:
    return HKDF(hashes.SHA256(), length, None, info.encode()).derive(secret)


@settings(FAST)
@given(ost.sas_exchanges())
def test_sas_exchanges_agree_and_match_an_independent_computation(ex: ost.SasExchange) -> None:
    assert ex.alice_bytes.as_bytes() == ex.bob_bytes.as_bytes()
    assert ex.alice_bytes.emojis == ex.bob_bytes.emojis
    ex.bob.verify_mac(ex.alice_key, ex.alice_mac_info, ex.alice_mac)
    ex.alice.verify_mac(ex.bob_key, ex.bob_mac_info, ex.bob_mac)
    # The same numbers from the drawn secrets with OpenSSL, without olmpy's SAS code.
    a = X25519PrivateKey.from_private_bytes(ex.secrets[0])
    b_pub = X25519PublicKey.from_public_bytes(
        X25519PrivateKey.from_private_bytes(ex.secrets[1]).public_key().public_bytes_raw()
    )
    shared = a.exchange(b_pub)
    assert _hkdf(shared, ex.info, 6) == ex.alice_bytes.as_bytes()
    mac = hmac.HMAC(_hkdf(shared, ex.alice_mac_info, 32), hashes.SHA256())
    mac.update(ex.alice_key.encode())
    assert b64(mac.finalize()) == ex.alice_mac
    with pytest.raises(MacError):
        ex.bob.verify_mac(ex.alice_key + "x", ex.alice_mac_info, ex.alice_mac)


# --- schedules -----------------------------------------------------------------------------------


def _peer_verdicts(protocol: str) -> tuple[Callable[..., None], list[dict[str, bool]]]:
    """An observer for ``play`` that asks both peers about each delivery first."""
    verdicts: list[dict[str, bool]] = []

    def observe(receiver: Any, message: Any, event_id: str) -> None:
        del event_id
        kind = "megolm" if protocol == "megolm" else (
            "olm_pre_key" if message.message_type == 0 else "olm_normal")
        if kind == "olm_pre_key":
            kind = "olm_normal"  # an established session takes pre-key messages too
            body = message.to_bytes()
            lib = olm_peers.LibolmConv(olm.Session.from_pickle(
                receiver.to_libolm_pickle(PEER_KEY).encode(), PEER_KEY.decode()))
            voz = olm_peers.VodozemacConv(
                vodozemac.Session.from_pickle(receiver.to_vodozemac_pickle(PEER_KEY), PEER_KEY))
            others: dict[str, Deliver] = {
                "libolm": lambda b: lib.decrypt((0, b64(b))),
                "vodozemac": lambda b: voz.decrypt((0, b64(b))),
            }
        else:
            body = message.to_bytes()
            wire = ost.WireMessage(kind, body, b"", receiver, None, 0)  # type: ignore[arg-type]
            others = peer_receivers(wire)
        result = {}
        for name, deliver in others.items():
            try:
                deliver(body)
                result[name] = True
            except Exception:
                result[name] = False
        verdicts.append(result)

    return observe, verdicts


@pytest.mark.parametrize("protocol", ["olm", "megolm"])
def test_schedules_play_the_same_in_olmpy_and_both_peers(protocol: str) -> None:
    results: set[str] = set()

    @settings(FAST, max_examples=8)
    @given(ost.schedules(protocol, max_events=10), st.data())  # type: ignore[arg-type]
    def check(schedule: ost.Schedule, data: st.DataObject) -> None:
        pair: ost.SessionPair | ost.GroupSessionPair = data.draw(
            ost.session_pairs() if protocol == "olm" else ost.group_session_pairs()
        )
        observe, verdicts = _peer_verdicts(protocol)
        outcomes = ost.play(schedule, pair, observer=observe)
        assert len(outcomes) == len(verdicts) == sum(
            isinstance(e, ost.Deliver) for e in schedule.events)
        for outcome, verdict in zip(outcomes, verdicts, strict=True):
            results.add(outcome.result)
            assert outcome.result != "error", outcome
            ok = outcome.result in ("ok", "replay")  # Megolm peers have no replay guard
            assert verdict == {"libolm": ok, "vodozemac": ok}, (outcome, verdict)
        # a duplicate Olm delivery is refused; a duplicate Megolm one is a replay
        delivered = [o.message for o in outcomes]
        for i, o in enumerate(outcomes):
            if o.message in delivered[:i] and delivered[:i].count(o.message) and (
                    outcomes[delivered.index(o.message)].result == "ok"):
                assert o.result == ("missing_key" if protocol == "olm" else "replay")

    check()
    assert "ok" in results


@pytest.mark.parametrize(
    ("events", "want"),
    [
        # 42 in one chain, the last first: 41 skipped keys, olmpy keeps MAX_SKIPPED_KEYS (40)
        ((ost.Send("alice", ost.MAX_SKIPPED_KEYS + 2), ost.Deliver(41), ost.Deliver(0),
          ost.Deliver(1)), ["ok", "missing_key", "ok"]),
        # one past MAX_MESSAGE_GAP ahead of the receiver
        ((ost.Send("bob", ost.MAX_MESSAGE_GAP + 2), ost.Deliver(ost.MAX_MESSAGE_GAP + 1),
          ost.Deliver(ost.MAX_MESSAGE_GAP)), ["gap", "ok"]),
    ],
    ids=["skipped-keys", "message-gap"],
)
def test_schedules_past_the_olm_limits(events: tuple[Any, ...], want: list[str]) -> None:
    pair = ost.session_pair_from_seed(b"limits")
    observe, verdicts = _peer_verdicts("olm")
    outcomes = ost.play(ost.Schedule("olm", events), pair, observer=observe)
    assert [o.result for o in outcomes] == want
    for outcome, verdict in zip(outcomes, verdicts, strict=True):
        ok = outcome.result == "ok"
        assert verdict == {"libolm": ok, "vodozemac": ok}, (outcome, verdict)


@settings(FAST, max_examples=3)
@given(
    ost.schedules("olm", max_events=5, beyond_limits=True).filter(
        lambda s: s.message_count > ost.MAX_SKIPPED_KEYS
    ),
    ost.session_pairs(),
)
def test_beyond_limit_schedules_agree_with_peers(
    schedule: ost.Schedule, pair: ost.SessionPair
) -> None:
    observe, verdicts = _peer_verdicts("olm")
    outcomes = ost.play(schedule, pair, observer=observe)
    for outcome, verdict in zip(outcomes, verdicts, strict=True):
        assert outcome.result in ("ok", "missing_key", "gap"), outcome
        ok = outcome.result == "ok"
        assert verdict == {"libolm": ok, "vodozemac": ok}, (outcome, verdict)


def test_megolm_before_the_first_known_index_is_unknown() -> None:
    @settings(FAST, max_examples=4)
    @given(ost.group_session_pairs().filter(lambda p: p.imported))
    def check(pair: ost.GroupSessionPair) -> None:
        first = pair.inbound.first_known_index - pair.outbound.message_index
        events = (ost.Send("alice", first + 1), ost.Deliver(0), ost.Deliver(first))
        outcomes = ost.play(ost.Schedule("megolm", events), pair)
        assert [o.result for o in outcomes] == ["unknown_index", "ok"]

    check()


# --- reproducibility, hygiene, errors ------------------------------------------------------------


def _fingerprint(value: Any) -> bytes:
    """Bytes that change when any secret behind ``value`` changes."""
    if isinstance(value, ost.SessionPair):
        return value.outbound.to_libolm_pickle(PEER_KEY).encode() + value.first_message.to_bytes()
    if isinstance(value, ost.GroupSessionPair):
        return value.inbound.to_libolm_pickle(PEER_KEY).encode()
    if isinstance(value, ost.Pickled):
        return value.pickle.encode()
    if isinstance(value, ost.Mutated):
        return value.original.body + value.mutated
    if isinstance(value, ost.WireMessage):
        return value.body
    if isinstance(value, (ost.SignedKeys, ost.CrossSigningBundle, ost.BackupEntry)):
        return repr(value.__dict__ if not hasattr(value, "__slots__") else value).encode()
    if isinstance(value, ost.SasExchange):
        return (value.alice_mac + value.bob_mac).encode()
    if isinstance(value, olmpy.Account):
        return value.to_libolm_pickle(PEER_KEY).encode()
    return repr(value).encode()


STRATEGIES = {
    "accounts": ost.accounts(one_time_keys=2, fallback_key=True),
    "session_pairs": ost.session_pairs(),
    "group_session_pairs": ost.group_session_pairs(),
    "pickles": ost.pickles(),
    "mutated_messages": ost.mutated_messages(),
    "signed_keys": ost.signed_keys(),
    "cross_signing_bundles": ost.cross_signing_bundles(),
    "backup_entries": ost.backup_entries(),
    "sas_exchanges": ost.sas_exchanges(),
    "schedules": ost.schedules(),
}


@pytest.mark.parametrize("name", STRATEGIES)
def test_same_seed_same_bytes_and_no_os_randomness(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_urandom(n: int) -> bytes:
        raise AssertionError(f"os.urandom({n}) called while drawing")

    def run() -> list[bytes]:
        seen: list[bytes] = []

        @seed(20240612)
        @settings(max_examples=4, deadline=None, database=None, derandomize=False)
        @given(STRATEGIES[name])
        def draw(value: Any) -> None:
            seen.append(_fingerprint(value))

        with monkeypatch.context() as m:
            m.setattr(os, "urandom", no_urandom)
            draw()
        return seen

    first, second = run(), run()
    assert first == second
    assert len(set(first)) > 1  # the seed drove real variety, not one constant value


def test_bad_arguments_raise_usage_errors() -> None:
    with pytest.raises(UsageError, match="kinds"):
        ost.wire_messages(kinds=("olm_v2",))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="one_time_keys"):
        ost.accounts(one_time_keys=-1)
    with pytest.raises(UsageError, match="protocol"):
        ost.schedules("pgp")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="defects"):
        ost.signed_keys(defects=("typo",))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="formats"):
        ost.pickles(formats="olmpy")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="seed"):
        ost.SeededRng(b"short")
    with pytest.raises(UsageError, match="Schedule"):
        ost.play("olm", ost.session_pair_from_seed(b"x"))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="GroupSessionPair"):
        ost.play(ost.Schedule("megolm", ()), ost.session_pair_from_seed(b"x"))
    with pytest.raises(UsageError, match="message sent before"):
        ost.play(ost.Schedule("olm", (ost.Deliver(0),)), ost.session_pair_from_seed(b"x"))


def test_docstring_examples() -> None:
    import olmpy.testing.pytest_plugin as plugin

    for module in (ost, plugin):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, (module.__name__, result)


def test_missing_hypothesis_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import olmpy.testing.strategies\n"
        "except ImportError as e:\n    print(e)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "olmpy[hypothesis]" in out


def test_same_classes_as_olmpy_error_tree() -> None:
    # Every refusal the tests above accept from olmpy is an olmpy error, never a bare one.
    for errors in OLMPY_ERRORS.values():
        assert all(issubclass(e, OlmpyError) for e in errors)

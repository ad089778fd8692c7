"""Live Olm interoperability: olmpy against libolm (python-olm) and vodozemac.

Every test takes the ``backend`` fixture, so it runs once with olmpy's native
core and once with its pure-Python twin.  Keys cross between the libraries as
base64 text and messages as (type, base64 body) pairs, as in Matrix events;
``olm_peers`` gives the three libraries one interface.  Each directed pair has
olmpy on one side, plus the two peers between themselves (which anchors what
"compatible" means and pins the peers' own error reporting).

Peer behaviour found and pinned here (each asserted, none skipped):

* Error reporting.  libolm reports a too-big gap, a message key that is gone
  (replayed, or evicted after 40 skipped) and a bad MAC all as
  BAD_MESSAGE_MAC, and both an unknown one-time key and a mismatched identity
  key as BAD_MESSAGE_KEY_ID.  vodozemac and olmpy tell the causes apart
  (olmpy: MessageGapError, UnknownMessageIndexError, MacError,
  UnknownOneTimeKeyError, IdentityKeyMismatchError).
* One-time keys.  vodozemac and olmpy remove a one-time key only once the
  pre-key message decrypts.  libolm creates the session without decrypting and
  needs an explicit ``remove_one_time_keys``; the harness calls it only after
  the message decrypted, as a careful client does.
* Skipped message keys.  Within one chain both peers keep the newest 40 and
  evict the oldest.  Across chains they differ: libolm's 40 are per session,
  vodozemac's 40 are per receiver chain.  olmpy follows libolm
  (``test_skipped_keys_across_chains``).
* Evicted receiver chains.  A message of a chain with 5 newer receiver chains
  fails as a bad MAC in both peers, whether or not the receiver currently has a
  sending chain (libolm refuses a new ratchet key before it has answered the
  last one; vodozemac tries it and fails the MAC).  olmpy must raise MacError in
  both states (``test_evicted_chain_before_reply``).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import olm
import pytest
import vodozemac
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

import olmpy
import olmpy.testing
from olmpy.errors import (
    DecodeError,
    IdentityKeyMismatchError,
    MacError,
    MessageGapError,
    UnknownMessageIndexError,
    UnknownOneTimeKeyError,
)

from . import olm_peers
from .olm_peers import NORMAL, PEERS, PRE_KEY, Conv, Party, Wire

# every directed pair with olmpy on one side, then the two peers between themselves
OLMPY_PAIRS = [(a, b) for peer in PEERS for a, b in (("olmpy", peer), (peer, "olmpy"))]
ANCHORS = [("libolm", "vodozemac"), ("vodozemac", "libolm")]
PAIRS = OLMPY_PAIRS + ANCHORS

pair_params = pytest.mark.parametrize(
    ("alice_lib", "bob_lib"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS]
)
olmpy_pair_params = pytest.mark.parametrize(
    ("alice_lib", "bob_lib"), OLMPY_PAIRS, ids=[f"{a}->{b}" for a, b in OLMPY_PAIRS]
)
key_kinds = pytest.mark.parametrize("fallback", [False, True], ids=["one-time", "fallback"])

# The backend fixture is function-scoped on purpose: it stays active for all examples.
HYPOTHESIS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

MAX_GAP = 2000
MAX_SKIPPED = 40
MAX_CHAINS = 5

# the typed olmpy error for each shared failure reason
OLMPY_ERRORS: dict[str, type[Exception]] = {
    "mac": MacError,
    "gap": MessageGapError,
    "missing-key": UnknownMessageIndexError,
    "unknown-one-time-key": UnknownOneTimeKeyError,
    "identity-mismatch": IdentityKeyMismatchError,
}
# libolm's (coarser) error code for each reason
LIBOLM_CODES = {
    "mac": "BAD_MESSAGE_MAC",
    "gap": "BAD_MESSAGE_MAC",
    "missing-key": "BAD_MESSAGE_MAC",
    "unknown-one-time-key": "BAD_MESSAGE_KEY_ID",
    "identity-mismatch": "BAD_MESSAGE_KEY_ID",
}


def pattern(size: int) -> bytes:
    """``size`` bytes that start with 0x80, so they are never valid UTF-8 (for size > 0)."""
    return bytes((0x80 + i * 151) & 0xFF for i in range(size))


BIG = pattern(65536)


def assert_refused(lib: str, call: Callable[[], object], reason: str) -> None:
    """``call()`` fails in ``lib`` for ``reason``: olmpy's typed error, or the peer's own error."""
    if lib == "olmpy":
        with pytest.raises(OLMPY_ERRORS[reason]):
            call()
        return
    error = olm_peers.failure(call)
    if lib == "libolm":
        assert error == f"LibolmError: {LIBOLM_CODES[reason]}", (reason, error)
    else:
        assert olm_peers.classify(error) == reason, (reason, error)


def state(conv: Conv) -> str | None:
    """olmpy's description of a session (chain indexes), to show a failure changed nothing."""
    return conv.inner.describe() if conv.lib == "olmpy" else None  # type: ignore[attr-defined]


def assert_decrypt_refused(conv: Conv, message: Wire, reason: str) -> None:
    """``conv`` refuses ``message`` for ``reason`` and its state is unchanged."""
    before = state(conv)
    assert_refused(conv.lib, lambda: conv.decrypt(message), reason)
    assert state(conv) == before


def tampered(message: Wire) -> Wire:
    """The message with the last byte of its body flipped (a normal message's MAC)."""
    raw = bytearray(olm_peers.b64decode(message[1]))
    raw[-1] ^= 0x01
    return message[0], olm_peers.b64encode(bytes(raw))


def parties(alice_lib: str, bob_lib: str) -> tuple[Party, Party]:
    return olm_peers.new_party(alice_lib), olm_peers.new_party(bob_lib)


def ping_pong(sender: Conv, receiver: Conv, plaintext: bytes) -> None:
    """One message from ``sender`` that ``receiver`` must decrypt to the same bytes."""
    message = sender.encrypt(plaintext)
    assert receiver.decrypt(message) == plaintext


# --- 1. sessions in both directions, from one-time and fallback keys ---------------------


@pair_params
@key_kinds
def test_session_round_trip(
    backend: ModuleType, alice_lib: str, bob_lib: str, fallback: bool
) -> None:
    """Alice sends pre-key messages until Bob's reply decrypts, then both talk normally."""
    alice, bob = parties(alice_lib, bob_lib)
    a, b = olm_peers.establish(alice, bob, fallback=fallback, first=b"")
    assert a.session_id == b.session_id
    if alice_lib == "olmpy":
        assert not a.inner.has_received_message  # type: ignore[attr-defined]
    if bob_lib == "olmpy":
        assert b.inner.has_received_message  # type: ignore[attr-defined]

    # more pre-key messages, all for the same session
    early = [(size, a.encrypt(pattern(size))) for size in (1, 17, 1000)]
    for size, message in early:
        assert message[0] == PRE_KEY
        assert b.matches(message)
        assert b.decrypt(message) == pattern(size)

    # Bob's reply is a normal message; until Alice decrypts it she still sends pre-keys
    reply = b.encrypt(b"reply \xff")
    assert reply[0] == NORMAL
    still = a.encrypt(b"still pre-key")
    assert still[0] == PRE_KEY
    assert a.decrypt(reply) == b"reply \xff"
    if alice_lib == "olmpy":
        assert a.inner.has_received_message  # type: ignore[attr-defined]
    after = a.encrypt(b"now normal")
    assert after[0] == NORMAL
    assert b.decrypt(after) == b"now normal"
    assert b.decrypt(still) == b"still pre-key"  # a late pre-key still decrypts

    # several turns each way, every size class, none of them UTF-8
    sizes = [0, 1, 15, 16, 17, 255, 4096] + ([] if fallback else [65536])
    for turn, size in enumerate(sizes):
        sender, receiver = (a, b) if turn % 2 else (b, a)
        for extra in range(1 + turn % 3):
            message = sender.encrypt(pattern(size + extra))
            assert message[0] == NORMAL
            assert receiver.decrypt(message) == pattern(size + extra)
    assert a.session_id == b.session_id


@pair_params
def test_fallback_key_serves_many_sessions(
    backend: ModuleType, alice_lib: str, bob_lib: str
) -> None:
    """One published fallback key opens sessions from two senders and stays usable after."""
    alice, bob = parties(alice_lib, bob_lib)
    carol = olm_peers.new_party(alice_lib)
    _, key = olm_peers.published_key(bob, fallback=True)
    sessions = []
    for sender in (alice, carol, alice):
        a = sender.outbound(bob.identity_key, key)
        b, plaintext = bob.inbound(sender.identity_key, a.encrypt(b"via fallback"))
        assert plaintext == b"via fallback"
        assert a.session_id == b.session_id
        ping_pong(b, a, b"ack")
        sessions.append(a.session_id)
    assert len(set(sessions)) == 3  # every sender's base key is fresh
    assert bob.fallback_key() == {}  # published, so not listed again


@pair_params
def test_session_ids_agree(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """Both ends report b64(SHA-256(I_A || E_A || E_B)), computed here from the pre-key message."""
    alice, bob = parties(alice_lib, bob_lib)
    _, key = olm_peers.published_key(bob)
    a = alice.outbound(bob.identity_key, key)
    message = a.encrypt(b"id")
    fields = olm_peers.pre_key_fields(message[1])
    assert olm_peers.b64encode(fields["identity_key"]) == alice.identity_key
    assert olm_peers.b64encode(fields["one_time_key"]) == key
    expected = olm_peers.b64encode(
        hashlib.sha256(
            fields["identity_key"] + fields["base_key"] + fields["one_time_key"]
        ).digest()
    )
    b, _ = bob.inbound(alice.identity_key, message)
    assert a.session_id == b.session_id == expected
    # olmpy and vodozemac read the same id out of the bare pre-key message
    parsed = olmpy.PreKeyMessage.from_base64(message[1])
    assert parsed.to_base64() == message[1]
    assert parsed.session_id() == expected
    pre_key = vodozemac.AnyOlmMessage.from_parts(0, olm_peers.b64decode(message[1])).to_pre_key()
    assert pre_key is not None and pre_key.session_id() == expected


def test_message_objects_carry_peer_bytes(backend: ModuleType) -> None:
    """olmpy's message types parse and re-emit both peers' pre-key and normal messages unchanged."""
    for peer in PEERS:
        alice, bob = parties(peer, peer)
        a, b = olm_peers.establish(alice, bob)
        pre_key = a.encrypt(b"p")
        normal = b.encrypt(b"n")
        for message_type, body in (pre_key, normal):
            any_message = olmpy.AnyOlmMessage.from_parts(message_type, body)
            assert any_message.message_type == message_type
            assert any_message.to_parts() == (message_type, olm_peers.b64decode(body))
            assert any_message.to_base64() == body
            raw = olmpy.AnyOlmMessage.from_parts(message_type, olm_peers.b64decode(body))
            assert raw.to_parts() == any_message.to_parts()
        assert olmpy.AnyOlmMessage.from_parts(*pre_key).to_pre_key() is not None
        assert olmpy.AnyOlmMessage.from_parts(*normal).to_pre_key() is None
        assert olmpy.PreKeyMessage.from_base64(pre_key[1]).to_base64() == pre_key[1]
        assert olmpy.Message.from_base64(normal[1]).to_base64() == normal[1]
        raw_normal = olm_peers.b64decode(normal[1])
        assert olmpy.Message.from_bytes(raw_normal).to_bytes() == raw_normal
        with pytest.raises(DecodeError):
            olmpy.AnyOlmMessage.from_parts(PRE_KEY, raw_normal[:5])


def test_account_keys_match_peers(backend: ModuleType) -> None:
    """olmpy's account keys, signatures and key ids match libsodium, vodozemac and libolm."""
    seed, secret = bytes(range(32)), bytes(range(32, 64))
    account = olmpy.testing.account_from_parts(seed, secret)
    signing = SigningKey(seed)
    curve = vodozemac.Curve25519SecretKey.from_bytes(secret).public_key().to_base64()
    assert account.curve25519_key.to_base64() == curve
    assert account.ed25519_key.to_base64() == olm_peers.b64encode(bytes(signing.verify_key))
    assert account.identity_keys == {
        "curve25519": curve,
        "ed25519": account.ed25519_key.to_base64(),
    }
    message = b'{"device_id":"OLMPY","\xc3\xa9":1}'
    signature = account.sign(message)
    assert signature.to_base64() == olm_peers.b64encode(signing.sign(message).signature)
    olm.ed25519_verify(account.ed25519_key.to_base64(), message, signature.to_base64())
    vodozemac.Ed25519PublicKey.from_base64(account.ed25519_key.to_base64()).verify_signature(
        message, vodozemac.Ed25519Signature.from_base64(signature.to_base64())
    )
    # key ids: base64 of a u32 big-endian counter from 1, shared with the fallback key (libolm)
    libolm_account = olm.Account()
    for acct in (account, libolm_account):
        acct.generate_one_time_keys(3)
        acct.generate_fallback_key()
    libolm_ids = libolm_account.one_time_keys["curve25519"]
    assert set(account.one_time_keys) == set(libolm_ids) == {"AAAAAQ", "AAAAAg", "AAAAAw"}
    assert set(account.fallback_key) == set(libolm_account.fallback_key["curve25519"])
    assert all(isinstance(k, olmpy.Curve25519PublicKey) for k in account.one_time_keys.values())


def test_deterministic_rng_gives_identical_sessions(backend: ModuleType) -> None:
    """Two olmpy accounts with the same secrets and rng produce byte-identical pre-key messages."""
    bob = olm_peers.new_party("vodozemac")
    _, key = olm_peers.published_key(bob)

    def counter_rng() -> Callable[[int], bytes]:
        calls = itertools.count()
        return lambda n: hashlib.shake_256(b"rng %d" % next(calls)).digest(n)

    runs = []
    for _ in range(2):
        account = olmpy.testing.account_from_parts(bytes(32), bytes([7]) * 32, rng=counter_rng())
        session = account.create_outbound_session(bob.identity_key, key)
        messages = [session.encrypt(b"same %d" % i).to_parts() for i in range(3)]
        runs.append((account.curve25519_key.to_base64(), session.session_id, messages))
    assert runs[0] == runs[1]
    identity_key, session_id, messages = runs[0]
    b, plaintext = bob.inbound(identity_key, (PRE_KEY, olm_peers.b64encode(messages[2][1])))
    assert plaintext == b"same 2"
    assert b.session_id == session_id


# --- 2. a random conversation -----------------------------------------------------------


@dataclass
class Sent:
    """A message in flight: who sent it, on which of their chains, and what it says."""

    sender: str
    chain: int
    plaintext: bytes
    wire: Wire


plaintexts = st.one_of(
    st.binary(max_size=80),
    st.sampled_from([b"", pattern(1), pattern(16), pattern(1000), BIG]),
)


@pytest.mark.parametrize("peer", PEERS)
@pytest.mark.parametrize("olmpy_first", [True, False], ids=["olmpy-alice", "olmpy-bob"])
@settings(HYPOTHESIS, max_examples=50)
@given(data=st.data())
def test_conversation_script(
    backend: ModuleType, peer: str, olmpy_first: bool, data: st.DataObject
) -> None:
    """Random turns, sizes, reordering, drops, replays and tampering: every outcome is predicted.

    The model: a side's n-th sending chain starts after it decrypts the peer's
    newest chain; a receiver keeps the 5 newest receiver chains, so a message
    from an older chain fails its MAC.  Each side sends at most 39 messages, so
    no more than 40 keys are ever skipped and the gap stays far below 2000.
    Delivered messages decrypt to what was sent; replays fail as missing keys;
    tampered ones fail their MAC and change nothing (before Bob has a session,
    they leave his one-time key in place).
    """
    alice_lib, bob_lib = ("olmpy", peer) if olmpy_first else (peer, "olmpy")
    alice, bob = parties(alice_lib, bob_lib)
    fallback = data.draw(st.booleans(), label="fallback")
    if fallback:
        bob.generate_fallback_key()
        keys = bob.fallback_key()
    else:
        bob.generate_one_time_keys(1)
        keys = bob.one_time_keys()
    ((_, key),) = keys.items()
    convs: dict[str, Conv | None] = {"a": alice.outbound(bob.identity_key, key), "b": None}
    latest = {"a": -1, "b": -1}  # the newest chain of the peer that each side decrypted
    sent_count = {"a": 0, "b": 0}
    pending: list[Sent] = []
    delivered: list[Sent] = []

    def bob_keys() -> dict[str, str]:
        return bob.fallback_key() if fallback else bob.one_time_keys()

    def send(side: str, plaintext: bytes) -> None:
        conv = convs[side]
        assert conv is not None
        message = conv.encrypt(plaintext)
        assert message[0] == (PRE_KEY if side == "a" and latest["a"] < 0 else NORMAL)
        chain = latest["a"] + 1 if side == "a" else latest["b"]
        pending.append(Sent(side, chain, plaintext, message))
        sent_count[side] += 1

    def deliver(item: Sent, message: Wire) -> None:
        """Delivers ``message`` (``item``'s, perhaps altered) and checks the predicted outcome."""
        receiver = "b" if item.sender == "a" else "a"
        genuine = message == item.wire
        replay = item in delivered
        conv = convs[receiver]
        if conv is None:  # Bob's first message ever: it must create the session
            assert receiver == "b" and message[0] == PRE_KEY and not replay
            if not genuine:
                assert_refused(bob_lib, lambda: bob.inbound(alice.identity_key, message), "mac")
                assert bob_keys() == keys
                return
            convs["b"], plaintext = bob.inbound(alice.identity_key, message)
            assert plaintext == item.plaintext
            assert convs["b"].session_id == convs["a"].session_id  # type: ignore[union-attr]
            assert bob_keys() == (keys if fallback else {})
            latest["b"] = 0
            delivered.append(item)
            return
        if message[0] == PRE_KEY:
            assert conv.matches(message)
        evicted = latest[receiver] - item.chain >= MAX_CHAINS
        if evicted or not genuine:
            assert_decrypt_refused(conv, message, "mac")
        elif replay:
            assert_decrypt_refused(conv, message, "missing-key")
        else:
            assert conv.decrypt(message) == item.plaintext
            latest[receiver] = max(latest[receiver], item.chain)
            delivered.append(item)

    for _ in range(data.draw(st.integers(1, 50), label="steps")):
        actions = []
        if sent_count["a"] < MAX_SKIPPED - 1:
            actions.append("send a")
        if convs["b"] is not None and sent_count["b"] < MAX_SKIPPED - 1:
            actions.append("send b")
        if pending:
            actions += ["deliver", "deliver", "drop", "tamper"]
        if delivered:
            actions.append("replay")
        if convs["b"] is not None and max(sent_count.values()) < MAX_SKIPPED - 2:
            actions.append("round")
        action = data.draw(st.sampled_from(actions))
        if action == "round":  # a prompt exchange: each side starts a new chain
            for side in "ab":
                send(side, data.draw(plaintexts))
                item = pending.pop()
                deliver(item, item.wire)
        elif action.startswith("send"):
            send(action[-1], data.draw(plaintexts))
        elif action == "replay":
            item = data.draw(st.sampled_from(delivered))
            deliver(item, item.wire)
        else:
            item = pending[data.draw(st.integers(0, len(pending) - 1))]
            if action == "tamper":
                deliver(item, tampered(item.wire))
                continue
            pending.remove(item)
            if action == "deliver":
                deliver(item, item.wire)

    # whatever happened, the two ends still share a working session
    if convs["b"] is None:
        send("a", b"last pre-key")
        deliver(pending[-1], pending[-1].wire)
    a, b = convs["a"], convs["b"]
    assert a is not None and b is not None
    ping_pong(b, a, b"final reply")
    ping_pong(a, b, b"final \xff")


# --- 3. limits, deterministically ---------------------------------------------------------


@pair_params
def test_message_gap_limit(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """A gap of 2001 fails where 2000 passes; of the keys skipped, only the newest 40 survive."""
    alice, bob = parties(alice_lib, bob_lib)
    a, b = olm_peers.establish(alice, bob)  # Bob's receiver chain now waits for index 1
    messages = {i: a.encrypt(b"m%d" % i) for i in range(1, MAX_GAP + 3)}
    assert_decrypt_refused(b, messages[MAX_GAP + 2], "gap")
    assert b.decrypt(messages[MAX_GAP + 1]) == b"m%d" % (MAX_GAP + 1)  # skips 1..2000
    # of the 2000 skipped keys only 1961..2000 are kept
    assert_decrypt_refused(b, messages[MAX_GAP - MAX_SKIPPED], "missing-key")
    assert b.decrypt(messages[MAX_GAP - MAX_SKIPPED + 1]) == b"m1961"
    assert_decrypt_refused(b, messages[MAX_GAP - MAX_SKIPPED + 1], "missing-key")  # used up
    assert_decrypt_refused(b, messages[MAX_GAP + 1], "missing-key")  # already decrypted
    assert b.decrypt(messages[MAX_GAP + 2]) == b"m2002"  # now a gap of 0
    assert b.decrypt(messages[MAX_GAP]) == b"m2000"
    ping_pong(b, a, b"still fine")


@pair_params
def test_message_gap_limit_on_new_chain(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """The first message of a new receiver chain may skip 2000 messages but not 2001."""
    alice, bob = parties(alice_lib, bob_lib)
    a, b = olm_peers.establish(alice, bob)
    ping_pong(b, a, b"reply")  # Alice's next message starts her second chain, at index 0
    messages = [a.encrypt(b"n%d" % i) for i in range(MAX_GAP + 2)]
    assert_decrypt_refused(b, messages[MAX_GAP + 1], "gap")
    assert b.decrypt(messages[MAX_GAP]) == b"n2000"
    assert b.decrypt(messages[MAX_GAP - 1]) == b"n1999"
    assert_decrypt_refused(b, messages[0], "missing-key")  # evicted long ago


@pair_params
def test_skipped_key_limit(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """With 43 keys skipped on one chain the oldest 3 are gone (missing key), the other 40 work."""
    alice, bob = parties(alice_lib, bob_lib)
    a, b = olm_peers.establish(alice, bob)
    messages = {i: a.encrypt(pattern(i)) for i in range(1, 47)}
    assert b.decrypt(messages[30]) == pattern(30)  # skips 1..29
    assert b.decrypt(messages[45]) == pattern(45)  # skips 31..44: 43 in all, 1..3 evicted
    for i in (1, 2, 3):
        assert_decrypt_refused(b, messages[i], "missing-key")
    for i in [*range(44, 30, -1), *range(4, 30)]:
        assert b.decrypt(messages[i]) == pattern(i)
    for i in (4, 30, 45):
        assert_decrypt_refused(b, messages[i], "missing-key")  # replays
    assert b.decrypt(messages[46]) == pattern(46)


def hold_back_then_ratchet(
    alice_lib: str, bob_lib: str, newer: int
) -> tuple[Conv, Conv, Wire, Wire]:
    """Alice and Bob each hold back one message of their first chain, then take ``newer`` turns.

    Returns (alice, bob, Alice's held message, Bob's held message).  Each turn
    gives Bob one more receiver chain (Alice's) and Alice one more (Bob's); at
    the end Bob has just decrypted Alice's newest chain and not yet answered.
    """
    alice, bob = parties(alice_lib, bob_lib)
    a, b = olm_peers.establish(alice, bob)
    held = a.encrypt(b"held back")  # Alice's first chain, index 1
    held_reply: Wire | None = None
    for turn in range(newer):
        reply = b.encrypt(b"reply %d" % turn)
        if turn == 0:
            held_reply = b.encrypt(b"held reply")  # Bob's first chain, index 1
        assert a.decrypt(reply) == b"reply %d" % turn
        message = a.encrypt(b"turn %d" % turn)
        assert message[0] == NORMAL
        assert b.decrypt(message) == b"turn %d" % turn  # a new receiver chain for Bob
    assert held_reply is not None
    return a, b, held, held_reply


@pair_params
def test_receiver_chain_limit(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """A held-back message decrypts after 4 newer receiver chains but fails its MAC after 5."""
    a, b, held, held_reply = hold_back_then_ratchet(alice_lib, bob_lib, MAX_CHAINS - 1)
    assert b.decrypt(held) == b"held back"
    assert a.decrypt(held_reply) == b"held reply"

    a, b, held, held_reply = hold_back_then_ratchet(alice_lib, bob_lib, MAX_CHAINS)
    unanswered = b.encrypt(b"unanswered")  # Bob has a sending chain again
    assert_decrypt_refused(b, held, "mac")
    # Alice has seen only 4 chains of Bob's newer than his first, so his held reply still works
    assert a.decrypt(held_reply) == b"held reply"
    assert a.decrypt(unanswered) == b"unanswered"
    ping_pong(a, b, b"after")
    ping_pong(b, a, b"after too")


@pair_params
def test_evicted_chain_before_reply(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """A message of an evicted chain fails its MAC also while the receiver has no sending chain."""
    a, b, held, _ = hold_back_then_ratchet(alice_lib, bob_lib, MAX_CHAINS)
    # Bob just decrypted a new chain and has not answered: both peers still say "bad MAC"
    assert_decrypt_refused(b, held, "mac")
    ping_pong(b, a, b"answer")
    ping_pong(a, b, b"and on")


@olmpy_pair_params
def test_skipped_keys_across_chains(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """olmpy keeps 40 skipped keys per session like libolm (vodozemac keeps 40 per chain)."""
    alice, bob = parties(alice_lib, bob_lib)
    a, b = olm_peers.establish(alice, bob)
    first = [a.encrypt(b"c0-%d" % i) for i in range(31)]
    assert b.decrypt(first[-1]) == b"c0-30"  # 30 skipped on Alice's first chain (1..30)
    ping_pong(b, a, b"reply")
    second = [a.encrypt(b"c1-%d" % i) for i in range(31)]
    assert b.decrypt(second[-1]) == b"c1-30"  # 30 more on her second: 60 in all
    kept = {"olmpy": 10, "libolm": 10, "vodozemac": 30}[bob_lib]
    gone = 30 - kept  # the oldest keys of the first chain
    for i in range(gone):
        assert_decrypt_refused(b, first[i], "missing-key")
    for i in range(gone, 30):
        assert b.decrypt(first[i]) == b"c0-%d" % i
    for i in range(30):
        assert b.decrypt(second[i]) == b"c1-%d" % i


# --- 4. pre-key messages: one-time keys, identity keys ------------------------------------


@pair_params
@key_kinds
def test_forged_pre_key_keeps_one_time_key(
    backend: ModuleType, alice_lib: str, bob_lib: str, fallback: bool
) -> None:
    """A forged pre-key message naming a real key fails its MAC and consumes nothing."""
    alice, bob = parties(alice_lib, bob_lib)
    if fallback:
        bob.generate_fallback_key()
        keys = bob.fallback_key()
    else:
        bob.generate_one_time_keys(3)
        keys = bob.one_time_keys()
    key = sorted(keys.values())[0]
    a = alice.outbound(bob.identity_key, key)
    genuine = a.encrypt(b"genuine")
    fields = olm_peers.pre_key_fields(genuine[1])
    ratchet_key = olm_peers.normal_fields(fields["message"])[0]
    forged = (
        PRE_KEY,
        olm_peers.forge_pre_key(
            fields["one_time_key"], fields["base_key"], fields["identity_key"], ratchet_key
        ),
    )
    for message in (forged, tampered(genuine)):
        assert_refused(bob_lib, lambda m=message: bob.inbound(alice.identity_key, m), "mac")
        assert (bob.fallback_key() if fallback else bob.one_time_keys()) == keys
    b, plaintext = bob.inbound(alice.identity_key, genuine)
    assert plaintext == b"genuine"
    assert b.session_id == a.session_id
    if fallback:
        assert bob.fallback_key() == keys  # a fallback key is never used up
    else:
        remaining = {k: v for k, v in keys.items() if v != key}
        assert bob.one_time_keys() == remaining
        # the key is gone now: the same message cannot open a second session
        assert_refused(
            bob_lib, lambda: bob.inbound(alice.identity_key, genuine), "unknown-one-time-key"
        )
    ping_pong(b, a, b"welcome")


@pair_params
def test_pre_key_refusals(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """A wrong sender identity key and an unknown one-time key are refused with typed errors."""
    alice, bob = parties(alice_lib, bob_lib)
    mallory = olm_peers.new_party(alice_lib)
    stranger = olm_peers.new_party(bob_lib)
    bob.generate_one_time_keys(2)
    keys = bob.one_time_keys()
    a = alice.outbound(bob.identity_key, sorted(keys.values())[0])
    message = a.encrypt(b"who am I")

    assert_refused(bob_lib, lambda: bob.inbound(mallory.identity_key, message), "identity-mismatch")
    assert bob.one_time_keys() == keys
    # an account that never issued the key
    stranger.generate_one_time_keys(1)
    stranger_keys = stranger.one_time_keys()
    assert_refused(
        bob_lib, lambda: stranger.inbound(alice.identity_key, message), "unknown-one-time-key"
    )
    assert stranger.one_time_keys() == stranger_keys
    # a key Bob has already used up
    b, plaintext = bob.inbound(alice.identity_key, message)
    assert plaintext == b"who am I"
    carol = olm_peers.new_party(alice_lib)
    replayed = carol.outbound(bob.identity_key, sorted(keys.values())[0]).encrypt(b"late")
    assert_refused(
        bob_lib, lambda: bob.inbound(carol.identity_key, replayed), "unknown-one-time-key"
    )
    ping_pong(b, a, b"hi Alice")


@pair_params
def test_session_matches(backend: ModuleType, alice_lib: str, bob_lib: str) -> None:
    """Bob's session matches its own pre-key messages, not another session's or normal ones."""
    alice, bob = parties(alice_lib, bob_lib)
    a, b = olm_peers.establish(alice, bob)
    other_a, _ = olm_peers.establish(alice, bob)  # a second session between the same two
    own, other = a.encrypt(b"own"), other_a.encrypt(b"other")
    assert own[0] == other[0] == PRE_KEY
    assert b.matches(own)
    assert not b.matches(other)
    assert b.decrypt(own) == b"own"
    if bob_lib == "olmpy":
        ping_pong(b, a, b"reply")
        assert not b.inner.session_matches(  # type: ignore[attr-defined]
            olmpy.AnyOlmMessage.from_parts(*a.encrypt(b"normal"))
        )

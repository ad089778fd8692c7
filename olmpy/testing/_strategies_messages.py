"""Strategies for ``olmpy.testing.strategies``: Olm and Megolm wire messages, their
delivery (``decrypt``) and their mutations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from olmpy import _b64
from olmpy.errors import UsageError, expected
from olmpy.hazmat import primitives as _hazmat
from olmpy.keys import Curve25519PublicKey
from olmpy.megolm.inbound_group_session import InboundGroupSession
from olmpy.megolm.message import MegolmMessage
from olmpy.olm.account import Account
from olmpy.olm.messages import AnyOlmMessage, PreKeyMessage
from olmpy.olm.session import Session
from olmpy.testing._strategies_keys import (
    _choices,
    _plaintexts,
    _secret,
    accounts,
    group_session_pairs,
    session_pairs,
)

MessageKind = Literal["olm_pre_key", "olm_normal", "megolm"]
MESSAGE_KINDS: tuple[MessageKind, ...] = get_args(MessageKind)


@dataclass(frozen=True, eq=False)
class WireMessage:
    """One message as it travels, with what receives it.

    ``body`` is the raw message (base64 it for an event).  ``receiver`` is, for a
    pre-key message, the receiving ``Account`` (the message opens a session; the sender's
    identity key is ``sender_key``); for a normal message, the receiving ``Session``;
    for Megolm, the ``InboundGroupSession``.  ``decrypt(message)`` delivers it.
    """

    kind: MessageKind
    body: bytes
    plaintext: bytes
    receiver: Account | Session | InboundGroupSession
    sender_key: Curve25519PublicKey | None
    index: int

    @property
    def message_type(self) -> int | None:
        """The Olm message type (0 pre-key, 1 normal); None for Megolm."""
        return {"olm_pre_key": 0, "olm_normal": 1}.get(self.kind)

    def to_base64(self, body: bytes | None = None) -> str:
        """``body`` (by default this message's) as unpadded base64."""
        return _b64.encode_public(self.body if body is None else body)


def decrypt(message: WireMessage, body: bytes | None = None) -> bytes:
    """Delivers ``body`` (by default ``message.body``) to ``message.receiver`` through
    olmpy and returns the plaintext; olmpy's error when it is refused.

    A pre-key message opens a session on the receiving account (which then forgets the
    one-time key); the receiving sessions advance as they would in a client."""
    if not isinstance(message, WireMessage):
        raise UsageError("message: " + expected("a WireMessage", type(message).__name__))
    raw = message.body if body is None else body
    if not isinstance(raw, bytes):
        raise UsageError("body: " + expected("bytes", type(raw).__name__))
    receiver = message.receiver
    if isinstance(receiver, InboundGroupSession):
        return receiver.decrypt(MegolmMessage.from_bytes(raw)).plaintext
    wire = AnyOlmMessage.from_parts(0 if message.kind == "olm_pre_key" else 1, raw)
    if isinstance(receiver, Account):
        assert message.sender_key is not None
        return receiver.create_inbound_session(message.sender_key, wire)[1]
    return receiver.decrypt(wire)


def wire_messages(
    *, kinds: Sequence[MessageKind] = MESSAGE_KINDS
) -> SearchStrategy[WireMessage]:
    """Valid messages of each kind in ``kinds``; a few earlier messages of the same
    chain are sometimes left undelivered, so the receiver has skipped keys to use."""
    wanted = _choices("kinds", kinds, MESSAGE_KINDS)

    @st.composite
    def build(draw: st.DrawFn) -> WireMessage:
        kind = draw(st.sampled_from(wanted))
        plaintext = draw(_plaintexts())
        if kind == "olm_pre_key":
            alice = draw(accounts(one_time_keys=0))
            bob = draw(accounts(one_time_keys=draw(st.integers(1, 3))))
            keys = list(bob.one_time_keys.values())
            otk = keys[draw(st.integers(0, len(keys) - 1))]
            outbound = alice.create_outbound_session(bob.curve25519_key, otk)
            for _ in range(draw(st.integers(0, 2))):
                outbound.encrypt(b"earlier")
            body = outbound.encrypt(plaintext).to_bytes()
            return WireMessage(kind, body, plaintext, bob, alice.curve25519_key, 0)
        if kind == "olm_normal":
            pair = draw(session_pairs())
            for _ in range(draw(st.integers(0, 3))):
                pair.inbound.encrypt(b"skipped")
            message = pair.inbound.encrypt(plaintext)
            assert message.message_type == 1
            return WireMessage(
                kind, message.to_bytes(), plaintext, pair.outbound, pair.bob.curve25519_key, 0
            )
        group = draw(group_session_pairs(allow_imported=False))
        for _ in range(draw(st.integers(0, 3))):
            group.outbound.encrypt(b"skipped")
        sent = group.outbound.encrypt(plaintext)
        return WireMessage(kind, sent.to_bytes(), plaintext, group.inbound, None, sent.index)

    return build()


MutationKind = Literal[
    "bit_flip", "truncation", "extension", "wrong_version", "wrong_key", "replay"
]
MUTATION_KINDS: tuple[MutationKind, ...] = get_args(MutationKind)


@dataclass(frozen=True, eq=False)
class Mutated:
    """``original`` damaged by ``kind`` into ``mutated`` (raw bytes for the same receiver).

    - ``bit_flip``: one bit flipped anywhere (in a pre-key message, the keys the
      receiving account checks included, but not the outer version byte, which libolm
      does not read);
    - ``truncation``: cut to a shorter, non-empty prefix;
    - ``extension``: bytes appended to the authenticated part (for a pre-key message,
      to its inner message, the outer length adjusted);
    - ``wrong_version``: the version byte (3) replaced by one other than 3 and 4 (for a
      pre-key message, in the outer and the inner message alike);
    - ``wrong_key``: authenticated under another key: a Megolm message validly signed by
      another Ed25519 key, an Olm message naming another ratchet key (normal) or base key
      (pre-key);
    - ``replay``: the same bytes again.  Deliver ``original`` first, then ``mutated``:
      Olm refuses the second delivery (its key is used up); Megolm decrypts it again,
      and ``olmpy.ReplayGuard`` flags it when it comes on another event.

    Every other kind is refused on first delivery by olmpy, libolm and vodozemac.
    """

    original: WireMessage
    mutated: bytes
    kind: MutationKind


def _olm_ratchet_key_swapped(body: bytes, key: bytes) -> bytes:
    # A normal message olmpy writes starts 03 0a 20 <ratchet key>.
    if body[:3] != b"\x03\x0a\x20":
        raise AssertionError("unexpected Olm message layout")
    return body[:3] + key + body[35:]


def _mutate(draw: st.DrawFn, original: WireMessage, kind: MutationKind) -> bytes:
    body = original.body
    pre = PreKeyMessage.from_bytes(body) if original.kind == "olm_pre_key" else None
    if pre is not None:
        inner = pre.message.to_bytes()
        rebuilt = PreKeyMessage._build(pre.one_time_key, pre.base_key, pre.identity_key, inner)
        assert rebuilt == body, "olmpy's pre-key layout changed"
    if kind == "bit_flip":
        # libolm ignores a pre-key message's outer version byte, so flips start after it
        first = 8 if pre is not None else 0
        bit = draw(st.integers(first, len(body) * 8 - 1))
        out = bytearray(body)
        out[bit // 8] ^= 1 << (bit % 8)
        return bytes(out)
    if kind == "truncation":
        return body[: draw(st.integers(1, len(body) - 1))]
    if kind == "extension":
        extra = draw(st.binary(min_size=1, max_size=32))
        if pre is not None:
            return PreKeyMessage._build(
                pre.one_time_key, pre.base_key, pre.identity_key, inner + extra
            )
        return body + extra
    if kind == "wrong_version":
        version = draw(st.integers(0, 255).filter(lambda v: v not in (3, 4)))
        if pre is not None:  # the inner message too: libolm reads only that one
            inner = bytes([version]) + inner[1:]
            body = PreKeyMessage._build(pre.one_time_key, pre.base_key, pre.identity_key, inner)
        return bytes([version]) + body[1:]
    if kind == "wrong_key":
        if original.kind == "megolm":
            receiver = original.receiver
            assert isinstance(receiver, InboundGroupSession)
            signer = receiver.signing_key.to_bytes()
            seed = draw(
                _secret().filter(lambda s: _hazmat.ed25519_public_from_seed(s) != signer)
            )
            signed = body[:-64]
            return signed + _hazmat.ed25519_sign(seed, signed)
        own = pre.base_key if pre is not None else body[3:35]
        other = _hazmat.x25519_public(
            draw(_secret().filter(lambda s: _hazmat.x25519_public(s) != own))
        )
        if pre is not None:
            return PreKeyMessage._build(pre.one_time_key, other, pre.identity_key, inner)
        return _olm_ratchet_key_swapped(body, other)
    return body  # replay


def mutated_messages(
    *,
    kinds: Sequence[MutationKind] = MUTATION_KINDS,
    message_kinds: Sequence[MessageKind] = MESSAGE_KINDS,
) -> SearchStrategy[Mutated]:
    """Valid messages (``message_kinds``) damaged by one of ``kinds``; read
    ``Mutated.kind`` to assert per class."""
    wanted = _choices("kinds", kinds, MUTATION_KINDS)
    messages = wire_messages(kinds=message_kinds)

    @st.composite
    def build(draw: st.DrawFn) -> Mutated:
        kind = draw(st.sampled_from(wanted))
        original = draw(messages)
        mutated = _mutate(draw, original, kind)
        if kind != "replay":
            assert mutated != original.body
        return Mutated(original, mutated, kind)

    return build()

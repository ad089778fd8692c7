"""Deterministic building blocks shared by ``olmpy.testing.strategies`` (which needs
hypothesis) and ``olmpy.testing.pytest_plugin`` (which must not import it): a seeded rng,
the session-pair containers and builders from one seed.  For tests only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from olmpy._nocopy import refuse_pickle
from olmpy.device_keys import device_keys
from olmpy.errors import UsageError, expected, shown
from olmpy.megolm.group_session import GroupSession
from olmpy.megolm.inbound_group_session import InboundGroupSession
from olmpy.olm.account import Account
from olmpy.olm.messages import AnyOlmMessage
from olmpy.olm.session import Session
from olmpy.testing import account_from_parts, group_session_from_parts
from olmpy.types import DeviceKeys


class SeededRng:
    """A deterministic ``rng(n)``: SHA-256 of (seed, block counter), read as one stream.

    For tests only: it is as predictable as its seed.  Two instances with one seed
    return the same bytes, which is what replaying a hypothesis example needs.
    """

    __slots__ = ("_block", "_buffer", "_seed")

    # The seed regenerates every key drawn from the stream: never written out by pickle.
    __reduce__ = refuse_pickle("a new SeededRng(seed) with the same seed to replay the stream")

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != 32:
            raise UsageError("SeededRng seed: " + expected("32 bytes", shown(seed)))
        self._seed = seed
        self._block = 0
        self._buffer = b""

    def __call__(self, n: int) -> bytes:
        if type(n) is not int or n < 0:
            raise UsageError("SeededRng(n): " + expected("a non-negative int", shown(n)))
        while len(self._buffer) < n:
            block = hashlib.sha256(
                b"olmpy.testing.SeededRng" + self._seed + self._block.to_bytes(8, "big")
            ).digest()
            self._buffer += block
            self._block += 1
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def __repr__(self) -> str:
        return f"SeededRng(seed=bytes.fromhex({self._seed.hex()!r}))"


@dataclass(frozen=True, eq=False)
class SessionPair:
    """An established Olm session: ``outbound`` (Alice's) sent ``first_message``, a
    pre-key message, and ``inbound`` (Bob's) was made from it.  Until Alice receives a
    reply her messages stay pre-key messages; Bob's are normal messages."""

    alice: Account
    bob: Account
    outbound: Session
    inbound: Session
    first_message: AnyOlmMessage
    first_plaintext: bytes


def make_session_pair(alice: Account, bob: Account, plaintext: bytes) -> SessionPair:
    """Alice opens a session with one of Bob's one-time keys and sends ``plaintext``;
    Bob answers nothing yet.  Bob's keys are marked published."""
    keys = list(bob.one_time_keys.values())
    if not keys:
        raise UsageError("bob: " + expected("an account with a one-time key", "none"))
    outbound = alice.create_outbound_session(bob.curve25519_key, keys[0])
    first = outbound.encrypt(plaintext)
    inbound, got = bob.create_inbound_session(alice.curve25519_key, first)
    assert got == plaintext
    bob.mark_keys_as_published()
    return SessionPair(alice, bob, outbound, inbound, first, plaintext)


@dataclass(frozen=True, eq=False)
class GroupSessionPair:
    """A Megolm sender and a receiver of its key.  ``inbound`` knows indices from
    ``inbound.first_known_index`` on: ``outbound.message_index`` itself, or a later
    index when the receiver imported an exported key (``imported`` True)."""

    outbound: GroupSession
    inbound: InboundGroupSession
    imported: bool


@dataclass(frozen=True, eq=False)
class DeviceIdentity:
    """A device: its account, ids and signed ``device_keys`` object."""

    account: Account
    user_id: str
    device_id: str
    device_keys: DeviceKeys


def _part(seed: bytes, label: str, size: int = 32) -> bytes:
    out = b""
    block = 0
    while len(out) < size:
        out += hashlib.sha256(
            b"olmpy.testing seed|" + label.encode() + b"|" + block.to_bytes(4, "big") + seed
        ).digest()
        block += 1
    return out[:size]


def _seed_arg(seed: object) -> bytes:
    if not isinstance(seed, bytes) or not seed:
        raise UsageError("seed: " + expected("non-empty bytes", shown(seed)))
    return seed


def account_from_seed(seed: bytes, *, one_time_keys: int = 1) -> Account:
    """An account whose keys and later randomness all derive from ``seed``."""
    seed = _seed_arg(seed)
    account = account_from_parts(
        _part(seed, "ed25519"), _part(seed, "curve25519"), rng=SeededRng(_part(seed, "rng"))
    )
    if one_time_keys:
        account.generate_one_time_keys(one_time_keys)
    return account


def session_pair_from_seed(seed: bytes) -> SessionPair:
    """An established Olm session pair whose every secret derives from ``seed``."""
    seed = _seed_arg(seed)
    return make_session_pair(
        account_from_seed(_part(seed, "alice"), one_time_keys=0),
        account_from_seed(_part(seed, "bob"), one_time_keys=1),
        b"first message",
    )


def group_session_pair_from_seed(seed: bytes) -> GroupSessionPair:
    """A Megolm sender at index 0 and a receiver of its signed session key."""
    seed = _seed_arg(seed)
    outbound = group_session_from_parts(_part(seed, "ratchet", 128), 0, _part(seed, "signing"))
    return GroupSessionPair(outbound, InboundGroupSession(outbound.session_key), False)


def device_from_seed(
    seed: bytes, user_id: str = "@alice:example.org", device_id: str = "OLMPYDEVICE"
) -> DeviceIdentity:
    """A device with its signed device keys (and one unpublished one-time key)."""
    account = account_from_seed(_seed_arg(seed))
    return DeviceIdentity(account, user_id, device_id, device_keys(account, user_id, device_id))

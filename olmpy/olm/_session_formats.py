"""The pickle formats of an Olm session: translations of ``Session``'s state.

``libolm_body`` and ``from_libolm_body`` write and read libolm's session pickle body
(version 1 out; 1 and 0x80000001 in), which olmpy's own pickle seals too (SPEC.md sections
11 and 12); ``to_vodozemac_pickle`` and ``from_vodozemac_pickle`` are vodozemac's
``Session`` pickle (section 13).  The ratchet state they translate is described in
``olmpy.olm.session``.

Layering.  ``Session`` (``olmpy/olm/session.py``) is the layer above: its public pickle
methods keep their signatures and docstrings there and delegate here.  This module reads and
builds the session's private state directly, so it needs that module's limits and chain
layout (``_chain``) at run time and imports it at the top.  At import time the dependency
therefore runs one way, from here to ``session.py``; ``session.py`` imports this module only
inside the delegating methods, when they run and both modules are fully loaded, so there is
no import cycle.  Writers take the session; readers take the class and build the object
with ``cls._new``, as ``Session`` always has.
"""

from __future__ import annotations

import os
from typing import Any

from olmpy._contract import Secret
from olmpy.errors import PickleError, expected, shown
from olmpy.hazmat import primitives
from olmpy.olm.session import MAX_RECEIVER_CHAINS, MAX_SKIPPED_KEYS, Session, _chain
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _vodozemac as vodozemac
from olmpy.pickle._vodozemac import byte_json

# --- libolm's session pickle body ---------------------------------------------------------


def libolm_body(session: Session) -> bytes:
    """The raw (unsealed) libolm pickle body of ``session`` (version 1)."""
    b = session._b
    raw = bytearray(libolm.u32(1) + bytes([1 if session._received else 0]))
    raw += session._pre_key[0] + session._pre_key[1] + session._pre_key[2]
    raw += b.read_secret(session._root)
    if session._sender is None:
        raw += libolm.u32(0)
    else:
        secret, public, chain = session._sender
        raw += libolm.u32(1) + public + b.read_secret(secret) + b.read_secret(chain)
    raw += libolm.u32(len(session._receivers))
    for their, chain in session._receivers:  # newest first, as libolm keeps them
        raw += their + b.read_secret(chain)
    raw += libolm.u32(len(session._skipped))
    for their, index, key in reversed(session._skipped):  # newest first
        raw += their + b.read_secret(key) + libolm.u32(index)
    return bytes(bytes(raw))


def from_libolm_body(cls: type[Session], raw: bytes, what: str) -> Session:
    """A session from a raw libolm pickle body (version 1 or 0x80000001); ``what`` names
    the input in error messages."""
    reader = libolm.Reader(raw, what)
    # 0x80000001 is version 1 plus a u32 chain index after the skipped keys, which
    # libolm reads and ignores.
    trailing_index = libolm.version(reader, (1, 0x80000001), what) == 0x80000001
    received = reader.flag()
    ids = (reader.take(32), reader.take(32), reader.take(32))
    session = cls._new(os.urandom, ids)
    b = session._b
    session._ratchet_count = None
    session._received = received
    session._root = b.secret_buffer(reader.take(32))
    senders = reader.count(1)
    if senders:
        stored = reader.take(32)
        secret = reader.take(32)
        public = primitives.check_x25519_publics([secret], [stored], what + " ratchet key")
        session._sender = (b.secret_buffer(secret), public, b.secret_buffer(reader.take(36)))
    for _ in range(reader.count(MAX_RECEIVER_CHAINS)):
        their = reader.take(32)
        session._receivers.append((their, b.secret_buffer(reader.take(36))))
    skipped = []
    for _ in range(reader.count(MAX_SKIPPED_KEYS)):
        their = reader.take(32)
        key = b.secret_buffer(reader.take(32))
        skipped.append((their, reader.u32(), key))
    session._skipped = list(reversed(skipped))
    if trailing_index:
        reader.u32()
    reader.end()
    return session

# --- vodozemac's session pickle -----------------------------------------------------------


def to_vodozemac_pickle(session: Session, pickle_key: bytes) -> str:
    """``session`` as a sealed vodozemac ``Session`` pickle (SPEC.md section 13)."""
    b = session._b

    def count(n: int | None) -> dict[str, Any]:
        return {"Unknown": None} if n is None or n < 0 else {"Known": n}

    def chain_json(chain: Secret) -> dict[str, Any]:
        raw: bytes = b.read_secret(chain)
        return {"key": byte_json(raw[:32]), "index": int.from_bytes(raw[32:36], "big")}

    root = byte_json(b.read_secret(session._root))
    steps = session._ratchet_count
    sending: dict[str, Any]
    if session._sender is not None:
        secret, _, chain = session._sender
        sending = {
            "type": "active",
            "parent_ratchet_key": (
                byte_json(session._receivers[0][0]) if session._receivers else None
            ),
            "ratchet_count": count(steps),
            "active_ratchet": {
                "root_key": root,
                "ratchet_key": byte_json(b.read_secret(secret)),
            },
            "symmetric_key_ratchet": chain_json(chain),
        }
        newest = None if steps is None else steps - 1
    else:
        sending = {
            "type": "inactive",
            "root_key": {"key": root},
            "ratchet_key": byte_json(session._receivers[0][0]),
            "ratchet_count": count(steps),
        }
        newest = steps
    # Chains alternate sides, so the receiver chains' counts step by two.
    chains = [
        {
            "ratchet_key": byte_json(their),
            "hkdf_ratchet": chain_json(chain),
            "skipped_message_keys": {
                "inner": [
                    {"key": byte_json(b.read_secret(key)), "index": index}
                    for owner, index, key in session._skipped
                    if owner == their
                ]
            },
            "ratchet_count": count(None if newest is None else newest - 2 * position),
        }
        for position, (their, chain) in enumerate(session._receivers)
    ]
    document = {
        "session_keys": {
            "identity_key": byte_json(session._pre_key[0]),
            "base_key": byte_json(session._pre_key[1]),
            "one_time_key": byte_json(session._pre_key[2]),
        },
        "sending_ratchet": sending,
        "receiving_chains": {"inner": chains[::-1]},  # vodozemac keeps oldest first
        "config": {"version": "V1"},
    }
    return vodozemac.seal(document, pickle_key)


def from_vodozemac_pickle(cls: type[Session], pickle: str, pickle_key: bytes) -> Session:
    """A session from a sealed vodozemac ``Session`` pickle (SPEC.md section 13)."""
    what = "vodozemac session pickle"
    document = vodozemac.open_sealed(pickle, pickle_key, what)
    vodozemac.config(document, what)
    where = what + " session_keys"
    keys = vodozemac.obj(vodozemac.field(document, "session_keys", what), where)
    identity, base, one_time = (
        vodozemac.byte_array(vodozemac.field(keys, name, where), 32, f"{where} {name}")
        for name in ("identity_key", "base_key", "one_time_key")
    )

    def count(holder: dict[str, Any], where: str) -> int | None:
        value = holder.get("ratchet_count", {"Unknown": None})
        if value == {"Unknown": None}:
            return None
        if isinstance(value, dict) and len(value) == 1 and "Known" in value:
            return vodozemac.integer(value["Known"], vodozemac.U64, where + " ratchet_count")
        raise PickleError(
            f"{where} ratchet_count: "
            + expected('{"Known": n} or {"Unknown": null}', shown(value))
        )

    def chain_state(value: Any, where: str) -> bytes:
        chain = vodozemac.obj(value, where)
        key = vodozemac.byte_array(vodozemac.field(chain, "key", where), 32, where + " key")
        index = vodozemac.integer(
            vodozemac.field(chain, "index", where), 0xFFFFFFFF, where + " index"
        )
        return _chain(key, index)

    where = what + " receiving_chains"
    holder = vodozemac.obj(vodozemac.field(document, "receiving_chains", what), where)
    receivers: list[tuple[bytes, bytes]] = []  # oldest first, as vodozemac keeps them
    skipped: list[tuple[bytes, int, bytes]] = []
    for n, value in enumerate(
        vodozemac.array(vodozemac.field(holder, "inner", where), MAX_RECEIVER_CHAINS, where)
    ):
        place = f"{where} {n}"
        chain = vodozemac.obj(value, place)
        their = vodozemac.byte_array(
            vodozemac.field(chain, "ratchet_key", place), 32, place + " ratchet_key"
        )
        state = chain_state(
            vodozemac.field(chain, "hkdf_ratchet", place), place + " hkdf_ratchet"
        )
        count(chain, place)
        store_place = place + " skipped_message_keys"
        store = vodozemac.obj(vodozemac.field(chain, "skipped_message_keys", place), place)
        for m, item in enumerate(
            vodozemac.array(
                vodozemac.field(store, "inner", store_place), MAX_SKIPPED_KEYS, store_place
            )
        ):
            entry = vodozemac.obj(item, f"{store_place} {m}")
            key = vodozemac.byte_array(
                vodozemac.field(entry, "key", store_place), 32, f"{store_place} {m} key"
            )
            index = vodozemac.integer(
                vodozemac.field(entry, "index", store_place),
                0xFFFFFFFF,
                f"{store_place} {m} index",
            )
            skipped.append((their, index, key))
        receivers.append((their, state))

    where = what + " sending_ratchet"
    sending = vodozemac.obj(vodozemac.field(document, "sending_ratchet", what), where)
    kind = vodozemac.field(sending, "type", where)
    steps = count(sending, where)
    sender: tuple[bytes, bytes] | None
    if kind == "active":
        parent = sending.get("parent_ratchet_key")  # an Option: missing means none
        if parent is not None:
            vodozemac.byte_array(parent, 32, where + " parent_ratchet_key")
        active = vodozemac.obj(
            vodozemac.field(sending, "active_ratchet", where), where + " active_ratchet"
        )
        root = vodozemac.byte_array(
            vodozemac.field(active, "root_key", where), 32, where + " root_key"
        )
        sender = (
            vodozemac.byte_array(
                vodozemac.field(active, "ratchet_key", where), 32, where + " ratchet_key"
            ),
            chain_state(
                vodozemac.field(sending, "symmetric_key_ratchet", where),
                where + " symmetric_key_ratchet",
            ),
        )
    elif kind == "inactive":
        remote = vodozemac.obj(vodozemac.field(sending, "root_key", where), where + " root_key")
        root = vodozemac.byte_array(
            vodozemac.field(remote, "key", where), 32, where + " root_key"
        )
        their = vodozemac.byte_array(
            vodozemac.field(sending, "ratchet_key", where), 32, where + " ratchet_key"
        )
        # olmpy steps from its newest receiver chain's key, which vodozemac's inactive
        # ratchet always names; a pickle where the two differ has no olmpy equivalent.
        if not receivers or receivers[-1][0] != their:
            raise PickleError(
                f"{where}: expected the inactive ratchet key to be the newest receiving "
                "chain's key, got "
                + ("no receiving chains" if not receivers else "another key")
            )
        sender = None
    else:
        raise PickleError(
            f"{where} type: " + expected('"active" or "inactive"', shown(kind))
        )

    session = cls._new(os.urandom, (identity, base, one_time))
    b = session._b
    session._root = b.secret_buffer(root)
    if sender is not None:
        secret, chain_raw = sender
        session._sender = (
            b.secret_buffer(secret),
            b.x25519_public_batch(secret),
            b.secret_buffer(chain_raw),
        )
    session._receivers = [(their, b.secret_buffer(state)) for their, state in receivers[::-1]]
    # vodozemac keeps 40 skipped keys per chain, olmpy 40 in all: the newest are kept.
    session._skipped = [
        (their, index, b.secret_buffer(key))
        for their, index, key in skipped[-MAX_SKIPPED_KEYS:]
    ]
    session._received = bool(receivers)  # vodozemac's rule for pre-key messages
    session._ratchet_count = steps
    return session

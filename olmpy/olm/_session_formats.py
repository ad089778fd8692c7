"""The pickle formats of an Olm session: translations of ``Session``'s state.

``libolm_body`` and ``from_libolm_body`` write and read libolm's session pickle body
(version 1 out; 1 and 0x80000001 in), which olmpy's own pickle seals too (SPEC.md sections
11 and 12).

Layering.  ``Session`` (``olmpy/olm/session.py``) is the layer above: its public pickle
methods keep their signatures and docstrings there and delegate here.  This module reads and
builds the session's private state directly, so it needs that module's limits at run time
and imports it at the top; ``session.py`` imports this module only inside the delegating
methods, when they run.  The import runs one way, with no cycle and no half-loaded module.
Writers take the session; readers take the class and build the object with ``cls._new``, as
``Session`` always has.
"""

from __future__ import annotations

import os

from olmpy.hazmat import primitives
from olmpy.olm.session import MAX_RECEIVER_CHAINS, MAX_SKIPPED_KEYS, Session
from olmpy.pickle import _libolm as libolm

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

"""The three pickle formats of an Olm account: translations of ``Account``'s state.

``libolm_body`` and ``from_libolm_body`` are libolm's account pickle body (version 4 out;
2, 3 and 4 in), which olmpy's own pickle seals too (SPEC.md sections 11 and 12).

Layering.  ``Account`` (``olmpy/olm/account.py``) is the layer above: its public pickle
methods keep their signatures and docstrings and delegate here.  This module reads and builds
the account's private state directly, so it needs that module's key record (``_OneTimeKey``)
and capacity limit at run time and imports it at the top.  ``account.py`` in turn imports
this module only inside the methods that delegate, when they run; neither module ever meets
the other half-loaded, and there is no import cycle.  Writers take the account; readers take
the class and build the object as ``Account`` always has (``cls.__new__(cls)``).
"""

from __future__ import annotations

import os

from olmpy import _backend
from olmpy.errors import PickleError
from olmpy.hazmat import primitives
from olmpy.olm.account import MAX_STORED_ONE_TIME_KEYS, Account, _OneTimeKey
from olmpy.pickle import _libolm as libolm
from olmpy.pickle._keys import signing_key

# --- libolm's account pickle body ---------------------------------------------------------


def libolm_body(account: Account) -> bytes:
    """The raw (unsealed) libolm pickle body of ``account`` (version 4)."""
    b = account._b

    def key_record(key: _OneTimeKey) -> bytes:
        return bytes(
            libolm.u32(key.id)
            + bytes([1 if key.published else 0])
            + key.public
            + b.read_secret(key.secret)
        )

    raw = bytearray(
        libolm.u32(4)
        + account._ed.public
        + account._ed.expanded
        + account._curve_public
        + b.read_secret(account._curve_secret)
    )
    raw += libolm.u32(len(account._one_time))
    for key in account._one_time.values():
        raw += key_record(key)
    fallbacks = [k for k in (account._fallback, account._previous_fallback) if k is not None]
    raw += bytes([len(fallbacks)])
    for key in fallbacks:
        raw += key_record(key)
    # libolm stores the last id it issued; olmpy's counter is the next one to issue.
    raw += libolm.u32((account._next_id - 1) & 0xFFFFFFFF)
    return bytes(bytes(raw))


def from_libolm_body(cls: type[Account], raw: bytes, what: str) -> Account:
    """An account from a raw libolm pickle body (version 2, 3 or 4); ``what`` names the
    input in error messages."""
    reader = libolm.Reader(raw, what)
    version = libolm.version(reader, (2, 3, 4), what)
    b = _backend.impl
    account = cls.__new__(cls)
    account._b = b
    account._rng = os.urandom
    ed_public = reader.take(32)
    account._ed = signing_key(reader.take(64), True, ed_public, what)
    curve_public = reader.take(32)
    curve_secret = reader.take(32)
    account._curve_secret = b.secret_buffer(curve_secret)
    account._curve_public = curve_public
    account._reset_keys()

    def key_record() -> _OneTimeKey:
        key_id = reader.u32()
        published = reader.flag()
        public = reader.take(32)
        key = _OneTimeKey(key_id, b.secret_buffer(reader.take(32)), public)
        key.published = published
        return key

    for _ in range(reader.count(MAX_STORED_ONE_TIME_KEYS)):
        key = key_record()
        account._one_time[key.id] = key
    if version == 2:  # before fallback keys existed
        fallbacks = []
    elif version == 3:
        # Both records are always there; a record's published flag says whether the
        # key exists (libolm's reading of its own version 3).
        current, previous = key_record(), key_record()
        fallbacks = (
            []
            if not current.published
            else ([current, previous] if previous.published else [current])
        )
    else:
        count = reader.u8()
        if count > 2:
            raise PickleError(f"{what}: expected at most 2 fallback keys, got {count}")
        fallbacks = [key_record() for _ in range(count)]
    count = len(fallbacks)
    account._fallback = fallbacks[0] if fallbacks else None
    account._previous_fallback = fallbacks[1] if count == 2 else None
    account._next_id = (reader.u32() + 1) & 0xFFFFFFFF
    reader.end()
    # Every stored public key must be the one its secret gives (one backend call).
    keys = [*account._one_time.values(), *fallbacks]
    primitives.check_x25519_publics(
        [curve_secret] + [b.read_secret(k.secret) for k in keys],
        [curve_public] + [k.public for k in keys],
        what,
        ["identity key"] + [f"key {k.key_id}" for k in keys],
    )
    return account

"""The pickle formats of an Olm account: translations of ``Account``'s state.

``libolm_body`` and ``from_libolm_body`` write and read libolm's account pickle body
(version 4 out; 2, 3 and 4 in), which olmpy's own pickle seals too (SPEC.md sections 11 and
12); ``to_dehydrated_device`` and ``from_dehydrated_device`` are MSC3814 dehydrated devices
in vodozemac's format (section 14); ``to_vodozemac_pickle`` and ``from_vodozemac_pickle``
are vodozemac's ``Account`` pickle (section 13).  The capacity policy and the key ids these
keep are described in ``olmpy.olm.account``.

Layering.  ``Account`` (``olmpy/olm/account.py``) is the layer above: its public pickle
methods keep their signatures and docstrings there and delegate here.  This module reads and
builds the account's private state directly, so it needs that module's key record
(``_OneTimeKey``) and capacity limit at run time and imports it at the top.  At import time
the dependency therefore runs one way, from here to ``account.py``; ``account.py`` imports
this module only inside the delegating methods, when they run and both modules are fully
loaded, so there is no import cycle.  Writers take the account; readers take the class and
build the object as ``Account`` always has (``cls.__new__(cls)``, or ``cls._from_parts`` for
a dehydrated device).
"""

from __future__ import annotations

import os
from typing import Any

from olmpy import _backend
from olmpy.errors import PickleError, UsageError
from olmpy.hazmat import primitives
from olmpy.olm.account import MAX_STORED_ONE_TIME_KEYS, Account, _OneTimeKey
from olmpy.pickle import _dehydrated as dehydrated
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _vodozemac as vodozemac
from olmpy.pickle._keys import signing_key
from olmpy.pickle._vodozemac import byte_json
from olmpy.pickle.dehydrated import DehydratedDevice

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


# --- MSC3814 dehydrated devices (vodozemac's format) --------------------------------------


def to_dehydrated_device(account: Account, key: bytes) -> DehydratedDevice:
    """``account`` as a dehydrated device sealed under ``key`` (SPEC.md section 14)."""
    b = account._b
    seed = account._ed.seed
    if seed is None:
        raise UsageError(
            "dehydrated device: expected an account with an Ed25519 seed, got one whose "
            "key came from a libolm pickle (expanded form only)"
        )
    keys = sorted(account._one_time.values(), key=lambda k: k.id)
    contents = dehydrated.Contents(
        b.read_secret(account._curve_secret),
        seed,
        [b.read_secret(k.secret) for k in keys],
        None if account._fallback is None else b.read_secret(account._fallback.secret),
    )
    return dehydrated.seal(contents, key)


def from_dehydrated_device(
    cls: type[Account], ciphertext: str, nonce: str, key: bytes
) -> Account:
    """An account from a dehydrated device (SPEC.md section 14)."""
    contents = dehydrated.open_sealed(ciphertext, nonce, key)
    account = cls._from_parts(contents.ed25519_seed, contents.curve25519_secret)
    b = account._b
    secrets = contents.one_time_keys
    if secrets:
        publics = b.x25519_public_batch(b"".join(secrets))
        first = max(0, len(secrets) - MAX_STORED_ONE_TIME_KEYS)
        for i in range(first, len(secrets)):
            otk = _OneTimeKey(i, b.secret_buffer(secrets[i]), publics[32 * i : 32 * i + 32])
            otk.published = True
            account._one_time[i] = otk
    account._next_id = len(secrets)
    if contents.fallback_key is not None:
        public = b.x25519_public_batch(contents.fallback_key)
        account._fallback = _OneTimeKey(0, b.secret_buffer(contents.fallback_key), public)
        account._fallback.published = True
    return account


# --- vodozemac's account pickle -----------------------------------------------------------


def to_vodozemac_pickle(account: Account, pickle_key: bytes) -> str:
    """``account`` as a sealed vodozemac ``Account`` pickle (SPEC.md section 13)."""
    b = account._b
    seed = account._ed.seed
    signing = (
        {"Normal": byte_json(seed)}
        if seed is not None
        else {"Expanded": byte_json(account._ed.expanded)}
    )
    keys = sorted(account._one_time.values(), key=lambda k: k.id)

    def fallback(key: _OneTimeKey | None) -> dict[str, Any] | None:
        if key is None:
            return None
        return {
            "key_id": key.id,
            "key": byte_json(b.read_secret(key.secret)),
            "published": key.published,
        }

    document = {
        "signing_key": signing,
        "diffie_hellman_key": byte_json(b.read_secret(account._curve_secret)),
        "one_time_keys": {
            "next_key_id": account._next_id,
            "public_keys": {str(k.id): byte_json(k.public) for k in keys if not k.published},
            "private_keys": {str(k.id): byte_json(b.read_secret(k.secret)) for k in keys},
        },
        "fallback_keys": {
            "key_id": 0 if account._fallback is None else account._fallback.id + 1,
            "fallback_key": fallback(account._fallback),
            "previous_fallback_key": fallback(account._previous_fallback),
        },
    }
    return vodozemac.seal(document, pickle_key)


def from_vodozemac_pickle(cls: type[Account], pickle: str, pickle_key: bytes) -> Account:
    """An account from a sealed vodozemac ``Account`` pickle (SPEC.md section 13)."""
    what = "vodozemac account pickle"
    document = vodozemac.open_sealed(pickle, pickle_key, what)
    kind, signing = vodozemac.signing_key(
        vodozemac.field(document, "signing_key", what), what + " signing_key"
    )
    curve_secret = vodozemac.byte_array(
        vodozemac.field(document, "diffie_hellman_key", what), 32, what + " diffie_hellman_key"
    )
    limit = 0xFFFFFFFF
    where = what + " one_time_keys"
    one_time = vodozemac.obj(vodozemac.field(document, "one_time_keys", what), where)
    counter_name = "next_key_id" if "next_key_id" in one_time else "key_id"  # serde alias
    next_key_id = vodozemac.integer(
        vodozemac.field(one_time, counter_name, where), limit, f"{where} {counter_name}"
    )
    unpublished = vodozemac.id_map(
        vodozemac.field(one_time, "public_keys", where), limit, where + " public_keys"
    )
    private = vodozemac.id_map(
        vodozemac.field(one_time, "private_keys", where), limit, where + " private_keys"
    )
    where = what + " fallback_keys"
    fallbacks = vodozemac.obj(vodozemac.field(document, "fallback_keys", what), where)
    fallback_counter = vodozemac.integer(
        vodozemac.field(fallbacks, "key_id", where), limit, where + " key_id"
    )

    def fallback_record(name: str) -> tuple[int, bytes, bool] | None:
        value = fallbacks.get(name)  # an Option: missing means none
        if value is None:
            return None
        record = vodozemac.obj(value, f"{where} {name}")
        return (
            vodozemac.integer(
                vodozemac.field(record, "key_id", where), limit, f"{where} {name} key_id"
            ),
            vodozemac.byte_array(
                vodozemac.field(record, "key", where), 32, f"{where} {name} key"
            ),
            vodozemac.boolean(
                vodozemac.field(record, "published", where), f"{where} {name} published"
            ),
        )

    current = fallback_record("fallback_key")
    previous = fallback_record("previous_fallback_key")

    b = _backend.impl
    account = cls.__new__(cls)
    account._b = b
    account._rng = os.urandom
    account._ed = signing_key(signing, kind != "Normal", None, what)
    account._curve_secret = b.secret_buffer(curve_secret)
    account._reset_keys()
    # olmpy's store holds 100 keys: the newest (highest ids) are kept.
    kept = sorted(private)[-MAX_STORED_ONE_TIME_KEYS:]
    records = [(i, private[i], i not in unpublished) for i in kept]
    records += [r for r in (current, previous) if r is not None]
    # Every public key is derived from its secret, in one call; the unpublished
    # one-time keys' public keys, which vodozemac writes too, must agree.
    derived = primitives.check_x25519_publics(
        [curve_secret] + [r[1] for r in records],
        [b""] + [unpublished.get(r[0], b"") if n < len(kept) else b""
                 for n, r in enumerate(records)],
        what,
        ["identity key"] + [f"key {r[0]}" for r in records],
    )
    account._curve_public = derived[:32]
    made = []
    for n, (key_id, key_secret, published) in enumerate(records):
        public = derived[32 * n + 32 : 32 * n + 64]
        key = _OneTimeKey(key_id, b.secret_buffer(key_secret), public)
        key.published = published
        made.append(key)
    for key in made[: len(kept)]:
        account._one_time[key.id] = key
    rest = made[len(kept) :]
    account._fallback = rest.pop(0) if current is not None else None
    account._previous_fallback = rest.pop(0) if previous is not None else None
    # One shared counter, past every id in use, so no id is ever issued twice.
    in_use = [r[0] + 1 for r in records]
    account._next_id = max([next_key_id, fallback_counter, *in_use]) & 0xFFFFFFFF
    return account

"""Hypothesis strategies for fuzzing Matrix end-to-end encryption code.

Every value is built from bytes that hypothesis draws (identity keys, ratchets, one-time
keys, ephemeral secrets, pickle nonces) and fed through olmpy's deterministic
constructors (``olmpy.testing``), so a failing example shrinks and replays from
hypothesis's seed: nothing here reads ``os.urandom``.  Objects that need randomness
later (an Olm session's new ratchet keys) get a ``SeededRng``, a SHA-256 stream from a
drawn 32-byte seed.

What there is:

- ``accounts``, ``session_pairs`` (Olm, established), ``group_sessions``,
  ``inbound_group_sessions``, ``group_session_pairs``;
- ``session_keys``, ``exported_session_keys``, ``pickles`` (olmpy, libolm and
  vodozemac formats of Account, Session, GroupSession, InboundGroupSession and
  PkDecryption);
- ``wire_messages`` (Olm pre-key and normal, Megolm) and ``mutated_messages``, whose
  ``Mutated.kind`` names the damage (``MUTATION_KINDS``);
- ``signed_keys`` (device keys, one-time and fallback keys) and
  ``cross_signing_bundles``, valid or with one ``defect`` (``KEY_DEFECTS``);
- ``backup_entries`` (``m.megolm_backup.v1.curve25519-aes-sha2`` session data) and
  ``sas_exchanges``;
- ``schedules``: sends and deliveries (reordered, dropped, duplicated, delayed past the
  limits), which ``play`` runs through a session pair, reporting each delivery.

Example (``find`` is hypothesis's search for a value with a property)::

    >>> from hypothesis import find
    >>> from olmpy.testing import strategies as ost
    >>> pair = find(ost.session_pairs(), lambda p: True)
    >>> message = pair.outbound.encrypt(b"hello")
    >>> pair.inbound.decrypt(message)
    b'hello'
    >>> damaged = find(ost.mutated_messages(kinds=("truncation",)), lambda m: True)
    >>> damaged.kind, len(damaged.mutated) < len(damaged.original.body)
    ('truncation', True)

Needs hypothesis (``pip install olmpy[hypothesis]``); olmpy itself does not.
"""

from __future__ import annotations

try:
    from hypothesis import strategies as st  # noqa: F401
    from hypothesis.strategies import SearchStrategy  # noqa: F401
except ImportError as _err:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "olmpy.testing.strategies needs hypothesis, which olmpy does not install by "
        "default: install the extra with  pip install 'olmpy[hypothesis]'"
    ) from _err

from typing import Any as Any

from olmpy.keys import Curve25519PublicKey as Curve25519PublicKey
from olmpy.keys import Ed25519PublicKey as Ed25519PublicKey
from olmpy.megolm.inbound_group_session import InboundGroupSession as InboundGroupSession
from olmpy.olm.account import Account as Account
from olmpy.olm.session import MAX_MESSAGE_GAP, MAX_SKIPPED_KEYS
from olmpy.olm.session import Session as Session
from olmpy.sas import EstablishedSas as EstablishedSas
from olmpy.sas import SasBytes as SasBytes
from olmpy.testing._seeded import (
    DeviceIdentity,
    GroupSessionPair,
    SeededRng,
    SessionPair,
    account_from_seed,
    device_from_seed,
    group_session_pair_from_seed,
    session_pair_from_seed,
)
from olmpy.testing._strategies_backup import (
    BackupEntry,
    SasExchange,
    backup_entries,
    sas_exchanges,
)
from olmpy.testing._strategies_keys import (
    PICKLE_FORMATS,
    PICKLE_OBJECTS,
    Pickled,
    accounts,
    device_ids,
    exported_session_keys,
    group_session_pairs,
    group_sessions,
    inbound_group_sessions,
    pickle_keys,
    pickles,
    seeded_rngs,
    session_keys,
    session_pairs,
    user_ids,
)
from olmpy.testing._strategies_keys import PickleFormat as PickleFormat
from olmpy.testing._strategies_keys import PickleObject as PickleObject
from olmpy.testing._strategies_keys import _Picklable as _Picklable
from olmpy.testing._strategies_messages import (
    MESSAGE_KINDS,
    MUTATION_KINDS,
    MessageKind,
    Mutated,
    MutationKind,
    WireMessage,
    decrypt,
    mutated_messages,
    wire_messages,
)
from olmpy.testing._strategies_schedules import (
    Deliver,
    Outcome,
    Schedule,
    Send,
    play,
    schedules,
)
from olmpy.testing._strategies_schedules import Observer as Observer
from olmpy.testing._strategies_schedules import OutcomeKind as OutcomeKind
from olmpy.testing._strategies_schedules import Party as Party
from olmpy.testing._strategies_schedules import Protocol as Protocol
from olmpy.testing._strategies_signed import (
    KEY_DEFECTS,
    SIGNED_KINDS,
    CrossSigningBundle,
    KeyDefect,
    SignedKeys,
    cross_signing_bundles,
    signed_keys,
)
from olmpy.testing._strategies_signed import CrossSigningUsage as CrossSigningUsage
from olmpy.testing._strategies_signed import SignedKind as SignedKind
from olmpy.types import KeyBackupData as KeyBackupData

__all__ = [
    "KEY_DEFECTS",
    "MAX_MESSAGE_GAP",
    "MAX_SKIPPED_KEYS",
    "MESSAGE_KINDS",
    "MUTATION_KINDS",
    "PICKLE_FORMATS",
    "PICKLE_OBJECTS",
    "SIGNED_KINDS",
    "BackupEntry",
    "CrossSigningBundle",
    "Deliver",
    "DeviceIdentity",
    "GroupSessionPair",
    "KeyDefect",
    "MessageKind",
    "Mutated",
    "MutationKind",
    "Outcome",
    "Pickled",
    "SasExchange",
    "Schedule",
    "SeededRng",
    "Send",
    "SessionPair",
    "SignedKeys",
    "WireMessage",
    "account_from_seed",
    "accounts",
    "backup_entries",
    "cross_signing_bundles",
    "decrypt",
    "device_from_seed",
    "device_ids",
    "exported_session_keys",
    "group_session_pair_from_seed",
    "group_session_pairs",
    "group_sessions",
    "inbound_group_sessions",
    "mutated_messages",
    "pickle_keys",
    "pickles",
    "play",
    "sas_exchanges",
    "schedules",
    "seeded_rngs",
    "session_keys",
    "session_pair_from_seed",
    "session_pairs",
    "signed_keys",
    "user_ids",
    "wire_messages",
]

# The public names written in the private modules (_strategies_keys, _messages, _signed,
# _backup, _schedules) keep the __module__ they had when all of them were written here:
# repr, help() and pickle go by it.  typing.get_type_hints (and with it hypothesis's builds
# and from_type) looks the names in the dataclasses' annotations up here too, so the
# classes they name are imported above (the `X as X` imports from outside the package).
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("olmpy.testing._strategies_"):
        _value.__module__ = __name__
del _name, _value

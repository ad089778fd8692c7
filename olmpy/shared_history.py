"""The shared-history flag (MSC3061) under each name it travels by.

The flag says the creator of a Megolm session agreed that its key may be given to users
invited later.  It sits in ``m.room_key`` and ``m.forwarded_room_key`` content, in each
session of a key export and in the plaintext of a backup's ``session_data``, and the
ecosystem spells it three ways (SPEC.md section 16, "The shared-history flag"):

- ``shared_history``: the Matrix spec (v1.19 onwards);
- ``org.matrix.msc3061.shared_history``: the MSC's unstable name, written by legacy
  matrix-js-sdk, Element Android's Kotlin crypto and matrix-rust-sdk before 0.17; read by
  every matrix-rust-sdk release;
- ``m.shared_history``: written by matrix-rust-sdk 0.17 onwards (and so by js-sdk's
  Rust crypto and Element Web).

Reading (``read_shared_history``): the flag is set only when at least one of the three
names is present and every name present holds JSON ``true``.  A ``false``, a ``null`` or
any non-boolean under any name clears it; the flag grants access to past messages, so
when the names disagree olmpy takes the answer that shares less.

Writing (``shared_history_fields``): ``shared_history`` and
``org.matrix.msc3061.shared_history``, both with the same boolean.  ``m.shared_history``
is never written next to the unstable name: matrix-rust-sdk reads both into one serde
field and refuses an object holding the two ("duplicate field"), which would fail a whole
key export import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from olmpy.errors import UsageError, brief, expected

__all__ = [
    "READ_NAMES",
    "RUST_SDK",
    "SPEC",
    "UNSTABLE",
    "WRITTEN_NAMES",
    "read_shared_history",
    "shared_history_fields",
]

SPEC: Final = "shared_history"
"""The spec's name (Matrix v1.19)."""
UNSTABLE: Final = "org.matrix.msc3061.shared_history"
"""MSC3061's unstable name: legacy js-sdk, Element Android, matrix-rust-sdk before 0.17."""
RUST_SDK: Final = "m.shared_history"
"""The name matrix-rust-sdk 0.17 onwards writes."""

READ_NAMES: Final = (SPEC, UNSTABLE, RUST_SDK)
"""Every name olmpy recognises when reading."""
WRITTEN_NAMES: Final = (SPEC, UNSTABLE)
"""The names olmpy writes, always both, with the same value."""


def read_shared_history(fields: Mapping[str, object]) -> bool:
    """The flag of a JSON object (room-key content, export session or backup plaintext).

    True only when some recognised name is present and every recognised name present
    holds ``True`` (the bool, not a truthy value).  Never raises for the value: the spec
    reads a missing or non-boolean flag as "not shareable".
    """
    if not isinstance(fields, Mapping):
        raise UsageError("shared-history fields: " + expected("a mapping", brief(fields)))
    present = [fields[name] for name in READ_NAMES if name in fields]
    return bool(present) and all(value is True for value in present)


def shared_history_fields(flag: bool) -> dict[str, bool]:
    """The fields olmpy writes for ``flag``: one per name in ``WRITTEN_NAMES``."""
    if type(flag) is not bool:
        raise UsageError("shared_history: " + expected("a bool", brief(flag)))
    return {name: flag for name in WRITTEN_NAMES}

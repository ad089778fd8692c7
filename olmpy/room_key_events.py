"""``m.room_key`` and ``m.forwarded_room_key`` content, with the shared-history flag.

Both events travel Olm-encrypted (``olmpy.olm.payload``); this module builds their
content and reads the flag back.  The flag is written under the names every peer reads and
read under all of them (``olmpy.shared_history``).

matrix-rust-sdk neither reads nor writes the flag in ``m.forwarded_room_key`` (a forwarded
session is never shareable there); legacy js-sdk did both under the unstable name.  olmpy
writes it when asked and reads it like everywhere else; what a receiver does with a flag
that came through a forwarder is its own policy.
"""

from __future__ import annotations

from typing import Any, Final

from olmpy._key_export_sessions import ExportedRoomKey
from olmpy.errors import UsageError, brief, expected
from olmpy.megolm import GroupSession, SessionKey
from olmpy.shared_history import read_shared_history, shared_history_fields

__all__ = [
    "MEGOLM_ALGORITHM",
    "forwarded_room_key_content",
    "read_shared_history",
    "room_key_content",
]

MEGOLM_ALGORITHM: Final = "m.megolm.v1.aes-sha2"


def room_key_content(
    room_id: str, session: GroupSession | SessionKey, *, shared_history: bool = False
) -> dict[str, Any]:
    """The ``m.room_key`` content for an outbound session (at its current index) or a
    signed session key; ``shared_history`` is the creator's consent to later sharing."""
    if not isinstance(room_id, str):
        raise UsageError("room_id: " + expected("a str", brief(room_id)))
    if isinstance(session, GroupSession):
        key = session.session_key
    elif isinstance(session, SessionKey):
        key = session
    else:
        raise UsageError(
            "session: " + expected("a GroupSession or SessionKey", type(session).__name__)
        )
    return {
        "algorithm": MEGOLM_ALGORITHM,
        "room_id": room_id,
        "session_id": key.session_id,
        "session_key": key.to_base64(),
        **shared_history_fields(shared_history),
    }


def forwarded_room_key_content(key: ExportedRoomKey) -> dict[str, Any]:
    """The ``m.forwarded_room_key`` content for an exported session.

    The key's ``sender_claimed_keys`` must hold an ``ed25519`` key (the content has room for
    that one only); the forwarding chain is written as the key holds it, so a forwarder
    appends its own Curve25519 key to a received chain before forwarding again.
    """
    if not isinstance(key, ExportedRoomKey):
        raise UsageError("key: " + expected("an ExportedRoomKey", type(key).__name__))
    claimed = key.sender_claimed_keys.get("ed25519")
    if claimed is None:
        raise UsageError(
            "key sender_claimed_keys: "
            + expected("an 'ed25519' key", brief(sorted(key.sender_claimed_keys)))
        )
    return {
        "algorithm": key.algorithm,
        "room_id": key.room_id,
        "sender_key": key.sender_key,
        "session_id": key.session_id,
        "session_key": key.session_key.to_base64(),
        "sender_claimed_ed25519_key": claimed,
        "forwarding_curve25519_key_chain": list(key.forwarding_curve25519_key_chain),
        **shared_history_fields(key.shared_history),
    }

"""Replay detection for Megolm, which the Matrix spec asks clients to do.

A Megolm index must only ever be used for one event.  Neither libolm nor
vodozemac tracks this; ``ReplayGuard`` records (session id, index) -> event id
and raises ``ReplayError`` when a pair comes back on a different event (the
same event decrypted twice, e.g. after a re-sync, is fine).
"""

from __future__ import annotations

from olmpy.errors import ReplayError, UsageError, expected, shown
from olmpy.megolm.inbound_group_session import DecryptedMessage, InboundGroupSession
from olmpy.megolm.message import MegolmMessage


def _session_id_arg(session_id: object) -> None:
    if not isinstance(session_id, str) or not session_id:
        raise UsageError("session id: " + expected("a non-empty str", shown(session_id)))


class ReplayGuard:
    """Remembers which event each (session id, message index) was first seen on."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[tuple[str, int], str] = {}

    def check(self, session_id: str, message_index: int, event_id: str) -> None:
        """Records the pair, or raises ReplayError if it was seen on another event."""
        _session_id_arg(session_id)
        if (not isinstance(message_index, int) or isinstance(message_index, bool)
                or message_index < 0):
            raise UsageError(
                "message index: " + expected("a non-negative int", shown(message_index))
            )
        if not isinstance(event_id, str) or not event_id:
            raise UsageError("event id: " + expected("a non-empty str", shown(event_id)))
        key = (session_id, int(message_index))
        first = self._seen.setdefault(key, event_id)
        if first != event_id:
            raise ReplayError(
                f"Megolm index {message_index} of session {session_id}: expected only on event "
                f"{first}, got it again on event {event_id}"
            )

    def decrypt(
        self, session: InboundGroupSession, message: MegolmMessage | str, event_id: str
    ) -> DecryptedMessage:
        """Decrypts, then checks for a replay; forged messages never reach the record."""
        if not isinstance(session, InboundGroupSession):
            raise UsageError(
                "session: " + expected("an InboundGroupSession", type(session).__name__)
            )
        if not isinstance(event_id, str) or not event_id:
            raise UsageError("event id: " + expected("a non-empty str", shown(event_id)))
        result = session.decrypt(message)
        self.check(session.session_id, result.message_index, event_id)
        return result

    def forget_session(self, session_id: str) -> None:
        """Drops every record of one session (e.g. when the session is discarded)."""
        _session_id_arg(session_id)
        for key in [k for k in self._seen if k[0] == session_id]:
            del self._seen[key]

    def __len__(self) -> int:
        return len(self._seen)


__all__ = [
    "ReplayGuard",
]

"""Megolm (m.megolm.v1.aes-sha2): the group ratchet used for room messages."""

from olmpy.megolm.group_session import GroupSession
from olmpy.megolm.inbound_group_session import (
    DecryptedMessage,
    InboundGroupSession,
    SessionOrdering,
    SessionSource,
)
from olmpy.megolm.message import MegolmMessage
from olmpy.megolm.replay import ReplayGuard
from olmpy.megolm.session_keys import ExportedSessionKey, SessionKey

__all__ = [
    "DecryptedMessage",
    "ExportedSessionKey",
    "GroupSession",
    "InboundGroupSession",
    "MegolmMessage",
    "ReplayGuard",
    "SessionKey",
    "SessionOrdering",
    "SessionSource",
]

"""Olm (m.olm.v1.curve25519-aes-sha2): the 1:1 double ratchet between devices."""

from olmpy.olm.account import Account
from olmpy.olm.messages import AnyOlmMessage, Message, PreKeyMessage
from olmpy.olm.payload import (
    OlmPayload,
    OlmPayloadError,
    OlmPayloadMismatchError,
    check_olm_payload,
    olm_payload,
)
from olmpy.olm.session import Session

__all__ = [
    "Account",
    "AnyOlmMessage",
    "Message",
    "OlmPayload",
    "OlmPayloadError",
    "OlmPayloadMismatchError",
    "PreKeyMessage",
    "Session",
    "check_olm_payload",
    "olm_payload",
]

"""Olm (m.olm.v1.curve25519-aes-sha2): the 1:1 double ratchet between devices."""

from olmpy.olm.account import Account
from olmpy.olm.messages import AnyOlmMessage, Message, PreKeyMessage
from olmpy.olm.session import Session

__all__ = ["Account", "AnyOlmMessage", "Message", "PreKeyMessage", "Session"]

"""``olm.account``: python-olm's ``Account`` over ``olmpy.Account``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import olmpy
from olmpy._nocopy import refuse_pickle
from olmpy.compat.olm._compat import to_bytes
from olmpy.compat.olm._errors import libolm_code, write_libolm_pickle
from olmpy.errors import OlmpyError
from olmpy.olm.account import MAX_STORED_ONE_TIME_KEYS

if TYPE_CHECKING:
    from olmpy.compat.olm.session import Session

__all__ = ["Account", "OlmAccountError"]


class OlmAccountError(Exception):
    """An account operation failed; ``args[0]`` is libolm's error code."""


def _pickle_text(pickle: bytes | str) -> str:
    return pickle.decode("ascii", "replace") if isinstance(pickle, bytes) else pickle


class Account:
    """An Olm account (python-olm's ``olm.Account``)."""

    __slots__ = ("_account",)

    __reduce__ = refuse_pickle("pickle(passphrase) and from_pickle()")

    _account: olmpy.Account

    def __new__(cls, *args: Any, **kwargs: Any) -> Account:
        # Subclasses call __new__ with no arguments and may set attributes before __init__.
        return super().__new__(cls)

    def __init__(self) -> None:
        """A new account with fresh identity keys."""
        self._account = olmpy.Account()

    def pickle(self, passphrase: str = "") -> bytes:
        """This account as a libolm pickle (bytes), encrypted with ``passphrase``."""
        return write_libolm_pickle(self._account, passphrase or b"", OlmAccountError)

    @classmethod
    def from_pickle(cls, pickle: bytes | str, passphrase: str = "") -> Account:
        """Loads a libolm account pickle; OlmAccountError("BAD_ACCOUNT_KEY") for a wrong key."""
        if not pickle:
            raise ValueError("Pickle can't be empty")
        obj = cls.__new__(cls)
        try:
            obj._account = olmpy.Account.from_libolm_pickle(_pickle_text(pickle), passphrase or b"")
        except OlmpyError as exc:
            raise OlmAccountError(libolm_code(exc)) from exc
        return obj

    @property
    def identity_keys(self) -> dict[str, str]:
        """``{"curve25519": ..., "ed25519": ...}`` in base64."""
        return self._account.identity_keys

    def sign(self, message: bytes | str) -> str:
        """The base64 Ed25519 signature of ``message`` (str as UTF-8)."""
        return self._account.sign(to_bytes(message)).to_base64()

    @property
    def max_one_time_keys(self) -> int:
        """How many one-time keys the account stores (libolm's 100)."""
        return MAX_STORED_ONE_TIME_KEYS

    def mark_keys_as_published(self) -> None:
        """Marks the current one-time keys and fallback key as published."""
        self._account.mark_keys_as_published()

    def generate_one_time_keys(self, count: int) -> None:
        """Makes ``count`` new one-time keys (the oldest go beyond 100)."""
        try:
            self._account.generate_one_time_keys(count)
        except OlmpyError as exc:
            raise OlmAccountError(libolm_code(exc)) from exc

    @property
    def one_time_keys(self) -> dict[str, dict[str, str]]:
        """The unpublished one-time keys: ``{"curve25519": {key_id: base64}}``."""
        return {
            "curve25519": {
                key_id: key.to_base64() for key_id, key in self._account.one_time_keys.items()
            }
        }

    def remove_one_time_keys(self, session: Session) -> None:
        """Removes the one-time key ``session`` was created from (a fallback key stays).

        OlmAccountError("BAD_MESSAGE_KEY_ID") if the account has no such key.
        """
        if not self._account._remove_key_of(session._session):
            raise OlmAccountError("BAD_MESSAGE_KEY_ID")

    def generate_fallback_key(self) -> None:
        """Makes a new fallback key; the current one becomes the previous one."""
        self._account.generate_fallback_key()

    def forget_old_fallback_key(self) -> None:
        """Drops the previous fallback key."""
        self._account.forget_fallback_key()

    @property
    def fallback_key(self) -> dict[str, dict[str, str]]:
        """The unpublished fallback key: ``{"curve25519": {key_id: base64}}``."""
        return {
            "curve25519": {
                key_id: key.to_base64() for key_id, key in self._account.fallback_key.items()
            }
        }

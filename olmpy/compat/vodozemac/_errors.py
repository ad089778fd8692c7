"""The drop-in's exception classes and the translation of olmpy's errors into them.

The thirteen classes are vodozemac's names, each a direct subclass of ValueError; ``_raise``
words an olmpy error as vodozemac does and chains it as ``__cause__``.  ``_impl`` re-exports
the classes and gives them its ``__module__`` (SPEC.md section 21).
"""

from __future__ import annotations

from typing import NoReturn

from olmpy.errors import Base64Error, OlmpyError

__all__ = [
    "DecodeException",
    "KeyException",
    "LibolmPickleException",
    "MegolmDecryptionException",
    "OlmDecryptionException",
    "OlmEncryptionException",
    "PickleException",
    "PkDecodeException",
    "PkInvalidKeySizeException",
    "SasException",
    "SessionCreationException",
    "SessionKeyDecodeException",
    "SignatureException",
]


class KeyException(ValueError):
    """A public or secret key could not be decoded, or a Diffie-Hellman was non-contributory."""


class SignatureException(ValueError):
    """An Ed25519 signature could not be decoded or did not verify."""


class DecodeException(ValueError):
    """An Olm or Megolm message could not be decoded."""


class LibolmPickleException(ValueError):
    """A libolm pickle could not be read (bad base64, wrong key, unsupported version ...)."""


class SessionKeyDecodeException(ValueError):
    """A Megolm session key (or exported session key) could not be decoded."""


class PickleException(ValueError):
    """A vodozemac pickle could not be written or read."""


class SessionCreationException(ValueError):
    """An inbound Olm session could not be created from a pre-key message."""


class SasException(ValueError):
    """A SAS operation failed (MAC mismatch, Sas reused ...)."""


class OlmEncryptionException(ValueError):
    """Olm encryption failed (never raised by olmpy; kept for ``except`` clauses)."""


class OlmDecryptionException(ValueError):
    """An Olm message failed to decrypt."""


class MegolmDecryptionException(ValueError):
    """A Megolm message failed to decrypt."""


class PkInvalidKeySizeException(ValueError):
    """A PK key (the message's ephemeral key) has the wrong size."""


class PkDecodeException(ValueError):
    """A PK message could not be decoded or decrypted."""


def _raise(cls: type[ValueError], prefix: str, exc: BaseException) -> NoReturn:
    """Raises ``cls`` with vodozemac's ``prefix`` and olmpy's reason, chaining ``exc``."""
    raise cls(f"{prefix}: {exc}" if prefix else str(exc)) from exc


def _pickle_error(cls: type[ValueError], exc: OlmpyError) -> NoReturn:
    """A pickle failure as vodozemac words it (nio matches "unsupported version")."""
    text = str(exc)
    if isinstance(exc, Base64Error):
        prefix = "The pickle wasn't valid base64"
    elif "version" in text:
        prefix = "The pickle uses an unsupported version"
    elif text.startswith("vodozemac pickle key"):
        prefix = "The pickle key doesn't have the correct size"
    elif "MAC" in text:
        prefix = "The pickle couldn't be decrypted: MAC tag mismatch"
    else:
        prefix = "The pickle couldn't be decrypted"
    _raise(cls, prefix, exc)


_B64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _b64_reason(text: object) -> str:
    """vodozemac's wording for a base64 failure: the first symbol outside the alphabet."""
    if isinstance(text, str):
        for offset, char in enumerate(text):
            if char not in _B64_ALPHABET:
                return f"Invalid symbol {ord(char)}, offset {offset}."
    return "Invalid base64"

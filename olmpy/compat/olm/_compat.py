"""``olm._compat``: python-olm's str/bytes helpers, with the same behaviour."""

from __future__ import annotations

import secrets

__all__ = ["URANDOM", "to_bytearray", "to_bytes", "to_unicode_str"]

#: Random bytes from the OS, as python-olm names it.
URANDOM = secrets.token_bytes


def to_bytearray(string: bytes | str) -> bytearray:
    """A mutable copy: bytes as given, str as UTF-8; TypeError for anything else."""
    if isinstance(string, bytes):
        return bytearray(string)
    if isinstance(string, str):
        return bytearray(string, "utf-8")
    raise TypeError(f"Invalid type {type(string)}")


def to_bytes(string: bytes | str) -> bytes:
    """Bytes as given, str as UTF-8; TypeError for anything else."""
    if isinstance(string, bytes):
        return string
    if isinstance(string, str):
        return string.encode("utf-8")
    raise TypeError(f"Invalid type {type(string)}")


def to_unicode_str(byte_string: bytes, errors: str = "replace") -> str:
    """UTF-8 text of untrusted bytes; ``errors`` as in ``bytes.decode``."""
    return byte_string.decode("utf-8", errors)

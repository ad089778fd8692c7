"""The errors of key export files, and ``_show``, the short rendering of bad input that
their messages quote.

They sit below ``olmpy.key_export`` and the private modules it is built from (the armoured
text, the session records), which all raise them, so that none of those has to import
``olmpy.key_export``.  Callers import them from ``olmpy.key_export``, which re-exports them.
"""

from __future__ import annotations

from olmpy.errors import Base64Error, DecodeError, KdfCostError, VersionError


class KeyExportError(DecodeError):
    """A key export file is malformed: armour, length, round count, UTF-8 or JSON."""


class KeyExportBase64Error(KeyExportError, Base64Error):
    """The body of a key export file is not valid base64."""


class KeyExportVersionError(KeyExportError, VersionError):
    """A key export payload starts with a version byte other than 0x01."""


class KeyExportRoundsError(KeyExportError, KdfCostError):
    """A key export file asks for more PBKDF2 rounds than the reader's ``max_rounds``."""


class KeyExportEntryError(KeyExportError):
    """One session entry of an (authenticated) key export is unusable; ``index`` says which."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def _show(data: bytes | str, limit: int = 24) -> str:
    """A short printable rendering of what arrived, for error messages."""
    text = data if isinstance(data, str) else data.decode("ascii", "backslashreplace")
    return repr(text[:limit] + ("..." if len(text) > limit else ""))

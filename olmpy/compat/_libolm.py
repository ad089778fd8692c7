"""A drop-in for python-olm's cffi module ``_libolm``, reduced to what its users touch.

mautrix 0.21.1 does ``from _libolm import ffi, lib`` at import time and, only if
``olm.Session`` had no ``describe`` method (olmpy's has one), would call
``ffi.new("char[]", n)``, ``lib.olm_session_describe(session._session, buf, n)`` and
``ffi.string(buf)``.  Those three are provided, over olmpy's ``Session.describe``;
nothing else of libolm's C API is.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ffi", "lib"]


class _FFI:
    """The two ``ffi`` calls mautrix makes: a char buffer and its NUL-terminated bytes."""

    __slots__ = ()

    def new(self, ctype: str, init: int | bytes) -> bytearray:
        """``new("char[]", n)``: a zeroed buffer of n bytes (or a copy of bytes + NUL)."""
        if ctype != "char[]":
            raise TypeError(f"olmpy's _libolm only provides char[] buffers, not {ctype!r}")
        if isinstance(init, int):
            return bytearray(init)
        return bytearray(init) + b"\0"

    def string(self, buffer: bytearray | bytes) -> bytes:
        """The bytes before the first NUL."""
        end = buffer.find(b"\0")
        return bytes(buffer if end < 0 else buffer[:end])


class _Lib:
    """``lib.olm_session_describe``, the one libolm function mautrix calls."""

    __slots__ = ()

    def olm_session_describe(self, session: Any, buffer: bytearray, length: int) -> None:
        """Writes the session's description into ``buffer`` (NUL-terminated, cut to fit
        ``length`` with "..." as libolm does)."""
        if length <= 0:
            return
        text = session.describe().encode("utf-8")
        if len(text) >= length:
            text = text[: max(length - 4, 0)] + b"..." if length > 3 else b""
        text = text[: length - 1] + b"\0"
        buffer[: len(text)] = text


ffi = _FFI()
lib = _Lib()

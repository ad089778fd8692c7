"""The armoured text of a key export, streamed: base64 between the ``-----BEGIN MEGOLM
SESSION DATA-----`` and ``-----END MEGOLM SESSION DATA-----`` lines.

Writing.  ``_Sink`` hands text to a text stream and ASCII bytes to anything else
(``TextSink``, ``BinarySink``).  ``_ArmourWriter`` writes the header line, then the payload
as base64 in Element's layout, 96 bytes (128 characters) a line, emitted in batches of whole
lines as they fill, then the last line with its padding and the footer line.

Reading.  ``_armour_chunks`` turns any ``Source`` (text as ``str`` or ``bytes``, a path, or
an open text or binary file: ``Readable``) into ASCII byte chunks of at most 64 KiB, with a
byte order mark at the start dropped.  ``_ArmourReader.feed`` takes those chunks one by one
and returns the payload bytes each completes, holding back at most a partial header or
footer and three base64 characters; ``finish`` checks the end and returns the rest.  White
space before the header, inside the body and after the footer is skipped (WebCrypto-era
readers' ``atob`` skips it inside the body); every other deviation (a header not followed by
a line break, a footer not on a line of its own, characters outside the alphabet, anything
after the ``=`` padding, non-zero trailing bits) raises ``KeyExportError`` or
``KeyExportBase64Error``.

Nothing here knows the payload's layout or its keys.  ``olmpy.key_export`` re-exports the
public names (``HEADER``, ``FOOTER``, ``TextSink``, ``BinarySink``, ``Readable``, ``Source``),
and that is where callers import them from.
"""

from __future__ import annotations

import binascii
import io
import os
from collections.abc import Generator
from typing import Any, Protocol, TypeAlias

from olmpy._key_export_errors import KeyExportBase64Error, KeyExportError, _show
from olmpy.errors import UsageError, expected

HEADER = "-----BEGIN MEGOLM SESSION DATA-----"
FOOTER = "-----END MEGOLM SESSION DATA-----"
_LINE_BYTES = 96  # Element writes 128 base64 characters per line
_LINE_CHARS = _LINE_BYTES * 4 // 3
_FLUSH_BYTES = _LINE_BYTES * 512
_CHUNK = 1 << 16

_HEADER_B = HEADER.encode("ascii")
_FOOTER_B = FOOTER.encode("ascii")
_WS = b" \t\r\n\f"  # what WebCrypto-era readers (atob) skip inside the body
_LINE_WS = b" \t\r\f"
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


# --- writing ----------------------------------------------------------------------------


class TextSink(Protocol):
    """A text stream: ``write(str)``."""

    def write(self, text: str, /) -> object: ...


class BinarySink(Protocol):
    """A binary stream: ``write(bytes)``."""

    def write(self, data: bytes, /) -> object: ...


class _Sink:
    """Writes text to a text stream, or ASCII bytes to anything else; batches small pieces."""

    def __init__(self, out: Any) -> None:
        write = getattr(out, "write", None)
        if not callable(write):
            raise UsageError("out: " + expected("a writable stream", type(out).__name__))
        self._write = write
        mode = getattr(out, "mode", None)
        self._text = isinstance(out, io.TextIOBase) or (
            not isinstance(out, (io.RawIOBase, io.BufferedIOBase))
            and isinstance(mode, str)
            and "b" not in mode
        )

    def __call__(self, text: str) -> None:
        self._write(text if self._text else text.encode("ascii"))


class _ArmourWriter:
    """Base64 in Element's layout: 96 bytes (128 characters) per line, padding at the end."""

    def __init__(self, sink: _Sink) -> None:
        self._sink = sink
        self._pending = bytearray()
        sink(HEADER + "\n")

    def add(self, data: bytes) -> None:
        self._pending += data
        if len(self._pending) >= _FLUSH_BYTES:
            self._emit(len(self._pending) - len(self._pending) % _LINE_BYTES)

    def _emit(self, n: int) -> None:
        text = binascii.b2a_base64(self._pending[:n], newline=False).decode("ascii")
        del self._pending[:n]
        lines = [text[i : i + _LINE_CHARS] for i in range(0, len(text), _LINE_CHARS)]
        self._sink("\n".join(lines) + "\n")

    def finish(self) -> None:
        if self._pending:
            self._emit(len(self._pending))
        self._sink(FOOTER + "\n")


# --- reading ----------------------------------------------------------------------------


class Readable(Protocol):
    """Anything with ``read(size)`` returning str or bytes (a text or binary file)."""

    def read(self, size: int = ..., /) -> str | bytes: ...


Source: TypeAlias = "str | bytes | bytearray | memoryview | os.PathLike[str] | Readable"
"""An armoured export: its text (str or bytes), a path, or an open text or binary file."""


def _ascii(chunk: str | bytes, first: bool) -> bytes:
    if isinstance(chunk, str):
        if first and chunk.startswith("\ufeff"):
            chunk = chunk[1:]
        try:
            return chunk.encode("ascii")
        except UnicodeEncodeError as e:
            bad = chunk[e.start : e.start + 1]
            raise KeyExportError(
                "key export: " + expected("ASCII armour", f"the character {bad!r}")
            ) from None
    if isinstance(chunk, (bytes, bytearray)):
        chunk = bytes(chunk)
        return chunk[3:] if first and chunk.startswith(b"\xef\xbb\xbf") else chunk
    raise UsageError("source.read(): " + expected("str or bytes", type(chunk).__name__))


def _armour_chunks(source: object) -> Generator[bytes, None, None]:
    """The armoured text of ``source`` as ASCII byte chunks (a BOM at the start dropped)."""
    if isinstance(source, str):
        for i in range(0, len(source), _CHUNK):
            yield _ascii(source[i : i + _CHUNK], i == 0)
        return
    if isinstance(source, bytes):
        view = memoryview(source)
        for i in range(0, len(source), _CHUNK):
            yield _ascii(bytes(view[i : i + _CHUNK]), i == 0)
        return
    if isinstance(source, os.PathLike):
        with open(source, "rb") as f:
            yield from _armour_chunks(f)
        return
    read = getattr(source, "read", None)
    if not callable(read):
        raise UsageError(
            "source: " + expected("str, bytes, a path or a readable file", type(source).__name__)
        )
    first = True
    while True:
        try:
            chunk = read(_CHUNK)
        except UnicodeDecodeError as e:  # a text stream over bytes it cannot decode
            raise KeyExportError(
                "key export: " + expected("ASCII armour", f"bytes the text stream's codec "
                                          f"refused ({e.reason})")
            ) from None
        if not chunk:
            return
        yield _ascii(chunk, first)
        first = False


class _ArmourReader:
    """Turns armoured text, fed in chunks, into payload bytes; every deviation is an error."""

    def __init__(self) -> None:
        self._state = "before header"
        self._buf = b""
        self._quads = b""  # base64 characters not yet decoded (fewer than 4)
        self._pads = 0
        self._line_start = True

    def feed(self, chunk: bytes) -> bytes:
        buf = self._buf + chunk
        self._buf = b""
        out = b""
        while buf:
            if self._state == "before header":
                buf = buf.lstrip(_WS)
                if not buf:
                    break
                if len(buf) < len(_HEADER_B) and _HEADER_B.startswith(buf):
                    self._buf = buf
                    break
                if not buf.startswith(_HEADER_B):
                    raise KeyExportError("key export: " + expected(repr(HEADER), _show(buf)))
                buf = buf[len(_HEADER_B) :]
                self._state = "after header"
            elif self._state == "after header":
                buf = buf.lstrip(_LINE_WS)
                if not buf:
                    break
                if buf[:1] != b"\n":
                    raise KeyExportError(
                        "key export: " + expected("a line break after the header", _show(buf))
                    )
                buf = buf[1:]
                self._state = "body"
            elif self._state == "body":
                dash = buf.find(b"-")
                body, buf = (buf, b"") if dash < 0 else (buf[:dash], buf[dash:])
                out += self._body(body)
                if dash >= 0:
                    if not self._line_start:
                        raise KeyExportError(
                            "key export: "
                            + expected("the footer line on a line of its own", _show(buf))
                        )
                    self._state = "footer"
            elif self._state == "footer":
                if len(buf) < len(_FOOTER_B) and _FOOTER_B.startswith(buf):
                    self._buf = buf
                    break
                if not buf.startswith(_FOOTER_B):
                    raise KeyExportError("key export: " + expected(repr(FOOTER), _show(buf)))
                buf = buf[len(_FOOTER_B) :]
                self._state = "after footer"
            else:
                rest = buf.lstrip(_WS)
                if rest:
                    raise KeyExportError(
                        "key export: " + expected("nothing after the footer", _show(rest))
                    )
                break
        return out

    def _body(self, text: bytes) -> bytes:
        stripped = text.rstrip(_WS)
        if stripped:
            self._line_start = b"\n" in text[len(stripped) :]
        elif b"\n" in text:
            self._line_start = True
        data = text.translate(None, _WS)
        if not data:
            return b""
        if self._pads:
            if data.strip(b"="):
                raise KeyExportBase64Error(
                    "key export body: " + expected("nothing after '=' padding", _show(data))
                )
            self._pads += len(data)
            data = b""
        else:
            eq = data.find(b"=")
            if eq >= 0:
                tail = data[eq:]
                if tail.strip(b"="):
                    raise KeyExportBase64Error(
                        "key export body: " + expected("nothing after '=' padding", _show(tail))
                    )
                self._pads = len(tail)
                data = data[:eq]
            bad = data.translate(None, _ALPHABET)
            if bad:
                raise KeyExportBase64Error(
                    "key export body: "
                    + expected("base64 characters", f"the byte {_show(bad[:1])}")
                )
        if self._pads > 2:
            raise KeyExportBase64Error(
                "key export body: " + expected("at most two '=' characters", self._pads)
            )
        quads = self._quads + data
        n = len(quads) - len(quads) % 4
        self._quads = quads[n:]
        return binascii.a2b_base64(quads[:n]) if n else b""

    def finish(self) -> bytes:
        if self._state in ("before header", "after header"):
            want = repr(HEADER) if self._state == "before header" else "a line break"
            raise KeyExportError("key export: " + expected(want, "the end of the input"))
        if self._state != "after footer":
            raise KeyExportError("key export: " + expected(repr(FOOTER), "the end of the input"))
        rest, pads = self._quads, self._pads
        if len(rest) == 1 or (pads and (len(rest) + pads) % 4):
            raise KeyExportBase64Error(
                "key export body: "
                + expected("a whole number of base64 groups", f"{len(rest)} extra characters "
                           f"and {pads} '='")
            )
        if not rest:
            return b""
        tail = binascii.a2b_base64(rest + b"=" * (-len(rest) % 4))
        if binascii.b2a_base64(tail, newline=False).rstrip(b"=") != rest:
            raise KeyExportBase64Error(
                "key export body: " + expected("zero trailing bits", "non-zero ones")
            )
        return tail

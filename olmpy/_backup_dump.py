"""Reading the JSON of ``GET /room_keys/keys`` one entry at a time (``olmpy.backup``'s
``iter_backup_dump``).

A dump of 100,000 sessions is some 100 MB of JSON; ``json.load`` of it holds the text and
every entry at once.  This reader walks the two fixed levels of the document itself
(``rooms`` -> room id -> ``sessions`` -> session id) and hands each entry to
``json.JSONDecoder.raw_decode``, so memory holds one entry and one read buffer.  Members
it does not know are skipped as whole JSON values.  Any single value over ``max_value``
characters, and malformed JSON anywhere, is a ``BackupDataError`` naming what was expected
and where.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

from olmpy.backup import BackupDataError
from olmpy.errors import brief

_WHITESPACE = " \t\n\r"
_CHUNK = 1 << 16

DEFAULT_MAX_VALUE = 16 << 20
"""The largest single JSON value (an entry, or a member skipped) read, in characters."""


class _Reader:
    """A JSON text read from a binary stream in chunks, with a cursor."""

    def __init__(self, stream: IO[bytes], max_value: int) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder()
        self._max = max_value
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.consumed = 0  # characters dropped from the front of buf, for messages

    def where(self) -> str:
        return f"at character {self.consumed + self.pos}"

    def _fill(self, at_least: int = 0) -> bool:
        """Reads more text; False at the end of the stream."""
        if self.eof:
            return False
        data = self._stream.read(max(at_least, _CHUNK))
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as e:
            raise BackupDataError(f"backup dump: expected UTF-8 JSON, got {e.reason} "
                                  f"{self.where()}") from None
        if not data:
            self.eof = True
        self.consumed += self.pos
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return bool(data) or bool(text)

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end of the text)."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def expect(self, chars: str, what: str) -> str:
        c = self.peek()
        if c == "" or c not in chars:
            got = "the end of the text" if c == "" else repr(c)
            raise BackupDataError(f"backup dump: expected {what}, got {got} {self.where()}")
        self.pos += 1
        return c

    def value(self) -> Any:
        """The next whole JSON value, read until it is complete."""
        self.peek()
        while True:
            try:
                value, end = self._json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                # A value cut by the chunk boundary fails near the end of the buffer (or
                # as a string left open); anything else is malformed where it stands.
                cut = e.pos >= len(self.buf) - 16 or e.msg.startswith("Unterminated")
                if not cut or self.eof:
                    raise BackupDataError(f"backup dump: expected JSON, got {e.msg} at "
                                          f"character {self.consumed + e.pos}") from None
                pending = len(self.buf) - self.pos
                if pending > self._max:
                    raise BackupDataError(
                        f"backup dump: expected JSON values of at most {self._max:,} "
                        f"characters, got a longer one {self.where()}") from None
                if not self._fill(pending):
                    raise BackupDataError(f"backup dump: expected JSON, got {e.msg} "
                                          f"{self.where()}") from None
                continue
            if end == len(self.buf) and not self.eof and self._fill():
                continue  # a number may go on in the next chunk
            if end - self.pos > self._max:
                raise BackupDataError(
                    f"backup dump: expected JSON values of at most {self._max:,} "
                    f"characters, got one of {end - self.pos:,} {self.where()}")
            self.pos = end
            return value

    def key(self) -> str:
        """A member name and its colon."""
        if self.peek() != '"':
            self.expect('"', "a member name (a JSON string)")
        name = self.value()
        self.expect(":", "':' after a member name")
        assert isinstance(name, str)
        return name

    def members(self, what: str) -> Iterator[str]:
        """The member names of the object that starts here; the caller reads each value."""
        self.expect("{", what)
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            yield self.key()
            if self.expect(",}", f"',' or '}}' in {what}") == "}":
                return


def iter_dump(stream: IO[bytes], room_id: str | None,
              max_value: int = DEFAULT_MAX_VALUE) -> Iterator[tuple[str, str, Any]]:
    """(room id, session id, entry) for every entry of the dump, in file order."""
    reader = _Reader(stream, max_value)
    saw_rooms = saw_sessions = False
    for name in reader.members("a JSON object (the dump)"):
        if name == "rooms":
            if room_id is not None:
                raise BackupDataError("backup dump: expected a one-room dump "
                                      "({\"sessions\": ...}) with a room id given, got "
                                      "a dump with \"rooms\"")
            saw_rooms = True
            for room in reader.members('a JSON object ("rooms")'):
                yield from _room(reader, room)
        elif name == "sessions":
            if room_id is None:
                raise BackupDataError("backup dump: expected a room id for a one-room "
                                      "dump ({\"sessions\": ...}), got none")
            saw_sessions = True
            yield from _sessions(reader, room_id)
        else:
            reader.value()
    if reader.peek() != "":
        raise BackupDataError(f"backup dump: expected the end of the text, got "
                              f"{reader.peek()!r} {reader.where()}")
    if not (saw_rooms or saw_sessions):
        raise BackupDataError('backup dump: expected the JSON of GET /room_keys/keys (a '
                              '"rooms" or "sessions" member), got neither')


def _room(reader: _Reader, room: str) -> Iterator[tuple[str, str, Any]]:
    seen = False
    for name in reader.members(f"a JSON object (room {brief(room)})"):
        if name == "sessions":
            seen = True
            yield from _sessions(reader, room)
        else:
            reader.value()
    if not seen:
        raise BackupDataError(f"backup dump room {room}: expected a \"sessions\" object, "
                              "got none")


def _sessions(reader: _Reader, room: str) -> Iterator[tuple[str, str, Any]]:
    for session_id in reader.members(f'a JSON object ("sessions" of room {brief(room)})'):
        yield room, session_id, reader.value()

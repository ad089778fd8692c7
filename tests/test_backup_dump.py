"""olmpy.backup.iter_backup_dump: the streamed reader of GET /room_keys/keys agrees with
json.loads on every layout, at every chunk boundary, and refuses malformed text with a
BackupDataError."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olmpy import _backup_dump, backup
from olmpy.backup import BackupDataError
from olmpy.errors import UsageError


def _expected(dump: dict[str, Any], room: str | None = None) -> list[tuple[str, str, Any]]:
    if room is not None:
        return [(room, s, v) for s, v in dump["sessions"].items()]
    return [(r, s, v) for r, body in dump["rooms"].items() for s, v in body["sessions"].items()]


def _read(text: str | bytes, room: str | None = None) -> list[tuple[str, str, Any]]:
    data = text.encode() if isinstance(text, str) else text
    return list(backup.iter_backup_dump(io.BytesIO(data), room))


ENTRY = {"first_message_index": 3, "forwarded_count": 0, "is_verified": True,
         "session_data": {"ephemeral": "e", "ciphertext": "c", "mac": "m"}}

_names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_entries = st.fixed_dictionaries({
    "first_message_index": st.integers(0, 2**32 - 1),
    "forwarded_count": st.integers(0, 10**6),
    "is_verified": st.booleans(),
    "session_data": st.dictionaries(st.sampled_from(["ephemeral", "ciphertext", "mac"]),
                                    _names),
})
_dumps = st.fixed_dictionaries({"rooms": st.dictionaries(
    _names, st.fixed_dictionaries({"sessions": st.dictionaries(_names, _entries, max_size=4)}),
    max_size=4)})


@settings(max_examples=150, deadline=None)
@given(dump=_dumps, indent=st.sampled_from([None, 0, 2]), ascii_only=st.booleans(),
       chunk=st.sampled_from([1, 2, 3, 7, 64, 1 << 16]))
def test_agrees_with_json_loads(dump: dict[str, Any], indent: int | None, ascii_only: bool,
                                chunk: int) -> None:
    text = json.dumps(dump, indent=indent, ensure_ascii=ascii_only)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_backup_dump, "_CHUNK", chunk)
        assert _read(text) == _expected(dump)


def test_one_room_form_and_unknown_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_backup_dump, "_CHUNK", 5)
    text = json.dumps({"extra": [1, {"x": "y"}, 12345.5e3], "sessions": {"S1": ENTRY,
                       "S2": ENTRY}, "more": None})
    assert _read(text, "!r:x") == [("!r:x", "S1", ENTRY), ("!r:x", "S2", ENTRY)]
    rooms = json.dumps({"rooms": {"!a:x": {"note": "n", "sessions": {"S": ENTRY}},
                                  "!b:x": {"sessions": {}}}, "next": 1})
    assert _read(rooms) == [("!a:x", "S", ENTRY)]


def test_large_dump_reads_one_entry_at_a_time() -> None:
    """A 2,000-room dump yields its first entry before the reader has seen 2 chunks."""
    dump = {"rooms": {f"!{i}:x": {"sessions": {f"S{i}": ENTRY}} for i in range(2000)}}
    data = json.dumps(dump).encode()
    stream = io.BytesIO(data)
    it = backup.iter_backup_dump(stream)
    assert next(it) == ("!0:x", "S0", ENTRY)
    assert stream.tell() <= 2 * _backup_dump._CHUNK < len(data)
    assert len(list(it)) == 1999


@pytest.mark.parametrize(("text", "room", "needle"), [
    ("", None, "expected a JSON object (the dump), got the end of the text"),
    ("[]", None, "expected a JSON object (the dump), got '['"),
    ("{}", None, 'a "rooms" or "sessions" member), got neither'),
    ('{"rooms": {"!r": {"sessions": {"S": {"a": 1}}}', None, "expected ',' or '}'"),
    ('{"rooms": {"!r": {"sessions": {"S": {"a": 1,}}}}}', None, "expected JSON, got"),
    ('{"rooms": {"!r": {"sessions": {"S": {"a": tru', None, "expected JSON, got"),
    ('{"rooms": {"!r": {"sessions": {"S": "x"}}}} x', None, "expected the end of the text"),
    ('{"rooms": {"!r": {"sessions": {S: 1}}}}', None, "a member name (a JSON string)"),
    ('{"rooms": {"!r": {}}}', None, 'room !r: expected a "sessions" object, got none'),
    ('{"rooms": []}', None, "expected a JSON object (\"rooms\")"),
    ('{"rooms": {}}', "!r", "a one-room dump"),
    ('{"sessions": {}}', None, "expected a room id"),
    (b'{"rooms": {"\xff": 1}}', None, "expected UTF-8 JSON"),
])
def test_malformed(text: str | bytes, room: str | None, needle: str,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_backup_dump, "_CHUNK", 4)
    with pytest.raises(BackupDataError) as e:
        _read(text, room)
    assert needle in str(e.value)


def test_malformed_entry_fails_where_it_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    """A syntax error early in a long dump is reported at once, without reading on."""
    monkeypatch.setattr(_backup_dump, "_CHUNK", 64)
    body = '{"rooms": {"!r": {"sessions": {"S": {"a": 1 2}, ' + '"T": 0, ' * 100_000
    stream = io.BytesIO(body.encode())
    with pytest.raises(BackupDataError, match="expected JSON, got"):
        list(backup.iter_backup_dump(stream))
    assert stream.tell() < 1000


def test_value_cap() -> None:
    big = json.dumps({"rooms": {"!r": {"sessions": {"S": {"pad": "x" * 5000}}}}})
    with pytest.raises(BackupDataError, match="at most 1,000 characters"):
        list(_backup_dump.iter_dump(io.BytesIO(big.encode()), None, max_value=1000))
    assert len(list(_backup_dump.iter_dump(io.BytesIO(big.encode()), None, 10_000))) == 1


@pytest.mark.parametrize(("src", "room"), [(None, None), ("text", None),
                                           (io.BytesIO(b"{}"), 5)])
def test_wrong_types_raise_at_the_call(src: Any, room: Any) -> None:
    with pytest.raises(UsageError):
        backup.iter_backup_dump(src, room)

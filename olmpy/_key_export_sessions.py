"""The sessions a key export carries: ``ExportedRoomKey`` and the JSON list they travel in.

The decrypted payload of a key export is a JSON list of objects, one per Megolm session (the
spec's ``SessionData`` plus ``room_id`` and ``session_id``).  ``ExportedRoomKey`` is one such
object, checked field by field when it is made; ``to_json`` and ``from_json`` convert it with
the spec's field names and order, and fields olmpy does not know (anything outside
``_KNOWN_FIELDS``) ride along in ``extra``.  The shared-history flag is read under any
of its names and, when set, written under two (``olmpy.shared_history``); none of its names
ever rides in ``extra``, so a name olmpy does not write is dropped, never written back.
``_json_list`` reads the list from decrypted text chunks one element at a time
(``json.JSONDecoder.raw_decode`` over a sliding buffer, at most 1 MiB an entry), so a
reader holds one entry at a time, never the whole list.

Nothing here knows about the encryption or the armour.  ``olmpy.key_export`` re-exports
``ExportedRoomKey`` and ``ALGORITHM``, and that is where callers import them from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, cast

from olmpy import _b64
from olmpy._key_export_errors import KeyExportEntryError, KeyExportError, _show
from olmpy.errors import Base64Error, KeyDecodeError, OlmpyError, UsageError, expected
from olmpy.keys import Curve25519PublicKey
from olmpy.megolm import (
    ExportedSessionKey,
    InboundGroupSession,
    SessionOrdering,
    SessionSource,
)
from olmpy.shared_history import READ_NAMES, UNSTABLE, read_shared_history, shared_history_fields
from olmpy.types import ExportedRoomKeyJson, MegolmAlgorithm

ALGORITHM: Final = "m.megolm.v1.aes-sha2"
SHARED_HISTORY = UNSTABLE  # the name olmpy 0.2 read and wrote; see olmpy.shared_history
_MAX_ENTRY_CHARS = 1 << 20
_JSON_WS = re.compile(r"[ \t\n\r]*")


# --- the session record -----------------------------------------------------------------


def _curve_key(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{what}: " + expected("a base64 str", type(value).__name__))
    try:
        Curve25519PublicKey.from_base64(value)
    except (KeyDecodeError, Base64Error) as e:
        raise type(e)(f"{what}: {e}") from None
    return value


@dataclass(frozen=True, repr=False)
class ExportedRoomKey:
    """One session of a key export (the spec's ``SessionData`` plus ``room_id``/``session_id``).

    ``session_key`` is the 165-byte export-format key; ``session_id`` must name its session.
    Fields olmpy does not know are kept in ``extra`` and written back unchanged.
    """

    room_id: str
    sender_key: str
    session_id: str
    session_key: ExportedSessionKey
    sender_claimed_keys: Mapping[str, str] = field(default_factory=dict)
    forwarding_curve25519_key_chain: Sequence[str] = ()
    shared_history: bool = False
    algorithm: MegolmAlgorithm = ALGORITHM
    extra: Mapping[str, Any] = field(default_factory=dict)

    __hash__ = None  # type: ignore[assignment]  # holds dicts; compare with ==

    def __post_init__(self) -> None:
        for name in ("room_id", "session_id", "algorithm"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise UsageError(f"{name}: " + expected("str", type(value).__name__))
        if self.algorithm != ALGORITHM:
            raise UsageError("algorithm: " + expected(repr(ALGORITHM), repr(self.algorithm)))
        if not isinstance(self.session_key, ExportedSessionKey):
            raise UsageError(
                "session_key: " + expected("ExportedSessionKey", type(self.session_key).__name__)
            )
        _curve_key(self.sender_key, "sender_key")
        named = _b64.decode_public(self.session_id, "session_id")
        if named != self.session_key.to_bytes()[133:165]:
            raise UsageError(
                "session_id: "
                + expected(f"the session key's own id {self.session_key.session_id}",
                           repr(self.session_id))
            )
        claimed = self.sender_claimed_keys
        if not isinstance(claimed, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in claimed.items()
        ):
            raise UsageError(
                "sender_claimed_keys: " + expected("a mapping of str to str", _show(repr(claimed)))
            )
        chain = self.forwarding_curve25519_key_chain
        if isinstance(chain, (str, bytes)) or not isinstance(chain, Sequence):
            raise UsageError(
                "forwarding_curve25519_key_chain: "
                + expected("a sequence of base64 str", type(chain).__name__)
            )
        for i, key in enumerate(chain):
            _curve_key(key, f"forwarding_curve25519_key_chain[{i}]")
        if type(self.shared_history) is not bool:
            raise UsageError(
                "shared_history: " + expected("bool", type(self.shared_history).__name__)
            )
        if not isinstance(self.extra, Mapping) or not all(isinstance(k, str) for k in self.extra):
            raise UsageError(
                "extra: " + expected("a mapping with str keys", _show(repr(self.extra)))
            )
        clash = sorted(set(self.extra) & _KNOWN_FIELDS)
        if clash:
            raise UsageError("extra: " + expected("only unknown field names", repr(clash)))
        object.__setattr__(self, "sender_claimed_keys", dict(claimed))
        object.__setattr__(self, "forwarding_curve25519_key_chain", tuple(chain))
        object.__setattr__(self, "extra", dict(self.extra))

    @property
    def first_known_index(self) -> int:
        """The first Megolm index the session key can decrypt."""
        return self.session_key.message_index

    @classmethod
    def from_inbound_group_session(
        cls,
        session: InboundGroupSession,
        room_id: str,
        sender_key: str,
        sender_claimed_keys: Mapping[str, str] | None = None,
        forwarding_curve25519_key_chain: Sequence[str] = (),
        *,
        shared_history: bool = False,
    ) -> ExportedRoomKey:
        """The record for ``session``, exported at its first known index."""
        if not isinstance(session, InboundGroupSession):
            raise UsageError(
                "session: " + expected("InboundGroupSession", type(session).__name__)
            )
        return cls(
            room_id=room_id,
            sender_key=sender_key,
            session_id=session.session_id,
            session_key=session.export_at_first_known_index(),
            sender_claimed_keys={} if sender_claimed_keys is None else sender_claimed_keys,
            forwarding_curve25519_key_chain=forwarding_curve25519_key_chain,
            shared_history=shared_history,
        )

    def to_inbound_group_session(self) -> InboundGroupSession:
        """A new (unverified) inbound session from the exported key (source EXPORT_FILE)."""
        return InboundGroupSession.import_session(
            self.session_key, source=SessionSource.EXPORT_FILE
        )

    def compare(self, other: ExportedRoomKey) -> SessionOrdering:
        """How this copy of a session compares with ``other``, another export of it.

        BETTER when this one decrypts from an earlier index (``InboundGroupSession.compare``
        on the two exported ratchets), EQUAL at the same index, UNCONNECTED when the two
        are not one session: another room, sender key or session id, or ratchets that do
        not lead to each other (one of the copies is forged or corrupt).
        """
        if not isinstance(other, ExportedRoomKey):
            raise UsageError("other: " + expected("ExportedRoomKey", type(other).__name__))
        if (self.room_id, self.sender_key, self.session_id) != (
            other.room_id, other.sender_key, other.session_id
        ):
            return SessionOrdering.UNCONNECTED
        mine = InboundGroupSession.import_session(self.session_key)
        theirs = InboundGroupSession.import_session(other.session_key)
        return mine.compare(theirs)

    def to_json(self) -> ExportedRoomKeyJson:
        """The JSON object written into the export (spec field names and order)."""
        doc: dict[str, Any] = {
            "algorithm": self.algorithm,
            "room_id": self.room_id,
            "sender_key": self.sender_key,
            "session_id": self.session_id,
            "session_key": self.session_key.to_base64(),
            "sender_claimed_keys": dict(self.sender_claimed_keys),
            "forwarding_curve25519_key_chain": list(self.forwarding_curve25519_key_chain),
        }
        if self.shared_history:  # absent reads as false everywhere; as olmpy 0.2 wrote it
            doc.update(shared_history_fields(True))
        doc.update(self.extra)
        return cast(ExportedRoomKeyJson, doc)

    @classmethod
    def from_json(cls, doc: object, index: int = 0) -> ExportedRoomKey:
        """Parses one JSON entry; raises KeyExportEntryError naming entry ``index``."""
        where = f"key export entry {index}"
        if not isinstance(doc, dict):
            raise KeyExportEntryError(
                f"{where}: " + expected("a JSON object", type(doc).__name__), index
            )
        for name in ("algorithm", "room_id", "sender_key", "session_id", "session_key"):
            if name not in doc:
                raise KeyExportEntryError(
                    f"{where}: " + expected(f"a {name!r} field", "none"), index
                )
        try:
            session_key = doc["session_key"]
            if not isinstance(session_key, str):
                raise UsageError(
                    "session_key: " + expected("a base64 str", type(session_key).__name__)
                )
            return cls(
                room_id=doc["room_id"],
                sender_key=doc["sender_key"],
                session_id=doc["session_id"],
                session_key=ExportedSessionKey(session_key),
                sender_claimed_keys=doc.get("sender_claimed_keys", {}),
                forwarding_curve25519_key_chain=doc.get("forwarding_curve25519_key_chain", []),
                shared_history=read_shared_history(doc),
                algorithm=doc["algorithm"],
                extra={k: v for k, v in doc.items() if k not in _KNOWN_FIELDS},
            )
        except OlmpyError as e:
            raise KeyExportEntryError(f"{where}: {e}", index) from None

    def __repr__(self) -> str:
        return (
            f"ExportedRoomKey(room_id={self.room_id!r}, session_id={self.session_id!r}, "
            f"sender_key={self.sender_key!r}, first_known_index={self.first_known_index})"
        )


_KNOWN_FIELDS = frozenset({
    "algorithm", "room_id", "sender_key", "session_id", "session_key",
    "sender_claimed_keys", "forwarding_curve25519_key_chain", *READ_NAMES,
})


# --- the JSON list ----------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"the non-JSON constant {name}")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _json_list(chunks: Iterator[str]) -> Iterator[Any]:
    """Yields the elements of a top-level JSON list of objects, read from text chunks."""
    buf = ""
    pos = 0
    ended = False

    def fill() -> bool:
        nonlocal buf, pos, ended
        if ended:
            return False
        for chunk in chunks:
            if chunk:
                buf = buf[pos:] + chunk
                pos = 0
                return True
        ended = True
        return False

    def next_char() -> str:
        """The next non-whitespace character ('' at the end), left unconsumed."""
        nonlocal pos
        while True:
            match = _JSON_WS.match(buf, pos)
            assert match is not None  # the pattern matches the empty string
            pos = match.end()
            if pos < len(buf):
                return buf[pos]
            if not fill():
                return ""

    def fail(want: str, got: str) -> KeyExportError:
        return KeyExportError("key export plaintext: " + expected(want, got))

    c = next_char()
    if c != "[":
        raise fail("a JSON list", _show(buf[pos:]) if c else "nothing")
    pos += 1
    index = 0
    if next_char() == "]":
        pos += 1
    else:
        while True:
            c = next_char()
            if c != "{":
                got = _show(buf[pos:]) if c else "the end of the plaintext"
                raise fail(f"a JSON object for entry {index}", got)
            while True:
                try:
                    doc, end = _DECODER.raw_decode(buf, pos)
                    break
                except (ValueError, RecursionError) as e:
                    if len(buf) - pos > _MAX_ENTRY_CHARS:
                        raise fail(f"entry {index} as JSON of at most 1 MiB", str(e)) from None
                    if not fill():
                        raise fail(f"entry {index} as valid JSON", str(e)) from None
            pos = end
            yield doc
            index += 1
            c = next_char()
            if c == "]":
                pos += 1
                break
            if c != ",":
                raise fail("',' or ']'", _show(buf[pos:]) if c else "the end of the plaintext")
            pos += 1
    if next_char():
        raise fail("nothing after the list", _show(buf[pos:]))

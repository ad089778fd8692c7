"""Megolm key export files ("MEGOLM SESSION DATA"), as Element and matrix-rust-sdk write them.

A key export is a passphrase-encrypted JSON list of Megolm sessions (spec: client-server
API, "Key exports").  The file is ASCII armour around standard base64 of::

    0x01 | salt (16) | IV (16) | rounds N (u32 BE) | AES-256-CTR(K, IV, JSON) | HMAC (32)

where K | K' = PBKDF2-HMAC-SHA-512(UTF-8 passphrase, salt, N, 64 bytes) and the MAC is
HMAC-SHA-256 with K' over everything before it.  The counter is WebCrypto's 64-bit one
(AES-CTR with ``length: 64``): only the low 64 bits of the counter block count up, wrapping
to zero without carrying into the high half.  OpenSSL's CTR carries over all 128 bits, so
``primitives.AesCtr64`` splits the stream at the wrap point and restarts the cipher with
the high half unchanged.  Writers clear bit 63 of the IV so that the wrap never happens in
files they write; readers must still handle it (Element's published vector with an all-ones
IV needs it).

Theory of operation.  ``KeyExportWriter`` derives the keys once, then encrypts, MACs and
base64-armours each session as it is written, emitting whole 128-character lines (96 bytes,
Element's layout) as they fill: memory stays constant apart from the current session.
``KeyExportReader`` makes two passes.  Pass 1 decodes the armour, derives the keys from the
header, MACs the payload (holding back the last 32 bytes, the tag) and compares the tag in
constant time; nothing is decrypted or parsed before that succeeds.  Pass 2 decrypts and
parses the JSON list one element at a time (``json.JSONDecoder.raw_decode`` over a sliding
buffer) and yields ``ExportedRoomKey`` records.  Inputs olmpy cannot change under it (``str``,
``bytes``) are simply decoded again in pass 2.  Any other input (an open file, a pipe, a
path) is read exactly once: pass 1 copies the ciphertext, which is authenticated and
reveals nothing, into a private ``SpooledTemporaryFile`` (memory up to 1 MiB, then an
anonymous temporary file), and pass 2 reads that copy, so non-seekable inputs work and a
file that changes between the passes cannot feed unauthenticated bytes to pass 2.

PBKDF2 runs as one call into OpenSSL (pyca/cryptography).  A 64-byte SHA-512 output is a
single PBKDF2 block, T1 = U1 ^ ... ^ UN, which OpenSSL cannot report part-way through;
re-implementing the U-chain with ``hmac`` made it about 4x slower (500,000 rounds,
benchmarks/compare_key_export.py), so the progress callback sees the KDF only at (0, N)
before and (N, N) after.
"""

from __future__ import annotations

import binascii
import codecs
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from hmac import compare_digest
from typing import IO, Any, Final, Protocol, TypeAlias, cast

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _hmac
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from olmpy import _b64
from olmpy._key_export_errors import (
    KeyExportBase64Error,
    KeyExportEntryError,
    KeyExportError,
    KeyExportRoundsError,
    KeyExportVersionError,
    _show,
)
from olmpy.errors import (
    Base64Error,
    KeyDecodeError,
    MacError,
    OlmpyError,
    UsageError,
    brief,
    expected,
)
from olmpy.hazmat.primitives import AesCtr64
from olmpy.keys import Curve25519PublicKey
from olmpy.megolm import ExportedSessionKey, InboundGroupSession, SessionSource
from olmpy.types import ExportedRoomKeyJson, MegolmAlgorithm

__all__ = [
    "ALGORITHM",
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_ROUNDS",
    "FOOTER",
    "HEADER",
    "KDF",
    "MAX_ROUNDS",
    "MIN_ROUNDS",
    "SESSIONS",
    "BinarySink",
    "ExportedRoomKey",
    "KeyExportBase64Error",
    "KeyExportEntryError",
    "KeyExportError",
    "KeyExportReader",
    "KeyExportRoundsError",
    "KeyExportVersionError",
    "KeyExportWriter",
    "Progress",
    "Readable",
    "Source",
    "TextSink",
    "decrypt_key_file",
    "encrypt_key_file",
    "export_room_keys",
    "import_room_keys",
]

HEADER = "-----BEGIN MEGOLM SESSION DATA-----"
FOOTER = "-----END MEGOLM SESSION DATA-----"
VERSION = 0x01
ALGORITHM: Final = "m.megolm.v1.aes-sha2"
SHARED_HISTORY = "org.matrix.msc3061.shared_history"

DEFAULT_ROUNDS = 500_000
"""Element's default PBKDF2 round count (MegolmExportEncryption.ts)."""
MIN_ROUNDS = 100_000
"""The least a writer uses unless told ``allow_low_rounds``: the spec's "at least 100,000"."""
MAX_ROUNDS = 10_000_000
"""The most a writer uses (20x Element's)."""
DEFAULT_MAX_ROUNDS = 1_000_000
"""The most a reader accepts unless given a larger ``max_rounds``: 2x Element's 500,000, above
every client's setting (SPEC.md section 18), so a hostile file costs at most about 0.4 s."""

KDF = "kdf"
"""Progress stage: key derivation, reported as (0, N) and (N, N)."""
SESSIONS = "sessions"
"""Progress stage: sessions written or read so far; the total is None when unknown."""

Progress: TypeAlias = Callable[[str, int, "int | None"], None]
"""``progress(stage, done, total)``; an exception raised by it aborts the operation."""

_SALT_LEN = 16
_IV_LEN = 16
_PREFIX_LEN = 1 + _SALT_LEN + _IV_LEN + 4
_MAC_LEN = 32
_MIN_PAYLOAD = _PREFIX_LEN + _MAC_LEN
_LINE_BYTES = 96  # Element writes 128 base64 characters per line
_LINE_CHARS = _LINE_BYTES * 4 // 3
_FLUSH_BYTES = _LINE_BYTES * 512
_CHUNK = 1 << 16
_SPOOL_MAX = 1 << 20
_MAX_ENTRY_CHARS = 1 << 20

_HEADER_B = HEADER.encode("ascii")
_FOOTER_B = FOOTER.encode("ascii")
_WS = b" \t\r\n\f"  # what WebCrypto-era readers (atob) skip inside the body
_LINE_WS = b" \t\r\f"
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
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
        if self.shared_history:
            doc[SHARED_HISTORY] = True
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
                shared_history=doc.get(SHARED_HISTORY, False),
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
    "sender_claimed_keys", "forwarding_curve25519_key_chain", SHARED_HISTORY,
})


# --- shared crypto pieces ---------------------------------------------------------------


def _passphrase_bytes(passphrase: object) -> bytes:
    if isinstance(passphrase, str):
        try:
            return passphrase.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                "passphrase: " + expected("a str that encodes as UTF-8", "a lone surrogate")
            ) from None
    if isinstance(passphrase, (bytes, bytearray, memoryview)):
        return bytes(passphrase)
    raise UsageError("passphrase: " + expected("str or bytes", type(passphrase).__name__))


def _derive(
    passphrase: bytes, salt: bytes, rounds: int, progress: Progress | None
) -> tuple[bytes, bytes]:
    """(AES key K, HMAC key K') = PBKDF2-HMAC-SHA-512(passphrase, salt, rounds, 64)."""
    if progress is not None:
        progress(KDF, 0, rounds)
    okm = PBKDF2HMAC(hashes.SHA512(), 64, salt, rounds).derive(passphrase)
    if progress is not None:
        progress(KDF, rounds, rounds)
    return okm[:32], okm[32:]


def _check_progress(progress: object) -> None:
    if progress is not None and not callable(progress):
        raise UsageError(
            "progress: " + expected("a callable (stage, done, total) or None",
                                    type(progress).__name__)
        )


def _check_keys(keys: object) -> None:
    if isinstance(keys, (str, bytes, Mapping)) or not isinstance(keys, Iterable):
        raise UsageError("keys: " + expected("an iterable of ExportedRoomKey", type(keys).__name__))


def _check_rounds(rounds: object, allow_low_rounds: bool) -> int:
    if type(allow_low_rounds) is not bool:
        raise UsageError("allow_low_rounds: " + expected("a bool", type(allow_low_rounds).__name__))
    if not isinstance(rounds, int) or isinstance(rounds, bool):
        raise UsageError("rounds: " + expected("int", type(rounds).__name__))
    low = 1 if allow_low_rounds else MIN_ROUNDS
    if not low <= rounds <= MAX_ROUNDS:
        hint = "" if allow_low_rounds else " (allow_low_rounds=True permits fewer, for tests)"
        shown = rounds if rounds.bit_length() <= 64 else f"an integer of {rounds.bit_length()} bits"
        raise UsageError("rounds: " + expected(f"{low}..{MAX_ROUNDS}{hint}", shown))
    return rounds


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


class _PayloadWriter:
    """Encrypts, MACs and armours a payload written in pieces."""

    def __init__(
        self,
        out: Any,
        passphrase: str | bytes,
        rounds: int,
        allow_low_rounds: bool,
        progress: Progress | None,
        salt: bytes | None,
        iv: bytes | None,
    ) -> None:
        secret = _passphrase_bytes(passphrase)
        if not secret:  # a reader still opens a file a peer wrote with one
            raise UsageError("passphrase: " + expected("a non-empty passphrase", "an empty one"))
        self.rounds = _check_rounds(rounds, allow_low_rounds)
        _check_progress(progress)
        sink = _Sink(out)
        if salt is None:
            salt = os.urandom(_SALT_LEN)
        if iv is None:
            fresh = bytearray(os.urandom(_IV_LEN))
            fresh[8] &= 0x7F  # bit 63 clear: the 64-bit counter can never wrap
            iv = bytes(fresh)
        if len(salt) != _SALT_LEN or len(iv) != _IV_LEN:
            raise UsageError("salt and IV: " + expected("16 bytes each", (len(salt), len(iv))))
        aes_key, mac_key = _derive(secret, salt, self.rounds, progress)
        self._ctr = AesCtr64(aes_key, iv)
        self._mac = _hmac.HMAC(mac_key, hashes.SHA256())
        self._armour = _ArmourWriter(sink)
        prefix = bytes([VERSION]) + salt + iv + self.rounds.to_bytes(4, "big")
        self._mac.update(prefix)
        self._armour.add(prefix)

    def add(self, plaintext: bytes) -> None:
        ciphertext = self._ctr.update(plaintext)
        self._mac.update(ciphertext)
        self._armour.add(ciphertext)

    def finish(self) -> None:
        self._armour.add(self._mac.finalize())
        self._armour.finish()


class KeyExportWriter:
    """Writes an export file one session at a time, in constant memory.

    ``out`` is a text stream (gets str) or a binary one (gets ASCII bytes).  Use it as a
    context manager: leaving the block normally writes the closing ``]``, the MAC and the
    footer; leaving it by an exception writes nothing more (the partial output is invalid).
    The key derivation runs in the constructor.  ``total``, if given, is passed on to
    ``progress`` as the expected number of sessions.
    """

    def __init__(
        self,
        out: TextSink | BinarySink,
        passphrase: str | bytes,
        *,
        rounds: int = DEFAULT_ROUNDS,
        allow_low_rounds: bool = False,
        progress: Progress | None = None,
        total: int | None = None,
        _salt: bytes | None = None,
        _iv: bytes | None = None,
    ) -> None:
        if total is not None and (not isinstance(total, int) or isinstance(total, bool)
                                  or total < 0):
            raise UsageError("total: " + expected("a non-negative int or None", brief(total)))
        self._payload = _PayloadWriter(
            out, passphrase, rounds, allow_low_rounds, progress, _salt, _iv
        )
        self._progress = progress
        self._total = total
        self._count = 0
        self._state = "open"

    @property
    def rounds(self) -> int:
        """The PBKDF2 round count written in the header."""
        return self._payload.rounds

    @property
    def count(self) -> int:
        """How many sessions were written so far."""
        return self._count

    def write(self, key: ExportedRoomKey) -> None:
        """Encrypts and writes one session."""
        if self._state != "open":
            raise UsageError("key export writer: " + expected("an open writer", self._state))
        if not isinstance(key, ExportedRoomKey):
            raise UsageError("key: " + expected("ExportedRoomKey", type(key).__name__))
        try:
            text = json.dumps(
                key.to_json(), separators=(",", ":"), ensure_ascii=False, allow_nan=False
            )
            data = ("," if self._count else "[").encode("utf-8") + text.encode("utf-8")
        except (TypeError, ValueError) as e:  # extra fields that JSON cannot carry
            raise UsageError("key: " + expected("JSON-serialisable fields", str(e))) from None
        self._payload.add(data)
        self._count += 1
        if self._progress is not None:
            self._progress(SESSIONS, self._count, self._total)

    def write_all(self, keys: Iterable[ExportedRoomKey]) -> None:
        """Writes every session of ``keys`` in order."""
        _check_keys(keys)
        for key in keys:
            self.write(key)

    def close(self) -> None:
        """Finishes the file: ``]``, the MAC and the footer line.  Idempotent."""
        if self._state == "aborted":
            raise UsageError("key export writer: " + expected("an open writer", "aborted"))
        if self._state == "closed":
            return
        self._payload.add(b"]" if self._count else b"[]")
        self._payload.finish()
        self._state = "closed"

    def abort(self) -> None:
        """Stops without finishing; what was written so far is not a valid file."""
        if self._state == "open":
            self._state = "aborted"

    def __enter__(self) -> KeyExportWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def __repr__(self) -> str:
        return f"KeyExportWriter(rounds={self.rounds}, count={self._count}, {self._state})"


def encrypt_key_file(
    plaintext: bytes,
    passphrase: str | bytes,
    *,
    rounds: int = DEFAULT_ROUNDS,
    allow_low_rounds: bool = False,
    progress: Progress | None = None,
    _salt: bytes | None = None,
    _iv: bytes | None = None,
) -> str:
    """Encrypts arbitrary bytes into an armoured MEGOLM SESSION DATA file (str)."""
    if not isinstance(plaintext, (bytes, bytearray, memoryview)):
        raise UsageError("plaintext: " + expected("bytes", type(plaintext).__name__))
    out = io.StringIO()
    writer = _PayloadWriter(out, passphrase, rounds, allow_low_rounds, progress, _salt, _iv)
    writer.add(bytes(plaintext))
    writer.finish()
    return out.getvalue()


def export_room_keys(
    keys: Iterable[ExportedRoomKey],
    passphrase: str | bytes,
    *,
    rounds: int = DEFAULT_ROUNDS,
    allow_low_rounds: bool = False,
    progress: Progress | None = None,
) -> str:
    """An armoured export file of ``keys`` (str), as Element writes it."""
    _check_keys(keys)
    out = io.StringIO()
    total = len(keys) if isinstance(keys, Sequence) else None
    with KeyExportWriter(
        out, passphrase, rounds=rounds, allow_low_rounds=allow_low_rounds,
        progress=progress, total=total,
    ) as writer:
        writer.write_all(keys)
    return out.getvalue()


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


class KeyExportReader:
    """Opens an export file: the constructor checks armour and MAC; iteration decrypts.

    Iterating yields ``ExportedRoomKey`` records one at a time (constant memory apart
    from one entry); ``plaintext()`` yields the raw decrypted bytes instead.  Either can
    be used once.  A bad entry raises ``KeyExportEntryError`` after the entries before
    it were yielded; all of them were authenticated.  The file chooses its PBKDF2 round
    count: more than ``max_rounds`` (default ``DEFAULT_MAX_ROUNDS``, 1,000,000) raises
    ``KeyExportRoundsError`` (a ``KdfCostError``) before any derivation.
    """

    def __init__(
        self,
        source: Source,
        passphrase: str | bytes,
        *,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        progress: Progress | None = None,
    ) -> None:
        secret = _passphrase_bytes(passphrase)
        _check_progress(progress)
        if not isinstance(max_rounds, int) or isinstance(max_rounds, bool) or max_rounds < 1:
            shown = (repr(max_rounds) if not isinstance(max_rounds, int)
                     or max_rounds.bit_length() <= 64 else "a huge negative int")
            raise UsageError("max_rounds: " + expected("a positive int", shown))
        if isinstance(source, (bytearray, memoryview)):
            source = bytes(source)  # a private, immutable copy
        self._source = source
        self._progress = progress
        self._spool: IO[bytes] | None = None
        self._used = False
        self._verify(secret, max_rounds)

    def _verify(self, secret: bytes, max_rounds: int) -> None:
        """Pass 1: armour, header checks, KDF, MAC; the input is read exactly once."""
        chunks = _armour_chunks(self._source)
        try:
            self._pass1(chunks, secret, max_rounds)
        except BaseException:
            self.close()
            raise
        finally:
            chunks.close()  # closes a file opened from a path

    def _pass1(self, chunks: Iterator[bytes], secret: bytes, max_rounds: int) -> None:
        armour = _ArmourReader()
        head = b""
        ended = False
        while len(head) < _MIN_PAYLOAD:
            chunk = next(chunks, None)
            if chunk is None:
                head += armour.finish()
                ended = True
                break
            head += armour.feed(chunk)
        if not head:
            raise KeyExportError("key export: " + expected("a payload", "an empty body"))
        if head[0] != VERSION:
            raise KeyExportVersionError(
                "key export version: " + expected(f"0x{VERSION:02x}", f"0x{head[0]:02x}")
            )
        if len(head) < _MIN_PAYLOAD:
            raise KeyExportError(
                "key export payload: "
                + expected(f"at least {_MIN_PAYLOAD} bytes", f"{len(head)} bytes (truncated)")
            )
        salt, iv = head[1:17], head[17:33]
        rounds = int.from_bytes(head[33:37], "big")
        if not 1 <= rounds <= max_rounds:
            error = KeyExportRoundsError if rounds else KeyExportError
            raise error(
                "key export round count: "
                + expected(f"1..{max_rounds} (raise max_rounds to allow more)", rounds)
            )
        self.rounds = rounds
        aes_key, mac_key = _derive(secret, salt, rounds, self._progress)
        mac = _hmac.HMAC(mac_key, hashes.SHA256())
        mac.update(head[:_PREFIX_LEN])
        if not isinstance(self._source, (str, bytes)):
            # lives across both passes; close() releases it
            self._spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX)  # noqa: SIM115
        spool = self._spool
        held = bytearray(head[_PREFIX_LEN:])
        length = 0
        while True:
            if len(held) > _MAC_LEN:
                ciphertext = bytes(held[:-_MAC_LEN])
                del held[:-_MAC_LEN]
                mac.update(ciphertext)
                length += len(ciphertext)
                if spool is not None:
                    spool.write(ciphertext)
            if ended:
                break
            chunk = next(chunks, None)
            if chunk is None:
                held += armour.finish()
                ended = True
            else:
                held += armour.feed(chunk)
        if not compare_digest(mac.finalize(), bytes(held)):
            raise MacError(
                "key export MAC: "
                + expected("a MAC made with this passphrase", "a mismatch (wrong passphrase, "
                           "or the file was changed)")
            )
        self._aes_key, self._iv, self._length = aes_key, iv, length

    def _ciphertext(self) -> Iterator[bytes]:
        """Pass 2's input: the authenticated ciphertext, from the spool or decoded again."""
        left = self._length
        if self._spool is not None:
            self._spool.seek(0)
            while left:
                chunk = self._spool.read(min(_CHUNK, left))
                if not chunk:
                    raise KeyExportError("key export: the spooled copy ended early")
                left -= len(chunk)
                yield chunk
            return
        armour = _ArmourReader()
        skip = _PREFIX_LEN
        for text in _armour_chunks(self._source):
            data = armour.feed(text)
            if skip:
                cut = min(skip, len(data))
                data, skip = data[cut:], skip - cut
            if data:
                data = data[:left]
                left -= len(data)
                if data:
                    yield data
            if not left:
                return

    def plaintext(self) -> Iterator[bytes]:
        """The decrypted payload in chunks (for files whose plaintext is not a key list)."""
        if self._used:
            raise UsageError("key export reader: " + expected("a first read", "a second one"))
        self._used = True
        ctr = AesCtr64(self._aes_key, self._iv)
        try:
            for chunk in self._ciphertext():
                yield ctr.update(chunk)
        finally:
            self.close()

    def __iter__(self) -> Iterator[ExportedRoomKey]:
        """Decrypts and yields the sessions one by one."""
        decoder = codecs.getincrementaldecoder("utf-8")("strict")

        def text() -> Iterator[str]:
            try:
                for chunk in self.plaintext():
                    yield decoder.decode(chunk)
                yield decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise KeyExportError(
                    "key export plaintext: " + expected("UTF-8", "invalid UTF-8 bytes")
                ) from None

        for count, doc in enumerate(_json_list(text()), 1):
            key = ExportedRoomKey.from_json(doc, count - 1)
            if self._progress is not None:
                self._progress(SESSIONS, count, None)
            yield key

    def close(self) -> None:
        """Releases the spooled ciphertext copy, if any."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __enter__(self) -> KeyExportReader:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KeyExportReader(rounds={self.rounds}, ciphertext={self._length} bytes)"


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


def decrypt_key_file(
    source: Source,
    passphrase: str | bytes,
    *,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    progress: Progress | None = None,
) -> bytes:
    """The whole decrypted payload of an export file, after its MAC verified."""
    with KeyExportReader(source, passphrase, max_rounds=max_rounds, progress=progress) as r:
        return b"".join(r.plaintext())


def import_room_keys(
    source: Source,
    passphrase: str | bytes,
    *,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    progress: Progress | None = None,
) -> list[ExportedRoomKey]:
    """Every session of an export file; all or nothing."""
    with KeyExportReader(source, passphrase, max_rounds=max_rounds, progress=progress) as r:
        return list(r)

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

Where the pieces live.  This module is the payload format: its constants, the key derivation
(which looks ``PBKDF2HMAC`` up here), MAC and cipher, the reader and the writer.
``olmpy._key_export_armour`` streams the armoured text (``HEADER``, ``FOOTER``, the sinks and
sources), ``olmpy._key_export_sessions`` holds ``ExportedRoomKey`` and the JSON list, and
``olmpy._key_export_errors`` the errors; none of them imports this module, which re-exports
their public names.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from hmac import compare_digest
from typing import IO, Any, TypeAlias

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _hmac
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from olmpy._key_export_armour import (
    _CHUNK,
    FOOTER,
    HEADER,
    BinarySink,
    Readable,
    Source,
    TextSink,
    _armour_chunks,
    _ArmourReader,
    _ArmourWriter,
    _Sink,
)
from olmpy._key_export_errors import (
    KeyExportBase64Error,
    KeyExportEntryError,
    KeyExportError,
    KeyExportRoundsError,
    KeyExportVersionError,
)

# SHARED_HISTORY and _KNOWN_FIELDS are not used here; they stay importable from this module.
from olmpy._key_export_sessions import _KNOWN_FIELDS as _KNOWN_FIELDS
from olmpy._key_export_sessions import ALGORITHM, ExportedRoomKey, _json_list
from olmpy._key_export_sessions import SHARED_HISTORY as SHARED_HISTORY
from olmpy.errors import MacError, UsageError, brief, expected
from olmpy.hazmat.primitives import AesCtr64

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

# The public classes that live in the helper modules keep the module name users import
# them from (reprs, help(), pickled exceptions), as before the split.
for _moved in (
    BinarySink,
    ExportedRoomKey,
    KeyExportBase64Error,
    KeyExportEntryError,
    KeyExportError,
    KeyExportRoundsError,
    KeyExportVersionError,
    Readable,
    TextSink,
):
    _moved.__module__ = __name__
del _moved

VERSION = 0x01

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
_SPOOL_MAX = 1 << 20


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

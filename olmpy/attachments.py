"""Encrypted attachments: the ``file`` object of an encrypted m.room.message ("v2").

A file is encrypted with AES-256-CTR under a fresh random 256-bit key.  The
16-byte counter block is 8 random bytes followed by a 64-bit block counter that
starts at zero; the SHA-256 of the *ciphertext* is sent with the key, so a
recipient can tell that the homeserver did not change the upload.  The key,
counter block and hash travel inside the (Megolm-encrypted) event as::

    {"v": "v2",
     "key": {"kty": "oct", "key_ops": ["encrypt", "decrypt"], "alg": "A256CTR",
             "k": <URL-safe unpadded base64 of the key>, "ext": true},
     "iv": <unpadded base64 of the counter block>,
     "hashes": {"sha256": <unpadded base64 of SHA-256(ciphertext)>}}

The counter is the low 64 bits of the block (WebCrypto's ``length: 64``): when it
wraps it goes back to zero without carrying into the random half.  With the low
half starting at zero that can never happen, but "v1" files (and a sender that
puts random bytes in the low half) decrypt as Element Web decrypts them.

Decryption never hands out plaintext whose hash has not been checked.  In memory,
one pass decrypts into a buffer while hashing the ciphertext, and the buffer is
released only if the hash matches (it is wiped otherwise).  Seekable sources are
hashed first and decrypted after; a non-seekable source is copied (ciphertext
only, which is public) to a temporary file while it is hashed.

The work runs in the backend (``attachment_encrypt``, ``attachment_decrypt``,
``attachment_cipher``): natively, AES-256-CTR and SHA-256 in one fused pass on
the CPU's AES and SHA instructions (``_native/attachment.c``); without those
instructions, or on the pure backend, AES in OpenSSL through ``cryptography``
and SHA-256 in ``hashlib``, one after the other.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from collections.abc import Mapping
from typing import IO, Any, Final, Protocol, cast

from olmpy import _b64, _backend
from olmpy._nocopy import refuse_pickle
from olmpy.errors import (
    Base64Error,
    DecodeError,
    DecryptionError,
    UsageError,
    VersionError,
    brief,
    expected,
)
from olmpy.types import AttachmentVersion, EncryptedFile

__all__ = [
    "CHUNK_SIZE",
    "MAX_CHUNK_SIZE",
    "AttachmentError",
    "AttachmentHashError",
    "AttachmentVersionError",
    "EncryptedFileInfo",
    "decrypt",
    "decrypt_stream",
    "encrypt",
    "encrypt_stream",
]

CHUNK_SIZE = 64 * 1024
"""Bytes read from a source per step by the streaming functions."""

MAX_CHUNK_SIZE = 1 << 30
"""The largest ``chunk_size`` accepted (larger reads defeat constant memory)."""

VERSION: Final = "v2"
ACCEPTED_VERSIONS = ("v2", "v1")
KEY_LEN = 32
IV_LEN = 16
HASH_LEN = 32


class AttachmentError(DecodeError):
    """The ``file`` info of an encrypted attachment is malformed."""


class AttachmentVersionError(AttachmentError, VersionError):
    """The ``file`` info names a version other than "v2" or "v1"."""


class AttachmentHashError(DecryptionError):
    """The ciphertext's SHA-256 differs from the one in the ``file`` info."""


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...





def _urlsafe_b64encode(data: bytes) -> str:
    return _b64.encode(data).replace("+", "-").replace("/", "_")


_JSON_NAMES: dict[type, str] = {Mapping: "a JSON object", list: "a JSON array", str: "a string"}


def _field(obj: Mapping[str, Any], name: str, kind: type, where: str) -> Any:
    if name not in obj:
        raise AttachmentError(f"{where}: " + expected(f"a {name!r} field", "none"))
    value = obj[name]
    if not isinstance(value, kind):
        raise AttachmentError(
            f"{where}.{name}: " + expected(_JSON_NAMES.get(kind, kind.__name__),
                                           type(value).__name__)
        )
    return value


def _decode(text: str, what: str, length: int, *, urlsafe: bool = False) -> bytes:
    if urlsafe:
        if "+" in text or "/" in text:
            raise AttachmentError(
                f"{what}: " + expected("URL-safe base64 ('-' and '_')", "'+' or '/'")
            )
        text = text.replace("-", "+").replace("_", "/")
    try:
        raw = _b64.decode(text, what)
    except Base64Error as exc:
        raise AttachmentError(str(exc)) from exc
    if len(raw) != length:
        raise AttachmentError(f"{what}: " + expected(f"{length} bytes", f"{len(raw)} bytes"))
    return raw


class EncryptedFileInfo:
    """Key, counter block and ciphertext hash of one encrypted attachment.

    ``from_json`` parses (strictly) the ``file`` / ``thumbnail_file`` object of
    an event; ``to_json`` writes it back (add ``url`` after uploading).  The key
    never appears in ``repr``.
    """

    __slots__ = ("_key", "iv", "sha256", "version")

    __reduce__ = refuse_pickle(".to_json(), sent only inside an encrypted event")

    def __init__(
        self, key: bytes, iv: bytes, sha256: bytes, version: AttachmentVersion = VERSION
    ) -> None:
        for what, value, length in (("key", key, KEY_LEN), ("iv", iv, IV_LEN),
                                    ("sha256", sha256, HASH_LEN)):
            if not isinstance(value, (bytes, bytearray, memoryview)):
                raise UsageError(f"attachment {what}: " + expected("bytes", type(value).__name__))
            if len(value) != length:
                raise UsageError(
                    f"attachment {what}: " + expected(f"{length} bytes", f"{len(value)} bytes")
                )
        if version not in ACCEPTED_VERSIONS:
            raise UsageError("attachment version: " + expected('"v2" or "v1"', brief(version)))
        self._key = bytes(key)
        self.iv: bytes = bytes(iv)
        self.sha256: bytes = bytes(sha256)
        self.version: AttachmentVersion = version

    @property
    def key(self) -> bytes:
        """The raw 32-byte AES key (secret)."""
        return self._key

    def __repr__(self) -> str:
        return (f"EncryptedFileInfo(version={self.version!r}, iv={self.iv.hex()}, "
                f"sha256={self.sha256.hex()}, key=<hidden>)")

    @classmethod
    def from_json(cls, info: object) -> EncryptedFileInfo:
        """Parses a ``file`` object; every defect raises an ``AttachmentError``.

        Accepted: "v2" and "v1" (same computation); ``key_ops`` holding at least
        "encrypt" and "decrypt"; ``ext`` true or absent; padded or unpadded
        base64 (``k`` in the URL-safe alphabet, ``iv`` and hashes in the
        standard one); any IV, including a non-zero low half.  Other fields
        (``url``, extra hashes) are ignored.
        """
        if not isinstance(info, Mapping):
            raise AttachmentError("file info: " + expected("a JSON object", type(info).__name__))
        if "v" not in info:
            raise AttachmentVersionError(
                "file info: " + expected('"v": "v2"', 'no "v" (a pre-2017 "v0" file)'))
        version = info["v"]
        if version not in ACCEPTED_VERSIONS or not isinstance(version, str):
            raise AttachmentVersionError("file.v: " + expected('"v2" or "v1"', brief(version)))
        jwk = _field(info, "key", Mapping, "file")
        kty = _field(jwk, "kty", str, "file.key")
        if kty != "oct":
            raise AttachmentError("file.key.kty: " + expected('"oct"', brief(kty)))
        alg = _field(jwk, "alg", str, "file.key")
        if alg != "A256CTR":
            raise AttachmentError("file.key.alg: " + expected('"A256CTR"', brief(alg)))
        ops = _field(jwk, "key_ops", list, "file.key")
        if not all(isinstance(op, str) for op in ops) or not {"encrypt", "decrypt"} <= set(ops):
            raise AttachmentError(
                "file.key.key_ops: " + expected('a list with "encrypt" and "decrypt"', brief(ops)))
        if "ext" in jwk and jwk["ext"] is not True:
            raise AttachmentError("file.key.ext: " + expected("true", brief(jwk["ext"])))
        key = _decode(_field(jwk, "k", str, "file.key"), "file.key.k", KEY_LEN, urlsafe=True)
        iv = _decode(_field(info, "iv", str, "file"), "file.iv", IV_LEN)
        hashes = _field(info, "hashes", Mapping, "file")
        digest = _decode(_field(hashes, "sha256", str, "file.hashes"), "file.hashes.sha256",
                         HASH_LEN)
        return cls(key, iv, digest, cast(AttachmentVersion, version))

    def to_json(self, url: str | None = None) -> EncryptedFile:
        """The ``file`` object (unpadded base64), with ``url`` if given."""
        if url is not None and not isinstance(url, str):
            raise UsageError("url: " + expected("an mxc:// str or None", type(url).__name__))
        out: EncryptedFile = {
            "v": self.version,
            "key": {
                "kty": "oct",
                "key_ops": ["encrypt", "decrypt"],
                "alg": "A256CTR",
                "k": _urlsafe_b64encode(self._key),
                "ext": True,
            },
            "iv": _b64.encode_public(self.iv),
            "hashes": {"sha256": _b64.encode_public(self.sha256)},
        }
        if url is not None:
            out["url"] = url
        return out


def _as_info(info: EncryptedFileInfo | EncryptedFile | Mapping[str, Any]) -> EncryptedFileInfo:
    if isinstance(info, EncryptedFileInfo):
        return info
    return EncryptedFileInfo.from_json(info)


def _check_chunk(chunk_size: int) -> None:
    if (not isinstance(chunk_size, int) or isinstance(chunk_size, bool)
            or not 1 <= chunk_size <= MAX_CHUNK_SIZE):
        raise UsageError("chunk_size: " + expected(f"a positive int up to {MAX_CHUNK_SIZE}",
                                                   brief(chunk_size)))


def _check_io(src: object, dst: object) -> None:
    for what, obj, method in (("source", src, "read"), ("destination", dst, "write")):
        if not callable(getattr(obj, method, None)):
            raise UsageError(f"{what}: " + expected(f"a binary file (with {method}())",
                                                    type(obj).__name__))


def _read(src: _Reader, size: int) -> bytes:
    data = src.read(size)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise UsageError("source: " + expected("a binary file (read() -> bytes)",
                                               f"read() -> {type(data).__name__}"))
    return bytes(data)


def encrypt_stream(src: _Reader, dst: _Writer, *, chunk_size: int = CHUNK_SIZE
                   ) -> EncryptedFileInfo:
    """Encrypts ``src`` into ``dst`` chunk by chunk, in constant memory.

    Returns the info (fresh key and IV, hash of what was written) to put in
    the event as ``file``.
    """
    _check_chunk(chunk_size)
    _check_io(src, dst)
    key = os.urandom(KEY_LEN)
    iv = os.urandom(8) + bytes(8)
    cipher = _backend.impl.attachment_cipher(key, iv)
    while chunk := _read(src, chunk_size):
        dst.write(cipher.update(chunk, False))
    return EncryptedFileInfo(key, iv, cipher.digest())


def encrypt(plaintext: bytes) -> tuple[bytes, EncryptedFileInfo]:
    """Encrypts a whole file held in memory: (ciphertext, info)."""
    if not isinstance(plaintext, (bytes, bytearray, memoryview)):
        raise UsageError("plaintext: " + expected("bytes", type(plaintext).__name__))
    key = os.urandom(KEY_LEN)
    iv = os.urandom(8) + bytes(8)
    ciphertext, digest = _backend.impl.attachment_encrypt(key, iv, bytes(plaintext))
    return ciphertext, EncryptedFileInfo(key, iv, digest)


def _hash_error(computed: bytes, info: EncryptedFileInfo) -> AttachmentHashError:
    return AttachmentHashError(
        "attachment SHA-256: " + expected(_b64.encode_public(info.sha256),
                                          _b64.encode_public(computed)))


def _verify(computed: bytes, info: EncryptedFileInfo) -> None:
    if not hmac.compare_digest(computed, info.sha256):
        raise _hash_error(computed, info)


def decrypt(
    ciphertext: bytes, info: EncryptedFileInfo | EncryptedFile | Mapping[str, Any]
) -> bytes:
    """Decrypts a whole file held in memory after checking its SHA-256.

    ``info`` is an ``EncryptedFileInfo`` or the event's ``file`` object.  Raises
    ``AttachmentError`` for malformed info, ``AttachmentHashError`` if the
    ciphertext is not the one the sender hashed (no plaintext leaves then).
    """
    if not isinstance(ciphertext, (bytes, bytearray, memoryview)):
        raise UsageError("ciphertext: " + expected("bytes", type(ciphertext).__name__))
    parsed = _as_info(info)
    plaintext, computed = _backend.impl.attachment_decrypt(
        parsed.key, parsed.iv, bytes(ciphertext), parsed.sha256)
    if plaintext is None:
        raise _hash_error(computed, parsed)
    return plaintext


def _seekable(src: object) -> bool:
    probe = getattr(src, "seekable", None)
    if probe is None or not callable(probe):
        return False
    try:
        return bool(probe())
    except (OSError, ValueError):
        return False


def decrypt_stream(src: _Reader, dst: _Writer,
                   info: EncryptedFileInfo | EncryptedFile | Mapping[str, Any], *,
                   chunk_size: int = CHUNK_SIZE, spool_dir: str | None = None) -> int:
    """Decrypts ``src`` into ``dst`` in constant memory; returns the bytes written.

    Nothing reaches ``dst`` before the ciphertext's SHA-256 has been checked:

    - a seekable ``src`` is read twice, once to hash it (from its current
      position to the end) and, if the hash matches, once more to decrypt;
    - a non-seekable ``src`` (a socket, a pipe, an HTTP body) is copied to an
      anonymous temporary file (in ``spool_dir`` or the system default) while it
      is hashed, and decrypted from there once the hash matches.  Only
      ciphertext, which the homeserver already holds, touches the disk; the
      file needs as much space as the download.

    On a mismatch ``AttachmentHashError`` is raised and ``dst`` is untouched.
    A seekable source is hashed again while it is decrypted; if it changed
    between the two passes (another process writing the file), the error is
    raised after the write and the caller must discard ``dst``.
    """
    _check_chunk(chunk_size)
    _check_io(src, dst)
    parsed = _as_info(info)
    digest = hashlib.sha256()
    if _seekable(src):
        seeker: IO[bytes] = src  # type: ignore[assignment]
        start = seeker.tell()
        while chunk := _read(src, chunk_size):
            digest.update(chunk)
        _verify(digest.digest(), parsed)
        seeker.seek(start)
        return _decrypt_verified(src, dst, parsed, chunk_size)
    with tempfile.TemporaryFile(dir=spool_dir) as spool:
        while chunk := _read(src, chunk_size):
            digest.update(chunk)
            spool.write(chunk)
        _verify(digest.digest(), parsed)
        spool.seek(0)
        return _decrypt_verified(spool, dst, parsed, chunk_size)


def _decrypt_verified(src: _Reader, dst: _Writer, info: EncryptedFileInfo,
                      chunk_size: int) -> int:
    # The cipher hashes what it decrypts, so the second read is checked again for free:
    # a source that changed between the passes raises after the write.
    cipher = _backend.impl.attachment_cipher(info.key, info.iv)
    written = 0
    while chunk := _read(src, chunk_size):
        dst.write(cipher.update(chunk, True))
        written += len(chunk)
    _verify(cipher.digest(), info)
    return written

"""Pure twin of ``_native/attachment.c``: AES-256-CTR with WebCrypto's 64-bit counter
(cryptography, i.e. OpenSSL) and SHA-256 of the ciphertext (hashlib), one after the other.

OpenSSL's CTR mode counts over all 128 bits of the counter block.  ``Ctr64`` feeds it
runs that stay below the 64-bit boundary and, at the boundary, restarts it from the same
fixed half with a zero low half, which is what WebCrypto's ``{name: "AES-CTR", length:
64}`` does; Matrix attachments, secret storage and key export files count this way.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from olmpy._nocopy import refuse_pickle
from olmpy.errors import UsageError, expected

_WRAP_BYTES = (1 << 64) * 16


def _check_attachment_args(key: bytes, iv: bytes) -> None:
    if len(key) != 32:
        raise UsageError("AES-CTR key: " + expected("32 bytes", f"{len(key)} bytes"))
    if len(iv) != 16:
        raise UsageError("AES-CTR counter block: " + expected("16 bytes", f"{len(iv)} bytes"))


class Ctr64:
    """The keystream of AES-256-CTR whose counter is the low 64 bits of the block."""

    __slots__ = ("_ctx", "_high", "_key", "_left")

    __reduce__ = refuse_pickle("a new cipher with a fresh IV; never duplicate a keystream")

    def __init__(self, key: bytes, iv: bytes) -> None:
        _check_attachment_args(key, iv)
        self._key = bytes(key)
        self._high = bytes(iv[:8])
        self._left = ((1 << 64) - int.from_bytes(iv[8:16], "big")) * 16  # bytes to the wrap
        self._ctx = Cipher(algorithms.AES(self._key), modes.CTR(bytes(iv))).encryptor()

    def __repr__(self) -> str:
        return "Ctr64(<key hidden>)"

    def update(self, data: bytes) -> bytes:
        """``data`` XOR the next ``len(data)`` keystream bytes (a byte buffer)."""
        if len(data) < self._left:
            self._left -= len(data)
            return self._ctx.update(data)
        parts = []
        view = memoryview(data)
        while len(view) >= self._left:
            parts.append(self._ctx.update(view[: self._left]))
            view = view[self._left :]
            self._ctx = Cipher(algorithms.AES(self._key), modes.CTR(self._high + bytes(8))
                               ).encryptor()
            self._left = _WRAP_BYTES
        self._left -= len(view)
        parts.append(self._ctx.update(view))
        return b"".join(parts)


class AttachmentCipher:
    """Streaming twin of the native attachment state: the keystream and the running
    SHA-256 of the ciphertext."""

    __slots__ = ("_ctr", "_hash")

    __reduce__ = refuse_pickle("a new cipher with a fresh IV; never duplicate a keystream")

    def __init__(self, key: bytes, iv: bytes) -> None:
        self._ctr = Ctr64(key, iv)
        self._hash = hashlib.sha256()

    def __repr__(self) -> str:
        return "AttachmentCipher(<key hidden>)"

    def update(self, data: bytes, decrypt: bool) -> bytes:
        """Encrypts (``decrypt`` false) or decrypts ``data``, hashing the ciphertext side."""
        out = self._ctr.update(data)
        self._hash.update(data if decrypt else out)
        return out

    def digest(self) -> bytes:
        """SHA-256 of the ciphertext so far (the cipher stays usable)."""
        return self._hash.copy().digest()


def attachment_cipher(key: bytes, iv: bytes) -> AttachmentCipher:
    """A streaming attachment cipher under ``key`` from counter block ``iv``."""
    return AttachmentCipher(key, iv)


def attachment_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, SHA-256 of the ciphertext)."""
    _check_attachment_args(key, iv)
    ciphertext = Ctr64(key, iv).update(plaintext)
    return ciphertext, hashlib.sha256(ciphertext).digest()


def attachment_decrypt(key: bytes, iv: bytes, ciphertext: bytes, sha256: bytes
                       ) -> tuple[bytes | None, bytes]:
    """(plaintext, computed hash) if the ciphertext's SHA-256 is ``sha256`` (compared in
    constant time), else (None, computed hash): nothing is decrypted then."""
    _check_attachment_args(key, iv)
    computed = hashlib.sha256(ciphertext).digest()
    if not hmac.compare_digest(computed, sha256):
        return None, computed
    return Ctr64(key, iv).update(ciphertext), computed

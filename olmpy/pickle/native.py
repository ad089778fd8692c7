"""olmpy's own pickle format (SPEC.md section 12).

    "OLMPY" | format 1 | object type | KDF | [KDF parameters] | nonce (12) | AEAD output

The AEAD is ChaCha20-Poly1305 (cryptography/OpenSSL) with a fresh random nonce per pickle
and the whole header as associated data, so the object type, the KDF parameters and the
format cannot be swapped without detection.  The key is either exactly 32 bytes (KDF 0) or
a passphrase (str) stretched with scrypt (KDF 1: log2 N, r, p and a 16-byte salt recorded in
the header).  The plaintext is the object's libolm pickle body (section 11), which stores
every public key next to its secret, so loading recomputes nothing.

scrypt costs.  A passphrase pickle names its own scrypt parameters, and loading runs scrypt
before the tag can be checked, so a crafted pickle could ask for gigabytes and seconds.  A
loader therefore refuses parameters costlier than what olmpy writes (``SCRYPT_LOG2_N``,
``SCRYPT_R``, ``SCRYPT_P``) unless the caller raises the bound for a block of code::

    with olmpy.pickle.native.scrypt_limit(log2_n=17):
        account = Account.from_pickle(text, passphrase)

The bound is a context variable, so it covers every ``from_pickle`` (Account, Session,
GroupSession, InboundGroupSession, PkDecryption) called inside the block and nothing in
other threads or asyncio tasks.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from olmpy import _b64
from olmpy.errors import KdfCostError, PickleError, UsageError, expected, shown

MAGIC = b"OLMPY"
FORMAT = 1
TYPES = {
    "account": 1,
    "session": 2,
    "group_session": 3,
    "inbound_group_session": 4,
    "pk_decryption": 5,
}
_NAMES = {v: k for k, v in TYPES.items()}
KDF_RAW = 0
KDF_SCRYPT = 1
SCRYPT_LOG2_N = 15
SCRYPT_R = 8
SCRYPT_P = 1
_MIN_LOG2_N = 10  # below this a header is malformed (olmpy never wrote less than 15)


class ScryptCostError(PickleError, KdfCostError):
    """A passphrase pickle asks for scrypt parameters beyond the loader's limit."""


@dataclass(frozen=True)
class ScryptLimit:
    """The costliest scrypt parameters a passphrase pickle may ask for when it loads.

    The default is what olmpy writes (log2 N 15, r 8, p 1: 32 MiB, about 0.1 s).  Each
    field is a separate ceiling; scrypt needs 128 * r * 2**log2_n bytes and p times the
    time of one lane.  ``log2_n`` may be 10..30, ``r`` and ``p`` 1..255 (the header's
    one-byte fields); a lower limit than the default refuses olmpy's own pickles.
    """

    log2_n: int = SCRYPT_LOG2_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def __post_init__(self) -> None:
        for name, low, high in (("log2_n", _MIN_LOG2_N, 30), ("r", 1, 255), ("p", 1, 255)):
            value = getattr(self, name)
            if type(value) is not int or not low <= value <= high:
                raise UsageError(
                    f"scrypt limit {name}: " + expected(f"an int in {low}..{high}", shown(value))
                )


DEFAULT_SCRYPT_LIMIT = ScryptLimit()
_LIMIT: ContextVar[ScryptLimit] = ContextVar("olmpy_scrypt_limit", default=DEFAULT_SCRYPT_LIMIT)


@contextlib.contextmanager
def scrypt_limit(
    *, log2_n: int = SCRYPT_LOG2_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> Iterator[ScryptLimit]:
    """Lets passphrase pickles loaded inside the ``with`` block ask for scrypt parameters up
    to these (in this thread or asyncio task only); the default admits only what olmpy
    writes.  Yields the limit in force."""
    limit = ScryptLimit(log2_n, r, p)
    token = _LIMIT.set(limit)
    try:
        yield limit
    finally:
        _LIMIT.reset(token)


def current_scrypt_limit() -> ScryptLimit:
    """The scrypt limit in force here (``DEFAULT_SCRYPT_LIMIT`` outside ``scrypt_limit``)."""
    return _LIMIT.get()


def _utf8(passphrase: str) -> bytes:
    try:
        return passphrase.encode()
    except UnicodeEncodeError:
        raise UsageError(
            "pickle passphrase: expected text encodable as UTF-8, got lone surrogates"
        ) from None


def _scrypt(passphrase: bytes, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase)


def seal(body: bytes, kind: str, key: bytes | str) -> str:
    """Encrypts a pickle body for ``kind`` under a 32-byte key or a passphrase."""
    header = MAGIC + bytes([FORMAT, TYPES[kind]])
    if isinstance(key, str):
        if not key:
            raise UsageError("pickle passphrase: expected a non-empty str, got an empty one")
        salt = os.urandom(16)
        header += bytes([KDF_SCRYPT, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + salt
        secret = _scrypt(_utf8(key), salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    elif isinstance(key, (bytes, bytearray)) and len(key) == 32:
        header += bytes([KDF_RAW])
        secret = bytes(key)
    else:
        got = f"{len(key)} bytes" if isinstance(key, (bytes, bytearray)) else type(key).__name__
        raise UsageError("pickle key: " + expected("32 bytes or a passphrase str", got))
    nonce = os.urandom(12)
    header += nonce
    return _b64.encode_public(header + ChaCha20Poly1305(secret).encrypt(nonce, body, header))


def open_sealed(
    text: str, kind: str, key: bytes | str, *, limit: ScryptLimit | None = None
) -> bytes:
    """Authenticates and decrypts an olmpy pickle of ``kind``; PickleError on any failure.

    A passphrase pickle whose scrypt parameters exceed ``limit`` (by default the one in
    force, see ``scrypt_limit``) raises ``ScryptCostError`` before scrypt runs."""
    what = f"olmpy {kind.replace('_', ' ')} pickle"
    if not isinstance(text, str):
        raise UsageError(f"{what}: " + expected("a pickle str", type(text).__name__))
    try:
        data = _b64.decode_public(text, what)
    except Exception:
        raise PickleError(f"{what}: expected base64, got text that is not") from None
    if data[:5] != MAGIC or len(data) < 8:
        raise PickleError(
            f"{what}: expected the OLMPY marker, got something else "
            "(a libolm or vodozemac pickle needs from_libolm_pickle)"
        )
    if data[5] != FORMAT:
        raise PickleError(f"{what} format: " + expected(str(FORMAT), data[5]))
    if data[6] != TYPES[kind]:
        got = _NAMES.get(data[6], f"unknown type {data[6]}")
        raise PickleError(f"{what}: expected the object type {kind}, got the object type {got}")
    kdf, pos = data[7], 8
    if kdf == KDF_RAW:
        if not (isinstance(key, (bytes, bytearray)) and len(key) == 32):
            raise PickleError(
                f"{what}: expected a 32-byte key (it was sealed with one), got "
                f"{'a passphrase' if isinstance(key, str) else 'another key'}"
            )
        secret = bytes(key)
    elif kdf == KDF_SCRYPT:
        if not isinstance(key, str):
            raise PickleError(f"{what}: expected a passphrase (it was sealed with one), got a key")
        if len(data) < pos + 19:
            raise PickleError(f"{what}: expected scrypt parameters, got a truncated header")
        log2_n, r, p = data[pos], data[pos + 1], data[pos + 2]
        if log2_n < _MIN_LOG2_N or r < 1 or p < 1:
            raise PickleError(
                f"{what} scrypt parameters: "
                + expected(f"log2 N >= {_MIN_LOG2_N}, r >= 1, p >= 1", f"{log2_n}, {r}, {p}")
            )
        bound = current_scrypt_limit() if limit is None else limit
        if log2_n > bound.log2_n or r > bound.r or p > bound.p:
            raise ScryptCostError(
                f"{what} scrypt parameters: expected at most log2 N {bound.log2_n}, "
                f"r {bound.r}, p {bound.p}, got {log2_n}, {r}, {p} (olmpy writes "
                f"{SCRYPT_LOG2_N}, {SCRYPT_R}, {SCRYPT_P}; load inside `with "
                "olmpy.pickle.native.scrypt_limit(log2_n=..., r=..., p=...):` to allow more)"
            )
        passphrase = _utf8(key)
        try:
            secret = _scrypt(passphrase, data[pos + 3 : pos + 19], log2_n, r, p)
        except (MemoryError, ValueError):  # only past the default limit
            raise PickleError(
                f"{what} scrypt parameters: expected ones OpenSSL runs here (N below "
                f"2**(16 r), memory available), got {log2_n}, {r}, {p}"
            ) from None
        pos += 19
    else:
        raise PickleError(f"{what} KDF: " + expected("0 (key) or 1 (scrypt)", kdf))
    if len(data) < pos + 12 + 16:
        raise PickleError(f"{what}: expected a nonce and a tag, got a truncated pickle")
    header, nonce = data[: pos + 12], data[pos : pos + 12]
    try:
        return ChaCha20Poly1305(secret).decrypt(nonce, data[pos + 12 :], header)
    except InvalidTag:
        raise PickleError(
            f"{what}: expected a pickle sealed with this key, got one that does "
            "not authenticate (wrong key or damaged pickle)"
        ) from None

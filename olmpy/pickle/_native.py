"""olmpy's own pickle format (SPEC.md section 12).  Internal: the objects' ``pickle``,
``pickle_with_passphrase``, ``from_pickle`` and ``from_pickle_with_passphrase`` use it.

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

    with olmpy.pickle.scrypt_limit(log2_n=17):
        account = Account.from_pickle_with_passphrase(text, passphrase)

The bound is a context variable, so it covers every ``from_pickle_with_passphrase``
(Account, Session, GroupSession, InboundGroupSession, PkDecryption) called inside the block
and nothing in other threads or asyncio tasks.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from olmpy import _b64, _backend
from olmpy.errors import (
    KdfCostError,
    OlmpyError,
    PickleError,
    PickleKeyError,
    UsageError,
    expected,
    shown,
)
from olmpy.pickle._keys import passphrase_in_key_slot

__all__ = [
    "DEFAULT_SCRYPT_LIMIT",
    "FORMAT",
    "KDF_RAW",
    "KDF_SCRYPT",
    "MAGIC",
    "SCRYPT_LOG2_N",
    "SCRYPT_P",
    "SCRYPT_R",
    "TYPES",
    "OlmpyPickleHeader",
    "ScryptCostError",
    "ScryptLimit",
    "current_scrypt_limit",
    "open_sealed",
    "open_sealed_with_passphrase",
    "read_header",
    "scrypt_limit",
    "seal",
    "seal_with_passphrase",
]

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
_CLASSES = {
    "account": "Account",
    "session": "Session",
    "group_session": "GroupSession",
    "inbound_group_session": "InboundGroupSession",
    "pk_decryption": "PkDecryption",
}
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


@dataclass(frozen=True)
class OlmpyPickleHeader:
    """What an olmpy pickle says about itself in clear, before any key opens it.

    ``object_type`` is one of ``TYPES``' names (``"account"``, ``"session"``,
    ``"group_session"``, ``"inbound_group_session"``, ``"pk_decryption"``); ``kdf`` is
    ``"key"`` (sealed with a 32-byte key) or ``"scrypt"`` (with a passphrase), and then
    ``scrypt`` holds (log2 N, r, p).  All of it is authenticated only when the pickle is
    opened: a header read here may have been altered.
    """

    format: int
    object_type: str
    kdf: str
    scrypt: tuple[int, int, int] | None


def _marked(text: object, what: str, foreign: Callable[[], str]) -> bytes:
    """The bytes of an olmpy pickle after the checks every reader makes first: a str,
    base64, the OLMPY marker (else ``foreign()`` says what the text looks like instead)
    and this format's number."""
    if not isinstance(text, str):
        raise UsageError(f"{what}: " + expected("a pickle str", type(text).__name__))
    try:
        data = _b64.decode_public(text, what)
    except Exception:
        raise PickleError(f"{what}: expected base64, got text that is not") from None
    if data[:5] != MAGIC or len(data) < 8:
        raise PickleError(f"{what}: expected the OLMPY marker, got something else "
                          f"({foreign()})")
    if data[5] != FORMAT:
        raise PickleError(f"{what} format: " + expected(str(FORMAT), data[5]))
    return data


def read_header(pickle: str) -> OlmpyPickleHeader:
    """The clear header of an olmpy pickle (no key needed, nothing decrypted).

    A libolm or vodozemac pickle has no such header (their object type shows only once a
    key opens them, and not always then): ``PickleError``, as for any malformed header.
    """
    what = "olmpy pickle header"
    data = _marked(pickle, what, lambda: "a libolm or vodozemac pickle, which does not "
                   "record its object type in clear")
    kind = _NAMES.get(data[6])
    if kind is None:
        raise PickleError(f"{what} object type: " + expected("1 to 5", data[6]))
    if data[7] == KDF_RAW:
        return OlmpyPickleHeader(FORMAT, kind, "key", None)
    if data[7] == KDF_SCRYPT and len(data) >= 11:
        return OlmpyPickleHeader(FORMAT, kind, "scrypt", (data[8], data[9], data[10]))
    if data[7] == KDF_SCRYPT:
        raise PickleError(f"{what}: expected scrypt parameters, got a truncated header")
    raise PickleError(f"{what} KDF: " + expected("0 (key) or 1 (scrypt)", data[7]))


def _utf8(passphrase: str) -> bytes:
    try:
        return passphrase.encode()
    except UnicodeEncodeError:
        raise UsageError(
            "pickle passphrase: expected text encodable as UTF-8, got lone surrogates"
        ) from None


def _scrypt(passphrase: bytes, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase)


def _describe(key: object) -> str:
    if isinstance(key, (bytes, bytearray, memoryview)):
        return f"{len(key)} bytes"
    return type(key).__name__


def seal(body: bytes, kind: str, key: bytes | str) -> str:
    """Encrypts a pickle body for ``kind`` under a 32-byte key.

    A str is the deprecated passphrase path of ``pickle(str)``: it warns, then does what
    ``seal_with_passphrase`` does."""
    if isinstance(key, str):
        passphrase_in_key_slot(_CLASSES[kind], "pickle", "pickle_with_passphrase(passphrase)")
        return _seal(body, kind, None, key)
    if not (isinstance(key, (bytes, bytearray, memoryview)) and len(key) == 32):
        raise UsageError(
            f"{_CLASSES[kind]}.pickle key: "
            + expected(
                "exactly 32 bytes (a passphrase goes to pickle_with_passphrase)", _describe(key)
            )
        )
    return _seal(body, kind, bytes(key), None)


def seal_with_passphrase(body: bytes, kind: str, passphrase: str) -> str:
    """Encrypts a pickle body for ``kind`` under a non-empty passphrase (scrypt)."""
    if not isinstance(passphrase, str):
        raise UsageError(
            f"{_CLASSES[kind]}.pickle_with_passphrase passphrase: "
            + expected("a str (a raw key goes to pickle)", _describe(passphrase))
        )
    if not passphrase:
        raise UsageError(
            f"{_CLASSES[kind]}.pickle_with_passphrase passphrase: "
            + expected("a non-empty str", "an empty one")
        )
    return _seal(body, kind, None, passphrase)


def _seal(body: bytes, kind: str, key: bytes | None, passphrase: str | None) -> str:
    header = MAGIC + bytes([FORMAT, TYPES[kind]])
    if passphrase is not None:
        if not passphrase:
            raise UsageError("pickle passphrase: " + expected("a non-empty str", "an empty one"))
        salt = os.urandom(16)
        header += bytes([KDF_SCRYPT, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P]) + salt
        secret = _scrypt(_utf8(passphrase), salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    else:
        assert key is not None and len(key) == 32
        header += bytes([KDF_RAW])
        secret = key
    nonce = os.urandom(12)
    header += nonce
    return _b64.encode_public(header + ChaCha20Poly1305(secret).encrypt(nonce, body, header))


def open_sealed(
    text: str, kind: str, key: bytes | str, *, limit: ScryptLimit | None = None
) -> bytes:
    """Authenticates and decrypts an olmpy pickle of ``kind`` sealed with a 32-byte key;
    PickleError on any failure.

    A str is the deprecated passphrase path of ``from_pickle(text, str)``: it warns, then
    does what ``open_sealed_with_passphrase`` does."""
    if isinstance(key, str):
        passphrase_in_key_slot(
            _CLASSES[kind], "from_pickle", "from_pickle_with_passphrase(pickle, passphrase)"
        )
        return _open(text, kind, None, key, limit)
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise UsageError(
            f"{_CLASSES[kind]}.from_pickle key: "
            + expected("bytes (a passphrase goes to from_pickle_with_passphrase)", _describe(key))
        )
    return _open(text, kind, bytes(key), None, limit)


def open_sealed_with_passphrase(
    text: str, kind: str, passphrase: str, *, limit: ScryptLimit | None = None
) -> bytes:
    """Authenticates and decrypts an olmpy pickle of ``kind`` sealed with a passphrase.

    A pickle whose scrypt parameters exceed ``limit`` (by default the one in force, see
    ``scrypt_limit``) raises ``ScryptCostError`` before scrypt runs."""
    if not isinstance(passphrase, str):
        raise UsageError(
            f"{_CLASSES[kind]}.from_pickle_with_passphrase passphrase: "
            + expected("a str (a raw key goes to from_pickle)", _describe(passphrase))
        )
    return _open(text, kind, None, passphrase, limit)


def _foreign_hint(text: str, kind: str, key: bytes | None, passphrase: str | None) -> str:
    """Which loader a pickle without the OLMPY marker needs.  When the key opens it as a
    libolm-sealed pickle, its plaintext tells libolm's binary body from vodozemac's JSON."""
    cls = _CLASSES[kind]
    general = (
        f"a libolm pickle loads with {cls}.from_libolm_pickle, a vodozemac one with "
        f"{cls}.from_vodozemac_pickle"
    )
    try:
        secret = key if key is not None else (passphrase or "").encode("utf-8")
        raw: bytes = _backend.impl.pickle_open(secret, text, "pickle")
    except (OlmpyError, UnicodeEncodeError):
        return general
    if kind == "pk_decryption":  # vodozemac writes PkDecryption in libolm's format
        return f"it is a libolm pickle: load it with {cls}.from_libolm_pickle"
    if raw[:1] == b"{":
        return f"it is a vodozemac pickle: load it with {cls}.from_vodozemac_pickle"
    return f"it is a libolm pickle: load it with {cls}.from_libolm_pickle"


def _open(
    text: str,
    kind: str,
    key: bytes | None,
    passphrase: str | None,
    limit: ScryptLimit | None,
) -> bytes:
    what = f"olmpy {kind.replace('_', ' ')} pickle"
    cls = _CLASSES[kind]
    data = _marked(text, what, lambda: _foreign_hint(text, kind, key, passphrase))
    if data[6] != TYPES[kind]:
        got = _NAMES.get(data[6], f"unknown type {data[6]}")
        raise PickleError(f"{what}: expected the object type {kind}, got the object type {got}")
    kdf, pos = data[7], 8
    if kdf == KDF_RAW:
        if key is None:
            raise PickleError(
                f"{what}: expected a pickle sealed with a passphrase, got one sealed with a "
                f"32-byte key (load it with {cls}.from_pickle(pickle, key))"
            )
        if len(key) != 32:
            raise PickleError(
                f"{what}: expected a 32-byte key (it was sealed with one), got {len(key)} bytes"
            )
        secret = key
    elif kdf == KDF_SCRYPT:
        if passphrase is None:
            raise PickleError(
                f"{what}: expected a pickle sealed with a 32-byte key, got one sealed with a "
                f"passphrase (load it with {cls}.from_pickle_with_passphrase(pickle, "
                "passphrase))"
            )
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
                "olmpy.pickle.scrypt_limit(log2_n=..., r=..., p=...):` to allow more)"
            )
        encoded = _utf8(passphrase)
        try:
            secret = _scrypt(encoded, data[pos + 3 : pos + 19], log2_n, r, p)
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
        raise PickleKeyError(
            f"{what}: expected a pickle sealed with this key, got one that does "
            "not authenticate (wrong key or damaged pickle)"
        ) from None

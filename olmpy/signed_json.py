"""Canonical JSON and signed JSON objects, as the Matrix specification defines them.

``canonical_json`` writes the one byte string the spec's appendix ("Signing
JSON", "Canonical JSON") allows for a value: UTF-8, no insignificant
whitespace, object keys sorted by Unicode code point, integers only (in
``[-(2**53)+1, 2**53-1]``), and only the escapes the appendix's grammar
permits (``\\"``, ``\\\\``, ``\\b \\f \\n \\r \\t``, otherwise ``\\u00XX`` in
lower-case hex for the remaining control characters; everything else,
including U+007F, U+2028 and non-ASCII text, is written raw).

Choices olmpy makes where the spec is silent:

- Python values accepted: ``dict`` (str keys only), ``list`` and ``tuple``
  (both written as arrays), ``str``, ``int`` (and subclasses, but ``bool`` is
  ``true``/``false``), ``None``.  Everything else, *including every float*
  (even ``1.0`` and ``-0.0``), is refused.
- Strings holding lone surrogates (which have no UTF-8 form) are refused.
- Containers that contain themselves are refused; nesting depth is otherwise
  unlimited (the encoder does not recurse).

Every refusal is a ``CanonicalJsonError`` naming the path of the offending
value, such as ``$.a[2]`` or ``$["key with spaces"]``.

``parse_json`` reads JSON text into such values, turning integral numbers
written with a fraction or exponent (``1e10``, ``2.0``) into ``int``, as the
spec's examples expect, and refusing duplicate keys, non-integral numbers,
``NaN``/``Infinity`` and out-of-range integers.

``sign_json``/``verify_json`` sign and check the canonical form of an object
without its ``signatures`` and ``unsigned`` members; ``PkSigning`` is a
stand-alone Ed25519 key (python-olm's ``olm.PkSigning``) for cross-signing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from json.encoder import encode_basestring as _quote
from typing import Any, Protocol, TypeAlias, TypeVar, cast

from olmpy import _b64
from olmpy._nocopy import refuse_pickle, same_object
from olmpy.errors import (
    DecodeError,
    SignatureError,
    UsageError,
    expected,
)
from olmpy.hazmat import primitives
from olmpy.keys import Ed25519PublicKey, Ed25519Signature, _message_bytes

__all__ = [
    "MAX_SAFE_INTEGER",
    "MIN_SAFE_INTEGER",
    "CanonicalJsonError",
    "JsonDecodeError",
    "MissingSignatureError",
    "PkSigning",
    "Signer",
    "canonical_json",
    "parse_json",
    "sign_json",
    "signing_payload",
    "verify_json",
]

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer canonical JSON allows."""
MIN_SAFE_INTEGER = -(2**53) + 1
"""The smallest integer canonical JSON allows."""

_quote_str: Callable[[str], str] = _quote


class CanonicalJsonError(UsageError):
    """A value has no canonical JSON form (float, big integer, non-str key, ...)."""


class JsonDecodeError(DecodeError):
    """JSON text does not parse into a value canonical JSON can represent."""


class MissingSignatureError(SignatureError):
    """A signed object carries no signature by the expected user and key."""


# --- paths -----------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# A path is a linked list (parent, segment) built only when a container is
# entered, and formatted only when an error is raised.
_Path: TypeAlias = "tuple[_Path, str | int] | None"


def _format_path(path: _Path) -> str:
    parts: list[str] = []
    while path is not None:
        path, seg = path
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
        elif _IDENT.match(seg):
            parts.append(f".{seg}")
        else:
            parts.append("[" + json.dumps(seg) + "]")
    return "$" + "".join(reversed(parts))


def _names(mapping: Mapping[Any, object]) -> str:
    """The keys of ``mapping`` for an error message: sorted, whatever their types (a key
    that is not a str, even an int past str()'s digit limit, shows as ``_describe`` does)."""
    shown = sorted((0, repr(k)) if isinstance(k, str) else (1, _describe(k)) for k in mapping)
    text = "[" + ", ".join(name for _, name in shown) + "]"
    return text if len(text) <= 200 else text[:200] + "..."


def _describe(value: object) -> str:
    """A short description of ``value`` for error messages (never str() of a huge int)."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 64:
            sign = "-" if value < 0 else ""
            return f"{sign}integer of {value.bit_length()} bits"
        return str(int(value))
    if isinstance(value, float):
        return f"float {value!r}"
    return type(value).__name__


# --- canonical JSON ---------------------------------------------------------------------

_EMIT, _VALUE, _EXIT = 0, 1, 2


def canonical_json(value: object) -> bytes:
    """The Matrix canonical JSON encoding of ``value`` as UTF-8 bytes.

    Raises ``CanonicalJsonError`` (naming the path, e.g. ``$.a[2]``) for values
    that have no canonical form; see the module docstring for the rules.
    """
    out: list[str] = []
    active: set[int] = set()
    # Work items: (_EMIT, text, None) | (_VALUE, value, path) | (_EXIT, id, None).
    work: list[tuple[int, object, _Path]] = [(_VALUE, value, None)]
    pop = work.pop
    push = work.append
    emit = out.append
    while work:
        op, item, path = pop()
        if op == _EMIT:
            emit(item)  # type: ignore[arg-type]
            continue
        if op == _EXIT:
            active.discard(item)
            continue
        if isinstance(item, str):
            emit(_quote_str(item))
        elif item is None:
            emit("null")
        elif item is True:
            emit("true")
        elif item is False:
            emit("false")
        elif isinstance(item, int):
            if not MIN_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                raise CanonicalJsonError(
                    f"canonical JSON at {_format_path(path)}: "
                    + expected(
                        f"an integer in [{MIN_SAFE_INTEGER}, {MAX_SAFE_INTEGER}]", _describe(item)
                    )
                )
            emit(str(int(item)))
        elif isinstance(item, dict):
            ident = id(item)
            if ident in active:
                raise CanonicalJsonError(
                    f"canonical JSON at {_format_path(path)}: "
                    + expected("a tree of values", "an object that contains itself")
                )
            for key in item:
                if not isinstance(key, str):
                    raise CanonicalJsonError(
                        f"canonical JSON at {_format_path(path)}: "
                        + expected("string object keys", f"key {_describe(key)}")
                    )
            if not item:
                emit("{}")
                continue
            active.add(ident)
            emit("{")
            push((_EXIT, ident, None))
            push((_EMIT, "}", None))
            entries = sorted(item.items(), key=_first, reverse=True)
            last = len(entries) - 1
            for n, (key, child) in enumerate(entries):
                push((_VALUE, child, (path, key)))
                push((_EMIT, _quote_str(key) + ":", None))
                if n != last:
                    push((_EMIT, ",", None))
        elif isinstance(item, (list, tuple)):
            ident = id(item)
            if ident in active:
                raise CanonicalJsonError(
                    f"canonical JSON at {_format_path(path)}: "
                    + expected("a tree of values", "an array that contains itself")
                )
            if not item:
                emit("[]")
                continue
            active.add(ident)
            emit("[")
            push((_EXIT, ident, None))
            push((_EMIT, "]", None))
            for index in range(len(item) - 1, -1, -1):
                push((_VALUE, item[index], (path, index)))
                if index:
                    push((_EMIT, ",", None))
        else:
            what = "floats are not allowed" if isinstance(item, float) else "not a JSON type"
            raise CanonicalJsonError(
                f"canonical JSON at {_format_path(path)}: "
                + expected(
                    "null, bool, int, str, list, tuple or dict", f"{_describe(item)} ({what})"
                )
            )
    text = "".join(out)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise _surrogate_error(value) from None


def _first(entry: tuple[str, object]) -> str:
    return entry[0]


def _surrogate_error(value: object) -> CanonicalJsonError:
    """The error for the first string (key or value) holding a lone surrogate."""
    stack: list[tuple[object, _Path]] = [(value, None)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            bad = _lone_surrogate(item)
            if bad is not None:
                return CanonicalJsonError(
                    f"canonical JSON at {_format_path(path)}: "
                    + expected("a string of Unicode scalar values", bad)
                )
        elif isinstance(item, dict):
            for key, child in item.items():
                bad = _lone_surrogate(key)
                if bad is not None:
                    return CanonicalJsonError(
                        f"canonical JSON at {_format_path(path)}: "
                        + expected("object keys of Unicode scalar values", f"a key with {bad}")
                    )
                stack.append((child, (path, key)))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, (path, n)) for n, child in enumerate(item))
    return CanonicalJsonError(
        "canonical JSON: " + expected("valid Unicode text", "unencodable text")
    )


def _lone_surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return f"lone surrogate U+{ord(text[err.start]):04X} at index {err.start}"
    return None


# --- parsing ----------------------------------------------------------------------------


def _parse_number(text: str) -> int:
    try:
        number = Decimal(text)
    except InvalidOperation:  # an exponent beyond Decimal's range, e.g. 1e99999999999999999999
        raise JsonDecodeError(
            "JSON number: " + expected("an integer within +-(2**53 - 1)", repr(text[:40]))
        ) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise JsonDecodeError("JSON number: " + expected("an integer", repr(text[:40])))
    if number.adjusted() > 16:
        raise JsonDecodeError(
            "JSON number: " + expected("an integer within +-(2**53 - 1)", repr(text[:40]))
        )
    value = int(number)
    if not MIN_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise JsonDecodeError(
            "JSON number: " + expected("an integer within +-(2**53 - 1)", repr(text[:40]))
        )
    return value


def _parse_constant(name: str) -> object:
    raise JsonDecodeError("JSON number: " + expected("an integer", name))


def _object_pairs(pairs: list[tuple[str, object]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonDecodeError(
                    "JSON object: " + expected("unique keys", f"duplicate key {json.dumps(key)}")
                )
            seen.add(key)
    return out


def parse_json(text: str | bytes) -> object:
    """Parses JSON text into values ``canonical_json`` accepts.

    Integral numbers written with a fraction or exponent become ``int``
    (``1e10`` -> ``10000000000``, ``-0`` -> ``0``).  Raises ``JsonDecodeError``
    for text that does not parse, non-integral or out-of-range numbers,
    ``NaN``/``Infinity``, duplicate object keys, or lone surrogate escapes.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as err:
            raise JsonDecodeError(
                "JSON text: " + expected("UTF-8", f"invalid byte at offset {err.start}")
            ) from None
    if not isinstance(text, str):
        raise UsageError("JSON text: " + expected("str or bytes", type(text).__name__))
    try:
        value: object = json.loads(
            text,
            parse_float=_parse_number,
            parse_int=_parse_number,
            parse_constant=_parse_constant,
            object_pairs_hook=_object_pairs,
        )
    except JsonDecodeError:
        raise
    except RecursionError:
        raise JsonDecodeError("JSON text: " + expected("moderate nesting", "too deep")) from None
    except ValueError as err:  # json.JSONDecodeError and int-conversion limits
        raise JsonDecodeError("JSON text: " + expected("valid JSON", str(err))) from None
    try:
        canonical_json(value)
    except CanonicalJsonError as err:  # lone surrogates written as \\udXXX escapes
        raise JsonDecodeError(str(err)) from None
    return value


# --- signing ----------------------------------------------------------------------------


class Signer(Protocol):
    """Anything that signs bytes with Ed25519: ``olmpy.Account``, ``PkSigning``."""

    def sign(self, message: bytes) -> Ed25519Signature:
        """The Ed25519 signature of ``message``."""
        ...


_J = TypeVar("_J", bound=Mapping[str, Any])


def _require_dict(what: str, value: object) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    raise UsageError(f"{what}: " + expected("a dict (JSON object)", type(value).__name__))


def _require_key_id(key_id: object) -> str:
    if not isinstance(key_id, str):
        raise UsageError("signing key id: " + expected("str", type(key_id).__name__))
    if not key_id.startswith("ed25519:") or len(key_id) == len("ed25519:"):
        raise UsageError(
            "signing key id: " + expected('"ed25519:<key identifier>"', repr(key_id[:80]))
        )
    return key_id


def _require_user(user_id: object) -> str:
    if not isinstance(user_id, str) or not user_id:
        raise UsageError(
            "signing entity (user id): " + expected("a non-empty str", _describe(user_id))
        )
    return user_id


def signing_payload(obj: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: canonical JSON of ``obj`` minus ``signatures``/``unsigned``."""
    src = _require_dict("signed object", obj)
    return canonical_json({k: v for k, v in src.items() if k not in ("signatures", "unsigned")})


def sign_json(obj: _J, user_id: str, key_id: str, signer: Signer) -> _J:
    """A copy of ``obj`` with ``signatures[user_id][key_id]`` set.

    The signature is the unpadded base64 Ed25519 signature of
    ``signing_payload(obj)``.  Existing signatures and ``unsigned`` are kept.
    The returned dict and its ``signatures`` tree are new; other nested
    values are shared with ``obj``, which is not modified.  The result has the
    static type of ``obj`` (a TypedDict from ``olmpy.types`` stays one).
    """
    src = _require_dict("object to sign", obj)
    user_id = _require_user(user_id)
    key_id = _require_key_id(key_id)
    if not callable(getattr(signer, "sign", None)):
        raise UsageError(
            "signer: " + expected("an object with a sign(bytes) method (Account, PkSigning)",
                                  type(signer).__name__)
        )
    old = src.get("signatures", {})
    if not isinstance(old, dict):
        raise CanonicalJsonError(
            "signatures of the object to sign: " + expected("an object", _describe(old))
        )
    for entity, entry in old.items():
        if not isinstance(entry, dict):
            raise CanonicalJsonError(
                f"signatures[{entity!r}] of the object to sign: "
                + expected("an object", _describe(entry))
            )
    signature = signer.sign(signing_payload(src))
    if not isinstance(signature, Ed25519Signature):
        raise UsageError(
            "signer.sign(): " + expected("an olmpy Ed25519Signature", type(signature).__name__)
        )
    signatures: dict[str, Any] = {user: dict(keys) for user, keys in old.items()}
    entry = signatures.setdefault(user_id, {})
    assert isinstance(entry, dict)
    entry[key_id] = signature.to_base64()
    out = dict(src)
    out["signatures"] = signatures
    return cast(_J, out)


def verify_json(
    obj: Mapping[str, Any],
    user_id: str,
    key_id: str,
    public_key: Ed25519PublicKey | str,
) -> None:
    """Checks ``obj``'s signature by ``user_id`` under ``key_id`` with ``public_key``.

    Returns ``None`` if it verifies.  Raises ``MissingSignatureError`` when there
    is no such signature, ``Base64Error`` (or ``KeyDecodeError`` for a wrong
    length) when it does not decode, and ``SignatureError`` when it does not
    verify, or when the rest of ``obj`` has no canonical form (so it cannot
    have been signed).  ``public_key`` may be unpadded base64.
    """
    obj = _require_dict("signed object", obj)
    user_id = _require_user(user_id)
    key_id = _require_key_id(key_id)
    if isinstance(public_key, str):
        key = Ed25519PublicKey.from_base64(public_key)
    elif isinstance(public_key, Ed25519PublicKey):
        key = public_key
    else:
        raise UsageError(
            "verification key: " + expected("Ed25519PublicKey or base64 str", _describe(public_key))
        )
    signatures = obj.get("signatures")
    if signatures is None:
        raise MissingSignatureError(
            f"signature by {user_id} with {key_id}: "
            + expected("a signatures object", "an object without one")
        )
    if not isinstance(signatures, dict):
        raise SignatureError("signatures: " + expected("an object", _describe(signatures)))
    by_user = signatures.get(user_id)
    if by_user is None:
        raise MissingSignatureError(
            f"signature by {user_id} with {key_id}: "
            + expected(f"an entry for {user_id}", f"signatures by {_names(signatures)}")
        )
    if not isinstance(by_user, dict):
        raise SignatureError(
            f"signatures[{user_id!r}]: " + expected("an object", _describe(by_user))
        )
    encoded = by_user.get(key_id)
    if encoded is None:
        raise MissingSignatureError(
            f"signature by {user_id} with {key_id}: "
            + expected(f"an entry for {key_id}", f"keys {_names(by_user)}")
        )
    if not isinstance(encoded, str):
        raise SignatureError(
            f"signatures[{user_id!r}][{key_id!r}]: " + expected("a base64 str", _describe(encoded))
        )
    signature = Ed25519Signature.from_base64(encoded)
    try:
        payload = signing_payload(obj)
    except CanonicalJsonError as err:
        raise SignatureError(
            f"signature by {user_id} with {key_id}: "
            + expected("a signed object with a canonical JSON form", str(err))
        ) from None
    try:
        key.verify_signature(payload, signature)
    except SignatureError as err:
        raise SignatureError(
            f"signature by {user_id} with {key_id}: "
            + expected("a valid Ed25519 signature of the canonical JSON", f"an invalid one ({err})")
        ) from None


# --- PkSigning --------------------------------------------------------------------------


class PkSigning:
    """A stand-alone Ed25519 signing key from a 32-byte seed (cross-signing keys).

    The counterpart of python-olm's ``olm.PkSigning``, and byte-for-byte
    compatible with it for the same seed (both are RFC 8032 Ed25519).  One
    difference: ``public_key`` is an ``Ed25519PublicKey`` rather than a base64
    str (use ``public_key.to_base64()``), and ``sign`` returns an
    ``Ed25519Signature`` rather than a base64 str.
    """

    __slots__ = ("_key", "_public", "_seed")

    __reduce__ = refuse_pickle(".seed, stored encrypted, and PkSigning(seed)")
    __copy__ = __deepcopy__ = same_object  # immutable: a copy is the object

    SEED_LENGTH = 32
    """The length of a seed in bytes."""

    def __init__(self, seed: bytes) -> None:
        self._seed = primitives.require_bytes("PkSigning seed", seed, self.SEED_LENGTH)
        self._key = primitives.Ed25519SigningKey.from_seed(self._seed)
        self._public = self._key.public

    @staticmethod
    def generate_seed() -> bytes:
        """32 fresh random bytes from the OS, a seed for ``PkSigning``."""
        return os.urandom(PkSigning.SEED_LENGTH)

    @classmethod
    def generate(cls) -> PkSigning:
        """A key from a fresh random seed."""
        return cls(cls.generate_seed())

    @property
    def seed(self) -> bytes:
        """The 32-byte secret seed (store it securely; it is the private key)."""
        return self._seed

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The Ed25519 public key."""
        return Ed25519PublicKey(self._public)

    def sign(self, message: bytes | str) -> Ed25519Signature:
        """Signs ``message`` (a str is signed as UTF-8)."""
        return Ed25519Signature(self._key.sign(_message_bytes(message, "message to sign")))

    def __repr__(self) -> str:
        return f"PkSigning(public_key=ed25519:{_b64.encode_public(self._public)})"

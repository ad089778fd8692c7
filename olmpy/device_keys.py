"""Signed device keys, one-time/fallback keys and cross-signing keys, as JSON.

Helpers for a client, a bot or a homeserver test suite to produce and check
the objects of ``/keys/upload``, ``/keys/device_signing/upload`` and
``/keys/signatures/upload`` (Matrix client-server API, "End-to-End
Encryption": device keys, one-time and fallback keys, cross-signing).
Every signature is made and checked with ``olmpy.signed_json``.

Shapes (all keys and signatures unpadded base64):

- device keys: ``{"user_id", "device_id", "algorithms": [...], "keys":
  {"curve25519:<device>": ..., "ed25519:<device>": ...}, "signatures":
  {<user>: {"ed25519:<device>": ...}}}``, signed by the device's Ed25519 key;
- one-time key: ``{"signed_curve25519:<key id>": {"key": ..., "signatures":
  ...}}``; a fallback key adds ``"fallback": true`` (inside the signed part);
- cross-signing key: ``{"user_id", "usage": ["master" | "self_signing" |
  "user_signing"], "keys": {"ed25519:<public key>": <public key>},
  "signatures"}``; the master key signs the self-signing and user-signing
  keys, the self-signing key signs the user's own devices, the user-signing
  key signs other users' master keys.  Cross-signing signatures use the key
  id ``ed25519:<public key base64>``.

Checks raise ``KeyObjectError`` (a ``DecodeError``) for malformed or
inconsistent objects and ``SignatureError`` (or its ``MissingSignatureError``)
for absent or wrong signatures.

Where the pieces live.  This module is the device-keys half: the algorithm names, the
account protocols, ``device_keys`` and ``verify_device_keys``, the signed one-time and
fallback keys and the ``/keys/upload`` body.  The cross-signing half (key ids and key
objects, the checks and signers of each link, ``CrossSigning``) is written in
``olmpy._cross_signing``.  ``KeyObjectError``, ``VerifiedDevice`` and the checks both
halves use, the device-keys object check among them, are in ``olmpy._device_keys_common``,
which imports neither half.  This module re-exports every public name of the other two and
gives them its own ``__module__``: import them from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from olmpy._cross_signing import _USAGES as _USAGES  # tests compare it with types.CrossSigningUsage
from olmpy._cross_signing import (
    CrossSigning,
    cross_signing_key,
    cross_signing_key_id,
    sign_device_with_self_signing_key,
    sign_master_key_with_device,
    sign_user_with_user_signing_key,
    verify_cross_signing_key,
    verify_device_signed_by_self_signing_key,
    verify_signed_by_master,
    verify_user_signed_by_user_signing_key,
)
from olmpy._device_keys_common import (
    _REQUIRED,
    KeyObjectError,
    VerifiedDevice,
    _curve25519,
    _device_key_id,
    _expectation,
    _field,
    _object,
    _public,
    _require_str,
    _verify_device_keys,
)
from olmpy.errors import UsageError, expected
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature
from olmpy.signed_json import sign_json, verify_json
from olmpy.types import DeviceKeys, KeysUploadBody, SignedKey

__all__ = [
    "DEFAULT_ALGORITHMS",
    "MEGOLM_ALGORITHM",
    "OLM_ALGORITHM",
    "SIGNED_CURVE25519",
    "CrossSigning",
    "DeviceAccount",
    "KeyObjectError",
    "OneTimeKeyAccount",
    "VerifiedDevice",
    "cross_signing_key",
    "cross_signing_key_id",
    "device_keys",
    "keys_upload_body",
    "sign_device_with_self_signing_key",
    "sign_master_key_with_device",
    "sign_user_with_user_signing_key",
    "signed_fallback_keys",
    "signed_one_time_keys",
    "verify_cross_signing_key",
    "verify_device_keys",
    "verify_device_signed_by_self_signing_key",
    "verify_signed_by_master",
    "verify_signed_key",
    "verify_signed_keys",
    "verify_user_signed_by_user_signing_key",
]

OLM_ALGORITHM = "m.olm.v1.curve25519-aes-sha2"
"""The Olm algorithm name a device advertises."""
MEGOLM_ALGORITHM = "m.megolm.v1.aes-sha2"
"""The Megolm algorithm name a device advertises."""
DEFAULT_ALGORITHMS = (OLM_ALGORITHM, MEGOLM_ALGORITHM)
"""The algorithms olmpy devices advertise by default."""
SIGNED_CURVE25519 = "signed_curve25519"
"""The key algorithm of signed one-time and fallback keys."""


class DeviceAccount(Protocol):
    """What device keys need from an account (``olmpy.Account`` qualifies)."""

    @property
    def ed25519_key(self) -> Ed25519PublicKey:
        """The device's Ed25519 key."""
        ...

    @property
    def curve25519_key(self) -> Curve25519PublicKey:
        """The device's Curve25519 identity key."""
        ...

    def sign(self, message: bytes) -> Ed25519Signature:
        """Signs with the device's Ed25519 key."""
        ...


class OneTimeKeyAccount(DeviceAccount, Protocol):
    """An account that also holds one-time and fallback keys (``olmpy.Account``)."""

    @property
    def one_time_keys(self) -> dict[str, Curve25519PublicKey]:
        """Unpublished one-time keys by key id."""
        ...

    @property
    def fallback_key(self) -> dict[str, Curve25519PublicKey]:
        """The unpublished fallback key by key id (empty if none)."""
        ...


# --- small checks -----------------------------------------------------------------------


def _require_account(account: object, *members: str) -> None:
    """UsageError unless ``account`` has what device keys read from it (an Account does)."""
    missing = [m for m in ("ed25519_key", "curve25519_key", "sign", *members)
               if not hasattr(account, m)]
    if missing:
        raise UsageError(
            "account: " + expected("an olmpy Account (or an object with "
                                   + ", ".join(missing) + ")", type(account).__name__)
        )


# --- device keys ------------------------------------------------------------------------


def device_keys(
    account: DeviceAccount,
    user_id: str,
    device_id: str,
    algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
) -> DeviceKeys:
    """The signed ``device_keys`` object of ``account`` for ``/keys/upload``."""
    _require_account(account)
    user_id = _require_str("user id", user_id)
    device_id = _require_str("device id", device_id)
    if isinstance(algorithms, (str, bytes)) or not isinstance(algorithms, Iterable):
        raise UsageError(
            "algorithms: " + expected("an iterable of str", type(algorithms).__name__)
        )
    algos = list(algorithms)
    for algo in algos:
        _require_str("algorithm", algo)
    body: DeviceKeys = {
        "algorithms": algos,
        "device_id": device_id,
        "keys": {
            f"curve25519:{device_id}": account.curve25519_key.to_base64(),
            f"ed25519:{device_id}": account.ed25519_key.to_base64(),
        },
        "user_id": user_id,
    }
    return sign_json(body, user_id, _device_key_id(device_id), account)


def verify_device_keys(
    obj: object,
    user_id: str,
    device_id: str,
    ed25519_key: Ed25519PublicKey | str | None = None,
) -> VerifiedDevice:
    """Checks a ``device_keys`` object of ``user_id``'s device ``device_id``; returns the
    identity it states.

    ``user_id`` and ``device_id`` are required: they are the user and device you asked
    about (the keys of the ``/keys/query`` response the object was listed under), and an
    object stating other ids is refused, since a server could otherwise list one device's
    keys under another's name.  Leaving either out, or passing None, raises UsageError.
    ``ed25519_key``, when given (a key object or unpadded base64), must be the device's
    Ed25519 key too: pass the key you already trust (a verified or previously seen
    device) to catch a changed key.

    Checks the shape (user_id, device_id, algorithms, keys with ``curve25519:<device>``
    and ``ed25519:<device>``), the expectations above, and that the object is
    self-signed by its own Ed25519 key.  Raises ``KeyObjectError``, ``SignatureError``
    or a ``DecodeError`` for a bad key encoding.
    """
    return _verify_device_keys(
        obj, _expectation("user_id", user_id), _expectation("device_id", device_id), ed25519_key
    )


# Type checkers see both ids as required; at run time leaving one out reaches the body,
# which raises UsageError naming it (instead of Python's bare TypeError).
verify_device_keys.__defaults__ = (_REQUIRED, _REQUIRED, None)


# --- one-time and fallback keys ---------------------------------------------------------


def _signed_keys(
    keys: Mapping[str, Curve25519PublicKey],
    account: DeviceAccount,
    user_id: str,
    device_id: str,
    fallback: bool,
) -> dict[str, SignedKey]:
    user_id = _require_str("user id", user_id)
    device_id = _require_str("device id", device_id)
    out: dict[str, SignedKey] = {}
    for key_id, key in keys.items():
        body: SignedKey = {"key": key.to_base64()}
        if fallback:
            body["fallback"] = True
        out[f"{SIGNED_CURVE25519}:{key_id}"] = sign_json(
            body, user_id, _device_key_id(device_id), account
        )
    return out


def signed_one_time_keys(
    account: OneTimeKeyAccount, user_id: str, device_id: str
) -> dict[str, SignedKey]:
    """The account's unpublished one-time keys, signed, for ``/keys/upload`` ``one_time_keys``.

    Call ``account.mark_keys_as_published()`` once the server has accepted them.
    """
    _require_account(account, "one_time_keys")
    return _signed_keys(account.one_time_keys, account, user_id, device_id, fallback=False)


def signed_fallback_keys(
    account: OneTimeKeyAccount, user_id: str, device_id: str
) -> dict[str, SignedKey]:
    """The unpublished fallback key, signed with ``"fallback": true``, for ``fallback_keys``."""
    _require_account(account, "fallback_key")
    return _signed_keys(account.fallback_key, account, user_id, device_id, fallback=True)


def keys_upload_body(
    account: OneTimeKeyAccount,
    user_id: str,
    device_id: str,
    *,
    include_device_keys: bool = True,
    algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
) -> KeysUploadBody:
    """A ``/keys/upload`` request body: device keys, one-time keys and fallback keys.

    Empty sections are left out.  Call ``account.mark_keys_as_published()``
    once the server has accepted the upload.
    """
    _require_account(account, "one_time_keys", "fallback_key")
    if type(include_device_keys) is not bool:
        raise UsageError(
            "include_device_keys: " + expected("a bool", type(include_device_keys).__name__)
        )
    body: KeysUploadBody = {}
    if include_device_keys:
        body["device_keys"] = device_keys(account, user_id, device_id, algorithms)
    otks = signed_one_time_keys(account, user_id, device_id)
    if otks:
        body["one_time_keys"] = otks
    fallback = signed_fallback_keys(account, user_id, device_id)
    if fallback:
        body["fallback_keys"] = fallback
    return body


def verify_signed_key(
    key_id: str,
    obj: object,
    user_id: str,
    device_id: str,
    ed25519_key: Ed25519PublicKey | str,
    *,
    fallback: bool | None = None,
) -> Curve25519PublicKey:
    """Checks one signed one-time or fallback key and returns its Curve25519 key.

    ``key_id`` is the ``signed_curve25519:<id>`` name it was listed under;
    the signature must be by ``user_id`` with ``ed25519:<device_id>``.  With
    ``fallback=True`` (or ``False``) the object must (or must not) be marked
    ``"fallback": true``.
    """
    user_id = _require_str("user id", user_id)
    device_id = _require_str("device id", device_id)
    if fallback is not None and not isinstance(fallback, bool):
        raise UsageError("fallback: " + expected("True, False or None", type(fallback).__name__))
    if not isinstance(key_id, str):
        raise KeyObjectError("one-time key id: " + expected("a str", type(key_id).__name__))
    algorithm, sep, name = key_id.partition(":")
    if algorithm != SIGNED_CURVE25519 or not sep or not name:
        raise KeyObjectError(
            "one-time key id: " + expected(f'"{SIGNED_CURVE25519}:<id>"', repr(key_id[:80]))
        )
    what = f"one-time key {key_id}"
    key_obj = _object(what, obj)
    key = _curve25519(f"{what}: key", _field(key_obj, "key", str, what))
    marked = key_obj.get("fallback", False)
    if not isinstance(marked, bool):
        raise KeyObjectError(f'{what}: "fallback" ' + expected("a bool", type(marked).__name__))
    if fallback is not None and marked != fallback:
        raise KeyObjectError(f'{what}: "fallback" ' + expected(repr(fallback), repr(marked)))
    verify_json(key_obj, user_id, _device_key_id(device_id), ed25519_key)
    return key


def verify_signed_keys(
    keys: object,
    user_id: str,
    device_id: str,
    ed25519_key: Ed25519PublicKey | str,
    *,
    fallback: bool | None = None,
) -> dict[str, Curve25519PublicKey]:
    """Checks a whole ``one_time_keys`` or ``fallback_keys`` map; returns the keys by id."""
    user_id = _require_str("user id", user_id)
    device_id = _require_str("device id", device_id)
    ed25519_key = _public("ed25519_key", ed25519_key, base64=True)
    if fallback is not None and not isinstance(fallback, bool):
        raise UsageError("fallback: " + expected("True, False or None", type(fallback).__name__))
    mapping = _object("signed keys", keys)
    return {
        key_id: verify_signed_key(key_id, obj, user_id, device_id, ed25519_key, fallback=fallback)
        for key_id, obj in mapping.items()
    }


# The public names written in the private modules keep the __module__ they had when all of
# them were written here: repr and tracebacks show it, and pickle finds a class (an
# exception, a VerifiedDevice) by it and its qualified name.
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("olmpy._"):
        _value.__module__ = __name__
del _name, _value

"""The layer under both halves of ``olmpy.device_keys``: what device keys and cross-signing
keys both need, in a module that imports neither of them.

It holds ``KeyObjectError``, the ``VerifiedDevice`` result, the small argument and field
checks, the marker for ids a caller may not leave out, and ``_verify_device_keys``, the
check of one device-keys object, which ``verify_device_keys`` runs and so does the
self-signing check in ``olmpy._cross_signing``.  Callers import the public names from
``olmpy.device_keys``, which re-exports them under its own name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from olmpy.errors import DecodeError, UsageError, expected
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey
from olmpy.signed_json import PkSigning, _names, verify_json


class KeyObjectError(DecodeError):
    """A device-keys, one-time-key or cross-signing-key object is malformed or inconsistent."""


@dataclass(frozen=True)
class VerifiedDevice:
    """The identity a verified device-keys object states."""

    user_id: str
    device_id: str
    ed25519: Ed25519PublicKey
    curve25519: Curve25519PublicKey
    algorithms: tuple[str, ...]


# --- small checks -----------------------------------------------------------------------


def _require_str(what: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise UsageError(f"{what}: " + expected("a non-empty str", type(value).__name__))
    return value


def _field(obj: Mapping[str, object], name: str, kind: type, what: str) -> object:
    if name not in obj:
        raise KeyObjectError(f"{what}: " + expected(f'a "{name}" member', f"keys {_names(obj)}"))
    value = obj[name]
    if not isinstance(value, kind):
        raise KeyObjectError(f'{what}: "{name}" ' + expected(kind.__name__, type(value).__name__))
    return value


def _object(what: str, value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise KeyObjectError(f"{what}: " + expected("a JSON object (dict)", type(value).__name__))
    return value


def _ed25519(what: str, value: object) -> Ed25519PublicKey:
    if not isinstance(value, str):
        raise KeyObjectError(f"{what}: " + expected("a base64 str", type(value).__name__))
    return Ed25519PublicKey.from_base64(value)


def _curve25519(what: str, value: object) -> Curve25519PublicKey:
    if not isinstance(value, str):
        raise KeyObjectError(f"{what}: " + expected("a base64 str", type(value).__name__))
    return Curve25519PublicKey.from_base64(value)


def _device_key_id(device_id: str) -> str:
    return "ed25519:" + _require_str("device id", device_id)


def _public(what: str, key: object, *, base64: bool) -> Ed25519PublicKey:
    """An Ed25519 public key given as an object, a ``PkSigning`` (when not ``base64``) or
    unpadded base64 (when ``base64``)."""
    if isinstance(key, Ed25519PublicKey):
        return key
    if base64 and isinstance(key, str):
        return Ed25519PublicKey.from_base64(key)
    if not base64 and isinstance(key, PkSigning):
        return key.public_key
    kinds = "Ed25519PublicKey or base64 str" if base64 else "Ed25519PublicKey or PkSigning"
    raise UsageError(f"{what}: " + expected(kinds, type(key).__name__))


# --- ids the caller must give -----------------------------------------------------------


class _Required:
    """The default of an argument that must be given: its absence is a UsageError."""

    def __repr__(self) -> str:
        return "<required>"


_REQUIRED: Any = _Required()


def _expectation(name: str, value: object) -> str:
    """An expected id the caller must give: a non-empty str, never left out or None."""
    if value is _REQUIRED or value is None:
        got = "nothing" if value is _REQUIRED else "None"
        raise UsageError(
            f"{name}: "
            + expected(f"the {name.replace('_', ' ')} you asked the server about", got)
            + " (this check cannot be skipped)"
        )
    return _require_str(name, value)


# --- the device-keys object check -------------------------------------------------------


def _verify_device_keys(
    obj: object, user_id: str, device_id: str, ed25519_key: Ed25519PublicKey | str | None
) -> VerifiedDevice:
    what = "device keys"
    dk = _object(what, obj)
    uid = _field(dk, "user_id", str, what)
    did = _field(dk, "device_id", str, what)
    assert isinstance(uid, str) and isinstance(did, str)
    if uid != user_id:
        raise KeyObjectError(f"{what}: user_id " + expected(repr(user_id), repr(uid)))
    if did != device_id:
        raise KeyObjectError(f"{what}: device_id " + expected(repr(device_id), repr(did)))
    algorithms = _field(dk, "algorithms", list, what)
    assert isinstance(algorithms, list)
    for algo in algorithms:
        if not isinstance(algo, str):
            raise KeyObjectError(f"{what}: algorithms " + expected("strings", type(algo).__name__))
    keys = _field(dk, "keys", dict, what)
    assert isinstance(keys, dict)
    ed_id, curve_id = f"ed25519:{did}", f"curve25519:{did}"
    for key_id in (ed_id, curve_id):
        if key_id not in keys:
            raise KeyObjectError(
                f"{what}: keys " + expected(f'a "{key_id}" entry', _names(keys))
            )
    ed = _ed25519(f"{what}: {ed_id}", keys[ed_id])
    curve = _curve25519(f"{what}: {curve_id}", keys[curve_id])
    if ed25519_key is not None:
        want = _public("ed25519_key", ed25519_key, base64=True)
        if want != ed:
            raise KeyObjectError(f"{what}: {ed_id} " + expected(want.to_base64(), ed.to_base64()))
    verify_json(dk, uid, ed_id, ed)
    return VerifiedDevice(uid, did, ed, curve, tuple(algorithms))

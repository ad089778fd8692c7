"""Cross-signing: the master, self-signing and user-signing key objects, the signatures that
link them to each other and to devices, and ``CrossSigning``, which holds a user's three keys.

This is the second half of ``olmpy.device_keys``, which re-exports every public name here
(and ``_USAGES``) under its own module name; import them from there.  The device-keys half
does not come in here: what both need (``KeyObjectError``, ``VerifiedDevice``, the small
checks, ``_verify_device_keys``) is in ``olmpy._device_keys_common``.
"""

from __future__ import annotations

from typing import Any, cast

from olmpy._device_keys_common import (
    _REQUIRED,
    KeyObjectError,
    VerifiedDevice,
    _device_key_id,
    _ed25519,
    _expectation,
    _field,
    _object,
    _public,
    _require_str,
    _verify_device_keys,
)
from olmpy.errors import UsageError, expected
from olmpy.keys import Ed25519PublicKey
from olmpy.signed_json import PkSigning, Signer, sign_json, verify_json
from olmpy.types import CrossSigningKey, CrossSigningUploadBody, CrossSigningUsage, DeviceKeys

_USAGES = ("master", "self_signing", "user_signing")


# --- cross-signing ----------------------------------------------------------------------


def cross_signing_key_id(key: Ed25519PublicKey | PkSigning) -> str:
    """``ed25519:<unpadded base64 public key>``, the id of a cross-signing key."""
    return "ed25519:" + _public("cross-signing key", key, base64=False).to_base64()


def cross_signing_key(
    user_id: str, usage: CrossSigningUsage, key: Ed25519PublicKey | PkSigning
) -> CrossSigningKey:
    """An unsigned cross-signing key object (``usage`` is master/self_signing/user_signing)."""
    user_id = _require_str("user id", user_id)
    if usage not in _USAGES:
        raise UsageError("cross-signing usage: " + expected(" or ".join(_USAGES), repr(usage)))
    b64 = _public("cross-signing key", key, base64=False).to_base64()
    return {"keys": {f"ed25519:{b64}": b64}, "usage": [usage], "user_id": user_id}


def verify_cross_signing_key(
    obj: object, usage: CrossSigningUsage, user_id: str | None = None
) -> tuple[str, Ed25519PublicKey]:
    """Checks a cross-signing key object's shape; returns (user id, public key).

    The object must list ``usage`` among its usages, name ``user_id`` if
    given, and hold exactly one key, ``ed25519:<b64>`` mapping to that same
    ``<b64>``.  Signatures are not checked here (see the ``verify_*_signed``
    helpers).
    """
    what = f"{usage} cross-signing key"
    if usage not in _USAGES:
        raise UsageError("cross-signing usage: " + expected(" or ".join(_USAGES), repr(usage)))
    ck = _object(what, obj)
    uid = _field(ck, "user_id", str, what)
    assert isinstance(uid, str)
    if user_id is not None and uid != user_id:
        raise KeyObjectError(f"{what}: user_id " + expected(repr(user_id), repr(uid)))
    usages = _field(ck, "usage", list, what)
    assert isinstance(usages, list)
    if usage not in usages:
        raise KeyObjectError(f"{what}: usage " + expected(f"a list with {usage!r}", repr(usages)))
    keys = _field(ck, "keys", dict, what)
    assert isinstance(keys, dict)
    if len(keys) != 1:
        raise KeyObjectError(f"{what}: keys " + expected("exactly one key", f"{len(keys)} keys"))
    ((key_id, value),) = keys.items()
    public = _ed25519(f"{what}: {str(key_id)[:80]}", value)
    if key_id != cross_signing_key_id(public):
        raise KeyObjectError(
            f"{what}: key id "
            + expected(repr(cross_signing_key_id(public)), repr(str(key_id)[:80]))
        )
    return uid, public


def verify_signed_by_master(
    obj: object, usage: CrossSigningUsage, master_key: object
) -> Ed25519PublicKey:
    """Checks a self-signing or user-signing key object is signed by ``master_key``.

    ``master_key`` is the user's master cross-signing key object; both must
    name the same user.  Returns the checked key's public key.
    """
    if usage not in ("self_signing", "user_signing"):
        raise UsageError(
            "usage signed by a master key: " + expected("self_signing or user_signing", repr(usage))
        )
    user_id, master = verify_cross_signing_key(master_key, "master")
    _, public = verify_cross_signing_key(obj, usage, user_id)
    assert isinstance(obj, dict)
    verify_json(obj, user_id, cross_signing_key_id(master), master)
    return public


def verify_device_signed_by_self_signing_key(
    device: object, self_signing_key: object, device_id: str
) -> VerifiedDevice:
    """Checks ``device`` (device keys of ``device_id``) is self-signed and signed by the
    user's self-signing key.

    The device must name the self-signing key's user and ``device_id`` (required, as in
    ``verify_device_keys``: the id you asked about; leaving it out raises UsageError).
    Does not check the self-signing key's own master signature; use
    ``verify_signed_by_master`` for that link.
    """
    device_id = _expectation("device_id", device_id)
    user_id, ssk = verify_cross_signing_key(self_signing_key, "self_signing")
    verified = _verify_device_keys(device, user_id, device_id, None)
    assert isinstance(device, dict)
    verify_json(device, user_id, cross_signing_key_id(ssk), ssk)
    return verified


verify_device_signed_by_self_signing_key.__defaults__ = (_REQUIRED,)


def verify_user_signed_by_user_signing_key(
    other_master_key: object, user_signing_key: object
) -> Ed25519PublicKey:
    """Checks another user's master key object is signed by this user-signing key.

    The signature is looked up under the user-signing key's own user id.
    Returns the other user's master public key.
    """
    signer_id, usk = verify_cross_signing_key(user_signing_key, "user_signing")
    _, master = verify_cross_signing_key(other_master_key, "master")
    assert isinstance(other_master_key, dict)
    verify_json(other_master_key, signer_id, cross_signing_key_id(usk), usk)
    return master


def sign_device_with_self_signing_key(
    device: DeviceKeys | dict[str, Any], self_signing: PkSigning, user_id: str
) -> DeviceKeys:
    """A copy of ``device`` (device keys of ``user_id``) signed by the self-signing key."""
    user_id = _require_str("user id", user_id)
    if not isinstance(device, dict):
        raise UsageError("device keys to self-sign: " + expected("a dict", type(device).__name__))
    if device.get("user_id") != user_id:
        raise UsageError(
            "device keys to self-sign: "
            + expected(f"user_id {user_id!r}", repr(device.get("user_id")))
        )
    return cast(DeviceKeys, sign_json(
        device, user_id, cross_signing_key_id(self_signing), self_signing))


def sign_user_with_user_signing_key(
    other_master_key: CrossSigningKey | dict[str, Any], user_signing: PkSigning, user_id: str
) -> CrossSigningKey:
    """A copy of another user's master key object, signed by ``user_id``'s user-signing key."""
    verify_cross_signing_key(other_master_key, "master")
    return cast(CrossSigningKey, sign_json(
        other_master_key, user_id, cross_signing_key_id(user_signing), user_signing))


def sign_master_key_with_device(
    master_key: CrossSigningKey | dict[str, Any], account: Signer, user_id: str, device_id: str
) -> CrossSigningKey:
    """A copy of the user's master key object signed by one of their devices."""
    verify_cross_signing_key(master_key, "master", user_id)
    return cast(CrossSigningKey, sign_json(
        master_key, user_id, _device_key_id(device_id), account))


class CrossSigning:
    """A user's three cross-signing keys (master, self-signing, user-signing).

    ``CrossSigning.generate(user_id)`` makes fresh keys; ``from_seeds``
    restores them.  The seeds are secrets and never appear in repr.
    """

    __slots__ = ("master", "self_signing", "user_id", "user_signing")

    def __init__(
        self,
        user_id: str,
        master: PkSigning,
        self_signing: PkSigning,
        user_signing: PkSigning,
    ) -> None:
        self.user_id = _require_str("user id", user_id)
        for name, key in (
            ("master", master),
            ("self_signing", self_signing),
            ("user_signing", user_signing),
        ):
            if not isinstance(key, PkSigning):
                raise UsageError(f"{name} key: " + expected("PkSigning", type(key).__name__))
        self.master = master
        self.self_signing = self_signing
        self.user_signing = user_signing

    @classmethod
    def generate(cls, user_id: str) -> CrossSigning:
        """Three fresh random keys for ``user_id``."""
        return cls(user_id, PkSigning.generate(), PkSigning.generate(), PkSigning.generate())

    @classmethod
    def from_seeds(
        cls, user_id: str, master: bytes, self_signing: bytes, user_signing: bytes
    ) -> CrossSigning:
        """Keys from their 32-byte seeds."""
        return cls(user_id, PkSigning(master), PkSigning(self_signing), PkSigning(user_signing))

    def master_key(self) -> CrossSigningKey:
        """The master key object (unsigned; a device may add its signature)."""
        return cross_signing_key(self.user_id, "master", self.master)

    def self_signing_key(self) -> CrossSigningKey:
        """The self-signing key object, signed by the master key."""
        return sign_json(
            cross_signing_key(self.user_id, "self_signing", self.self_signing),
            self.user_id,
            cross_signing_key_id(self.master),
            self.master,
        )

    def user_signing_key(self) -> CrossSigningKey:
        """The user-signing key object, signed by the master key."""
        return sign_json(
            cross_signing_key(self.user_id, "user_signing", self.user_signing),
            self.user_id,
            cross_signing_key_id(self.master),
            self.master,
        )

    def upload_body(self) -> CrossSigningUploadBody:
        """The ``/keys/device_signing/upload`` body (add ``auth`` as the server requires)."""
        return {
            "master_key": self.master_key(),
            "self_signing_key": self.self_signing_key(),
            "user_signing_key": self.user_signing_key(),
        }

    def sign_device(self, device: DeviceKeys | dict[str, Any]) -> DeviceKeys:
        """A copy of one of this user's device-keys objects, signed by the self-signing key."""
        return sign_device_with_self_signing_key(device, self.self_signing, self.user_id)

    def sign_user(self, other_master_key: CrossSigningKey | dict[str, Any]) -> CrossSigningKey:
        """A copy of another user's master key object, signed by the user-signing key."""
        return sign_user_with_user_signing_key(other_master_key, self.user_signing, self.user_id)

    def __repr__(self) -> str:
        return f"CrossSigning(user_id={self.user_id!r}, master={cross_signing_key_id(self.master)})"

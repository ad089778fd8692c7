"""Strategies for ``olmpy.testing.strategies``: signed device, one-time and fallback keys and
cross-signing bundles, valid or with one defect.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from olmpy import _b64
from olmpy.device_keys import (
    cross_signing_key,
    cross_signing_key_id,
    device_keys,
    signed_fallback_keys,
    signed_one_time_keys,
)
from olmpy.errors import UsageError, expected, shown
from olmpy.keys import Ed25519PublicKey, Ed25519Signature
from olmpy.olm.account import Account
from olmpy.signed_json import PkSigning, sign_json, signing_payload
from olmpy.testing._strategies_keys import _choices, _secret, accounts, device_ids, user_ids

KeyDefect = Literal["bad_signature", "wrong_user", "missing_key", "non_canonical_json"]
KEY_DEFECTS: tuple[KeyDefect, ...] = get_args(KeyDefect)
SignedKind = Literal["device_keys", "one_time_key", "fallback_key"]
SIGNED_KINDS: tuple[SignedKind, ...] = get_args(SignedKind)


@dataclass(frozen=True, eq=False)
class SignedKeys:
    """A signed key object of ``kind``, valid or with one ``defect``.

    Check it as ``user_id``'s device ``device_id`` whose Ed25519 key is ``ed25519_key``;
    the signature is under ``signatures[user_id]["ed25519:" + device_id]``.  For one-time
    and fallback keys ``key_id`` is the ``signed_curve25519:<id>`` name it is listed under.

    Defects: ``bad_signature`` (one bit of the signature flipped); ``wrong_user`` (the
    object names, and is signed as, another user); ``missing_key`` (the device's Ed25519
    key, or a one-time key's ``key``, left out, then signed); ``non_canonical_json``
    (signed over a JSON text that is not the canonical one, ``signed_text``).
    """

    kind: SignedKind
    obj: dict[str, Any]
    user_id: str
    device_id: str
    key_id: str | None
    ed25519_key: Ed25519PublicKey
    defect: KeyDefect | None
    signed_text: bytes


class _FixedSigner:
    """A signer that signs chosen bytes in place of the payload (to sign non-canonical
    text the way a buggy client would)."""

    def __init__(self, account: Account, text: bytes) -> None:
        self._account, self._text = account, text

    def sign(self, message: bytes) -> Ed25519Signature:
        del message
        return self._account.sign(self._text)


def _non_canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(", ", ": "), ensure_ascii=True).encode("utf-8")


def _flip_signature(obj: dict[str, Any], user_id: str, key_id: str, bit: int) -> dict[str, Any]:
    raw = bytearray(_b64.decode_public(obj["signatures"][user_id][key_id], "signature"))
    raw[bit // 8] ^= 1 << (bit % 8)
    out = dict(obj)
    out["signatures"] = {user_id: {key_id: _b64.encode_public(bytes(raw))}}
    return out


def _unsigned(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}


def _check_defects(defects: object) -> tuple[KeyDefect | None, ...]:
    """The ``defects`` argument of the key strategies, checked: a non-empty tuple or list
    of None and ``KEY_DEFECTS`` members."""
    if isinstance(defects, str) or not isinstance(defects, (tuple, list)) or not defects:
        raise UsageError("defects: " + expected("a non-empty tuple", shown(defects)))
    for d in defects:
        if d is not None and d not in KEY_DEFECTS:
            raise UsageError("defects: " + expected(f"None or one of {KEY_DEFECTS}", repr(d)))
    return tuple(defects)


def signed_keys(
    *,
    kinds: Sequence[SignedKind] = SIGNED_KINDS,
    defects: Sequence[KeyDefect | None] = (None, *KEY_DEFECTS),
) -> SearchStrategy[SignedKeys]:
    """Signed device keys, one-time keys and fallback keys (``kinds``), each valid
    (defect None) or with one defect out of ``defects``."""
    wanted = _choices("kinds", kinds, SIGNED_KINDS)
    chosen_defects = _check_defects(defects)

    @st.composite
    def build(draw: st.DrawFn) -> SignedKeys:
        kind = draw(st.sampled_from(wanted))
        defect = draw(st.sampled_from(chosen_defects))
        account = draw(accounts(one_time_keys=1, fallback_key=True))
        user_id, device_id = draw(user_ids()), draw(device_ids())
        signer_user = user_id
        if defect == "wrong_user":
            signer_user = draw(user_ids().filter(lambda u: u != user_id))
        sig_id = f"ed25519:{device_id}"
        key_id: str | None = None
        if kind == "device_keys":
            obj: dict[str, Any] = dict(device_keys(account, signer_user, device_id))
        else:
            make = signed_one_time_keys if kind == "one_time_key" else signed_fallback_keys
            ((key_id, value),) = make(account, signer_user, device_id).items()
            obj = dict(value)
        if defect == "missing_key":
            body = _unsigned(obj)
            if kind == "device_keys":
                body["keys"] = {k: v for k, v in body["keys"].items() if k != sig_id}
            else:
                del body["key"]
            obj = sign_json(body, signer_user, sig_id, account)
        text = signing_payload(obj)
        if defect == "non_canonical_json":
            text = _non_canonical(_unsigned(obj))
            obj = sign_json(_unsigned(obj), signer_user, sig_id, _FixedSigner(account, text))
        if defect == "bad_signature":
            obj = _flip_signature(obj, user_id, sig_id, draw(st.integers(0, 511)))
        return SignedKeys(
            kind, obj, user_id, device_id, key_id, account.ed25519_key, defect, text
        )

    return build()


CrossSigningUsage = Literal["self_signing", "user_signing"]


@dataclass(frozen=True, eq=False)
class CrossSigningBundle:
    """A user's three cross-signing key objects: ``master_key`` (unsigned), and
    ``self_signing_key`` and ``user_signing_key``, each signed by the master key.

    With a ``defect``, the key object named by ``defective`` carries it (see
    ``SignedKeys`` for the defects; ``missing_key`` empties its ``keys``);
    ``olmpy.device_keys.verify_signed_by_master`` refuses it.  ``seeds`` are the three
    32-byte private seeds (master, self-signing, user-signing)."""

    user_id: str
    master_key: dict[str, Any]
    self_signing_key: dict[str, Any]
    user_signing_key: dict[str, Any]
    master_public: Ed25519PublicKey
    seeds: tuple[bytes, bytes, bytes]
    defect: KeyDefect | None
    defective: CrossSigningUsage | None


def cross_signing_bundles(
    *, defects: Sequence[KeyDefect | None] = (None, *KEY_DEFECTS)
) -> SearchStrategy[CrossSigningBundle]:
    """Cross-signing bundles, valid or with one defect in one signed key."""
    chosen_defects = _check_defects(defects)

    @st.composite
    def build(draw: st.DrawFn) -> CrossSigningBundle:
        user_id = draw(user_ids())
        seeds = (draw(_secret()), draw(_secret()), draw(_secret()))
        master, ssk, usk = (PkSigning(s) for s in seeds)
        master_id = cross_signing_key_id(master)
        objects: dict[CrossSigningUsage, dict[str, Any]] = {}
        pairs: tuple[tuple[CrossSigningUsage, PkSigning], ...] = (
            ("self_signing", ssk),
            ("user_signing", usk),
        )
        for usage, key in pairs:
            objects[usage] = dict(
                sign_json(cross_signing_key(user_id, usage, key), user_id, master_id, master)
            )
        defect = draw(st.sampled_from(chosen_defects))
        defective: CrossSigningUsage | None = None
        if defect is not None:
            usages: tuple[CrossSigningUsage, ...] = ("self_signing", "user_signing")
            target = draw(st.sampled_from(usages))
            defective = target
            body = _unsigned(objects[target])
            if defect == "wrong_user":
                other = draw(user_ids().filter(lambda u: u != user_id))
                body["user_id"] = other
                objects[target] = dict(sign_json(body, other, master_id, master))
            elif defect == "missing_key":
                body["keys"] = {}
                objects[target] = dict(sign_json(body, user_id, master_id, master))
            elif defect == "non_canonical_json":
                text = _non_canonical(body)

                class _Signer:
                    def sign(self, message: bytes) -> Ed25519Signature:
                        return master.sign(text)

                objects[target] = dict(sign_json(body, user_id, master_id, _Signer()))
            else:
                bit = draw(st.integers(0, 511))
                objects[target] = _flip_signature(objects[target], user_id, master_id, bit)
        return CrossSigningBundle(
            user_id,
            dict(cross_signing_key(user_id, "master", master)),
            objects["self_signing"],
            objects["user_signing"],
            master.public_key,
            seeds,
            defect,
            defective,
        )

    return build()

"""Live interop of signed JSON: olmpy against python-olm (libolm) and vodozemac.

* Signatures olmpy makes (``sign_json`` with an ``Account`` or ``PkSigning``,
  device keys, one-time keys, cross-signing objects) verify with python-olm's
  ``olm.ed25519_verify`` and vodozemac's ``Ed25519PublicKey.verify_signature``
  over the canonical bytes of the spec's reference snippet.
* Device keys and one-time keys signed by python-olm's and vodozemac's
  ``Account.sign`` over olmpy's canonical bytes pass olmpy's checks.
* ``PkSigning`` equals python-olm's ``olm.PkSigning`` byte for byte.

Peer behaviour pinned here: python-olm's ``PkSigning`` silently accepts a seed
longer than 32 bytes and uses the first 32 (olmpy refuses it); its ``sign``
and ``public_key`` return base64 str where olmpy returns typed objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import olmpy
from olmpy.device_keys import (
    CrossSigning,
    device_keys,
    keys_upload_body,
    verify_device_keys,
    verify_device_signed_by_self_signing_key,
    verify_signed_by_master,
    verify_signed_keys,
    verify_user_signed_by_user_signing_key,
)
from olmpy.errors import SignatureError, UsageError
from olmpy.signed_json import PkSigning, canonical_json, sign_json, verify_json

USER = "@bot:example.org"
DEVICE = "BOTDEVICE"
FIXTURE_HEALTH = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def snippet_payload(obj: dict[str, Any]) -> bytes:
    """Signed bytes per the spec's reference snippet, without olmpy."""
    body = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def libolm_verify(obj: dict[str, Any], user: str, key_id: str, public_b64: str) -> None:
    olm.ed25519_verify(public_b64, snippet_payload(obj), obj["signatures"][user][key_id])


def vodozemac_verify(obj: dict[str, Any], user: str, key_id: str, public_b64: str) -> None:
    vodozemac.Ed25519PublicKey.from_base64(public_b64).verify_signature(
        snippet_payload(obj),
        vodozemac.Ed25519Signature.from_base64(obj["signatures"][user][key_id]),
    )


PEER_VERIFIERS: dict[str, Callable[[dict[str, Any], str, str, str], None]] = {
    "libolm": libolm_verify,
    "vodozemac": vodozemac_verify,
}


@pytest.mark.parametrize("peer", PEER_VERIFIERS)
def test_peer_verifiers_reject_tampering(backend: ModuleType, peer: str) -> None:
    # The peers' verifiers must be able to fail, or the checks below prove nothing.
    signer = PkSigning(bytes(range(32)))
    signed = sign_json({"a": 1}, USER, "ed25519:K", signer)
    with pytest.raises((olm.OlmVerifyError, vodozemac.SignatureException)):
        PEER_VERIFIERS[peer](dict(signed, a=2), USER, "ed25519:K", signer.public_key.to_base64())


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=10)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=15,
)


@pytest.mark.parametrize("peer", PEER_VERIFIERS)
@settings(FIXTURE_HEALTH, max_examples=60)
@given(body=st.dictionaries(text, values, max_size=5), seed=st.binary(min_size=32, max_size=32))
def test_olmpy_signatures_verify_in_peers(
    backend: ModuleType, peer: str, body: dict[str, Any], seed: bytes
) -> None:
    body = {k: v for k, v in body.items() if k not in ("signatures", "unsigned")}
    signer = PkSigning(seed)
    signed = sign_json(dict(body, unsigned={"x": 1}), USER, "ed25519:K", signer)
    assert canonical_json(body) == snippet_payload(signed)
    PEER_VERIFIERS[peer](signed, USER, "ed25519:K", signer.public_key.to_base64())


@pytest.mark.parametrize("peer", PEER_VERIFIERS)
def test_olmpy_device_and_one_time_keys_verify_in_peers(backend: ModuleType, peer: str) -> None:
    verify = PEER_VERIFIERS[peer]
    account = olmpy.Account()
    account.generate_one_time_keys(4)
    account.generate_fallback_key()
    body = keys_upload_body(account, USER, DEVICE)
    ed = account.ed25519_key.to_base64()
    verify(body["device_keys"], USER, f"ed25519:{DEVICE}", ed)
    for section in ("one_time_keys", "fallback_keys"):
        for obj in body[section].values():
            verify(obj, USER, f"ed25519:{DEVICE}", ed)


@pytest.mark.parametrize("peer", PEER_VERIFIERS)
def test_olmpy_cross_signing_verifies_in_peers(backend: ModuleType, peer: str) -> None:
    verify = PEER_VERIFIERS[peer]
    alice = CrossSigning.generate(USER)
    bob = CrossSigning.generate("@bob:example.org")
    up = alice.upload_body()
    master = alice.master.public_key.to_base64()
    for usage in ("self_signing", "user_signing"):
        verify(up[f"{usage}_key"], USER, f"ed25519:{master}", master)
    dk = alice.sign_device(device_keys(olmpy.Account(), USER, DEVICE))
    ssk = alice.self_signing.public_key.to_base64()
    verify(dk, USER, f"ed25519:{ssk}", ssk)
    bob_master = alice.sign_user(bob.master_key())
    usk = alice.user_signing.public_key.to_base64()
    verify(bob_master, USER, f"ed25519:{usk}", usk)


# --- peers sign, olmpy verifies -----------------------------------------------------------


class LibolmAccount:
    """python-olm's Account behind olmpy's DeviceAccount/OneTimeKeyAccount interface."""

    def __init__(self) -> None:
        self.inner = olm.Account()

    @property
    def ed25519_key(self) -> olmpy.Ed25519PublicKey:
        return olmpy.Ed25519PublicKey.from_base64(self.inner.identity_keys["ed25519"])

    @property
    def curve25519_key(self) -> olmpy.Curve25519PublicKey:
        return olmpy.Curve25519PublicKey.from_base64(self.inner.identity_keys["curve25519"])

    def sign(self, message: bytes) -> olmpy.Ed25519Signature:
        # python-olm takes str; canonical JSON is valid UTF-8, so this is the same bytes.
        return olmpy.Ed25519Signature.from_base64(self.inner.sign(message.decode("utf-8")))

    def generate(self, count: int) -> None:
        self.inner.generate_one_time_keys(count)
        self.inner.generate_fallback_key()

    @property
    def one_time_keys(self) -> dict[str, olmpy.Curve25519PublicKey]:
        return {
            k: olmpy.Curve25519PublicKey.from_base64(v)
            for k, v in self.inner.one_time_keys["curve25519"].items()
        }

    @property
    def fallback_key(self) -> dict[str, olmpy.Curve25519PublicKey]:
        return {
            k: olmpy.Curve25519PublicKey.from_base64(v)
            for k, v in self.inner.fallback_key["curve25519"].items()
        }


class VodozemacAccount:
    """vodozemac's Account behind the same interface."""

    def __init__(self) -> None:
        self.inner = vodozemac.Account()

    @property
    def ed25519_key(self) -> olmpy.Ed25519PublicKey:
        return olmpy.Ed25519PublicKey.from_base64(self.inner.ed25519_key.to_base64())

    @property
    def curve25519_key(self) -> olmpy.Curve25519PublicKey:
        return olmpy.Curve25519PublicKey.from_base64(self.inner.curve25519_key.to_base64())

    def sign(self, message: bytes) -> olmpy.Ed25519Signature:
        return olmpy.Ed25519Signature.from_base64(self.inner.sign(message).to_base64())

    def generate(self, count: int) -> None:
        self.inner.generate_one_time_keys(count)
        self.inner.generate_fallback_key()

    @property
    def one_time_keys(self) -> dict[str, olmpy.Curve25519PublicKey]:
        return {
            k: olmpy.Curve25519PublicKey.from_base64(v.to_base64())
            for k, v in self.inner.one_time_keys.items()
        }

    @property
    def fallback_key(self) -> dict[str, olmpy.Curve25519PublicKey]:
        return {
            k: olmpy.Curve25519PublicKey.from_base64(v.to_base64())
            for k, v in self.inner.fallback_key.items()
        }


PEER_ACCOUNTS: dict[str, type[LibolmAccount] | type[VodozemacAccount]] = {
    "libolm": LibolmAccount,
    "vodozemac": VodozemacAccount,
}


@pytest.mark.parametrize("peer", PEER_ACCOUNTS)
def test_peer_signed_device_keys_verify_in_olmpy(backend: ModuleType, peer: str) -> None:
    account = PEER_ACCOUNTS[peer]()
    account.generate(3)
    ed = account.ed25519_key
    # Each object is signed by the peer's own Account.sign over olmpy's canonical bytes.
    body = keys_upload_body(account, USER, DEVICE)
    device = verify_device_keys(body["device_keys"], USER, DEVICE, ed)
    assert device.curve25519 == account.curve25519_key
    otks = verify_signed_keys(body["one_time_keys"], USER, DEVICE, ed, fallback=False)
    assert len(otks) == 3
    assert set(otks.values()) == set(account.one_time_keys.values())
    fallback = verify_signed_keys(body["fallback_keys"], USER, DEVICE, ed, fallback=True)
    assert list(fallback.values()) == list(account.fallback_key.values())
    # And a device the self-signing key signed.
    alice = CrossSigning.generate(USER)
    signed = alice.sign_device(body["device_keys"])
    verify_device_signed_by_self_signing_key(signed, alice.self_signing_key(), DEVICE)
    # A peer signature over other bytes fails.
    bad = dict(body["device_keys"], algorithms=["m.megolm.v1.aes-sha2"])
    with pytest.raises(SignatureError):
        verify_device_keys(bad, USER, DEVICE)


def test_libolm_signature_of_handmade_object(backend: ModuleType) -> None:
    # python-olm signs a str directly: the object is written by hand in canonical form.
    account = olm.Account()
    ed = account.identity_keys["ed25519"]
    text = '{"one":1,"two":"Tw\u00f6","z":{"a":[true,null]}}'
    signed = json.loads(text)
    signed["signatures"] = {USER: {"ed25519:K": account.sign(text)}}
    verify_json(signed, USER, "ed25519:K", ed)


# --- PkSigning against olm.PkSigning ------------------------------------------------------


@settings(FIXTURE_HEALTH, max_examples=60)
@given(seed=st.binary(min_size=32, max_size=32), message=st.binary(max_size=200))
def test_pk_signing_equals_libolm(backend: ModuleType, seed: bytes, message: bytes) -> None:
    ours, theirs = PkSigning(seed), olm.PkSigning(seed)
    assert ours.public_key.to_base64() == theirs.public_key
    assert ours.sign(message).to_base64() == theirs.sign(message)
    vodozemac.Ed25519PublicKey.from_base64(theirs.public_key).verify_signature(
        message, vodozemac.Ed25519Signature.from_base64(ours.sign(message).to_base64())
    )


def test_pk_signing_seed_length_quirk(backend: ModuleType) -> None:
    seed = bytes(range(33))
    # libolm uses the first 32 bytes of a longer seed without complaint ...
    assert olm.PkSigning(seed).public_key == olm.PkSigning(seed[:32]).public_key
    with pytest.raises(olm.PkSigningError):
        olm.PkSigning(seed[:31])
    # ... olmpy refuses both.
    for bad in (seed, seed[:31]):
        with pytest.raises(UsageError, match="expected 32 bytes"):
            PkSigning(bad)


def test_libolm_cross_signing_objects_verify_in_olmpy(backend: ModuleType) -> None:
    # Cross-signing keys made entirely by python-olm (keys and signatures) and the
    # snippet's canonical JSON pass olmpy's link checks.
    signers = {u: olm.PkSigning(olm.PkSigning.generate_seed()) for u in ("m", "s", "u")}
    pub = {u: s.public_key for u, s in signers.items()}

    def key_obj(user: str, usage: str, name: str) -> dict[str, Any]:
        return {"user_id": user, "usage": [usage], "keys": {f"ed25519:{pub[name]}": pub[name]}}

    def signed(obj: dict[str, Any], user: str, name: str) -> dict[str, Any]:
        sig = signers[name].sign(snippet_payload(obj))
        return dict(obj, signatures={user: {f"ed25519:{pub[name]}": sig}})

    master = key_obj(USER, "master", "m")
    ssk = signed(key_obj(USER, "self_signing", "s"), USER, "m")
    usk = signed(key_obj(USER, "user_signing", "u"), USER, "m")
    assert verify_signed_by_master(ssk, "self_signing", master).to_base64() == pub["s"]
    assert verify_signed_by_master(usk, "user_signing", master).to_base64() == pub["u"]
    bob = CrossSigning.generate("@bob:example.org")
    bob_master = signed(bob.master_key(), USER, "u")
    assert verify_user_signed_by_user_signing_key(bob_master, usk) == bob.master.public_key

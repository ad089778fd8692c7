"""Device keys, signed one-time/fallback keys and cross-signing objects.

Shapes follow the Matrix client-server API (DeviceKeys, KeyObject and
CrossSigningKey definitions).  The cross-signing objects for fixed seeds are
checked against vectors made by python-olm's ``PkSigning``
(vectors/signed_json.json); every signature is also checked here with PyNaCl,
independently of olmpy's verifier, over the spec's reference canonical JSON.
Every test runs on both backends.
"""

from __future__ import annotations

import base64
import copy
import json
from types import ModuleType
from typing import Any

import pytest
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from vectors_loader import load, unhex

import olmpy
from olmpy.device_keys import (
    DEFAULT_ALGORITHMS,
    CrossSigning,
    KeyObjectError,
    VerifiedDevice,
    cross_signing_key,
    cross_signing_key_id,
    device_keys,
    keys_upload_body,
    sign_master_key_with_device,
    signed_fallback_keys,
    signed_one_time_keys,
    verify_cross_signing_key,
    verify_device_keys,
    verify_device_signed_by_self_signing_key,
    verify_signed_by_master,
    verify_signed_key,
    verify_signed_keys,
    verify_user_signed_by_user_signing_key,
)
from olmpy.errors import Base64Error, DecodeError, KeyDecodeError, SignatureError, UsageError
from olmpy.signed_json import MissingSignatureError, PkSigning, verify_json

USER = "@alice:example.org"
DEVICE = "JLAFKJWSCS"
VECTORS = load("signed_json.json")


def b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def nacl_verify(obj: dict[str, Any], user: str, key_id: str, public_b64: str) -> None:
    """Independent check: PyNaCl over the spec snippet's canonical JSON."""
    body = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    message = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    signature = b64decode(obj["signatures"][user][key_id])
    VerifyKey(b64decode(public_b64)).verify(message.encode("utf-8"), signature)


@pytest.fixture
def account(backend: ModuleType) -> olmpy.Account:
    acc = olmpy.Account()
    acc.generate_one_time_keys(3)
    acc.generate_fallback_key()
    return acc


# --- device keys ------------------------------------------------------------------------


def test_device_keys_shape_and_signature(account: olmpy.Account) -> None:
    dk = device_keys(account, USER, DEVICE)
    ed = account.ed25519_key.to_base64()
    assert dk == {
        "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
        "device_id": DEVICE,
        "keys": {
            f"curve25519:{DEVICE}": account.curve25519_key.to_base64(),
            f"ed25519:{DEVICE}": ed,
        },
        "user_id": USER,
        "signatures": {USER: {f"ed25519:{DEVICE}": dk["signatures"][USER][f"ed25519:{DEVICE}"]}},
    }
    nacl_verify(dk, USER, f"ed25519:{DEVICE}", ed)
    verified = verify_device_keys(dk, USER, DEVICE, account.ed25519_key)
    assert verified == VerifiedDevice(
        USER, DEVICE, account.ed25519_key, account.curve25519_key, DEFAULT_ALGORITHMS
    )
    assert verify_device_keys(dk, USER, DEVICE, ed25519_key=ed) == verified


def test_device_keys_custom_algorithms(account: olmpy.Account) -> None:
    dk = device_keys(account, USER, DEVICE, ["m.megolm.v1.aes-sha2"])
    assert verify_device_keys(dk, USER, DEVICE).algorithms == ("m.megolm.v1.aes-sha2",)
    with pytest.raises(UsageError, match="algorithm"):
        device_keys(account, USER, DEVICE, [5])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="device id"):
        device_keys(account, USER, "")


def _edit(obj: dict[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    target = out
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "error", "message"),
    [
        (("user_id",), _DELETE, KeyObjectError, 'a "user_id" member'),
        (("user_id",), 5, KeyObjectError, '"user_id" expected str, got int'),
        (("device_id",), "OTHER", KeyObjectError, "device_id expected 'JLAFKJWSCS', got 'OTHER'"),
        (("algorithms",), "m.olm", KeyObjectError, '"algorithms" expected list'),
        (("algorithms",), [1], KeyObjectError, "algorithms expected strings"),
        (("keys",), [], KeyObjectError, '"keys" expected dict'),
        (("keys", f"curve25519:{DEVICE}"), _DELETE, KeyObjectError, "curve25519:JLAFKJWSCS"),
        (("keys", f"ed25519:{DEVICE}"), 7, KeyObjectError, "expected a base64 str"),
        (("keys", f"ed25519:{DEVICE}"), "AAAA", KeyDecodeError, "32 bytes"),
        (("keys", f"curve25519:{DEVICE}"), "*" * 43, Base64Error, "Curve25519 public key"),
        (("keys", f"curve25519:{DEVICE}"), "A" * 43, SignatureError, "invalid"),
        (("algorithms",), ["m.olm.v1.curve25519-aes-sha2"], SignatureError, "invalid"),
        (("extra",), True, SignatureError, "invalid"),
        (("signatures",), _DELETE, MissingSignatureError, "signatures object"),
        (("signatures", USER, f"ed25519:{DEVICE}"), _DELETE, MissingSignatureError, "entry"),
    ],
)
def test_verify_device_keys_rejects(
    account: olmpy.Account, path: tuple[str, ...], value: object, error: type, message: str
) -> None:
    dk = _edit(device_keys(account, USER, DEVICE), path, value)
    with pytest.raises(error, match=message.replace("(", r"\(")) as info:
        verify_device_keys(dk, USER, DEVICE)
    assert isinstance(info.value, (DecodeError, SignatureError))


def test_verify_device_keys_expectations(account: olmpy.Account) -> None:
    dk = device_keys(account, USER, DEVICE)
    with pytest.raises(KeyObjectError, match="ed25519:JLAFKJWSCS expected"):
        verify_device_keys(dk, USER, DEVICE, ed25519_key=olmpy.Account().ed25519_key)
    with pytest.raises(KeyObjectError, match="JSON object"):
        verify_device_keys([dk], USER, DEVICE)
    # Another device's keys swapped in, with its own valid self-signature, still fail
    # against the key the caller expects.
    other = device_keys(olmpy.Account(), USER, DEVICE)
    verify_device_keys(other, USER, DEVICE)
    with pytest.raises(KeyObjectError):
        verify_device_keys(other, USER, DEVICE, ed25519_key=account.ed25519_key)


def test_verify_device_keys_refuses_another_user(account: olmpy.Account) -> None:
    """A validly self-signed device of another user, listed under the user asked about
    (what a lying server would do), is refused."""
    mallory = device_keys(olmpy.Account(), "@mallory:evil.example", DEVICE)
    with pytest.raises(KeyObjectError, match=r"user_id expected '@alice:example\.org', got "
                       r"'@mallory:evil\.example'"):
        verify_device_keys(mallory, USER, DEVICE)
    with pytest.raises(KeyObjectError, match="user_id expected '@bob:x'"):
        verify_device_keys(device_keys(account, USER, DEVICE), user_id="@bob:x",
                           device_id=DEVICE)


def test_verify_device_keys_refuses_another_device(account: olmpy.Account) -> None:
    """A validly self-signed device of the right user but another device id is refused."""
    other = device_keys(olmpy.Account(), USER, "OTHERDEVICE")
    with pytest.raises(KeyObjectError, match="device_id expected 'JLAFKJWSCS', got "
                       "'OTHERDEVICE'"):
        verify_device_keys(other, USER, DEVICE)
    with pytest.raises(KeyObjectError, match="device_id expected 'OTHER'"):
        verify_device_keys(device_keys(account, USER, DEVICE), user_id=USER, device_id="OTHER")


def test_verify_device_keys_expectations_cannot_be_skipped(account: olmpy.Account) -> None:
    """Leaving out the expected user or device id (or passing None) is a UsageError that
    names the missing argument; before, every expectation was optional and the object's
    own ids were accepted."""
    dk = device_keys(account, USER, DEVICE)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("user_id", {}),
        ("device_id", {"user_id": USER}),
        ("user_id", {"device_id": DEVICE}),
        ("user_id", {"user_id": None, "device_id": DEVICE}),
        ("device_id", {"user_id": USER, "device_id": None}),
        ("user_id", {"ed25519_key": account.ed25519_key}),
    ]
    for missing, kwargs in calls:
        with pytest.raises(UsageError, match=f"^{missing}: expected the .* you asked") as info:
            verify_device_keys(dk, **kwargs)
        assert "cannot be skipped" in str(info.value)
    with pytest.raises(UsageError, match="device_id: expected a non-empty str, got int"):
        verify_device_keys(dk, USER, 5)  # type: ignore[arg-type]
    up = CrossSigning.generate(USER)
    with pytest.raises(UsageError, match=r"^device_id: expected"):
        verify_device_signed_by_self_signing_key(  # type: ignore[call-arg]
            up.sign_device(dk), up.self_signing_key()
        )


def test_self_signature_must_be_by_the_listed_key(account: olmpy.Account) -> None:
    # Keys of one account, signature of another: the self-signature does not verify.
    dk = device_keys(account, USER, DEVICE)
    forged = device_keys(olmpy.Account(), USER, DEVICE)
    forged["keys"] = dk["keys"]
    with pytest.raises(SignatureError, match="invalid"):
        verify_device_keys(forged, USER, DEVICE)


# --- one-time and fallback keys ---------------------------------------------------------


def test_signed_one_time_keys(account: olmpy.Account) -> None:
    otks = signed_one_time_keys(account, USER, DEVICE)
    assert len(otks) == 3
    ed = account.ed25519_key.to_base64()
    for key_id, public in account.one_time_keys.items():
        obj = otks[f"signed_curve25519:{key_id}"]
        assert set(obj) == {"key", "signatures"}
        assert obj["key"] == public.to_base64()
        nacl_verify(obj, USER, f"ed25519:{DEVICE}", ed)
    assert verify_signed_keys(otks, USER, DEVICE, ed, fallback=False) == {
        f"signed_curve25519:{k}": v for k, v in account.one_time_keys.items()
    }


def test_signed_fallback_key(account: olmpy.Account) -> None:
    fb = signed_fallback_keys(account, USER, DEVICE)
    ((key_id, obj),) = fb.items()
    ((raw_id, public),) = account.fallback_key.items()
    assert key_id == f"signed_curve25519:{raw_id}"
    assert obj["key"] == public.to_base64() and obj["fallback"] is True
    # "fallback" is inside the signed part.
    nacl_verify(obj, USER, f"ed25519:{DEVICE}", account.ed25519_key.to_base64())
    assert verify_signed_key(key_id, obj, USER, DEVICE, account.ed25519_key) == public
    unmarked = {k: v for k, v in obj.items() if k != "fallback"}
    with pytest.raises(SignatureError, match="invalid"):
        verify_signed_key(key_id, unmarked, USER, DEVICE, account.ed25519_key)
    with pytest.raises(KeyObjectError, match='"fallback" expected False, got True'):
        verify_signed_key(key_id, obj, USER, DEVICE, account.ed25519_key, fallback=False)
    otk_id, otk = next(iter(signed_one_time_keys(account, USER, DEVICE).items()))
    with pytest.raises(KeyObjectError, match='"fallback" expected True, got False'):
        verify_signed_key(otk_id, otk, USER, DEVICE, account.ed25519_key, fallback=True)


@pytest.mark.parametrize(
    ("key_id", "change", "error", "message"),
    [
        ("curve25519:AAAAAQ", {}, KeyObjectError, "signed_curve25519:<id>"),
        ("signed_curve25519:", {}, KeyObjectError, "signed_curve25519:<id>"),
        (None, {"key": _DELETE}, KeyObjectError, '"key" member'),
        (None, {"key": 5}, KeyObjectError, '"key" expected str'),
        (None, {"fallback": "yes"}, KeyObjectError, '"fallback" expected a bool'),
        (None, {"key": "A" * 43}, SignatureError, "invalid"),
        (None, {"signatures": _DELETE}, MissingSignatureError, "signatures object"),
    ],
)
def test_verify_signed_key_rejects(
    account: olmpy.Account, key_id: str | None, change: dict[str, Any], error: type, message: str
) -> None:
    real_id, obj = next(iter(signed_one_time_keys(account, USER, DEVICE).items()))
    for name, value in change.items():
        obj = _edit(obj, (name,), value)
    with pytest.raises(error, match=message):
        verify_signed_key(key_id or real_id, obj, USER, DEVICE, account.ed25519_key)


def test_one_time_keys_of_another_device_fail(account: olmpy.Account) -> None:
    otks = signed_one_time_keys(account, USER, DEVICE)
    with pytest.raises(MissingSignatureError, match="ed25519:OTHER"):
        verify_signed_keys(otks, USER, "OTHER", account.ed25519_key)
    with pytest.raises(SignatureError, match="invalid"):
        verify_signed_keys(otks, USER, DEVICE, olmpy.Account().ed25519_key)


def test_keys_upload_body(account: olmpy.Account) -> None:
    body = keys_upload_body(account, USER, DEVICE)
    assert set(body) == {"device_keys", "one_time_keys", "fallback_keys"}
    device = verify_device_keys(body["device_keys"], USER, DEVICE)
    assert len(verify_signed_keys(body["one_time_keys"], USER, DEVICE, device.ed25519)) == 3
    assert len(verify_signed_keys(body["fallback_keys"], USER, DEVICE, device.ed25519)) == 1
    account.mark_keys_as_published()
    assert keys_upload_body(account, USER, DEVICE, include_device_keys=False) == {}
    account.generate_one_time_keys(1)
    assert set(keys_upload_body(account, USER, DEVICE, include_device_keys=False)) == {
        "one_time_keys"
    }


# --- cross-signing ----------------------------------------------------------------------


def test_cross_signing_matches_python_olm_vectors(backend: ModuleType) -> None:
    vec = VECTORS["cross_signing"]
    seeds = {k: unhex(v) for k, v in vec["seeds"].items()}
    cs = CrossSigning.from_seeds(
        vec["user_id"], seeds["master"], seeds["self_signing"], seeds["user_signing"]
    )
    assert cs.upload_body() == vec["upload_body"]
    for usage in ("master", "self_signing", "user_signing"):
        assert getattr(cs, usage).public_key.to_base64() == vec["public_keys"][usage]
    body = vec["upload_body"]
    master = body["master_key"]
    for usage in ("self_signing", "user_signing"):
        public = verify_signed_by_master(body[f"{usage}_key"], usage, master)
        assert public.to_base64() == vec["public_keys"][usage]


def test_cross_signing_chain(account: olmpy.Account) -> None:
    alice = CrossSigning.generate(USER)
    bob = CrossSigning.generate("@bob:example.org")
    up = alice.upload_body()
    master_pub = alice.master.public_key.to_base64()
    assert up["master_key"] == {
        "keys": {f"ed25519:{master_pub}": master_pub},
        "usage": ["master"],
        "user_id": USER,
    }
    # master -> self-signing, master -> user-signing
    for usage in ("self_signing", "user_signing"):
        obj = up[f"{usage}_key"]
        nacl_verify(obj, USER, f"ed25519:{master_pub}", master_pub)
        verify_signed_by_master(obj, usage, up["master_key"])
    # self-signing -> own device
    dk = device_keys(account, USER, DEVICE)
    signed_dk = alice.sign_device(dk)
    ssk_pub = alice.self_signing.public_key.to_base64()
    nacl_verify(signed_dk, USER, f"ed25519:{ssk_pub}", ssk_pub)
    verify_device_keys(signed_dk, USER, DEVICE)  # the self-signature is kept
    verified = verify_device_signed_by_self_signing_key(
        signed_dk, up["self_signing_key"], DEVICE
    )
    assert verified.ed25519 == account.ed25519_key
    # user-signing -> another user's master key
    bob_master = alice.sign_user(bob.master_key())
    usk_pub = alice.user_signing.public_key.to_base64()
    nacl_verify(bob_master, USER, f"ed25519:{usk_pub}", usk_pub)
    assert (
        verify_user_signed_by_user_signing_key(bob_master, up["user_signing_key"])
        == bob.master.public_key
    )
    # a device signs its user's master key
    signed_master = sign_master_key_with_device(up["master_key"], account, USER, DEVICE)
    verify_json(signed_master, USER, f"ed25519:{DEVICE}", account.ed25519_key)


def test_cross_signing_links_fail_when_broken(account: olmpy.Account) -> None:
    alice = CrossSigning.generate(USER)
    mallory = CrossSigning.generate(USER)
    bob = CrossSigning.generate("@bob:example.org")
    up = alice.upload_body()
    # Subkeys signed by another master.
    with pytest.raises(MissingSignatureError):
        verify_signed_by_master(mallory.self_signing_key(), "self_signing", up["master_key"])
    forged = mallory.self_signing_key()
    forged["signatures"] = {USER: {cross_signing_key_id(alice.master): "A" * 86}}
    with pytest.raises(SignatureError, match="invalid"):
        verify_signed_by_master(forged, "self_signing", up["master_key"])
    # Usage mix-ups.
    with pytest.raises(KeyObjectError, match="usage expected a list with 'user_signing'"):
        verify_signed_by_master(up["self_signing_key"], "user_signing", up["master_key"])
    with pytest.raises(UsageError):
        verify_signed_by_master(up["self_signing_key"], "master", up["master_key"])
    # Subkey of another user.
    with pytest.raises(KeyObjectError, match="user_id expected"):
        verify_signed_by_master(bob.self_signing_key(), "self_signing", up["master_key"])
    # Device not signed by the self-signing key, or by another one.
    dk = device_keys(account, USER, DEVICE)
    with pytest.raises(MissingSignatureError):
        verify_device_signed_by_self_signing_key(dk, up["self_signing_key"], DEVICE)
    with pytest.raises(MissingSignatureError):
        verify_device_signed_by_self_signing_key(
            mallory.sign_device(dk), up["self_signing_key"], DEVICE
        )
    # A device of another user.
    with pytest.raises(KeyObjectError, match="user_id"):
        verify_device_signed_by_self_signing_key(
            bob.sign_device(device_keys(account, "@bob:example.org", DEVICE)),
            up["self_signing_key"],
            DEVICE,
        )
    # The user's own device, signed by the self-signing key, but not the one asked about.
    other = alice.sign_device(device_keys(olmpy.Account(), USER, "OTHERDEVICE"))
    verify_device_signed_by_self_signing_key(other, up["self_signing_key"], "OTHERDEVICE")
    with pytest.raises(KeyObjectError, match="device_id expected 'JLAFKJWSCS'"):
        verify_device_signed_by_self_signing_key(other, up["self_signing_key"], DEVICE)
    with pytest.raises(UsageError, match="user_id"):
        alice.sign_device(device_keys(account, "@bob:example.org", DEVICE))
    # Tampered master key after the user-signing signature.
    bob_master = alice.sign_user(bob.master_key())
    bob_master["keys"] = mallory.master_key()["keys"]
    with pytest.raises(SignatureError, match="invalid"):
        verify_user_signed_by_user_signing_key(bob_master, up["user_signing_key"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"keys": {}}, "exactly one key"),
        ({"keys": {"ed25519:a": "a", "ed25519:b": "b"}}, "exactly one key"),
        ({"usage": "master"}, '"usage" expected list'),
        ({"usage": ["self_signing"]}, "usage expected a list with 'master'"),
        ({"user_id": None}, '"user_id" expected str'),
        ({"keys": {"ed25519:WRONG": None}}, "expected a base64 str"),
    ],
)
def test_verify_cross_signing_key_rejects(
    backend: ModuleType, change: dict[str, Any], message: str
) -> None:
    obj = dict(CrossSigning.generate(USER).master_key(), **change)
    with pytest.raises(KeyObjectError, match=message):
        verify_cross_signing_key(obj, "master")


def test_cross_signing_key_id_must_match_value(backend: ModuleType) -> None:
    a, b = PkSigning.generate(), PkSigning.generate()
    obj = cross_signing_key(USER, "master", a)
    obj["keys"] = {cross_signing_key_id(b): a.public_key.to_base64()}
    with pytest.raises(KeyObjectError, match="key id expected"):
        verify_cross_signing_key(obj, "master")
    assert verify_cross_signing_key(cross_signing_key(USER, "master", a), "master", USER) == (
        USER,
        a.public_key,
    )
    with pytest.raises(UsageError, match="cross-signing usage"):
        cross_signing_key(USER, "device", a)


def test_cross_signing_repr_hides_seeds(backend: ModuleType) -> None:
    cs = CrossSigning.generate(USER)
    text = repr(cs)
    for key in (cs.master, cs.self_signing, cs.user_signing):
        assert key.seed.hex() not in text
        assert base64.b64encode(key.seed).decode().rstrip("=") not in text
    assert cross_signing_key_id(cs.master) in text
    with pytest.raises(UsageError, match="PkSigning"):
        CrossSigning(USER, cs.master, cs.self_signing, b"seed")  # type: ignore[arg-type]


def test_nacl_helper_can_fail(account: olmpy.Account) -> None:
    # Guard for the independent checker itself.
    dk = device_keys(account, USER, DEVICE)
    dk["device_id"] = "X"
    with pytest.raises(BadSignatureError):
        nacl_verify(dk, USER, f"ed25519:{DEVICE}", account.ed25519_key.to_base64())


def test_argument_types_are_usage_errors(account: olmpy.Account) -> None:
    """Wrong argument types are UsageErrors naming what was expected, never an
    AttributeError or TypeError; a str of algorithms is not split into characters."""
    for algorithms in ("m.olm.v1.curve25519-aes-sha2", 5, None):
        with pytest.raises(UsageError, match="algorithms: expected an iterable of str"):
            device_keys(account, USER, DEVICE, algorithms)  # type: ignore[arg-type]
    dk = device_keys(account, USER, DEVICE)
    for wrong in (account.ed25519_key.to_bytes(), 5):
        with pytest.raises(UsageError, match="ed25519_key: expected Ed25519PublicKey or base64"):
            verify_device_keys(dk, USER, DEVICE, ed25519_key=wrong)  # type: ignore[arg-type]
    for key in ("x", account.ed25519_key.to_base64(), None):
        with pytest.raises(UsageError, match="cross-signing key: expected"):
            cross_signing_key_id(key)  # type: ignore[arg-type]
        with pytest.raises(UsageError, match="cross-signing key: expected"):
            cross_signing_key(USER, "master", key)  # type: ignore[arg-type]
    cs = CrossSigning.generate(USER)
    with pytest.raises(UsageError, match="device id"):
        sign_master_key_with_device(cs.master_key(), account, USER, 5)  # type: ignore[arg-type]
    otk = signed_one_time_keys(account, USER, DEVICE)
    key_id, obj = next(iter(otk.items()))
    with pytest.raises(UsageError, match="fallback: expected True, False or None"):
        verify_signed_key(key_id, obj, USER, DEVICE, account.ed25519_key,
                          fallback="no")  # type: ignore[arg-type]


def test_objects_with_non_str_keys_are_key_object_errors(account: olmpy.Account) -> None:
    """Hand-built dicts whose keys mix types are refused with KeyObjectError (the message
    lists the keys), not a TypeError from sorting them."""
    dk = device_keys(account, USER, DEVICE)
    bad_keys = {**dk, "keys": {1: "x", "curve25519:OTHER": "y"}}
    with pytest.raises(KeyObjectError, match=r"\['curve25519:OTHER', 1\]"):
        verify_device_keys(bad_keys, USER, DEVICE)
    no_user = {k: v for k, v in dk.items() if k != "user_id"} | {1: 2}
    with pytest.raises(KeyObjectError, match="user_id"):
        verify_device_keys(no_user, USER, DEVICE)
    public = account.ed25519_key.to_base64()
    for keys in ({1: public}, {b"ed25519:" + public.encode(): public}):
        obj = {"user_id": USER, "usage": ["master"], "keys": keys}
        with pytest.raises(KeyObjectError, match="key id expected"):
            verify_cross_signing_key(obj, "master")

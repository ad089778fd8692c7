"""Dehydrated devices (MSC3814, vodozemac's format; SPEC.md section 14).

No peer can make or read one here (vodozemac's Python binding does not expose dehydration),
so ground truth is: the recorded vectors (built without olmpy from the layout in vodozemac's
source), an independent decode of olmpy's output with OpenSSL, and live python-olm and
vodozemac peers whose pre-key messages the rehydrated account must decrypt."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl import bindings

import olmpy
from olmpy.errors import OlmpyError, PickleError, UsageError
from olmpy.pickle import _dehydrated as dehydrated

KEY = bytes(range(32))
VECTORS = json.loads(
    (Path(__file__).parent.parent / "vectors" / "dehydrated_device.json").read_text()
)


def _b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_vectors_rehydrate(backend: ModuleType, case: dict[str, Any]) -> None:
    """Each recorded device rehydrates to the keys libsodium derived from its secrets."""
    key = bytes.fromhex(case["key_hex"])
    account = olmpy.Account.from_dehydrated_device(case["device_pickle"], case["nonce"], key)
    want = case["expected"]
    assert account.identity_keys == {"curve25519": want["curve25519"], "ed25519": want["ed25519"]}
    assert account.one_time_keys == {} and account.fallback_key == {}  # all published
    publics = [k.public for k in sorted(account._one_time.values(), key=lambda k: k.id)]
    assert [_b64(p) for p in publics] == want["one_time_keys"]
    assert sorted(account._one_time) == list(range(len(want["one_time_keys"])))
    fallback = account._fallback
    assert (None if fallback is None else _b64(fallback.public)) == want["fallback_key"]
    if fallback is not None:
        assert fallback.id == 0
    # Dehydrating again gives the same plaintext record under a fresh nonce.
    again = account.to_dehydrated_device(key)
    assert again.nonce != case["nonce"]
    plain = ChaCha20Poly1305(key).decrypt(_b64d(again.nonce), _b64d(again.ciphertext), None)
    assert plain.hex() == case["plaintext_hex"]


def test_output_decodes_independently(backend: ModuleType) -> None:
    """olmpy's record, opened with OpenSSL and parsed by hand, holds this account's secrets."""
    account = olmpy.Account()
    account.generate_one_time_keys(5)
    account.generate_fallback_key()
    account.generate_fallback_key()  # only the current fallback key is stored
    device = account.to_dehydrated_device(KEY)
    assert device.device_data() == {
        "algorithm": "org.matrix.msc3814.v2",
        "device_pickle": device.ciphertext,
        "nonce": device.nonce,
    }
    nonce = _b64d(device.nonce)
    assert len(nonce) == 12 and "=" not in device.ciphertext + device.nonce
    raw = ChaCha20Poly1305(KEY).decrypt(nonce, _b64d(device.ciphertext), None)
    assert struct.unpack(">I", raw[:4])[0] == 1
    curve, seed = raw[4:36], raw[36:68]
    assert _b64(bindings.crypto_scalarmult_base(curve)) == account.curve25519_key.to_base64()
    assert _b64(bindings.crypto_sign_seed_keypair(seed)[0]) == account.ed25519_key.to_base64()
    (count,) = struct.unpack(">I", raw[68:72])
    assert count == 5
    otks = [raw[72 + 32 * i : 104 + 32 * i] for i in range(count)]
    published = [k.to_base64() for k in account.one_time_keys.values()]
    assert [_b64(bindings.crypto_scalarmult_base(s)) for s in otks] == published
    rest = raw[72 + 32 * count :]
    assert rest[0] == 1 and len(rest) == 33
    fallback = next(iter(account.fallback_key.values())).to_base64()
    assert _b64(bindings.crypto_scalarmult_base(rest[1:])) == fallback


def test_rehydrated_device_decrypts_peer_pre_key_messages(backend: ModuleType) -> None:
    """python-olm and vodozemac open sessions to a one-time key and to the fallback key of
    the device before it was dehydrated; the rehydrated account decrypts them all."""
    device = olmpy.Account()
    device.generate_one_time_keys(3)
    device.generate_fallback_key()
    identity = device.curve25519_key.to_base64()
    otks = [k.to_base64() for k in device.one_time_keys.values()]
    fallback = next(iter(device.fallback_key.values())).to_base64()
    device.mark_keys_as_published()
    pickled = device.to_dehydrated_device(KEY)

    libolm_sender, vodo_sender = olm.Account(), vodozemac.Account()
    wires = []
    for target in (otks[0], fallback):
        s = olm.OutboundSession(libolm_sender, identity, target)
        m = s.encrypt(f"libolm to {target}")
        wires.append((libolm_sender.identity_keys["curve25519"], m.ciphertext, target))
    for target in (otks[2], fallback):
        v = vodo_sender.create_outbound_session(
            vodozemac.Curve25519PublicKey.from_base64(identity),
            vodozemac.Curve25519PublicKey.from_base64(target),
        )
        m = v.encrypt(f"vodozemac to {target}".encode())
        wires.append(
            (vodo_sender.curve25519_key.to_base64(), base64.b64encode(m.to_parts()[1]).decode(),
             target)
        )
    rehydrated = olmpy.Account.from_dehydrated_device(pickled.ciphertext, pickled.nonce, KEY)
    for sender, body, target in wires:
        who = "libolm" if sender == libolm_sender.identity_keys["curve25519"] else "vodozemac"
        _, plaintext = rehydrated.create_inbound_session(
            sender, olmpy.AnyOlmMessage.from_parts(0, body.rstrip("="))
        )
        assert plaintext == f"{who} to {target}".encode()
    # The used one-time keys are gone, the fallback key stays.
    assert len(rehydrated._one_time) == 1 and rehydrated._fallback is not None


def test_more_than_100_one_time_keys_keep_the_newest(backend: ModuleType) -> None:
    contents = dehydrated.Contents(
        bytes([1]) * 32, bytes([2]) * 32, [bytes([i]) * 32 for i in range(120)], None
    )
    device = dehydrated.seal(contents, KEY)
    account = olmpy.Account.from_dehydrated_device(device.ciphertext, device.nonce, KEY)
    assert sorted(account._one_time) == list(range(20, 120))
    assert account._next_id == 120


def _raw_device(raw: bytes, nonce: bytes = bytes(12)) -> tuple[str, str]:
    return _b64(ChaCha20Poly1305(KEY).encrypt(nonce, raw, None)), _b64(nonce)


GOOD = b"\x00\x00\x00\x01" + bytes(64) + b"\x00\x00\x00\x01" + bytes(32) + b"\x00"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x00\x00\x02" + GOOD[4:], "version"),
        (GOOD + b"\x00", "trailing"),
        (GOOD[:-1], "expected 1 more bytes"),
        (GOOD[:-1] + b"\x02", "flag"),
        (GOOD[:68] + b"\x00\x00\x00\x09" + GOOD[72:], "at most"),
        (b"", "more bytes"),
    ],
)
def test_bad_records_are_pickle_errors(backend: ModuleType, raw: bytes, message: str) -> None:
    ciphertext, nonce = _raw_device(raw)
    with pytest.raises(PickleError, match=message):
        olmpy.Account.from_dehydrated_device(ciphertext, nonce, KEY)


def test_bad_envelopes(backend: ModuleType) -> None:
    device = olmpy.Account().to_dehydrated_device(KEY)
    with pytest.raises(PickleError, match="tag"):
        olmpy.Account.from_dehydrated_device(device.ciphertext, device.nonce, bytes(32))
    flipped = bytearray(_b64d(device.ciphertext))
    flipped[10] ^= 1
    with pytest.raises(PickleError, match="tag"):
        olmpy.Account.from_dehydrated_device(_b64(bytes(flipped)), device.nonce, KEY)
    with pytest.raises(PickleError, match="12 bytes"):
        olmpy.Account.from_dehydrated_device(device.ciphertext, _b64(bytes(16)), KEY)
    with pytest.raises(PickleError, match="base64"):
        olmpy.Account.from_dehydrated_device("not base64!", device.nonce, KEY)
    with pytest.raises(UsageError, match="32 bytes"):
        olmpy.Account.from_dehydrated_device(device.ciphertext, device.nonce, b"short")
    with pytest.raises(UsageError, match="32 bytes"):
        olmpy.Account().to_dehydrated_device(bytes(31))


def test_account_from_libolm_cannot_be_dehydrated(backend: ModuleType) -> None:
    """libolm pickles hold only the expanded Ed25519 key, which this format cannot store."""
    theirs = olm.Account()
    mine = olmpy.Account.from_libolm_pickle(theirs.pickle("k").decode(), "k")
    with pytest.raises(UsageError, match="seed"):
        mine.to_dehydrated_device(KEY)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_mutated_records_never_crash(data: st.DataObject) -> None:
    """Any authenticated record either loads or is a PickleError: never another error."""
    raw = bytearray(GOOD)
    for _ in range(data.draw(st.integers(0, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "add"]))
        if op == "flip" and raw:
            i = data.draw(st.integers(0, len(raw) - 1))
            raw[i] ^= data.draw(st.integers(1, 255))
        elif op == "cut" and raw:
            del raw[data.draw(st.integers(0, len(raw) - 1)) :]
        else:
            raw += data.draw(st.binary(min_size=1, max_size=40))
    ciphertext, nonce = _raw_device(bytes(raw))
    try:
        olmpy.Account.from_dehydrated_device(ciphertext, nonce, KEY)
    except OlmpyError as e:
        assert isinstance(e, PickleError), repr(e)


def test_contents_repr_hides_the_secrets() -> None:
    """The record's NamedTuple holds secrets; neither repr nor str shows them."""
    contents = dehydrated.Contents(
        b"\x11" * 32, b"\x22" * 32, [b"\x33" * 32, b"\x44" * 32], b"\x55" * 32
    )
    for text in (repr(contents), str(contents), f"{contents}", repr([contents])):
        for secret in (b"\x11", b"\x22", b"\x33", b"\x44", b"\x55"):
            assert repr(secret * 2)[2:-1] not in text and (secret * 2).hex() not in text, text
        assert "one_time_keys=2" in text and "fallback_key=one" in text
    assert contents.ed25519_seed == b"\x22" * 32  # still a tuple of the values

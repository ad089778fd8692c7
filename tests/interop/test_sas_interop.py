"""Live SAS interoperability: olmpy against libolm (python-olm) and vodozemac.

A full m.sas.v1 exchange is played between every pair with olmpy on at least one side
(olmpy starting and olmpy accepting), plus the two peers between themselves as an
anchor, for every MAC method both sides implement:

* libolm: hkdf-hmac-sha256.v2 (``calculate_mac_fixed_base64``), hkdf-hmac-sha256
  (``calculate_mac``, broken base64) and hmac-sha256 (``calculate_mac_long_kdf``).
* vodozemac: hkdf-hmac-sha256.v2 (``calculate_mac``) and hkdf-hmac-sha256
  (``calculate_mac_invalid_base64``).  vodozemac has no hmac-sha256 (long KDF)
  method, so that one is exercised against libolm only.

The peers have no helpers for the spec's strings, so their side builds the info
strings, key-id list and commitment with plain f-strings, ``json`` and ``hashlib``
straight from the spec's wording; olmpy's side uses olmpy.sas.  Each side checks
the other's commitment, both show the same 7 emoji and 3 numbers, and each accepts
the other's MACs of its Ed25519 key and key-id list (and rejects a tampered one).

Peer differences pinned here: libolm accepts an all-zero public key (and so an
all-zero shared secret), text that is not base64, and keys longer than 43
characters (it uses the first 32 decoded bytes); olmpy and vodozemac reject all
three.  olmpy accepts exactly the key strings vodozemac
accepts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import olmpy
from olmpy import sas as osas
from olmpy.errors import Base64Error, KeyDecodeError, MacError, OlmpyError

V2, V1, LONG = osas.MAC_HKDF_HMAC_SHA256_V2, osas.MAC_HKDF_HMAC_SHA256, osas.MAC_HMAC_SHA256
METHODS = {"olmpy": (V2, V1, LONG), "libolm": (V2, V1, LONG), "vodozemac": (V2, V1)}
TXN = "txn-\u00e9-42"
LIBOLM_CALC = {
    V2: "calculate_mac_fixed_base64",
    V1: "calculate_mac",
    LONG: "calculate_mac_long_kdf",
}
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _sas_bytes_to_display(raw: bytes) -> tuple[list[int], tuple[int, int, int]]:
    """The spec's emoji and decimal formulas, written out independently of olmpy."""
    bits = "".join(f"{b:08b}" for b in raw[:6])
    emoji = [int(bits[6 * i : 6 * i + 6], 2) for i in range(7)]
    b = raw
    decimals = (
        ((b[0] << 5) | (b[1] >> 3)) + 1000,
        (((b[1] & 0x7) << 10) | (b[2] << 2) | (b[3] >> 6)) + 1000,
        (((b[3] & 0x3F) << 7) | (b[4] >> 1)) + 1000,
    )
    return emoji, decimals


class Side:
    """One device in the exchange: its ids, identity key and ephemeral SAS object."""

    lib = ""

    def __init__(self, user: str, device: str) -> None:
        self.user, self.device = user, device

    # crypto
    public_key: str
    ed25519: str

    def set_their(self, key: str) -> None: ...
    def display(self, info: str) -> tuple[list[int], tuple[int, int, int]]: ...
    def mac(self, method: str, data: str, info: str) -> str: ...
    def accepts(self, method: str, data: str, info: str, tag: str) -> bool: ...

    # the spec's strings
    def sas_info(self, their: Side, we_started: bool) -> str:
        start, accept = (self, their) if we_started else (their, self)
        return (
            f"MATRIX_KEY_VERIFICATION_SAS|{start.user}|{start.device}|{start.public_key}|"
            f"{accept.user}|{accept.device}|{accept.public_key}|{TXN}"
        )

    def mac_info(self, sender: Side, receiver: Side, key_id: str) -> str:
        return (
            f"MATRIX_KEY_VERIFICATION_MAC{sender.user}{sender.device}"
            f"{receiver.user}{receiver.device}{TXN}{key_id}"
        )

    def key_list(self, key_ids: list[str]) -> str:
        return ",".join(sorted(key_ids))

    def commitment(self, start_content: dict[str, Any]) -> str:
        canonical = json.dumps(
            start_content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        digest = hashlib.sha256((self.public_key + canonical).encode()).digest()
        return base64.b64encode(digest).decode().rstrip("=")

    def commitment_ok(self, their: Side, start_content: dict[str, Any], value: str) -> bool:
        return hmac.compare_digest(their.commitment(start_content), value)


class OlmpySide(Side):
    lib = "olmpy"

    def __init__(self, user: str, device: str) -> None:
        super().__init__(user, device)
        self.sas = osas.Sas()
        self.public_key = self.sas.public_key.to_base64()
        self.ed25519 = olmpy.Account().ed25519_key.to_base64()
        self.est: osas.EstablishedSas | None = None

    def set_their(self, key: str) -> None:
        self.est = self.sas.diffie_hellman(key)

    def _est(self) -> osas.EstablishedSas:
        assert self.est is not None
        return self.est

    def display(self, info: str) -> tuple[list[int], tuple[int, int, int]]:
        b = self._est().bytes(info)
        return list(b.emoji_indices), b.decimals

    def mac(self, method: str, data: str, info: str) -> str:
        return self._est().calculate_mac(data, info, method)

    def accepts(self, method: str, data: str, info: str, tag: str) -> bool:
        try:
            self._est().verify_mac(data, info, tag, method)
        except MacError:
            return False
        return True

    def sas_info(self, their: Side, we_started: bool) -> str:
        return osas.sas_info_for(
            our_user_id=self.user, our_device_id=self.device, our_public_key=self.public_key,
            their_user_id=their.user, their_device_id=their.device,
            their_public_key=their.public_key, transaction_id=TXN, we_started=we_started,
        )

    def mac_info(self, sender: Side, receiver: Side, key_id: str) -> str:
        return osas.mac_info(
            sender_user_id=sender.user, sender_device_id=sender.device,
            receiver_user_id=receiver.user, receiver_device_id=receiver.device,
            transaction_id=TXN, key_id=key_id,
        )

    def key_list(self, key_ids: list[str]) -> str:
        return osas.key_ids_mac_input(key_ids)

    def commitment(self, start_content: dict[str, Any]) -> str:
        return osas.commitment(self.public_key, start_content)

    def commitment_ok(self, their: Side, start_content: dict[str, Any], value: str) -> bool:
        try:
            osas.verify_commitment(their.public_key, start_content, value)
        except osas.CommitmentMismatchError:
            return False
        return True


class LibolmSide(Side):
    lib = "libolm"

    def __init__(self, user: str, device: str) -> None:
        super().__init__(user, device)
        self.sas = olm.Sas()
        self.public_key = self.sas.pubkey
        self.ed25519 = olm.Account().identity_keys["ed25519"]

    def set_their(self, key: str) -> None:
        self.sas.set_their_pubkey(key)

    def display(self, info: str) -> tuple[list[int], tuple[int, int, int]]:
        return _sas_bytes_to_display(self.sas.generate_bytes(info, 6))

    def mac(self, method: str, data: str, info: str) -> str:
        return str(getattr(self.sas, LIBOLM_CALC[method])(data, info))

    def accepts(self, method: str, data: str, info: str, tag: str) -> bool:
        return hmac.compare_digest(self.mac(method, data, info).encode(), tag.encode())


class VodozemacSide(Side):
    lib = "vodozemac"

    def __init__(self, user: str, device: str) -> None:
        super().__init__(user, device)
        self.sas = vodozemac.Sas()
        self.public_key = self.sas.public_key.to_base64()
        self.ed25519 = vodozemac.Account().ed25519_key.to_base64()
        self.est: Any = None

    def set_their(self, key: str) -> None:
        self.est = self.sas.diffie_hellman(vodozemac.Curve25519PublicKey.from_base64(key))

    def display(self, info: str) -> tuple[list[int], tuple[int, int, int]]:
        b = self.est.bytes(info)
        return list(b.emoji_indices), tuple(b.decimals)

    def mac(self, method: str, data: str, info: str) -> str:
        if method == V2:
            return str(self.est.calculate_mac(data, info))
        assert method == V1
        return str(self.est.calculate_mac_invalid_base64(data, info))

    def accepts(self, method: str, data: str, info: str, tag: str) -> bool:
        if method == V2:
            try:
                self.est.verify_mac(data, info, tag)
            except vodozemac.SasException:
                return False
            return True
        return hmac.compare_digest(self.mac(method, data, info).encode(), tag.encode())


MAKERS = {"olmpy": OlmpySide, "libolm": LibolmSide, "vodozemac": VodozemacSide}

EXCHANGES = [
    pytest.param(starter, accepter, method, id=f"{starter}->{accepter}-{method}")
    for starter, accepter in [
        ("olmpy", "libolm"), ("libolm", "olmpy"), ("olmpy", "vodozemac"), ("vodozemac", "olmpy"),
        ("olmpy", "olmpy"), ("libolm", "vodozemac"), ("vodozemac", "libolm"),
    ]
    for method in METHODS["olmpy"]
    if method in METHODS[starter] and method in METHODS[accepter]
]


def _mac_content(sender: Side, receiver: Side, method: str) -> dict[str, Any]:
    key_id = f"ed25519:{sender.device}"
    macs = {key_id: sender.mac(method, sender.ed25519, sender.mac_info(sender, receiver, key_id))}
    keys = sender.mac(
        method, sender.key_list(list(macs)), sender.mac_info(sender, receiver, osas.KEY_IDS)
    )
    return {"mac": macs, "keys": keys}


def _check_mac_content(
    receiver: Side, sender: Side, method: str, content: dict[str, Any]
) -> None:
    key_id = f"ed25519:{sender.device}"
    info = receiver.mac_info(sender, receiver, key_id)
    assert receiver.accepts(method, sender.ed25519, info, content["mac"][key_id])
    keys_info = receiver.mac_info(sender, receiver, osas.KEY_IDS)
    assert receiver.accepts(method, receiver.key_list(list(content["mac"])), keys_info,
                            content["keys"])
    # A MAC of another key (an attacker's), or under the other direction's info, is refused.
    assert not receiver.accepts(method, receiver.ed25519, info, content["mac"][key_id])
    assert not receiver.accepts(
        method, sender.ed25519, receiver.mac_info(receiver, sender, key_id),
        content["mac"][key_id],
    )


@pytest.mark.parametrize(("starter_lib", "accepter_lib", "method"), EXCHANGES)
def test_full_exchange(
    backend: ModuleType, starter_lib: str, accepter_lib: str, method: str
) -> None:
    """Commitment, same 7 emoji and 3 numbers, and mutually accepted MACs in this method."""
    alice = MAKERS[starter_lib]("@alice:example.org", "ALICEDEVICE")
    bob = MAKERS[accepter_lib]("@bob:example.org", "BOBDEVICE")
    start = {
        "from_device": alice.device,
        "method": "m.sas.v1",
        "key_agreement_protocols": ["curve25519-hkdf-sha256"],
        "hashes": ["sha256"],
        "message_authentication_codes": [method],
        "short_authentication_string": ["decimal", "emoji"],
        "transaction_id": TXN,
    }
    commitment = bob.commitment(start)  # sent in m.key.verification.accept
    alice.set_their(bob.public_key)  # m.key.verification.key, both ways
    bob.set_their(alice.public_key)
    assert alice.commitment_ok(bob, start, commitment)
    assert not alice.commitment_ok(bob, dict(start, hashes=["sha512"]), commitment)

    info_a, info_b = alice.sas_info(bob, True), bob.sas_info(alice, False)
    assert info_a == info_b
    emoji_a, decimals_a = alice.display(info_a)
    emoji_b, decimals_b = bob.display(info_b)
    assert emoji_a == emoji_b and decimals_a == decimals_b
    assert len(emoji_a) == 7 and all(0 <= i < 64 for i in emoji_a)
    assert all(1000 <= d <= 9191 for d in decimals_a)

    _check_mac_content(bob, alice, method, _mac_content(alice, bob, method))
    _check_mac_content(alice, bob, method, _mac_content(bob, alice, method))


def _olmpy_pair_with(peer: str) -> tuple[osas.EstablishedSas, Any]:
    mine = osas.Sas()
    if peer == "libolm":
        theirs = olm.Sas()
        theirs.set_their_pubkey(mine.public_key.to_base64())
        return mine.diffie_hellman(theirs.pubkey), theirs
    vsas = vodozemac.Sas()
    est = mine.diffie_hellman(vsas.public_key.to_base64())
    return est, vsas.diffie_hellman(
        vodozemac.Curve25519PublicKey.from_base64(mine.public_key.to_base64())
    )


text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)


@given(info=text, data=text, count=st.integers(1, 300))
@SETTINGS
def test_any_strings_match_libolm(backend: ModuleType, info: str, data: str, count: int) -> None:
    """For any info and input text, olmpy's bytes and all three MACs equal libolm's."""
    mine, theirs = _olmpy_pair_with("libolm")
    assert mine.bytes_raw(info, count) == theirs.generate_bytes(info, count)
    assert mine.bytes(info).as_bytes() == theirs.generate_bytes(info, 6)
    assert mine.calculate_mac(data, info) == theirs.calculate_mac_fixed_base64(data, info)
    assert mine.calculate_mac(data, info, V1) == theirs.calculate_mac(data, info)
    assert mine.calculate_mac(data, info, LONG) == theirs.calculate_mac_long_kdf(data, info)


@given(info=text, data=text)
@SETTINGS
def test_any_strings_match_vodozemac(backend: ModuleType, info: str, data: str) -> None:
    """For any info and input text, olmpy's emoji, decimals and both MACs equal vodozemac's,
    and each verifies the other's v2 MAC."""
    mine, theirs = _olmpy_pair_with("vodozemac")
    a, b = mine.bytes(info), theirs.bytes(info)
    assert a.emoji_indices == b.emoji_indices and a.decimals == tuple(b.decimals)
    tag = mine.calculate_mac(data, info)
    assert tag == theirs.calculate_mac(data, info)
    assert mine.calculate_mac_invalid_base64(data, info) == theirs.calculate_mac_invalid_base64(
        data, info
    )
    theirs.verify_mac(data, info, tag)
    mine.verify_mac(data, info, theirs.calculate_mac(data, info))


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
key_text = st.one_of(
    st.text(alphabet=B64 + "=-_ !\n", min_size=40, max_size=46),
    st.builds(
        lambda key, pos, ch: key[:pos] + ch + key[pos + 1 :],
        st.just(osas.Sas().public_key.to_base64()),
        st.integers(0, 42),
        st.sampled_from(B64 + "=-_"),
    ),
)


@given(key=key_text)
@SETTINGS
def test_key_strings_accepted_exactly_when_vodozemac_accepts(
    backend: ModuleType, key: str
) -> None:
    """olmpy's diffie_hellman accepts a key string iff vodozemac does; a rejected one raises
    Base64Error or KeyDecodeError and leaves the Sas usable."""
    try:
        vodozemac.Sas().diffie_hellman(vodozemac.Curve25519PublicKey.from_base64(key))
        vodo_ok = True
    except (vodozemac.KeyException, vodozemac.SasException):
        vodo_ok = False
    sas = osas.Sas()
    try:
        sas.diffie_hellman(key)
        mine_ok = True
    except (Base64Error, KeyDecodeError):
        mine_ok = False
        sas.diffie_hellman(osas.Sas().public_key)
    assert mine_ok == vodo_ok


@given(raw=st.binary(max_size=40))
@SETTINGS
def test_key_bytes_typed_errors(backend: ModuleType, raw: bytes) -> None:
    """Any byte string as a key either works (32 contributory bytes) or raises an olmpy
    error; vodozemac agrees on which."""
    try:
        vodozemac.Sas().diffie_hellman(vodozemac.Curve25519PublicKey.from_bytes(raw))
        vodo_ok = True
    except (vodozemac.KeyException, vodozemac.SasException):
        vodo_ok = False
    try:
        osas.Sas().diffie_hellman(raw)
        mine_ok = True
    except OlmpyError:
        mine_ok = False
    assert mine_ok == vodo_ok


@pytest.mark.parametrize(
    "key",
    ["A" * 43, "!" * 43, osas.Sas().public_key.to_base64() + "A"],
    ids=["all-zero", "not-base64", "44-chars"],
)
def test_libolm_accepts_keys_olmpy_and_vodozemac_reject(backend: ModuleType, key: str) -> None:
    """libolm takes these keys and derives bytes; olmpy raises a typed error, vodozemac too."""
    theirs = olm.Sas()
    theirs.set_their_pubkey(key)
    assert len(theirs.generate_bytes("info", 6)) == 6
    with pytest.raises((Base64Error, KeyDecodeError)):
        osas.Sas().diffie_hellman(key)
    with pytest.raises(vodozemac.KeyException):
        vodozemac.Sas().diffie_hellman(vodozemac.Curve25519PublicKey.from_base64(key))


def test_libolm_ignores_characters_after_43(backend: ModuleType) -> None:
    """libolm reads a 44-character key as its first 43 characters; olmpy refuses it."""
    mine = osas.Sas()
    theirs = olm.Sas()
    theirs.set_their_pubkey(mine.public_key.to_base64() + "A")
    est = mine.diffie_hellman(theirs.pubkey)
    assert est.bytes_raw("info", 32) == theirs.generate_bytes("info", 32)
    with pytest.raises(KeyDecodeError):
        osas.Sas().diffie_hellman(mine.public_key.to_base64() + "A")


def test_all_zero_key_secret_is_zero_in_libolm() -> None:
    """libolm's output for the all-zero key is HKDF of 32 zero bytes: no secret at all."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    theirs = olm.Sas()
    theirs.set_their_pubkey("A" * 43)
    want = HKDF(hashes.SHA256(), 6, None, b"info").derive(bytes(32))
    assert theirs.generate_bytes("info", 6) == want

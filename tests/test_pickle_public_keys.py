"""Every public key a pickle stores beside its secret is recomputed on load (issue 9, item 1).

An Ed25519 signature's nonce depends only on the secret prefix and the message, so a signer
that hashed a public key taken from a pickle could be made to sign one message under two
"public keys", which gives the secret scalar away.  olmpy's signer derives the public key
itself, and every loader (libolm, olmpy and vodozemac formats; accounts, sessions, group
sessions, PK decryption) refuses a stored public key that its secret does not give, with
``PublicKeyMismatchError``.  The pickles altered here start from real ones, most of them
written by python-olm or vodozemac.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import nacl.bindings
import olm
import pytest
import vodozemac

import olmpy
from olmpy.errors import PickleError, PublicKeyMismatchError
from olmpy.hazmat import primitives
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _native as native_pickle
from olmpy.pk import PkDecryption

KEY = b"k" * 32  # vodozemac and olmpy pickles
OKEY = "a passphrase"  # python-olm takes a str
L = 2**252 + 27742317777372353535851937790883648493


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def libolm_account_body() -> bytes:
    """python-olm's account with two one-time keys and a fallback key, unsealed."""
    account = olm.Account()
    account.generate_one_time_keys(2)
    account.generate_fallback_key()
    return libolm.open_sealed(account.pickle(OKEY).decode(), OKEY, "t")


# Offsets in a version-4 account body: version, Ed25519 public, expanded secret, Curve25519
# public and secret, one-time key count, then 69-byte records (id, flag, public, secret).
ED_PUBLIC, ED_SECRET, CURVE_PUBLIC = 4, 36, 100
FIRST_OTK_PUBLIC = 4 + 160 + 4 + 5
FALLBACK_PUBLIC = 4 + 160 + 4 + 2 * 69 + 1 + 5


def load_both_ways(body: bytes, kind: str, cls: Any) -> list[Callable[[], Any]]:
    """Loaders of ``body`` sealed as a libolm pickle and as an olmpy pickle."""
    return [
        lambda: cls.from_libolm_pickle(libolm.seal(body, OKEY, allow_weak_key=True), OKEY),
        lambda: cls.from_pickle(native_pickle.seal(body, kind, KEY), KEY),
    ]


@pytest.mark.parametrize(
    ("offset", "which"),
    [
        (ED_PUBLIC, "Ed25519"),
        (CURVE_PUBLIC, "identity key"),
        (FIRST_OTK_PUBLIC, "key of the first one-time record"),
        (FALLBACK_PUBLIC, "key of the fallback record"),
    ],
)
def test_account_stored_public_key_changed(backend: ModuleType, offset: int, which: str) -> None:
    """A libolm or olmpy account pickle whose stored identity, one-time or fallback public
    key was changed is refused, naming the key; the untouched pickle loads."""
    body = libolm_account_body()
    for load in load_both_ways(body, "account", olmpy.Account):
        load()
    if which.startswith("key "):  # the record's own id, as the error names it
        key_id = body[offset - 5 : offset - 1]
        which = "key " + base64.b64encode(key_id).decode().rstrip("=")
    for load in load_both_ways(flip(body, offset + 7), "account", olmpy.Account):
        with pytest.raises(PublicKeyMismatchError, match=which):
            load()


def test_account_ed25519_secret_changed(backend: ModuleType) -> None:
    """Changing the expanded secret instead (the stored public key stays) is refused too: the
    account would otherwise advertise one key and sign with another."""
    body = libolm_account_body()
    for load in load_both_ways(flip(body, ED_SECRET + 3), "account", olmpy.Account):
        with pytest.raises(PublicKeyMismatchError, match="Ed25519"):
            load()


def test_account_zero_scalar(backend: ModuleType) -> None:
    """An expanded Ed25519 secret whose scalar is a multiple of L cannot sign: PickleError."""
    body = bytearray(libolm_account_body())
    body[ED_SECRET : ED_SECRET + 32] = (2 * L).to_bytes(32, "little")
    for load in load_both_ways(bytes(body), "account", olmpy.Account):
        with pytest.raises(PickleError, match="not 0 mod L"):
            load()


def test_account_signs_with_derived_key(backend: ModuleType) -> None:
    """A loaded account's signatures verify under the public key it reports, which is
    python-olm's for the same pickle."""
    account = olm.Account()
    mine = olmpy.Account.from_libolm_pickle(account.pickle(OKEY).decode(), OKEY)
    assert mine.identity_keys == account.identity_keys
    signature = mine.sign(b"message")
    assert signature.to_base64() == account.sign(b"message")
    mine.ed25519_key.verify_signature(b"message", signature)


def vz_open(text: str) -> dict[str, Any]:
    """A vodozemac pickle's JSON as vodozemac wrote it (byte strings as integer arrays)."""
    document: dict[str, Any] = json.loads(libolm.open_sealed(text, KEY, "t"))
    return document


def vz_seal(document: dict[str, Any]) -> str:
    return libolm.seal(json.dumps(document).encode(), KEY, allow_weak_key=True)


def vodozemac_account_document() -> dict[str, Any]:
    account = vodozemac.Account()
    account.generate_one_time_keys(3)
    return vz_open(account.pickle(KEY))


def test_vodozemac_account_unpublished_public_key_changed(backend: ModuleType) -> None:
    """vodozemac writes the public keys of unpublished one-time keys; olmpy used to take them
    on trust.  Each is now derived from its secret and a changed one is refused."""
    document = vodozemac_account_document()
    olmpy.Account.from_vodozemac_pickle(vz_seal(document), KEY)
    publics = document["one_time_keys"]["public_keys"]
    key_id = sorted(publics)[1]
    publics[key_id][-1] ^= 1
    with pytest.raises(PublicKeyMismatchError, match=f"key {key_id}"):
        olmpy.Account.from_vodozemac_pickle(vz_seal(document), KEY)


def test_vodozemac_account_keys_match_vodozemac(backend: ModuleType) -> None:
    """The derived one-time keys are exactly the ones vodozemac reports for its account."""
    account = vodozemac.Account()
    account.generate_one_time_keys(3)
    account.generate_fallback_key()
    mine = olmpy.Account.from_vodozemac_pickle(account.pickle(KEY), KEY)
    theirs = sorted(k.to_base64() for k in account.one_time_keys.values())
    assert sorted(k.to_base64() for k in mine.one_time_keys.values()) == theirs
    assert mine.curve25519_key.to_base64() == account.curve25519_key.to_base64()
    assert [k.to_base64() for k in mine.fallback_key.values()] == [
        k.to_base64() for k in account.fallback_key.values()
    ]


def group_session_body() -> bytes:
    session = olm.OutboundGroupSession()
    return libolm.open_sealed(session.pickle(OKEY).decode(), OKEY, "t")


# Outbound group session body: version (4), ratchet (128), counter (4), public (32),
# expanded secret (64).
GS_PUBLIC, GS_SECRET = 136, 168


def test_group_session_stored_public_key_changed(backend: ModuleType) -> None:
    """An outbound group session pickle (libolm or olmpy format) whose stored public key, or
    whose secret, was changed is refused before it can sign anything."""
    body = group_session_body()
    for load in load_both_ways(body, "group_session", olmpy.GroupSession):
        session = load()
        inbound = olmpy.InboundGroupSession(session.session_key)
        assert inbound.decrypt(session.encrypt(b"ok")).plaintext == b"ok"
    for changed in (flip(body, GS_PUBLIC + 5), flip(body, GS_SECRET + 5)):
        for load in load_both_ways(changed, "group_session", olmpy.GroupSession):
            with pytest.raises(PublicKeyMismatchError, match="Ed25519"):
                load()


def test_group_session_vodozemac_zero_scalar(backend: ModuleType) -> None:
    """vodozemac's format stores no public key; an expanded key that cannot sign is still a
    PickleError, not a session that signs with the identity point."""
    session = olmpy.GroupSession.from_libolm_pickle(
        olm.OutboundGroupSession().pickle(OKEY).decode(), OKEY
    )
    document = vz_open(session.to_vodozemac_pickle(KEY))
    document["signing_key"] = {"Expanded": [0] * 64}
    with pytest.raises(PickleError, match="not 0 mod L"):
        olmpy.GroupSession.from_vodozemac_pickle(vz_seal(document), KEY)


def test_session_sender_ratchet_key_changed(backend: ModuleType) -> None:
    """A session pickle stores the sending chain's ratchet key pair: a changed public half
    is refused (it would be sent in every message)."""
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys["curve25519"].values()))
    session = olm.OutboundSession(alice, bob.identity_keys["curve25519"], otk)
    body = libolm.open_sealed(session.pickle(OKEY).decode(), OKEY, "t")
    # version (4), received flag (1), three keys (96), root key (32), sender count (4).
    sender_public = 4 + 1 + 96 + 32 + 4
    assert body[sender_public - 4 : sender_public] == b"\x00\x00\x00\x01"
    for load in load_both_ways(body, "session", olmpy.Session):
        assert load().session_id == session.id
    for load in load_both_ways(flip(body, sender_public + 9), "session", olmpy.Session):
        with pytest.raises(PublicKeyMismatchError, match="ratchet key"):
            load()


def test_pk_decryption_public_key_changed(backend: ModuleType) -> None:
    """PkDecryption pickles were already checked; the error is now the shared subclass."""
    decryption = olm.PkDecryption()
    body = libolm.open_sealed(decryption.pickle(OKEY).decode(), OKEY, "t")
    PkDecryption.from_libolm_pickle(libolm.seal(body, OKEY, allow_weak_key=True), OKEY)
    with pytest.raises(PublicKeyMismatchError):
        flipped = libolm.seal(flip(body, 10), OKEY, allow_weak_key=True)
        PkDecryption.from_libolm_pickle(flipped, OKEY)


def test_signer_takes_no_public_key(backend: ModuleType) -> None:
    """The signing primitives derive the public key they hash: an expanded key signs exactly
    as libsodium signs with the public key computed from its scalar, and there is no way
    to hand in another one."""
    seed = bytes(range(32))
    expanded = primitives.ed25519_expand_seed(seed)
    public, _ = nacl.bindings.crypto_sign_seed_keypair(seed)
    signature = primitives.ed25519_sign_expanded(expanded, b"m")
    assert nacl.bindings.crypto_sign_open(signature + b"m", public) == b"m"
    with pytest.raises(TypeError):
        primitives.ed25519_sign_expanded(expanded, bytes(32), b"m")  # type: ignore[call-arg]
    key = primitives.Ed25519SigningKey.from_expanded(expanded)
    assert key.public == public and key.sign(b"m") == signature
    assert "hidden" in repr(key) and expanded.hex()[:16] not in repr(key)
    with pytest.raises(PublicKeyMismatchError):
        key.check_public(bytes(32), "test")


def test_olmpy_format_round_trip_after_check(backend: ModuleType) -> None:
    """Checked loads keep byte-identical round trips of peer pickles."""
    account = olm.Account()
    account.generate_one_time_keys(5)
    pickled = account.pickle(OKEY).decode()
    loaded = olmpy.Account.from_libolm_pickle(pickled, OKEY)
    assert loaded.to_libolm_pickle(OKEY, allow_weak_key=True) == pickled
    vz = vodozemac.Account()
    vz.generate_one_time_keys(5)
    document = vz_open(vz.pickle(KEY))
    mine = olmpy.Account.from_vodozemac_pickle(vz.pickle(KEY), KEY)
    again = vz_open(mine.to_vodozemac_pickle(KEY))
    assert document["one_time_keys"] == again["one_time_keys"]

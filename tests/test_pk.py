"""PkEncryption / PkDecryption against libolm and vodozemac output (vectors/pk.json).

Every test that runs olmpy code takes ``backend``, so it runs on the native core and on
the pure-Python twin.  Ground truth: libolm's encryptions with a fixed ephemeral secret
(olmpy must produce the same bytes from the same secret), libolm's pickles of known keys
(olmpy must load them and write them back byte for byte), vodozemac's encryptions, and
the published matrix-js-sdk / matrix-rust-sdk backup entries.  Live peer round trips are
in tests/interop/test_pk_interop.py.
"""

from __future__ import annotations

import array
import base64
import contextlib
import hashlib
import hmac
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vectors_loader import VECTORS, generator, load, params, unhex

from olmpy import Curve25519PublicKey, GroupSession, InboundGroupSession, testing
from olmpy.errors import (
    Base64Error,
    CiphertextError,
    DecodeError,
    DecryptionError,
    KeyDecodeError,
    MacError,
    MessageDecodeError,
    OlmpyError,
    PickleError,
    UsageError,
)
from olmpy.pickle import _libolm as libolm_pickle
from olmpy.pk import PkDecryption, PkEncryption, PkMessage

PK = load("pk.json")
ENC = PK["libolm_encryptions"]
VODO = PK["vodozemac_encryptions"]
SECRET = unhex(ENC["recipient_private_key_hex"])
HYPO = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Curve25519 points of small order (and the zero point): X25519 with them is all zero.
LOW_ORDER = [
    bytes(32),
    (1).to_bytes(32, "little"),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    (2**255 - 19 - 1).to_bytes(32, "little"),
    (2**255 - 19).to_bytes(32, "little"),
]


def _message(record: dict[str, Any]) -> PkMessage:
    return PkMessage.from_base64(record["ciphertext"], record["mac"], record["ephemeral"])


def _fixed(secret: bytes) -> Any:
    def rng(n: int) -> bytes:
        assert n == 32
        return secret

    return rng


# --- known answers ----------------------------------------------------------------------------


def test_public_key_matches_libolm(backend: ModuleType) -> None:
    assert PkDecryption.from_key(SECRET).public_key.to_base64() == ENC["recipient_public_key"]
    assert VODO["recipient_public_key"] == ENC["recipient_public_key"]


@pytest.mark.parametrize("record", params(ENC["messages"]))
def test_same_bytes_as_libolm_from_the_same_ephemeral_secret(
    backend: ModuleType, record: dict[str, Any]
) -> None:
    """With libolm's ephemeral secret, olmpy writes libolm's ciphertext, MAC and key exactly."""
    enc = testing.pk_encryption(
        ENC["recipient_public_key"], rng=_fixed(unhex(record["ephemeral_secret_hex"]))
    )
    message = enc.encrypt(unhex(record["plaintext_hex"]))
    assert message.to_json() == {
        "ciphertext": record["ciphertext"],
        "mac": record["mac"],
        "ephemeral": record["ephemeral"],
    }


@pytest.mark.parametrize("record", params(ENC["messages"]))
def test_decrypts_libolm(backend: ModuleType, record: dict[str, Any]) -> None:
    assert PkDecryption.from_key(SECRET).decrypt(_message(record)) == unhex(record["plaintext_hex"])


@pytest.mark.parametrize("record", params(VODO["messages"]))
def test_decrypts_vodozemac(backend: ModuleType, record: dict[str, Any]) -> None:
    assert PkDecryption.from_key(SECRET).decrypt(_message(record)) == unhex(record["plaintext_hex"])


def test_mac_is_over_the_empty_string(backend: ModuleType) -> None:
    """The MAC is HMAC-SHA-256(mac key, "")[:8], keys from HKDF(32 zero bytes, shared, "", 80).

    Recomputed here without olmpy: X25519 and HKDF from pyca/cryptography, HMAC from
    the standard library, over libolm's message and ephemeral secret.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    record = ENC["messages"][5]
    eph = X25519PrivateKey.from_private_bytes(unhex(record["ephemeral_secret_hex"]))
    recipient = X25519PublicKey.from_public_bytes(
        base64.b64decode(ENC["recipient_public_key"] + "=")
    )
    shared = eph.exchange(recipient)
    okm = HKDF(hashes.SHA256(), 80, b"\0" * 32, b"").derive(shared)
    mac = hmac.new(okm[32:64], b"", hashlib.sha256).digest()[:8]
    assert _message(record).mac == mac
    ciphertext = _message(record).ciphertext
    assert hmac.new(okm[32:64], ciphertext, hashlib.sha256).digest()[:8] != mac


# --- round trips and API -------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 1000, 65536])
def test_round_trip(backend: ModuleType, size: int) -> None:
    dec = PkDecryption()
    plaintext = bytes(range(256)) * (size // 256) + bytes(size % 256)
    message = PkEncryption(dec.public_key).encrypt(plaintext)
    assert len(message.ciphertext) == (size // 16 + 1) * 16
    assert dec.decrypt(message) == plaintext
    assert dec.decrypt(message.to_json()) == plaintext
    assert dec.decrypt(PkMessage.from_base64(*message.to_base64())) == plaintext


def test_str_plaintext_is_utf8(backend: ModuleType) -> None:
    dec = PkDecryption()
    assert dec.decrypt(PkEncryption(dec.public_key).encrypt("ключ 🔐")) == "ключ 🔐".encode()


def test_each_message_has_a_fresh_ephemeral_key(backend: ModuleType) -> None:
    dec = PkDecryption()
    enc = PkEncryption.from_key(dec.public_key.to_base64())
    a, b = enc.encrypt(b"same"), enc.encrypt(b"same")
    assert a.ephemeral_key != b.ephemeral_key and a.ciphertext != b.ciphertext


def test_key_and_from_key(backend: ModuleType) -> None:
    dec = PkDecryption()
    again = PkDecryption.from_key(dec.key)
    assert again.public_key == dec.public_key and again.key == dec.key
    assert dec.matches(dec.public_key) and dec.matches(dec.public_key.to_base64())
    assert not dec.matches(PkDecryption().public_key)


def test_recovery_key_round_trip(backend: ModuleType) -> None:
    dec = PkDecryption()
    assert PkDecryption.from_recovery_key(dec.to_recovery_key()).key == dec.key


def test_published_recovery_key_gives_published_public_key(backend: ModuleType) -> None:
    record = PK["published_recovery_keys"][0]
    dec = PkDecryption.from_recovery_key(record["recovery_key"])
    assert dec.public_key.to_base64() == record["public_key_by_libolm"]
    assert dec.public_key.to_base64() == "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo"


def test_repr_hides_the_secret(backend: ModuleType) -> None:
    dec = PkDecryption.from_key(SECRET)
    text = repr(dec) + str(dec)
    for form in (
        SECRET.hex(),
        base64.b64encode(SECRET).decode().rstrip("="),
        dec.to_recovery_key(),
    ):
        assert form not in text
    assert ENC["recipient_public_key"] in text
    assert "ciphertext=<16 bytes>" in repr(PkEncryption(dec.public_key).encrypt(b""))


def test_message_accessors_and_equality(backend: ModuleType) -> None:
    record = ENC["messages"][0]
    message = _message(record)
    assert isinstance(message.ephemeral_key, Curve25519PublicKey)
    assert message.ephemeral_key.to_base64() == record["ephemeral"]
    assert message == PkMessage(message.ciphertext, message.mac, message.ephemeral_key)
    assert message == PkMessage.from_json({**message.to_json(), "extra": 1})
    assert hash(message) == hash(_message(record))
    assert message.to_base64() == (record["ciphertext"], record["mac"], record["ephemeral"])


def test_padded_base64_is_accepted(backend: ModuleType) -> None:
    """Some writers pad base64; the spec asks readers to accept both forms."""
    record = ENC["messages"][6]
    padded = {
        k: record[k] + "=" * (-len(record[k]) % 4) for k in ("ciphertext", "mac", "ephemeral")
    }
    assert padded != {k: record[k] for k in padded}
    assert PkDecryption.from_key(SECRET).decrypt(padded) == unhex(record["plaintext_hex"])


# --- errors -------------------------------------------------------------------------------------


def test_wrong_key_is_a_mac_error(backend: ModuleType) -> None:
    message = _message(ENC["messages"][3])
    with pytest.raises(MacError, match="expected a MAC made with this key"):
        PkDecryption().decrypt(message)


def test_flipped_mac_bit_is_a_mac_error(backend: ModuleType) -> None:
    message = _message(ENC["messages"][3])
    for i in range(8):
        mac = bytearray(message.mac)
        mac[i] ^= 0x01
        with pytest.raises(MacError):
            PkDecryption.from_key(SECRET).decrypt(
                PkMessage(message.ciphertext, bytes(mac), message.ephemeral_key)
            )


def test_mac_must_be_eight_bytes(backend: ModuleType) -> None:
    """vodozemac accepts any left prefix of the tag; olmpy wants exactly libolm's 8 bytes."""
    message = _message(ENC["messages"][3])
    for mac in (message.mac[:4], message.mac[:7], message.mac + b"\0", b""):
        with pytest.raises(MessageDecodeError, match="8 bytes"):
            PkMessage(message.ciphertext, mac, message.ephemeral_key)


def test_ciphertext_is_not_authenticated(backend: ModuleType) -> None:
    """The known weakness, pinned: a changed first block still decrypts (to other bytes)."""
    record = next(r for r in ENC["messages"] if r["id"] == "100-bytes-binary")
    message = _message(record)
    tampered = bytearray(message.ciphertext)
    tampered[0] ^= 0x80
    out = PkDecryption.from_key(SECRET).decrypt(
        PkMessage(bytes(tampered), message.mac, message.ephemeral_key)
    )
    plaintext = unhex(record["plaintext_hex"])
    # CBC: block 0 turns to garbage, block 1 gets the same bit flipped, the rest is intact.
    assert out[:16] != plaintext[:16]
    assert out[16] == plaintext[16] ^ 0x80 and out[17:] == plaintext[17:]


@pytest.mark.parametrize("length", [0, 1, 15, 17, 31])
def test_bad_ciphertext_length_is_a_ciphertext_error(backend: ModuleType, length: int) -> None:
    """With a MAC that verifies (it does not cover the ciphertext), a bad length fails in AES."""
    message = _message(ENC["messages"][0])
    with pytest.raises(CiphertextError):
        PkDecryption.from_key(SECRET).decrypt(
            PkMessage(bytes(length), message.mac, message.ephemeral_key)
        )


def test_bad_padding_is_a_ciphertext_error(backend: ModuleType) -> None:
    """Garbage blocks under a valid MAC almost never have valid padding."""
    message = _message(ENC["messages"][0])
    failures = 0
    for i in range(32):
        block = hashlib.sha256(bytes([i])).digest()[:16]
        try:
            PkDecryption.from_key(SECRET).decrypt(
                PkMessage(block, message.mac, message.ephemeral_key)
            )
        except CiphertextError:
            failures += 1
    assert failures >= 24


@pytest.mark.parametrize("point", LOW_ORDER, ids=range(len(LOW_ORDER)))
def test_low_order_ephemeral_key_is_refused(backend: ModuleType, point: bytes) -> None:
    message = _message(ENC["messages"][0])
    with pytest.raises(KeyDecodeError):
        PkDecryption.from_key(SECRET).decrypt(PkMessage(message.ciphertext, message.mac, point))


@pytest.mark.parametrize("point", LOW_ORDER, ids=range(len(LOW_ORDER)))
def test_low_order_recipient_is_refused(backend: ModuleType, point: bytes) -> None:
    with pytest.raises(KeyDecodeError):
        PkEncryption(point).encrypt(b"x")


def test_failed_decrypt_changes_nothing(backend: ModuleType) -> None:
    dec = PkDecryption.from_key(SECRET)
    record = ENC["messages"][4]
    with pytest.raises(MacError):
        dec.decrypt(
            PkMessage(_message(record).ciphertext, bytes(8), _message(record).ephemeral_key)
        )
    assert dec.decrypt(_message(record)) == unhex(record["plaintext_hex"])
    assert dec.key == SECRET


@pytest.mark.parametrize(
    ("parts", "error"),
    [
        (("AAAA", "AAAAAAAAAAA", "!!"), Base64Error),
        (("A===", "AAAAAAAAAAA", "A" * 43), Base64Error),
        (("AAAA", "AAAAAAAAAAA", "A" * 42), KeyDecodeError),
        (("AAAA", "AAAAAAAAAAA", "A" * 44), KeyDecodeError),
        (("AAAA", "AAAAAA", "A" * 43), MessageDecodeError),
        (("AAAA", "AAAAAAAAAAB", "A" * 43), Base64Error),
    ],
)
def test_malformed_base64_parts(parts: tuple[str, str, str], error: type[Exception]) -> None:
    with pytest.raises(error):
        PkMessage.from_base64(*parts)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {},
        {"ciphertext": "AAAA", "mac": "AAAAAAAAAAA"},
        {"ciphertext": 1, "mac": "AAAAAAAAAAA", "ephemeral": "A" * 43},
        {"ciphertext": "AAAA", "mac": None, "ephemeral": "A" * 43},
    ],
)
def test_malformed_session_data(data: Any) -> None:
    with pytest.raises(MessageDecodeError):
        PkMessage.from_json(data)


def test_usage_errors(backend: ModuleType) -> None:
    dec = PkDecryption()
    for bad in (bytes(31), bytes(33), "a" * 32, None):
        with pytest.raises(UsageError):
            PkDecryption.from_key(bad)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        PkEncryption(dec.public_key).encrypt(123)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        dec.decrypt("not a message")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        PkMessage("text", bytes(8), dec.public_key)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        PkMessage.from_base64(b"AAAA", "AAAAAAAAAAA", "A" * 43)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        testing.pk_encryption(dec.public_key, rng=lambda n: bytes(31)).encrypt(b"")
    with pytest.raises((UsageError, KeyDecodeError)):
        PkEncryption(12)  # type: ignore[arg-type]
    with pytest.raises(KeyDecodeError):
        PkEncryption(bytes(31))


def test_lone_surrogate_plaintext_is_a_usage_error(backend: ModuleType) -> None:
    """A str that cannot be UTF-8 is the caller's mistake, not a UnicodeEncodeError."""
    with pytest.raises(UsageError, match="UTF-8"):
        PkEncryption(PkDecryption().public_key).encrypt("key \ud800")


def test_multibyte_memoryviews_are_taken_by_their_bytes(backend: ModuleType) -> None:
    """A memoryview of 4-byte items: its bytes count, not its len() (the item count)."""
    message = _message(ENC["messages"][2])
    mac = memoryview(array.array("I", [0, 0]))
    mac.cast("B")[:] = message.mac
    assert PkMessage(message.ciphertext, mac, message.ephemeral_key) == message
    secret = memoryview(array.array("Q", [0] * 4))
    secret.cast("B")[:] = SECRET
    assert PkDecryption.from_key(secret).key == SECRET


# --- pickles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("record", params(PK["libolm_pickles"]))
def test_libolm_pickle_loads_and_is_rewritten_byte_for_byte(
    backend: ModuleType, record: dict[str, Any]
) -> None:
    """python-olm's PkDecryption.pickle(passphrase) loads, and olmpy writes the same string."""
    dec = PkDecryption.from_libolm_pickle(record["pickle"], record["passphrase"])
    assert dec.key.hex() == record["private_key_hex"]
    assert dec.public_key.to_base64() == record["public_key"]
    assert dec.to_libolm_pickle(record["passphrase"], allow_weak_key=True) == record["pickle"]
    assert (
        PkDecryption.from_libolm_pickle(record["pickle"].encode(), record["passphrase"]).key
        == dec.key
    )
    again = dec.to_libolm_pickle(record["passphrase"].encode(), allow_weak_key=True)
    assert again == record["pickle"]


def test_vodozemac_pickle_is_libolm_format(backend: ModuleType) -> None:
    """vodozemac's only PkDecryption pickle is its to_libolm_pickle: version 1 | pub | priv."""
    record = PK["libolm_pickles"][1]
    dec = PkDecryption.from_key(unhex(record["private_key_hex"]))
    key = record["passphrase"].encode()
    assert dec.to_vodozemac_pickle(key, allow_weak_key=True) == record["pickle"]
    raw = libolm_pickle.open_sealed(dec.to_vodozemac_pickle(bytes(32)), bytes(32), "test")
    assert raw == b"\0\0\0\1" + dec.public_key.to_bytes() + dec.key
    assert PkDecryption.from_vodozemac_pickle(record["pickle"], key).key == dec.key
    with pytest.raises(UsageError):
        dec.to_vodozemac_pickle("a str key")  # type: ignore[arg-type]


@pytest.mark.parametrize("key", [bytes(range(32)), "a passphrase ✓"])
def test_olmpy_pickle_round_trip(backend: ModuleType, key: bytes | str) -> None:
    dec = PkDecryption()

    def write() -> str:
        return dec.pickle_with_passphrase(key) if isinstance(key, str) else dec.pickle(key)

    def read(text: str) -> PkDecryption:
        if isinstance(key, str):
            return PkDecryption.from_pickle_with_passphrase(text, key)
        return PkDecryption.from_pickle(text, key)

    text = write()
    assert dec.key.hex() not in text
    again = read(text)
    assert again.key == dec.key and again.public_key == dec.public_key
    assert text != write()  # fresh nonce (and salt) every time


def test_olmpy_pickle_errors(backend: ModuleType) -> None:
    dec = PkDecryption()
    key = bytes(32)
    text = dec.pickle(key)
    with pytest.raises(PickleError):
        PkDecryption.from_pickle(text, bytes([1]) + bytes(31))
    with pytest.raises(PickleError):
        PkDecryption.from_pickle_with_passphrase(text, "passphrase")
    other = InboundGroupSession(GroupSession().session_key).pickle(key)
    with pytest.raises(PickleError, match="pk_decryption"):
        PkDecryption.from_pickle(other, key)
    with pytest.raises(PickleError, match="object type inbound_group_session"):
        InboundGroupSession.from_pickle(text, key)
    with pytest.raises(PickleError):
        PkDecryption.from_pickle(dec.to_libolm_pickle(key), key)


def _crafted(body: bytes, key: str = "k") -> str:
    return libolm_pickle.seal(body, key, allow_weak_key=True)


def test_crafted_libolm_pickles_are_refused(backend: ModuleType) -> None:
    """Wrong version, truncation, trailing bytes and a mismatched public key: PickleError."""
    dec = PkDecryption.from_key(SECRET)
    good = b"\0\0\0\1" + dec.public_key.to_bytes() + SECRET
    assert PkDecryption.from_libolm_pickle(_crafted(good), "k").key == SECRET
    cases = {
        "version 2": b"\0\0\0\2" + good[4:],
        "version 0": b"\0\0\0\0" + good[4:],
        "truncated": good[:-1],
        "no key": good[:4],
        "trailing": good + b"\0",
        "mismatched public key": b"\0\0\0\1" + PkDecryption().public_key.to_bytes() + SECRET,
    }
    for name, body in cases.items():
        with pytest.raises(PickleError):
            PkDecryption.from_libolm_pickle(_crafted(body), "k")
        assert name


def test_libolm_pickle_wrong_key_and_garbage(backend: ModuleType) -> None:
    record = PK["libolm_pickles"][1]
    with pytest.raises(PickleError):
        PkDecryption.from_libolm_pickle(record["pickle"], "wrong")
    for garbage in ("", "!!!!", "AAAA", record["pickle"][:-4], "é" * 10):
        with pytest.raises(PickleError):
            PkDecryption.from_libolm_pickle(garbage, record["passphrase"])
    with pytest.raises(PickleError):
        PkDecryption.from_libolm_pickle("é".encode() * 4, record["passphrase"])


# --- robustness -------------------------------------------------------------------------------


@HYPO
@given(
    st.binary(max_size=64),
    st.binary(max_size=12),
    st.binary(min_size=0, max_size=40),
)
def test_random_message_parts_give_typed_errors(
    backend: ModuleType, ciphertext: bytes, mac: bytes, ephemeral: bytes
) -> None:
    dec = PkDecryption.from_key(SECRET)
    with contextlib.suppress(DecodeError, DecryptionError):
        dec.decrypt(PkMessage(ciphertext, mac, ephemeral))


@HYPO
@given(st.integers(0, 2), st.integers(0, 200), st.integers(1, 255))
def test_mutated_base64_parts_give_typed_errors_or_the_plaintext(
    backend: ModuleType, part: int, position: int, delta: int
) -> None:
    """Changing one character of a libolm message: an olmpy error, or (ciphertext only) output."""
    record = ENC["messages"][5]
    parts = [record["ciphertext"], record["mac"], record["ephemeral"]]
    text = parts[part]
    i = position % len(text)
    parts[part] = text[:i] + chr((ord(text[i]) + delta) % 128) + text[i + 1 :]
    try:
        out = PkDecryption.from_key(SECRET).decrypt(PkMessage.from_base64(*parts))
    except OlmpyError:
        return
    assert part == 0 or parts == [record["ciphertext"], record["mac"], record["ephemeral"]]
    assert isinstance(out, bytes)


@HYPO
@given(st.integers(0, 200), st.integers(1, 63))
def test_mutated_pickles_give_pickle_errors(backend: ModuleType, position: int, delta: int) -> None:
    record = PK["libolm_pickles"][1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    for text, load_it in (
        (record["pickle"], lambda t: PkDecryption.from_libolm_pickle(t, record["passphrase"])),
        (
            PkDecryption.from_key(SECRET).pickle(bytes(32)),
            lambda t: PkDecryption.from_pickle(t, bytes(32)),
        ),
    ):
        i = position % len(text)
        mutated = text[:i] + alphabet[(alphabet.index(text[i]) + delta) % 64] + text[i + 1 :]
        with pytest.raises(PickleError):
            load_it(mutated)


def test_generator_reproduces_the_deterministic_sections() -> None:
    """Re-running vectors/generate_pk.py gives the committed libolm and published sections."""
    module = generator("generate_pk")
    fresh = module.generate()
    for section in module.DETERMINISTIC:
        assert fresh[section] == PK[section], section
    assert (VECTORS / "pk.json").exists()

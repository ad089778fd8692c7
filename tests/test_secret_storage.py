"""Secret storage (m.secret_storage.v1.aes-hmac-sha2) against published and independent vectors.

Ground truth: vectors/secret_storage.json (matrix-rust-sdk's recovery key, passphrase key and
encrypted cross-signing secrets, whose decrypted seeds match the published Ed25519 keys;
generated known answers made with hashlib, pyca/cryptography and an ECB key stream) and the
generator's own independent functions, run here on what olmpy produces.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olmpy import secret_storage as ss
from olmpy import testing
from olmpy.errors import DecodeError, MacError, UsageError, VersionError
from olmpy.recovery import RecoveryKeyError
from olmpy.secret_storage import (
    EncryptedSecret,
    KeyDescription,
    PassphraseInfo,
    SecretStorageAlgorithmError,
    SecretStorageError,
    SecretStorageKey,
    SecretStorageKeyMismatchError,
    SecretStorageMacError,
)
from tests.vectors_loader import generator, load, params, unhex

DOC = load("secret_storage.json")
GEN = generator("generate_secret_storage")
KEYS = {k["id"]: k for k in DOC["keys"]}
RECOVERY = KEYS["rust-sdk-recovery-key"]
MASTER = next(s for s in DOC["secrets"] if s["id"] == "rust-sdk-m.cross_signing.master")


def _encrypted(case: dict[str, Any]) -> dict[str, str]:
    if "encrypted" in case:
        return dict(case["encrypted"])
    return {"iv": base64.b64encode(unhex(case["iv_hex"])).decode(),
            "ciphertext": base64.b64encode(unhex(case["ciphertext_hex"])).decode(),
            "mac": base64.b64encode(unhex(case["mac_hex"])).decode()}


# --- published keys -----------------------------------------------------------------------


@pytest.mark.parametrize("case", params(DOC["keys"]))
def test_published_key_passes_its_check(backend: ModuleType, case: dict[str, Any]) -> None:
    """The published key opens its published description; a neighbouring key does not."""
    key = unhex(case["key_hex"])
    assert ss.check_key(key, case["description"]) is True
    wrong = bytes([key[0] ^ 1]) + key[1:]
    assert ss.check_key(wrong, case["description"]) is False
    with pytest.raises(SecretStorageKeyMismatchError, match="expected the key") as err:
        SecretStorageKey(wrong, case["key_id"], case["description"])
    assert isinstance(err.value, MacError)


def test_recovery_key_opens_and_round_trips(backend: ModuleType) -> None:
    """rust-sdk's recovery key opens key bmur2d9y...; olmpy writes the same text back."""
    key = SecretStorageKey.from_recovery_key(RECOVERY["recovery_key"], RECOVERY["key_id"],
                                             RECOVERY["description"])
    assert key.to_bytes() == unhex(RECOVERY["key_hex"])
    assert key.to_recovery_key() == RECOVERY["recovery_key"]
    assert key.event_type == "m.secret_storage.key." + RECOVERY["key_id"]
    squeezed = RECOVERY["recovery_key"].replace(" ", "")
    assert SecretStorageKey.from_recovery_key(squeezed, key.key_id,
                                              RECOVERY["description"]).to_bytes() == key.to_bytes()


def test_passphrase_opens_published_description(backend: ModuleType) -> None:
    """rust-sdk's passphrase (10 PBKDF2 rounds) opens its key; a wrong one is refused."""
    case = KEYS["rust-sdk-passphrase"]
    key = SecretStorageKey.from_passphrase(case["passphrase"], case["key_id"], case["description"])
    assert key.to_bytes() == unhex(case["key_hex"])
    with pytest.raises(SecretStorageKeyMismatchError):
        SecretStorageKey.from_passphrase("It's a secret to nobody", case["key_id"],
                                         case["description"])


def test_wrong_recovery_key_is_refused(backend: ModuleType) -> None:
    """A valid recovery key for another key fails the MAC check; a mistyped one fails parity."""
    other = SecretStorageKey.generate()
    with pytest.raises(SecretStorageKeyMismatchError):
        SecretStorageKey.from_recovery_key(other.to_recovery_key(), RECOVERY["key_id"],
                                           RECOVERY["description"])
    typo = "F" + RECOVERY["recovery_key"][1:]
    with pytest.raises(RecoveryKeyError):
        SecretStorageKey.from_recovery_key(typo, RECOVERY["key_id"], RECOVERY["description"])


# --- secrets ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params(DOC["secrets"]))
def test_secret_vectors_decrypt(backend: ModuleType, case: dict[str, Any]) -> None:
    """Each encrypted secret decrypts to its plaintext; another name fails the MAC."""
    key = unhex(case["key_hex"])
    assert ss.decrypt_secret(key, case["name"], _encrypted(case)) == case["plaintext"]
    with pytest.raises(SecretStorageMacError, match="does not match"):
        ss.decrypt_secret(key, case["name"] + ".other", _encrypted(case))


@pytest.mark.parametrize("case", params([s for s in DOC["secrets"] if "iv_hex" in s]))
def test_known_answer_encryption(backend: ModuleType, case: dict[str, Any]) -> None:
    """With the vector's IV, olmpy's ciphertext and MAC are the generator's, byte for byte."""
    out = testing.encrypt_secret(unhex(case["key_hex"]), case["name"], case["plaintext"],
                                 iv=unhex(case["iv_hex"]))
    assert (out.ciphertext.hex(), out.mac.hex()) == (case["ciphertext_hex"], case["mac_hex"])


def test_cross_signing_secrets_match_published_public_keys(backend: ModuleType) -> None:
    """The three decrypted seeds give the Ed25519 keys rust-sdk's /keys/query mock publishes."""
    import nacl.signing

    key = SecretStorageKey.from_recovery_key(RECOVERY["recovery_key"], RECOVERY["key_id"],
                                             RECOVERY["description"])
    for case in (s for s in DOC["secrets"] if s["id"].startswith("rust-sdk-m.cross_signing")):
        content = {"encrypted": {RECOVERY["key_id"]: case["encrypted"]}}
        seed = base64.b64decode(key.decrypt_event(case["name"], content))
        public = bytes(nacl.signing.SigningKey(seed).verify_key)
        assert base64.b64encode(public).decode().rstrip("=") == case["ed25519_public_key"]


def test_counter_is_64_bits_like_js_sdk(backend: ModuleType) -> None:
    """A non-conforming IV (bit 63 set) wraps the low 64 bits as matrix-js-sdk does."""
    case = next(s for s in DOC["secrets"] if "ciphertext_128bit_counter_hex" in s)
    key = unhex(case["key_hex"])
    assert ss.decrypt_secret(key, case["name"], _encrypted(case)) == case["plaintext"]
    other = EncryptedSecret(unhex(case["iv_hex"]), unhex(case["ciphertext_128bit_counter_hex"]),
                            unhex(case["mac_128bit_counter_hex"]))
    # garbage after the first block may not be UTF-8: an error is also not the plaintext
    with contextlib.suppress(SecretStorageError):
        assert ss.decrypt_secret(key, case["name"], other) != case["plaintext"]


@pytest.mark.parametrize("case", params(DOC["key_checks"]))
def test_key_check_known_answers(backend: ModuleType, case: dict[str, Any]) -> None:
    key, iv = unhex(case["key_hex"]), unhex(case["iv_hex"])
    assert ss.key_check_mac(key, iv).hex() == case["mac_hex"]
    assert testing.create_key_description(key, iv=iv).mac == unhex(case["mac_hex"])


@pytest.mark.parametrize("case", params(DOC["malformed_secrets"]))
def test_malformed_published_secret(backend: ModuleType, case: dict[str, Any]) -> None:
    with pytest.raises(SecretStorageError, match=r"expected (16|32) bytes"):
        ss.decrypt_secret(unhex(RECOVERY["key_hex"]), "m.cross_signing.master", case["encrypted"])


@pytest.mark.parametrize("case", params(DOC["malformed_descriptions"]))
def test_malformed_published_description(backend: ModuleType, case: dict[str, Any]) -> None:
    cls = getattr(ss, case["olmpy_error"])
    with pytest.raises(cls, match="expected"):
        ss.check_key(unhex(RECOVERY["key_hex"]), case["description"])
    if cls is SecretStorageAlgorithmError:
        with pytest.raises(VersionError):
            KeyDescription.from_json(case["description"])


@pytest.mark.parametrize("case", params(DOC["passphrase_info"]))
def test_spec_passphrase_example_parses(case: dict[str, Any]) -> None:
    info = PassphraseInfo.from_json(case["passphrase"])
    assert (info.salt, info.iterations, info.bits) == ("MmMsAlty", 100000, 256)
    assert info.to_json() == case["passphrase"]


def test_generator_reproduces_committed_json() -> None:
    assert json.loads(json.dumps(GEN.generate())) == DOC


# --- what olmpy writes --------------------------------------------------------------------


def test_fresh_encryption_is_independently_decryptable(backend: ModuleType) -> None:
    """IVs have bit 63 clear; the generator's independent code verifies and decrypts them."""
    key = hashlib.sha256(b"k").digest()
    for i in range(32):
        secret = f"secret number {i} ✓"
        out = ss.encrypt_secret(key, "m.example", secret)
        assert out.iv[8] & 0x80 == 0
        doc = out.to_json()
        assert not any("=" in v for v in doc.values())
        plain = GEN.decrypt(key, "m.example", base64.b64decode(doc["iv"] + "=="),
                            base64.b64decode(doc["ciphertext"] + "=="),
                            base64.b64decode(doc["mac"] + "=="))
        assert plain.decode() == secret


def test_new_description_checks_independently(backend: ModuleType) -> None:
    """A fresh description's MAC is what the generator computes for its IV."""
    key = SecretStorageKey.generate(name="my key", key_id="ABC")
    doc = key.description.to_json()
    assert set(doc) == {"algorithm", "name", "iv", "mac"}
    assert doc["algorithm"] == ss.ALGORITHM and doc["name"] == "my key"
    iv = base64.b64decode(doc["iv"] + "==")
    assert iv[8] & 0x80 == 0
    assert GEN.key_check(key.to_bytes(), iv) == base64.b64decode(doc["mac"] + "==")
    assert ss.check_key(key.to_bytes(), doc)
    assert key.key_id == "ABC"
    assert len(SecretStorageKey.generate().key_id) == 32


def test_passphrase_key_matches_hashlib(backend: ModuleType) -> None:
    """generate_from_passphrase: the key is hashlib's PBKDF2 and reopens from the JSON."""
    key = SecretStorageKey.generate_from_passphrase("correct horse", iterations=100_000)
    doc = key.description.to_json()
    info = doc["passphrase"]
    assert info["algorithm"] == "m.pbkdf2" and info["iterations"] == 100_000
    expected = hashlib.pbkdf2_hmac("sha512", b"correct horse", info["salt"].encode(), 100_000, 32)
    assert key.to_bytes() == expected
    again = SecretStorageKey.from_passphrase("correct horse", key.key_id, json.loads(
        json.dumps(doc)))
    assert again.to_bytes() == expected


def test_event_content_round_trip(backend: ModuleType) -> None:
    key = SecretStorageKey.generate()
    content = key.secret_event_content("m.megolm_backup.v1", "backup key")
    assert list(content["encrypted"]) == [key.key_id]
    assert key.decrypt_event("m.megolm_backup.v1", content) == "backup key"
    other = SecretStorageKey.generate()
    with pytest.raises(SecretStorageError, match="an entry for key"):
        other.decrypt_event("m.megolm_backup.v1", content)
    with pytest.raises(SecretStorageError, match="JSON object"):
        key.decrypt_event("m.megolm_backup.v1", {"encrypted": "nope"})


@settings(max_examples=40, deadline=None)
@given(secret=st.text(max_size=200), name=st.text(min_size=1, max_size=40))
def test_round_trip_any_text(secret: str, name: str) -> None:
    """Any text under any name comes back; the generator's code agrees on the bytes."""
    key = hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()
    try:
        out = ss.encrypt_secret(key, name, secret)
    except UsageError:  # lone surrogates cannot be UTF-8: refused, never mangled
        return
    assert ss.decrypt_secret(key, name, out.to_json()) == secret
    assert GEN.decrypt(key, name, out.iv, out.ciphertext, out.mac) == secret.encode()


# --- tampering and malformed input --------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(["iv", "ciphertext", "mac"]), data=st.data())
def test_tampering_never_yields_the_secret(field: str, data: st.DataObject) -> None:
    """Changed MAC or ciphertext: MAC error.  Changed IV (not MACed): an error or other text."""
    key = unhex(MASTER["key_hex"])
    raw = bytearray(base64.b64decode(MASTER["encrypted"][field]))
    pos = data.draw(st.integers(0, len(raw) - 1))
    raw[pos] ^= data.draw(st.integers(1, 255))
    doc = dict(MASTER["encrypted"])
    doc[field] = base64.b64encode(bytes(raw)).decode()
    if field == "iv":
        with contextlib.suppress(SecretStorageError):
            assert ss.decrypt_secret(key, MASTER["name"], doc) != MASTER["plaintext"]
        return
    with pytest.raises(SecretStorageMacError):
        ss.decrypt_secret(key, MASTER["name"], doc)


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)


@settings(max_examples=120, deadline=None)
@given(field=st.sampled_from(["iv", "ciphertext", "mac"]), value=_JSONISH)
def test_any_json_in_a_secret_field_gives_typed_error(field: str, value: object) -> None:
    doc: dict[str, object] = dict(MASTER["encrypted"])
    doc[field] = value
    try:
        out = ss.decrypt_secret(unhex(MASTER["key_hex"]), MASTER["name"], doc)
    except (SecretStorageError, SecretStorageMacError):
        return
    assert field == "iv" or out == MASTER["plaintext"]


@settings(max_examples=120, deadline=None)
@given(field=st.sampled_from(["algorithm", "name", "iv", "mac", "passphrase"]), value=_JSONISH)
def test_any_json_in_a_description_gives_typed_error_or_answer(field: str, value: object) -> None:
    doc: dict[str, object] = dict(KEYS["rust-sdk-passphrase"]["description"])
    doc[field] = value
    try:
        result = ss.check_key(unhex(KEYS["rust-sdk-passphrase"]["key_hex"]), doc)
    except SecretStorageError:
        return
    assert isinstance(result, bool)


@pytest.mark.parametrize(("passphrase", "fragment"), [
    ({"algorithm": "m.argon2", "salt": "s", "iterations": 1}, "m.pbkdf2"),
    ({"algorithm": "m.pbkdf2", "salt": "", "iterations": 1}, "non-empty string"),
    ({"algorithm": "m.pbkdf2", "salt": "s", "iterations": 10**9}, "10000000"),
    ({"algorithm": "m.pbkdf2", "salt": "s", "iterations": True}, "integer"),
    ({"algorithm": "m.pbkdf2", "salt": "s", "iterations": 0}, "integer in 1.."),
    ({"algorithm": "m.pbkdf2", "salt": "s", "iterations": 5, "bits": 128}, "256"),
    ("m.pbkdf2", "JSON object"),
])
def test_bad_passphrase_parameters_are_refused(passphrase: object, fragment: str) -> None:
    """Server-chosen parameters that would hang, mislead or differ between peers are refused."""
    doc = {"algorithm": ss.ALGORITHM, "passphrase": passphrase}
    with pytest.raises(SecretStorageError, match="expected") as err:
        KeyDescription.from_json(doc)
    assert fragment in str(err.value) and isinstance(err.value, DecodeError)


def test_missing_check_fields_accept_any_key(backend: ModuleType) -> None:
    """The spec: without iv/mac there is nothing to check, so any key is taken."""
    key = bytes(32)
    assert ss.check_key(key, {"algorithm": ss.ALGORITHM})
    assert ss.check_key(key, {"algorithm": ss.ALGORITHM, "iv": RECOVERY["description"]["iv"]})
    assert ss.check_key(key, {"algorithm": ss.ALGORITHM, "iv": None, "mac": None})


def test_from_passphrase_without_parameters_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="passphrase parameters"):
        SecretStorageKey.from_passphrase("pw", RECOVERY["key_id"], RECOVERY["description"])


def test_repr_hides_the_key() -> None:
    key = SecretStorageKey.from_recovery_key(RECOVERY["recovery_key"], RECOVERY["key_id"],
                                             RECOVERY["description"])
    text = repr(key) + str(key)
    assert RECOVERY["key_hex"] not in text and "EsTj" not in text
    assert "hidden" in text and RECOVERY["key_id"] in text


def test_hostile_values_in_account_data_give_typed_errors() -> None:
    """Values a lenient JSON parser may hand over: huge ints, nesting deeper than repr()."""
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    for passphrase in ({"algorithm": "m.pbkdf2", "salt": "s", "iterations": 10**5000},
                       {"algorithm": "m.pbkdf2", "salt": "s", "iterations": 5, "bits": 10**5000},
                       {"algorithm": "m.pbkdf2", "salt": deep, "iterations": 5},
                       {"algorithm": deep}):
        with pytest.raises(SecretStorageError, match="expected"):
            KeyDescription.from_json({"algorithm": ss.ALGORITHM, "passphrase": passphrase})
    with pytest.raises(SecretStorageAlgorithmError, match="expected"):
        KeyDescription.from_json({"algorithm": deep})


def test_entry_for_another_key_among_odd_key_names(backend: ModuleType) -> None:
    """The missing-entry error lists the keys present, whatever their type (no TypeError)."""
    key = SecretStorageKey.generate()
    content: dict[Any, Any] = {"encrypted": {1: {}, "other": {}, None: {}}}
    with pytest.raises(SecretStorageError, match="an entry for key"):
        key.decrypt_event("m.example", content)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: ss.key_check_mac(bytes(32), bytes(8)), "16 bytes"),
    (lambda: ss.key_check_mac(bytes(32), "x" * 16), "bytes"),  # type: ignore[arg-type]
    (lambda: ss.check_key(bytes(32), KeyDescription(bytes(15), bytes(32))), "16 bytes"),
    (lambda: KeyDescription(bytes(16), "mac"), "bytes"),  # type: ignore[arg-type]
    (lambda: KeyDescription(None, None, name=5), "str"),  # type: ignore[arg-type]
    (lambda: KeyDescription(None, None, passphrase={}), "PassphraseInfo"),  # type: ignore[arg-type]
    (lambda: ss.decrypt_secret(bytes(32), "n", EncryptedSecret(bytes(5), b"", bytes(32))),
     "16 bytes"),
    (lambda: EncryptedSecret(bytes(16), "text", bytes(32)), "bytes"),  # type: ignore[arg-type]
    (lambda: EncryptedSecret(bytes(16), b"", None), "bytes"),  # type: ignore[arg-type]
    (lambda: EncryptedSecret(bytes(16), b"", bytes(31)), "32 bytes"),
])
def test_malformed_objects_built_by_hand_give_usage_error(call: Any, fragment: str) -> None:
    """EncryptedSecret / KeyDescription made directly, not parsed: checked on construction."""
    with pytest.raises(UsageError, match="expected") as err:
        call()
    assert fragment in str(err.value)


def test_iv_with_a_valid_mac_but_wrong_length_is_refused(backend: ModuleType) -> None:
    """The MAC does not cover the IV, so a bad IV must be refused by length, not by AES."""
    key = bytes(32)
    good = ss.encrypt_secret(key, "n", "secret")
    with pytest.raises(UsageError, match="16 bytes"):
        ss.decrypt_secret(key, "n", EncryptedSecret(good.iv[:12], good.ciphertext, good.mac))
    again = EncryptedSecret(bytearray(good.iv), memoryview(good.ciphertext), bytearray(good.mac))
    assert isinstance(again.iv, bytes) and isinstance(again.ciphertext, bytes)
    assert again == good and ss.decrypt_secret(key, "n", again) == "secret"


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: ss.encrypt_secret(bytes(31), "n", "s"), "32 bytes"),
    (lambda: ss.encrypt_secret(bytes(32), "n", b"s"), "a str"),  # type: ignore[arg-type]
    (lambda: ss.encrypt_secret(bytes(32), 3, "s"), "a str"),  # type: ignore[arg-type]
    (lambda: ss.encrypt_secret(bytes(32), "n", "\ud800"), "UTF-8"),
    (lambda: testing.encrypt_secret(bytes(32), "n", "s", iv=bytes(8)), "16 bytes"),
    (lambda: ss.decrypt_secret("key", "n", {}), "bytes"),  # type: ignore[arg-type]
    (lambda: ss.create_key_description(bytes(32), name=5), "str"),  # type: ignore[arg-type]
    (lambda: SecretStorageKey.generate(key_id=""), "non-empty str"),
])
def test_caller_mistakes_give_usage_error(call: Any, fragment: str) -> None:
    with pytest.raises(UsageError, match="expected") as err:
        call()
    assert fragment in str(err.value)

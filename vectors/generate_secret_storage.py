"""Write vectors/secret_storage.json: m.secret_storage.v1.aes-hmac-sha2 data, checked independently.

Published data, copied as data only:

* matrix-org/matrix-rust-sdk crates/matrix-sdk/tests/integration/encryption/secret_storage.rs
  (commit 015809e4fdc1f7d4cf8303ece165180d1f34d7b6): SECRET_STORE_KEY (a recovery key), the
  description of key "bmur2d9ypPUH1msSwCxQOJkuKRmJI55e" (padded base64 iv/mac) and, from
  ``test_restore_cross_signing_from_secret_store``, the encrypted m.cross_signing.master,
  .self_signing and .user_signing secrets with the three public keys of the /keys/query mock.
  ``test_secret_store_opening`` gives the master plaintext,
  "VcY1+LNyV6aSMne8mvi4lc/q+JiCHe+m6+hKLtgLP30=".
* matrix-org/matrix-rust-sdk crates/matrix-sdk-crypto/src/secret_storage.rs
  (commit 0d8579ea843e4cfe55f70dbde94eb3890631b052): ``from_account_data_and_passphrase``
  (passphrase "It's a secret to everybody", 10 PBKDF2 rounds), ``invalid_key_info`` and
  ``encrypted_data_decoding`` (malformed lengths, unknown algorithm).
* matrix-org/matrix-spec content/client-server-api/modules/secrets.md
  (commit 11f559b46667e43572a761f05f2992d562314b17): the m.pbkdf2 ``passphrase`` example.

Independent checks, none using olmpy: the recovery key is decoded with a base58 routine in
this file; passphrase keys come from hashlib.pbkdf2_hmac (SHA-512); HKDF is
pyca/cryptography's (checked equal with js-sdk's 8-byte zero salt and the spec's 32-byte one);
AES-CTR is an explicit AES-256-ECB key stream over counter blocks with a 64-bit counter;
HMAC is the stdlib's.  Each published MAC must verify and each decrypted cross-signing seed
must give, through PyNaCl, the Ed25519 public key published beside it.

Generated known answers (fixed keys and IVs, no published source) add an empty secret, a
non-ASCII secret, a long one, key checks, and a non-conforming IV (bit 63 set, low half
all ones) whose 64-bit counter wraps; there the 128-bit reading is recorded too.

Run: /work/venv/bin/python vectors/generate_secret_storage.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import nacl.signing
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "secret_storage.json"

RUST_INTEGRATION = ("matrix-org/matrix-rust-sdk crates/matrix-sdk/tests/integration/encryption/"
                    "secret_storage.rs at commit 015809e4fdc1f7d4cf8303ece165180d1f34d7b6")
RUST_CRYPTO = ("matrix-org/matrix-rust-sdk crates/matrix-sdk-crypto/src/secret_storage.rs at "
               "commit 0d8579ea843e4cfe55f70dbde94eb3890631b052")
SPEC = ("matrix-org/matrix-spec content/client-server-api/modules/secrets.md at commit "
        "11f559b46667e43572a761f05f2992d562314b17")
ALGORITHM = "m.secret_storage.v1.aes-hmac-sha2"

RECOVERY_KEY = "EsTj 3yST y93F SLpB jJsz eAXc 2XzA ygD3 w69H fGaN TKBj jXEd"
KEY_ID = "bmur2d9ypPUH1msSwCxQOJkuKRmJI55e"
KEY_DESCRIPTION = {"algorithm": ALGORITHM, "iv": "xv5b6/p3ExEw++wTyfSHEg==",
                   "mac": "ujBBbXahnTAMkmPUX2/0+VTfUh63pGyVRuBcDMgmJC8="}

CROSS_SIGNING = [
    ("m.cross_signing.master",
     {"ciphertext": "lCRSSA1lChONEXj/8RyogsgAa8ouQwYDnLr4XBCheRikrZykLRzPCx3doCE=",
      "iv": "bdfCwu+ECYgZ/jWTkGrQ/A==", "mac": "NXeV1dZaOe2JLvQ6Hh6tFto7AgFFdaQnY0l9pruwdtE="},
     "fKJdf5b3ga1hshUT5obkBteMNTtLkfy8qh4h5/XLNew"),
    ("m.cross_signing.self_signing",
     {"ciphertext": "+B9WD02IvtQ8S4OaquhuYEZAx20xvz0oTN7r2VM9VOBxmlOyi+KkkWOvLAo=",
      "iv": "3BCaKGCaSMkg1x9WnTqUmw==", "mac": "xQEDxQbPH0bYeZUFC3wYJh0lsLkP2amcFGdaZ3VdfQg="},
     "vsEoa0HHxc8hmlWgoohTQBGWcCRh1BFoTzI8HNIxg5Q"),
    ("m.cross_signing.user_signing",
     {"ciphertext": "atqNy5IDzYRkRC+lkKoflwsyHkd0dr4UeoViwJdUzexiq0M8h1i8JMkADNg=",
      "iv": "bjb1V2n9YmA8j31Z9muMqQ==", "mac": "vusvNuV8Kkq50VxtC78oioofVBurnTTVEhiRyZkfu/4="},
     "IGfFj6KhzqBWxiMm6/e+Pu/x/5NV6a7iEe8AKhuRiq0"),
]
MASTER_PLAINTEXT = "VcY1+LNyV6aSMne8mvi4lc/q+JiCHe+m6+hKLtgLP30="

PASSPHRASE = "It's a secret to everybody"
PASSPHRASE_KEY_ID = "DZkbKc0RtKSq0z8V61w6KBmJCK6OCiIu"
PASSPHRASE_DESCRIPTION = {
    "algorithm": ALGORITHM, "iv": "gH2iNpiETFhApvW6/FFEJQ",
    "mac": "9Lw12m5SKDipNghdQXKjgpfdj1/K7HFI2brO+UWAGoM",
    "passphrase": {"algorithm": "m.pbkdf2", "salt": "IuLnH7S85YtZmkkBJKwNUKxWF42g9O1H",
                   "iterations": 10},
}

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58_recovery_key(text: str) -> bytes:
    """The 32-byte key in a recovery key, decoded here from first principles."""
    compact = "".join(text.split())
    number = 0
    for char in compact:
        number = number * 58 + _B58.index(char)
    raw = number.to_bytes(35, "big")
    assert raw[:2] == b"\x8b\x01"
    parity = 0
    for byte in raw:
        parity ^= byte
    assert parity == 0
    return raw[2:34]


def _b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def derive(key: bytes, name: str) -> tuple[bytes, bytes]:
    """aes_key, mac_key = HKDF-SHA-256(zero salt, key, name, 64), checked for both salt sizes."""
    out = HKDF(algorithm=hashes.SHA256(), length=64, salt=bytes(32),
               info=name.encode()).derive(key)
    js_sdk = HKDF(algorithm=hashes.SHA256(), length=64, salt=bytes(8),
                  info=name.encode()).derive(key)
    assert out == js_sdk  # HMAC pads any short key with zeros
    return out[:32], out[32:]


def keystream(key: bytes, iv: bytes, length: int, counter_bits: int = 64) -> bytes:
    """AES-256 key stream built from ECB blocks over high || (low + i mod 2**bits)."""
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    value = int.from_bytes(iv, "big")
    mask = (1 << counter_bits) - 1
    out = bytearray()
    for i in range((length + 15) // 16):
        out += ecb.update(((value & ~mask) | ((value + i) & mask)).to_bytes(16, "big"))
    return bytes(out[:length])


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def encrypt(key: bytes, name: str, plaintext: bytes, iv: bytes,
            counter_bits: int = 64) -> tuple[bytes, bytes]:
    aes_key, mac_key = derive(key, name)
    ciphertext = _xor(plaintext, keystream(aes_key, iv, len(plaintext), counter_bits))
    return ciphertext, hmac.new(mac_key, ciphertext, "sha256").digest()


def decrypt(key: bytes, name: str, iv: bytes, ciphertext: bytes, mac: bytes) -> bytes:
    aes_key, mac_key = derive(key, name)
    assert hmac.compare_digest(hmac.new(mac_key, ciphertext, "sha256").digest(), mac), name
    return _xor(ciphertext, keystream(aes_key, iv, len(ciphertext)))


def key_check(key: bytes, iv: bytes) -> bytes:
    return encrypt(key, "", bytes(32), iv)[1]


def _published_keys() -> list[dict[str, Any]]:
    recovery_key = b58_recovery_key(RECOVERY_KEY)
    assert key_check(recovery_key, _b64d(KEY_DESCRIPTION["iv"])) == _b64d(KEY_DESCRIPTION["mac"])
    info = PASSPHRASE_DESCRIPTION["passphrase"]
    assert isinstance(info, dict)
    passphrase_key = hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), info["salt"].encode(),
                                         info["iterations"], 32)
    assert key_check(passphrase_key, _b64d(str(PASSPHRASE_DESCRIPTION["iv"]))) == _b64d(
        str(PASSPHRASE_DESCRIPTION["mac"]))
    return [
        {"id": "rust-sdk-recovery-key", "source": RUST_INTEGRATION + ", SECRET_STORE_KEY and "
         "mock_secret_store_key (also secret_storage.rs from_account_data_and_base58)",
         "key_id": KEY_ID, "description": KEY_DESCRIPTION, "recovery_key": RECOVERY_KEY,
         "key_hex": recovery_key.hex()},
        {"id": "rust-sdk-passphrase", "source": RUST_CRYPTO + ", from_account_data_and_passphrase",
         "key_id": PASSPHRASE_KEY_ID, "description": PASSPHRASE_DESCRIPTION,
         "passphrase": PASSPHRASE, "key_hex": passphrase_key.hex()},
    ]


def _published_secrets() -> list[dict[str, Any]]:
    key = b58_recovery_key(RECOVERY_KEY)
    out = []
    for name, data, public in CROSS_SIGNING:
        plaintext = decrypt(key, name, _b64d(data["iv"]), _b64d(data["ciphertext"]),
                            _b64d(data["mac"]))
        seed = base64.b64decode(plaintext, validate=True)
        derived = bytes(nacl.signing.SigningKey(seed).verify_key)
        assert _b64e(derived) == public, name
        if name == "m.cross_signing.master":
            assert plaintext.decode() == MASTER_PLAINTEXT
        out.append({"id": f"rust-sdk-{name}", "source": RUST_INTEGRATION
                    + ", test_restore_cross_signing_from_secret_store",
                    "key_hex": key.hex(), "key_id": KEY_ID, "name": name, "encrypted": data,
                    "plaintext": plaintext.decode(), "ed25519_public_key": public})
    return out


def _generated() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    key = hashlib.sha256(b"olmpy secret storage key").digest()
    iv = bytearray(hashlib.sha256(b"olmpy secret storage iv").digest()[:16])
    iv[8] &= 0x7F
    secrets_ = [
        ("empty", "m.megolm_backup.v1", ""),
        ("base64-key", "m.megolm_backup.v1", "GJxYUHEL6Hc1PTn7ZLKlxzRvRqRDG1NPKNmFvU0pkXk="),
        ("non-ascii", "org.example.secret", "clé secrète ✓ 🔑"),
        ("long", "org.example.long", "x" * 1000),
    ]
    out = []
    for label, name, secret in secrets_:
        ciphertext, mac = encrypt(key, name, secret.encode(), bytes(iv))
        out.append({"id": f"generated-{label}", "source": "generated (this script)",
                    "key_hex": key.hex(), "name": name, "plaintext": secret,
                    "iv_hex": bytes(iv).hex(), "ciphertext_hex": ciphertext.hex(),
                    "mac_hex": mac.hex()})
    wrap_iv = bytes(iv[:8]) + b"\xff" * 8  # bit 63 set: not what a conforming writer makes
    secret = "wraps after the first block of forty b."
    ciphertext, mac = encrypt(key, "org.example.wrap", secret.encode(), wrap_iv)
    ct128, mac128 = encrypt(key, "org.example.wrap", secret.encode(), wrap_iv, 128)
    assert ct128[:16] == ciphertext[:16] and ct128[16:] != ciphertext[16:]
    out.append({"id": "generated-nonconforming-iv-wraps", "source": "generated (this script)",
                "key_hex": key.hex(), "name": "org.example.wrap", "plaintext": secret,
                "iv_hex": wrap_iv.hex(), "ciphertext_hex": ciphertext.hex(), "mac_hex": mac.hex(),
                "ciphertext_128bit_counter_hex": ct128.hex(),
                "mac_128bit_counter_hex": mac128.hex()})
    checks = []
    for i, check_iv in enumerate((bytes(16), bytes(iv), bytes(range(16)))):
        checks.append({"id": f"generated-key-check-{i}", "source": "generated (this script)",
                       "key_hex": key.hex(), "iv_hex": check_iv.hex(),
                       "mac_hex": key_check(key, check_iv).hex()})
    return out, checks


MALFORMED_SECRETS = [
    {"id": "rust-sdk-mac-30-bytes", "source": RUST_CRYPTO + ", encrypted_data_decoding",
     "encrypted": {"iv": "bdfCwu+ECYgZ/jWTkGrQ/A==",
                   "ciphertext": "lCRSSA1lChONEXj/8RyogsgAa8ouQwYDnLr4XBCheRikrZykLRzPCx3doCE=",
                   "mac": "NXeV1dZaOe2JLvQ6Hh6tFtgFFdaQnY0l9pruwdtE"}},
    {"id": "rust-sdk-iv-14-bytes", "source": RUST_CRYPTO + ", encrypted_data_decoding",
     "encrypted": {"iv": "bdfCwu+gZ/jWTkGrQ/A",
                   "ciphertext": "lCRSSA1lChONEXj/8RyogsgAa8ouQwYDnLr4XBCheRikrZykLRzPCx3doCE=",
                   "mac": "NXeV1dZaOe2JLvQ6Hh6tFto7AgFFdaQnY0l9pruwdtE="}},
]

MALFORMED_DESCRIPTIONS = [
    {"id": "rust-sdk-iv-14-bytes", "source": RUST_CRYPTO + ", invalid_key_info",
     "description": {"algorithm": ALGORITHM, "iv": _b64e(bytes(14)), "mac": _b64e(bytes(32))},
     "olmpy_error": "SecretStorageError"},
    {"id": "rust-sdk-mac-10-bytes", "source": RUST_CRYPTO + ", invalid_key_info",
     "description": {"algorithm": ALGORITHM, "iv": _b64e(bytes(16)), "mac": _b64e(bytes(10))},
     "olmpy_error": "SecretStorageError"},
    {"id": "rust-sdk-custom-algorithm", "source": RUST_CRYPTO + ", invalid_key_info",
     "description": {"algorithm": "m.secret_storage.custom", "iv": KEY_DESCRIPTION["iv"],
                     "mac": KEY_DESCRIPTION["mac"]},
     "olmpy_error": "SecretStorageAlgorithmError"},
]

SPEC_PASSPHRASE = {"id": "spec-pbkdf2-example", "source": SPEC + ", Deriving keys from passphrases",
                   "passphrase": {"algorithm": "m.pbkdf2", "salt": "MmMsAlty",
                                  "iterations": 100000, "bits": 256}}


def generate() -> dict[str, Any]:
    """The whole document, every published value checked."""
    generated_secrets, key_checks = _generated()
    for case in MALFORMED_SECRETS:  # confirm the defect really is a length
        data = case["encrypted"]
        assert len(_b64d(data["iv"])) != 16 or len(_b64d(data["mac"])) != 32
    return {
        "provenance": {
            "published": [RUST_INTEGRATION, RUST_CRYPTO, SPEC],
            "check": ("base58 decoded in the generator, PBKDF2 by hashlib, HKDF by pyca/"
                      "cryptography, AES-CTR as an explicit AES-ECB key stream (64-bit counter), "
                      "HMAC by the stdlib, Ed25519 public keys by PyNaCl; no olmpy code"),
        },
        "keys": _published_keys(),
        "secrets": _published_secrets() + generated_secrets,
        "key_checks": key_checks,
        "malformed_secrets": MALFORMED_SECRETS,
        "malformed_descriptions": MALFORMED_DESCRIPTIONS,
        "passphrase_info": [SPEC_PASSPHRASE],
    }


def main() -> None:
    doc = generate()
    OUTPUT.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(doc['keys'])} keys, {len(doc['secrets'])} secrets, "
          f"{len(doc['key_checks'])} key checks)")


if __name__ == "__main__":
    main()

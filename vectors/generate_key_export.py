"""Write vectors/key_export.json: published MEGOLM SESSION DATA files, checked independently.

Two published sources are copied as data only:

* element-hq/element-web, test/unit-tests/utils/MegolmExportEncryption-test.ts at commit
  7ed7949485e88889a9ffc8075a9df1f8e936777e, TEST_VECTORS: four (plaintext, passphrase,
  armoured file) triples.  The last one has an all-ones IV, so its 64-bit counter wraps
  after the first block: it decrypts only with WebCrypto's counter (low 64 bits wrap, high
  64 bits stay), not with a plain 128-bit counter.  The same four vectors appear in
  matrix-android-sdk (ExportEncryptionTest) and matrix-ios-sdk.
* matrix-org/matrix-rust-sdk, crates/matrix-sdk-crypto/src/file_encryption/key_export.rs at
  commit b3f61d668b19c3031efd0f4909c1eb51a42cea4f, TEST_EXPORT with PASSPHRASE "1234": a
  real export of one Megolm session written by the Rust SDK (1 round, unpadded base64).

Every file is decrypted here with an implementation that shares no code with olmpy:
hashlib.pbkdf2_hmac (PBKDF2-HMAC-SHA-512), hmac (HMAC-SHA-256, compared with
compare_digest) and a keystream built block by block with AES-256-ECB from
pyca/cryptography using the 64-bit counter.  The MAC must verify and the plaintext must
equal the published one (Element) or parse as a JSON list (Rust).  Each Rust session key
is imported into python-olm (libolm 3.2.16) and vodozemac 0.10.0, which must both report
the recorded session id and first known index.  Any mismatch aborts the run.

Run: /work/venv/bin/python vectors/generate_key_export.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import olm
import vodozemac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "key_export.json"

ELEMENT_SOURCE = (
    "element-hq/element-web test/unit-tests/utils/MegolmExportEncryption-test.ts "
    "at commit 7ed7949485e88889a9ffc8075a9df1f8e936777e (TEST_VECTORS)"
)
RUST_SOURCE = (
    "matrix-org/matrix-rust-sdk crates/matrix-sdk-crypto/src/file_encryption/key_export.rs "
    "at commit b3f61d668b19c3031efd0f4909c1eb51a42cea4f (TEST_EXPORT, PASSPHRASE)"
)

BEGIN = "-----BEGIN MEGOLM SESSION DATA-----"
END = "-----END MEGOLM SESSION DATA-----"

# (plaintext, passphrase, armoured lines between the header and the footer), in order.
ELEMENT_VECTORS = [
    (
        "plain",
        "password",
        [
            "AXNhbHRzYWx0c2FsdHNhbHSIiIiIiIiIiIiIiIiIiIiIAAAACmIRUW2OjZ3L2l6j9h0lHlV3M2dx",
            "cissyYBxjsfsAndErh065A8=",
        ],
    ),
    (
        "Hello, World",
        "betterpassword",
        [
            "AW1vcmVzYWx0bW9yZXNhbHT//////////wAAAAAAAAAAAAAD6KyBpe1Niv5M5NPm4ZATsJo5nghk",
            "KYu63a0YQ5DRhUWEKk7CcMkrKnAUiZny",
        ],
    ),
    (
        "alphanumericallyalphanumericallyalphanumericallyalphanumerically",
        "SWORDFISH",
        [
            "AXllc3NhbHR5Z29vZG5lc3P//////////wAAAAAAAAAAAAAD6OIW+Je7gwvjd4kYrb+49gKCfExw",
            "MgJBMD4mrhLkmgAngwR1pHjbWXaoGybtiAYr0moQ93GrBQsCzPbvl82rZhaXO3iH5uHo/RCEpOqp",
            "Pgg29363BGR+/Ripq/VCLKGNbw==",
        ],
    ),
    (
        "alphanumericallyalphanumericallyalphanumericallyalphanumerically",
        "password" * 32,  # published as four string pieces of 9, 9, 9 and 5 repetitions
        [
            "Af//////////////////////////////////////////AAAD6IAZJy7IQ7Y0idqSw/bmpngEEVVh",
            "gsH+8ptgqxw6ZVWQnohr8JsuwH9SwGtiebZuBu5smPCO+RFVWH2cQYslZijXv/BEH/txvhUrrtCd",
            "bWnSXS9oymiqwUIGs08sXI33ZA==",
        ],
    ),
]

RUST_PASSPHRASE = "1234"
RUST_LINES = [
    "Af7mGhlzQ+eGvHu93u0YXd3D/+vYMs3E7gQqOhuCtkvGAAAAASH7pEdWvFyAP1JUisAcpEo",
    "Xke2Q7Kr9hVl/SCc6jXBNeJCZcrUbUV4D/tRQIl3E9L4fOk928YI1J+3z96qiH0uE7hpsCI",
    "CkHKwjPU+0XTzFdIk1X8H7sZ+MD/2Sg/q3y8rtUjz7uEj4GUTnb+9SCOTVmJsRfqgUpM1CU",
    "bDLytHf1JkohY4tWEgpsCc67xdzgodjr12qYrfg/zNm3LGpxlrffJknw4rk5QFTj4kMbqbD",
    "ZZgDTni+HxRTDGge2J620lMOiznvXX+H09Rwruqx5aJvvaaKd86jWRpiO2oSFqHn4u5ONl9",
    "41uzm62Sj0eIm6ZbA9NQs87jQw4LxsejhZVL+NdjIg80zVSBTWhTdo0DTnbFSNP4ReOiz0U",
    "XosOF8A5T8Vdx2nvA0GXltfcHKVKQYh/LJAkNQ7P9UYL4ae/5TtQZkhB1KxCLTRWqADCl53",
    "uBMGpG53EMgY6G6K2DEIOkcv7sdXQF5WpemiSWZqJRWj+cjfs9BpCTbkp/rszWFl2TniWpR",
    "RqIbT2jORlN4rTvdtF0F4z1pqP4qWyR3sLNTkXm9CFRzWADNG0RDZKxbCoo6RPvtaCTfaHo",
    "SwfvzBS6CjfAG+FOugpV48o7+XetaUUPZ6/tZSPhCdeV8eP9q5r0QwWeXFogzoNzWt4HYx9",
    "MdXxzD+f0mtg5gzehrrEEARwI2bCvPpHxlt/Na9oW/GBpkjwR1LSKgg4CtpRyWngPjdEKpZ",
    "GYW19pdjg0qdXNk/eqZsQTsNWVo6A",
]


def b64decode(text: str) -> bytes:
    """Standard base64, padded or not (Rust writes it unpadded), strictly."""
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def keystream64(key: bytes, iv: bytes, length: int) -> bytes:
    """AES-256-CTR keystream with a 64-bit counter: the low half wraps, the high half stays."""
    high, low = iv[:8], int.from_bytes(iv[8:], "big")
    blocks = b"".join(
        high + ((low + i) % 2**64).to_bytes(8, "big") for i in range((length + 15) // 16)
    )
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return (enc.update(blocks) + enc.finalize())[:length]


def open_payload(payload: bytes, passphrase: str) -> dict[str, Any]:
    """Parses, authenticates and decrypts a payload; returns its fields and plaintext."""
    if payload[0] != 1 or len(payload) < 69:
        raise AssertionError(f"not a version-1 payload: {payload[:1].hex()}, {len(payload)} B")
    salt, iv = payload[1:17], payload[17:33]
    rounds = int.from_bytes(payload[33:37], "big")
    ciphertext, tag = payload[37:-32], payload[-32:]
    okm = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, rounds, 64)
    want = hmac.new(okm[32:], payload[:-32], hashlib.sha256).digest()
    if not hmac.compare_digest(want, tag):
        raise AssertionError("published MAC does not verify")
    stream = keystream64(okm[:32], iv, len(ciphertext))
    plaintext = bytes(a ^ b for a, b in zip(ciphertext, stream, strict=True))
    ctr128 = Cipher(algorithms.AES(okm[:32]), modes.CTR(iv)).decryptor().update(ciphertext)
    blocks = (len(ciphertext) + 15) // 16
    return {
        "salt": salt.hex(),
        "iv": iv.hex(),
        "rounds": rounds,
        "ciphertext": ciphertext.hex(),
        "mac": tag.hex(),
        "iv_bit63_set": bool(iv[8] & 0x80),
        "low64_counter_wraps": int.from_bytes(iv[8:], "big") + blocks - 1 >= 2**64,
        "ctr128_gives_same_plaintext": ctr128 == plaintext,
        "_plaintext": plaintext,
    }


def element_records() -> list[dict[str, Any]]:
    out = []
    for n, (plain, passphrase, lines) in enumerate(ELEMENT_VECTORS, 1):
        armoured = "\n".join([BEGIN, *lines, END])
        record = open_payload(b64decode("".join(lines)), passphrase)
        if record.pop("_plaintext") != plain.encode("utf-8"):
            raise AssertionError(f"Element vector {n} does not decrypt to its plaintext")
        record.update(
            id=f"element-web-{n}", plaintext=plain, passphrase=passphrase, armoured=armoured
        )
        out.append(record)
    return out


def rust_records() -> list[dict[str, Any]]:
    armoured = "\n".join([BEGIN, *RUST_LINES, END]) + "\n"
    record = open_payload(b64decode("".join(RUST_LINES)), RUST_PASSPHRASE)
    plaintext: bytes = record.pop("_plaintext")
    sessions = json.loads(plaintext.decode("utf-8"))
    if not isinstance(sessions, list) or not sessions:
        raise AssertionError("the Rust export is not a non-empty JSON list")
    reports = []
    for s in sessions:
        theirs_olm = olm.InboundGroupSession.import_session(s["session_key"])
        theirs_vodo = vodozemac.InboundGroupSession.import_session(
            vodozemac.ExportedSessionKey(s["session_key"])
        )
        index = b64decode(s["session_key"])[1:5]
        if not (theirs_olm.id == theirs_vodo.session_id == s["session_id"]):
            raise AssertionError("python-olm / vodozemac disagree with the recorded session id")
        if not (
            theirs_olm.first_known_index
            == theirs_vodo.first_known_index
            == int.from_bytes(index, "big")
        ):
            raise AssertionError("python-olm / vodozemac disagree on the first known index")
        reports.append(
            {"session_id": s["session_id"], "first_known_index": theirs_olm.first_known_index}
        )
    record.update(
        id="matrix-rust-sdk-TEST_EXPORT",
        passphrase=RUST_PASSPHRASE,
        armoured=armoured,
        plaintext=plaintext.decode("utf-8"),
        sessions=sessions,
        peer_reports=reports,
    )
    return [record]


def main() -> None:
    doc = {
        "description": (
            "Published MEGOLM SESSION DATA key export files, each decrypted by an "
            "independent implementation (hashlib PBKDF2, hmac, AES-ECB keystream with a "
            "64-bit counter) before writing; the Rust export's session keys were imported "
            "by python-olm 3.2.16 and vodozemac 0.10.0"
        ),
        "provenance": {"element_web": ELEMENT_SOURCE, "matrix_rust_sdk": RUST_SOURCE},
        "encoding": (
            "armoured files exactly as published; salt, iv, ciphertext and mac as hex; "
            "peer_reports: the session id and first known index that python-olm and "
            "vodozemac both report for each session key"
        ),
        "element_web": element_records(),
        "matrix_rust_sdk": rust_records(),
    }
    OUTPUT.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

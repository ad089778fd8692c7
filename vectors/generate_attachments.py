"""Write vectors/attachments.json: encrypted-attachment ("v2") test data, checked independently.

Published data, copied as data only:

* matrix-org/matrix-rust-sdk, crates/matrix-sdk-crypto/src/file_encryption/attachments.rs
  (commit 0f5851cc018e2a71b6f8e3a0d6efd9121ab5da3c), test ``real_decrypt``: EXAMPLE_DATA and
  ``example_key()``, which decrypt to "It's a secret to everybody".
* matrix-org/matrix-encrypt-attachment (the library Element Web uses), test/decrypt.Spec.js
  (commit 04e073b7d9408f1615978756d394bf128a5569a3): the three ``v2TestVectors``, the
  ``v1TestVectors`` entry (all-0xff counter block, so the 64-bit counter wraps after the first
  block) and the ``v0TestVectors`` entry (no "v": 128-bit counter), which olmpy rejects.
  Their JWKs have no "ext" field.
* matrix-org/matrix-spec, content/client-server-api/modules/end_to_end_encryption.md
  (commit 01a816d0daf9a180f6f08c6c5a2fa26a1499930b), the m.image example: two ``file`` objects
  without ciphertext, used as parse-only vectors.

Every ciphertext is re-derived here without olmpy and without OpenSSL's CTR mode: the key
stream is built block by block with AES-256-ECB (pyca/cryptography) over counter blocks
high64 || (low64 + i mod 2**64), the ciphertext's SHA-256 (hashlib) must equal the published
hash, and the result must equal the published plaintext.  For the v0 entry the same is done
with a 128-bit counter, which shows the two counter widths really differ there.

Generated entries (no published source) exercise the 64-bit wrap with a v2 ``file`` object
whose low half is close to 2**64; their ciphertext comes from the ECB construction and is
cross-checked against OpenSSL's CTR mode run in two segments split at the wrap.

Run: /work/venv/bin/python vectors/generate_attachments.py
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "attachments.json"

RUST_SDK = ("matrix-org/matrix-rust-sdk crates/matrix-sdk-crypto/src/file_encryption/"
            "attachments.rs at commit 0f5851cc018e2a71b6f8e3a0d6efd9121ab5da3c")
ENCRYPT_ATTACHMENT = ("matrix-org/matrix-encrypt-attachment test/decrypt.Spec.js at commit "
                      "04e073b7d9408f1615978756d394bf128a5569a3")
SPEC = ("matrix-org/matrix-spec content/client-server-api/modules/end_to_end_encryption.md at "
        "commit 01a816d0daf9a180f6f08c6c5a2fa26a1499930b (Sending encrypted attachments, example)")

_FF_KEY = {"kty": "oct", "key_ops": ["encrypt", "decrypt"],
           "k": "__________________________________________8", "alg": "A256CTR"}
_ALPHA = "YWxwaGFudW1lcmljYWxseWFscGhhbnVtZXJpY2FsbHlhbHBoYW51bWVyaWNhbGx5YWxwaGFudW1lcmljYWxseQ"

PUBLISHED: list[dict[str, Any]] = [
    {
        "id": "rust-sdk-real_decrypt",
        "source": RUST_SDK + ", test real_decrypt (EXAMPLE_DATA, example_key())",
        "ciphertext_hex": bytes([
            179, 154, 118, 127, 186, 127, 110, 33, 203, 33, 33, 134, 67, 100, 173, 46, 235, 27,
            215, 172, 36, 26, 75, 47, 33, 160]).hex(),
        "info": {
            "v": "v2",
            "key": {"kty": "oct", "alg": "A256CTR", "ext": True,
                    "k": "Voq2nkPme_x8no5-Tjq_laDAdxE6iDbxnlQXxwFPgE4",
                    "key_ops": ["encrypt", "decrypt"]},
            "iv": "i0DovxYdJEcAAAAAAAAAAA",
            "hashes": {"sha256": "ANdt819a8bZl4jKy3Z+jcqtiNICa2y0AW4BBJ/iQRAU"},
        },
        "plaintext_hex": b"It's a secret to everybody".hex(),
        "counter_bits": 64,
    },
    {
        "id": "encrypt-attachment-v2-empty",
        "source": ENCRYPT_ATTACHMENT + ", v2TestVectors[0]",
        "ciphertext_b64": "",
        "info": {"iv": "AAAAAAAAAAAAAAAAAAAAAA",
                 "key": {"kty": "oct", "key_ops": ["encrypt", "decrypt"],
                         "k": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "alg": "A256CTR"},
                 "v": "v2", "hashes": {"sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"}},
        "plaintext_b64": "",
        "counter_bits": 64,
    },
    {
        "id": "encrypt-attachment-v2-hello",
        "source": ENCRYPT_ATTACHMENT + ", v2TestVectors[1]",
        "ciphertext_b64": "5xJZTt5cQicm+9f4",
        "info": {"iv": "//////////8AAAAAAAAAAA", "key": _FF_KEY, "v": "v2",
                 "hashes": {"sha256": "YzF08lARDdOCzJpzuSwsjTNlQc4pHxpdHcXiD/wpK6k"}},
        "plaintext_b64": "SGVsbG8sIFdvcmxk",
        "counter_bits": 64,
    },
    {
        "id": "encrypt-attachment-v2-alphanumerically",
        "source": ENCRYPT_ATTACHMENT + ", v2TestVectors[2]",
        "ciphertext_b64": ("zhtFStAeFx0s+9L/sSQO+WQMtldqYEHqTxMduJrCIpnkyer09kxJJuA4K+adQE4w+7jZe"
                           "/vR9kIcqj9rOhDR8Q"),
        "info": {"iv": "//////////8AAAAAAAAAAA", "key": _FF_KEY, "v": "v2",
                 "hashes": {"sha256": "IOq7/dHHB+mfHfxlRY5XMeCWEwTPmlf4cJcgrkf6fVU"}},
        "plaintext_b64": _ALPHA,
        "counter_bits": 64,
    },
    {
        "id": "encrypt-attachment-v1-counter-wraps",
        "source": ENCRYPT_ATTACHMENT + ", v1TestVectors[0]",
        "ciphertext_b64": ("tJVNBVJ/vl36UQt4Y5e5m84bRUrQHhcdLPvS/7EkDvlkDLZXamBB6k8THbiawiKZ5Mnq9"
                           "PZMSSbgOCvmnUBOMA"),
        "info": {"iv": "/////////////////////w", "key": _FF_KEY, "v": "v1",
                 "hashes": {"sha256": "LYG/orOViuFwovJpv2YMLSsmVKwLt7pY3f8SYM7KU5E"}},
        "plaintext_b64": _ALPHA,
        "counter_bits": 64,
    },
]

REJECTED: list[dict[str, Any]] = [
    {
        "id": "encrypt-attachment-v0-no-version",
        "source": ENCRYPT_ATTACHMENT + ", v0TestVectors[0] (decrypted only in browsers)",
        "ciphertext_b64": ("tJVNBVJ/vl36UQt4Y5e5myqUL3M8OtjRVQljZ+LlwbJeucRIM7CeKDJGGOjlJ1bqpqUdl"
                           "6zytXJ3dCyvnUi4eQ"),
        "info": {"iv": "/////////////////////w", "key": _FF_KEY,
                 "hashes": {"sha256": "/K4w3G4zlLK312k66KxNPKDkWCn2QAH5aphAkuncTrQ"}},
        "plaintext_b64": _ALPHA,
        "counter_bits": 128,
        "olmpy_error": "AttachmentVersionError",
    },
]

SPEC_INFO: list[dict[str, Any]] = [
    {
        "id": "spec-example-file",
        "source": SPEC + ", content.file",
        "info": {"url": "mxc://example.org/FHyPlCeYUSFFxlgbQYZmoEoe", "v": "v2",
                 "key": {"alg": "A256CTR", "ext": True,
                         "k": "aWF6-32KGYaC3A_FEUCk1Bt0JA37zP0wrStgmdCaW-0",
                         "key_ops": ["encrypt", "decrypt"], "kty": "oct"},
                 "iv": "w+sE15fzSc0AAAAAAAAAAA",
                 "hashes": {"sha256": "fdSLu/YkRx3Wyh3KQabP3rd6+SFiKg5lsJZQHtkSAYA"}},
    },
    {
        "id": "spec-example-thumbnail_file",
        "source": SPEC + ", content.info.thumbnail_file",
        "info": {"hashes": {"sha256": "/NogKqW5bz/m8xHgFiH5haFGjCNVmUIPLzfvOhHdrxY"},
                 "iv": "U+k7PfwLr6UAAAAAAAAAAA",
                 "key": {"alg": "A256CTR", "ext": True,
                         "k": "RMyd6zhlbifsACM1DXkCbioZ2u0SywGljTH8JmGcylg",
                         "key_ops": ["encrypt", "decrypt"], "kty": "oct"},
                 "url": "mxc://example.org/pmVJxyxGlmxHposwVSlOaEOv", "v": "v2"},
    },
]


def _b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def keystream_ecb(key: bytes, iv: bytes, length: int, counter_bits: int) -> bytes:
    """AES-256 key stream built explicitly: ECB over each counter block in turn."""
    ecb = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    value = int.from_bytes(iv, "big")
    mask = (1 << counter_bits) - 1
    fixed = value & ~mask
    out = bytearray()
    for i in range((length + 15) // 16):
        block = fixed | ((value + i) & mask)
        out += ecb.update(block.to_bytes(16, "big"))
    return bytes(out[:length])


def ctr_openssl_split(key: bytes, iv: bytes, data: bytes) -> bytes:
    """OpenSSL's 128-bit CTR run in two segments split where a 64-bit counter wraps."""
    low = int.from_bytes(iv[8:], "big")
    first = ((1 << 64) - low) * 16
    head = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor().update(data[:first])
    if len(data) <= first:
        return head
    tail_iv = iv[:8] + bytes(8)
    return head + Cipher(algorithms.AES(key), modes.CTR(tail_iv)).encryptor().update(data[first:])


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def _complete(case: dict[str, Any]) -> dict[str, Any]:
    """Adds hex fields and checks the case with the ECB construction."""
    info = case["info"]
    key = _b64u(info["key"]["k"])
    iv = _b64d(info["iv"])
    if "ciphertext_hex" in case:
        ciphertext = bytes.fromhex(case["ciphertext_hex"])
    else:
        ciphertext = _b64d(case["ciphertext_b64"])
    plaintext = (bytes.fromhex(case["plaintext_hex"]) if "plaintext_hex" in case
                 else _b64d(case["plaintext_b64"]))
    assert len(key) == 32 and len(iv) == 16, case["id"]
    assert hashlib.sha256(ciphertext).digest() == _b64d(info["hashes"]["sha256"]), case["id"]
    stream = keystream_ecb(key, iv, len(ciphertext), case["counter_bits"])
    assert _xor(ciphertext, stream) == plaintext, case["id"]
    if case["counter_bits"] == 64:
        assert ctr_openssl_split(key, iv, plaintext) == ciphertext, case["id"]
    out = dict(case)
    out["ciphertext_hex"] = ciphertext.hex()
    out["plaintext_hex"] = plaintext.hex()
    out["key_hex"] = key.hex()
    out["iv_hex"] = iv.hex()
    out["sha256_hex"] = hashlib.sha256(ciphertext).hexdigest()
    out.pop("ciphertext_b64", None)
    out.pop("plaintext_b64", None)
    return out


def _generated() -> list[dict[str, Any]]:
    """v2 objects with a non-zero low half that wraps; ciphertext from the ECB construction."""
    cases = []
    key = hashlib.sha256(b"olmpy attachment wrap key").digest()
    plaintext = bytes((7 * i + 3) % 256 for i in range(100))
    for blocks_before_wrap in (1, 2, 5):
        low = (1 << 64) - blocks_before_wrap
        iv = hashlib.sha256(b"olmpy attachment wrap iv").digest()[:8] + low.to_bytes(8, "big")
        ciphertext = _xor(plaintext, keystream_ecb(key, iv, len(plaintext), 64))
        assert ctr_openssl_split(key, iv, plaintext) == ciphertext
        # A plain 128-bit counter (rust-sdk's Ctr128BE) agrees only up to the wrap.
        ctr128 = _xor(plaintext, keystream_ecb(key, iv, len(plaintext), 128))
        assert ctr128[: 16 * blocks_before_wrap] == ciphertext[: 16 * blocks_before_wrap]
        assert ctr128[16 * blocks_before_wrap:] != ciphertext[16 * blocks_before_wrap:]
        cases.append({
            "id": f"generated-v2-wrap-after-{blocks_before_wrap}",
            "source": "generated: AES-256-ECB key stream with a 64-bit counter (this script)",
            "info": {"v": "v2",
                     "key": {"kty": "oct", "key_ops": ["encrypt", "decrypt"], "alg": "A256CTR",
                             "k": base64.urlsafe_b64encode(key).decode().rstrip("="),
                             "ext": True},
                     "iv": _b64e(iv),
                     "hashes": {"sha256": _b64e(hashlib.sha256(ciphertext).digest())}},
            "ciphertext_hex": ciphertext.hex(),
            "plaintext_hex": plaintext.hex(),
            "counter_bits": 64,
            "ciphertext_128bit_counter_hex": ctr128.hex(),
        })
    return cases


def _spec_info(case: dict[str, Any]) -> dict[str, Any]:
    info = case["info"]
    out = dict(case)
    out["key_hex"] = _b64u(info["key"]["k"]).hex()
    out["iv_hex"] = _b64d(info["iv"]).hex()
    out["sha256_hex"] = _b64d(info["hashes"]["sha256"]).hex()
    assert len(out["key_hex"]) == 64 and len(out["iv_hex"]) == 32
    assert out["iv_hex"].endswith("0" * 16)
    return out


def generate() -> dict[str, Any]:
    """The whole document, every entry checked."""
    return {
        "provenance": {
            "published": [RUST_SDK, ENCRYPT_ATTACHMENT, SPEC],
            "check": ("each ciphertext re-derived with an AES-256-ECB key stream "
                      "(pyca/cryptography) and hashed with hashlib; no olmpy code"),
        },
        "decrypt": [_complete(c) for c in PUBLISHED] + [_complete(c) for c in _generated()],
        "rejected": [_complete(c) for c in REJECTED],
        "info_only": [_spec_info(c) for c in SPEC_INFO],
    }


def main() -> None:
    doc = generate()
    OUTPUT.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(doc['decrypt'])} decrypt, {len(doc['rejected'])} rejected, "
          f"{len(doc['info_only'])} info-only)")


if __name__ == "__main__":
    main()

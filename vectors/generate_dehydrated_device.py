"""Known-answer data for MSC3814 dehydrated devices in vodozemac's format.

Provenance: the record layout and the encryption (ChaCha20-Poly1305, 32-byte key, 12-byte
nonce, no associated data, unpadded base64) are read from vodozemac's source,
src/olm/account/mod.rs (module ``dehydrated_device``: ``to_dehydrated_device`` /
``from_dehydrated_device``).  No vodozemac with dehydration can run here (the PyPI binding,
0.10.0, does not expose it, and no other registry is reachable), so this script builds the
record itself from fixed secrets, without olmpy: struct packing, OpenSSL's ChaCha20-Poly1305
through cryptography, and libsodium (PyNaCl) for the public keys the test expects.

Run: python vectors/generate_dehydrated_device.py > vectors/dehydrated_device.json
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from nacl import bindings


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def fixed(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def case(name: str, otks: int, fallback: bool) -> dict[str, object]:
    key = fixed(f"{name} key")
    nonce = fixed(f"{name} nonce")[:12]
    curve = fixed(f"{name} curve25519")
    seed = fixed(f"{name} ed25519 seed")
    one_time = [fixed(f"{name} otk {i}") for i in range(otks)]
    fallback_secret = fixed(f"{name} fallback") if fallback else None
    raw = struct.pack(">I", 1) + curve + seed + struct.pack(">I", otks) + b"".join(one_time)
    raw += b"\x01" + fallback_secret if fallback_secret else b"\x00"
    sealed = ChaCha20Poly1305(key).encrypt(nonce, raw, None)
    ed_public, _ = bindings.crypto_sign_seed_keypair(seed)
    return {
        "name": name,
        "key_hex": key.hex(),
        "device_pickle": b64(sealed),
        "nonce": b64(nonce),
        "plaintext_hex": raw.hex(),
        "expected": {
            "curve25519": b64(bindings.crypto_scalarmult_base(curve)),
            "ed25519": b64(ed_public),
            "one_time_keys": [b64(bindings.crypto_scalarmult_base(s)) for s in one_time],
            "fallback_key": (
                b64(bindings.crypto_scalarmult_base(fallback_secret)) if fallback_secret else None
            ),
        },
    }


def main() -> None:
    doc = {
        "provenance": (
            "Layout and cipher from vodozemac src/olm/account/mod.rs (dehydrated_device "
            "module); records built by vectors/generate_dehydrated_device.py from fixed "
            "secrets with struct, cryptography (ChaCha20-Poly1305) and libsodium, not by "
            "olmpy and not by vodozemac (no vodozemac with dehydration is reachable here)."
        ),
        "cases": [
            case("three keys and a fallback", 3, True),
            case("no keys", 0, False),
            case("fifty keys", 50, True),
        ],
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

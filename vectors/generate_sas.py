"""Generate vectors/sas.json: known answers for SAS verification (m.sas.v1).

Four parts, each with its provenance in the JSON:

* ``libolm``: fixed-input vectors.  python-olm's ``Sas`` draws its key from the OS,
  but its ``_create_sas(random, length)`` hands the bytes straight to libolm's
  ``olm_create_sas``, which uses them as the X25519 private key.  Two libolm SAS
  objects with fixed private keys therefore give fully reproducible outputs:
  ``generate_bytes``, ``calculate_mac_fixed_base64`` (hkdf-hmac-sha256.v2),
  ``calculate_mac`` (hkdf-hmac-sha256, libolm's broken base64) and
  ``calculate_mac_long_kdf`` (hmac-sha256), checked equal from both sides and
  recomputed with PyNaCl (X25519) and pyca/cryptography (HKDF, HMAC) before writing.
* ``vodozemac``: a recording.  vodozemac's ``Sas`` takes no fixed key, so the olmpy
  side's private key is fixed and vodozemac's public key is recorded with its
  outputs (emoji indices, decimals, ``calculate_mac``,
  ``calculate_mac_invalid_base64``); olmpy, holding the fixed key, re-derives the
  same shared secret.  Each MAC is also checked against libolm holding the same
  fixed key.  Running the script again records a different vodozemac key, so it
  refuses to overwrite the committed file without --force.
* ``published``: vectors copied from public test suites (vodozemac's emoji/decimal
  tests, libolm's test_sas.cpp key pairs, matrix-rust-sdk's commitment test).
* ``emoji_table``: the spec's sas-emoji.json (number, code points, English name).

Run: /work/venv/bin/python vectors/generate_sas.py --force
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import json
from pathlib import Path
from typing import Any

import olm
import vodozemac
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl.bindings import crypto_scalarmult

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "sas.json"

# RFC 7748 section 6.1's X25519 private keys, used by libolm's tests/test_sas.cpp.
RFC7748_ALICE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
RFC7748_BOB = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"

KEY_PAIRS = [
    ("rfc7748", RFC7748_ALICE, RFC7748_BOB),
    ("counting", bytes(range(32)).hex(), bytes(range(32, 64)).hex()),
    (
        "sha256",
        hashlib.sha256(b"olmpy sas vector alice").hexdigest(),
        hashlib.sha256(b"olmpy sas vector bob").hexdigest(),
    ),
]

VODOZEMAC_OUR_PRIVATE = hashlib.sha256(b"olmpy sas vector vodozemac peer").hexdigest()


def cases(start_key: str, accept_key: str) -> list[dict[str, str]]:
    """(id, info, MAC input) triples: edge cases plus the strings a real exchange uses."""
    sas_info = (
        "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICEDEVICE|"
        f"{start_key}|@bob:example.org|BOBDEVICE|{accept_key}|txn-0001"
    )
    mac_info = (
        "MATRIX_KEY_VERIFICATION_MAC@alice:example.org"
        "ALICEDEVICE@bob:example.org"
        "BOBDEVICEtxn-0001"
    )
    return [
        {"id": "empty", "info": "", "input": ""},
        {"id": "ascii", "info": "MAC", "input": "Hello world!"},
        {"id": "sas-info", "info": sas_info, "input": ""},
        {
            "id": "legacy-sas-info",
            "info": "MATRIX_KEY_VERIFICATION_SAS@alice:example.orgALICEDEVICE"
            "@bob:example.orgBOBDEVICEtxn-0001",
            "input": "",
        },
        {
            "id": "mac-ed25519",
            "info": mac_info + "ed25519:ALICEDEVICE",
            "input": "qRLxkbGqjqjNl28pPJvafsDoW4i2ctEjMuZcxD8VYFg",
        },
        {
            "id": "mac-key-ids",
            "info": mac_info + "KEY_IDS",
            "input": "ed25519:ALICEDEVICE,ed25519:qRLxkbGqjqjNl28pPJvafsDoW4i2ctEjMuZcxD8VYFg",
        },
        {"id": "unicode", "info": "info \u00fc\U0001f436 \u65e5\u672c", "input": "\u00e9\u00e8\0x"},
        {"id": "long", "info": "i" * 300, "input": "m" * 5000},
    ]


class LibolmSas:
    """python-olm's Sas, re-created with a fixed X25519 private key."""

    def __init__(self, private_hex: str) -> None:
        self.sas = olm.Sas()
        self.sas._create_sas(bytes.fromhex(private_hex), 32)  # olm_create_sas(random = key)

    @property
    def pubkey(self) -> str:
        return str(self.sas.pubkey)

    def set_their(self, key: str) -> None:
        self.sas.set_their_pubkey(key)

    def outputs(self, info: str, data: str) -> dict[str, str]:
        return {
            "bytes6": self.sas.generate_bytes(info, 6).hex(),
            "bytes64": self.sas.generate_bytes(info, 64).hex(),
            "mac_v2": self.sas.calculate_mac_fixed_base64(data, info),
            "mac_v1": self.sas.calculate_mac(data, info),
            "mac_long_kdf": self.sas.calculate_mac_long_kdf(data, info),
        }


def _hkdf(secret: bytes, info: str, n: int) -> bytes:
    return HKDF(hashes.SHA256(), n, None, info.encode()).derive(secret)


def _hmac(key: bytes, data: str) -> bytes:
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(data.encode())
    return h.finalize()


def independent_check(secret: bytes, case: dict[str, str], outputs: dict[str, str]) -> None:
    """Recomputes the outputs with pyca/cryptography and base64 (no libolm, no olmpy).

    The broken-base64 MACs cannot be re-encoded independently; of them, the characters
    that libolm's in-place encoder leaves correct (0-3, 6, 7, 11) are checked.
    """
    info, data = case["info"], case["input"]
    assert _hkdf(secret, info, 6).hex() == outputs["bytes6"]
    assert _hkdf(secret, info, 64).hex() == outputs["bytes64"]
    short = _hmac(_hkdf(secret, info, 32), data)
    long = _hmac(_hkdf(secret, info, 256), data)
    assert base64.b64encode(short).decode().rstrip("=") == outputs["mac_v2"]
    for mac, broken in ((short, outputs["mac_v1"]), (long, outputs["mac_long_kdf"])):
        good = base64.b64encode(mac).decode()
        assert len(broken) == 43
        assert all(good[i] == broken[i] for i in (0, 1, 2, 3, 6, 7, 11))


def libolm_part() -> list[dict[str, Any]]:
    records = []
    for name, alice_hex, bob_hex in KEY_PAIRS:
        alice, bob = LibolmSas(alice_hex), LibolmSas(bob_hex)
        secret = crypto_scalarmult(bytes.fromhex(alice_hex), base64.b64decode(bob.pubkey + "="))
        alice.set_their(bob.pubkey)
        bob.set_their(alice.pubkey)
        out = []
        for case in cases(alice.pubkey, bob.pubkey):
            mine = alice.outputs(case["info"], case["input"])
            assert mine == bob.outputs(case["info"], case["input"]), (name, case["id"])
            independent_check(secret, case, mine)
            out.append({**case, **mine})
        records.append({
            "id": name,
            "alice_private": alice_hex,
            "bob_private": bob_hex,
            "alice_public": alice.pubkey,
            "bob_public": bob.pubkey,
            "cases": out,
        })
    return records


def vodozemac_part() -> dict[str, Any]:
    peer = vodozemac.Sas()
    peer_public = peer.public_key.to_base64()
    libolm_side = LibolmSas(VODOZEMAC_OUR_PRIVATE)
    libolm_side.set_their(peer_public)
    established = peer.diffie_hellman(vodozemac.Curve25519PublicKey.from_base64(libolm_side.pubkey))
    out = []
    for case in cases(libolm_side.pubkey, peer_public):
        info, data = case["info"], case["input"]
        sas_bytes = established.bytes(info)
        rec = {
            **case,
            "emoji_indices": list(sas_bytes.emoji_indices),
            "decimals": list(sas_bytes.decimals),
            "mac_v2": established.calculate_mac(data, info),
            "mac_v1": established.calculate_mac_invalid_base64(data, info),
        }
        mine = libolm_side.outputs(info, data)
        assert rec["mac_v2"] == mine["mac_v2"], case["id"]
        assert rec["mac_v1"] == mine["mac_v1"], case["id"]
        out.append(rec)
    return {
        "our_private": VODOZEMAC_OUR_PRIVATE,
        "our_public": libolm_side.pubkey,
        "vodozemac_public": peer_public,
        "cases": out,
    }


def published_part() -> dict[str, Any]:
    return {
        "vodozemac_sas_bytes": {
            "provenance": "matrix-org/vodozemac src/sas.rs, tests emoji_generation and "
            "decimal_generation",
            "cases": [
                {"bytes": "000000000000", "emoji_indices": [0] * 7,
                 "decimals": [1000, 1000, 1000]},
                {"bytes": "ffffffffffff", "emoji_indices": [63] * 7,
                 "decimals": [9191, 9191, 9191]},
            ],
        },
        "libolm_test_sas_keys": {
            "provenance": "libolm tests/test_sas.cpp (libolm mirror xinsight/olm, commit "
            "ded55f50536d852b544c7255551fc3b8c1e7b044); the private keys are RFC 7748 "
            "section 6.1's",
            "cases": [
                {"private": RFC7748_ALICE,
                 "public": "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo"},
                {"private": RFC7748_BOB,
                 "public": "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08"},
            ],
        },
        "rust_sdk_commitment": {
            "provenance": "matrix-org/matrix-rust-sdk crates/matrix-sdk-crypto/src/"
            "verification/sas/helpers.rs, test commitment_calculation",
            "public_key": "Q/NmNFEUS1fS+YeEmiZkjjblKTitrKOAk7cPEumcMlg",
            "start_content": {
                "from_device": "XOWLHHFSWM",
                "transaction_id": "bYxBsirjUJO9osar6ST4i2M2NjrYLA7l",
                "method": "m.sas.v1",
                "key_agreement_protocols": ["curve25519-hkdf-sha256", "curve25519"],
                "hashes": ["sha256"],
                "message_authentication_codes": ["hkdf-hmac-sha256", "hmac-sha256"],
                "short_authentication_string": ["decimal", "emoji"],
            },
            "commitment": "CCQmB4JCdB0FW21FdAnHj/Hu8+W9+Nb0vgwPEnZZQ4g",
        },
    }


# matrix-org/matrix-spec data-definitions/sas-emoji.json: (number, unicode, description).
EMOJI_TABLE = [
    (0, "U+1F436", "Dog"), (1, "U+1F431", "Cat"), (2, "U+1F981", "Lion"),
    (3, "U+1F40E", "Horse"), (4, "U+1F984", "Unicorn"), (5, "U+1F437", "Pig"),
    (6, "U+1F418", "Elephant"), (7, "U+1F430", "Rabbit"), (8, "U+1F43C", "Panda"),
    (9, "U+1F413", "Rooster"), (10, "U+1F427", "Penguin"), (11, "U+1F422", "Turtle"),
    (12, "U+1F41F", "Fish"), (13, "U+1F419", "Octopus"), (14, "U+1F98B", "Butterfly"),
    (15, "U+1F337", "Flower"), (16, "U+1F333", "Tree"), (17, "U+1F335", "Cactus"),
    (18, "U+1F344", "Mushroom"), (19, "U+1F30F", "Globe"), (20, "U+1F319", "Moon"),
    (21, "U+2601U+FE0F", "Cloud"), (22, "U+1F525", "Fire"), (23, "U+1F34C", "Banana"),
    (24, "U+1F34E", "Apple"), (25, "U+1F353", "Strawberry"), (26, "U+1F33D", "Corn"),
    (27, "U+1F355", "Pizza"), (28, "U+1F382", "Cake"), (29, "U+2764U+FE0F", "Heart"),
    (30, "U+1F600", "Smiley"), (31, "U+1F916", "Robot"), (32, "U+1F3A9", "Hat"),
    (33, "U+1F453", "Glasses"), (34, "U+1F527", "Spanner"), (35, "U+1F385", "Santa"),
    (36, "U+1F44D", "Thumbs Up"), (37, "U+2602U+FE0F", "Umbrella"),
    (38, "U+231B", "Hourglass"), (39, "U+23F0", "Clock"), (40, "U+1F381", "Gift"),
    (41, "U+1F4A1", "Light Bulb"), (42, "U+1F4D5", "Book"), (43, "U+270FU+FE0F", "Pencil"),
    (44, "U+1F4CE", "Paperclip"), (45, "U+2702U+FE0F", "Scissors"), (46, "U+1F512", "Lock"),
    (47, "U+1F511", "Key"), (48, "U+1F528", "Hammer"), (49, "U+260EU+FE0F", "Telephone"),
    (50, "U+1F3C1", "Flag"), (51, "U+1F682", "Train"), (52, "U+1F6B2", "Bicycle"),
    (53, "U+2708U+FE0F", "Aeroplane"), (54, "U+1F680", "Rocket"), (55, "U+1F3C6", "Trophy"),
    (56, "U+26BD", "Ball"), (57, "U+1F3B8", "Guitar"), (58, "U+1F3BA", "Trumpet"),
    (59, "U+1F514", "Bell"), (60, "U+2693", "Anchor"), (61, "U+1F3A7", "Headphones"),
    (62, "U+1F4C1", "Folder"), (63, "U+1F4CC", "Pin"),
]


def generate() -> dict[str, Any]:
    return {
        "description": "Known answers for SAS verification (m.sas.v1). See vectors/README.md.",
        "generator": "vectors/generate_sas.py",
        "encoding": "hex for private keys and HKDF bytes; unpadded standard base64 for "
        "public keys; MACs exactly as each library returns them",
        "python_olm_version": importlib.metadata.version("python-olm"),
        "vodozemac_python_version": importlib.metadata.version("vodozemac"),
        "libolm": {
            "provenance": "libolm via python-olm: Sas()._create_sas(fixed private key) calls "
            "olm_create_sas with the key as its randomness; outputs of generate_bytes, "
            "calculate_mac_fixed_base64 (mac_v2), calculate_mac (mac_v1), "
            "calculate_mac_long_kdf (mac_long_kdf), equal from both sides",
            "pairs": libolm_part(),
        },
        "vodozemac": {
            "provenance": "vodozemac Python binding: Sas() (OS randomness; public key "
            "recorded), diffie_hellman with the fixed key's public key; bytes(info)."
            "emoji_indices/decimals, calculate_mac (mac_v2), calculate_mac_invalid_base64 "
            "(mac_v1); every MAC checked equal to libolm's with the fixed key",
            **vodozemac_part(),
        },
        "published": published_part(),
        "emoji_table": {
            "provenance": "matrix-org/matrix-spec data-definitions/sas-emoji.json (commit "
            "9e94fb8dbc5db00be5b803e5757c402270674d78): fields number, unicode, description",
            "entries": [
                {"number": n, "unicode": u, "description": d} for n, u, d in EMOJI_TABLE
            ],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--force", action="store_true", help="overwrite the recording")
    args = parser.parse_args()
    if OUTPUT.exists() and not args.force:
        print(f"{OUTPUT} exists; its vodozemac part is a recording. Use --force to replace it.")
        return 1
    doc = generate()
    text = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Writes the known answers of the ARM64 harness (tools/arm64/kat.c) as a C header.

Every record is a kind, an id and up to eight hex strings; the harness decodes the hex and
knows what each field of each kind means.  Where the answers come from:

- published documents, through the project's vector files: SHA-256 (FIPS 180-2 / CAVP),
  HMAC-SHA-256 (RFC 4231), HKDF-SHA-256 (RFC 5869), Ed25519 (RFC 8032), AES-256-CBC with
  PKCS#7 (pyca/cryptography, vectors/aes256_cbc_pkcs7_cryptography.json), encrypted
  attachments (matrix-rust-sdk, matrix-encrypt-attachment: vectors/attachments.json);
- pyca/cryptography's AES-256 in ECB mode on counter blocks written out here, with hashlib's
  SHA-256: longer attachments whose 64-bit counter wraps (the fused 64-byte pass);
- libolm and vodozemac, through the project's vector files: the Megolm ratchet and messages
  (vectors/libolm_megolm.json), Olm chains and messages (vectors/libolm_olm.json), libolm
  pickles (vectors/pickles.json), PK encryption (vectors/pk.json), recovery keys
  (vectors/secret_storage.json);
- Python's standard library: SHA-512 (hashlib), base64, hex;
- olmpy's pure-Python backend (olmpy._pure), which the test suite checks against libolm and
  vodozemac, for the JSON rewrites of vodozemac pickles and vodozemac's inbound group session
  layout, where no vector file records the intermediate text.

Usage: make_kat_vectors.py OUT.h   (run with a Python that can import olmpy)
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ROOT = Path(__file__).resolve().parents[2]
V = ROOT / "vectors"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OLMPY_BACKEND", "python")
from olmpy import _pure  # noqa: E402

records: list[tuple[str, str, list[str]]] = []


def add(kind: str, ident: str, *fields: bytes | str | int) -> None:
    out = []
    for f in fields:
        if isinstance(f, int):
            f = (f & 0xFFFFFFFF).to_bytes(4, "big")
        if isinstance(f, str):
            f = f.encode()
        out.append(f.hex())
    assert len(out) <= 8
    records.append((kind, ident, out))


def load(name: str) -> dict:
    return json.loads((V / name).read_text(encoding="utf-8"))


def b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hx(text: str) -> bytes:
    return bytes.fromhex(text)


# --- primitives -------------------------------------------------------------------------
for c in load("published/sha256_fips180.json")["cases"]:
    if "repeat" in c:  # one million "a": byte and count, expanded by the harness
        add(
            "SHA256_REPEAT", c["id"], hx(c["repeat"]["byte"]), c["repeat"]["count"], hx(c["digest"])
        )
    else:
        add("SHA256", c["id"], hx(c["message"]), hx(c["digest"]))
for c in load("published/hmac_sha256_rfc4231.json")["cases"]:
    add("HMAC", c["id"], hx(c["key"]), hx(c["data"]), hx(c["mac"]))
for c in load("published/hkdf_sha256_rfc5869.json")["cases"]:
    add("HKDF", c["id"], hx(c["salt"]), hx(c["ikm"]), hx(c["info"]), hx(c["okm"]))
for c in load("aes256_cbc_pkcs7_cryptography.json")["cases"]:
    add("AES", c["id"], hx(c["key"]), hx(c["iv"]), hx(c["plaintext"]), hx(c["ciphertext"]))
for n in (0, 3, 111, 112, 127, 128, 239, 240, 1000):
    msg = bytes((i * 13 + n) & 0xFF for i in range(n)) if n != 3 else b"abc"
    add("SHA512", f"hashlib-len{n}", msg, hashlib.sha512(msg).digest())
for c in load("published/ed25519_rfc8032.json")["cases"]:
    add(
        "ED25519",
        c["id"],
        hx(c["public_key"]),
        hx(c["message"]),
        hx(c["signature"]),
        hx(c["secret_key"]),
    )
for n in (0, 1, 2, 3, 47, 48, 49, 95, 96, 200, 767, 768, 769, 1500, 3000):
    raw = bytes((i * 7 + 3 * n) & 0xFF for i in range(n))
    add("B64", f"stdlib-len{n}", raw, base64.b64encode(raw).rstrip(b"="))
    if n % 3:
        add("B64PAD", f"stdlib-padded-len{n}", raw, base64.b64encode(raw))
good = base64.b64encode(bytes(range(96))).decode()
for pos in (0, 17, 63, 64, 100, 127):
    add("B64BAD", f"bad-char-at-{pos}", (good[:pos] + "*" + good[pos + 1 :]).encode(), -2)
add("B64BAD", "trailing-bits", b"AB", -6)
add("B64BAD", "length-1-mod-4", b"ABCDE", -2)
for n in (0, 1, 32, 100):
    raw = hashlib.sha256(b"hex %d" % n).digest() * 4
    raw = raw[:n]
    add("HEX", f"hex-len{n}", raw.hex().encode(), raw)
add("HEXBAD", "uppercase", b"ABCD", -2)

# --- Megolm ----------------------------------------------------------------------------
mg = load("libolm_megolm.json")
for a in mg["advance"]:
    state = hx(a["ratchet"]) + a["counter"].to_bytes(4, "big")
    add(
        "MEGOLM_ADVANCE",
        a["id"],
        state,
        a["target"],
        hx(a["expected"]) + a["target"].to_bytes(4, "big"),
    )
for s in mg["sessions"]:
    if "messages" not in s:
        continue
    state0 = hx(s["ratchet"]) + int(s["counter"]).to_bytes(4, "big")
    for m in s["messages"]:
        add(
            "MEGOLM_MSG",
            f"{s['id']}-{m['index']}",
            state0,
            hx(s["ed25519_public"]),
            b64d(m["message"]),
            int(m["index"]),
            hx(m["plaintext"]),
            hx(s["ed25519_seed"]) if "ed25519_seed" in s else b"",
        )

# --- Olm -------------------------------------------------------------------------------
for e in load("libolm_olm.json")["exchanges"]:
    for m in e["messages"]:
        if int(m["type"]) != 1:
            continue
        d = m["derived"]
        add(
            "OLM_MSG",
            f"{e['id']}-{m['index']}",
            hx(d["chain_key"]),
            int(d["chain_index"]),
            hx(d["ratchet_key"]),
            b64d(m["body"]),
            hx(d["message_key"]),
            hx(m["plaintext"]),
        )

# --- pickles ---------------------------------------------------------------------------
for r in load("pickles.json")["records"]:
    if r["format"] == "libolm":
        key = r["key"].encode()
        raw = _pure.pickle_open(key, r["pickle"], "kat")
        add("PICKLE", f"libolm-{r['type']}", key, r["pickle"], raw)
    elif r["format"] == "vodozemac":
        key = hx(r["key_hex"])
        marked = _pure.pickle_open_json(key, r["pickle"], "kat")
        resealed = _pure.pickle_seal_json(key, marked)
        raw = _pure.pickle_open(key, r["pickle"], "kat")
        add(
            "PICKLE_JSON",
            f"vodozemac-{r['type']}",
            key,
            r["pickle"],
            marked,
            resealed,
            raw,
            _pure.json_arrays_to_hex(raw),
            _pure.json_hex_to_arrays(marked),
        )
        if r["type"] == "inbound_group_session":
            got = _pure.igs_vodozemac_open(key, r["pickle"], "kat")
            assert got is not None
            state, public, verified = got
            add(
                "IGS",
                "vodozemac-inbound_group_session",
                key,
                r["pickle"],
                bytes(state),
                public,
                int(verified),
                _pure.igs_vodozemac_seal(key, state, public, verified),
            )

# --- recovery keys, PK -----------------------------------------------------------------
for k in load("secret_storage.json")["keys"]:
    if k.get("recovery_key"):
        add(
            "RECOVERY",
            k["id"],
            hx(k["key_hex"]),
            k["recovery_key"],
            k["recovery_key"].replace(" ", ""),
        )
pk = load("pk.json")["libolm_encryptions"]
for m in pk["messages"]:
    add(
        "PK",
        f"libolm-{m['id']}",
        hx(pk["recipient_private_key_hex"]),
        b64d(pk["recipient_public_key"]),
        hx(m["ephemeral_secret_hex"]),
        b64d(m["ephemeral"]),
        b64d(m["mac"]),
        b64d(m["ciphertext"]),
        hx(m["plaintext_hex"]),
    )

for c in load("attachments.json")["decrypt"]:
    if c["counter_bits"] == 64:
        add("ATTACH", c["id"], hx(c["key_hex"]), hx(c["iv_hex"]), hx(c["plaintext_hex"]),
            hx(c["ciphertext_hex"]), hx(c["sha256_hex"]))
for n, low in ((1000, 2**64 - 7), (4099, 2**64 - 200), (640, 0)):
    key = hashlib.sha256(b"kat attachment key %d" % n).digest()
    iv = hashlib.sha256(b"kat attachment iv %d" % n).digest()[:8] + low.to_bytes(8, "big")
    msg = bytes((i * 7 + n) & 0xFF for i in range(n))
    blocks = b"".join(iv[:8] + ((low + i) % 2**64).to_bytes(8, "big") for i in range(n // 16 + 1))
    stream = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(blocks)
    ct = bytes(a ^ b for a, b in zip(msg, stream[:n], strict=True))
    add("ATTACH", f"cryptography-ecb-counter-{n}", key, iv, msg, ct, hashlib.sha256(ct).digest())

lines = [
    "/* Generated by tools/arm64/make_kat_vectors.py from vectors/ (see that script for",
    " * where each answer comes from).  Do not edit. */",
    "static const struct kat_record KAT[] = {",
]
for kind, ident, fields in records:
    body = ", ".join(f'"{f}"' for f in fields)
    lines.append(f'    {{K_{kind}, "{ident}", {{{body}}}}},')
lines += ["};", ""]
Path(sys.argv[1]).write_text("\n".join(lines), encoding="ascii")
print(f"{len(records)} records", file=sys.stderr)

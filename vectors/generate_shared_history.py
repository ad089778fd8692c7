"""Write vectors/shared_history.json: the shared-history flag under each of its names.

The flag (MSC3061, in the spec since v1.19) travels under three names; for each, this file
holds one key backup entry and one key export file whose session is marked shared:

* ``m.shared_history`` (matrix-rust-sdk 0.17 onwards, and js-sdk's Rust crypto):
  published.  matrix-org/matrix-js-sdk spec/test-utils/crypto-test-data/index.ts at commit
  7e0952611933d3724f4c3ead4af40e1c6eadce5a: BACKUP_DECRYPTION_KEY_BASE64,
  CURVE25519_KEY_BACKUP_DATA and MEGOLM_SESSION_DATA.  js-sdk writes this data with its own
  generate-test-data.py in the field order of matrix-rust-sdk's ``ExportedRoomKey`` and
  feeds it to the Rust crypto (crypto-wasm) in its tests; no Rust code wrote these bytes.
* ``org.matrix.msc3061.shared_history`` (legacy js-sdk, Element Android's Kotlin crypto,
  matrix-rust-sdk before 0.17): published.  The same three values from
  spec/test-utils/test-data/index.ts at commit fef093747e1c35a60b0fdc687a7166a7d7eb8a28
  (the last commit before js-sdk switched its test data to the stable name).
* ``shared_history`` (the spec, matrix-org/matrix-spec commit
  d0ba2aaef801e0134a4e5c6054a2c2f41bb55531, data/api/client-server/definitions/
  key_backup_session_data.yaml and megolm_export_session_data.yaml): constructed here.  No
  client found writes this name, so no published artefact exists; the backup entry is the
  js-sdk session above with the spec's field name, encrypted by libolm (python-olm's raw
  ``_libolm``, ``olm_pk_encrypt`` with a fixed ephemeral secret) to the same backup key.

The export files are constructed for all three names: the published session objects (and
the spec-shaped one) are encrypted by this script with hashlib PBKDF2-HMAC-SHA-512, hmac
and a 64-bit-counter AES-CTR keystream from pyca/cryptography, with fixed salt and IV,
shares no code with olmpy, and decrypts each file again before writing.  No client
produced these files; only their plaintexts come from the sources above.

Every backup entry is decrypted by both libolm and vodozemac, which must agree; every
session key is imported by both, which must report the recorded session id.

``rule_cases`` are plain session objects (no encryption) for olmpy's reading rule:
``expected`` is what olmpy reads (SPEC.md section 16, "The shared-history flag").

Run: /work/main/.venv/bin/python vectors/generate_shared_history.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
from pathlib import Path
from typing import Any

import olm
import vodozemac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from generate_libolm_megolm import stream  # noqa: E402
from generate_pk import (  # noqa: E402
    libolm_decrypt,
    libolm_encrypt,
    libolm_pk_decryption,
    vodozemac_decrypt,
    vodozemac_pk_decryption,
)

OUTPUT = HERE / "shared_history.json"

JS_HEAD = (
    "matrix-org/matrix-js-sdk spec/test-utils/crypto-test-data/index.ts at commit "
    "7e0952611933d3724f4c3ead4af40e1c6eadce5a"
)
JS_OLD = (
    "matrix-org/matrix-js-sdk spec/test-utils/test-data/index.ts at commit "
    "fef093747e1c35a60b0fdc687a7166a7d7eb8a28"
)
SPEC = (
    "matrix-org/matrix-spec data/api/client-server/definitions/key_backup_session_data.yaml "
    "and megolm_export_session_data.yaml at commit d0ba2aaef801e0134a4e5c6054a2c2f41bb55531"
)
RUST_READS = (
    "matrix-org/matrix-rust-sdk crates/matrix-sdk-crypto/src/olm/group_sessions/mod.rs at "
    "commit 64b12e0b808969c284c94f0ea239f37d6746d6e2: ExportedRoomKey and BackedUpRoomKey "
    "have #[serde(default, rename = \"m.shared_history\", alias = "
    "\"org.matrix.msc3061.shared_history\")]"
)

BACKUP_KEY_BASE64 = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo="  # both js-sdk commits

# MEGOLM_SESSION_DATA, identical at both js-sdk commits except the flag's name.
SESSION = {
    "algorithm": "m.megolm.v1.aes-sha2",
    "room_id": "!room:id",
    "sender_key": "WimPd2udAU/1S/+YBpPbmr9L+0H5H+BnAVHSwDxlPGc",
    "session_id": "ipdI6Zs/7DzFTEhiA2iGaMDfHkIYCleqXT6L+5e1/co",
    "session_key": (
        "AQAAAABXGO+Z9jlQJhIL6ByhXrv2BwCIxkhh7MXpKLsYmXkJcWrQlirmXmD79ga1zo+I4DCtEZzyGSpDWXBC"
        "6G7ez3H4gDMBam1RE3Jm5tc+oTlIri32UkYgSL0kBkcEnttqmIXBlK8tAfJo3cJnlh7F4ltEOAqrdME6dU0z"
        "XTkqXmURqYqXSOmbP+w8xUxIYgNohmjA3x5CGApXql0+i/uXtf3K"
    ),
    "sender_claimed_keys": {"ed25519": "Bhbpt6hqMZlSH4sJV7xiEEEiPVeTWz4Vkujl1EMdIPI"},
    "forwarding_curve25519_key_chain": [],
}

JS_HEAD_CIPHERTEXT = (
    "r6HRk2/Im2yJe5cLP8R81aVjFWjYWPHpw7TVxphiSK1cdIDZTTK57r6MfU+0i/mTPn+/PosT74OvYwCnehy2dyqq"
    "ks+Ev+uBKw3TAo0HCv7W3Rmq9XtqxikG9ts7XtcjFEkx37+qRaXtikcu0+CmUf+I5X6KStwNXb+CPnN2CGgwpn8g"
    "5+xEgSjE904QFrte4s9ygfqymgszgF7kzNICYF5g2GTlss8pdu/GLnh52AKvtT6FcqE5LC74N07BDWUycMHMMMw4"
    "3F7z5GhzEnoWOXlbz+M4eTGrCYuhvcmQGNbdgzYqEXPm1z4xFhVgs84kFCtNeUc+AHZWfC2zynZ++4tpmfCYYpYE"
    "fYwQNo9Ks7o+Mh2PtAo9/GIU4xAK/uG0vizEiNYt/1QAxwgrmDxjdRe5TH4pPUtLMktRDyZKeUHJmYZA7pcLtpVa"
    "tXhXmVEQLFLDc/uusxaBxFXYkx7BQnNRoa1BE1yXRxud94s6vMsI/auhn95TG58Z0Rz9psRT4HzgDKeHf/uVbdfK"
    "R9O3gqxlB4mzZAyTCqHhUQERmGiISC2FeuKkAwVk/ZxXiFqSTUCizwXcczGbzEbC+pBJTi6jX5Pa2yI9cT5C8xaG"
    "GUzEaKdNWukcs73uvXoFl/5y0Y29PkfE8UlPWpN4kZn7hrcOllcqqV9ZMH+rBbGViIw0yZ6yQUciEJzO8Gk3yz36"
    "lIT30VhCgKXMu+kELEPTRSVXqEQkCXBcfNOhgl3LIso"
)
JS_OLD_CIPHERTEXT = (
    "r6HRk2/Im2yJe5cLP8R81aVjFWjYWPHpw7TVxphiSK1cdIDZTTK57r6MfU+0i/mTPn+/PosT74OvYwCnehy2d/r0"
    "NTff1SQt+1GopZkT0nq6jF5Wh/oX+8iwtYjHvTxMpN1UQoXAvRF40O+EVg+Q3efJXh1t45cMco8EWU64VerOir+k"
    "7cQ3C9FtcgQw3kmz3s3HeVY10o13X/w6+rc8n6vXqxuIxYHnFxanxX8B6TgTMZNajNfVsmJV0aC1aezim7E2gsft"
    "c+6+zW5G+rCFaEsWV/IuSOUz0+Hh0U+7hzSrz9/4qXPEVmPy1f6Ll4hhquPAlXPVDwddqlJDYj7kmvzr1g3bKVpk"
    "+TtKDbWlVQDPaJx2DEI2jGkPYjhYb7okpTFKpUny94dZmFIQqCeSGPIniaq8Y+/CanugQ1ZRVQcThuXrTewqWhXc"
    "pVvkVHT9i4ImcpBl95HzCBXuiwSUv6FKvO25fp++w555rbn2piFtilrUwnkrZPW32jFuaQcKZF4mZwcLeH7POL5U"
    "CuS4TWyaKyArp7bRzXwWuIq1wPET2nAMUmUVL7ge2+tAevk1WOIsjLgSaz/g55wO3Yma7yhXRFKcnzTjS0hUQOZ3"
    "GfTNwCM4pjzAtIPzvVd4Fp0b1emWZS5WyOYdXsceEDi3c6WtkoHWOKhPU0zBzn8hA9TdlFFqKzf2QFbN5Zgg0gpr"
    "DLnLWgpc3/ieI4C7ndEQ7ZeTNMXbT/Y10APFk3qO+IGkLXJ97/qTF41EXFDhlsL0"
)

BEGIN = "-----BEGIN MEGOLM SESSION DATA-----"
END = "-----END MEGOLM SESSION DATA-----"
PASSPHRASE = "shared history"
ROUNDS = 10  # constructed files; a low count keeps the tests fast (readers accept 1..)


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def check_session_key(session: dict[str, Any]) -> None:
    by_olm = olm.InboundGroupSession.import_session(session["session_key"])
    by_vodo = vodozemac.InboundGroupSession.import_session(
        vodozemac.ExportedSessionKey(session["session_key"])
    )
    if not by_olm.id == by_vodo.session_id == session["session_id"]:
        raise AssertionError("python-olm / vodozemac disagree with the recorded session id")


def peer_plaintext(secret: bytes, session_data: dict[str, str]) -> str:
    by_libolm = libolm_decrypt(libolm_pk_decryption(secret), session_data)
    by_vodozemac = vodozemac_decrypt(vodozemac_pk_decryption(secret), session_data)
    if by_libolm != by_vodozemac:
        raise AssertionError("libolm and vodozemac disagree on a backup plaintext")
    return by_libolm.decode("utf-8")


def keystream64(key: bytes, iv: bytes, length: int) -> bytes:
    high, low = iv[:8], int.from_bytes(iv[8:], "big")
    blocks = b"".join(
        high + ((low + i) % 2**64).to_bytes(8, "big") for i in range((length + 15) // 16)
    )
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return (enc.update(blocks) + enc.finalize())[:length]


def seal_export(plaintext: bytes, label: str, layout: str) -> str:
    """A MEGOLM SESSION DATA file; layout "element" (padded 128-column lines) or "rust"."""
    salt = stream(f"olmpy shared-history export salt {label}", 16)
    iv = bytearray(stream(f"olmpy shared-history export iv {label}", 16))
    iv[8] &= 0x7F  # as every writer does: the low 64-bit counter cannot wrap
    okm = hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), salt, ROUNDS, 64)
    body = bytes(a ^ b for a, b in zip(plaintext, keystream64(okm[:32], bytes(iv), len(plaintext)),
                                        strict=True))
    payload = b"\x01" + salt + bytes(iv) + ROUNDS.to_bytes(4, "big") + body
    payload += hmac.new(okm[32:], payload, hashlib.sha256).digest()
    if layout == "rust":
        return "\n".join([BEGIN, b64e(payload), END])
    text = base64.b64encode(payload).decode("ascii")
    lines = [text[i:i + 128] for i in range(0, len(text), 128)]
    return "\n".join([BEGIN, *lines, END]) + "\n"


def open_export(armoured: str) -> bytes:
    inner = "".join(armoured.strip().split("\n")[1:-1])
    payload = b64d(inner.rstrip("="))
    salt, iv = payload[1:17], payload[17:33]
    rounds = int.from_bytes(payload[33:37], "big")
    okm = hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), salt, rounds, 64)
    if not hmac.compare_digest(hmac.new(okm[32:], payload[:-32], hashlib.sha256).digest(),
                               payload[-32:]):
        raise AssertionError("constructed export does not verify")
    body = payload[37:-32]
    return bytes(a ^ b for a, b in zip(body, keystream64(okm[:32], iv, len(body)), strict=True))


def backups() -> list[dict[str, Any]]:
    secret = base64.b64decode(BACKUP_KEY_BASE64)
    public = libolm_pk_decryption(secret).public_key
    spec_plain = {k: v for k, v in SESSION.items() if k not in ("room_id", "session_id")}
    spec_plain["shared_history"] = True
    spec_bytes = json.dumps(spec_plain, sort_keys=True, separators=(",", ":")).encode()
    spec_data = libolm_encrypt(public, spec_bytes, stream("olmpy shared-history spec eph", 32))
    records = [
        {
            "id": "m.shared_history-js-sdk",
            "name": "m.shared_history",
            "follows": "matrix-rust-sdk 0.17+ (js-sdk's Rust crypto, Element Web, Element X)",
            "provenance": JS_HEAD + ": CURVE25519_KEY_BACKUP_DATA, BACKUP_DECRYPTION_KEY_BASE64",
            "constructed": False,
            "session_data": {"ciphertext": "".join(JS_HEAD_CIPHERTEXT),
                             "ephemeral": "q+P1WdRtEiPIEtNuuGrRcueZxUbLnSKdsuTAkxewXgU",
                             "mac": "OibmACbORhI"},
        },
        {
            "id": "org.matrix.msc3061.shared_history-js-sdk",
            "name": "org.matrix.msc3061.shared_history",
            "follows": "legacy matrix-js-sdk, Element Android (Kotlin), matrix-rust-sdk < 0.17",
            "provenance": JS_OLD + ": CURVE25519_KEY_BACKUP_DATA, BACKUP_DECRYPTION_KEY_BASE64",
            "constructed": False,
            "session_data": {"ciphertext": "".join(JS_OLD_CIPHERTEXT),
                             "ephemeral": "q+P1WdRtEiPIEtNuuGrRcueZxUbLnSKdsuTAkxewXgU",
                             "mac": "OibmACbORhI"},
        },
        {
            "id": "shared_history-spec",
            "name": "shared_history",
            "follows": "the Matrix spec v1.19 (BackedUpSessionData.shared_history)",
            "provenance": SPEC + "; constructed here: js-sdk's session (" + JS_HEAD
            + ") with the spec's name, canonical JSON, encrypted by libolm olm_pk_encrypt "
            "with a fixed ephemeral secret",
            "constructed": True,
            "session_data": spec_data,
        },
    ]
    for record in records:
        plain = peer_plaintext(secret, record["session_data"])  # type: ignore[arg-type]
        doc = json.loads(plain)
        names = [n for n in ("shared_history", "m.shared_history",
                             "org.matrix.msc3061.shared_history") if n in doc]
        if names != [record["name"]] or doc[record["name"]] is not True:
            raise AssertionError(f"{record['id']}: the plaintext does not carry only its name")
        check_session_key({**doc, "session_id": SESSION["session_id"]})
        record.update(
            private_key_base64=BACKUP_KEY_BASE64,
            public_key=public,
            session_id=SESSION["session_id"],
            plaintext_by_peers=plain,
            expected_shared_history=True,
        )
    return records


def exports() -> list[dict[str, Any]]:
    shapes = [
        ("m.shared_history", "rust", "matrix-rust-sdk 0.17+ ExportedRoomKey field order",
         JS_HEAD + ": MEGOLM_SESSION_DATA (the object js-sdk imports through the Rust crypto)"),
        ("org.matrix.msc3061.shared_history", "element",
         "legacy js-sdk / Element Web export (its 128-column armour)",
         JS_OLD + ": MEGOLM_SESSION_DATA"),
        ("shared_history", "element", "the Matrix spec v1.19 (ExportedSessionData)",
         SPEC + "; the js-sdk session above with the spec's name"),
    ]
    records = []
    for name, layout, follows, source in shapes:
        session = {**SESSION, name: True}
        check_session_key(session)
        plaintext = json.dumps([session], separators=(",", ":")).encode()
        armoured = seal_export(plaintext, name, layout)
        if open_export(armoured) != plaintext:
            raise AssertionError(f"{name}: constructed export does not open again")
        records.append({
            "id": f"{name}-export",
            "name": name,
            "follows": follows,
            "provenance": "session object from " + source + "; the file is constructed "
            "here (no client wrote it): " + layout + " layout, " + str(ROUNDS) + " rounds",
            "constructed": True,
            "passphrase": PASSPHRASE,
            "armoured": armoured,
            "plaintext": plaintext.decode(),
            "session_id": SESSION["session_id"],
            "expected_shared_history": True,
        })
    return records


def rule_cases() -> list[dict[str, Any]]:
    spec, unstable, rust = "shared_history", "org.matrix.msc3061.shared_history", "m.shared_history"
    cases: list[tuple[str, dict[str, Any], bool]] = [
        ("absent", {}, False),
        ("spec-true", {spec: True}, True),
        ("unstable-true", {unstable: True}, True),
        ("rust-true", {rust: True}, True),
        ("all-true", {spec: True, unstable: True, rust: True}, True),
        ("olmpy-written", {spec: True, unstable: True}, True),
        ("spec-false", {spec: False}, False),
        ("disagree-spec-true-unstable-false", {spec: True, unstable: False}, False),
        ("disagree-rust-true-spec-false", {rust: True, spec: False}, False),
        ("true-and-null", {unstable: True, spec: None}, False),
        ("string-true", {spec: "true"}, False),
        ("one", {unstable: 1}, False),
        ("object", {rust: {"value": True}}, False),
    ]
    return [{"id": i, "fields": f, "expected": e} for i, f, e in cases]


def generate() -> dict[str, Any]:
    return {
        "description": (
            "The shared-history flag under each of its three names: one backup entry and one "
            "key export per name, each marked shared, plus olmpy's reading-rule cases"
        ),
        "provenance": {
            "m.shared_history": JS_HEAD,
            "org.matrix.msc3061.shared_history": JS_OLD,
            "shared_history": SPEC,
            "rust_sdk_reads": RUST_READS,
        },
        "encoding": (
            "backup session_data and armoured exports exactly as a reader gets them; "
            "plaintext_by_peers: the backup plaintext that libolm and vodozemac both return; "
            "constructed: true when this script, not a client, made the bytes"
        ),
        "backups": backups(),
        "exports": exports(),
        "rule_cases": rule_cases(),
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def main() -> None:
    OUTPUT.write_text(render(generate()), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

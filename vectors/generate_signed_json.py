"""Write vectors/signed_json.json: canonical JSON and JSON-signing known answers.

Published part.  Copied as data from the Matrix specification, matrix-org/matrix-spec,
content/appendices.md as stored at commit 01dd6df626b9f22bcc44f17b5a4cb5578c9bdc31:

* "Canonical JSON" > "Examples": the ten input/output pairs (inputs kept as the JSON text
  the spec shows, whitespace and escapes included);
* "Canonical JSON" > "Grammar": the escapes a canonical string may use, written out here
  as the expected encoding of every code point U+0000..U+007F;
* "Cryptographic Test Vectors": the signing-key seed, server name "domain", key id
  "ed25519:1", the two "JSON Signing" results and the two "Event Signing" results
  (content hash and signature).

Every published value is checked before writing, without olmpy:

* canonical forms: the spec's own Python reference snippet (``json.dumps`` with
  ``ensure_ascii=False, separators=(",", ":"), sort_keys=True``) applied to
  ``json.loads(input)`` must give the published output.  It does for every example except
  ``{"a": -0, "b": 1e10}``, where ``json.loads`` makes 1e10 a float and the snippet writes
  ``10000000000.0``; that example is recorded with ``"snippet_differs": true``.
* the seed's Ed25519 public key comes from python-olm's ``olm.PkSigning`` (libolm);
  python-olm must reproduce both published JSON signatures from the seed, and
  ``olm.ed25519_verify`` must accept every published signature over the canonical bytes;
* event content hashes: hashlib SHA-256 over the snippet's canonical JSON of the event
  without ``unsigned``, ``signatures`` and ``hashes`` must give the published hash.  Event
  signatures cover the *redacted* event (room version 1 redaction: top-level keys outside
  the v1 keep-list and all ``content`` keys of an m.room.message are removed, the hashes
  kept).  The redacted objects are written out here by hand and recorded, so the tests
  need no redaction code; the published signatures verify over them, which checks the
  hand redaction.

Peer-made part.  ``pk_signing``: python-olm's ``olm.PkSigning`` public keys and
signatures for fixed seeds (SHA-256 of a label) over a few messages, including canonical
JSON.  ``cross_signing``: the master, self-signing and user-signing key objects for fixed
seeds, signed by python-olm's ``PkSigning`` over the snippet's canonical JSON.

Note: the spec's seed ``YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1`` has non-zero
trailing bits (its canonical unpadded spelling ends in ``XA0``); it is recorded as written
and as hex.

Run: /work/venv/bin/python vectors/generate_signed_json.py
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import olm

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "signed_json.json"
SPEC_COMMIT = "01dd6df626b9f22bcc44f17b5a4cb5578c9bdc31"
SOURCE = f"matrix-org/matrix-spec content/appendices.md at commit {SPEC_COMMIT}"

# --- published values (data copied from the appendix) -----------------------------------

CANONICAL_EXAMPLES = [
    ("empty", "{}", "{}"),
    ("one-two", '{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'),
    ("b-a-spaced", '{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'),
    ("b-a-compact", '{"b":"2","a":"1"}', '{"a":"1","b":"2"}'),
    (
        "auth-nested",
        '{\n    "auth": {\n        "success": true,\n        "mxid": "@john.doe:example.com",\n'
        '        "profile": {\n            "display_name": "John Doe",\n'
        '            "three_pids": [\n                {\n'
        '                    "medium": "email",\n'
        '                    "address": "john.doe@example.org"\n                },\n'
        '                {\n                    "medium": "msisdn",\n'
        '                    "address": "123456789"\n                }\n            ]\n'
        "        }\n    }\n}",
        '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe",'
        '"three_pids":[{"address":"john.doe@example.org","medium":"email"},'
        '{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    ),
    ("non-ascii-value", '{\n    "a": "\u65e5\u672c\u8a9e"\n}', '{"a":"\u65e5\u672c\u8a9e"}'),
    ("non-ascii-keys", '{\n    "\u672c": 2,\n    "\u65e5": 1\n}', '{"\u65e5":1,"\u672c":2}'),
    ("escaped-non-ascii", '{\n    "a": "\\u65E5"\n}', '{"a":"\u65e5"}'),
    ("null", '{\n    "a": null\n}', '{"a":null}'),
    ("minus-zero-exponent", '{\n    "a": -0,\n    "b": 1e10\n}', '{"a":0,"b":10000000000}'),
]

SEED_TEXT = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"
SERVER_NAME = "domain"
KEY_ID = "ed25519:1"

JSON_SIGNING = [
    (
        "empty",
        {},
        ("K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"),
    ),
    (
        "one-two",
        {"one": 1, "two": "Two"},
        "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw",
    ),
]

EVENT_SIGNING: list[dict[str, Any]] = [
    {
        "id": "minimal-event",
        "event": {
            "room_id": "!x:domain",
            "sender": "@a:domain",
            "origin": "domain",
            "origin_server_ts": 1000000,
            "signatures": {},
            "hashes": {},
            "type": "X",
            "content": {},
            "prev_events": [],
            "auth_events": [],
            "depth": 3,
            "unsigned": {"age_ts": 1000000},
        },
        "content_hash": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos",
        "signature": (
            "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"
        ),
        # Room v1 redaction keeps every top-level key of this event; content is {} anyway.
        "redacted_content": {},
    },
    {
        "id": "redactable-event",
        "event": {
            "content": {"body": "Here is the message content"},
            "event_id": "$0:domain",
            "origin": "domain",
            "origin_server_ts": 1000000,
            "type": "m.room.message",
            "room_id": "!r:domain",
            "sender": "@u:domain",
            "signatures": {},
            "unsigned": {"age_ts": 1000000},
        },
        "content_hash": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g",
        "signature": (
            "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"
        ),
        # m.room.message content keeps no keys under redaction.
        "redacted_content": {},
    },
]

# "escaped" alternatives of the appendix grammar, by code point.
SHORT_ESCAPES = {
    0x22: '\\"',
    0x5C: "\\\\",
    0x08: "\\b",
    0x0C: "\\f",
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
}


def grammar_encoding(code_point: int) -> str:
    """How the appendix grammar writes one code point inside a string."""
    if code_point in SHORT_ESCAPES:
        return SHORT_ESCAPES[code_point]
    if code_point < 0x20:
        return f"\\u{code_point:04x}"  # u000X / u001X with lower-case hex digits
    return chr(code_point)  # unescaped = %x20-21 / %x23-5B / %x5D-10FFFF


# --- independent helpers -----------------------------------------------------------------


def snippet_canonical(value: Any) -> bytes:
    """The spec's reference Python snippet for canonical JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "UTF-8"
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def lenient_b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def strip(obj: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in names}


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"vector check failed: {message}")


# --- sections ----------------------------------------------------------------------------


def canonical_section() -> list[dict[str, Any]]:
    out = []
    for name, text, canonical in CANONICAL_EXAMPLES:
        snippet = snippet_canonical(json.loads(text)).decode("utf-8")
        differs = snippet != canonical
        check(not differs or name == "minus-zero-exponent", f"snippet disagrees on {name}")
        out.append({"id": name, "input": text, "canonical": canonical, "snippet_differs": differs})
    return out


def grammar_section() -> list[dict[str, Any]]:
    out = []
    for cp in range(0x80):
        encoded = '"' + grammar_encoding(cp) + '"'
        # The grammar's choices coincide with the snippet's for these code points.
        check(snippet_canonical(chr(cp)).decode() == encoded, f"grammar U+{cp:04X}")
        out.append({"id": f"U+{cp:04X}", "code_point": cp, "canonical": encoded})
    return out


def json_signing_section(seed: bytes, public: str) -> list[dict[str, Any]]:
    signer = olm.PkSigning(seed)
    out = []
    for name, obj, signature in JSON_SIGNING:
        message = snippet_canonical(obj)
        check(signer.sign(message) == signature, f"python-olm reproduces {name}")
        olm.ed25519_verify(public, message, signature)
        signed = dict(obj, signatures={SERVER_NAME: {KEY_ID: signature}})
        out.append(
            {"id": name, "input": obj, "canonical": message.decode("utf-8"), "signed": signed}
        )
    return out


def event_section(public: str) -> list[dict[str, Any]]:
    out = []
    for record in EVENT_SIGNING:
        event = record["event"]
        hashed = snippet_canonical(strip(event, "unsigned", "signatures", "hashes"))
        digest = b64(hashlib.sha256(hashed).digest())
        check(digest == record["content_hash"], f"content hash of {record['id']}")
        redacted = strip(event, "unsigned", "signatures")
        redacted["content"] = record["redacted_content"]
        redacted["hashes"] = {"sha256": record["content_hash"]}
        olm.ed25519_verify(public, snippet_canonical(redacted), record["signature"])
        signed_redacted = copy.deepcopy(redacted)
        signed_redacted["signatures"] = {SERVER_NAME: {KEY_ID: record["signature"]}}
        out.append(
            {
                "id": record["id"],
                "event": event,
                "content_hash_input": hashed.decode("utf-8"),
                "content_hash": record["content_hash"],
                "redacted": redacted,
                "redacted_signed": signed_redacted,
                "signature": record["signature"],
            }
        )
    return out


def label_seed(label: str) -> bytes:
    return hashlib.sha256(b"olmpy signed_json vectors: " + label.encode()).digest()


def pk_signing_section() -> list[dict[str, Any]]:
    messages = [
        b"",
        b"a",
        "h\u00e9llo \U0001f511".encode(),
        bytes(range(256)),
        snippet_canonical({"user_id": "@a:b", "usage": ["master"]}),
    ]
    out = []
    for n in range(4):
        seed = label_seed(f"pk {n}")
        signer = olm.PkSigning(seed)
        sigs = []
        for message in messages:
            sig = signer.sign(message)
            olm.ed25519_verify(signer.public_key, message, sig)
            sigs.append({"message": message.hex(), "signature": sig})
        out.append(
            {
                "id": f"pk-{n}",
                "seed": seed.hex(),
                "public_key": signer.public_key,
                "signatures": sigs,
            }
        )
    return out


def cross_signing_section() -> dict[str, Any]:
    user = "@alice:example.org"
    seeds = {
        u: label_seed(f"cross-signing {u}") for u in ("master", "self_signing", "user_signing")
    }
    signers = {u: olm.PkSigning(s) for u, s in seeds.items()}
    pub = {u: s.public_key for u, s in signers.items()}
    master_id = f"ed25519:{pub['master']}"

    def key_obj(usage: str) -> dict[str, Any]:
        return {"user_id": user, "usage": [usage], "keys": {f"ed25519:{pub[usage]}": pub[usage]}}

    master = key_obj("master")
    signed = {"master_key": master}
    for usage in ("self_signing", "user_signing"):
        obj = key_obj(usage)
        sig = signers["master"].sign(snippet_canonical(obj))
        olm.ed25519_verify(pub["master"], snippet_canonical(obj), sig)
        signed[f"{usage}_key"] = dict(obj, signatures={user: {master_id: sig}})
    return {
        "user_id": user,
        "seeds": {u: s.hex() for u, s in seeds.items()},
        "public_keys": pub,
        "upload_body": signed,
    }


def main() -> None:
    seed = lenient_b64decode(SEED_TEXT)
    check(len(seed) == 32, "seed length")
    public = olm.PkSigning(seed).public_key
    doc = {
        "provenance": {
            "published": SOURCE
            + (
                ': sections "Canonical JSON" (Examples, Grammar) and "Cryptographic Test '
                'Vectors" (Signing Key, JSON Signing, Event Signing)'
            ),
            "checked_with": "python-olm 3.2.16 (olm.PkSigning, olm.ed25519_verify), hashlib, "
            "and the spec's Python canonical-JSON snippet",
            "peer_made": "pk_signing and cross_signing: python-olm 3.2.16 olm.PkSigning",
            "generator": "vectors/generate_signed_json.py",
        },
        "canonical_examples": canonical_section(),
        "grammar_ascii": grammar_section(),
        "signing_key": {
            "seed_text": SEED_TEXT,
            "seed": seed.hex(),
            "public_key": public,
            "entity": SERVER_NAME,
            "key_id": KEY_ID,
            "seed_text_has_nonzero_trailing_bits": b64(seed) != SEED_TEXT,
        },
        "json_signing": json_signing_section(seed, public),
        "event_signing": event_section(public),
        "pk_signing": pk_signing_section(),
        "cross_signing": cross_signing_section(),
    }
    OUTPUT.write_text(
        json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

"""Known-answer pickles: every object type, in libolm's, vodozemac's and olmpy's formats.

Provenance:
- libolm pickles are written by python-olm 3.2.16 (libolm 3.2.16), key = a passphrase's
  UTF-8 bytes, as python-olm passes it.
- vodozemac pickles are written by vodozemac 0.10.0's Python binding, 32-byte key.
- olmpy pickles (olmpy's own format) are written by olmpy itself: they pin the format so a
  later olmpy must still read them; there is no other implementation of that format.

Each record keeps what the peer reports about the state (identity keys, session ids, the
exported session key, unpublished one-time keys) and messages made *after* pickling that
the loaded object must decrypt, so a test can check far more than "it loads".  Peer pickles
are deterministic (their IV comes from the key), so olmpy must re-export them byte for byte.

Run: python vectors/generate_pickles.py > vectors/pickles.json

olmpy's records are a history: a later olmpy must read every olmpy pickle an earlier one
wrote (CHANGELOG.md, "Pickles"), so a new olmpy format revision is added without rewriting
the file: ``python vectors/generate_pickles.py --append vectors/pickles.json`` keeps every
record there and appends this olmpy's records of each type not yet recorded for its version.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

import olm
import vodozemac

import olmpy

PASSPHRASE = "vector pickle passphrase"
VKEY = bytes(range(100, 132))
OKEY = bytes(range(200, 232))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def libolm_records() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    alice, bob = olm.Account(), olm.Account()
    alice.generate_one_time_keys(3)
    alice.mark_keys_as_published()
    alice.generate_one_time_keys(2)
    alice.generate_fallback_key()
    out.append({
        "type": "account",
        "pickle": alice.pickle(PASSPHRASE).decode(),
        "identity_keys": alice.identity_keys,
        "unpublished_one_time_keys": alice.one_time_keys["curve25519"],
        "signature_of_abc": alice.sign("abc"),
    })
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys["curve25519"].values()))
    a = olm.OutboundSession(alice, bob.identity_keys["curve25519"], otk)
    first = a.encrypt("hello")
    b = olm.InboundSession(bob, first, alice.identity_keys["curve25519"])
    b.decrypt(first)
    a.decrypt(b.encrypt("reply"))
    held = b.encrypt("held back, decrypted after loading")
    pickle = a.pickle(PASSPHRASE).decode()
    later = b.encrypt("sent after pickling")
    out.append({
        "type": "session",
        "pickle": pickle,
        "session_id": a.id,
        "messages": [[held.message_type, held.ciphertext, "held back, decrypted after loading"],
                     [later.message_type, later.ciphertext, "sent after pickling"]],
    })
    outbound = olm.OutboundGroupSession()
    for i in range(3):
        outbound.encrypt(f"m{i}")
    out.append({
        "type": "group_session",
        "pickle": outbound.pickle(PASSPHRASE).decode(),
        "session_id": outbound.id,
        "message_index": outbound.message_index,
        "session_key": outbound.session_key,
    })
    inbound = olm.InboundGroupSession(outbound.session_key)
    message = outbound.encrypt("group message after the pickle")
    out.append({
        "type": "inbound_group_session",
        "pickle": inbound.pickle(PASSPHRASE).decode(),
        "session_id": inbound.id,
        "first_known_index": inbound.first_known_index,
        "messages": [[message, "group message after the pickle"]],
    })
    for record in out:
        record["library"] = "python-olm 3.2.16 (libolm 3.2.16)"
        record["format"] = "libolm"
        record["key"] = PASSPHRASE
    return out


def vodozemac_records() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    alice, bob = vodozemac.Account(), vodozemac.Account()
    alice.generate_one_time_keys(3)
    alice.mark_keys_as_published()
    alice.generate_one_time_keys(2)
    alice.generate_fallback_key()
    out.append({
        "type": "account",
        "pickle": alice.pickle(VKEY),
        "identity_keys": {"curve25519": alice.curve25519_key.to_base64(),
                          "ed25519": alice.ed25519_key.to_base64()},
        "unpublished_one_time_keys": sorted(k.to_base64() for k in alice.one_time_keys.values()),
        "signature_of_abc": alice.sign(b"abc").to_base64(),
    })
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values()))
    a = alice.create_outbound_session(bob.curve25519_key, otk)
    first = a.encrypt(b"hello").to_pre_key()
    b, _ = bob.create_inbound_session(alice.curve25519_key, first)
    a.decrypt(b.encrypt(b"reply"))
    held = b.encrypt(b"held back, decrypted after loading").to_parts()
    pickle = a.pickle(VKEY)
    later = b.encrypt(b"sent after pickling").to_parts()
    out.append({
        "type": "session",
        "pickle": pickle,
        "session_id": a.session_id,
        "messages": [[int(held[0]), b64(bytes(held[1])), "held back, decrypted after loading"],
                     [int(later[0]), b64(bytes(later[1])), "sent after pickling"]],
    })
    outbound = vodozemac.GroupSession()
    for i in range(3):
        outbound.encrypt(f"m{i}".encode())
    out.append({
        "type": "group_session",
        "pickle": outbound.pickle(VKEY),
        "session_id": outbound.session_id,
        "message_index": outbound.message_index,
        "session_key": outbound.session_key.to_base64(),
    })
    inbound = vodozemac.InboundGroupSession(outbound.session_key)
    message = outbound.encrypt(b"group message after the pickle").to_base64()
    out.append({
        "type": "inbound_group_session",
        "pickle": inbound.pickle(VKEY),
        "session_id": inbound.session_id,
        "first_known_index": inbound.first_known_index,
        "messages": [[message, "group message after the pickle"]],
    })
    for record in out:
        record["library"] = "vodozemac 0.10.0"
        record["format"] = "vodozemac"
        record["key_hex"] = VKEY.hex()
    return out


def olmpy_records() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    alice, bob = olmpy.Account(), olmpy.Account()
    alice.generate_one_time_keys(2)
    alice.generate_fallback_key()
    out.append({
        "type": "account",
        "pickle": alice.pickle(OKEY),
        "identity_keys": alice.identity_keys,
        "unpublished_one_time_keys": sorted(k.to_base64() for k in alice.one_time_keys.values()),
        "signature_of_abc": alice.sign("abc").to_base64(),
    })
    bob.generate_one_time_keys(1)
    a = alice.create_outbound_session(bob.curve25519_key, next(iter(bob.one_time_keys.values())))
    b, _ = bob.create_inbound_session(alice.curve25519_key, a.encrypt(b"hello"))
    a.decrypt(b.encrypt(b"reply"))
    later = b.encrypt(b"sent after pickling")
    out.append({
        "type": "session",
        "pickle": a.pickle(OKEY),
        "session_id": a.session_id,
        "messages": [[later.message_type, later.to_base64(), "sent after pickling"]],
    })
    outbound = olmpy.GroupSession()
    outbound.encrypt(b"m0")
    out.append({
        "type": "group_session",
        "pickle": outbound.pickle(OKEY),
        "session_id": outbound.session_id,
        "message_index": outbound.message_index,
        "session_key": outbound.session_key.to_base64(),
    })
    inbound = olmpy.InboundGroupSession(outbound.session_key)
    message = outbound.encrypt(b"group message after the pickle").to_base64()
    out.append({
        "type": "inbound_group_session",
        "pickle": inbound.pickle_with_passphrase("a passphrase for scrypt"),
        "passphrase": "a passphrase for scrypt",
        "session_id": inbound.session_id,
        "first_known_index": inbound.first_known_index,
        "messages": [[message, "group message after the pickle"]],
    })
    for record in out:
        record["library"] = f"olmpy {olmpy.__version__}"
        record["format"] = "olmpy"
        if "passphrase" not in record:
            record["key_hex"] = OKEY.hex()
    return out


def current_olmpy_records() -> list[dict[str, Any]]:
    """Records of the olmpy format revisions added after the first set: the inbound group
    session with its provenance extension (source, created-from-signed-key flag; SPEC.md
    section 12) and PkDecryption.  The PK message is made by python-olm."""
    out: list[dict[str, Any]] = []
    outbound = olmpy.GroupSession()
    inbound = olmpy.InboundGroupSession(outbound.session_key)
    message = outbound.encrypt(b"after the pickle, extension format").to_base64()
    out.append({
        "type": "inbound_group_session",
        "pickle": inbound.pickle(OKEY),
        "session_id": inbound.session_id,
        "first_known_index": inbound.first_known_index,
        "created_from_signed_key": inbound.created_from_signed_key,
        "source": inbound.source.name,
        "messages": [[message, "after the pickle, extension format"]],
    })
    forwarded = olmpy.InboundGroupSession.import_session(inbound.export_at(0))
    out.append({
        "type": "inbound_group_session",
        "pickle": forwarded.pickle(OKEY),
        "session_id": forwarded.session_id,
        "first_known_index": forwarded.first_known_index,
        "created_from_signed_key": forwarded.created_from_signed_key,
        "source": forwarded.source.name,
        "messages": [[message, "after the pickle, extension format"]],
    })
    decryption = olmpy.PkDecryption()
    pk_message = olm.PkEncryption(decryption.public_key.to_base64()).encrypt(
        "a PK message made by python-olm"
    )
    out.append({
        "type": "pk_decryption",
        "pickle": decryption.pickle(OKEY),
        "public_key": decryption.public_key.to_base64(),
        "pk_messages": [[pk_message.ephemeral_key, pk_message.mac, pk_message.ciphertext,
                         "a PK message made by python-olm"]],
    })
    for record in out:
        record["library"] = f"olmpy {olmpy.__version__}"
        record["format"] = "olmpy"
        record["key_hex"] = OKEY.hex()
    return out


def append(path: str) -> None:
    """Keeps every record of ``path`` and appends this olmpy's current records of each type
    not yet recorded for this olmpy version."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    here = f"olmpy {olmpy.__version__}"
    have = {r["type"] for r in doc["records"] if r.get("library") == here}
    doc["records"] += [r for r in current_olmpy_records() if r["type"] not in have]
    doc["provenance"] = PROVENANCE
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


PROVENANCE = (
    "libolm records: python-olm 3.2.16; vodozemac records: vodozemac 0.10.0 Python "
    "binding; olmpy records: olmpy itself (its own format has no other writer), one set "
    "per olmpy version that changed the format, kept so later versions must read them; "
    "the PK message of the pk_decryption record is python-olm's. "
    "Generated by vectors/generate_pickles.py."
)


def main() -> None:
    if sys.argv[1:2] == ["--append"]:
        append(sys.argv[2])
        return
    doc = {
        "provenance": PROVENANCE,
        "records": (
            libolm_records() + vodozemac_records() + olmpy_records() + current_olmpy_records()
        ),
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

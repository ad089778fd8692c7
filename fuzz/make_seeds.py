"""Writes the seed corpus fuzz/corpus/<target>/ from the vectors in vectors/.

    python fuzz/make_seeds.py          # rewrite fuzz/corpus (deterministic)
    python fuzz/make_seeds.py --check  # exit 1 if fuzz/corpus differs from what it would write

Each seed is a real input of the target's format taken from a vector file (published
messages, pickles, exports, JSON objects), in the layout fuzz/targets.py reads: a class
selector byte in front of pickle bodies, parts joined with targets.SEP.  Pickle bodies are
the vector pickles opened with their own keys (the targets re-seal them with their key).
File names are the first 16 hex digits of the SHA-256 of the content.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from fuzz.targets import PICKLED, SEP  # noqa: E402

VECTORS = ROOT / "vectors"
MAX_SEED = 4096  # bytes; longer vector inputs are left out


def load(name: str) -> Any:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def strings_under(value: Any, key: str) -> list[str]:
    return [v[key] for v in walk(value) if isinstance(v, dict) and isinstance(v.get(key), str)]


KIND_INDEX = {kind: i for i, (kind, _) in enumerate(PICKLED)}


def pickle_bodies() -> dict[str, list[bytes]]:
    """Every vector pickle opened with its own key: olmpy, libolm and vodozemac bodies."""
    from olmpy.pickle import _libolm, _native

    out: dict[str, list[bytes]] = {"olmpy": [], "libolm": [], "vodozemac": []}
    for record in load("pickles.json")["records"]:
        kind, fmt = record["type"], record["format"]
        if "passphrase" in record:
            continue  # scrypt: the key-sealed records give the same body layout
        key = bytes.fromhex(record["key_hex"]) if "key_hex" in record else record["key"]
        if fmt == "olmpy":
            body = _native.open_sealed(record["pickle"], kind, key)
        else:
            body = _libolm.open_sealed(record["pickle"], key, "seed")
        out[fmt].append(bytes([KIND_INDEX[kind]]) + body)
    for record in load("pk.json")["libolm_pickles"]:
        body = _libolm.open_sealed(record["pickle"], record["passphrase"], "seed")
        out["libolm"].append(bytes([KIND_INDEX["pk_decryption"]]) + body)
    return out


def seeds() -> dict[str, list[bytes]]:
    olm, megolm, vodo = load("libolm_olm.json"), load("libolm_megolm.json"), load(
        "vodozemac_megolm.json")
    pk, ssss, att = load("pk.json"), load("secret_storage.json"), load("attachments.json")
    signed, export, dehydrated = load("signed_json.json"), load("key_export.json"), load(
        "dehydrated_device.json")
    out: dict[str, list[bytes]] = {}

    olm_messages = [m for e in olm["exchanges"] for m in e["messages"]]
    out["olm_message"] = [
        bytes([m.get("type", 0) & 1]) + b64(m["body"]) for m in olm_messages if "body" in m
    ]
    megolm_messages = strings_under(megolm["sessions"], "message") + [
        m["message"] for m in vodo["messages"]]
    out["megolm_message"] = [b64(m) for m in megolm_messages]
    exports = strings_under(megolm["sessions"], "export") + [e["export"] for e in vodo["exports"]]
    session_keys = [r["session_key"] for r in load("pickles.json")["records"]
                    if "session_key" in r] + [vodo["session_key"]]
    out["megolm_session_key"] = [b64(k) for k in exports[::3] + session_keys]

    bodies = pickle_bodies()
    out["pickle_olmpy"] = bodies["olmpy"]
    out["pickle_libolm"] = bodies["libolm"]
    out["pickle_vodozemac"] = bodies["vodozemac"]
    out["pickle_text"] = [
        bytes([KIND_INDEX[r["type"]]]) + r["pickle"].encode()
        for r in load("pickles.json")["records"]
    ]

    out["dehydrated_device"] = [bytes.fromhex(c["plaintext_hex"]) for c in dehydrated["cases"]] + [
        c["device_pickle"].encode() + SEP + c["nonce"].encode() for c in dehydrated["cases"]]

    out["key_export_file"] = [
        e["armoured"].encode() for group in ("element_web", "matrix_rust_sdk")
        for e in export[group]]
    room_keys = [{
        "algorithm": "m.megolm.v1.aes-sha2", "room_id": "!room:example.org",
        "sender_key": "T1QBXJ939h3eXw1DHhb3L/1oxZ1X4Bk8qMAMXvMAcD0",
        "session_id": vodo["session_id"], "session_key": key,
        "sender_claimed_keys": {"ed25519": "TOVZtKNi0smIIF7jnpx2HQCVSPa2fvF7FG6NBZRZi1Q"},
        "forwarding_curve25519_key_chain": [],
    } for key in [e["export"] for e in vodo["exports"]][:3]]
    out["key_export_payload"] = [dumps(room_keys), dumps(room_keys[:1]), b"[]"]

    out["recovery_key"] = [r["recovery_key"].encode() for r in pk["published_recovery_keys"]] + [
        k["recovery_key"].encode() for k in ssss["keys"] if "recovery_key" in k] + [
        dumps(p["passphrase"]) for p in ssss["passphrase_info"]]

    out["secret_storage_json"] = [
        dumps(x) for x in (
            [k["description"] for k in ssss["keys"]]
            + [k["description"] for k in ssss["malformed_descriptions"]]
            + [s["encrypted"] for s in ssss["malformed_secrets"]]
            + [s.get("encrypted", s) for s in ssss["secrets"]]
            + [p["passphrase"] for p in ssss["passphrase_info"]])]

    out["attachment"] = [
        dumps(c["info"]) + SEP + bytes.fromhex(c["ciphertext_hex"])
        for c in att["decrypt"] + att["rejected"]] + [dumps(c["info"]) for c in att["info_only"]]

    out["signed_json_verify"] = [
        c["input"].encode() for c in signed["canonical_examples"]] + [
        dumps(c["signed"]) for c in signed["json_signing"]] + [
        dumps(signed["cross_signing"]["upload_body"]["self_signing_key"])]

    backups = [pk["libolm_backup"]["key_backup_data"], pk["vodozemac_backup"]["key_backup_data"]]
    out["backup_entry"] = [dumps(b) for b in backups] + [
        dumps(b["session_data"]) for b in backups] + [
        dumps(b["backup_info"]["auth_data"])
        for b in pk["published_backups"] if "backup_info" in b] + [
        dumps(b["key_backup_data"]) for b in pk["published_backups"]]
    out["backup_payload"] = [pk["libolm_backup"]["plaintext"].encode()]

    messages = pk["libolm_encryptions"]["messages"] + pk["vodozemac_encryptions"]["messages"]
    out["pk_message"] = [
        SEP.join(m[k].encode() for k in ("ciphertext", "mac", "ephemeral")) for m in messages
    ] + [dumps({k: m[k] for k in ("ciphertext", "mac", "ephemeral")}) for m in messages[:3]]

    return {name: [s for s in dict.fromkeys(items) if len(s) <= MAX_SEED][:24]
            for name, items in out.items()}


def main(argv: list[str]) -> int:
    from fuzz.targets import TARGETS

    wanted = seeds()
    missing = sorted(set(TARGETS) - set(wanted))
    if missing or any(not v for v in wanted.values()):
        print(f"targets without seeds: {missing or [k for k, v in wanted.items() if not v]}")
        return 1
    corpus = HERE / "corpus"
    if "--check" in argv:
        have = {p.relative_to(corpus): p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
        want = {Path(name) / hashlib.sha256(s).hexdigest()[:16]: s
                for name, items in wanted.items() for s in items}
        if have != want:
            print("fuzz/corpus is not what fuzz/make_seeds.py writes; rerun it")
            return 1
        return 0
    shutil.rmtree(corpus, ignore_errors=True)
    for name, items in sorted(wanted.items()):
        (corpus / name).mkdir(parents=True)
        for s in items:
            (corpus / name / hashlib.sha256(s).hexdigest()[:16]).write_bytes(s)
        print(f"{name}: {len(items)} seeds, {sum(map(len, items))} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

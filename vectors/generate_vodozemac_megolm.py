"""Generate vectors/vodozemac_megolm.json: one Megolm session made by vodozemac.

vodozemac takes its randomness from the operating system and offers no way to supply it,
so this file is a recording, not a reproducible computation: running the script again
makes a different (equally valid) session.  It therefore refuses to overwrite the
committed file unless given --force; the tests check the recorded data, not the script.

What is recorded (via vodozemac's Python binding, vodozemac 0.10.0):
  * GroupSession(): session_id and session_key (signed, 229 bytes, at index 0);
  * GroupSession.encrypt() for a fixed list of plaintexts (indexes 0..n-1);
  * InboundGroupSession(session_key).export_at(i) for a list of indexes;
  * InboundGroupSession.import_session(export at 5).export_at(i) for later indexes, to pin
    the behaviour of sessions that were imported rather than created from a session key.

Before writing, every message is decrypted by both vodozemac and libolm (python-olm's raw
C API), and every export libolm can produce is compared byte for byte with vodozemac's.

Run: /work/venv/bin/python vectors/generate_vodozemac_megolm.py --force
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any

import vodozemac

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_libolm_megolm import (  # noqa: E402  (shared libolm driver)
    PLAINTEXTS,
    Inbound,
    b64d,
    libolm_export_at,
    libolm_version,
)

OUTPUT = HERE / "vodozemac_megolm.json"
EXPORT_INDEXES = [0, 1, 5, 8, 255, 256, 0xFFFF, 0x10000, 0xFFFFFF, 0x1000000, 0x7FFFFFFF,
                  0x80000000, 0xFFFFFFFF]
REIMPORT_FROM = 5
REIMPORT_INDEXES = [5, 6, 300, 0x10000, 0xFFFFFFFF]


def generate() -> dict[str, Any]:
    outbound = vodozemac.GroupSession()
    session_key = outbound.session_key.to_base64()
    session_id = outbound.session_id
    messages = []
    for name, pt in PLAINTEXTS:
        index = outbound.message_index
        message = outbound.encrypt(pt).to_base64()
        messages.append({"index": index, "plaintext_label": name, "plaintext": pt.hex(),
                         "message": message})
    session_key_after = outbound.session_key.to_base64()

    inbound = vodozemac.InboundGroupSession(vodozemac.SessionKey(session_key))
    exports = []
    for index in EXPORT_INDEXES:
        exp = inbound.export_at(index)
        assert exp is not None
        exports.append({"index": index, "export": exp.to_base64()})

    reimport_key = exports[EXPORT_INDEXES.index(REIMPORT_FROM)]["export"]
    reimported = vodozemac.InboundGroupSession.import_session(
        vodozemac.ExportedSessionKey(reimport_key))
    assert reimported.first_known_index == REIMPORT_FROM
    reexports = []
    for index in REIMPORT_INDEXES:
        exp = reimported.export_at(index)
        assert exp is not None
        reexports.append({"index": index, "export": exp.to_base64()})
    earlier = [i for i in range(REIMPORT_FROM) if reimported.export_at(i) is not None]
    assert earlier == []

    # independent checks against libolm before anything is written
    libolm_in = Inbound.from_session_key(session_key)
    for m in messages:
        pt, index = libolm_in.decrypt(m["message"])
        assert (pt.hex(), index) == (m["plaintext"], m["index"])
        check = vodozemac.InboundGroupSession(vodozemac.SessionKey(session_key))
        dec = check.decrypt(vodozemac.MegolmMessage.from_base64(m["message"]))
        assert (bytes(dec.plaintext).hex(), dec.message_index) == (m["plaintext"], m["index"])
    for e in exports:
        exp, _ = libolm_export_at(lambda: Inbound.from_session_key(session_key), 0, e["index"])
        assert b64d(exp) == b64d(e["export"]), e["index"]
    for e in reexports:
        exp, _ = libolm_export_at(lambda: Inbound.from_export(reimport_key), REIMPORT_FROM,
                                  e["index"])
        assert b64d(exp) == b64d(e["export"]), e["index"]
    assert b64d(session_key_after)[1:5] == len(PLAINTEXTS).to_bytes(4, "big")

    return {
        "description": "One Megolm session recorded from vodozemac (OS randomness, not "
                       "reproducible). See vectors/README.md.",
        "generator": "vectors/generate_vodozemac_megolm.py",
        "vodozemac_python_version": importlib.metadata.version("vodozemac"),
        "checked_against_libolm_version": libolm_version(),
        "encoding": "hex for plaintext; unpadded standard base64 for keys, exports, messages",
        "session_id": session_id,
        "session_key": session_key,
        "session_key_after": session_key_after,
        "message_index_after": len(PLAINTEXTS),
        "messages": messages,
        "exports": exports,
        "reimport": {"from_index": REIMPORT_FROM, "import": reimport_key,
                     "exports": reexports},
    }


def main() -> None:
    if OUTPUT.exists() and "--force" not in sys.argv[1:]:
        raise SystemExit(f"{OUTPUT.name} exists; vodozemac output is random, pass --force "
                         "to replace the recording")
    OUTPUT.write_text(json.dumps(generate(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", OUTPUT.relative_to(HERE.parent))


if __name__ == "__main__":
    main()

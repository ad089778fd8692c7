"""Writes nio_key_export.json: a key export file written by matrix-nio's ``export_keys``.

Run it with a Python that has matrix-nio (which uses vodozemac), not olmpy:

    /work/venvs/clients/bin/python vectors/generate_cli_nio_export.py vectors/nio_key_export.json

The sessions are made with vodozemac (through nio's ``InboundGroupSession``); nio's own
``Olm.export_keys_static`` builds the JSON list and ``encrypt_and_save`` (PyCryptodome
PBKDF2, AES-CTR, HMAC) writes the file.  What each session should list as (room, session
id, sender key, first known index, forwarded count) is recorded from nio's objects, so a
reader is checked against nio's view, not against itself.  A low round count (1,000) keeps
the tests fast; the file carries the count.
"""

from __future__ import annotations

import json
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import vodozemac
from nio.crypto import InboundGroupSession
from nio.crypto.olm_machine import Olm

PASSPHRASE = "nio export passphrase \u00e9"
ROUNDS = 1000


def main(out: str) -> None:
    """Builds the sessions, exports them with nio and writes the record."""
    sender = vodozemac.Curve25519SecretKey().public_key().to_base64()
    forwarder = vodozemac.Curve25519SecretKey().public_key().to_base64()
    sessions = []
    for i in range(4):
        outbound = vodozemac.GroupSession()
        for _ in range(i * 3):  # advance, so that some first known indexes are above 0
            outbound.encrypt(b"x")
        session = InboundGroupSession(
            outbound.session_key.to_base64(), "ed25519-claim-" + str(i), sender,
            f"!room{i % 2}:example.org", [forwarder] if i == 3 else None,
        )
        sessions.append(session)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "keys.txt"
        Olm.export_keys_static(sessions, str(path), PASSPHRASE, count=ROUNDS)
        armoured = path.read_text()
    record = {
        "provenance": (
            f"matrix-nio {metadata.version('matrix-nio')} "
            "Olm.export_keys_static (nio/crypto/olm_machine.py) and encrypt_and_save "
            "(nio/crypto/key_export.py), sessions from vodozemac "
            f"{metadata.version('vodozemac')}; written by "
            "vectors/generate_cli_nio_export.py"
        ),
        "passphrase": PASSPHRASE,
        "rounds": ROUNDS,
        "armoured": armoured,
        "sessions": [
            {
                "room_id": s.room_id,
                "session_id": s.id,
                "sender_key": s.sender_key,
                "first_known_index": s.first_known_index,
                "forwarded_count": len(s.forwarding_chain),
            }
            for s in sessions
        ],
    }
    Path(out).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "vectors/nio_key_export.json")

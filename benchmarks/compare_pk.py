"""Side-by-side PK encryption and key backup benchmark: olmpy, python-olm and vodozemac.

Rows: PK encrypt and decrypt of 100-byte and 1 KiB plaintexts (messages as base64 text,
as in backup ``session_data``), and backing up / restoring one Megolm session (export at
the first known index, JSON, PK encrypt; and PK decrypt, JSON, import).  Each round runs
every implementation once, interleaved; the table shows medians and olmpy / peer.
Run: ``python benchmarks/compare_pk.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json

import olm
import vodozemac
from _harness import Runner, print_table

import olmpy
from olmpy import _backend
from olmpy.backup import decrypt_key_backup_data, key_backup_data
from olmpy.pk import PkDecryption, PkEncryption, PkMessage

SENDER = "WimPd2udAU/1S/+YBpPbmr9L+0H5H+BnAVHSwDxlPGc"
CLAIMED = {"ed25519": "Bhbpt6hqMZlSH4sJV7xiEEEiPVeTWz4Vkujl1EMdIPI"}


def _room_key(session_key: str) -> str:
    return json.dumps(
        {
            "algorithm": "m.megolm.v1.aes-sha2",
            "forwarding_curve25519_key_chain": [],
            "sender_claimed_keys": CLAIMED,
            "sender_key": SENDER,
            "session_key": session_key,
        },
        separators=(",", ":"),
    )


def rows() -> list[tuple[str, dict[str, Runner]]]:
    """(row name, {implementation: one operation})."""
    mine = PkDecryption()
    peer_olm = olm.PkDecryption()
    peer_vodo = vodozemac.PkDecryption()
    my_enc = PkEncryption(mine.public_key)
    olm_enc = olm.PkEncryption(peer_olm.public_key)
    vodo_enc = vodozemac.PkEncryption.from_key(peer_vodo.public_key)
    table: list[tuple[str, dict[str, Runner]]] = []
    for label, size in (("100 B", 100), ("1 KiB", 1024)):
        text = ("x" * size).encode()
        my_msg = my_enc.encrypt(text).to_base64()
        olm_msg = olm_enc.encrypt(text)
        vodo_raw = vodo_enc.encrypt(text)
        vodo_msg = (
            olmpy._b64.encode(bytes(vodo_raw.ciphertext)),
            olmpy._b64.encode(bytes(vodo_raw.mac)),
            olmpy._b64.encode(bytes(vodo_raw.ephemeral_key)),
        )
        table.append(
            (
                f"PK encrypt {label} -> base64",
                {
                    "olmpy": lambda t=text: my_enc.encrypt(t).to_base64(),
                    "python-olm": lambda t=text: olm_enc.encrypt(t),
                    "vodozemac": lambda t=text: vodo_enc.encrypt(t).to_base64(),
                },
            )
        )
        table.append(
            (
                f"PK decrypt {label} from base64",
                {
                    "olmpy": lambda m=my_msg: mine.decrypt(PkMessage.from_base64(*m)),
                    "python-olm": lambda m=olm_msg: peer_olm.decrypt(m),
                    "vodozemac": lambda m=vodo_msg: peer_vodo.decrypt(
                        vodozemac.Message.from_base64(*m)
                    ),
                },
            )
        )

    my_session = olmpy.InboundGroupSession(olmpy.GroupSession().session_key)
    olm_session = olm.InboundGroupSession(olm.OutboundGroupSession().session_key)
    vodo_session = vodozemac.InboundGroupSession(vodozemac.GroupSession().session_key)

    def olm_backup() -> object:
        index = olm_session.first_known_index
        sent = olm_enc.encrypt(_room_key(olm_session.export_session(index)))
        return {"ephemeral": sent.ephemeral_key, "ciphertext": sent.ciphertext, "mac": sent.mac}

    def vodo_backup() -> object:
        index = vodo_session.first_known_index
        sent = vodo_enc.encrypt(_room_key(vodo_session.export_at(index).to_base64()).encode())
        return sent.to_base64()

    table.append(
        (
            "backup one session (KeyBackupData)",
            {
                "olmpy": lambda: key_backup_data(
                    my_enc, my_session, sender_key=SENDER, sender_claimed_keys=CLAIMED
                ),
                "python-olm": olm_backup,
                "vodozemac": vodo_backup,
            },
        )
    )
    my_body = key_backup_data(my_enc, my_session, sender_key=SENDER, sender_claimed_keys=CLAIMED)
    olm_sent = olm_enc.encrypt(_room_key(olm_session.export_session(0)))
    vodo_sent = vodo_enc.encrypt(_room_key(vodo_session.export_at(0).to_base64()).encode())
    vodo_parts = (
        olmpy._b64.encode(bytes(vodo_sent.ciphertext)),
        olmpy._b64.encode(bytes(vodo_sent.mac)),
        olmpy._b64.encode(bytes(vodo_sent.ephemeral_key)),
    )

    def olm_restore() -> object:
        plain = json.loads(peer_olm.decrypt(olm_sent))
        return olm.InboundGroupSession.import_session(plain["session_key"])

    def vodo_restore() -> object:
        plain = json.loads(bytes(peer_vodo.decrypt(vodozemac.Message.from_base64(*vodo_parts))))
        key = vodozemac.ExportedSessionKey(plain["session_key"])
        return vodozemac.InboundGroupSession.import_session(key)

    table.append(
        (
            "restore one session (decrypt + import)",
            {
                "olmpy": lambda: decrypt_key_backup_data(
                    mine, my_body, session_id=my_session.session_id
                ).room_key.session(),
                "python-olm": olm_restore,
                "vodozemac": vodo_restore,
            },
        )
    )
    return table


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="few samples, for a smoke test")
    args = parser.parse_args()
    rounds = 7 if args.quick else 101
    print(f"olmpy {olmpy.__version__} ({_backend.BACKEND}); medians of {rounds} interleaved "
          "rounds; µs per call")
    print_table(rows(), rounds, 0.0002 if args.quick else 0.001)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

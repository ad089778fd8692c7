"""``olmpy backup``: decrypt a server-side key backup dump into an export file or JSON.

Input: the JSON of ``GET /room_keys/keys`` (``{"rooms": {room: {"sessions": {id: ...}}}}``;
the one-room form ``{"sessions": ...}`` with ``--room``) and the backup version (``GET
/room_keys/version``) or its ``auth_data``.  The key is checked against ``auth_data``
before anything is decrypted; entries that fail are reported and skipped, never stop
the run (exit 1 when any failed).  The dump is read one entry at a time
(``olmpy.backup.iter_backup_dump``), so memory stays flat in its size.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from typing import IO, Any

from olmpy import backup, key_export
from olmpy.cli import _io
from olmpy.cli import recovery as cli_recovery
from olmpy.cli._io import Progress, fail
from olmpy.errors import OlmpyError
from olmpy.key_export import ExportedRoomKey, KeyExportWriter
from olmpy.pk import PkDecryption

__all__ = [
    "DESCRIPTION",
    "EPILOG",
    "cmd_decrypt",
    "register",
]

DESCRIPTION = ("Decrypt a server-side key backup (m.megolm_backup.v1.curve25519-aes-sha2) "
               "with its recovery key or passphrase, into a key export file or JSON.")

EPILOG = """\
examples:
  curl -H "Authorization: Bearer $TOKEN" $HS/_matrix/client/v3/room_keys/version > version.json
  curl -H "Authorization: Bearer $TOKEN" \\
       "$HS/_matrix/client/v3/room_keys/keys?version=1" > keys.json
  olmpy backup decrypt keys.json --info version.json -o element-keys.txt
  olmpy backup decrypt keys.json --info version.json --json --recovery-key-env RK | jq .

Entries that do not decrypt are listed on stderr (room, session, reason) and skipped;
the exit code is then 1. A key that is not the backup's stops the run with exit 3."""


def _exported(room_id: str, key: backup.BackedUpRoomKey) -> ExportedRoomKey:
    return ExportedRoomKey(
        room_id=room_id,
        sender_key=key.sender_key,
        session_id=key.session_id,
        session_key=key.session_key,
        sender_claimed_keys=key.sender_claimed_keys,
        forwarding_curve25519_key_chain=key.forwarding_curve25519_key_chain,
        shared_history=key.shared_history,
    )


def cmd_decrypt(args: argparse.Namespace) -> int:
    """Decrypts every entry it can; reports the others."""
    version = _io.read_json(args.info, "backup version")
    if not isinstance(version, dict):
        fail(f"backup version: expected a JSON object, got {type(version).__name__}")
    backup.auth_data_public_key(version)  # malformed auth_data: exit 2 before any secret
    decryption = cli_recovery.backup_key(args, version)
    failures: list[str] = []
    total = 0
    progress = Progress()

    def sessions(stream: IO[bytes]) -> Iterator[ExportedRoomKey]:
        nonlocal total
        for room_id, session_id, data in backup.iter_backup_dump(stream, args.room):
            total += 1
            progress("sessions", total, None)
            try:
                yield _decrypt(decryption, room_id, session_id, data)
            except OlmpyError as e:
                failures.append(f"{room_id} {session_id}: {type(e).__name__}: {e}")

    source = _io.open_input(args.keys)
    try:
        if args.json:
            with _io.open_output(args.output, args.force) as out:
                first = True
                for key in sessions(source):
                    _io.write_text(out, ("[\n" if first else ",\n") + _io.dumps(key.to_json()))
                    first = False
                _io.write_text(out, "[]\n" if first else "\n]\n")
            written = total - len(failures)
        else:
            passphrase = _io.read_secret(
                _io.secret_flags(args, "export_passphrase", "export passphrase"),
                confirm=True)
            rounds = key_export.DEFAULT_ROUNDS if args.rounds is None else args.rounds
            with _io.open_output(args.output, args.force) as out:
                writer = KeyExportWriter(out, passphrase, rounds=rounds,
                                         allow_low_rounds=args.allow_low_rounds,
                                         progress=progress)
                with writer:
                    writer.write_all(sessions(source))
                written = writer.count
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    progress.done()
    for line in failures:
        _io.warn(line)
    _io.warn(f"decrypted {written} of {total} sessions"
             + (f"; {len(failures)} failed" if failures else ""))
    return _io.PARTIAL if failures else _io.OK


def _decrypt(decryption: PkDecryption, room_id: str, session_id: str,
             data: Any) -> ExportedRoomKey:
    if not isinstance(data, Mapping):
        raise backup.BackupDataError(
            f"KeyBackupData: expected a JSON object, got {type(data).__name__}")
    entry = backup.decrypt_key_backup_data(decryption, data, session_id=session_id)
    return _exported(room_id, entry.room_key)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``backup`` and its subcommand."""
    fmt = _io.Formatter
    top = sub.add_parser("backup", help="server-side key backups",
                         description=DESCRIPTION, epilog=EPILOG, formatter_class=fmt)
    actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = actions.add_parser("decrypt", help="backup dump to an export file or JSON",
                           description=DESCRIPTION, epilog=EPILOG, formatter_class=fmt)
    p.add_argument("keys", help="JSON of GET /room_keys/keys ('-' for stdin)")
    p.add_argument("--info", required=True, metavar="FILE",
                   help="JSON of GET /room_keys/version, or its auth_data")
    p.add_argument("--room", metavar="ROOM_ID",
                   help="the room of a one-room dump (GET /room_keys/keys/{roomId})")
    p.add_argument("--json", action="store_true",
                   help="write a JSON list of sessions (holds the keys) instead of an "
                        "export file")
    p.add_argument("--rounds", type=int, metavar="N",
                   help=f"PBKDF2 rounds of the export file (default "
                        f"{key_export.DEFAULT_ROUNDS:,})")
    p.add_argument("--allow-low-rounds", action="store_true",
                   help=f"allow --rounds below {key_export.MIN_ROUNDS:,} (for tests)")
    cli_recovery.add_key_flags(p)
    _io.add_secret(p, "export-passphrase", "export passphrase",
                   hint="for the export file written")
    _io.add_output(p)
    p.set_defaults(run=cmd_decrypt)

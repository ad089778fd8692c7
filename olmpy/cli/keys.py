"""``olmpy keys``: Megolm key export files ("MEGOLM SESSION DATA") from the shell.

Every subcommand streams: sessions are read from ``KeyExportReader`` and written to
``KeyExportWriter`` one at a time, so memory stays flat whatever the file's size; only
``merge`` keeps one record per distinct session, to compare copies.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from olmpy import key_export
from olmpy._key_export_sessions import _json_list
from olmpy.cli import _io
from olmpy.cli._io import Progress, fail
from olmpy.errors import OlmpyError
from olmpy.key_export import ExportedRoomKey, KeyExportReader, KeyExportWriter
from olmpy.megolm import SessionOrdering

__all__ = [
    "DESCRIPTION",
    "EPILOG",
    "cmd_decrypt",
    "cmd_encrypt",
    "cmd_filter",
    "cmd_list",
    "cmd_merge",
    "cmd_rekey",
    "register",
]

DESCRIPTION = "Read, write, filter and merge Megolm key export files (Element's format)."

EPILOG = """\
examples:
  olmpy keys list element-keys.txt
  olmpy keys decrypt element-keys.txt -o keys.json
  olmpy keys encrypt keys.json -o element-keys.txt
  olmpy keys filter --room '!abc:example.org' element-keys.txt -o one-room.txt
  olmpy keys merge laptop.txt phone.txt -o all.txt
  olmpy keys rekey old.txt -o new.txt

The passphrase is prompted for unless --passphrase-env/-fd/-file names it; '-' is stdin
or stdout. Outputs are new files with mode 0600 (--force replaces an existing one)."""


# --- shared pieces ----------------------------------------------------------------------


def _add_reading(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-rounds", type=int, default=key_export.DEFAULT_MAX_ROUNDS,
                        metavar="N",
                        help="refuse files asking for more PBKDF2 rounds than N "
                             f"(default {key_export.DEFAULT_MAX_ROUNDS:,})")
    parser.add_argument("--passphrase-encoding", choices=["utf-8", "latin-1"], default="utf-8",
                        help="how the passphrase became bytes when the file was written: "
                             "utf-8 (Element, matrix-rust-sdk; the default) or latin-1 "
                             "(matrix-nio, through PyCryptodome, for non-ASCII passphrases)")
    _io.add_secret(parser, "passphrase", "passphrase")


def _input_passphrase(args: argparse.Namespace) -> bytes:
    """The input files' passphrase, as bytes in the encoding their writer used."""
    text = _io.read_secret(_io.secret_flags(args, "passphrase", "passphrase"))
    try:
        return text.encode(args.passphrase_encoding)
    except UnicodeEncodeError:
        fail(f"passphrase: expected characters that {args.passphrase_encoding} can encode, "
             "got others")


def _add_writing(parser: argparse.ArgumentParser, *, inherit: bool) -> None:
    default = ("the input file's" if inherit else f"{key_export.DEFAULT_ROUNDS:,}")
    parser.add_argument("--rounds", type=int, metavar="N",
                        help=f"PBKDF2 rounds of the output (default: {default})")
    parser.add_argument("--allow-low-rounds", action="store_true",
                        help=f"allow --rounds below {key_export.MIN_ROUNDS:,} (for tests)")
    _io.add_output(parser)


def _add_new_passphrase(parser: argparse.ArgumentParser, *, optional: bool) -> None:
    if optional:
        parser.add_argument("--change-passphrase", action="store_true",
                            help="prompt for a new passphrase for the output "
                                 "(default: the input's passphrase)")
    _io.add_secret(parser, "new-passphrase", "new passphrase")


def _rounds(args: argparse.Namespace, inherited: int | None) -> tuple[int, bool]:
    """The output's round count and whether it may be below the minimum."""
    if args.rounds is not None:
        return args.rounds, args.allow_low_rounds
    if inherited is not None:  # keeping the input's count weakens nothing
        return inherited, inherited < key_export.MIN_ROUNDS or args.allow_low_rounds
    return key_export.DEFAULT_ROUNDS, args.allow_low_rounds


def _open(path: str, passphrase: bytes, args: argparse.Namespace,
          progress: Progress) -> KeyExportReader:
    """Opens and authenticates one export file (the KDF and MAC run here)."""
    stream = _io.open_input(path)
    try:
        return KeyExportReader(stream, passphrase, max_rounds=args.max_rounds,
                               progress=progress)
    except OlmpyError as e:  # name the file: merge reads several
        fail(f"{_name(path)}: {_io.describe(e)}", _io.exit_code(e))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()  # pass 1 spooled what pass 2 needs


def _name(path: str) -> str:
    return "stdin" if path == "-" else path


def _write(args: argparse.Namespace, keys: Iterable[ExportedRoomKey], passphrase: str | bytes,
           rounds: int, allow_low: bool, progress: Progress) -> int:
    """Writes ``keys`` as an export file to ``args.output``; returns how many."""
    with _io.open_output(args.output, args.force) as out:
        writer = KeyExportWriter(out, passphrase, rounds=rounds,
                                 allow_low_rounds=allow_low, progress=progress)
        with writer:
            for key in keys:
                writer.write(key)
        return writer.count


def _output_passphrase(args: argparse.Namespace, old: bytes) -> str | bytes:
    flags = _io.secret_flags(args, "new_passphrase", "new passphrase")
    if flags.given or getattr(args, "change_passphrase", True):
        return _io.read_secret(flags, confirm=True)
    return old


def _row(key: ExportedRoomKey) -> dict[str, object]:
    """What ``list`` shows of a session: public fields only."""
    return {
        "room_id": key.room_id,
        "session_id": key.session_id,
        "sender_key": key.sender_key,
        "first_known_index": key.first_known_index,
        "forwarded_count": len(key.forwarding_curve25519_key_chain),
    }


# --- subcommands ------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    """Prints one line per session: room, session id, sender key, index, forwards."""
    passphrase = _input_passphrase(args)
    progress = Progress()
    reader = _open(args.file, passphrase, args, progress)
    count = 0
    with reader, _io.open_output("-", False) as out:
        if not args.json:
            _io.write_text(out, "room_id\tsession_id\tsender_key\tfirst_known_index\t"
                                "forwarded_count\n")
        for key in reader:
            row = _row(key)
            line = _io.dumps(row) if args.json else "\t".join(str(v) for v in row.values())
            _io.write_text(out, line + "\n")
            count += 1
    progress.done()
    if not args.json:
        _io.warn(f"{count} sessions")
    return _io.OK


def cmd_decrypt(args: argparse.Namespace) -> int:
    """Writes the sessions as a JSON list (the file's plaintext, checked entry by entry)."""
    passphrase = _input_passphrase(args)
    progress = Progress()
    reader = _open(args.file, passphrase, args, progress)
    with reader, _io.open_output(args.output, args.force) as out:
        if args.raw:
            for chunk in reader.plaintext():
                out.write(chunk)
        else:
            first = True
            for key in reader:
                _io.write_text(out, ("[\n" if first else ",\n") + _io.dumps(key.to_json()))
                first = False
            _io.write_text(out, "[]\n" if first else "\n]\n")
    progress.done()
    return _io.OK


def _json_keys(stream: IO[bytes]) -> Iterator[ExportedRoomKey]:
    """The sessions of a JSON list read from ``stream``, one at a time."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")

    def text() -> Iterator[str]:
        try:
            while chunk := stream.read(1 << 16):
                yield decoder.decode(chunk)
            yield decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            fail("JSON input: expected UTF-8 text, got bytes that are not UTF-8")

    for index, doc in enumerate(_json_list(text())):
        yield ExportedRoomKey.from_json(doc, index)


def cmd_encrypt(args: argparse.Namespace) -> int:
    """Encrypts a JSON list of sessions into an export file."""
    rounds, allow_low = _rounds(args, None)
    stream = _io.open_input(args.file)
    try:
        passphrase = _io.read_secret(_io.secret_flags(args, "passphrase", "passphrase"),
                                     confirm=True)
        progress = Progress()
        count = _write(args, _json_keys(stream), passphrase, rounds, allow_low, progress)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    progress.done()
    _io.warn(f"wrote {count} sessions")
    return _io.OK


def cmd_filter(args: argparse.Namespace) -> int:
    """Keeps the sessions that match every given criterion."""
    rooms, senders, sessions = set(args.room), set(args.sender), set(args.session)
    if not (rooms or senders or sessions):
        fail("keys filter: expected at least one of --room, --sender, --session, got none")
    passphrase = _input_passphrase(args)
    new = _output_passphrase(args, passphrase)
    progress = Progress()
    reader = _open(args.file, passphrase, args, progress)
    rounds, allow_low = _rounds(args, reader.rounds)
    seen = 0

    def chosen() -> Iterator[ExportedRoomKey]:
        nonlocal seen
        for key in reader:
            seen += 1
            if ((not rooms or key.room_id in rooms)
                    and (not senders or key.sender_key in senders)
                    and (not sessions or key.session_id in sessions)):
                yield key

    with reader:
        kept = _write(args, chosen(), new, rounds, allow_low, progress)
    progress.done()
    _io.warn(f"kept {kept} of {seen} sessions")
    return _io.OK


def cmd_merge(args: argparse.Namespace) -> int:
    """Merges files, keeping the better copy of each session (the lower first index)."""
    if sum(path == "-" for path in args.files) > 1:
        fail("keys merge: expected stdin ('-') at most once, got it twice")
    passphrase = _input_passphrase(args)
    new = _output_passphrase(args, passphrase)
    progress = Progress()
    held: dict[tuple[str, str], ExportedRoomKey] = {}
    seen = replaced = conflicts = 0
    first_rounds: int | None = None
    for path in args.files:
        reader = _open(path, passphrase, args, progress)
        first_rounds = reader.rounds if first_rounds is None else first_rounds
        with reader:
            for key in reader:
                seen += 1
                slot = (key.room_id, key.session_id)
                old = held.get(slot)
                if old is None:
                    held[slot] = key
                    continue
                order = key.compare(old)
                if order is SessionOrdering.BETTER or (
                    order is SessionOrdering.EQUAL
                    and len(key.forwarding_curve25519_key_chain)
                    < len(old.forwarding_curve25519_key_chain)
                ):
                    held[slot] = key
                    replaced += 1
                elif order is SessionOrdering.UNCONNECTED:
                    conflicts += 1
                    _io.warn(f"{_name(path)}: session {key.session_id} in {key.room_id} "
                             "does not match the copy read before (another sender key or "
                             "ratchet); kept the first")
    rounds, allow_low = _rounds(args, first_rounds)
    count = _write(args, held.values(), new, rounds, allow_low, progress)
    progress.done()
    _io.warn(f"wrote {count} sessions from {seen} read ({replaced} replaced by a better "
             f"copy, {conflicts} conflicts)")
    return _io.PARTIAL if conflicts else _io.OK


def cmd_rekey(args: argparse.Namespace) -> int:
    """Writes the same sessions under a new passphrase."""
    passphrase = _input_passphrase(args)
    new = _io.read_secret(_io.secret_flags(args, "new_passphrase", "new passphrase"),
                          confirm=True)
    progress = Progress()
    reader = _open(args.file, passphrase, args, progress)
    rounds, allow_low = _rounds(args, reader.rounds)
    with reader:
        count = _write(args, reader, new, rounds, allow_low, progress)
    progress.done()
    _io.warn(f"wrote {count} sessions")
    return _io.OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``keys`` and its subcommands."""
    fmt = _io.Formatter
    keys = sub.add_parser("keys", help="key export files (MEGOLM SESSION DATA)",
                          description=DESCRIPTION, epilog=EPILOG, formatter_class=fmt)
    actions = keys.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = actions.add_parser("list", help="one line per session (no secrets)",
                           description="List the sessions of an export file: room, session "
                                       "id, sender key, first known index and forwarding "
                                       "count; never the keys.", formatter_class=fmt,
                           epilog="example:\n  olmpy keys list --passphrase-env PASS "
                                  "keys.txt | cut -f1 | sort | uniq -c")
    p.add_argument("file", nargs="?", default="-", help="export file ('-' for stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    _add_reading(p)
    p.set_defaults(run=cmd_list)

    p = actions.add_parser("decrypt", help="export file to a JSON list of sessions",
                           description="Decrypt an export file to the JSON list it holds. "
                                       "The output holds the session keys.",
                           formatter_class=fmt,
                           epilog="example:\n  olmpy keys decrypt keys.txt -o keys.json")
    p.add_argument("file", nargs="?", default="-", help="export file ('-' for stdin)")
    p.add_argument("--raw", action="store_true",
                   help="write the decrypted bytes exactly as they are, unchecked")
    _add_reading(p)
    _io.add_output(p)
    p.set_defaults(run=cmd_decrypt)

    p = actions.add_parser("encrypt", help="JSON list of sessions to an export file",
                           description="Encrypt a JSON list of sessions (as 'decrypt' writes "
                                       "it) into an export file.", formatter_class=fmt,
                           epilog="example:\n  olmpy keys encrypt keys.json -o keys.txt")
    p.add_argument("file", nargs="?", default="-", help="JSON list ('-' for stdin)")
    _io.add_secret(p, "passphrase", "passphrase")
    _add_writing(p, inherit=False)
    p.set_defaults(run=cmd_encrypt)

    p = actions.add_parser("filter", help="keep the sessions of some rooms, senders or ids",
                           description="Copy the sessions that match every given criterion "
                                       "(each flag may repeat; values of one flag are "
                                       "alternatives).", formatter_class=fmt,
                           epilog="example:\n  olmpy keys filter --room '!abc:example.org' "
                                  "keys.txt -o room.txt")
    p.add_argument("file", nargs="?", default="-", help="export file ('-' for stdin)")
    p.add_argument("--room", action="append", default=[], metavar="ROOM_ID")
    p.add_argument("--sender", action="append", default=[], metavar="CURVE25519_KEY")
    p.add_argument("--session", action="append", default=[], metavar="SESSION_ID")
    _add_reading(p)
    _add_new_passphrase(p, optional=True)
    _add_writing(p, inherit=True)
    p.set_defaults(run=cmd_filter)

    p = actions.add_parser("merge", help="merge files, keeping the better copy of each",
                           description="Merge export files sharing one passphrase. Of two "
                                       "copies of a session the one that decrypts from the "
                                       "earlier index wins; at the same index, the one with "
                                       "the shorter forwarding chain, else the first read. "
                                       "Copies that do not match (another sender key or "
                                       "ratchet) are reported and the first kept (exit 1).",
                           formatter_class=fmt,
                           epilog="example:\n  olmpy keys merge laptop.txt phone.txt -o all.txt")
    p.add_argument("files", nargs="+", metavar="FILE", help="export files ('-' once for stdin)")
    _add_reading(p)
    _add_new_passphrase(p, optional=True)
    _add_writing(p, inherit=True)
    p.set_defaults(run=cmd_merge)

    p = actions.add_parser("rekey", help="the same file under a new passphrase",
                           description="Re-encrypt an export file with a new passphrase.",
                           formatter_class=fmt,
                           epilog="example:\n  olmpy keys rekey old.txt -o new.txt")
    p.add_argument("file", nargs="?", default="-", help="export file ('-' for stdin)")
    _add_reading(p)
    _add_new_passphrase(p, optional=False)
    _add_writing(p, inherit=True)
    p.set_defaults(run=cmd_rekey)

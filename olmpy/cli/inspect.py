"""``olmpy inspect``: decode one wire object, print its public fields and, given a key,
say why it does or does not decrypt.

Reading and printing live here; recognising the object is ``_inspect_read``; every
verdict comes from ``olmpy.diagnose``, which this module only translates to lines, JSON
and exit codes.  Secrets (session key ratchets, attachment keys, recovery keys) are never
printed; the plaintext only with ``--show-plaintext``.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from olmpy import _b64, diagnose, key_export
from olmpy.attachments import EncryptedFileInfo
from olmpy.cli import _inspect_read as read
from olmpy.cli import _io
from olmpy.cli._inspect_read import KINDS, Found
from olmpy.cli._io import fail
from olmpy.diagnose import Diagnosis
from olmpy.errors import OlmpyError
from olmpy.key_export import KeyExportReader
from olmpy.megolm import ExportedSessionKey, InboundGroupSession, MegolmMessage, SessionKey
from olmpy.olm import Account, Session
from olmpy.pk import PkDecryption

__all__ = [
    "DESCRIPTION",
    "EPILOG",
    "cmd_inspect",
    "register",
]

DESCRIPTION = ("Decode one Olm or Megolm message, session key, exported room key, backup "
               "entry, secret storage secret or attachment object and print its public "
               "fields; given a key, say why it does or does not decrypt.")

EPILOG = """\
examples:
  olmpy inspect event.json                      # m.room.encrypted content, Olm or Megolm
  echo AwgAEhAx... | olmpy inspect - --json     # a base64 message, kind detected
  olmpy inspect event.json --session-key-env SK # does this m.room_key session key open it?
  olmpy inspect event.json --key-export element-keys.txt
  olmpy inspect olm-event.json --session sess.pickle --pickle-key-env PK
  olmpy inspect entry.json --recovery-key-env RK       # a key backup entry
  olmpy inspect secret.json --name m.cross_signing.master --recovery-key-env RK
  olmpy inspect file.json --ciphertext download.bin    # attachment hash check

Detection: JSON is recognised by its members; other text is base64, tried as a session
key, an exported session key, an Olm pre-key message, an Olm message, a Megolm message.
Exit codes: 0 decoded (and, with a key, decrypts); 3 does not decrypt (the reason is on
stdout); 2 malformed input or a wrong --as."""


_ONLY_IF_GIVEN = "inspect asks for it only when one of these flags is given"


# --- printing ---------------------------------------------------------------------------


def _show(found: Found, verdict: Diagnosis | None, args: argparse.Namespace) -> None:
    fields = dict(found.fields)
    if args.json:
        doc: dict[str, Any] = {"kind": found.kind, "detected": found.detected,
                               "fields": fields}
        if verdict is not None:
            doc["diagnosis"] = _verdict_json(verdict, args.show_plaintext)
        print(_io.dumps(doc))
        return
    how = "detected" if found.detected else "given with --as"
    print(f"kind: {found.kind} ({how})")
    for name, value in fields.items():
        print(f"{name}: {_text(value)}")
    if verdict is None:
        return
    print(f"diagnosis: {verdict.reason.value}")
    print(f"  why: {verdict.detail}")
    for name in ("session_id", "message_session_id", "message_index", "first_known_index"):
        value = getattr(verdict, name)
        if value is not None:
            print(f"  {name}: {value}")
    if args.show_plaintext and verdict.plaintext is not None:
        print("  plaintext: " + verdict.plaintext.decode("utf-8", "replace"))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def _verdict_json(verdict: Diagnosis, show_plaintext: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {"reason": verdict.reason.value, "decrypts": verdict.decrypts,
                           "detail": verdict.detail}
    for name in ("session_id", "message_session_id", "message_index", "first_known_index"):
        doc[name] = getattr(verdict, name)
    if show_plaintext and verdict.plaintext is not None:
        doc["plaintext"] = verdict.plaintext.decode("utf-8", "replace")
    return doc


# --- keys -------------------------------------------------------------------------------


def _megolm_sessions(args: argparse.Namespace) -> list[InboundGroupSession] | None:
    """The inbound sessions the flags give, or None when no Megolm key was given."""
    sk = _io.secret_flags(args, "session_key", "session key")
    ek = _io.secret_flags(args, "exported_key", "exported session key")
    if sk.given:
        return [InboundGroupSession(SessionKey(_io.read_secret(sk).strip()))]
    if ek.given:
        return [InboundGroupSession.import_session(
            ExportedSessionKey(_io.read_secret(ek).strip()))]
    if args.key_export is None:
        return None
    passphrase = _io.read_secret(_io.secret_flags(args, "passphrase", "passphrase"))
    stream = _io.open_input(args.key_export)
    try:
        with KeyExportReader(stream, passphrase, max_rounds=args.max_rounds) as reader:
            return [key.to_inbound_group_session() for key in reader]
    except OlmpyError as e:
        fail(f"{args.key_export}: {_io.describe(e)}", _io.exit_code(e))
    finally:
        if args.key_export != "-":
            stream.close()


def _diagnose_megolm(found: Found, sessions: list[InboundGroupSession]) -> Diagnosis:
    message = found.obj
    assert isinstance(message, MegolmMessage)
    claimed = found.context.get("session_id")
    if len(sessions) == 1:
        return diagnose.megolm(sessions[0], message, session_id=claimed)
    if claimed is not None:
        sessions = [s for s in sessions if s.session_id == claimed]
        if not sessions:
            return Diagnosis(diagnose.Reason.WRONG_SESSION, f"the key file holds no session "
                             f"{claimed}", message_session_id=claimed,
                             message_index=message.index)
    verdicts = [diagnose.megolm(s, message, session_id=claimed) for s in sessions]
    # A copy that decrypts, else the first verdict on a session the message is of (a file
    # may hold several copies of one session, from different first indexes).
    for verdict in sorted(verdicts, key=lambda v: not v.decrypts):
        if verdict.reason is not diagnose.Reason.WRONG_SESSION:
            return verdict
    return Diagnosis(diagnose.Reason.WRONG_SESSION, f"none of the {len(sessions)} sessions "
                     "of the key file signed this message", message_session_id=claimed,
                     message_index=message.index)


def _load_pickle(cls: type[Any], path: str, key_text: str) -> Any:
    """An olmpy, libolm or vodozemac pickle of ``cls`` (Session or Account)."""
    with open(path, encoding="utf-8") as stream:
        text = stream.read().strip()
    what = f"{path}: {cls.__name__} pickle"
    if text.startswith("T0xNUFk"):  # "OLMPY", olmpy's own sealed format
        try:
            return cls.from_pickle_with_passphrase(text, key_text)
        except OlmpyError:
            raw = _raw_key(key_text)
            if raw is None:
                raise
            return cls.from_pickle(text, raw)
    errors: list[OlmpyError] = []
    try:
        return cls.from_libolm_pickle(text, key_text.encode("utf-8"))
    except OlmpyError as e:
        errors.append(e)
    raw = _raw_key(key_text)
    if raw is not None:
        try:
            return cls.from_vodozemac_pickle(text, raw)
        except OlmpyError as e:
            errors.append(e)
    fail(f"{what}: expected a libolm or vodozemac pickle under this pickle key, got one "
         f"that does not open ({errors[0]})", _io.exit_code(errors[0]))


def _raw_key(text: str) -> bytes | None:
    """A 32-byte key written as base64 or hex, else None (then the text is a passphrase)."""
    if len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    try:
        raw = _b64.decode(text, "pickle key")
    except OlmpyError:
        return None
    return raw if len(raw) == 32 else None


def _diagnose_olm(found: Found, args: argparse.Namespace) -> Diagnosis | None:
    if not args.session and args.account is None:
        return None
    key_text = _io.read_secret(_io.secret_flags(args, "pickle_key", "pickle key"))
    sessions = [_load_pickle(Session, p, key_text) for p in args.session]
    account = None if args.account is None else _load_pickle(Account, args.account, key_text)
    return diagnose.olm(found.obj, sessions=sessions, account=account,
                        recipient_key=found.context.get("recipient_key"))


def _recovery_key(args: argparse.Namespace) -> bytes | None:
    flags = _io.secret_flags(args, "recovery_key", "recovery key")
    if not flags.given:
        return None
    from olmpy.recovery import decode_recovery_key

    return decode_recovery_key(_io.read_secret(flags))


def _diagnosis(found: Found, args: argparse.Namespace) -> Diagnosis | None:
    if found.kind == "megolm-message":
        sessions = _megolm_sessions(args)
        return None if sessions is None else _diagnose_megolm(found, sessions)
    if found.kind in ("olm-pre-key", "olm-message"):
        return _diagnose_olm(found, args)
    if found.kind == "backup-entry":
        raw = _recovery_key(args)
        if raw is None:
            return None
        data = found.obj
        assert isinstance(data, Mapping)
        return diagnose.backup_entry(PkDecryption.from_key(raw), data,
                                     session_id=args.session_id)
    if found.kind == "secret":
        raw = _recovery_key(args)
        if raw is None:
            return None
        if args.name is None:
            fail("secret: expected --name (the secret's event type, such as "
                 "m.cross_signing.master: its MAC key depends on it), got none")
        verdicts = [diagnose.secret(raw, args.name, item) for item in found.obj.values()]
        return next((v for v in verdicts if v.decrypts), verdicts[0])
    if found.kind == "attachment" and args.ciphertext is not None:
        stream = _io.open_input(args.ciphertext)
        try:
            ciphertext = stream.read()
        finally:
            if args.ciphertext != "-":
                stream.close()
        info = found.obj
        assert isinstance(info, EncryptedFileInfo)
        return diagnose.attachment(info, ciphertext)
    return None


# --- the command ------------------------------------------------------------------------


def _check_flags(args: argparse.Namespace) -> None:
    """Refuses key flags that cannot apply to the object before reading any secret."""
    if args.file == "-" and "-" in (args.ciphertext, args.key_export):
        fail("stdin: expected it for one input, got it named twice")


def cmd_inspect(args: argparse.Namespace) -> int:
    """Prints the object's fields and, with a key, the diagnosis; see the module."""
    _check_flags(args)
    stream = _io.open_input(args.file)
    try:
        data = stream.read()
    finally:
        if args.file != "-":
            stream.close()
    found = read.recognise(data, args.as_kind, recipient=args.recipient)
    verdict = _diagnosis(found, args)
    _show(found, verdict, args)
    if verdict is not None and not verdict.decrypts:
        return _io.WRONG_KEY
    return _io.OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``inspect``."""
    p = sub.add_parser("inspect", help="decode a message, key or entry; say why it decrypts",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=_io.Formatter)
    p.add_argument("file", nargs="?", default="-", metavar="IN",
                   help="the object: base64 text or JSON ('-', the default, for stdin)")
    p.add_argument("--as", dest="as_kind", choices=KINDS, metavar="KIND",
                   help="what the object is, instead of detecting it: " + ", ".join(KINDS))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--show-plaintext", action="store_true",
                   help="print the plaintext when it decrypts (hidden otherwise)")
    p.add_argument("--recipient", metavar="CURVE25519_KEY",
                   help="which entry of an Olm event's ciphertext map to read (default: "
                        "the only one, or the account's)")
    megolm = p.add_argument_group("Megolm keys (for a Megolm message)")
    megolm.add_argument("--key-export", metavar="FILE",
                        help="a key export file; its passphrase via --passphrase-*")
    megolm.add_argument("--max-rounds", type=int, default=key_export.DEFAULT_MAX_ROUNDS,
                        metavar="N", help="refuse export files asking for more PBKDF2 rounds")
    _io.add_secret(p, "session-key", "session key",
                   hint=f"an m.room_key session_key; {_ONLY_IF_GIVEN}")
    _io.add_secret(p, "exported-key", "exported session key",
                   hint=f"a forwarded or backed-up session_key; {_ONLY_IF_GIVEN}")
    _io.add_secret(p, "passphrase", "passphrase", hint="of --key-export")
    olm = p.add_argument_group("Olm (for an Olm message)")
    olm.add_argument("--session", action="append", default=[], metavar="FILE",
                     help="a pickled Olm session (olmpy, libolm or vodozemac); repeatable")
    olm.add_argument("--account", metavar="FILE", help="a pickled Olm account")
    _io.add_secret(p, "pickle-key", "pickle key",
                   hint="a passphrase, or 32 bytes as base64 or hex")
    other = p.add_argument_group("backup entries, secrets, attachments")
    other.add_argument("--session-id", metavar="ID",
                       help="the session id a backup entry was stored under")
    other.add_argument("--name", metavar="TYPE",
                       help="a secret's name (event type, e.g. m.megolm_backup.v1)")
    other.add_argument("--ciphertext", metavar="FILE",
                       help="an attachment's downloaded ciphertext, to check its hash")
    _io.add_secret(p, "recovery-key", "recovery key",
                   hint=f"the backup or secret storage key; {_ONLY_IF_GIVEN}")
    p.set_defaults(run=cmd_inspect)


"""``olmpy recovery``: check recovery keys, derive keys from passphrases, match descriptions.

A key comes either from a recovery key (``--recovery-key-*``, the default prompt) or from a
passphrase (``--passphrase-*`` or ``--use-passphrase``) with the PBKDF2 parameters that the
backup's ``auth_data`` or the secret storage key description carries.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from olmpy import backup, recovery, secret_storage
from olmpy.cli import _io
from olmpy.cli._io import Progress, fail
from olmpy.pk import PkDecryption

__all__ = [
    "DESCRIPTION",
    "EPILOG",
    "add_key_flags",
    "backup_key",
    "backup_passphrase_info",
    "cmd_check",
    "cmd_derive",
    "cmd_match",
    "derive",
    "read_recovery_key",
    "register",
    "wants_passphrase",
]

DESCRIPTION = ("Check and normalise recovery keys, derive keys from passphrases (m.pbkdf2), "
               "and tell whether a key belongs to a key backup or a secret storage key.")

EPILOG = """\
examples:
  olmpy recovery check                       # prompts for the recovery key
  olmpy recovery check --normalise --recovery-key-file key.txt
  olmpy recovery derive --salt SALT --iterations 500000 -o key.txt
  olmpy recovery match --backup version.json --recovery-key-env RK
  olmpy recovery match --key-description ssss-key.json --use-passphrase"""


# --- keys from the flags (shared with ``olmpy backup``) ---------------------------------


def add_key_flags(parser: argparse.ArgumentParser) -> None:
    """Flags choosing a recovery key or a passphrase."""
    parser.add_argument("--use-passphrase", action="store_true",
                        help="prompt for a passphrase instead of a recovery key")
    parser.add_argument("--max-iterations", type=int, default=recovery.DEFAULT_MAX_ITERATIONS,
                        metavar="N",
                        help="refuse PBKDF2 parameters asking for more than N iterations "
                             f"(default {recovery.DEFAULT_MAX_ITERATIONS:,})")
    _io.add_secret(parser, "recovery-key", "recovery key")
    _io.add_secret(parser, "passphrase", "passphrase", hint="instead of a recovery key")


def wants_passphrase(args: argparse.Namespace) -> bool:
    """Whether the key is to be derived from a passphrase."""
    by_passphrase = args.use_passphrase or _io.secret_flags(args, "passphrase",
                                                            "passphrase").given
    if by_passphrase and _io.secret_flags(args, "recovery_key", "recovery key").given:
        fail("expected a recovery key or a passphrase, got both")
    return bool(by_passphrase)


def read_recovery_key(args: argparse.Namespace) -> bytes:
    """The 32 bytes of the recovery key named by the flags (or typed)."""
    text = _io.read_secret(_io.secret_flags(args, "recovery_key", "recovery key"))
    return recovery.decode_recovery_key(text)


def derive(args: argparse.Namespace, info: Mapping[str, Any], what: str) -> bytes:
    """The key for the passphrase named by the flags under ``info`` (``m.pbkdf2``)."""
    passphrase = _io.read_secret(_io.secret_flags(args, "passphrase", "passphrase"))
    iterations = info.get("iterations")
    done = Progress().task(f"deriving the {what} ({iterations:,} iterations)"
                           if isinstance(iterations, int) else f"deriving the {what}")
    try:
        return recovery.key_from_passphrase_info(passphrase, info,
                                                 max_iterations=args.max_iterations)
    finally:
        done()


def backup_passphrase_info(version: Mapping[str, Any]) -> dict[str, Any]:
    """The ``m.pbkdf2`` parameters a backup's ``auth_data`` carries (``private_key_*``)."""
    auth = version.get("auth_data", version)
    if not isinstance(auth, Mapping) or "private_key_salt" not in auth:
        fail("backup auth_data: expected private_key_salt and private_key_iterations "
             "(a backup whose key comes from a passphrase), got none; use the recovery key")
    info = {"algorithm": recovery.PBKDF2_ALGORITHM, "salt": auth.get("private_key_salt"),
            "iterations": auth.get("private_key_iterations")}
    if "private_key_bits" in auth:
        info["bits"] = auth["private_key_bits"]
    return info


def backup_key(args: argparse.Namespace, version: Mapping[str, Any]) -> PkDecryption:
    """The backup decryption key from the flags, checked against ``version``'s auth_data."""
    if wants_passphrase(args):
        raw = derive(args, backup_passphrase_info(version), "backup key")
    else:
        raw = read_recovery_key(args)
    decryption = PkDecryption.from_key(raw)
    backup.check_backup_key(decryption, version)  # BackupKeyMismatchError: exit 3
    return decryption


# --- subcommands ------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    """Decodes a recovery key; prints the public key it gives, or its canonical text."""
    key = read_recovery_key(args)
    public = PkDecryption.from_key(key).public_key.to_base64()
    if args.normalise:
        with _io.open_output(args.output, args.force) as out:
            _io.write_text(out, recovery.encode_recovery_key(key) + "\n")
    elif args.json:
        print(_io.dumps({"valid": True, "backup_public_key": public}))
    else:
        print(f"valid recovery key; as a backup key its public key is {public}")
    return _io.OK


def cmd_derive(args: argparse.Namespace) -> int:
    """Derives a key from a passphrase and prints it as a recovery key."""
    if args.info is not None:
        if args.salt is not None or args.iterations is not None:
            fail("recovery derive: expected --info or --salt/--iterations, got both")
        doc = _io.read_json(args.info, "passphrase parameters")
        if not isinstance(doc, dict):
            fail("passphrase parameters: expected a JSON object, got "
                 f"{type(doc).__name__}")
        if isinstance(doc.get("passphrase"), dict):  # a secret storage key description
            info: Mapping[str, Any] = doc["passphrase"]
        elif "private_key_salt" in doc.get("auth_data", doc):  # a backup version
            info = backup_passphrase_info(doc)
        else:
            info = doc
    else:
        if args.salt is None or args.iterations is None:
            fail("recovery derive: expected --salt and --iterations (or --info), got "
                 + ("neither" if args.salt is None and args.iterations is None else "one"))
        info = {"algorithm": recovery.PBKDF2_ALGORITHM, "salt": args.salt,
                "iterations": args.iterations}
    args.use_passphrase = True
    key = derive(args, info, "key")
    with _io.open_output(args.output, args.force) as out:
        _io.write_text(out, recovery.encode_recovery_key(key) + "\n")
    return _io.OK


def cmd_match(args: argparse.Namespace) -> int:
    """Whether the key is the backup's or the secret storage key's; exit 3 when not."""
    if (args.backup is None) == (args.key_description is None):
        fail("recovery match: expected one of --backup or --key-description")
    passphrase = wants_passphrase(args)
    if args.backup is not None:
        version = _io.read_json(args.backup, "backup version")
        if not isinstance(version, dict):
            fail(f"backup version: expected a JSON object, got {type(version).__name__}")
        wanted = backup.auth_data_public_key(version).to_base64()
        raw = (derive(args, backup_passphrase_info(version), "backup key") if passphrase
               else read_recovery_key(args))
        got = PkDecryption.from_key(raw).public_key.to_base64()
        if got != wanted:
            fail(f"backup key: expected the key of public key {wanted}, got the key of {got}",
                 _io.WRONG_KEY)
        print(f"the key matches the backup (public key {wanted})")
        return _io.OK
    doc = _io.read_json(args.key_description, "key description")
    description = secret_storage.KeyDescription.from_json(doc)
    if passphrase:
        if description.passphrase is None:
            fail("key description: expected passphrase parameters, got none; use the "
                 "recovery key")
        raw = derive(args, description.passphrase.to_json(), "secret storage key")
    else:
        raw = read_recovery_key(args)
    if description.iv is None or description.mac is None:
        _io.warn("the key description has no iv/mac: any key is taken as right")
        return _io.PARTIAL
    if not secret_storage.check_key(raw, description):
        fail("secret storage key: expected the key whose check MAC the description holds, "
             "got another key", _io.WRONG_KEY)
    name = f" {description.name!r}" if description.name else ""
    print(f"the key matches the secret storage key{name}")
    return _io.OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``recovery`` and its subcommands."""
    fmt = _io.Formatter
    top = sub.add_parser("recovery", help="recovery keys and passphrase keys",
                         description=DESCRIPTION, epilog=EPILOG, formatter_class=fmt)
    actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = actions.add_parser("check", help="check a recovery key (typo, prefix, parity)",
                           description="Check a recovery key and print the backup public key "
                                       "it gives; with --normalise, print it in canonical "
                                       "form (groups of four), which shows the key.",
                           formatter_class=fmt)
    p.add_argument("--normalise", action="store_true",
                   help="write the key in canonical form (a secret) to --output")
    p.add_argument("--json", action="store_true", help="machine-readable result")
    _io.add_secret(p, "recovery-key", "recovery key")
    _io.add_output(p)
    p.set_defaults(run=cmd_check)

    p = actions.add_parser("derive", help="passphrase to key (m.pbkdf2), as a recovery key",
                           description="Derive the key for a passphrase with m.pbkdf2 "
                                       "parameters (PBKDF2-HMAC-SHA-512) and write it as a "
                                       "recovery key. --info takes an m.pbkdf2 object, a "
                                       "secret storage key description or a backup version.",
                           formatter_class=fmt,
                           epilog="example:\n  olmpy recovery derive --info ssss-key.json "
                                  "--passphrase-fd 3 3<pass.txt")
    p.add_argument("--salt", help="the salt string")
    p.add_argument("--iterations", type=int, metavar="N", help="PBKDF2 iterations")
    p.add_argument("--info", metavar="FILE", help="JSON holding the parameters")
    p.add_argument("--max-iterations", type=int, default=recovery.DEFAULT_MAX_ITERATIONS,
                   metavar="N", help="refuse more than N iterations "
                                     f"(default {recovery.DEFAULT_MAX_ITERATIONS:,})")
    _io.add_secret(p, "passphrase", "passphrase")
    _io.add_output(p)
    p.set_defaults(run=cmd_derive)

    p = actions.add_parser("match", help="does a key belong to a backup or SSSS key?",
                           description="Tell whether a recovery key (or a passphrase) is the "
                                       "key of a key backup (its version JSON or auth_data) "
                                       "or of a secret storage key (its m.secret_storage.key.* "
                                       "content). Exit 0 when it is, 3 when it is not.",
                           formatter_class=fmt)
    p.add_argument("--backup", metavar="FILE", help="backup version JSON or its auth_data")
    p.add_argument("--key-description", metavar="FILE",
                   help="secret storage key description JSON")
    add_key_flags(p)
    p.set_defaults(run=cmd_match)

"""``olmpy pickle``: convert pickles between libolm's, vodozemac's and olmpy's formats, and
show what one holds without showing its secrets.

Every format is the library's: loading is ``from_libolm_pickle`` / ``from_vodozemac_pickle``
/ ``from_pickle`` (``from_pickle_with_passphrase``), writing the matching ``to_*``/``pickle``
method of the object type (SPEC.md sections 11-13).  This module only chooses the method,
turns the pickle key typed by the user into what the method takes, and prints public fields.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from olmpy import _b64, _backend
from olmpy.cli import _io
from olmpy.cli._io import fail
from olmpy.errors import OlmpyError, PickleError, PickleKeyError, UsageError
from olmpy.megolm import GroupSession, InboundGroupSession
from olmpy.olm import Account, Session
from olmpy.pickle import libolm_pickle_version, olmpy_pickle_header
from olmpy.pk import PkDecryption

__all__ = [
    "DESCRIPTION",
    "EPILOG",
    "FORMATS",
    "KEY_RULES",
    "TYPES",
    "cmd_convert",
    "cmd_inspect",
    "register",
]

TYPES: dict[str, Any] = {
    "account": Account,
    "session": Session,
    "outbound-group": GroupSession,
    "inbound-group": InboundGroupSession,
    "pk-decryption": PkDecryption,
}
"""The object types by their name on the command line."""

_HEADER_TYPES = {
    "account": "account", "session": "session", "group_session": "outbound-group",
    "inbound_group_session": "inbound-group", "pk_decryption": "pk-decryption",
}
FORMATS = ("libolm", "vodozemac", "olmpy")
_LOADERS = {"libolm": "from_libolm_pickle", "vodozemac": "from_vodozemac_pickle",
            "olmpy": "from_pickle"}
_WRITERS = {"libolm": "to_libolm_pickle", "vodozemac": "to_vodozemac_pickle",
            "olmpy": "pickle"}

DESCRIPTION = ("Convert Olm and Megolm pickles between libolm's format (python-olm, "
               "matrix-nio), vodozemac's and olmpy's own, or show the public facts of one.")

KEY_RULES = """\
pickle keys (--key-* for the input, --new-key-* for the output; the output reuses the
input's key unless a --new-key-* flag is given):
  libolm     any bytes: the text as UTF-8, as python-olm passes its passphrase (or
             --key-encoding base64/hex); written pickles need >= 32 bytes unless
             --allow-weak-key (only to write for a peer with a short key)
  vodozemac  exactly 32 bytes: 32 bytes of UTF-8 text, or 32 bytes as --key-encoding
             base64 or hex (lowercase); for pk-decryption vodozemac keeps no JSON pickle:
             its format is libolm's (what vodozemac's to_libolm_pickle writes) and
             so are its key rules
  olmpy      the text is a passphrase (scrypt); with --key-encoding base64 or hex, a raw
             32-byte key"""

EPILOG = """\
examples:
  olmpy pickle convert --type account --from libolm --to vodozemac \\
      --key-env OLD --new-key-file vodozemac.key --new-key-encoding base64 \\
      account.pickle -o account.vodozemac
  olmpy pickle convert --type session --from vodozemac --to olmpy --key-fd 3 \\
      --new-key-env STORE_PASSPHRASE session.pickle -o session.olmpy 3<key.txt
  olmpy pickle inspect --type inbound-group --format libolm --key-env KEY group.pickle
  olmpy pickle inspect --type auto --format olmpy --json --key-env PASS store.pickle

""" + KEY_RULES + """

--type auto works with olmpy's format only: its clear header names the object type,
libolm's and vodozemac's pickles do not."""


# --- keys, loading, writing -------------------------------------------------------------


def _pickle_key(text: str, encoding: str, fmt: str, label: str) -> bytes | str:
    """What a library method takes for the key text: bytes, or a str passphrase (olmpy's
    format with the text encoding)."""
    if encoding == "text":
        return text if fmt == "olmpy" else text.encode("utf-8")
    if encoding == "base64":
        try:
            return _b64.decode(text.strip(), label)
        except OlmpyError:
            fail(f"{label}: expected base64 (--key-encoding base64), got text that is not")
    digits = text.strip().encode("ascii", "replace")
    try:
        raw: bytes = _backend.impl.hex_decode(digits)
    except OlmpyError:
        fail(f"{label}: expected lowercase hex digits (--key-encoding hex), got other text")
    return raw


def _cls(kind: str, fmt: str, direction: str) -> Any:
    """The class of ``kind``, after checking the library has the method for ``fmt``."""
    cls = TYPES[kind]
    method = (_LOADERS if direction == "from" else _WRITERS)[fmt]
    if getattr(cls, method, None) is None:  # kept for types a later release may add
        offered = [f for f in FORMATS if getattr(cls, (_LOADERS if direction == "from"
                                                       else _WRITERS)[f], None)]
        fail(f"--type {kind} --{direction} {fmt}: expected one of {', '.join(offered)}, "
             f"got {fmt}, which the library has no pickle for")
    return cls


def _resolve_type(kind: str, fmt: str, text: str) -> str:
    """The object type, reading olmpy's clear header for ``--type auto``."""
    if kind != "auto":
        return kind
    if fmt != "olmpy":
        fail(f"--type auto: expected --from/--format olmpy (its header names the object "
             f"type), got {fmt}, whose pickles do not record it; give --type "
             f"{'/'.join(TYPES)}")
    return _HEADER_TYPES[olmpy_pickle_header(text).object_type]


# Phrases of the library's messages that name another loader, and the flag that picks it.
_HINTS = (("it is a libolm pickle", "libolm"), ("a libolm pickle loads with from_", "libolm"),
          ("it is a vodozemac pickle", "vodozemac"), ("got an olmpy pickle", "olmpy"))


@contextlib.contextmanager
def _translated(flag: str) -> Iterator[None]:
    """The library's errors for the shell: a key that does not open the pickle is exit 3;
    a message naming another loader or ``allow_weak_key`` also names the flag to use."""
    try:
        yield
    except PickleKeyError as e:
        fail(str(e), _io.WRONG_KEY)
    except (PickleError, UsageError) as e:
        message = str(e)
        for phrase, fmt in _HINTS:
            if phrase in message:
                fail(f"{message}; on the command line: {flag} {fmt}")
        if "allow_weak_key" in message:
            fail(f"{message}; on the command line: --allow-weak-key")
        raise


def _load(kind: str, fmt: str, text: str, key: bytes | str, flag: str,
          trust_flag: bool = False) -> Any:
    """The object a pickle holds, by the library's loader for ``fmt``."""
    cls = _cls(kind, fmt, "from")
    with _translated(flag):
        if fmt == "olmpy":
            if isinstance(key, str):
                return cls.from_pickle_with_passphrase(text, key)
            return cls.from_pickle(text, key)
        if fmt == "libolm" and kind == "inbound-group":
            return cls.from_libolm_pickle(text, key, trust_verified_flag=trust_flag)
        return getattr(cls, _LOADERS[fmt])(text, key)


def _dump(obj: Any, kind: str, fmt: str, key: bytes | str, allow_weak: bool) -> str:
    """``obj`` as a pickle in ``fmt``, by the library's writer."""
    _cls(kind, fmt, "to")
    with _translated("--to"):
        if fmt == "olmpy":
            text: str = (obj.pickle_with_passphrase(key) if isinstance(key, str)
                         else obj.pickle(key))
        elif fmt == "libolm" or kind == "pk-decryption":
            text = getattr(obj, _WRITERS[fmt])(key, allow_weak_key=allow_weak)
        else:
            text = obj.to_vodozemac_pickle(key)
    return text


def _read_pickle(path: str) -> str:
    stream = _io.open_input(path)
    try:
        data = stream.read()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    name = "stdin" if path == "-" else path
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        fail(f"{name}: expected a pickle (base64 text), got bytes that are not ASCII")
    if not text:
        fail(f"{name}: expected a pickle (base64 text), got an empty input")
    return text


def _input_key(args: argparse.Namespace, fmt: str) -> tuple[str, bytes | str]:
    secret = _io.read_secret(_io.secret_flags(args, "key", "pickle key"))
    return secret, _pickle_key(secret, args.key_encoding, fmt, "pickle key")


# --- what inspect shows -----------------------------------------------------------------


def _version(kind: str, fmt: str, text: str, key: bytes | str) -> str | int | None:
    """The format's version of this pickle, as the library reports it."""
    if fmt == "olmpy":
        header = olmpy_pickle_header(text)
        sealing = "scrypt passphrase" if header.kdf == "scrypt" else "32-byte key"
        return f"{header.format} ({sealing})"
    if fmt == "libolm" or kind == "pk-decryption":
        assert isinstance(key, bytes)
        with _translated("--format"):
            return libolm_pickle_version(text, key)
    # vodozemac's JSON has no version number; the library loads only config V1, which
    # vodozemac's accounts do not carry
    return None if kind == "account" else "config V1"


def _describe(obj: Any, kind: str) -> dict[str, object]:
    """The public facts of a loaded object: keys, ids, counts and indexes, never a secret."""
    if kind == "account":
        fallback = obj.fallback_key
        return {
            "curve25519": obj.curve25519_key.to_base64(),
            "ed25519": obj.ed25519_key.to_base64(),
            "one_time_keys": obj.stored_one_time_key_count,
            "unpublished_one_time_keys": len(obj.one_time_keys),
            "fallback_keys": obj.stored_fallback_key_count,
            "unpublished_fallback_key": next(iter(fallback.values())).to_base64()
            if fallback else None,
        }
    if kind == "session":
        return {"session_id": obj.session_id,
                "has_received_message": obj.has_received_message}
    if kind == "outbound-group":
        return {"session_id": obj.session_id, "message_index": obj.message_index,
                "ed25519": obj.signing_key.to_base64()}
    if kind == "inbound-group":
        return {"session_id": obj.session_id, "first_known_index": obj.first_known_index,
                "ed25519": obj.signing_key.to_base64(),
                "created_from_signed_key": obj.created_from_signed_key,
                "source": obj.source.name}
    return {"public_key": obj.public_key.to_base64()}


# --- subcommands ------------------------------------------------------------------------


def cmd_convert(args: argparse.Namespace) -> int:
    """Reads a pickle in one format and writes the same object in another."""
    if args.output != "-" and not args.force and os.path.lexists(args.output):
        raise FileExistsError(17, "File exists", args.output)  # before asking for keys
    text = _read_pickle(args.file)
    kind = _resolve_type(args.type, args.source, text)
    _cls(kind, args.source, "from")
    _cls(kind, args.target, "to")
    secret, key = _input_key(args, args.source)
    new_flags = _io.secret_flags(args, "new_key", "new pickle key")
    if new_flags.given:
        new_secret, new_encoding = _io.read_secret(new_flags), args.new_key_encoding
    else:
        new_secret, new_encoding = secret, args.key_encoding
    new_key = _pickle_key(new_secret, new_encoding, args.target, "new pickle key")
    obj = _load(kind, args.source, text, key, "--from", args.trust_verified_flag)
    out_text = _dump(obj, kind, args.target, new_key, args.allow_weak_key)
    with _io.open_output(args.output, args.force) as out:
        _io.write_text(out, out_text + "\n")
    return _io.OK


def cmd_inspect(args: argparse.Namespace) -> int:
    """Prints the type, format, version and public facts of a pickle."""
    text = _read_pickle(args.file)
    kind = _resolve_type(args.type, args.format, text)
    _cls(kind, args.format, "from")
    _, key = _input_key(args, args.format)
    obj = _load(kind, args.format, text, key, "--format", args.trust_verified_flag)
    info: dict[str, object] = {"type": kind, "format": args.format,
                               "version": _version(kind, args.format, text, key)}
    info.update(_describe(obj, kind))
    if args.json:
        print(_io.dumps(info))
    else:
        width = max(len(k) for k in info)
        for name, value in info.items():
            shown = "-" if value is None else str(value).lower() if isinstance(value, bool) \
                else str(value)
            print(f"{name.replace('_', ' '):<{width}}  {shown}")
    return _io.OK


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", default="-", metavar="IN", help="pickle ('-' for stdin)")
    p.add_argument("--type", required=True, choices=[*TYPES, "auto"],
                   help="object type (auto: read from an olmpy pickle's header)")
    p.add_argument("--key-encoding", choices=["text", "base64", "hex"], default="text",
                   help="how the pickle key is written (default text; see below)")
    p.add_argument("--trust-verified-flag", action="store_true",
                   help="inbound-group from libolm: read its verified flag as "
                        "created_from_signed_key (only for stores that never imported keys)")
    _io.add_secret(p, "key", "pickle key")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``pickle`` and its subcommands."""
    fmt = _io.Formatter
    top = sub.add_parser("pickle", help="convert and inspect Olm/Megolm pickles",
                         description=DESCRIPTION, epilog=EPILOG, formatter_class=fmt)
    actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = actions.add_parser("convert", help="a pickle in another format (or under another key)",
                           description="Read a pickle in one format and write the same object "
                                       "in another, or in the same format under a new key. "
                                       "The output holds the object's secrets.",
                           formatter_class=fmt, epilog=EPILOG)
    p.add_argument("--from", dest="source", required=True, choices=FORMATS,
                   help="format of the input")
    p.add_argument("--to", dest="target", required=True, choices=FORMATS,
                   help="format of the output")
    _add_common(p)
    p.add_argument("--new-key-encoding", choices=["text", "base64", "hex"], default="text",
                   help="how the new pickle key is written (default text)")
    p.add_argument("--allow-weak-key", action="store_true",
                   help="write libolm's format under a key of fewer than 32 bytes")
    _io.add_secret(p, "new-key", "new pickle key", hint="default: the input's key")
    _io.add_output(p)
    p.set_defaults(run=cmd_convert)

    p = actions.add_parser("inspect", help="type, version, public keys and ids (no secrets)",
                           description="Open a pickle and print its type, format, version and "
                                       "public facts: identity keys, one-time and fallback key "
                                       "counts, session ids and message indexes. Never a "
                                       "private key, ratchet or chain key.",
                           formatter_class=fmt, epilog=EPILOG)
    p.add_argument("--format", required=True, choices=FORMATS, help="format of the pickle")
    p.add_argument("--json", action="store_true", help="one JSON object")
    _add_common(p)
    p.set_defaults(run=cmd_inspect)

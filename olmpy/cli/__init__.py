"""The ``olmpy`` command's subcommands for files and keys: ``keys``, ``backup``,
``recovery``, ``pickle`` and ``inspect`` (one module each, ``_io`` for what they share).

The CLI only translates between the shell and the library: it parses flags, reads secrets
and files, calls olmpy's public API and maps olmpy's errors to exit codes (``_io``).
"""

from __future__ import annotations

import argparse
import os
import sys

from olmpy.cli import _io

__all__ = [
    "COMMANDS",
    "HELP",
    "build_parser",
    "main",
]

COMMANDS = ("keys", "backup", "recovery", "pickle", "inspect")
"""The subcommands this package provides (``olmpy.__main__`` dispatches them here)."""


HELP = """\
commands for files and keys (each has --help):
  keys       key export files: list, decrypt, encrypt, filter, merge, rekey
  backup     decrypt a server-side key backup dump into an export file or JSON
  recovery   check a recovery key, derive one from a passphrase, match it to a backup
  pickle     convert pickles between libolm, vodozemac and olmpy; inspect one (no secrets)
  inspect    decode a message, session key, backup entry, secret or attachment object;
             given a key, say why it does or does not decrypt

""" + _io.EXIT_CODES_HELP


def build_parser(prog: str = "olmpy") -> argparse.ArgumentParser:
    """The parser of every subcommand of this package."""
    from olmpy.cli import backup, inspect, keys, pickle, recovery

    parser = argparse.ArgumentParser(
        prog=prog, epilog=_io.EXIT_CODES_HELP,
        formatter_class=_io.Formatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    keys.register(sub)
    backup.register(sub)
    recovery.register(sub)
    pickle.register(sub)
    inspect.register(sub)
    return parser


def main(argv: list[str], prog: str = "olmpy") -> int:
    """Runs one subcommand; returns its exit code, never raises (but SystemExit from
    argparse, code 2, for bad flags)."""
    args = build_parser(prog).parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        _io.warn("interrupted")
        return 130
    except BrokenPipeError:
        # the reader of our stdout went away (olmpy keys list | head): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the exit flush does not fail again
        return _io.OK
    except Exception as e:
        _io.warn(_io.describe(e))
        return _io.exit_code(e)

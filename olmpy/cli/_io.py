"""What every ``olmpy`` subcommand shares: exit codes, secret input, files, progress, errors.

Secrets (passphrases, recovery keys, pickle keys) never come from the command line, where
other users can read them in the process list and shells keep them in history.  Each one
has three flags named after it (``--passphrase-env NAME``, ``--passphrase-fd N``,
``--passphrase-file PATH``) and, when none is given, a prompt without echo on the
controlling terminal.  Outputs go to ``-`` (stdout) or to a new file created with mode
0600; an existing file is replaced only with ``--force``, and a command that fails leaves
no partial file behind.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, NoReturn

from olmpy.errors import (
    BackendError,
    DecodeError,
    DecryptionError,
    KdfCostError,
    OlmpyError,
    PickleKeyError,
    UsageError,
)

OK = 0
"""Everything asked for was done and every check passed."""
PARTIAL = 1
"""The command ran, but a check failed or some entries were skipped (listed on stderr)."""
BAD_INPUT = 2
"""Usage error or malformed input: bad flags, a missing or unreadable file, a wrong format."""
WRONG_KEY = 3
"""The input is well formed but the passphrase or key does not open it (MAC, mismatch)."""
INTERNAL = 4
"""A bug or a broken installation (an unexpected exception, the native core missing)."""

EXIT_CODES_HELP = """\
exit codes:
  0  success
  1  checks failed or partial result (details on stderr)
  2  usage error or bad input (malformed file, wrong format, missing file)
  3  wrong passphrase or key (a MAC or key check failed)
  4  internal error

secrets (passphrases, recovery keys, pickle keys) are never taken from the command line:
give --NAME-env VAR, --NAME-fd N or --NAME-file PATH, or type them at the prompt."""


class CliError(Exception):
    """A failure the CLI reports as one line on stderr and an exit code."""

    def __init__(self, message: str, code: int = BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Raises ``CliError``."""
    raise CliError(message, code)


def exit_code(error: BaseException) -> int:
    """The exit code for an exception from the library or the OS."""
    if isinstance(error, CliError):
        return error.code
    if isinstance(error, (DecryptionError, PickleKeyError)):
        return WRONG_KEY
    if isinstance(error, (DecodeError, UsageError, OSError, UnicodeError)):
        return BAD_INPUT
    if isinstance(error, BackendError):
        return INTERNAL
    return INTERNAL


def describe(error: BaseException) -> str:
    """One line for stderr: olmpy's own messages already say what was expected and got."""
    if isinstance(error, KdfCostError):
        flag = "--max-iterations" if "iterations" in str(error) else "--max-rounds"
        return f"{error}; on the command line: {flag} N"
    if isinstance(error, (CliError, OlmpyError)):
        return str(error)
    if isinstance(error, FileExistsError):
        return f"{error.filename}: exists already (pass --force to replace it)"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return f"internal error: {type(error).__name__}: {error}"


def warn(message: str) -> None:
    """A line on stderr, prefixed with the program name."""
    print(f"olmpy: {message}", file=sys.stderr, flush=True)


# --- secrets ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretFlags:
    """The three flags of one secret, as parsed."""

    label: str
    env: str | None
    fd: int | None
    file: str | None

    @property
    def given(self) -> bool:
        """Whether any of the flags was used."""
        return self.env is not None or self.fd is not None or self.file is not None


def add_secret(parser: argparse.ArgumentParser, name: str, label: str, *, hint: str = "") -> None:
    """Adds ``--NAME-env``, ``--NAME-fd`` and ``--NAME-file`` for the secret ``label``."""
    group = parser.add_argument_group(
        f"{label} (never on the command line; prompted for when none of these is given)"
        + (f"; {hint}" if hint else "")
    )
    dest = name.replace("-", "_")
    group.add_argument(f"--{name}-env", dest=f"{dest}_env", metavar="VAR",
                       help=f"read the {label} from environment variable VAR")
    group.add_argument(f"--{name}-fd", dest=f"{dest}_fd", metavar="N", type=int,
                       help=f"read the {label} from open file descriptor N")
    group.add_argument(f"--{name}-file", dest=f"{dest}_file", metavar="PATH",
                       help=f"read the {label} from the file PATH (first line)")


def secret_flags(args: argparse.Namespace, name: str, label: str) -> SecretFlags:
    """The parsed flags of the secret ``name``."""
    dest = name.replace("-", "_")
    return SecretFlags(label, getattr(args, f"{dest}_env"), getattr(args, f"{dest}_fd"),
                       getattr(args, f"{dest}_file"))


def _first_line(text: str) -> str:
    """A secret file's content without its line end (only the first line counts)."""
    return text.split("\n", 1)[0].removesuffix("\r")


def read_secret(flags: SecretFlags, *, confirm: bool = False) -> str:
    """The secret named by ``flags``, or typed at a prompt (twice when ``confirm``)."""
    chosen = [f for f in (flags.env, flags.fd, flags.file) if f is not None]
    if len(chosen) > 1:
        fail(f"{flags.label}: expected one source (env, fd or file), got {len(chosen)}")
    if flags.env is not None:
        value = os.environ.get(flags.env)
        if value is None:
            fail(f"{flags.label}: expected environment variable {flags.env} to be set, "
                 "got none")
        return value
    if flags.fd is not None:
        try:
            with os.fdopen(flags.fd, "r", encoding="utf-8", closefd=True) as stream:
                return _first_line(stream.read())
        except OSError as e:
            fail(f"{flags.label}: expected a readable file descriptor {flags.fd}, "
                 f"got {e.strerror}")
    if flags.file is not None:
        with open(flags.file, encoding="utf-8") as stream:
            return _first_line(stream.read())
    return _prompt(flags.label, confirm)


def _prompt(label: str, confirm: bool) -> str:
    try:
        with open("/dev/tty"):
            pass
    except OSError:
        fail(f"{label}: expected --*-env, --*-fd or --*-file, got no terminal to prompt on")
    value = getpass.getpass(f"{label}: ")
    if confirm and getpass.getpass(f"{label} (again): ") != value:
        fail(f"{label}: expected the same text twice, got two different ones")
    if not value:
        fail(f"{label}: expected some text, got an empty line")
    return value


# --- input and output -------------------------------------------------------------------


def open_input(path: str) -> IO[bytes]:
    """A binary input stream: stdin for ``-``, else the file (closed by the caller)."""
    if path == "-":
        return sys.stdin.buffer
    return open(path, "rb")


def read_json(path: str, what: str) -> Any:
    """A whole JSON document from ``path`` (``-`` for stdin)."""
    stream = open_input(path)
    try:
        data = stream.read()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        fail(f"{what} ({path}): expected UTF-8 JSON, got bytes that are not UTF-8")
    except ValueError as e:
        fail(f"{what} ({path}): expected JSON, got text that does not parse ({e})")


@contextlib.contextmanager
def open_output(path: str, force: bool) -> Iterator[IO[bytes]]:
    """A binary output: stdout for ``-``, else a new file with mode 0600.

    The file is written under a temporary name in the same directory (created with
    O_CREAT|O_EXCL, mode 0600) and moved into place only when the block succeeds, so a
    failed command leaves nothing.  Without ``force`` an existing ``path`` is an error,
    checked before any work and again, atomically, at the end (a hard link).
    """
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if not force and os.path.lexists(path):
        raise FileExistsError(17, "File exists", path)
    folder = os.path.dirname(os.path.abspath(path))
    tmp = ""
    for _ in range(100):
        tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            continue
    else:
        fail(f"{path}: expected a free temporary name, found none")
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(stream: IO[bytes], text: str) -> None:
    """Writes UTF-8 text to a binary stream."""
    stream.write(text.encode("utf-8"))


# --- progress ---------------------------------------------------------------------------


class Progress:
    """A one-line progress report on stderr, drawn only when stderr is a terminal.

    Called as ``progress(stage, done, total)`` (key_export's callback signature); redraws
    at most ten times a second.
    """

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0
        self._drawn = False

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self._last < 0.1:
            return
        self._last = now
        if stage == "kdf":
            text = f"deriving the key ({total:,} rounds)..." if not final else "key derived"
        elif total:
            width = 30
            filled = width * done // total
            text = f"{stage} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
        else:
            text = f"{stage}: {done:,}"
        sys.stderr.write("\r\x1b[K" + text)
        sys.stderr.flush()
        self._drawn = True

    def done(self) -> None:
        """Clears the line."""
        if self._drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._drawn = False

    def task(self, label: str) -> Callable[[], None]:
        """Shows ``label`` (for work without steps, such as one PBKDF2 call); returns done."""
        if self.enabled:
            sys.stderr.write("\r\x1b[K" + label + "...")
            sys.stderr.flush()
            self._drawn = True
        return self.done


def add_output(parser: argparse.ArgumentParser, *, default: str = "-") -> None:
    """Adds ``-o/--output`` and ``--force``."""
    parser.add_argument("-o", "--output", default=default, metavar="PATH",
                        help="where to write ('-' for stdout; a new file gets mode 0600)")
    parser.add_argument("--force", action="store_true",
                        help="replace PATH if it exists")


def dumps(value: object) -> str:
    """Compact JSON on one line, non-ASCII kept as UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Formatter(argparse.HelpFormatter):
    """Wraps one-paragraph texts (descriptions) and keeps texts with line breaks (epilogs
    with examples) as they are written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

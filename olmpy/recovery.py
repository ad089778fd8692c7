"""Recovery keys and passphrase-derived keys, shared by key backup and secret storage.

A recovery key is how Matrix shows a 32-byte private key to a person (the spec's
"cryptographic key representation", used for the backup key and the secret storage
key):

    0x8B 0x01 | key (32) | parity (XOR of the 34 bytes before it)

written in base58 with the Bitcoin alphabet, with a space after every 4th character
(48 characters in 12 groups).  Reading ignores all whitespace.

A passphrase key (``m.pbkdf2``) is PBKDF2-HMAC-SHA-512 of the passphrase's UTF-8
bytes, with the salt string's UTF-8 bytes as salt, ``iterations`` rounds and
``bits / 8`` bytes of output (256 bits unless told otherwise).  PBKDF2 runs in
OpenSSL through ``cryptography``.  The iteration count of a stored ``passphrase`` object is
chosen by whoever wrote the account data, so ``key_from_passphrase_info`` admits at most
``DEFAULT_MAX_ITERATIONS`` (1,000,000: every client's setting, see SPEC.md section 16)
unless the caller passes a larger ``max_iterations``.

Base58 runs on the active backend (``recovery_key_decode`` / ``recovery_key_encode``),
branch-free on the key in the native core: character values by arithmetic on the
character code (no alphabet table) and a fixed-width multiply-add over every limb
(SPEC.md section 16).  What decoding reveals is what it reports: where the first
character outside the alphabet is, how many base58 characters there are, the decoded
length and whether prefix and parity match.  Error messages never quote bytes derived
from the key (not even the parity byte).
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping
from typing import Any, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from olmpy import _backend
from olmpy.errors import DecodeError, KdfCostError, UsageError, brief, expected
from olmpy.types import PassphraseInfoJson

__all__ = [
    "DEFAULT_ITERATIONS",
    "DEFAULT_MAX_ITERATIONS",
    "MAX_ITERATIONS",
    "PBKDF2_ALGORITHM",
    "RECOVERY_KEY_PREFIX",
    "PassphraseCostError",
    "PassphraseInfoError",
    "RecoveryKeyError",
    "decode_recovery_key",
    "encode_recovery_key",
    "generate_passphrase_info",
    "key_from_passphrase",
    "key_from_passphrase_info",
]

RECOVERY_KEY_PREFIX = b"\x8b\x01"
KEY_LENGTH = 32
_RAW_LENGTH = len(RECOVERY_KEY_PREFIX) + KEY_LENGTH + 1  # 35
_GROUP = 4
_MAX_CHARS = 64  # 35 bytes need at most 48 characters; leading "1"s may add a few

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

PBKDF2_ALGORITHM: Final = "m.pbkdf2"
DEFAULT_ITERATIONS = 500_000  # what Element and matrix-js-sdk write
MAX_ITERATIONS = 10_000_000  # the most olmpy derives at all (about 4 s here)
DEFAULT_MAX_ITERATIONS = 1_000_000  # the most stored parameters get unless the caller allows
_MIN_NEW_ITERATIONS = 100_000  # the spec's example; fresh parameters use at least this
_MAX_BITS = 4096
_SALT_ALPHABET = string.ascii_letters + string.digits
_SALT_LENGTH = 32


class RecoveryKeyError(DecodeError):
    """A recovery key text does not decode: bad character, length, prefix or parity."""


class PassphraseInfoError(DecodeError):
    """A ``passphrase`` object (m.pbkdf2 parameters from account data) is malformed."""


class PassphraseCostError(PassphraseInfoError, KdfCostError):
    """A ``passphrase`` object asks for more PBKDF2 iterations than the caller allows."""





# --- base58 -------------------------------------------------------------------------------


def _characters(text: str) -> bytes:
    """One byte per character of ``text``, as the backends read it: ASCII as it is; other
    whitespace (``str.isspace``) as a space and anything else as 0x7F, so positions stay
    those of the text as given.  A recovery key is ASCII, so only text that is not a
    well-formed key takes the per-character path."""
    if text.isascii():
        return text.encode("ascii")
    return bytes(c if c < 0x80 else 0x20 if chr(c).isspace() else 0x7F for c in map(ord, text))


# --- recovery keys ------------------------------------------------------------------------


def encode_recovery_key(key: bytes) -> str:
    """The recovery key text for a 32-byte key: base58 in groups of 4 separated by spaces."""
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise UsageError("recovery key: " + expected("32 bytes", type(key).__name__))
    key = bytes(key)
    if len(key) != KEY_LENGTH:
        raise UsageError("recovery key: " + expected("32 bytes", f"{len(key)} bytes"))
    text: str = _backend.impl.recovery_key_encode(key)
    return " ".join(text[i : i + _GROUP] for i in range(0, len(text), _GROUP))


def decode_recovery_key(text: str) -> bytes:
    """The 32-byte key in a recovery key text; whitespace anywhere is ignored.

    Raises ``RecoveryKeyError`` (a ``DecodeError``) naming the first problem found:
    a character outside the base58 alphabet (and where), the wrong decoded length,
    the wrong prefix, or a parity byte that does not match (a mistyped character).
    """
    if not isinstance(text, str):
        raise UsageError("recovery key: " + expected("a str", type(text).__name__))
    data = _characters(text)
    first_bad, count, length, flags, raw = _backend.impl.recovery_key_decode(data)
    if first_bad < len(data):
        raise RecoveryKeyError(
            "recovery key: "
            + expected(
                "base58 characters (no 0, O, I or l)",
                f"{text[first_bad]!r} at position {first_bad}",
            )
        )
    if not count:
        raise RecoveryKeyError("recovery key: " + expected("48 base58 characters", "none"))
    if count > _MAX_CHARS:
        raise RecoveryKeyError(
            "recovery key: " + expected("48 base58 characters", f"{count} characters")
        )
    if length != _RAW_LENGTH:
        raise RecoveryKeyError(
            "recovery key: "
            + expected(
                f"{_RAW_LENGTH} bytes once decoded (48 characters)",
                f"{length} bytes from {count} characters",
            )
        )
    if not flags & 1:
        raise RecoveryKeyError(
            "recovery key: "
            + expected(f"the prefix {RECOVERY_KEY_PREFIX.hex()}", f"{raw[:2].hex()}")
            + " (not a Matrix recovery key)"
        )
    if not flags & 2:
        raise RecoveryKeyError(
            "recovery key: expected a matching parity byte, got one that does not match "
            "(a character is mistyped)"
        )
    key: bytes = raw[2 : 2 + KEY_LENGTH]
    return key


# --- passphrase keys ----------------------------------------------------------------------


def _check_iterations(iterations: object, minimum: int = 1) -> int:
    if type(iterations) is not int or not minimum <= iterations <= MAX_ITERATIONS:
        raise UsageError(
            "PBKDF2 iterations: "
            + expected(f"an int in {minimum}..{MAX_ITERATIONS}", brief(iterations))
        )
    return iterations


def check_max_iterations(max_iterations: object) -> int:
    """Validates a caller's ``max_iterations`` (UsageError unless an int in
    1..MAX_ITERATIONS)."""
    if type(max_iterations) is not int or not 1 <= max_iterations <= MAX_ITERATIONS:
        raise UsageError(
            "max_iterations: "
            + expected(f"an int in 1..{MAX_ITERATIONS}", brief(max_iterations))
        )
    return max_iterations


def iterations_beyond(what: str, iterations: int, max_iterations: int) -> str:
    """The message for stored parameters that ask for more than ``max_iterations``."""
    return (
        f"{what}: " + expected(f"at most {max_iterations} PBKDF2 iterations", iterations)
        + f" (pass max_iterations= up to {MAX_ITERATIONS} to allow more; the default, "
        f"{DEFAULT_MAX_ITERATIONS}, admits every known client's setting)"
    )


def _check_bits(bits: object) -> int:
    if type(bits) is not int or not 8 <= bits <= _MAX_BITS or bits % 8:
        raise UsageError(
            "PBKDF2 bits: " + expected(f"a multiple of 8 in 8..{_MAX_BITS}", brief(bits))
        )
    return bits


def key_from_passphrase(passphrase: str, salt: str, iterations: int, bits: int = 256) -> bytes:
    """``m.pbkdf2``: PBKDF2-HMAC-SHA-512(UTF-8 passphrase, UTF-8 salt, iterations, bits / 8).

    Raises ``UsageError`` for an empty passphrase or salt, non-str arguments, iterations
    outside 1..10,000,000, or bits that are not a multiple of 8 in 8..4096.
    """
    for name, value in (("passphrase", passphrase), ("PBKDF2 salt", salt)):
        if not isinstance(value, str):
            raise UsageError(f"{name}: " + expected("a str", type(value).__name__))
        if not value:
            raise UsageError(f"{name}: expected a non-empty str, got an empty one")
    rounds = _check_iterations(iterations)
    length = _check_bits(bits) // 8
    try:
        secret, salt_bytes = passphrase.encode("utf-8"), salt.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            "passphrase or salt: expected text encodable as UTF-8, got lone surrogates"
        ) from None
    kdf = PBKDF2HMAC(algorithm=hashes.SHA512(), length=length, salt=salt_bytes, iterations=rounds)
    return kdf.derive(secret)


def generate_passphrase_info(iterations: int = DEFAULT_ITERATIONS) -> PassphraseInfoJson:
    """Fresh ``m.pbkdf2`` parameters with a random 32-character alphanumeric salt.

    ``{"algorithm": "m.pbkdf2", "salt": ..., "iterations": ...}``; ``bits`` is left out
    (the spec's default, 256).  Iterations below 100,000 are refused (UsageError).
    """
    rounds = _check_iterations(iterations, _MIN_NEW_ITERATIONS)
    return {
        "algorithm": PBKDF2_ALGORITHM,
        "salt": "".join(secrets.choice(_SALT_ALPHABET) for _ in range(_SALT_LENGTH)),
        "iterations": rounds,
    }


def key_from_passphrase_info(
    passphrase: str,
    info: PassphraseInfoJson | Mapping[str, Any],
    *,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
) -> bytes:
    """The key for ``passphrase`` under a ``passphrase`` object read from account data.

    A malformed object (not a dict, another algorithm, a missing, mistyped or empty
    salt, iterations that are not an integer in 1..10,000,000, ``bits`` other than
    256/null/absent) raises ``PassphraseInfoError``.  The object comes from the server,
    so more iterations than ``max_iterations`` (default 1,000,000) raise
    ``PassphraseCostError`` (a ``PassphraseInfoError`` and a ``KdfCostError``) before any
    work.  A bad ``passphrase`` or ``max_iterations`` (the caller's) raises ``UsageError``.
    """
    limit = check_max_iterations(max_iterations)
    what = "passphrase info"
    if not isinstance(info, Mapping):
        raise PassphraseInfoError(f"{what}: " + expected("a JSON object", type(info).__name__))
    algorithm = info.get("algorithm")
    if algorithm != PBKDF2_ALGORITHM:
        raise PassphraseInfoError(
            f"{what} algorithm: " + expected(repr(PBKDF2_ALGORITHM), brief(algorithm))
        )
    salt = info.get("salt")
    if not isinstance(salt, str) or not salt:
        raise PassphraseInfoError(f"{what} salt: " + expected("a non-empty string", brief(salt)))
    iterations = info.get("iterations")
    if type(iterations) is not int or not 1 <= iterations <= MAX_ITERATIONS:
        raise PassphraseInfoError(
            f"{what} iterations: "
            + expected(f"an integer in 1..{MAX_ITERATIONS}", brief(iterations))
        )
    bits = info.get("bits")
    if bits is not None and (type(bits) is not int or bits != 256):
        # matrix-js-sdk derives bits / 8 bytes, matrix-rust-sdk always 32: any other value
        # would open differently in the two, so olmpy refuses to pick one.
        raise PassphraseInfoError(
            f"{what} bits: " + expected("256, null or absent", brief(bits))
        )
    if iterations > limit:
        raise PassphraseCostError(iterations_beyond(f"{what} iterations", iterations, limit))
    return key_from_passphrase(passphrase, salt, iterations)

"""Base64 as Matrix uses it: standard alphabet, written without padding.

Readers accept padded input (SSSS and js-sdk values often carry it) but,
unlike libolm's decoder, reject characters outside the alphabet, bad padding
and non-zero trailing bits, so every value has exactly one accepted spelling
per padding style.
"""

from __future__ import annotations

import binascii
import sys

from olmpy.errors import Base64Error, expected

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_STRICT = sys.version_info >= (3, 11)


def encode(data: bytes) -> str:
    """Unpadded standard base64 of ``data``."""
    return binascii.b2a_base64(data, newline=False).decode("ascii").rstrip("=")


def decode(text: str | bytes, what: str) -> bytes:
    """Decodes padded or unpadded base64, raising Base64Error that names ``what``."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise Base64Error(f"{what}: " + expected("base64 text", "non-ASCII bytes")) from None
    elif not isinstance(text, str):
        raise Base64Error(f"{what}: " + expected("a base64 str", type(text).__name__))
    core = text.rstrip("=")
    pad = len(text) - len(core)
    rem = len(core) % 4
    if rem == 1 or (pad and (len(text) % 4 or pad != (4 - rem) % 4)):
        raise Base64Error(
            f"{what}: " + expected("a valid base64 length and padding", f"{len(text)} characters")
        )
    if rem:
        last = _VALUE.get(core[-1])
        if last is not None and last & (0x0F if rem == 2 else 0x03):
            raise Base64Error(f"{what}: " + expected("zero trailing bits", "non-zero ones"))
    padded = core + "=" * ((4 - rem) % 4)
    try:
        if _STRICT:
            return binascii.a2b_base64(padded, strict_mode=True)  # type: ignore[call-arg,unused-ignore]
        if not padded.isascii() or any(c not in _VALUE and c != "=" for c in padded):
            raise binascii.Error("bad character")
        return binascii.a2b_base64(padded)
    except (binascii.Error, ValueError):
        raise Base64Error(
            f"{what}: " + expected("only base64 characters", "a character outside the alphabet")
        ) from None

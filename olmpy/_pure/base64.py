"""Pure twin of ``_native/base64.c``: the base64 codecs, one for secrets and one for
public data (SPEC.md section 1)."""

from __future__ import annotations

import binascii
import hmac as _hmac
import sys

from olmpy._pure.core import SecretBuffer, wipe
from olmpy.errors import Base64Error, UsageError, expected

# Two codecs.  The one for secrets (``b64_encode`` / ``b64_decode``: keys, session keys,
# pickled state) has no table and no branch per character: characters and sextets are
# converted by arithmetic on 16-bit lanes of one Python integer (SWAR), so that which
# characters a key has does not pick cache lines or code paths.  CPython's integers are
# not constant time in every respect (an operation's cost follows the number of
# significant digits), which SPEC.md section 1 states; there is no table-driven step.  The
# one for public data (``*_public``: messages, public keys, signatures, ciphertexts) is the
# stdlib's table-driven binascii, several times faster on long inputs.

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_STRICT = sys.version_info >= (3, 11)


def _lanes(pattern: bytes, count: int) -> int:
    """The little-endian integer of ``pattern`` repeated ``count`` times."""
    return int.from_bytes(pattern * count, "little")


def b64_encode(data: bytes) -> str:
    """Unpadded standard base64 of ``data`` (secrets: no table, no per-character branch)."""
    n = len(data)
    if n == 0:
        return ""
    groups = (n + 2) // 3
    padded = bytes(data) + bytes(3 * groups - n)
    # One 24-bit group per 64-bit slot, its bytes placed by slicing.
    slots = bytearray(8 * groups)
    slots[2::8] = padded[0::3]
    slots[1::8] = padded[1::3]
    slots[0::8] = padded[2::3]
    g = int.from_bytes(slots, "little")
    wipe(slots)
    # Group -> two 12-bit halves in 32-bit slots -> four sextets in 16-bit lanes, in order.
    m12 = _lanes(b"\xff\x0f" + bytes(6), groups)
    pairs = ((g >> 12) & m12) | ((g & m12) << 32)
    m6 = _lanes(b"\x3f\x00\x00\x00", 2 * groups)
    v = ((pairs >> 6) & m6) | ((pairs & m6) << 16)
    # Sextet -> character: 'A' + v, then +6 from 26 on, -75 from 52, -15 from 62, +3 at 63
    # (mod 256 in the low byte of each lane; a lane never exceeds 16 bits).
    ones = _lanes(b"\x01\x00", 4 * groups)
    w = v + ones * (0x8000 - 26)
    ge26 = (w >> 15) & ones
    ge52 = ((w - ones * 26) >> 15) & ones
    ge62 = ((w - ones * 36) >> 15) & ones
    ge63 = ((w - ones * 37) >> 15) & ones
    chars = v + ones * 65 + ge26 * 6 + ge52 * 181 + ge62 * 241 + ge63 * 3
    return chars.to_bytes(8 * groups, "little")[0 : 2 * ((4 * n + 2) // 3) : 2].decode("ascii")


def _b64_core(text: str | bytes, what: str) -> bytes:
    """The characters of padded or unpadded base64 ``text`` without the padding, after the
    checks that depend only on its length and padding (public facts)."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if not raw.isascii():
            raise Base64Error(f"{what}: " + expected("base64 text", "non-ASCII bytes"))
    elif isinstance(text, str):
        if not text.isascii():
            raise Base64Error(
                f"{what}: " + expected("only base64 characters", "a character outside the alphabet")
            )
        raw = text.encode("ascii")
    else:
        raise UsageError(f"{what}: " + expected("a base64 str", type(text).__name__))
    core = raw.rstrip(b"=")
    pad = len(raw) - len(core)
    rem = len(core) % 4
    if rem == 1 or (pad and (len(raw) % 4 or pad != (4 - rem) % 4)):
        raise Base64Error(
            f"{what}: " + expected("a valid base64 length and padding", f"{len(raw)} characters")
        )
    return core


def _bad_character(what: str) -> Base64Error:
    return Base64Error(
        f"{what}: " + expected("only base64 characters", "a character outside the alphabet")
    )


def _bad_trailing_bits(what: str) -> Base64Error:
    return Base64Error(f"{what}: " + expected("zero trailing bits", "non-zero ones"))


def b64_decode(text: str | bytes, what: str) -> bytes:
    """Decodes padded or unpadded base64, raising Base64Error that names ``what``
    (secrets: no table, no per-character branch)."""
    core = _b64_core(text, what)
    n = len(core)
    if n == 0:
        return b""
    groups = (n + 3) // 4
    ones = _lanes(b"\x01\x00", 4 * groups)
    lanes = bytearray(b"A\x00" * 4 * groups)  # 'A' (sextet 0) fills the last group
    lanes[0 : 2 * n : 2] = core
    c = int.from_bytes(lanes, "little")
    wipe(lanes)
    # ge(k): 1 in each lane whose character code is at least k (codes are below 128).
    biased = c + ones * 0x8000

    def ge(k: int) -> int:
        return ((biased - ones * k) >> 15) & ones

    upper, lower, digit = ge(65) - ge(91), ge(97) - ge(123), ge(48) - ge(58)
    plus, slash = ge(43) - ge(44), ge(47) - ge(48)
    if upper + lower + digit + plus + slash != ones:
        raise _bad_character(what)
    # Character -> sextet, each class masked to its own lanes (mod 256 per lane).
    v = (
        ((c + ones * 191) & (upper * 0xFFFF))
        + ((c + ones * 185) & (lower * 0xFFFF))
        + ((c + ones * 4) & (digit * 0xFFFF))
        + plus * 62
        + slash * 63
    ) & (ones * 0xFF)
    # Sextets -> 12-bit pairs in 32-bit slots -> 24-bit groups in 64-bit slots -> bytes.
    m6 = _lanes(b"\x3f\x00\x00\x00", 2 * groups)
    pairs = ((v & m6) << 6) | ((v >> 16) & m6)
    m12 = _lanes(b"\xff\x0f" + bytes(6), groups)
    slots = (((pairs & m12) << 12) | ((pairs >> 32) & m12)).to_bytes(8 * groups, "little")
    out = SecretBuffer(3 * groups)
    out[0::3] = slots[2::8]
    out[1::3] = slots[1::8]
    out[2::3] = slots[0::8]
    length = n * 3 // 4
    # A short last group leaves its unused bits in the bytes past ``length``: all zero.
    if not _hmac.compare_digest(bytes(out[length:]), bytes(3 * groups - length)):
        raise _bad_trailing_bits(what)
    return bytes(out[:length])


def b64_encode_public(data: bytes) -> str:
    """Unpadded standard base64 of public ``data`` (the stdlib's table-driven encoder)."""
    return binascii.b2a_base64(data, newline=False).decode("ascii").rstrip("=")


def b64_decode_public(text: str | bytes, what: str) -> bytes:
    """``b64_decode`` for public data, through the stdlib's table-driven decoder."""
    core = _b64_core(text, what).decode("ascii")
    rem = len(core) % 4
    padded = core + "=" * ((4 - rem) % 4)
    try:
        if _STRICT:
            out = binascii.a2b_base64(padded, strict_mode=True)  # type: ignore[call-arg,unused-ignore]
        elif any(c not in _VALUE for c in core):
            raise binascii.Error("bad character")
        else:
            out = binascii.a2b_base64(padded)
    except (binascii.Error, ValueError):
        raise _bad_character(what) from None
    if rem and _VALUE[core[-1]] & (0x0F if rem == 2 else 0x03):
        raise _bad_trailing_bits(what)
    return out

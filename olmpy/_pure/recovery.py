"""Pure twin of ``_native/recovery.c``: the base58 text of recovery keys
(SPEC.md section 16)."""

from __future__ import annotations

import hmac as _hmac

from olmpy._pure.core import _lanes_at_least
from olmpy.errors import UsageError, expected

# Base58 without an alphabet table or big-integer arithmetic on the key: character classes
# and values by lane arithmetic (as in hex_decode in pickle.py, over chunks of the text, so
# a huge text costs no more than a copy of a chunk), and a fixed-width multiply-add over
# twelve 32-bit limbs for each base58 character.  Python's integers are not constant time
# (their size and the small-int cache vary); the native twin is the one held to that.

_B58_LIMBS = 12  # 384 bits: 58**64 < 2**375
_B58_MAX_CHARS = 64
_B58_CHUNK = 4096
_RECOVERY_RAW = 35
_RECOVERY_PREFIX = b"\x8b\x01"


def _in_lanes(x: int, ones: int, high: int, lo: int, hi: int) -> int:
    """Bit 7 of each lane (values below 0x80) holding lo..hi."""
    return _lanes_at_least(x, ones, high, lo) & ~_lanes_at_least(x, ones, high, hi + 1)


def _b58_chunk(chunk: bytes) -> tuple[int, bytes, bytes]:
    """(position of the first bad character or -1, digit flags (1 per character), values)
    for one chunk, classified in parallel lanes."""
    n = len(chunk)
    ones = int.from_bytes(b"\x01" * (n + 1), "big")
    high = ones << 7
    lanes = high >> 8  # every lane but the guard on top
    x = int.from_bytes(b"\x01" + chunk, "big")
    upper = x & lanes  # characters of 0x80 and above: bad, and kept out of the sums
    x ^= upper

    def within(lo: int, hi: int) -> int:
        return _in_lanes(x, ones, high, lo, hi)

    digit = (within(49, 57) | within(65, 72) | within(74, 78) | within(80, 90)
             | within(97, 107) | within(109, 122)) & ~upper & lanes
    space = (within(9, 13) | within(28, 32)) & ~upper & lanes
    bad = lanes & ~(digit | space)
    first = n - 1 - (bad.bit_length() - 1) // 8 if bad else -1
    # value = c - 49, less 7 from 'A', 1 from 'J', 1 from 'P', 6 from 'a', 1 from 'm'
    offset = 49 * ones + sum(
        step * (_lanes_at_least(x, ones, high, start) >> 7)
        for step, start in ((7, 65), (1, 74), (1, 80), (6, 97), (1, 109))
    )
    full = (digit >> 7) * 0xFF
    values = (x & full) - (offset & full)
    return first, (digit >> 7).to_bytes(n + 1, "big")[1:], values.to_bytes(n + 1, "big")[1:]


def recovery_key_decode(text: bytes) -> tuple[int, int, int, int, bytes]:
    """Decodes recovery key text, one byte per character, without tables: (first bad
    position or len, base58 count, decoded length or 0, flags: 1 prefix ok, 2 parity ok,
    the 35 decoded bytes or zeros)."""
    if not isinstance(text, (bytes, bytearray, memoryview)):
        raise UsageError("recovery key text: " + expected("bytes", type(text).__name__))
    from itertools import compress

    data = bytes(text)
    first_bad, count = len(data), 0
    digits = bytearray()
    for start in range(0, len(data), _B58_CHUNK):
        first, flags, values = _b58_chunk(data[start : start + _B58_CHUNK])
        if first >= 0 and first_bad == len(data):
            first_bad = start + first
        count += sum(flags)
        if len(digits) <= _B58_MAX_CHARS:  # more is an error, reported by count
            digits += bytes(compress(values, flags))
    nothing = (first_bad, count, 0, 0, bytes(_RECOVERY_RAW))
    if first_bad < len(data) or not 1 <= count <= _B58_MAX_CHARS:
        return nothing
    limbs = [0] * _B58_LIMBS
    zeros, lead = 0, 1
    for value in digits:
        carry = value
        for j in range(_B58_LIMBS):
            total = limbs[j] * 58 + carry
            limbs[j] = total & 0xFFFFFFFF
            carry = total >> 32
        zero = 1 ^ ((-value >> 8) & 1)  # 1 when the digit is 0 ('1')
        zeros += lead & zero
        lead &= zero
    number = b"".join(limb.to_bytes(4, "big") for limb in reversed(limbs))
    seen = leading = 0
    for byte in number:
        seen |= (-byte >> 8) & 1
        leading += 1 ^ seen
    length = zeros + len(number) - leading
    if length != _RECOVERY_RAW:
        return first_bad, count, length, 0, bytes(_RECOVERY_RAW)
    raw = number[-_RECOVERY_RAW:]
    parity = 0
    for byte in raw:
        parity ^= byte
    prefix_ok = int(_hmac.compare_digest(raw[:2], _RECOVERY_PREFIX))
    return first_bad, count, length, prefix_ok | (int(parity == 0) << 1), raw


def _b58_char(d: int) -> str:
    """The character for a base58 value: d + 49, plus the gaps in the alphabet below it
    (((k - d) >> 8) & 1 is 1 when d > k)."""
    return chr(d + 49 + 7 * (((8 - d) >> 8) & 1) + (((16 - d) >> 8) & 1)
               + (((21 - d) >> 8) & 1) + 6 * (((32 - d) >> 8) & 1) + (((43 - d) >> 8) & 1))


def recovery_key_encode(key: bytes) -> str:
    """The 48 base58 characters of 0x8B 0x01 | key | parity, by fixed-width long division
    (no big integers, no alphabet table)."""
    if not isinstance(key, (bytes, bytearray, memoryview)) or len(key) != 32:
        got = f"{len(key)} bytes" if isinstance(key, (bytes, bytearray, memoryview)) else (
            type(key).__name__)
        raise UsageError("recovery key: " + expected("32 bytes", got))
    work = bytearray(_RECOVERY_PREFIX + bytes(key))
    parity = 0
    for byte in work:
        parity ^= byte
    work.append(parity)
    out = [""] * 48
    for d in range(47, -1, -1):  # 0x8B01... lies in [58**47, 58**48): 48 digits
        r = 0
        for i in range(_RECOVERY_RAW):
            x = (r << 8) | work[i]
            q = (x * 565) >> 15  # x // 58 for every x below 58 * 256
            r = x - 58 * q
            work[i] = q
        out[d] = _b58_char(r)
    return "".join(out)

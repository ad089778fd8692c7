"""Pure twin of ``_native/pickle.c``: sealed pickles, the JSON rewrites between byte arrays
and marked hex strings, the hex decoder, and vodozemac's exact InboundGroupSession layout
(SPEC.md sections 11 and 13)."""

from __future__ import annotations

import hmac as _hmac
import re

from olmpy._pure.aes import aes256_cbc_decrypt, aes256_cbc_encrypt
from olmpy._pure.base64 import b64_decode_public, b64_encode_public
from olmpy._pure.core import _lanes_at_least
from olmpy._pure.sha256 import hkdf_sha256, hmac_sha256
from olmpy.errors import (
    Base64Error,
    CiphertextError,
    PickleError,
    PickleKeyError,
    UsageError,
    expected,
)

_PICKLE_INFO = b"Pickle"


def pickle_seal(key: bytes, raw: bytes) -> str:
    """libolm's sealed form of ``raw``: HKDF "Pickle" keys, AES-256-CBC, 8-byte HMAC, base64."""
    okm = hkdf_sha256(b"", key, _PICKLE_INFO, 80)
    ct = aes256_cbc_encrypt(okm[:32], okm[64:80], raw)
    return b64_encode_public(ct + hmac_sha256(okm[32:64], ct)[:8])


def pickle_open(key: bytes, text: str | bytes, what: str) -> bytes:
    """Checks the MAC (constant time), then decrypts; PickleError naming ``what`` on failure."""
    try:
        data = b64_decode_public(text, what)
    except Base64Error as exc:
        raise PickleError(f"{what}: expected base64, got text that is not ({exc})") from None
    if len(data) < 24 or (len(data) - 8) % 16:
        raise PickleError(f"{what}: " + expected("16n + 8 bytes (n >= 1)", f"{len(data)} bytes"))
    okm = hkdf_sha256(b"", key, _PICKLE_INFO, 80)
    ct, mac = data[:-8], data[-8:]
    if not _hmac.compare_digest(hmac_sha256(okm[32:64], ct)[:8], mac):
        raise PickleKeyError(
            f"{what}: expected a MAC made with this pickle key, got another "
            "(wrong key or damaged pickle)"
        )
    try:
        return aes256_cbc_decrypt(okm[:32], okm[64:80], ct)
    except CiphertextError:
        raise PickleError(f"{what}: expected valid padding, got invalid") from None


# JSON strings (terminated, or running to the end) and arrays of integers 0..999 with JSON
# whitespace; the replacement functions keep everything that is not a byte array.
_WS = rb"[ \t\n\r]*"
_NUMBER = rb"(?:0|[1-9][0-9]{0,2})(?![0-9])"
_STRING = rb'"(?:[^"\\]|\\.)*(?:"|\\?\Z)'
_ARRAY_OR_STRING = re.compile(
    _STRING + rb"|\[" + _WS + rb"(" + _NUMBER + rb"(?:" + _WS + rb"," + _WS + _NUMBER + rb")*)"
    + _WS + rb"\]",
    re.S,
)
_SPLIT = re.compile(_WS + rb"," + _WS)
_MARKED = re.compile(rb'"\\u0000((?:[0-9a-f]{2})*)"')
_ANY_STRING = re.compile(_STRING, re.S)


def _array_to_hex(match: re.Match[bytes]) -> bytes:
    numbers = match.group(1)
    if numbers is None:
        string = match.group(0)
        # A string that itself starts with \u0000 gets a second one, so it can never pass
        # for a marked byte string (whose hex digits follow one \u0000).
        return b'"\\u0000' + string[1:] if string.startswith(b'"\\u0000') else string
    values = [int(n) for n in _SPLIT.split(numbers)]
    if max(values) > 255:
        return match.group(0)
    return b'"\\u0000' + bytes(values).hex().encode("ascii") + b'"'


def json_arrays_to_hex(text: bytes) -> bytes:
    """Each JSON array of integers 0..255 becomes the string "\\u0000" + lowercase hex; a
    string already starting with "\\u0000" gets a second one."""
    return _ARRAY_OR_STRING.sub(_array_to_hex, text)


def _hex_to_array(match: re.Match[bytes]) -> bytes:
    marked = _MARKED.fullmatch(match.group(0))
    if marked is None:
        return match.group(0)
    return b"[" + b",".join(b"%d" % v for v in bytes.fromhex(marked.group(1).decode())) + b"]"


def json_hex_to_arrays(text: bytes) -> bytes:
    """The inverse rewrite: each string "\\u0000" + lowercase hex becomes an integer array."""
    return _ANY_STRING.sub(_hex_to_array, text)


def pickle_seal_json(key: bytes, text: bytes) -> str:
    """``json_hex_to_arrays`` then ``pickle_seal``: a vodozemac pickle from marked JSON."""
    return pickle_seal(key, json_hex_to_arrays(text))


def pickle_open_json(key: bytes, text: str | bytes, what: str) -> bytes:
    """``pickle_open`` then ``json_arrays_to_hex``: a vodozemac pickle's JSON, marked."""
    return json_arrays_to_hex(pickle_open(key, text, what))


# Secret bytes written as lowercase hex (the marked strings above, once parsed) are decoded
# without a table and without a branch per digit: one Python integer holds every character
# in its own 8-bit lane (first character most significant) under a guard lane of 0x01, which
# keeps the integer's size independent of the digits, and lane-wise arithmetic classifies
# and converts all of them at once (SPEC.md section 13).


def hex_decode(digits: bytes) -> bytes:
    """Lowercase hex pairs as bytes, by lane arithmetic (no table, no branch per digit);
    PickleError for an odd length or a character outside 0-9a-f."""
    if not isinstance(digits, (bytes, bytearray, memoryview)):
        raise UsageError("hex digits: " + expected("bytes", type(digits).__name__))
    data = bytes(digits)
    n = len(data)
    if n % 2:
        raise PickleError("pickle byte string: " + expected("hex digits in pairs", f"{n}"))
    if not n:
        return b""
    ones = int.from_bytes(b"\x01" * (n + 1), "big")
    high = ones << 7
    x = int.from_bytes(b"\x01" + data, "big")
    digit = _lanes_at_least(x, ones, high, 0x30) & ~_lanes_at_least(x, ones, high, 0x3A)
    letter = _lanes_at_least(x, ones, high, 0x61) & ~_lanes_at_least(x, ones, high, 0x67)
    # A lane of 0x80 or more is bad by itself (its sum may carry into the next lane, whose
    # flags then do not matter: the verdict is already "bad").
    bad = ((x & high) | ~(digit | letter)) & (high >> 8)  # every lane but the guard
    if bad:
        raise PickleError(
            "pickle byte string: " + expected("lowercase hex digits (0-9, a-f)", "other text")
        )
    # '0'..'9' -> c & 15; 'a'..'f' (bit 6 set) -> (c & 15) + 9.
    value = (x & (ones * 0x0F)) + 9 * ((x >> 6) & ones)
    # Each 16-bit unit (high digit, low digit) becomes one byte in its low half.
    pairs = (value | (value >> 4)) & int.from_bytes(b"\x01" + b"\x00\xff" * (n // 2), "big")
    return pairs.to_bytes(n + 1, "big")[2::2]


# vodozemac's InboundGroupSession pickle in its exact serde layout (SPEC.md section 13).
_BYTE = rb"(?:0|[1-9][0-9]{0,2})"
_IGS_EXACT = re.compile(
    rb'\{"initial_ratchet":\{"inner":\[((?:' + _BYTE + rb",){127}" + _BYTE + rb')\],'
    rb'"counter":(0|[1-9][0-9]{0,9})\},"signing_key":\[((?:' + _BYTE + rb",){31}" + _BYTE
    + rb')\],"signing_key_verified":(true|false),"config":\{"version":"V1"\}\}',
)


def _igs_array(data: bytes) -> bytes:
    return b",".join(b"%d" % v for v in data)


def igs_vodozemac_seal(key: bytes, state: bytes | bytearray, public: bytes, verified: bool) -> str:
    """vodozemac's InboundGroupSession pickle, exactly as its serde writes it, of a
    132-byte initial state (R || counter) and the signing key."""
    state = bytes(state)
    text = (
        b'{"initial_ratchet":{"inner":[' + _igs_array(state[:128]) + b'],"counter":'
        + b"%d" % int.from_bytes(state[128:132], "big") + b'},"signing_key":['
        + _igs_array(public) + b'],"signing_key_verified":' + (b"true" if verified else b"false")
        + b',"config":{"version":"V1"}}'
    )
    return pickle_seal(key, text)


def igs_vodozemac_open(
    key: bytes, text: str | bytes, what: str
) -> tuple[bytes, bytes, bool] | None:
    """(initial state, signing key, verified) of a pickle in exactly that layout; None when it
    opens but is laid out otherwise (the caller's general parser decides); PickleError when
    it does not open."""
    match = _IGS_EXACT.fullmatch(pickle_open(key, text, what))
    if match is None:
        return None
    inner, counter, public, verified = match.groups()
    ratchet = [int(v) for v in inner.split(b",")]
    signing = [int(v) for v in public.split(b",")]
    number = int(counter)
    if max(ratchet) > 255 or max(signing) > 255 or number > 0xFFFFFFFF:
        return None
    return bytes(ratchet) + number.to_bytes(4, "big"), bytes(signing), verified == b"true"

"""Pure twin of ``_native/megolm.c``: the Megolm ratchet and v1 Megolm messages.  A fresh
group session is made by ``core.megolm_group_new``, as in the C core."""

from __future__ import annotations

import hmac as _hmac

from olmpy._pure.aes import aes256_cbc_decrypt, aes256_cbc_encrypt
from olmpy._pure.core import SIGNATURE_LEN, ed25519_sign, ed25519_verify, wipe
from olmpy._pure.sha256 import hkdf_sha256
from olmpy._wire import read_varint, varint
from olmpy.errors import (
    MacError,
    MessageDecodeError,
    UnknownMessageIndexError,
    UsageError,
    VersionError,
    expected,
)

MEGOLM_STATE_LEN = 132
MEGOLM_MAC_LEN = 8
_MEGOLM_KEYS = b"MEGOLM_KEYS"


# --- Megolm ratchet -----------------------------------------------------------------


def _counter(state: bytearray) -> int:
    return int.from_bytes(state[128:132], "big")


def _rehash_from(state: bytearray, h: int) -> None:
    key = bytes(state[32 * h : 32 * h + 32])
    for k in range(3, h - 1, -1):
        state[32 * k : 32 * k + 32] = _hmac.digest(key, bytes([k]), "sha256")


def megolm_advance(state: bytearray) -> None:
    """Advances a 132-byte Megolm state by one index, in place."""
    c = (_counter(state) + 1) & 0xFFFFFFFF
    if c & 0xFFFFFF == 0:
        h = 0
    elif c & 0xFFFF == 0:
        h = 1
    elif c & 0xFF == 0:
        h = 2
    else:
        h = 3
    _rehash_from(state, h)
    state[128:132] = c.to_bytes(4, "big")


def megolm_advance_to(state: bytearray, target: int) -> None:
    """Advances a Megolm state to ``target`` (mod 2**32), part by part, in place."""
    if not 0 <= target <= 0xFFFFFFFF:
        raise UsageError("Megolm index: " + expected("an int in 0..2**32-1", repr(target)))
    counter = _counter(state)
    for j in range(4):
        shift = (3 - j) * 8
        mask = (0xFFFFFFFF << shift) & 0xFFFFFFFF
        steps = ((target >> shift) - (counter >> shift)) & 0xFF
        if steps == 0:
            if target < counter:
                steps = 0x100
            else:
                continue
        tag = bytes([j])
        while steps > 1:
            state[32 * j : 32 * j + 32] = _hmac.digest(
                bytes(state[32 * j : 32 * j + 32]), tag, "sha256"
            )
            steps -= 1
        _rehash_from(state, j)
        counter = target & mask
    state[128:132] = counter.to_bytes(4, "big")


# --- Megolm messages ------------------------------------------------------------------


def megolm_parse(message: bytes) -> tuple[int, int, int]:
    """Parses a v1 Megolm message; returns (index, ciphertext offset, ciphertext length)."""
    trailer = MEGOLM_MAC_LEN + SIGNATURE_LEN
    if len(message) < 1:
        raise MessageDecodeError("Megolm message: " + expected("at least 1 byte", "0 bytes"))
    if message[0] != 0x03:
        raise VersionError("Megolm message version: " + expected("0x03", f"0x{message[0]:02x}"))
    if len(message) < 1 + trailer:
        raise MessageDecodeError(
            "Megolm message: " + expected(f"at least {1 + trailer} bytes", f"{len(message)} bytes")
        )
    end = len(message) - trailer
    pos = 1
    index: int | None = None
    ct: tuple[int, int] | None = None
    while pos < end:
        key, pos = read_varint(message, pos, end)
        wire, field = key & 7, key >> 3
        if wire == 0:
            value, pos = read_varint(message, pos, end)
            if field == 1:
                if index is not None:
                    raise MessageDecodeError("Megolm message: expected one index field, got two")
                if value > 0xFFFFFFFF:
                    raise MessageDecodeError("Megolm message index: " + expected("a u32", value))
                index = value
        elif wire == 2:
            length, pos = read_varint(message, pos, end)
            if length > end - pos:
                raise MessageDecodeError(
                    f"Megolm message field {field}: "
                    + expected(f"at most {end - pos} bytes", f"a length of {length}")
                )
            if field == 2:
                if ct is not None:
                    raise MessageDecodeError(
                        "Megolm message: expected one ciphertext field, got two"
                    )
                ct = (pos, length)
            pos += length
        else:
            raise MessageDecodeError(
                "Megolm message: " + expected("wire type 0 or 2", f"wire type {wire}")
            )
    if index is None or ct is None:
        missing = "message index" if index is None else "ciphertext"
        raise MessageDecodeError(f"Megolm message: expected a {missing} field, got none")
    return index, ct[0], ct[1]


def _megolm_keys(state: bytes | bytearray) -> tuple[bytes, bytes, bytes]:
    okm = hkdf_sha256(b"", bytes(state[:128]), _MEGOLM_KEYS, 80)
    return okm[:32], okm[32:64], okm[64:80]


def megolm_encrypt(state: bytearray, key: bytearray, plaintext: bytes) -> bytes:
    """Encrypts and signs (with a key from ``ed25519_key``) one v1 message at the state's
    index, then advances the state."""
    index = _counter(state)
    aes_key, mac_key, iv = _megolm_keys(state)
    ct = aes256_cbc_encrypt(aes_key, iv, plaintext)
    body = b"\x03\x08" + varint(index) + b"\x12" + varint(len(ct)) + ct
    body += _hmac.digest(mac_key, body, "sha256")[:MEGOLM_MAC_LEN]
    body += ed25519_sign(key, body)
    megolm_advance(state)
    return body


def megolm_decrypt(
    initial: bytearray, latest: bytearray, public: bytes, message: bytes, check_signature: bool
) -> tuple[bytes, int]:
    """Verifies then decrypts a v1 message; moves ``latest`` forward only on success."""
    message = bytes(message)
    index, ct_off, ct_len = megolm_parse(message)
    if check_signature:
        ed25519_verify(public, message[:-SIGNATURE_LEN], message[-SIGNATURE_LEN:])
    latest_c, initial_c = _counter(latest), _counter(initial)
    # Indexes compare modulo 2**32 over half the range, as libolm does.
    ahead_of_latest = (index - latest_c) & 0xFFFFFFFF
    if ahead_of_latest < 0x80000000:
        work = bytearray(latest)
    elif (index - initial_c) & 0xFFFFFFFF < 0x80000000:
        work = bytearray(initial)
    else:
        raise UnknownMessageIndexError(
            "Megolm message index: " + expected(f"at least {initial_c}", index)
        )
    try:
        megolm_advance_to(work, index)
        aes_key, mac_key, iv = _megolm_keys(work)
        mac_end = len(message) - SIGNATURE_LEN - MEGOLM_MAC_LEN
        mac = _hmac.digest(mac_key, message[:mac_end], "sha256")[:MEGOLM_MAC_LEN]
        if not _hmac.compare_digest(mac, message[mac_end : mac_end + MEGOLM_MAC_LEN]):
            raise MacError(
                "Megolm message MAC: expected the MAC of this index's keys, got a different one"
            )
        plaintext = aes256_cbc_decrypt(aes_key, iv, message[ct_off : ct_off + ct_len])
        if 0 < ahead_of_latest < 0x80000000:
            latest[:] = work
        return plaintext, index
    finally:
        wipe(work)

"""Pure twin of ``_native/olm.c``: normal Olm messages and the chain keys that encrypt
them (SPEC.md section 10)."""

from __future__ import annotations

import hmac as _hmac

from olmpy._pure.aes import aes256_cbc_decrypt, aes256_cbc_encrypt
from olmpy._pure.core import x25519
from olmpy._pure.sha256 import hkdf_sha256
from olmpy._wire import fields as wire_fields
from olmpy._wire import varint
from olmpy.errors import MacError, MessageDecodeError, UsageError, VersionError, expected

OLM_MAC_LEN = 8
OLM_CHAIN_LEN = 36  # chain key (32) || index (u32 BE)
_OLM_KEYS = b"OLM_KEYS"
_OLM_RATCHET = b"OLM_RATCHET"


def olm_parse(message: bytes) -> tuple[bytes, int, int, int]:
    """Parses a normal Olm message; returns (ratchet key, chain index, ct offset, ct length)."""
    what = "Olm message"
    if len(message) < 1:
        raise MessageDecodeError(f"{what}: " + expected("at least 1 byte", "0 bytes"))
    if message[0] != 0x03:
        raise VersionError(f"{what} version: " + expected("0x03", f"0x{message[0]:02x}"))
    if len(message) < 1 + OLM_MAC_LEN:
        raise MessageDecodeError(
            f"{what}: " + expected(f"at least {1 + OLM_MAC_LEN} bytes", f"{len(message)} bytes")
        )
    fields = wire_fields(message, len(message) - OLM_MAC_LEN, what)
    key = fields.get(1)
    index = fields.get(2)
    ct = fields.get(4)
    if key is None or key[0] != 2 or key[2] != 32:
        got = "none" if key is None else f"{key[2]} bytes" if key[0] == 2 else "a varint"
        raise MessageDecodeError(f"{what} ratchet key: " + expected("32 bytes", got))
    if index is None or index[0] != 0:
        raise MessageDecodeError(f"{what}: expected a chain index varint, got none")
    if index[1] > 0xFFFFFFFF:
        raise MessageDecodeError(f"{what} chain index: " + expected("a u32", index[1]))
    if ct is None or ct[0] != 2:
        raise MessageDecodeError(f"{what}: expected a ciphertext field, got none")
    return bytes(message[key[1] : key[1] + 32]), index[1], ct[1], ct[2]


def olm_encrypt(chain: bytearray, ratchet_key: bytes, plaintext: bytes) -> bytes:
    """Encrypts one normal Olm message with the chain's next key, then advances the chain."""
    ck = bytes(chain[:32])
    index = int.from_bytes(chain[32:36], "big")
    message_key = _hmac.digest(ck, b"\x01", "sha256")
    okm = hkdf_sha256(b"", message_key, _OLM_KEYS, 80)
    ct = aes256_cbc_encrypt(okm[:32], okm[64:80], plaintext)
    body = (
        b"\x03\x0a\x20"
        + bytes(ratchet_key)
        + b"\x10"
        + varint(index)
        + b"\x22"
        + varint(len(ct))
        + ct
    )
    body += _hmac.digest(okm[32:64], body, "sha256")[:OLM_MAC_LEN]
    chain[:32] = _hmac.digest(ck, b"\x02", "sha256")
    chain[32:36] = ((index + 1) & 0xFFFFFFFF).to_bytes(4, "big")
    return body


def olm_chain_keys(chain: bytes, target: int, keep: int) -> tuple[list[tuple[int, bytes]], bytes]:
    """Message keys for the chain's indexes up to ``target`` (the last ``keep`` of them) and
    the chain state just after ``target``.  The chain must not be past ``target``."""
    ck = bytes(chain[:32])
    index = int.from_bytes(chain[32:36], "big")
    if not index <= target <= 0xFFFFFFFF:
        raise UsageError("Olm chain index: " + expected(f"{index}..2**32-1", target))
    keys: list[tuple[int, bytes]] = []
    while index <= target:
        if target - index < keep:
            keys.append((index, _hmac.digest(ck, b"\x01", "sha256")))
        ck = _hmac.digest(ck, b"\x02", "sha256")
        index += 1
    return keys, ck + (index & 0xFFFFFFFF).to_bytes(4, "big")


def olm_decrypt_message(message_key: bytes, message: bytes) -> bytes:
    """Checks the MAC of a normal Olm message under ``message_key``, then decrypts it."""
    message = bytes(message)
    _, _, ct_off, ct_len = olm_parse(message)
    okm = hkdf_sha256(b"", bytes(message_key), _OLM_KEYS, 80)
    end = len(message) - OLM_MAC_LEN
    mac = _hmac.digest(okm[32:64], message[:end], "sha256")[:OLM_MAC_LEN]
    if not _hmac.compare_digest(mac, message[end:]):
        raise MacError("Olm message MAC: expected the MAC of this message's key, got another")
    return aes256_cbc_decrypt(okm[:32], okm[64:80], message[ct_off : ct_off + ct_len])


def olm_decrypt_next(chain: bytearray, message: bytes) -> bytes:
    """Decrypts a message at the chain's own index; advances the chain only on success."""
    ck = bytes(chain[:32])
    plaintext = olm_decrypt_message(_hmac.digest(ck, b"\x01", "sha256"), message)
    chain[:32] = _hmac.digest(ck, b"\x02", "sha256")
    chain[32:36] = ((int.from_bytes(chain[32:36], "big") + 1) & 0xFFFFFFFF).to_bytes(4, "big")
    return plaintext


def olm_ratchet(
    root: bytearray, secret: bytearray | bytes, their: bytes
) -> tuple[bytearray, bytearray]:
    """(new root key, new chain state at index 0) of one Diffie-Hellman ratchet step."""
    shared = x25519(secret, their)
    if len(root) != 32:
        raise UsageError("Olm root key: " + expected("32 bytes", f"{len(root)} bytes"))
    derived = hkdf_sha256(bytes(root), shared, _OLM_RATCHET, 64)
    return bytearray(derived[:32]), bytearray(derived[32:] + bytes(4))

"""Pure twin of ``_native/pk.c``: libolm's PK encryption (SPEC.md section 16)."""

from __future__ import annotations

import hmac as _hmac

from olmpy._pure.aes import aes256_cbc_decrypt, aes256_cbc_encrypt
from olmpy._pure.core import x25519, x25519_public_batch
from olmpy._pure.sha256 import hkdf_sha256, hmac_sha256
from olmpy.errors import MacError

_PK_MAC_ERROR = (
    "PK message: expected a MAC made with this key, got another "
    "(encrypted for another key, or damaged)"
)


def pk_encrypt(
    ephemeral_secret: bytes | bytearray, recipient: bytes, plaintext: bytes
) -> tuple[bytes, bytes, bytes]:
    """(ephemeral public key, ciphertext, 8-byte MAC) of libolm's PK scheme; an all-zero
    shared secret is a KeyDecodeError."""
    secret = bytes(ephemeral_secret)
    shared = x25519(secret, recipient)
    okm = hkdf_sha256(b"", shared, b"", 80)
    ciphertext = aes256_cbc_encrypt(okm[:32], okm[64:80], plaintext)
    return x25519_public_batch(secret), ciphertext, hmac_sha256(okm[32:64], b"")[:8]


def pk_decrypt(secret: bytes | bytearray, ephemeral: bytes, ciphertext: bytes, mac: bytes) -> bytes:
    """Checks the MAC (constant time: MacError), then decrypts (CiphertextError)."""
    okm = hkdf_sha256(b"", x25519(bytes(secret), ephemeral), b"", 80)
    if not _hmac.compare_digest(hmac_sha256(okm[32:64], b"")[:8], mac):
        raise MacError(_PK_MAC_ERROR)
    return aes256_cbc_decrypt(okm[:32], okm[64:80], ciphertext)

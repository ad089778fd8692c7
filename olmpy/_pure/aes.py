"""Pure twin of ``_native/aes.c``: AES-256-CBC with PKCS#7 padding, through the
cryptography package (OpenSSL)."""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from olmpy.errors import CiphertextError, UsageError, expected


def has_aesni() -> bool:
    """Whether AES runs on AES-NI; the pure backend always uses OpenSSL."""
    return False


def _check_aes_args(key: bytes, iv: bytes) -> None:
    if len(key) != 32:
        raise UsageError("AES-256 key: " + expected("32 bytes", f"{len(key)} bytes"))
    if len(iv) != 16:
        raise UsageError("AES-CBC IV: " + expected("16 bytes", f"{len(iv)} bytes"))


def aes256_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-256-CBC with PKCS#7 padding."""
    _check_aes_args(key, iv)
    pad = 16 - len(plaintext) % 16
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(bytes(plaintext) + bytes([pad]) * pad) + enc.finalize()


def aes256_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Inverse of ``aes256_cbc_encrypt``; raises CiphertextError on bad length or padding."""
    _check_aes_args(key, iv)
    if len(ciphertext) == 0 or len(ciphertext) % 16:
        raise CiphertextError(
            "AES-CBC ciphertext: "
            + expected("a non-zero multiple of 16 bytes", f"{len(ciphertext)} bytes")
        )
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = dec.update(bytes(ciphertext)) + dec.finalize()
    pad = padded[-1]
    # Both halves are evaluated so the check does not branch on which failed.
    bad = (pad - 1) >> 8 | (16 - pad) >> 8
    for i in range(1, 17):
        in_pad = (i - 1 - pad) >> 8  # -1 (all ones) when i <= pad, else 0
        bad |= in_pad & (padded[-i] ^ pad)
    if bad:
        raise CiphertextError("AES-CBC plaintext: expected valid PKCS#7 padding, got invalid")
    return padded[: len(padded) - pad]

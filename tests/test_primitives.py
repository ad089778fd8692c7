"""Direct checks of the symmetric primitives that known-answer files do not pin down."""

from __future__ import annotations

from types import ModuleType

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from olmpy.errors import CiphertextError, UsageError

KEY = bytes(range(32))
IV = bytes(range(16, 32))


def _raw_cbc(block_plaintext: bytes) -> bytes:
    enc = Cipher(algorithms.AES(KEY), modes.CBC(IV)).encryptor()
    return enc.update(block_plaintext) + enc.finalize()


@pytest.mark.parametrize("pad", range(1, 17))
def test_every_corrupt_padding_byte_is_rejected(backend: ModuleType, pad: int) -> None:
    """For each padding length, changing any one padding byte is a CiphertextError."""
    body = bytes(16 - pad) + bytes([pad]) * pad
    assert backend.aes256_cbc_decrypt(KEY, IV, _raw_cbc(body)) == bytes(16 - pad)
    for pos in range(16 - pad, 16):
        bad = bytearray(body)
        bad[pos] ^= 0x80 if pos == 15 else 0x01
        with pytest.raises(CiphertextError):
            backend.aes256_cbc_decrypt(KEY, IV, _raw_cbc(bytes(bad)))


@pytest.mark.parametrize("last", [0, 17, 0xFF])
def test_out_of_range_padding_value(backend: ModuleType, last: int) -> None:
    """A final byte of 0 or above 16 is never valid padding."""
    with pytest.raises(CiphertextError):
        backend.aes256_cbc_decrypt(KEY, IV, _raw_cbc(bytes(15) + bytes([last])))


@pytest.mark.parametrize("size", [0, 1, 15, 17, 33])
def test_ciphertext_length_must_be_whole_blocks(backend: ModuleType, size: int) -> None:
    """A ciphertext that is empty or not a multiple of 16 bytes is refused up front."""
    with pytest.raises(CiphertextError, match="multiple of 16"):
        backend.aes256_cbc_decrypt(KEY, IV, bytes(size))


def test_key_and_iv_lengths_are_checked(backend: ModuleType) -> None:
    """Wrong key or IV sizes are caller misuse with the expected size named."""
    with pytest.raises(UsageError, match="expected 32 bytes, got 16 bytes"):
        backend.aes256_cbc_encrypt(bytes(16), IV, b"")
    with pytest.raises(UsageError, match="expected 16 bytes, got 8 bytes"):
        backend.aes256_cbc_decrypt(KEY, bytes(8), bytes(16))


def test_hkdf_length_limits(backend: ModuleType) -> None:
    """HKDF gives 0..8160 bytes and refuses more."""
    assert backend.hkdf_sha256(b"", b"ikm", b"", 0) == b""
    assert len(backend.hkdf_sha256(b"", b"ikm", b"", 8160)) == 8160
    with pytest.raises(UsageError):
        backend.hkdf_sha256(b"", b"ikm", b"", 8161)

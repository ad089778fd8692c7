"""Pure twin of the part of ``_native/ed25519_verify.c`` that Python reaches on its own:
whether 32 bytes are an Ed25519 point.  (Verification itself is ``core.ed25519_verify``,
as ``olmpy_ed25519_verify`` is in core.c; the native verifier's precomputed keys have no
pure counterpart.)"""

from __future__ import annotations

from nacl import bindings as _sodium
from nacl.exceptions import CryptoError

# The Ed25519 base point's encoding (y = 4/5, x even).
_BASE_POINT = bytes([0x58]) + bytes([0x66]) * 31


def ed25519_is_point(key: bytes) -> bool:
    """Whether 32 public bytes decompress to a point of Ed25519 (the test ed25519-dalek's
    decompression makes).  No curve code here: libsodium's point addition decompresses
    both operands and fails exactly when one does not, so adding the base point is the
    test.  Public data only."""
    if len(key) != 32:
        return False
    try:
        _sodium.crypto_core_ed25519_add(bytes(key), _BASE_POINT)
    except CryptoError:
        return False
    return True

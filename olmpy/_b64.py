"""Base64 as Matrix uses it: standard alphabet, written without padding.

Readers accept padded input (SSSS and js-sdk values often carry it) but,
unlike libolm's decoder, reject characters outside the alphabet, bad padding
and non-zero trailing bits, so every value has exactly one accepted spelling
per padding style (SPEC.md section 1).  The work runs on the active backend.

Two pairs of functions: ``encode`` / ``decode`` for secrets (session keys,
private keys, anything derived from them), which use no lookup table on either
backend and wipe their scratch buffers; ``encode_public`` / ``decode_public``
for public data (messages, public keys, signatures, ciphertexts, ids), which
may use the stdlib's table-driven codec and skip the wiping.
"""

from __future__ import annotations

import binascii

from olmpy import _backend


def encode(data: bytes) -> str:
    """Unpadded standard base64 of secret ``data``."""
    out: str = _backend.impl.b64_encode(data)
    return out


_PUBLIC_NATIVE_FROM = 2048


def encode_public(data: bytes) -> str:
    """Unpadded base64 of public data (keys, signatures, ciphertexts).

    Short values use the stdlib's encoder, whose lookup table is fine for public
    data and which saves a native call; long ones use the backend's encoder
    (SIMD in the native core).  Secrets always go through ``encode``.
    """
    if len(data) >= _PUBLIC_NATIVE_FROM:
        out: str = _backend.impl.b64_encode_public(data)
        return out
    return binascii.b2a_base64(data, newline=False).decode("ascii").rstrip("=")


def decode(text: str | bytes, what: str) -> bytes:
    """Decodes padded or unpadded base64 holding a secret; Base64Error names ``what``."""
    out: bytes = _backend.impl.b64_decode(text, what)
    return out


def decode_public(text: str | bytes, what: str) -> bytes:
    """Decodes padded or unpadded base64 holding public data; Base64Error names ``what``."""
    out: bytes = _backend.impl.b64_decode_public(text, what)
    return out

"""``olm.utility``: Ed25519 signature checks and SHA-256, as python-olm."""

from __future__ import annotations

import olmpy
from olmpy.compat.olm._compat import to_bytes
from olmpy.errors import OlmpyError, SignatureError
from olmpy.keys import Ed25519PublicKey, Ed25519Signature

__all__ = ["OlmHashError", "OlmVerifyError", "ed25519_verify", "sha256"]


class OlmVerifyError(Exception):
    """A signature does not verify, or its key or signature does not decode."""


class OlmHashError(Exception):
    """Kept for python-olm's surface; hashing cannot fail."""


def ed25519_verify(key: str | bytes, message: str | bytes, signature: str | bytes) -> None:
    """Checks a base64 Ed25519 signature of ``message``; raises OlmVerifyError if it fails."""
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    if isinstance(signature, bytes):
        signature = signature.decode("utf-8", "replace")
    try:
        Ed25519PublicKey.from_base64(key).verify_signature(
            to_bytes(message), Ed25519Signature.from_base64(signature)
        )
    except SignatureError as exc:
        raise OlmVerifyError("BAD_MESSAGE_MAC") from exc
    except OlmpyError as exc:
        raise OlmVerifyError("INVALID_BASE64") from exc


def sha256(input_string: str | bytes) -> str:
    """Unpadded base64 of the SHA-256 digest of ``input_string`` (str as UTF-8)."""
    return olmpy.sha256(to_bytes(input_string))

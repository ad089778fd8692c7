"""olmpy: Olm and Megolm end-to-end encryption for Matrix.

Byte-compatible with libolm and vodozemac; the public names follow
vodozemac's Python binding.  ``BACKEND`` says whether the compiled core
("native") or its pure-Python twin ("python") is in use.
"""

from __future__ import annotations

from olmpy import _b64
from olmpy._backend import BACKEND
from olmpy._version import __version__
from olmpy.errors import (
    BackendError,
    Base64Error,
    CiphertextError,
    CurvePointError,
    DecodeError,
    DecryptionError,
    IdentityKeyMismatchError,
    KeyDecodeError,
    MacError,
    MessageDecodeError,
    MessageGapError,
    OlmpyError,
    ReplayError,
    SessionMismatchError,
    SignatureError,
    UnknownMessageIndexError,
    UnknownOneTimeKeyError,
    UsageError,
    VersionError,
)
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature
from olmpy.megolm import (
    DecryptedMessage,
    ExportedSessionKey,
    GroupSession,
    InboundGroupSession,
    MegolmMessage,
    ReplayGuard,
    SessionKey,
    SessionOrdering,
    SessionSource,
)
from olmpy.olm import (
    Account,
    AnyOlmMessage,
    Message,
    OlmPayload,
    OlmPayloadError,
    OlmPayloadMismatchError,
    PreKeyMessage,
    Session,
    check_olm_payload,
    olm_payload,
)
from olmpy.pickle.dehydrated import DehydratedDevice
from olmpy.pk import PkDecryption, PkEncryption, PkMessage
from olmpy.primitives import sha256 as _sha256_raw
from olmpy.sas import EstablishedSas, Sas, SasBytes
from olmpy.signed_json import PkSigning


def sha256_base64(data: bytes | str) -> str:
    """The SHA-256 digest of ``data`` (a str as UTF-8) as *unpadded base64 text*.

    This is what Matrix puts on the wire (e.g. a SAS commitment).  For the 32 raw digest
    bytes use ``olmpy.primitives.sha256`` (bytes in, bytes out).  Anything but bytes or str
    is a ``UsageError``.
    """
    from olmpy.keys import _message_bytes

    return _b64.encode(_sha256_raw(_message_bytes(data, "data to hash")))


def sha256(data: bytes | str) -> str:
    """Unpadded base64 of SHA-256(data) -- python-olm's ``olm.sha256``, kept under that name.

    Returns *base64 text*, not the digest bytes; ``sha256_base64`` is the same function
    under a name that says so, and ``olmpy.primitives.sha256`` returns the 32 raw bytes.
    """
    return sha256_base64(data)


def ed25519_verify(key: str, message: bytes | str, signature: str) -> None:
    """Checks a base64 signature with a base64 key; raises SignatureError (python-olm style)."""
    Ed25519PublicKey.from_base64(key).verify_signature(
        message, Ed25519Signature.from_base64(signature)
    )


__all__ = [
    "BACKEND",
    "Account",
    "AnyOlmMessage",
    "BackendError",
    "Base64Error",
    "CiphertextError",
    "Curve25519PublicKey",
    "CurvePointError",
    "DecodeError",
    "DecryptedMessage",
    "DecryptionError",
    "DehydratedDevice",
    "Ed25519PublicKey",
    "Ed25519Signature",
    "EstablishedSas",
    "ExportedSessionKey",
    "GroupSession",
    "IdentityKeyMismatchError",
    "InboundGroupSession",
    "KeyDecodeError",
    "MacError",
    "MegolmMessage",
    "Message",
    "MessageDecodeError",
    "MessageGapError",
    "OlmPayload",
    "OlmPayloadError",
    "OlmPayloadMismatchError",
    "OlmpyError",
    "PkDecryption",
    "PkEncryption",
    "PkMessage",
    "PkSigning",
    "PreKeyMessage",
    "ReplayError",
    "ReplayGuard",
    "Sas",
    "SasBytes",
    "Session",
    "SessionKey",
    "SessionMismatchError",
    "SessionOrdering",
    "SessionSource",
    "SignatureError",
    "UnknownMessageIndexError",
    "UnknownOneTimeKeyError",
    "UsageError",
    "VersionError",
    "__version__",
    "check_olm_payload",
    "ed25519_verify",
    "olm_payload",
    "sha256",
    "sha256_base64",
]

"""olmpy: Olm and Megolm end-to-end encryption for Matrix.

Byte-compatible with libolm and vodozemac; the public names follow
vodozemac's Python binding.  ``BACKEND`` says whether the compiled core
("native") or its pure-Python twin ("python") is in use.
"""

from __future__ import annotations

import importlib as _importlib
from typing import TYPE_CHECKING

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
    KdfCostError,
    KeyDecodeError,
    MacError,
    MessageDecodeError,
    MessageGapError,
    OlmpyError,
    PickleError,
    PickleKeyError,
    PublicKeyMismatchError,
    ReplayError,
    SessionMismatchError,
    SignatureError,
    UnknownMessageIndexError,
    UnknownOneTimeKeyError,
    UsageError,
    VersionError,
)
from olmpy.hazmat.primitives import sha256 as _sha256_raw
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
from olmpy.pickle import ScryptCostError
from olmpy.pickle.dehydrated import DehydratedDevice
from olmpy.pk import PkDecryption, PkEncryption, PkMessage
from olmpy.recovery import PassphraseCostError, PassphraseInfoError, RecoveryKeyError
from olmpy.sas import CommitmentMismatchError, EstablishedSas, Sas, SasBytes
from olmpy.signed_json import (
    CanonicalJsonError,
    JsonDecodeError,
    MissingSignatureError,
    PkSigning,
)

# Error classes of modules that ``import olmpy`` does not load: they come from
# olmpy.<Name> on first use (module __getattr__), so importing olmpy stays as quick as it was.
_LAZY = {
    "AttachmentError": "olmpy.attachments",
    "AttachmentHashError": "olmpy.attachments",
    "AttachmentVersionError": "olmpy.attachments",
    "BackupDataError": "olmpy.backup",
    "BackupKeyMismatchError": "olmpy.backup",
    "BackupSessionMismatchError": "olmpy.backup",
    "KeyExportBase64Error": "olmpy.key_export",
    "KeyExportEntryError": "olmpy.key_export",
    "KeyExportError": "olmpy.key_export",
    "KeyExportRoundsError": "olmpy.key_export",
    "KeyExportVersionError": "olmpy.key_export",
    "KeyObjectError": "olmpy.device_keys",
    "SecretStorageAlgorithmError": "olmpy.secret_storage",
    "SecretStorageError": "olmpy.secret_storage",
    "SecretStorageKdfCostError": "olmpy.secret_storage",
    "SecretStorageKeyMismatchError": "olmpy.secret_storage",
    "SecretStorageMacError": "olmpy.secret_storage",
    "ServerResponseError": "olmpy.testing.device",
}

if TYPE_CHECKING:
    from olmpy.attachments import (
        AttachmentError,
        AttachmentHashError,
        AttachmentVersionError,
    )
    from olmpy.backup import (
        BackupDataError,
        BackupKeyMismatchError,
        BackupSessionMismatchError,
    )
    from olmpy.device_keys import KeyObjectError
    from olmpy.key_export import (
        KeyExportBase64Error,
        KeyExportEntryError,
        KeyExportError,
        KeyExportRoundsError,
        KeyExportVersionError,
    )
    from olmpy.secret_storage import (
        SecretStorageAlgorithmError,
        SecretStorageError,
        SecretStorageKdfCostError,
        SecretStorageKeyMismatchError,
        SecretStorageMacError,
    )
    from olmpy.testing.device import ServerResponseError


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'olmpy' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def sha256_base64(data: bytes | str) -> str:
    """The SHA-256 digest of ``data`` (a str as UTF-8) as *unpadded base64 text*.

    This is what Matrix puts on the wire (e.g. a SAS commitment).  For the 32 raw digest
    bytes use ``olmpy.hazmat.primitives.sha256`` (bytes in, bytes out).  Anything but bytes or str
    is a ``UsageError``.
    """
    from olmpy.keys import _message_bytes

    return _b64.encode(_sha256_raw(_message_bytes(data, "data to hash")))


def sha256(data: bytes | str) -> str:
    """Unpadded base64 of SHA-256(data) -- python-olm's ``olm.sha256``, kept under that name.

    Returns *base64 text*, not the digest bytes; ``sha256_base64`` is the same function
    under a name that says so, and ``olmpy.hazmat.primitives.sha256`` returns the 32 raw bytes.
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
    "AttachmentError",
    "AttachmentHashError",
    "AttachmentVersionError",
    "BackendError",
    "BackupDataError",
    "BackupKeyMismatchError",
    "BackupSessionMismatchError",
    "Base64Error",
    "CanonicalJsonError",
    "CiphertextError",
    "CommitmentMismatchError",
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
    "JsonDecodeError",
    "KdfCostError",
    "KeyDecodeError",
    "KeyExportBase64Error",
    "KeyExportEntryError",
    "KeyExportError",
    "KeyExportRoundsError",
    "KeyExportVersionError",
    "KeyObjectError",
    "MacError",
    "MegolmMessage",
    "Message",
    "MessageDecodeError",
    "MessageGapError",
    "MissingSignatureError",
    "OlmPayload",
    "OlmPayloadError",
    "OlmPayloadMismatchError",
    "OlmpyError",
    "PassphraseCostError",
    "PassphraseInfoError",
    "PickleError",
    "PickleKeyError",
    "PkDecryption",
    "PkEncryption",
    "PkMessage",
    "PkSigning",
    "PreKeyMessage",
    "PublicKeyMismatchError",
    "RecoveryKeyError",
    "ReplayError",
    "ReplayGuard",
    "Sas",
    "SasBytes",
    "ScryptCostError",
    "SecretStorageAlgorithmError",
    "SecretStorageError",
    "SecretStorageKdfCostError",
    "SecretStorageKeyMismatchError",
    "SecretStorageMacError",
    "ServerResponseError",
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

"""A drop-in for vodozemac's Python binding 0.10.0 (module ``vodozemac``) over olmpy.

Same classes, methods, properties and exception classes (all ValueError subclasses);
pickles in vodozemac's own format, byte for byte, and libolm pickle import.  Each class
is a thin wrapper over one olmpy object.  SPEC.md section 21 lists every difference.
"""

from olmpy.compat.vodozemac._impl import (
    Account,
    AnyOlmMessage,
    Curve25519PublicKey,
    Curve25519SecretKey,
    DecodeException,
    DecryptedMessage,
    Ed25519PublicKey,
    Ed25519Signature,
    EstablishedSas,
    ExportedSessionKey,
    GroupSession,
    InboundGroupSession,
    KeyException,
    LibolmPickleException,
    MegolmDecryptionException,
    MegolmMessage,
    Message,
    OlmDecryptionException,
    OlmEncryptionException,
    PickleException,
    PkDecodeException,
    PkDecryption,
    PkEncryption,
    PkInvalidKeySizeException,
    PreKeyMessage,
    Sas,
    SasBytes,
    SasException,
    Session,
    SessionCreationException,
    SessionKey,
    SessionKeyDecodeException,
    SignatureException,
)

# vodozemac's own __all__: the names below, without the two result types it does not export.
__all__ = [
    "Account",
    "AnyOlmMessage",
    "Curve25519PublicKey",
    "Curve25519SecretKey",
    "DecodeException",
    "Ed25519PublicKey",
    "Ed25519Signature",
    "EstablishedSas",
    "ExportedSessionKey",
    "GroupSession",
    "InboundGroupSession",
    "KeyException",
    "LibolmPickleException",
    "MegolmDecryptionException",
    "MegolmMessage",
    "Message",
    "OlmDecryptionException",
    "OlmEncryptionException",
    "PickleException",
    "PkDecodeException",
    "PkDecryption",
    "PkEncryption",
    "PkInvalidKeySizeException",
    "PreKeyMessage",
    "Sas",
    "SasException",
    "Session",
    "SessionCreationException",
    "SessionKey",
    "SessionKeyDecodeException",
    "SignatureException",
]

# The two result types vodozemac does not export by name (it returns them only).
_RESULT_TYPES = (DecryptedMessage, SasBytes)

from olmpy.compat.vodozemac import vodozemac as vodozemac  # noqa: E402  - as the real package

"""The drop-in's classes: vodozemac 0.10.0's Python binding over olmpy's own objects.

Each class holds one olmpy object in ``_o`` (``__slots__``) and translates arguments,
results and errors; none of the protocol or crypto is done here.  olmpy's errors become
vodozemac's exception classes (all ValueError subclasses) with the olmpy error chained
as ``__cause__``.  SPEC.md section 21 lists every difference from the real binding.

The classes are written in private modules by section, imported one way only:
``_errors`` (exception classes, error translation) and ``_common`` (shared helpers),
then ``_keys``, then ``_olm`` (messages, Session, Account), ``_megolm``, ``_sas`` and
``_pk``.  This module gathers them and is where they live by name (see below).
"""

from __future__ import annotations

from olmpy.compat.vodozemac._errors import (
    DecodeException,
    KeyException,
    LibolmPickleException,
    MegolmDecryptionException,
    OlmDecryptionException,
    OlmEncryptionException,
    PickleException,
    PkDecodeException,
    PkInvalidKeySizeException,
    SasException,
    SessionCreationException,
    SessionKeyDecodeException,
    SignatureException,
)
from olmpy.compat.vodozemac._keys import (
    Curve25519PublicKey,
    Curve25519SecretKey,
    Ed25519PublicKey,
    Ed25519Signature,
)
from olmpy.compat.vodozemac._megolm import (
    ExportedSessionKey,
    GroupSession,
    InboundGroupSession,
    MegolmMessage,
    SessionKey,
)
from olmpy.compat.vodozemac._olm import Account, AnyOlmMessage, PreKeyMessage, Session
from olmpy.compat.vodozemac._pk import Message, PkDecryption, PkEncryption
from olmpy.compat.vodozemac._sas import EstablishedSas, Sas
from olmpy.megolm import DecryptedMessage
from olmpy.sas import SasBytes

__all__ = [
    "Account",
    "AnyOlmMessage",
    "Curve25519PublicKey",
    "Curve25519SecretKey",
    "DecodeException",
    "DecryptedMessage",
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
    "SasBytes",
    "SasException",
    "Session",
    "SessionCreationException",
    "SessionKey",
    "SessionKeyDecodeException",
    "SignatureException",
]


# Every class keeps the __module__ it had when all of them were written in this file: it
# is what repr() and tracebacks show (SPEC.md section 21), and stdlib pickle finds an
# exception class by it (module, then qualified name), which is why this module still
# holds them all.  olmpy's own DecryptedMessage and SasBytes keep theirs.
for _name in __all__:
    _cls = globals()[_name]
    if _cls.__module__.startswith(f"{__package__}._"):
        _cls.__module__ = __name__
del _name, _cls

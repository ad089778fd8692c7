"""A drop-in for python-olm 3.2.16 (module ``olm``) over olmpy's own objects.

Same names, str/bytes conventions, default (empty) pickle passphrase, exception classes
and libolm pickles as python-olm; the classes subclass the way matrix-nio and mautrix
subclass them.  SPEC.md section 22 lists every difference.
"""

from __future__ import annotations

from olmpy.compat.olm.account import Account, OlmAccountError
from olmpy.compat.olm.group_session import (
    InboundGroupSession,
    OlmGroupSessionError,
    OutboundGroupSession,
)
from olmpy.compat.olm.pk import (
    PkDecryption,
    PkDecryptionError,
    PkEncryption,
    PkEncryptionError,
    PkMessage,
    PkSigning,
    PkSigningError,
)
from olmpy.compat.olm.sas import OlmSasError, Sas
from olmpy.compat.olm.session import (
    InboundSession,
    OlmMessage,
    OlmPreKeyMessage,
    OlmSessionError,
    OutboundSession,
    Session,
)
from olmpy.compat.olm.utility import OlmHashError, OlmVerifyError, ed25519_verify, sha256

__all__ = [
    "Account",
    "InboundGroupSession",
    "InboundSession",
    "OlmAccountError",
    "OlmGroupSessionError",
    "OlmHashError",
    "OlmMessage",
    "OlmPreKeyMessage",
    "OlmSasError",
    "OlmSessionError",
    "OlmVerifyError",
    "OutboundGroupSession",
    "OutboundSession",
    "PkDecryption",
    "PkDecryptionError",
    "PkEncryption",
    "PkEncryptionError",
    "PkMessage",
    "PkSigning",
    "PkSigningError",
    "Sas",
    "Session",
    "ed25519_verify",
    "sha256",
]

"""Drop-in for vodozemac's Python binding 0.10.0 (``import vodozemac``), over olmpy.

``olmpy.compat.install("vodozemac")`` makes ``import vodozemac`` give this package; SPEC.md
section 21 lists where it differs from the binding.
"""

from olmpy.compat.vodozemac import vodozemac as vodozemac
from olmpy.compat.vodozemac._impl import (
    Account as Account,
)
from olmpy.compat.vodozemac._impl import (
    AnyOlmMessage as AnyOlmMessage,
)
from olmpy.compat.vodozemac._impl import (
    Curve25519PublicKey as Curve25519PublicKey,
)
from olmpy.compat.vodozemac._impl import (
    Curve25519SecretKey as Curve25519SecretKey,
)
from olmpy.compat.vodozemac._impl import (
    DecodeException as DecodeException,
)
from olmpy.compat.vodozemac._impl import (
    Ed25519PublicKey as Ed25519PublicKey,
)
from olmpy.compat.vodozemac._impl import (
    Ed25519Signature as Ed25519Signature,
)
from olmpy.compat.vodozemac._impl import (
    EstablishedSas as EstablishedSas,
)
from olmpy.compat.vodozemac._impl import (
    ExportedSessionKey as ExportedSessionKey,
)
from olmpy.compat.vodozemac._impl import (
    GroupSession as GroupSession,
)
from olmpy.compat.vodozemac._impl import (
    InboundGroupSession as InboundGroupSession,
)
from olmpy.compat.vodozemac._impl import (
    KeyException as KeyException,
)
from olmpy.compat.vodozemac._impl import (
    LibolmPickleException as LibolmPickleException,
)
from olmpy.compat.vodozemac._impl import (
    MegolmDecryptionException as MegolmDecryptionException,
)
from olmpy.compat.vodozemac._impl import (
    MegolmMessage as MegolmMessage,
)
from olmpy.compat.vodozemac._impl import (
    Message as Message,
)
from olmpy.compat.vodozemac._impl import (
    OlmDecryptionException as OlmDecryptionException,
)
from olmpy.compat.vodozemac._impl import (
    OlmEncryptionException as OlmEncryptionException,
)
from olmpy.compat.vodozemac._impl import (
    PickleException as PickleException,
)
from olmpy.compat.vodozemac._impl import (
    PkDecodeException as PkDecodeException,
)
from olmpy.compat.vodozemac._impl import (
    PkDecryption as PkDecryption,
)
from olmpy.compat.vodozemac._impl import (
    PkEncryption as PkEncryption,
)
from olmpy.compat.vodozemac._impl import (
    PkInvalidKeySizeException as PkInvalidKeySizeException,
)
from olmpy.compat.vodozemac._impl import (
    PreKeyMessage as PreKeyMessage,
)
from olmpy.compat.vodozemac._impl import (
    Sas as Sas,
)
from olmpy.compat.vodozemac._impl import (
    SasException as SasException,
)
from olmpy.compat.vodozemac._impl import (
    Session as Session,
)
from olmpy.compat.vodozemac._impl import (
    SessionCreationException as SessionCreationException,
)
from olmpy.compat.vodozemac._impl import (
    SessionKey as SessionKey,
)
from olmpy.compat.vodozemac._impl import (
    SessionKeyDecodeException as SessionKeyDecodeException,
)
from olmpy.compat.vodozemac._impl import (
    SignatureException as SignatureException,
)
from olmpy.compat.vodozemac._impl import (
    __all__ as __all__,
)

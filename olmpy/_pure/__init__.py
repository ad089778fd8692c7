"""Pure-Python twin of every function of the compiled core.

Each function of this package has exactly the signature of its counterpart in
``olmpy._nativebinding``; the parity tests run both on the same inputs.  AES
goes through the cryptography package (OpenSSL), Ed25519 through PyNaCl
(libsodium); nothing here implements a cipher or a curve.

Secret state lives in ``bytearray`` objects that the owners wipe; values
produced along the way by ``hmac``/``hashlib`` are immutable ``bytes`` that
Python cannot wipe, which is one reason the native backend is the default.

The functions live in submodules named after the C files of ``_native/`` that
hold their native counterparts, and are all re-exported here, so the backend
is this one module (``olmpy._backend`` hands it out as it is):

==================  ======================  =========================================
submodule           mirrors                 what
==================  ======================  =========================================
``core``            ``core.c``              secret buffers, Ed25519 keys, signing and
                                            verification, X25519, fresh Megolm group
                                            sessions and Olm identities
``base64``          ``base64.c``            base64 for secrets and for public data
``sha256``          ``sha256.c``            SHA-256, HMAC-SHA-256, HKDF-SHA-256
``aes``             ``aes.c``               AES-256-CBC with PKCS#7 padding
``ed25519_verify``  ``ed25519_verify.c``    whether 32 bytes are an Ed25519 point
``megolm``          ``megolm.c``            the Megolm ratchet and Megolm messages
``olm``             ``olm.c``               Olm messages and chain keys
``pickle``          ``pickle.c``            sealed pickles, JSON and hex rewrites
``recovery``        ``recovery.c``          recovery key text (base58)
``pk``              ``pk.c``                PK encryption
``attachment``      ``attachment.c``        AES-256-CTR (64-bit counter) with SHA-256
                                            of the ciphertext, for attachments
==================  ======================  =========================================

``sha512.c`` has no twin: SHA-512 is internal to the native Ed25519 code, and
the pure backend gets it from libsodium (``crypto_hash_sha512``).

Two submodules are named like functions of the backend: the package's
``sha256`` and ``ed25519_verify`` are the functions, and the modules are
``sys.modules["olmpy._pure.sha256"]`` and ``sys.modules["olmpy._pure.ed25519_verify"]``.
"""

from __future__ import annotations

import types

from nacl import bindings as _sodium

# Loading a submodule makes it the package attribute of its name.  This one is loaded
# first, so that the function ``ed25519_verify`` imported from core below replaces the
# module under that name rather than the other way round.
from olmpy._pure.ed25519_verify import ed25519_is_point as ed25519_is_point

# isort: split
from olmpy._pure.aes import _check_aes_args as _check_aes_args
from olmpy._pure.aes import aes256_cbc_decrypt as aes256_cbc_decrypt
from olmpy._pure.aes import aes256_cbc_encrypt as aes256_cbc_encrypt
from olmpy._pure.aes import has_aesni as has_aesni
from olmpy._pure.attachment import AttachmentCipher as AttachmentCipher
from olmpy._pure.attachment import _check_attachment_args as _check_attachment_args
from olmpy._pure.attachment import attachment_cipher as attachment_cipher
from olmpy._pure.attachment import attachment_decrypt as attachment_decrypt
from olmpy._pure.attachment import attachment_encrypt as attachment_encrypt
from olmpy._pure.base64 import b64_decode as b64_decode
from olmpy._pure.base64 import b64_decode_public as b64_decode_public
from olmpy._pure.base64 import b64_encode as b64_encode
from olmpy._pure.base64 import b64_encode_public as b64_encode_public
from olmpy._pure.core import ED25519_KEY_LEN as ED25519_KEY_LEN
from olmpy._pure.core import KEY_EXPANDED as KEY_EXPANDED
from olmpy._pure.core import KEY_SEED as KEY_SEED
from olmpy._pure.core import SIGNATURE_LEN as SIGNATURE_LEN
from olmpy._pure.core import SecretBuffer as SecretBuffer
from olmpy._pure.core import ed25519_key as ed25519_key
from olmpy._pure.core import ed25519_key_refuse as ed25519_key_refuse
from olmpy._pure.core import ed25519_sign as ed25519_sign
from olmpy._pure.core import ed25519_verify as ed25519_verify
from olmpy._pure.core import identity_new as identity_new
from olmpy._pure.core import megolm_group_new as megolm_group_new
from olmpy._pure.core import read_secret as read_secret
from olmpy._pure.core import secret_buffer as secret_buffer
from olmpy._pure.core import secret_state_pair as secret_state_pair
from olmpy._pure.core import wipe as wipe
from olmpy._pure.core import write_secret as write_secret
from olmpy._pure.core import x25519 as x25519
from olmpy._pure.core import x25519_public_batch as x25519_public_batch
from olmpy._pure.core import x25519_refuse as x25519_refuse
from olmpy._pure.megolm import MEGOLM_MAC_LEN as MEGOLM_MAC_LEN
from olmpy._pure.megolm import MEGOLM_STATE_LEN as MEGOLM_STATE_LEN
from olmpy._pure.megolm import megolm_advance as megolm_advance
from olmpy._pure.megolm import megolm_advance_to as megolm_advance_to
from olmpy._pure.megolm import megolm_decrypt as megolm_decrypt
from olmpy._pure.megolm import megolm_encrypt as megolm_encrypt
from olmpy._pure.megolm import megolm_parse as megolm_parse
from olmpy._pure.olm import OLM_CHAIN_LEN as OLM_CHAIN_LEN
from olmpy._pure.olm import OLM_MAC_LEN as OLM_MAC_LEN
from olmpy._pure.olm import olm_chain_keys as olm_chain_keys
from olmpy._pure.olm import olm_decrypt_message as olm_decrypt_message
from olmpy._pure.olm import olm_decrypt_next as olm_decrypt_next
from olmpy._pure.olm import olm_encrypt as olm_encrypt
from olmpy._pure.olm import olm_parse as olm_parse
from olmpy._pure.olm import olm_ratchet as olm_ratchet
from olmpy._pure.pickle import hex_decode as hex_decode
from olmpy._pure.pickle import igs_vodozemac_open as igs_vodozemac_open
from olmpy._pure.pickle import igs_vodozemac_seal as igs_vodozemac_seal
from olmpy._pure.pickle import json_arrays_to_hex as json_arrays_to_hex
from olmpy._pure.pickle import json_hex_to_arrays as json_hex_to_arrays
from olmpy._pure.pickle import pickle_open as pickle_open
from olmpy._pure.pickle import pickle_open_json as pickle_open_json
from olmpy._pure.pickle import pickle_seal as pickle_seal
from olmpy._pure.pickle import pickle_seal_json as pickle_seal_json
from olmpy._pure.pk import pk_decrypt as pk_decrypt
from olmpy._pure.pk import pk_encrypt as pk_encrypt
from olmpy._pure.recovery import recovery_key_decode as recovery_key_decode
from olmpy._pure.recovery import recovery_key_encode as recovery_key_encode
from olmpy._pure.sha256 import hkdf_sha256 as hkdf_sha256
from olmpy._pure.sha256 import hmac_sha256 as hmac_sha256
from olmpy._pure.sha256 import sha256 as sha256
from olmpy.errors import BackendError

# Ed25519 signing from libolm's expanded keys needs libsodium's low-level scalar and point
# functions, which a "minimal" libsodium build (SODIUM_INSTALL=system with a minimal
# library) leaves out.  Both backends use them, so say so now rather than at the first
# signature.
for _feature in ("has_crypto_core_ed25519", "has_crypto_scalarmult_ed25519"):
    if not getattr(_sodium, _feature, False):
        raise BackendError(
            f"PyNaCl's libsodium lacks the optional Ed25519 functions olmpy signs with "
            f"(nacl.bindings.{_feature} is false: a minimal libsodium build); install PyNaCl "
            "with its bundled libsodium."
        )

NAME = "python"

# Each function says it belongs to this package, as it did before the submodules existed:
# the package is the backend module, and tests/test_parity.py tells the twin's own
# functions from imported helpers by their ``__module__``.  (Tracebacks and
# ``inspect.getsource`` still point into the submodules; they go by the code object.)
for _value in list(globals().values()):
    if isinstance(_value, types.FunctionType) and _value.__module__.startswith(__name__ + "."):
        _value.__module__ = __name__

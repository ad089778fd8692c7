"""The backend contract: what the compiled core offers, once, checked by mypy.

olmpy has two backends with the same functions: ``olmpy._nativebinding`` (the
cffi binding of the C core in ``_native/``) and ``olmpy._pure`` (its
pure-Python twin).  ``Backend`` below lists every function and constant they
share, grouped by the C file that implements it, with what each one promises.
The protocol objects (sessions, accounts, SAS, PK) see the active backend only
through this type (``_backend.impl``), so every call they make is checked.

Secret buffers differ between the backends (a wiping cffi ``uint8_t[]``
natively, a ``bytearray`` in the twin), so the contract is generic in their
type ``S``.  Callers above the backend never look inside one: they hold the
opaque ``Secret`` and hand it back to the backend that made it.

The conformance lines at the bottom are read only by mypy: if either backend
drifts from the contract (an argument added, a type changed, a function
missing), ``mypy --strict olmpy`` reports the module and the member.  The
parity tests then check that the two agree in behaviour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

S = TypeVar("S")


class Secret:
    """An opaque secret buffer made by the active backend (never instantiated).

    Only the backend that made one reads, writes or wipes it; to everyone else
    it is a handle.
    """

    __slots__ = ()


class AttachmentCipher(Protocol):
    """A streaming attachment cipher (``Backend.attachment_cipher``)."""

    def update(self, data: bytes, decrypt: bool, /) -> bytes:
        """``data`` XOR the next keystream bytes; the ciphertext side (``data`` when
        decrypting, the result when encrypting) goes into the running SHA-256."""
        ...

    def digest(self) -> bytes:
        """SHA-256 of the ciphertext so far; the cipher stays usable."""
        ...


class Backend(Protocol[S]):
    """Every function and constant both backends provide (positional arguments).

    Errors are olmpy's own (``olmpy.errors``); the ``what`` arguments name the
    input in those errors.  Secret results come back in buffers of type ``S``.
    """

    NAME: str
    """``"native"`` or ``"python"``."""
    KEY_SEED: int
    """``ed25519_key`` kind: a 32-byte RFC 8032 seed."""
    KEY_EXPANDED: int
    """``ed25519_key`` kind: libolm's 64-byte expanded key (scalar || prefix)."""
    MEGOLM_STATE_LEN: int
    """Length of a Megolm state: four 32-byte parts and a big-endian u32 counter (132)."""
    SIGNATURE_LEN: int
    """Length of an Ed25519 signature (64)."""
    ED25519_KEY_LEN: int
    """Length of the buffer ``ed25519_key`` returns."""
    OLM_CHAIN_LEN: int
    """Length of an Olm chain state: chain key || big-endian u32 index (36)."""

    # --- core.c: secret buffers -------------------------------------------------

    def secret_buffer(self, data: bytes, /) -> S:
        """A secret buffer holding a copy of ``data``; wiped when freed."""
        ...

    def secret_state_pair(self, initial: bytes, latest: bytes, /) -> tuple[object, S, S]:
        """Two 132-byte states in one allocation: (owner to keep alive, initial, latest)."""
        ...

    def write_secret(self, buf: S, data: bytes, /) -> None:
        """Overwrites ``buf`` with ``data`` of the same length (else UsageError)."""
        ...

    def read_secret(self, buf: S, /) -> bytes:
        """The current contents of ``buf``."""
        ...

    def wipe(self, buf: S, /) -> None:
        """Zeroes ``buf`` now."""
        ...

    # --- core.c: keys through libsodium ---------------------------------------------

    def ed25519_key(self, secret: S | bytes, kind: int, /) -> tuple[S, bytes]:
        """(signing key, public key) from a seed or an expanded key (``kind``);
        KeyDecodeError when the scalar is 0 mod L."""
        ...

    def ed25519_sign(self, key: S, message: bytes, /) -> bytes:
        """RFC 8032 signature of ``message`` with a key from ``ed25519_key``."""
        ...

    def ed25519_verify(self, public: bytes, message: bytes, signature: bytes, /) -> None:
        """Returns only if ``signature`` is valid; SignatureError otherwise."""
        ...

    def x25519(self, secret: S | bytes, public: bytes, /) -> bytes:
        """X25519 shared secret; KeyDecodeError when it is all zero (non-contributory)."""
        ...

    def x25519_public_batch(self, secrets: S | bytes, /) -> bytes:
        """The public keys of concatenated 32-byte secrets, concatenated."""
        ...

    def identity_new(self) -> tuple[S, S, bytes, S, bytes]:
        """A fresh Olm identity: (Ed25519 seed, signing key, Ed25519 public,
        Curve25519 secret, Curve25519 public)."""
        ...

    def megolm_group_new(self) -> tuple[S, S, S, bytes]:
        """A fresh outbound Megolm session: (state, Ed25519 seed, signing key, public)."""
        ...

    # --- aes.c -----------------------------------------------------------------------

    def has_aesni(self) -> bool:
        """Whether this backend's AES runs on AES-NI (the native core has no other AES)."""
        ...

    def aes256_cbc_encrypt(self, key: bytes, iv: bytes, plaintext: bytes, /) -> bytes:
        """AES-256-CBC with PKCS#7 padding."""
        ...

    def aes256_cbc_decrypt(self, key: bytes, iv: bytes, ciphertext: bytes, /) -> bytes:
        """The inverse; CiphertextError for a bad length or padding."""
        ...

    # --- attachment.c ----------------------------------------------------------------

    def attachment_encrypt(self, key: bytes, iv: bytes, plaintext: bytes, /
                           ) -> tuple[bytes, bytes]:
        """AES-256-CTR with a 64-bit counter (bytes 8..15 of ``iv``, wrapping without
        carry) and the SHA-256 of the result: (ciphertext, hash)."""
        ...

    def attachment_decrypt(self, key: bytes, iv: bytes, ciphertext: bytes, sha256: bytes, /
                           ) -> tuple[bytes | None, bytes]:
        """(plaintext, computed hash) when SHA-256(ciphertext) is ``sha256`` (compared in
        constant time); (None, computed hash) otherwise, with no plaintext kept."""
        ...

    def attachment_cipher(self, key: bytes, iv: bytes, /) -> AttachmentCipher:
        """The same cipher and hash over a stream, chunk by chunk (any sizes)."""
        ...

    # --- base64.c --------------------------------------------------------------------

    def b64_encode(self, data: bytes, /) -> str:
        """Unpadded standard base64, constant time (for secrets)."""
        ...

    def b64_decode(self, text: str | bytes, what: str, /) -> bytes:
        """Padded or unpadded base64, constant time; Base64Error naming ``what``."""
        ...

    def b64_encode_public(self, data: bytes, /) -> str:
        """``b64_encode`` for public data (may use tables)."""
        ...

    def b64_decode_public(self, text: str | bytes, what: str, /) -> bytes:
        """``b64_decode`` for public data (may use tables)."""
        ...

    # --- sha256.c --------------------------------------------------------------------

    def sha256(self, data: bytes, /) -> bytes:
        """SHA-256 digest."""
        ...

    def hmac_sha256(self, key: bytes, data: bytes, /) -> bytes:
        """HMAC-SHA-256 of ``data`` under ``key``."""
        ...

    def hkdf_sha256(self, salt: bytes, ikm: bytes, info: bytes, length: int, /) -> bytes:
        """HKDF-SHA-256 (RFC 5869) output of ``length`` bytes."""
        ...

    # --- ed25519_verify.c ------------------------------------------------------------

    def ed25519_is_point(self, key: bytes, /) -> bool:
        """Whether 32 public bytes decompress to a point of Ed25519 (public data)."""
        ...

    # --- megolm.c --------------------------------------------------------------------

    def megolm_advance(self, state: S, /) -> None:
        """Advances a Megolm state by one index, in place."""
        ...

    def megolm_advance_to(self, state: S, target: int, /) -> None:
        """Advances a Megolm state to index ``target`` (mod 2**32), in place."""
        ...

    def megolm_parse(self, message: bytes, /) -> tuple[int, int, int]:
        """(index, ciphertext offset, ciphertext length) of a v1 Megolm message."""
        ...

    def megolm_encrypt(self, state: S, key: S, plaintext: bytes, /) -> bytes:
        """One signed v1 message at the state's index; then advances the state."""
        ...

    def megolm_decrypt(
        self, initial: S, latest: S, public: bytes, message: bytes, check_signature: bool, /
    ) -> tuple[bytes, int]:
        """(plaintext, index) after the MAC (and signature) verify; moves ``latest``
        forward only on success."""
        ...

    # --- olm.c -----------------------------------------------------------------------

    def olm_parse(self, message: bytes, /) -> tuple[bytes, int, int, int]:
        """(ratchet key, chain index, ciphertext offset, ciphertext length) of a
        normal Olm message."""
        ...

    def olm_encrypt(self, chain: S, ratchet_key: bytes, plaintext: bytes, /) -> bytes:
        """One normal Olm message with the chain's next key; then advances the chain."""
        ...

    def olm_chain_keys(
        self, chain: bytes, target: int, keep: int, /
    ) -> tuple[list[tuple[int, bytes]], bytes]:
        """The last ``keep`` (index, message key) pairs up to ``target``, and the
        chain state just after ``target``."""
        ...

    def olm_decrypt_message(self, message_key: bytes, message: bytes, /) -> bytes:
        """Checks the MAC under ``message_key``, then decrypts."""
        ...

    def olm_decrypt_next(self, chain: S, message: bytes, /) -> bytes:
        """Decrypts at the chain's own index; advances the chain only on success."""
        ...

    def olm_ratchet(self, root: S, secret: S | bytes, their: bytes, /) -> tuple[S, S]:
        """One Diffie-Hellman ratchet step: HKDF-SHA-256 with salt ``root``, input
        X25519(``secret``, ``their``) and info ``OLM_RATCHET``, 64 bytes, returned as
        (new root key, new chain state at index 0) in fresh buffers (composed in the
        binding from core.c's X25519 and sha256.c's HKDF, so no part passes through a
        Python object).  KeyDecodeError for an all-zero X25519 result."""
        ...

    # --- pickle.c --------------------------------------------------------------------

    def pickle_seal(self, key: bytes, raw: bytes, /) -> str:
        """libolm's sealed pickle text of ``raw``."""
        ...

    def pickle_open(self, key: bytes, text: str | bytes, what: str, /) -> bytes:
        """MAC check (constant time), then decryption; PickleError naming ``what``."""
        ...

    def json_arrays_to_hex(self, text: bytes, /) -> bytes:
        """Rewrites JSON byte arrays as marked hex strings."""
        ...

    def json_hex_to_arrays(self, text: bytes, /) -> bytes:
        """The inverse of ``json_arrays_to_hex``."""
        ...

    def pickle_seal_json(self, key: bytes, text: bytes, /) -> str:
        """A vodozemac pickle of marked JSON."""
        ...

    def pickle_open_json(self, key: bytes, text: str | bytes, what: str, /) -> bytes:
        """A vodozemac pickle's JSON, byte arrays marked as hex."""
        ...

    def hex_decode(self, digits: bytes, /) -> bytes:
        """Lowercase hex to bytes in constant time; PickleError on a bad digit."""
        ...

    def igs_vodozemac_seal(self, key: bytes, state: S | bytes, public: bytes,
                           verified: bool, /) -> str:
        """vodozemac's InboundGroupSession pickle of an initial state, exactly as
        vodozemac writes it."""
        ...

    def igs_vodozemac_open(
        self, key: bytes, text: str | bytes, what: str, /
    ) -> tuple[bytes, bytes, bool] | None:
        """(initial state, signing key, verified), or None when the pickle opens
        but is laid out otherwise."""
        ...

    # --- pk.c ------------------------------------------------------------------------

    def pk_encrypt(
        self, ephemeral_secret: S | bytes, recipient: bytes, plaintext: bytes, /
    ) -> tuple[bytes, bytes, bytes]:
        """(ephemeral public key, ciphertext, MAC) of libolm's PK scheme."""
        ...

    def pk_decrypt(
        self, secret: S | bytes, ephemeral: bytes, ciphertext: bytes, mac: bytes, /
    ) -> bytes:
        """MAC check (constant time: MacError), then decryption (CiphertextError)."""
        ...

    # --- recovery.c ------------------------------------------------------------------

    def recovery_key_decode(self, text: bytes, /) -> tuple[int, int, int, int, bytes]:
        """(first bad position or length, base58 count, decoded length, flags,
        35 decoded bytes), computed without tables."""
        ...

    def recovery_key_encode(self, key: bytes, /) -> str:
        """The 48 base58 characters of a recovery key, without tables."""
        ...


if TYPE_CHECKING:
    # Conformance: mypy checks each backend module against the contract here.
    from olmpy import _nativebinding, _pure

    _pure_conforms: Backend[bytearray] = _pure

    _native_conforms: Backend[_nativebinding.SecretBuffer] = _nativebinding

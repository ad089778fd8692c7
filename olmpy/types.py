"""Static types for the JSON bodies olmpy builds and reads, and for the method names it takes.

Nothing here does anything at runtime: a ``TypedDict`` is a plain ``dict`` and a
``Literal`` a plain ``str``.  They exist so that ``mypy --strict`` (or pyright) catches a
misspelled JSON key or method name in code that uses olmpy::

    from olmpy.device_keys import device_keys

    body = device_keys(account, "@alice:example.org", "DEVICE")
    body["device_id"]     # fine
    body["devce_id"]      # mypy: TypedDict "DeviceKeys" has no key "devce_id"

    sas.calculate_mac(text, info, "hkdf-hmac-sha256.v3")   # mypy: incompatible type

Functions that *read* JSON (``verify_device_keys``, ``decrypt_key_backup_data``,
``KeyDescription.from_json`` ...) keep accepting any mapping at runtime, because the JSON
comes from a peer or a server and is checked field by field.  Keys that the Matrix
specification makes optional are optional here too (the ``total=False`` halves).
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

__all__ = [
    "AttachmentVersion",
    "BackedUpSessionData",
    "BackupAlgorithm",
    "CrossSigningKey",
    "CrossSigningUploadBody",
    "CrossSigningUsage",
    "DehydratedDeviceAlgorithm",
    "DehydratedDeviceData",
    "DeviceKeys",
    "Ed25519Keys",
    "EncryptedFile",
    "EncryptedFileHashes",
    "EncryptedSessionData",
    "ExportedRoomKeyJson",
    "JsonWebKey",
    "KeyAgreementProtocol",
    "KeyBackupAuthData",
    "KeyBackupData",
    "KeyBackupVersionBody",
    "KeyVerificationStart",
    "KeysUploadBody",
    "MacMethod",
    "MegolmAlgorithm",
    "OlmAlgorithm",
    "OlmPayloadJson",
    "PassphraseAlgorithm",
    "PassphraseInfoJson",
    "SasHash",
    "SasMethod",
    "SecretEventContent",
    "SecretStorageAlgorithm",
    "SecretStorageEncryptedData",
    "SecretStorageKeyDescription",
    "Signatures",
    "SignedKey",
]

# --- method and algorithm names -------------------------------------------------------------

OlmAlgorithm = Literal["m.olm.v1.curve25519-aes-sha2"]
"""The Olm algorithm name a device advertises and m.room.encrypted carries."""
MegolmAlgorithm = Literal["m.megolm.v1.aes-sha2"]
"""The Megolm algorithm name (room keys, key exports, backed-up sessions)."""
BackupAlgorithm = Literal["m.megolm_backup.v1.curve25519-aes-sha2"]
"""The server-side key backup algorithm."""
SecretStorageAlgorithm = Literal["m.secret_storage.v1.aes-hmac-sha2"]
"""The secret storage (SSSS) algorithm of key descriptions."""
PassphraseAlgorithm = Literal["m.pbkdf2"]
"""The passphrase key-derivation algorithm of SSSS keys and backups."""
DehydratedDeviceAlgorithm = Literal["org.matrix.msc3814.v2"]
"""The dehydrated-device pickle algorithm (MSC3814)."""
MacMethod = Literal[
    "hkdf-hmac-sha256.v2",
    "hkdf-hmac-sha256",
    "hmac-sha256",
    "org.matrix.msc3783.hkdf-hmac-sha256",
]
"""A SAS ``message_authentication_code`` method olmpy implements (the last is the
unstable name of ``hkdf-hmac-sha256.v2``)."""
KeyAgreementProtocol = Literal["curve25519-hkdf-sha256", "curve25519"]
"""A SAS ``key_agreement_protocol`` (``curve25519`` is the deprecated one)."""
CrossSigningUsage = Literal["master", "self_signing", "user_signing"]
"""The ``usage`` of a cross-signing key."""
AttachmentVersion = Literal["v2", "v1"]
"""The ``v`` of an encrypted attachment (olmpy writes v2; v1 is read for old files)."""

SasMethod = Literal["decimal", "emoji"]
"""A ``short_authentication_string`` method."""
SasHash = Literal["sha256"]
"""The SAS commitment hash (the only one the spec defines)."""

Signatures = dict[str, dict[str, str]]
"""``{user id: {key id: unpadded base64 signature}}``."""


# --- device keys, one-time keys, cross-signing --------------------------------------------


class _DeviceKeysRequired(TypedDict):
    algorithms: list[str]
    device_id: str
    keys: dict[str, str]
    user_id: str


class DeviceKeys(_DeviceKeysRequired, total=False):
    """A ``device_keys`` object (``/keys/upload``, ``/keys/query``)."""

    signatures: Signatures
    unsigned: dict[str, Any]


class _SignedKeyRequired(TypedDict):
    key: str


class SignedKey(_SignedKeyRequired, total=False):
    """A ``signed_curve25519`` one-time or fallback key object."""

    fallback: bool
    signatures: Signatures


class KeysUploadBody(TypedDict, total=False):
    """A ``/keys/upload`` body; olmpy leaves empty sections out."""

    device_keys: DeviceKeys
    one_time_keys: dict[str, SignedKey]
    fallback_keys: dict[str, SignedKey]


class _CrossSigningKeyRequired(TypedDict):
    keys: dict[str, str]
    usage: list[str]
    user_id: str


class CrossSigningKey(_CrossSigningKeyRequired, total=False):
    """A cross-signing key object (master, self-signing or user-signing)."""

    signatures: Signatures


class CrossSigningUploadBody(TypedDict):
    """A ``/keys/device_signing/upload`` body (the server may also want ``auth``)."""

    master_key: CrossSigningKey
    self_signing_key: CrossSigningKey
    user_signing_key: CrossSigningKey


# --- Olm payloads --------------------------------------------------------------------------


class Ed25519Keys(TypedDict):
    """``{"ed25519": <unpadded base64 key>}`` (an Olm payload's ``keys``/``recipient_keys``)."""

    ed25519: str


class OlmPayloadJson(TypedDict):
    """The plaintext of an Olm message (``olm_payload``; ``check_olm_payload`` reads it)."""

    type: str
    content: dict[str, Any]
    sender: str
    recipient: str
    recipient_keys: Ed25519Keys
    keys: Ed25519Keys


# --- server-side key backup ----------------------------------------------------------------


class EncryptedSessionData(TypedDict):
    """A backup entry's ``session_data``: the PK-encrypted session, unpadded base64."""

    ephemeral: str
    ciphertext: str
    mac: str


class KeyBackupData(TypedDict):
    """A ``KeyBackupData`` entry (PUT ``/room_keys/keys/...``)."""

    first_message_index: int
    forwarded_count: int
    is_verified: bool
    session_data: EncryptedSessionData


class _KeyBackupAuthDataRequired(TypedDict):
    public_key: str


class KeyBackupAuthData(_KeyBackupAuthDataRequired, total=False):
    """A backup version's ``auth_data``."""

    signatures: Signatures


class KeyBackupVersionBody(TypedDict):
    """A POST ``/room_keys/version`` body."""

    algorithm: BackupAlgorithm
    auth_data: KeyBackupAuthData


_BackedUpSessionDataUnstable = TypedDict(
    "_BackedUpSessionDataUnstable", {"org.matrix.msc3061.shared_history": bool}
)


class BackedUpSessionData(_BackedUpSessionDataUnstable):
    """The plaintext of ``session_data`` (``BackedUpRoomKey.to_json``); the shared-history
    flag is written under two names (``olmpy.shared_history``)."""

    algorithm: MegolmAlgorithm
    forwarding_curve25519_key_chain: list[str]
    sender_claimed_keys: dict[str, str]
    sender_key: str
    session_key: str
    shared_history: bool


# --- secret storage ------------------------------------------------------------------------


class SecretStorageEncryptedData(TypedDict):
    """One ``{"iv", "ciphertext", "mac"}`` object under ``encrypted.<key id>``."""

    iv: str
    ciphertext: str
    mac: str


class SecretEventContent(TypedDict):
    """The account-data content of a stored secret."""

    encrypted: dict[str, SecretStorageEncryptedData]


class _PassphraseInfoRequired(TypedDict):
    algorithm: PassphraseAlgorithm
    salt: str
    iterations: int


class PassphraseInfoJson(_PassphraseInfoRequired, total=False):
    """The ``passphrase`` object of a key description or backup ``auth_data``."""

    bits: int


class _SecretStorageKeyDescriptionRequired(TypedDict):
    algorithm: SecretStorageAlgorithm


class SecretStorageKeyDescription(_SecretStorageKeyDescriptionRequired, total=False):
    """The content of ``m.secret_storage.key.<key id>``."""

    name: str
    passphrase: PassphraseInfoJson
    iv: str
    mac: str


# --- key export ----------------------------------------------------------------------------


_ExportedRoomKeyOptional = TypedDict(
    "_ExportedRoomKeyOptional",
    {"shared_history": bool, "org.matrix.msc3061.shared_history": bool},
    total=False,
)


class ExportedRoomKeyJson(_ExportedRoomKeyOptional):
    """One session of a key export file (unknown fields are kept as they came; the
    shared-history flag is written only when true, under two names,
    ``olmpy.shared_history``)."""

    algorithm: MegolmAlgorithm
    room_id: str
    sender_key: str
    session_id: str
    session_key: str
    sender_claimed_keys: dict[str, str]
    forwarding_curve25519_key_chain: list[str]


# --- attachments ---------------------------------------------------------------------------


class JsonWebKey(TypedDict):
    """The AES-CTR key of an attachment as a JSON Web Key."""

    kty: str
    key_ops: list[str]
    alg: str
    k: str
    ext: bool


class EncryptedFileHashes(TypedDict):
    """The attachment's ciphertext hashes."""

    sha256: str


class _EncryptedFileRequired(TypedDict):
    v: AttachmentVersion
    key: JsonWebKey
    iv: str
    hashes: EncryptedFileHashes


class EncryptedFile(_EncryptedFileRequired, total=False):
    """An ``EncryptedFile`` (the ``file`` of an encrypted attachment)."""

    url: str


# --- SAS verification ----------------------------------------------------------------------


class _KeyVerificationStartRequired(TypedDict):
    from_device: str
    method: Literal["m.sas.v1"]
    key_agreement_protocols: list[KeyAgreementProtocol]
    hashes: list[SasHash]
    message_authentication_codes: list[MacMethod]
    short_authentication_string: list[SasMethod]


class KeyVerificationStart(_KeyVerificationStartRequired, total=False):
    """The content of ``m.key.verification.start`` for ``m.sas.v1`` (what ``commitment``
    hashes; to-device starts carry ``transaction_id``, in-room ones ``m.relates_to``)."""

    transaction_id: str
    # "m.relates_to" is not an identifier; in-room starts are read as a Mapping.


# --- dehydrated devices ---------------------------------------------------------------------


class DehydratedDeviceData(TypedDict):
    """The ``device_data`` of PUT ``/dehydrated_device``."""

    algorithm: DehydratedDeviceAlgorithm
    device_pickle: str
    nonce: str

"""Server-side key backup: ``m.megolm_backup.v1.curve25519-aes-sha2``.

A backup holds one ``KeyBackupData`` per Megolm session::

    {"first_message_index": int, "forwarded_count": int, "is_verified": bool,
     "session_data": {"ephemeral": b64, "ciphertext": b64, "mac": b64}}

``session_data`` is a PK message (``olmpy.pk``) for the backup's public key whose
plaintext is the JSON object the spec calls ``BackedUpSessionData``::

    {"algorithm": "m.megolm.v1.aes-sha2", "sender_key": b64 curve25519,
     "sender_claimed_keys": {"ed25519": b64}, "forwarding_curve25519_key_chain": [b64...],
     "session_key": b64 export of the session at its first known index,
     "shared_history": bool, "org.matrix.msc3061.shared_history": bool}

The shared-history flag is read under each of its names and written under two (see
``olmpy.shared_history``).

The backup's ``auth_data`` is ``{"public_key": b64, "signatures": {...}}``, signed JSON.
Clients must trust ``auth_data`` before backing keys up to it (a signature by a
trusted key, or a public key they derived from a private key they hold), and a client
given a recovery key must check it against ``auth_data.public_key`` before use
(``check_backup_key``).

The PK MAC does not authenticate the ciphertext (see ``olmpy.pk``): anyone who knows
the backup's public key can write entries that decrypt.  Sessions restored from a
backup are therefore imported unverified (``InboundGroupSession.import_session``),
and the unauthenticated ``first_message_index``, ``forwarded_count`` and
``is_verified`` (``DecryptedKeyBackupData.claimed_verified``) are only reported, never
trusted over the decrypted key.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import IO, Any, Final, NamedTuple, cast

from olmpy import _b64
from olmpy.errors import DecodeError, DecryptionError, UsageError, brief, expected
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey
from olmpy.megolm.inbound_group_session import InboundGroupSession, SessionSource
from olmpy.megolm.session_keys import ExportedSessionKey
from olmpy.pk import PkDecryption, PkEncryption, PkMessage
from olmpy.shared_history import UNSTABLE, read_shared_history
from olmpy.signed_json import Signer, sign_json, verify_json
from olmpy.types import (
    BackedUpSessionData,
    EncryptedSessionData,
    KeyBackupAuthData,
    KeyBackupData,
    KeyBackupVersionBody,
    MegolmAlgorithm,
)

__all__ = [
    "ALGORITHM",
    "MEGOLM_ALGORITHM",
    "BackedUpRoomKey",
    "BackupDataError",
    "BackupKeyMismatchError",
    "BackupSessionMismatchError",
    "DecryptedKeyBackupData",
    "auth_data_public_key",
    "backup_key_matches",
    "check_backup_key",
    "decrypt_key_backup_data",
    "decrypt_session_data",
    "encrypt_room_key",
    "encrypt_session",
    "iter_backup_dump",
    "key_backup_data",
    "make_auth_data",
    "make_backup_info",
    "sign_auth_data",
    "verify_auth_data",
]

ALGORITHM: Final = "m.megolm_backup.v1.curve25519-aes-sha2"
MEGOLM_ALGORITHM: Final = "m.megolm.v1.aes-sha2"
_U32 = 0xFFFFFFFF
_MAX_CHAIN = 1000  # forwarding chains are a handful of keys; bound what a backup may hold


class BackupDataError(DecodeError):
    """Backup JSON (KeyBackupData, decrypted session data, auth_data) is malformed."""


class BackupKeyMismatchError(DecryptionError):
    """A backup decryption key is not the one ``auth_data.public_key`` names."""


class BackupSessionMismatchError(DecryptionError):
    """A backup entry holds another session than the one it was fetched for."""





# Canonical text of Curve25519 keys given as text: a backup run sees the same few sender
# keys for many sessions.  Public data; bounded (cleared when full).
_KEY_TEXT: dict[str, str] = {}


def _key_b64(key: Curve25519PublicKey | str | bytes, what: str) -> str:
    if type(key) is str:
        known = _KEY_TEXT.get(key)
        if known is not None:
            return known
    text = _b64.encode_public(Curve25519PublicKey._coerce(key, what))
    if type(key) is str:
        if len(_KEY_TEXT) >= 1024:
            _KEY_TEXT.clear()
        _KEY_TEXT[key] = text
    return text


def _recipient(recipient: PkEncryption | Curve25519PublicKey | str | bytes) -> PkEncryption:
    if isinstance(recipient, PkEncryption):
        return recipient
    return PkEncryption(recipient)


@dataclass(frozen=True)
class BackedUpRoomKey:
    """One backed-up Megolm session: the plaintext of ``session_data``.

    ``session_key`` is secret and left out of the repr.
    """

    __hash__ = None  # type: ignore[assignment]  # holds a dict and a list, like them unhashable

    session_key: ExportedSessionKey = field(repr=False)
    sender_key: str
    sender_claimed_keys: dict[str, str]
    forwarding_curve25519_key_chain: list[str]
    shared_history: bool = False
    algorithm: MegolmAlgorithm = MEGOLM_ALGORITHM

    def __post_init__(self) -> None:
        if not isinstance(self.session_key, ExportedSessionKey):
            raise UsageError(
                "session_key: " + expected("an ExportedSessionKey", type(self.session_key).__name__)
            )
        if not isinstance(self.sender_key, str):
            raise UsageError(
                "sender_key: " + expected("a base64 str", type(self.sender_key).__name__)
            )
        claimed = self.sender_claimed_keys
        if not isinstance(claimed, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in claimed.items()
        ):
            raise UsageError(
                "sender_claimed_keys: " + expected("a dict of str to str", brief(claimed))
            )
        chain = self.forwarding_curve25519_key_chain
        if isinstance(chain, (str, bytes, Mapping)) or not isinstance(chain, Iterable):
            raise UsageError(
                "forwarding_curve25519_key_chain: " + expected("a list of str", brief(chain))
            )
        chain = list(chain)
        if not all(isinstance(k, str) for k in chain):
            raise UsageError(
                "forwarding_curve25519_key_chain: " + expected("a list of str", brief(chain))
            )
        if type(self.shared_history) is not bool:
            raise UsageError("shared_history: " + expected("a bool", brief(self.shared_history)))
        if self.algorithm != MEGOLM_ALGORITHM:
            raise UsageError(
                "algorithm: " + expected(repr(MEGOLM_ALGORITHM), brief(self.algorithm))
            )
        object.__setattr__(self, "sender_claimed_keys", dict(claimed))
        object.__setattr__(self, "forwarding_curve25519_key_chain", chain)

    @classmethod
    def _trusted(
        cls,
        session_key: ExportedSessionKey,
        sender_key: str,
        claimed: dict[str, str],
        chain: list[str],
        shared_history: bool,
    ) -> BackedUpRoomKey:
        """Fields ``from_session`` has already checked and copied (no second check)."""
        self = object.__new__(cls)
        # a frozen dataclass without slots: its fields live in __dict__
        self.__dict__.update(
            session_key=session_key,
            sender_key=sender_key,
            sender_claimed_keys=claimed,
            forwarding_curve25519_key_chain=chain,
            shared_history=shared_history,
            algorithm=MEGOLM_ALGORITHM,
        )
        return self

    @property
    def session_id(self) -> str:
        """The Megolm session id (base64 of the session's Ed25519 key)."""
        return self.session_key.session_id

    @property
    def first_known_index(self) -> int:
        """The first message index the key can decrypt."""
        return self.session_key.message_index

    def session(self) -> InboundGroupSession:
        """A new InboundGroupSession from the key (unverified: a backup entry is not signed)."""
        return InboundGroupSession.import_session(self.session_key, source=SessionSource.BACKUP)

    def to_json(self) -> BackedUpSessionData:
        """The ``BackedUpSessionData`` JSON object."""
        return {
            "algorithm": self.algorithm,
            "forwarding_curve25519_key_chain": list(self.forwarding_curve25519_key_chain),
            "sender_claimed_keys": dict(self.sender_claimed_keys),
            "sender_key": self.sender_key,
            "session_key": self.session_key.to_base64(),
            "shared_history": self.shared_history,
            UNSTABLE: self.shared_history,
        }

    @classmethod
    def from_session(
        cls,
        session: InboundGroupSession,
        *,
        sender_key: Curve25519PublicKey | str | bytes,
        sender_claimed_keys: Mapping[str, str | Ed25519PublicKey],
        forwarding_curve25519_key_chain: Iterable[Curve25519PublicKey | str | bytes] = (),
        shared_history: bool = False,
    ) -> BackedUpRoomKey:
        """The backup form of ``session``, exported at its first known index.

        ``sender_key`` is the Curve25519 key of the device that created the session,
        ``sender_claimed_keys`` its claimed keys (``{"ed25519": ...}``), and the chain
        lists the Curve25519 keys the session was forwarded through.
        """
        if not isinstance(session, InboundGroupSession):
            raise UsageError(
                "session: " + expected("an InboundGroupSession", type(session).__name__)
            )
        if not isinstance(sender_claimed_keys, Mapping):
            raise UsageError(
                "sender_claimed_keys: "
                + expected("a mapping such as {'ed25519': key}", type(sender_claimed_keys).__name__)
            )
        claimed: dict[str, str] = {}
        for name, value in sender_claimed_keys.items():
            if isinstance(value, Ed25519PublicKey):
                value = value.to_base64()
            if not isinstance(name, str) or not isinstance(value, str):
                got = f"{type(name).__name__} {brief(name)}: {type(value).__name__}"
                raise UsageError(
                    "sender_claimed_keys: " + expected("str names and str or key values", got)
                )
            claimed[name] = value
        if isinstance(forwarding_curve25519_key_chain, (str, bytes)) or not isinstance(
            forwarding_curve25519_key_chain, Iterable
        ):
            raise UsageError(
                "forwarding_curve25519_key_chain: " + expected("a list of keys", "a single value")
            )
        chain = [
            _key_b64(k, "forwarding_curve25519_key_chain entry")
            for k in forwarding_curve25519_key_chain
        ]
        if type(shared_history) is not bool:
            raise UsageError("shared_history: " + expected("a bool", brief(shared_history)))
        return cls._trusted(
            session.export_at_first_known_index(),
            _key_b64(sender_key, "sender_key"),
            claimed,
            chain,
            shared_history,
        )

    @classmethod
    def from_json(cls, value: object) -> BackedUpRoomKey:
        """Parses a ``BackedUpSessionData`` object (raises BackupDataError or a key error).

        ``algorithm``, ``sender_key`` and ``session_key`` are required; a missing
        ``sender_claimed_keys`` or ``forwarding_curve25519_key_chain`` reads as empty, and
        the shared-history flag is ``olmpy.shared_history.read_shared_history``'s: set only
        when every name of it present holds ``true`` (absent or non-boolean reads as false,
        the spec's rule).
        """
        what = "backed-up session data"
        if not isinstance(value, dict):
            raise BackupDataError(f"{what}: " + expected("a JSON object", type(value).__name__))
        algorithm = value.get("algorithm")
        if algorithm != MEGOLM_ALGORITHM:
            raise BackupDataError(
                f"{what} algorithm: " + expected(repr(MEGOLM_ALGORITHM), brief(algorithm))
            )
        sender_key = value.get("sender_key")
        if not isinstance(sender_key, str):
            raise BackupDataError(
                f"{what} sender_key: " + expected("a base64 string", brief(sender_key))
            )
        Curve25519PublicKey.from_base64(sender_key)  # a Base64Error or KeyDecodeError
        claimed = value.get("sender_claimed_keys", {})
        if not isinstance(claimed, dict) or not all(isinstance(v, str) for v in claimed.values()):
            raise BackupDataError(
                f"{what} sender_claimed_keys: "
                + expected("an object of strings", brief(claimed))
            )
        chain = value.get("forwarding_curve25519_key_chain", [])
        if (
            not isinstance(chain, list)
            or len(chain) > _MAX_CHAIN
            or not all(isinstance(k, str) for k in chain)
        ):
            raise BackupDataError(
                f"{what} forwarding_curve25519_key_chain: "
                + expected(f"an array of at most {_MAX_CHAIN} strings", brief(chain))
            )
        session_key = value.get("session_key")
        if not isinstance(session_key, str):
            raise BackupDataError(
                f"{what} session_key: "
                + expected(
                    "a base64 string", "none" if session_key is None else type(session_key).__name__
                )
            )
        return cls(
            session_key=ExportedSessionKey(session_key),
            sender_key=sender_key,
            sender_claimed_keys=dict(claimed),
            forwarding_curve25519_key_chain=list(chain),
            shared_history=read_shared_history(value),
        )


class DecryptedKeyBackupData(NamedTuple):
    """A decrypted ``KeyBackupData``: the room key plus the server-visible metadata.

    ``first_message_index``, ``forwarded_count`` and ``claimed_verified`` (the entry's
    ``is_verified`` field) are written in the clear beside the encrypted key and
    authenticated by nothing: they are what the backing-up device (or anyone who can
    write to the backup) claims.  They are reported, never applied: a restored session
    is imported unsigned whatever ``claimed_verified`` says.
    """

    room_key: BackedUpRoomKey
    first_message_index: int
    forwarded_count: int
    claimed_verified: bool

    @property
    def is_verified(self) -> bool:
        """Deprecated alias of ``claimed_verified`` (since 0.2.0, removed in 0.3.0): the
        value is the server-visible, unauthenticated claim of the backing-up device."""
        warnings.warn(
            "DecryptedKeyBackupData.is_verified is deprecated; use claimed_verified (it is "
            "the backup entry's unauthenticated claim, not a verification)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.claimed_verified


# --- session_data -------------------------------------------------------------------------


_json_str: Final = encode_basestring  # a JSON string literal, non-ASCII kept


def _room_key_json(room_key: BackedUpRoomKey) -> str:
    """``json.dumps(room_key.to_json(), separators=(",", ":"), sort_keys=True,
    ensure_ascii=False)``, written out field by field (the names below are in sorted
    order; tests/test_backup.py holds the two to the same text)."""
    shared = "true" if room_key.shared_history else "false"
    claimed = ",".join(
        _json_str(name) + ":" + _json_str(value)
        for name, value in sorted(room_key.sender_claimed_keys.items())
    )
    return "".join((
        '{"algorithm":', _json_str(room_key.algorithm),
        ',"forwarding_curve25519_key_chain":[',
        ",".join(map(_json_str, room_key.forwarding_curve25519_key_chain)),
        "],", _json_str(UNSTABLE), ":", shared,
        ',"sender_claimed_keys":{', claimed,
        '},"sender_key":', _json_str(room_key.sender_key),
        ',"session_key":', _json_str(room_key.session_key.to_base64()),
        ',"shared_history":', shared, "}",
    ))


def encrypt_room_key(
    recipient: PkEncryption | Curve25519PublicKey | str | bytes, room_key: BackedUpRoomKey
) -> EncryptedSessionData:
    """``session_data`` for ``room_key`` under the backup public key ``recipient``."""
    if not isinstance(room_key, BackedUpRoomKey):
        raise UsageError("room key: " + expected("a BackedUpRoomKey", type(room_key).__name__))
    if not isinstance(room_key.session_key, ExportedSessionKey):
        got = type(room_key.session_key).__name__
        raise UsageError("room key session_key: " + expected("an ExportedSessionKey", got))
    encryption = _recipient(recipient)
    try:
        plaintext = _room_key_json(room_key).encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        raise UsageError(
            "room key: expected JSON-serialisable fields of UTF-8 text, got others "
            "(a non-string value or lone surrogates)"
        ) from None
    return encryption.encrypt(plaintext).to_json()


def encrypt_session(
    recipient: PkEncryption | Curve25519PublicKey | str | bytes,
    session: InboundGroupSession,
    *,
    sender_key: Curve25519PublicKey | str | bytes,
    sender_claimed_keys: Mapping[str, str | Ed25519PublicKey],
    forwarding_curve25519_key_chain: Iterable[Curve25519PublicKey | str | bytes] = (),
    shared_history: bool = False,
) -> EncryptedSessionData:
    """``session_data`` for ``session`` (see ``BackedUpRoomKey.from_session``)."""
    room_key = BackedUpRoomKey.from_session(
        session,
        sender_key=sender_key,
        sender_claimed_keys=sender_claimed_keys,
        forwarding_curve25519_key_chain=forwarding_curve25519_key_chain,
        shared_history=shared_history,
    )
    return encrypt_room_key(recipient, room_key)


def _check_session_id(session_id: object) -> str:
    if not isinstance(session_id, str):
        raise UsageError("session_id: " + expected("a str", type(session_id).__name__))
    return session_id


def decrypt_session_data(
    decryption: PkDecryption, session_data: Mapping[str, Any], *, session_id: str
) -> BackedUpRoomKey:
    """Decrypts ``session_data`` with the backup key and parses the room key.

    ``session_id`` is the id the entry was fetched under (required): an entry holding
    another session raises BackupSessionMismatchError, because the PK MAC does not
    authenticate the ciphertext and a server could otherwise serve one session's entry
    for another.  Raises MessageDecodeError, Base64Error or KeyDecodeError for malformed
    parts, MacError when it was encrypted for another key, CiphertextError for a bad
    length or padding, and BackupDataError (or a key error) for a bad plaintext.
    """
    if not isinstance(decryption, PkDecryption):
        raise UsageError(
            "backup decryption key: " + expected("a PkDecryption", type(decryption).__name__)
        )
    session_id = _check_session_id(session_id)
    plaintext = decryption.decrypt(PkMessage.from_json(session_data))
    try:
        value = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BackupDataError(
            "backed-up session data: expected UTF-8 JSON, got bytes that do not parse"
        ) from None
    room_key = BackedUpRoomKey.from_json(value)
    if room_key.session_id != session_id:  # public ids
        raise BackupSessionMismatchError(
            f"backed-up session: expected session {brief(session_id)}, "
            f"got {room_key.session_id}"
        )
    return room_key


# --- KeyBackupData ------------------------------------------------------------------------


def key_backup_data(
    recipient: PkEncryption | Curve25519PublicKey | str | bytes,
    session: InboundGroupSession,
    *,
    sender_key: Curve25519PublicKey | str | bytes,
    sender_claimed_keys: Mapping[str, str | Ed25519PublicKey],
    forwarding_curve25519_key_chain: Iterable[Curve25519PublicKey | str | bytes] = (),
    is_verified: bool = False,
    shared_history: bool = False,
) -> KeyBackupData:
    """The ``KeyBackupData`` body to PUT for ``session``.

    ``first_message_index`` is the session's first known index, ``forwarded_count``
    the length of the forwarding chain, and ``is_verified`` says whether the backing-up
    device verified the device the key came from (the caller knows; default false).
    """
    if type(is_verified) is not bool:
        raise UsageError("is_verified: " + expected("a bool", brief(is_verified)))
    room_key = BackedUpRoomKey.from_session(
        session,
        sender_key=sender_key,
        sender_claimed_keys=sender_claimed_keys,
        forwarding_curve25519_key_chain=forwarding_curve25519_key_chain,
        shared_history=shared_history,
    )
    return {
        "first_message_index": room_key.first_known_index,
        "forwarded_count": len(room_key.forwarding_curve25519_key_chain),
        "is_verified": is_verified,
        "session_data": encrypt_room_key(recipient, room_key),
    }


def decrypt_key_backup_data(
    decryption: PkDecryption, data: Mapping[str, Any], *, session_id: str
) -> DecryptedKeyBackupData:
    """Checks the ``KeyBackupData`` fields and decrypts its ``session_data``.

    ``session_id`` is the id the entry was fetched under (required); an entry holding
    another session raises BackupSessionMismatchError (see ``decrypt_session_data``).
    """
    what = "KeyBackupData"
    session_id = _check_session_id(session_id)
    if not isinstance(data, Mapping):
        raise BackupDataError(f"{what}: " + expected("a JSON object", type(data).__name__))
    numbers = []
    for name in ("first_message_index", "forwarded_count"):
        number = data.get(name)
        if type(number) is not int or not 0 <= number <= _U32:
            raise BackupDataError(
                f"{what} {name}: " + expected("an integer in 0..2**32-1", brief(number))
            )
        numbers.append(number)
    verified = data.get("is_verified")
    if type(verified) is not bool:
        raise BackupDataError(f"{what} is_verified: " + expected("a boolean", brief(verified)))
    session_data = data.get("session_data")
    if not isinstance(session_data, Mapping):
        got = "none" if session_data is None else type(session_data).__name__
        raise BackupDataError(f"{what} session_data: " + expected("a JSON object", got))
    room_key = decrypt_session_data(decryption, session_data, session_id=session_id)
    return DecryptedKeyBackupData(room_key, numbers[0], numbers[1], verified)


# --- auth_data and the backup version -----------------------------------------------------


def make_auth_data(
    public_key: PkDecryption | Curve25519PublicKey | str | bytes,
) -> KeyBackupAuthData:
    """Unsigned ``auth_data``: ``{"public_key": <unpadded base64>}``."""
    if isinstance(public_key, PkDecryption):
        public_key = public_key.public_key
    return {"public_key": _key_b64(public_key, "backup public key")}


def sign_auth_data(
    auth_data: KeyBackupAuthData | Mapping[str, Any], user_id: str, key_id: str, signer: Signer
) -> KeyBackupAuthData:
    """A copy of ``auth_data`` signed by ``signer`` (``key_id`` like ``"ed25519:DEVICE"``)."""
    auth_data_public_key(auth_data)
    return cast(KeyBackupAuthData, sign_json(auth_data, user_id, key_id, signer))


def verify_auth_data(
    auth_data: KeyBackupAuthData | Mapping[str, Any],
    user_id: str,
    key_id: str,
    public_key: Ed25519PublicKey | str,
) -> Curve25519PublicKey:
    """Checks ``auth_data``'s signature; returns the backup public key it vouches for.

    Raises BackupDataError for malformed ``auth_data`` (Base64Error or KeyDecodeError
    for a bad ``public_key``) and SignatureError (or its ``MissingSignatureError``)
    when the signature is absent or does not verify.
    """
    key = auth_data_public_key(auth_data)
    verify_json(auth_data, user_id, key_id, public_key)
    return key


def make_backup_info(
    public_key: PkDecryption | Curve25519PublicKey | str | bytes,
    *,
    user_id: str | None = None,
    key_id: str | None = None,
    signer: Signer | None = None,
) -> KeyBackupVersionBody:
    """The body for ``POST /room_keys/version``: algorithm and (signed) ``auth_data``.

    Pass ``user_id``, ``key_id`` and ``signer`` together to sign, or none of them.
    """
    auth_data = make_auth_data(public_key)
    given = [v is not None for v in (user_id, key_id, signer)]
    if any(given) and not all(given):
        raise UsageError("signing auth_data: expected user_id, key_id and signer together")
    if user_id is not None and key_id is not None and signer is not None:
        auth_data = sign_auth_data(auth_data, user_id, key_id, signer)
    return {"algorithm": ALGORITHM, "auth_data": auth_data}


def auth_data_public_key(value: Mapping[str, Any]) -> Curve25519PublicKey:
    """The backup public key in ``auth_data``, or in a whole backup version object.

    A version object (with ``algorithm`` and ``auth_data``) must name this algorithm.
    """
    if not isinstance(value, Mapping):
        raise BackupDataError("auth_data: " + expected("a JSON object", type(value).__name__))
    if "auth_data" in value:
        algorithm = value.get("algorithm")
        if algorithm != ALGORITHM:
            raise BackupDataError(
                "backup version algorithm: " + expected(repr(ALGORITHM), brief(algorithm))
            )
        value = value["auth_data"]
        if not isinstance(value, Mapping):
            raise BackupDataError("auth_data: " + expected("a JSON object", type(value).__name__))
    public = value.get("public_key")
    if not isinstance(public, str):
        raise BackupDataError(
            "auth_data public_key: " + expected("a base64 string", brief(public))
        )
    return Curve25519PublicKey.from_base64(public)


def backup_key_matches(decryption: PkDecryption, auth_data: Mapping[str, Any]) -> bool:
    """Whether ``decryption``'s public key is ``auth_data``'s (or a version object's)."""
    if not isinstance(decryption, PkDecryption):
        raise UsageError(
            "backup decryption key: " + expected("a PkDecryption", type(decryption).__name__)
        )
    return decryption.matches(auth_data_public_key(auth_data))


def check_backup_key(decryption: PkDecryption, auth_data: Mapping[str, Any]) -> None:
    """Raises BackupKeyMismatchError unless ``decryption`` belongs to this backup."""
    if not backup_key_matches(decryption, auth_data):
        raise BackupKeyMismatchError(
            "backup decryption key: expected the private key of the backup's public key "
            f"{auth_data_public_key(auth_data).to_base64()}, got the key of "
            f"{decryption.public_key.to_base64()}"
        )


def iter_backup_dump(
    src: IO[bytes], room_id: str | None = None
) -> Iterator[tuple[str, str, Any]]:
    """``(room id, session id, KeyBackupData)`` for each entry of the JSON of ``GET
    /room_keys/keys`` read from the binary stream ``src``, one entry in memory at a time.

    With ``room_id`` the dump is the one-room form (``{"sessions": ...}``). Malformed JSON
    or layout raises BackupDataError when the reader reaches it; the entries are not
    checked here (``decrypt_key_backup_data`` does that).
    """
    if not callable(getattr(src, "read", None)):
        raise UsageError("backup dump: " + expected("a binary stream", type(src).__name__))
    if room_id is not None and not isinstance(room_id, str):
        raise UsageError("room_id: " + expected("a str or None", type(room_id).__name__))
    from olmpy._backup_dump import iter_dump

    return iter_dump(src, room_id)

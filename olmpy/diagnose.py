"""Why a message or a stored secret does, or does not, decrypt under a given key.

Each function here takes what a receiver holds (a Megolm session, Olm sessions or an
account, a backup key, a secret storage key, an attachment's ``file`` object) and one
encrypted object, and returns a ``Diagnosis``: a ``Reason`` with the public numbers that
explain it (indexes, session ids).  None of them changes anything: decrypts run on
throwaway copies of the ratchets, so a session diagnosed is exactly as it was before,
whatever the verdict.  Malformed input raises the usual ``DecodeError``; a wrong key is
never an exception here but a reason.

What cryptography can tell apart, and what it cannot (SPEC.md section 26):

* A Megolm message carries no session id: it names its session only through its
  signature.  A signature that does not verify under the key's Ed25519 key, with a MAC
  that does verify under the key's ratchet, is a damaged signature (BAD_SIGNATURE).  When
  neither verifies, the message is from another session (WRONG_SESSION), unless the
  caller knows the session id the event claims and it is the key's, or the MAC agrees
  with this ratchet's in at least half of its bytes (a damaged MAC; two unrelated MACs
  agree so far with a probability below 2**-25): then BAD_MAC.
* An Olm normal message names its chain by its ratchet key: a session holding that chain
  owns it (so a MAC failure there is BAD_MAC); a message on a chain no session holds is
  WRONG_SESSION when no session's next ratchet step authenticates it.

These functions are for people looking at one failed message, never for the decrypt
path.  Their verdicts say which check failed, never how close a MAC came.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from olmpy import _b64, _backend
from olmpy.attachments import AttachmentHashError, EncryptedFileInfo
from olmpy.attachments import decrypt as _attachment_decrypt
from olmpy.backup import BackedUpRoomKey, BackupDataError
from olmpy.errors import (
    CiphertextError,
    MacError,
    MessageGapError,
    SignatureError,
    UnknownMessageIndexError,
    UnknownOneTimeKeyError,
    UsageError,
    expected,
)
from olmpy.hazmat import primitives
from olmpy.megolm.inbound_group_session import InboundGroupSession, _ahead
from olmpy.megolm.message import MegolmMessage
from olmpy.megolm.session_keys import (
    EXPORT_LEN,
    EXPORT_VERSION,
    SIGNED_LEN,
    SIGNED_VERSION,
    ExportedSessionKey,
    SessionKey,
)
from olmpy.olm.account import Account
from olmpy.olm.messages import AnyOlmMessage, Message, PreKeyMessage
from olmpy.olm.session import Session
from olmpy.pk import PkDecryption, PkMessage
from olmpy.secret_storage import EncryptedSecret, decrypt_secret

__all__ = [
    "Diagnosis",
    "MessageFields",
    "Reason",
    "SessionKeyFields",
    "attachment",
    "backup_entry",
    "megolm",
    "message_fields",
    "olm",
    "secret",
    "session_key_fields",
]

_MEGOLM_MAC_LEN = 8
_OLM_MAC_LEN = 8
_SIGNATURE_LEN = 64
_CLOSE_MAC = 4  # equal bytes (of 8) from which a failing MAC counts as this ratchet's


class Reason(enum.Enum):
    """The verdict of a diagnosis; the value is the phrase the command line prints."""

    DECRYPTS = "decrypts"
    """Every check passed and the object decrypted (on a copy)."""
    WRONG_SESSION = "wrong session"
    """The message belongs to another session than the key or sessions given."""
    UNKNOWN_INDEX = "unknown index"
    """The message is older than what the key can decrypt (Megolm: below its first known
    index; Olm: a message key already used or dropped)."""
    BAD_MAC = "bad MAC"
    """The object is this key's, but its MAC does not match (altered, or encrypted for
    another key where the format cannot name the key otherwise)."""
    BAD_SIGNATURE = "bad signature"
    """A Megolm message whose MAC is this session's but whose signature does not verify."""
    UNKNOWN_ONE_TIME_KEY = "unknown one-time key"
    """An Olm pre-key message names a one-time or fallback key the account does not hold."""
    WRONG_ACCOUNT = "wrong account"
    """An Olm message addressed to another identity key than the account's."""
    MESSAGE_GAP = "message gap"
    """An Olm message skips more messages than a chain may."""
    BAD_CIPHERTEXT = "bad ciphertext"
    """Authenticated, but the ciphertext or its plaintext is malformed (bad padding, or a
    backup plaintext that does not parse: the PK MAC does not cover the ciphertext)."""
    HASH_MISMATCH = "hash mismatch"
    """An attachment's ciphertext does not have the SHA-256 its ``file`` object names."""


@dataclass(frozen=True)
class Diagnosis:
    """One verdict with its public evidence.  ``plaintext`` (only when the object
    decrypted) is left out of the repr; nothing else here is secret."""

    reason: Reason
    detail: str
    """One sentence saying why, with the numbers; never a secret."""
    session_id: str | None = None
    """The id of the key's or the matching session (Megolm or Olm), when known."""
    message_session_id: str | None = None
    """The session id the message names or claims, when known."""
    message_index: int | None = None
    """The message's Megolm index or Olm chain index."""
    first_known_index: int | None = None
    """The first Megolm index the key can decrypt."""
    plaintext: bytes | None = field(default=None, repr=False)

    @property
    def decrypts(self) -> bool:
        """Whether the reason is DECRYPTS."""
        return self.reason is Reason.DECRYPTS


@dataclass(frozen=True)
class SessionKeyFields:
    """The public parts of a Megolm session key or exported session key: never the
    ratchet.  ``signature_valid`` is None for an exported key, which carries none."""

    version: int
    signed: bool
    message_index: int
    session_id: str
    signature_valid: bool | None


@dataclass(frozen=True)
class MessageFields:
    """The public layout of a normal Olm or a Megolm message (sizes in bytes)."""

    version: int
    index: int
    """The Megolm message index, or the Olm chain index."""
    ciphertext_length: int
    mac_length: int
    signature_length: int
    """64 for Megolm (an Ed25519 signature), 0 for Olm (none)."""
    ratchet_key: str | None
    """The sender's ratchet key (Olm), base64; None for Megolm."""


def message_fields(message: Message | MegolmMessage) -> MessageFields:
    """The public fields of a parsed message (for a pre-key message, of its inner one)."""
    _require(message, (Message, MegolmMessage), "message", "a Message or MegolmMessage")
    raw = message.to_bytes()
    b = _backend.impl
    if isinstance(message, MegolmMessage):
        index, _, length = b.megolm_parse(raw)
        return MessageFields(raw[0], index, length, _MEGOLM_MAC_LEN, _SIGNATURE_LEN, None)
    key, index, _, length = b.olm_parse(raw)
    return MessageFields(raw[0], index, length, _OLM_MAC_LEN, 0, _b64.encode_public(key))


def _require(value: object, kinds: type | tuple[type, ...], what: str, want: str) -> None:
    if not isinstance(value, kinds):
        raise UsageError(f"{what}: " + expected(want, type(value).__name__))


# --- Megolm -----------------------------------------------------------------------------


def session_key_fields(key: str | bytes) -> SessionKeyFields:
    """The public fields of a session key (229 bytes, signed, version 2) or an exported
    key (165 bytes, version 1), base64 or raw.  A signed key whose signature fails is
    still described (``signature_valid`` False); any other defect raises the same
    ``DecodeError`` as ``SessionKey``/``ExportedSessionKey``."""
    _require(key, (str, bytes), "session key", "a base64 str or bytes")
    raw = _b64.decode(key, "Megolm session key") if isinstance(key, str) else bytes(key)
    if raw[:1] == bytes([SIGNED_VERSION]) and len(raw) == SIGNED_LEN:
        try:
            SessionKey(raw)
            valid = True
        except SignatureError:
            valid = False
        return SessionKeyFields(SIGNED_VERSION, True, int.from_bytes(raw[1:5], "big"),
                                _b64.encode_public(raw[133:165]), valid)
    if raw[:1] == bytes([SIGNED_VERSION]):
        SessionKey(raw)  # raises the length error
    parsed = ExportedSessionKey(raw)  # raises for any other version or length
    assert len(raw) == EXPORT_LEN and raw[0] == EXPORT_VERSION
    return SessionKeyFields(EXPORT_VERSION, False, parsed.message_index, parsed.session_id,
                            None)


def _megolm_mac(state: bytes, signed_part: bytes) -> bytes:
    """The MAC a ratchet state gives a message (everything before MAC and signature)."""
    keys = primitives.hkdf_sha256(b"", state[:128], b"MEGOLM_KEYS", 80)
    return primitives.hmac_sha256(keys[32:64], signed_part)[:_MEGOLM_MAC_LEN]


def megolm(session: InboundGroupSession, message: MegolmMessage | str | bytes, *,
           session_id: str | None = None) -> Diagnosis:
    """Why ``message`` does or does not decrypt with ``session`` (which is not changed).

    ``session_id`` is the id the event claims (``m.room.encrypted``'s ``session_id``),
    when the caller has it: another id is WRONG_SESSION at once, and the same id turns a
    message whose signature and MAC both fail into BAD_MAC.  Checks, in order: the
    claimed id, the signature, the index against ``first_known_index``, the MAC.
    """
    _require(session, InboundGroupSession, "session", "an InboundGroupSession")
    _require(message, (MegolmMessage, str, bytes), "Megolm message",
             "a MegolmMessage, base64 str or bytes")
    if session_id is not None:
        _require(session_id, str, "session_id", "a str or None")
    if isinstance(message, str):
        message = MegolmMessage.from_base64(message)
    elif isinstance(message, bytes):
        message = MegolmMessage(message)
    raw = message.to_bytes()
    index, first, own = message.index, session.first_known_index, session.session_id
    base: dict[str, Any] = {"session_id": own, "message_session_id": session_id,
                            "message_index": index, "first_known_index": first}
    if session_id is not None and session_id != own:
        return Diagnosis(Reason.WRONG_SESSION, f"the message is of session {session_id}, "
                         f"the key is of session {own}", **base)
    claimed = session_id is not None
    signed_part = raw[:-_SIGNATURE_LEN]
    try:
        primitives.ed25519_verify(session._public, signed_part, raw[-_SIGNATURE_LEN:])
        signed = True
    except SignatureError:
        signed = False
    if _ahead(index, first) < 0:
        if signed:
            return Diagnosis(Reason.UNKNOWN_INDEX, f"the message is at index {index}, the "
                             f"key starts at index {first}", **base)
        if claimed:
            return Diagnosis(Reason.BAD_SIGNATURE, "the signature does not verify under the "
                             f"session's key (and index {index} is below the key's first "
                             f"index {first})", **base)
        return Diagnosis(Reason.WRONG_SESSION, "the signature is not by this session's key; "
                         f"index {index} is below the key's first index {first}, so the MAC "
                         "cannot be checked", **base)
    b = _backend.impl
    work = b.secret_buffer(b.read_secret(session._initial))
    try:
        b.megolm_advance_to(work, index)
        mac = _megolm_mac(b.read_secret(work), signed_part[:-_MEGOLM_MAC_LEN])
    finally:
        b.wipe(work)
    carried = signed_part[-_MEGOLM_MAC_LEN:]
    if not hmac.compare_digest(mac, carried):
        same = sum(x == y for x, y in zip(mac, carried, strict=True))
        if signed:
            return Diagnosis(Reason.BAD_MAC, f"signed by the session's key, but the MAC is "
                             f"not the one the key's ratchet gives at index {index} (the "
                             "key's ratchet is not the sender's)", **base)
        if claimed or same >= _CLOSE_MAC:
            # How many bytes agree stays inside: reported, it would let someone who can
            # ask for diagnoses find a MAC byte by byte.
            return Diagnosis(Reason.BAD_MAC, f"the MAC is not the one this key's ratchet "
                             f"gives at index {index} (the signature, which covers it, "
                             "fails too)", **base)
        return Diagnosis(Reason.WRONG_SESSION, "neither the signature nor the MAC is this "
                         "session's: the message is of another session (or its body was "
                         "altered)", **base)
    if not signed:
        return Diagnosis(Reason.BAD_SIGNATURE, "the MAC is this key's, but the signature "
                         "does not verify under the session's key", **base)
    return _megolm_decrypt_copy(session, raw, base)


def _megolm_decrypt_copy(session: InboundGroupSession, raw: bytes,
                         base: dict[str, Any]) -> Diagnosis:
    b = _backend.impl
    state = b.read_secret(session._initial)
    initial, latest = b.secret_buffer(state), b.secret_buffer(state)
    try:
        plaintext, index = b.megolm_decrypt(initial, latest, session._public, raw, True)
    except CiphertextError as e:
        return Diagnosis(Reason.BAD_CIPHERTEXT, str(e), **base)
    finally:
        b.wipe(initial)
        b.wipe(latest)
    return Diagnosis(Reason.DECRYPTS, f"signature and MAC verify; decrypts at index {index}",
                     plaintext=plaintext, **base)


# --- Olm --------------------------------------------------------------------------------


def _copy(session: Session) -> Session:
    """A throwaway copy of an Olm session (its own secret buffers)."""
    return Session._from_libolm_body(session._libolm_body(), "Olm session copy")


def _olm_try(session: Session, message: Message, *, owner: bool, pre_key: bool
             ) -> Diagnosis:
    """Decrypts ``message`` on a copy of ``session``; ``owner`` says the message is known
    to be this session's (so a MAC failure is BAD_MAC, not WRONG_SESSION)."""
    base: dict[str, Any] = {"session_id": session.session_id, "message_index":
                            message.chain_index}
    try:
        plaintext = _copy(session)._decrypt(message)
    except UnknownMessageIndexError as e:
        return Diagnosis(Reason.UNKNOWN_INDEX, str(e), **base)
    except MessageGapError as e:
        return Diagnosis(Reason.MESSAGE_GAP, str(e), **base)
    except CiphertextError as e:
        return Diagnosis(Reason.BAD_CIPHERTEXT, str(e), **base)
    except MacError:
        reason = Reason.BAD_MAC if owner else Reason.WRONG_SESSION
        where = ("the pre-key keys are this session's" if pre_key
                 else "the ratchet key is one of this session's chains")
        detail = (f"{where}, but the MAC does not match" if owner
                  else "the MAC does not match under this session")
        return Diagnosis(reason, detail, **base)
    return Diagnosis(Reason.DECRYPTS, f"decrypts with session {session.session_id}",
                     plaintext=plaintext, **base)


def olm(message: AnyOlmMessage, *, sessions: Iterable[Session] = (),
        account: Account | None = None, recipient_key: str | None = None) -> Diagnosis:
    """Which of ``sessions`` (or a session ``account`` would open) decrypts ``message``,
    or why none does.  Nothing given is changed: decrypts run on copies, and the account
    keeps its one-time keys.

    ``recipient_key`` is the Curve25519 key the event addresses the message to (the key
    of its ``ciphertext`` map); with an account, another key is WRONG_ACCOUNT.  A pre-key
    message goes to the session with the same three keys, else to the account; a normal
    message to the session holding its ratchet key's chain, else to each session's next
    ratchet step.
    """
    _require(message, AnyOlmMessage, "message", "an AnyOlmMessage")
    if account is not None:
        _require(account, Account, "account", "an Account or None")
    if recipient_key is not None:
        _require(recipient_key, str, "recipient_key", "a base64 str or None")
    if isinstance(sessions, (str, bytes)) or not isinstance(sessions, Iterable):
        raise UsageError("sessions: " + expected("an iterable of Session",
                                                 type(sessions).__name__))
    given = list(sessions)
    for s in given:
        _require(s, Session, "sessions entry", "a Session")
    if account is None and not given:
        raise UsageError("Olm diagnosis: expected a session or an account, got neither")
    parsed = message.parsed()
    if isinstance(parsed, PreKeyMessage):
        return _olm_pre_key(parsed, given, account, recipient_key)
    if not given:
        raise UsageError("Olm diagnosis: expected a session for a normal (type 1) message, "
                         "got only an account (an account decrypts pre-key messages only)")
    for s in given:
        if any(their == parsed.ratchet_key for their, _ in s._receivers):
            return _olm_try(s, parsed, owner=True, pre_key=False)
    for s in given:
        found = _olm_try(s, parsed, owner=False, pre_key=False)
        if found.reason is not Reason.WRONG_SESSION:
            return found
    ids = ", ".join(s.session_id for s in given)
    return Diagnosis(Reason.WRONG_SESSION, "no session holds the chain of ratchet key "
                     f"{_b64.encode_public(parsed.ratchet_key)}, and no session's next "
                     f"ratchet step authenticates it (sessions: {ids})",
                     message_index=parsed.chain_index)


def _olm_pre_key(parsed: PreKeyMessage, given: list[Session], account: Account | None,
                 recipient_key: str | None) -> Diagnosis:
    started = parsed.session_id()
    for s in given:
        if s.session_matches(parsed):
            found = _olm_try(s, parsed.message, owner=True, pre_key=True)
            return _with(found, message_session_id=started)
    if account is not None:
        own = account.curve25519_key.to_base64()
        if recipient_key is not None and recipient_key != own:
            return Diagnosis(Reason.WRONG_ACCOUNT, f"the message is for identity key "
                             f"{recipient_key}, the account's is {own}",
                             message_session_id=started)
        try:
            session, _, _ = account._open_inbound(parsed.identity_key, parsed)
        except UnknownOneTimeKeyError:
            return Diagnosis(Reason.UNKNOWN_ONE_TIME_KEY, "the account holds no one-time or "
                             "fallback key " + _b64.encode_public(parsed.one_time_key)
                             + " (used already, or another account's)",
                             message_session_id=started)
        found = _olm_try(session, parsed.message, owner=True, pre_key=True)
        return _with(found, message_session_id=started)
    ids = ", ".join(s.session_id for s in given)
    return Diagnosis(Reason.WRONG_SESSION, f"the message starts session {started}; the "
                     f"sessions given are {ids}", message_session_id=started)


def _with(found: Diagnosis, **changes: Any) -> Diagnosis:
    values = {name: getattr(found, name) for name in Diagnosis.__dataclass_fields__}
    values.update(changes)
    return Diagnosis(**values)


# --- backup, secret storage, attachments --------------------------------------------------


def backup_entry(decryption: PkDecryption, data: Mapping[str, Any], *,
                 session_id: str | None = None) -> Diagnosis:
    """Whether a ``KeyBackupData`` entry (or its bare ``session_data``) opens with the
    backup key ``decryption``.  A wrong key is BAD_MAC: the entry's ephemeral key agrees
    with another backup key, so the MAC derived here does not match.  ``session_id``, the
    id the entry was stored under, is compared with the one inside when given."""
    _require(decryption, PkDecryption, "backup key", "a PkDecryption")
    _require(data, Mapping, "backup entry", "a JSON object")
    if session_id is not None:
        _require(session_id, str, "session_id", "a str or None")
    session_data = data.get("session_data", data)
    pk = PkMessage.from_json(session_data)  # MessageDecodeError for a malformed one
    try:
        plaintext = decryption.decrypt(pk)
    except MacError:
        return Diagnosis(Reason.BAD_MAC, "the MAC does not match under this backup key: the "
                         "entry was encrypted for another key (its ephemeral key "
                         f"{pk.ephemeral_key.to_base64()} does not pair with this one)")
    except CiphertextError as e:
        return Diagnosis(Reason.BAD_CIPHERTEXT, str(e))
    try:
        room_key = BackedUpRoomKey.from_json(json.loads(plaintext.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        what = str(e) if isinstance(e, BackupDataError) else "not JSON"
        return Diagnosis(Reason.BAD_CIPHERTEXT, "the MAC matches but the plaintext is not a "
                         f"backed-up session ({what}); the PK MAC does not cover the "
                         "ciphertext, which was altered")
    found = room_key.session_id
    base: dict[str, Any] = {"session_id": found, "first_known_index":
                            room_key.first_known_index, "message_session_id": session_id}
    if session_id is not None and session_id != found:
        return Diagnosis(Reason.WRONG_SESSION, f"the entry is stored as session {session_id} "
                         f"but holds session {found}", **base)
    return Diagnosis(Reason.DECRYPTS, f"decrypts: session {found} from index "
                     f"{room_key.first_known_index}",
                     plaintext=json.dumps(room_key.to_json()).encode(), **base)


def secret(key: bytes, name: str, data: EncryptedSecret | Mapping[str, Any]) -> Diagnosis:
    """Whether one secret storage object (``{"iv", "ciphertext", "mac"}``) opens with the
    32-byte ``key`` for the secret ``name``; the MAC cannot tell a wrong key from a wrong
    name or altered data, so all three are BAD_MAC."""
    _require(key, bytes, "secret storage key", "32 bytes")
    _require(name, str, "secret name", "a str")
    _require(data, (EncryptedSecret, Mapping), "encrypted secret", "a JSON object")
    parsed = data if isinstance(data, EncryptedSecret) else EncryptedSecret.from_json(data)
    try:
        value = decrypt_secret(key, name, parsed)
    except MacError:
        return Diagnosis(Reason.BAD_MAC, f"the MAC does not match for secret {name!r}: "
                         "another key, another secret name, or altered data")
    return Diagnosis(Reason.DECRYPTS, f"decrypts as secret {name!r}",
                     plaintext=value.encode("utf-8"))


def attachment(info: EncryptedFileInfo | Mapping[str, Any], ciphertext: bytes) -> Diagnosis:
    """Whether ``ciphertext`` is the file ``info`` (the event's ``file`` object) names:
    its SHA-256 is checked before anything is decrypted."""
    _require(info, (EncryptedFileInfo, Mapping), "file info", "a JSON object")
    _require(ciphertext, bytes, "ciphertext", "bytes")
    parsed = info if isinstance(info, EncryptedFileInfo) else EncryptedFileInfo.from_json(info)
    try:
        plaintext = _attachment_decrypt(ciphertext, parsed)
    except AttachmentHashError:
        digest = _b64.encode_public(hashlib.sha256(ciphertext).digest())
        return Diagnosis(Reason.HASH_MISMATCH, "the ciphertext's SHA-256 is "
                         f"{digest}, the file object names "
                         f"{_b64.encode_public(parsed.sha256)}")
    return Diagnosis(Reason.DECRYPTS, f"SHA-256 matches; {len(plaintext)} bytes decrypted",
                     plaintext=plaintext)


"""Hypothesis strategies for fuzzing Matrix end-to-end encryption code.

Every value is built from bytes that hypothesis draws (identity keys, ratchets, one-time
keys, ephemeral secrets, pickle nonces) and fed through olmpy's deterministic
constructors (``olmpy.testing``), so a failing example shrinks and replays from
hypothesis's seed: nothing here reads ``os.urandom``.  Objects that need randomness
later (an Olm session's new ratchet keys) get a ``SeededRng``, a SHA-256 stream from a
drawn 32-byte seed.

What there is:

- ``accounts``, ``session_pairs`` (Olm, established), ``group_sessions``,
  ``inbound_group_sessions``, ``group_session_pairs``;
- ``session_keys``, ``exported_session_keys``, ``pickles`` (olmpy, libolm and
  vodozemac formats of Account, Session, GroupSession, InboundGroupSession and
  PkDecryption);
- ``wire_messages`` (Olm pre-key and normal, Megolm) and ``mutated_messages``, whose
  ``Mutated.kind`` names the damage (``MUTATION_KINDS``);
- ``signed_keys`` (device keys, one-time and fallback keys) and
  ``cross_signing_bundles``, valid or with one ``defect`` (``KEY_DEFECTS``);
- ``backup_entries`` (``m.megolm_backup.v1.curve25519-aes-sha2`` session data) and
  ``sas_exchanges``;
- ``schedules``: sends and deliveries (reordered, dropped, duplicated, delayed past the
  limits), which ``play`` runs through a session pair, reporting each delivery.

Example (``find`` is hypothesis's search for a value with a property)::

    >>> from hypothesis import find
    >>> from olmpy.testing import strategies as ost
    >>> pair = find(ost.session_pairs(), lambda p: True)
    >>> message = pair.outbound.encrypt(b"hello")
    >>> pair.inbound.decrypt(message)
    b'hello'
    >>> damaged = find(ost.mutated_messages(kinds=("truncation",)), lambda m: True)
    >>> damaged.kind, len(damaged.mutated) < len(damaged.original.body)
    ('truncation', True)

Needs hypothesis (``pip install olmpy[hypothesis]``); olmpy itself does not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

try:
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy
except ImportError as _err:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "olmpy.testing.strategies needs hypothesis, which olmpy does not install by "
        "default: install the extra with  pip install 'olmpy[hypothesis]'"
    ) from _err

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from olmpy import _b64
from olmpy.backup import key_backup_data
from olmpy.device_keys import (
    cross_signing_key,
    cross_signing_key_id,
    device_keys,
    signed_fallback_keys,
    signed_one_time_keys,
)
from olmpy.errors import (
    DecryptionError,
    MessageGapError,
    OlmpyError,
    ReplayError,
    UnknownMessageIndexError,
    UsageError,
    expected,
    shown,
)
from olmpy.hazmat import primitives as _hazmat
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature
from olmpy.megolm.group_session import GroupSession
from olmpy.megolm.inbound_group_session import InboundGroupSession
from olmpy.megolm.message import MegolmMessage
from olmpy.megolm.replay import ReplayGuard
from olmpy.megolm.session_keys import ExportedSessionKey, SessionKey
from olmpy.olm.account import Account
from olmpy.olm.messages import AnyOlmMessage, PreKeyMessage
from olmpy.olm.session import MAX_MESSAGE_GAP, MAX_SKIPPED_KEYS, Session
from olmpy.pickle import _native as _olmpy_pickle
from olmpy.pk import PkDecryption
from olmpy.sas import EstablishedSas, SasBytes, mac_info, sas_info
from olmpy.signed_json import PkSigning, sign_json, signing_payload
from olmpy.testing import (
    account_from_parts,
    group_session_from_parts,
    pk_encryption,
    sas_from_secret,
)
from olmpy.testing._seeded import (
    DeviceIdentity,
    GroupSessionPair,
    SeededRng,
    SessionPair,
    account_from_seed,
    device_from_seed,
    group_session_pair_from_seed,
    make_session_pair,
    session_pair_from_seed,
)
from olmpy.types import KeyBackupData

__all__ = [
    "KEY_DEFECTS",
    "MAX_MESSAGE_GAP",
    "MAX_SKIPPED_KEYS",
    "MESSAGE_KINDS",
    "MUTATION_KINDS",
    "PICKLE_FORMATS",
    "PICKLE_OBJECTS",
    "SIGNED_KINDS",
    "BackupEntry",
    "CrossSigningBundle",
    "Deliver",
    "DeviceIdentity",
    "GroupSessionPair",
    "KeyDefect",
    "MessageKind",
    "Mutated",
    "MutationKind",
    "Outcome",
    "Pickled",
    "SasExchange",
    "Schedule",
    "SeededRng",
    "Send",
    "SessionPair",
    "SignedKeys",
    "WireMessage",
    "account_from_seed",
    "accounts",
    "backup_entries",
    "cross_signing_bundles",
    "decrypt",
    "device_from_seed",
    "device_ids",
    "exported_session_keys",
    "group_session_pair_from_seed",
    "group_session_pairs",
    "group_sessions",
    "inbound_group_sessions",
    "mutated_messages",
    "pickle_keys",
    "pickles",
    "play",
    "sas_exchanges",
    "schedules",
    "seeded_rngs",
    "session_keys",
    "session_pair_from_seed",
    "session_pairs",
    "signed_keys",
    "user_ids",
    "wire_messages",
]

_U32 = 0xFFFFFFFF
_T = TypeVar("_T", bound=str)


def _secret(size: int = 32) -> SearchStrategy[bytes]:
    return st.binary(min_size=size, max_size=size)


def _choices(what: str, given: Sequence[_T], allowed: tuple[_T, ...]) -> tuple[_T, ...]:
    """``given`` as a non-empty tuple of names out of ``allowed`` (UsageError otherwise)."""
    if isinstance(given, str) or not isinstance(given, (tuple, list)) or not given:
        want = f"a non-empty tuple out of {allowed}"
        raise UsageError(f"{what}: " + expected(want, shown(given)))
    for item in given:
        if item not in allowed:
            raise UsageError(f"{what}: " + expected(f"names out of {allowed}", repr(item)))
    return tuple(given)


def _count(what: str, value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise UsageError(f"{what}: " + expected(f"an int in {low}..{high}", shown(value)))
    return value


# --- randomness -----------------------------------------------------------------------------


def seeded_rngs() -> SearchStrategy[SeededRng]:
    """``SeededRng`` from a drawn 32-byte seed."""
    return st.builds(SeededRng, _secret())


# --- identifiers ----------------------------------------------------------------------------


def user_ids() -> SearchStrategy[str]:
    """Matrix user ids ``@localpart:server`` (lower-case historical grammar)."""
    local = st.text("abcdefghijklmnopqrstuvwxyz0123456789._=-", min_size=1, max_size=12)
    server = st.sampled_from(["example.org", "matrix.test", "localhost:8448"])
    return st.builds(lambda lp, s: f"@{lp}:{s}", local, server)


def device_ids() -> SearchStrategy[str]:
    """Device ids as servers hand them out (upper-case letters)."""
    return st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=10)


def pickle_keys(*, ascii_only: bool = False) -> SearchStrategy[bytes]:
    """32-byte pickle keys (the length every olmpy format accepts without flags).

    ``ascii_only`` draws printable ASCII, for peers that take the key as text
    (python-olm's ``from_pickle(pickle, passphrase: str)``: pass ``key.decode()``)."""
    if ascii_only:
        text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=32,
                       max_size=32)
        return st.builds(lambda t: t.encode("ascii"), text)
    return _secret()


# --- accounts and Olm sessions --------------------------------------------------------------


def accounts(*, one_time_keys: int = 1, fallback_key: bool = False) -> SearchStrategy[Account]:
    """Accounts with drawn identity keys and a drawn ``SeededRng``, holding
    ``one_time_keys`` unpublished one-time keys and, if asked, a fallback key."""
    count = _count("one_time_keys", one_time_keys, 0, 100)
    if type(fallback_key) is not bool:
        raise UsageError("fallback_key: " + expected("a bool", shown(fallback_key)))

    def build(seed: bytes, curve: bytes, rng: SeededRng) -> Account:
        account = account_from_parts(seed, curve, rng=rng)
        if count:
            account.generate_one_time_keys(count)
        if fallback_key:
            account.generate_fallback_key()
        return account

    return st.builds(build, _secret(), _secret(), seeded_rngs())


def _plaintexts() -> SearchStrategy[bytes]:
    return st.binary(min_size=0, max_size=64)


def session_pairs() -> SearchStrategy[SessionPair]:
    """Established Olm session pairs between two drawn accounts."""
    return st.builds(
        make_session_pair, accounts(one_time_keys=0), accounts(one_time_keys=1), _plaintexts()
    )


# --- Megolm ----------------------------------------------------------------------------------


def _indices() -> SearchStrategy[int]:
    # Small indices mostly (they shrink to 0), large ones sometimes; leave room to encrypt.
    return st.one_of(st.integers(0, 1000), st.integers(0, _U32 - 1024))


def group_sessions() -> SearchStrategy[GroupSession]:
    """Outbound Megolm sessions at a drawn ratchet, index and signing key."""
    return st.builds(group_session_from_parts, _secret(128), _indices(), _secret())


def inbound_group_sessions() -> SearchStrategy[InboundGroupSession]:
    """Inbound sessions made from a drawn outbound session's signed session key."""
    return st.builds(lambda g: InboundGroupSession(g.session_key), group_sessions())


def group_session_pairs(*, allow_imported: bool = True) -> SearchStrategy[GroupSessionPair]:
    """Megolm sender/receiver pairs; with ``allow_imported`` the receiver sometimes
    starts a few indices later, from an exported key (its earlier messages are
    undecryptable)."""
    if type(allow_imported) is not bool:
        raise UsageError("allow_imported: " + expected("a bool", shown(allow_imported)))

    @st.composite
    def build(draw: st.DrawFn) -> GroupSessionPair:
        outbound = draw(group_sessions())
        signed = InboundGroupSession(outbound.session_key)
        later = draw(st.integers(0, 4)) if allow_imported else 0
        if later == 0:
            return GroupSessionPair(outbound, signed, False)
        exported = signed.export_at(outbound.message_index + later)
        assert exported is not None
        return GroupSessionPair(outbound, InboundGroupSession.import_session(exported), True)

    return build()


def session_keys() -> SearchStrategy[SessionKey]:
    """Signed Megolm session keys (``m.room_key``'s ``session_key``)."""
    return st.builds(lambda g: g.session_key, group_sessions())


def exported_session_keys() -> SearchStrategy[ExportedSessionKey]:
    """Exported (unsigned) session keys, at the first known index or a few past it."""

    @st.composite
    def build(draw: st.DrawFn) -> ExportedSessionKey:
        inbound = draw(inbound_group_sessions())
        key = inbound.export_at(inbound.first_known_index + draw(st.integers(0, 8)))
        assert key is not None
        return key

    return build()


# --- pickles --------------------------------------------------------------------------------

PickleFormat = Literal["olmpy", "libolm", "vodozemac"]
PICKLE_FORMATS: tuple[PickleFormat, ...] = get_args(PickleFormat)
PickleObject = Literal[
    "Account", "Session", "GroupSession", "InboundGroupSession", "PkDecryption"
]
PICKLE_OBJECTS: tuple[PickleObject, ...] = get_args(PickleObject)
_KINDS = {
    "Account": "account",
    "Session": "session",
    "GroupSession": "group_session",
    "InboundGroupSession": "inbound_group_session",
    "PkDecryption": "pk_decryption",
}

_Picklable = Account | Session | GroupSession | InboundGroupSession | PkDecryption


@dataclass(frozen=True, eq=False)
class Pickled:
    """A pickle of ``source`` in ``format`` under the 32-byte ``key``.

    ``olmpy`` pickles load with ``from_pickle``, ``libolm`` ones with
    ``from_libolm_pickle`` (python-olm: ``from_pickle``), ``vodozemac`` ones with
    ``from_vodozemac_pickle`` (vodozemac: ``from_pickle``; for PkDecryption, whose only
    vodozemac pickle is libolm's format, ``from_libolm_pickle``)."""

    object_type: PickleObject
    format: PickleFormat
    key: bytes
    pickle: str
    source: _Picklable


def _seal_olmpy(body: bytes, kind: str, key: bytes, nonce: bytes) -> str:
    """olmpy's pickle format (SPEC section 12) with a chosen nonce instead of a fresh one."""
    header = (
        _olmpy_pickle.MAGIC
        + bytes([_olmpy_pickle.FORMAT, _olmpy_pickle.TYPES[kind], _olmpy_pickle.KDF_RAW])
        + nonce
    )
    return _b64.encode_public(header + ChaCha20Poly1305(key).encrypt(nonce, body, header))


def _olmpy_pickle_of(obj: _Picklable, kind: str, key: bytes, nonce: bytes) -> str:
    body = obj._olmpy_body() if isinstance(obj, InboundGroupSession) else obj._libolm_body()
    return _seal_olmpy(body, kind, key, nonce)


def pickles(
    *,
    objects: Sequence[PickleObject] = PICKLE_OBJECTS,
    formats: Sequence[PickleFormat] = PICKLE_FORMATS,
    ascii_keys: bool = False,
) -> SearchStrategy[Pickled]:
    """Pickles of drawn objects in each format; ``objects`` and ``formats`` narrow it.

    olmpy's own format takes a random nonce when olmpy writes it; here the nonce is
    drawn, so the pickle is reproducible and still loads with ``from_pickle``.
    ``ascii_keys`` draws keys python-olm can take as text (see ``pickle_keys``).
    """
    if type(ascii_keys) is not bool:
        raise UsageError("ascii_keys: " + expected("a bool", shown(ascii_keys)))
    wanted = _choices("objects", objects, PICKLE_OBJECTS)
    fmts = _choices("formats", formats, PICKLE_FORMATS)

    def source(name: str) -> SearchStrategy[_Picklable]:
        if name == "Account":
            return accounts(one_time_keys=2, fallback_key=True)
        if name == "Session":
            return st.builds(lambda p: p.outbound, session_pairs())
        if name == "GroupSession":
            return group_sessions()
        if name == "InboundGroupSession":
            return inbound_group_sessions()
        return st.builds(PkDecryption.from_key, _secret())

    @st.composite
    def build(draw: st.DrawFn) -> Pickled:
        name = draw(st.sampled_from(wanted))
        fmt = draw(st.sampled_from(fmts))
        obj = draw(source(name))
        key = draw(pickle_keys(ascii_only=ascii_keys))
        if fmt == "olmpy":
            text = _olmpy_pickle_of(obj, _KINDS[name], key, draw(_secret(12)))
        elif fmt == "libolm":
            text = obj.to_libolm_pickle(key)
        else:
            text = obj.to_vodozemac_pickle(key)
        return Pickled(name, fmt, key, text, obj)

    return build()


# --- wire messages --------------------------------------------------------------------------

MessageKind = Literal["olm_pre_key", "olm_normal", "megolm"]
MESSAGE_KINDS: tuple[MessageKind, ...] = get_args(MessageKind)


@dataclass(frozen=True, eq=False)
class WireMessage:
    """One message as it travels, with what receives it.

    ``body`` is the raw message (base64 it for an event).  ``receiver`` is, for a
    pre-key message, the receiving ``Account`` (the message opens a session; the sender's
    identity key is ``sender_key``); for a normal message, the receiving ``Session``;
    for Megolm, the ``InboundGroupSession``.  ``decrypt(message)`` delivers it.
    """

    kind: MessageKind
    body: bytes
    plaintext: bytes
    receiver: Account | Session | InboundGroupSession
    sender_key: Curve25519PublicKey | None
    index: int

    @property
    def message_type(self) -> int | None:
        """The Olm message type (0 pre-key, 1 normal); None for Megolm."""
        return {"olm_pre_key": 0, "olm_normal": 1}.get(self.kind)

    def to_base64(self, body: bytes | None = None) -> str:
        """``body`` (by default this message's) as unpadded base64."""
        return _b64.encode_public(self.body if body is None else body)


def decrypt(message: WireMessage, body: bytes | None = None) -> bytes:
    """Delivers ``body`` (by default ``message.body``) to ``message.receiver`` through
    olmpy and returns the plaintext; olmpy's error when it is refused.

    A pre-key message opens a session on the receiving account (which then forgets the
    one-time key); the receiving sessions advance as they would in a client."""
    if not isinstance(message, WireMessage):
        raise UsageError("message: " + expected("a WireMessage", type(message).__name__))
    raw = message.body if body is None else body
    if not isinstance(raw, bytes):
        raise UsageError("body: " + expected("bytes", type(raw).__name__))
    receiver = message.receiver
    if isinstance(receiver, InboundGroupSession):
        return receiver.decrypt(MegolmMessage.from_bytes(raw)).plaintext
    wire = AnyOlmMessage.from_parts(0 if message.kind == "olm_pre_key" else 1, raw)
    if isinstance(receiver, Account):
        assert message.sender_key is not None
        return receiver.create_inbound_session(message.sender_key, wire)[1]
    return receiver.decrypt(wire)


def wire_messages(
    *, kinds: Sequence[MessageKind] = MESSAGE_KINDS
) -> SearchStrategy[WireMessage]:
    """Valid messages of each kind in ``kinds``; a few earlier messages of the same
    chain are sometimes left undelivered, so the receiver has skipped keys to use."""
    wanted = _choices("kinds", kinds, MESSAGE_KINDS)

    @st.composite
    def build(draw: st.DrawFn) -> WireMessage:
        kind = draw(st.sampled_from(wanted))
        plaintext = draw(_plaintexts())
        if kind == "olm_pre_key":
            alice = draw(accounts(one_time_keys=0))
            bob = draw(accounts(one_time_keys=draw(st.integers(1, 3))))
            keys = list(bob.one_time_keys.values())
            otk = keys[draw(st.integers(0, len(keys) - 1))]
            outbound = alice.create_outbound_session(bob.curve25519_key, otk)
            for _ in range(draw(st.integers(0, 2))):
                outbound.encrypt(b"earlier")
            body = outbound.encrypt(plaintext).to_bytes()
            return WireMessage(kind, body, plaintext, bob, alice.curve25519_key, 0)
        if kind == "olm_normal":
            pair = draw(session_pairs())
            for _ in range(draw(st.integers(0, 3))):
                pair.inbound.encrypt(b"skipped")
            message = pair.inbound.encrypt(plaintext)
            assert message.message_type == 1
            return WireMessage(
                kind, message.to_bytes(), plaintext, pair.outbound, pair.bob.curve25519_key, 0
            )
        group = draw(group_session_pairs(allow_imported=False))
        for _ in range(draw(st.integers(0, 3))):
            group.outbound.encrypt(b"skipped")
        sent = group.outbound.encrypt(plaintext)
        return WireMessage(kind, sent.to_bytes(), plaintext, group.inbound, None, sent.index)

    return build()


MutationKind = Literal[
    "bit_flip", "truncation", "extension", "wrong_version", "wrong_key", "replay"
]
MUTATION_KINDS: tuple[MutationKind, ...] = get_args(MutationKind)


@dataclass(frozen=True, eq=False)
class Mutated:
    """``original`` damaged by ``kind`` into ``mutated`` (raw bytes for the same receiver).

    - ``bit_flip``: one bit flipped anywhere (in a pre-key message, the keys the
      receiving account checks included, but not the outer version byte, which libolm
      does not read);
    - ``truncation``: cut to a shorter, non-empty prefix;
    - ``extension``: bytes appended to the authenticated part (for a pre-key message,
      to its inner message, the outer length adjusted);
    - ``wrong_version``: the version byte (3) replaced by one other than 3 and 4 (for a
      pre-key message, in the outer and the inner message alike);
    - ``wrong_key``: authenticated under another key: a Megolm message validly signed by
      another Ed25519 key, an Olm message naming another ratchet key (normal) or base key
      (pre-key);
    - ``replay``: the same bytes again.  Deliver ``original`` first, then ``mutated``:
      Olm refuses the second delivery (its key is used up); Megolm decrypts it again,
      and ``olmpy.ReplayGuard`` flags it when it comes on another event.

    Every other kind is refused on first delivery by olmpy, libolm and vodozemac.
    """

    original: WireMessage
    mutated: bytes
    kind: MutationKind


def _olm_ratchet_key_swapped(body: bytes, key: bytes) -> bytes:
    # A normal message olmpy writes starts 03 0a 20 <ratchet key>.
    if body[:3] != b"\x03\x0a\x20":
        raise AssertionError("unexpected Olm message layout")
    return body[:3] + key + body[35:]


def _mutate(draw: st.DrawFn, original: WireMessage, kind: MutationKind) -> bytes:
    body = original.body
    pre = PreKeyMessage.from_bytes(body) if original.kind == "olm_pre_key" else None
    if pre is not None:
        inner = pre.message.to_bytes()
        rebuilt = PreKeyMessage._build(pre.one_time_key, pre.base_key, pre.identity_key, inner)
        assert rebuilt == body, "olmpy's pre-key layout changed"
    if kind == "bit_flip":
        # libolm ignores a pre-key message's outer version byte, so flips start after it
        first = 8 if pre is not None else 0
        bit = draw(st.integers(first, len(body) * 8 - 1))
        out = bytearray(body)
        out[bit // 8] ^= 1 << (bit % 8)
        return bytes(out)
    if kind == "truncation":
        return body[: draw(st.integers(1, len(body) - 1))]
    if kind == "extension":
        extra = draw(st.binary(min_size=1, max_size=32))
        if pre is not None:
            return PreKeyMessage._build(
                pre.one_time_key, pre.base_key, pre.identity_key, inner + extra
            )
        return body + extra
    if kind == "wrong_version":
        version = draw(st.integers(0, 255).filter(lambda v: v not in (3, 4)))
        if pre is not None:  # the inner message too: libolm reads only that one
            inner = bytes([version]) + inner[1:]
            body = PreKeyMessage._build(pre.one_time_key, pre.base_key, pre.identity_key, inner)
        return bytes([version]) + body[1:]
    if kind == "wrong_key":
        if original.kind == "megolm":
            receiver = original.receiver
            assert isinstance(receiver, InboundGroupSession)
            signer = receiver.signing_key.to_bytes()
            seed = draw(
                _secret().filter(lambda s: _hazmat.ed25519_public_from_seed(s) != signer)
            )
            signed = body[:-64]
            return signed + _hazmat.ed25519_sign(seed, signed)
        own = pre.base_key if pre is not None else body[3:35]
        other = _hazmat.x25519_public(
            draw(_secret().filter(lambda s: _hazmat.x25519_public(s) != own))
        )
        if pre is not None:
            return PreKeyMessage._build(pre.one_time_key, other, pre.identity_key, inner)
        return _olm_ratchet_key_swapped(body, other)
    return body  # replay


def mutated_messages(
    *,
    kinds: Sequence[MutationKind] = MUTATION_KINDS,
    message_kinds: Sequence[MessageKind] = MESSAGE_KINDS,
) -> SearchStrategy[Mutated]:
    """Valid messages (``message_kinds``) damaged by one of ``kinds``; read
    ``Mutated.kind`` to assert per class."""
    wanted = _choices("kinds", kinds, MUTATION_KINDS)
    messages = wire_messages(kinds=message_kinds)

    @st.composite
    def build(draw: st.DrawFn) -> Mutated:
        kind = draw(st.sampled_from(wanted))
        original = draw(messages)
        mutated = _mutate(draw, original, kind)
        if kind != "replay":
            assert mutated != original.body
        return Mutated(original, mutated, kind)

    return build()


# --- signed keys ----------------------------------------------------------------------------

KeyDefect = Literal["bad_signature", "wrong_user", "missing_key", "non_canonical_json"]
KEY_DEFECTS: tuple[KeyDefect, ...] = get_args(KeyDefect)
SignedKind = Literal["device_keys", "one_time_key", "fallback_key"]
SIGNED_KINDS: tuple[SignedKind, ...] = get_args(SignedKind)


@dataclass(frozen=True, eq=False)
class SignedKeys:
    """A signed key object of ``kind``, valid or with one ``defect``.

    Check it as ``user_id``'s device ``device_id`` whose Ed25519 key is ``ed25519_key``;
    the signature is under ``signatures[user_id]["ed25519:" + device_id]``.  For one-time
    and fallback keys ``key_id`` is the ``signed_curve25519:<id>`` name it is listed under.

    Defects: ``bad_signature`` (one bit of the signature flipped); ``wrong_user`` (the
    object names, and is signed as, another user); ``missing_key`` (the device's Ed25519
    key, or a one-time key's ``key``, left out, then signed); ``non_canonical_json``
    (signed over a JSON text that is not the canonical one, ``signed_text``).
    """

    kind: SignedKind
    obj: dict[str, Any]
    user_id: str
    device_id: str
    key_id: str | None
    ed25519_key: Ed25519PublicKey
    defect: KeyDefect | None
    signed_text: bytes


class _FixedSigner:
    """A signer that signs chosen bytes in place of the payload (to sign non-canonical
    text the way a buggy client would)."""

    def __init__(self, account: Account, text: bytes) -> None:
        self._account, self._text = account, text

    def sign(self, message: bytes) -> Ed25519Signature:
        del message
        return self._account.sign(self._text)


def _non_canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(", ", ": "), ensure_ascii=True).encode("utf-8")


def _flip_signature(obj: dict[str, Any], user_id: str, key_id: str, bit: int) -> dict[str, Any]:
    raw = bytearray(_b64.decode_public(obj["signatures"][user_id][key_id], "signature"))
    raw[bit // 8] ^= 1 << (bit % 8)
    out = dict(obj)
    out["signatures"] = {user_id: {key_id: _b64.encode_public(bytes(raw))}}
    return out


def _unsigned(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}


def _check_defects(defects: object) -> tuple[KeyDefect | None, ...]:
    """The ``defects`` argument of the key strategies, checked: a non-empty tuple or list
    of None and ``KEY_DEFECTS`` members."""
    if isinstance(defects, str) or not isinstance(defects, (tuple, list)) or not defects:
        raise UsageError("defects: " + expected("a non-empty tuple", shown(defects)))
    for d in defects:
        if d is not None and d not in KEY_DEFECTS:
            raise UsageError("defects: " + expected(f"None or one of {KEY_DEFECTS}", repr(d)))
    return tuple(defects)


def signed_keys(
    *,
    kinds: Sequence[SignedKind] = SIGNED_KINDS,
    defects: Sequence[KeyDefect | None] = (None, *KEY_DEFECTS),
) -> SearchStrategy[SignedKeys]:
    """Signed device keys, one-time keys and fallback keys (``kinds``), each valid
    (defect None) or with one defect out of ``defects``."""
    wanted = _choices("kinds", kinds, SIGNED_KINDS)
    chosen_defects = _check_defects(defects)

    @st.composite
    def build(draw: st.DrawFn) -> SignedKeys:
        kind = draw(st.sampled_from(wanted))
        defect = draw(st.sampled_from(chosen_defects))
        account = draw(accounts(one_time_keys=1, fallback_key=True))
        user_id, device_id = draw(user_ids()), draw(device_ids())
        signer_user = user_id
        if defect == "wrong_user":
            signer_user = draw(user_ids().filter(lambda u: u != user_id))
        sig_id = f"ed25519:{device_id}"
        key_id: str | None = None
        if kind == "device_keys":
            obj: dict[str, Any] = dict(device_keys(account, signer_user, device_id))
        else:
            make = signed_one_time_keys if kind == "one_time_key" else signed_fallback_keys
            ((key_id, value),) = make(account, signer_user, device_id).items()
            obj = dict(value)
        if defect == "missing_key":
            body = _unsigned(obj)
            if kind == "device_keys":
                body["keys"] = {k: v for k, v in body["keys"].items() if k != sig_id}
            else:
                del body["key"]
            obj = sign_json(body, signer_user, sig_id, account)
        text = signing_payload(obj)
        if defect == "non_canonical_json":
            text = _non_canonical(_unsigned(obj))
            obj = sign_json(_unsigned(obj), signer_user, sig_id, _FixedSigner(account, text))
        if defect == "bad_signature":
            obj = _flip_signature(obj, user_id, sig_id, draw(st.integers(0, 511)))
        return SignedKeys(
            kind, obj, user_id, device_id, key_id, account.ed25519_key, defect, text
        )

    return build()


CrossSigningUsage = Literal["self_signing", "user_signing"]


@dataclass(frozen=True, eq=False)
class CrossSigningBundle:
    """A user's three cross-signing key objects: ``master_key`` (unsigned), and
    ``self_signing_key`` and ``user_signing_key``, each signed by the master key.

    With a ``defect``, the key object named by ``defective`` carries it (see
    ``SignedKeys`` for the defects; ``missing_key`` empties its ``keys``);
    ``olmpy.device_keys.verify_signed_by_master`` refuses it.  ``seeds`` are the three
    32-byte private seeds (master, self-signing, user-signing)."""

    user_id: str
    master_key: dict[str, Any]
    self_signing_key: dict[str, Any]
    user_signing_key: dict[str, Any]
    master_public: Ed25519PublicKey
    seeds: tuple[bytes, bytes, bytes]
    defect: KeyDefect | None
    defective: CrossSigningUsage | None


def cross_signing_bundles(
    *, defects: Sequence[KeyDefect | None] = (None, *KEY_DEFECTS)
) -> SearchStrategy[CrossSigningBundle]:
    """Cross-signing bundles, valid or with one defect in one signed key."""
    chosen_defects = _check_defects(defects)

    @st.composite
    def build(draw: st.DrawFn) -> CrossSigningBundle:
        user_id = draw(user_ids())
        seeds = (draw(_secret()), draw(_secret()), draw(_secret()))
        master, ssk, usk = (PkSigning(s) for s in seeds)
        master_id = cross_signing_key_id(master)
        objects: dict[CrossSigningUsage, dict[str, Any]] = {}
        pairs: tuple[tuple[CrossSigningUsage, PkSigning], ...] = (
            ("self_signing", ssk),
            ("user_signing", usk),
        )
        for usage, key in pairs:
            objects[usage] = dict(
                sign_json(cross_signing_key(user_id, usage, key), user_id, master_id, master)
            )
        defect = draw(st.sampled_from(chosen_defects))
        defective: CrossSigningUsage | None = None
        if defect is not None:
            usages: tuple[CrossSigningUsage, ...] = ("self_signing", "user_signing")
            target = draw(st.sampled_from(usages))
            defective = target
            body = _unsigned(objects[target])
            if defect == "wrong_user":
                other = draw(user_ids().filter(lambda u: u != user_id))
                body["user_id"] = other
                objects[target] = dict(sign_json(body, other, master_id, master))
            elif defect == "missing_key":
                body["keys"] = {}
                objects[target] = dict(sign_json(body, user_id, master_id, master))
            elif defect == "non_canonical_json":
                text = _non_canonical(body)

                class _Signer:
                    def sign(self, message: bytes) -> Ed25519Signature:
                        return master.sign(text)

                objects[target] = dict(sign_json(body, user_id, master_id, _Signer()))
            else:
                bit = draw(st.integers(0, 511))
                objects[target] = _flip_signature(objects[target], user_id, master_id, bit)
        return CrossSigningBundle(
            user_id,
            dict(cross_signing_key(user_id, "master", master)),
            objects["self_signing"],
            objects["user_signing"],
            master.public_key,
            seeds,
            defect,
            defective,
        )

    return build()


# --- key backup and SAS ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BackupEntry:
    """One ``m.megolm_backup.v1.curve25519-aes-sha2`` entry: ``key_backup_data`` (the
    body PUT to ``/room_keys/keys/...``; its ``session_data`` is the encrypted part) for
    ``session_id``, under the backup key whose 32-byte private key is
    ``decryption_key`` and public key ``public_key``.  ``session`` is the backed-up
    inbound session; ``sender_key`` and ``sender_claimed_keys`` what the entry states."""

    decryption_key: bytes
    public_key: Curve25519PublicKey
    session_id: str
    session: InboundGroupSession
    sender_key: Curve25519PublicKey
    sender_claimed_keys: dict[str, str]
    key_backup_data: KeyBackupData


def backup_entries() -> SearchStrategy[BackupEntry]:
    """Key backup entries for drawn sessions under a drawn backup key; the PK ephemeral
    key comes from a drawn ``SeededRng``."""

    def build(
        secret: bytes, session: InboundGroupSession, sender: Account, rng: SeededRng, ver: bool
    ) -> BackupEntry:
        decryption = PkDecryption.from_key(secret)
        claimed = {"ed25519": sender.ed25519_key.to_base64()}
        data = key_backup_data(
            pk_encryption(decryption.public_key, rng=rng),
            session,
            sender_key=sender.curve25519_key,
            sender_claimed_keys=claimed,
            is_verified=ver,
        )
        return BackupEntry(
            secret,
            decryption.public_key,
            session.session_id,
            session,
            sender.curve25519_key,
            claimed,
            data,
        )

    return st.builds(
        build,
        _secret(),
        inbound_group_sessions(),
        accounts(one_time_keys=0),
        seeded_rngs(),
        st.booleans(),
    )


@dataclass(frozen=True, eq=False)
class SasExchange:
    """Both sides of one SAS verification, carried through to the MACs.

    ``alice`` started (``m.key.verification.start``), ``bob`` accepted.  Each side's
    ``EstablishedSas`` came from its drawn X25519 secret (``secrets``) and the other's
    public key; ``info`` is the HKDF info both use for the short string, and
    ``alice_bytes``/``bob_bytes`` what each shows (equal).  ``alice_mac`` is Alice's MAC
    of her Ed25519 key ``alice_key`` (key id ``alice_key_id``) under ``alice_mac_info``,
    as Bob checks it; likewise for Bob.
    """

    alice_user: str
    alice_device: str
    bob_user: str
    bob_device: str
    transaction_id: str
    secrets: tuple[bytes, bytes]
    alice: EstablishedSas
    bob: EstablishedSas
    info: str
    alice_bytes: SasBytes
    bob_bytes: SasBytes
    alice_key: str
    alice_key_id: str
    alice_mac_info: str
    alice_mac: str
    bob_key: str
    bob_key_id: str
    bob_mac_info: str
    bob_mac: str


def sas_exchanges() -> SearchStrategy[SasExchange]:
    """SAS verifications between two drawn devices, through to both MACs."""

    @st.composite
    def build(draw: st.DrawFn) -> SasExchange:
        a_user, b_user = draw(user_ids()), draw(user_ids())
        a_dev, b_dev = draw(device_ids()), draw(device_ids())
        txn = draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=16))
        a_secret = draw(_secret())
        b_secret = draw(_secret().filter(lambda b: b != a_secret))
        a_sas, b_sas = sas_from_secret(a_secret), sas_from_secret(b_secret)
        a_pub, b_pub = a_sas.public_key, b_sas.public_key
        alice, bob = a_sas.diffie_hellman(b_pub), b_sas.diffie_hellman(a_pub)
        info = sas_info(
            start_user_id=a_user,
            start_device_id=a_dev,
            start_public_key=a_pub,
            accept_user_id=b_user,
            accept_device_id=b_dev,
            accept_public_key=b_pub,
            transaction_id=txn,
        )
        a_key = _hazmat.ed25519_public_from_seed(draw(_secret()))
        b_key = _hazmat.ed25519_public_from_seed(draw(_secret()))
        a_key_b64, b_key_b64 = _b64.encode_public(a_key), _b64.encode_public(b_key)
        a_key_id, b_key_id = f"ed25519:{a_dev}", f"ed25519:{b_dev}"
        a_info = mac_info(
            sender_user_id=a_user,
            sender_device_id=a_dev,
            receiver_user_id=b_user,
            receiver_device_id=b_dev,
            transaction_id=txn,
            key_id=a_key_id,
        )
        b_info = mac_info(
            sender_user_id=b_user,
            sender_device_id=b_dev,
            receiver_user_id=a_user,
            receiver_device_id=a_dev,
            transaction_id=txn,
            key_id=b_key_id,
        )
        return SasExchange(
            a_user, a_dev, b_user, b_dev, txn, (a_secret, b_secret), alice, bob, info,
            alice.bytes(info), bob.bytes(info),
            a_key_b64, a_key_id, a_info, alice.calculate_mac(a_key_b64, a_info),
            b_key_b64, b_key_id, b_info, bob.calculate_mac(b_key_b64, b_info),
        )  # fmt: skip

    return build()


# --- conversation schedules ------------------------------------------------------------------

Party = Literal["alice", "bob"]
Protocol = Literal["olm", "megolm"]
OutcomeKind = Literal["ok", "missing_key", "gap", "replay", "unknown_index", "error"]


@dataclass(frozen=True)
class Send:
    """``sender`` encrypts ``count`` messages (numbered on from the previous sends)."""

    sender: Party
    count: int = 1


@dataclass(frozen=True)
class Deliver:
    """Message number ``message`` reaches the other side, as a new event."""

    message: int


@dataclass(frozen=True)
class Schedule:
    """A conversation as plain data: sends and deliveries in time order.

    Messages are numbered 0, 1, ... in send order.  A message never delivered was
    dropped; one delivered twice was duplicated (the second delivery is a new event, so
    for Megolm a replay); a delivery after later messages is reordered or delayed.  For
    Megolm every sender is "alice" and "bob" only receives.
    """

    protocol: Protocol
    events: tuple[Send | Deliver, ...]

    @property
    def message_count(self) -> int:
        return sum(e.count for e in self.events if isinstance(e, Send))


@dataclass(frozen=True)
class Outcome:
    """What one delivery came to: the message, the event id it came on, and ``result``:
    ``ok`` (decrypted to what was sent), ``missing_key`` (Olm: its key was used or
    dropped, e.g. beyond the MAX_SKIPPED_KEYS kept), ``gap`` (Olm: further ahead than
    MAX_MESSAGE_GAP), ``replay`` (Megolm: index already seen on another event),
    ``unknown_index`` (Megolm: before the receiver's first known index) or ``error``
    (anything else; ``error`` holds the text)."""

    message: int
    event_id: str
    result: OutcomeKind
    error: str | None = None


def schedules(
    protocol: Protocol = "olm", *, max_events: int = 12, beyond_limits: bool = False
) -> SearchStrategy[Schedule]:
    """Schedules of up to ``max_events`` sends and deliveries.  With ``beyond_limits``
    some sends are bursts of ``MAX_SKIPPED_KEYS + 1`` or ``MAX_MESSAGE_GAP + 1``
    messages, so later deliveries run past the Olm limits (olmpy.olm.session)."""
    if protocol not in ("olm", "megolm"):
        raise UsageError("protocol: " + expected("'olm' or 'megolm'", shown(protocol)))
    _count("max_events", max_events, 1, 10_000)
    if type(beyond_limits) is not bool:
        raise UsageError("beyond_limits: " + expected("a bool", shown(beyond_limits)))
    senders: SearchStrategy[Party] = (
        st.sampled_from(("alice", "bob")) if protocol == "olm" else st.just("alice")
    )
    counts = (
        st.sampled_from((1, 1, MAX_SKIPPED_KEYS + 1, MAX_MESSAGE_GAP + 1))
        if beyond_limits
        else st.just(1)
    )

    @st.composite
    def build(draw: st.DrawFn) -> Schedule:
        events: list[Send | Deliver] = []
        sent = 0
        for _ in range(draw(st.integers(1, max_events))):
            if sent and draw(st.booleans()):
                events.append(Deliver(draw(st.integers(0, sent - 1))))
            else:
                event = Send(draw(senders), draw(counts))
                sent += event.count
                events.append(event)
        return Schedule(protocol, tuple(events))

    return build()


Observer = Callable[[Session | InboundGroupSession, AnyOlmMessage | MegolmMessage, str], None]


def play(
    schedule: Schedule,
    pair: SessionPair | GroupSessionPair,
    *,
    observer: Observer | None = None,
) -> tuple[Outcome, ...]:
    """Runs ``schedule`` through ``pair`` (a ``SessionPair`` for Olm, a
    ``GroupSessionPair`` for Megolm) and returns one ``Outcome`` per delivery.

    Plaintexts are ``b"message <n>"``.  ``observer(receiver, message, event_id)`` is
    called before each delivery, with the receiving session as it is then (to hand the
    same state and message to another library).  Megolm deliveries go through one
    ``ReplayGuard``; event ids are ``$<delivery number>``.
    """
    if not isinstance(schedule, Schedule):
        raise UsageError("schedule: " + expected("a Schedule", type(schedule).__name__))
    want = SessionPair if schedule.protocol == "olm" else GroupSessionPair
    if not isinstance(pair, want):
        raise UsageError(
            f"pair for a {schedule.protocol} schedule: "
            + expected(want.__name__, type(pair).__name__)
        )
    sent: list[tuple[Party, AnyOlmMessage | MegolmMessage]] = []
    guard = ReplayGuard()
    outcomes: list[Outcome] = []
    for event in schedule.events:
        if isinstance(event, Send):
            for _ in range(event.count):
                text = f"message {len(sent)}".encode()
                if isinstance(pair, SessionPair):
                    side = pair.outbound if event.sender == "alice" else pair.inbound
                    sent.append((event.sender, side.encrypt(text)))
                else:
                    sent.append((event.sender, pair.outbound.encrypt(text)))
            continue
        if not 0 <= event.message < len(sent):
            raise UsageError(
                "Deliver.message: " + expected(f"a message sent before (0..{len(sent) - 1})",
                                               shown(event.message))
            )
        sender, message = sent[event.message]
        event_id = f"${len(outcomes)}"
        want_text = f"message {event.message}".encode()
        receiver: Session | InboundGroupSession
        if isinstance(pair, SessionPair):
            receiver = pair.inbound if sender == "alice" else pair.outbound
        else:
            receiver = pair.inbound
        if observer is not None:
            observer(receiver, message, event_id)
        result: OutcomeKind = "ok"
        error: str | None = None
        try:
            if isinstance(receiver, Session):
                assert isinstance(message, AnyOlmMessage)
                got = receiver.decrypt(message)
            else:
                assert isinstance(message, MegolmMessage)
                got = guard.decrypt(receiver, message, event_id).plaintext
            if got != want_text:
                result, error = "error", f"decrypted to {got!r}, sent {want_text!r}"
        except UnknownMessageIndexError as err:
            result = "missing_key" if isinstance(receiver, Session) else "unknown_index"
            error = str(err)
        except MessageGapError as err:
            result, error = "gap", str(err)
        except ReplayError as err:
            result, error = "replay", str(err)
        except (DecryptionError, OlmpyError) as err:
            result, error = "error", f"{type(err).__name__}: {err}"
        outcomes.append(Outcome(event.message, event_id, result, error))
    return tuple(outcomes)


"""Strategies for ``olmpy.testing.strategies``: identifiers, accounts and Olm session pairs,
Megolm sessions and session keys, and pickles of all of them; with the argument checks and
small draws the other strategy modules share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar, get_args

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from olmpy import _b64
from olmpy.errors import UsageError, expected, shown
from olmpy.megolm.group_session import GroupSession
from olmpy.megolm.inbound_group_session import InboundGroupSession
from olmpy.megolm.session_keys import ExportedSessionKey, SessionKey
from olmpy.olm.account import Account
from olmpy.olm.session import Session
from olmpy.pickle import _native as _olmpy_pickle
from olmpy.pk import PkDecryption
from olmpy.testing import account_from_parts, group_session_from_parts
from olmpy.testing._seeded import GroupSessionPair, SeededRng, SessionPair, make_session_pair

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

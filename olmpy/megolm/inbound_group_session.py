"""The receiving side of Megolm.

Theory of operation: an InboundGroupSession keeps two ratchets, the initial
one (the earliest index it can decrypt, which it never moves on its own) and
the latest one (the furthest index decrypted so far, kept so that in-order
traffic costs one ratchet step per message).  A message at index i is
decrypted from the latest ratchet when i >= latest, otherwise from a copy of
the initial ratchet advanced to i.  Decrypt checks, in order: version and
structure, the Ed25519 signature, the MAC; only then AES runs, and only then
the latest ratchet moves.  A failed decrypt changes nothing.

Trust: ``created_from_signed_key`` (formerly ``is_verified``) is set only by a signed
session key (``InboundGroupSession(key)``) and never by a decrypt.  A message's signature
proves only that the holder of the session's Ed25519 key sent it, and whoever made an
exported key holds that key; so an imported session (forwarded, restored from a backup,
read from an export file) stays unsigned however many messages decrypt.  Who the signing
device is comes from the Olm message the key arrived in, not from this flag.  See SPEC.md
section 6.
"""

from __future__ import annotations

import enum
import hmac
import warnings
from typing import NamedTuple, overload

from olmpy import _b64, _backend
from olmpy._nocopy import refuse_pickle
from olmpy.errors import PickleError, UsageError, brief, expected, shown
from olmpy.keys import Ed25519PublicKey
from olmpy.megolm.message import MegolmMessage
from olmpy.megolm.session_keys import EXPORT_VERSION, ExportedSessionKey, SessionKey
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _native as native_pickle
from olmpy.pickle import _vodozemac as vodozemac
from olmpy.pickle._keys import deprecated


class DecryptedMessage(NamedTuple):
    """A decrypted Megolm message: its plaintext and ratchet index.

    A tuple ``(plaintext, message_index)``; its repr shows the plaintext's length only, so
    logging a result never writes the message into a log.
    """

    plaintext: bytes
    message_index: int

    def __repr__(self) -> str:
        return (
            f"DecryptedMessage(plaintext=<{len(self.plaintext)} bytes>, "
            f"message_index={self.message_index})"
        )


class SessionSource(enum.Enum):
    """Where an inbound session's key came from (SPEC.md section 6).

    Only ROOM_KEY sessions start ``created_from_signed_key``; the others carry an unsigned
    exported key.  UNKNOWN marks sessions loaded from a libolm or vodozemac pickle, which do not
    record it.
    """

    ROOM_KEY = "room_key"
    """A signed session key, as sent in ``m.room_key`` (``InboundGroupSession(key)``)."""
    FORWARDED = "forwarded"
    """An exported key another device sent (``m.forwarded_room_key``)."""
    BACKUP = "backup"
    """An exported key restored from server-side key backup (``olmpy.backup``)."""
    EXPORT_FILE = "export_file"
    """An exported key read from a key export file (``olmpy.key_export``)."""
    UNKNOWN = "unknown"
    """Not recorded: a session from a peer's pickle format, or a caller that cannot say."""


_IMPORT_SOURCES = (
    SessionSource.FORWARDED,
    SessionSource.BACKUP,
    SessionSource.EXPORT_FILE,
    SessionSource.UNKNOWN,
)

# olmpy's pickle: the libolm body, then this extension (SPEC.md section 12):
# version (1) | source code | verified flag (vodozemac's meaning: a signed key vouched).
_EXTENSION_VERSION = 1
_SOURCE_CODES = {
    SessionSource.UNKNOWN: 0,
    SessionSource.ROOM_KEY: 1,
    SessionSource.FORWARDED: 2,
    SessionSource.BACKUP: 3,
    SessionSource.EXPORT_FILE: 4,
}
_SOURCES = {code: source for source, code in _SOURCE_CODES.items()}


class SessionOrdering(enum.Enum):
    """How two copies of one Megolm session compare (as in vodozemac's Rust API)."""

    EQUAL = "equal"
    BETTER = "better"
    WORSE = "worse"
    UNCONNECTED = "unconnected"


def _counter(raw: bytes) -> int:
    return int.from_bytes(raw[128:132], "big")


def _ahead(index: int, base: int) -> int:
    """How far ``index`` lies ahead of ``base`` modulo 2**32, or -1 if it lies behind.

    Megolm indexes compare over half the u32 range, libolm's rule, so that a
    session follows its sender across the wrap (vodozemac compares plain u32
    values; the two differ only for sessions past 2**31 messages).
    """
    d = (index - base) & 0xFFFFFFFF
    return d if d < 0x80000000 else -1


class InboundGroupSession:
    """An inbound Megolm session, created from a signed or an exported session key."""

    __slots__ = (
        "__weakref__",
        "_b",
        "_initial",
        "_latest",
        "_libolm_flag",
        "_owner",
        "_public",
        "_source",
        "_verified",
    )

    __reduce__ = refuse_pickle(".pickle(pickle_key) and .from_pickle()")

    def __init__(self, session_key: SessionKey | str) -> None:
        if isinstance(session_key, str):
            session_key = SessionKey(session_key)
        elif not isinstance(session_key, SessionKey):
            raise UsageError(
                "session key: " + expected("SessionKey or str", type(session_key).__name__)
            )
        self._setup(session_key.to_bytes(), True, SessionSource.ROOM_KEY)

    def _setup(self, raw: bytes, verified: bool, source: SessionSource) -> None:
        b = _backend.impl
        self._b = b
        state = raw[5:133] + raw[1:5]
        self._owner, self._initial, self._latest = b.secret_state_pair(state, state)
        self._public = raw[133:165]
        self._verified = verified
        self._source = source
        self._libolm_flag = False

    @classmethod
    def import_session(
        cls,
        session_key: ExportedSessionKey | str,
        *,
        source: SessionSource = SessionSource.FORWARDED,
    ) -> InboundGroupSession:
        """Creates a session from an exported (unsigned) key; ``created_from_signed_key``
        is False, and stays so.

        ``source`` records where the key came from: FORWARDED (the default, the usual use
        of an import, as in vodozemac), BACKUP, EXPORT_FILE or UNKNOWN.  ROOM_KEY is
        refused: an exported key carries no signature.  ``olmpy.backup`` and
        ``olmpy.key_export`` pass their own source.
        """
        if isinstance(session_key, str):
            session_key = ExportedSessionKey(session_key)
        elif not isinstance(session_key, ExportedSessionKey):
            raise UsageError(
                "exported session key: "
                + expected("ExportedSessionKey or str", type(session_key).__name__)
            )
        if not isinstance(source, SessionSource) or source not in _IMPORT_SOURCES:
            raise UsageError(
                "source of an exported key: "
                + expected(
                    "a SessionSource other than ROOM_KEY (an exported key is unsigned)",
                    str(source) if isinstance(source, SessionSource) else brief(source),
                )
            )
        self = cls.__new__(cls)
        self._setup(session_key.to_bytes(), False, source)
        return self

    @classmethod
    def _from_states(
        cls,
        initial: bytes,
        latest: bytes,
        public: bytes,
        verified: bool,
        source: SessionSource = SessionSource.UNKNOWN,
        libolm_flag: bool = False,
    ) -> InboundGroupSession:
        """Builds a session from raw 132-byte states (pickle import, merge).

        ``libolm_flag`` is a libolm-format verified flag read but not trusted; it is only
        written back to libolm pickles, so they round-trip byte for byte.
        """
        self = cls.__new__(cls)
        b = _backend.impl
        self._b = b
        self._owner, self._initial, self._latest = b.secret_state_pair(initial, latest)
        self._public = public
        self._verified = verified
        self._source = source
        self._libolm_flag = libolm_flag
        return self

    @property
    def session_id(self) -> str:
        """The session id: base64 of the sender's Ed25519 key."""
        return _b64.encode_public(self._public)

    @property
    def signing_key(self) -> Ed25519PublicKey:
        """The sender's Ed25519 key, which signs every message."""
        return Ed25519PublicKey(self._public)

    @property
    def first_known_index(self) -> int:
        """The lowest index this session can decrypt."""
        return _counter(self._b.read_secret(self._initial))

    @property
    def source(self) -> SessionSource:
        """Where the session's key came from (a ROOM_KEY, FORWARDED, ... SessionSource)."""
        return self._source

    @property
    def created_from_signed_key(self) -> bool:
        """True when the session was created from a signed session key (the 229-byte
        ``SessionKey`` of an ``m.room_key``), whose signature by the session's own Ed25519
        key verified.

        It says the key came from the holder of the session's signing key, the device that
        created the session, rather than from an unsigned export that anyone holding (or
        inventing) a ratchet could write.  It does not say who that device is: that comes
        from the Olm message the key arrived in (``check_olm_payload``) and from verifying
        that device.  Only ``InboundGroupSession(session_key)``, or a merge with such a
        session, makes it true; a decrypt never does (as in vodozemac, unlike libolm).
        SPEC.md section 6.
        """
        return self._verified

    @property
    def is_verified(self) -> bool:
        """Deprecated alias of ``created_from_signed_key`` (since 0.2.0, removed in 0.3.0).

        The old name claimed more than the flag means: it never said that the sender was
        authenticated or verified.
        """
        warnings.warn(
            "InboundGroupSession.is_verified is deprecated; use created_from_signed_key (it "
            "says only that the session came from a signed m.room_key session key, not that "
            "the sender is verified)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._verified

    def decrypt(self, message: MegolmMessage | str) -> DecryptedMessage:
        """Verifies and decrypts a message; raises a DecryptionError or DecodeError on failure."""
        if isinstance(message, MegolmMessage):
            raw = message._bytes
        elif isinstance(message, str):
            raw = _b64.decode_public(message, "Megolm message")
        else:
            raise UsageError("message: " + expected("MegolmMessage or str", type(message).__name__))
        latest = self._latest
        plaintext, index = self._b.megolm_decrypt(self._initial, latest, self._public, raw, True)
        return DecryptedMessage(plaintext, index)

    def export_at(self, index: int) -> ExportedSessionKey | None:
        """The exported key at ``index``, or None if ``index`` is below the first known one.

        Any index at or after the first known one exports, however far ahead (as in
        vodozemac); an index below it exports only when libolm would reach it by following
        the sender across the u32 wrap (less than 2**31 ahead modulo 2**32).
        """
        if not isinstance(index, int) or not 0 <= index <= 0xFFFFFFFF:
            raise UsageError("Megolm index: " + expected("an int in 0..2**32-1", shown(index)))
        initial: bytes = self._b.read_secret(self._initial)
        first = _counter(initial)
        if index == first:  # the key as held: no ratchet work
            raw = initial
        elif index < first and _ahead(index, first) < 0:
            return None
        else:
            work = self._b.secret_buffer(initial)
            try:
                self._b.megolm_advance_to(work, index)
                raw = self._b.read_secret(work)
            finally:
                self._b.wipe(work)
        key: ExportedSessionKey = ExportedSessionKey._trusted(
            bytes([EXPORT_VERSION]) + raw[128:132] + raw[:128] + self._public
        )
        return key

    def export_at_first_known_index(self) -> ExportedSessionKey:
        """The exported key at the first known index (the most this session can share)."""
        key = self.export_at(self.first_known_index)
        assert key is not None
        return key

    def advance_to(self, index: int) -> bool:
        """Forgets every key before ``index`` for good; returns False if none were known."""
        if not isinstance(index, int) or not 0 <= index <= 0xFFFFFFFF:
            raise UsageError("Megolm index: " + expected("an int in 0..2**32-1", shown(index)))
        b = self._b
        if _ahead(index, self.first_known_index) <= 0:
            return False
        b.megolm_advance_to(self._initial, index)
        if _ahead(index, _counter(b.read_secret(self._latest))) > 0:
            b.megolm_advance_to(self._latest, index)
        return True

    def _connected(self, other: InboundGroupSession) -> bool:
        """Whether both copies share one ratchet (compared at the higher first index)."""
        mine: bytes = self._b.read_secret(self._initial)
        theirs: bytes = other._b.read_secret(other._initial)
        behind = _ahead(_counter(theirs), _counter(mine)) >= 0
        lower, higher = (mine, theirs) if behind else (theirs, mine)
        work = self._b.secret_buffer(lower)
        try:
            self._b.megolm_advance_to(work, _counter(higher))
            return hmac.compare_digest(self._b.read_secret(work), higher)
        finally:
            self._b.wipe(work)

    def compare(self, other: InboundGroupSession) -> SessionOrdering:
        """Compares two copies of a session: BETTER means ``self`` can decrypt more or, at
        the same first index, is ``created_from_signed_key`` while ``other`` is not
        (vodozemac calls that EQUAL)."""
        if not isinstance(other, InboundGroupSession):
            raise UsageError(
                "other session: " + expected("an InboundGroupSession", type(other).__name__)
            )
        if self._public != other._public or not self._connected(other):
            return SessionOrdering.UNCONNECTED
        a, b = self.first_known_index, other.first_known_index
        if a != b:
            return SessionOrdering.BETTER if _ahead(b, a) > 0 else SessionOrdering.WORSE
        if self._verified != other._verified:
            return SessionOrdering.BETTER if self._verified else SessionOrdering.WORSE
        return SessionOrdering.EQUAL

    def merge(self, other: InboundGroupSession) -> InboundGroupSession | None:
        """A copy with the lower first index, ``created_from_signed_key`` if either copy
        is, or None when the two are not copies of one session (as vodozemac's ``merge``).
        Its ``source`` is that of the copy whose ratchet it keeps (``compare``'s BETTER
        one, else ``self``)."""
        order = self.compare(other)
        if order is SessionOrdering.UNCONNECTED:
            return None
        best = other if order is SessionOrdering.WORSE else self
        worst = self if best is other else other
        latest_best: bytes = best._b.read_secret(best._latest)
        latest_worst: bytes = worst._b.read_secret(worst._latest)
        ahead = _ahead(_counter(latest_worst), _counter(latest_best)) > 0
        latest = latest_worst if ahead else latest_best
        return InboundGroupSession._from_states(
            best._b.read_secret(best._initial),
            latest,
            self._public,
            self._verified or other._verified,
            best._source,
            self._libolm_flag or other._libolm_flag,
        )

    def _libolm_body(self) -> bytes:
        """The raw (unsealed) libolm pickle body.

        Its flag is libolm's: set when the session came from a signed key, or when a libolm
        pickle this session was loaded from had it set (kept for byte-identical round trips).
        """
        raw = (
            libolm.u32(2)
            + self._b.read_secret(self._initial)
            + self._b.read_secret(self._latest)
            + self._public
            + bytes([1 if self._verified or self._libolm_flag else 0])
        )
        return bytes(raw)

    def _olmpy_body(self) -> bytes:
        """The libolm body and olmpy's extension: ``source`` and ``created_from_signed_key``."""
        extension = bytes(
            [_EXTENSION_VERSION, _SOURCE_CODES[self._source], 1 if self._verified else 0]
        )
        return self._libolm_body() + extension

    @overload
    def pickle(self, pickle_key: bytes) -> str: ...
    @overload
    @deprecated("a str is a passphrase: use pickle_with_passphrase")
    def pickle(self, pickle_key: str) -> str: ...
    def pickle(self, pickle_key: bytes | str) -> str:
        """olmpy's authenticated pickle under a 32-byte key (SPEC.md section 12).

        It keeps ``source`` and ``created_from_signed_key``.

        A str is deprecated here: it is taken as a passphrase, as ``pickle_with_passphrase``
        takes it, with a DeprecationWarning.
        """
        return native_pickle.seal(self._olmpy_body(), "inbound_group_session", pickle_key)

    def pickle_with_passphrase(self, passphrase: str) -> str:
        """olmpy's authenticated pickle under a non-empty passphrase, stretched with scrypt
        (about 0.1 s a call: to store many objects, derive one 32-byte key and use
        ``pickle``)."""
        return native_pickle.seal_with_passphrase(
            self._olmpy_body(), "inbound_group_session", passphrase
        )

    @overload
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> InboundGroupSession: ...
    @overload
    @classmethod
    @deprecated("a str is a passphrase: use from_pickle_with_passphrase")
    def from_pickle(cls, pickle: str, pickle_key: str) -> InboundGroupSession: ...
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes | str) -> InboundGroupSession:
        """Loads a pickle made by ``pickle`` with the same 32-byte key.

        A pickle from before olmpy recorded the source (no extension) loads with
        ``created_from_signed_key`` False and source UNKNOWN: its flag was then set by any
        decrypt, as libolm's is.

        A str is deprecated here: it is taken as a passphrase, as
        ``from_pickle_with_passphrase`` takes it, with a DeprecationWarning.
        """
        body = native_pickle.open_sealed(pickle, "inbound_group_session", pickle_key)
        return cls._from_libolm_body(
            body, "olmpy inbound group session pickle body", olmpy_extension=True
        )

    @classmethod
    def from_pickle_with_passphrase(cls, pickle: str, passphrase: str) -> InboundGroupSession:
        """Loads a pickle made by ``pickle_with_passphrase`` with the same passphrase.

        Its scrypt parameters may be at most what olmpy writes, unless raised with
        ``olmpy.pickle.scrypt_limit`` (``ScryptCostError`` otherwise).
        """
        body = native_pickle.open_sealed_with_passphrase(
            pickle, "inbound_group_session", passphrase
        )
        return cls._from_libolm_body(
            body, "olmpy inbound group session pickle body", olmpy_extension=True
        )

    def to_vodozemac_pickle(self, pickle_key: bytes) -> str:
        """This session as a vodozemac ``InboundGroupSession`` pickle (32-byte key)."""
        # The exact compact text vodozemac's serde writes, built and sealed in one native
        # call (SPEC.md section 13).
        sealed: str = self._b.igs_vodozemac_seal(
            vodozemac.pickle_key(pickle_key), self._initial, self._public, self._verified
        )
        return sealed

    @classmethod
    def from_vodozemac_pickle(cls, pickle: str, pickle_key: bytes) -> InboundGroupSession:
        """Loads a vodozemac ``InboundGroupSession`` pickle.

        Its ``signing_key_verified`` means ``created_from_signed_key`` (set only by a signed
        key), so it is read as is; the format has no source, so ``source`` is UNKNOWN.
        """
        what = "vodozemac inbound group session pickle"
        if not isinstance(pickle, (str, bytes)):
            raise UsageError(f"{what}: " + expected("a pickle str", type(pickle).__name__))
        key = vodozemac.pickle_key(pickle_key)
        try:
            exact = _backend.impl.igs_vodozemac_open(key, pickle, what)
        except PickleError:
            hint = libolm.olmpy_hint(pickle, what)
            if hint is None:
                raise
            raise PickleError(hint) from None
        if exact is not None:  # vodozemac's own layout, parsed in the same native call
            initial, public, verified = exact
            return cls._from_states(initial, initial, public, verified)
        # Anything else (other field order, whitespace, extra or missing fields): the
        # general, fully checked path.
        document = vodozemac.open_sealed(pickle, pickle_key, what)
        vodozemac.config(document, what)
        initial = vodozemac.ratchet(vodozemac.field(document, "initial_ratchet", what), what)
        # vodozemac keeps only the initial ratchet; the latest one is a cache.
        latest = (
            vodozemac.ratchet(document["latest_ratchet"], what)
            if "latest_ratchet" in document
            else initial
        )
        public = vodozemac.byte_array(
            vodozemac.field(document, "signing_key", what), 32, what + " signing key"
        )
        verified = vodozemac.field(document, "signing_key_verified", what)
        if type(verified) is not bool:
            raise PickleError(
                f"{what}: " + expected("a boolean signing_key_verified", shown(verified))
            )
        return cls._from_states(initial, latest, public, verified)

    def to_libolm_pickle(self, pickle_key: bytes | str, *, allow_weak_key: bool = False) -> str:
        """This session as a libolm inbound group session pickle (version 2).

        The flag is set when the session is ``created_from_signed_key``, or when it came
        from a libolm pickle whose flag was set; libolm has no field for the source.

        ``pickle_key`` is bytes, or a str taken as its UTF-8 bytes (python-olm's
        passphrase; libolm's format does not stretch it).  It must have at least 32 bytes:
        ``allow_weak_key=True`` lifts that, only to write for a peer that uses a shorter
        key, such as python-olm's default empty passphrase.
        """
        return libolm.seal(self._libolm_body(), pickle_key, allow_weak_key=allow_weak_key)

    @classmethod
    def from_libolm_pickle(
        cls, pickle: str, pickle_key: bytes | str, *, trust_verified_flag: bool = False
    ) -> InboundGroupSession:
        """Loads a libolm inbound group session pickle (version 2, or the older 1).

        libolm sets its verified flag on the first decrypt of an imported session too, so
        by default a version-2 session loads with ``created_from_signed_key`` False
        whatever the flag says (it is kept and written back by ``to_libolm_pickle``).
        ``trust_verified_flag=True`` reads the flag as ``created_from_signed_key``, as
        vodozemac does: right only for a store that never imported a key into libolm.
        Version 1 (libolm made those only from signed keys) loads with it True.
        ``source`` is UNKNOWN.
        """
        what = "libolm inbound group session pickle"
        if type(trust_verified_flag) is not bool:
            got = brief(trust_verified_flag)
            raise UsageError("trust_verified_flag: " + expected("a bool", got))
        return cls._from_libolm_body(
            libolm.open_sealed(pickle, pickle_key, what), what, trust_flag=trust_verified_flag
        )

    @classmethod
    def _from_libolm_body(
        cls, raw: bytes, what: str, *, trust_flag: bool = False, olmpy_extension: bool = False
    ) -> InboundGroupSession:
        reader = libolm.Reader(raw, what)
        version = libolm.version(reader, (1, 2), what)
        initial = reader.take(132)
        latest = reader.take(132)
        public = reader.take(32)
        # Version 1 had no flag: libolm made every such session from a signed key.
        flag = True if version == 1 else reader.flag()
        verified = flag and (version == 1 or trust_flag)
        source = SessionSource.UNKNOWN
        if olmpy_extension and reader.remaining():
            extension = reader.u8()
            if extension != _EXTENSION_VERSION:
                raise PickleError(
                    f"{what} extension version: " + expected(str(_EXTENSION_VERSION), extension)
                )
            code = reader.u8()
            if code not in _SOURCES:
                raise PickleError(
                    f"{what} source: " + expected(f"a code in 0..{len(_SOURCES) - 1}", code)
                )
            source = _SOURCES[code]
            verified = reader.flag()
        reader.end()
        return cls._from_states(initial, latest, public, verified, source, libolm_flag=flag)

    def __repr__(self) -> str:
        return (
            f"InboundGroupSession(session_id={self.session_id}, "
            f"first_known_index={self.first_known_index}, "
            f"created_from_signed_key={self._verified}, "
            f"source={self._source.value})"
        )


__all__ = [
    "DecryptedMessage",
    "InboundGroupSession",
    "SessionOrdering",
    "SessionSource",
]

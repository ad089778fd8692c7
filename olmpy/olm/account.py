"""An Olm account: a device's long-term keys and its one-time and fallback keys.

Capacity policy: the account keeps at most 100 one-time keys (libolm's limit,
so that every account can be written as a libolm pickle) and evicts the oldest
beyond that; ``max_number_of_one_time_keys`` reports 50, half of it, as the
number a client should keep uploaded (vodozemac's advice), which leaves room
for keys generated while claimed ones are still in flight.  Key ids are
libolm's: base64 of a u32 big-endian counter starting at 1, shared by one-time
and fallback keys.

A one-time key is removed only after the pre-key message that names it has
decrypted, so forged pre-key messages cannot drain the keys.  Fallback keys
(current and previous) are never removed by use.

The pickle formats (libolm's body, which olmpy's own pickle also seals; MSC3814
dehydrated devices; vodozemac's pickle) live in ``olmpy/olm/_account_formats.py``.  The
methods here are their documented entry points and import that module when they run, as
it imports this one for the account's state.
"""

from __future__ import annotations

import os
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import overload

from olmpy import _b64, _backend
from olmpy._contract import Backend, Secret
from olmpy._nocopy import refuse_pickle
from olmpy.errors import (
    IdentityKeyMismatchError,
    UnknownOneTimeKeyError,
    UsageError,
    expected,
    shown,
)
from olmpy.hazmat import primitives
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature, _message_bytes
from olmpy.olm.messages import AnyOlmMessage, PreKeyMessage
from olmpy.olm.session import Session
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _native as native_pickle
from olmpy.pickle._keys import deprecated
from olmpy.pickle.dehydrated import DehydratedDevice

MAX_STORED_ONE_TIME_KEYS = 100
ONE_TIME_KEYS_TO_PUBLISH = 50
# One call may ask for at most this many keys (all but the newest 100 would be dropped
# at once anyway); a larger count is a caller's mistake, not a reason to allocate.
MAX_GENERATE = 10_000


def _key_id(counter: int) -> str:
    return _b64.encode_public(counter.to_bytes(4, "big"))


class _OneTimeKey:
    __slots__ = ("id", "key_id", "key_object", "public", "published", "secret")

    def __init__(self, key_id: int, secret: Secret, public: bytes) -> None:
        self.id = key_id
        self.key_id = _key_id(key_id)
        self.secret = secret
        self.public = public
        self.key_object = Curve25519PublicKey(public)
        self.published = False


class Account:
    """An Olm account (vodozemac: ``Account``; libolm: OlmAccount)."""

    __slots__ = (
        "_b",
        "_curve_public",
        "_curve_secret",
        "_ed",
        "_fallback",
        "_next_id",
        "_one_time",
        "_previous_fallback",
        "_rng",
    )

    __reduce__ = refuse_pickle(".pickle(pickle_key) and .from_pickle()")

    _b: Backend[Secret]
    _rng: Callable[[int], bytes]
    _ed: primitives.Ed25519SigningKey
    _curve_secret: Secret
    _curve_public: bytes
    _one_time: OrderedDict[int, _OneTimeKey]
    _fallback: _OneTimeKey | None
    _previous_fallback: _OneTimeKey | None
    _next_id: int

    def __init__(self) -> None:
        b = _backend.impl
        self._b = b
        self._rng = os.urandom
        ed_seed, ed_key, ed_public, self._curve_secret, self._curve_public = b.identity_new()
        self._ed = primitives.Ed25519SigningKey._adopt(ed_seed, ed_key, ed_public)
        self._reset_keys()

    @classmethod
    def generate(cls) -> Account:
        """A new account with fresh identity keys: the same as ``Account()`` (vodozemac's
        spelling), under the name ``PkSigning.generate()`` uses."""
        return cls()

    @classmethod
    def from_parts(
        cls,
        ed25519_seed: bytes,
        curve25519_secret: bytes,
        *,
        rng: Callable[[int], bytes] | None = None,
    ) -> Account:
        """Deprecated: use ``olmpy.testing.account_from_parts`` (the same bytes).

        A hook for tests and known-answer vectors; it warns (DeprecationWarning) and is
        removed from ``Account`` in the next minor release.
        """
        warnings.warn(
            "Account.from_parts is a test hook and moved to olmpy.testing.account_from_parts",
            DeprecationWarning,
            stacklevel=2,
        )
        return cls._from_parts(ed25519_seed, curve25519_secret, rng)

    @classmethod
    def _from_parts(
        cls,
        ed25519_seed: bytes,
        curve25519_secret: bytes,
        rng: Callable[[int], bytes] | None = None,
    ) -> Account:
        """An account from given identity keys; ``rng`` then supplies all later randomness
        (``olmpy.testing.account_from_parts`` documents it)."""
        seed = primitives.require_bytes("Ed25519 seed", ed25519_seed, 32)
        secret = primitives.require_bytes("Curve25519 secret", curve25519_secret, 32)
        if rng is not None and not callable(rng):
            raise UsageError("rng: " + expected("a callable", type(rng).__name__))
        self = cls.__new__(cls)
        self._setup(seed, secret, rng or os.urandom)
        return self

    def _setup(self, seed: bytes, curve_secret: bytes, rng: Callable[[int], bytes]) -> None:
        b = _backend.impl
        self._b = b
        self._rng = rng
        self._ed = primitives.Ed25519SigningKey.from_seed(seed)
        self._curve_secret = b.secret_buffer(curve_secret)
        self._curve_public = b.x25519_public_batch(curve_secret)
        self._reset_keys()

    def _reset_keys(self) -> None:
        self._one_time = OrderedDict()
        self._fallback = None
        self._previous_fallback = None
        self._next_id = 1

    # --- identity ----------------------------------------------------------------------

    @property
    def ed25519_key(self) -> Ed25519PublicKey:
        """The account's Ed25519 identity (fingerprint) key."""
        return Ed25519PublicKey(self._ed.public)

    @property
    def curve25519_key(self) -> Curve25519PublicKey:
        """The account's Curve25519 identity key."""
        return Curve25519PublicKey(self._curve_public)

    @property
    def identity_keys(self) -> dict[str, str]:
        """``{"curve25519": ..., "ed25519": ...}`` in unpadded base64, as in device keys."""
        return {
            "curve25519": _b64.encode_public(self._curve_public),
            "ed25519": _b64.encode_public(self._ed.public),
        }

    def sign(self, message: bytes | str) -> Ed25519Signature:
        """Signs ``message`` (str as UTF-8) with the Ed25519 identity key."""
        return Ed25519Signature(self._ed.sign(_message_bytes(message, "message to sign")))

    # --- one-time and fallback keys --------------------------------------------------------

    def _new_keys(self, count: int) -> list[_OneTimeKey]:
        """``count`` new Curve25519 keys: one draw of randomness, one native call."""
        b = self._b
        secrets = self._rng(32 * count)
        publics = b.x25519_public_batch(secrets)
        keys = []
        for i in range(count):
            secret = b.secret_buffer(secrets[32 * i : 32 * i + 32])
            keys.append(_OneTimeKey(self._next_id, secret, publics[32 * i : 32 * i + 32]))
            self._next_id = (self._next_id + 1) & 0xFFFFFFFF
        return keys

    @property
    def max_number_of_one_time_keys(self) -> int:
        """How many one-time keys a client should keep published (see the capacity policy)."""
        return ONE_TIME_KEYS_TO_PUBLISH

    def generate_one_time_keys(self, count: int) -> None:
        """Makes ``count`` (0..10,000) new one-time keys; beyond 100 stored, the oldest are
        dropped."""
        if not isinstance(count, int) or not 0 <= count <= MAX_GENERATE:
            raise UsageError(
                "one-time key count: " + expected(f"an int in 0..{MAX_GENERATE}", shown(count))
            )
        for key in self._new_keys(count) if count else []:
            self._one_time[key.id] = key
        while len(self._one_time) > MAX_STORED_ONE_TIME_KEYS:
            self._one_time.popitem(last=False)

    @property
    def one_time_keys(self) -> dict[str, Curve25519PublicKey]:
        """The unpublished one-time keys by key id."""
        return {k.key_id: k.key_object for k in self._one_time.values() if not k.published}

    def mark_keys_as_published(self) -> None:
        """Marks every current one-time key and the fallback key as published."""
        for key in self._one_time.values():
            key.published = True
        if self._fallback is not None:
            self._fallback.published = True

    def generate_fallback_key(self) -> None:
        """Makes a new fallback key; the current one is kept as the previous one."""
        self._previous_fallback = self._fallback
        self._fallback = self._new_keys(1)[0]

    @property
    def fallback_key(self) -> dict[str, Curve25519PublicKey]:
        """The current fallback key by key id, if it is not yet published."""
        key = self._fallback
        if key is None or key.published:
            return {}
        return {key.key_id: key.key_object}

    @property
    def stored_one_time_key_count(self) -> int:
        """How many one-time keys the account holds, published or not (at most 100);
        ``one_time_keys`` lists only the unpublished ones."""
        return len(self._one_time)

    @property
    def stored_fallback_key_count(self) -> int:
        """How many fallback keys the account holds, published or not: 0, 1 (the current
        one) or 2 (the current and the previous one, until ``forget_fallback_key``)."""
        return sum(k is not None for k in (self._fallback, self._previous_fallback))

    def forget_fallback_key(self) -> bool:
        """Drops the previous fallback key; returns whether there was one."""
        had = self._previous_fallback is not None
        self._previous_fallback = None
        return had

    # --- sessions ------------------------------------------------------------------------

    def create_outbound_session(
        self,
        identity_key: Curve25519PublicKey | str | bytes,
        one_time_key: Curve25519PublicKey | str | bytes,
    ) -> Session:
        """Starts a session with a device from its identity key and a claimed one-time key."""
        their_identity = Curve25519PublicKey._coerce(identity_key, "identity key")
        their_one_time = Curve25519PublicKey._coerce(one_time_key, "one-time key")
        randomness = self._rng(64)
        base_secret, ratchet_secret = randomness[:32], randomness[32:]
        b = self._b
        shared = (
            b.x25519(self._curve_secret, their_one_time)
            + b.x25519(base_secret, their_identity)
            + b.x25519(base_secret, their_one_time)
        )
        ids = (self._curve_public, b.x25519_public_batch(base_secret), their_one_time)
        return Session._outbound(self._rng, shared, ratchet_secret, ids)

    def _find_key(self, public: bytes) -> tuple[_OneTimeKey, bool]:
        for key in self._one_time.values():
            if key.public == public:
                return key, True
        for fallback in (self._fallback, self._previous_fallback):
            if fallback is not None and fallback.public == public:
                return fallback, False
        raise UnknownOneTimeKeyError(
            "Olm pre-key message: expected one of this account's one-time or fallback keys, "
            f"got {_b64.encode_public(public)}"
        )

    def create_inbound_session(
        self,
        identity_key: Curve25519PublicKey | str | bytes,
        message: PreKeyMessage | AnyOlmMessage,
    ) -> tuple[Session, bytes]:
        """Accepts a pre-key message: returns the new session and the first plaintext.

        The one-time key it names is removed only after the message has decrypted.
        """
        if isinstance(message, AnyOlmMessage):
            pre = message.to_pre_key()
            if pre is None:
                raise UsageError("message: expected a pre-key message (type 0), got type 1")
            message = pre
        if not isinstance(message, PreKeyMessage):
            raise UsageError(
                "message: " + expected("PreKeyMessage or AnyOlmMessage", type(message).__name__)
            )
        their_identity = Curve25519PublicKey._coerce(identity_key, "identity key")
        session, key, is_one_time = self._open_inbound(their_identity, message)
        plaintext = session._decrypt(message.message)
        if is_one_time:
            del self._one_time[key.id]
        return session, plaintext

    def _open_inbound(
        self, their_identity: bytes, message: PreKeyMessage
    ) -> tuple[Session, _OneTimeKey, bool]:
        """The session a pre-key message opens, before it decrypts anything, with the key it
        used; the account is left unchanged.  (libolm's olm_create_inbound_session, which
        olmpy.compat.olm needs; create_inbound_session decrypts at once.)"""
        if message.identity_key != their_identity:
            raise IdentityKeyMismatchError(
                "Olm pre-key message: expected identity key "
                f"{_b64.encode_public(their_identity)}, "
                f"got {_b64.encode_public(message.identity_key)}"
            )
        key, is_one_time = self._find_key(message.one_time_key)
        b = self._b
        shared = (
            b.x25519(key.secret, their_identity)
            + b.x25519(self._curve_secret, message.base_key)
            + b.x25519(key.secret, message.base_key)
        )
        ids = (their_identity, message.base_key, message.one_time_key)
        session = Session._inbound(self._rng, shared, message.message.ratchet_key, ids)
        return session, key, is_one_time

    def _remove_key_of(self, session: Session) -> bool:
        """libolm's olm_remove_one_time_keys: drops the one-time key ``session`` was opened
        with; a fallback key is kept.  False when the account holds neither."""
        public = session._pre_key[2]
        for key in self._one_time.values():
            if key.public == public:
                del self._one_time[key.id]
                return True
        return any(
            k is not None and k.public == public for k in (self._fallback, self._previous_fallback)
        )

    def remove_one_time_keys(self, session: Session) -> None:
        """No-op kept for python-olm code: olmpy removes the key when the session is made."""
        if not isinstance(session, Session):
            raise UsageError("session: " + expected("a Session", type(session).__name__))

    # --- libolm pickles -------------------------------------------------------------------

    def _libolm_body(self) -> bytes:
        """The raw (unsealed) libolm pickle body."""
        from olmpy.olm import _account_formats as formats

        return formats.libolm_body(self)

    @overload
    def pickle(self, pickle_key: bytes) -> str: ...
    @overload
    @deprecated("a str is a passphrase: use pickle_with_passphrase")
    def pickle(self, pickle_key: str) -> str: ...
    def pickle(self, pickle_key: bytes | str) -> str:
        """olmpy's authenticated pickle under a 32-byte key (SPEC.md section 12).

        A str is deprecated here: it is taken as a passphrase, as ``pickle_with_passphrase``
        takes it, with a DeprecationWarning.
        """
        return native_pickle.seal(self._libolm_body(), "account", pickle_key)

    def pickle_with_passphrase(self, passphrase: str) -> str:
        """olmpy's authenticated pickle under a non-empty passphrase, stretched with scrypt
        (about 0.1 s a call: to store many objects, derive one 32-byte key and use
        ``pickle``)."""
        return native_pickle.seal_with_passphrase(self._libolm_body(), "account", passphrase)

    @overload
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> Account: ...
    @overload
    @classmethod
    @deprecated("a str is a passphrase: use from_pickle_with_passphrase")
    def from_pickle(cls, pickle: str, pickle_key: str) -> Account: ...
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes | str) -> Account:
        """Loads a pickle made by ``pickle`` with the same 32-byte key.

        A str is deprecated here: it is taken as a passphrase, as
        ``from_pickle_with_passphrase`` takes it, with a DeprecationWarning.
        """
        body = native_pickle.open_sealed(pickle, "account", pickle_key)
        return cls._from_libolm_body(body, "olmpy account pickle body")

    @classmethod
    def from_pickle_with_passphrase(cls, pickle: str, passphrase: str) -> Account:
        """Loads a pickle made by ``pickle_with_passphrase`` with the same passphrase.

        Its scrypt parameters may be at most what olmpy writes, unless raised with
        ``olmpy.pickle.scrypt_limit`` (``ScryptCostError`` otherwise).
        """
        body = native_pickle.open_sealed_with_passphrase(pickle, "account", passphrase)
        return cls._from_libolm_body(body, "olmpy account pickle body")

    def to_libolm_pickle(self, pickle_key: bytes | str, *, allow_weak_key: bool = False) -> str:
        """This account as a libolm account pickle (version 4).

        ``pickle_key`` is bytes, or a str taken as its UTF-8 bytes (python-olm's
        passphrase; libolm's format does not stretch it).  It must have at least 32 bytes:
        ``allow_weak_key=True`` lifts that, only to write for a peer that uses a shorter
        key, such as python-olm's default empty passphrase.
        """
        return libolm.seal(self._libolm_body(), pickle_key, allow_weak_key=allow_weak_key)

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes | str) -> Account:
        """Loads a libolm account pickle (version 4, or the older 2 and 3); the account
        signs with libolm's expanded Ed25519 key, exactly as libolm would."""
        what = "libolm account pickle"
        return cls._from_libolm_body(libolm.open_sealed(pickle, pickle_key, what), what)

    @classmethod
    def _from_libolm_body(cls, raw: bytes, what: str) -> Account:
        from olmpy.olm import _account_formats as formats

        return formats.from_libolm_body(cls, raw, what)

    # --- dehydrated devices (MSC3814) -----------------------------------------------------

    def to_dehydrated_device(self, key: bytes) -> DehydratedDevice:
        """This account as an MSC3814 dehydrated device (vodozemac's format, 32-byte key).

        Stores the identity secrets, every one-time key's secret and the current fallback
        key (SPEC.md section 14).  An account whose Ed25519 key came from a libolm pickle
        has no seed and cannot be dehydrated (``UsageError``), as in vodozemac.
        """
        from olmpy.olm import _account_formats as formats

        return formats.to_dehydrated_device(self, key)

    @classmethod
    def from_dehydrated_device(cls, ciphertext: str, nonce: str, key: bytes) -> Account:
        """Rehydrates an MSC3814 device made by vodozemac or ``to_dehydrated_device``.

        As vodozemac: one-time keys get ids 0..n-1 and count as published, the next id is
        n, and the fallback key (id 0) counts as published.  Beyond 100 one-time keys the
        lowest ids are dropped.  Any bad input is a ``PickleError``.
        """
        from olmpy.olm import _account_formats as formats

        return formats.from_dehydrated_device(cls, ciphertext, nonce, key)

    # --- vodozemac pickles -----------------------------------------------------------------

    def to_vodozemac_pickle(self, pickle_key: bytes) -> str:
        """This account as a vodozemac ``Account`` pickle (32-byte key); key ids keep their
        numbers (SPEC.md section 13)."""
        from olmpy.olm import _account_formats as formats

        return formats.to_vodozemac_pickle(self, pickle_key)

    @classmethod
    def from_vodozemac_pickle(cls, pickle: str, pickle_key: bytes) -> Account:
        """Loads a vodozemac ``Account`` pickle; key ids keep their numbers and the counter
        moves past every id in use (SPEC.md section 13)."""
        from olmpy.olm import _account_formats as formats

        return formats.from_vodozemac_pickle(cls, pickle, pickle_key)

    def __repr__(self) -> str:
        return f"Account(curve25519:{_b64.encode_public(self._curve_public)})"


__all__ = [
    "Account",
]

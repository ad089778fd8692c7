"""The sending side of Megolm.

Theory of operation: a GroupSession holds a ratchet (R0..R3 and a u32
counter) and an Ed25519 key pair.  Each message is encrypted with keys
derived from the current ratchet, MACed, signed, and the ratchet is advanced
one step, so earlier message keys cannot be recomputed from the session.  The
whole message (derivation, AES, MAC, encoding, signature, advance) is one
call into the backend.
"""

from __future__ import annotations

import warnings
from typing import overload

from olmpy import _b64, _backend
from olmpy._nocopy import refuse_pickle
from olmpy.errors import PickleError, UsageError, expected, shown
from olmpy.hazmat import primitives
from olmpy.hazmat.primitives import require_bytes
from olmpy.keys import Ed25519PublicKey
from olmpy.megolm.message import MegolmMessage
from olmpy.megolm.session_keys import SIGNED_VERSION, SessionKey
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _native as native_pickle
from olmpy.pickle import _vodozemac as vodozemac
from olmpy.pickle._keys import deprecated, signing_key


class GroupSession:
    """An outbound Megolm session (vodozemac: ``GroupSession``; libolm: outbound group session)."""

    __slots__ = ("_b", "_key", "_public", "_signing", "_state")

    __reduce__ = refuse_pickle(".pickle(pickle_key) and .from_pickle()")

    def __init__(self) -> None:
        b = _backend.impl
        self._b = b
        self._state, seed, key, public = b.megolm_group_new()
        self._set_signing(primitives.Ed25519SigningKey._adopt(seed, key, public))

    def _set_signing(self, signing: primitives.Ed25519SigningKey) -> None:
        self._signing = signing
        self._key = signing._key  # the backend's key buffer, handed to megolm_encrypt
        self._public = signing.public

    def _setup(self, ratchet: bytes, counter: int, signing: primitives.Ed25519SigningKey) -> None:
        b = _backend.impl
        self._b = b
        self._state = b.secret_buffer(ratchet + counter.to_bytes(4, "big"))
        self._set_signing(signing)

    @classmethod
    def from_parts(cls, ratchet: bytes, counter: int, ed25519_seed: bytes) -> GroupSession:
        """Deprecated: use ``olmpy.testing.group_session_from_parts`` (the same bytes).

        A hook for tests and known-answer vectors; it warns (DeprecationWarning) and is
        removed from ``GroupSession`` in the next minor release.
        """
        warnings.warn(
            "GroupSession.from_parts is a test hook and moved to "
            "olmpy.testing.group_session_from_parts",
            DeprecationWarning,
            stacklevel=2,
        )
        return cls._from_parts(ratchet, counter, ed25519_seed)

    @classmethod
    def _from_parts(cls, ratchet: bytes, counter: int, ed25519_seed: bytes) -> GroupSession:
        """A session from given key material (``olmpy.testing.group_session_from_parts``)."""
        ratchet = require_bytes("Megolm ratchet", ratchet, 128)
        seed = require_bytes("Ed25519 seed", ed25519_seed, 32)
        if not isinstance(counter, int) or not 0 <= counter <= 0xFFFFFFFF:
            raise UsageError("Megolm index: " + expected("an int in 0..2**32-1", shown(counter)))
        self = cls.__new__(cls)
        self._setup(ratchet, counter, primitives.Ed25519SigningKey.from_seed(seed))
        return self

    @classmethod
    def _from_key(
        cls, ratchet: bytes, counter: int, signing: primitives.Ed25519SigningKey
    ) -> GroupSession:
        """Builds a session around a checked signing key (pickle import)."""
        self = cls.__new__(cls)
        self._setup(require_bytes("Megolm ratchet", ratchet, 128), counter, signing)
        return self

    @property
    def session_id(self) -> str:
        """The session id: base64 of the Ed25519 public key."""
        return _b64.encode_public(self._public)

    @property
    def signing_key(self) -> Ed25519PublicKey:
        """The Ed25519 key that signs every message of the session."""
        return Ed25519PublicKey(self._public)

    @property
    def message_index(self) -> int:
        """The index the next message will be encrypted at."""
        return int.from_bytes(self._b.read_secret(self._state)[128:132], "big")

    @property
    def session_key(self) -> SessionKey:
        """The signed session key at the current index, for m.room_key."""
        body = bytes([SIGNED_VERSION]) + self._state_bytes_for_key() + self._public
        key: SessionKey = SessionKey._trusted(body + self._signing.sign(body))
        return key

    def _state_bytes_for_key(self) -> bytes:
        raw: bytes = self._b.read_secret(self._state)
        return raw[128:132] + raw[:128]

    def encrypt(self, plaintext: bytes | str) -> MegolmMessage:
        """Encrypts, MACs and signs ``plaintext`` at the current index, then advances."""
        if isinstance(plaintext, str):
            plaintext = plaintext.encode("utf-8")
        elif not isinstance(plaintext, bytes):
            if not isinstance(plaintext, (bytearray, memoryview)):
                raise UsageError("plaintext: " + expected("bytes or str", type(plaintext).__name__))
            plaintext = bytes(plaintext)
        state = self._state
        raw = self._b.megolm_encrypt(state, self._key, plaintext)
        # The index is the varint at byte 2; one byte covers indexes below 128.
        index = raw[2] if raw[2] < 0x80 else self.message_index - 1
        return MegolmMessage._trusted(raw, index & 0xFFFFFFFF)

    def _libolm_body(self) -> bytes:
        """The raw (unsealed) libolm pickle body."""
        state: bytes = self._b.read_secret(self._state)
        raw = libolm.u32(1) + state + self._public + self._signing.expanded
        return bytes(raw)

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
        return native_pickle.seal(self._libolm_body(), "group_session", pickle_key)

    def pickle_with_passphrase(self, passphrase: str) -> str:
        """olmpy's authenticated pickle under a non-empty passphrase, stretched with scrypt
        (about 0.1 s a call: to store many objects, derive one 32-byte key and use
        ``pickle``)."""
        return native_pickle.seal_with_passphrase(self._libolm_body(), "group_session", passphrase)

    @overload
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> GroupSession: ...
    @overload
    @classmethod
    @deprecated("a str is a passphrase: use from_pickle_with_passphrase")
    def from_pickle(cls, pickle: str, pickle_key: str) -> GroupSession: ...
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes | str) -> GroupSession:
        """Loads a pickle made by ``pickle`` with the same 32-byte key.

        A str is deprecated here: it is taken as a passphrase, as
        ``from_pickle_with_passphrase`` takes it, with a DeprecationWarning.
        """
        body = native_pickle.open_sealed(pickle, "group_session", pickle_key)
        return cls._from_libolm_body(body, "olmpy group session pickle body")

    @classmethod
    def from_pickle_with_passphrase(cls, pickle: str, passphrase: str) -> GroupSession:
        """Loads a pickle made by ``pickle_with_passphrase`` with the same passphrase.

        Its scrypt parameters may be at most what olmpy writes, unless raised with
        ``olmpy.pickle.scrypt_limit`` (``ScryptCostError`` otherwise).
        """
        body = native_pickle.open_sealed_with_passphrase(pickle, "group_session", passphrase)
        return cls._from_libolm_body(body, "olmpy group session pickle body")

    def to_vodozemac_pickle(self, pickle_key: bytes) -> str:
        """This session as a vodozemac ``GroupSession`` pickle (32-byte key)."""
        seed = self._signing.seed
        signing = (
            {"Normal": vodozemac.byte_json(seed)}
            if seed is not None
            else {"Expanded": vodozemac.byte_json(self._signing.expanded)}
        )
        document = {
            "ratchet": vodozemac.ratchet_json(self._b.read_secret(self._state)),
            "signing_key": signing,
            "config": {"version": "V1"},
        }
        return vodozemac.seal(document, pickle_key)

    @classmethod
    def from_vodozemac_pickle(cls, pickle: str, pickle_key: bytes) -> GroupSession:
        """Loads a vodozemac ``GroupSession`` pickle."""
        what = "vodozemac group session pickle"
        document = vodozemac.open_sealed(pickle, pickle_key, what)
        vodozemac.config(document, what)
        state = vodozemac.ratchet(vodozemac.field(document, "ratchet", what), what)
        signing = vodozemac.field(document, "signing_key", what)
        if isinstance(signing, dict) and set(signing) == {"Normal"}:
            seed = vodozemac.byte_array(signing["Normal"], 32, what + " signing key")
            return cls._from_parts(state[:128], int.from_bytes(state[128:], "big"), seed)
        if isinstance(signing, dict) and set(signing) == {"Expanded"}:
            expanded = vodozemac.byte_array(signing["Expanded"], 64, what + " signing key")
            return cls._from_key(
                state[:128],
                int.from_bytes(state[128:], "big"),
                signing_key(expanded, True, None, what),
            )
        raise PickleError(
            f"{what} signing key: "
            + expected('an object with "Normal" or "Expanded"', shown(signing))
        )

    def to_libolm_pickle(self, pickle_key: bytes | str, *, allow_weak_key: bool = False) -> str:
        """This session as a libolm outbound group session pickle (version 1).

        ``pickle_key`` is bytes, or a str taken as its UTF-8 bytes (python-olm's
        passphrase; libolm's format does not stretch it).  It must have at least 32 bytes:
        ``allow_weak_key=True`` lifts that, only to write for a peer that uses a shorter
        key, such as python-olm's default empty passphrase.
        """
        return libolm.seal(self._libolm_body(), pickle_key, allow_weak_key=allow_weak_key)

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes | str) -> GroupSession:
        """Loads a libolm outbound group session pickle (version 1)."""
        what = "libolm outbound group session pickle"
        return cls._from_libolm_body(libolm.open_sealed(pickle, pickle_key, what), what)

    @classmethod
    def _from_libolm_body(cls, raw: bytes, what: str) -> GroupSession:
        reader = libolm.Reader(raw, what)
        libolm.version(reader, (1,), what)
        ratchet = reader.take(128)
        counter = reader.u32()
        public = reader.take(32)
        expanded = reader.take(64)
        reader.end()
        return cls._from_key(ratchet, counter, signing_key(expanded, True, public, what))

    def __repr__(self) -> str:
        return f"GroupSession(session_id={self.session_id}, message_index={self.message_index})"


__all__ = [
    "GroupSession",
]

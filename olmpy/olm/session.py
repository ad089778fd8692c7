"""An Olm session: the double ratchet between two devices.

Theory of operation.  The session holds a root key, at most one sender chain
(our ratchet key pair and a chain key) and up to five receiver chains (their
ratchet public key and a chain key), newest first, plus up to 40 message keys
of skipped messages, oldest evicted first.  Sending uses the sender chain; if
there is none (we have just received on a new chain), a fresh ratchet key is
drawn and a DH ratchet step derives a new root and sender chain:
``root', chain = HKDF(salt=root, DH(our new key, their latest key), "OLM_RATCHET", 64)``.
Receiving on an unknown ratchet key does the mirror step with our current
ratchet key.  Chains step as ``message key = HMAC(ck, 1)``, ``ck' = HMAC(ck, 2)``.

Every decrypt works on copies: the new root, chains and skipped keys are
committed only after the MAC has verified and the ciphertext decrypted, so a
failed decrypt changes nothing.  The side that started the session keeps
wrapping its messages as pre-key messages until it has decrypted a reply.

The pickle formats (libolm's body, which olmpy's own pickle also seals, and
vodozemac's pickle) live in ``olmpy/olm/_session_formats.py``.  The methods here are
their documented entry points and import that module when they run, as it imports this
one for the session's state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import overload

from olmpy import _b64, _backend
from olmpy._contract import Backend, Secret
from olmpy._nocopy import refuse_pickle
from olmpy.errors import (
    MacError,
    MessageGapError,
    SessionMismatchError,
    UnknownMessageIndexError,
    UsageError,
    expected,
)
from olmpy.hazmat import primitives
from olmpy.olm.messages import NORMAL, PRE_KEY, AnyOlmMessage, Message, PreKeyMessage
from olmpy.pickle import _libolm as libolm
from olmpy.pickle import _native as native_pickle
from olmpy.pickle._keys import deprecated

MAX_RECEIVER_CHAINS = 5
MAX_SKIPPED_KEYS = 40
MAX_MESSAGE_GAP = 2000
_ROOT_INFO = b"OLM_ROOT"


def _chain(key: bytes, index: int = 0) -> bytes:
    return key + index.to_bytes(4, "big")


class Session:
    """An Olm session (vodozemac: ``Session``; libolm: OlmSession)."""

    __slots__ = (
        "_b",
        "_pre_key",
        "_ratchet_count",
        "_received",
        "_receivers",
        "_rng",
        "_root",
        "_sender",
        "_session_id",
        "_skipped",
    )

    __reduce__ = refuse_pickle(".pickle(pickle_key) and .from_pickle()")

    _b: Backend[Secret]
    _rng: Callable[[int], bytes]
    _root: Secret
    _sender: tuple[Secret, bytes, Secret] | None
    _receivers: list[tuple[bytes, Secret]]
    _skipped: list[tuple[bytes, int, Secret]]
    _pre_key: tuple[bytes, bytes, bytes]
    _session_id: str
    _received: bool
    _ratchet_count: int | None

    def __init__(self) -> None:
        raise UsageError(
            "Session: expected Account.create_outbound_session or create_inbound_session, "
            "got a direct construction"
        )

    @classmethod
    def _new(cls, rng: Callable[[int], bytes], ids: tuple[bytes, bytes, bytes]) -> Session:
        self = cls.__new__(cls)
        self._b = _backend.impl
        self._rng = rng
        # _root is set by the caller (outbound, inbound, from a pickle), never read before
        # sender: (our ratchet secret buffer, our ratchet public, chain buffer) or None
        self._sender = None
        # receivers: [(their ratchet public, chain buffer)], newest first
        self._receivers = []
        # skipped: [(their ratchet public, index, message key buffer)], oldest first
        self._skipped = []
        self._pre_key = ids  # (identity key A, base key A, one-time key B)
        self._session_id = _b64.encode_public(primitives.sha256(ids[0] + ids[1] + ids[2]))
        self._received = False
        # DH ratchet steps so far (vodozemac's ratchet_count); None when unknown, as
        # for sessions loaded from libolm's format, which does not record it.
        self._ratchet_count = 0
        return self

    @classmethod
    def _outbound(
        cls,
        rng: Callable[[int], bytes],
        shared: bytes,
        ratchet_secret: bytes,
        ids: tuple[bytes, bytes, bytes],
    ) -> Session:
        self = cls._new(rng, ids)
        b = self._b
        derived = b.hkdf_sha256(b"", shared, _ROOT_INFO, 64)
        self._root = b.secret_buffer(derived[:32])
        public = primitives.x25519_public(ratchet_secret)
        self._sender = (
            b.secret_buffer(ratchet_secret),
            public,
            b.secret_buffer(_chain(derived[32:])),
        )
        return self

    @classmethod
    def _inbound(
        cls,
        rng: Callable[[int], bytes],
        shared: bytes,
        their_ratchet: bytes,
        ids: tuple[bytes, bytes, bytes],
    ) -> Session:
        self = cls._new(rng, ids)
        b = self._b
        derived = b.hkdf_sha256(b"", shared, _ROOT_INFO, 64)
        self._root = b.secret_buffer(derived[:32])
        self._receivers = [(their_ratchet, b.secret_buffer(_chain(derived[32:])))]
        self._received = True
        return self

    # --- public API ---------------------------------------------------------------------

    @property
    def session_id(self) -> str:
        """Unpadded base64 of SHA-256(Alice's identity key || base key || Bob's one-time key)."""
        return self._session_id

    @property
    def has_received_message(self) -> bool:
        """Whether a message from the other side has been decrypted (pre-keys stop then)."""
        return self._received

    def session_matches(self, message: PreKeyMessage | AnyOlmMessage) -> bool:
        """Whether a pre-key message belongs to this session (same three keys)."""
        if isinstance(message, AnyOlmMessage):
            pre = message.to_pre_key()
            if pre is None:
                return False
            message = pre
        if not isinstance(message, PreKeyMessage):
            raise UsageError(
                "message: " + expected("PreKeyMessage or AnyOlmMessage", type(message).__name__)
            )
        return (message.identity_key, message.base_key, message.one_time_key) == self._pre_key

    def encrypt(self, plaintext: bytes | str) -> AnyOlmMessage:
        """Encrypts a message; pre-key type until a reply has been decrypted."""
        if isinstance(plaintext, str):
            plaintext = plaintext.encode("utf-8")
        elif not isinstance(plaintext, bytes):
            if not isinstance(plaintext, (bytearray, memoryview)):
                raise UsageError("plaintext: " + expected("bytes or str", type(plaintext).__name__))
            plaintext = bytes(plaintext)
        b = self._b
        if self._sender is None:
            self._ratchet_step()
        assert self._sender is not None
        _, public, chain = self._sender
        body: bytes = b.olm_encrypt(chain, public, plaintext)
        if self._received:
            return AnyOlmMessage._own(NORMAL, body)
        identity, base, one_time = self._pre_key
        return AnyOlmMessage._own(PRE_KEY, PreKeyMessage._build(one_time, base, identity, body))

    def decrypt(self, message: AnyOlmMessage) -> bytes:
        """Decrypts a message of either type; on failure raises a typed error, changes nothing."""
        if not isinstance(message, AnyOlmMessage):
            raise UsageError("message: " + expected("AnyOlmMessage", type(message).__name__))
        parsed = message.parsed()
        if isinstance(parsed, PreKeyMessage):
            if not self.session_matches(parsed):
                raise SessionMismatchError(
                    f"Olm pre-key message: expected one for session {self._session_id}, "
                    f"got one for session {parsed.session_id()}"
                )
            parsed = parsed.message
        return self._decrypt(parsed)

    def describe(self) -> str:
        """A one-line summary of the ratchet state, with no key material."""
        sender = (
            "none"
            if self._sender is None
            else str(int.from_bytes(self._b.read_secret(self._sender[2])[32:36], "big"))
        )
        receivers = ", ".join(
            str(int.from_bytes(self._b.read_secret(c)[32:36], "big")) for _, c in self._receivers
        )
        return (
            f"session {self._session_id}: sender chain index {sender}; receiver chain "
            f"indexes [{receivers}]; {len(self._skipped)} skipped message keys; "
            f"received: {self._received}"
        )

    # --- libolm pickles -------------------------------------------------------------------

    def _libolm_body(self) -> bytes:
        """The raw (unsealed) libolm pickle body."""
        from olmpy.olm import _session_formats as formats

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
        return native_pickle.seal(self._libolm_body(), "session", pickle_key)

    def pickle_with_passphrase(self, passphrase: str) -> str:
        """olmpy's authenticated pickle under a non-empty passphrase, stretched with scrypt
        (about 0.1 s a call: to store many objects, derive one 32-byte key and use
        ``pickle``)."""
        return native_pickle.seal_with_passphrase(self._libolm_body(), "session", passphrase)

    @overload
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes) -> Session: ...
    @overload
    @classmethod
    @deprecated("a str is a passphrase: use from_pickle_with_passphrase")
    def from_pickle(cls, pickle: str, pickle_key: str) -> Session: ...
    @classmethod
    def from_pickle(cls, pickle: str, pickle_key: bytes | str) -> Session:
        """Loads a pickle made by ``pickle`` with the same 32-byte key.

        A str is deprecated here: it is taken as a passphrase, as
        ``from_pickle_with_passphrase`` takes it, with a DeprecationWarning.
        """
        body = native_pickle.open_sealed(pickle, "session", pickle_key)
        return cls._from_libolm_body(body, "olmpy session pickle body")

    @classmethod
    def from_pickle_with_passphrase(cls, pickle: str, passphrase: str) -> Session:
        """Loads a pickle made by ``pickle_with_passphrase`` with the same passphrase.

        Its scrypt parameters may be at most what olmpy writes, unless raised with
        ``olmpy.pickle.scrypt_limit`` (``ScryptCostError`` otherwise).
        """
        body = native_pickle.open_sealed_with_passphrase(pickle, "session", passphrase)
        return cls._from_libolm_body(body, "olmpy session pickle body")

    def to_libolm_pickle(self, pickle_key: bytes | str, *, allow_weak_key: bool = False) -> str:
        """This session as a libolm session pickle (version 1).

        ``pickle_key`` is bytes, or a str taken as its UTF-8 bytes (python-olm's
        passphrase; libolm's format does not stretch it).  It must have at least 32 bytes:
        ``allow_weak_key=True`` lifts that, only to write for a peer that uses a shorter
        key, such as python-olm's default empty passphrase.
        """
        return libolm.seal(self._libolm_body(), pickle_key, allow_weak_key=allow_weak_key)

    @classmethod
    def from_libolm_pickle(cls, pickle: str, pickle_key: bytes | str) -> Session:
        """Loads a libolm session pickle (version 1, or the older 0x80000001)."""
        what = "libolm session pickle"
        return cls._from_libolm_body(libolm.open_sealed(pickle, pickle_key, what), what)

    @classmethod
    def _from_libolm_body(cls, raw: bytes, what: str) -> Session:
        from olmpy.olm import _session_formats as formats

        return formats.from_libolm_body(cls, raw, what)

    # --- vodozemac pickles -----------------------------------------------------------------

    def to_vodozemac_pickle(self, pickle_key: bytes) -> str:
        """This session as a vodozemac ``Session`` pickle (32-byte key; SPEC.md section 13)."""
        from olmpy.olm import _session_formats as formats

        return formats.to_vodozemac_pickle(self, pickle_key)

    @classmethod
    def from_vodozemac_pickle(cls, pickle: str, pickle_key: bytes) -> Session:
        """Loads a vodozemac ``Session`` pickle (SPEC.md section 13)."""
        from olmpy.olm import _session_formats as formats

        return formats.from_vodozemac_pickle(cls, pickle, pickle_key)

    def __repr__(self) -> str:
        return f"Session(session_id={self._session_id})"

    # --- the ratchet --------------------------------------------------------------------

    def _ratchet_step(self) -> None:
        """A new ratchet key and sender chain, keyed by the newest receiver chain's key."""
        b = self._b
        secret = self._rng(32)
        root, chain = b.olm_ratchet(self._root, secret, self._receivers[0][0])
        self._root = root
        if self._ratchet_count is not None:
            self._ratchet_count += 1
        self._sender = (b.secret_buffer(secret), b.x25519_public_batch(secret), chain)

    def _decrypt(self, message: Message) -> bytes:
        b = self._b
        their, index, raw = message.ratchet_key, message.chain_index, message.to_bytes()
        chain = next((c for key, c in self._receivers if key == their), None)
        if chain is None:
            return self._decrypt_new_chain(message)
        chain_raw: bytes = b.read_secret(chain)
        chain_index = int.from_bytes(chain_raw[32:36], "big")
        if index < chain_index:
            for pos, (key_owner, key_index, key) in enumerate(self._skipped):
                if key_owner == their and key_index == index:
                    plaintext: bytes = b.olm_decrypt_message(b.read_secret(key), raw)
                    del self._skipped[pos]
                    self._received = True
                    return plaintext
            raise UnknownMessageIndexError(
                f"Olm message at chain index {index}: expected a key still held (chain is at "
                f"{chain_index}, {len(self._skipped)} skipped keys kept), got none"
            )
        if index == chain_index:  # in order: one native call, chain advanced on success
            plaintext = b.olm_decrypt_next(chain, raw)
            self._received = True
            return plaintext
        keys, after = self._keys_up_to(chain_raw, index)
        plaintext = b.olm_decrypt_message(keys[-1][1], raw)
        b.write_secret(chain, after)
        self._remember(their, keys[:-1])
        self._received = True
        return plaintext

    def _keys_up_to(self, chain_raw: bytes, index: int) -> tuple[list[tuple[int, bytes]], bytes]:
        chain_index = int.from_bytes(chain_raw[32:36], "big")
        if index - chain_index > MAX_MESSAGE_GAP:
            raise MessageGapError(
                f"Olm message at chain index {index}: expected at most {MAX_MESSAGE_GAP} "
                f"messages after {chain_index}, got {index - chain_index}"
            )
        result: tuple[list[tuple[int, bytes]], bytes] = self._b.olm_chain_keys(
            chain_raw, index, MAX_SKIPPED_KEYS + 1
        )
        return result

    def _decrypt_new_chain(self, message: Message) -> bytes:
        b = self._b
        if self._sender is None:
            # With no ratchet key of ours the message cannot be authenticated: to the
            # receiver it is indistinguishable from a forgery (libolm and vodozemac agree).
            raise MacError(
                "Olm message MAC: expected a message on a known chain or answering our "
                "ratchet key, got one that cannot be authenticated"
            )
        root, chain = b.olm_ratchet(self._root, self._sender[0], message.ratchet_key)
        skipped: list[tuple[int, bytes]] = []
        if message.chain_index == 0:  # the usual case: one native call, chain advanced
            plaintext: bytes = b.olm_decrypt_next(chain, message.to_bytes())
        else:
            keys, after = self._keys_up_to(b.read_secret(chain), message.chain_index)
            plaintext = b.olm_decrypt_message(keys[-1][1], message.to_bytes())
            b.write_secret(chain, after)
            skipped = keys[:-1]
        # Commit: new root, new receiver chain first, oldest chain dropped, sender cleared.
        self._root = root
        self._receivers.insert(0, (message.ratchet_key, chain))
        del self._receivers[MAX_RECEIVER_CHAINS:]
        self._sender = None
        if self._ratchet_count is not None:
            self._ratchet_count += 1
        self._remember(message.ratchet_key, skipped)
        self._received = True
        return plaintext

    def _remember(self, their: bytes, keys: list[tuple[int, bytes]]) -> None:
        for index, key in keys:
            self._skipped.append((their, index, self._b.secret_buffer(key)))
        del self._skipped[: max(0, len(self._skipped) - MAX_SKIPPED_KEYS)]


__all__ = [
    "Session",
]

"""Short authentication string (SAS) verification: the crypto of ``m.sas.v1``.

Theory of operation
-------------------
Each device makes an ephemeral X25519 key pair (``Sas``) and, once it holds the
other side's public key, computes the shared secret exactly once
(``Sas.diffie_hellman``, which consumes the ``Sas``).  Everything after that is
HKDF-SHA-256 with no salt over the shared secret (``EstablishedSas``):

* ``bytes(info)``: 6 HKDF bytes; the first 42 bits give 7 emoji indices, the
  first 40 bits give three 13-bit numbers plus 1000 (the spec's ``decimal``).
* MACs, by the ``message_authentication_code`` method agreed in
  ``m.key.verification.accept``:

  - ``hkdf-hmac-sha256.v2``: HMAC-SHA-256 keyed with 32 HKDF bytes, tag in
    correct unpadded base64 (``calculate_mac``, vodozemac's ``calculate_mac``,
    python-olm's ``calculate_mac_fixed_base64``).
  - ``hkdf-hmac-sha256``: the same HMAC, encoded the way libolm's
    ``olm_sas_calculate_mac`` does: its base64 encoder writes into the buffer
    still holding the 32 MAC bytes, so from the second 3-byte group on it reads
    back characters it has already written (``calculate_mac_invalid_base64``,
    vodozemac's method of the same name, python-olm's ``calculate_mac``).
  - ``hmac-sha256``: HMAC-SHA-256 keyed with 256 HKDF bytes, same broken
    encoding (``calculate_mac_long_kdf``, python-olm's method of the same name;
    vodozemac has none).

The rest of the module is the spec's text around the crypto, as pure helpers:
the HKDF info strings, the key-id list, the commitment hash and the emoji table.
Nothing here does I/O or keeps protocol state.
"""

from __future__ import annotations

import binascii
import builtins
import hmac
import os
from collections.abc import Iterable, Mapping
from typing import Any, Final, cast

from olmpy import _b64, _backend
from olmpy._contract import Backend, Secret
from olmpy._nocopy import refuse_pickle
from olmpy.errors import DecryptionError, MacError, UsageError, expected
from olmpy.hazmat import primitives
from olmpy.keys import Curve25519PublicKey
from olmpy.sas_emoji import EMOJI
from olmpy.signed_json import canonical_json
from olmpy.types import KeyAgreementProtocol, KeyVerificationStart, MacMethod

_Bytes = builtins.bytes  # EstablishedSas.bytes shadows the builtin inside that class
_b2a = binascii.b2a_base64

MAC_HKDF_HMAC_SHA256_V2: Final = "hkdf-hmac-sha256.v2"
"""The current MAC method: HKDF key, HMAC-SHA-256, correct unpadded base64."""
MAC_HKDF_HMAC_SHA256: Final = "hkdf-hmac-sha256"
"""Deprecated MAC method: as v2 but with libolm's broken in-place base64."""
MAC_HMAC_SHA256: Final = "hmac-sha256"
"""Old Riot's MAC method: 256-byte HKDF key, libolm's broken in-place base64."""
MAC_MSC3783: Final = "org.matrix.msc3783.hkdf-hmac-sha256"
"""Unstable name of ``hkdf-hmac-sha256.v2`` (MSC3783), still seen from old clients."""
MAC_METHODS: Final = (MAC_HKDF_HMAC_SHA256_V2, MAC_HKDF_HMAC_SHA256, MAC_HMAC_SHA256)
"""The stable MAC method names, most preferred first."""

KEY_AGREEMENT_HKDF: Final = "curve25519-hkdf-sha256"
"""The key agreement protocol new clients use (info string with ``|`` and keys)."""
KEY_AGREEMENT_LEGACY: Final = "curve25519"
"""The deprecated key agreement protocol (info string without separators or keys)."""

SAS_INFO_PREFIX: Final = "MATRIX_KEY_VERIFICATION_SAS"
MAC_INFO_PREFIX: Final = "MATRIX_KEY_VERIFICATION_MAC"
KEY_IDS: Final = "KEY_IDS"
"""The key id that ``mac_info`` takes when the MAC-ed item is the key-id list."""

_ALIASES: Final = {
    MAC_HKDF_HMAC_SHA256_V2: MAC_HKDF_HMAC_SHA256_V2,
    MAC_MSC3783: MAC_HKDF_HMAC_SHA256_V2,
    MAC_HKDF_HMAC_SHA256: MAC_HKDF_HMAC_SHA256,
    MAC_HMAC_SHA256: MAC_HMAC_SHA256,
}
_MAX_HKDF = 255 * 32
_MAC_LEN = 32
_LONG_KDF_KEY_LEN = 256


class CommitmentMismatchError(DecryptionError):
    """The accepting device's key and the start content do not hash to its commitment.

    The spec's cancel code for this is ``m.mismatched_commitment``.
    """


# --- small checks -------------------------------------------------------------------------


def _text(name: str, value: object) -> _Bytes:
    """A MAC input or info string as bytes: str is UTF-8 encoded, bytes pass through."""
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UsageError(
                f"{name}: " + expected("a str encodable as UTF-8", "one with a lone surrogate")
            ) from exc
    if isinstance(value, (_Bytes, bytearray, memoryview)):
        return _Bytes(value)
    raise UsageError(f"{name}: " + expected("str or bytes", type(value).__name__))


def _shown_int(value: int) -> str:
    """An int for an error message (str() refuses ints beyond 4300 digits)."""
    return str(value) if value.bit_length() <= 64 else f"an integer of {value.bit_length()} bits"


def _ident(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{name}: " + expected("str", type(value).__name__))
    return value


def _key_b64(name: str, key: object) -> str:
    """Unpadded base64 of a Curve25519 public key given as an object, base64 or bytes."""
    raw = Curve25519PublicKey._coerce(key, name)  # type: ignore[arg-type]
    return _b64.encode_public(raw)


def mac_method(method: object) -> MacMethod:
    """The canonical name of a MAC method (an alias maps to its stable name).

    Raises ``UsageError`` for a name olmpy does not implement.
    """
    if not isinstance(method, str) or method not in _ALIASES:
        shown = repr(method) if isinstance(method, str) else type(method).__name__
        raise UsageError("SAS MAC method: " + expected(f"one of {sorted(_ALIASES)}", shown))
    return cast(MacMethod, _ALIASES[method])


def _libolm_base64(mac: _Bytes) -> str:
    """Base64 of a 32-byte MAC as libolm's in-place encoder writes it.

    libolm encodes from and into the same 43-byte buffer.  Group k (3 bytes in,
    4 characters out) reads offsets 3k..3k+2 after groups 0..k-1 have written
    offsets 0..4k-1, so from group 1 on it re-encodes characters it wrote itself;
    the last two bytes read (offsets 30, 31) become the final 3 characters.  Only
    MAC bytes 0, 1, 2, 4, 5 and 8 are ever read, and characters 0-3, 6, 7 and 11
    are the correct encoding.  Below, ``out`` is the buffer's written prefix.
    binascii is the pure backend's encoder too; its 64-entry table spans at most
    two cache lines.
    """
    out = _b2a(mac[0:3], newline=False)  # group 0: MAC bytes 0..2
    out += _b2a(out[3:4] + mac[4:6], newline=False)  # group 1: char 3, MAC bytes 4, 5
    out += _b2a(out[6:8] + mac[8:9], newline=False)  # group 2: chars 6, 7, MAC byte 8
    for k in range(9, 30, 3):  # groups 3..9: only characters written before
        out += _b2a(out[k : k + 3], newline=False)
    out += _b2a(out[30:32], newline=False)[:3]  # the 2-byte remainder, unpadded
    return out.decode("ascii")


# --- the short authentication string ----------------------------------------------------


def decimals_from_bytes(data: _Bytes) -> tuple[int, int, int]:
    """The spec's ``decimal`` SAS: three numbers 1000..9191 from 5 HKDF bytes.

    Takes 5 bytes, or the 6 that ``EstablishedSas.bytes`` derives (the sixth is
    then ignored).
    """
    if not isinstance(data, (_Bytes, bytearray, memoryview)):
        raise UsageError("SAS bytes: " + expected("bytes", type(data).__name__))
    b = _Bytes(data)
    if len(b) not in (5, 6):
        raise UsageError("SAS bytes: " + expected("5 or 6 bytes", f"{len(b)} bytes"))
    n = int.from_bytes(b[:5], "big")  # 40 bits: three 13-bit groups, one bit unused
    return ((n >> 27) + 1000, ((n >> 14) & 0x1FFF) + 1000, ((n >> 1) & 0x1FFF) + 1000)


def emoji_indices_from_bytes(data: _Bytes) -> _Bytes:
    """The spec's ``emoji`` SAS: 7 indices 0..63 (as bytes) from 6 HKDF bytes."""
    if not isinstance(data, (_Bytes, bytearray, memoryview)):
        raise UsageError("SAS bytes: " + expected("bytes", type(data).__name__))
    b = _Bytes(data)
    if len(b) != 6:
        raise UsageError("SAS bytes: " + expected("6 bytes", f"{len(b)} bytes"))
    n = int.from_bytes(b, "big") >> 6  # the first 42 of 48 bits
    return _Bytes(
        (n >> 36, (n >> 30) & 63, (n >> 24) & 63, (n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63,
         n & 63)
    )


def emoji_for_index(index: int) -> tuple[str, str]:
    """``(emoji, English name)`` for an emoji index 0..63, from the spec's table."""
    if isinstance(index, bool) or not isinstance(index, int):
        raise UsageError("SAS emoji index: " + expected("int", type(index).__name__))
    if not 0 <= index < len(EMOJI):
        raise UsageError("SAS emoji index: " + expected("0..63", _shown_int(index)))
    return EMOJI[index]


class SasBytes:
    """The 6 bytes a SAS is shown from (vodozemac: ``SasBytes``)."""

    __slots__ = ("_raw",)

    def __init__(self, raw: _Bytes) -> None:
        if not isinstance(raw, (_Bytes, bytearray, memoryview)):
            raise UsageError("SasBytes: " + expected("bytes", type(raw).__name__))
        if len(raw) != 6:
            raise UsageError("SasBytes: " + expected("6 bytes", f"{len(raw)} bytes"))
        self._raw = _Bytes(raw)

    @property
    def emoji_indices(self) -> _Bytes:
        """7 emoji indices, each 0..63, as a 7-byte ``bytes`` (vodozemac's type)."""
        return emoji_indices_from_bytes(self._raw)

    @property
    def emojis(self) -> tuple[tuple[str, str], ...]:
        """The 7 ``(emoji, English name)`` pairs to show the user."""
        return tuple(EMOJI[i] for i in self.emoji_indices)

    @property
    def decimals(self) -> tuple[int, int, int]:
        """Three numbers 1000..9191 (from the first 5 bytes)."""
        return decimals_from_bytes(self._raw[:5])

    def as_bytes(self) -> _Bytes:
        """The 6 raw HKDF bytes."""
        return self._raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SasBytes) and hmac.compare_digest(self._raw, other._raw)

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return "SasBytes(<6 bytes>)"


# --- the key pair and the shared secret ---------------------------------------------------


class Sas:
    """An ephemeral X25519 key pair for one verification (vodozemac: ``Sas``).

    ``diffie_hellman`` may be called once; it consumes the secret.
    """

    __slots__ = ("_b", "_public", "_secret")

    __reduce__ = refuse_pickle("it in memory only: a SAS serves one verification")

    _b: Backend[Secret]
    _secret: Secret | None
    _public: Curve25519PublicKey

    def __init__(self) -> None:
        self._setup(os.urandom(32))

    @classmethod
    def _from_secret(cls, secret: _Bytes) -> Sas:
        """A ``Sas`` with a given X25519 secret: for known-answer tests only."""
        self = cls.__new__(cls)
        self._setup(primitives.require_bytes("SAS X25519 secret", secret, 32))
        return self

    def _setup(self, secret: _Bytes) -> None:
        b = _backend.impl
        self._b = b
        self._public = Curve25519PublicKey(b.x25519_public_batch(secret))
        self._secret = b.secret_buffer(secret)

    @property
    def public_key(self) -> Curve25519PublicKey:
        """Our ephemeral public key, for the ``m.key.verification.key`` event."""
        return self._public

    def diffie_hellman(self, their_key: Curve25519PublicKey | str | _Bytes) -> EstablishedSas:
        """Computes the shared secret with the other side's public key; once only.

        Raises ``UsageError`` if this ``Sas`` was used already; ``Base64Error`` or
        ``KeyDecodeError`` for a malformed key (the ``Sas`` stays usable); and
        ``KeyDecodeError`` for a key giving an all-zero secret (the ``Sas`` is
        consumed, as in vodozemac).
        """
        if self._secret is None:
            raise UsageError(
                "Sas.diffie_hellman: "
                + expected("an unused Sas", "one whose diffie_hellman was already called")
            )
        their = Curve25519PublicKey._coerce(their_key, "their SAS public key")
        secret, self._secret = self._secret, None
        try:
            shared = self._b.x25519(secret, their)
        finally:
            self._b.wipe(secret)
        return EstablishedSas._create(self._b, shared, self._public, Curve25519PublicKey(their))

    def __repr__(self) -> str:
        state = "used" if self._secret is None else "unused"
        return f"Sas(public_key={self._public!r}, {state})"


class EstablishedSas:
    """The shared secret of one verification (vodozemac: ``EstablishedSas``).

    Made only by ``Sas.diffie_hellman``.  Method names and defaults follow
    vodozemac: ``calculate_mac`` is ``hkdf-hmac-sha256.v2`` unless ``method``
    says otherwise.
    """

    __slots__ = ("_b", "_our", "_shared", "_their")

    __reduce__ = refuse_pickle("it in memory only: a SAS serves one verification")

    _b: Backend[Secret]
    _shared: Secret
    _our: Curve25519PublicKey
    _their: Curve25519PublicKey

    def __init__(self) -> None:
        raise UsageError(
            "EstablishedSas: " + expected("one made by Sas.diffie_hellman", "direct construction")
        )

    @classmethod
    def _create(
        cls,
        b: Backend[Secret],
        shared: _Bytes,
        our: Curve25519PublicKey,
        their: Curve25519PublicKey,
    ) -> EstablishedSas:
        self = cls.__new__(cls)
        self._b = b
        self._shared = b.secret_buffer(shared)
        self._our = our
        self._their = their
        return self

    @property
    def our_public_key(self) -> Curve25519PublicKey:
        """Our ephemeral public key."""
        return self._our

    @property
    def their_public_key(self) -> Curve25519PublicKey:
        """The other side's ephemeral public key."""
        return self._their

    def _hkdf(self, info: _Bytes, length: int) -> _Bytes:
        out: _Bytes = self._b.hkdf_sha256(b"", self._b.read_secret(self._shared), info, length)
        return out

    def bytes_raw(self, info: str | _Bytes, count: int) -> _Bytes:
        """``count`` (1..8160) HKDF bytes for ``info``: python-olm's ``generate_bytes``."""
        if isinstance(count, bool) or not isinstance(count, int):
            raise UsageError("SAS byte count: " + expected("int", type(count).__name__))
        if not 1 <= count <= _MAX_HKDF:
            raise UsageError("SAS byte count: " + expected(f"1..{_MAX_HKDF}", _shown_int(count)))
        return self._hkdf(_text("SAS info", info), count)

    def _mac_bytes(self, input: str | _Bytes, info: str | _Bytes, key_len: int) -> _Bytes:
        data = _text("SAS MAC input", input)
        key = self._hkdf(_text("SAS MAC info", info), key_len)
        mac: _Bytes = self._b.hmac_sha256(key, data)
        return mac

    def calculate_mac(
        self, input: str | _Bytes, info: str | _Bytes, method: MacMethod = MAC_HKDF_HMAC_SHA256_V2
    ) -> str:
        """The MAC of ``input`` under the key HKDF derives for ``info``, as sent on the wire.

        ``method`` is the agreed ``message_authentication_code``:
        ``hkdf-hmac-sha256.v2`` (default; also its MSC3783 name),
        ``hkdf-hmac-sha256`` or ``hmac-sha256``.
        """
        name = mac_method(method)
        if name == MAC_HKDF_HMAC_SHA256_V2:
            return _b64.encode_public(self._mac_bytes(input, info, _MAC_LEN))
        if name == MAC_HKDF_HMAC_SHA256:
            return _libolm_base64(self._mac_bytes(input, info, _MAC_LEN))
        return _libolm_base64(self._mac_bytes(input, info, _LONG_KDF_KEY_LEN))

    def calculate_mac_invalid_base64(self, input: str | _Bytes, info: str | _Bytes) -> str:
        """``hkdf-hmac-sha256``: libolm's ``olm_sas_calculate_mac`` output, bug included."""
        return self.calculate_mac(input, info, MAC_HKDF_HMAC_SHA256)

    def calculate_mac_long_kdf(self, input: str | _Bytes, info: str | _Bytes) -> str:
        """``hmac-sha256``: libolm's ``olm_sas_calculate_mac_long_kdf`` output, bug included."""
        return self.calculate_mac(input, info, MAC_HMAC_SHA256)

    def verify_mac(
        self,
        input: str | _Bytes,
        info: str | _Bytes,
        tag: str,
        method: MacMethod = MAC_HKDF_HMAC_SHA256_V2,
    ) -> None:
        """Checks the other side's MAC in constant time; raises ``MacError`` on a mismatch.

        For ``hkdf-hmac-sha256.v2`` the tag is decoded first (padded or not), so
        a tag that is not base64 raises ``Base64Error``.  The two broken-base64
        methods cannot be decoded: their tags are recomputed and compared as text.
        """
        if not isinstance(tag, str):
            raise UsageError("SAS MAC tag: " + expected("str", type(tag).__name__))
        name = mac_method(method)
        if name == MAC_HKDF_HMAC_SHA256_V2:
            given = _b64.decode_public(tag, "SAS MAC tag")
            want = self._mac_bytes(input, info, _MAC_LEN)
        else:
            want = self.calculate_mac(input, info, name).encode("ascii")
            given = tag.encode("utf-8", "replace")
        if not hmac.compare_digest(want, given):
            raise MacError(
                f"SAS MAC ({name}): "
                + expected("the MAC of the input under the shared secret", "a different tag")
            )

    def bytes(self, info: str | _Bytes) -> SasBytes:
        """The 6 bytes the emoji and decimal SAS are shown from (HKDF of ``info``)."""
        return SasBytes(self._hkdf(_text("SAS info", info), 6))

    def __repr__(self) -> str:
        return f"EstablishedSas(our_public_key={self._our!r}, their_public_key={self._their!r})"


# --- the spec's strings around the crypto ---------------------------------------------------


def sas_info(
    *,
    start_user_id: str,
    start_device_id: str,
    start_public_key: Curve25519PublicKey | str | bytes | None,
    accept_user_id: str,
    accept_device_id: str,
    accept_public_key: Curve25519PublicKey | str | bytes | None,
    transaction_id: str,
    key_agreement_protocol: KeyAgreementProtocol = KEY_AGREEMENT_HKDF,
) -> str:
    """The HKDF info for ``EstablishedSas.bytes``; "start" is the side that sent
    ``m.key.verification.start``, "accept" the side that sent ``...accept``.

    ``curve25519-hkdf-sha256``:
    ``MATRIX_KEY_VERIFICATION_SAS|<start user>|<start device>|<start key>|<accept
    user>|<accept device>|<accept key>|<transaction id>`` (keys as unpadded base64).
    Deprecated ``curve25519``: the prefix and the five ids concatenated with no
    separator; the keys are not used and may be None.
    """
    ids = [
        _ident("start user id", start_user_id),
        _ident("start device id", start_device_id),
        _ident("accept user id", accept_user_id),
        _ident("accept device id", accept_device_id),
        _ident("transaction id", transaction_id),
    ]
    if key_agreement_protocol == KEY_AGREEMENT_LEGACY:
        return SAS_INFO_PREFIX + "".join(ids)
    if key_agreement_protocol != KEY_AGREEMENT_HKDF:
        shown = (
            repr(key_agreement_protocol)
            if isinstance(key_agreement_protocol, str)
            else type(key_agreement_protocol).__name__
        )
        raise UsageError(
            "SAS key agreement protocol: "
            + expected(f"{KEY_AGREEMENT_HKDF!r} or {KEY_AGREEMENT_LEGACY!r}", shown)
        )
    start_key = _key_b64("start public key", start_public_key)
    accept_key = _key_b64("accept public key", accept_public_key)
    parts = [SAS_INFO_PREFIX, *ids[:2], start_key, *ids[2:4], accept_key, ids[4]]
    return "|".join(parts)


def sas_info_for(
    *,
    our_user_id: str,
    our_device_id: str,
    our_public_key: Curve25519PublicKey | str | bytes | None,
    their_user_id: str,
    their_device_id: str,
    their_public_key: Curve25519PublicKey | str | bytes | None,
    transaction_id: str,
    we_started: bool,
    key_agreement_protocol: KeyAgreementProtocol = KEY_AGREEMENT_HKDF,
) -> str:
    """``sas_info`` from one side's point of view: both sides get the same string."""
    if not isinstance(we_started, bool):
        raise UsageError("we_started: " + expected("bool", type(we_started).__name__))
    ours = (our_user_id, our_device_id, our_public_key)
    theirs = (their_user_id, their_device_id, their_public_key)
    start, accept = (ours, theirs) if we_started else (theirs, ours)
    return sas_info(
        start_user_id=start[0],
        start_device_id=start[1],
        start_public_key=start[2],
        accept_user_id=accept[0],
        accept_device_id=accept[1],
        accept_public_key=accept[2],
        transaction_id=transaction_id,
        key_agreement_protocol=key_agreement_protocol,
    )


def mac_info(
    *,
    sender_user_id: str,
    sender_device_id: str,
    receiver_user_id: str,
    receiver_device_id: str,
    transaction_id: str,
    key_id: str,
) -> str:
    """The HKDF info for one MAC of ``m.key.verification.mac``.

    ``MATRIX_KEY_VERIFICATION_MAC`` + the user whose key is MAC-ed (the sender) +
    the sending device + the other user + the receiving device + the transaction
    id + the key id (``ed25519:DEVICEID``, ...) or ``KEY_IDS`` for the key-id list;
    no separators.  The receiver builds the same string with the sender's ids first.
    """
    return MAC_INFO_PREFIX + "".join(
        [
            _ident("sender user id", sender_user_id),
            _ident("sender device id", sender_device_id),
            _ident("receiver user id", receiver_user_id),
            _ident("receiver device id", receiver_device_id),
            _ident("transaction id", transaction_id),
            _ident("key id", key_id),
        ]
    )


def key_ids_mac_input(key_ids: Iterable[str]) -> str:
    """The MAC input for the ``keys`` field: the key ids sorted, joined by commas.

    Sorting is by code point (= UTF-8 byte order, as matrix-rust-sdk sorts); the
    ids are the keys of the event's ``mac`` object, so they are distinct.
    """
    if isinstance(key_ids, (str, _Bytes, bytearray)) or not isinstance(key_ids, Iterable):
        raise UsageError("key ids: " + expected("an iterable of str", type(key_ids).__name__))
    ids = [_ident("key id", k) for k in key_ids]
    if len(set(ids)) != len(ids):
        raise UsageError("key ids: " + expected("distinct ids", "a repeated id"))
    return ",".join(sorted(ids))


def commitment(
    public_key: Curve25519PublicKey | str | bytes,
    start_content: KeyVerificationStart | Mapping[str, Any],
) -> str:
    """The ``commitment`` of ``m.key.verification.accept``.

    Unpadded base64 of SHA-256 over the accepting device's ephemeral public key
    (unpadded base64) followed by the canonical JSON of the
    ``m.key.verification.start`` content as it was received.
    """
    key = _key_b64("SAS commitment public key", public_key)
    if not isinstance(start_content, Mapping):
        raise UsageError(
            "SAS start content: " + expected("a JSON object", type(start_content).__name__)
        )
    digest = primitives.sha256(key.encode("ascii") + canonical_json(dict(start_content)))
    return _b64.encode_public(digest)


def verify_commitment(
    public_key: Curve25519PublicKey | str | bytes,
    start_content: KeyVerificationStart | Mapping[str, Any],
    commitment_b64: str,
) -> None:
    """Checks a received commitment in constant time; raises ``CommitmentMismatchError``."""
    if not isinstance(commitment_b64, str):
        raise UsageError("SAS commitment: " + expected("str", type(commitment_b64).__name__))
    want = commitment(public_key, start_content).encode("ascii")
    if not hmac.compare_digest(want, commitment_b64.encode("utf-8", "replace")):
        raise CommitmentMismatchError(
            "SAS commitment: "
            + expected("SHA-256 of the accepting key and the start content", "a different hash")
        )


__all__ = [
    "EMOJI",
    "KEY_AGREEMENT_HKDF",
    "KEY_AGREEMENT_LEGACY",
    "KEY_IDS",
    "MAC_HKDF_HMAC_SHA256",
    "MAC_HKDF_HMAC_SHA256_V2",
    "MAC_HMAC_SHA256",
    "MAC_INFO_PREFIX",
    "MAC_METHODS",
    "MAC_MSC3783",
    "SAS_INFO_PREFIX",
    "CommitmentMismatchError",
    "EstablishedSas",
    "Sas",
    "SasBytes",
    "commitment",
    "decimals_from_bytes",
    "emoji_for_index",
    "emoji_indices_from_bytes",
    "key_ids_mac_input",
    "mac_info",
    "mac_method",
    "sas_info",
    "sas_info_for",
    "verify_commitment",
]

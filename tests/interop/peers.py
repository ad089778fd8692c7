"""Adapters that give olmpy, libolm (python-olm) and vodozemac one Megolm interface.

The interop tests talk to every library through ``Sender`` and ``Receiver``:
messages and keys cross between them as base64 text, exactly as they would
inside Matrix events.  Beyond the libraries' public APIs, two tools are needed:

* ``libolm_decrypt`` calls libolm's C function directly, because python-olm's
  ``decrypt`` decodes the plaintext as UTF-8 and so cannot return arbitrary
  bytes.
* Senders at an arbitrary ratchet state.  olmpy has ``GroupSession.from_parts``.
  libolm and vodozemac have no such constructor, but both can load a pickle,
  and both pickles are plain data under the same "Pickle" cipher (HKDF of the
  pickle key, AES-256-CBC, truncated HMAC-SHA-256).  ``PickleCipher`` opens a
  fresh session's pickle, the builder swaps in the wanted ratchet, counter and
  signing key, and the library loads the result.  With the same (ratchet,
  counter, seed) the three senders are the same session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Callable
from typing import Protocol

import olm
import vodozemac
from _libolm import ffi, lib  # python-olm's cffi module for libolm
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl.signing import SigningKey

import olmpy
import olmpy.testing

LIBS = ("olmpy", "libolm", "vodozemac")
PEERS = ("libolm", "vodozemac")

# Every directed pair with olmpy on at least one side, plus the two peers between
# themselves (which anchors what "compatible" means).
PAIRS = [(s, r) for s in LIBS for r in LIBS if s != r]

U32 = 0xFFFFFFFF


# --- base64 -----------------------------------------------------------------------------


def b64encode(data: bytes) -> str:
    """Unpadded standard base64, the form every Matrix library writes."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str | bytes) -> bytes:
    """Decodes padded or unpadded standard base64 strictly."""
    if isinstance(text, bytes):
        text = text.decode("ascii")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


# --- the libolm/vodozemac pickle cipher ---------------------------------------------------


class PickleCipher:
    """libolm's pickle encryption (also used by vodozemac for its own JSON pickles)."""

    def __init__(self, pickle_key: bytes) -> None:
        okm = HKDF(hashes.SHA256(), 80, b"\0" * 32, b"Pickle").derive(pickle_key)
        self._aes, self._mac, self._iv = okm[:32], okm[32:64], okm[64:80]

    def open(self, pickle: str | bytes) -> bytes:
        """Checks the MAC and decrypts a base64 pickle into its raw plaintext."""
        raw = b64decode(pickle)
        ct, tag = raw[:-8], raw[-8:]
        want = hmac.new(self._mac, ct, hashlib.sha256).digest()[:8]
        if not hmac.compare_digest(want, tag):
            raise ValueError("pickle MAC does not match")
        dec = Cipher(algorithms.AES(self._aes), modes.CBC(self._iv)).decryptor()
        unpad = padding.PKCS7(128).unpadder()
        return unpad.update(dec.update(ct) + dec.finalize()) + unpad.finalize()

    def seal(self, plaintext: bytes) -> str:
        """Encrypts raw pickle plaintext into base64, as the library itself would."""
        pad = padding.PKCS7(128).padder()
        padded = pad.update(plaintext) + pad.finalize()
        enc = Cipher(algorithms.AES(self._aes), modes.CBC(self._iv)).encryptor()
        ct = enc.update(padded) + enc.finalize()
        return b64encode(ct + hmac.new(self._mac, ct, hashlib.sha256).digest()[:8])


def expanded_ed25519(seed: bytes) -> bytes:
    """libolm's stored form of an Ed25519 private key: clamped SHA-512(seed) scalar || prefix."""
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def ed25519_public(seed: bytes) -> bytes:
    """The Ed25519 public key of a 32-byte seed (computed by libsodium, not by olmpy)."""
    return bytes(SigningKey(seed).verify_key)


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """A detached Ed25519 signature (libsodium), for forging test messages with a known key."""
    return bytes(SigningKey(seed).sign(message).signature)


def export_key(ratchet: bytes, counter: int, seed: bytes) -> str:
    """The exported session key (0x01 | index | R0..R3 | Ed25519 key) for a ratchet state."""
    return b64encode(bytes([1]) + counter.to_bytes(4, "big") + ratchet + ed25519_public(seed))


def export_ratchet(exported: str) -> bytes:
    """R0..R3 out of a base64 exported session key."""
    raw = b64decode(exported)
    if len(raw) != 165 or raw[0] != 1:
        raise AssertionError(f"not an exported session key: {len(raw)} bytes")
    return raw[5:133]


# --- Megolm messages built independently of every library -----------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def megolm_cipher_keys(ratchet: bytes) -> tuple[bytes, bytes, bytes]:
    """(AES key, HMAC key, IV) for the message at a ratchet state: HKDF(0, R, "MEGOLM_KEYS")."""
    okm = HKDF(hashes.SHA256(), 80, b"\0" * 32, b"MEGOLM_KEYS").derive(ratchet)
    return okm[:32], okm[32:64], okm[64:80]


def forge_message(
    ratchet: bytes, index: int, seed: bytes, ciphertext: bytes, *, good_mac: bool = True
) -> str:
    """A validly signed Megolm message carrying ``ciphertext`` as-is (no padding, no AES).

    The MAC is the right one for ``ratchet`` unless ``good_mac`` is False; the
    signature is always valid for ``seed``.  This reaches the checks that come
    after the signature (MAC, then padding) in a receiver.
    """
    _, mac_key, _ = megolm_cipher_keys(ratchet)
    body = b"\x03\x08" + _varint(index) + b"\x12" + _varint(len(ciphertext)) + ciphertext
    mac = hmac.new(mac_key, body, hashlib.sha256).digest()[:8]
    if not good_mac:
        mac = bytes([mac[0] ^ 1]) + mac[1:]
    body += mac
    return b64encode(body + ed25519_sign(seed, body))


def aes_cbc_raw(ratchet: bytes, blocks: bytes) -> bytes:
    """AES-256-CBC with the message keys of ``ratchet`` and NO padding (to forge bad padding)."""
    aes_key, _, iv = megolm_cipher_keys(ratchet)
    enc = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    return enc.update(blocks) + enc.finalize()


# --- libolm -------------------------------------------------------------------------------

LIBOLM_PICKLE_KEY = "interop"
_LIBOLM_CIPHER = PickleCipher(LIBOLM_PICKLE_KEY.encode())
LIBOLM_OUTBOUND_VERSION = 1


def libolm_outbound_state(session: olm.OutboundGroupSession) -> tuple[bytes, int, bytes, bytes]:
    """(ratchet, counter, public key, expanded private key) read from a libolm pickle."""
    raw = _LIBOLM_CIPHER.open(session.pickle(LIBOLM_PICKLE_KEY))
    if int.from_bytes(raw[:4], "big") != LIBOLM_OUTBOUND_VERSION or len(raw) != 232:
        raise AssertionError(f"unexpected libolm outbound pickle: {len(raw)} bytes")
    return raw[4:132], int.from_bytes(raw[132:136], "big"), raw[136:168], raw[168:232]


def libolm_outbound_from_parts(
    ratchet: bytes, counter: int, seed: bytes
) -> olm.OutboundGroupSession:
    """A libolm outbound session at an arbitrary ratchet state, loaded from a rewritten pickle."""
    raw = (
        LIBOLM_OUTBOUND_VERSION.to_bytes(4, "big")
        + ratchet
        + counter.to_bytes(4, "big")
        + ed25519_public(seed)
        + expanded_ed25519(seed)
    )
    return olm.OutboundGroupSession.from_pickle(
        _LIBOLM_CIPHER.seal(raw).encode(), LIBOLM_PICKLE_KEY
    )


class LibolmError(Exception):
    """A libolm call failed; the message is libolm's error code (e.g. BAD_MESSAGE_MAC)."""


def libolm_decrypt(session: olm.InboundGroupSession, message: str) -> tuple[bytes, int]:
    """Decrypts through libolm's C API and returns the plaintext as raw bytes."""
    data = message.encode("ascii")
    # libolm decodes base64 in place, so every call gets a fresh copy of the input
    buf = ffi.new("char[]", data)
    max_len = lib.olm_group_decrypt_max_plaintext_length(session._session, buf, len(data))
    _libolm_check(session, max_len)
    out = ffi.new("char[]", max(max_len, 1))
    index = ffi.new("uint32_t*")
    buf = ffi.new("char[]", data)
    n = lib.olm_group_decrypt(session._session, buf, len(data), out, max_len, index)
    _libolm_check(session, n)
    return bytes(ffi.unpack(out, n)), int(index[0])


def _libolm_check(session: olm.InboundGroupSession, ret: int) -> None:
    if ret == lib.olm_error():
        code = ffi.string(lib.olm_inbound_group_session_last_error(session._session)).decode()
        raise LibolmError(code)


def _libolm_call(fn: Callable[[], object]) -> object:
    try:
        return fn()
    except olm.OlmGroupSessionError as e:
        raise LibolmError(str(e)) from None


# --- vodozemac ----------------------------------------------------------------------------

VODOZEMAC_PICKLE_KEY = bytes(range(32))
_VODOZEMAC_CIPHER = PickleCipher(VODOZEMAC_PICKLE_KEY)


def vodozemac_outbound_from_parts(
    ratchet: bytes, counter: int, seed: bytes
) -> vodozemac.GroupSession:
    """A vodozemac GroupSession at an arbitrary state, loaded from a rewritten JSON pickle."""
    fresh = json.loads(
        _VODOZEMAC_CIPHER.open(vodozemac.GroupSession().pickle(VODOZEMAC_PICKLE_KEY))
    )
    if set(fresh) != {"ratchet", "signing_key", "config"} or "Normal" not in fresh["signing_key"]:
        raise AssertionError(f"unexpected vodozemac GroupSession pickle: {sorted(fresh)}")
    fresh["ratchet"] = {"inner": list(ratchet), "counter": counter}
    fresh["signing_key"] = {"Normal": list(seed)}
    sealed = _VODOZEMAC_CIPHER.seal(json.dumps(fresh).encode())
    return vodozemac.GroupSession.from_pickle(sealed, VODOZEMAC_PICKLE_KEY)


# --- one interface ------------------------------------------------------------------------


class Sender(Protocol):
    """The sending side of a Megolm session, in any library."""

    lib: str

    @property
    def session_id(self) -> str: ...

    @property
    def message_index(self) -> int: ...

    def session_key(self) -> str:
        """The signed (m.room_key) session key at the current index, base64."""
        ...

    def encrypt(self, plaintext: bytes) -> str:
        """Encrypts at the current index and returns the base64 message."""
        ...


class Receiver(Protocol):
    """The receiving side of a Megolm session, in any library."""

    lib: str

    @property
    def session_id(self) -> str: ...

    @property
    def first_known_index(self) -> int: ...

    def decrypt(self, message: str) -> tuple[bytes, int]:
        """(plaintext bytes, message index); raises the library's own error on failure."""
        ...

    def export_at(self, index: int) -> str | None:
        """The exported key at ``index`` (base64), or None where the library has none."""
        ...


class OlmpySender:
    lib = "olmpy"

    def __init__(self, session: olmpy.GroupSession) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return self.inner.session_id

    @property
    def message_index(self) -> int:
        return self.inner.message_index

    def session_key(self) -> str:
        return self.inner.session_key.to_base64()

    def encrypt(self, plaintext: bytes) -> str:
        return self.inner.encrypt(plaintext).to_base64()


class LibolmSender:
    lib = "libolm"

    def __init__(self, session: olm.OutboundGroupSession) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return str(self.inner.id)

    @property
    def message_index(self) -> int:
        return int(self.inner.message_index)

    def session_key(self) -> str:
        return str(self.inner.session_key)

    def encrypt(self, plaintext: bytes) -> str:
        return str(self.inner.encrypt(plaintext))


class VodozemacSender:
    lib = "vodozemac"

    def __init__(self, session: vodozemac.GroupSession) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return str(self.inner.session_id)

    @property
    def message_index(self) -> int:
        return int(self.inner.message_index)

    def session_key(self) -> str:
        return str(self.inner.session_key.to_base64())

    def encrypt(self, plaintext: bytes) -> str:
        return str(self.inner.encrypt(plaintext).to_base64())


class OlmpyReceiver:
    lib = "olmpy"

    def __init__(self, session: olmpy.InboundGroupSession) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return self.inner.session_id

    @property
    def first_known_index(self) -> int:
        return self.inner.first_known_index

    def decrypt(self, message: str) -> tuple[bytes, int]:
        result = self.inner.decrypt(message)
        return result.plaintext, result.message_index

    def export_at(self, index: int) -> str | None:
        key = self.inner.export_at(index)
        return None if key is None else key.to_base64()


class LibolmReceiver:
    lib = "libolm"

    def __init__(self, session: olm.InboundGroupSession) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return str(self.inner.id)

    @property
    def first_known_index(self) -> int:
        return int(self.inner.first_known_index)

    def decrypt(self, message: str) -> tuple[bytes, int]:
        return libolm_decrypt(self.inner, message)

    def export_at(self, index: int) -> str | None:
        """libolm raises UNKNOWN_MESSAGE_INDEX where the others return None; mapped to None."""
        try:
            return str(_libolm_call(lambda: self.inner.export_session(index)))
        except LibolmError as e:
            if str(e) != "UNKNOWN_MESSAGE_INDEX":
                raise
            return None


class VodozemacReceiver:
    lib = "vodozemac"

    def __init__(self, session: vodozemac.InboundGroupSession) -> None:
        self.inner = session

    @property
    def session_id(self) -> str:
        return str(self.inner.session_id)

    @property
    def first_known_index(self) -> int:
        return int(self.inner.first_known_index)

    def decrypt(self, message: str) -> tuple[bytes, int]:
        result = self.inner.decrypt(vodozemac.MegolmMessage.from_base64(message))
        return bytes(result.plaintext), int(result.message_index)

    def export_at(self, index: int) -> str | None:
        key = self.inner.export_at(index)
        return None if key is None else str(key.to_base64())


# --- factories ----------------------------------------------------------------------------


def new_sender(lib_name: str) -> Sender:
    """A brand-new session made by the library's own constructor (its own randomness)."""
    if lib_name == "olmpy":
        return OlmpySender(olmpy.GroupSession())
    if lib_name == "libolm":
        return LibolmSender(olm.OutboundGroupSession())
    if lib_name == "vodozemac":
        return VodozemacSender(vodozemac.GroupSession())
    raise ValueError(lib_name)


def sender_from_parts(lib_name: str, ratchet: bytes, counter: int, seed: bytes) -> Sender:
    """A session at a chosen state; equal arguments give the same session in every library."""
    if lib_name == "olmpy":
        return OlmpySender(olmpy.testing.group_session_from_parts(ratchet, counter, seed))
    if lib_name == "libolm":
        return LibolmSender(libolm_outbound_from_parts(ratchet, counter, seed))
    if lib_name == "vodozemac":
        return VodozemacSender(vodozemac_outbound_from_parts(ratchet, counter, seed))
    raise ValueError(lib_name)


def advanced_sender(lib_name: str, ratchet0: bytes, seed: bytes, index: int) -> Sender:
    """The session that began at index 0 with ``ratchet0``, as ``lib_name`` holds it at ``index``.

    The library itself advances the ratchet (by exporting at ``index`` from an
    import of the index-0 key), so a receiver holding the index-0 key must be
    able to follow the sender all the way up.
    """
    exported = importer(lib_name, export_key(ratchet0, 0, seed)).export_at(index)
    if exported is None:
        raise AssertionError(f"{lib_name} cannot export index {index} from index 0")
    return sender_from_parts(lib_name, export_ratchet(exported), index, seed)


def random_parts() -> tuple[bytes, bytes]:
    """Fresh (ratchet, seed) for ``sender_from_parts``."""
    return os.urandom(128), os.urandom(32)


def receiver(lib_name: str, session_key: str) -> Receiver:
    """An inbound session from a signed (m.room_key) session key."""
    if lib_name == "olmpy":
        return OlmpyReceiver(olmpy.InboundGroupSession(session_key))
    if lib_name == "libolm":
        return LibolmReceiver(
            _libolm_call(lambda: olm.InboundGroupSession(session_key))  # type: ignore[arg-type]
        )
    if lib_name == "vodozemac":
        return VodozemacReceiver(vodozemac.InboundGroupSession(vodozemac.SessionKey(session_key)))
    raise ValueError(lib_name)


def importer(lib_name: str, exported: str) -> Receiver:
    """An inbound session from an exported (forwarded / backed-up) session key."""
    if lib_name == "olmpy":
        return OlmpyReceiver(olmpy.InboundGroupSession.import_session(exported))
    if lib_name == "libolm":
        return LibolmReceiver(
            _libolm_call(lambda: olm.InboundGroupSession.import_session(exported))  # type: ignore[arg-type]
        )
    if lib_name == "vodozemac":
        return VodozemacReceiver(
            vodozemac.InboundGroupSession.import_session(vodozemac.ExportedSessionKey(exported))
        )
    raise ValueError(lib_name)


def rejection(fn: Callable[[], object]) -> str:
    """Runs ``fn``, which must fail; returns "<ExceptionType>: <message>" for assertions."""
    try:
        fn()
    except Exception as e:  # the point is to capture any library's error type
        return f"{type(e).__name__}: {e}"
    raise AssertionError("expected the call to be rejected, but it succeeded")


def is_unknown_index_error(lib_name: str, error: str) -> bool:
    """Whether a ``rejection`` string is the library's "index before the first known" error."""
    if lib_name == "olmpy":
        return error.startswith("UnknownMessageIndexError")
    if lib_name == "libolm":
        return error == "LibolmError: UNKNOWN_MESSAGE_INDEX"
    return (
        error.startswith("MegolmDecryptionException") and "unknown message index" in error.lower()
    )

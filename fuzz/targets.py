"""One fuzz target per olmpy decoder (SPEC.md section "Fuzzing, sanitizers, constant time").

A target takes the fuzzer's bytes and feeds them to one public decoder (or a small family
of decoders of one input format).  The contract every target checks is the one the decoders
document: malformed input raises an ``olmpy.errors.OlmpyError`` (a typed error), nothing
else.  Any other exception escapes the target and the fuzzer reports it; a native crash
kills the process and libFuzzer reports the signal; a slow input trips ``-timeout``.

Where a decoder authenticates before it parses (pickles, dehydrated devices, key export
files, backup entries), a second target seals the fuzzer's bytes with the right key first,
so that the parser behind the MAC is reached: random bytes alone would never get past it.

Inputs that several parts make up are split on ``SEP``; the seed corpus (``make_seeds.py``)
is written in the same layout.  Which backend runs is chosen by ``OLMPY_BACKEND`` at import.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from functools import cache
from typing import Any

import olmpy
from olmpy import attachments, backup, recovery, secret_storage, signed_json
from olmpy import key_export as kx
from olmpy.errors import OlmpyError

KEY = bytes(range(32))  # the pickle / dehydrated-device / SSSS key the targets seal with
PASSPHRASE = "fuzz passphrase"
SEP = b"\n\x00|\x00\n"  # between the parts of a multi-part input
USER = "@fuzz:example.org"

Target = Callable[[bytes], None]
TARGETS: dict[str, Target] = {}


def target(fn: Target) -> Target:
    TARGETS[fn.__name__] = fn
    return fn


def parts(data: bytes, n: int) -> list[bytes]:
    """``data`` split into exactly ``n`` parts on SEP (missing ones empty, extras joined)."""
    pieces = data.split(SEP, n - 1)
    return pieces + [b""] * (n - len(pieces))


def text(data: bytes) -> str:
    """The bytes as a str; invalid UTF-8 becomes lone surrogates, which a str from JSON can
    also hold, so decoders see those too."""
    return data.decode("utf-8", "surrogateescape")


def json_value(data: bytes) -> Any:
    """The bytes parsed as JSON with the standard library, or a marker when they are not
    JSON: the decoders under test take parsed objects, and json's own errors are not
    theirs."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return NotJson


class NotJson:
    pass


def guarded(*calls: Callable[[], object]) -> None:
    """Runs each call; typed olmpy errors are the documented outcome of bad input."""
    for call in calls:
        with contextlib.suppress(OlmpyError):
            call()


# --- fixed objects the targets decrypt with (built once per process) ---------------------


@cache
def olm_pair() -> tuple[olmpy.Account, olmpy.Session, olmpy.Session, str]:
    """Bob's account (with one-time keys left), an Alice->Bob session pair, Alice's key."""
    alice, bob = olmpy.Account(), olmpy.Account()
    bob.generate_one_time_keys(3)
    otks = list(bob.one_time_keys.values())
    outbound = alice.create_outbound_session(bob.curve25519_key, otks[0])
    first = outbound.encrypt(b"hello")
    inbound, _ = bob.create_inbound_session(alice.curve25519_key, first)
    return bob, outbound, inbound, alice.curve25519_key.to_base64()


@cache
def group() -> tuple[olmpy.GroupSession, olmpy.InboundGroupSession]:
    outbound = olmpy.GroupSession()
    return outbound, olmpy.InboundGroupSession(outbound.session_key)


@cache
def pk_decryption() -> olmpy.PkDecryption:
    return olmpy.PkDecryption.from_key(bytes(range(100, 132)))


@cache
def signer() -> olmpy.Account:
    return olmpy.Account()


# --- Olm ---------------------------------------------------------------------------------


@target
def olm_message(data: bytes) -> None:
    """Olm message bodies of both types, parsed and given to a live session and account."""
    bob, outbound, inbound, alice_key = olm_pair()
    kind, body = (data[0] & 1 if data else 0), data[1:]

    def decrypt() -> None:
        message = olmpy.AnyOlmMessage.from_parts(kind, body)
        inbound.decrypt(message)
        outbound.decrypt(message)
        if kind == 0:
            bob.create_inbound_session(alice_key, message)

    guarded(
        lambda: olmpy.Message.from_bytes(body),
        lambda: olmpy.PreKeyMessage.from_bytes(body),
        lambda: olmpy.AnyOlmMessage.from_base64(kind, text(body)),
        decrypt,
    )


# --- Megolm ------------------------------------------------------------------------------


@target
def megolm_message(data: bytes) -> None:
    """Megolm messages, parsed and decrypted by an inbound session."""
    _, inbound = group()
    guarded(
        lambda: olmpy.MegolmMessage.from_bytes(data),
        lambda: olmpy.MegolmMessage.from_base64(text(data)),
        lambda: inbound.decrypt(olmpy.MegolmMessage.from_bytes(data)),
        lambda: inbound.decrypt(text(data)),
    )


@target
def megolm_session_key(data: bytes) -> None:
    """Session keys (signed) and session exports, as bytes and as base64 text."""
    guarded(
        lambda: olmpy.SessionKey.from_bytes(data),
        lambda: olmpy.ExportedSessionKey.from_bytes(data),
        lambda: olmpy.InboundGroupSession(text(data)),
        lambda: olmpy.InboundGroupSession.import_session(text(data)),
        lambda: olmpy.InboundGroupSession(olmpy.SessionKey.from_bytes(data)),
        lambda: olmpy.InboundGroupSession.import_session(olmpy.ExportedSessionKey.from_bytes(data)),
    )


# --- pickles -----------------------------------------------------------------------------

PICKLED: tuple[tuple[str, Any], ...] = (
    ("account", olmpy.Account),
    ("session", olmpy.Session),
    ("group_session", olmpy.GroupSession),
    ("inbound_group_session", olmpy.InboundGroupSession),
    ("pk_decryption", olmpy.PkDecryption),
)


def _pickled(data: bytes) -> tuple[str, Any, bytes]:
    kind, cls = PICKLED[data[0] % len(PICKLED) if data else 0]
    return kind, cls, data[1:]


@target
def pickle_olmpy(data: bytes) -> None:
    """olmpy's own pickle format: the body behind the MAC (first byte: which class)."""
    from olmpy.pickle import _native

    kind, cls, body = _pickled(data)
    sealed = _native.seal(body, kind, KEY)
    guarded(lambda: cls.from_pickle(sealed, KEY))


@target
def pickle_libolm(data: bytes) -> None:
    """libolm's pickle format: the binary body behind the MAC (first byte: which class)."""
    from olmpy.pickle import _libolm

    _, cls, body = _pickled(data)
    sealed = _libolm.seal(body, KEY)
    guarded(lambda: cls.from_libolm_pickle(sealed, KEY))


@target
def pickle_vodozemac(data: bytes) -> None:
    """vodozemac's pickle format: the JSON text behind the MAC (first byte: which class)."""
    from olmpy.pickle import _libolm

    _, cls, body = _pickled(data)
    sealed = _libolm.seal(body, KEY)
    guarded(lambda: cls.from_vodozemac_pickle(sealed, KEY))


@target
def pickle_text(data: bytes) -> None:
    """The sealed text itself (base64, length, MAC, olmpy header) in all three formats."""
    _, cls, body = _pickled(data)
    sealed = text(body)
    guarded(
        lambda: cls.from_pickle(sealed, KEY),
        lambda: cls.from_libolm_pickle(sealed, KEY),
        lambda: cls.from_vodozemac_pickle(sealed, KEY),
    )


# --- dehydrated devices ------------------------------------------------------------------


@target
def dehydrated_device(data: bytes) -> None:
    """MSC3814 dehydrated devices: the plaintext behind ChaCha20-Poly1305, and the two
    base64 texts themselves (ciphertext SEP nonce)."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    from olmpy import _b64

    nonce = bytes(12)
    sealed = _b64.encode_public(ChaCha20Poly1305(KEY).encrypt(nonce, data, None))
    raw_ciphertext, raw_nonce = parts(data, 2)
    guarded(
        lambda: olmpy.Account.from_dehydrated_device(sealed, _b64.encode_public(nonce), KEY),
        lambda: olmpy.Account.from_dehydrated_device(text(raw_ciphertext), text(raw_nonce), KEY),
    )


# --- key export files --------------------------------------------------------------------


@target
def key_export_file(data: bytes) -> None:
    """Armoured MEGOLM SESSION DATA files as given (armour, base64, header, rounds, MAC);
    max_rounds stays small so a file asking for many PBKDF2 rounds is refused, not run."""
    guarded(
        lambda: kx.import_room_keys(text(data), PASSPHRASE, max_rounds=1000),
        lambda: kx.import_room_keys(data, PASSPHRASE, max_rounds=1000),
    )


@target
def key_export_payload(data: bytes) -> None:
    """The JSON list of sessions inside an export file, encrypted with one PBKDF2 round."""
    armoured = kx.encrypt_key_file(data, PASSPHRASE, rounds=1, allow_low_rounds=True)
    guarded(lambda: kx.import_room_keys(armoured, PASSPHRASE, max_rounds=1))


# --- recovery keys -----------------------------------------------------------------------


@target
def recovery_key(data: bytes) -> None:
    """Recovery key texts (base58, spaces, prefix, parity), and passphrase info objects."""
    info = json_value(data)
    guarded(
        lambda: recovery.decode_recovery_key(text(data)),
        lambda: olmpy.PkDecryption.from_recovery_key(text(data)),
        lambda: recovery.key_from_passphrase_info("pass", info, max_iterations=1000),
    )


# --- secret storage (SSSS) ---------------------------------------------------------------


@target
def secret_storage_json(data: bytes) -> None:
    """m.secret_storage.v1.aes-hmac-sha2: encrypted secrets, key descriptions and their
    passphrase info, as the JSON objects a server hands over."""
    obj = json_value(data)
    guarded(
        lambda: secret_storage.decrypt_secret(KEY, "m.cross_signing.master", obj),
        lambda: secret_storage.EncryptedSecret.from_json(obj),
        lambda: secret_storage.KeyDescription.from_json(obj),
        lambda: secret_storage.PassphraseInfo.from_json(obj),
        lambda: secret_storage.check_key(KEY, obj),
    )


# --- attachments -------------------------------------------------------------------------


class _Sink:
    def write(self, chunk: bytes) -> int:
        return len(chunk)


@target
def attachment(data: bytes) -> None:
    """Encrypted attachments: the ``file`` object (info SEP ciphertext), then decryption
    in memory and streamed; a well-formed info gets the ciphertext's real hash so the
    decryption itself is reached too."""
    import base64
    import hashlib
    import io

    raw_info, ciphertext = parts(data, 2)
    info = json_value(raw_info)
    if isinstance(info, dict) and isinstance(info.get("hashes"), dict):
        digest = base64.b64encode(hashlib.sha256(ciphertext).digest()).rstrip(b"=").decode()
        info["hashes"]["sha256"] = digest
    guarded(
        lambda: attachments.EncryptedFileInfo.from_json(info),
        lambda: attachments.decrypt(ciphertext, info),
        lambda: attachments.decrypt_stream(io.BytesIO(ciphertext), _Sink(), info),
    )


# --- signed JSON -------------------------------------------------------------------------


@target
def signed_json_verify(data: bytes) -> None:
    """Matrix JSON: olmpy's strict parser, canonical JSON, and signature verification of
    whatever object it gives (with and without a signature by the fixed key)."""
    account = signer()
    key_id = f"ed25519:{account.ed25519_key}"

    def verify() -> None:
        obj = signed_json.parse_json(data)
        signed_json.canonical_json(obj)
        if isinstance(obj, dict):
            signed_json.verify_json(obj, USER, key_id, account.ed25519_key)
            signed = signed_json.sign_json(dict(obj), USER, key_id, account)
            signed_json.verify_json(signed, USER, key_id, account.ed25519_key)

    guarded(
        lambda: signed_json.parse_json(text(data)),
        verify,
        lambda: olmpy.ed25519_verify(account.ed25519_key, data, text(data)),
    )


# --- key backup and PK -------------------------------------------------------------------


@target
def backup_entry(data: bytes) -> None:
    """KeyBackupData and session_data objects as the server returns them, and auth_data."""
    obj = json_value(data)
    decryption = pk_decryption()
    guarded(
        lambda: backup.decrypt_key_backup_data(decryption, obj, session_id="fuzz"),
        lambda: backup.decrypt_session_data(decryption, obj, session_id="fuzz"),
        lambda: backup.BackedUpRoomKey.from_json(obj),
        lambda: backup.auth_data_public_key(obj),
        lambda: backup.check_backup_key(decryption, obj),
    )


@target
def backup_payload(data: bytes) -> None:
    """The plaintext of a backup entry (the room key JSON), PK-encrypted to the backup key
    so the parser behind the MAC is reached."""
    decryption = pk_decryption()
    message = olmpy.PkEncryption(decryption.public_key).encrypt(data)
    session_data = message.to_json()
    guarded(lambda: backup.decrypt_session_data(decryption, session_data, session_id="fuzz"))


@target
def pk_message(data: bytes) -> None:
    """PK messages: ciphertext SEP mac SEP ephemeral key as base64 texts, and as JSON."""
    decryption = pk_decryption()
    ciphertext, mac, ephemeral = (text(p) for p in parts(data, 3))
    obj = json_value(data)
    guarded(
        lambda: decryption.decrypt(olmpy.PkMessage.from_base64(ciphertext, mac, ephemeral)),
        lambda: decryption.decrypt(olmpy.PkMessage.from_json(obj)),
        lambda: decryption.decrypt(obj),
    )


def backend_name() -> str:
    return os.environ.get("OLMPY_BACKEND", "native")

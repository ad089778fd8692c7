"""Live PK encryption and key backup interoperability: olmpy, libolm (python-olm), vodozemac.

Every test takes ``backend`` and so runs on olmpy's native core and its pure twin.
Messages cross between the libraries as base64 text, as in backup ``session_data``.
The libolm and vodozemac helpers come from vectors/generate_pk.py (libolm's raw C API
for keys of our choosing and fixed ephemeral secrets; python-olm's decrypt with
surrogateescape to keep binary plaintexts).

Peer differences found and pinned here (each asserted):

* MAC length: vodozemac accepts any left prefix (1..32 bytes) of the HMAC tag, so a
  4-byte MAC passes; libolm reads exactly 8 bytes; olmpy refuses anything but 8
  (MessageDecodeError).
* A non-contributory ephemeral key (all-zero X25519 result): vodozemac refuses it,
  libolm computes with the zero secret and reports BAD_MESSAGE_MAC; olmpy refuses it
  (KeyDecodeError).
* libolm PkDecryption pickles store the public key next to the private one and libolm
  trusts the stored copy (a pickle with a wrong public key loads and reports it);
  vodozemac recomputes it; olmpy refuses such a pickle (PickleError).
* vodozemac 0.10's Python ``Message.to_base64()`` returns (ephemeral_key, mac,
  ciphertext), not the documented (ciphertext, mac, ephemeral_key) that its own
  ``from_base64`` takes; olmpy's ``to_base64`` returns the documented order.
* All three decrypt a ciphertext whose first block was altered (the MAC does not cover
  the ciphertext), to the same bytes.
"""

from __future__ import annotations

import base64
import json
from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac
from vectors_loader import generator

import olmpy
from olmpy.backup import decrypt_key_backup_data, decrypt_session_data, key_backup_data
from olmpy.errors import KeyDecodeError, MacError, MessageDecodeError, PickleError
from olmpy.pickle import _libolm as libolm_pickle
from olmpy.pk import PkDecryption, PkEncryption, PkMessage

GEN = generator("generate_pk")
PLAINTEXTS = {
    "empty": b"",
    "nul": b"\x00",
    "block": b"0123456789abcdef",
    "binary-100": bytes(range(256))[:100],
    "binary-1KiB": bytes(range(256)) * 4,
    "unicode": "Grüße, мир — 🔐".encode(),
    "invalid-utf8": b"\xff\xfe\x80 not text",
    "64KiB": bytes(range(256)) * 256,
}
SENDER = "WimPd2udAU/1S/+YBpPbmr9L+0H5H+BnAVHSwDxlPGc"
CLAIMED = {"ed25519": "Bhbpt6hqMZlSH4sJV7xiEEEiPVeTWz4Vkujl1EMdIPI"}
by_plaintext = pytest.mark.parametrize("name", list(PLAINTEXTS))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _olm_message(message: PkMessage) -> olm.PkMessage:
    ciphertext, mac, ephemeral = message.to_base64()
    return olm.PkMessage(ephemeral, mac, ciphertext)


def _vodozemac_message(message: PkMessage) -> vodozemac.Message:
    return vodozemac.Message.from_base64(*message.to_base64())


# --- olmpy -> peers -----------------------------------------------------------------------------


@by_plaintext
def test_olmpy_to_libolm(backend: ModuleType, name: str) -> None:
    """python-olm's own random PkDecryption decrypts what olmpy encrypts for its key."""
    peer = olm.PkDecryption()
    message = PkEncryption(peer.public_key).encrypt(PLAINTEXTS[name])
    text = peer.decrypt(_olm_message(message), unicode_errors="surrogateescape")
    assert text.encode("utf-8", "surrogateescape") == PLAINTEXTS[name]


@by_plaintext
def test_olmpy_to_vodozemac(backend: ModuleType, name: str) -> None:
    peer = vodozemac.PkDecryption()
    message = PkEncryption(peer.public_key.to_base64()).encrypt(PLAINTEXTS[name])
    assert bytes(peer.decrypt(_vodozemac_message(message))) == PLAINTEXTS[name]
    again = vodozemac.Message(message.ciphertext, message.mac, message.ephemeral_key.to_bytes())
    assert bytes(peer.decrypt(again)) == PLAINTEXTS[name]


def test_olmpy_str_plaintext_reaches_libolm_as_text(backend: ModuleType) -> None:
    peer = olm.PkDecryption()
    assert peer.decrypt(_olm_message(PkEncryption(peer.public_key).encrypt("ключ ✓"))) == "ключ ✓"


# --- peers -> olmpy -----------------------------------------------------------------------------


@by_plaintext
def test_libolm_to_olmpy(backend: ModuleType, name: str) -> None:
    mine = PkDecryption()
    sent = olm.PkEncryption(mine.public_key.to_base64()).encrypt(PLAINTEXTS[name])
    message = PkMessage.from_base64(sent.ciphertext, sent.mac, sent.ephemeral_key)
    assert mine.decrypt(message) == PLAINTEXTS[name]


@by_plaintext
def test_vodozemac_to_olmpy(backend: ModuleType, name: str) -> None:
    mine = PkDecryption()
    enc = vodozemac.PkEncryption.from_key(
        vodozemac.Curve25519PublicKey.from_base64(mine.public_key.to_base64())
    )
    sent = enc.encrypt(PLAINTEXTS[name])
    message = PkMessage(bytes(sent.ciphertext), bytes(sent.mac), bytes(sent.ephemeral_key))
    assert mine.decrypt(message) == PLAINTEXTS[name]


def test_same_key_in_all_three(backend: ModuleType) -> None:
    """One private key: olmpy, libolm and vodozemac derive one public key and agree."""
    mine = PkDecryption()
    libolm_side = GEN.libolm_pk_decryption(mine.key)
    vodo_side = GEN.vodozemac_pk_decryption(mine.key)
    assert libolm_side.public_key == vodo_side.public_key.to_base64() == mine.public_key.to_base64()
    assert GEN.libolm_private_key(libolm_side) == mine.key == vodo_side.key.to_bytes()


# --- rejection ----------------------------------------------------------------------------------


def test_messages_for_another_key_are_refused_everywhere(backend: ModuleType) -> None:
    mine = PkDecryption()
    other = olm.PkDecryption()
    sent = olm.PkEncryption(other.public_key).encrypt("not for olmpy")
    with pytest.raises(MacError):
        mine.decrypt(PkMessage.from_base64(sent.ciphertext, sent.mac, sent.ephemeral_key))
    ours = PkEncryption(other.public_key).encrypt(b"for libolm")
    with pytest.raises(olm.PkDecryptionError, match="BAD_MESSAGE_MAC"):
        olm.PkDecryption().decrypt(_olm_message(ours))
    with pytest.raises(vodozemac.PkDecodeException, match="MAC"):
        vodozemac.PkDecryption().decrypt(_vodozemac_message(ours))


def test_flipped_mac_is_refused_everywhere(backend: ModuleType) -> None:
    mine = PkDecryption()
    message = PkEncryption(mine.public_key).encrypt(b"payload")
    bad_mac = bytes([message.mac[0] ^ 1]) + message.mac[1:]
    bad = PkMessage(message.ciphertext, bad_mac, message.ephemeral_key)
    with pytest.raises(MacError):
        mine.decrypt(bad)
    with pytest.raises(olm.PkDecryptionError):
        GEN.libolm_pk_decryption(mine.key).decrypt(_olm_message(bad))
    with pytest.raises(vodozemac.PkDecodeException):
        GEN.vodozemac_pk_decryption(mine.key).decrypt(_vodozemac_message(bad))


def test_short_mac_quirk(backend: ModuleType) -> None:
    """vodozemac accepts a 4-byte prefix of the MAC; olmpy insists on 8 bytes."""
    mine = PkDecryption()
    message = PkEncryption(mine.public_key).encrypt(b"payload")
    vodo = GEN.vodozemac_pk_decryption(mine.key)
    short = vodozemac.Message(message.ciphertext, message.mac[:4], message.ephemeral_key.to_bytes())
    assert bytes(vodo.decrypt(short)) == b"payload"
    with pytest.raises(MessageDecodeError):
        PkMessage(message.ciphertext, message.mac[:4], message.ephemeral_key)


def test_non_contributory_ephemeral_key(backend: ModuleType) -> None:
    """All-zero ephemeral key: vodozemac refuses the DH, libolm fails the MAC, olmpy refuses."""
    mine = PkDecryption()
    message = PkEncryption(mine.public_key).encrypt(b"payload")
    zero = b64(bytes(32))
    ciphertext, mac, _ = message.to_base64()
    with pytest.raises(vodozemac.PkDecodeException, match="contributory"):
        GEN.vodozemac_pk_decryption(mine.key).decrypt(
            vodozemac.Message.from_base64(ciphertext, mac, zero)
        )
    with pytest.raises(olm.PkDecryptionError, match="BAD_MESSAGE_MAC"):
        GEN.libolm_pk_decryption(mine.key).decrypt(olm.PkMessage(zero, mac, ciphertext))
    with pytest.raises(KeyDecodeError):
        mine.decrypt(PkMessage.from_base64(ciphertext, mac, zero))


def test_altered_ciphertext_decrypts_alike_everywhere(backend: ModuleType) -> None:
    """The MAC does not cover the ciphertext: a changed first block gets through all three."""
    mine = PkDecryption()
    plaintext = bytes(range(64))
    message = PkEncryption(mine.public_key).encrypt(plaintext)
    altered = bytearray(message.ciphertext)
    altered[3] ^= 0x40
    bad = PkMessage(bytes(altered), message.mac, message.ephemeral_key)
    ours = mine.decrypt(bad)
    theirs = bytes(GEN.vodozemac_pk_decryption(mine.key).decrypt(_vodozemac_message(bad)))
    libolm_text = GEN.libolm_pk_decryption(mine.key).decrypt(
        _olm_message(bad), unicode_errors="surrogateescape"
    )
    assert ours == theirs == libolm_text.encode("utf-8", "surrogateescape")
    # CBC: block 0 becomes garbage, block 1 gets the same bit flipped, the rest is intact.
    assert ours[16:] == plaintext[16:19] + bytes([plaintext[19] ^ 0x40]) + plaintext[20:]
    assert ours[:16] != plaintext[:16]


def test_vodozemac_to_base64_order_quirk(backend: ModuleType) -> None:
    peer = vodozemac.PkDecryption()
    sent = vodozemac.PkEncryption.from_key(peer.public_key).encrypt(b"x" * 40)
    first, mac, last = sent.to_base64()
    assert first == b64(bytes(sent.ephemeral_key)) and last == b64(bytes(sent.ciphertext))
    mine = PkMessage(bytes(sent.ciphertext), bytes(sent.mac), bytes(sent.ephemeral_key))
    assert mine.to_base64() == (last, mac, first)
    assert bytes(peer.decrypt(vodozemac.Message.from_base64(*mine.to_base64()))) == b"x" * 40


# --- pickles ------------------------------------------------------------------------------------

PASSPHRASES = ["", "pickle passphrase", "pässwörd 🔑"]


@pytest.mark.parametrize("passphrase", PASSPHRASES)
def test_libolm_pickle_both_ways(backend: ModuleType, passphrase: str) -> None:
    peer = olm.PkDecryption()
    pickle = peer.pickle(passphrase)
    mine = PkDecryption.from_libolm_pickle(pickle, passphrase)
    assert mine.public_key.to_base64() == peer.public_key
    assert mine.to_libolm_pickle(passphrase, allow_weak_key=True).encode() == pickle
    message = PkEncryption(peer.public_key).encrypt(b"both hold the key")
    assert mine.decrypt(message) == b"both hold the key"
    back = olm.PkDecryption.from_pickle(
        PkDecryption().to_libolm_pickle(passphrase, allow_weak_key=True).encode(), passphrase
    )
    assert back.decrypt(_olm_message(PkEncryption(back.public_key).encrypt("ok"))) == "ok"


def test_vodozemac_format_pickle_loads_in_libolm(backend: ModuleType) -> None:
    """vodozemac's PkDecryption pickle is libolm's format, which libolm itself loads."""
    mine = PkDecryption()
    key = b"a 32-byte vodozemac pickle key!!"
    peer = olm.PkDecryption.from_pickle(mine.to_vodozemac_pickle(key).encode(), key.decode())
    assert peer.public_key == mine.public_key.to_base64()
    assert (
        PkDecryption.from_vodozemac_pickle(peer.pickle(key.decode()).decode(), key).key == mine.key
    )


def test_mismatched_public_key_pickle_quirk(backend: ModuleType) -> None:
    """libolm loads a pickle whose public key is not the private key's; olmpy refuses it."""
    secret, wrong = PkDecryption(), PkDecryption()
    body = b"\0\0\0\1" + wrong.public_key.to_bytes() + secret.key
    pickle = libolm_pickle.seal(body, "k", allow_weak_key=True)
    peer = olm.PkDecryption.from_pickle(pickle.encode(), "k")
    assert peer.public_key == wrong.public_key.to_base64()
    with pytest.raises(PickleError, match="public key"):
        PkDecryption.from_libolm_pickle(pickle, "k")


def test_libolm_refuses_what_olmpy_refuses(backend: ModuleType) -> None:
    """A version-2 body is refused by libolm (UNKNOWN_PICKLE_VERSION) and by olmpy."""
    mine = PkDecryption()
    body = b"\0\0\0\2" + mine.public_key.to_bytes() + mine.key
    pickle = libolm_pickle.seal(body, "k", allow_weak_key=True)
    with pytest.raises(olm.PkDecryptionError, match="UNKNOWN_PICKLE_VERSION"):
        olm.PkDecryption.from_pickle(pickle.encode(), "k")
    with pytest.raises(PickleError, match="version"):
        PkDecryption.from_libolm_pickle(pickle, "k")


# --- key backup -----------------------------------------------------------------------------


def _peer_room_key(session_key: str) -> bytes:
    return json.dumps(
        {
            "algorithm": "m.megolm.v1.aes-sha2",
            "sender_key": SENDER,
            "sender_claimed_keys": CLAIMED,
            "forwarding_curve25519_key_chain": [],
            "session_key": session_key,
        }
    ).encode()


@pytest.mark.parametrize("advance", [0, 5])
def test_olmpy_backup_restores_in_libolm_and_vodozemac(backend: ModuleType, advance: int) -> None:
    """olmpy's session_data opens with libolm's PkDecryption; the key imports in both peers
    and decrypts a real message."""
    backup_key = PkDecryption()
    outbound = olmpy.GroupSession()
    inbound = olmpy.InboundGroupSession(outbound.session_key)
    for _ in range(advance):
        outbound.encrypt(b"before")
    inbound.advance_to(advance)
    body = key_backup_data(
        backup_key.public_key, inbound, sender_key=SENDER, sender_claimed_keys=CLAIMED
    )
    assert body["first_message_index"] == advance
    message = outbound.encrypt(b"restored from backup").to_base64()

    libolm_key = GEN.libolm_pk_decryption(backup_key.key)
    plaintext = json.loads(GEN.libolm_decrypt(libolm_key, body["session_data"]))
    assert plaintext["algorithm"] == "m.megolm.v1.aes-sha2"
    assert plaintext["sender_key"] == SENDER and plaintext["sender_claimed_keys"] == CLAIMED
    libolm_session = olm.InboundGroupSession.import_session(plaintext["session_key"])
    assert libolm_session.first_known_index == advance
    assert libolm_session.decrypt(message) == ("restored from backup", advance)

    vodo_plain = GEN.vodozemac_decrypt(
        GEN.vodozemac_pk_decryption(backup_key.key), body["session_data"]
    )
    vodo_session = vodozemac.InboundGroupSession.import_session(
        vodozemac.ExportedSessionKey(json.loads(vodo_plain)["session_key"])
    )
    decrypted = vodo_session.decrypt(vodozemac.MegolmMessage.from_base64(message))
    assert bytes(decrypted.plaintext) == b"restored from backup"


def test_libolm_backup_restores_in_olmpy(backend: ModuleType) -> None:
    """A python-olm session, backed up with python-olm's PkEncryption, works in olmpy."""
    backup_key = PkDecryption()
    outbound = olm.OutboundGroupSession()
    peer_inbound = olm.InboundGroupSession(outbound.session_key)
    sent = olm.PkEncryption(backup_key.public_key.to_base64()).encrypt(
        _peer_room_key(peer_inbound.export_session(0))
    )
    session_data = {"ephemeral": sent.ephemeral_key, "ciphertext": sent.ciphertext, "mac": sent.mac}
    body = {
        "first_message_index": 0,
        "forwarded_count": 0,
        "is_verified": False,
        "session_data": session_data,
    }
    result = decrypt_key_backup_data(backup_key, body, session_id=outbound.id)
    assert result.room_key.session_id == outbound.id
    session = result.room_key.session()
    assert session.decrypt(outbound.encrypt("hello from libolm")) == (b"hello from libolm", 0)


def test_vodozemac_backup_restores_in_olmpy(backend: ModuleType) -> None:
    backup_key = PkDecryption()
    outbound = vodozemac.GroupSession()
    export = vodozemac.InboundGroupSession(outbound.session_key).export_at(0)
    session_data = GEN.vodozemac_encrypt(
        backup_key.public_key.to_base64(), _peer_room_key(export.to_base64())
    )
    room_key = decrypt_session_data(backup_key, session_data, session_id=outbound.session_id)
    assert room_key.session_id == outbound.session_id
    message = outbound.encrypt(b"hello from vodozemac").to_base64()
    assert room_key.session().decrypt(message) == (b"hello from vodozemac", 0)


def test_backup_to_a_libolm_key(backend: ModuleType) -> None:
    """olmpy backs up to a backup key that only libolm holds (recovery the peer's way)."""
    peer = olm.PkDecryption()
    inbound = olmpy.InboundGroupSession(olmpy.GroupSession().session_key)
    body = key_backup_data(peer.public_key, inbound, sender_key=SENDER, sender_claimed_keys=CLAIMED)
    data: dict[str, Any] = body["session_data"]
    text = peer.decrypt(olm.PkMessage(data["ephemeral"], data["mac"], data["ciphertext"]))
    assert json.loads(text)["session_key"] == inbound.export_at_first_known_index().to_base64()

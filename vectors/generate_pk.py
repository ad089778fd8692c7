"""Generate vectors/pk.json: PK encryption, key backup and recovery-key vectors.

Sources, each recorded in the JSON with its provenance:

* libolm (through python-olm's raw cffi module ``_libolm``), with fixed randomness, so
  these parts are byte-for-byte reproducible: PkDecryption pickles of a known private key
  under several passphrases (``olm_pk_key_from_private`` + ``olm_pickle_pk_decryption``),
  PK encryptions with a fixed ephemeral secret (``olm_pk_encrypt`` takes its 32 random
  bytes from the caller), and a whole backup entry for a libolm Megolm session (the
  outbound session made from fixed randomness by generate_libolm_megolm.Outbound).
* vodozemac's Python binding: PK encryptions and a backup entry of a vodozemac Megolm
  session.  vodozemac draws its own randomness, so these records change on every run;
  the drift test skips them, and this script checks each one against libolm instead.
* Published test data, copied with repository, path and commit: the recovery key and
  the backup entry of matrix-rust-sdk's backup decryption tests, and matrix-js-sdk's
  backup test data (decryption key, signed auth_data, KeyBackupData, the Megolm session
  it holds and an event encrypted with it).

Every record is verified here by at least one peer other than the one that made it
(libolm records by vodozemac and vice versa; published records by both).

Run: /work/venv/bin/python vectors/generate_pk.py
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any

import olm
import vodozemac
from _libolm import ffi, lib

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from generate_libolm_megolm import Inbound, Outbound, libolm_version, stream  # noqa: E402

OUTPUT = HERE / "pk.json"

# Sections reproduced byte for byte by generate(); the rest is fresh vodozemac output.
DETERMINISTIC = (
    "libolm_pickles",
    "libolm_encryptions",
    "libolm_backup",
    "published_recovery_keys",
    "published_backups",
)


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


class LibolmError(Exception):
    pass


# ---------------------------------------------------------------------------
# libolm PK through the C API
# ---------------------------------------------------------------------------
def libolm_pk_decryption(secret: bytes) -> olm.PkDecryption:
    """A python-olm PkDecryption holding ``secret`` (libolm's olm_pk_key_from_private)."""
    obj = olm.PkDecryption.__new__(olm.PkDecryption)
    length = lib.olm_pk_key_length()
    pub = ffi.new("char[]", length)
    priv = ffi.new("uint8_t[]", secret)
    ret = lib.olm_pk_key_from_private(obj._pk_decryption, pub, length, priv, len(secret))
    if ret == lib.olm_error():
        raise LibolmError(ffi.string(lib.olm_pk_decryption_last_error(obj._pk_decryption)))
    obj.public_key = ffi.unpack(pub, length).decode("ascii")
    return obj


def libolm_private_key(decryption: olm.PkDecryption) -> bytes:
    """libolm's olm_pk_get_private_key."""
    out = ffi.new("uint8_t[]", 32)
    ret = lib.olm_pk_get_private_key(decryption._pk_decryption, out, 32)
    if ret == lib.olm_error():
        raise LibolmError("olm_pk_get_private_key failed")
    return bytes(ffi.buffer(out, 32))


def libolm_encrypt(recipient: str, plaintext: bytes, ephemeral_secret: bytes) -> dict[str, str]:
    """libolm's olm_pk_encrypt with the ephemeral secret given (its only randomness)."""
    buf = ffi.new("char[]", lib.olm_pk_encryption_size())
    enc = lib.olm_pk_encryption(buf)
    key = recipient.encode("ascii")
    if lib.olm_pk_encryption_set_recipient_key(enc, key, len(key)) == lib.olm_error():
        raise LibolmError("olm_pk_encryption_set_recipient_key failed")
    ct_len = lib.olm_pk_ciphertext_length(enc, len(plaintext))
    mac_len = lib.olm_pk_mac_length(enc)
    eph_len = lib.olm_pk_key_length()
    ct, mac, eph = (ffi.new("char[]", n) for n in (ct_len, mac_len, eph_len))
    rnd = ffi.new("uint8_t[]", ephemeral_secret)
    ret = lib.olm_pk_encrypt(
        enc,
        ffi.from_buffer(plaintext),
        len(plaintext),
        ct,
        ct_len,
        mac,
        mac_len,
        eph,
        eph_len,
        rnd,
        len(ephemeral_secret),
    )
    if ret == lib.olm_error():
        raise LibolmError(ffi.string(lib.olm_pk_encryption_last_error(enc)).decode())
    return {
        "ciphertext": ffi.unpack(ct, ct_len).decode("ascii"),
        "mac": ffi.unpack(mac, mac_len).decode("ascii"),
        "ephemeral": ffi.unpack(eph, eph_len).decode("ascii"),
    }


def libolm_decrypt(decryption: olm.PkDecryption, message: dict[str, str]) -> bytes:
    """python-olm decrypt, with the plaintext's raw bytes kept (surrogateescape)."""
    text = decryption.decrypt(
        olm.PkMessage(message["ephemeral"], message["mac"], message["ciphertext"]),
        unicode_errors="surrogateescape",
    )
    return text.encode("utf-8", "surrogateescape")


def vodozemac_pk_decryption(secret: bytes) -> vodozemac.PkDecryption:
    return vodozemac.PkDecryption.from_key(vodozemac.Curve25519SecretKey.from_bytes(secret))


def vodozemac_decrypt(decryption: vodozemac.PkDecryption, message: dict[str, str]) -> bytes:
    msg = vodozemac.Message.from_base64(message["ciphertext"], message["mac"], message["ephemeral"])
    return bytes(decryption.decrypt(msg))


def vodozemac_encrypt(recipient: str, plaintext: bytes) -> dict[str, str]:
    enc = vodozemac.PkEncryption.from_key(vodozemac.Curve25519PublicKey.from_base64(recipient))
    msg = enc.encrypt(plaintext)
    # The binding's to_base64() returns (ephemeral, mac, ciphertext); read the fields instead.
    return {
        "ciphertext": b64e(bytes(msg.ciphertext)),
        "mac": b64e(bytes(msg.mac)),
        "ephemeral": b64e(bytes(msg.ephemeral_key)),
    }


# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------
RECIPIENT_SECRET = stream("olmpy pk vector recipient", 32)
PASSPHRASES = ["", "olmpy pk vectors", "pässwörd ✓ 🔑"]
PLAINTEXTS: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("one-byte", b"\x00"),
    ("15-bytes", stream("olmpy pk plaintext 15", 15)),
    ("16-bytes", stream("olmpy pk plaintext 16", 16)),
    ("17-bytes", stream("olmpy pk plaintext 17", 17)),
    ("100-bytes-binary", stream("olmpy pk plaintext 100", 100)),
    ("1-KiB", stream("olmpy pk plaintext 1024", 1024)),
    ("unicode", "Hello, wörld — ключ 🔐".encode()),
    ("json", b'{"algorithm":"m.megolm.v1.aes-sha2","session_key":"AQ"}'),
]


# ---------------------------------------------------------------------------
# published data (copied verbatim; provenance with each record)
# ---------------------------------------------------------------------------
RUST_SDK = (
    "matrix-org/matrix-rust-sdk crates/matrix-sdk-crypto/src/backups/keys/decryption.rs "
    "(commit 0268eeba48beca049b5df9272be83c25350d512f)"
)
JS_SDK = (
    "matrix-org/matrix-js-sdk spec/test-utils/test-data/index.ts "
    "(commit 0a2dea6416c7a67ec9cd7c2ce625a3f88a52b37c), generated there by "
    "generate-test-data.py"
)

RUST_TEST_KEY = bytes(
    [
        0x77, 0x07, 0x6D, 0x0A, 0x73, 0x18, 0xA5, 0x7D, 0x3C, 0x16, 0xC1, 0x72, 0x51, 0xB2,
        0x66, 0x45, 0xDF, 0x4C, 0x2F, 0x87, 0xEB, 0xC0, 0x99, 0x2A, 0xB1, 0x77, 0xFB, 0xA5,
        0x1D, 0xB9, 0x2C, 0x2A,
    ]
)  # fmt: skip

PUBLISHED_RECOVERY_KEYS = [
    {
        "id": "rust-sdk-compact",
        "recovery_key": "EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4d",
        "key_hex": RUST_TEST_KEY.hex(),
        "valid": True,
        "provenance": RUST_SDK + ", test base58_decoding",
    },
    {
        "id": "rust-sdk-spaced",
        "recovery_key": "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d",
        "key_hex": RUST_TEST_KEY.hex(),
        "valid": True,
        "provenance": RUST_SDK + ", test base58_decoding",
    },
    {
        "id": "rust-sdk-bad-parity",
        "recovery_key": "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4e",
        "valid": False,
        "error": "parity",
        "provenance": RUST_SDK + ", test base58_decoding (expect_err: invalid parity byte)",
    },
]

RUST_BACKUP_CIPHERTEXT = (
    "MuM8E3Yc6TSAvhVGb77rQ++jE6p9dRepx63/3YPD2wACKAppkZHeFrnTH6wJ/HSyrmzo"
    "7HfwqVl6tKNpfooSTHqUf6x1LHz+h4B/Id5ITO1WYt16AaI40LOnZqTkJZCfSPuE2oxa"
    "lwEHnCS3biWybutcnrBFPR3LMtaeHvvkb+k3ny9l5ZpsU9G7vCm3XoeYkWfLekWXvDhb"
    "qWrylXD0+CNUuaQJ/S527TzLd4XKctqVjjO/cCH7q+9utt9WJAfK8LGaWT/mZ3AeWjf5"
    "kiqOpKKf5Cn4n5SSil5p/pvGYmjnURvZSEeQIzHgvunIBEPtzK/MYEPOXe/P5achNGlC"
    "x+5N19Ftyp9TFaTFlTWCTi0mpD7ePfCNISrwpozAz9HZc0OhA8+1aSc7rhYFIeAYXFU3"
    "26NuFIFHI5pvpSxjzPQlOA+mavIKmiRAtjlLw11IVKTxgrdT4N8lXeMr4ndCSmvIkAzF"
    "Mo1uZA4fzjiAdQJE4/2WeXFNNpvdfoYmX8Zl9CAYjpSO5HvpwkAbk4/iLEH3hDfCVUwD"
    "fMh05PdGLnxeRpiEFWSMSsJNp+OWAA+5JsF41BoRGrxoXXT+VKqlUDONd+O296Psu8Q+"
    "d8/S618"
)

JS_BACKUP_CIPHERTEXT = (
    "r6HRk2/Im2yJe5cLP8R81aVjFWjYWPHpw7TVxphiSK1cdIDZTTK57r6MfU+0i/mTPn+/PosT74OvYwCnehy2d1BPGxh"
    "Dl8AhPcBu3//Kzlq2o5CssPsw+88gRehkAsPg9Zp5G9sL9to6giltvTWTbsaQpmvv3HLmBOYSFIxvyZrOT/Ffqu325f"
    "0IEsKcyV2BdIkw8Ob9Xt+VWoe4MYEGG6y1T8W125zeFgKWI4Ow76uput64H9zZjIo+Cc+hCTO9Ea4EnosSjizCotevk"
    "Nck7C/zGgfhBikiohROb6SbaZgxicSsEDZ+f7brnri9yP3iXS3PMDHHpa1+XzG2VOG/Y9OQZpkPq+pbLrCC+NWJeJPs"
    "lDAK5i+RURwzjnPmaHKCRHTq86CwhFyiCDf61MGwCY3xjrmBJg44BCdxWqCx0YJvwsvVqqnl4vTieUfrwThNPsQ81aV"
    "kDHvlmrgrTt8icDa8jTJhu34jem+pbRSEM5aJikV4B+zYiLz+dH/v6UpYA2eG8ReOvwpPXp6CAcIlplRPpWbMBeLFVc"
    "PkT4KAXTp9exFpB4on4pf8OsaDomlt4qAA0rhAZmhPWPKcU/A0Tz4gyMu54OivVtw1SPj+5Iq+YDQ8jB6Po3ApzMf6f"
    "wF9x/FjevbboFB05X2Jr0NrbFqXMOUwXHMgDAGiIWX8+gkmmbaiNWqg2etjN94pobQSGZelb18XGN7kuwMk+Zwk7A"
)

JS_ENCRYPTED_EVENT_CIPHERTEXT = (
    "AwgAEnAkBmciEAyhh1j6DCk29UXJ7kv/kvayUNfuNT0iAioLxcXjFXOZ5ho3jF1/wrytlt0Lb298uMM67OxdVMi+/mM"
    "fYpwlvi07P9cIH6CMSj8tyhYoWl0SrKY6tkPf5GWOlRSRRKbziXa96FHXvnA3V2FCAIGtAe3G4ei5RPbhkmKAFBLAen"
    "33/D6MjJVqU8Ojr5vTkgls5eyirarlVpsmnH06alDaxO8avrU0NL+Vsw26xvlUQgEMOnUJ"
)

JS_MEGOLM_SESSION_KEY = (
    "AQAAAABXGO+Z9jlQJhIL6ByhXrv2BwCIxkhh7MXpKLsYmXkJcWrQlirmXmD79ga1zo+I4DCtEZzyGSpDWXBC6G7ez3H4"
    "gDMBam1RE3Jm5tc+oTlIri32UkYgSL0kBkcEnttqmIXBlK8tAfJo3cJnlh7F4ltEOAqrdME6dU0zXTkqXmURqYqXSOmb"
    "P+w8xUxIYgNohmjA3x5CGApXql0+i/uXtf3K"
)


def published_backups() -> list[dict[str, Any]]:
    js = {
        "id": "matrix-js-sdk",
        "provenance": JS_SDK
        + ": BACKUP_DECRYPTION_KEY_BASE64, SIGNED_BACKUP_DATA, TEST_DEVICE_PUBLIC_ED25519_KEY_"
        "BASE64, CURVE25519_KEY_BACKUP_DATA, MEGOLM_SESSION_DATA, ENCRYPTED_EVENT, CLEAR_EVENT",
        "private_key_base64": "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
        "backup_info": {
            "algorithm": "m.megolm_backup.v1.curve25519-aes-sha2",
            "version": "1",
            "auth_data": {
                "public_key": "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo",
                "signatures": {
                    "@alice:localhost": {
                        "ed25519:test_device": "KDSNeumirTsd8piI0oVfv/wzg4J4HlEc7rs5XhODFcJ/YAc"
                        "Udg65ajsZG+rLI0TQOSSGjorJqcrSiSB1HRSCAA"
                    }
                },
            },
        },
        "signer": {
            "user_id": "@alice:localhost",
            "key_id": "ed25519:test_device",
            "ed25519": "YI/7vbGVLpGdYtuceQR8MSsKB/QjgfMXM1xqnn+0NWU",
        },
        "key_backup_data": {
            "first_message_index": 1,
            "forwarded_count": 0,
            "is_verified": False,
            "session_data": {
                "ciphertext": JS_BACKUP_CIPHERTEXT,
                "ephemeral": "q+P1WdRtEiPIEtNuuGrRcueZxUbLnSKdsuTAkxewXgU",
                "mac": "OibmACbORhI",
            },
        },
        "room_key": {
            "algorithm": "m.megolm.v1.aes-sha2",
            "sender_key": "WimPd2udAU/1S/+YBpPbmr9L+0H5H+BnAVHSwDxlPGc",
            "session_id": "ipdI6Zs/7DzFTEhiA2iGaMDfHkIYCleqXT6L+5e1/co",
            "session_key": JS_MEGOLM_SESSION_KEY,
            "sender_claimed_keys": {"ed25519": "Bhbpt6hqMZlSH4sJV7xiEEEiPVeTWz4Vkujl1EMdIPI"},
            "forwarding_curve25519_key_chain": [],
        },
        "megolm_message": JS_ENCRYPTED_EVENT_CIPHERTEXT,
        "clear_event": {
            "type": "m.room.message",
            "room_id": "!room:id",
            "content": {"msgtype": "m.text", "body": "Hello world"},
        },
    }
    rust = {
        "id": "matrix-rust-sdk",
        "provenance": RUST_SDK + ", test test_decrypt_key (key and KeyBackupData)",
        "private_key_base64": "Ha9cklU/9NqFo9WKdVfGzmqUL/9wlkdxfEitbSIPVXw",
        "key_backup_data": {
            "first_message_index": 0,
            "forwarded_count": 0,
            "is_verified": False,
            "session_data": {
                "ephemeral": "HlLi76oV6wxHz3PCqE/bxJi6yF1HnYz5Dq3T+d/KpRw",
                "ciphertext": RUST_BACKUP_CIPHERTEXT,
                "mac": "GtMrurhDTwo",
            },
        },
    }
    for record in (js, rust):
        secret = b64d(str(record["private_key_base64"]).rstrip("="))
        data: dict[str, Any] = record["key_backup_data"]  # type: ignore[assignment]
        session_data = data["session_data"]
        by_libolm = libolm_decrypt(libolm_pk_decryption(secret), session_data)
        by_vodozemac = vodozemac_decrypt(vodozemac_pk_decryption(secret), session_data)
        if by_libolm != by_vodozemac:
            raise LibolmError(f"{record['id']}: libolm and vodozemac disagree")
        record["public_key"] = libolm_pk_decryption(secret).public_key
        record["plaintext_by_peers"] = by_libolm.decode("utf-8")
    # The js-sdk record is self-consistent: its auth_data names this key, the plaintext is
    # MEGOLM_SESSION_DATA, and the session decrypts ENCRYPTED_EVENT to CLEAR_EVENT.
    if js["public_key"] != js["backup_info"]["auth_data"]["public_key"]:  # type: ignore[index]
        raise LibolmError("js-sdk backup key does not match its auth_data")
    plain = json.loads(str(js["plaintext_by_peers"]))
    for name, value in js["room_key"].items():  # type: ignore[attr-defined]
        if plain[name] != value:
            raise LibolmError(f"js-sdk backup plaintext field {name} differs")
    session = olm.InboundGroupSession.import_session(plain["session_key"])
    text, index = session.decrypt(js["megolm_message"])
    event = json.loads(text)
    if any(event[k] != v for k, v in js["clear_event"].items()) or index != 0:  # type: ignore[attr-defined]
        raise LibolmError("js-sdk event does not decrypt to CLEAR_EVENT")
    js["megolm_plaintext_by_libolm"] = text
    # The signature on auth_data, checked by libolm.
    auth = dict(js["backup_info"]["auth_data"])  # type: ignore[index]
    signature = auth.pop("signatures")["@alice:localhost"]["ed25519:test_device"]
    canonical = json.dumps(auth, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    olm.ed25519_verify(js["signer"]["ed25519"], canonical, signature)  # type: ignore[index]
    js["auth_data_canonical_json"] = canonical
    return [js, rust]


def published_recovery_keys() -> list[dict[str, Any]]:
    # The js-sdk backup key (base64) is the same 32 bytes as the rust-sdk TEST_KEY.
    if b64d("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo") != RUST_TEST_KEY:
        raise LibolmError("js-sdk and rust-sdk test keys differ")
    records = [dict(r) for r in PUBLISHED_RECOVERY_KEYS]
    for record in records:
        if record["valid"]:
            record["public_key_by_libolm"] = libolm_pk_decryption(RUST_TEST_KEY).public_key
    return records


# ---------------------------------------------------------------------------
# peer-generated data
# ---------------------------------------------------------------------------
def libolm_pickles() -> list[dict[str, Any]]:
    out = []
    for i, passphrase in enumerate(PASSPHRASES):
        secret = stream(f"olmpy pk pickle secret {i}", 32)
        dec = libolm_pk_decryption(secret)
        pickle = dec.pickle(passphrase).decode("ascii")
        again = olm.PkDecryption.from_pickle(pickle.encode("ascii"), passphrase)
        if again.public_key != dec.public_key or libolm_private_key(again) != secret:
            raise LibolmError("libolm pickle does not round-trip")
        if vodozemac_pk_decryption(secret).public_key.to_base64() != dec.public_key:
            raise LibolmError("vodozemac derives another public key")
        out.append(
            {
                "id": f"passphrase-{i}",
                "passphrase": passphrase,
                "private_key_hex": secret.hex(),
                "public_key": dec.public_key,
                "pickle": pickle,
            }
        )
    return out


def libolm_encryptions() -> dict[str, Any]:
    libolm_recipient = libolm_pk_decryption(RECIPIENT_SECRET)
    vodo_recipient = vodozemac_pk_decryption(RECIPIENT_SECRET)
    records = []
    for name, plaintext in PLAINTEXTS:
        ephemeral_secret = stream(f"olmpy pk ephemeral {name}", 32)
        message = libolm_encrypt(libolm_recipient.public_key, plaintext, ephemeral_secret)
        if vodozemac_decrypt(vodo_recipient, message) != plaintext:
            raise LibolmError(f"vodozemac does not decrypt libolm's {name}")
        if libolm_decrypt(libolm_recipient, message) != plaintext:
            raise LibolmError(f"libolm does not decrypt its own {name}")
        records.append(
            {
                "id": name,
                "plaintext_hex": plaintext.hex(),
                "ephemeral_secret_hex": ephemeral_secret.hex(),
                **message,
            }
        )
    return {
        "recipient_private_key_hex": RECIPIENT_SECRET.hex(),
        "recipient_public_key": libolm_recipient.public_key,
        "messages": records,
    }


def vodozemac_encryptions() -> dict[str, Any]:
    libolm_recipient = libolm_pk_decryption(RECIPIENT_SECRET)
    public = vodozemac_pk_decryption(RECIPIENT_SECRET).public_key.to_base64()
    records = []
    for name, plaintext in PLAINTEXTS:
        message = vodozemac_encrypt(public, plaintext)
        if libolm_decrypt(libolm_recipient, message) != plaintext:
            raise LibolmError(f"libolm does not decrypt vodozemac's {name}")
        records.append({"id": name, "plaintext_hex": plaintext.hex(), **message})
    return {
        "recipient_private_key_hex": RECIPIENT_SECRET.hex(),
        "recipient_public_key": public,
        "messages": records,
    }


SENDER_KEY = "WimPd2udAU/1S/+YBpPbmr9L+0H5H+BnAVHSwDxlPGc"  # any Curve25519 key will do
CHAIN = ["hPQNcabIABgGnx3/ACv/jmMmiQHoeFfuLB17tzWp6Hw"]


def _room_key_json(session_key: str, claimed: str) -> bytes:
    return json.dumps(
        {
            "algorithm": "m.megolm.v1.aes-sha2",
            "forwarding_curve25519_key_chain": CHAIN,
            "sender_claimed_keys": {"ed25519": claimed},
            "sender_key": SENDER_KEY,
            "session_key": session_key,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode("utf-8")


def libolm_backup() -> dict[str, Any]:
    """A libolm Megolm session backed up by libolm's PkEncryption, all from fixed bytes."""
    outbound = Outbound(stream("olmpy pk backup megolm", 160))
    inbound = Inbound.from_session_key(outbound.session_key)
    first = outbound.encrypt(b"message 0, before the backed-up index")
    messages = [outbound.encrypt(f"message {i} from libolm".encode()) for i in (1, 2)]
    export = inbound.export(1)
    plaintext = _room_key_json(export, b64e(stream("olmpy pk claimed ed25519", 32)))
    recipient = libolm_pk_decryption(RECIPIENT_SECRET)
    session_data = libolm_encrypt(
        recipient.public_key, plaintext, stream("olmpy pk backup ephemeral", 32)
    )
    if vodozemac_decrypt(vodozemac_pk_decryption(RECIPIENT_SECRET), session_data) != plaintext:
        raise LibolmError("vodozemac does not decrypt libolm's backup entry")
    vodo_session = vodozemac.InboundGroupSession.import_session(
        vodozemac.ExportedSessionKey(export)
    )
    for i, message in zip((1, 2), messages, strict=True):
        got = vodo_session.decrypt(vodozemac.MegolmMessage.from_base64(message))
        if bytes(got.plaintext) != f"message {i} from libolm".encode():
            raise LibolmError("vodozemac does not decrypt the backed-up session's messages")
    return {
        "recipient_private_key_hex": RECIPIENT_SECRET.hex(),
        "plaintext": plaintext.decode("utf-8"),
        "key_backup_data": {
            "first_message_index": 1,
            "forwarded_count": len(CHAIN),
            "is_verified": False,
            "session_data": session_data,
        },
        "session_id": outbound.session_id,
        "message_before_first_index": first,
        "messages": [
            {"index": i, "ciphertext": m, "plaintext": f"message {i} from libolm"}
            for i, m in zip((1, 2), messages, strict=True)
        ],
    }


def vodozemac_backup() -> dict[str, Any]:
    """A vodozemac Megolm session backed up by vodozemac's PkEncryption (random each run)."""
    outbound = vodozemac.GroupSession()
    inbound = vodozemac.InboundGroupSession(outbound.session_key)
    messages = [
        outbound.encrypt(f"message {i} from vodozemac".encode()).to_base64() for i in (0, 1)
    ]
    export = inbound.export_at(0).to_base64()
    plaintext = _room_key_json(export, b64e(stream("olmpy pk claimed ed25519 v", 32)))
    session_data = vodozemac_encrypt(
        vodozemac_pk_decryption(RECIPIENT_SECRET).public_key.to_base64(), plaintext
    )
    if libolm_decrypt(libolm_pk_decryption(RECIPIENT_SECRET), session_data) != plaintext:
        raise LibolmError("libolm does not decrypt vodozemac's backup entry")
    libolm_session = olm.InboundGroupSession.import_session(export)
    for i, message in zip((0, 1), messages, strict=True):
        if libolm_session.decrypt(message) != (f"message {i} from vodozemac", i):
            raise LibolmError("libolm does not decrypt the backed-up session's messages")
    return {
        "recipient_private_key_hex": RECIPIENT_SECRET.hex(),
        "plaintext": plaintext.decode("utf-8"),
        "key_backup_data": {
            "first_message_index": 0,
            "forwarded_count": len(CHAIN),
            "is_verified": False,
            "session_data": session_data,
        },
        "session_id": outbound.session_id,
        "messages": [
            {"index": i, "ciphertext": m, "plaintext": f"message {i} from vodozemac"}
            for i, m in zip((0, 1), messages, strict=True)
        ],
    }


def generate() -> dict[str, Any]:
    """The whole document (the vodozemac sections are fresh random output)."""
    return {
        "provenance": (
            "vectors/generate_pk.py: libolm via python-olm's _libolm cffi module with fixed "
            "randomness (libolm_* sections), vodozemac's Python binding (vodozemac_* "
            "sections, random), and published test data copied from matrix-rust-sdk and "
            "matrix-js-sdk (published_* sections, provenance per record). Every record is "
            "checked by a second peer."
        ),
        "libolm_version": libolm_version(),
        "python_olm_version": importlib.metadata.version("python-olm"),
        "vodozemac_python_version": importlib.metadata.version("vodozemac"),
        "libolm_pickles": libolm_pickles(),
        "libolm_encryptions": libolm_encryptions(),
        "vodozemac_encryptions": vodozemac_encryptions(),
        "libolm_backup": libolm_backup(),
        "vodozemac_backup": vodozemac_backup(),
        "published_recovery_keys": published_recovery_keys(),
        "published_backups": published_backups(),
        "sha256_of_inputs": hashlib.sha256(
            json.dumps([PASSPHRASES, [(n, p.hex()) for n, p in PLAINTEXTS]]).encode()
        ).hexdigest(),
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    OUTPUT.write_text(render(generate()), encoding="utf-8")
    print("wrote", OUTPUT.relative_to(HERE.parent))


if __name__ == "__main__":
    main()

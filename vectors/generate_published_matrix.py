"""Write vectors/published/matrix_js_sdk_megolm.json after checking it with libolm and vodozemac.

The values are test data published in matrix-org/matrix-js-sdk, file
spec/test-utils/test-data/index.ts (generated there by generate-test-data.py), as stored at
commit 0a2dea6416c7a67ec9cd7c2ce625a3f88a52b37c.  They are copied as data only:

* MEGOLM_SESSION_DATA / ENCRYPTED_EVENT (and the BOB_ twins): a Megolm session in the
  165-byte export format at index 0 and the m.room.encrypted ciphertext of CLEAR_EVENT;
* MEGOLM_SESSION_DATA_ARRAY (and BOB_): more exported sessions with their session ids;
* CURVE25519_KEY_BACKUP_DATA with BACKUP_DECRYPTION_KEY_BASE64 and SIGNED_BACKUP_DATA's
  public key: a server-side key backup record (m.megolm_backup.v1.curve25519-aes-sha2)
  whose plaintext is the MEGOLM_SESSION_DATA session.

Every item is checked before writing: python-olm (libolm 3.2.16) imports each session,
reports the published session id and decrypts each ciphertext to the recorded plaintext;
vodozemac does the same and also decrypts the backup record.  The plaintexts are what
both libraries return, recorded as hex.

Run: /work/venv/bin/python vectors/generate_published_matrix.py
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import olm
import vodozemac

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "published" / "matrix_js_sdk_megolm.json"
SOURCE = ("matrix-org/matrix-js-sdk spec/test-utils/test-data/index.ts at commit "
          "0a2dea6416c7a67ec9cd7c2ce625a3f88a52b37c")

CLEAR_EVENT_JSON = (b'{"content":{"body":"Hello world","msgtype":"m.text"},'
                    b'"room_id":"!room:id","type":"m.room.message"}')

ENCRYPTED_EVENTS = [
    {
        "id": "js-sdk-ENCRYPTED_EVENT",
        "source_names": "MEGOLM_SESSION_DATA.session_key, ENCRYPTED_EVENT.content.ciphertext",
        "session_id": "ipdI6Zs/7DzFTEhiA2iGaMDfHkIYCleqXT6L+5e1/co",
        "exported_session_key": (
            "AQAAAABXGO+Z9jlQJhIL6ByhXrv2BwCIxkhh7MXpKLsYmXkJcWrQlirmXmD79ga1zo+I4DCtEZzyGSpDW"
            "XBC6G7ez3H4gDMBam1RE3Jm5tc+oTlIri32UkYgSL0kBkcEnttqmIXBlK8tAfJo3cJnlh7F4ltEOAqrdM"
            "E6dU0zXTkqXmURqYqXSOmbP+w8xUxIYgNohmjA3x5CGApXql0+i/uXtf3K"),
        "ciphertext": (
            "AwgAEnAkBmciEAyhh1j6DCk29UXJ7kv/kvayUNfuNT0iAioLxcXjFXOZ5ho3jF1/wrytlt0Lb298uMM67O"
            "xdVMi+/mMfYpwlvi07P9cIH6CMSj8tyhYoWl0SrKY6tkPf5GWOlRSRRKbziXa96FHXvnA3V2FCAIGtAe3G"
            "4ei5RPbhkmKAFBLAen33/D6MjJVqU8Ojr5vTkgls5eyirarlVpsmnH06alDaxO8avrU0NL+Vsw26xvlUQg"
            "EMOnUJ"),
        "message_index": 0,
        "plaintext": CLEAR_EVENT_JSON.hex(),
    },
    {
        "id": "js-sdk-BOB_ENCRYPTED_EVENT",
        "source_names": "BOB_MEGOLM_SESSION_DATA.session_key, "
                        "BOB_ENCRYPTED_EVENT.content.ciphertext",
        "session_id": "gywydBrIJcJWktC/ic3tunKZM1XZm1MpYiYtdbj8Rpc",
        "exported_session_key": (
            "AQAAAADZJL7OdM/KHfPzXPZ3CtlLBIlzbwk06dnZTd3bvkcdP5u73rdmThBKdqGA4xzCyxZsHdYLZRrlmD"
            "3VwOmNfvWMqYdPxA1X0vs3d172y9EIG8i+N/skJxTRypcVSV9XoinBNIWr/gkyepuAKiQqemlc8J5amD9O"
            "kmbVkmnrxP1uyYMsMnQayCXCVpLQv4nN7bpymTNV2ZtTKWImLXW4/EaX"),
        "ciphertext": (
            "AwgAEnA/mEqZm2lSrhoG11OpDqsohGSBJWsudbuoItLlivmpFZQHrKMbE6z/dhCTwUi76vwfRCtf4tyPMD"
            "845cqZH1nL0bowq3/awyzZ8Q263Y3WrLfkUTFBU6oPF/IULUFZZuw6kLdfd5g5+uigvqUhFFpICoj7KNHz"
            "nv4sFNssd00/WgJquZ6PRt6e1v6ANFNiZPAwghIL+kBc6pb8i6MUWt9JnXilJhTqFDHdXiY4qkaKBWbweb"
            "C26PYM"),
        "message_index": 0,
        "plaintext": CLEAR_EVENT_JSON.hex(),
    },
]

EXPORTED_SESSIONS = [
    {
        "id": "js-sdk-MEGOLM_SESSION_DATA_ARRAY-0",
        "session_id": "FYOoKQSwe4d9jhTZ/LQCZFJINjPEqZ7Or4Z08reP92M",
        "exported_session_key": (
            "AQAAAABZ0jXQOprFfXe41tIFmAtHxflJp4O2hM/vzQQpOazOCFeWSoW5P3Z9Q+voU3eXehMwyP8/hm/Q8x"
            "LP6/PmJdy+71se/17kdFwcDGgLxBWfa4ODM9zlI4EjKbNqmiii5loJ7rBhA/XXaw80m0hfU6zTDX/KrO55"
            "J0Pt4vJ0LDa3LBWDqCkEsHuHfY4U2fy0AmRSSDYzxKmezq+GdPK3j/dj"),
    },
    {
        "id": "js-sdk-MEGOLM_SESSION_DATA_ARRAY-1",
        "session_id": "mPYSGA2l1tOQiipEDEVYhDSdTSFh2lDW1qpGKYZRxTc",
        "exported_session_key": (
            "AQAAAAAHwgkB49BTPAEGTCK6degxUIbl8GPG2ugPRYhNtOpNic63u11+baXFfjDw5fmVfD1gJXpQQjGsqr"
            "IYioxrB1xzl7mfb942UHhYdaMQZowpp1fSpJVsxR5TddUU2EWifYD9EQsoz8mY1zqoazm4vUP4v9yxaTcU"
            "Bj2c6HMJCY0gCJj2EhgNpdbTkIoqRAxFWIQ0nU0hYdpQ1taqRimGUcU3"),
    },
    {
        "id": "js-sdk-BOB_MEGOLM_SESSION_DATA_ARRAY-0",
        "session_id": "/2K+V777vipCxPZ0gpY9qcpz1DYaXwuMRIu0UEP0Wa0",
        "exported_session_key": (
            "AQAAAAAclzWVMeWBKH+B/WMowa3rb4ma3jEl6n5W4GCs9ue65CruzD3ihX+85pZ9hsV9Bf6fvhjp76WNRa"
            "joJYX0UIt7aosjmu0i+H+07hEQ0zqTKpVoSH0ykJ6stAMhdr6Q4uW5crBmdTTBIsqmoWsNJZKKoE2+ldYr"
            "Z1lrFeaJbjBIY/9ivle++74qQsT2dIKWPanKc9Q2Gl8LjESLtFBD9Fmt"),
    },
    {
        "id": "js-sdk-BOB_MEGOLM_SESSION_DATA_ARRAY-1",
        "session_id": "+07YOpSgdZ1X9le3n3NMByw0V1B0H0Djnbm76jgmWoo",
        "exported_session_key": (
            "AQAAAAAjWfIMo9+BWS8IvhfsQuomxXXXGy11tJs0ej505xxd1RzOIP4ftq3MbZYsfH8kqSMBc2l1Ym2u3D"
            "ksv2/nR0zGQeNIgOxeMuwHU3Ry7+DdV1I96blPylVCCn/f5RAy6smKoaeylptPdXgVXmw3YBBUVYpHpm+x"
            "CIUUp9foAdb8hftO2DqUoHWdV/ZXt59zTAcsNFdQdB9A4525u+o4JlqK"),
    },
]

BACKUPS = [
    {
        "id": "js-sdk-CURVE25519_KEY_BACKUP_DATA",
        "source_names": "BACKUP_DECRYPTION_KEY_BASE64, SIGNED_BACKUP_DATA.auth_data.public_key, "
                        "CURVE25519_KEY_BACKUP_DATA",
        "algorithm": "m.megolm_backup.v1.curve25519-aes-sha2",
        "decryption_key": "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=",
        "public_key": "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo",
        "first_message_index": 1,
        "session_data": {
            "ciphertext": (
                "r6HRk2/Im2yJe5cLP8R81aVjFWjYWPHpw7TVxphiSK1cdIDZTTK57r6MfU+0i/mTPn+/PosT74OvYw"
                "Cnehy2d1BPGxhDl8AhPcBu3//Kzlq2o5CssPsw+88gRehkAsPg9Zp5G9sL9to6giltvTWTbsaQpmvv3"
                "HLmBOYSFIxvyZrOT/Ffqu325f0IEsKcyV2BdIkw8Ob9Xt+VWoe4MYEGG6y1T8W125zeFgKWI4Ow76u"
                "put64H9zZjIo+Cc+hCTO9Ea4EnosSjizCotevkNck7C/zGgfhBikiohROb6SbaZgxicSsEDZ+f7brn"
                "ri9yP3iXS3PMDHHpa1+XzG2VOG/Y9OQZpkPq+pbLrCC+NWJeJPslDAK5i+RURwzjnPmaHKCRHTq86C"
                "whFyiCDf61MGwCY3xjrmBJg44BCdxWqCx0YJvwsvVqqnl4vTieUfrwThNPsQ81aVkDHvlmrgrTt8icD"
                "a8jTJhu34jem+pbRSEM5aJikV4B+zYiLz+dH/v6UpYA2eG8ReOvwpPXp6CAcIlplRPpWbMBeLFVcPkT"
                "4KAXTp9exFpB4on4pf8OsaDomlt4qAA0rhAZmhPWPKcU/A0Tz4gyMu54OivVtw1SPj+5Iq+YDQ8jB6P"
                "o3ApzMf6fwF9x/FjevbboFB05X2Jr0NrbFqXMOUwXHMgDAGiIWX8+gkmmbaiNWqg2etjN94pobQSGZe"
                "lb18XGN7kuwMk+Zwk7A"),
            "ephemeral": "q+P1WdRtEiPIEtNuuGrRcueZxUbLnSKdsuTAkxewXgU",
            "mac": "OibmACbORhI",
        },
    },
]


def _b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def check_and_complete() -> dict[str, Any]:
    for ev in ENCRYPTED_EVENTS:
        session = olm.InboundGroupSession.import_session(ev["exported_session_key"])
        assert session.id == ev["session_id"], ev["id"]
        text, index = session.decrypt(ev["ciphertext"])
        assert (text.encode(), index) == (bytes.fromhex(ev["plaintext"]), ev["message_index"])
        vz = vodozemac.InboundGroupSession.import_session(
            vodozemac.ExportedSessionKey(ev["exported_session_key"]))
        dec = vz.decrypt(vodozemac.MegolmMessage.from_base64(ev["ciphertext"]))
        assert (bytes(dec.plaintext).hex(), dec.message_index) == (ev["plaintext"],
                                                                    ev["message_index"])
    for s in EXPORTED_SESSIONS:
        assert olm.InboundGroupSession.import_session(s["exported_session_key"]).id == \
            s["session_id"], s["id"]
        raw = _b64d(s["exported_session_key"])
        assert len(raw) == 165 and raw[0] == 1
        s["first_known_index"] = int.from_bytes(raw[1:5], "big")
    backups = []
    for b in BACKUPS:
        key = vodozemac.Curve25519SecretKey.from_base64(b["decryption_key"].rstrip("="))
        pk = vodozemac.PkDecryption.from_key(key)
        assert pk.public_key.to_base64() == b["public_key"]
        data = b["session_data"]
        plain = pk.decrypt(vodozemac.Message(_b64d(data["ciphertext"]), _b64d(data["mac"]),
                                             _b64d(data["ephemeral"])))
        session = json.loads(plain)
        assert session["session_id"] == ENCRYPTED_EVENTS[0]["session_id"]
        backups.append(dict(b, plaintext=bytes(plain).hex()))
    return {
        "description": "Megolm test data published in matrix-js-sdk, verified with libolm "
                       "(python-olm 3.2.16) and vodozemac 0.10.0 before writing",
        "source": SOURCE,
        "generator": "vectors/generate_published_matrix.py",
        "encoding": "base64 exactly as published (unpadded except decryption_key); "
                    "plaintexts as hex",
        "encrypted_events": ENCRYPTED_EVENTS,
        "exported_sessions": EXPORTED_SESSIONS,
        "key_backups": backups,
    }


def main() -> None:
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    doc = check_and_complete()
    OUTPUT.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", OUTPUT.relative_to(HERE.parent))


if __name__ == "__main__":
    main()

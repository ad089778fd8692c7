"""``olmpy backup`` and ``olmpy recovery``: backup dumps encrypted by python-olm's and
vodozemac's PkEncryption, recovery keys, passphrase keys and secret storage key checks."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import olm
import pytest
import vodozemac
from cli_run import olmpy

from olmpy import recovery, secret_storage
from olmpy.key_export import KeyExportReader
from olmpy.pk import PkDecryption

ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2"
SENDER = "Ebh0nfMKc+ViNa5DsC8fq1KI1l8Pfq2X8GVzDeF2nCk"
SALT = "backup-salt"
ITERATIONS = 1000
PASSPHRASE = "backup passphrase"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _peer_entry(public: str, plaintext: str, peer: str) -> dict[str, Any]:
    """``session_data`` encrypted by a peer's PkEncryption."""
    if peer == "python-olm":
        m = olm.pk.PkEncryption(public).encrypt(plaintext)
        data = {"ephemeral": m.ephemeral_key, "ciphertext": m.ciphertext, "mac": m.mac}
    else:
        key = vodozemac.Curve25519PublicKey.from_base64(public)
        v = vodozemac.PkEncryption.from_key(key).encrypt(plaintext.encode())
        data = {"ephemeral": _b64(v.ephemeral_key), "ciphertext": _b64(v.ciphertext),
                "mac": _b64(v.mac)}
    return data


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A backup whose key comes from a passphrase, three good entries by each peer, and
    two bad ones: encrypted for another key, and filed under another session's id."""
    tmp = tmp_path_factory.mktemp("backup")
    key = hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), SALT.encode(), ITERATIONS, 32)
    public = PkDecryption.from_key(key).public_key.to_base64()
    stranger = PkDecryption.from_key(os.urandom(32)).public_key.to_base64()
    sessions: dict[str, Any] = {}
    good: list[tuple[str, str]] = []
    session_keys: list[str] = []
    for i, peer in enumerate(["python-olm", "vodozemac"] * 3):
        outbound = olm.OutboundGroupSession()
        inbound = olm.InboundGroupSession(outbound.session_key)
        exported = inbound.export_session(i)
        session_keys.append(exported)
        plain = json.dumps({"algorithm": "m.megolm.v1.aes-sha2", "sender_key": SENDER,
                            "sender_claimed_keys": {"ed25519": "claim"},
                            "forwarding_curve25519_key_chain": [], "session_key": exported})
        sessions[inbound.id] = {"first_message_index": i, "forwarded_count": 0,
                                "is_verified": False,
                                "session_data": _peer_entry(public, plain, peer)}
        good.append((inbound.id, peer))
        if i == 0:
            sessions["wrong-key-entry"] = {**sessions[inbound.id],
                                           "session_data": _peer_entry(stranger, plain, peer)}
        if i == 1:
            sessions["A" * 43] = sessions[inbound.id]  # served under another id
    (tmp / "keys.json").write_text(json.dumps({"rooms": {"!r:example.org": {
        "sessions": sessions}}}))
    version = {"algorithm": ALGORITHM, "version": "7", "auth_data": {
        "public_key": public, "private_key_salt": SALT, "private_key_iterations": ITERATIONS}}
    (tmp / "version.json").write_text(json.dumps(version))
    return {"dir": tmp, "key": key, "recovery_key": recovery.encode_recovery_key(key),
            "good": good, "session_keys": session_keys, "public": public}


def test_backup_decrypt_reports_bad_entries_and_keeps_going(dump: dict[str, Any]) -> None:
    tmp: Path = dump["dir"]
    result = olmpy("backup", "decrypt", tmp / "keys.json", "--info", tmp / "version.json",
                   "--json", "--recovery-key-env", "RK", RK=dump["recovery_key"])
    assert result.code == 1, result.err
    rows = json.loads(result.text())
    assert [r["session_id"] for r in rows] == [sid for sid, _ in dump["good"]]
    assert [r["session_key"] for r in rows] == dump["session_keys"]
    assert {r["room_id"] for r in rows} == {"!r:example.org"}
    assert "wrong-key-entry: MacError" in result.err
    assert "A" * 43 + ": BackupSessionMismatchError" in result.err
    assert "decrypted 6 of 8 sessions; 2 failed" in result.err
    assert not result.shows(dump["recovery_key"])
    assert not any(k in result.err for k in dump["session_keys"])


def test_backup_to_export_file_with_the_passphrase(dump: dict[str, Any]) -> None:
    """The backup key derived from auth_data's private_key_* parameters opens it; the
    export file written holds the same sessions."""
    tmp: Path = dump["dir"]
    out = tmp / "restored.txt"
    result = olmpy("backup", "decrypt", tmp / "keys.json", "--info", tmp / "version.json",
                   "--passphrase-env", "PW", "--export-passphrase-env", "EX", "--rounds",
                   "1000", "--allow-low-rounds", "-o", out, PW=PASSPHRASE, EX="export pass")
    assert result.code == 1, result.err
    restored = list(KeyExportReader(out, "export pass"))
    assert [k.session_key.to_base64() for k in restored] == dump["session_keys"]
    assert out.stat().st_mode & 0o777 == 0o600
    assert result.out == b""
    assert not result.shows(PASSPHRASE) and not result.shows("export pass")


def test_backup_wrong_and_malformed_keys(dump: dict[str, Any]) -> None:
    tmp: Path = dump["dir"]
    args = ("backup", "decrypt", tmp / "keys.json", "--info", tmp / "version.json", "--json")
    other = recovery.encode_recovery_key(os.urandom(32))
    wrong = olmpy(*args, "--recovery-key-env", "RK", RK=other)
    assert wrong.code == 3 and dump["public"] in wrong.err and wrong.out == b""
    assert not wrong.shows(other)
    typo = dump["recovery_key"].replace(dump["recovery_key"][5], "0", 1)
    bad = olmpy(*args, "--recovery-key-env", "RK", RK=typo)
    assert bad.code == 2 and "base58" in bad.err and bad.out == b""
    missing = olmpy(*args)  # neither a flag nor a terminal
    assert missing.code == 2 and "no terminal" in missing.err
    not_json = olmpy("backup", "decrypt", tmp / "keys.json", "--info", tmp / "keys.json",
                     "--json", "--recovery-key-env", "RK", RK=dump["recovery_key"])
    assert not_json.code == 2 and "auth_data" in not_json.err


def test_recovery_check_and_normalise(dump: dict[str, Any]) -> None:
    messy = " " + dump["recovery_key"].replace(" ", "  ") + "\n"  # spacing is ignored
    check = olmpy("recovery", "check", "--json", "--recovery-key-fd", "0",
                  stdin=messy.encode())
    assert check.code == 0, check.err
    assert json.loads(check.text()) == {"valid": True, "backup_public_key": dump["public"]}
    assert not check.shows(dump["recovery_key"])
    normal = olmpy("recovery", "check", "--normalise", "--recovery-key-fd", "0",
                   stdin=messy.encode())
    assert normal.text() == dump["recovery_key"] + "\n"


def test_recovery_derive_matches_pbkdf2(dump: dict[str, Any]) -> None:
    """`recovery derive` gives PBKDF2-HMAC-SHA-512 (hashlib) of the passphrase, from flags
    or from the backup version's parameters."""
    tmp: Path = dump["dir"]
    by_flags = olmpy("recovery", "derive", "--salt", SALT, "--iterations", str(ITERATIONS),
                     "--passphrase-env", "PW", PW=PASSPHRASE)
    by_info = olmpy("recovery", "derive", "--info", tmp / "version.json",
                    "--passphrase-env", "PW", PW=PASSPHRASE)
    for result in (by_flags, by_info):
        assert result.code == 0, result.err
        assert recovery.decode_recovery_key(result.text()) == dump["key"]
        assert not result.shows(PASSPHRASE)
    costly = olmpy("recovery", "derive", "--salt", SALT, "--iterations", "2000000",
                   "--passphrase-env", "PW", PW=PASSPHRASE)
    assert costly.code == 2 and "2000000" in costly.err and "--max-iterations N" in costly.err


def test_recovery_match_backup_and_secret_storage(dump: dict[str, Any]) -> None:
    tmp: Path = dump["dir"]
    ok = olmpy("recovery", "match", "--backup", tmp / "version.json",
               "--recovery-key-env", "RK", RK=dump["recovery_key"])
    assert ok.code == 0 and dump["public"] in ok.text()
    other = recovery.encode_recovery_key(os.urandom(32))
    no = olmpy("recovery", "match", "--backup", tmp / "version.json",
               "--recovery-key-env", "RK", RK=other)
    assert no.code == 3 and not no.shows(other)

    info = secret_storage.PassphraseInfo(SALT, ITERATIONS)
    description = secret_storage.create_key_description(dump["key"], name="ssss",
                                                        passphrase=info)
    path = tmp / "ssss.json"
    path.write_text(json.dumps(description.to_json()))
    by_pass = olmpy("recovery", "match", "--key-description", path,
                    "--passphrase-env", "PW", PW=PASSPHRASE)
    assert by_pass.code == 0 and "'ssss'" in by_pass.text(), by_pass.err
    wrong_pass = olmpy("recovery", "match", "--key-description", path,
                       "--passphrase-env", "PW", PW="not it")
    assert wrong_pass.code == 3 and not wrong_pass.shows("not it")


def test_backup_truncated_dump_and_stdin(dump: dict[str, Any]) -> None:
    """A dump cut short fails with exit 2 naming the offset, after the entries before the
    cut; no output file is left. The whole dump also reads from stdin ('-')."""
    tmp: Path = dump["dir"]
    text = (tmp / "keys.json").read_text()
    cut = tmp / "cut.json"
    cut.write_text(text[: len(text) * 2 // 3])
    out = tmp / "cut-out.json"
    result = olmpy("backup", "decrypt", cut, "--info", tmp / "version.json", "--json",
                   "--recovery-key-env", "RK", "-o", out, RK=dump["recovery_key"])
    assert result.code == 2, result.err
    assert "backup dump: expected" in result.err and "at character" in result.err
    assert "Traceback" not in result.err and not out.exists()
    piped = olmpy("backup", "decrypt", "-", "--info", tmp / "version.json", "--json",
                  "--recovery-key-env", "RK", RK=dump["recovery_key"], stdin=text.encode())
    assert piped.code == 1, piped.err
    assert [r["session_id"] for r in json.loads(piped.text())] == [
        sid for sid, _ in dump["good"]]

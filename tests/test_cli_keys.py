"""``olmpy keys``: subprocess runs on export files written by Element, matrix-rust-sdk,
matrix-nio and olmpy, checking outputs, exit codes and that no secret is shown."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from cli_run import ROOT, olmpy

from olmpy import GroupSession, InboundGroupSession, testing
from olmpy.key_export import ExportedRoomKey, KeyExportReader, export_room_keys

PASS = "correct horse \u00e9 battery"
VECTORS = json.loads((ROOT / "vectors" / "key_export.json").read_text())
NIO = json.loads((ROOT / "vectors" / "nio_key_export.json").read_text())
# A Python with matrix-nio 0.26: OLMPY_NIO_PYTHON, else a developer's venv.  .ci/run runs
# the live test again after tests/clients/run.py made its clients venv, with
# OLMPY_REQUIRE_NIO=1, which turns a missing nio into a failure.
CLIENTS_PYTHON = Path(os.environ.get("OLMPY_NIO_PYTHON") or "/work/venvs/clients/bin/python")
SENDER = "Ebh0nfMKc+ViNa5DsC8fq1KI1l8Pfq2X8GVzDeF2nCk"
OTHER_SENDER = "cKQkLU8izjY3tpLVPiR4PDeeCEKtaDiAGiQH+UbZm2w"


def _key(outbound: GroupSession, room: str, index: int = 0, *,
         sender: str = SENDER, chain: tuple[str, ...] = ()) -> ExportedRoomKey:
    inbound = InboundGroupSession(outbound.session_key)
    return ExportedRoomKey(
        room_id=room, sender_key=sender, session_id=inbound.session_id,
        session_key=inbound.export_at(index), sender_claimed_keys={"ed25519": "claim"},
        forwarding_curve25519_key_chain=chain,
    )


def _write(path: Path, keys: list[ExportedRoomKey], passphrase: str = PASS) -> Path:
    path.write_text(export_room_keys(keys, passphrase, rounds=1000, allow_low_rounds=True))
    return path


def _rows(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def _expected_rows(keys: list[ExportedRoomKey]) -> list[dict[str, object]]:
    return [{"room_id": k.room_id, "session_id": k.session_id, "sender_key": k.sender_key,
             "first_known_index": k.first_known_index,
             "forwarded_count": len(k.forwarding_curve25519_key_chain)} for k in keys]


@pytest.fixture(scope="module")
def sessions() -> list[GroupSession]:
    return [GroupSession() for _ in range(4)]


@pytest.fixture(scope="module")
def keys(sessions: list[GroupSession]) -> list[ExportedRoomKey]:
    rooms = ["!a:example.org", "!b:example.org", "!a:example.org", "!c:example.org"]
    return [_key(s, room, index=i) for i, (s, room) in enumerate(zip(sessions, rooms, strict=True))]


# --- files written by peers -------------------------------------------------------------


def test_nio_written_vector_lists_as_nio_sees_it(tmp_path: Path) -> None:
    """The committed file matrix-nio's export_keys wrote lists the sessions nio reported.

    nio hands its str passphrase to PyCryptodome, which makes bytes of it as Latin-1, not
    UTF-8 as Element does: with a non-ASCII passphrase the UTF-8 reading is a wrong
    passphrase (exit 3) and ``--passphrase-encoding latin-1`` opens the file.
    """
    assert not NIO["passphrase"].isascii()
    path = tmp_path / "nio.txt"
    path.write_text(NIO["armoured"])
    as_utf8 = olmpy("keys", "list", "--passphrase-env", "P", path, P=NIO["passphrase"])
    assert as_utf8.code == 3 and "MAC" in as_utf8.err
    result = olmpy("keys", "list", "--json", "--passphrase-encoding", "latin-1",
                   "--passphrase-env", "P", path, P=NIO["passphrase"])
    assert result.code == 0, result.err
    assert _rows(result.text()) == NIO["sessions"]
    assert not result.shows(NIO["passphrase"]) and not as_utf8.shows(NIO["passphrase"])


def test_nio_export_keys_live(tmp_path: Path) -> None:
    """A file matrix-nio writes now, in the clients venv, reads back as nio describes it."""
    if not CLIENTS_PYTHON.exists():
        if os.environ.get("OLMPY_REQUIRE_NIO"):
            pytest.fail(f"OLMPY_REQUIRE_NIO is set, but there is no {CLIENTS_PYTHON}")
        pytest.skip(f"no Python with matrix-nio at {CLIENTS_PYTHON} (set OLMPY_NIO_PYTHON)")
    record = tmp_path / "nio.json"
    # nio's Python runs no olmpy code: keep a sanitizer preload (tools/sanitize.py) out of it
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "PYTHONPATH")}
    subprocess.run([str(CLIENTS_PYTHON), str(ROOT / "vectors" / "generate_cli_nio_export.py"),
                    str(record)], check=True, capture_output=True, timeout=120, env=env)
    data = json.loads(record.read_text())
    path = tmp_path / "nio.txt"
    path.write_text(data["armoured"])
    result = olmpy("keys", "list", "--json", "--passphrase-encoding", "latin-1",
                   "--passphrase-fd", "0", path,
                   stdin=data["passphrase"].encode() + b"\n")
    assert result.code == 0, result.err
    assert _rows(result.text()) == data["sessions"]


def test_element_vectors_decrypt_raw(tmp_path: Path) -> None:
    """Element's published files (vector 4 wraps WebCrypto's 64-bit counter) give their
    published plaintext through `keys decrypt --raw`, read from stdin."""
    for vector in VECTORS["element_web"]:
        result = olmpy("keys", "decrypt", "--raw", "--passphrase-env", "P", "-",
                       stdin=vector["armoured"].encode(), P=vector["passphrase"])
        assert result.code == 0, (vector["id"], result.err)
        assert result.text() == vector["plaintext"], vector["id"]


def test_rust_sdk_vector_lists_its_sessions() -> None:
    vector = VECTORS["matrix_rust_sdk"][0]
    result = olmpy("keys", "list", "--json", "--passphrase-env", "P", "-",
                   stdin=vector["armoured"].encode(), P=vector["passphrase"])
    assert result.code == 0, result.err
    rows = _rows(result.text())
    assert [(r["session_id"], r["first_known_index"]) for r in rows] == [
        (p["session_id"], p["first_known_index"]) for p in vector["peer_reports"]
    ]


# --- olmpy-written files: every subcommand ----------------------------------------------


def test_decrypt_encrypt_list_round_trip(tmp_path: Path, keys: list[ExportedRoomKey]) -> None:
    src = _write(tmp_path / "in.txt", keys)
    plain = tmp_path / "keys.json"
    result = olmpy("keys", "decrypt", "--passphrase-env", "P", src, "-o", plain, P=PASS)
    assert result.code == 0, result.err
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
    assert json.loads(plain.read_text()) == [k.to_json() for k in keys]
    assert result.out == b"" and not result.shows(PASS)
    assert not any(result.shows(k.session_key.to_base64()) for k in keys)

    # JSON back into a file under a new passphrase, piped through stdin and stdout
    again = olmpy("keys", "encrypt", "--passphrase-env", "NEW", "--rounds", "2000",
                  "--allow-low-rounds", stdin=plain.read_bytes(), NEW="new pass")
    assert again.code == 0, again.err
    reader = KeyExportReader(again.out, "new pass")
    assert reader.rounds == 2000
    assert list(reader) == keys

    listed = olmpy("keys", "list", "--passphrase-env", "NEW", "-", stdin=again.out,
                   NEW="new pass")
    assert listed.code == 0, listed.err
    lines = listed.text().splitlines()
    assert lines[0].split("\t") == ["room_id", "session_id", "sender_key",
                                    "first_known_index", "forwarded_count"]
    assert [line.split("\t") for line in lines[1:]] == [
        [str(v) for v in row.values()] for row in _expected_rows(keys)]
    assert not any(listed.shows(k.session_key.to_base64()) for k in keys)
    assert not listed.shows("new pass")


def test_filter_by_room_and_sender(tmp_path: Path, keys: list[ExportedRoomKey]) -> None:
    extra = _key(GroupSession(), "!a:example.org", sender=OTHER_SENDER)
    src = _write(tmp_path / "in.txt", [*keys, extra])
    out = tmp_path / "a.txt"
    result = olmpy("keys", "filter", "--room", "!a:example.org", "--sender", SENDER,
                   "--passphrase-env", "P", src, "-o", out, P=PASS)
    assert result.code == 0, result.err
    assert "kept 2 of 5 sessions" in result.err
    reader = KeyExportReader(out, PASS)
    assert reader.rounds == 1000  # the input's count is kept
    assert list(reader) == [k for k in keys if k.room_id == "!a:example.org"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_merge_keeps_the_better_copy(tmp_path: Path, sessions: list[GroupSession],
                                     keys: list[ExportedRoomKey]) -> None:
    """Of two copies the lower first index wins, whichever file it is in; a copy from
    another ratchet with the same session id is reported and the first one kept (exit 1)."""
    later = _key(sessions[0], keys[0].room_id, index=5)  # worse than keys[0] (index 0)
    earlier = _key(sessions[3], keys[3].room_id, index=0)  # better than keys[3] (index 3)
    seed = bytes(range(32))
    forged_a = testing.group_session_from_parts(bytes(128), 0, seed)
    forged_b = testing.group_session_from_parts(bytes([1]) * 128, 0, seed)  # same id
    first = _write(tmp_path / "one.txt", [*keys[:2], later, keys[3], _key(forged_a, "!f:x")])
    second = _write(tmp_path / "two.txt", [keys[2], earlier, keys[0], _key(forged_b, "!f:x")])
    out = tmp_path / "merged.txt"
    result = olmpy("keys", "merge", "--passphrase-env", "P", first, second, "-o", out, P=PASS)
    assert result.code == 1, result.err
    assert "1 conflicts" in result.err and "does not match" in result.err
    merged = list(KeyExportReader(out, PASS))
    by_id = {k.session_id: k for k in merged}
    assert len(merged) == 5
    assert by_id[keys[0].session_id] == keys[0]
    assert by_id[keys[3].session_id] == earlier
    assert by_id[forged_a.session_id] == _key(forged_a, "!f:x")


def test_rekey_then_old_passphrase_fails(tmp_path: Path, keys: list[ExportedRoomKey]) -> None:
    src = _write(tmp_path / "in.txt", keys)
    out = tmp_path / "new.txt"
    (tmp_path / "pass").write_text("brand new\n")
    result = olmpy("keys", "rekey", "--passphrase-env", "P", "--new-passphrase-file",
                   tmp_path / "pass", src, "-o", out, P=PASS)
    assert result.code == 0, result.err
    assert list(KeyExportReader(out, "brand new")) == keys
    wrong = olmpy("keys", "list", "--passphrase-env", "P", out, P=PASS)
    assert wrong.code == 3
    assert "MAC" in wrong.err and "wrong passphrase" in wrong.err
    assert wrong.out == b"" and not wrong.shows(PASS)


# --- bad input --------------------------------------------------------------------------


def test_bad_inputs_have_their_exit_codes(tmp_path: Path, keys: list[ExportedRoomKey]) -> None:
    src = _write(tmp_path / "in.txt", keys)
    lines = src.read_text().splitlines()
    truncated = tmp_path / "short.txt"
    truncated.write_text("\n".join(lines[:2]) + "\n")
    cases = {
        "truncated": (["keys", "list", truncated], 2, "short.txt: key export: expected "
                      "'-----END MEGOLM SESSION DATA-----', got the end"),
        "json instead": (["keys", "list", ROOT / "vectors" / "key_export.json"], 2,
                         "BEGIN MEGOLM SESSION DATA"),
        "missing file": (["keys", "list", tmp_path / "nope.txt"], 2, "No such file"),
        "too many rounds": (["keys", "list", "--max-rounds", "999", src], 2, "--max-rounds"),
    }
    for name, (args, code, words) in cases.items():
        result = olmpy(*args, "--passphrase-env", "P", P=PASS)
        assert result.code == code, (name, result.err)
        assert words.lower() in result.err.lower(), (name, result.err)
        assert result.out == b"" and not result.shows(PASS), name


def test_missing_secret_and_existing_output(tmp_path: Path, keys: list[ExportedRoomKey]) -> None:
    src = _write(tmp_path / "in.txt", keys)
    no_key = olmpy("keys", "list", src)  # no flag and no terminal to prompt on
    assert no_key.code == 2 and "no terminal" in no_key.err
    unset = olmpy("keys", "list", "--passphrase-env", "UNSET_VARIABLE_X", src)
    assert unset.code == 2 and "UNSET_VARIABLE_X" in unset.err
    out = tmp_path / "exists.json"
    out.write_text("keep me")
    refused = olmpy("keys", "decrypt", "--passphrase-env", "P", src, "-o", out, P=PASS)
    assert refused.code == 2 and "--force" in refused.err
    assert out.read_text() == "keep me"
    forced = olmpy("keys", "decrypt", "--force", "--passphrase-env", "P", src, "-o", out,
                   P=PASS)
    assert forced.code == 0, forced.err
    assert len(json.loads(out.read_text())) == len(keys)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_help_documents_exit_codes_and_examples() -> None:
    top = olmpy("--help")
    assert top.code == 0
    for words in ("exit codes:", "3  wrong passphrase or key", "keys", "backup", "recovery"):
        assert words in top.text(), words
    sub = olmpy("keys", "merge", "--help")
    assert sub.code == 0
    assert "--passphrase-fd" in sub.text() and "example:" in sub.text()

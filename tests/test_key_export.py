"""Key export files (MEGOLM SESSION DATA): published vectors, layout, streaming, typed errors.

Ground truth is Element's and matrix-rust-sdk's published files (vectors/key_export.json) and
an independent decryptor (hashlib PBKDF2, hmac, an AES-ECB keystream with a 64-bit counter,
from vectors/generate_key_export.py) that shares no code with olmpy.  PBKDF2 runs with tiny
round counts (``allow_low_rounds``) so the suite stays fast.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vectors_loader import generator, load, params

import olmpy
from olmpy import key_export as kx
from olmpy import testing
from olmpy.errors import (
    Base64Error,
    DecodeError,
    MacError,
    OlmpyError,
    UnknownMessageIndexError,
    UsageError,
    VersionError,
)
from olmpy.key_export import (
    ExportedRoomKey,
    KeyExportBase64Error,
    KeyExportEntryError,
    KeyExportError,
    KeyExportReader,
    KeyExportVersionError,
    KeyExportWriter,
)

VECTORS = load("key_export.json")
ELEMENT = VECTORS["element_web"]
RUST = VECTORS["matrix_rust_sdk"]
REF = generator("generate_key_export")  # the independent decryptor
FAST = {"rounds": 2, "allow_low_rounds": True}
PASS = "correct horse battery staple"
HYPOTHESIS = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def payload_of(armoured: str) -> bytes:
    """The raw payload inside an armoured file, decoded by the stdlib."""
    lines = armoured.strip().splitlines()
    assert lines[0] == kx.HEADER and lines[-1] == kx.FOOTER
    return bytes(REF.b64decode("".join(lines[1:-1])))


def reference_open(armoured: str, passphrase: str) -> bytes:
    """Decrypts with the independent implementation (MAC checked there)."""
    payload = payload_of(armoured)
    return bytes(REF.open_payload(payload, passphrase)["_plaintext"])


def room_key(
    sender: olmpy.GroupSession | None = None, room: str = "!room:example.org"
) -> ExportedRoomKey:
    sender = sender or olmpy.GroupSession()
    inbound = olmpy.InboundGroupSession(sender.session_key)
    account = olmpy.Account()
    return ExportedRoomKey.from_inbound_group_session(
        inbound,
        room,
        account.curve25519_key.to_base64(),
        {"ed25519": account.ed25519_key.to_base64()},
    )


def seal_plaintext(plaintext: bytes) -> str:
    return kx.encrypt_key_file(plaintext, PASS, **FAST)  # type: ignore[arg-type]


class Trickle:
    """A non-seekable reader that hands out ``size``-character pieces and must not be re-read."""

    def __init__(self, data: str | bytes, size: int) -> None:
        self.data, self.size, self.pos, self.ended = data, size, 0, False

    def read(self, n: int = -1, /) -> str | bytes:
        assert not self.ended, "the input was read again after its end"
        piece = self.data[self.pos : self.pos + min(n, self.size)]
        self.pos += len(piece)
        self.ended = not piece
        return piece


# --- published vectors ------------------------------------------------------------------


@pytest.mark.parametrize("vector", params(ELEMENT))
def test_element_vector_decrypts(backend: ModuleType, vector: dict[str, Any]) -> None:
    """Each of Element's published files decrypts to its plaintext, from str, bytes and files."""
    want = vector["plaintext"].encode()
    armoured, passphrase = vector["armoured"], vector["passphrase"]
    assert kx.decrypt_key_file(armoured, passphrase) == want
    assert kx.decrypt_key_file(armoured.encode(), passphrase) == want
    assert kx.decrypt_key_file(Trickle(armoured, 7), passphrase) == want
    with KeyExportReader(io.BytesIO(armoured.encode()), passphrase) as reader:
        assert reader.rounds == vector["rounds"]
        assert b"".join(reader.plaintext()) == want


def test_element_wrap_vector_needs_the_64_bit_counter() -> None:
    """The all-ones-IV vector wraps the low 64 counter bits: a 128-bit counter gets it wrong."""
    vector = next(v for v in ELEMENT if v["id"] == "element-web-4")
    assert vector["iv_bit63_set"] and vector["low64_counter_wraps"]
    assert not vector["ctr128_gives_same_plaintext"]
    want = vector["plaintext"].encode()
    assert kx.decrypt_key_file(vector["armoured"], vector["passphrase"]) == want
    # the same keys with OpenSSL's plain 128-bit CTR: right first block, wrong after it
    okm = __import__("hashlib").pbkdf2_hmac(
        "sha512", vector["passphrase"].encode(), bytes.fromhex(vector["salt"]), 1000, 64
    )
    naive = Cipher(algorithms.AES(okm[:32]), modes.CTR(bytes.fromhex(vector["iv"]))).decryptor()
    wrong = naive.update(bytes.fromhex(vector["ciphertext"]))
    assert wrong[:16] == want[:16] and wrong[16:] != want[16:]


@pytest.mark.parametrize("vector", params(ELEMENT))
def test_element_vector_reencrypts_byte_for_byte(vector: dict[str, Any]) -> None:
    """With Element's salt, IV and rounds, olmpy's writer makes the published payload."""
    mine = testing.encrypt_key_file(
        vector["plaintext"].encode(), vector["passphrase"], rounds=vector["rounds"],
        allow_low_rounds=True, salt=bytes.fromhex(vector["salt"]),
        iv=bytes.fromhex(vector["iv"]),
    )
    assert payload_of(mine) == payload_of(vector["armoured"])


@pytest.mark.parametrize("vector", params(ELEMENT))
def test_element_vector_wrong_passphrase_is_a_mac_error(vector: dict[str, Any]) -> None:
    with pytest.raises(MacError, match="MAC"):
        kx.decrypt_key_file(vector["armoured"], vector["passphrase"] + "!")


def test_element_plaintexts_are_not_key_lists() -> None:
    """Element's vectors hold plain text, so reading them as sessions is a typed JSON error."""
    with pytest.raises(KeyExportError, match="a JSON list"):
        kx.import_room_keys(ELEMENT[0]["armoured"], ELEMENT[0]["passphrase"])


@pytest.mark.parametrize("vector", params(RUST))
def test_rust_sdk_export_imports(backend: ModuleType, vector: dict[str, Any]) -> None:
    """The Rust SDK's export (unpadded, 1 round) gives the sessions both peers recognise."""
    keys = kx.import_room_keys(vector["armoured"], vector["passphrase"])
    assert [k.to_json() for k in keys] == vector["sessions"]
    for key, report in zip(keys, vector["peer_reports"], strict=True):
        inbound = key.to_inbound_group_session()
        assert inbound.session_id == key.session_id == report["session_id"]
        assert inbound.first_known_index == key.first_known_index == report["first_known_index"]
        assert key.algorithm == kx.ALGORITHM and not key.shared_history and not key.extra
    assert kx.decrypt_key_file(vector["armoured"], vector["passphrase"]) == (
        vector["plaintext"].encode()
    )


# --- what olmpy writes ------------------------------------------------------------------


def test_written_file_has_elements_layout_and_opens_independently(backend: ModuleType) -> None:
    """128-character lines, padding only at the end, a final newline, IV bit 63 clear;
    the independent decryptor gets the compact JSON list back."""
    keys = [room_key() for _ in range(5)]
    armoured = kx.export_room_keys(keys, PASS, **FAST)  # type: ignore[arg-type]
    assert armoured.startswith(kx.HEADER + "\n") and armoured.endswith(kx.FOOTER + "\n")
    body = armoured.splitlines()[1:-1]
    assert all(len(line) == 128 and "=" not in line for line in body[:-1])
    assert 0 < len(body[-1]) <= 128
    payload = payload_of(armoured)
    assert payload[0] == 1 and int.from_bytes(payload[33:37], "big") == 2
    assert payload[17 + 8] & 0x80 == 0
    plaintext = reference_open(armoured, PASS)
    assert plaintext == json.dumps(
        [k.to_json() for k in keys], separators=(",", ":"), ensure_ascii=False
    ).encode()


def test_iv_bit_63_is_always_clear_and_salts_differ() -> None:
    payloads = [payload_of(seal_plaintext(b"x")) for _ in range(64)]
    assert all(p[25] & 0x80 == 0 for p in payloads)
    assert len({p[1:33] for p in payloads}) == 64


def test_empty_export_round_trips() -> None:
    armoured = kx.export_room_keys([], PASS, **FAST)  # type: ignore[arg-type]
    assert reference_open(armoured, PASS) == b"[]"
    assert kx.import_room_keys(armoured, PASS) == []


def test_round_trip_decrypts_messages(backend: ModuleType) -> None:
    """Sessions come back equal, and each imported session decrypts its sender's messages."""
    senders = [olmpy.GroupSession() for _ in range(3)]
    keys = [room_key(s, f"!r{i}:x") for i, s in enumerate(senders)]
    messages = [s.encrypt(f"hello {i}".encode()) for i, s in enumerate(senders)]
    back = kx.import_room_keys(kx.export_room_keys(keys, PASS, **FAST), PASS)  # type: ignore[arg-type]
    assert back == keys
    for i, (key, message) in enumerate(zip(back, messages, strict=True)):
        assert key.to_inbound_group_session().decrypt(message).plaintext == f"hello {i}".encode()


def test_default_rounds_are_elements() -> None:
    """500,000 rounds by default (Element's), written in the header and read back."""
    assert kx.DEFAULT_ROUNDS == 500_000
    armoured = kx.encrypt_key_file(b"slow", PASS)
    assert int.from_bytes(payload_of(armoured)[33:37], "big") == 500_000
    assert reference_open(armoured, PASS) == b"slow"


def test_writer_streams_before_close(backend: ModuleType) -> None:
    """Lines reach the output while sessions are still being written."""
    out = io.StringIO()
    key = room_key()
    with KeyExportWriter(out, PASS, **FAST) as writer:  # type: ignore[arg-type]
        for _ in range(200):
            writer.write(key)
        partial = out.getvalue()
        assert partial.count("\n") > 50 and kx.FOOTER not in partial
    assert writer.count == 200 and out.getvalue().endswith(kx.FOOTER + "\n")
    assert kx.import_room_keys(out.getvalue(), PASS) == [key] * 200


def test_binary_and_text_outputs_carry_the_same_file(backend: ModuleType) -> None:
    key = room_key()
    text, binary = io.StringIO(), io.BytesIO()
    for out in (text, binary):
        with KeyExportWriter(out, PASS, **FAST) as writer:  # type: ignore[arg-type]
            writer.write(key)
    assert kx.import_room_keys(binary.getvalue(), PASS) == [key]
    assert kx.import_room_keys(text.getvalue(), PASS) == [key]
    assert len(binary.getvalue()) == len(text.getvalue())


def test_writer_aborted_by_an_exception_writes_no_footer(backend: ModuleType) -> None:
    out = io.StringIO()
    with pytest.raises(RuntimeError), KeyExportWriter(out, PASS, **FAST) as writer:  # type: ignore[arg-type]
        writer.write(room_key())
        raise RuntimeError("stop")
    assert kx.FOOTER not in out.getvalue()
    with pytest.raises(UsageError):
        writer.write(room_key())
    with pytest.raises(KeyExportError, match="END MEGOLM"):
        kx.import_room_keys(out.getvalue(), PASS)


def test_progress_reports_kdf_and_sessions(backend: ModuleType) -> None:
    events: list[tuple[str, int, int | None]] = []
    keys = [room_key(), room_key()]
    armoured = kx.export_room_keys(
        keys, PASS, rounds=3, allow_low_rounds=True,
        progress=lambda *e: events.append(e),
    )
    assert events == [("kdf", 0, 3), ("kdf", 3, 3), ("sessions", 1, 2), ("sessions", 2, 2)]
    events.clear()
    kx.import_room_keys(armoured, PASS, progress=lambda *e: events.append(e))
    assert events == [("kdf", 0, 3), ("kdf", 3, 3), ("sessions", 1, None), ("sessions", 2, None)]


def test_progress_can_cancel() -> None:
    class Stop(Exception):
        pass

    def stop(stage: str, done: int, total: int | None) -> None:
        raise Stop

    with pytest.raises(Stop):
        kx.encrypt_key_file(b"x", PASS, progress=stop, **FAST)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rounds",
    [0, -1, 1, 99_999, kx.MAX_ROUNDS + 1, True, 1.5, "9",
     pytest.param(10**5000, id="5001-digits"), pytest.param(-(10**5000), id="-5001-digits")],
)
def test_writer_rejects_bad_round_counts(rounds: Any) -> None:
    with pytest.raises(UsageError, match="rounds"):
        kx.encrypt_key_file(b"x", PASS, rounds=rounds)


def test_low_rounds_need_the_explicit_flag() -> None:
    with pytest.raises(UsageError, match="allow_low_rounds"):
        kx.encrypt_key_file(b"x", PASS, rounds=1000)
    assert reference_open(kx.encrypt_key_file(b"x", PASS, rounds=1, allow_low_rounds=True),
                          PASS) == b"x"


# An empty passphrase is refused on write, and still opens a file on read:
# tests/test_pickle_keys.py.
@pytest.mark.parametrize("passphrase", ["pässwörd ☃", b"raw bytes \xff"])
def test_passphrase_is_utf8_or_raw_bytes(passphrase: str | bytes) -> None:
    armoured = kx.encrypt_key_file(b"data", passphrase, **FAST)  # type: ignore[arg-type]
    text = passphrase if isinstance(passphrase, str) else None
    if text is not None:
        assert reference_open(armoured, text) == b"data"
    assert kx.decrypt_key_file(armoured, passphrase) == b"data"


@pytest.mark.parametrize("passphrase", [None, 5, "lone \ud800 surrogate"])
def test_bad_passphrase_is_a_usage_error(passphrase: Any) -> None:
    with pytest.raises(UsageError, match="passphrase"):
        kx.encrypt_key_file(b"x", passphrase, **FAST)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="passphrase"):
        kx.decrypt_key_file(ELEMENT[0]["armoured"], passphrase)


# --- reading: tolerance and rounds -------------------------------------------------------


def reformat(armoured: str, width: int, eol: str, pad: bool, indent: str = "") -> str:
    body = "".join(armoured.splitlines()[1:-1])
    if not pad:
        body = body.rstrip("=")
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    return eol.join([kx.HEADER, *(indent + line for line in lines), kx.FOOTER]) + eol


@pytest.mark.parametrize(
    ("width", "eol", "pad", "indent"),
    [(64, "\r\n", True, ""), (76, "\n", False, ""), (10**6, "\n", False, ""),
     (5, "\n\n", True, "  \t"), (1, "\r\n", True, " ")],
)
def test_reader_accepts_any_line_layout(width: int, eol: str, pad: bool, indent: str) -> None:
    """CRLF, blank lines, indentation, one long line, no padding (Rust's style) all read."""
    armoured = seal_plaintext(b"layout" * 50)
    assert kx.decrypt_key_file(reformat(armoured, width, eol, pad, indent), PASS) == b"layout" * 50


def test_reader_accepts_bom_and_surrounding_whitespace() -> None:
    armoured = seal_plaintext(b"bom")
    for text in ("\ufeff" + armoured, "\n\n  " + armoured + "  \n\n", armoured.rstrip("\n")):
        assert kx.decrypt_key_file(text, PASS) == b"bom"
    assert kx.decrypt_key_file(b"\xef\xbb\xbf" + armoured.encode(), PASS) == b"bom"


def test_reader_takes_paths_and_reads_files_once(tmp_path: Path) -> None:
    armoured = seal_plaintext(b"file" * 1000)
    path = tmp_path / "keys.txt"
    path.write_text(armoured, encoding="ascii")
    assert kx.decrypt_key_file(path, PASS) == b"file" * 1000
    with open(path, encoding="ascii") as f:
        assert kx.decrypt_key_file(f, PASS) == b"file" * 1000
    assert kx.decrypt_key_file(Trickle(armoured.encode(), 3), PASS) == b"file" * 1000


def test_reader_round_cap() -> None:
    vector = ELEMENT[1]  # 1000 rounds
    with pytest.raises(KeyExportError, match="max_rounds"):
        kx.decrypt_key_file(vector["armoured"], vector["passphrase"], max_rounds=999)
    assert kx.decrypt_key_file(vector["armoured"], vector["passphrase"], max_rounds=1000)
    with pytest.raises(UsageError, match="max_rounds"):
        kx.decrypt_key_file(vector["armoured"], vector["passphrase"], max_rounds=0)
    with pytest.raises(UsageError, match="max_rounds"):  # too many digits for str()
        kx.decrypt_key_file(vector["armoured"], vector["passphrase"], max_rounds=-(10**5000))


def armour(payload: bytes) -> str:
    return f"{kx.HEADER}\n{base64.b64encode(payload).decode()}\n{kx.FOOTER}\n"


def test_zero_rounds_is_refused_before_any_kdf() -> None:
    payload = bytearray(payload_of(seal_plaintext(b"x")))
    payload[33:37] = bytes(4)
    with pytest.raises(KeyExportError, match="round count"):
        kx.decrypt_key_file(armour(bytes(payload)), PASS)


# --- reading: typed errors ---------------------------------------------------------------


GOOD = None


def good() -> str:
    global GOOD
    if GOOD is None:
        GOOD = seal_plaintext(b'[{"not":"checked"}]' * 3)
    return GOOD


@pytest.mark.parametrize(
    ("mangle", "error", "match"),
    [
        (lambda a: "", KeyExportError, "BEGIN MEGOLM"),
        (lambda a: "   \n", KeyExportError, "BEGIN MEGOLM"),
        (lambda a: "junk\n" + a, KeyExportError, "BEGIN MEGOLM"),
        (lambda a: a.replace(kx.HEADER, kx.HEADER[:-1]), KeyExportError, "BEGIN MEGOLM"),
        (lambda a: a.replace(kx.HEADER + "\n", kx.HEADER + " x"), KeyExportError, "line break"),
        (lambda a: a.replace(kx.HEADER + "\n", kx.HEADER), KeyExportError, "line break"),
        (lambda a: a.replace(kx.FOOTER, ""), KeyExportError, "END MEGOLM"),
        (lambda a: a.replace(kx.FOOTER, kx.FOOTER[:-1]), KeyExportError, "END MEGOLM"),
        (lambda a: a.replace("\n" + kx.FOOTER, kx.FOOTER), KeyExportError, "own"),
        (lambda a: a + "trailing", KeyExportError, "nothing after the footer"),
        (lambda a: a.replace(kx.FOOTER, kx.HEADER), KeyExportError, "END MEGOLM"),
        (lambda a: f"{kx.HEADER}\n{kx.FOOTER}\n", KeyExportError, "empty body"),
        (lambda a: a.replace("\n", "\né", 1), KeyExportError, "ASCII"),
    ],
)
def test_armour_errors(mangle: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        kx.decrypt_key_file(mangle(good()), PASS)


def body_edit(armoured: str, edit: Any) -> str:
    lines = armoured.splitlines()
    return "\n".join([lines[0], edit("".join(lines[1:-1])), lines[-1]]) + "\n"


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda b: b[:10] + "_" + b[11:], "base64 characters"),
        (lambda b: b[:10] + "=" + b[11:], "padding"),
        (lambda b: b.rstrip("=") + "===", "padding|at most two"),
        (lambda b: b.rstrip("=") + "A", "whole number"),
        (lambda b: b.rstrip("=") + "A=", "whole number"),
        (lambda b: b[:-4] + "AAB=", "trailing bits"),
    ],
)
def test_base64_errors_are_typed(edit: Any, match: str) -> None:
    assert "=" not in good() and len(payload_of(good())) % 3 == 0  # the edits assume this
    with pytest.raises(KeyExportBase64Error, match=match) as info:
        kx.decrypt_key_file(body_edit(good(), edit), PASS)
    assert isinstance(info.value, Base64Error) and isinstance(info.value, KeyExportError)


def test_version_and_truncation_errors() -> None:
    payload = payload_of(good())
    with pytest.raises(KeyExportVersionError, match="0x01") as info:
        kx.decrypt_key_file(armour(b"\x02" + payload[1:]), PASS)
    assert isinstance(info.value, VersionError)
    for cut in (1, 37, 68):
        with pytest.raises(KeyExportError, match="truncated"):
            kx.decrypt_key_file(armour(payload[:cut]), PASS)
    with pytest.raises(MacError):  # 69 bytes parse; the MAC decides
        kx.decrypt_key_file(armour(payload[:69]), PASS)


def test_every_payload_bit_is_authenticated() -> None:
    payload = payload_of(good())
    for i in [*range(37, len(payload)), 1, 16, 17, 32]:
        flipped = bytearray(payload)
        flipped[i] ^= 0x10
        with pytest.raises(MacError):
            kx.decrypt_key_file(armour(bytes(flipped)), PASS)


def test_mac_is_checked_before_anything_is_parsed() -> None:
    """A file whose plaintext is garbage but whose MAC is wrong reports the MAC, not JSON,
    and reports it from the constructor, before any plaintext can be requested."""
    payload = bytearray(payload_of(seal_plaintext(b"\xff not json")))
    payload[-1] ^= 1
    events: list[tuple[str, int, int | None]] = []
    with pytest.raises(MacError):
        KeyExportReader(armour(bytes(payload)), PASS, progress=lambda *e: events.append(e))
    assert [e[0] for e in events] == ["kdf", "kdf"]


def test_reader_is_single_use() -> None:
    reader = KeyExportReader(good(), PASS)
    assert list(reader.plaintext())
    with pytest.raises(UsageError):
        list(reader.plaintext())


@pytest.mark.parametrize("source", [None, 5, ["list"], object()])
def test_bad_source_is_a_usage_error(source: Any) -> None:
    with pytest.raises(UsageError, match="source"):
        kx.decrypt_key_file(source, PASS)


# --- the JSON inside ---------------------------------------------------------------------


def entry(key: ExportedRoomKey, **changes: Any) -> dict[str, Any]:
    doc = key.to_json()
    for name, value in changes.items():
        if value is _DROP:
            del doc[name]
        else:
            doc[name] = value
    return doc


_DROP = object()


def import_json(docs: Any) -> list[ExportedRoomKey]:
    return kx.import_room_keys(seal_plaintext(json.dumps(docs).encode()), PASS)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"algorithm": "m.megolm.v2.aes-sha2"}, "algorithm"),
        ({"algorithm": _DROP}, "'algorithm' field"),
        ({"room_id": _DROP}, "'room_id' field"),
        ({"room_id": 7}, "room_id"),
        ({"session_id": "AAAA"}, "session_id"),
        ({"session_id": "not base64!"}, "session_id"),
        ({"session_key": "AQ"}, "exported Megolm session key"),
        ({"session_key": None}, "session_key"),
        ({"sender_key": "short"}, "sender_key|Curve25519"),
        ({"sender_key": ["x"]}, "sender_key"),
        ({"sender_claimed_keys": ["ed25519"]}, "sender_claimed_keys"),
        ({"sender_claimed_keys": {"ed25519": 5}}, "sender_claimed_keys"),
        ({"forwarding_curve25519_key_chain": "abc"}, "forwarding_curve25519_key_chain"),
        ({"forwarding_curve25519_key_chain": ["AAAA"]}, r"forwarding_curve25519_key_chain\[0\]"),
    ],
)
def test_bad_entries_name_their_index(
    backend: ModuleType, changes: dict[str, Any], match: str
) -> None:
    good_key = room_key()
    with pytest.raises(KeyExportEntryError, match=match) as info:
        import_json([good_key.to_json(), entry(room_key(), **changes)])
    assert info.value.index == 1 and "entry 1" in str(info.value)


def test_signed_session_key_is_not_an_export(backend: ModuleType) -> None:
    """A 229-byte m.room_key key (version 0x02) where the export form belongs is refused."""
    sender = olmpy.GroupSession()
    with pytest.raises(KeyExportEntryError, match="version"):
        import_json([entry(room_key(sender), session_key=sender.session_key.to_base64())])


def test_entries_before_a_bad_one_are_yielded(backend: ModuleType) -> None:
    first = room_key()
    armoured = seal_plaintext(json.dumps([first.to_json(), {"nope": 1}]).encode())
    reader = KeyExportReader(armoured, PASS)
    it = iter(reader)
    assert next(it) == first
    with pytest.raises(KeyExportEntryError, match="'algorithm' field"):
        next(it)


@pytest.mark.parametrize(
    ("plaintext", "match"),
    [
        (b"", "a JSON list"),
        (b"   ", "a JSON list"),
        (b"{}", "a JSON list"),
        (b"[", "entry 0"),
        (b"[1]", "a JSON object for entry 0"),
        (b'["x"]', "a JSON object for entry 0"),
        (b"[{}", "',' or ']'"),
        (b"[{},]", "a JSON object for entry 1"),
        (b"[{} {}]", "',' or ']'"),
        (b"[{}] x", "nothing after the list"),
        (b"[][]", "nothing after the list"),
        (b'[{"a":NaN}]', "entry 0"),
        (b'[{"a":}]', "entry 0"),
        (b'[{"a":"\xff"}]', "UTF-8"),
        (b"\xef\xbb\xbf[]", "a JSON list"),
        (b"[" + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"]", "entry 0"),
        (b'[{"a":"' + b"x" * (2 << 20) + b'"}]', "1 MiB"),
    ],
    ids=lambda v: repr(v)[:30] if isinstance(v, bytes) else v,
)
def test_json_errors_are_typed(backend: ModuleType, plaintext: bytes, match: str) -> None:
    """Structural errors; every ``{}`` stands for a valid entry, so only the structure fails."""
    valid = json.dumps(room_key().to_json()).encode()
    with pytest.raises(KeyExportError, match=match):
        kx.import_room_keys(seal_plaintext(plaintext.replace(b"{}", valid)), PASS)


def test_whitespace_and_unicode_in_the_json(backend: ModuleType) -> None:
    key = room_key(room="!räum:☃.example")
    text = "\n [\r\n\t" + json.dumps(key.to_json(), ensure_ascii=False, indent=3) + " \n]\n "
    assert kx.import_room_keys(seal_plaintext(text.encode()), PASS) == [key]


def test_unknown_fields_and_shared_history_survive(backend: ModuleType) -> None:
    doc = entry(room_key(), **{kx.SHARED_HISTORY: True, "untrusted": True, "x": {"y": [1]}})
    (key,) = import_json([doc])
    assert key.shared_history and key.extra == {"untrusted": True, "x": {"y": [1]}}
    written = {**doc, "shared_history": True}  # the spec's name is added beside the MSC's
    assert key.to_json() == written
    (again,) = kx.import_room_keys(kx.export_room_keys([key], PASS, **FAST), PASS)  # type: ignore[arg-type]
    assert again == key and again.to_json() == written


def test_missing_optional_fields_default_like_rust(backend: ModuleType) -> None:
    """rust-sdk defaults sender_claimed_keys and the forwarding chain when absent."""
    doc = entry(room_key(), sender_claimed_keys=_DROP, forwarding_curve25519_key_chain=_DROP)
    (key,) = import_json([doc])
    assert key.sender_claimed_keys == {} and key.forwarding_curve25519_key_chain == ()


# --- the record --------------------------------------------------------------------------


def test_record_checks_its_fields(backend: ModuleType) -> None:
    key = room_key()
    other = room_key()
    base = {
        "room_id": key.room_id, "sender_key": key.sender_key,
        "session_id": key.session_id, "session_key": key.session_key,
    }
    assert ExportedRoomKey(**base) == ExportedRoomKey(**base)  # type: ignore[arg-type]
    for name, value in [
        ("session_id", other.session_id), ("session_key", key.session_key.to_base64()),
        ("room_id", None), ("algorithm", "m.olm.v1.curve25519-aes-sha2"),
        ("shared_history", 1), ("forwarding_curve25519_key_chain", "AAAA"),
        ("extra", {"room_id": "clash"}), ("sender_claimed_keys", {"ed25519": None}),
    ]:
        with pytest.raises(OlmpyError):
            ExportedRoomKey(**{**base, name: value})  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        ExportedRoomKey.from_inbound_group_session("session", "!r:x", key.sender_key)  # type: ignore[arg-type]


def test_record_repr_hides_the_key(backend: ModuleType) -> None:
    key = room_key()
    secret = key.session_key.to_base64()
    shown = repr(key) + str(key) + repr(KeyExportReader(kx.export_room_keys(
        [key], PASS, **FAST), PASS))  # type: ignore[arg-type]
    assert secret not in shown and secret[:20] not in shown
    assert key.session_id in repr(key)


def test_from_inbound_session_exports_at_first_known_index(backend: ModuleType) -> None:
    sender = olmpy.GroupSession()
    first = olmpy.InboundGroupSession(sender.session_key)
    early = sender.encrypt(b"early")
    for _ in range(4):
        sender.encrypt(b"skip")
    late = sender.encrypt(b"late")
    inbound = olmpy.InboundGroupSession.import_session(
        first.export_at(5)  # type: ignore[arg-type]
    )
    key = ExportedRoomKey.from_inbound_group_session(
        inbound, "!r:x", olmpy.Account().curve25519_key.to_base64(),
        forwarding_curve25519_key_chain=[olmpy.Account().curve25519_key.to_base64()],
        shared_history=True,
    )
    assert key.first_known_index == 5 and key.shared_history
    (back,) = kx.import_room_keys(kx.export_room_keys([key], PASS, **FAST), PASS)  # type: ignore[arg-type]
    session = back.to_inbound_group_session()
    assert session.source is olmpy.SessionSource.EXPORT_FILE and not session.created_from_signed_key
    assert session.decrypt(late).plaintext == b"late"
    assert not session.created_from_signed_key
    with pytest.raises(UnknownMessageIndexError):
        session.decrypt(early)


def test_writer_rejects_non_records_and_unserialisable_extra(backend: ModuleType) -> None:
    key = room_key()
    weird = ExportedRoomKey(
        room_id=key.room_id, sender_key=key.sender_key, session_id=key.session_id,
        session_key=key.session_key, extra={"f": float("nan")},
    )
    with KeyExportWriter(io.StringIO(), PASS, **FAST) as writer:  # type: ignore[arg-type]
        with pytest.raises(UsageError):
            writer.write(key.to_json())  # type: ignore[arg-type]
        with pytest.raises(UsageError, match="JSON"):
            writer.write(weird)
        writer.write(key)


# --- hypothesis --------------------------------------------------------------------------


def chunks_of(text: str, sizes: list[int]) -> Iterator[str]:
    pos = 0
    for size in sizes:
        yield text[pos : pos + size]
        pos += size
    yield text[pos:]


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    docs=st.lists(st.dictionaries(st.text(max_size=6), json_value, max_size=4), max_size=6),
    indent=st.sampled_from([None, 0, 2]),
    sizes=st.lists(st.integers(1, 40), max_size=30),
)
def test_streaming_json_matches_json_loads(
    docs: list[dict[str, Any]], indent: int | None, sizes: list[int]
) -> None:
    text = json.dumps(docs, indent=indent, ensure_ascii=False)
    assert list(kx._json_list(chunks_of(text, sizes))) == json.loads(text)


@settings(max_examples=80, deadline=None)
@given(
    plaintext=st.binary(max_size=400),
    width=st.integers(1, 200),
    eol=st.sampled_from(["\n", "\r\n", "\n\n", " \n\t"]),
    pad=st.booleans(),
    piece=st.integers(1, 64),
)
def test_round_trip_any_layout_and_chunking(
    plaintext: bytes, width: int, eol: str, pad: bool, piece: int
) -> None:
    armoured = reformat(seal_plaintext(plaintext), width, eol, pad)
    assert kx.decrypt_key_file(Trickle(armoured, piece), PASS) == plaintext
    assert kx.decrypt_key_file(armoured.encode(), PASS) == plaintext


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_mutated_files_fail_typed_or_decrypt_unchanged(data: st.DataObject) -> None:
    """Any edit of a valid file either leaves its plaintext intact or raises a typed error."""
    armoured = good()
    pos = data.draw(st.integers(0, len(armoured)))
    cut = data.draw(st.integers(0, 4))
    insert = data.draw(st.text(alphabet="A=/+-\n\r \tz_é\x00", max_size=3))
    mutated = armoured[:pos] + insert + armoured[pos + cut :]
    try:
        result = kx.decrypt_key_file(mutated, PASS, max_rounds=100)
    except (DecodeError, MacError):
        return
    assert result == b'[{"not":"checked"}]' * 3


@settings(HYPOTHESIS, max_examples=120)
@given(plaintext=st.one_of(
    st.binary(max_size=200),
    st.lists(json_value, max_size=3).map(lambda v: json.dumps(v).encode()),
    st.lists(st.dictionaries(st.sampled_from([*sorted(kx._KNOWN_FIELDS), "x"]), json_value,
                             max_size=9), max_size=3).map(lambda v: json.dumps(v).encode()),
))
def test_any_authenticated_plaintext_gives_keys_or_a_typed_error(
    backend: ModuleType, plaintext: bytes
) -> None:
    try:
        keys = kx.import_room_keys(seal_plaintext(plaintext), PASS)
    except KeyExportError:
        return
    assert all(isinstance(k, ExportedRoomKey) for k in keys)


@settings(HYPOTHESIS, max_examples=40)
@given(
    room=st.text(min_size=1, max_size=20),
    claimed=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
    count=st.integers(0, 4),
    shared=st.booleans(),
)
def test_records_round_trip(
    backend: ModuleType, room: str, claimed: dict[str, str], count: int, shared: bool
) -> None:
    inbound = olmpy.InboundGroupSession(olmpy.GroupSession().session_key)
    chain = [olmpy.Account().curve25519_key.to_base64() for _ in range(count)]
    key = ExportedRoomKey.from_inbound_group_session(
        inbound, room, olmpy.Account().curve25519_key.to_base64(), claimed, chain,
        shared_history=shared,
    )
    armoured = kx.export_room_keys([key, key], PASS, **FAST)  # type: ignore[arg-type]
    assert kx.import_room_keys(armoured, PASS) == [key, key]
    assert json.loads(reference_open(armoured, PASS)) == [key.to_json()] * 2


def test_text_stream_that_cannot_decode_is_a_key_export_error(tmp_path: Path) -> None:
    """A file opened in text mode over bytes its codec refuses (here a Latin-1 byte before
    the header, read as UTF-8) is a KeyExportError, not a UnicodeDecodeError."""
    armoured = kx.encrypt_key_file(b"[]", PASS, **FAST)  # type: ignore[arg-type]
    path = tmp_path / "export.txt"
    path.write_bytes(b"\xe9" + armoured.encode("ascii"))
    with open(path, encoding="utf-8") as text_file, pytest.raises(KeyExportError, match="ASCII"):
        kx.decrypt_key_file(text_file, PASS)
    stream = io.TextIOWrapper(io.BytesIO(armoured.encode("ascii") + b"\xff\xfe"), "utf-8")
    with pytest.raises(KeyExportError, match="ASCII"):
        kx.decrypt_key_file(stream, PASS)
    with open(path, "rb") as binary_file, pytest.raises(KeyExportError, match="BEGIN MEGOLM"):
        kx.decrypt_key_file(binary_file, PASS)


def test_exported_room_key_compare(backend: ModuleType) -> None:
    """compare: the earlier first index is BETTER; another room, sender or ratchet under
    the same session id is UNCONNECTED; an export of the same key is EQUAL."""
    outbound = olmpy.GroupSession()
    inbound = olmpy.InboundGroupSession(outbound.session_key)
    sender = "Ebh0nfMKc+ViNa5DsC8fq1KI1l8Pfq2X8GVzDeF2nCk"

    def record(index: int, room: str = "!r:x", sender_key: str = sender,
               session: olmpy.InboundGroupSession = inbound) -> ExportedRoomKey:
        return ExportedRoomKey(room_id=room, sender_key=sender_key,
                               session_id=session.session_id,
                               session_key=session.export_at(index))

    early, late = record(0), record(4)
    order = olmpy.SessionOrdering
    assert early.compare(late) is order.BETTER
    assert late.compare(early) is order.WORSE
    assert early.compare(record(0)) is order.EQUAL
    assert early.compare(record(0, room="!other:x")) is order.UNCONNECTED
    other_sender = "cKQkLU8izjY3tpLVPiR4PDeeCEKtaDiAGiQH+UbZm2w"
    assert early.compare(record(0, sender_key=other_sender)) is order.UNCONNECTED
    seed = bytes(range(32))
    forged = [olmpy.InboundGroupSession(
        testing.group_session_from_parts(bytes([b]) * 128, 0, seed).session_key)
        for b in (0, 1)]
    assert forged[0].session_id == forged[1].session_id
    assert record(0, session=forged[0]).compare(record(0, session=forged[1])) is (
        order.UNCONNECTED)
    with pytest.raises(olmpy.UsageError):
        early.compare(inbound)  # type: ignore[arg-type]

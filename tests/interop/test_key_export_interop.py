"""Key export files between olmpy, libolm (python-olm) and vodozemac.

Neither peer writes MEGOLM SESSION DATA files, so the peers supply what goes inside one:
their Megolm sessions and their exported session keys.  Keys travel peer -> olmpy file ->
olmpy, and olmpy -> olmpy file -> peer; the messages each side decrypts are the proof.
The file format itself is checked against Element's and the Rust SDK's published files in
tests/test_key_export.py.
"""

from __future__ import annotations

import io
from types import ModuleType

import olm
import pytest
import vodozemac

import olmpy
from olmpy.errors import UnknownMessageIndexError
from olmpy.key_export import (
    ExportedRoomKey,
    KeyExportReader,
    KeyExportWriter,
    export_room_keys,
    import_room_keys,
)

from . import peers
from .peers import LIBS, PEERS

PASS = "interop passphrase"
FAST = {"rounds": 2, "allow_low_rounds": True}
ROOM = "!interop:example.org"


def device_keys(lib: str) -> tuple[str, dict[str, str]]:
    """(Curve25519 key, sender_claimed_keys) of a fresh device made by ``lib``."""
    if lib == "libolm":
        ids = olm.Account().identity_keys
        return ids["curve25519"], {"ed25519": ids["ed25519"]}
    if lib == "vodozemac":
        account = vodozemac.Account()
        return account.curve25519_key.to_base64(), {"ed25519": account.ed25519_key.to_base64()}
    mine = olmpy.Account()
    return mine.curve25519_key.to_base64(), {"ed25519": mine.ed25519_key.to_base64()}


def record(lib: str, session_id: str, exported: str) -> ExportedRoomKey:
    """An export record around a session key that ``lib`` exported."""
    curve, claimed = device_keys(lib)
    return ExportedRoomKey(
        room_id=ROOM, sender_key=curve, session_id=session_id,
        session_key=olmpy.ExportedSessionKey(exported), sender_claimed_keys=claimed,
    )


class OneShot(io.RawIOBase):
    """A non-seekable byte stream, as from a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: bytearray) -> int:  # type: ignore[override]
        n = min(len(buf), 1000, len(self._data) - self._pos)
        buf[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n


@pytest.mark.parametrize("peer", PEERS)
def test_peer_exports_travel_through_an_olmpy_file(backend: ModuleType, peer: str) -> None:
    """The peer's own exports (at 0 and at 2) go into a file; olmpy reads them back byte for
    byte and decrypts the peer's messages from exactly the right index on."""
    sender = peers.new_sender(peer)
    theirs = peers.receiver(peer, sender.session_key())
    messages = [sender.encrypt(f"message {i}".encode()) for i in range(5)]
    exported = {i: theirs.export_at(i) for i in (0, 2)}
    keys = [record(peer, sender.session_id, exported[i]) for i in (0, 2)]  # type: ignore[arg-type]
    armoured = export_room_keys(keys, PASS, **FAST)  # type: ignore[arg-type]
    back = import_room_keys(OneShot(armoured.encode()), PASS)
    assert [k.session_key.to_base64() for k in back] == [exported[0], exported[2]]
    assert back == keys
    at0, at2 = (k.to_inbound_group_session() for k in back)
    assert at0.session_id == at2.session_id == sender.session_id
    for i, message in enumerate(messages):
        assert at0.decrypt(message).plaintext == f"message {i}".encode()
        if i < 2:
            with pytest.raises(UnknownMessageIndexError):
                at2.decrypt(message)
        else:
            assert tuple(at2.decrypt(message)) == (f"message {i}".encode(), i)
    assert at0.export_at_first_known_index().to_base64() == exported[0]


@pytest.mark.parametrize("peer", PEERS)
def test_olmpy_file_feeds_the_peers(backend: ModuleType, peer: str) -> None:
    """olmpy's sessions, written to a file and read back, import into the peer, which then
    decrypts olmpy's messages and exports the very key that was in the file."""
    sender = olmpy.GroupSession()
    inbound = olmpy.InboundGroupSession(sender.session_key)
    messages = [sender.encrypt(f"olmpy {i}".encode()) for i in range(4)]
    late = olmpy.InboundGroupSession.import_session(inbound.export_at(1))  # type: ignore[arg-type]
    curve, claimed = device_keys("olmpy")
    keys = [ExportedRoomKey.from_inbound_group_session(s, ROOM, curve, claimed)
            for s in (inbound, late)]
    armoured = export_room_keys(keys, PASS, **FAST)  # type: ignore[arg-type]
    for key in import_room_keys(armoured, PASS):
        text = key.session_key.to_base64()
        theirs = peers.importer(peer, text)
        assert theirs.session_id == key.session_id == sender.session_id
        assert theirs.first_known_index == key.first_known_index
        for i in range(key.first_known_index, 4):
            assert theirs.decrypt(messages[i].to_base64()) == (f"olmpy {i}".encode(), i)
        assert theirs.export_at(key.first_known_index) == text


def test_mixed_sessions_stream_through_one_file(backend: ModuleType) -> None:
    """Sessions from all three libraries, streamed into one binary file and read back from a
    non-seekable stream: each record opens in every library and decrypts its sender's message."""
    expected: list[tuple[ExportedRoomKey, str, bytes]] = []
    out = io.BytesIO()
    with KeyExportWriter(out, PASS, **FAST) as writer:  # type: ignore[arg-type]
        for n in range(12):
            lib = LIBS[n % 3]
            sender = peers.new_sender(lib)
            theirs = peers.receiver(lib, sender.session_key())
            plaintext = f"{lib} session {n}".encode()
            message = sender.encrypt(plaintext)
            key = record(lib, sender.session_id, theirs.export_at(0))  # type: ignore[arg-type]
            writer.write(key)
            expected.append((key, message, plaintext))
    with KeyExportReader(OneShot(out.getvalue()), PASS) as reader:
        for (want, message, plaintext), key in zip(expected, reader, strict=True):
            assert key == want
            for lib in LIBS:
                session = peers.importer(lib, key.session_key.to_base64())
                assert session.decrypt(message) == (plaintext, 0), lib


def test_rust_sdk_export_agrees_with_the_peers(backend: ModuleType) -> None:
    """The Rust SDK's published export: the session key olmpy reads is the one libolm and
    vodozemac import and re-export unchanged."""
    from vectors_loader import load

    vector = load("key_export.json")["matrix_rust_sdk"][0]
    (key,) = import_room_keys(vector["armoured"], vector["passphrase"])
    text = key.session_key.to_base64()
    assert text == vector["sessions"][0]["session_key"]
    for lib in LIBS:
        session = peers.importer(lib, text)
        assert session.session_id == key.session_id
        assert session.export_at(key.first_known_index) == text

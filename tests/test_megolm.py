"""Behaviour of olmpy's Megolm objects beyond byte compatibility (which the vector and
interop tests cover): verification state, forgetting keys, compare/merge, replay detection,
state left untouched by failures, and secrets kept out of repr."""

from __future__ import annotations

from types import ModuleType

import pytest

import olmpy
from olmpy import (
    ExportedSessionKey,
    GroupSession,
    InboundGroupSession,
    MegolmMessage,
    ReplayGuard,
    SessionKey,
    SessionOrdering,
    SessionSource,
)


def _state(session: InboundGroupSession) -> tuple[bytes, bytes, bool]:
    return (
        session._b.read_secret(session._initial),
        session._b.read_secret(session._latest),
        session.created_from_signed_key,
    )


def test_round_trip_and_indexes(backend: ModuleType) -> None:
    """Messages decrypt in order and out of order, each reporting its own index."""
    out = GroupSession()
    inbound = InboundGroupSession(out.session_key)
    messages = [out.encrypt(f"message {i}".encode()) for i in range(40)]
    assert out.message_index == 40
    for i in [39, 0, 17, 17, 38, 1]:
        result = inbound.decrypt(messages[i])
        assert result == (f"message {i}".encode(), i)
        assert messages[i].message_index() == i


def test_str_plaintext_is_utf8(backend: ModuleType) -> None:
    """A str plaintext is encrypted as its UTF-8 bytes."""
    out = GroupSession()
    inbound = InboundGroupSession(out.session_key.to_base64())
    assert inbound.decrypt(out.encrypt("héllo ☃").to_base64()).plaintext == "héllo ☃".encode()


def test_session_key_fields(backend: ModuleType) -> None:
    """The signed key names the session and the index it was taken at."""
    out = GroupSession()
    out.encrypt(b"a")
    key = out.session_key
    assert key.message_index == 1
    assert key.session_id == out.session_id == out.signing_key.to_base64()
    assert len(key.to_bytes()) == 229
    assert SessionKey.from_base64(key.to_base64()) == key


def test_verification_state(backend: ModuleType) -> None:
    """Only a signed key verifies a session: an import stays unverified, whatever decrypts.

    A decrypt proves only that the holder of the session's own Ed25519 key sent the message;
    whoever made an exported key (a forwarding device, anyone who can write to a key
    backup) holds that key, so a decrypt says nothing about who the sender is."""
    out = GroupSession()
    msg = out.encrypt(b"x")
    assert InboundGroupSession(out.session_key).created_from_signed_key
    imported = InboundGroupSession.import_session(
        InboundGroupSession(out.session_key).export_at(1)  # type: ignore[arg-type]
    )
    assert not imported.created_from_signed_key
    with pytest.raises(olmpy.UnknownMessageIndexError):
        imported.decrypt(msg)
    assert not imported.created_from_signed_key
    for i in range(3):
        assert imported.decrypt(out.encrypt(b"y")).message_index == 1 + i
        assert not imported.created_from_signed_key
    # a session someone else made, "exported" by its maker: decrypts, never verified
    forger = GroupSession()
    forged = InboundGroupSession.import_session(
        InboundGroupSession(forger.session_key).export_at(0)  # type: ignore[arg-type]
    )
    assert forged.decrypt(forger.encrypt(b"I am Alice")).plaintext == b"I am Alice"
    assert not forged.created_from_signed_key


def test_export_at(backend: ModuleType) -> None:
    """Exports below the first known index are None; later ones import and decrypt."""
    out = GroupSession()
    inbound = InboundGroupSession(out.session_key)
    msgs = [out.encrypt(bytes([i])) for i in range(5)]
    assert inbound.export_at(0) is not None
    later = InboundGroupSession.import_session(inbound.export_at(3))  # type: ignore[arg-type]
    assert later.first_known_index == 3
    assert later.export_at(2) is None
    assert later.export_at_first_known_index() == inbound.export_at(3)
    assert later.decrypt(msgs[4]).plaintext == b"\x04"
    with pytest.raises(olmpy.UnknownMessageIndexError, match="expected at least 3, got 2"):
        later.decrypt(msgs[2])


def test_advance_to_forgets(backend: ModuleType) -> None:
    """advance_to moves the first known index forward for good and never backwards."""
    out = GroupSession()
    inbound = InboundGroupSession(out.session_key)
    msgs = [out.encrypt(bytes([i])) for i in range(10)]
    assert inbound.advance_to(6) is True
    assert inbound.first_known_index == 6
    assert inbound.advance_to(2) is False
    assert inbound.first_known_index == 6
    with pytest.raises(olmpy.UnknownMessageIndexError):
        inbound.decrypt(msgs[5])
    assert inbound.decrypt(msgs[6]).plaintext == b"\x06"
    with pytest.raises(olmpy.UsageError):
        inbound.advance_to(2**32)


def test_compare_and_merge(backend: ModuleType) -> None:
    """Copies of one session order by first index, then verification; strangers do not."""
    out = GroupSession()
    full = InboundGroupSession(out.session_key)
    out.encrypt(b"a")
    out.encrypt(b"b")
    late = InboundGroupSession.import_session(full.export_at(2))  # type: ignore[arg-type]
    other = InboundGroupSession(GroupSession().session_key)
    assert full.compare(late) is SessionOrdering.BETTER
    assert late.compare(full) is SessionOrdering.WORSE
    assert full.compare(other) is SessionOrdering.UNCONNECTED
    assert full.merge(other) is None
    unverified_copy = InboundGroupSession.import_session(full.export_at(0))  # type: ignore[arg-type]
    assert full.compare(unverified_copy) is SessionOrdering.BETTER
    assert unverified_copy.compare(full) is SessionOrdering.WORSE
    merged = late.merge(full)
    assert merged is not None
    assert merged.first_known_index == 0
    assert merged.created_from_signed_key
    # two unverified copies stay unverified, even after one of them decrypted
    unverified_copy.decrypt(out.encrypt(b"c"))
    assert unverified_copy.compare(late) is SessionOrdering.BETTER
    both = late.merge(unverified_copy)
    assert both is not None and both.first_known_index == 0 and not both.created_from_signed_key
    assert unverified_copy.merge(late).created_from_signed_key is False  # type: ignore[union-attr]


def test_compare_detects_forged_ratchet(backend: ModuleType) -> None:
    """A copy with the right signing key but a different ratchet is unconnected."""
    out = GroupSession()
    real = InboundGroupSession(out.session_key)
    raw = bytearray(real.export_at(0).to_bytes())  # type: ignore[union-attr]
    raw[40] ^= 1
    forged = InboundGroupSession.import_session(ExportedSessionKey.from_bytes(bytes(raw)))
    assert real.compare(forged) is SessionOrdering.UNCONNECTED
    assert real.merge(forged) is None


def test_failed_decrypt_changes_nothing(backend: ModuleType) -> None:
    """A tampered message raises and leaves both ratchets and the verified flag as they were."""
    out = GroupSession()
    inbound = InboundGroupSession.import_session(
        InboundGroupSession(out.session_key).export_at(0)  # type: ignore[arg-type]
    )
    good = out.encrypt(b"payload").to_bytes()
    for pos in range(len(good)):
        before = _state(inbound)
        bad = bytearray(good)
        bad[pos] ^= 0x40
        with pytest.raises(olmpy.OlmpyError):
            inbound.decrypt(MegolmMessage.from_bytes(bytes(bad)))
        assert _state(inbound) == before


def test_mac_checked_after_signature(backend: ModuleType) -> None:
    """A message re-signed by the right key but with a broken MAC fails on the MAC."""
    out = GroupSession()
    inbound = InboundGroupSession(out.session_key)
    raw = bytearray(out.encrypt(b"payload").to_bytes())
    raw[-65] ^= 1  # last MAC byte
    body = bytes(raw[:-64])
    sig = out._signing.sign(body)
    with pytest.raises(olmpy.MacError):
        inbound.decrypt(MegolmMessage.from_bytes(body + sig))


def test_wrong_version_rejected(backend: ModuleType) -> None:
    """A message with another version byte is a VersionError before any crypto."""
    out = GroupSession()
    raw = bytearray(out.encrypt(b"payload").to_bytes())
    raw[0] = 0x04
    with pytest.raises(olmpy.VersionError, match="expected 0x03, got 0x04"):
        MegolmMessage.from_bytes(bytes(raw))


def test_replay_guard(backend: ModuleType) -> None:
    """The same index on another event is a ReplayError; the same event again is fine."""
    out = GroupSession()
    inbound = InboundGroupSession(out.session_key)
    guard = ReplayGuard()
    wire = out.encrypt(b"pay me").to_base64()
    assert guard.decrypt(inbound, wire, "$event1").plaintext == b"pay me"
    assert guard.decrypt(inbound, wire, "$event1").plaintext == b"pay me"
    with pytest.raises(olmpy.ReplayError, match=r"\$event2"):
        guard.decrypt(inbound, wire, "$event2")
    assert len(guard) == 1
    guard.forget_session(out.session_id)
    assert len(guard) == 0


def test_replay_guard_ignores_forgeries(backend: ModuleType) -> None:
    """A forged message never enters the guard, so it cannot block the real event."""
    out = GroupSession()
    inbound = InboundGroupSession(out.session_key)
    guard = ReplayGuard()
    raw = bytearray(out.encrypt(b"real").to_bytes())
    forged = bytes(raw[:-1]) + bytes([raw[-1] ^ 1])
    with pytest.raises(olmpy.SignatureError):
        guard.decrypt(inbound, MegolmMessage.from_bytes(forged), "$forged")
    assert (
        guard.decrypt(inbound, MegolmMessage.from_bytes(bytes(raw)), "$real").plaintext == b"real"
    )


def test_repr_hides_secrets(backend: ModuleType) -> None:
    """No repr or str of a secret-holding object contains key material."""
    out = GroupSession()
    key = out.session_key
    inbound = InboundGroupSession(key)
    export = inbound.export_at(0)
    assert export is not None
    secret_b64 = key.to_base64()[8:60]
    ratchet = export.to_bytes()[5:133]
    for obj in (out, inbound, key, export):
        for text in (repr(obj), str(obj)):
            assert secret_b64 not in text
            assert ratchet.hex()[:16] not in text
            assert export.to_base64()[8:60] not in text
        assert out.session_id in repr(obj)


def test_from_parts_is_deterministic(backend: ModuleType) -> None:
    """Two senders built from the same parts produce identical keys and messages."""
    a = GroupSession.from_parts(bytes(range(128)), 7, bytes(32))
    b = GroupSession.from_parts(bytes(range(128)), 7, bytes(32))
    assert a.session_key == b.session_key
    assert a.encrypt(b"same").to_bytes() == b.encrypt(b"same").to_bytes()
    assert a.message_index == 8
    with pytest.raises(olmpy.UsageError, match="expected 128 bytes, got 3 bytes"):
        GroupSession.from_parts(b"abc", 0, bytes(32))


def test_u32_wrap(backend: ModuleType) -> None:
    """A sender at 2**32-2 wraps to 0 and an inbound session follows it across the wrap."""
    out = GroupSession.from_parts(bytes(128), 2**32 - 2, bytes(range(32)))
    inbound = InboundGroupSession(out.session_key)
    msgs = [out.encrypt(bytes([i])) for i in range(4)]
    assert [m.message_index() for m in msgs] == [2**32 - 2, 2**32 - 1, 0, 1]
    # Indexes compare modulo 2**32 over half the range (libolm's rule).
    for i in (3, 0, 2, 1):
        assert inbound.decrypt(msgs[i]).plaintext == bytes([i])
    assert inbound.export_at(1) is not None
    assert inbound.export_at(2**32 - 3) is None
    assert inbound.advance_to(0) is True
    assert inbound.first_known_index == 0
    with pytest.raises(olmpy.UnknownMessageIndexError):
        inbound.decrypt(msgs[1])


def test_index_more_than_half_range_ahead_is_unknown(backend: ModuleType) -> None:
    """An index 2**31 or more ahead of the session counts as behind it, as in libolm."""
    out = GroupSession.from_parts(bytes(128), 2**31 + 5, bytes(range(32)))
    inbound = InboundGroupSession.import_session(
        InboundGroupSession(
            GroupSession.from_parts(bytes(128), 5, bytes(range(32))).session_key
        ).export_at(5)  # type: ignore[arg-type]
    )
    with pytest.raises(olmpy.UnknownMessageIndexError):
        inbound.decrypt(out.encrypt(b"far"))


def test_ed25519_verify_utility(backend: ModuleType) -> None:
    """The python-olm-style helpers check real signatures and reject altered ones."""
    seed = bytes(range(32))
    public = olmpy.primitives.ed25519_public_from_seed(seed)
    sig = olmpy.primitives.ed25519_sign(seed, b"msg")
    key_b64 = olmpy.Ed25519PublicKey(public).to_base64()
    sig_b64 = olmpy.Ed25519Signature(sig).to_base64()
    olmpy.ed25519_verify(key_b64, b"msg", sig_b64)
    with pytest.raises(olmpy.SignatureError):
        olmpy.ed25519_verify(key_b64, b"msh", sig_b64)
    assert olmpy.sha256("") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"


def test_expanded_key_signs_like_seed(backend: ModuleType) -> None:
    """Signing from libolm's expanded key gives the RFC 8032 signature of the seed."""
    seed = bytes(range(1, 33))
    public = olmpy.primitives.ed25519_public_from_seed(seed)
    expanded = olmpy.primitives.ed25519_expand_seed(seed)
    for msg in (b"", b"x", bytes(1000)):
        assert olmpy.primitives.ed25519_sign_expanded(expanded, msg) == (
            olmpy.primitives.ed25519_sign(seed, msg)
        )
    signing = olmpy.primitives.Ed25519SigningKey.from_expanded(expanded)
    assert signing.public == public and signing.seed is None and signing.expanded == expanded
    session = GroupSession._from_key(bytes(128), 0, signing)
    inbound = InboundGroupSession(session.session_key)
    assert inbound.decrypt(session.encrypt(b"hi")).plaintext == b"hi"


def test_x25519_rejects_zero(backend: ModuleType) -> None:
    """X25519 with a small-order point gives a typed error, not an all-zero secret."""
    with pytest.raises(olmpy.KeyDecodeError):
        olmpy.primitives.x25519(bytes(range(32)), bytes(32))
    a, b = bytes([1] * 32), bytes([2] * 32)
    shared = olmpy.primitives.x25519(a, olmpy.primitives.x25519_public(b))
    assert shared == olmpy.primitives.x25519(b, olmpy.primitives.x25519_public(a))


def test_new_session_key_material(backend: ModuleType) -> None:
    """A fresh session starts at 0 with a random ratchet and a consistent Ed25519 pair."""
    import nacl.bindings

    state, seed, key, public = backend.megolm_group_new()
    raw_state = backend.read_secret(state)
    raw_seed = backend.read_secret(seed)
    assert len(raw_state) == 132 and raw_state[128:] == bytes(4)
    assert raw_state[:128] != bytes(128)
    assert backend.read_secret(key)[64:] == public
    assert nacl.bindings.crypto_sign_seed_keypair(raw_seed)[0] == public
    other_state, _, _, other_public = backend.megolm_group_new()
    assert backend.read_secret(other_state) != raw_state and other_public != public


def test_session_keys_compare_secrets_in_constant_time(
    backend: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Key equality goes through hmac.compare_digest, and a key's hash depends only on its
    public parts (session id and index): two keys that differ only in the secret ratchet are
    unequal but hash alike, so a hash table never leaks which ratchet bytes differ."""
    import hmac

    seed = bytes(range(32))
    signed_a = GroupSession.from_parts(bytes(128), 7, seed).session_key
    signed_b = GroupSession.from_parts(bytes([1]) * 128, 7, seed).session_key
    export_a = InboundGroupSession(signed_a).export_at(7)
    export_b = InboundGroupSession(signed_b).export_at(7)
    assert export_a is not None and export_b is not None
    for a, b in ((signed_a, signed_b), (export_a, export_b)):
        assert (a.session_id, a.message_index) == (b.session_id, b.message_index)
        assert a != b
        assert hash(a) == hash(b)
        same = type(a).from_bytes(a.to_bytes())
        assert a == same and hash(a) == hash(same)
    assert export_a != signed_a  # another kind of key is never equal
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(x: bytes, y: bytes) -> bool:
        compared.append((x, y))
        return real(x, y)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert signed_a != signed_b and export_a == ExportedSessionKey.from_bytes(export_a.to_bytes())
    assert len(compared) == 2


def test_decrypted_message_repr_hides_plaintext(backend: ModuleType) -> None:
    """A DecryptedMessage shows its index and plaintext length, never the plaintext, and
    still behaves as the (plaintext, message_index) tuple it is."""
    out = GroupSession()
    out.encrypt(b"skip")
    result = InboundGroupSession(out.session_key).decrypt(out.encrypt(b"the launch code"))
    for text in (repr(result), str(result), f"{result}", repr([result])):
        assert "launch" not in text and "code" not in text
    assert repr(result) == "DecryptedMessage(plaintext=<15 bytes>, message_index=1)"
    assert isinstance(result, tuple) and result == (b"the launch code", 1)
    plaintext, index = result
    assert (plaintext, index) == (result.plaintext, result.message_index)
    assert result._replace(message_index=2) == (b"the launch code", 2)


# y = 2: (y^2 - 1) / (d y^2 + 1) is not a square mod 2^255 - 19, so no x exists.
NOT_A_POINT = (2).to_bytes(32, "little")


def test_session_key_not_a_curve_point_is_refused(backend: ModuleType) -> None:
    """An exported or signed key whose Ed25519 key is not a curve point is a CurvePointError
    (a KeyDecodeError) naming what was expected, whatever the signature."""
    export = bytes([1]) + (5).to_bytes(4, "big") + bytes(range(128)) + NOT_A_POINT
    signed = bytes([2]) + export[1:] + bytes(64)
    attempts = [
        lambda: InboundGroupSession.import_session(olmpy._b64.encode(export)),
        lambda: ExportedSessionKey.from_bytes(export),
        lambda: InboundGroupSession(olmpy._b64.encode(signed)),
        lambda: SessionKey.from_bytes(signed),
    ]
    for attempt in attempts:
        with pytest.raises(olmpy.CurvePointError) as info:
            attempt()
        assert isinstance(info.value, olmpy.KeyDecodeError)
        assert "expected a point on the Ed25519 curve, got 32 bytes that are not one" in str(
            info.value
        )
    # a key that is a point (even one of small order, which can never verify) imports
    identity = (1).to_bytes(32, "little")
    session = InboundGroupSession.import_session(
        ExportedSessionKey.from_bytes(export[:133] + identity)
    )
    assert session.session_id == olmpy._b64.encode(identity)


def test_export_at_far_ahead(backend: ModuleType) -> None:
    """export_at reaches any index at or after the first known one, 2**31 or more ahead
    included (the peers export there too); only indexes behind it are None."""
    seed = bytes(range(32))
    first = 1000
    sender = GroupSession.from_parts(bytes(range(128)), first, seed)
    inbound = InboundGroupSession(sender.session_key)
    near = inbound.export_at(first + 2**31 - 1)
    assert near is not None
    stepped = InboundGroupSession.import_session(near)
    for index in (first + 2**31, first + 2**31 + 1, 0xFFFFFFFF):
        key = inbound.export_at(index)
        assert key is not None and key.message_index == index
        assert key == stepped.export_at(index)  # the same ratchet, reached in two legs
    for index in (first - 1, 0):
        assert inbound.export_at(index) is None
    assert inbound.first_known_index == first  # exporting moves nothing


def test_session_source(backend: ModuleType) -> None:
    """Each constructor records where the session came from; import_session takes the
    source (forwarded by default) and refuses to call an unsigned key a room key."""
    out = GroupSession()
    signed = InboundGroupSession(out.session_key)
    assert signed.source is SessionSource.ROOM_KEY and signed.created_from_signed_key
    export = signed.export_at(0)
    assert export is not None
    assert InboundGroupSession.import_session(export).source is SessionSource.FORWARDED
    for source in (SessionSource.FORWARDED, SessionSource.BACKUP, SessionSource.EXPORT_FILE,
                   SessionSource.UNKNOWN):
        session = InboundGroupSession.import_session(export.to_base64(), source=source)
        assert session.source is source and not session.created_from_signed_key
        assert f"source={source.value}" in repr(session)
    with pytest.raises(olmpy.UsageError, match=r"got SessionSource\.ROOM_KEY"):
        InboundGroupSession.import_session(export, source=SessionSource.ROOM_KEY)
    with pytest.raises(olmpy.UsageError, match=r"expected a SessionSource.*, got 'backup'"):
        InboundGroupSession.import_session(export, source="backup")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        InboundGroupSession.import_session(export, SessionSource.BACKUP)  # type: ignore[misc]


def test_merge_keeps_the_source_of_the_kept_ratchet(backend: ModuleType) -> None:
    """A merge takes the source of the copy whose ratchet it keeps (on a tie the verified
    one, which compare ranks BETTER) and is verified when either copy is."""
    out = GroupSession()
    forwarded = InboundGroupSession.import_session(
        InboundGroupSession(out.session_key).export_at(0)  # type: ignore[arg-type]
    )
    out.encrypt(b"a")
    out.encrypt(b"b")
    room_key = InboundGroupSession(out.session_key)  # signed, at index 2
    for merged in (room_key.merge(forwarded), forwarded.merge(room_key)):
        assert merged is not None
        assert merged.first_known_index == 0 and merged.created_from_signed_key
        assert merged.source is SessionSource.FORWARDED
    backup = InboundGroupSession.import_session(
        room_key.export_at(2), source=SessionSource.BACKUP  # type: ignore[arg-type]
    )
    assert backup.compare(room_key) is SessionOrdering.WORSE
    for merged in (backup.merge(room_key), room_key.merge(backup)):
        assert merged is not None
        assert merged.source is SessionSource.ROOM_KEY and merged.created_from_signed_key
    export_file = InboundGroupSession.import_session(
        room_key.export_at(2), source=SessionSource.EXPORT_FILE  # type: ignore[arg-type]
    )
    assert backup.compare(export_file) is SessionOrdering.EQUAL
    assert backup.merge(export_file).source is SessionSource.BACKUP  # type: ignore[union-attr]

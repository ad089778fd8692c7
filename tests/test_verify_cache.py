"""The native backend's cache of precomputed Ed25519 verification keys: it is built on a
key's second use, gives libsodium's verdicts, stays bounded, and survives bad keys."""

from __future__ import annotations

import needs
import pytest

import olmpy
from olmpy import GroupSession, InboundGroupSession, MegolmMessage

needs.native(module_level=True)
from olmpy import _nativebinding as native  # noqa: E402


def test_second_decrypt_builds_the_cached_key() -> None:
    """A key is verified one-shot at first, then through its precomputed object."""
    with olmpy._backend.use("native"):
        out = GroupSession()
        inbound = InboundGroupSession(out.session_key)
        msgs = [out.encrypt(bytes([i]) * 50) for i in range(4)]
        public = out.signing_key.to_bytes()
        native._vkeys.pop(public, None)
        assert inbound.decrypt(msgs[0]).plaintext == bytes([0]) * 50
        assert native._vkeys[public] is native._SEEN_ONCE
        assert inbound.decrypt(msgs[1]).plaintext == bytes([1]) * 50
        cached = native._vkeys[public]
        assert cached is not native._SEEN_ONCE and cached != native.ffi.NULL
        for i in (2, 3):
            assert inbound.decrypt(msgs[i]).plaintext == bytes([i]) * 50


def test_cached_key_rejects_every_forgery() -> None:
    """With the cached key in use, any flipped bit of a message fails and changes nothing."""
    with olmpy._backend.use("native"):
        out = GroupSession()
        inbound = InboundGroupSession(out.session_key)
        inbound.decrypt(out.encrypt(b"warm"))
        inbound.decrypt(out.encrypt(b"up"))
        good = out.encrypt(b"the real one").to_bytes()
        before = native.read_secret(inbound._latest)
        for pos in range(len(good)):
            for bit in (0x01, 0x80):
                bad = bytearray(good)
                bad[pos] ^= bit
                with pytest.raises(olmpy.OlmpyError):
                    inbound.decrypt(MegolmMessage.from_bytes(bytes(bad)))
        assert native.read_secret(inbound._latest) == before
        assert inbound.decrypt(MegolmMessage.from_bytes(good)).plaintext == b"the real one"


def test_cache_is_bounded() -> None:
    """However many keys pass through, the cache holds at most its fixed number of entries."""
    saved, saved_entries = native._VKEY_CACHE_SIZE, dict(native._vkeys)
    native._VKEY_CACHE_SIZE = 8
    native._vkeys.clear()
    try:
        with olmpy._backend.use("native"):
            for _ in range(20):
                out = GroupSession()
                inbound = InboundGroupSession(out.session_key)
                inbound.decrypt(out.encrypt(b"a"))
                inbound.decrypt(out.encrypt(b"b"))
                assert len(native._vkeys) <= 8
    finally:
        native._VKEY_CACHE_SIZE = saved
        native._vkeys.update(saved_entries)


def test_unusable_key_gets_no_cached_object() -> None:
    """A small-order signing key gets no cached object and every message is refused."""
    bad_key = bytes([1]) + bytes(31)  # the identity point: small order
    native._vkeys.pop(bad_key, None)
    assert native._verifier(bad_key) == native.ffi.NULL
    assert native._verifier(bad_key) == native.ffi.NULL
    assert native._vkeys[bad_key] == native.ffi.NULL
    with pytest.raises(olmpy.SignatureError):
        native.ed25519_verify(bad_key, b"m", bytes(64))

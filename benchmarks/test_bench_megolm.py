"""pytest-benchmark suite for olmpy's Megolm operations, on both backends.

Run with ``pytest benchmarks/ --benchmark-only``.  The project's normal test run
(testpaths = ["tests"]) does not collect this file.  Each operation is grouped so
that the native and the pure backend appear side by side; the comparison with
python-olm and vodozemac is benchmarks/compare.py.  As there, every operation
starts from wire strings and ends with the result an application uses.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from nacl import bindings as _sodium

import olmpy
from olmpy import _backend

SIZES = {"100B": 100, "64KiB": 64 * 1024}
FAR_INDEX = 2**20
EXPORT_INDEX = 1000
FRESH_ROUNDS = 200


@dataclass(frozen=True)
class Wire:
    session_key: str
    exported: str
    plaintext: dict[str, bytes]
    message: dict[str, str]
    far: str


@pytest.fixture(scope="module")
def wire() -> Wire:
    """A signed key, an exported key and messages at 0, 1 and 2**20, made once."""
    ratchet, seed = os.urandom(128), os.urandom(32)
    pts = {name: (b"olmpy benchmark " * (n // 16 + 1))[:n] for name, n in SIZES.items()}
    with _backend.use("native"):
        out = olmpy.GroupSession.from_parts(ratchet, 0, seed)
        session_key = out.session_key.to_base64()
        messages = {name: out.encrypt(pt).to_base64() for name, pt in pts.items()}
        inbound = olmpy.InboundGroupSession(session_key)
        exported, far_key = inbound.export_at(0), inbound.export_at(FAR_INDEX)
        assert exported is not None and far_key is not None
        far_out = olmpy.GroupSession.from_parts(far_key.to_bytes()[5:133], FAR_INDEX, seed)
        far = far_out.encrypt(pts["100B"]).to_base64()
    return Wire(session_key, exported.to_base64(), pts, messages, far)


@pytest.fixture(params=_backend.NAMES)
def megolm_backend(request: pytest.FixtureRequest, benchmark: Any) -> Iterator[str]:
    """Makes the backend active for everything the test creates, setup included."""
    benchmark.extra_info["backend"] = request.param
    with _backend.use(request.param):
        yield request.param


@pytest.mark.benchmark(group="megolm: outbound session creation")
def test_outbound_creation(benchmark: Any, megolm_backend: str) -> None:
    """GroupSession() from nothing."""
    session = benchmark(olmpy.GroupSession)
    assert session.message_index == 0


@pytest.mark.parametrize("size", SIZES)
def test_encrypt(benchmark: Any, megolm_backend: str, wire: Wire, size: str) -> None:
    """Encrypt plaintext bytes to the base64 wire string."""
    benchmark.group = f"megolm: encrypt {size} -> base64"
    session, pt = olmpy.GroupSession(), wire.plaintext[size]
    out = benchmark(lambda: session.encrypt(pt).to_base64())
    assert isinstance(out, str)


@pytest.mark.parametrize("size", SIZES)
def test_decrypt(benchmark: Any, megolm_backend: str, wire: Wire, size: str) -> None:
    """Decrypt a base64 message to plaintext bytes (the same message each time)."""
    benchmark.group = f"megolm: decrypt {size} from base64"
    session, msg = olmpy.InboundGroupSession(wire.session_key), wire.message[size]
    out = benchmark(lambda: session.decrypt(msg).plaintext)
    assert out == wire.plaintext[size]


@pytest.mark.benchmark(group="megolm: inbound from signed session key")
def test_inbound_from_session_key(benchmark: Any, megolm_backend: str, wire: Wire) -> None:
    """InboundGroupSession from a signed session-key string, signature check included."""
    key = wire.session_key
    session = benchmark(lambda: olmpy.InboundGroupSession(key))
    assert session.created_from_signed_key


@pytest.mark.benchmark(group="megolm: import exported key")
def test_import_exported(benchmark: Any, megolm_backend: str, wire: Wire) -> None:
    """InboundGroupSession.import_session from an exported-key string."""
    key = wire.exported
    session = benchmark(lambda: olmpy.InboundGroupSession.import_session(key))
    assert session.first_known_index == 0


def _fresh_import(wire: Wire) -> tuple[tuple[Any], dict[str, Any]]:
    return (olmpy.InboundGroupSession.import_session(wire.exported),), {}


@pytest.mark.benchmark(group="megolm: decrypt at 2**20, fresh import at 0")
def test_decrypt_far(benchmark: Any, megolm_backend: str, wire: Wire) -> None:
    """Decrypt at index 2**20 on a session imported at 0 (imported outside the timing)."""
    msg = wire.far
    out = benchmark.pedantic(
        lambda s: s.decrypt(msg).plaintext,
        setup=lambda: _fresh_import(wire),
        rounds=FRESH_ROUNDS,
        iterations=1,
        warmup_rounds=2,
    )
    assert out == wire.plaintext["100B"]


@pytest.mark.benchmark(group="megolm: session_key export -> base64")
def test_session_key_export(benchmark: Any, megolm_backend: str) -> None:
    """The signed session key of an outbound session, as a base64 string."""
    session = olmpy.GroupSession()
    out = benchmark(lambda: session.session_key.to_base64())
    assert isinstance(out, str)


@pytest.mark.benchmark(group="megolm: export_at(1000), fresh import at 0")
def test_export_at(benchmark: Any, megolm_backend: str, wire: Wire) -> None:
    """export_at(1000) of a session imported at 0 (imported outside the timing)."""
    out = benchmark.pedantic(
        lambda s: s.export_at(EXPORT_INDEX).to_base64(),
        setup=lambda: _fresh_import(wire),
        rounds=FRESH_ROUNDS,
        iterations=1,
        warmup_rounds=2,
    )
    assert isinstance(out, str)


def _fresh_key_and_message(wire: Wire) -> tuple[tuple[Any, str], dict[str, Any]]:
    """A session imported at 0 under a never-used signing key, and its message at 2**20."""
    ratchet, seed = os.urandom(128), os.urandom(32)
    public = bytes(_sodium.crypto_sign_seed_keypair(seed)[0])
    exported = olmpy.ExportedSessionKey.from_bytes(b"\x01" + bytes(4) + ratchet + public)
    session = olmpy.InboundGroupSession.import_session(exported)
    far_key = session.export_at(FAR_INDEX)
    assert far_key is not None
    sender = olmpy.GroupSession.from_parts(far_key.to_bytes()[5:133], FAR_INDEX, seed)
    return (session, sender.encrypt(wire.plaintext["100B"]).to_base64()), {}


@pytest.mark.benchmark(group="megolm: decrypt at 2**20, new signing key per call")
def test_decrypt_far_new_key(benchmark: Any, megolm_backend: str, wire: Wire) -> None:
    """As test_decrypt_far, but every round's signing key is new, so per-key caches are cold."""
    out = benchmark.pedantic(
        lambda s, msg: s.decrypt(msg).plaintext,
        setup=lambda: _fresh_key_and_message(wire),
        rounds=FRESH_ROUNDS,
        iterations=1,
        warmup_rounds=2,
    )
    assert out == wire.plaintext["100B"]

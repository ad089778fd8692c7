#!/usr/bin/env python3
"""Side-by-side Megolm and Olm timings: olmpy (native and pure backends), python-olm, vodozemac.

Usage: ``python benchmarks/compare.py [--quick] [--json out.json] [--only SUBSTR] [--reps N]``

Theory of operation: every operation is timed from wire strings to results, the
way an application calls it (vodozemac's ``SessionKey(...)`` and
``MegolmMessage.from_base64(...)`` are included, as is python-olm's bytes -> str
decoding of the plaintext).  All four implementations run in this one process.
For each operation an inner loop count is calibrated per implementation so one
sample lasts about 2 ms; then, repetition after repetition, one sample is taken
of each implementation in turn (the starting implementation rotates), and the
reported figure is the median over repetitions of the per-call time.  Ratios
are olmpy native time / peer time within this run; absolute times drift on
shared machines, ratios much less.

The wire data (a signed session key, an exported key, messages at index 0, 1
and 2**20) is made once by olmpy and checked to decrypt to the same plaintext
with every implementation before anything is timed.  All rows but one reuse
that one signing key, as decrypting a busy room's session does, so caches an
implementation keeps per signing key are warm there; the row "decrypt at
2**20, new signing key per call" makes a new key and message per call (outside
the clock) to show the cold case, a session's first message.

The Olm rows start from what a client has: base64 key strings and messages as
(type, base64 body).  "Account() + 100 one-time keys" reads the keys back as
base64, as a client uploading them does.  The outbound row makes sessions from
the key strings of one olmpy peer (nothing is consumed on that side).  The
inbound row includes the first decrypt and the consumption of the one-time
key: each call gets a fresh account with one one-time key and a pre-key
message (from one olmpy sender) made before the clock; olmpy and vodozemac
remove the key inside create_inbound_session, python-olm's call includes
``remove_one_time_keys``.  "encrypt + decrypt, same chain" sends 100 B from A
to B over and over on one sender chain (normal messages, no ratchet turn).
The ratchet row is A->B, B->A, A->B on one session pair, so in steady state
each call is three messages and two ratchet turns (B and A each draw a new
ratchet key; each side does the matching Diffie-Hellman step on receipt).
Each implementation talks to itself in the timed rows; interoperability with
olmpy is checked, outside the clock, before anything is timed.

Targets: olmpy native at most 0.5x python-olm on every row, and at most 1.0x
vodozemac, or 1.25x where elliptic-curve work (Ed25519, X25519) dominates.

Timing is reported, never enforced: the exit status is 0 whatever the verdicts.
"""

from __future__ import annotations

import argparse
import binascii
import contextlib
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import olm
import vodozemac as vz
from nacl import bindings as _sodium

import olmpy
import olmpy.testing
from olmpy import _backend

perf_counter_ns = time.perf_counter_ns

FAR_INDEX = 2**20
EXPORT_INDEX = 1000
SMALL = 100
BIG = 64 * 1024

# (label, code family, olmpy backend or None)
IMPLS: tuple[tuple[str, str, str | None], ...] = (
    ("olmpy native", "olmpy", "native"),
    ("olmpy pure", "olmpy", "python"),
    ("python-olm", "olm", None),
    ("vodozemac", "vz", None),
)

Runner = Callable[[int], int]  # run(loops) -> elapsed ns for ``loops`` calls


# --- wire data ------------------------------------------------------------------


def _plaintext(n: int) -> bytes:
    """ASCII JSON-like text, so every peer's bytes -> str step is the common case."""
    unit = b'{"msgtype":"m.text","body":"The quick brown fox jumps over the lazy dog"},'
    return (unit * (n // len(unit) + 1))[:n]


@dataclass(frozen=True)
class Wire:
    """Everything an operation starts from, as the strings a client would receive."""

    session_key: str  # signed, index 0
    exported: str  # exported, index 0
    plaintext: dict[int, bytes]
    message: dict[int, str]  # size -> message at index 0 (100 B) or 1 (64 KiB)
    far: str  # 100 B message at index FAR_INDEX
    olm_peer: Any  # an olmpy (native) Account: makes the pre-key messages of the Olm rows
    olm_identity: str  # olm_peer's Curve25519 identity key
    olm_one_time: str  # one of olm_peer's one-time keys (the Olm outbound row's target)


def make_wire() -> Wire:
    ratchet, seed = os.urandom(128), os.urandom(32)
    pts = {SMALL: _plaintext(SMALL), BIG: _plaintext(BIG)}
    with _backend.use("native"):
        out = olmpy.testing.group_session_from_parts(ratchet, 0, seed)
        session_key = out.session_key.to_base64()
        messages = {n: out.encrypt(pts[n]).to_base64() for n in (SMALL, BIG)}
        inbound = olmpy.InboundGroupSession(session_key)
        exported = inbound.export_at(0)
        far_key = inbound.export_at(FAR_INDEX)
        assert exported is not None and far_key is not None
        far_ratchet = far_key.to_bytes()[5:133]
        far_out = olmpy.testing.group_session_from_parts(far_ratchet, FAR_INDEX, seed)
        far = far_out.encrypt(pts[SMALL]).to_base64()
        peer = olmpy.Account()
        peer.generate_one_time_keys(1)
        identity, one_time = _olm_keys("olmpy", peer)
    return Wire(session_key, exported.to_base64(), pts, messages, far, peer, identity, one_time)


def far_with_new_key(pt: bytes) -> tuple[str, str]:
    """An exported key at index 0 and a message at FAR_INDEX under a never-used signing key.

    Nothing is decrypted or verified while making them, so no implementation has
    per-key state (a cached verification key, say) for the key before the timed call.
    """
    ratchet, seed = os.urandom(128), os.urandom(32)
    public = bytes(_sodium.crypto_sign_seed_keypair(seed)[0])
    exported = olmpy.ExportedSessionKey.from_bytes(b"\x01" + bytes(4) + ratchet + public)
    with _backend.use("native"):
        far_key = olmpy.InboundGroupSession.import_session(exported).export_at(FAR_INDEX)
        assert far_key is not None
        sender = olmpy.testing.group_session_from_parts(far_key.to_bytes()[5:133], FAR_INDEX, seed)
        far = sender.encrypt(pt)
    return exported.to_base64(), far.to_base64()


def check_wire(w: Wire) -> None:
    """Every implementation decrypts every message to the same plaintext (byte compatibility)."""
    cases = [
        (w.message[SMALL], w.plaintext[SMALL]),
        (w.message[BIG], w.plaintext[BIG]),
        (w.far, w.plaintext[SMALL]),
    ]
    cold_key, cold_msg = far_with_new_key(w.plaintext[SMALL])
    for label, family, backend in IMPLS:
        with _ctx(backend):
            got = _decrypt(family, _import(family, cold_key), cold_msg)
            if got not in (w.plaintext[SMALL], w.plaintext[SMALL].decode("ascii")):
                raise SystemExit(f"{label}: wrong plaintext for a message under a new key")
            for msg, pt in cases:
                for session in (_inbound(family, w), _imported(family, w)):
                    got = _decrypt(family, session, msg)
                    if isinstance(got, str):
                        got = got.encode("utf-8")
                    if got != pt:
                        raise SystemExit(f"{label}: wrong plaintext; the wire data is not shared")


# --- per-family building blocks --------------------------------------------------------


@contextlib.contextmanager
def _ctx(backend: str | None) -> Iterator[None]:
    if backend is None:
        yield
    else:
        with _backend.use(backend):
            yield


def _outbound(family: str) -> Any:
    if family == "olmpy":
        return olmpy.GroupSession()
    if family == "olm":
        return olm.OutboundGroupSession()
    return vz.GroupSession()


def _inbound(family: str, w: Wire) -> Any:
    if family == "olmpy":
        return olmpy.InboundGroupSession(w.session_key)
    if family == "olm":
        return olm.InboundGroupSession(w.session_key)
    return vz.InboundGroupSession(vz.SessionKey(w.session_key))


def _import(family: str, exported: str) -> Any:
    if family == "olmpy":
        return olmpy.InboundGroupSession.import_session(exported)
    if family == "olm":
        return olm.InboundGroupSession.import_session(exported)
    return vz.InboundGroupSession.import_session(vz.ExportedSessionKey(exported))


def _imported(family: str, w: Wire) -> Any:
    return _import(family, w.exported)


def _decrypt(family: str, session: Any, msg: str) -> bytes | str:
    if family == "olmpy":
        return session.decrypt(msg).plaintext  # type: ignore[no-any-return]
    if family == "olm":
        return session.decrypt(msg)[0]  # type: ignore[no-any-return]
    return session.decrypt(vz.MegolmMessage.from_base64(msg)).plaintext  # type: ignore[no-any-return]


# --- timing loops ----------------------------------------------------------------------


def _loop(fn: Callable[[], object]) -> Runner:
    """Times ``loops`` calls of ``fn``."""

    def run(loops: int) -> int:
        it = range(loops)
        t0 = perf_counter_ns()
        for _ in it:
            fn()
        return perf_counter_ns() - t0

    return run


def _fresh(make: Callable[[], Any], fn: Callable[[Any], object]) -> Runner:
    """Times ``fn(obj)`` on a fresh object per call; the objects are made before the clock."""

    def run(loops: int) -> int:
        objs = [make() for _ in range(loops)]
        t0 = perf_counter_ns()
        for obj in objs:
            fn(obj)
        elapsed = perf_counter_ns() - t0
        del objs
        return elapsed

    return run


# --- the operations -----------------------------------------------------------------------


def build_outbound(family: str, w: Wire) -> Runner:
    if family == "olmpy":
        return _loop(olmpy.GroupSession)
    if family == "olm":
        return _loop(olm.OutboundGroupSession)
    return _loop(vz.GroupSession)


def build_encrypt(size: int) -> Callable[[str, Wire], Runner]:
    def build(family: str, w: Wire) -> Runner:
        pt = w.plaintext[size]
        enc = _outbound(family).encrypt
        if family == "olm":
            return _loop(lambda: enc(pt))
        return _loop(lambda: enc(pt).to_base64())

    return build


def build_decrypt(size: int) -> Callable[[str, Wire], Runner]:
    def build(family: str, w: Wire) -> Runner:
        msg = w.message[size]
        dec = _inbound(family, w).decrypt
        if family == "olmpy":
            return _loop(lambda: dec(msg).plaintext)
        if family == "olm":
            return _loop(lambda: dec(msg)[0])
        parse = vz.MegolmMessage.from_base64
        return _loop(lambda: dec(parse(msg)).plaintext)

    return build


def build_from_session_key(family: str, w: Wire) -> Runner:
    key = w.session_key
    if family == "olmpy":
        cls = olmpy.InboundGroupSession
        return _loop(lambda: cls(key))
    if family == "olm":
        ocls = olm.InboundGroupSession
        return _loop(lambda: ocls(key))
    vcls, vkey = vz.InboundGroupSession, vz.SessionKey
    return _loop(lambda: vcls(vkey(key)))


def build_import(family: str, w: Wire) -> Runner:
    key = w.exported
    if family == "olmpy":
        imp = olmpy.InboundGroupSession.import_session
        return _loop(lambda: imp(key))
    if family == "olm":
        oimp = olm.InboundGroupSession.import_session
        return _loop(lambda: oimp(key))
    vimp, vkey = vz.InboundGroupSession.import_session, vz.ExportedSessionKey
    return _loop(lambda: vimp(vkey(key)))


def build_decrypt_far(family: str, w: Wire) -> Runner:
    msg = w.far
    make = lambda: _imported(family, w)  # noqa: E731
    if family == "olmpy":
        return _fresh(make, lambda s: s.decrypt(msg).plaintext)
    if family == "olm":
        return _fresh(make, lambda s: s.decrypt(msg)[0])
    parse = vz.MegolmMessage.from_base64
    return _fresh(make, lambda s: s.decrypt(parse(msg)).plaintext)


def build_decrypt_far_new_key(family: str, w: Wire) -> Runner:
    pt = w.plaintext[SMALL]

    def make() -> tuple[Any, str]:
        exported, msg = far_with_new_key(pt)
        return _import(family, exported), msg

    if family == "olmpy":
        return _fresh(make, lambda sm: sm[0].decrypt(sm[1]).plaintext)
    if family == "olm":
        return _fresh(make, lambda sm: sm[0].decrypt(sm[1])[0])
    parse = vz.MegolmMessage.from_base64
    return _fresh(make, lambda sm: sm[0].decrypt(parse(sm[1])).plaintext)


def build_session_key(family: str, w: Wire) -> Runner:
    session = _outbound(family)
    if family == "olm":
        return _loop(lambda: session.session_key)
    return _loop(lambda: session.session_key.to_base64())


def build_export_at(family: str, w: Wire) -> Runner:
    # Fresh sessions: libolm and vodozemac move their latest ratchet on export, so
    # repeating export_at(1000) on one session would time a no-op advance.
    make = lambda: _imported(family, w)  # noqa: E731
    if family == "olm":
        return _fresh(make, lambda s: s.export_session(EXPORT_INDEX))
    return _fresh(make, lambda s: s.export_at(EXPORT_INDEX).to_base64())


# --- Olm -----------------------------------------------------------------------------------
#
# On the wire an Olm message is a type (0 pre-key, 1 normal) and a base64 body, and keys are
# base64 strings; every Olm row starts and ends there.  vodozemac 0.10's binding has no
# base64 for AnyOlmMessage, so its rows encode and decode with binascii, the fastest way an
# application has (its PreKeyMessage.from_base64 and Curve25519PublicKey.from_base64 are used
# where they exist).  python-olm's decrypt returns str (its UTF-8 decoding is included).

OLM_ONE_TIME_KEYS = 100
OlmWire = tuple[int, str]  # (message type, base64 body)


def _b64e(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return binascii.a2b_base64(text + "=" * (-len(text) % 4))


def _olm_account_cls(family: str) -> Callable[[], Any]:
    if family == "olmpy":
        return olmpy.Account
    if family == "olm":
        return olm.Account
    return vz.Account


def _olm_identity(family: str, account: Any) -> str:
    """The account's Curve25519 identity key in base64."""
    if family == "olm":
        return account.identity_keys["curve25519"]  # type: ignore[no-any-return]
    return account.curve25519_key.to_base64()  # type: ignore[no-any-return]


def _olm_keys(family: str, account: Any) -> tuple[str, str]:
    """(Curve25519 identity key, the first unpublished one-time key) as base64 strings."""
    if family == "olm":
        one_time = next(iter(account.one_time_keys["curve25519"].values()))
    else:
        one_time = next(iter(account.one_time_keys.values())).to_base64()
    return _olm_identity(family, account), one_time


def _olm_outbound(family: str, account: Any) -> Callable[[str, str], Any]:
    """session = f(their identity key, their one-time key), from base64 strings."""
    if family == "olmpy":
        return account.create_outbound_session  # type: ignore[no-any-return]
    if family == "olm":
        cls = olm.OutboundSession
        return lambda identity, one_time: cls(account, identity, one_time)
    create, key = account.create_outbound_session, vz.Curve25519PublicKey.from_base64
    return lambda identity, one_time: create(key(identity), key(one_time))


def _olm_inbound(family: str) -> Callable[[Any, str, str], tuple[Any, bytes | str]]:
    """(session, first plaintext) = f(account, their identity key, pre-key message body).

    The one-time key is consumed in the call: olmpy and vodozemac remove it inside
    create_inbound_session; python-olm needs ``remove_one_time_keys``, which is included.
    """
    if family == "olmpy":
        parts = olmpy.AnyOlmMessage.from_parts

        def inbound(account: Any, identity: str, body: str) -> tuple[Any, bytes | str]:
            return account.create_inbound_session(identity, parts(0, body))  # type: ignore[no-any-return]

        return inbound
    if family == "olm":
        pre, session_cls = olm.OlmPreKeyMessage, olm.InboundSession

        def olm_inbound(account: Any, identity: str, body: str) -> tuple[Any, bytes | str]:
            message = pre(body)
            session = session_cls(account, message, identity)
            plaintext = session.decrypt(message)
            account.remove_one_time_keys(session)
            return session, plaintext

        return olm_inbound
    vpre, key = vz.PreKeyMessage.from_base64, vz.Curve25519PublicKey.from_base64

    def vz_inbound(account: Any, identity: str, body: str) -> tuple[Any, bytes | str]:
        return account.create_inbound_session(key(identity), vpre(body))  # type: ignore[no-any-return]

    return vz_inbound


def _olm_encrypt(family: str, session: Any) -> Callable[[bytes], OlmWire]:
    enc = session.encrypt
    if family == "olmpy":

        def encrypt(pt: bytes) -> OlmWire:
            m = enc(pt)
            return m.message_type, m.to_base64()

        return encrypt
    if family == "olm":

        def olm_encrypt(pt: bytes) -> OlmWire:
            m = enc(pt)
            return m.message_type, m.ciphertext

        return olm_encrypt

    def vz_encrypt(pt: bytes) -> OlmWire:
        t, raw = enc(pt).to_parts()
        return t, _b64e(raw)

    return vz_encrypt


def _olm_decrypt(family: str, session: Any) -> Callable[[int, str], bytes | str]:
    dec = session.decrypt
    if family == "olmpy":
        parts = olmpy.AnyOlmMessage.from_parts
        return lambda t, body: dec(parts(t, body))
    if family == "olm":
        normal, pre = olm.OlmMessage, olm.OlmPreKeyMessage
        return lambda t, body: dec(normal(body) if t else pre(body))
    vparts = vz.AnyOlmMessage.from_parts
    return lambda t, body: dec(vparts(t, _b64d(body)))


def _olm_check(family: str, got: bytes | str, want: bytes, what: str) -> None:
    if isinstance(got, str):
        got = got.encode("utf-8")
    if got != want:
        raise SystemExit(f"{family}: wrong plaintext in {what}; the implementations disagree")


def _olm_receiver(family: str, w: Wire) -> tuple[Any, str]:
    """A fresh account with one one-time key, and a pre-key message body (base64) to it.

    The message comes from w.olm_peer (olmpy native), whose identity key is w.olm_identity.
    """
    account = _olm_account_cls(family)()
    account.generate_one_time_keys(1)
    identity, one_time = _olm_keys(family, account)
    with _backend.use("native"):
        message = w.olm_peer.create_outbound_session(identity, one_time).encrypt(w.plaintext[SMALL])
    assert message.message_type == 0
    return account, message.to_base64()


def _olm_pair(family: str, w: Wire) -> tuple[Any, Any]:
    """Two sessions of one implementation after A->B (pre-key), B->A, A->B.

    A has received, so A now sends normal messages on its second sender chain.
    """
    cls = _olm_account_cls(family)
    alice, bob = cls(), cls()
    bob.generate_one_time_keys(1)
    alice_identity = _olm_identity(family, alice)
    a = _olm_outbound(family, alice)(*_olm_keys(family, bob))
    pt = w.plaintext[SMALL]
    t, body = _olm_encrypt(family, a)(pt)
    assert t == 0
    b, got = _olm_inbound(family)(bob, alice_identity, body)
    _olm_check(family, got, pt, "the first pre-key message")
    enc_a, enc_b = _olm_encrypt(family, a), _olm_encrypt(family, b)
    dec_a, dec_b = _olm_decrypt(family, a), _olm_decrypt(family, b)
    _olm_check(family, dec_a(*enc_b(pt)), pt, "the first reply")
    t, body = enc_a(pt)
    assert t == 1
    _olm_check(family, dec_b(t, body), pt, "a normal message")
    return a, b


def build_olm_account(family: str, w: Wire) -> Runner:
    return _loop(_olm_account_cls(family))


def build_olm_one_time_keys(family: str, w: Wire) -> Runner:
    cls, n = _olm_account_cls(family), OLM_ONE_TIME_KEYS

    if family == "olm":

        def olm_run() -> dict[str, str]:
            account = cls()
            account.generate_one_time_keys(n)
            return account.one_time_keys["curve25519"]  # type: ignore[no-any-return]

        run = olm_run
    else:

        def run() -> dict[str, str]:
            account = cls()
            account.generate_one_time_keys(n)
            return {k: v.to_base64() for k, v in account.one_time_keys.items()}

    keys = run()
    if len(keys) != n or not all(len(k) == 43 for k in keys.values()):
        raise SystemExit(f"{family}: expected {n} base64 one-time keys, got {keys!r:.200}")
    return _loop(run)


def build_olm_outbound(family: str, w: Wire) -> Runner:
    account = _olm_account_cls(family)()
    create = _olm_outbound(family, account)
    # Check on a fresh olmpy peer that a session made from key strings interoperates.
    with _backend.use("native"):
        peer = olmpy.Account()
        peer.generate_one_time_keys(1)
        peer_identity, peer_one_time = _olm_keys("olmpy", peer)
    pt = w.plaintext[SMALL]
    t, body = _olm_encrypt(family, create(peer_identity, peer_one_time))(pt)
    assert t == 0
    with _backend.use("native"):
        _, got = _olm_inbound("olmpy")(peer, _olm_identity(family, account), body)
    _olm_check(family, got, pt, "a pre-key message to olmpy")
    identity, one_time = w.olm_identity, w.olm_one_time
    return _loop(lambda: create(identity, one_time))


def build_olm_inbound(family: str, w: Wire) -> Runner:
    inbound, identity, pt = _olm_inbound(family), w.olm_identity, w.plaintext[SMALL]
    account, body = _olm_receiver(family, w)
    _olm_check(family, inbound(account, identity, body)[1], pt, "a pre-key message from olmpy")
    make = lambda: _olm_receiver(family, w)  # noqa: E731
    return _fresh(make, lambda ab: inbound(ab[0], identity, ab[1]))


def build_olm_chain(family: str, w: Wire) -> Runner:
    a, b = _olm_pair(family, w)
    enc, dec, pt = _olm_encrypt(family, a), _olm_decrypt(family, b), w.plaintext[SMALL]

    def once() -> bytes | str:
        t, body = enc(pt)
        return dec(t, body)

    _olm_check(family, once(), pt, "a message on an established chain")
    return _loop(once)


def build_olm_ratchet(family: str, w: Wire) -> Runner:
    a, b = _olm_pair(family, w)
    enc_a, dec_a = _olm_encrypt(family, a), _olm_decrypt(family, a)
    enc_b, dec_b = _olm_encrypt(family, b), _olm_decrypt(family, b)
    pt = w.plaintext[SMALL]

    def once() -> bytes | str:
        dec_b(*enc_a(pt))  # on A's current chain
        dec_a(*enc_b(pt))  # B: new ratchet key; A: new receiver chain
        return dec_b(*enc_a(pt))  # A: new ratchet key; B: new receiver chain

    for _ in range(2):
        _olm_check(family, once(), pt, "a ratchet round trip")
    return _loop(once)


@dataclass(frozen=True)
class Op:
    key: str
    label: str
    build: Callable[[str, Wire], Runner]
    curve_bound: bool  # elliptic-curve work dominates: vodozemac target 1.25x instead of 1.0x


OPS: tuple[Op, ...] = (
    Op("outbound", "outbound session creation", build_outbound, False),
    Op("encrypt_100", "encrypt 100 B -> base64", build_encrypt(SMALL), True),
    Op("encrypt_64k", "encrypt 64 KiB -> base64", build_encrypt(BIG), False),
    Op("decrypt_100", "decrypt 100 B from base64", build_decrypt(SMALL), True),
    Op("decrypt_64k", "decrypt 64 KiB from base64", build_decrypt(BIG), False),
    Op("session_key_import", "inbound from signed session key", build_from_session_key, True),
    Op("export_import", "import exported key", build_import, False),
    Op("decrypt_far", "decrypt at 2**20, fresh import at 0", build_decrypt_far, False),
    Op(
        "decrypt_far_new_key",
        "decrypt at 2**20, new signing key per call",
        build_decrypt_far_new_key,
        False,
    ),
    Op("session_key_export", "session_key export -> base64", build_session_key, False),
    Op("export_at", "export_at(1000), fresh import at 0", build_export_at, False),
    Op("olm_account", "Olm Account()", build_olm_account, True),
    Op(
        "olm_one_time_keys",
        "Olm Account() + 100 one-time keys -> base64",
        build_olm_one_time_keys,
        True,
    ),
    Op("olm_outbound", "Olm outbound session from key strings", build_olm_outbound, True),
    Op(
        "olm_inbound",
        "Olm inbound session from pre-key msg + decrypt",
        build_olm_inbound,
        True,
    ),
    Op("olm_chain", "Olm encrypt + decrypt 100 B, same chain", build_olm_chain, False),
    Op(
        "olm_ratchet",
        "Olm 3 messages A->B->A->B, 2 ratchet turns",
        build_olm_ratchet,
        True,
    ),
)

PEER_TARGET_OLM = 0.5
PEER_TARGET_VZ_SIG = 1.25
PEER_TARGET_VZ = 1.0


# --- measurement --------------------------------------------------------------------------


def _sample(run: Runner, loops: int, backend: str | None) -> int:
    with _ctx(backend):
        gc.disable()
        try:
            return run(loops)
        finally:
            gc.enable()


def calibrate(run: Runner, backend: str | None, target_ns: int) -> int:
    """The loop count that makes one sample last about ``target_ns``."""
    _sample(run, 1, backend)  # warm-up
    loops = 1
    while True:
        t = max(_sample(run, loops, backend), 1)
        if t >= target_ns // 4 or loops >= 1 << 20:
            break
        loops *= 4
    return max(1, -(-loops * target_ns // t))


def measure(op: Op, w: Wire, reps: int, target_ns: int) -> dict[str, dict[str, float]]:
    runs: list[tuple[str, Runner, str | None, int]] = []
    for label, family, backend in IMPLS:
        with _ctx(backend):
            run = op.build(family, w)
        runs.append((label, run, backend, calibrate(run, backend, target_ns)))
    per_call: dict[str, list[float]] = {label: [] for label, *_ in runs}
    n = len(runs)
    for r in range(reps):
        for i in range(n):
            label, run, backend, loops = runs[(r + i) % n]
            per_call[label].append(_sample(run, loops, backend) / loops / 1000.0)
    out: dict[str, dict[str, float]] = {}
    for label, _, _, loops in runs:
        xs = per_call[label]
        q = statistics.quantiles(xs, n=4) if len(xs) >= 2 else [xs[0]] * 3
        out[label] = {
            "median_us": statistics.median(xs),
            "p25_us": q[0],
            "p75_us": q[2],
            "loops": loops,
            "samples": len(xs),
        }
    return out


# --- reporting ---------------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    cpu = "unknown"
    flags: set[str] = set()
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name") and cpu == "unknown":
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    from olmpy import _nativebinding

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    try:
        from cryptography.hazmat.backends.openssl import backend as ossl

        openssl = ossl.openssl_version_text().removeprefix("OpenSSL ")
    except Exception:  # pragma: no cover - informational only
        openssl = "unknown"
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "cpu_flags": {k: k in flags for k in ("aes", "sha_ni", "avx2")},
        "olmpy_uses_aesni": _nativebinding.has_aesni(),
        "olmpy_uses_shani": _nativebinding.has_shani(),
        "olmpy_default_backend": olmpy.BACKEND,
        "olmpy_source": olmpy_source(),
        "python": platform.python_version() + " " + platform.python_implementation(),
        "platform": platform.platform(),
        "versions": {
            "olmpy": olmpy.__version__,
            "python-olm": version("python-olm"),
            "vodozemac": version("vodozemac"),
            "PyNaCl": version("PyNaCl"),
            "cryptography": version("cryptography"),
            "OpenSSL": openssl,
        },
    }


def olmpy_source() -> str:
    """The git commit of the olmpy checkout being measured, "+dirty" if modified."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(olmpy.__file__)))
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "olmpy", "_native"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def verdicts(op: Op, res: dict[str, dict[str, float]]) -> dict[str, Any]:
    native = res["olmpy native"]["median_us"]
    r_olm = native / res["python-olm"]["median_us"]
    r_vz = native / res["vodozemac"]["median_us"]
    t_vz = PEER_TARGET_VZ_SIG if op.curve_bound else PEER_TARGET_VZ
    return {
        "native/python-olm": r_olm,
        "target_python-olm": PEER_TARGET_OLM,
        "pass_python-olm": r_olm <= PEER_TARGET_OLM,
        "native/vodozemac": r_vz,
        "target_vodozemac": t_vz,
        "pass_vodozemac": r_vz <= t_vz,
    }


def _fmt_us(x: float) -> str:
    return f"{x:,.1f}" if x < 1000 else f"{x:,.0f}"


def render(rows: list[tuple[Op, dict[str, dict[str, float]], dict[str, Any]]]) -> str:
    head = [
        "operation",
        *(f"{label} µs" for label, *_ in IMPLS),
        "native/python-olm",
        "native/vodozemac",
    ]
    body = []
    for op, res, v in rows:
        cells = [op.label, *(_fmt_us(res[label]["median_us"]) for label, *_ in IMPLS)]
        for peer in ("python-olm", "vodozemac"):
            ok = "PASS" if v[f"pass_{peer}"] else "MISS"
            cells.append(f"{v[f'native/{peer}']:.2f} (≤{v[f'target_{peer}']:.2f}) {ok}")
        body.append(cells)
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        parts = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells)]
        return "| " + " | ".join(parts) + " |"

    rules = ("-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths))
    sep = "|" + "|".join(rules) + "|"
    return "\n".join([line(head), sep, *(line(c) for c in body)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="smoke run: few, short samples")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    ap.add_argument("--only", metavar="SUBSTR", help="run only operations whose key contains it")
    ap.add_argument("--reps", type=int, help="repetitions per operation (default 301, quick 3)")
    args = ap.parse_args(argv)
    reps = args.reps or (3 if args.quick else 301)
    target_ns = 200_000 if args.quick else 2_000_000
    ops = [op for op in OPS if not args.only or args.only in op.key]

    facts = machine_facts()
    print(
        f"CPU: {facts['cpu']} ({facts['cpus']} logical CPUs); "
        f"olmpy native uses AES-NI: {facts['olmpy_uses_aesni']}, "
        f"SHA-NI: {facts['olmpy_uses_shani']}"
    )
    print(f"Python {facts['python']} on {facts['platform']}")
    print(
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in facts["versions"].items())
        + f"; olmpy source: {facts['olmpy_source']}"
    )
    print(
        f"Medians of {reps} interleaved samples of ~{target_ns / 1e6:g} ms each; "
        "ratio = olmpy native / peer; from wire strings to results."
    )
    print(
        "decrypt at 2**20 and export_at(1000): one freshly imported session per call, "
        "imported before the clock.\nThe other decrypt rows reuse one signing key, so "
        "per-key caches are warm; 'new signing key per call' starts them cold\n(the first "
        "message of a session, e.g. after restoring a key backup)."
    )
    print(
        "Olm inbound: a fresh account and pre-key message per call, made before the clock; "
        "consuming the one-time key\nis timed (python-olm: remove_one_time_keys). Olm ratchet "
        "row: A->B, B->A, A->B per call, two new ratchet keys."
    )
    sys.stdout.flush()

    wire = make_wire()
    check_wire(wire)
    t_start = time.monotonic()
    rows = []
    for op in ops:
        res = measure(op, wire, reps, target_ns)
        rows.append((op, res, verdicts(op, res)))
    elapsed = time.monotonic() - t_start

    print()
    print(render(rows))
    misses = [
        (op.label, peer)
        for op, _, v in rows
        for peer in ("python-olm", "vodozemac")
        if not v[f"pass_{peer}"]
    ]
    print()
    print(
        f"targets met: {2 * len(rows) - len(misses)}/{2 * len(rows)} (timing took {elapsed:.0f} s)"
    )
    for label, peer in misses:
        print(f"  MISS: {label} vs {peer}")
    spread = max(
        ((res[i]["p75_us"] - res[i]["p25_us"]) / res[i]["median_us"], op.label, i)
        for op, res, _ in rows
        for i in res
    )
    print(
        f"largest spread (p75 - p25) / median: {spread[0]:.0%} ({spread[1]}, {spread[2]}); "
        "ratios nearer a target than that may flip between runs."
    )

    if args.json:
        doc = {
            "machine": facts,
            "reps": reps,
            "sample_target_ns": target_ns,
            "quick": args.quick,
            "operations": [
                {"key": op.key, "label": op.label, "results": res, **v} for op, res, v in rows
            ],
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

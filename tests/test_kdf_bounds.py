"""KDF costs chosen by the input (issue 9): olmpy pickles' scrypt parameters, m.pbkdf2
iterations in account data and key-export round counts are bounded before any derivation
runs, with an explicit opt-in beyond the bound and a typed error that names the limit
(SPEC.md sections 12, 16, 17 and 18)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import olmpy
from olmpy import _b64, key_export, recovery, secret_storage
from olmpy.errors import DecodeError, KdfCostError, MacError, PickleError, UsageError
from olmpy.pickle import native

PASS = "pickle passphrase"
KEY32 = bytes(range(32))


# --- olmpy pickles: scrypt ---------------------------------------------------------------


@pytest.fixture
def no_scrypt(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int, int]]]:
    """Records scrypt parameters instead of running scrypt (so a refused test cannot spend
    gigabytes); derivation then yields a fixed key, and the tag check fails."""
    calls: list[tuple[int, int, int]] = []

    def fake(passphrase: Any, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
        calls.append((log2_n, r, p))
        return bytes(32)

    monkeypatch.setattr(native, "_scrypt", fake)
    yield calls


def _with_parameters(text: str, log2_n: int, r: int, p: int) -> str:
    raw = bytearray(_b64.decode(text, "t"))
    assert raw[7] == native.KDF_SCRYPT
    raw[8:11] = bytes([log2_n, r, p])
    return _b64.encode(bytes(raw))


def _sealed_with(monkeypatch: pytest.MonkeyPatch, obj: Any, log2_n: int, r: int, p: int) -> str:
    """``obj.pickle(PASS)`` written with other scrypt parameters (valid tag)."""
    with monkeypatch.context() as m:
        m.setattr(native, "SCRYPT_LOG2_N", log2_n)
        m.setattr(native, "SCRYPT_R", r)
        m.setattr(native, "SCRYPT_P", p)
        text: str = obj.pickle(PASS)
    return text


def _pickled_objects() -> dict[str, tuple[type[Any], Any]]:
    alice, bob = olmpy.Account(), olmpy.Account()
    bob.generate_one_time_keys(1)
    session = alice.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values()))
    )
    group = olmpy.GroupSession()
    return {
        "account": (olmpy.Account, alice),
        "session": (olmpy.Session, session),
        "group_session": (olmpy.GroupSession, group),
        "inbound_group_session": (olmpy.InboundGroupSession,
                                  olmpy.InboundGroupSession(group.session_key)),
        "pk_decryption": (olmpy.PkDecryption, olmpy.PkDecryption()),
    }


def test_review_parameters_are_refused_before_scrypt(
    no_scrypt: list[tuple[int, int, int]],
) -> None:
    """The review's pickle (log2 N 20, r 16, p 4: 2 GiB, ~16 s) is refused by every loader
    before scrypt runs, with an error naming the limit and how to raise it."""
    for cls, obj in _pickled_objects().values():
        crafted = _with_parameters(obj.pickle(PASS), 20, 16, 4)
        with pytest.raises(KdfCostError) as err:
            cls.from_pickle(crafted, PASS)
        assert isinstance(err.value, PickleError) and isinstance(err.value, DecodeError)
        message = str(err.value)
        assert "at most log2 N 15, r 8, p 1" in message and "got 20, 16, 4" in message
        assert "scrypt_limit" in message
    assert no_scrypt == [(15, 8, 1)] * 5  # only the five seals ran it


@pytest.mark.parametrize("params", [(16, 8, 1), (15, 9, 1), (15, 8, 2)])
def test_anything_beyond_what_olmpy_writes_is_refused(
    no_scrypt: list[tuple[int, int, int]], params: tuple[int, int, int]
) -> None:
    """One step past the default in any parameter is refused; olmpy's own is not."""
    group = olmpy.GroupSession()
    text = group.pickle(PASS)
    no_scrypt.clear()
    with pytest.raises(native.ScryptCostError, match="expected at most"):
        olmpy.GroupSession.from_pickle(_with_parameters(text, *params), PASS)
    assert no_scrypt == []
    assert olmpy.GroupSession.from_pickle(text, PASS).session_id == group.session_id
    assert no_scrypt == [(15, 8, 1)]


def test_opt_in_loads_costlier_pickles_of_every_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside ``scrypt_limit`` every from_pickle loads a pickle with costlier parameters;
    outside it the same pickle is refused again."""
    for kind, (cls, obj) in _pickled_objects().items():
        text = _sealed_with(monkeypatch, obj, 16, 8, 1)
        with native.scrypt_limit(log2_n=16) as limit:
            assert limit == native.ScryptLimit(16, 8, 1) == native.current_scrypt_limit()
            loaded = cls.from_pickle(text, PASS)
        assert loaded.pickle(KEY32) != "" and type(loaded) is cls, kind
        assert native.current_scrypt_limit() == native.DEFAULT_SCRYPT_LIMIT
        with pytest.raises(native.ScryptCostError):
            cls.from_pickle(text, PASS)
    text = _sealed_with(monkeypatch, olmpy.GroupSession(), 15, 8, 2)
    assert native.open_sealed(text, "group_session", PASS, limit=native.ScryptLimit(p=2))
    with pytest.raises(native.ScryptCostError, match="r 8, p 1"):
        native.open_sealed(text, "group_session", PASS)


def test_the_opt_in_stays_in_its_thread_and_task(no_scrypt: list[tuple[int, int, int]]) -> None:
    """The limit is a context variable: another thread, or an asyncio task started
    outside the block, still sees the default."""
    crafted = _with_parameters(olmpy.GroupSession().pickle(PASS), 17, 8, 1)
    seen: list[BaseException | None] = []

    def load() -> None:
        try:
            olmpy.GroupSession.from_pickle(crafted, PASS)
            seen.append(None)
        except Exception as exc:
            seen.append(exc)

    with native.scrypt_limit(log2_n=17):
        worker = threading.Thread(target=load)
        worker.start()
        worker.join()
        with pytest.raises(PickleError, match="does not authenticate"):  # allowed here
            olmpy.GroupSession.from_pickle(crafted, PASS)
    assert isinstance(seen[0], native.ScryptCostError)

    async def main() -> None:
        go = asyncio.Event()

        async def other() -> None:
            await go.wait()
            load()

        task = asyncio.create_task(other())  # its context is copied here, before the block
        with native.scrypt_limit(log2_n=17):
            go.set()
            await task

    seen.clear()
    asyncio.run(main())
    assert isinstance(seen[0], native.ScryptCostError)


@pytest.mark.parametrize("kwargs", [{"log2_n": 9}, {"log2_n": 31}, {"r": 0}, {"p": 256},
                                    {"r": True}, {"log2_n": 2**70}, {"p": 1.0}])
def test_silly_limits_are_usage_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="scrypt limit"), native.scrypt_limit(**kwargs):
        pass


def test_malformed_parameters_stay_pickle_errors(no_scrypt: list[tuple[int, int, int]]) -> None:
    """Parameters no writer makes (log2 N under 10, r or p of 0) are malformed headers, not
    a cost question; a limit OpenSSL cannot run (N >= 2**(16 r)) is a PickleError too."""
    text = olmpy.GroupSession().pickle(PASS)
    for params in ((9, 8, 1), (15, 0, 1), (15, 8, 0)):
        with pytest.raises(PickleError, match="scrypt parameters") as err:
            olmpy.GroupSession.from_pickle(_with_parameters(text, *params), PASS)
        assert not isinstance(err.value, KdfCostError)


def test_scrypt_refusals_from_openssl_are_pickle_errors() -> None:
    """With the limit raised, parameters OpenSSL refuses (N >= 2**(16 r)) are a PickleError,
    not cryptography's MemoryError."""
    text = _with_parameters(olmpy.GroupSession().pickle(PASS), 16, 1, 1)
    with native.scrypt_limit(log2_n=16, r=8), pytest.raises(PickleError, match="OpenSSL"):
        olmpy.GroupSession.from_pickle(text, PASS)


def test_lone_surrogate_passphrases_are_usage_errors() -> None:
    group = olmpy.GroupSession()
    with pytest.raises(UsageError, match="surrogates"):
        group.pickle("\ud800")
    with pytest.raises(UsageError, match="surrogates"):
        olmpy.GroupSession.from_pickle(group.pickle(PASS), "\ud800")


# --- helpers for the PBKDF2 tests ---------------------------------------------------------


Derive = Callable[..., bytes]

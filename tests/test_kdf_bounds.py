"""KDF costs chosen by the input (issue 9): olmpy pickles' scrypt parameters, m.pbkdf2
iterations in account data and key-export round counts are bounded before any derivation
runs, with an explicit opt-in beyond the bound and a typed error that names the limit
(SPEC.md sections 12, 16, 17 and 18)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

import olmpy
from olmpy import _b64, key_export, recovery, secret_storage
from olmpy.errors import DecodeError, KdfCostError, MacError, PickleError, UsageError
from olmpy.pickle import (
    DEFAULT_SCRYPT_LIMIT,
    ScryptCostError,
    ScryptLimit,
    current_scrypt_limit,
    scrypt_limit,
)
from olmpy.pickle import _native as native

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
    """``obj.pickle_with_passphrase(PASS)`` written with other scrypt parameters (valid tag)."""
    with monkeypatch.context() as m:
        m.setattr(native, "SCRYPT_LOG2_N", log2_n)
        m.setattr(native, "SCRYPT_R", r)
        m.setattr(native, "SCRYPT_P", p)
        text: str = obj.pickle_with_passphrase(PASS)
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
        crafted = _with_parameters(obj.pickle_with_passphrase(PASS), 20, 16, 4)
        with pytest.raises(KdfCostError) as err:
            cls.from_pickle_with_passphrase(crafted, PASS)
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
    text = group.pickle_with_passphrase(PASS)
    no_scrypt.clear()
    with pytest.raises(ScryptCostError, match="expected at most"):
        olmpy.GroupSession.from_pickle_with_passphrase(_with_parameters(text, *params), PASS)
    assert no_scrypt == []
    assert olmpy.GroupSession.from_pickle_with_passphrase(text, PASS).session_id == group.session_id
    assert no_scrypt == [(15, 8, 1)]


def test_opt_in_loads_costlier_pickles_of_every_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside ``scrypt_limit`` every from_pickle loads a pickle with costlier parameters;
    outside it the same pickle is refused again."""
    for kind, (cls, obj) in _pickled_objects().items():
        text = _sealed_with(monkeypatch, obj, 16, 8, 1)
        with scrypt_limit(log2_n=16) as limit:
            assert limit == ScryptLimit(16, 8, 1) == current_scrypt_limit()
            loaded = cls.from_pickle_with_passphrase(text, PASS)
        assert loaded.pickle(KEY32) != "" and type(loaded) is cls, kind
        assert current_scrypt_limit() == DEFAULT_SCRYPT_LIMIT
        with pytest.raises(ScryptCostError):
            cls.from_pickle_with_passphrase(text, PASS)
    text = _sealed_with(monkeypatch, olmpy.GroupSession(), 15, 8, 2)
    assert native.open_sealed_with_passphrase(text, "group_session", PASS, limit=ScryptLimit(p=2))
    with pytest.raises(ScryptCostError, match="r 8, p 1"):
        native.open_sealed_with_passphrase(text, "group_session", PASS)


def test_the_opt_in_stays_in_its_thread_and_task(no_scrypt: list[tuple[int, int, int]]) -> None:
    """The limit is a context variable: another thread, or an asyncio task started
    outside the block, still sees the default."""
    crafted = _with_parameters(olmpy.GroupSession().pickle_with_passphrase(PASS), 17, 8, 1)
    seen: list[BaseException | None] = []

    def load() -> None:
        try:
            olmpy.GroupSession.from_pickle_with_passphrase(crafted, PASS)
            seen.append(None)
        except Exception as exc:
            seen.append(exc)

    with scrypt_limit(log2_n=17):
        worker = threading.Thread(target=load)
        worker.start()
        worker.join()
        with pytest.raises(PickleError, match="does not authenticate"):  # allowed here
            olmpy.GroupSession.from_pickle_with_passphrase(crafted, PASS)
    assert isinstance(seen[0], ScryptCostError)

    async def main() -> None:
        go = asyncio.Event()

        async def other() -> None:
            await go.wait()
            load()

        task = asyncio.create_task(other())  # its context is copied here, before the block
        with scrypt_limit(log2_n=17):
            go.set()
            await task

    seen.clear()
    asyncio.run(main())
    assert isinstance(seen[0], ScryptCostError)


@pytest.mark.parametrize("kwargs", [{"log2_n": 9}, {"log2_n": 31}, {"r": 0}, {"p": 256},
                                    {"r": True}, {"log2_n": 2**70}, {"p": 1.0}])
def test_silly_limits_are_usage_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="scrypt limit"), scrypt_limit(**kwargs):
        pass


def test_malformed_parameters_stay_pickle_errors(no_scrypt: list[tuple[int, int, int]]) -> None:
    """Parameters no writer makes (log2 N under 10, r or p of 0) are malformed headers, not
    a cost question; a limit OpenSSL cannot run (N >= 2**(16 r)) is a PickleError too."""
    text = olmpy.GroupSession().pickle_with_passphrase(PASS)
    for params in ((9, 8, 1), (15, 0, 1), (15, 8, 0)):
        with pytest.raises(PickleError, match="scrypt parameters") as err:
            olmpy.GroupSession.from_pickle_with_passphrase(_with_parameters(text, *params), PASS)
        assert not isinstance(err.value, KdfCostError)


def test_scrypt_refusals_from_openssl_are_pickle_errors() -> None:
    """With the limit raised, parameters OpenSSL refuses (N >= 2**(16 r)) are a PickleError,
    not cryptography's MemoryError."""
    text = _with_parameters(olmpy.GroupSession().pickle_with_passphrase(PASS), 16, 1, 1)
    with scrypt_limit(log2_n=16, r=8), pytest.raises(PickleError, match="OpenSSL"):
        olmpy.GroupSession.from_pickle_with_passphrase(text, PASS)


def test_lone_surrogate_passphrases_are_usage_errors() -> None:
    group = olmpy.GroupSession()
    with pytest.raises(UsageError, match="surrogates"):
        group.pickle_with_passphrase("\ud800")
    with pytest.raises(UsageError, match="surrogates"):
        olmpy.GroupSession.from_pickle_with_passphrase(group.pickle_with_passphrase(PASS), "\ud800")


# --- PBKDF2: m.pbkdf2 passphrase parameters ------------------------------------------------


class _FakePbkdf2:
    """Stands in for cryptography's PBKDF2HMAC: records the iteration count and derives a
    cheap deterministic key, so the tests never spend seconds (or fail slowly)."""

    calls: ClassVar[list[int]] = []

    def __init__(self, algorithm: Any, length: int, salt: bytes, iterations: int) -> None:
        self.length, self.salt, self.iterations = length, salt, iterations

    def derive(self, secret: bytes) -> bytes:
        _FakePbkdf2.calls.append(self.iterations)
        return hashlib.sha512(secret + b"|" + self.salt).digest()[: self.length]


@pytest.fixture
def pbkdf2_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    _FakePbkdf2.calls = []
    monkeypatch.setattr(recovery, "PBKDF2HMAC", _FakePbkdf2)
    monkeypatch.setattr(key_export, "PBKDF2HMAC", _FakePbkdf2)
    yield _FakePbkdf2.calls


def _info(iterations: int) -> dict[str, Any]:
    return {"algorithm": "m.pbkdf2", "salt": "MmMsAlty", "iterations": iterations}


def test_passphrase_info_beyond_the_bound_is_refused_before_pbkdf2(
    pbkdf2_calls: list[int],
) -> None:
    """Account data asking for more than 1,000,000 iterations is a PassphraseCostError
    (a PassphraseInfoError and a KdfCostError) naming the limit, and PBKDF2 never runs."""
    for count in (1_000_001, recovery.MAX_ITERATIONS):
        with pytest.raises(recovery.PassphraseCostError) as err:
            recovery.key_from_passphrase_info("p", _info(count))
        assert isinstance(err.value, recovery.PassphraseInfoError)
        assert isinstance(err.value, KdfCostError) and not isinstance(err.value, UsageError)
        message = str(err.value)
        assert "at most 1000000 PBKDF2 iterations" in message and f"got {count}" in message
        assert "max_iterations" in message
    assert pbkdf2_calls == []


@pytest.mark.parametrize("count", [10_000, 100_000, 500_000, 630_000, 1_000_000])
def test_every_client_setting_is_admitted(pbkdf2_calls: list[int], count: int) -> None:
    """nio/mautrix-go exports (10,000/100,000), Element and the SDKs (500,000), Nheko's
    secret storage (630,000) and the bound itself load without an opt-in."""
    assert len(recovery.key_from_passphrase_info("p", _info(count))) == 32
    assert pbkdf2_calls == [count]


def test_max_iterations_opts_in(pbkdf2_calls: list[int]) -> None:
    key = recovery.key_from_passphrase_info("p", _info(3_000_000), max_iterations=3_000_000)
    assert len(key) == 32 and pbkdf2_calls == [3_000_000]
    with pytest.raises(recovery.PassphraseCostError, match="at most 20 "):
        recovery.key_from_passphrase_info("p", _info(21), max_iterations=20)
    # malformed beats costly: a bad object is reported as malformed first
    with pytest.raises(recovery.PassphraseInfoError, match="bits") as err:
        recovery.key_from_passphrase_info("p", {**_info(2_000_000), "bits": 128})
    assert not isinstance(err.value, KdfCostError)


@pytest.mark.parametrize("bad", [0, -1, recovery.MAX_ITERATIONS + 1, True, 5.0, "5", None,
                                 pytest.param(10**5000, id="5001-digits")])
def test_silly_max_iterations_are_usage_errors(pbkdf2_calls: list[int], bad: Any) -> None:
    with pytest.raises(UsageError, match="max_iterations"):
        recovery.key_from_passphrase_info("p", _info(10), max_iterations=bad)
    with pytest.raises(UsageError, match="max_iterations"):
        secret_storage.PassphraseInfo("s", 10).derive("p", max_iterations=bad)
    assert pbkdf2_calls == []


# --- PBKDF2: secret storage key descriptions ------------------------------------------------


def _description(iterations: int) -> tuple[bytes, dict[str, Any]]:
    info = secret_storage.PassphraseInfo("IuLnH7S85YtZmkkBJKwNUKxWF42g9O1H", iterations)
    key = info.derive("words", max_iterations=iterations)
    return key, secret_storage.create_key_description(key, passphrase=info).to_json()


def test_costly_description_refuses_the_passphrase_not_the_recovery_key(
    pbkdf2_calls: list[int],
) -> None:
    """A description asking for 2,000,000 iterations parses and opens with the raw key or
    recovery key (no PBKDF2 involved); the passphrase path refuses it before PBKDF2 unless
    the caller opts in."""
    key, doc = _description(2_000_000)
    pbkdf2_calls.clear()
    parsed = secret_storage.KeyDescription.from_json(doc)
    assert parsed.passphrase is not None and parsed.passphrase.iterations == 2_000_000
    assert secret_storage.check_key(key, doc)
    text = secret_storage.SecretStorageKey(key, "k", doc).to_recovery_key()
    assert secret_storage.SecretStorageKey.from_recovery_key(text, "k", doc).to_bytes() == key
    with pytest.raises(secret_storage.SecretStorageKdfCostError) as err:
        secret_storage.SecretStorageKey.from_passphrase("words", "k", doc)
    assert isinstance(err.value, secret_storage.SecretStorageError)
    assert isinstance(err.value, KdfCostError)
    assert "at most 1000000" in str(err.value) and "max_iterations" in str(err.value)
    with pytest.raises(secret_storage.SecretStorageKdfCostError):
        parsed.passphrase.derive("words")
    assert pbkdf2_calls == []
    opened = secret_storage.SecretStorageKey.from_passphrase(
        "words", "k", doc, max_iterations=2_000_000
    )
    assert opened.to_bytes() == key and pbkdf2_calls == [2_000_000]


def test_new_passphrase_keys_use_the_callers_own_count(pbkdf2_calls: list[int]) -> None:
    """A writer's explicit count is the caller's choice, not the input's: not bounded."""
    key = secret_storage.SecretStorageKey.generate_from_passphrase("words", iterations=2_000_000)
    assert key.description.passphrase is not None
    assert key.description.passphrase.iterations == 2_000_000 and pbkdf2_calls == [2_000_000]


# --- PBKDF2: key export files ---------------------------------------------------------------


def _export_with_rounds(rounds: int) -> str:
    """An export file whose header asks for ``rounds`` (the MAC is junk)."""
    payload = b"\x01" + bytes(16) + bytes(16) + rounds.to_bytes(4, "big") + b"ct" + bytes(32)
    return f"{key_export.HEADER}\n{base64.b64encode(payload).decode()}\n{key_export.FOOTER}\n"


def test_export_rounds_beyond_the_bound_are_refused_before_pbkdf2(
    pbkdf2_calls: list[int],
) -> None:
    for rounds in (1_000_001, 10_000_000, 2**32 - 1):
        with pytest.raises(key_export.KeyExportRoundsError) as err:
            key_export.decrypt_key_file(_export_with_rounds(rounds), "p")
        assert isinstance(err.value, key_export.KeyExportError)
        assert isinstance(err.value, KdfCostError)
        assert "1..1000000" in str(err.value) and "max_rounds" in str(err.value)
        with pytest.raises(key_export.KeyExportRoundsError):
            key_export.import_room_keys(_export_with_rounds(rounds), "p")
        with pytest.raises(key_export.KeyExportRoundsError):
            key_export.KeyExportReader(_export_with_rounds(rounds), "p")
    assert pbkdf2_calls == []
    with pytest.raises(key_export.KeyExportError, match="round count") as zero:
        key_export.decrypt_key_file(_export_with_rounds(0), "p")
    assert not isinstance(zero.value, KdfCostError)


def test_export_rounds_opt_in(pbkdf2_calls: list[int]) -> None:
    """Up to the bound the file is read; beyond it ``max_rounds`` lets it through, and a
    file olmpy wrote with 2,000,000 rounds round-trips with the opt-in."""
    with pytest.raises(MacError):
        key_export.decrypt_key_file(_export_with_rounds(1_000_000), "p")
    with pytest.raises(MacError):
        key_export.decrypt_key_file(_export_with_rounds(3_000_000), "p", max_rounds=3_000_000)
    assert pbkdf2_calls == [1_000_000, 3_000_000]
    armoured = key_export.encrypt_key_file(b"[]", "p", rounds=2_000_000)
    with pytest.raises(key_export.KeyExportRoundsError):
        key_export.import_room_keys(armoured, "p")
    assert key_export.import_room_keys(armoured, "p", max_rounds=2_000_000) == []

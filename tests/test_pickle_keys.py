"""Pickle keys and passphrases (issue 18): one entry point for a raw 32-byte key and another
for a passphrase, weak keys refused on write but read as peers wrote them, hints that name the
right loader, and a private format layer behind a small public ``olmpy.pickle``."""

from __future__ import annotations

import base64
import hmac
import importlib
import io
import os
import warnings
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path
from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

import olmpy
import olmpy.pickle
from olmpy import key_export as kx
from olmpy.errors import PickleError, UsageError

KEY = bytes(range(32))
PASSPHRASE = "correct horse battery staple"
ROOT = Path(__file__).resolve().parent.parent


def _objects() -> dict[str, Any]:
    alice, bob = olmpy.Account(), olmpy.Account()
    bob.generate_one_time_keys(1)
    session = alice.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values()))
    )
    group = olmpy.GroupSession()
    return {
        "Account": alice,
        "Session": session,
        "GroupSession": group,
        "InboundGroupSession": olmpy.InboundGroupSession(group.session_key),
        "PkDecryption": olmpy.PkDecryption(),
    }


NAMES = ["Account", "Session", "GroupSession", "InboundGroupSession", "PkDecryption"]
PEER_FORMATS = ["Account", "Session", "GroupSession", "InboundGroupSession"]  # vodozemac JSON


def _same(a: Any, b: Any) -> bool:
    """Two objects hold the same state: libolm's pickles are a deterministic function of
    the object and the key, and hold every secret."""
    return bool(a.to_libolm_pickle(KEY) == b.to_libolm_pickle(KEY))


# --- separate entry points ----------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_key_and_passphrase_entry_points_round_trip(backend: ModuleType, name: str) -> None:
    obj = _objects()[name]
    cls = type(obj)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither entry point warns
        by_key = cls.from_pickle(obj.pickle(KEY), KEY)
        by_passphrase = cls.from_pickle_with_passphrase(
            obj.pickle_with_passphrase(PASSPHRASE), PASSPHRASE
        )
    assert _same(by_key, obj) and _same(by_passphrase, obj)


@pytest.mark.parametrize("name", NAMES)
def test_a_raw_key_never_runs_scrypt(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The point of the split: ``pickle(key)`` costs an AEAD call, not 0.1 s of scrypt."""
    from olmpy.pickle import _native

    def no_scrypt(*args: Any) -> bytes:
        raise AssertionError("scrypt ran for a raw key")

    monkeypatch.setattr(_native, "_scrypt", no_scrypt)
    obj = _objects()[name]
    assert _same(type(obj).from_pickle(obj.pickle(KEY), KEY), obj)


@pytest.mark.parametrize("name", NAMES)
def test_a_str_key_is_a_deprecated_passphrase(name: str) -> None:
    """``pickle(str)`` and ``from_pickle(text, str)`` keep working for one minor release,
    with a DeprecationWarning that names the new method and points at the caller."""
    obj = _objects()[name]
    cls = type(obj)
    with pytest.warns(DeprecationWarning, match=f"{name}.pickle_with_passphrase") as caught:
        text = obj.pickle(PASSPHRASE)
    assert caught[0].filename == __file__
    assert _same(cls.from_pickle_with_passphrase(text, PASSPHRASE), obj)
    with pytest.warns(DeprecationWarning, match=f"{name}.from_pickle_with_passphrase") as caught:
        loaded = cls.from_pickle(obj.pickle_with_passphrase(PASSPHRASE), PASSPHRASE)
    assert caught[0].filename == __file__
    assert _same(loaded, obj)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_kinds_of_key_are_usage_errors(name: str) -> None:
    obj = _objects()[name]
    cls = type(obj)
    text = obj.pickle(KEY)
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: obj.pickle(KEY[:31]), "expected exactly 32 bytes"),
        (lambda: obj.pickle(KEY + b"!"), "got 33 bytes"),
        (lambda: obj.pickle(None), "got NoneType"),
        (lambda: obj.pickle_with_passphrase(KEY), "expected a str (a raw key goes to pickle)"),
        (lambda: obj.pickle_with_passphrase(""), "expected a non-empty str, got an empty one"),
        (lambda: cls.from_pickle(text, 32), "got int"),
        (lambda: cls.from_pickle_with_passphrase(text, KEY), "a raw key goes to from_pickle"),
    ]
    for call, message in cases:
        with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
            call()


@pytest.mark.parametrize("name", NAMES)
def test_a_key_pickle_and_a_passphrase_pickle_name_each_other(name: str) -> None:
    obj = _objects()[name]
    cls = type(obj)
    with pytest.raises(PickleError, match=rf"load it with {name}\.from_pickle\(pickle, key\)"):
        cls.from_pickle_with_passphrase(obj.pickle(KEY), PASSPHRASE)
    with pytest.raises(PickleError, match=rf"{name}\.from_pickle_with_passphrase\(pickle, pass"):
        cls.from_pickle(obj.pickle_with_passphrase(PASSPHRASE), KEY)


def test_type_checkers_see_the_split(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A str to ``pickle``/``from_pickle`` is a deprecated overload (PEP 702) and a bytes
    passphrase is a type error: mypy --strict reports all three lines of this program."""
    from mypy import api

    program = tmp_path / "user_program.py"
    program.write_text(
        "import olmpy\n"
        "account = olmpy.Account()\n"
        "text = account.pickle('a passphrase')\n"
        "olmpy.Account.from_pickle(text, 'a passphrase')\n"
        "account.pickle_with_passphrase(bytes(32))\n"
        "olmpy.Account.from_pickle(account.pickle(bytes(32)), bytes(32))\n"
        "olmpy.Account.from_pickle_with_passphrase(account.pickle_with_passphrase('p'), 'p')\n"
    )
    monkeypatch.chdir(ROOT)  # olmpy is found from the checkout, as for `mypy olmpy`
    out, err, status = api.run(
        ["--strict", "--enable-error-code", "deprecated", "--no-incremental",
         "--cache-dir", str(tmp_path / "cache"), str(program)]
    )
    assert status == 1, out + err
    lines = {int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line}
    assert lines == {3, 4, 5}, out
    assert "use pickle_with_passphrase" in out and "use from_pickle_with_passphrase" in out


# --- weak keys: writers refuse them, readers take them --------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key", ["", b"", "short", b"x" * 31, "ü" * 15])
def test_libolm_writers_refuse_keys_under_32_bytes(
    backend: ModuleType, name: str, key: str | bytes
) -> None:
    obj = _objects()[name]
    size = len(key.encode() if isinstance(key, str) else key)
    with pytest.raises(UsageError, match=f"expected at least 32 bytes.*got {size} bytes"):
        obj.to_libolm_pickle(key)
    # The opt-in writes what a peer with that key reads, and olmpy reads it back.
    text = obj.to_libolm_pickle(key, allow_weak_key=True)
    assert _same(type(obj).from_libolm_pickle(text, key), obj)


@pytest.mark.parametrize("name", NAMES)
def test_libolm_writers_take_32_bytes_and_check_the_flag(name: str) -> None:
    obj = _objects()[name]
    cls = type(obj)
    assert _same(cls.from_libolm_pickle(obj.to_libolm_pickle(KEY), KEY), obj)
    long_passphrase = "a passphrase of thirty-two bytes"
    assert len(long_passphrase.encode()) == 32
    text = obj.to_libolm_pickle(long_passphrase)
    assert _same(cls.from_libolm_pickle(text, long_passphrase), obj)
    with pytest.raises(UsageError, match="allow_weak_key: expected a bool, got int"):
        obj.to_libolm_pickle(b"", allow_weak_key=1)


def test_pk_decryption_vodozemac_writer_refuses_weak_keys(backend: ModuleType) -> None:
    """vodozemac's PkDecryption pickle is libolm's format with a key of any length: olmpy
    writes it with at least 32 bytes unless told otherwise, and reads any."""
    dec = olmpy.PkDecryption()
    for key in (b"", b"k" * 31):
        with pytest.raises(UsageError, match=f"vodozemac pickle key: expected at least 32 "
                                             f"bytes.*got {len(key)} bytes"):
            dec.to_vodozemac_pickle(key)
        text = dec.to_vodozemac_pickle(key, allow_weak_key=True)
        assert olmpy.PkDecryption.from_vodozemac_pickle(text, key).key == dec.key
    with pytest.raises(UsageError, match="expected bytes, got str"):
        dec.to_vodozemac_pickle("k" * 32)  # type: ignore[arg-type]
    assert olmpy.PkDecryption.from_vodozemac_pickle(dec.to_vodozemac_pickle(KEY), KEY).key == (
        dec.key
    )


@pytest.mark.parametrize("name", PEER_FORMATS)
@pytest.mark.parametrize("key", [b"", b"k" * 31, b"k" * 33])
def test_vodozemac_writers_need_exactly_32_bytes(name: str, key: bytes) -> None:
    with pytest.raises(UsageError, match=f"expected exactly 32 bytes, got {len(key)} bytes"):
        _objects()[name].to_vodozemac_pickle(key)


def test_dehydrated_device_keys_need_exactly_32_bytes() -> None:
    account = olmpy.Account()
    for key in (b"", b"k" * 31):
        with pytest.raises(UsageError, match=f"expected 32 bytes, got {len(key)} bytes"):
            account.to_dehydrated_device(key)


def _python_olm_pickles(passphrase: str) -> dict[str, tuple[Any, bytes]]:
    """Pickles python-olm writes with ``passphrase`` (its default is the empty one)."""
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(1)
    session = olm.OutboundSession(
        alice, bob.identity_keys["curve25519"], next(iter(bob.one_time_keys["curve25519"].values()))
    )
    outbound = olm.OutboundGroupSession()
    inbound = olm.InboundGroupSession(outbound.session_key)
    pk = olm.PkDecryption()
    return {
        "Account": (olmpy.Account, alice.pickle(passphrase)),
        "Session": (olmpy.Session, session.pickle(passphrase)),
        "GroupSession": (olmpy.GroupSession, outbound.pickle(passphrase)),
        "InboundGroupSession": (olmpy.InboundGroupSession, inbound.pickle(passphrase)),
        "PkDecryption": (olmpy.PkDecryption, pk.pickle(passphrase)),
    }


@pytest.mark.parametrize("name", NAMES)
def test_readers_take_python_olms_default_empty_passphrase(
    backend: ModuleType, name: str
) -> None:
    cls, text = _python_olm_pickles("")[name]
    for key in ("", b""):
        loaded = cls.from_libolm_pickle(text.decode(), key)
        assert loaded.to_libolm_pickle(key, allow_weak_key=True) == text.decode()


def _reference_export(plaintext: bytes, passphrase: bytes, rounds: int = 2) -> str:
    """A key export sealed independently of olmpy (cryptography's primitives, SPEC.md
    section 18): version 1 | salt | IV | rounds | AES-256-CTR | HMAC-SHA-256."""
    salt, iv = os.urandom(16), bytearray(os.urandom(16))
    iv[8] &= 0x7F
    keys = PBKDF2HMAC(hashes.SHA512(), 64, salt, rounds).derive(passphrase)
    encryptor = Cipher(algorithms.AES(keys[:32]), modes.CTR(bytes(iv))).encryptor()
    body = b"\x01" + salt + bytes(iv) + rounds.to_bytes(4, "big")
    body += encryptor.update(plaintext) + encryptor.finalize()
    body += hmac.new(keys[32:], body, sha256).digest()
    return f"{kx.HEADER}\n{base64.b64encode(body).decode()}\n{kx.FOOTER}\n"


@pytest.mark.parametrize("passphrase", ["", b""])
def test_key_export_writers_refuse_an_empty_passphrase(passphrase: str | bytes) -> None:
    group = olmpy.GroupSession()
    key = kx.ExportedRoomKey.from_inbound_group_session(
        olmpy.InboundGroupSession(group.session_key), "!r:example.org", "c" * 43
    )
    fast: dict[str, Any] = {"rounds": 2, "allow_low_rounds": True}
    message = "passphrase: expected a non-empty passphrase, got an empty one"
    with pytest.raises(UsageError, match=message):
        kx.export_room_keys([key], passphrase, **fast)
    with pytest.raises(UsageError, match=message):
        kx.KeyExportWriter(io.StringIO(), passphrase, **fast)
    with pytest.raises(UsageError, match=message):
        kx.encrypt_key_file(b"[]", passphrase, **fast)
    # A file a peer wrote with an empty passphrase still opens.
    peer_file = _reference_export(b"[]", b"")
    assert kx.decrypt_key_file(peer_file, passphrase) == b"[]"


# --- hints: a pickle in another format names the loader it needs -------------------------


def _vodozemac_pickles() -> dict[str, str]:
    """Pickles vodozemac itself writes with ``KEY``."""
    alice, bob = vodozemac.Account(), vodozemac.Account()
    bob.generate_one_time_keys(1)
    session = alice.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values()))
    )
    group = vodozemac.GroupSession()
    return {
        "Account": alice.pickle(KEY),
        "Session": session.pickle(KEY),
        "GroupSession": group.pickle(KEY),
        "InboundGroupSession": vodozemac.InboundGroupSession(group.session_key).pickle(KEY),
    }


@pytest.mark.parametrize("name", PEER_FORMATS)
def test_from_pickle_names_from_vodozemac_pickle_for_a_vodozemac_pickle(
    backend: ModuleType, name: str
) -> None:
    cls = getattr(olmpy, name)
    for text in (_vodozemac_pickles()[name], _objects()[name].to_vodozemac_pickle(KEY)):
        with pytest.raises(PickleError) as info:
            cls.from_pickle(text, KEY)
        message = str(info.value)
        assert f"it is a vodozemac pickle: load it with {name}.from_vodozemac_pickle" in message
        assert "from_libolm_pickle" not in message


@pytest.mark.parametrize("name", NAMES)
def test_from_pickle_names_from_libolm_pickle_for_a_libolm_pickle(
    backend: ModuleType, name: str
) -> None:
    cls = getattr(olmpy, name)
    obj = _objects()[name]
    with pytest.raises(PickleError) as info:
        cls.from_pickle(obj.to_libolm_pickle(KEY), KEY)
    assert f"it is a libolm pickle: load it with {name}.from_libolm_pickle" in str(info.value)
    assert "vodozemac" not in str(info.value)
    # python-olm's passphrase pickles, given to the passphrase loader
    _, text = _python_olm_pickles(PASSPHRASE)[name]
    with pytest.raises(PickleError, match=rf"it is a libolm pickle: load it with {name}\."):
        cls.from_pickle_with_passphrase(text.decode(), PASSPHRASE)


@pytest.mark.parametrize("name", PEER_FORMATS)
def test_from_pickle_names_both_loaders_when_the_key_does_not_open_it(name: str) -> None:
    cls = getattr(olmpy, name)
    with pytest.raises(PickleError) as info:
        cls.from_pickle(_vodozemac_pickles()[name], bytes(32))
    assert (
        f"a libolm pickle loads with {name}.from_libolm_pickle, a vodozemac one with "
        f"{name}.from_vodozemac_pickle" in str(info.value)
    )


@pytest.mark.parametrize("name", NAMES)
def test_peer_loaders_name_from_pickle_for_an_olmpy_pickle(
    backend: ModuleType, name: str
) -> None:
    cls = getattr(olmpy, name)
    obj = _objects()[name]
    loaders = [cls.from_libolm_pickle, cls.from_vodozemac_pickle]
    for text in (obj.pickle(KEY), obj.pickle_with_passphrase(PASSPHRASE)):
        for loader in loaders:
            with pytest.raises(PickleError, match="got an olmpy pickle \\(load it with from_"):
                loader(text, KEY)


@pytest.mark.parametrize("name", PEER_FORMATS)
def test_libolm_and_vodozemac_loaders_name_each_other(backend: ModuleType, name: str) -> None:
    """Both formats seal alike, so the same key opens either: the body tells them apart."""
    cls = getattr(olmpy, name)
    obj = _objects()[name]
    with pytest.raises(PickleError, match="it is a vodozemac pickle: load it with "
                                          "from_vodozemac_pickle"):
        cls.from_libolm_pickle(_vodozemac_pickles()[name], KEY)
    with pytest.raises(PickleError, match="a libolm pickle loads with from_libolm_pickle"):
        cls.from_vodozemac_pickle(obj.to_libolm_pickle(KEY), KEY)


# --- the public surface of olmpy.pickle ---------------------------------------------------


def test_olmpy_pickle_exports_what_users_need() -> None:
    assert sorted(olmpy.pickle.__all__) == sorted(
        [
            "DEFAULT_SCRYPT_LIMIT",
            "OlmpyPickleHeader",
            "PublicKeyMismatchError",
            "ScryptCostError",
            "ScryptLimit",
            "current_scrypt_limit",
            "dehydrated",
            "libolm_pickle_version",
            "olmpy_pickle_header",
            "scrypt_limit",
        ]
    )
    for name in olmpy.pickle.__all__:
        assert getattr(olmpy.pickle, name) is not None
    assert olmpy.pickle.PublicKeyMismatchError is olmpy.errors.PublicKeyMismatchError
    assert olmpy.pickle.dehydrated.__all__ == ["ALGORITHM", "DehydratedDevice"]
    assert olmpy.pickle.dehydrated.DehydratedDevice is olmpy.DehydratedDevice
    for internal in ("seal", "open_sealed", "Reader", "Contents", "byte_json", "signing_key"):
        assert internal not in dir(olmpy.pickle)


def test_every_pickle_module_declares_all() -> None:
    # the package imported, not ROOT/olmpy: the install checks run the suite without it
    paths = sorted(Path(olmpy.pickle.__file__).parent.glob("*.py"))
    assert len(paths) > 3, paths
    for path in paths:
        name = "olmpy.pickle" if path.stem == "__init__" else f"olmpy.pickle.{path.stem}"
        module = importlib.import_module(name)
        assert isinstance(module.__all__, list), name
        if path.stem.startswith("_") and path.stem != "__init__":
            continue  # private: its __all__ lists what olmpy's own modules use
        assert all(not n.startswith("_") for n in module.__all__), name


@pytest.mark.parametrize(
    ("module", "name", "replacement"),
    [
        ("olmpy.pickle.native", "scrypt_limit", "use olmpy.pickle.scrypt_limit"),
        ("olmpy.pickle.native", "ScryptLimit", "use olmpy.pickle.ScryptLimit"),
        ("olmpy.pickle.native", "seal", "internal"),
        ("olmpy.pickle.libolm", "Reader", "to_libolm_pickle"),
        ("olmpy.pickle.vodozemac", "byte_json", "to_vodozemac_pickle"),
        ("olmpy.pickle.dehydrated", "Contents", "to_dehydrated_device"),
        ("olmpy.pickle", "signing_key", "internal"),
    ],
)
def test_old_pickle_names_still_resolve_with_a_warning(
    module: str, name: str, replacement: str
) -> None:
    """The names of the old public modules keep working for one minor release."""
    mod = importlib.import_module(module)
    with pytest.warns(DeprecationWarning, match=replacement):
        value = getattr(mod, name)
    private = {
        "olmpy.pickle.native": "olmpy.pickle._native",
        "olmpy.pickle.libolm": "olmpy.pickle._libolm",
        "olmpy.pickle.vodozemac": "olmpy.pickle._vodozemac",
        "olmpy.pickle.dehydrated": "olmpy.pickle._dehydrated",
        "olmpy.pickle": "olmpy.pickle._keys",
    }[module]
    assert value is getattr(importlib.import_module(private), name)
    with pytest.raises(AttributeError):
        mod.no_such_name  # noqa: B018


def test_documented_scrypt_limit_import_keeps_working() -> None:
    with pytest.warns(DeprecationWarning, match="olmpy.pickle.scrypt_limit"):
        from olmpy.pickle.native import scrypt_limit
    with scrypt_limit(log2_n=16) as limit:
        assert olmpy.pickle.current_scrypt_limit() == limit == olmpy.pickle.ScryptLimit(16)
    assert olmpy.pickle.current_scrypt_limit() == olmpy.pickle.DEFAULT_SCRYPT_LIMIT


def test_scrypt_cost_error_names_the_public_opt_in() -> None:
    from olmpy import _b64

    text = olmpy.GroupSession().pickle_with_passphrase(PASSPHRASE)
    raw = bytearray(_b64.decode(text, "t"))
    raw[8] = 16
    with pytest.raises(olmpy.pickle.ScryptCostError, match=r"`with olmpy\.pickle\.scrypt_limit"):
        olmpy.GroupSession.from_pickle_with_passphrase(_b64.encode(bytes(raw)), PASSPHRASE)

"""olmpy.compat.olm and olmpy.compat._libolm against the real python-olm 3.2.16 (SPEC.md §22).

The real binding is imported as ``olm``, the drop-in as ``olmpy.compat.olm``, side by side
in one process: surface, live interop both ways, libolm pickles byte for byte both ways,
subclassing the way matrix-nio 0.25 and mautrix 0.21 do it, and bad input (same exception
classes, and libolm's error codes where python-olm reports them).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

olm = pytest.importorskip("olm")  # the real python-olm

import olmpy.compat.olm as shim  # noqa: E402
from olmpy.compat import _libolm  # noqa: E402

REAL: ModuleType = olm
SHIM: ModuleType = shim
PAIRS = [pytest.param(REAL, SHIM, id="real-to-shim"), pytest.param(SHIM, REAL, id="shim-to-real")]
SUBMODULES = ("account", "session", "group_session", "sas", "pk", "utility", "_compat")
ROOT = Path(__file__).resolve().parent.parent


def _code(exc: pytest.ExceptionInfo[BaseException]) -> str:
    return str(exc.value.args[0])


def _otk(account: Any) -> str:
    return str(next(iter(account.one_time_keys["curve25519"].values())))


# --- surface ------------------------------------------------------------------------------


def _params(fn: Any) -> list[tuple[str, Any]]:
    """Parameter names and defaults, without self/cls (keyword callers depend on them)."""
    params = list(inspect.signature(fn).parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    return [(p.name, p.default) for p in params]


def _defined_in(module: ModuleType) -> dict[str, Any]:
    return {
        name: value
        for name, value in vars(module).items()
        if (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module.__name__
        and not (name.startswith("_") and name not in ("_OlmMessage",))
        and not name.startswith("_clear")
    }


def test_top_level_names_match_python_olm() -> None:
    public = {n for n in dir(REAL) if not n.startswith("_") and n not in SUBMODULES}
    public -= {"account", "session", "group_session", "sas", "pk", "utility"}
    assert public <= set(dir(SHIM))
    assert set(SHIM.__all__) == public


@pytest.mark.parametrize("name", SUBMODULES)
def test_submodule_names_and_members_match(name: str) -> None:
    real_mod = __import__(f"olm.{name}", fromlist=["_"])
    shim_mod = __import__(f"olmpy.compat.olm.{name}", fromlist=["_"])
    for attr, real_obj in _defined_in(real_mod).items():
        shim_obj = getattr(shim_mod, attr)
        if inspect.isclass(real_obj):
            members = {m for m in vars(real_obj) if not m.startswith("_")}
            for base in real_obj.__mro__[1:-1]:
                members |= {m for m in vars(base) if not m.startswith("_")}
            missing = {m for m in members if not hasattr(shim_obj, m)}
            assert not missing, f"{attr} lacks {missing}"
            for member in [*members, "__init__"]:
                real_fn = inspect.getattr_static(real_obj, member)
                if isinstance(real_fn, (classmethod, staticmethod)):
                    real_fn = real_fn.__func__
                if not inspect.isfunction(real_fn):
                    continue
                shim_fn = getattr(shim_obj, member)
                assert _params(shim_fn) == _params(real_fn), f"{attr}.{member}"
            if issubclass(real_obj, Exception):
                assert issubclass(shim_obj, Exception)
                assert not issubclass(shim_obj, ValueError)  # as python-olm: no olmpy base
        else:
            assert _params(shim_obj) == _params(real_obj), attr


def test_exception_classes_are_distinct_and_in_their_modules() -> None:
    names = [
        "OlmAccountError", "OlmSessionError", "OlmGroupSessionError", "OlmSasError",
        "PkEncryptionError", "PkDecryptionError", "PkSigningError", "OlmVerifyError",
        "OlmHashError",
    ]  # fmt: skip
    classes = [getattr(SHIM, n) for n in names]
    assert len(set(classes)) == len(names)
    assert SHIM.utility.OlmVerifyError is SHIM.OlmVerifyError
    assert SHIM.session.OlmSessionError is SHIM.OlmSessionError


def test_compat_helpers() -> None:
    c = SHIM._compat
    assert c.to_bytes("é") == "é".encode() and c.to_bytes(b"x") == b"x"
    assert c.to_bytearray("a") == bytearray(b"a")
    with pytest.raises(TypeError):
        c.to_bytes(0)
    with pytest.raises(TypeError):
        c.to_bytearray(0)
    assert c.to_unicode_str(b"\xed") == "\ufffd"
    assert len(c.URANDOM(5)) == 5


def test_install_switches_olm_and_libolm_in_a_fresh_process() -> None:
    code = (
        "import olmpy.compat as c; c.install('olm', '_libolm'); import olm, olm.session; "
        "from _libolm import ffi, lib; "
        "assert olm.Account.__module__ == 'olmpy.compat.olm.account', olm.Account.__module__; "
        "assert olm.session.Session is olm.Session; "
        "assert lib is __import__('olmpy.compat._libolm', fromlist=['_']).lib; print('ok')"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# --- live interop ---------------------------------------------------------------------------


@pytest.mark.parametrize(("a_mod", "b_mod"), PAIRS)
def test_olm_session_interop(a_mod: ModuleType, b_mod: ModuleType) -> None:
    alice, bob = a_mod.Account(), b_mod.Account()
    bob.generate_one_time_keys(2)
    out = a_mod.OutboundSession(alice, bob.identity_keys["curve25519"], _otk(bob))
    first = out.encrypt("hello")
    assert isinstance(first, a_mod.OlmPreKeyMessage) and first.message_type == 0
    assert str(first) == f"PRE_KEY {first.ciphertext}"
    wire = b_mod.OlmPreKeyMessage(first.ciphertext)
    inbound = b_mod.InboundSession(bob, wire, alice.identity_keys["curve25519"])
    assert inbound.id == out.id and isinstance(inbound.id, str)
    assert inbound.matches(wire) and inbound.matches(wire, alice.identity_keys["curve25519"])
    assert not inbound.matches(wire, bob.identity_keys["curve25519"])
    assert len(bob.one_time_keys["curve25519"]) == 2  # kept until remove_one_time_keys
    bob.remove_one_time_keys(inbound)
    assert len(bob.one_time_keys["curve25519"]) == 1
    assert inbound.decrypt(wire) == "hello"
    reply = inbound.encrypt(b"\xed bytes")
    assert isinstance(reply, b_mod.OlmMessage) and reply.message_type == 1
    assert out.decrypt(a_mod.OlmMessage(reply.ciphertext)) == "\ufffd bytes"
    assert out.decrypt(a_mod.OlmMessage(inbound.encrypt("x").ciphertext), "strict") == "x"
    again = out.encrypt("after")
    assert isinstance(again, a_mod.OlmMessage)
    assert inbound.decrypt(b_mod.OlmMessage(again.ciphertext)) == "after"


@pytest.mark.parametrize(("a_mod", "b_mod"), PAIRS)
def test_megolm_interop(a_mod: ModuleType, b_mod: ModuleType) -> None:
    out = a_mod.OutboundGroupSession()
    inbound = b_mod.InboundGroupSession(out.session_key)
    assert inbound.id == out.id and out.message_index == 0
    out.encrypt("zero")
    assert inbound.decrypt(out.encrypt("one")) == ("one", 1)
    assert out.message_index == 2
    exported = inbound.export_session(1)
    imported = a_mod.InboundGroupSession.import_session(exported)
    assert imported.first_known_index == 1
    message = out.encrypt(b"\xed")
    assert imported.decrypt(message) == ("\ufffd", 2)
    assert imported.decrypt(message, "ignore") == ("", 2)
    assert imported.export_session(1) == exported


@pytest.mark.parametrize(("a_mod", "b_mod"), PAIRS)
def test_sas_interop_all_mac_variants(a_mod: ModuleType, b_mod: ModuleType) -> None:
    alice = a_mod.Sas()
    bob = b_mod.Sas(alice.pubkey)
    assert bob.other_key_set and not alice.other_key_set
    alice.set_their_pubkey(bob.pubkey)
    assert alice.generate_bytes("info", 6) == bob.generate_bytes("info", 6)
    for method in ("calculate_mac", "calculate_mac_fixed_base64", "calculate_mac_long_kdf"):
        assert getattr(alice, method)("msg", "info") == getattr(bob, method)("msg", b"info")
    assert alice.calculate_mac("m", "i") != alice.calculate_mac_fixed_base64("m", "i")


def test_sas_known_secret_matches_libolm() -> None:
    secret = bytes(range(1, 33))
    other = REAL.Sas()
    macs = []
    for mod in (REAL, SHIM):
        sas = mod.Sas()
        sas._create_sas(secret, 32)
        sas.set_their_pubkey(other.pubkey)
        macs.append((sas.pubkey, sas.calculate_mac("m", "i"), sas.calculate_mac_long_kdf("m", "i")))
    assert macs[0] == macs[1]


@pytest.mark.parametrize(("a_mod", "b_mod"), PAIRS)
def test_pk_and_signing_interop(a_mod: ModuleType, b_mod: ModuleType) -> None:
    decryption = a_mod.PkDecryption()
    assert isinstance(decryption.public_key, str)
    message = b_mod.PkEncryption(decryption.public_key).encrypt("secret")
    assert isinstance(message, b_mod.PkMessage)
    carried = a_mod.PkMessage(message.ephemeral_key, message.mac, message.ciphertext)
    assert decryption.decrypt(carried) == "secret"
    seed = a_mod.PkSigning.generate_seed()
    signer_a, signer_b = a_mod.PkSigning(seed), b_mod.PkSigning(seed)
    assert signer_a.public_key == signer_b.public_key
    assert signer_a.sign("text") == signer_b.sign(b"text")
    b_mod.ed25519_verify(signer_a.public_key, "text", signer_a.sign("text"))
    account = a_mod.Account()
    b_mod.ed25519_verify(account.identity_keys["ed25519"], b"m", account.sign("m"))
    assert a_mod.sha256("abc") == b_mod.sha256(b"abc")


# --- libolm pickles byte for byte -----------------------------------------------------------


def _same_after_reload(obj: Any, other_cls: Any, passphrase: str) -> None:
    pickled = obj.pickle(passphrase)
    assert isinstance(pickled, bytes)
    assert other_cls.from_pickle(pickled, passphrase).pickle(passphrase) == pickled


@pytest.mark.parametrize("passphrase", ["", "a passphrase"])
@pytest.mark.parametrize(("a_mod", "b_mod"), PAIRS)
def test_pickles_byte_exact(a_mod: ModuleType, b_mod: ModuleType, passphrase: str) -> None:
    alice, bob = a_mod.Account(), a_mod.Account()
    alice.generate_one_time_keys(3)
    alice.mark_keys_as_published()
    alice.generate_one_time_keys(2)
    alice.generate_fallback_key()
    _same_after_reload(alice, b_mod.Account, passphrase)
    out = a_mod.OutboundSession(bob, alice.identity_keys["curve25519"], _otk(alice))
    _same_after_reload(out, b_mod.Session, passphrase)
    first = out.encrypt("x")
    inbound = a_mod.InboundSession(alice, first)
    _same_after_reload(inbound, b_mod.Session, passphrase)  # before it decrypts anything
    inbound.decrypt(first)
    alice.remove_one_time_keys(inbound)
    _same_after_reload(alice, b_mod.Account, passphrase)
    out.decrypt(inbound.encrypt("y"))
    out.encrypt("z")
    _same_after_reload(out, b_mod.Session, passphrase)
    _same_after_reload(inbound, b_mod.Session, passphrase)
    group = a_mod.OutboundGroupSession()
    group.encrypt("a")
    _same_after_reload(group, b_mod.OutboundGroupSession, passphrase)
    igs = a_mod.InboundGroupSession(group.session_key)
    igs.decrypt(group.encrypt("b"))
    _same_after_reload(igs, b_mod.InboundGroupSession, passphrase)
    _same_after_reload(a_mod.PkDecryption(), b_mod.PkDecryption, passphrase)


def test_imported_megolm_session_decrypting_flags_like_libolm() -> None:
    # libolm marks an imported session verified on its first decrypt; the drop-in writes
    # the same flag into libolm pickles, so the two stores stay byte-identical.
    group = REAL.OutboundGroupSession()
    exported = REAL.InboundGroupSession(group.session_key).export_session(0)
    real = REAL.InboundGroupSession.import_session(exported)
    mine = SHIM.InboundGroupSession.import_session(exported)
    assert real.pickle() == mine.pickle()
    message = group.encrypt("m")
    assert real.decrypt(message) == mine.decrypt(message)
    assert real.pickle() == mine.pickle()


# --- subclassing as matrix-nio 0.25 and mautrix 0.21 do -------------------------------------


class NioAccount(SHIM.Account):  # type: ignore[misc, name-defined]
    def __init__(self) -> None:
        self.shared = False  # set before the base __init__
        super().__init__()

    def __new__(cls, *args: Any) -> Any:
        return super().__new__(cls)

    @classmethod
    def from_pickle(cls, pickle: bytes, passphrase: str = "", shared: bool = False) -> Any:
        account = super().from_pickle(pickle, passphrase)
        account.shared = shared
        return account


class NioSession(SHIM.Session):  # type: ignore[misc, name-defined]
    def __init__(self) -> None:
        super().__init__()
        self.creation_time = 1

    def __new__(cls, *args: Any) -> Any:
        return super().__new__(cls, *args)

    @classmethod
    def from_pickle(cls, pickle: bytes, creation_time: int, passphrase: str = "") -> Any:
        session = super().from_pickle(pickle, passphrase)
        session.creation_time = creation_time
        return session


class NioInboundSession(SHIM.InboundSession):  # type: ignore[misc, name-defined]
    def __new__(cls, *args: Any) -> Any:
        return super().__new__(cls, *args)

    def __init__(self, account: Any, message: Any, identity_key: Any = None) -> None:
        super().__init__(account, message, identity_key)
        self.use_time = 2


class NioOutboundSession(SHIM.OutboundSession):  # type: ignore[misc, name-defined]
    def __new__(cls, *args: Any) -> Any:
        return super().__new__(cls, *args)

    def __init__(self, account: Any, identity_key: Any, one_time_key: Any) -> None:
        super().__init__(account, identity_key, one_time_key)
        self.use_time = 3


class MautrixInboundGroupSession(SHIM.InboundGroupSession):  # type: ignore[misc, name-defined]
    def __init__(self, session_key: str, signing_key: str, room_id: str) -> None:
        self.signing_key = signing_key  # a plain attribute here, as in mautrix
        self.room_id = room_id
        super().__init__(session_key)

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__new__(cls)

    @classmethod
    def from_pickle(cls, pickle: bytes, passphrase: str, signing_key: str, room_id: str) -> Any:
        session = super().from_pickle(pickle, passphrase)
        session.signing_key, session.room_id = signing_key, room_id
        return session

    @classmethod
    def import_session(cls, session_key: str, signing_key: str, room_id: str) -> Any:
        session = super().import_session(session_key)
        session.signing_key, session.room_id = signing_key, room_id
        return session


class MautrixOutboundGroupSession(SHIM.OutboundGroupSession):  # type: ignore[misc, name-defined]
    def __init__(self, room_id: str) -> None:
        self.room_id = room_id
        self.message_count = 0
        super().__init__()

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__new__(cls)

    def encrypt(self, plaintext: str) -> str:
        self.message_count += 1
        return str(super().encrypt(plaintext))


class MautrixSession(SHIM.Session):  # type: ignore[misc, name-defined]
    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__new__(cls)

    def describe(self) -> str:
        # mautrix's fallback when the parent lacks describe: the cffi path through _libolm
        buffer = _libolm.ffi.new("char[]", 600)
        _libolm.lib.olm_session_describe(self._session, buffer, 600)
        return _libolm.ffi.string(buffer).decode("utf-8")


def test_subclassing_the_nio_way() -> None:
    alice, bob = NioAccount(), NioAccount()
    assert alice.shared is False and isinstance(alice, SHIM.Account)
    bob.generate_one_time_keys(1)
    loaded = NioAccount.from_pickle(alice.pickle("k"), "k", shared=True)
    assert type(loaded) is NioAccount and loaded.shared is True
    assert loaded.identity_keys == alice.identity_keys
    out = NioOutboundSession(alice, bob.identity_keys["curve25519"], _otk(bob))
    message = out.encrypt("hi")
    inbound = NioInboundSession(bob, message)
    assert (out.use_time, inbound.use_time) == (3, 2)
    assert inbound.decrypt(message) == "hi"
    restored = NioSession.from_pickle(inbound.pickle(), creation_time=7)
    assert type(restored) is NioSession and restored.creation_time == 7
    assert out.decrypt(restored.encrypt("back")) == "back"
    with pytest.raises(TypeError):
        SHIM.Session()


def test_subclassing_the_mautrix_way() -> None:
    out = MautrixOutboundGroupSession("!room")
    assert out.room_id == "!room"
    inbound = MautrixInboundGroupSession(out.session_key, "ed-key", "!room")
    assert inbound.signing_key == "ed-key" and inbound.id == out.id
    assert inbound.decrypt(out.encrypt("m")) == ("m", 0) and out.message_count == 1
    again = MautrixInboundGroupSession.from_pickle(inbound.pickle("p"), "p", "ed2", "!r2")
    assert type(again) is MautrixInboundGroupSession and again.signing_key == "ed2"
    ratcheted = again.import_session(again.export_session(1), "ed3", "!r3")
    assert type(ratcheted) is MautrixInboundGroupSession
    assert ratcheted.first_known_index == 1 and ratcheted.room_id == "!r3"
    out_again = MautrixOutboundGroupSession.from_pickle(out.pickle("q"), "q")
    assert type(out_again) is MautrixOutboundGroupSession and out_again.id == out.id
    # mautrix's account flow: open inbound, remove the key, round-trip through a pickle
    alice, bob = SHIM.Account(), SHIM.Account()
    bob.generate_one_time_keys(1)
    first = SHIM.OutboundSession(alice, bob.identity_keys["curve25519"], _otk(bob)).encrypt("x")
    session = SHIM.InboundSession(bob, SHIM.OlmPreKeyMessage(first.ciphertext))
    bob.remove_one_time_keys(session)
    stored = MautrixSession.from_pickle(session.pickle("roundtrip"), passphrase="roundtrip")
    assert type(stored) is MautrixSession
    assert stored.decrypt(SHIM.OlmPreKeyMessage(first.ciphertext)) == "x"
    text = stored.describe()
    assert text == SHIM.Session.describe(stored) and text.startswith("session ")


def test_libolm_shim_describe_buffer_is_cut_like_libolm() -> None:
    alice, bob = SHIM.Account(), SHIM.Account()
    bob.generate_one_time_keys(1)
    session = SHIM.OutboundSession(alice, bob.identity_keys["curve25519"], _otk(bob))
    buffer = _libolm.ffi.new("char[]", 10)
    _libolm.lib.olm_session_describe(session._session, buffer, 10)
    assert _libolm.ffi.string(buffer).endswith(b"...") and len(_libolm.ffi.string(buffer)) == 9
    assert session.describe(10) == _libolm.ffi.string(buffer).decode()
    assert _libolm.ffi.string(_libolm.ffi.new("char[]", b"ab")) == b"ab"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("mod", [REAL, SHIM], ids=["real", "shim"])
def test_empty_inputs_raise_value_error(mod: ModuleType) -> None:
    for cls in (mod.Account, mod.Session, mod.InboundGroupSession, mod.OutboundGroupSession):
        with pytest.raises(ValueError):
            cls.from_pickle(b"")
    with pytest.raises(ValueError):
        mod.PkDecryption.from_pickle("")
    with pytest.raises(ValueError):
        mod.OlmPreKeyMessage("")
    with pytest.raises(ValueError):
        mod.PkEncryption("")
    with pytest.raises(ValueError):
        mod.PkSigning(b"")
    account = mod.Account()
    with pytest.raises(ValueError):
        mod.OutboundSession(account, "", "x")
    with pytest.raises(ValueError):
        mod.InboundGroupSession(mod.OutboundGroupSession().session_key).decrypt("")
    with pytest.raises(TypeError):
        mod.InboundGroupSession()
    with pytest.raises(ValueError):
        mod.Sas(mod.Sas().pubkey).generate_bytes("i", 0)


def _error_codes(mod: ModuleType) -> dict[str, str]:
    codes: dict[str, str] = {}

    def record(name: str, error: type[BaseException], call: Any) -> None:
        with pytest.raises(error) as info:
            call()
        codes[name] = _code(info)

    alice, bob, carol = mod.Account(), mod.Account(), mod.Account()
    bob.generate_one_time_keys(1)
    out = mod.OutboundSession(alice, bob.identity_keys["curve25519"], _otk(bob))
    first = out.encrypt("x")
    inbound = mod.InboundSession(bob, first)
    record("foreign sender", mod.OlmSessionError,
           lambda: mod.InboundSession(bob, first, carol.identity_keys["curve25519"]))  # fmt: skip
    bob.remove_one_time_keys(inbound)
    record("key removed twice", mod.OlmAccountError, lambda: bob.remove_one_time_keys(inbound))
    record("unknown one-time key", mod.OlmSessionError, lambda: mod.InboundSession(bob, first))
    inbound.decrypt(first)
    record("replayed message", mod.OlmSessionError, lambda: inbound.decrypt(first))
    body = out.encrypt("y").ciphertext
    bad = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    record("bad MAC", mod.OlmSessionError, lambda: inbound.decrypt(mod.OlmPreKeyMessage(bad)))
    record("bad key", mod.OlmSessionError, lambda: mod.OutboundSession(alice, "abc", "abc"))
    record("wrong passphrase", mod.OlmAccountError,
           lambda: mod.Account.from_pickle(alice.pickle("a"), "b"))  # fmt: skip
    record("account as session", mod.OlmSessionError,
           lambda: mod.Session.from_pickle(alice.pickle("a"), "a"))  # fmt: skip
    group, other = mod.OutboundGroupSession(), mod.OutboundGroupSession()
    igs = mod.InboundGroupSession(group.session_key)
    record("foreign megolm", mod.OlmGroupSessionError, lambda: igs.decrypt(other.encrypt("x")))
    group.encrypt("a")
    later = mod.InboundGroupSession(group.session_key)
    record("export below", mod.OlmGroupSessionError, lambda: later.export_session(0))
    old = mod.InboundGroupSession(other.session_key)
    other_later = mod.InboundGroupSession.import_session(old.export_session(2))
    message0 = other.encrypt("zero")
    record("unknown index", mod.OlmGroupSessionError, lambda: other_later.decrypt(message0))
    record("bad session key", mod.OlmGroupSessionError, lambda: mod.InboundGroupSession("AAAA"))
    forged = group.session_key[:-4] + "AAAA"
    record("forged session key", mod.OlmGroupSessionError,
           lambda: mod.InboundGroupSession(forged))  # fmt: skip
    record("group wrong passphrase", mod.OlmGroupSessionError,
           lambda: mod.OutboundGroupSession.from_pickle(group.pickle("a")))  # fmt: skip
    sas = mod.Sas()
    record("SAS without key", mod.OlmSasError, lambda: sas.calculate_mac("m", "i"))
    record("SAS bytes without key", mod.OlmSasError, lambda: sas.generate_bytes("i", 5))
    record("SAS short key", mod.OlmSasError, lambda: sas.set_their_pubkey("AAAA"))
    pk = mod.PkDecryption()
    message = mod.PkEncryption(pk.public_key).encrypt("x")
    message.mac = "AAAAAAAAAAA"
    record("PK bad MAC", mod.PkDecryptionError, lambda: pk.decrypt(message))
    record("PK wrong passphrase", mod.PkDecryptionError,
           lambda: mod.PkDecryption.from_pickle(pk.pickle("a"), "b"))  # fmt: skip
    record("short seed", mod.PkSigningError, lambda: mod.PkSigning(b"x" * 5))
    alice_ed = alice.identity_keys["ed25519"]
    record("bad signature", mod.OlmVerifyError,
           lambda: mod.ed25519_verify(alice_ed, "x", bob.sign("x")))  # fmt: skip
    record("bad signing key", mod.OlmVerifyError,
           lambda: mod.ed25519_verify("AAAA", "x", bob.sign("x")))  # fmt: skip
    return codes


def test_error_classes_and_codes_match_python_olm() -> None:
    assert _error_codes(SHIM) == _error_codes(REAL)


def test_matches_checks_its_argument() -> None:
    alice, bob = SHIM.Account(), SHIM.Account()
    bob.generate_one_time_keys(1)
    out = SHIM.OutboundSession(alice, bob.identity_keys["curve25519"], _otk(bob))
    with pytest.raises(TypeError):
        out.matches(SHIM.OlmMessage("x"))
    empty = SHIM.OlmPreKeyMessage("x")
    empty.ciphertext = ""
    with pytest.raises(ValueError):
        out.matches(empty)
    with pytest.raises(ValueError):
        SHIM.InboundSession(bob, empty)
    assert out.matches(SHIM.OlmPreKeyMessage("AAAA")) is False  # as libolm: no match
    assert out.matches(out.encrypt("m")) is True


def test_sas_their_key_is_set_once() -> None:
    # A documented difference (SPEC §22): olmpy consumes the SAS secret on first use.
    alice, bob = SHIM.Sas(), SHIM.Sas()
    alice.set_their_pubkey(bob.pubkey)
    with pytest.raises(SHIM.OlmSasError):
        alice.set_their_pubkey(bob.pubkey)
    assert alice.other_key_set


def test_wrapped_olmpy_error_is_chained() -> None:
    with pytest.raises(SHIM.OlmAccountError) as info:
        SHIM.Account.from_pickle(SHIM.Account().pickle("a"), "b")
    assert info.value.args == ("BAD_ACCOUNT_KEY",)
    assert isinstance(info.value.__cause__, Exception)
    assert type(info.value.__cause__).__module__ == "olmpy.errors"


def test_stdlib_pickle_and_copy_are_refused() -> None:
    # python-olm's cffi-backed objects cannot be stdlib-pickled either; olmpy says why.
    import copy
    import pickle

    for obj in (SHIM.Account(), SHIM.OutboundGroupSession(), SHIM.Sas(), SHIM.PkDecryption(),
                NioAccount()):  # fmt: skip
        with pytest.raises(ValueError, match="refused"):
            pickle.dumps(obj)
        with pytest.raises(ValueError, match="refused"):
            copy.copy(obj)

"""olmpy.compat.vodozemac against the real vodozemac Python binding 0.10.0 (SPEC.md §21).

The real binding is imported as ``vodozemac``, the drop-in as ``olmpy.compat.vodozemac``,
side by side in one process: surface (names, members, exception bases, parameter names),
live interop both ways (Olm, Megolm, PK, SAS), vodozemac pickles byte for byte both ways,
libolm pickle import, and bad input raising vodozemac's exception classes.
"""

from __future__ import annotations

import builtins
import copy
import inspect
import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

vodozemac = pytest.importorskip("vodozemac")  # the real binding

import olmpy.compat.vodozemac as shim  # noqa: E402
from olmpy.pickle import _libolm, _vodozemac  # noqa: E402

REAL: ModuleType = vodozemac
SHIM: ModuleType = shim
PAIRS = [pytest.param(REAL, SHIM, id="real-to-shim"), pytest.param(SHIM, REAL, id="shim-to-real")]
ROOT = Path(__file__).resolve().parent.parent
KEY = bytes(range(32))

EXCEPTIONS = (
    "KeyException",
    "SignatureException",
    "DecodeException",
    "LibolmPickleException",
    "SessionKeyDecodeException",
    "PickleException",
    "SessionCreationException",
    "SasException",
    "OlmEncryptionException",
    "OlmDecryptionException",
    "MegolmDecryptionException",
    "PkInvalidKeySizeException",
    "PkDecodeException",
)


def _otk(account: Any) -> Any:
    account.generate_one_time_keys(1)
    return next(iter(account.one_time_keys.values()))


def _key(mod: ModuleType, key: Any) -> Any:
    """``key`` (either module's Curve25519PublicKey) as ``mod``'s."""
    return mod.Curve25519PublicKey.from_base64(key.to_base64())


# --- surface ------------------------------------------------------------------------------


def test_names_and_all_match_vodozemac() -> None:
    public = {n for n in dir(REAL) if not n.startswith("_") and n not in ("contextlib",)}
    assert public <= set(dir(SHIM))
    assert sorted(SHIM.__all__) == sorted(REAL.__all__)
    inner = {n for n in dir(REAL.vodozemac) if not n.startswith("_")}
    assert inner == {n for n in dir(SHIM.vodozemac) if not n.startswith("_")}


def test_submodule_reexports_the_same_objects() -> None:
    for name in SHIM.__all__:
        assert getattr(SHIM.vodozemac, name) is getattr(SHIM, name)


@pytest.mark.parametrize("name", EXCEPTIONS)
def test_exception_bases(name: str) -> None:
    real, ours = getattr(REAL, name), getattr(SHIM, name)
    assert real.__bases__ == (ValueError,)
    assert ours.__bases__ == real.__bases__


def _members(cls: type) -> set[str]:
    return {m for m in vars(cls) if not m.startswith("_")}


@pytest.mark.parametrize("name", [n for n in REAL.__all__ if n not in EXCEPTIONS])
def test_class_members_and_parameter_names(name: str) -> None:
    real, ours = getattr(REAL, name), getattr(SHIM, name)
    assert _members(real) <= _members(ours)
    for member in _members(real):
        real_attr, ours_attr = vars(real)[member], vars(ours)[member]
        # a property in vodozemac (getset descriptor) is a property (or slot) here, and a
        # method stays a method: callers write ``key.to_base64()`` but ``account.ed25519_key``
        assert inspect.isgetsetdescriptor(real_attr) == (
            isinstance(ours_attr, property) or inspect.ismemberdescriptor(ours_attr)
        ), f"{name}.{member}"
        sig = getattr(getattr(real, member), "__text_signature__", None)
        if sig is None:
            continue
        real_params = [p.strip() for p in sig.strip("()").split(",")][1:]
        ours_params = list(inspect.signature(getattr(ours, member)).parameters)
        if ours_params and ours_params[0] in ("self", "cls"):
            ours_params = ours_params[1:]
        assert ours_params == [p for p in real_params if p], f"{name}.{member}"


def _constructs(cls: type) -> bool:
    try:
        cls()
    except TypeError:
        return False
    return True


@pytest.mark.parametrize("name", [n for n in REAL.__all__ if n not in EXCEPTIONS])
def test_constructible_without_arguments_exactly_as_vodozemac(name: str) -> None:
    """Session, messages, keys, EstablishedSas, PkEncryption: only made by methods."""
    assert _constructs(getattr(SHIM, name)) == _constructs(getattr(REAL, name))


def test_install_resolves_import_vodozemac() -> None:
    code = (
        "import olmpy.compat as c; c.install('vodozemac'); import vodozemac, vodozemac.vodozemac;"
        "import olmpy.compat.vodozemac as s;"
        "assert vodozemac is s and vodozemac.vodozemac.Account is s.Account, vodozemac"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# --- live interop ---------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_olm_session_both_ways(a: ModuleType, b: ModuleType) -> None:
    alice, bob = a.Account(), b.Account()
    otk = _otk(bob)
    session = alice.create_outbound_session(_key(a, bob.curve25519_key), _key(a, otk))
    first = session.encrypt(b"hello")
    kind, body = first.to_parts()
    assert kind == 0
    pre = b.AnyOlmMessage.from_parts(kind, body).to_pre_key()
    assert pre is not None and pre.session_id() == session.session_id
    bob_session, plaintext = bob.create_inbound_session(_key(b, alice.curve25519_key), pre)
    assert plaintext == b"hello"
    assert bob_session.session_id == session.session_id
    assert bob_session.session_matches(pre)
    reply = bob_session.encrypt(b"reply")
    assert reply.to_parts()[0] == 1 and reply.to_pre_key() is None
    assert session.decrypt(a.AnyOlmMessage.normal(reply.to_parts()[1])) == b"reply"
    again = session.encrypt(b"third")
    assert bob_session.decrypt(b.AnyOlmMessage.from_parts(*again.to_parts())) == b"third"


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_signatures_both_ways(a: ModuleType, b: ModuleType) -> None:
    account = a.Account()
    signature = account.sign(b"payload")
    key = b.Ed25519PublicKey.from_base64(account.ed25519_key.to_base64())
    sig = b.Ed25519Signature.from_base64(signature.to_base64())
    assert key.verify_signature(b"payload", sig) is None
    with pytest.raises(b.SignatureException):
        key.verify_signature(b"other", sig)


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_megolm_both_ways(a: ModuleType, b: ModuleType) -> None:
    outbound = a.GroupSession()
    inbound = b.InboundGroupSession(b.SessionKey(outbound.session_key.to_base64()))
    assert inbound.session_id == outbound.session_id
    first = None
    for i in range(3):
        message = outbound.encrypt(f"m{i}".encode())
        first = first or message
        assert message.message_index() == i
        parsed = b.MegolmMessage.from_base64(message.to_base64())
        assert parsed.to_bytes() == message.to_bytes()
        decrypted = inbound.decrypt(parsed)
        assert (decrypted.plaintext, decrypted.message_index) == (f"m{i}".encode(), i)
    assert outbound.message_index == 3
    exported = inbound.export_at(1)
    assert exported is not None and inbound.export_at(0) is not None
    later = a.InboundGroupSession.import_session(a.ExportedSessionKey(exported.to_base64()))
    assert later.first_known_index == 1 and later.export_at(0) is None
    with pytest.raises(a.MegolmDecryptionException, match="unknown message index"):
        later.decrypt(a.MegolmMessage.from_bytes(first.to_bytes()))
    with pytest.raises(a.MegolmDecryptionException):
        later.decrypt(a.MegolmMessage.from_bytes(a.GroupSession().encrypt(b"x").to_bytes()))
    with pytest.raises(a.MegolmDecryptionException, match="signature on the message"):
        inbound_a = a.InboundGroupSession(a.SessionKey(a.GroupSession().session_key.to_base64()))
        inbound_a.decrypt(a.MegolmMessage.from_bytes(outbound.encrypt(b"y").to_bytes()))


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_pk_both_ways(a: ModuleType, b: ModuleType) -> None:
    decryption = b.PkDecryption()
    encryption = a.PkEncryption.from_key(_key(a, decryption.public_key))
    message = encryption.encrypt(b"backup")
    parts = message.to_base64()
    assert b.Message.from_base64(parts[2], parts[1], parts[0]).ciphertext == message.ciphertext
    theirs = b.Message(message.ciphertext, message.mac, message.ephemeral_key)
    assert decryption.decrypt(theirs) == b"backup"
    secret = a.Curve25519SecretKey.from_bytes(decryption.key.to_bytes())
    assert secret.public_key().to_base64() == decryption.public_key.to_base64()
    again = a.PkDecryption.from_key(secret)
    assert again.decrypt(a.Message(*_parts(message))) == b"backup"


def _parts(message: Any) -> tuple[bytes, bytes, bytes]:
    return message.ciphertext, message.mac, message.ephemeral_key


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_sas_both_ways(a: ModuleType, b: ModuleType) -> None:
    ours, theirs = a.Sas(), b.Sas()
    est_a = ours.diffie_hellman(_key(a, theirs.public_key))
    est_b = theirs.diffie_hellman(_key(b, ours.public_key))
    assert bytes(est_a.bytes("info").emoji_indices) == bytes(est_b.bytes("info").emoji_indices)
    assert est_a.bytes("info").decimals == est_b.bytes("info").decimals
    mac = est_a.calculate_mac("input", "info")
    assert mac == est_b.calculate_mac("input", "info")
    assert est_b.verify_mac("input", "info", mac) is None
    assert est_a.calculate_mac_invalid_base64("i", "n") == est_b.calculate_mac_invalid_base64(
        "i", "n"
    )
    with pytest.raises(b.SasException):
        est_b.verify_mac("other", "info", mac)
    with pytest.raises(a.SasException):
        ours.diffie_hellman(_key(a, b.Sas().public_key))


# --- pickles ---------------------------------------------------------------------------------


def _olm_pair(mod: ModuleType) -> tuple[Any, Any, Any]:
    alice, bob = mod.Account(), mod.Account()
    session = alice.create_outbound_session(bob.curve25519_key, _otk(bob))
    pre = session.encrypt(b"x").to_pre_key()
    bob_session, _ = bob.create_inbound_session(alice.curve25519_key, pre)
    session.decrypt(bob_session.encrypt(b"reply"))
    session.encrypt(b"new chain")  # a sending chain made after receiving, skipped keys none
    bob_session.encrypt(b"lost")
    session.decrypt(bob_session.encrypt(b"after a gap"))  # one skipped message key kept
    return alice, session, mod.GroupSession()


def _document(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_vodozemac.open_json(text, KEY, "test"))
    return doc


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_vodozemac_pickles_byte_exact_both_ways(a: ModuleType, b: ModuleType) -> None:
    account, session, group = _olm_pair(a)
    account.generate_one_time_keys(3)
    account.mark_keys_as_published()
    account.generate_fallback_key()
    account.generate_one_time_keys(1)
    inbound = a.InboundGroupSession(group.session_key)
    for obj, cls in (
        (account, "Account"),
        (session, "Session"),
        (group, "GroupSession"),
        (inbound, "InboundGroupSession"),
    ):
        text = obj.pickle(KEY)
        loaded = getattr(b, cls).from_pickle(text, KEY)
        assert loaded.pickle(KEY) == text, cls
    restored = b.Account.from_pickle(account.pickle(KEY), KEY)
    assert restored.curve25519_key.to_base64() == account.curve25519_key.to_base64()
    assert restored.fallback_key.keys() == account.fallback_key.keys()
    assert restored.one_time_keys.keys() == account.one_time_keys.keys()


def test_fallback_counter_ahead_of_one_time_counter_is_the_one_lossy_field() -> None:
    """SPEC §21: olmpy keeps one key-id counter, vodozemac two; a real account whose
    fallback counter is ahead re-pickles with next_key_id raised to it, nothing else."""
    real = REAL.Account()
    real.generate_fallback_key()
    text = real.pickle(KEY)
    again = SHIM.Account.from_pickle(text, KEY).pickle(KEY)
    before, after = _document(text), _document(again)
    assert before["one_time_keys"]["next_key_id"] == 0
    assert after["one_time_keys"]["next_key_id"] == before["fallback_keys"]["key_id"] == 1
    after["one_time_keys"]["next_key_id"] = 0
    assert after == before


def test_key_ids_spelled_as_vodozemac() -> None:
    for mod in (REAL, SHIM):
        account = mod.Account()
        account.generate_one_time_keys(2)
        account.generate_fallback_key()
        ids = [*account.one_time_keys, *account.fallback_key]
        assert all(len(i) == 11 for i in ids), (mod.__name__, ids)


@pytest.mark.parametrize("mod", [REAL, SHIM], ids=["real", "shim"])
def test_bad_pickles_raise_pickle_exception(mod: ModuleType) -> None:
    text = mod.Account().pickle(KEY)
    for bad in (
        lambda: mod.Account.from_pickle(text, bytes(32)),
        lambda: mod.Account.from_pickle("garbage", KEY),
        lambda: mod.Account().pickle(b"short"),
        lambda: mod.Session.from_pickle(text, KEY),
    ):
        with pytest.raises(mod.PickleException):
            bad()
    with pytest.raises(mod.PickleException, match="doesn't have the correct size"):
        mod.GroupSession().pickle(b"short")
    with pytest.raises(mod.PickleException, match="MAC tag mismatch"):
        mod.Account.from_pickle(text, bytes(32))


def test_libolm_pickles_import_like_vodozemac() -> None:
    olm = pytest.importorskip("olm")
    account = olm.Account()
    account.generate_one_time_keys(2)
    text = account.pickle("secret").decode()
    real = REAL.Account.from_libolm_pickle(text, b"secret")
    ours = SHIM.Account.from_libolm_pickle(text, b"secret")
    assert ours.one_time_keys.keys() == real.one_time_keys.keys()
    real_doc, ours_doc = _document(real.pickle(KEY)), _document(ours.pickle(KEY))
    # SPEC §21: vodozemac copies libolm's last-used id as its next id; olmpy's is one more.
    assert ours_doc["one_time_keys"]["next_key_id"] == real_doc["one_time_keys"]["next_key_id"] + 1
    ours_doc["one_time_keys"]["next_key_id"] -= 1
    assert ours_doc == real_doc
    group = olm.OutboundGroupSession()
    inbound = olm.InboundGroupSession(group.session_key)
    itext = inbound.pickle("k").decode()
    assert SHIM.InboundGroupSession.from_libolm_pickle(itext, b"k").pickle(
        KEY
    ) == REAL.InboundGroupSession.from_libolm_pickle(itext, b"k").pickle(KEY)
    with pytest.raises(SHIM.LibolmPickleException):
        SHIM.Account.from_libolm_pickle(text, b"wrong")
    with pytest.raises(SHIM.LibolmPickleException):
        SHIM.Session.from_libolm_pickle("garbage", b"k")


def test_libolm_session_pickles_import_like_vodozemac() -> None:
    """Byte for byte until a session sends after receiving; from then on olmpy also fills
    ``parent_ratchet_key`` (the newest receiving chain's key), which a libolm pickle lacks and
    vodozemac leaves null (SPEC §21); every other field stays identical."""
    olm = pytest.importorskip("olm")
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys["curve25519"].values()))
    outbound = olm.OutboundSession(alice, bob.identity_keys["curve25519"], otk)
    first = outbound.encrypt("hi")
    inbound = olm.InboundSession(bob, first)

    def both(session: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        text = session.pickle("k").decode()
        real = REAL.Session.from_libolm_pickle(text, b"k").pickle(KEY)
        ours = SHIM.Session.from_libolm_pickle(text, b"k").pickle(KEY)
        return _document(real), _document(ours)

    for session in (outbound, inbound):
        real_doc, ours_doc = both(session)
        assert real_doc == ours_doc
    inbound.decrypt(first)
    assert both(inbound)[0] == both(inbound)[1]
    inbound.encrypt("reply")
    real_doc, ours_doc = both(inbound)
    assert real_doc["sending_ratchet"]["parent_ratchet_key"] is None
    assert ours_doc["sending_ratchet"]["parent_ratchet_key"] is not None
    ours_doc["sending_ratchet"]["parent_ratchet_key"] = None
    assert ours_doc == real_doc


def test_old_libolm_pickle_says_unsupported_version() -> None:
    """matrix-nio falls back to python-olm only if the text says "unsupported version"."""
    old = _libolm.seal(b"\x00\x00\x00\x63" + bytes(200), b"k", allow_weak_key=True)
    with pytest.raises(REAL.LibolmPickleException, match="unsupported version"):
        REAL.Account.from_libolm_pickle(old, b"k")
    with pytest.raises(SHIM.LibolmPickleException, match="unsupported version") as info:
        SHIM.Account.from_libolm_pickle(old, b"k")
    assert info.value.__cause__ is not None


# --- bad input --------------------------------------------------------------------------------

BAD: list[tuple[str, str, Any]] = [
    ("curve key base64", "KeyException", lambda m: m.Curve25519PublicKey.from_base64("AAAA")),
    ("curve key bytes", "KeyException", lambda m: m.Curve25519PublicKey.from_bytes(b"a")),
    ("ed key", "KeyException", lambda m: m.Ed25519PublicKey.from_base64("!!")),
    ("signature", "SignatureException", lambda m: m.Ed25519Signature.from_base64("!!")),
    ("secret key", "KeyException", lambda m: m.Curve25519SecretKey.from_bytes(b"a")),
    ("session key", "SessionKeyDecodeException", lambda m: m.SessionKey("garbage")),
    ("exported key", "SessionKeyDecodeException", lambda m: m.ExportedSessionKey("AAAA")),
    ("megolm message", "DecodeException", lambda m: m.MegolmMessage.from_base64("garbage")),
    ("megolm bytes", "DecodeException", lambda m: m.MegolmMessage.from_bytes(b"garbage")),
    ("pre-key message", "DecodeException", lambda m: m.PreKeyMessage.from_base64("AAAA")),
    ("olm type", "DecodeException", lambda m: m.AnyOlmMessage.from_parts(5, b"x")),
    ("olm normal", "DecodeException", lambda m: m.AnyOlmMessage.normal(b"garbage")),
    ("pk base64", "PkDecodeException", lambda m: m.Message.from_base64("!!", "AAAA", "AAAA")),
    (
        "libolm pickle",
        "LibolmPickleException",
        lambda m: m.InboundGroupSession.from_libolm_pickle("garbage", b"k"),
    ),
    (
        "sas zero key",
        "KeyException",
        lambda m: m.Sas().diffie_hellman(m.Curve25519PublicKey.from_bytes(bytes(32))),
    ),
    ("str plaintext", "TypeError", lambda m: m.GroupSession().encrypt("text")),
    ("str to sign", "TypeError", lambda m: m.Account().sign("text")),
    ("bytes to from_base64", "TypeError", lambda m: m.Ed25519PublicKey.from_base64(b"AAAA")),
    ("bytes pickle text", "TypeError", lambda m: m.Account.from_pickle(b"AAAA", KEY)),
    ("int SAS info", "TypeError", lambda m: m.Sas().diffie_hellman(m.Sas().public_key).bytes(5)),
    (
        "bytes MAC input",
        "TypeError",
        lambda m: m.Sas().diffie_hellman(m.Sas().public_key).calculate_mac(b"a", "b"),
    ),
    ("float key count", "TypeError", lambda m: m.Account().generate_one_time_keys(1.5)),
    ("negative key count", "OverflowError", lambda m: m.Account().generate_one_time_keys(-1)),
    (
        "negative export index",
        "OverflowError",
        lambda m: m.InboundGroupSession(m.GroupSession().session_key).export_at(-1),
    ),
    (
        "exported key as session key",
        "TypeError",
        lambda m: m.InboundGroupSession(
            m.ExportedSessionKey(
                m.InboundGroupSession(m.GroupSession().session_key).export_at(0).to_base64()
            )
        ),
    ),
    (
        "non-contributory outbound",
        "SessionCreationException",
        lambda m: m.Account().create_outbound_session(
            m.Account().curve25519_key, m.Curve25519PublicKey.from_bytes(bytes(32))
        ),
    ),
    ("stdlib pickle of a key", "TypeError", lambda m: pickle.dumps(m.Account().curve25519_key)),
    ("stdlib pickle of an account", "TypeError", lambda m: pickle.dumps(m.Account())),
    ("copy of a group session", "TypeError", lambda m: copy.copy(m.GroupSession())),
    (
        "PK message is read-only",
        "AttributeError",
        lambda m: setattr(m.Message(b"c", b"m", b"e"), "ciphertext", b"x"),
    ),
]


@pytest.mark.parametrize(("what", "exc", "call"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_vodozemacs_class(what: str, exc: str, call: Any) -> None:
    for mod in (REAL, SHIM):
        expected = getattr(mod, exc, None) or getattr(builtins, exc)
        with pytest.raises(expected) as info:
            call(mod)
        assert type(info.value).__name__ == exc, (mod.__name__, what)


def test_olm_failures_raise_vodozemacs_classes() -> None:
    for mod in (REAL, SHIM):
        alice, bob, eve = mod.Account(), mod.Account(), mod.Account()
        session = alice.create_outbound_session(bob.curve25519_key, _otk(bob))
        pre = session.encrypt(b"x").to_pre_key()
        with pytest.raises(mod.SessionCreationException):
            eve.create_inbound_session(alice.curve25519_key, pre)
        bob_session, _ = bob.create_inbound_session(alice.curve25519_key, pre)
        with pytest.raises(mod.SessionCreationException):
            bob.create_inbound_session(alice.curve25519_key, pre)
        reply = bob_session.encrypt(b"r").to_parts()[1]
        tampered = reply[:-1] + bytes([reply[-1] ^ 1])
        with pytest.raises(mod.OlmDecryptionException, match="MAC tag mismatch"):
            session.decrypt(mod.AnyOlmMessage.normal(tampered))
        with pytest.raises(mod.DecodeException):
            session.decrypt(mod.AnyOlmMessage.from_parts(1, b"\x03garbage"))


def test_pk_failures_match_vodozemac_texts() -> None:
    for mod in (REAL, SHIM):
        dec = mod.PkDecryption()
        msg = mod.PkEncryption.from_key(mod.PkDecryption().public_key).encrypt(b"x")
        with pytest.raises(mod.PkDecodeException, match="MAC tag mismatch"):
            dec.decrypt(msg)
        with pytest.raises(mod.PkInvalidKeySizeException):
            dec.decrypt(mod.Message(msg.ciphertext, msg.mac, b"abc"))
        with pytest.raises(mod.PkDecodeException, match="Invalid symbol"):
            mod.Message.from_base64("AAAA", "not-valid!", "AAAA")


def test_errors_chain_olmpys_error() -> None:
    from olmpy.errors import OlmpyError

    with pytest.raises(SHIM.MegolmDecryptionException) as info:
        SHIM.InboundGroupSession(SHIM.GroupSession().session_key).decrypt(
            SHIM.GroupSession().encrypt(b"x")
        )
    assert isinstance(info.value.__cause__, OlmpyError)

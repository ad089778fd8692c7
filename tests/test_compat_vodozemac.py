"""olmpy.compat.vodozemac against the real vodozemac binding (0.10.0) when it is installed.

Surface (names, kinds, exception bases), live interop both ways (Olm, Megolm, SAS, PK),
pickles byte-exact both ways, libolm pickle import, and the binding's error classes.
Tests that take ``backend`` run once per olmpy backend.
"""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import olmpy.compat.vodozemac as shim
import olmpy.compat.vodozemac.vodozemac as shim_native
from olmpy.pickle import _libolm as libolm
from olmpy.pickle._vodozemac import open_sealed

real: ModuleType = pytest.importorskip("vodozemac")

KEY = bytes(range(32))
LIBOLM_ACCOUNT = (
    "3wpPcPT4xsRYCYF34NcnozxE5bN2E6qwBXQYuoovt/TX//8Dnd8gaKsxN9En/"
    "7Hkh5XemuGUo3dXHVTl76G2pjf9ehfryhITMbeBrE/XuxmNvS2aB9KU4mOKXl"
    "AWhCEsE7JW9fUkRhHWWkFwTvSC3eDthd6eNx3VKZlmGR270vIpIG5/Ho4YK9/"
    "03lPGpil0cuEuGTTjKHXGRu9kpnQe99QGCB4KBuP5IJjFeWbtSgJ4ZrajZdlTew"
)


def _kind(cls: type, name: str) -> str:
    raw = inspect.getattr_static(cls, name)
    if isinstance(raw, (property,)) or type(raw).__name__ == "getset_descriptor":
        return "property"
    if isinstance(raw, classmethod) or type(raw).__name__ == "classmethod_descriptor":
        return "classmethod"
    return "method"


# --- surface ------------------------------------------------------------------------------


def test_all_and_submodule_match_the_binding() -> None:
    assert shim.__all__ == list(real.__all__)
    for name in real.__all__:
        assert getattr(shim, name) is getattr(shim_native, name)
    assert shim.vodozemac is shim_native


@pytest.mark.parametrize("name", list(getattr(real, "__all__", [])))
def test_each_name_has_the_binding_shape(name: str) -> None:
    ours, theirs = getattr(shim, name), getattr(real, name)
    assert ours.__bases__ == (ValueError,) if issubclass(theirs, Exception) else (object,)
    assert [b.__name__ for b in theirs.__bases__] == [b.__name__ for b in ours.__bases__]
    public = {n for n in dir(theirs) if not n.startswith("_")}
    assert public <= set(dir(ours)), public - set(dir(ours))
    for attr in public - {"args", "with_traceback", "add_note"}:
        assert _kind(ours, attr) == _kind(theirs, attr), attr


def test_construction_rules_match() -> None:
    for name in ("Curve25519PublicKey", "Ed25519PublicKey", "Session", "AnyOlmMessage"):
        with pytest.raises(TypeError):
            getattr(real, name)()
        with pytest.raises(TypeError):
            getattr(shim, name)()
    for name in ("Account", "GroupSession", "Sas", "PkDecryption", "Curve25519SecretKey"):
        assert isinstance(getattr(shim, name)(), getattr(shim, name))
    assert shim.Curve25519PublicKey.__hash__ is None


# --- Olm ------------------------------------------------------------------------------------


def _olm_pair(a_mod: ModuleType, b_mod: ModuleType) -> None:
    alice, bob = a_mod.Account(), b_mod.Account()
    bob.generate_one_time_keys(1)
    otk = next(iter(bob.one_time_keys.values()))
    out = alice.create_outbound_session(
        a_mod.Curve25519PublicKey.from_base64(bob.curve25519_key.to_base64()),
        a_mod.Curve25519PublicKey.from_bytes(otk.to_bytes()),
    )
    kind, body = out.encrypt(b"hello").to_parts()
    assert kind == 0
    pre = b_mod.AnyOlmMessage.from_parts(kind, body).to_pre_key()
    their = b_mod.Curve25519PublicKey.from_base64(alice.curve25519_key.to_base64())
    inbound, plaintext = bob.create_inbound_session(their, pre)
    assert plaintext == b"hello"
    assert inbound.session_id == out.session_id == pre.session_id()
    assert inbound.session_matches(pre)
    reply = inbound.encrypt(b"reply").to_parts()
    assert reply[0] == 1
    assert out.decrypt(a_mod.AnyOlmMessage.from_parts(*reply)) == b"reply"
    # Pickles: each side loads the other's and writes back the very same text.
    for obj, other in ((out, b_mod), (inbound, a_mod), (alice, b_mod)):
        cls = type(obj).__name__
        text = obj.pickle(KEY)
        assert getattr(other, cls).from_pickle(text, KEY).pickle(KEY) == text


def test_olm_shim_to_real(backend: ModuleType) -> None:
    _olm_pair(shim, real)


def test_olm_real_to_shim(backend: ModuleType) -> None:
    _olm_pair(real, shim)


def test_olm_errors(backend: ModuleType) -> None:
    alice, bob = shim.Account(), shim.Account()
    bob.generate_one_time_keys(1)
    session = alice.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values()))
    )
    pre = session.encrypt(b"x").to_pre_key()
    assert pre is not None
    with pytest.raises(shim.SessionCreationException):
        shim.Account().create_inbound_session(alice.curve25519_key, pre)
    inbound, _ = bob.create_inbound_session(alice.curve25519_key, pre)
    normal = inbound.encrypt(b"y")
    assert session.decrypt(normal) == b"y"
    with pytest.raises(shim.OlmDecryptionException):
        session.decrypt(normal)  # the key is used up
    with pytest.raises(shim.DecodeException):
        shim.AnyOlmMessage.from_parts(0, b"x")
    with pytest.raises(shim.DecodeException):
        shim.AnyOlmMessage.from_parts(2, b"x")
    with pytest.raises(TypeError):
        session.decrypt(pre)  # type: ignore[arg-type]
    with pytest.raises(shim.PickleException):
        shim.Session.from_pickle(session.pickle(KEY), bytes(32))
    with pytest.raises(shim.PickleException, match="correct size"):
        session.pickle(b"short")
    with pytest.raises(shim.PickleException):
        shim.Account.from_pickle("", KEY)
    with pytest.raises(shim.KeyException):
        shim.Curve25519PublicKey.from_base64("abc")
    with pytest.raises(shim.SignatureException):
        alice.ed25519_key.verify_signature(b"other", alice.sign(b"x"))
    alice.ed25519_key.verify_signature(b"x", alice.sign(b"x"))
    real_sig = real.Ed25519Signature.from_base64(alice.sign(b"m").to_base64())
    real.Ed25519PublicKey.from_base64(alice.ed25519_key.to_base64()).verify_signature(
        b"m", real_sig
    )


# --- libolm pickles ---------------------------------------------------------------------------


def test_libolm_pickle_import(backend: ModuleType) -> None:
    key = b"It's a secret to everybody"
    ours = shim.Account.from_libolm_pickle(LIBOLM_ACCOUNT, key)
    theirs = real.Account.from_libolm_pickle(LIBOLM_ACCOUNT, key)
    assert ours.ed25519_key.to_base64() == "MEQCwaTE/gcrHaxwv06WEVy5xDA30FboFzCAtYhzmoc"
    mine = open_sealed(ours.pickle(KEY), KEY, "test")
    their = open_sealed(theirs.pickle(KEY), KEY, "test")
    # Known gap (SPEC.md section 21): after a libolm import olmpy numbers the next
    # one-time key 1 (libolm's first id), vodozemac 0.  Everything else is identical.
    assert (mine["one_time_keys"]["next_key_id"], their["one_time_keys"]["next_key_id"]) == (1, 0)
    mine["one_time_keys"]["next_key_id"] = 0
    assert mine == their
    with pytest.raises(shim.LibolmPickleException):
        shim.Account.from_libolm_pickle(LIBOLM_ACCOUNT, b"wrong")


def test_libolm_version_error_text_for_nio() -> None:
    bad = libolm.seal(libolm.u32(99) + bytes(100), b"pw", allow_weak_key=True)
    for mod in (real, shim):  # nio falls back to python-olm on this text
        with pytest.raises(mod.LibolmPickleException, match="unsupported version"):
            mod.Account.from_libolm_pickle(bad, b"pw")
    olm = pytest.importorskip("olm")
    pickle = olm.InboundGroupSession(olm.OutboundGroupSession().session_key).pickle("pw")
    session = shim.InboundGroupSession.from_libolm_pickle(pickle.decode(), b"pw")
    assert session.pickle(KEY) == real.InboundGroupSession.from_libolm_pickle(
        pickle.decode(), b"pw"
    ).pickle(KEY)


# --- Megolm -----------------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["shim_to_real", "real_to_shim"])
def test_megolm_interop(backend: ModuleType, direction: str) -> None:
    src, dst = (shim, real) if direction == "shim_to_real" else (real, shim)
    outbound = src.GroupSession()
    inbound = dst.InboundGroupSession(dst.SessionKey(outbound.session_key.to_base64()))
    for i, text in enumerate((b"one", b"two")):
        message = dst.MegolmMessage.from_bytes(outbound.encrypt(text).to_bytes())
        assert message.message_index() == i
        decrypted = inbound.decrypt(message)
        assert (decrypted.plaintext, decrypted.message_index) == (text, i)
    exported = inbound.export_at(1)
    assert exported is not None
    late = src.InboundGroupSession.import_session(src.ExportedSessionKey(exported.to_base64()))
    assert late.first_known_index == 1
    assert late.export_at(0) is None
    for obj, cls in ((outbound, "GroupSession"), (inbound, "InboundGroupSession")):
        text = obj.pickle(KEY)
        assert getattr(src, cls).from_pickle(text, KEY).pickle(KEY) == text
        assert getattr(dst, cls).from_pickle(text, KEY).pickle(KEY) == text


def test_megolm_errors(backend: ModuleType) -> None:
    outbound = shim.GroupSession()
    inbound = shim.InboundGroupSession(outbound.session_key)
    with pytest.raises(shim.MegolmDecryptionException):
        inbound.decrypt(shim.GroupSession().encrypt(b"x"))
    late = shim.InboundGroupSession.import_session(inbound.export_at(1))  # type: ignore[arg-type]
    with pytest.raises(shim.MegolmDecryptionException):
        late.decrypt(outbound.encrypt(b"index 0"))
    with pytest.raises(shim.SessionKeyDecodeException):
        shim.SessionKey("abc")
    with pytest.raises(shim.DecodeException):
        shim.MegolmMessage.from_bytes(b"abc")
    with pytest.raises(TypeError):
        shim.InboundGroupSession(outbound.session_key.to_base64())  # type: ignore[arg-type]
    with pytest.raises(shim.PickleException):
        shim.InboundGroupSession.from_pickle("", KEY)


# --- SAS and PK -------------------------------------------------------------------------------


def test_sas_interop(backend: ModuleType) -> None:
    ours, theirs = shim.Sas(), real.Sas()
    a = ours.diffie_hellman(shim.Curve25519PublicKey.from_bytes(theirs.public_key.to_bytes()))
    b = theirs.diffie_hellman(real.Curve25519PublicKey.from_bytes(ours.public_key.to_bytes()))
    assert a.bytes("info").emoji_indices == b.bytes("info").emoji_indices
    assert a.bytes("info").decimals == b.bytes("info").decimals
    assert a.calculate_mac("in", "info") == b.calculate_mac("in", "info")
    assert a.calculate_mac_invalid_base64("in", "i") == b.calculate_mac_invalid_base64("in", "i")
    a.verify_mac("in", "info", b.calculate_mac("in", "info"))
    with pytest.raises(shim.SasException):
        a.verify_mac("other", "info", b.calculate_mac("in", "info"))
    with pytest.raises(shim.SasException):
        ours.diffie_hellman(ours.public_key)


def test_pk_interop(backend: ModuleType) -> None:
    secret = shim.Curve25519SecretKey()
    decryption = shim.PkDecryption.from_key(secret)
    assert decryption.key.to_bytes() == secret.to_bytes()
    theirs = real.PkDecryption.from_key(real.Curve25519SecretKey.from_bytes(secret.to_bytes()))
    assert theirs.public_key.to_bytes() == secret.public_key().to_bytes()
    sent = real.PkEncryption.from_key(
        real.Curve25519PublicKey.from_bytes(decryption.public_key.to_bytes())
    ).encrypt(b"backup")
    message = shim.Message(sent.ciphertext, sent.mac, sent.ephemeral_key)
    assert decryption.decrypt(message) == b"backup"
    assert message.to_base64() == sent.to_base64()  # the binding's (ephemeral, mac, ct) order
    mine = shim.PkEncryption.from_key(decryption.public_key).encrypt(b"back")
    assert theirs.decrypt(real.Message(mine.ciphertext, mine.mac, mine.ephemeral_key)) == b"back"
    with pytest.raises(shim.PkDecodeException, match="MAC tag mismatch"):
        shim.PkDecryption().decrypt(message)
    with pytest.raises(shim.PkInvalidKeySizeException):
        decryption.decrypt(shim.Message(sent.ciphertext, sent.mac, b"short"))
    with pytest.raises(shim.PkDecodeException, match="Invalid symbol"):
        shim.Message.from_base64("not base64!", "AA", "AA")
    with pytest.raises(shim.KeyException):
        shim.Curve25519SecretKey.from_bytes(b"x")


def test_install_resolves_the_same_objects() -> None:
    import olmpy.compat as compat

    if "vodozemac" in compat.installed():
        pytest.skip("already switched in this process")
    import sys

    saved = {k: v for k, v in sys.modules.items() if k.partition(".")[0] == "vodozemac"}
    for k in saved:
        del sys.modules[k]
    try:
        compat.install("vodozemac")
        import vodozemac
        import vodozemac.vodozemac as sub

        assert vodozemac is shim
        assert sub.Account is shim.Account
    finally:
        compat.uninstall("vodozemac")
        sys.modules.update(saved)

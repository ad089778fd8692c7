"""olmpy against the vector files in vectors/ (see vectors/README.md for where each came from).

Symmetric primitives and the Megolm ratchet are checked on both backends through the
``backend`` fixture; the elliptic-curve primitives through ``olmpy.hazmat.primitives``.  Megolm
sessions are rebuilt from libolm's fixed randomness and must reproduce libolm byte for
byte; vodozemac's and matrix-js-sdk's recordings must decrypt and export identically.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from vectors_loader import VECTORS, generator, load, params, unhex

import olmpy
import olmpy.testing
from olmpy.errors import OlmpyError, SignatureError
from olmpy.hazmat import primitives

HKDF = load("published/hkdf_sha256_rfc5869.json")
HMAC = load("published/hmac_sha256_rfc4231.json")
SHA256 = load("published/sha256_fips180.json")
AES_RAW = load("published/aes256_cbc_sp800_38a.json")
AES_PKCS7 = load("aes256_cbc_pkcs7_cryptography.json")
X25519 = load("published/x25519_rfc7748.json")
ED25519 = load("published/ed25519_rfc8032.json")
JS_SDK = load("published/matrix_js_sdk_megolm.json")
LIBOLM = load("libolm_megolm.json")
VODOZEMAC = load("vodozemac_megolm.json")


def _session_messages(doc: dict[str, Any], wrapped: bool) -> list[Any]:
    """(session record, message record) pairs, as pytest params named session/index."""
    out = []
    for s in doc["sessions"]:
        for m in s["messages"]:
            if m["wrapped"] == wrapped:
                out.append(pytest.param(s, m, id=f"{s['id']}/{m['index']:#x}"))
    return out


def _session_exports(doc: dict[str, Any]) -> list[Any]:
    return [
        pytest.param(s, e, id=f"{s['id']}/{e['index']:#x}")
        for s in doc["sessions"]
        for e in s.get("exports", [])
    ]


def _wrap_exports(doc: dict[str, Any]) -> list[Any]:
    return [
        pytest.param(w, e, id=f"{w['id']}/{e['index']:#x}")
        for w in doc["wrap_exports"]
        for e in w["exports"]
    ]


# ---------------------------------------------------------------------------
# published symmetric vectors, both backends
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", params(SHA256["cases"]))
def test_sha256_published(backend: ModuleType, case: dict[str, Any]) -> None:
    """SHA-256 gives the FIPS 180-2 / CAVP digest."""
    data = unhex(case["message"])
    if "repeat" in case:
        data = unhex(case["repeat"]["byte"]) * case["repeat"]["count"]
    assert backend.sha256(data) == unhex(case["digest"])


@pytest.mark.parametrize("case", params(HMAC["cases"]))
def test_hmac_sha256_rfc4231(backend: ModuleType, case: dict[str, Any]) -> None:
    """HMAC-SHA-256 gives the RFC 4231 output, including keys longer than a block."""
    assert backend.hmac_sha256(unhex(case["key"]), unhex(case["data"])) == unhex(case["mac"])


@pytest.mark.parametrize("case", params(HKDF["cases"]))
def test_hkdf_sha256_rfc5869(backend: ModuleType, case: dict[str, Any]) -> None:
    """HKDF-SHA-256 gives the RFC 5869 OKM for the given salt, info and length."""
    okm = backend.hkdf_sha256(unhex(case["salt"]), unhex(case["ikm"]), unhex(case["info"]),
                              case["length"])
    assert okm == unhex(case["okm"])


def _padding_block(key: bytes, last_ciphertext_block: bytes) -> bytes:
    """The CBC block PKCS#7 appends to block-aligned input, computed with pyca/cryptography."""
    enc = Cipher(algorithms.AES(key), modes.CBC(last_ciphertext_block)).encryptor()
    return enc.update(b"\x10" * 16) + enc.finalize()


@pytest.mark.parametrize("case", params(AES_RAW["cases"]))
def test_aes256_cbc_sp800_38a_encrypt(backend: ModuleType, case: dict[str, Any]) -> None:
    """AES-256-CBC output starts with the SP 800-38A blocks, then exactly one padding block."""
    key, iv, pt, ct = (unhex(case[k]) for k in ("key", "iv", "plaintext", "ciphertext"))
    out = backend.aes256_cbc_encrypt(key, iv, pt)
    assert out[: len(ct)] == ct
    assert out[len(ct):] == _padding_block(key, ct[-16:])


@pytest.mark.parametrize("case", params(AES_RAW["cases"]))
def test_aes256_cbc_sp800_38a_decrypt(backend: ModuleType, case: dict[str, Any]) -> None:
    """Decrypting the SP 800-38A ciphertext plus its padding block gives the published plaintext."""
    key, iv, pt, ct = (unhex(case[k]) for k in ("key", "iv", "plaintext", "ciphertext"))
    assert backend.aes256_cbc_decrypt(key, iv, ct + _padding_block(key, ct[-16:])) == pt


@pytest.mark.parametrize("case", params(AES_PKCS7["cases"]))
def test_aes256_cbc_pkcs7_matches_openssl(backend: ModuleType, case: dict[str, Any]) -> None:
    """AES-256-CBC with PKCS#7 matches OpenSSL's bytes both ways, for lengths around a block."""
    key, iv, pt, ct = (unhex(case[k]) for k in ("key", "iv", "plaintext", "ciphertext"))
    assert backend.aes256_cbc_encrypt(key, iv, pt) == ct
    assert backend.aes256_cbc_decrypt(key, iv, ct) == pt


# ---------------------------------------------------------------------------
# published elliptic-curve vectors, olmpy.hazmat.primitives
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", params(X25519["scalarmult"]))
def test_x25519_rfc7748_scalarmult(case: dict[str, Any]) -> None:
    """X25519 gives the RFC 7748 5.2 output, ignoring the top bit of u."""
    assert primitives.x25519(unhex(case["scalar"]), unhex(case["u"])) == unhex(case["output"])


@pytest.mark.parametrize("case", params(X25519["iterated"]))
def test_x25519_rfc7748_iterated(case: dict[str, Any]) -> None:
    """Iterating k, u = X25519(k, u), k from the base point gives the RFC 7748 5.2 value."""
    k = u = unhex(case["start"])
    for _ in range(case["iterations"]):
        k, u = primitives.x25519(k, u), k
    assert k == unhex(case["output"])


@pytest.mark.parametrize("case", params(X25519["diffie_hellman"]))
def test_x25519_rfc7748_diffie_hellman(case: dict[str, Any]) -> None:
    """RFC 7748 6.1: both public keys and the shared secret from either side are reproduced."""
    alice, bob = unhex(case["alice_private"]), unhex(case["bob_private"])
    assert primitives.x25519_public(alice) == unhex(case["alice_public"])
    assert primitives.x25519_public(bob) == unhex(case["bob_public"])
    assert primitives.x25519(alice, unhex(case["bob_public"])) == unhex(case["shared"])
    assert primitives.x25519(bob, unhex(case["alice_public"])) == unhex(case["shared"])


@pytest.mark.parametrize("case", params(ED25519["cases"]))
def test_ed25519_rfc8032_sign(case: dict[str, Any]) -> None:
    """Ed25519 derives the RFC 8032 public key and signature from the seed, and verifies it."""
    seed, msg, sig = unhex(case["secret_key"]), unhex(case["message"]), unhex(case["signature"])
    assert primitives.ed25519_public_from_seed(seed) == unhex(case["public_key"])
    assert primitives.ed25519_sign(seed, msg) == sig
    assert primitives.ed25519_verify(unhex(case["public_key"]), msg, sig) is None


@pytest.mark.parametrize("case", params(ED25519["cases"]))
def test_ed25519_rfc8032_rejects_tampering(case: dict[str, Any]) -> None:
    """A flipped signature bit or an extra message byte makes verification raise SignatureError."""
    public, msg, sig = unhex(case["public_key"]), unhex(case["message"]), unhex(case["signature"])
    bad_sig = bytes([sig[0] ^ 1]) + sig[1:]
    with pytest.raises(SignatureError):
        primitives.ed25519_verify(public, msg, bad_sig)
    with pytest.raises(SignatureError):
        primitives.ed25519_verify(public, msg + b"\x00", sig)


# ---------------------------------------------------------------------------
# Megolm ratchet advance (libolm's megolm_advance_to), both backends
# ---------------------------------------------------------------------------
def _advance_to(backend: ModuleType, ratchet: bytes, counter: int, target: int) -> bytes:
    """Run the backend's in-place advance on a 132-byte state (ratchet || counter u32 BE)."""
    state = backend.secret_buffer(ratchet + counter.to_bytes(4, "big"))
    backend.megolm_advance_to(state, target)
    out = bytes(backend.read_secret(state))
    assert out[128:] == target.to_bytes(4, "big")
    return out[:128]


@pytest.mark.parametrize("case", params(LIBOLM["advance"]))
def test_megolm_advance_to_matches_libolm(backend: ModuleType, case: dict[str, Any]) -> None:
    """Advancing a ratchet from counter to target (wrapping past 2**32 too) gives libolm's bytes."""
    out = _advance_to(backend, unhex(case["ratchet"]), case["counter"], case["target"])
    assert out == unhex(case["expected"])


@pytest.mark.parametrize("session", params(LIBOLM["sessions"]))
def test_megolm_advance_matches_libolm_sender(backend: ModuleType,
                                              session: dict[str, Any]) -> None:
    """The ratchet inside each libolm session key equals advance_to from the session's start."""
    ratchet, counter = unhex(session["ratchet"]), session["counter"]
    key = olmpy.SessionKey.from_base64(session["session_key_after"]).to_bytes()
    target = int.from_bytes(key[1:5], "big")
    assert target == session["message_index_after"]
    assert _advance_to(backend, ratchet, counter, target) == key[5:133]


# ---------------------------------------------------------------------------
# Megolm senders rebuilt from libolm's fixed randomness
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("session", params(LIBOLM["sessions"]))
def test_libolm_sender_reproduced(backend: ModuleType, session: dict[str, Any]) -> None:
    """A GroupSession built from libolm's ratchet, counter and seed emits libolm's exact bytes."""
    group = olmpy.testing.group_session_from_parts(unhex(session["ratchet"]), session["counter"],
                                          unhex(session["ed25519_seed"]))
    assert group.session_id == session["session_id"]
    assert group.message_index == session["counter"]
    assert group.session_key.to_base64() == session["session_key"]
    for m in session["messages"]:
        assert group.message_index == m["index"]
        assert group.encrypt(unhex(m["plaintext"])).to_base64() == m["message"], m["index"]
    assert group.message_index == session["message_index_after"]
    assert group.session_key.to_base64() == session["session_key_after"]


@pytest.mark.parametrize(("session", "message"), _session_messages(LIBOLM, wrapped=False))
def test_libolm_message_decrypts(backend: ModuleType, session: dict[str, Any],
                                 message: dict[str, Any]) -> None:
    """A libolm Megolm message decrypts with the libolm session key to its plaintext and index."""
    inbound = olmpy.InboundGroupSession(olmpy.SessionKey.from_base64(session["session_key"]))
    decrypted = inbound.decrypt(olmpy.MegolmMessage.from_base64(message["message"]))
    assert decrypted.plaintext == unhex(message["plaintext"])
    assert decrypted.message_index == message["index"]


@pytest.mark.parametrize(("session", "message"), _session_messages(LIBOLM, wrapped=True))
def test_libolm_wrapped_message_never_misdecrypts(backend: ModuleType, session: dict[str, Any],
                                                  message: dict[str, Any]) -> None:
    """Past the u32 wrap olmpy decrypts as libolm does or refuses with an olmpy error, never wrong.

    libolm decrypts these (its index comparisons are modulo 2**32); vodozemac refuses them
    as older than the first known index.  Either is acceptable; other bytes are not.
    """
    inbound = olmpy.InboundGroupSession(olmpy.SessionKey.from_base64(session["session_key"]))
    try:
        decrypted = inbound.decrypt(olmpy.MegolmMessage.from_base64(message["message"]))
    except OlmpyError:
        return
    assert decrypted.plaintext == unhex(message["plaintext"])
    assert decrypted.message_index == message["index"]


def _within_half_range(index: int, first_known: int) -> bool:
    """True when index is less than 2**31 ahead of first_known (modulo 2**32)."""
    return (index - first_known) % 2**32 < 2**31


def _check_export(exported: Any, index: int, first_known: int, recorded: str) -> None:
    """An export at or after the first known index must be the recorded bytes, however far.

    Within 2**31 of the first known index libolm and vodozemac both export. Further ahead a
    fresh libolm session refuses (the recorded libolm bytes needed intermediate exports, see
    "libolm_hops") while vodozemac exports; olmpy exports too, the same bytes.
    """
    assert index >= first_known
    assert exported is not None, "refused an export the peers make"
    assert exported.to_base64() == recorded


@pytest.mark.parametrize(("session", "export"), _session_exports(LIBOLM))
def test_libolm_export_reproduced(backend: ModuleType, session: dict[str, Any],
                                  export: dict[str, Any]) -> None:
    """export_at(i) from libolm's session key is libolm's export at i, 2**31+ ahead included."""
    inbound = olmpy.InboundGroupSession(olmpy.SessionKey.from_base64(session["session_key"]))
    assert _within_half_range(export["index"], 0) == (export["libolm_hops"] == [])
    _check_export(inbound.export_at(export["index"]), export["index"], 0, export["export"])


@pytest.mark.parametrize(("session", "export"), _session_exports(LIBOLM))
def test_libolm_export_imports(backend: ModuleType, session: dict[str, Any],
                               export: dict[str, Any]) -> None:
    """A libolm export imports at its index, re-exports identically and decrypts later messages."""
    inbound = olmpy.InboundGroupSession.import_session(
        olmpy.ExportedSessionKey.from_base64(export["export"]))
    assert inbound.first_known_index == export["index"]
    again = inbound.export_at(export["index"])
    assert again is not None and again.to_base64() == export["export"]
    later = [m for m in session["messages"] if m["index"] >= export["index"]]
    for m in later:
        decrypted = inbound.decrypt(olmpy.MegolmMessage.from_base64(m["message"]))
        assert decrypted.plaintext == unhex(m["plaintext"])
    if export["index"] > 0:
        with pytest.raises(OlmpyError):
            inbound.decrypt(olmpy.MegolmMessage.from_base64(session["messages"][0]["message"]))


@pytest.mark.parametrize(("base", "export"), _wrap_exports(LIBOLM))
def test_libolm_wrapped_export_never_wrong(backend: ModuleType, base: dict[str, Any],
                                           export: dict[str, Any]) -> None:
    """From a key imported at 0xffffff00, export_at gives libolm's bytes or, past the wrap, None."""
    inbound = olmpy.InboundGroupSession.import_session(
        olmpy.ExportedSessionKey.from_base64(base["import"]))
    assert inbound.first_known_index == base["first_known_index"]
    exported = inbound.export_at(export["index"])
    if exported is None:
        assert export["wrapped"], "olmpy refused an export that libolm and vodozemac both make"
    else:
        assert exported.to_base64() == export["export"]


# ---------------------------------------------------------------------------
# vodozemac's recording
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("message", params(VODOZEMAC["messages"], key="index"))
def test_vodozemac_message_decrypts(backend: ModuleType, message: dict[str, Any]) -> None:
    """Each vodozemac message decrypts with vodozemac's session key to its plaintext and index."""
    inbound = olmpy.InboundGroupSession(olmpy.SessionKey.from_base64(VODOZEMAC["session_key"]))
    decrypted = inbound.decrypt(olmpy.MegolmMessage.from_base64(message["message"]))
    assert decrypted.plaintext == unhex(message["plaintext"])
    assert decrypted.message_index == message["index"]


@pytest.mark.parametrize("export", params(VODOZEMAC["exports"], key="index"))
def test_vodozemac_export_reproduced(backend: ModuleType, export: dict[str, Any]) -> None:
    """export_at(i) from vodozemac's session key is vodozemac's export, 2**31+ ahead included."""
    inbound = olmpy.InboundGroupSession(olmpy.SessionKey.from_base64(VODOZEMAC["session_key"]))
    _check_export(inbound.export_at(export["index"]), export["index"], 0, export["export"])


@pytest.mark.parametrize("export", params(VODOZEMAC["reimport"]["exports"], key="index"))
def test_vodozemac_reimported_export_reproduced(backend: ModuleType,
                                                export: dict[str, Any]) -> None:
    """A session imported from vodozemac's export at 5 exports later indexes as vodozemac did."""
    reimport = VODOZEMAC["reimport"]
    inbound = olmpy.InboundGroupSession.import_session(
        olmpy.ExportedSessionKey.from_base64(reimport["import"]))
    assert inbound.first_known_index == reimport["from_index"]
    _check_export(inbound.export_at(export["index"]), export["index"], reimport["from_index"],
                  export["export"])


def test_vodozemac_session_key_metadata(backend: ModuleType) -> None:
    """vodozemac's signed session key parses to its session id and index 0, and re-encodes as-is."""
    key = olmpy.SessionKey.from_base64(VODOZEMAC["session_key"])
    assert key.to_base64() == VODOZEMAC["session_key"]
    assert key.session_id == VODOZEMAC["session_id"]
    assert key.message_index == 0
    after = olmpy.SessionKey.from_base64(VODOZEMAC["session_key_after"])
    assert after.message_index == VODOZEMAC["message_index_after"]


# ---------------------------------------------------------------------------
# matrix-js-sdk's published test data
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("event", params(JS_SDK["encrypted_events"]))
def test_js_sdk_encrypted_event_decrypts(backend: ModuleType, event: dict[str, Any]) -> None:
    """matrix-js-sdk's ENCRYPTED_EVENT decrypts with its exported session to CLEAR_EVENT's JSON."""
    inbound = olmpy.InboundGroupSession.import_session(
        olmpy.ExportedSessionKey.from_base64(event["exported_session_key"]))
    decrypted = inbound.decrypt(olmpy.MegolmMessage.from_base64(event["ciphertext"]))
    assert decrypted.plaintext == unhex(event["plaintext"])
    assert decrypted.message_index == event["message_index"]


@pytest.mark.parametrize("session", params(JS_SDK["exported_sessions"]))
def test_js_sdk_exported_session_imports(backend: ModuleType, session: dict[str, Any]) -> None:
    """matrix-js-sdk's exported sessions import under the published session id, re-export as-is."""
    key = olmpy.ExportedSessionKey.from_base64(session["exported_session_key"])
    assert key.session_id == session["session_id"]
    inbound = olmpy.InboundGroupSession.import_session(key)
    assert inbound.first_known_index == session["first_known_index"]
    again = inbound.export_at(session["first_known_index"])
    assert again is not None and again.to_base64() == session["exported_session_key"]


# ---------------------------------------------------------------------------
# the data files cannot drift from their generators
# ---------------------------------------------------------------------------
def test_libolm_generator_reproduces_committed_json() -> None:
    """Re-running the libolm generator in-process gives vectors/libolm_megolm.json byte for byte."""
    module = generator("generate_libolm_megolm")
    fresh = module.generate()
    committed = (VECTORS / "libolm_megolm.json").read_text(encoding="utf-8")
    # vodozemac is only a cross-check there; a newer 0.10.x must not count as drift
    fresh["vodozemac_python_version"] = LIBOLM["vodozemac_python_version"]
    assert module.render(fresh) == committed


def test_published_generator_reproduces_committed_json() -> None:
    """Re-running the (self-checking) published-vector script gives the committed files exactly."""
    module = generator("generate_published")
    for rel, doc in module.generate().items():
        text = (VECTORS / rel).read_text(encoding="utf-8")
        assert module.json.loads(text) == doc, rel


def test_published_matrix_generator_reproduces_committed_json() -> None:
    """Re-running the matrix-js-sdk script (it re-verifies with libolm) gives the committed file."""
    module = generator("generate_published_matrix")
    text = (VECTORS / "published" / "matrix_js_sdk_megolm.json").read_text(encoding="utf-8")
    assert module.json.loads(text) == module.check_and_complete()

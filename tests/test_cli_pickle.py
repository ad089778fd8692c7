"""``olmpy pickle``: subprocess runs on pickles written by python-olm (libolm) and
vodozemac, converted with the command and loaded back in the *other* peer, which must see
the same keys and ids and still decrypt what the partner sends after the conversion; plus
inspect's output, the bad-input exit codes, and that no secret reaches stdout or stderr."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import olm
import pytest
import vodozemac
from cli_run import Result, olmpy

from olmpy.pickle import _libolm

LIBOLM_KEY = "python-olm pickle passphrase, 32+ bytes"
VZ_KEY = bytes(range(100, 132))
VZ_B64 = base64.b64encode(VZ_KEY).decode()
PASSPHRASE = "olmpy store passphrase"
KEY32 = "thirty-two bytes of utf-8 text!!"  # fits every format as text
ENV = {"LK": LIBOLM_KEY, "VK": VZ_B64, "VH": VZ_KEY.hex(), "PP": PASSPHRASE, "K32": KEY32}
# the flags naming each key (VK/VH are vodozemac's 32 bytes as base64 and as hex)
LIBOLM = ("--key-env", "LK")
VODOZEMAC = ("--key-env", "VK", "--key-encoding", "base64")
TO_LIBOLM = ("--new-key-env", "LK")
TO_VODOZEMAC = ("--new-key-env", "VH", "--new-key-encoding", "hex")
TO_OLMPY = ("--new-key-env", "PP")


def _run(*args: str | Path, stdin: bytes = b"") -> Result:
    return olmpy(*args, stdin=stdin, **ENV)


def _convert(kind: str, src: str, dst: str, pickle: str | bytes, *flags: str) -> str:
    text = pickle.decode() if isinstance(pickle, bytes) else pickle
    result = _run("pickle", "convert", "--type", kind, "--from", src, "--to", dst, *flags,
                  stdin=text.encode() + b"\n")
    assert result.code == 0, result.err
    assert not result.shows(LIBOLM_KEY) and not result.shows(VZ_B64)
    return result.text().strip()


def _inspect(kind: str, fmt: str, pickle: str | bytes, *flags: str) -> dict[str, Any]:
    text = pickle.decode() if isinstance(pickle, bytes) else pickle
    result = _run("pickle", "inspect", "--type", kind, "--format", fmt, "--json", *flags,
                  stdin=text.encode())
    assert result.code == 0, result.err
    assert not result.shows(text) and not result.shows(LIBOLM_KEY)
    info: dict[str, Any] = json.loads(result.text())
    return info


def _olm_to_vz(message: Any) -> vodozemac.AnyOlmMessage:
    raw = base64.b64decode(message.ciphertext + "=" * (-len(message.ciphertext) % 4))
    return vodozemac.AnyOlmMessage.from_parts(message.message_type, raw)


def _vz_to_olm(message: vodozemac.AnyOlmMessage) -> Any:
    kind, raw = message.to_parts()
    text = base64.b64encode(raw).decode().rstrip("=")
    return olm.OlmPreKeyMessage(text) if kind == 0 else olm.OlmMessage(text)


def _olm_pair() -> tuple[olm.Account, olm.Session, olm.Session]:
    """python-olm Alice and Bob with a session Bob has opened from Alice's first message."""
    alice, bob = olm.Account(), olm.Account()
    bob.generate_one_time_keys(1)
    one_time = next(iter(bob.one_time_keys["curve25519"].values()))
    outbound = olm.OutboundSession(alice, bob.identity_keys["curve25519"], one_time)
    first = outbound.encrypt("first")
    inbound = olm.InboundSession(bob, first, alice.identity_keys["curve25519"])
    assert inbound.decrypt(first) == "first"
    return alice, outbound, inbound


# --- accounts ---------------------------------------------------------------------------


def test_libolm_account_becomes_a_vodozemac_account_with_the_same_keys() -> None:
    account = olm.Account()
    account.generate_one_time_keys(3)
    vz_text = _convert("account", "libolm", "vodozemac", account.pickle(LIBOLM_KEY),
                       *LIBOLM, *TO_VODOZEMAC)
    loaded = vodozemac.Account.from_pickle(vz_text, VZ_KEY)
    assert loaded.curve25519_key.to_base64() == account.identity_keys["curve25519"]
    assert loaded.ed25519_key.to_base64() == account.identity_keys["ed25519"]
    assert sorted(k.to_base64() for k in loaded.one_time_keys.values()) == sorted(
        account.one_time_keys["curve25519"].values())
    # signs as the libolm account did (Ed25519 is deterministic)
    assert loaded.sign(b"m").to_base64() == account.sign("m")


def test_vodozemac_account_becomes_a_python_olm_account_with_the_same_keys() -> None:
    account = vodozemac.Account()
    account.generate_one_time_keys(2)
    lo_text = _convert("account", "vodozemac", "libolm", account.pickle(VZ_KEY),
                       *VODOZEMAC, *TO_LIBOLM)
    loaded = olm.Account.from_pickle(lo_text.encode(), LIBOLM_KEY)
    assert loaded.identity_keys == {"curve25519": account.curve25519_key.to_base64(),
                                    "ed25519": account.ed25519_key.to_base64()}
    assert sorted(loaded.one_time_keys["curve25519"].values()) == sorted(
        k.to_base64() for k in account.one_time_keys.values())


# --- Olm sessions -----------------------------------------------------------------------


def test_libolm_session_in_vodozemac_decrypts_what_the_partner_sends_next() -> None:
    _, alice_session, bob_session = _olm_pair()
    vz_text = _convert("session", "libolm", "vodozemac", bob_session.pickle(LIBOLM_KEY),
                       *LIBOLM, *TO_VODOZEMAC)
    bob = vodozemac.Session.from_pickle(vz_text, VZ_KEY)
    assert bob.session_id == bob_session.id
    later = alice_session.encrypt("sent after the conversion")
    assert bob.decrypt(_olm_to_vz(later)) == b"sent after the conversion"
    # and Bob's converted session answers Alice's python-olm session
    assert alice_session.decrypt(_vz_to_olm(bob.encrypt(b"reply"))) == "reply"


def test_vodozemac_session_in_python_olm_decrypts_what_the_partner_sends_next() -> None:
    alice, bob = vodozemac.Account(), vodozemac.Account()
    bob.generate_one_time_keys(1)
    outbound = alice.create_outbound_session(bob.curve25519_key,
                                             next(iter(bob.one_time_keys.values())))
    first = outbound.encrypt(b"first")
    pre_key = first.to_pre_key()
    assert pre_key is not None
    inbound, plaintext = bob.create_inbound_session(alice.curve25519_key, pre_key)
    assert plaintext == b"first"
    lo_text = _convert("session", "vodozemac", "libolm", inbound.pickle(VZ_KEY),
                       *VODOZEMAC, *TO_LIBOLM)
    loaded = olm.Session.from_pickle(lo_text.encode(), LIBOLM_KEY)
    assert loaded.id == inbound.session_id
    assert loaded.decrypt(_vz_to_olm(outbound.encrypt(b"later"))) == "later"


# --- Megolm -----------------------------------------------------------------------------


def test_libolm_group_sessions_work_in_vodozemac() -> None:
    outbound = olm.OutboundGroupSession()
    first = outbound.encrypt("advance the ratchet")
    inbound = olm.InboundGroupSession(outbound.session_key)
    out_vz = vodozemac.GroupSession.from_pickle(
        _convert("outbound-group", "libolm", "vodozemac", outbound.pickle(LIBOLM_KEY),
                 *LIBOLM, *TO_VODOZEMAC), VZ_KEY)
    in_vz = vodozemac.InboundGroupSession.from_pickle(
        _convert("inbound-group", "libolm", "vodozemac", inbound.pickle(LIBOLM_KEY),
                 *LIBOLM, *TO_VODOZEMAC), VZ_KEY)
    assert out_vz.session_id == outbound.id and in_vz.session_id == inbound.id
    assert out_vz.message_index == outbound.message_index == 1
    assert in_vz.first_known_index == inbound.first_known_index == 1
    # the converted outbound session's message decrypts in python-olm's inbound session,
    # and python-olm's next message in the converted inbound session
    text, index = inbound.decrypt(out_vz.encrypt(b"from vodozemac").to_base64())
    assert (text, index) == ("from vodozemac", 1)
    decrypted = in_vz.decrypt(vodozemac.MegolmMessage.from_base64(outbound.encrypt("next")))
    assert (decrypted.plaintext, decrypted.message_index) == (b"next", 1)
    with pytest.raises(vodozemac.MegolmDecryptionException):  # the key really is index 1
        in_vz.decrypt(vodozemac.MegolmMessage.from_base64(first))


def test_vodozemac_inbound_group_session_works_in_python_olm() -> None:
    outbound = vodozemac.GroupSession()
    outbound.encrypt(b"zero")
    inbound = vodozemac.InboundGroupSession(outbound.session_key)  # from index 1
    lo_text = _convert("inbound-group", "vodozemac", "libolm", inbound.pickle(VZ_KEY),
                       *VODOZEMAC, *TO_LIBOLM)
    loaded = olm.InboundGroupSession.from_pickle(lo_text.encode(), LIBOLM_KEY)
    assert (loaded.id, loaded.first_known_index) == (inbound.session_id, 1)
    assert loaded.decrypt(outbound.encrypt(b"one").to_base64()) == ("one", 1)


# --- PkDecryption and round trips -------------------------------------------------------


def test_pk_decryption_through_olmpy_format_decrypts_in_python_olm() -> None:
    pk = olm.PkDecryption()
    olmpy_text = _convert("pk-decryption", "libolm", "olmpy", pk.pickle(LIBOLM_KEY),
                          *LIBOLM, *TO_OLMPY)
    back = _convert("pk-decryption", "olmpy", "libolm", olmpy_text, "--key-env", "PP",
                    *TO_LIBOLM)
    loaded = olm.PkDecryption.from_pickle(back.encode(), LIBOLM_KEY)
    assert loaded.public_key == pk.public_key
    message = olm.PkEncryption(pk.public_key).encrypt("after the conversion")
    assert loaded.decrypt(message) == "after the conversion"


def _libolm_pickles() -> dict[str, bytes]:
    account = olm.Account()
    account.generate_one_time_keys(2)
    account.generate_fallback_key()
    _, _, inbound = _olm_pair()
    group = olm.OutboundGroupSession()
    return {
        "account": account.pickle(LIBOLM_KEY),
        "session": inbound.pickle(LIBOLM_KEY),
        "outbound-group": group.pickle(LIBOLM_KEY),
        "inbound-group": olm.InboundGroupSession(group.session_key).pickle(LIBOLM_KEY),
        "pk-decryption": olm.PkDecryption().pickle(LIBOLM_KEY),
    }


@pytest.mark.parametrize("kind", ["account", "session", "outbound-group", "inbound-group",
                                  "pk-decryption"])
def test_libolm_to_olmpy_to_libolm_is_byte_identical(kind: str) -> None:
    """libolm's sealing is deterministic, so an unchanged object comes back byte for byte;
    the olmpy leg uses a raw 32-byte key (hex) here."""
    original = _libolm_pickles()[kind]
    middle = _convert(kind, "libolm", "olmpy", original, *LIBOLM, *TO_VODOZEMAC)
    assert middle.startswith("T0xNUFk")  # olmpy's marker, base64
    back = _convert(kind, "olmpy", "libolm", middle, "--key-env", "VH", "--key-encoding",
                    "hex", *TO_LIBOLM)
    assert back == original.decode()


def test_convert_reuses_the_input_key_and_writes_a_0600_file(tmp_path: Path) -> None:
    src = tmp_path / "account.libolm"
    account = olm.Account()
    same_key = "thirty-two bytes of utf-8 text!!"
    src.write_bytes(account.pickle(same_key))
    out = tmp_path / "account.vodozemac"
    result = olmpy("pickle", "convert", "--type", "account", "--from", "libolm", "--to",
                   "vodozemac", "--key-env", "K", src, "-o", out, K=same_key)
    assert result.code == 0, result.err
    assert result.out == b""
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    loaded = vodozemac.Account.from_pickle(out.read_text().strip(), same_key.encode())
    assert loaded.curve25519_key.to_base64() == account.identity_keys["curve25519"]


# --- inspect ----------------------------------------------------------------------------


def _secret_spellings(secret: bytes) -> list[str]:
    encoded = base64.b64encode(secret).decode()
    return [encoded, encoded.rstrip("="), secret.hex()]


def test_inspect_account_shows_what_python_olm_reports_and_no_secret() -> None:
    account = olm.Account()
    account.generate_one_time_keys(3)
    account.generate_fallback_key()
    text = account.pickle(LIBOLM_KEY).decode()
    info = _inspect("account", "libolm", text, *LIBOLM)
    fallback = next(iter(account.fallback_key["curve25519"].values()))
    assert info == {
        "type": "account", "format": "libolm", "version": 4,
        "curve25519": account.identity_keys["curve25519"],
        "ed25519": account.identity_keys["ed25519"],
        "one_time_keys": 3, "unpublished_one_time_keys": 3,
        "fallback_keys": 1, "unpublished_fallback_key": fallback,
    }
    # the private keys, read from the body through the library: never printed
    body = _libolm.open_sealed(text, LIBOLM_KEY, "test")
    secrets = [body[36:100], body[132:164]]  # Ed25519 expanded, Curve25519 private
    human = _run("pickle", "inspect", "--type", "account", "--format", "libolm", *LIBOLM,
                 stdin=text.encode())
    assert human.code == 0, human.err
    assert account.identity_keys["curve25519"] in human.text()
    assert "one time keys" in human.text() and fallback in human.text()
    for result in (human, _run("pickle", "inspect", "--type", "account", "--format",
                               "libolm", "--json", *LIBOLM, stdin=text.encode())):
        assert not result.shows(LIBOLM_KEY) and not result.shows(text)
        for secret in secrets:
            assert not any(result.shows(s) for s in _secret_spellings(secret))


def test_inspect_published_keys_still_count() -> None:
    account = olm.Account()
    account.generate_one_time_keys(2)
    account.generate_fallback_key()
    account.mark_keys_as_published()
    info = _inspect("account", "libolm", account.pickle(LIBOLM_KEY), *LIBOLM)
    assert (info["one_time_keys"], info["unpublished_one_time_keys"]) == (2, 0)
    assert (info["fallback_keys"], info["unpublished_fallback_key"]) == (1, None)


def test_inspect_sessions_and_pk_show_ids_indexes_and_public_keys() -> None:
    _, _, session = _olm_pair()
    info = _inspect("session", "libolm", session.pickle(LIBOLM_KEY), *LIBOLM)
    assert (info["session_id"], info["has_received_message"]) == (session.id, True)

    outbound = olm.OutboundGroupSession()
    outbound.encrypt("one")
    outbound.encrypt("two")
    info = _inspect("outbound-group", "libolm", outbound.pickle(LIBOLM_KEY), *LIBOLM)
    assert (info["session_id"], info["message_index"], info["version"]) == (outbound.id, 2, 1)
    session_key = outbound.session_key  # a secret: the ratchet at index 2
    inbound = olm.InboundGroupSession(session_key)
    pickled = inbound.pickle(LIBOLM_KEY)
    info = _inspect("inbound-group", "libolm", pickled, *LIBOLM)
    assert (info["session_id"], info["first_known_index"], info["version"]) == (
        inbound.id, 2, 2)
    result = _run("pickle", "inspect", "--type", "inbound-group", "--format", "libolm",
                  *LIBOLM, stdin=pickled)
    assert result.code == 0 and inbound.id in result.text()
    assert not result.shows(session_key) and not result.shows(inbound.export_session(2))

    pk = olm.PkDecryption()
    info = _inspect("pk-decryption", "libolm", pk.pickle(LIBOLM_KEY), *LIBOLM)
    assert info["public_key"] == pk.public_key


def test_inspect_vodozemac_pickles_and_olmpy_auto_type() -> None:
    account = vodozemac.Account()
    info = _inspect("account", "vodozemac", account.pickle(VZ_KEY), *VODOZEMAC)
    assert info["curve25519"] == account.curve25519_key.to_base64()
    assert info["ed25519"] == account.ed25519_key.to_base64()
    group = vodozemac.GroupSession()
    info = _inspect("outbound-group", "vodozemac", group.pickle(VZ_KEY), "--key-env", "VH",
                    "--key-encoding", "hex")
    assert (info["session_id"], info["message_index"]) == (group.session_id, 0)
    olmpy_text = _convert("outbound-group", "vodozemac", "olmpy", group.pickle(VZ_KEY),
                          *VODOZEMAC, *TO_OLMPY)
    info = _inspect("auto", "olmpy", olmpy_text, "--key-env", "PP")
    assert info["type"] == "outbound-group" and info["session_id"] == group.session_id
    assert info["version"] == "1 (scrypt passphrase)"


# --- bad input --------------------------------------------------------------------------


def test_wrong_key_is_exit_3_in_every_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cases = [
        ("libolm", olm.Account().pickle(LIBOLM_KEY).decode(), ("--key-env", "PP")),
        ("vodozemac", vodozemac.Account().pickle(VZ_KEY), ("--key-env", "LK",
                                                           "--key-encoding", "text")),
    ]
    olmpy_text = _convert("account", "libolm", "olmpy", cases[0][1], *LIBOLM, *TO_OLMPY)
    cases.append(("olmpy", olmpy_text, ("--key-env", "LK")))
    cases[1] = ("vodozemac", cases[1][1], ("--key-env", "W", "--key-encoding", "text"))
    for fmt, text, flags in cases:
        result = olmpy("pickle", "convert", "--type", "account", "--from", fmt, "--to",
                       "libolm", *flags, *TO_LIBOLM, "-", "-o", out, stdin=text.encode(),
                       W="thirty-two bytes, but wrong ones", **ENV)
        assert result.code == 3, (fmt, result.err)
        assert "key" in result.err and len(result.err.splitlines()) == 1
        assert not out.exists()
        inspected = olmpy("pickle", "inspect", "--type", "account", "--format", fmt, *flags,
                          stdin=text.encode(), W="thirty-two bytes, but wrong ones", **ENV)
        assert inspected.code == 3, (fmt, inspected.err)


def test_truncated_or_garbage_pickle_is_exit_2_in_one_line() -> None:
    text = olm.Account().pickle(LIBOLM_KEY).decode()
    cut = len(text) // 4 * 4 - 4  # whole base64 quads, so the bytes decode ...
    while cut * 3 // 4 % 16 == 8:  # ... to a length no libolm pickle has
        cut -= 4
    for bad, says in ((text[:cut], "16n + 8"), ("this is not a pickle", "base64"),
                      ("", "empty")):
        result = _run("pickle", "inspect", "--type", "account", "--format", "libolm",
                      *LIBOLM, stdin=bad.encode())
        assert result.code == 2, result.err
        assert says in result.err and len(result.err.splitlines()) == 1
    binary = _run("pickle", "inspect", "--type", "account", "--format", "libolm", *LIBOLM,
                  stdin=b"\xff\xfe\x00")
    assert binary.code == 2 and "not ASCII" in binary.err


def test_wrong_from_format_is_exit_2_naming_the_right_flag() -> None:
    key32 = KEY32
    libolm_text = olm.Account().pickle(key32).decode()
    vz_text = vodozemac.Account().pickle(key32.encode())
    olmpy_text = _convert("account", "libolm", "olmpy", libolm_text, "--key-env", "K32")
    for given, actual, text in (("vodozemac", "libolm", libolm_text),
                                ("libolm", "vodozemac", vz_text),
                                ("libolm", "olmpy", olmpy_text),
                                ("vodozemac", "olmpy", olmpy_text)):
        result = _run("pickle", "convert", "--type", "account", "--from", given, "--to",
                      "olmpy", "--key-env", "K32", stdin=text.encode())
        assert result.code == 2, result.err
        assert f"--from {actual}" in result.err, result.err
        assert result.out == b""
    wrong_type = _run("pickle", "inspect", "--type", "session", "--format", "libolm",
                      "--key-env", "K32", stdin=libolm_text.encode())
    assert wrong_type.code == 2 and "version" in wrong_type.err


def test_type_auto_needs_olmpy_format() -> None:
    text = olm.Account().pickle(LIBOLM_KEY)
    for fmt in ("libolm", "vodozemac"):
        result = _run("pickle", "convert", "--type", "auto", "--from", fmt, "--to", "olmpy",
                      *LIBOLM, stdin=text)
        assert result.code == 2
        assert "--type auto" in result.err and "olmpy" in result.err
        assert "account/session/outbound-group/inbound-group/pk-decryption" in result.err


def test_key_rules_of_each_format_are_exit_2() -> None:
    account = olm.Account()
    text = account.pickle(LIBOLM_KEY)
    # vodozemac takes exactly 32 bytes: LK is longer
    to_vz = _run("pickle", "convert", "--type", "account", "--from", "libolm", "--to",
                 "vodozemac", *LIBOLM, stdin=text)
    assert to_vz.code == 2 and "exactly 32 bytes" in to_vz.err
    # libolm writers want 32 bytes unless --allow-weak-key
    short = ("--new-key-env", "S")
    weak = olmpy("pickle", "convert", "--type", "account", "--from", "libolm", "--to",
                 "libolm", *LIBOLM, *short, stdin=text, S="short", **ENV)
    assert weak.code == 2 and "--allow-weak-key" in weak.err
    allowed = olmpy("pickle", "convert", "--type", "account", "--from", "libolm", "--to",
                    "libolm", *LIBOLM, *short, "--allow-weak-key", stdin=text, S="short",
                    **ENV)
    assert allowed.code == 0, allowed.err
    loaded = olm.Account.from_pickle(allowed.out.strip(), "short")
    assert loaded.identity_keys == account.identity_keys
    bad_hex = _run("pickle", "inspect", "--type", "account", "--format", "vodozemac",
                   "--key-env", "VK", "--key-encoding", "hex", stdin=text)
    assert bad_hex.code == 2 and "hex" in bad_hex.err and not bad_hex.shows(VZ_B64)


def test_files_missing_input_existing_output_force_and_mode(tmp_path: Path) -> None:
    missing = _run("pickle", "inspect", "--type", "account", "--format", "libolm", *LIBOLM,
                   tmp_path / "nope")
    assert missing.code == 2 and "nope" in missing.err
    src = tmp_path / "in"
    src.write_bytes(olm.Account().pickle(LIBOLM_KEY))
    out = tmp_path / "out"
    out.write_text("keep me")
    out.chmod(0o644)
    args = ("pickle", "convert", "--type", "account", "--from", "libolm", "--to", "olmpy",
            *LIBOLM, *TO_OLMPY, src, "-o", out)
    refused = _run(*args)
    assert refused.code == 2 and "--force" in refused.err
    assert out.read_text() == "keep me"
    forced = _run(*args, "--force")
    assert forced.code == 0, forced.err
    assert out.read_text().startswith("T0xNUFk")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_no_key_and_no_terminal_is_exit_2() -> None:
    result = olmpy("pickle", "inspect", "--type", "account", "--format", "libolm",
                   stdin=olm.Account().pickle(LIBOLM_KEY))
    assert result.code == 2 and "no terminal" in result.err


def test_help_lists_pickle_and_the_key_rules() -> None:
    top = olmpy("--help")
    assert top.code == 0 and "pickle" in top.text()
    result = olmpy("pickle", "convert", "--help")
    assert result.code == 0
    assert "exactly 32 bytes" in result.text() and "--allow-weak-key" in result.text()

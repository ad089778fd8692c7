"""Recorded pickles (vectors/pickles.json): every object type in libolm's, vodozemac's and
olmpy's formats loads with the state its writer reported, decrypts messages made after it
was pickled, and (for the peers' deterministic formats) re-exports byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import olmpy

DOC = json.loads((Path(__file__).parent.parent / "vectors" / "pickles.json").read_text())
CLASSES: dict[str, Any] = {
    "account": olmpy.Account,
    "session": olmpy.Session,
    "group_session": olmpy.GroupSession,
    "inbound_group_session": olmpy.InboundGroupSession,
    "pk_decryption": olmpy.PkDecryption,
}
# olmpy-format records of object types the peers' pickle vectors do not cover here.
OLMPY_ONLY = {"pk_decryption"}


def _key(record: dict[str, Any]) -> bytes | str:
    if "key_hex" in record:
        return bytes.fromhex(record["key_hex"])
    return str(record.get("key") or record["passphrase"])


def _load(record: dict[str, Any]) -> Any:
    cls = CLASSES[record["type"]]
    key = _key(record)
    loader = {
        "libolm": cls.from_libolm_pickle,
        "vodozemac": cls.from_vodozemac_pickle,
        "olmpy": cls.from_pickle_with_passphrase if isinstance(key, str) else cls.from_pickle,
    }[record["format"]]
    return loader(record["pickle"], key)


def _export(obj: Any, record: dict[str, Any]) -> str:
    """The object re-exported in its record's peer format, with its record's key (libolm
    records use python-olm's short passphrases, which a writer takes only when told to)."""
    if record["format"] == "libolm":
        text: str = obj.to_libolm_pickle(_key(record), allow_weak_key=True)
    else:
        text = obj.to_vodozemac_pickle(_key(record))
    return text


def test_every_type_in_every_format_is_recorded() -> None:
    seen = {(r["format"], r["type"]) for r in DOC["records"]}
    assert seen == {
        (f, t) for f in ("libolm", "vodozemac", "olmpy") for t in CLASSES
        if f == "olmpy" or t not in OLMPY_ONLY
    }


def test_olmpy_history_is_kept() -> None:
    """The olmpy records are a history (CHANGELOG.md, "Pickles"): 0.1.0's four types stay,
    and the inbound session's extension revision and PkDecryption were added after them."""
    olmpy_records = [(r["library"], r["type"]) for r in DOC["records"] if r["format"] == "olmpy"]
    first = {t for lib, t in olmpy_records if lib == "olmpy 0.1.0"}
    assert first == set(CLASSES) - OLMPY_ONLY
    later = {t for lib, t in olmpy_records if lib != "olmpy 0.1.0"}
    assert {"inbound_group_session", "pk_decryption"} <= later


@pytest.mark.parametrize(
    "record", DOC["records"], ids=lambda r: f"{r['format']}-{r['type']}"
)
def test_recorded_pickle(backend: ModuleType, record: dict[str, Any]) -> None:
    obj = _load(record)
    kind = record["type"]
    if kind == "account":
        assert obj.identity_keys == record["identity_keys"]
        assert obj.sign("abc").to_base64() == record["signature_of_abc"]
        unpublished = sorted(k.to_base64() for k in obj.one_time_keys.values())
        want = record["unpublished_one_time_keys"]
        assert unpublished == sorted(want.values() if isinstance(want, dict) else want)
        if isinstance(want, dict):  # libolm: the ids are the same strings too
            assert {k: v.to_base64() for k, v in obj.one_time_keys.items()} == want
    elif kind == "session":
        assert obj.session_id == record["session_id"]
        for message_type, body, plaintext in record["messages"]:
            message = olmpy.AnyOlmMessage.from_parts(message_type, body)
            assert obj.decrypt(message) == plaintext.encode()
    elif kind == "pk_decryption":
        assert obj.public_key.to_base64() == record["public_key"]
        for ephemeral, mac, ciphertext, plaintext in record["pk_messages"]:
            message = olmpy.PkMessage.from_base64(ciphertext, mac, ephemeral)
            assert obj.decrypt(message) == plaintext.encode()
    elif kind == "group_session":
        assert obj.session_id == record["session_id"]
        assert obj.message_index == record["message_index"]
        assert obj.session_key.to_base64() == record["session_key"]
    else:
        assert obj.session_id == record["session_id"]
        assert obj.first_known_index == record["first_known_index"]
        if "source" in record:  # the extension revision records its provenance
            assert obj.source.name == record["source"]
            assert obj.created_from_signed_key is record["created_from_signed_key"]
        elif record["format"] == "olmpy":  # 0.1.0: no extension, read as in SPEC section 6
            assert obj.source is olmpy.SessionSource.UNKNOWN
            assert obj.created_from_signed_key is False
        for body, plaintext in record["messages"]:
            assert obj.decrypt(body).plaintext == plaintext.encode()
    if record["format"] in ("libolm", "vodozemac") and kind != "session":
        # Peer pickles are deterministic: an unchanged object re-exports byte for byte.
        assert _export(_load(record), record) == record["pickle"]


@pytest.mark.parametrize(
    "record",
    [r for r in DOC["records"] if r["type"] == "session" and r["format"] != "olmpy"],
    ids=lambda r: r["format"],
)
def test_recorded_session_re_exports_byte_for_byte(backend: ModuleType, record: Any) -> None:
    """Before any decrypt changes it, a loaded peer session writes back the same pickle."""
    session = _load(record)
    assert _export(session, record) == record["pickle"]

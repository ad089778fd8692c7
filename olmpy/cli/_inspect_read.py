"""What ``olmpy inspect`` was given: the object recognised, parsed by the library, and its
public fields (never a secret: no ratchet bytes, no attachment key).

JSON is recognised by its members; any other text is base64, decoded and tried as each
binary format in ``BINARY_ORDER`` until one parses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from olmpy import _b64, diagnose
from olmpy.attachments import EncryptedFileInfo
from olmpy.cli._io import fail
from olmpy.errors import OlmpyError
from olmpy.key_export import ExportedRoomKey
from olmpy.megolm import MegolmMessage
from olmpy.olm import AnyOlmMessage, Message, PreKeyMessage
from olmpy.pk import PkMessage
from olmpy.secret_storage import EncryptedSecret

__all__ = [
    "BINARY_ORDER",
    "KINDS",
    "Found",
    "recognise",
]

KINDS = ("olm-pre-key", "olm-message", "megolm-message", "session-key",
         "exported-session-key", "room-key", "backup-entry", "secret", "attachment")
"""The kinds ``--as`` takes."""

BINARY_ORDER = ("session-key", "exported-session-key", "olm-pre-key", "olm-message",
                "megolm-message")
"""The order base64 input is tried in (the first that parses wins)."""

_WHAT = {
    "olm-pre-key": "an Olm pre-key message (type 0)",
    "olm-message": "an Olm normal message (type 1)",
    "megolm-message": "a Megolm message",
    "session-key": "a Megolm session key (m.room_key)",
    "exported-session-key": "an exported Megolm session key",
    "room-key": "an exported room key (a session of a key export)",
    "backup-entry": "a key backup entry (KeyBackupData or its session_data)",
    "secret": "a secret storage secret ({\"encrypted\": ...})",
    "attachment": "an attachment file object (v, key, iv, hashes)",
}

_OLM = "m.olm.v1.curve25519-aes-sha2"


@dataclass
class Found:
    """One recognised object: its kind, whether it was detected (not given with
    ``--as``), the public fields to print, the parsed object for a diagnosis and what the
    surrounding event said (``session_id``, ``recipient_key``)."""

    kind: str
    detected: bool
    fields: dict[str, object]
    obj: Any
    context: dict[str, str] = field(default_factory=dict)


# --- binary forms -----------------------------------------------------------------------


def _message_fields(message: Message | MegolmMessage) -> dict[str, object]:
    f = diagnose.message_fields(message)
    out: dict[str, object] = {"version": f.version}
    if f.ratchet_key is not None:
        out["ratchet_key"] = f.ratchet_key
        out["chain_index"] = f.index
    else:
        out["message_index"] = f.index
    out["ciphertext_length"] = f.ciphertext_length
    out["mac_length"] = f.mac_length
    if f.signature_length:
        out["signature_present"] = True
        out["signature_length"] = f.signature_length
    return out


def _pre_key(raw: bytes) -> tuple[dict[str, object], Any]:
    pre = PreKeyMessage(raw)
    fields: dict[str, object] = {
        "version": raw[0],
        "one_time_key": pre.one_time_key_object.to_base64(),
        "base_key": pre.base_key_object.to_base64(),
        "identity_key": pre.identity_key_object.to_base64(),
        "session_id": pre.session_id(),
    }
    fields.update({f"inner_{k}": v for k, v in _message_fields(pre.message).items()})
    return fields, AnyOlmMessage.pre_key(raw)


def _normal(raw: bytes) -> tuple[dict[str, object], Any]:
    message = Message(raw)
    return _message_fields(message), AnyOlmMessage.normal(raw)


def _megolm(raw: bytes) -> tuple[dict[str, object], Any]:
    message = MegolmMessage(raw)
    return _message_fields(message), message


def _key(raw: bytes, signed: bool) -> tuple[dict[str, object], Any]:
    if bool(raw[:1] == b"\x02") != signed:
        want = "version 0x02 (signed)" if signed else "version 0x01 (exported)"
        got = f"0x{raw[0]:02x}" if raw else "no bytes"
        raise _Mismatch(f"expected {want}, got {got}")
    f = diagnose.session_key_fields(raw)
    fields: dict[str, object] = {"version": f.version, "first_index": f.message_index,
                                 "session_id": f.session_id}
    if f.signed:
        fields["signature_valid"] = f.signature_valid
    return fields, None


class _Mismatch(Exception):
    """Input of another kind than the one being tried."""


_PARSERS: dict[str, Callable[[bytes], tuple[dict[str, object], Any]]] = {
    "session-key": lambda raw: _key(raw, True),
    "exported-session-key": lambda raw: _key(raw, False),
    "olm-pre-key": _pre_key,
    "olm-message": _normal,
    "megolm-message": _megolm,
}


def _binary(text: str, as_kind: str | None) -> Found:
    try:
        raw = _b64.decode_public(text, "input")
    except OlmpyError:
        fail("input: expected base64 text or a JSON object, got text that is neither "
             f"({len(text)} characters, not shown)")
    order = BINARY_ORDER if as_kind is None else (as_kind,)
    if as_kind is not None and as_kind not in _PARSERS:
        fail(f"--as {as_kind}: expected {_WHAT[as_kind]} (JSON), got base64 text")
    errors = []
    for kind in order:
        try:
            fields, obj = _PARSERS[kind](raw)
        except (OlmpyError, _Mismatch) as e:
            errors.append(f"{kind}: {e}")
            continue
        return Found(kind, as_kind is None, fields, obj)
    start = f"starting 0x{raw[0]:02x}" if raw else "(empty)"
    if as_kind is not None:
        fail(f"--as {as_kind}: expected {_WHAT[as_kind]}, got {len(raw)} bytes {start} "
             f"that do not parse as one ({errors[0].split(': ', 1)[1]})")
    fail(f"input: expected a session key, exported session key, Olm or Megolm message, got "
         f"{len(raw)} bytes {start} that parse as none ({'; '.join(errors)})")


# --- JSON forms -------------------------------------------------------------------------


def _shape(doc: Mapping[str, Any]) -> str:
    """The kind a JSON object's members say it is."""
    if isinstance(doc.get("encrypted"), Mapping):
        return "secret"
    if {"v", "key", "hashes"} <= set(doc) or isinstance(doc.get("file"), Mapping):
        return "attachment"
    if "session_data" in doc or "ephemeral" in doc:
        return "backup-entry"
    if isinstance(doc.get("ciphertext"), Mapping):
        return "olm"
    if isinstance(doc.get("ciphertext"), str):
        return "secret" if {"iv", "mac"} <= set(doc) else "megolm-message"
    if "session_key" in doc:
        return "room-key" if "sender_key" in doc else "session-key"
    fail("input: expected the JSON of " + ", ".join(_WHAT[k] for k in KINDS[2:])
         + f", or an m.room.encrypted content, got an object with members "
           f"{sorted(map(str, doc))[:6]}")


def _olm_event(doc: Mapping[str, Any], recipient: str | None) -> Found:
    entries = doc["ciphertext"]
    if recipient is None:
        if len(entries) != 1:
            fail("Olm event ciphertext: expected one recipient or --recipient, got "
                 f"{len(entries)} recipients: {', '.join(sorted(map(str, entries)))}")
        recipient = str(next(iter(entries)))
    entry = entries.get(recipient)
    if not isinstance(entry, Mapping):
        fail(f"Olm event ciphertext: expected an entry for {recipient}, got none")
    kind_code, body = entry.get("type"), entry.get("body")
    if kind_code not in (0, 1) or type(kind_code) is not int or not isinstance(body, str):
        fail("Olm event ciphertext entry: expected {\"type\": 0 or 1, \"body\": base64}, "
             f"got type {kind_code!r} and a body of type {type(body).__name__}")
    kind = "olm-pre-key" if kind_code == 0 else "olm-message"
    raw = _b64.decode_public(body, "Olm message body")
    fields, obj = _PARSERS[kind](raw)
    sender = doc.get("sender_key")
    head: dict[str, object] = {"algorithm": doc.get("algorithm", _OLM), "type": kind_code,
                               "sender_key": sender, "recipient_key": recipient,
                               "recipients": sorted(map(str, entries))}
    if kind == "olm-pre-key":
        head["identity_key_is_sender_key"] = fields["identity_key"] == sender
    return Found(kind, True, {**head, **fields}, obj, {"recipient_key": recipient})


def _megolm_event(doc: Mapping[str, Any]) -> Found:
    raw = _b64.decode_public(doc["ciphertext"], "Megolm message")
    fields, obj = _megolm(raw)
    head: dict[str, object] = {k: doc.get(k) for k in
                               ("algorithm", "session_id", "sender_key", "device_id")}
    session_id = doc.get("session_id")
    context = {"session_id": session_id} if isinstance(session_id, str) else {}
    return Found("megolm-message", True, {**head, **fields}, obj, context)


def _room_key(doc: Mapping[str, Any]) -> Found:
    key = ExportedRoomKey.from_json(doc)
    claimed = key.sender_claimed_keys.get("ed25519")
    fields: dict[str, object] = {
        "room_id": key.room_id, "session_id": key.session_id, "sender_key": key.sender_key,
        "first_known_index": key.first_known_index,
        "forwarding_chain_length": len(key.forwarding_curve25519_key_chain),
        "sender_claimed_ed25519": claimed,
    }
    return Found("room-key", True, fields, key)


def _backup_entry(doc: Mapping[str, Any]) -> Found:
    data = doc.get("session_data", doc)
    pk = PkMessage.from_json(data)
    fields: dict[str, object] = {name: doc.get(name) for name in
                                 ("first_message_index", "forwarded_count", "is_verified")
                                 if name in doc}
    fields.update({"ephemeral": pk.ephemeral_key.to_base64(),
                   "ciphertext_length": len(pk.ciphertext), "mac_length": len(pk.mac)})
    return Found("backup-entry", True, fields, doc)


def _secret(doc: Mapping[str, Any]) -> Found:
    entries = doc.get("encrypted", {"-": doc})
    parsed = {str(k): EncryptedSecret.from_json(v) for k, v in entries.items()}
    if not parsed:
        fail("secret encrypted: expected at least one key id, got an empty object")
    fields: dict[str, object] = {"key_ids": sorted(k for k in parsed if k != "-")}
    for key_id, item in parsed.items():
        where = "" if key_id == "-" else f"{key_id}."
        fields[f"{where}iv"] = _b64.encode_public(item.iv)
        fields[f"{where}ciphertext_length"] = len(item.ciphertext)
        fields[f"{where}mac"] = _b64.encode_public(item.mac)
    return Found("secret", True, fields, parsed)


def _attachment(doc: Mapping[str, Any]) -> Found:
    info_doc = doc["file"] if isinstance(doc.get("file"), Mapping) else doc
    info = EncryptedFileInfo.from_json(info_doc)  # AttachmentError for any defect
    jwk = info_doc["key"]
    fields: dict[str, object] = {
        "v": info.version, "key_alg": jwk.get("alg"), "key_ext": jwk.get("ext"),
        "key_ops": list(jwk.get("key_ops", [])), "iv": _b64.encode_public(info.iv),
        "sha256": _b64.encode_public(info.sha256), "url": info_doc.get("url"),
    }
    return Found("attachment", True, fields, info)


def _session_key_json(doc: Mapping[str, Any]) -> Found:
    text = doc["session_key"]
    if not isinstance(text, str):
        fail(f"session_key: expected a base64 string, got {type(text).__name__}")
    found = _binary(text, None)
    if found.kind not in ("session-key", "exported-session-key"):
        fail(f"session_key: expected a session key, got {_WHAT[found.kind]}")
    found.fields = {k: doc[k] for k in ("room_id",) if k in doc} | found.fields
    return found


def _from_json(doc: Any, as_kind: str | None, recipient: str | None) -> Found:
    if not isinstance(doc, Mapping):
        fail(f"input: expected a JSON object, got a JSON {type(doc).__name__}")
    shape = _shape(doc)
    if shape == "olm":
        found = _olm_event(doc, recipient)
    elif shape == "megolm-message":
        found = _megolm_event(doc)
    elif shape == "session-key":
        found = _session_key_json(doc)
    else:
        found = {"room-key": _room_key, "backup-entry": _backup_entry, "secret": _secret,
                 "attachment": _attachment}[shape](doc)
    if as_kind is not None:
        if as_kind != found.kind:
            fail(f"--as {as_kind}: expected {_WHAT[as_kind]}, got {_WHAT[found.kind]}")
        found.detected = False
    return found


def recognise(data: bytes, as_kind: str | None, *, recipient: str | None = None) -> Found:
    """The object in ``data`` (UTF-8 text: JSON or base64); ``as_kind`` skips detection
    and fails unless the input is of that kind."""
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        fail("input: expected base64 text or JSON, got bytes that are not UTF-8")
    if not text:
        fail("input: expected base64 text or JSON, got nothing")
    if text[0] in "{[":
        try:
            doc = json.loads(text)
        except ValueError as e:
            fail(f"input: expected JSON, got text that does not parse ({e})")
        return _from_json(doc, as_kind, recipient)
    return _binary(text, as_kind)

"""vodozemac's pickle format (SPEC.md section 13).  Internal: the objects'
``to_vodozemac_pickle`` and ``from_vodozemac_pickle`` use it.

vodozemac seals serde JSON exactly as libolm seals its binary pickles (section 11), with a
key of exactly 32 bytes.  Byte strings are JSON arrays of integers; Ed25519 secret keys are
``{"Normal": seed}`` or ``{"Expanded": scalar || prefix}``.
"""

from __future__ import annotations

import json
from typing import Any

from olmpy import _backend
from olmpy.errors import PickleError, UsageError, expected, shown
from olmpy.pickle._libolm import olmpy_hint

__all__ = [
    "U64",
    "array",
    "boolean",
    "byte_array",
    "byte_json",
    "config",
    "field",
    "id_map",
    "integer",
    "obj",
    "open_json",
    "open_sealed",
    "pickle_key",
    "ratchet",
    "ratchet_json",
    "seal",
    "signing_key",
]


def pickle_key(key: bytes) -> bytes:
    """The 32-byte key vodozemac pickles take (UsageError otherwise)."""
    if not isinstance(key, (bytes, bytearray)) or len(key) != 32:
        got = f"{len(key)} bytes" if isinstance(key, (bytes, bytearray)) else type(key).__name__
        raise UsageError("vodozemac pickle key: " + expected("exactly 32 bytes", got))
    return bytes(key)


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def byte_json(data: bytes) -> str:
    """A byte string as it stands in a document before ``seal``: "\\x00" + hex, which
    ``seal`` writes as vodozemac's JSON array of integers."""
    return "\x00" + data.hex()


def seal(document: dict[str, Any], key: bytes) -> str:
    """Encodes ``document`` as compact JSON and seals it as vodozemac does.

    Python's C JSON encoder writes the byte strings as marked hex strings; one native pass
    turns them into integer arrays and seals the result (SPEC.md section 13)."""
    text = _ENCODER.encode(document).encode()
    sealed: str = _backend.impl.pickle_seal_json(pickle_key(key), text)
    return sealed


def open_sealed(text: str, key: bytes, what: str) -> dict[str, Any]:
    """Opens a vodozemac pickle and parses its JSON object; PickleError on any failure.

    The native pass that opens it also turns every array of integers 0..255 into a marked
    hex string, so the parser makes one str per byte string, not one int per byte."""
    if not isinstance(text, (str, bytes)):
        raise UsageError(f"{what}: " + expected("a pickle str", type(text).__name__))
    marked = open_json(text, key, what)
    try:
        document = json.loads(marked)
    except (ValueError, UnicodeDecodeError):
        message = f"{what}: expected JSON, got bytes that do not parse"
        if marked[:1] != b"{":  # libolm's bodies start with a u32 version
            message += " (a libolm pickle loads with from_libolm_pickle)"
        raise PickleError(message) from None
    except RecursionError:
        raise PickleError(f"{what}: expected JSON, got nesting too deep to parse") from None
    if not isinstance(document, dict):
        raise PickleError(f"{what}: " + expected("a JSON object", type(document).__name__))
    _decode_byte_strings(document)
    return document


def open_json(text: str | bytes, key: bytes, what: str) -> bytes:
    """The marked JSON text of a vodozemac pickle (``pickle_open_json``), with a hint when
    the text is an olmpy pickle."""
    try:
        marked: bytes = _backend.impl.pickle_open_json(pickle_key(key), text, what)
    except PickleError:
        hint = olmpy_hint(text, what)
        if hint is not None:
            raise PickleError(hint) from None
        raise
    return marked


def _decode_byte_strings(document: dict[str, Any]) -> None:
    """Replaces the marked byte strings that are values of JSON objects (where vodozemac
    keeps every byte array) by their bytes, with one call to the backend's table-free hex
    decoder for the whole pickle: a call per key would cost more than the decoding.
    Anything else, a crafted string included, is left for ``byte_array`` to judge."""
    nodes: list[dict[str, Any]] = []
    places: list[str] = []
    parts: list[str] = []
    todo: list[Any] = [document]
    for node in todo:
        if type(node) is dict:
            for place, value in node.items():
                kind = type(value)
                if kind is str:
                    # one NUL then hex digits in pairs: made by the native pass (a string
                    # of the input that starts with NUL has a second one)
                    if value[:1] == "\x00" and value[1:2] != "\x00" and len(value) & 1:
                        nodes.append(node)
                        places.append(place)
                        parts.append(value)
                elif kind is dict or kind is list:
                    todo.append(value)
        else:
            todo.extend(value for value in node if type(value) is dict or type(value) is list)
    if not parts:
        return
    joined = "".join(parts)
    if joined.count("\x00") != len(parts):
        return  # not the native pass's: byte_array decodes each and names the bad one
    try:
        data: bytes = _backend.impl.hex_decode(joined.replace("\x00", "").encode("ascii"))
    except (PickleError, UnicodeEncodeError):
        return  # likewise
    offset = 0
    for node, place, value in zip(nodes, places, parts, strict=True):
        end = offset + (len(value) >> 1)
        node[place] = data[offset:end]
        offset = end


def field(document: dict[str, Any], name: str, what: str) -> Any:
    """A required field."""
    if name not in document:
        raise PickleError(f"{what}: expected a field {name!r}, got none")
    return document[name]


def byte_array(value: Any, length: int, what: str) -> bytes:
    """A JSON array of ``length`` integers 0..255 (as ``open_sealed`` leaves it: bytes, or a
    marked hex string) as bytes."""
    if type(value) is bytes:  # decoded by open_sealed
        if len(value) == length:
            return value
        got = f"a list of {len(value)}"
    elif type(value) is str and value[:1] == "\x00":
        try:  # a marked string open_sealed left, or one a crafted document holds
            data: bytes = _backend.impl.hex_decode(value[1:].encode("ascii"))
        except (PickleError, UnicodeEncodeError):
            raise PickleError(f"{what}: " + expected("a list of byte values", "a string")) from None
        if len(data) == length:
            return data
        got = f"a list of {len(data)}"
    elif isinstance(value, list) and len(value) == length:
        try:
            return bytes(value)  # refuses non-integers and values outside 0..255
        except (TypeError, ValueError):
            got = "a list with other values"
    else:
        got = f"a list of {len(value)}" if isinstance(value, list) else type(value).__name__
    raise PickleError(f"{what}: " + expected(f"a list of {length} byte values", got))


def integer(value: Any, limit: int, what: str) -> int:
    """A JSON integer in 0..limit."""
    if type(value) is not int or not 0 <= value <= limit:
        raise PickleError(f"{what}: " + expected(f"an integer in 0..{limit}", shown(value)))
    return value


def ratchet(value: Any, what: str) -> bytes:
    """A Megolm ratchet object as the 132-byte state (R0..R3 || counter)."""
    if not isinstance(value, dict):
        raise PickleError(f"{what}: " + expected("a ratchet object", type(value).__name__))
    inner = byte_array(field(value, "inner", what), 128, what + " ratchet")
    counter = integer(field(value, "counter", what), 0xFFFFFFFF, what + " counter")
    return inner + counter.to_bytes(4, "big")


def ratchet_json(state: bytes) -> dict[str, Any]:
    return {"inner": byte_json(state[:128]), "counter": int.from_bytes(state[128:132], "big")}


def config(document: dict[str, Any], what: str) -> None:
    """Only Megolm v1 sessions are supported (vodozemac's experimental v2 is not)."""
    value = document.get("config", {"version": "V1"})
    if value != {"version": "V1"}:
        version = value.get("version") if isinstance(value, dict) else None
        if isinstance(version, str) and version[:1] != "\x00":
            got = f"version {version[:40]!r}"
        else:
            got = shown(value)
        raise PickleError(f"{what} config: " + expected('{"version": "V1"}', got))


def obj(value: Any, what: str) -> dict[str, Any]:
    """A JSON object."""
    if not isinstance(value, dict):
        raise PickleError(f"{what}: " + expected("a JSON object", type(value).__name__))
    return value


def boolean(value: Any, what: str) -> bool:
    """A JSON boolean."""
    if type(value) is not bool:
        raise PickleError(f"{what}: " + expected("true or false", shown(value)))
    return value


def array(value: Any, limit: int, what: str) -> list[Any]:
    """A JSON array of at most ``limit`` items (vodozemac's bounded arrays)."""
    if not isinstance(value, list) or len(value) > limit:
        got = f"{len(value)} items" if isinstance(value, list) else type(value).__name__
        raise PickleError(f"{what}: " + expected(f"an array of at most {limit} items", got))
    return value


U64 = 0xFFFFFFFFFFFFFFFF


def id_map(value: Any, limit: int, what: str) -> dict[int, bytes]:
    """A JSON object from key ids (decimal u64 strings, as serde writes map keys) to 32-byte
    keys; ids beyond ``limit`` are refused."""
    result: dict[int, bytes] = {}
    for name, key in obj(value, what).items():
        if not (name == "0" or (name[:1] in "123456789" and name.isascii() and name.isdigit())):
            raise PickleError(f"{what}: " + expected("decimal key ids", repr(name)[:40]))
        if len(name) > 20:  # longer than any u64, and int() refuses over 4300 digits
            raise PickleError(f"{what}: " + expected("key ids that fit a u64", name[:40]))
        number = int(name)
        if number > U64:
            raise PickleError(f"{what}: " + expected("key ids that fit a u64", name[:40]))
        if number > limit:
            raise PickleError(f"{what}: " + expected(f"key ids in 0..{limit}", name[:40]))
        if type(key) is bytes and len(key) == 32:  # decoded by open_sealed: the usual case
            result[number] = key
        else:  # byte_array judges it; its message names the id
            result[number] = byte_array(key, 32, f"{what} key {name}")
    return result


def signing_key(value: Any, what: str) -> tuple[str, bytes]:
    """An Ed25519 secret key: ("Normal", 32-byte seed) or ("Expanded", 64-byte key)."""
    if isinstance(value, dict) and len(value) == 1 and "Normal" in value:
        return "Normal", byte_array(value["Normal"], 32, what)
    if isinstance(value, dict) and len(value) == 1 and "Expanded" in value:
        return "Expanded", byte_array(value["Expanded"], 64, what)
    if isinstance(value, dict):
        got = f"an object with the keys {sorted(map(str, value))!r}"[:80]
    else:
        got = shown(value)
    raise PickleError(f"{what}: " + expected('an object with "Normal" or "Expanded"', got))

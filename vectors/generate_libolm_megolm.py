"""Generate vectors/libolm_megolm.json from libolm's own C code, with fixed randomness.

libolm is driven through the raw C API that python-olm ships (the `_libolm` cffi module:
`ffi` and `lib`).  Nothing here is random: an outbound group session takes its 160 bytes
of "randomness" from the caller (`olm_init_outbound_group_session`: 128 bytes become the
Megolm ratchet R0..R3, the next 32 bytes the Ed25519 seed), and everything libolm derives
from them (session key, session id, message ciphertext, MAC, Ed25519 signature, exports)
is deterministic.  Running this script twice gives byte-identical output, and
tests/test_vectors.py re-runs `generate()` in-process and compares with the committed file.

How states libolm cannot reach directly are produced (all by libolm itself):

* A sender at an arbitrary message index: libolm's outbound session always starts at
  index 0 and only moves one step per message.  We pickle a libolm session with
  `olm_pickle_outbound_group_session`, decrypt the pickle (AES-256-CBC + HMAC-SHA-256 with
  keys from HKDF(key, "Pickle")), replace the ratchet and counter fields, re-encrypt and
  load it with `olm_unpickle_outbound_group_session`.  The Ed25519 key pair bytes are the
  ones libolm wrote.
* A ratchet advanced to index t from (R, c): build the 165-byte export 0x01 | c | R | pub,
  load it with `olm_import_inbound_group_session`, then `olm_export_inbound_group_session`
  at t and read bytes 5..133.  libolm only exports t when (t - latest) mod 2**32 < 2**31
  or (t - initial) mod 2**32 < 2**31, and every export moves its "latest" ratchet; targets
  further away are reached through intermediate exports 2**30 apart ("libolm_hops"), which
  is libolm's own advance_to applied in legs.

Every value is also cross-checked against vodozemac where vodozemac has the same
behaviour (it does not wrap message indexes around 2**32 on the receiving side; those
records carry "wrapped": true and are only checked against libolm).

Run: /work/venv/bin/python vectors/generate_libolm_megolm.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.metadata
import json
from pathlib import Path
from typing import Any

import vodozemac
from _libolm import ffi, lib
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "libolm_megolm.json"
PICKLE_KEY = b"olmpy vectors"
U32 = 1 << 32


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------
def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64d(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        text = text.decode("ascii")
    return base64.b64decode(text + "=" * (-len(text) % 4))


def stream(label: str, length: int) -> bytes:
    """Deterministic bytes: SHA-256(label || counter) blocks, counter a u32 big-endian."""
    out = b""
    i = 0
    while len(out) < length:
        out += hashlib.sha256(label.encode() + i.to_bytes(4, "big")).digest()
        i += 1
    return out[:length]


def libolm_version() -> str:
    major, minor, patch = ffi.new("uint8_t*"), ffi.new("uint8_t*"), ffi.new("uint8_t*")
    lib.olm_get_library_version(major, minor, patch)
    return f"{major[0]}.{minor[0]}.{patch[0]}"


class LibolmError(Exception):
    pass


# ---------------------------------------------------------------------------
# libolm pickle envelope (to craft outbound sessions at arbitrary counters)
# ---------------------------------------------------------------------------
def _pickle_keys(key: bytes) -> tuple[bytes, bytes, bytes]:
    okm = HKDF(hashes.SHA256(), 80, None, b"Pickle").derive(key)
    return okm[:32], okm[32:64], okm[64:80]


def pickle_open(pickled: bytes, key: bytes) -> bytes:
    aes_key, mac_key, iv = _pickle_keys(key)
    raw = b64d(pickled)
    ciphertext, mac = raw[:-8], raw[-8:]
    if not hmac.compare_digest(hmac.new(mac_key, ciphertext, hashlib.sha256).digest()[:8], mac):
        raise LibolmError("pickle MAC mismatch")
    dec = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    unpad = padding.PKCS7(128).unpadder()
    return unpad.update(dec.update(ciphertext) + dec.finalize()) + unpad.finalize()


def pickle_seal(plain: bytes, key: bytes) -> bytes:
    aes_key, mac_key, iv = _pickle_keys(key)
    pad = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    ciphertext = enc.update(pad.update(plain) + pad.finalize()) + enc.finalize()
    mac = hmac.new(mac_key, ciphertext, hashlib.sha256).digest()[:8]
    return b64e(ciphertext + mac).encode("ascii")


# ---------------------------------------------------------------------------
# thin wrappers over libolm's group-session C API
# ---------------------------------------------------------------------------
class Outbound:
    def __init__(self, random: bytes) -> None:
        self._buf = ffi.new("char[]", lib.olm_outbound_group_session_size())
        self.ptr = lib.olm_outbound_group_session(self._buf)
        need = lib.olm_init_outbound_group_session_random_length(self.ptr)
        if need != len(random):
            raise LibolmError(f"libolm wants {need} random bytes, got {len(random)}")
        rnd = ffi.new("uint8_t[]", random)
        self._check(lib.olm_init_outbound_group_session(self.ptr, rnd, len(random)))

    def _check(self, ret: int) -> int:
        if ret == lib.olm_error():
            err = lib.olm_outbound_group_session_last_error(self.ptr)
            raise LibolmError(ffi.string(err).decode())
        return ret

    @classmethod
    def at_state(cls, ratchet: bytes, counter: int, seed: bytes) -> Outbound:
        """A libolm sender whose ratchet/counter were set through its own pickle format."""
        session = cls(ratchet + seed)
        raw = bytearray(pickle_open(session.pickle(PICKLE_KEY), PICKLE_KEY))
        # outbound group pickle v1: version u32 | ratchet 128 | counter u32 | pub 32 | priv 64
        if len(raw) != 232 or raw[:4] != b"\x00\x00\x00\x01" or raw[4:132] != ratchet:
            raise LibolmError("unexpected outbound pickle layout")
        raw[132:136] = counter.to_bytes(4, "big")
        session.unpickle(pickle_seal(bytes(raw), PICKLE_KEY), PICKLE_KEY)
        return session

    def pickle(self, key: bytes) -> bytes:
        n = lib.olm_pickle_outbound_group_session_length(self.ptr)
        out = ffi.new("char[]", n)
        kb = ffi.new("char[]", key)
        self._check(lib.olm_pickle_outbound_group_session(self.ptr, kb, len(key), out, n))
        return bytes(ffi.buffer(out, n))

    def unpickle(self, pickled: bytes, key: bytes) -> None:
        kb = ffi.new("char[]", key)
        pb = ffi.new("char[]", pickled)
        self._check(lib.olm_unpickle_outbound_group_session(self.ptr, kb, len(key), pb,
                                                             len(pickled)))

    def state(self) -> tuple[bytes, int]:
        raw = pickle_open(self.pickle(PICKLE_KEY), PICKLE_KEY)
        return raw[4:132], int.from_bytes(raw[132:136], "big")

    @property
    def session_key(self) -> str:
        n = lib.olm_outbound_group_session_key_length(self.ptr)
        out = ffi.new("uint8_t[]", n)
        self._check(lib.olm_outbound_group_session_key(self.ptr, out, n))
        return bytes(ffi.buffer(out, n)).decode("ascii")

    @property
    def session_id(self) -> str:
        n = lib.olm_outbound_group_session_id_length(self.ptr)
        out = ffi.new("uint8_t[]", n)
        self._check(lib.olm_outbound_group_session_id(self.ptr, out, n))
        return bytes(ffi.buffer(out, n)).decode("ascii")

    @property
    def message_index(self) -> int:
        return int(lib.olm_outbound_group_session_message_index(self.ptr))

    def encrypt(self, plaintext: bytes) -> str:
        n = lib.olm_group_encrypt_message_length(self.ptr, len(plaintext))
        out = ffi.new("uint8_t[]", n)
        pt = ffi.new("uint8_t[]", plaintext) if plaintext else ffi.NULL
        written = self._check(lib.olm_group_encrypt(self.ptr, pt, len(plaintext), out, n))
        return bytes(ffi.buffer(out, written)).decode("ascii")


class Inbound:
    def __init__(self) -> None:
        self._buf = ffi.new("char[]", lib.olm_inbound_group_session_size())
        self.ptr = lib.olm_inbound_group_session(self._buf)

    def _check(self, ret: int) -> int:
        if ret == lib.olm_error():
            err = lib.olm_inbound_group_session_last_error(self.ptr)
            raise LibolmError(ffi.string(err).decode())
        return ret

    @classmethod
    def from_session_key(cls, key: str) -> Inbound:
        session = cls()
        kb = ffi.new("uint8_t[]", key.encode("ascii"))
        session._check(lib.olm_init_inbound_group_session(session.ptr, kb, len(key)))
        return session

    @classmethod
    def from_export(cls, export: str) -> Inbound:
        session = cls()
        kb = ffi.new("uint8_t[]", export.encode("ascii"))
        session._check(lib.olm_import_inbound_group_session(session.ptr, kb, len(export)))
        return session

    @property
    def first_known_index(self) -> int:
        return int(lib.olm_inbound_group_session_first_known_index(self.ptr))

    def export(self, index: int) -> str:
        n = lib.olm_export_inbound_group_session_length(self.ptr)
        out = ffi.new("uint8_t[]", n)
        self._check(lib.olm_export_inbound_group_session(self.ptr, out, n, index))
        return bytes(ffi.buffer(out, n)).decode("ascii")

    def decrypt(self, message: str) -> tuple[bytes, int]:
        mb = ffi.new("uint8_t[]", message.encode("ascii"))
        max_len = self._check(lib.olm_group_decrypt_max_plaintext_length(
            self.ptr, mb, len(message)))
        mb = ffi.new("uint8_t[]", message.encode("ascii"))  # the call above destroys its input
        out = ffi.new("uint8_t[]", max(max_len, 1))
        index = ffi.new("uint32_t*")
        n = self._check(lib.olm_group_decrypt(self.ptr, mb, len(message), out, max_len, index))
        return bytes(ffi.buffer(out, n)), int(index[0])


def export_bytes(ratchet: bytes, counter: int, public_key: bytes) -> str:
    """The 165-byte export format 0x01 | counter u32 BE | ratchet | Ed25519 public key."""
    return b64e(b"\x01" + counter.to_bytes(4, "big") + ratchet + public_key)


def ratchet_of_export(export: str) -> tuple[int, bytes, bytes]:
    raw = b64d(export)
    if len(raw) != 165 or raw[0] != 1:
        raise LibolmError("unexpected export layout")
    return int.from_bytes(raw[1:5], "big"), raw[5:133], raw[133:165]


def hops_for(counter: int, target: int) -> list[int]:
    """Intermediate export indexes libolm needs to walk from counter to target."""
    hops = []
    here = counter
    while (target - here) % U32 >= 1 << 31:
        here = (here + (1 << 30)) % U32
        hops.append(here)
    return hops


def libolm_export_at(inbound_factory: Any, counter: int, target: int) -> tuple[str, list[int]]:
    """Export at target from a fresh libolm inbound session, with hops when needed."""
    session = inbound_factory()
    hops = hops_for(counter, target)
    for hop in hops:
        session.export(hop)
    return session.export(target), hops


def libolm_advance(ratchet: bytes, counter: int, target: int, public_key: bytes
                   ) -> tuple[bytes, list[int]]:
    exp = export_bytes(ratchet, counter, public_key)
    out, hops = libolm_export_at(lambda: Inbound.from_export(exp), counter, target)
    index, advanced, _ = ratchet_of_export(out)
    if index != target:
        raise LibolmError("libolm exported a different index")
    return advanced, hops


# ---------------------------------------------------------------------------
# vodozemac cross-checks (same bytes where vodozemac shares libolm's behaviour)
# ---------------------------------------------------------------------------
def vz_export_at(key: str, exported: bool, index: int) -> str | None:
    if exported:
        session = vodozemac.InboundGroupSession.import_session(vodozemac.ExportedSessionKey(key))
    else:
        session = vodozemac.InboundGroupSession(vodozemac.SessionKey(key))
    result = session.export_at(index)
    return None if result is None else result.to_base64()


def vz_decrypt(session_key: str, message: str) -> tuple[bytes, int]:
    session = vodozemac.InboundGroupSession(vodozemac.SessionKey(session_key))
    decrypted = session.decrypt(vodozemac.MegolmMessage.from_base64(message))
    return bytes(decrypted.plaintext), int(decrypted.message_index)


# ---------------------------------------------------------------------------
# the vectors
# ---------------------------------------------------------------------------
RANDOM_INPUTS: list[tuple[str, str, bytes]] = [
    ("counting", "bytes 0x00, 0x01, ..., 0x9f", bytes(range(160))),
    ("zeros", "160 zero bytes", bytes(160)),
    ("ones", "160 bytes of 0xff", b"\xff" * 160),
    ("sha256-stream", "SHA-256(b'olmpy libolm megolm vector' || u32 BE i), i = 0..4, "
     "concatenated, first 160 bytes", stream("olmpy libolm megolm vector", 160)),
]

PLAINTEXTS: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("1-byte", b"!"),
    ("15-bytes", b"fifteen bytes.."),
    ("16-bytes", b"sixteen bytes..."),
    ("17-bytes", b"seventeen bytes.."),
    ("non-utf8", b"\xff\xfe\x00\x80\xc3\x28\xed\xa0\x80"),
    ("event-json", b'{"type":"m.room.message","content":{"msgtype":"m.text",'
     b'"body":"hi \xe2\x9c\x93"},"room_id":"!room:example.org"}'),
    ("4099-bytes", stream("olmpy big plaintext", 4099)),
]

# (label, start counter, how many messages): senders started at these indexes cross the
# boundaries where more than R3 is rehashed (and the u32 wrap-around).
CRAFTED_STARTS: list[tuple[str, int, int]] = [
    ("r2-boundary", 0xFE, 4),          # 254, 255, 256, 257
    ("r1-boundary", 0xFFFE, 4),        # ... 65536 ...
    ("r0-boundary", 0xFFFFFE, 4),      # ... 2**24 ...
    ("r0-step", 0x12FFFFFF, 2),
    ("half-range", 0x7FFFFFFE, 4),     # crosses 2**31
    ("u32-wrap", 0xFFFFFFFE, 4),       # 0xfffffffe, 0xffffffff, 0, 1
]

EXPORT_INDEXES = [0, 1, 2, 255, 256, 257, 0xFFFF, 0x10000, 0x10001, 0xFFFFFF, 0x1000000,
                  0x1000001, 0x12345678, 0x7FFFFFFF, 0x80000000, 0xFFFFFF00, 0xFFFFFFFE,
                  0xFFFFFFFF]

# exports taken after importing an export at 0xffffff00: these wrap around 2**32
WRAP_BASE = 0xFFFFFF00
WRAP_EXPORT_INDEXES = [0xFFFFFF00, 0xFFFFFFFF, 0, 1, 0xFF, 0x100, 0x10000, 0x7FFFFEFF]

ADVANCE_CASES: list[tuple[str, int, int]] = [
    ("same-index", 0, 0),
    ("one-step", 0, 1),
    ("to-255", 0, 0xFF),
    ("to-256", 0, 0x100),
    ("255-to-256", 0xFF, 0x100),
    ("to-257", 0, 0x101),
    ("to-65536", 0, 0x10000),
    ("65535-to-65536", 0xFFFF, 0x10000),
    ("to-2^24", 0, 0x1000000),
    ("2^24-1-to-2^24", 0xFFFFFF, 0x1000000),
    ("arbitrary", 0x12345678, 0x23456789),
    ("arbitrary-small", 0x12345678, 0x12345679),
    ("to-2^31-1", 0, 0x7FFFFFFF),
    ("to-u32-max", 0, 0xFFFFFFFF),
    ("wrap-one-step", 0xFFFFFFFF, 0),
    ("wrap-ffffff00-to-100", 0xFFFFFF00, 0x100),
    ("wrap-fffffff0-to-10", 0xFFFFFFF0, 0x10),
    ("wrap-80000000-to-7fffffff", 0x80000000, 0x7FFFFFFF),
    ("wrap-same-top-byte", 0x05000010, 0x05000005),
    ("wrap-to-zero", 0xABCDEF01, 0),
]


def hex_pt(pt: bytes) -> str:
    return pt.hex()


def make_session(label: str, how: str, random: bytes, with_exports: bool) -> dict[str, Any]:
    out = Outbound(random)
    ratchet, seed = random[:128], random[128:160]
    key0 = out.session_key
    raw_key = b64d(key0)
    public_key = raw_key[133:165]
    record: dict[str, Any] = {
        "id": f"init-{label}",
        "construction": "olm_init_outbound_group_session(random)",
        "random": random.hex(),
        "random_description": how,
        "ratchet": ratchet.hex(),
        "counter": 0,
        "ed25519_seed": seed.hex(),
        "ed25519_public": public_key.hex(),
        "session_id": out.session_id,
        "session_key": key0,
        "messages": [],
    }
    assert raw_key[5:133] == ratchet and out.session_id == b64e(public_key)
    for name, pt in PLAINTEXTS:
        index = out.message_index
        message = out.encrypt(pt)
        record["messages"].append(
            {"index": index, "plaintext_label": name, "plaintext": hex_pt(pt),
             "message": message, "wrapped": False})
    record["session_key_after"] = out.session_key
    record["message_index_after"] = out.message_index
    check_messages(record)
    if with_exports:
        exports = []
        for index in EXPORT_INDEXES:
            exp, hops = libolm_export_at(lambda: Inbound.from_session_key(key0), 0, index)
            got_index, adv, pub = ratchet_of_export(exp)
            assert got_index == index and pub == public_key
            # vodozemac exports any index >= first known index: it must agree byte for byte
            assert vz_export_at(key0, False, index) == exp, (label, index)
            exports.append({"index": index, "export": exp, "ratchet": adv.hex(),
                            "libolm_hops": hops, "wrapped": False})
        record["exports"] = exports
    return record


def check_messages(record: dict[str, Any]) -> None:
    """Both libolm and (for unwrapped indexes) vodozemac decrypt every message recorded."""
    inbound = Inbound.from_session_key(record["session_key"])
    for m in record["messages"]:
        pt, index = inbound.decrypt(m["message"])
        assert (pt.hex(), index) == (m["plaintext"], m["index"]), (record["id"], m["index"])
        if not m["wrapped"]:
            assert vz_decrypt(record["session_key"], m["message"]) == (pt, index)


def make_crafted(base: dict[str, Any], label: str, start: int, count: int) -> dict[str, Any]:
    seed = bytes.fromhex(base["ed25519_seed"])
    public_key = bytes.fromhex(base["ed25519_public"])
    ratchet0 = bytes.fromhex(base["ratchet"])
    ratchet, hops = libolm_advance(ratchet0, 0, start, public_key)
    out = Outbound.at_state(ratchet, start, seed)
    assert out.message_index == start and out.session_id == base["session_id"]
    record: dict[str, Any] = {
        "id": f"{base['id']}-at-{label}",
        "construction": "libolm outbound session pickled, ratchet and counter replaced in the "
                        "decrypted pickle, unpickled (olm_unpickle_outbound_group_session)",
        "derived_from": base["id"],
        "derived_with_libolm_hops": hops,
        "ratchet": ratchet.hex(),
        "counter": start,
        "ed25519_seed": seed.hex(),
        "ed25519_public": public_key.hex(),
        "session_id": out.session_id,
        "session_key": out.session_key,
        "messages": [],
    }
    assert b64d(record["session_key"])[5:133] == ratchet
    plaintexts = [PLAINTEXTS[i % len(PLAINTEXTS)] for i in (6, 0, 4, 5)][:count]
    for name, pt in plaintexts:
        index = out.message_index
        message = out.encrypt(pt)
        record["messages"].append(
            {"index": index, "plaintext_label": name, "plaintext": hex_pt(pt),
             "message": message, "wrapped": index < start})
    record["session_key_after"] = out.session_key
    record["message_index_after"] = out.message_index
    # one libolm encryption per step: the sender's ratchet must equal libolm's advance_to
    after, counter_after = out.state()
    assert counter_after == out.message_index
    assert libolm_advance(ratchet, start, counter_after, public_key)[0] == after
    check_messages(record)
    return record


def make_wrap_exports(base: dict[str, Any]) -> dict[str, Any]:
    public_key = bytes.fromhex(base["ed25519_public"])
    ratchet0 = bytes.fromhex(base["ratchet"])
    ratchet, hops = libolm_advance(ratchet0, 0, WRAP_BASE, public_key)
    start = export_bytes(ratchet, WRAP_BASE, public_key)
    exports = []
    for index in WRAP_EXPORT_INDEXES:
        exp, more = libolm_export_at(lambda: Inbound.from_export(start), WRAP_BASE, index)
        got, adv, _ = ratchet_of_export(exp)
        assert got == index
        wrapped = index < WRAP_BASE
        if not wrapped:
            assert vz_export_at(start, True, index) == exp
        exports.append({"index": index, "export": exp, "ratchet": adv.hex(),
                        "libolm_hops": more, "wrapped": wrapped})
    return {
        "id": f"{base['id']}-imported-at-ffffff00",
        "derived_from": base["id"],
        "derived_with_libolm_hops": hops,
        "import": start,
        "first_known_index": WRAP_BASE,
        "exports": exports,
    }


def make_advances() -> list[dict[str, Any]]:
    public_key = b64d(Outbound(bytes(range(160))).session_id)
    cases = []
    for n, (label, counter, target) in enumerate(ADVANCE_CASES):
        ratchet = stream(f"olmpy advance vector {n}", 128)
        expected, hops = libolm_advance(ratchet, counter, target, public_key)
        wrapped = target < counter
        if not wrapped:
            exp = vz_export_at(export_bytes(ratchet, counter, public_key), True, target)
            assert exp is not None and ratchet_of_export(exp)[1] == expected, label
        cases.append({
            "id": label,
            "ratchet": ratchet.hex(),
            "ratchet_description": f"first 128 bytes of the SHA-256 stream "
                                   f"'olmpy advance vector {n}'",
            "counter": counter,
            "target": target,
            "expected": expected.hex(),
            "libolm_hops": hops,
            "wrapped": wrapped,
        })
    # libolm's outbound sender, stepped one message at a time across the u32 wrap, must land
    # on the same ratchet as the import/export route for the case the brief singles out.
    ratchet = stream("olmpy advance vector wrap walk", 128)
    out = Outbound.at_state(ratchet, 0xFFFFFF00, bytes(32))
    for _ in range(0x200):
        out.encrypt(b"")
    walked, counter = out.state()
    assert counter == 0x100
    expected, hops = libolm_advance(ratchet, 0xFFFFFF00, 0x100, b64d(out.session_id))
    assert expected == walked
    cases.append({
        "id": "wrap-walk-ffffff00-to-100",
        "ratchet": ratchet.hex(),
        "ratchet_description": "first 128 bytes of the SHA-256 stream "
                               "'olmpy advance vector wrap walk'",
        "counter": 0xFFFFFF00,
        "target": 0x100,
        "expected": expected.hex(),
        "libolm_hops": hops,
        "wrapped": True,
        "note": "also checked against 512 single-step encryptions of a libolm outbound session",
    })
    return cases


def generate() -> dict[str, Any]:
    """Build the whole document (deterministic: same libolm, same bytes)."""
    sessions = []
    for label, how, random in RANDOM_INPUTS:
        sessions.append(make_session(label, how, random,
                                     with_exports=label in ("counting", "sha256-stream")))
    crafted = []
    for base in (sessions[0], sessions[3]):
        for label, start, count in CRAFTED_STARTS:
            crafted.append(make_crafted(base, label, start, count))
    return {
        "description": "Megolm (m.megolm.v1.aes-sha2) vectors produced by libolm with fixed "
                       "caller-supplied randomness. See vectors/README.md.",
        "generator": "vectors/generate_libolm_megolm.py",
        "libolm_version": libolm_version(),
        "python_olm_version": importlib.metadata.version("python-olm"),
        "vodozemac_python_version": importlib.metadata.version("vodozemac"),
        "encoding": "hex for raw bytes (random, ratchet, ed25519_*, plaintext); unpadded "
                    "standard base64 for session keys, exports and messages, as libolm "
                    "writes them",
        "pickle_key_used_for_crafting": PICKLE_KEY.decode(),
        "sessions": sessions + crafted,
        "wrap_exports": [make_wrap_exports(sessions[0]), make_wrap_exports(sessions[3])],
        "advance": make_advances(),
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def main() -> None:
    OUTPUT.write_text(render(generate()), encoding="utf-8")
    print("wrote", OUTPUT.relative_to(HERE.parent))


if __name__ == "__main__":
    main()

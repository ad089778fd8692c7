"""Generate vectors/libolm_olm.json from libolm's own C code, with fixed randomness.

libolm is driven through the raw C API that python-olm ships (the `_libolm` cffi module:
`ffi` and `lib`).  Every libolm call that needs randomness takes it from the caller, so
each party gets a fixed "random tape" (SHA-256 blocks of a label) and everything libolm
derives from it (identity keys, one-time keys, session ids, pre-key and normal messages)
is deterministic.  Running this script twice gives byte-identical output;
tests/test_olm_vectors.py re-runs `generate()` in-process and compares with the file.

How libolm consumes randomness is not assumed but checked here, on every run, against
public keys computed with PyNaCl (libsodium) from the bytes handed to libolm:

* olm_create_account: 64 bytes; 0..31 are the Ed25519 seed, 32..63 the Curve25519 secret.
* olm_account_generate_one_time_keys(n): 32 * n bytes, key i (id i + 1 in a counter the
  account keeps) from bytes 32 i .. 32 i + 31.
* olm_account_generate_fallback_key: 32 bytes; its id comes from the same counter.
* olm_create_outbound_session: 64 bytes; 0..31 the base key E_A, 32..63 Alice's first
  ratchet key (it appears in the inner message of her first pre-key message).
* olm_encrypt: 32 bytes when the session starts a new sender chain (the new ratchet key),
  otherwise olm_encrypt_random_length is 0 and nothing is consumed.

Every message libolm writes is also decrypted by an independent reference written here
(3DH with PyNaCl, HKDF/HMAC/AES with pyca/cryptography and hmac, protobuf-style parsing by
hand) from the known secrets; the intermediate values (3DH shared secrets, root and chain
keys, message keys, AES key / HMAC key / IV, MAC) are recorded, and a run aborts unless the
reference reproduces libolm's plaintext, MAC and session id.

Run: /work/venv/bin/python vectors/generate_libolm_olm.py
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.metadata
import json
from pathlib import Path
from typing import Any

from _libolm import ffi, lib
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl import bindings as sodium

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "libolm_olm.json"


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


def x25519_public(secret: bytes) -> bytes:
    return bytes(sodium.crypto_scalarmult_base(secret))


def x25519(secret: bytes, public: bytes) -> bytes:
    return bytes(sodium.crypto_scalarmult(secret, public))


def ed25519_public(seed: bytes) -> bytes:
    return bytes(sodium.crypto_sign_seed_keypair(seed)[0])


def hkdf(salt: bytes | None, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(hashes.SHA256(), length, salt, info).derive(ikm)


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def aes_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    unpad = padding.PKCS7(128).unpadder()
    return unpad.update(dec.update(ciphertext) + dec.finalize()) + unpad.finalize()


class LibolmError(Exception):
    pass


class Tape:
    """A party's fixed randomness: each call gets fresh bytes and is logged in order."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.calls: list[dict[str, Any]] = []

    def take(self, call: str, length: int) -> bytes:
        data = stream(f"{self.label}/{len(self.calls)}", length) if length else b""
        self.calls.append({"call": call, "length": length, "random": data.hex()})
        return data

    def record(self) -> dict[str, Any]:
        return {
            "description": f"call k gets the first `length` bytes of the SHA-256 stream "
            f"'{self.label}/k' (k = 0, 1, ...)",
            "calls": self.calls,
            "after_account": "".join(c["random"] for c in self.calls[1:]),
        }


# ---------------------------------------------------------------------------
# thin wrappers over libolm's account and session C API
# ---------------------------------------------------------------------------
def _out(length: int) -> Any:
    return ffi.new("uint8_t[]", max(length, 1))


def _in(data: bytes) -> Any:
    return ffi.new("uint8_t[]", data if data else b"\x00")


class Account:
    def __init__(self, random: bytes) -> None:
        self._buf = ffi.new("char[]", lib.olm_account_size())
        self.ptr = lib.olm_account(self._buf)
        need = lib.olm_create_account_random_length(self.ptr)
        if need != len(random):
            raise LibolmError(f"libolm wants {need} random bytes, got {len(random)}")
        self._check(lib.olm_create_account(self.ptr, _in(random), len(random)))

    def _check(self, ret: int) -> int:
        if ret == lib.olm_error():
            raise LibolmError(ffi.string(lib.olm_account_last_error(self.ptr)).decode())
        return int(ret)

    def _text(self, fn: Any, length_fn: Any) -> str:
        n = length_fn(self.ptr)
        out = _out(n)
        self._check(fn(self.ptr, out, n))
        return bytes(ffi.buffer(out, n)).decode("ascii")

    @property
    def identity_keys_json(self) -> str:
        return self._text(lib.olm_account_identity_keys, lib.olm_account_identity_keys_length)

    @property
    def one_time_keys_json(self) -> str:
        return self._text(lib.olm_account_one_time_keys, lib.olm_account_one_time_keys_length)

    @property
    def fallback_key_json(self) -> str:
        return self._text(
            lib.olm_account_unpublished_fallback_key,
            lib.olm_account_unpublished_fallback_key_length,
        )

    def otk_random_length(self, n: int) -> int:
        return int(lib.olm_account_generate_one_time_keys_random_length(self.ptr, n))

    def fallback_random_length(self) -> int:
        return int(lib.olm_account_generate_fallback_key_random_length(self.ptr))

    def generate_one_time_keys(self, n: int, random: bytes) -> None:
        self._check(lib.olm_account_generate_one_time_keys(self.ptr, n, _in(random), len(random)))

    def generate_fallback_key(self, random: bytes) -> None:
        self._check(lib.olm_account_generate_fallback_key(self.ptr, _in(random), len(random)))

    def remove_one_time_keys(self, session: Session) -> None:
        self._check(lib.olm_remove_one_time_keys(self.ptr, session.ptr))


class Session:
    def __init__(self) -> None:
        self._buf = ffi.new("char[]", lib.olm_session_size())
        self.ptr = lib.olm_session(self._buf)

    def _check(self, ret: int) -> int:
        if ret == lib.olm_error():
            raise LibolmError(ffi.string(lib.olm_session_last_error(self.ptr)).decode())
        return int(ret)

    @classmethod
    def outbound(
        cls, account: Account, identity_key: str, one_time_key: str, random: bytes
    ) -> Session:
        session = cls()
        need = lib.olm_create_outbound_session_random_length(session.ptr)
        if need != len(random):
            raise LibolmError(f"libolm wants {need} random bytes, got {len(random)}")
        ik, otk = identity_key.encode(), one_time_key.encode()
        session._check(
            lib.olm_create_outbound_session(
                session.ptr,
                account.ptr,
                _in(ik),
                len(ik),
                _in(otk),
                len(otk),
                _in(random),
                len(random),
            )
        )
        return session

    @classmethod
    def inbound(cls, account: Account, body: str) -> Session:
        session = cls()
        msg = body.encode()
        session._check(
            lib.olm_create_inbound_session(session.ptr, account.ptr, _in(msg), len(msg))
        )  # destroys its input
        return session

    @property
    def session_id(self) -> str:
        n = lib.olm_session_id_length(self.ptr)
        out = _out(n)
        self._check(lib.olm_session_id(self.ptr, out, n))
        return bytes(ffi.buffer(out, n)).decode("ascii")

    def encrypt_random_length(self) -> int:
        return int(lib.olm_encrypt_random_length(self.ptr))

    def encrypt(self, plaintext: bytes, random: bytes) -> tuple[int, str]:
        if len(random) != self.encrypt_random_length():
            raise LibolmError("wrong amount of randomness for olm_encrypt")
        kind = self._check(lib.olm_encrypt_message_type(self.ptr))
        n = lib.olm_encrypt_message_length(self.ptr, len(plaintext))
        out = _out(n)
        written = self._check(
            lib.olm_encrypt(
                self.ptr, _in(plaintext), len(plaintext), _in(random), len(random), out, n
            )
        )
        return kind, bytes(ffi.buffer(out, written)).decode("ascii")

    def decrypt(self, kind: int, body: str) -> bytes:
        msg = body.encode()
        max_len = self._check(
            lib.olm_decrypt_max_plaintext_length(self.ptr, kind, _in(msg), len(msg))
        )
        out = _out(max_len)
        n = self._check(lib.olm_decrypt(self.ptr, kind, _in(msg), len(msg), out, max_len))
        return bytes(ffi.buffer(out, n))


# ---------------------------------------------------------------------------
# an independent reference: message parsing and the Olm key schedule
# ---------------------------------------------------------------------------
def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def parse_fields(data: bytes) -> dict[int, Any]:
    """Version byte 0x03, then protobuf-style fields (wire types 0 and 2 only)."""
    assert data[0] == 3, "Olm message version"
    fields: dict[int, Any] = {}
    pos = 1
    while pos < len(data):
        tag, pos = read_varint(data, pos)
        if tag & 7 == 0:
            fields[tag >> 3], pos = read_varint(data, pos)
        elif tag & 7 == 2:
            length, pos = read_varint(data, pos)
            fields[tag >> 3] = data[pos : pos + length]
            pos += length
        else:
            raise AssertionError(f"unexpected wire type in tag {tag:#x}")
    return fields


def parse_normal(raw: bytes) -> dict[str, Any]:
    body, mac = raw[:-8], raw[-8:]
    fields = parse_fields(body)
    return {
        "ratchet_key": fields[1],
        "chain_index": fields[2],
        "ciphertext": fields[4],
        "mac": mac,
        "authenticated": body,
    }


def parse_prekey(raw: bytes) -> dict[str, Any]:
    fields = parse_fields(raw)
    return {
        "one_time_key": fields[1],
        "base_key": fields[2],
        "identity_key": fields[3],
        "message": fields[4],
    }


def message_keys(chain_key: bytes) -> dict[str, bytes]:
    message_key = hmac_sha256(chain_key, b"\x01")
    okm = hkdf(None, message_key, b"OLM_KEYS", 80)
    return {
        "message_key": message_key,
        "aes_key": okm[:32],
        "mac_key": okm[32:64],
        "iv": okm[64:80],
    }


class Reference:
    """Knows every secret of one exchange; follows the chains as libolm's messages show them."""

    def __init__(
        self,
        alice_identity: bytes,
        bob_identity: bytes,
        bob_one_time: bytes,
        base: bytes,
        first_ratchet: bytes,
    ) -> None:
        ia, ib = x25519_public(alice_identity), x25519_public(bob_identity)
        ea, eb = x25519_public(base), x25519_public(bob_one_time)
        s1 = x25519(alice_identity, eb)
        s2 = x25519(base, ib)
        s3 = x25519(base, eb)
        # Bob's side computes the same three values with his secrets
        assert (s1, s2, s3) == (
            x25519(bob_one_time, ia),
            x25519(bob_identity, ea),
            x25519(bob_one_time, ea),
        )
        okm = hkdf(None, s1 + s2 + s3, b"OLM_ROOT", 64)
        self.x3dh = {
            "alice_identity_public": ia.hex(),
            "alice_base_public": ea.hex(),
            "bob_identity_public": ib.hex(),
            "bob_one_time_public": eb.hex(),
            "shared_ia_eb": s1.hex(),
            "shared_ea_ib": s2.hex(),
            "shared_ea_eb": s3.hex(),
            "hkdf_olm_root_okm": okm.hex(),
            "root_key": okm[:32].hex(),
            "chain_key": okm[32:].hex(),
        }
        self.session_id = b64e(hashlib.sha256(ia + ea + eb).digest())
        self.prekey_fields = {"one_time_key": eb, "base_key": ea, "identity_key": ia}
        self.chains: list[dict[str, Any]] = [
            {
                "chain": 0,
                "owner": "alice",
                "ratchet_secret": first_ratchet,
                "ratchet_public": x25519_public(first_ratchet),
                "root_key": okm[:32],
                "chain_key": okm[32:],
                "derivation": "HKDF(0, S, 'OLM_ROOT', 64)[32:64]",
            }
        ]

    def chain_for(self, sender: str, ratchet_key: bytes, random: bytes) -> dict[str, Any]:
        for chain in self.chains:
            if chain["ratchet_public"] == ratchet_key:
                assert chain["owner"] == sender and not random, "known chain, no randomness"
                return chain
        last = self.chains[-1]
        # a new sender chain: strictly alternating, made from the 32 bytes olm_encrypt took
        assert last["owner"] != sender and len(random) == 32, "new chain needs 32 bytes"
        assert x25519_public(random) == ratchet_key, "ratchet key = public of the random"
        dh = x25519(random, last["ratchet_public"])
        okm = hkdf(last["root_key"], dh, b"OLM_RATCHET", 64)
        chain = {
            "chain": len(self.chains),
            "owner": sender,
            "ratchet_secret": random,
            "ratchet_public": ratchet_key,
            "ratchet_dh": dh,
            "root_key": okm[:32],
            "chain_key": okm[32:],
            "derivation": f"HKDF(root_key of chain {last['chain']}, X25519(ratchet_secret, "
            f"ratchet_public of chain {last['chain']}), 'OLM_RATCHET', 64)",
        }
        self.chains.append(chain)
        return chain

    def check(
        self, sender: str, kind: int, body: str, random: bytes, plaintext: bytes
    ) -> dict[str, Any]:
        """Decrypt libolm's message with reference keys; return the intermediate values."""
        raw = b64d(body)
        derived: dict[str, Any] = {}
        if kind == 0:
            outer = parse_prekey(raw)
            for name, value in self.prekey_fields.items():
                assert outer[name] == value, f"pre-key field {name}"
            raw = outer["message"]
            derived["inner_message"] = raw.hex()
        else:
            assert kind == 1
        msg = parse_normal(raw)
        chain = self.chain_for(sender, msg["ratchet_key"], random)
        chain_key = chain["chain_key"]
        for _ in range(msg["chain_index"]):
            chain_key = hmac_sha256(chain_key, b"\x02")
        keys = message_keys(chain_key)
        assert hmac_sha256(keys["mac_key"], msg["authenticated"])[:8] == msg["mac"], "MAC"
        got = aes_cbc_decrypt(keys["aes_key"], keys["iv"], msg["ciphertext"])
        assert got == plaintext, "reference decryption"
        derived.update(
            {
                "chain": chain["chain"],
                "chain_index": msg["chain_index"],
                "ratchet_key": msg["ratchet_key"].hex(),
                "chain_key": chain_key.hex(),
                **{k: v.hex() for k, v in keys.items()},
                "ciphertext": msg["ciphertext"].hex(),
                "mac": msg["mac"].hex(),
            }
        )
        return derived

    def chains_record(self) -> list[dict[str, Any]]:
        return [
            {k: (v.hex() if isinstance(v, bytes) else v) for k, v in c.items()} for c in self.chains
        ]


# ---------------------------------------------------------------------------
# one party: a libolm account plus its tape, with the randomness checks
# ---------------------------------------------------------------------------
class Party:
    def __init__(self, exchange: str, name: str) -> None:
        self.name = name
        self.tape = Tape(f"olmpy libolm olm vector/{exchange}/{name}")
        random = self.tape.take("olm_create_account", 64)
        self.account = Account(random)
        self.ed25519_seed, self.curve25519_secret = random[:32], random[32:]
        keys = json.loads(self.account.identity_keys_json)
        # randomness layout of olm_create_account, established against libsodium
        assert keys["ed25519"] == b64e(ed25519_public(self.ed25519_seed))
        assert keys["curve25519"] == b64e(x25519_public(self.curve25519_secret))
        self.identity_keys = keys
        self.one_time_secrets: dict[str, bytes] = {}
        self.session: Session | None = None

    def generate_one_time_keys(self, n: int) -> list[str]:
        assert self.account.otk_random_length(n) == 32 * n
        before = set(json.loads(self.account.one_time_keys_json)["curve25519"])
        random = self.tape.take(f"olm_account_generate_one_time_keys({n})", 32 * n)
        self.account.generate_one_time_keys(n, random)
        keys = json.loads(self.account.one_time_keys_json)["curve25519"]
        new = sorted(set(keys) - before, key=lambda k: int.from_bytes(b64d(k), "big"))
        assert len(new) == n
        for i, key_id in enumerate(new):  # key i from bytes 32 i .. 32 i + 31, ids in order
            secret = random[32 * i : 32 * i + 32]
            assert keys[key_id] == b64e(x25519_public(secret)), (self.name, key_id)
            self.one_time_secrets[key_id] = secret
        return new

    def generate_fallback_key(self) -> str:
        assert self.account.fallback_random_length() == 32
        random = self.tape.take("olm_account_generate_fallback_key", 32)
        self.account.generate_fallback_key(random)
        ((key_id, public),) = json.loads(self.account.fallback_key_json)["curve25519"].items()
        assert public == b64e(x25519_public(random))
        self.one_time_secrets[key_id] = random
        return key_id

    def account_record(self) -> dict[str, Any]:
        return {
            "create_account_random": self.tape.calls[0]["random"],
            "ed25519_seed": self.ed25519_seed.hex(),
            "curve25519_secret": self.curve25519_secret.hex(),
            "identity_keys": self.identity_keys,
            "identity_keys_json": self.account.identity_keys_json,
        }


PLAINTEXTS: dict[str, bytes] = {
    "hello": b"Hello, Bob!",
    "empty": b"",
    "non-utf8": b"\xff\xfe\x00\x80\xc3\x28\xed\xa0\x80",
    "reply-1": b"Hi Alice",
    "reply-2": b"sixteen bytes...",
    "event-json": b'{"type":"m.room_key","content":{"algorithm":"m.megolm.v1.aes-sha2",'
    b'"room_id":"!room:example.org","body":"\xe2\x9c\x93"}}',
    "one-byte": b"!",
    "long": stream("olmpy olm long plaintext", 1000),
    "seventeen": b"seventeen bytes..",
}


class Exchange:
    """Alice and Bob, driven by a script of events; every message checked by Reference."""

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description
        self.alice = Party(name, "alice")
        self.bob = Party(name, "bob")
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.reference: Reference | None = None
        self.extra: dict[str, Any] = {}

    def party(self, name: str) -> Party:
        return self.alice if name == "alice" else self.bob

    def start(self, key_id: str, fallback: bool) -> None:
        bob_keys = json.loads(
            self.bob.account.fallback_key_json if fallback else self.bob.account.one_time_keys_json
        )["curve25519"]
        random = self.alice.tape.take("olm_create_outbound_session", 64)
        self.alice.session = Session.outbound(
            self.alice.account, self.bob.identity_keys["curve25519"], bob_keys[key_id], random
        )
        self.reference = Reference(
            self.alice.curve25519_secret,
            self.bob.curve25519_secret,
            self.bob.one_time_secrets[key_id],
            random[:32],
            random[32:],
        )
        assert self.alice.session.session_id == self.reference.session_id
        self.extra.update(
            {
                "bob_key_id": key_id,
                "bob_key": bob_keys[key_id],
                "bob_key_is_fallback": fallback,
                "outbound_random": random.hex(),
                "base_key_secret": random[:32].hex(),
                "first_ratchet_secret": random[32:].hex(),
                "session_id": self.reference.session_id,
            }
        )
        self.events.append({"op": "create_outbound_session", "by": "alice"})

    def send(self, sender: str, label: str) -> int:
        party = self.party(sender)
        assert party.session is not None and self.reference is not None
        need = party.session.encrypt_random_length()
        assert need in (0, 32)
        random = party.tape.take("olm_encrypt", need) if need else b""
        plaintext = PLAINTEXTS[label]
        kind, body = party.session.encrypt(plaintext, random)
        index = len(self.messages)
        derived = self.reference.check(sender, kind, body, random, plaintext)
        self.messages.append(
            {
                "index": index,
                "sender": sender,
                "plaintext_label": label,
                "plaintext": plaintext.hex(),
                "random": random.hex(),
                "type": kind,
                "body": body,
                "derived": derived,
            }
        )
        self.events.append({"op": "encrypt", "by": sender, "message": index})
        return index

    def receive(self, receiver: str, index: int) -> None:
        party = self.party(receiver)
        message = self.messages[index]
        assert message["sender"] != receiver
        if party.session is None:
            assert receiver == "bob" and message["type"] == 0
            session = Session.inbound(party.account, message["body"])
            assert session.session_id == self.extra["session_id"]
            plaintext = session.decrypt(message["type"], message["body"])
            party.account.remove_one_time_keys(session)
            party.session = session
            self.extra["bob_one_time_keys_json_after_inbound"] = party.account.one_time_keys_json
            self.extra["bob_fallback_key_json_after_inbound"] = party.account.fallback_key_json
            op = "create_inbound_session"
        else:
            plaintext = party.session.decrypt(message["type"], message["body"])
            op = "decrypt"
        assert plaintext.hex() == message["plaintext"], (self.name, index)
        self.events.append({"op": op, "by": receiver, "message": index})

    def record(self) -> dict[str, Any]:
        assert self.alice.session is not None and self.bob.session is not None
        assert self.reference is not None
        assert self.bob.session.session_id == self.extra["session_id"]
        return {
            "id": self.name,
            "description": self.description,
            "alice": {**self.alice.account_record(), "random": self.alice.tape.record()},
            "bob": {
                **self.bob.account_record(),
                "random": self.bob.tape.record(),
                "one_time_keys_json": self.extra.pop("bob_otk_json"),
                "fallback_key_json": self.extra.pop("bob_fallback_json"),
            },
            **self.extra,
            "x3dh": self.reference.x3dh,
            "chains": self.reference.chains_record(),
            "messages": self.messages,
            "events": self.events,
        }


def bob_publishes(ex: Exchange, one_time_keys: int, fallback: bool) -> list[str]:
    ids = ex.bob.generate_one_time_keys(one_time_keys) if one_time_keys else []
    if fallback:
        ids.append(ex.bob.generate_fallback_key())
    ex.extra["bob_otk_json"] = ex.bob.account.one_time_keys_json
    ex.extra["bob_fallback_json"] = ex.bob.account.fallback_key_json
    ex.events.append(
        {
            "op": "bob_publishes",
            "by": "bob",
            "one_time_keys": one_time_keys,
            "fallback_key": fallback,
            "key_ids": ids,
        }
    )
    return ids


def exchange_prekey() -> dict[str, Any]:
    ex = Exchange(
        "prekey",
        "Bob publishes one one-time key; Alice sends one pre-key message; "
        "Bob creates the inbound session from it and replies once.",
    )
    (key_id,) = bob_publishes(ex, 1, fallback=False)
    ex.start(key_id, fallback=False)
    first = ex.send("alice", "hello")
    ex.receive("bob", first)
    reply = ex.send("bob", "reply-1")
    ex.receive("alice", reply)
    return ex.record()


def exchange_conversation() -> dict[str, Any]:
    ex = Exchange(
        "conversation",
        "Several ratchet turns (A3, B2, A2, B1, A2 while B sends 1 on his old chain, "
        "B2, A1); Bob decrypts one pair out of order (message 6 before 5).",
    )
    ids = bob_publishes(ex, 2, fallback=False)
    ex.start(ids[1], fallback=False)  # the second key, to show ids are used as given
    a = [ex.send("alice", label) for label in ("hello", "empty", "non-utf8")]
    for i in a:
        ex.receive("bob", i)
    b = [ex.send("bob", label) for label in ("reply-1", "reply-2")]
    for i in b:
        ex.receive("alice", i)
    a = [ex.send("alice", label) for label in ("event-json", "empty")]
    ex.receive("bob", a[1])  # out of order: the later message first
    ex.receive("bob", a[0])
    b = [ex.send("bob", "one-byte")]
    ex.receive("alice", b[0])
    a = [ex.send("alice", label) for label in ("long", "seventeen")]
    late = ex.send("bob", "non-utf8")  # Bob has not seen Alice's new chain yet
    for i in a:
        ex.receive("bob", i)
    ex.receive("alice", late)
    b = [ex.send("bob", label) for label in ("empty", "hello")]
    for i in b:
        ex.receive("alice", i)
    last = ex.send("alice", "reply-2")
    ex.receive("bob", last)
    return ex.record()


def exchange_fallback() -> dict[str, Any]:
    ex = Exchange(
        "fallback",
        "Bob publishes two one-time keys and a fallback key; Alice "
        "starts the session with the fallback key; two more turns.",
    )
    ids = bob_publishes(ex, 2, fallback=True)
    ex.start(ids[-1], fallback=True)
    first = ex.send("alice", "hello")
    second = ex.send("alice", "non-utf8")
    ex.receive("bob", first)
    ex.receive("bob", second)
    reply = ex.send("bob", "reply-1")
    ex.receive("alice", reply)
    again = ex.send("alice", "empty")
    ex.receive("bob", again)
    record = ex.record()
    # the fallback key stays after use, the one-time keys are untouched
    assert record["bob_fallback_key_json_after_inbound"] == record["bob"]["fallback_key_json"]
    assert record["bob_one_time_keys_json_after_inbound"] == record["bob"]["one_time_keys_json"]
    return record


def key_ids() -> dict[str, Any]:
    """How libolm numbers and prints one-time key ids, across byte boundaries and its cap."""
    party = Party("key-ids", "account")
    steps = []
    for n, fallback in ((3, False), (0, True), (100, False), (100, False), (100, False)):
        ids = [party.generate_fallback_key()] if fallback else party.generate_one_time_keys(n)
        printed = json.loads(party.account.one_time_keys_json)["curve25519"]
        steps.append(
            {
                "op": "generate_fallback_key" if fallback else f"generate_one_time_keys({n})",
                "new_ids": ids,
                "new_id_counters": [int.from_bytes(b64d(i), "big") for i in ids],
                "stored_count": len(printed),
            }
        )
    assert lib.olm_account_max_number_of_one_time_keys(party.account.ptr) == 100
    printed = json.loads(party.account.one_time_keys_json)["curve25519"]
    for key_id, public in printed.items():
        assert public == b64e(x25519_public(party.one_time_secrets[key_id]))
    return {
        "id": "key-ids",
        "description": "libolm key ids are unpadded base64 of a u32 big-endian counter "
        "starting at 1, shared by one-time and fallback keys; "
        "olm_account_one_time_keys prints the newest first and keeps at most "
        "olm_account_max_number_of_one_time_keys (100), dropping the oldest.",
        **party.account_record(),
        "random": party.tape.record(),
        "steps": steps,
        "max_number_of_one_time_keys": 100,
        "one_time_keys_json": party.account.one_time_keys_json,
        "fallback_key_json": party.account.fallback_key_json,
    }


RANDOM_CONSUMPTION = {
    "olm_create_account": {
        "length": 64,
        "layout": "bytes 0..31: Ed25519 seed; bytes 32..63: Curve25519 secret",
    },
    "olm_account_generate_one_time_keys": {
        "length": "32 per key",
        "layout": "key i (0-based, in id order) is the Curve25519 secret at bytes 32i..32i+31",
    },
    "olm_account_generate_fallback_key": {
        "length": 32,
        "layout": "the Curve25519 secret; the id comes from the one-time key counter",
    },
    "olm_create_outbound_session": {
        "length": 64,
        "layout": "bytes 0..31: base key E_A secret; bytes 32..63: Alice's first ratchet key "
        "secret (sender chain 0, which uses the 3DH chain key)",
    },
    "olm_encrypt": {
        "length": "32 when the session has no sender chain (it has just received a new "
        "ratchet key, or is an inbound session that has not sent yet); else 0",
        "layout": "the new ratchet key's Curve25519 secret",
    },
    "checked": "on every run, against PyNaCl public keys of the given bytes and against the "
    "keys found in libolm's messages",
}


def generate() -> dict[str, Any]:
    """Build the whole document (deterministic: same libolm, same bytes)."""
    return {
        "description": "Olm (m.olm.v1.curve25519-aes-sha2) vectors produced by libolm with "
        "fixed caller-supplied randomness. See vectors/README.md.",
        "generator": "vectors/generate_libolm_olm.py",
        "libolm_version": libolm_version(),
        "python_olm_version": importlib.metadata.version("python-olm"),
        "encoding": "hex for raw bytes (random, secrets, intermediate values, plaintext); "
        "unpadded standard base64 for keys, key ids, session ids and message "
        "bodies, as libolm writes them",
        "random_consumption": RANDOM_CONSUMPTION,
        "exchanges": [exchange_prekey(), exchange_conversation(), exchange_fallback()],
        "key_ids": key_ids(),
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def main() -> None:
    OUTPUT.write_text(render(generate()), encoding="utf-8")
    print("wrote", OUTPUT.relative_to(HERE.parent))


if __name__ == "__main__":
    main()

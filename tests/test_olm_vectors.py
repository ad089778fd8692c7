"""olmpy's Olm against libolm, byte for byte (vectors/libolm_olm.json, see vectors/README.md).

Each libolm party is rebuilt in olmpy from the randomness libolm was given: the account from
its 64 creation bytes, and an rng that hands out the party's later random bytes in the order
libolm consumed them.  Replaying the recorded script, olmpy must print the same identity
keys, key ids, one-time keys, session ids and every message byte, decrypt libolm's messages,
and use up exactly the randomness libolm used.  The key schedule is also checked step by
step with ``olmpy.hazmat.primitives`` against the intermediate values the generator proved.
"""

from __future__ import annotations

import base64
import itertools
import json
from types import ModuleType
from typing import Any

import pytest
from vectors_loader import VECTORS, generator, load, params, unhex

import olmpy
import olmpy.testing
from olmpy.hazmat import primitives

OLM = load("libolm_olm.json")
EXCHANGES = OLM["exchanges"]


def _b64d(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _first_difference(got: bytes, want: bytes) -> str:
    for i, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            return f"first differing byte {i}: olmpy {a:#04x}, libolm {b:#04x}"
    return f"lengths differ: olmpy {len(got)}, libolm {len(want)}"


class Tape:
    """An rng that returns the recorded bytes in order and remembers what was asked."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.requests: list[int] = []

    def __call__(self, n: int) -> bytes:
        self.requests.append(n)
        assert self.pos + n <= len(self.data), (
            f"olmpy asked for {n} more random bytes after {self.pos}; libolm used only "
            f"{len(self.data)} (requests so far {self.requests})"
        )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def assert_used_up(self) -> None:
        assert self.pos == len(self.data), (
            f"olmpy used {self.pos} random bytes, libolm {len(self.data)} "
            f"(requests {self.requests})"
        )


def _account(party: dict[str, Any]) -> tuple[Any, Tape]:
    """The olmpy account for a recorded libolm party, with its rng tape."""
    assert party["create_account_random"] == party["ed25519_seed"] + party["curve25519_secret"]
    tape = Tape(unhex(party["random"]["after_account"]))
    account = olmpy.testing.account_from_parts(
        unhex(party["ed25519_seed"]), unhex(party["curve25519_secret"]), rng=tape
    )
    return account, tape


def _keys_b64(keys: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v.to_base64() for k, v in keys.items()}


def _check_message(message: Any, record: dict[str, Any], who: str) -> None:
    kind, raw = message.to_parts()
    where = f"message {record['index']} ({who}, {record['plaintext_label']})"
    assert kind == record["type"], f"{where}: type {kind}, libolm {record['type']}"
    want = _b64d(record["body"])
    assert raw == want, f"{where}: {_first_difference(raw, want)}"
    assert message.to_base64() == record["body"], where


def replay(exchange: dict[str, Any], who: str) -> None:
    """Play one party of a recorded exchange in olmpy; the other side's bytes come from libolm."""
    me = exchange[who]
    account, tape = _account(me)
    assert account.identity_keys == me["identity_keys"]
    session = None
    for event in exchange["events"]:
        if event["op"] == "bob_publishes":
            if who == "bob":
                if event["one_time_keys"]:
                    account.generate_one_time_keys(event["one_time_keys"])
                if event["fallback_key"]:
                    account.generate_fallback_key()
                otks = json.loads(me["one_time_keys_json"])["curve25519"]
                assert _keys_b64(account.one_time_keys) == otks
                fallback = json.loads(me["fallback_key_json"])["curve25519"]
                assert _keys_b64(account.fallback_key) == fallback
            continue
        if event["by"] != who:
            continue
        if event["op"] == "create_outbound_session":
            session = account.create_outbound_session(
                exchange["bob"]["identity_keys"]["curve25519"], exchange["bob_key"]
            )
            assert session.session_id == exchange["session_id"]
            continue
        record = exchange["messages"][event["message"]]
        plaintext = unhex(record["plaintext"])
        if event["op"] == "encrypt":
            assert session is not None
            _check_message(session.encrypt(plaintext), record, who)
        elif event["op"] == "create_inbound_session":
            session, got = account.create_inbound_session(
                exchange["alice"]["identity_keys"]["curve25519"],
                olmpy.AnyOlmMessage.from_parts(0, record["body"]),
            )
            assert got == plaintext, f"message {record['index']}: inbound plaintext"
            assert session.session_id == exchange["session_id"]
            if exchange["bob_key_is_fallback"]:
                fallback = json.loads(exchange["bob_fallback_key_json_after_inbound"])
                assert _keys_b64(account.fallback_key) == fallback["curve25519"]
            else:
                assert exchange["bob_key_id"] not in account.one_time_keys
        else:
            assert event["op"] == "decrypt" and session is not None
            message = olmpy.AnyOlmMessage.from_parts(record["type"], record["body"])
            got = session.decrypt(message)
            assert got == plaintext, f"message {record['index']}: plaintext"
    assert session is not None and session.session_id == exchange["session_id"]
    tape.assert_used_up()


@pytest.mark.parametrize("exchange", params(EXCHANGES))
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_olm_party_matches_libolm(backend: ModuleType, exchange: dict[str, Any], who: str) -> None:
    """An olmpy party writes libolm's exact keys and messages and decrypts libolm's replies."""
    replay(exchange, who)


@pytest.mark.parametrize("exchange", params(EXCHANGES))
def test_olm_identity_and_published_keys(backend: ModuleType, exchange: dict[str, Any]) -> None:
    """Identity keys, one-time key ids and keys, and the fallback key match libolm's JSON."""
    for who in ("alice", "bob"):
        account, _ = _account(exchange[who])
        assert account.identity_keys == json.loads(exchange[who]["identity_keys_json"])
    bob, _ = _account(exchange["bob"])
    (publish,) = [e for e in exchange["events"] if e["op"] == "bob_publishes"]
    bob.generate_one_time_keys(publish["one_time_keys"])
    if publish["fallback_key"]:
        bob.generate_fallback_key()
    printed = json.loads(exchange["bob"]["one_time_keys_json"])["curve25519"]
    assert _keys_b64(bob.one_time_keys) == printed
    key = _keys_b64(bob.fallback_key if exchange["bob_key_is_fallback"] else bob.one_time_keys)
    assert key[exchange["bob_key_id"]] == exchange["bob_key"]


def test_olm_key_ids_like_libolm(backend: ModuleType) -> None:
    """Key ids count from 1 across one-time and fallback keys, as libolm prints them."""
    record = OLM["key_ids"]
    account, tape = _account(record)
    for step in record["steps"]:
        before = set(account.one_time_keys)
        if step["op"] == "generate_fallback_key":
            account.generate_fallback_key()
            assert list(account.fallback_key) == step["new_ids"]
        else:
            account.generate_one_time_keys(len(step["new_ids"]))
            assert sorted(set(account.one_time_keys) - before) == sorted(step["new_ids"])
    tape.assert_used_up()
    printed = json.loads(record["one_time_keys_json"])["curve25519"]
    mine = _keys_b64(account.one_time_keys)
    # libolm keeps the newest 100; every key it still prints must be olmpy's too
    assert {k: mine.get(k) for k in printed} == printed
    fallback = json.loads(record["fallback_key_json"])["curve25519"]
    assert _keys_b64(account.fallback_key) == fallback


@pytest.mark.parametrize("exchange", params(EXCHANGES))
def test_olm_key_schedule_intermediates(backend: ModuleType, exchange: dict[str, Any]) -> None:
    """3DH, root/chain keys, message keys, MACs and ciphertexts follow from the recorded secrets."""
    x3dh = exchange["x3dh"]
    alice_ik = unhex(exchange["alice"]["curve25519_secret"])
    bob_ik = unhex(exchange["bob"]["curve25519_secret"])
    base = unhex(exchange["base_key_secret"])
    eb = unhex(x3dh["bob_one_time_public"])
    ib = primitives.x25519_public(bob_ik)
    assert ib == unhex(x3dh["bob_identity_public"])
    assert primitives.x25519_public(alice_ik) == unhex(x3dh["alice_identity_public"])
    assert primitives.x25519_public(base) == unhex(x3dh["alice_base_public"])
    assert _b64d(exchange["bob_key"]) == eb
    shared = [
        primitives.x25519(alice_ik, eb),
        primitives.x25519(base, ib),
        primitives.x25519(base, eb),
    ]
    assert [s.hex() for s in shared] == [
        x3dh["shared_ia_eb"],
        x3dh["shared_ea_ib"],
        x3dh["shared_ea_eb"],
    ]
    okm = primitives.hkdf_sha256(b"", b"".join(shared), b"OLM_ROOT", 64)
    assert okm.hex() == x3dh["hkdf_olm_root_okm"]
    assert (okm[:32].hex(), okm[32:].hex()) == (x3dh["root_key"], x3dh["chain_key"])
    session_id = primitives.sha256(
        unhex(x3dh["alice_identity_public"]) + unhex(x3dh["alice_base_public"]) + eb
    )
    assert base64.b64encode(session_id).decode().rstrip("=") == exchange["session_id"]

    chains = exchange["chains"]
    assert (chains[0]["root_key"], chains[0]["chain_key"]) == (x3dh["root_key"], x3dh["chain_key"])
    for prev, chain in itertools.pairwise(chains):
        dh = primitives.x25519(unhex(chain["ratchet_secret"]), unhex(prev["ratchet_public"]))
        assert dh.hex() == chain["ratchet_dh"]
        okm = primitives.hkdf_sha256(unhex(prev["root_key"]), dh, b"OLM_RATCHET", 64)
        assert (okm[:32].hex(), okm[32:].hex()) == (chain["root_key"], chain["chain_key"])

    for record in exchange["messages"]:
        d = record["derived"]
        chain_key = unhex(chains[d["chain"]]["chain_key"])
        for _ in range(d["chain_index"]):
            chain_key = primitives.hmac_sha256(chain_key, b"\x02")
        assert chain_key.hex() == d["chain_key"]
        message_key = primitives.hmac_sha256(chain_key, b"\x01")
        assert message_key.hex() == d["message_key"]
        keys = primitives.hkdf_sha256(b"", message_key, b"OLM_KEYS", 80)
        assert [keys[:32].hex(), keys[32:64].hex(), keys[64:].hex()] == [
            d["aes_key"],
            d["mac_key"],
            d["iv"],
        ]
        raw = unhex(d["inner_message"]) if record["type"] == 0 else _b64d(record["body"])
        assert primitives.hmac_sha256(keys[32:64], raw[:-8])[:8].hex() == d["mac"]
        plaintext = primitives.aes256_cbc_decrypt(keys[:32], keys[64:], unhex(d["ciphertext"]))
        assert plaintext.hex() == record["plaintext"]


def test_olm_vectors_cover_required_cases() -> None:
    """The recording has pre-key and normal messages, several turns, reordering and odd texts."""
    conversation = {e["id"]: e for e in EXCHANGES}["conversation"]
    labels = {m["plaintext_label"] for m in conversation["messages"]}
    assert {"empty", "non-utf8"} <= labels
    assert {m["type"] for m in conversation["messages"]} == {0, 1}
    assert len(conversation["chains"]) >= 6
    bob_reads = [
        e["message"]
        for e in conversation["events"]
        if e["by"] == "bob" and e["op"] in ("decrypt", "create_inbound_session")
    ]
    assert bob_reads != sorted(bob_reads)
    assert {e["id"]: e for e in EXCHANGES}["fallback"]["bob_key_is_fallback"] is True


def test_libolm_olm_generator_reproduces_committed_json() -> None:
    """Re-running the (self-checking) libolm Olm generator gives vectors/libolm_olm.json exactly."""
    module = generator("generate_libolm_olm")
    committed = (VECTORS / "libolm_olm.json").read_text(encoding="utf-8")
    assert module.render(module.generate()) == committed

"""Canonical JSON, sign_json/verify_json and PkSigning.

Ground truth: the Matrix specification's appendix (examples, string grammar,
"Cryptographic Test Vectors"), python-olm's ``PkSigning`` outputs, both recorded
in vectors/signed_json.json; and, for canonical JSON, the spec's own Python
reference snippet (``json.dumps`` with sorted keys, compact separators and
``ensure_ascii=False``) wherever the two are meant to agree.  Tests that sign or
verify take the ``backend`` fixture, so they run on both backends.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vectors_loader import load, params, unhex

import olmpy
from olmpy import _b64
from olmpy.errors import (
    Base64Error,
    DecodeError,
    KeyDecodeError,
    SignatureError,
    UsageError,
)
from olmpy.keys import Ed25519PublicKey, Ed25519Signature
from olmpy.signed_json import (
    MAX_SAFE_INTEGER,
    MIN_SAFE_INTEGER,
    CanonicalJsonError,
    JsonDecodeError,
    MissingSignatureError,
    PkSigning,
    canonical_json,
    parse_json,
    sign_json,
    signing_payload,
    verify_json,
)

VECTORS = load("signed_json.json")
FIXTURE_HEALTH = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def snippet(value: object) -> bytes:
    """The spec appendix's Python reference encoder."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "UTF-8"
    )


def spec_signer() -> PkSigning:
    return PkSigning(unhex(VECTORS["signing_key"]["seed"]))


# --- published vectors ------------------------------------------------------------------


@pytest.mark.parametrize("case", params(VECTORS["canonical_examples"]))
def test_spec_canonical_examples(case: dict[str, Any]) -> None:
    assert canonical_json(parse_json(case["input"])) == case["canonical"].encode("utf-8")
    if not case["snippet_differs"]:
        # Values from the stdlib parser work directly too.
        assert canonical_json(json.loads(case["input"])) == case["canonical"].encode("utf-8")


def test_spec_example_with_exponent_needs_parse_json() -> None:
    # {"a": -0, "b": 1e10}: json.loads makes 1e10 a float, which canonical JSON refuses;
    # parse_json reads it as the integer the spec's expected output shows.
    (case,) = [c for c in VECTORS["canonical_examples"] if c["snippet_differs"]]
    with pytest.raises(CanonicalJsonError, match=r"\$\.b"):
        canonical_json(json.loads(case["input"]))
    assert parse_json(case["input"]) == {"a": 0, "b": 10_000_000_000}


def test_spec_string_grammar_for_every_ascii_code_point() -> None:
    records = VECTORS["grammar_ascii"]
    assert len(records) == 128
    for record in records:
        text = chr(record["code_point"])
        assert canonical_json(text) == record["canonical"].encode("utf-8"), record["id"]
        assert canonical_json({text: text}) == (
            "{" + record["canonical"] + ":" + record["canonical"] + "}"
        ).encode("utf-8")


def test_spec_signing_key(backend: ModuleType) -> None:
    key = VECTORS["signing_key"]
    # The spec writes the seed with non-zero trailing bits; olmpy's strict base64 refuses
    # that spelling, so the vector carries the bytes too.
    assert key["seed_text_has_nonzero_trailing_bits"] is True
    with pytest.raises(Base64Error):
        _b64.decode(key["seed_text"], "seed")
    assert spec_signer().public_key.to_base64() == key["public_key"]


@pytest.mark.parametrize("case", params(VECTORS["json_signing"]))
def test_spec_json_signing(backend: ModuleType, case: dict[str, Any]) -> None:
    key = VECTORS["signing_key"]
    original = copy.deepcopy(case["input"])
    assert canonical_json(case["input"]) == case["canonical"].encode("utf-8")
    signed = sign_json(case["input"], key["entity"], key["key_id"], spec_signer())
    assert signed == case["signed"]
    assert case["input"] == original  # not mutated
    verify_json(signed, key["entity"], key["key_id"], key["public_key"])


@pytest.mark.parametrize("case", params(VECTORS["event_signing"]))
def test_spec_event_signing(backend: ModuleType, case: dict[str, Any]) -> None:
    key = VECTORS["signing_key"]
    event = case["event"]
    hashed = {k: v for k, v in event.items() if k not in ("unsigned", "signatures", "hashes")}
    assert canonical_json(hashed) == case["content_hash_input"].encode("utf-8")
    digest = _b64.encode(hashlib.sha256(canonical_json(hashed)).digest())
    assert digest == case["content_hash"]
    signed = sign_json(case["redacted"], key["entity"], key["key_id"], spec_signer())
    assert signed == case["redacted_signed"]
    verify_json(case["redacted_signed"], key["entity"], key["key_id"], key["public_key"])


@pytest.mark.parametrize("case", params(VECTORS["pk_signing"]))
def test_pk_signing_matches_python_olm_vectors(backend: ModuleType, case: dict[str, Any]) -> None:
    signer = PkSigning(unhex(case["seed"]))
    assert signer.public_key.to_base64() == case["public_key"]
    for record in case["signatures"]:
        message = unhex(record["message"])
        assert signer.sign(message).to_base64() == record["signature"]
        signer.public_key.verify_signature(
            message, Ed25519Signature.from_base64(record["signature"])
        )


# --- canonical JSON against the reference snippet ---------------------------------------

json_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
safe_ints = st.integers(MIN_SAFE_INTEGER, MAX_SAFE_INTEGER)
json_values = st.recursive(
    st.none() | st.booleans() | safe_ints | json_text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(json_text, inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_agrees_with_reference_snippet(value: object) -> None:
    out = canonical_json(value)
    assert out == snippet(value)
    assert json.loads(out) == value
    assert parse_json(out) == value


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(json_text, safe_ints, min_size=2, max_size=8))
def test_keys_sorted_by_code_point(value: dict[str, int]) -> None:
    keys = list(json.loads(canonical_json(value)))
    assert keys == sorted(value, key=lambda k: [ord(c) for c in k])
    # Code-point order is UTF-8 byte order.
    assert keys == sorted(value, key=lambda k: k.encode("utf-8"))


def test_code_point_order_is_not_utf16_order() -> None:
    # U+FFFF sorts before U+10000 by code point; in UTF-16 code units it would sort after.
    value = {"\U00010000": 1, "\uffff": 2, "a": 3}
    assert canonical_json(value) == '{"a":3,"\uffff":2,"\U00010000":1}'.encode()


def test_no_escapes_beyond_the_grammar() -> None:
    text = "\u007f\u0080\u2028\u2029\ufeff/<>&'\U0001f600"
    assert canonical_json(text) == ('"' + text + '"').encode("utf-8")


def test_tuples_are_arrays_and_subclasses_are_plain() -> None:
    class Flag(int):
        pass

    class Text(str):
        pass

    class Obj(dict):  # type: ignore[type-arg]
        pass

    assert canonical_json((1, (2, [3]))) == b"[1,[2,[3]]]"
    assert canonical_json(Obj({Text("k"): Flag(7)})) == b'{"k":7}'
    assert canonical_json([True, False, None, 0, -1]) == b"[true,false,null,0,-1]"


def test_integer_limits() -> None:
    assert canonical_json(MAX_SAFE_INTEGER) == b"9007199254740991"
    assert canonical_json(MIN_SAFE_INTEGER) == b"-9007199254740991"
    for bad in (MAX_SAFE_INTEGER + 1, MIN_SAFE_INTEGER - 1, 10**5000, -(10**5000)):
        with pytest.raises(CanonicalJsonError, match="expected an integer in"):
            canonical_json({"n": [bad]})


# --- where canonical JSON refuses what json.dumps writes --------------------------------


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": [1, 2, 1.5]}, r"\$\.a\[2\]"),
        ({"a": 1.0}, r"\$\.a"),
        ([-0.0], r"\$\[0\]"),
        ({"x": {"y": float("nan")}}, r"\$\.x\.y"),
        ({"a b": float("inf")}, r'\$\["a b"\]'),
        ({"k": 2**53}, r"\$\.k"),
        ({1: "x"}, r"\$: expected string object keys"),
        ({"o": {None: 1}}, r"\$\.o: expected string object keys"),
        ({"s": {1, 2}}, r"\$\.s"),
        ({"b": b"bytes"}, r"\$\.b"),
        ([object()], r"\$\[0\]"),
        ({"t": "ok", "u": "\ud800"}, r"\$\.u: .*lone surrogate U\+D800"),
        ({"\udfff": 1}, r"lone surrogate U\+DFFF"),
    ],
)
def test_refused_values_name_the_path(value: object, path: str) -> None:
    with pytest.raises(CanonicalJsonError, match=path) as info:
        canonical_json(value)
    assert isinstance(info.value, UsageError)
    assert "expected" in str(info.value)


def test_reference_snippet_differs_on_refused_values() -> None:
    # Documented differences: the snippet writes floats and coerces int keys.
    assert snippet({"a": 1.0}) == b'{"a":1.0}'
    assert snippet({1: 2}) == b'{"1":2}'
    for value in ({"a": 1.0}, {1: 2}):
        with pytest.raises(CanonicalJsonError):
            canonical_json(value)


def test_cycles_are_refused_but_shared_values_are_fine() -> None:
    loop: list[object] = [1]
    loop.append(loop)
    with pytest.raises(CanonicalJsonError, match="contains itself"):
        canonical_json(loop)
    obj: dict[str, object] = {}
    obj["me"] = obj
    with pytest.raises(CanonicalJsonError, match=r"\$\.me"):
        canonical_json(obj)
    shared = [1, 2]
    assert canonical_json({"a": shared, "b": shared}) == b'{"a":[1,2],"b":[1,2]}'


def test_deep_nesting_does_not_recurse() -> None:
    value: object = 0
    for _ in range(50_000):
        value = [value]
    assert canonical_json(value) == b"[" * 50_000 + b"0" + b"]" * 50_000


anything = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**53 - 3, max_value=2**53 + 3)
    | st.floats(allow_nan=True)
    | st.text(max_size=6)
    | st.binary(max_size=4)
    | st.decimals(min_value=-1000, max_value=1000, places=2),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=4) | st.integers() | st.none(), inner, max_size=4)
        | st.frozensets(st.integers(), max_size=2)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(anything)
def test_arbitrary_values_give_bytes_or_canonical_json_error(value: object) -> None:
    try:
        out = canonical_json(value)
    except CanonicalJsonError as err:
        assert re.match(r"canonical JSON( at \$[ -~]*)?: expected ", str(err)), str(err)
        return
    # Whatever is written parses back and is canonical: re-encoding is the identity.
    assert canonical_json(parse_json(out)) == out
    assert out == snippet(json.loads(out))


# --- parse_json -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-0", 0),
        ("1E2", 100),
        ("2.0", 2),
        ("-1.5e1", -15),
        ("9007199254740991", MAX_SAFE_INTEGER),
        ("-9007199254740991", MIN_SAFE_INTEGER),
        ("90071992547409.91e2", MAX_SAFE_INTEGER),
        ('{"a":[true,null,"\\u00e9\\ud83d\\ude00"]}', {"a": [True, None, "\u00e9\U0001f600"]}),
        (b'{"\xc3\xa9":1}', {"\u00e9": 1}),
    ],
)
def test_parse_json_accepts(text: str | bytes, value: object) -> None:
    assert parse_json(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a":1,"a":2}', 'duplicate key "a"'),
        ("1.5", "expected an integer"),
        ("1e-1", "expected an integer"),
        ("NaN", "expected an integer, got NaN"),
        ("-Infinity", "expected an integer"),
        ("9007199254740992", "within"),
        ("1e400", "within"),
        ("1" * 5000, "within"),
        ("[1,", "expected valid JSON"),
        ("", "expected valid JSON"),
        ('"\\ud800"', "lone surrogate"),
        (b'"\xff"', "expected UTF-8"),
        ("[" * 100_000 + "]" * 100_000, "JSON text"),
    ],
)
def test_parse_json_refuses(text: str | bytes, message: str) -> None:
    with pytest.raises(JsonDecodeError, match=re.escape(message)) as info:
        parse_json(text)
    assert isinstance(info.value, DecodeError)


def test_parse_json_wrong_type() -> None:
    with pytest.raises(UsageError, match="expected str or bytes, got int"):
        parse_json(5)  # type: ignore[arg-type]


# --- sign_json / verify_json ------------------------------------------------------------

USER = "@alice:example.org"
KEY_ID = "ed25519:DEVICE"


def test_sign_json_keeps_unsigned_and_other_signatures(backend: ModuleType) -> None:
    signer = PkSigning(bytes(range(32)))
    obj: dict[str, object] = {
        "a": [1, {"b": "c"}],
        "unsigned": {"age": 5},
        "signatures": {"@bob:example.org": {"ed25519:X": "sig"}},
    }
    before = copy.deepcopy(obj)
    signed = sign_json(obj, USER, KEY_ID, signer)
    assert obj == before
    assert signed["unsigned"] == {"age": 5}
    assert signed["signatures"] == {
        "@bob:example.org": {"ed25519:X": "sig"},
        USER: {KEY_ID: signer.sign(b'{"a":[1,{"b":"c"}]}').to_base64()},
    }
    # The signature covers neither "unsigned" nor "signatures".
    assert signing_payload(signed) == b'{"a":[1,{"b":"c"}]}'
    changed = dict(signed, unsigned={"age": 99})
    verify_json(changed, USER, KEY_ID, signer.public_key)
    # Signing twice with another key adds, and the first signature still verifies.
    other = PkSigning(bytes(32))
    twice = sign_json(signed, USER, "ed25519:OTHER", other)
    verify_json(twice, USER, KEY_ID, signer.public_key)
    verify_json(twice, USER, "ed25519:OTHER", other.public_key.to_base64())
    assert signed["signatures"] != twice["signatures"]  # copies, not shared


def test_sign_json_with_account(backend: ModuleType) -> None:
    account = olmpy.Account()
    signed = sign_json({"x": 1}, USER, KEY_ID, account)
    verify_json(signed, USER, KEY_ID, account.ed25519_key)


def test_sign_json_usage_errors(backend: ModuleType) -> None:
    signer = PkSigning(bytes(32))
    with pytest.raises(UsageError, match="ed25519:<key identifier>"):
        sign_json({}, USER, "curve25519:X", signer)
    with pytest.raises(UsageError, match="ed25519:<key identifier>"):
        sign_json({}, USER, "ed25519:", signer)
    with pytest.raises(UsageError, match="non-empty str"):
        sign_json({}, "", KEY_ID, signer)
    with pytest.raises(UsageError, match="dict"):
        sign_json([], USER, KEY_ID, signer)  # type: ignore[arg-type]
    with pytest.raises(CanonicalJsonError, match="signatures"):
        sign_json({"signatures": {"u": "not an object"}}, USER, KEY_ID, signer)
    with pytest.raises(CanonicalJsonError, match=r"\$\.f"):
        sign_json({"f": 0.5}, USER, KEY_ID, signer)

    class BadSigner:
        def sign(self, message: bytes) -> Ed25519Signature:
            return "c2ln"  # type: ignore[return-value]

    with pytest.raises(UsageError, match="Ed25519Signature"):
        sign_json({}, USER, KEY_ID, BadSigner())


def test_verify_json_failures_are_typed(backend: ModuleType) -> None:
    signer = PkSigning(bytes(range(32)))
    key = signer.public_key
    signed = sign_json({"a": 1}, USER, KEY_ID, signer)
    sig = signed["signatures"][USER][KEY_ID]

    with pytest.raises(MissingSignatureError, match="a signatures object"):
        verify_json({"a": 1}, USER, KEY_ID, key)
    with pytest.raises(MissingSignatureError, match=f"signature by @bob:x with {KEY_ID}"):
        verify_json(signed, "@bob:x", KEY_ID, key)
    with pytest.raises(MissingSignatureError, match="an entry for ed25519:OTHER"):
        verify_json(signed, USER, "ed25519:OTHER", key)
    with pytest.raises(SignatureError, match="signatures: expected an object"):
        verify_json({"a": 1, "signatures": []}, USER, KEY_ID, key)
    with pytest.raises(SignatureError, match="expected an object"):
        verify_json({"a": 1, "signatures": {USER: "x"}}, USER, KEY_ID, key)
    with pytest.raises(SignatureError, match="expected a base64 str"):
        verify_json({"a": 1, "signatures": {USER: {KEY_ID: 5}}}, USER, KEY_ID, key)
    with pytest.raises(Base64Error):
        verify_json({"a": 1, "signatures": {USER: {KEY_ID: "!!!"}}}, USER, KEY_ID, key)
    short = _b64.encode(_b64.decode(sig, "sig")[:63])
    with pytest.raises(KeyDecodeError, match="expected 64 bytes, got 63 bytes"):
        verify_json({"a": 1, "signatures": {USER: {KEY_ID: short}}}, USER, KEY_ID, key)
    with pytest.raises(SignatureError, match="invalid"):
        verify_json(dict(signed, a=2), USER, KEY_ID, key)
    with pytest.raises(SignatureError, match="invalid"):
        verify_json(signed, USER, KEY_ID, PkSigning(bytes(32)).public_key)
    with pytest.raises(SignatureError, match=r"canonical JSON at \$\.f"):
        verify_json(dict(signed, f=1.5), USER, KEY_ID, key)
    with pytest.raises(UsageError, match="Ed25519PublicKey or base64 str"):
        verify_json(signed, USER, KEY_ID, b"\x00" * 32)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        verify_json("{}", USER, KEY_ID, key)  # type: ignore[arg-type]
    # Missing-signature errors are SignatureErrors, so one except clause covers "not signed".
    assert issubclass(MissingSignatureError, SignatureError)


def _tamper(value: dict[str, Any], choice: int, path_pick: int) -> dict[str, Any]:
    """A changed copy of ``value``'s signed part (never only signatures/unsigned)."""
    out = copy.deepcopy(value)
    body = [k for k in out if k not in ("signatures", "unsigned")]
    if choice == 0 or not body:
        out["added" + str(path_pick)] = path_pick
        return out
    key = body[path_pick % len(body)]
    if choice == 1:
        del out[key]
    elif choice == 2:
        out[key] = [out[key]]
    else:
        out[key + "\u0000"] = out.pop(key)
    return out


@settings(FIXTURE_HEALTH, max_examples=120)
@given(
    st.dictionaries(json_text, json_values, max_size=4),
    st.integers(0, 3),
    st.integers(0, 50),
)
def test_tampered_objects_fail(
    backend: ModuleType, body: dict[str, Any], choice: int, pick: int
) -> None:
    body.pop("signatures", None)
    body.pop("unsigned", None)
    signer = PkSigning(hashlib.sha256(b"tamper").digest())
    signed = sign_json(body, USER, KEY_ID, signer)
    verify_json(signed, USER, KEY_ID, signer.public_key)
    tampered = _tamper(signed, choice, pick)
    if signing_payload(tampered) == signing_payload(signed):  # pragma: no cover - guard
        return
    with pytest.raises(SignatureError):
        verify_json(tampered, USER, KEY_ID, signer.public_key)


# --- PkSigning --------------------------------------------------------------------------


def test_pk_signing_basics(backend: ModuleType) -> None:
    seed = bytes(range(100, 132))
    signer = PkSigning(seed)
    assert signer.seed == seed
    assert isinstance(signer.public_key, Ed25519PublicKey)
    assert signer.sign("h\u00e9") == signer.sign("h\u00e9".encode())
    signer.public_key.verify_signature(b"msg", signer.sign(b"msg"))
    for text in (repr(signer), str(signer)):
        assert seed.hex() not in text
        assert _b64.encode(seed) not in text
        assert signer.public_key.to_base64() in text
    fresh = PkSigning.generate_seed()
    assert isinstance(fresh, bytes) and len(fresh) == 32
    assert PkSigning.generate().public_key != PkSigning.generate().public_key


@pytest.mark.parametrize("seed", [b"", bytes(31), bytes(33), "x" * 32, None])
def test_pk_signing_seed_must_be_32_bytes(seed: object) -> None:
    with pytest.raises(UsageError, match="PkSigning seed: expected"):
        PkSigning(seed)  # type: ignore[arg-type]


def test_pk_signing_message_type(backend: ModuleType) -> None:
    with pytest.raises(UsageError, match="bytes or str"):
        PkSigning(bytes(32)).sign(5)  # type: ignore[arg-type]


def test_pk_signing_refuses_lone_surrogates(backend: ModuleType) -> None:
    """A str with no UTF-8 form is a UsageError, not a UnicodeEncodeError."""
    with pytest.raises(UsageError, match="lone surrogate"):
        PkSigning(bytes(32)).sign("abc\ud800")


def test_verify_json_with_non_str_keys_in_signatures(backend: ModuleType) -> None:
    """Hand-built dicts may mix key types; a missing entry is still MissingSignatureError
    (listing what is there), never a TypeError from sorting the keys."""
    key = PkSigning(bytes(32))
    cases = [
        {"a": 1, "signatures": {1: {}, "@other:x": {}}},
        {"a": 1, "signatures": {"@u:x": {2: "sig", "ed25519:B": "sig"}}},
    ]
    for obj in cases:
        with pytest.raises(MissingSignatureError, match=r"\['[^']+', [12]\]"):
            verify_json(obj, "@u:x", "ed25519:A", key.public_key)


@pytest.mark.parametrize(
    "text", ["1e99999999999999999999", "-1e-99999999999999999999", "0E99999999999999999999"]
)
def test_parse_json_exponent_beyond_decimal_range(text: str) -> None:
    """Exponents beyond Decimal's range are out-of-range integers, said so."""
    with pytest.raises(JsonDecodeError, match=r"expected an integer within"):
        parse_json(text)


def test_huge_integer_keys_give_typed_errors() -> None:
    """An integer key past str()'s 4,300-digit limit where a user id or key id belongs is a
    typed olmpy error naming it by size, never the bare ValueError that str() raises."""
    from olmpy.device_keys import device_keys, verify_device_keys

    account = olmpy.Account()
    big = 10**5000
    signed = sign_json({"a": 1}, "@u:x", "ed25519:D", account)
    device = device_keys(account, "@u:x", "D")
    calls = [
        lambda: verify_json({**signed, "signatures": {"@u:x": {big: "x"}}}, "@u:x",
                            "ed25519:D", account.ed25519_key),
        lambda: verify_json({**signed, "signatures": {big: {}}}, "@u:x", "ed25519:D",
                            account.ed25519_key),
        lambda: verify_device_keys({**device, "signatures": {"@u:x": {big: "x"}}}, "@u:x", "D"),
        lambda: verify_device_keys({**device, "signatures": {big: {}}}, "@u:x", "D"),
        lambda: verify_device_keys({**device, "keys": {big: "x"}}, "@u:x", "D"),
    ]
    for call in calls:
        with pytest.raises(olmpy.OlmpyError, match="integer of 16610 bits"):
            call()

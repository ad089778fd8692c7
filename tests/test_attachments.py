"""Encrypted attachments ("v2") against published vectors and an independent key stream.

Ground truth: vectors/attachments.json (matrix-rust-sdk, matrix-encrypt-attachment and the
spec's example, each re-derived there with an AES-ECB key stream) and, for olmpy's own
encryptions, the same ECB construction run here on the key and IV olmpy reports.
"""

from __future__ import annotations

import array
import base64
import copy
import hashlib
import io
import json
import tracemalloc
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olmpy import attachments
from olmpy.attachments import (
    AttachmentError,
    AttachmentHashError,
    AttachmentVersionError,
    EncryptedFileInfo,
)
from olmpy.errors import DecodeError, DecryptionError, UsageError, VersionError
from olmpy.hazmat import primitives
from tests.vectors_loader import generator, load, params, unhex

DOC = load("attachments.json")
GEN = generator("generate_attachments")


class OneWay:
    """A non-seekable binary source (a socket or pipe stand-in)."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._inner.read(size)

    def seekable(self) -> bool:
        return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _ecb_decrypt(info: dict[str, Any], ciphertext: bytes) -> bytes:
    key = base64.urlsafe_b64decode(info["key"]["k"] + "==")
    iv = base64.b64decode(info["iv"] + "==")
    stream = GEN.keystream_ecb(key, iv, len(ciphertext), 64)
    return bytes(a ^ b for a, b in zip(ciphertext, stream, strict=True))


# --- published and generated vectors ------------------------------------------------------


@pytest.mark.parametrize("case", params(DOC["decrypt"]))
def test_vector_decrypts_bytes(backend: ModuleType, case: dict[str, Any]) -> None:
    """decrypt() of each vector's ciphertext gives its plaintext."""
    assert attachments.decrypt(unhex(case["ciphertext_hex"]), case["info"]) == unhex(
        case["plaintext_hex"])


@pytest.mark.parametrize("chunk", [1, 7, 16, 17, attachments.CHUNK_SIZE])
@pytest.mark.parametrize("case", params(DOC["decrypt"]))
def test_vector_decrypts_streams(case: dict[str, Any], chunk: int) -> None:
    """Seekable and one-way sources, any chunk size, give the vector's plaintext."""
    ciphertext, plaintext = unhex(case["ciphertext_hex"]), unhex(case["plaintext_hex"])
    for src in (io.BytesIO(ciphertext), OneWay(ciphertext)):
        dst = io.BytesIO()
        n = attachments.decrypt_stream(src, dst, case["info"], chunk_size=chunk)
        assert (n, dst.getvalue()) == (len(plaintext), plaintext)


@pytest.mark.parametrize("case", params(DOC["decrypt"] + DOC["info_only"]))
def test_vector_info_parses_to_published_bytes(backend: ModuleType, case: dict[str, Any]) -> None:
    """from_json yields the key, IV and hash the generator decoded with the stdlib."""
    info = EncryptedFileInfo.from_json(case["info"])
    assert info.key == unhex(case["key_hex"])
    assert info.iv == unhex(case["iv_hex"])
    assert info.sha256 == unhex(case["sha256_hex"])
    assert info.version == case["info"]["v"]


@pytest.mark.parametrize("case", params([c for c in DOC["decrypt"]
                                         if "ciphertext_128bit_counter_hex" in c]))
def test_counter_is_64_bits_not_128(case: dict[str, Any]) -> None:
    """Past the wrap olmpy follows the 64-bit counter, not a 128-bit one."""
    ciphertext = unhex(case["ciphertext_hex"])
    wrong = unhex(case["ciphertext_128bit_counter_hex"])
    info = copy.deepcopy(case["info"])
    info["hashes"]["sha256"] = _b64(hashlib.sha256(wrong).digest())
    plaintext = unhex(case["plaintext_hex"])
    assert attachments.decrypt(ciphertext, case["info"]) == plaintext
    assert attachments.decrypt(wrong, info) != plaintext


@pytest.mark.parametrize("case", params(DOC["rejected"]))
def test_v0_file_is_rejected(case: dict[str, Any]) -> None:
    """A file with no "v" (128-bit counter, pre-2017) is refused with a version error."""
    with pytest.raises(AttachmentVersionError, match='expected "v": "v2"') as err:
        attachments.decrypt(unhex(case["ciphertext_hex"]), case["info"])
    assert isinstance(err.value, VersionError) and isinstance(err.value, AttachmentError)


def test_generator_reproduces_committed_json() -> None:
    """generate_attachments.py, re-run, writes exactly the committed document."""
    assert json.loads(json.dumps(GEN.generate())) == DOC


# --- encryption ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 1000, 70_000])
def test_encrypt_matches_independent_key_stream(backend: ModuleType, size: int) -> None:
    """olmpy's ciphertext equals the ECB key stream over the key and IV it reports."""
    plaintext = bytes((i * 31 + size) % 256 for i in range(size))
    ciphertext, info = attachments.encrypt(plaintext)
    doc = info.to_json()
    assert _ecb_decrypt(doc, ciphertext) == plaintext
    assert base64.b64decode(doc["hashes"]["sha256"] + "=") == hashlib.sha256(ciphertext).digest()
    assert attachments.decrypt(ciphertext, doc) == plaintext


def test_encrypted_info_has_spec_shape(backend: ModuleType) -> None:
    """v2, the exact JWK members, URL-safe unpadded k, unpadded IV with a zero low half."""
    _, info = attachments.encrypt(b"x")
    doc = info.to_json(url="mxc://example.org/abc")
    assert set(doc) == {"v", "key", "iv", "hashes", "url"}
    assert doc["v"] == "v2" and doc["url"] == "mxc://example.org/abc"
    assert {k: v for k, v in doc["key"].items() if k != "k"} == {
        "kty": "oct", "key_ops": ["encrypt", "decrypt"], "alg": "A256CTR", "ext": True}
    assert len(doc["key"]["k"]) == 43 and not set(doc["key"]["k"]) & set("+/=")
    assert base64.urlsafe_b64decode(doc["key"]["k"] + "=") == info.key
    assert len(doc["iv"]) == 22 and "=" not in doc["iv"]
    assert info.iv[8:] == bytes(8)
    assert len(doc["hashes"]["sha256"]) == 43
    assert set(doc["hashes"]) == {"sha256"}


def test_fresh_key_and_iv_each_time() -> None:
    """Two encryptions of the same bytes share neither key nor IV."""
    _, a = attachments.encrypt(b"same")
    _, b = attachments.encrypt(b"same")
    assert a.key != b.key and a.iv[:8] != b.iv[:8]


@pytest.mark.parametrize("chunk", [1, 5, 16, attachments.CHUNK_SIZE])
def test_encrypt_stream_round_trip(chunk: int) -> None:
    """encrypt_stream writes what the ECB key stream decrypts and what decrypt_stream reads."""
    plaintext = bytes(range(256)) * 41
    enc = io.BytesIO()
    info = attachments.encrypt_stream(io.BytesIO(plaintext), enc, chunk_size=chunk)
    ciphertext = enc.getvalue()
    assert _ecb_decrypt(info.to_json(), ciphertext) == plaintext
    assert info.sha256 == hashlib.sha256(ciphertext).digest()
    out = io.BytesIO()
    attachments.decrypt_stream(OneWay(ciphertext), out, info, chunk_size=chunk)
    assert out.getvalue() == plaintext


def test_streams_use_constant_memory() -> None:
    """8 MiB through encrypt_stream and a one-way decrypt_stream allocate well under 1 MiB."""
    size = 8 * 1024 * 1024

    class Zeros:
        def __init__(self) -> None:
            self.left = size

        def read(self, n: int = -1) -> bytes:
            n = min(n, self.left)
            self.left -= n
            return bytes(n)

    class Sink:
        def __init__(self) -> None:
            self.n = 0
            self.digest = hashlib.sha256()

        def write(self, data: bytes) -> int:
            self.n += len(data)
            self.digest.update(data)
            return len(data)

    tracemalloc.start()
    try:
        sink = Sink()
        info = attachments.encrypt_stream(Zeros(), sink)
        _, enc_peak = tracemalloc.get_traced_memory()
        assert sink.n == size and sink.digest.digest() == info.sha256
        tracemalloc.reset_peak()

        class Replay:  # regenerate the ciphertext without holding it: re-encrypt zeros
            def __init__(self) -> None:
                self.ctr = primitives.AesCtr64(info.key, info.iv)
                self.src = Zeros()

            def read(self, n: int = -1) -> bytes:
                return self.ctr.update(self.src.read(n))

        out = Sink()
        attachments.decrypt_stream(Replay(), out, info)
        _, dec_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.n == size and out.digest.digest() == hashlib.sha256(bytes(size)).digest()
    assert enc_peak < 1024 * 1024 and dec_peak < 1024 * 1024, (enc_peak, dec_peak)


# --- integrity ----------------------------------------------------------------------------

_RUST = next(c for c in DOC["decrypt"] if c["id"] == "rust-sdk-real_decrypt")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_tampered_ciphertext_gives_hash_error_and_no_output(data: st.DataObject) -> None:
    """Any change to the ciphertext (flip, cut, extend) raises before a byte is written."""
    ciphertext = bytearray(unhex(_RUST["ciphertext_hex"]))
    how = data.draw(st.sampled_from(["flip", "cut", "extend"]))
    if how == "flip":
        pos = data.draw(st.integers(0, len(ciphertext) - 1))
        ciphertext[pos] ^= data.draw(st.integers(1, 255))
    elif how == "cut":
        del ciphertext[data.draw(st.integers(0, len(ciphertext) - 1)):]
    else:
        ciphertext += data.draw(st.binary(min_size=1, max_size=40))
    with pytest.raises(AttachmentHashError, match="SHA-256: expected"):
        attachments.decrypt(bytes(ciphertext), _RUST["info"])
    for src in (io.BytesIO(bytes(ciphertext)), OneWay(bytes(ciphertext))):
        dst = io.BytesIO()
        with pytest.raises(AttachmentHashError) as err:
            attachments.decrypt_stream(src, dst, _RUST["info"], chunk_size=5)
        assert dst.getvalue() == b""
        assert isinstance(err.value, DecryptionError)


def test_seekable_source_changed_between_passes_is_caught() -> None:
    """If the file changes after the hashing pass, the second pass's hash check raises."""
    good = unhex(_RUST["ciphertext_hex"])

    class Shifty(io.BytesIO):
        def seek(self, pos: int, whence: int = 0) -> int:
            self.write(b"\x00" * 4)  # someone rewrites the file between the passes
            return super().seek(pos, whence)

    with pytest.raises(AttachmentHashError):
        attachments.decrypt_stream(Shifty(good), io.BytesIO(), _RUST["info"])


# --- strict parsing -----------------------------------------------------------------------


def _mutated(path: tuple[str, ...], value: object) -> dict[str, Any]:
    doc: dict[str, Any] = copy.deepcopy(_RUST["info"])
    node = doc
    for part in path[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


_DELETE = object()
_K = _RUST["info"]["key"]["k"]
MALFORMED = [
    ("alg", ("key", "alg"), "A128CTR", "A256CTR"),
    ("kty", ("key", "kty"), "RSA", '"oct"'),
    ("key_ops-missing-decrypt", ("key", "key_ops"), ["encrypt"], "decrypt"),
    ("key_ops-not-list", ("key", "key_ops"), "encrypt,decrypt", "JSON array"),
    ("key_ops-non-string", ("key", "key_ops"), ["encrypt", "decrypt", 3], "decrypt"),
    ("ext-false", ("key", "ext"), False, "expected true"),
    ("ext-string", ("key", "ext"), "true", "expected true"),
    ("k-standard-alphabet", ("key", "k"), _K.replace("-", "+").replace("_", "/"), "URL-safe"),
    ("k-bad-char", ("key", "k"), _K[:-1] + "!", "base64"),
    ("k-short", ("key", "k"), _K[:-3], "30 bytes"),
    ("k-long", ("key", "k"), _K + "AAAA", "32 bytes"),
    ("k-missing", ("key", "k"), _DELETE, "'k' field"),
    ("k-number", ("key", "k"), 5, "string"),
    ("key-not-object", ("key",), "key", "JSON object"),
    ("iv-15-bytes", ("iv",), _b64(bytes(15)), "16 bytes"),
    ("iv-urlsafe", ("iv",), "i0DovxYdJEc-AAAAAAAAAA", "base64"),
    ("iv-missing", ("iv",), _DELETE, "'iv' field"),
    ("hashes-missing", ("hashes",), _DELETE, "'hashes' field"),
    ("sha256-missing", ("hashes", "sha256"), _DELETE, "'sha256' field"),
    ("sha256-short", ("hashes", "sha256"), _b64(bytes(31)), "32 bytes"),
    ("sha256-nonzero-trailing-bits", ("hashes", "sha256"),
     _RUST["info"]["hashes"]["sha256"][:-1] + "V", "trailing bits"),
    ("v3", ("v",), "v3", '"v2" or "v1"'),
    ("v-number", ("v",), 2, '"v2" or "v1"'),
    ("v-missing", ("v",), _DELETE, '"v": "v2"'),
]


@pytest.mark.parametrize(("path", "value", "fragment"),
                         [pytest.param(p, v, f, id=i) for i, p, v, f in MALFORMED])
def test_malformed_info_gives_attachment_error(backend: ModuleType, path: tuple[str, ...],
                                               value: object, fragment: str) -> None:
    """Each defect raises an AttachmentError (a DecodeError) that names what was expected."""
    doc = _mutated(path, value)
    with pytest.raises(AttachmentError, match="expected") as err:
        attachments.decrypt(unhex(_RUST["ciphertext_hex"]), doc)
    assert fragment in str(err.value)
    assert isinstance(err.value, DecodeError)


def test_not_an_object_is_rejected() -> None:
    with pytest.raises(AttachmentError, match="JSON object"):
        EncryptedFileInfo.from_json(["v2"])


def test_lenient_forms_are_accepted(backend: ModuleType) -> None:
    """Padded base64, no "ext", extra key_ops and extra hashes all still decrypt."""
    doc = copy.deepcopy(_RUST["info"])
    doc["iv"] += "=="
    doc["key"]["k"] += "="
    doc["hashes"]["sha256"] += "="
    doc["hashes"]["sha512"] = "ignored"
    doc["key"]["key_ops"] = ["decrypt", "wrapKey", "encrypt"]
    del doc["key"]["ext"]
    assert attachments.decrypt(unhex(_RUST["ciphertext_hex"]), doc) == unhex(
        _RUST["plaintext_hex"])


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)
_PATHS = [("v",), ("key",), ("iv",), ("hashes",), ("key", "k"), ("key", "alg"), ("key", "kty"),
          ("key", "key_ops"), ("key", "ext"), ("hashes", "sha256")]


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(_PATHS), value=_JSONISH)
def test_any_json_in_any_field_gives_typed_error_or_plaintext(path: tuple[str, ...],
                                                              value: object) -> None:
    """Whatever JSON replaces a field, the outcome is the true plaintext or an AttachmentError."""
    doc = _mutated(path, value)
    try:
        out = attachments.decrypt(unhex(_RUST["ciphertext_hex"]), doc)
    except AttachmentError:
        return
    assert out == unhex(_RUST["plaintext_hex"])


# --- API hygiene --------------------------------------------------------------------------


def test_repr_hides_the_key() -> None:
    _, info = attachments.encrypt(b"secret file")
    text = repr(info) + str(info) + repr(primitives.AesCtr64(info.key, info.iv))
    assert info.key.hex() not in text and info.to_json()["key"]["k"] not in text
    assert "hidden" in repr(info)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: attachments.encrypt("text"), "bytes"),  # type: ignore[arg-type]
    (lambda: attachments.decrypt("text", _RUST["info"]), "bytes"),  # type: ignore[arg-type]
    (lambda: attachments.encrypt_stream(io.BytesIO(b""), io.BytesIO(), chunk_size=0),
     "positive int"),
    (lambda: attachments.encrypt_stream(io.StringIO("abc"), io.BytesIO()),  # type: ignore[arg-type]
     "binary file"),
    (lambda: EncryptedFileInfo(bytes(31), bytes(16), bytes(32)), "32 bytes"),
    (lambda: EncryptedFileInfo(bytes(32), bytes(16), bytes(32), "v3"), "v2"),
])
def test_caller_mistakes_give_usage_error(call: Any, fragment: str) -> None:
    with pytest.raises(UsageError, match="expected") as err:
        call()
    assert fragment in str(err.value)


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: attachments.decrypt_stream(io.BytesIO(b""), io.BytesIO(), _RUST["info"],
                                        chunk_size=2**64), "positive int up to"),
    (lambda: attachments.encrypt_stream(io.BytesIO(b""), io.BytesIO(), chunk_size=10**30),
     "positive int up to"),
    (lambda: attachments.decrypt_stream(None, io.BytesIO(), _RUST["info"]),  # type: ignore[arg-type]
     "read()"),
    (lambda: attachments.encrypt_stream(io.BytesIO(b"x"), "out.bin"),  # type: ignore[arg-type]
     "write()"),
    (lambda: primitives.AesCtr64(bytes(32), bytes(12)), "16 bytes"),
    (lambda: primitives.AesCtr64(bytes(16), bytes(16)), "32 bytes"),
    (lambda: primitives.AesCtr64(bytes(32), bytes(16)).update("text"),  # type: ignore[arg-type]
     "bytes"),
])
def test_more_caller_mistakes_give_usage_error(call: Any, fragment: str) -> None:
    """Sizes past what a read can take, objects that are not files, bad AES-CTR inputs."""
    with pytest.raises(UsageError, match="expected") as err:
        call()
    assert fragment in str(err.value)


def test_hand_built_info_with_a_bad_iv_gives_usage_error() -> None:
    """EncryptedFileInfo's attributes are writable; a bad IV is refused, not a ValueError."""
    ciphertext, info = attachments.encrypt(b"x")
    info.iv = bytes(8)
    with pytest.raises(UsageError, match="16 bytes"):
        attachments.decrypt(ciphertext, info)
    with pytest.raises(UsageError, match="16 bytes"):
        attachments.decrypt_stream(OneWay(ciphertext), io.BytesIO(), info)


def test_nesting_deeper_than_repr_gives_attachment_error() -> None:
    """A JSON parser more lenient than the stdlib's may nest deeper than repr() can print."""
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(AttachmentVersionError, match="expected"):
        EncryptedFileInfo.from_json({**_RUST["info"], "v": deep})
    with pytest.raises(AttachmentError, match="expected true"):
        EncryptedFileInfo.from_json(_mutated(("key", "ext"), deep))


def test_ctr64_counts_bytes_of_multibyte_memoryviews() -> None:
    """A memoryview of 4-byte items is taken by its bytes (it raised TypeError), and the
    wrap at 2**64 is counted in bytes, not items.

    Ground truth: the generator's AES-ECB key stream with a 64-bit counter.
    """
    key = hashlib.sha256(b"ctr64 memoryview key").digest()
    iv = bytes(range(8)) + (2**64 - 1).to_bytes(8, "big")  # wraps after one block
    data = array.array("I", range(16))  # 64 bytes, len() 16
    expected = GEN.keystream_ecb(key, iv, 64, 64)
    expected = bytes(a ^ b for a, b in zip(data.tobytes(), expected, strict=True))
    ctr = primitives.AesCtr64(key, iv)
    assert ctr.update(memoryview(data)[:2]) + ctr.update(memoryview(data)[2:]) == expected
    assert primitives.AesCtr64(key, iv).update(memoryview(data)) == expected


def test_benchmark_quick_runs() -> None:
    """benchmarks/compare_attachments.py --quick prints a timed row per operation and size."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "compare_attachments.py"
    proc = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = [[c.strip() for c in line.strip("|").split("|")]
             for line in proc.stdout.splitlines() if line.startswith("| ") and "MiB" in line]
    names = [row[0] for row in table]
    for mib in (1, 4):
        for op in (f"encrypt {mib} MiB stream", f"decrypt {mib} MiB, seekable file",
                   f"decrypt {mib} MiB, one-way stream"):
            assert op in names
    assert all(float(cell.replace(",", "")) > 0 for row in table for cell in row[1:6])

"""The native attachment core (``_native/attachment.c``) against its pure twin and an
independent reference.

The reference is AES-256 in ECB mode (``cryptography``) applied to counter blocks the
test writes out itself, so the 64-bit counter and its wrap are checked against the
definition rather than against either backend.  Sizes cover the ragged head and tail of
the fused 64-byte pieces, the 64 KiB switch to in-place outputs and the 4 MiB switch
to huge pages and the prefault helper.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
import textwrap

import needs
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olmpy import _backend
from olmpy.errors import UsageError

needs.native(module_level=True)
N = _backend.load("native")
P = _backend.load("python")

SIZES = [0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000, 4096 + 7, 65535, 65536,
         65536 + 17, 200_003]
WRAP_LOWS = [0, 1, 12345, 2**63, 2**64 - 1, 2**64 - 2, 2**64 - 5, 2**64 - 4000]
FEW = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference(key: bytes, iv: bytes, data: bytes) -> bytes:
    """AES-256-CTR with the low 64 bits of the block as a wrapping counter, by definition."""
    low = int.from_bytes(iv[8:], "big")
    blocks = b"".join(iv[:8] + ((low + i) % 2**64).to_bytes(8, "big")
                      for i in range((len(data) + 15) // 16))
    keystream = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(blocks)
    return bytes(a ^ b for a, b in zip(data, keystream[: len(data)], strict=True))


def cases() -> list[tuple[bytes, bytes, bytes]]:
    out = []
    for i, size in enumerate(SIZES):
        key = hashlib.sha256(b"key %d" % i).digest()
        low = WRAP_LOWS[i % len(WRAP_LOWS)]
        iv = hashlib.sha256(b"iv %d" % i).digest()[:8] + low.to_bytes(8, "big")
        out.append((key, iv, os.urandom(size)))
    return out


@pytest.mark.parametrize(("key", "iv", "data"), cases(), ids=[str(s) for s in SIZES])
def test_encrypt_and_decrypt_match_the_definition(key: bytes, iv: bytes, data: bytes) -> None:
    expected = reference(key, iv, data) if len(data) <= 70_000 else None
    digests = set()
    for backend in (N, P):
        ciphertext, digest = backend.attachment_encrypt(key, iv, data)
        if expected is not None:
            assert ciphertext == expected
        assert digest == hashlib.sha256(ciphertext).digest()
        digests.add(digest)
        plaintext, computed = backend.attachment_decrypt(key, iv, ciphertext, digest)
        assert plaintext == data and computed == digest
    assert len(digests) == 1  # the two backends made the same ciphertext


@pytest.mark.parametrize("low", WRAP_LOWS)
def test_counter_wraps_without_carry(low: int) -> None:
    key = hashlib.sha256(b"wrap").digest()
    iv = b"\xff" * 8 + low.to_bytes(8, "big")
    data = bytes(range(256)) * 40  # crosses the wrap for every low near 2**64
    ciphertext, _ = N.attachment_encrypt(key, iv, data)
    assert ciphertext == reference(key, iv, data)
    assert ciphertext == P.attachment_encrypt(key, iv, data)[0]


def test_wrong_hash_gives_no_plaintext_on_either_backend() -> None:
    key, iv = os.urandom(32), os.urandom(8) + bytes(8)
    for size in (1, 100, 70_000, 5 * 2**20 + 3):
        data = os.urandom(size)
        ciphertext, digest = N.attachment_encrypt(key, iv, data)
        wrong = digest[:-1] + bytes([digest[-1] ^ 1])
        for backend in (N, P):
            assert backend.attachment_decrypt(key, iv, ciphertext, wrong) == (None, digest)
        tampered = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
        for backend in (N, P):
            plaintext, computed = backend.attachment_decrypt(key, iv, tampered, digest)
            assert plaintext is None and computed == hashlib.sha256(tampered).digest()


@pytest.mark.parametrize("helper", ["split", "one-thread"])
def test_whole_file_sizes_agree(helper: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """From 4 MiB up the native core splits a whole file over two threads (the caller
    hashes, a helper writes the output); OLMPY_NO_PREFAULT=1, read at each call, keeps it on
    one.  Either way the bytes, the hash and the verdicts equal the pure twin's, across a
    counter wrap, with and without a ragged tail."""
    if helper == "one-thread":
        monkeypatch.setenv("OLMPY_NO_PREFAULT", "1")
    else:
        monkeypatch.delenv("OLMPY_NO_PREFAULT", raising=False)
    key, iv = os.urandom(32), os.urandom(8) + (2**64 - 100_000).to_bytes(8, "big")
    for size in (4 * 2**20, 6 * 2**20 + 5):
        data = os.urandom(size)
        native = N.attachment_encrypt(key, iv, data)
        assert native == P.attachment_encrypt(key, iv, data)
        assert native[0] == reference(key, iv, data)
        assert N.attachment_decrypt(key, iv, native[0], native[1]) == (data, native[1])
        tampered = native[0][:-1] + bytes([native[0][-1] ^ 1])
        assert N.attachment_decrypt(key, iv, tampered, native[1]) == (
            None, hashlib.sha256(tampered).digest())


@FEW
@given(data=st.binary(max_size=3000), cuts=st.lists(st.integers(0, 3000), max_size=12),
       low=st.sampled_from(WRAP_LOWS), decrypt=st.booleans())
def test_streams_cut_anywhere_match_one_shot(data: bytes, cuts: list[int], low: int,
                                             decrypt: bool) -> None:
    key = hashlib.sha256(b"stream").digest()
    iv = b"\x01" * 8 + low.to_bytes(8, "big")
    bounds = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    results = []
    for backend in (N, P):
        cipher = backend.attachment_cipher(key, iv)
        out = b"".join(cipher.update(chunk, decrypt) for chunk in chunks)
        results.append((out, cipher.digest()))
    assert results[0] == results[1]
    out, digest = results[0]
    assert out == reference(key, iv, data)
    assert digest == hashlib.sha256(data if decrypt else out).digest()


def test_digest_leaves_the_stream_usable() -> None:
    key, iv = os.urandom(32), os.urandom(16)
    data = os.urandom(1000)
    for backend in (N, P):
        cipher = backend.attachment_cipher(key, iv)
        first = cipher.update(data[:100], False)
        early = cipher.digest()
        assert early == hashlib.sha256(first).digest() == cipher.digest()
        rest = cipher.update(data[100:], False)
        assert first + rest == reference(key, iv, data)


def test_shared_small_bytes_objects_are_never_written() -> None:
    """Outputs below 64 KiB are copied out of a C buffer: b"" and the one-byte
    singletons CPython shares must be untouched after many small operations."""
    key, iv = os.urandom(32), os.urandom(16)
    for size in (0, 1, 2, 65535):
        for _ in range(50):
            N.attachment_encrypt(key, iv, os.urandom(size))
            N.attachment_cipher(key, iv).update(os.urandom(size), True)
    assert bytes(1) == b"\x00" and bytes(0) == b"" and b"\x00"[0] == 0
    two = [N.attachment_encrypt(key, iv, bytes(70_000))[0] for _ in range(2)]
    assert two[0] == two[1] and two[0] is not two[1]


def test_bad_arguments_give_the_same_error() -> None:
    for key, iv in ((bytes(31), bytes(16)), (bytes(32), bytes(15))):
        errors = []
        for backend in (N, P):
            for name, args in (("attachment_encrypt", (key, iv, b"x")),
                               ("attachment_decrypt", (key, iv, b"x", bytes(32))),
                               ("attachment_cipher", (key, iv))):
                with pytest.raises(UsageError) as info:
                    getattr(backend, name)(*args)
                errors.append(str(info.value))
        assert errors[:3] == errors[3:] and "expected" in errors[0]


def test_without_sha_instructions_native_runs_the_twin() -> None:
    """OLMPY_NO_SHANI (a CPU without SHA-NI): the native binding hands attachments to the
    pure twin, with the same results."""
    script = textwrap.dedent("""
        import hashlib
        from olmpy import _backend
        from olmpy._nativelib import lib
        N = _backend.load("native")
        assert lib.olmpy_attachment_available() == 0
        key, iv = bytes(range(32)), bytes(8) + (2**64 - 2).to_bytes(8, "big")
        ct, digest = N.attachment_encrypt(key, iv, b"a" * 100)
        assert digest == hashlib.sha256(ct).digest()
        print(ct.hex())
    """)
    env = dict(os.environ, OLMPY_NO_SHANI="1")
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    key, iv = bytes(range(32)), bytes(8) + (2**64 - 2).to_bytes(8, "big")
    assert run.stdout.strip() == reference(key, iv, b"a" * 100).hex()

"""Project Wycheproof edge cases for every primitive olmpy uses, on both backends.

The vectors are read from ../shared/wycheproof (never committed). In CI (CI=true) a
missing directory is a failure, not a skip; elsewhere the tests skip with the reason.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import olmpy
from olmpy.errors import CiphertextError, KeyDecodeError, SignatureError, UsageError
from olmpy.hazmat import primitives

# ../shared/wycheproof beside the checkout; OLMPY_WYCHEPROOF_DIR names another place
# (tools/sanitize.py runs the suite in a copy elsewhere).
WYCHEPROOF = Path(
    os.environ.get("OLMPY_WYCHEPROOF_DIR")
    or Path(__file__).resolve().parents[1].parent / "shared" / "wycheproof"
)


def _tests(name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    path = WYCHEPROOF / name
    if not path.exists():
        if os.environ.get("CI"):
            raise FileNotFoundError(f"Wycheproof vectors missing in CI: {path}")
        return []
    data = json.loads(path.read_text())
    return [(group, test) for group in data["testGroups"] for test in group["tests"]]


def _params(name: str) -> list[Any]:
    cases = _tests(name)
    if not cases:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"no {WYCHEPROOF}"))]
    return [pytest.param(g, t, id=f"tc{t['tcId']}") for g, t in cases]


def _h(value: str) -> bytes:
    return bytes.fromhex(value)


@pytest.mark.parametrize(("group", "case"), _params("aes_cbc_pkcs5_test.json"))
def test_aes_cbc_pkcs7(backend: ModuleType, group: dict[str, Any], case: dict[str, Any]) -> None:
    """AES-256-CBC vectors encrypt exactly and bad paddings raise CiphertextError."""
    if group["keySize"] != 256:
        assert len(_h(case["key"])) != 32  # olmpy only offers AES-256
        with pytest.raises(UsageError):
            backend.aes256_cbc_encrypt(_h(case["key"]), _h(case["iv"]), b"")
        return
    key, iv, msg, ct = _h(case["key"]), _h(case["iv"]), _h(case["msg"]), _h(case["ct"])
    if case["result"] == "valid":
        assert backend.aes256_cbc_encrypt(key, iv, msg) == ct
        assert backend.aes256_cbc_decrypt(key, iv, ct) == msg
    else:
        with pytest.raises(CiphertextError):
            backend.aes256_cbc_decrypt(key, iv, ct)


@pytest.mark.parametrize(("group", "case"), _params("hmac_sha256_test.json"))
def test_hmac_sha256(backend: ModuleType, group: dict[str, Any], case: dict[str, Any]) -> None:
    """HMAC-SHA-256 tags (truncated where the group says so) match exactly when valid."""
    tag = backend.hmac_sha256(_h(case["key"]), _h(case["msg"]))[: group["tagSize"] // 8]
    assert (tag == _h(case["tag"])) is (case["result"] == "valid")


@pytest.mark.parametrize(("group", "case"), _params("hkdf_sha256_test.json"))
def test_hkdf_sha256(backend: ModuleType, group: dict[str, Any], case: dict[str, Any]) -> None:
    """HKDF-SHA-256 output matches; over-long requests are refused with UsageError."""
    args = (_h(case["salt"]), _h(case["ikm"]), _h(case["info"]), case["size"])
    if case["result"] == "valid":
        assert backend.hkdf_sha256(*args) == _h(case["okm"])
    else:
        with pytest.raises(UsageError):
            backend.hkdf_sha256(*args)


@pytest.mark.parametrize(("group", "case"), _params("x25519_test.json"))
def test_x25519(group: dict[str, Any], case: dict[str, Any]) -> None:
    """X25519 agrees with Wycheproof, and an all-zero shared secret is always refused."""
    private, public, shared = _h(case["private"]), _h(case["public"]), _h(case["shared"])
    if shared == bytes(32):
        with pytest.raises(KeyDecodeError):
            primitives.x25519(private, public)
        return
    if case["result"] == "invalid":
        with pytest.raises(olmpy.OlmpyError):
            primitives.x25519(private, public)
        return
    assert primitives.x25519(private, public) == shared


@pytest.mark.parametrize(("group", "case"), _params("ed25519_test.json"))
def test_ed25519_verify(backend: ModuleType, group: dict[str, Any], case: dict[str, Any]) -> None:
    """Ed25519 verification accepts exactly the valid signatures."""
    public = _h(group["publicKey"]["pk"])
    msg, sig = _h(case["msg"]), _h(case["sig"])
    if case["result"] == "valid":
        backend.ed25519_verify(public, msg, sig)
    else:
        with pytest.raises(SignatureError):
            backend.ed25519_verify(public, msg, sig)

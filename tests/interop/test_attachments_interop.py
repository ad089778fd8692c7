"""Encrypted attachments between olmpy and matrix-nio 0.26 and mautrix 0.21, both
directions, on the in-memory and the streamed APIs.

nio and mautrix live in the clients venv (tests/clients/run.py makes it; .ci/run runs this
file again with OLMPY_NIO_PYTHON pointing there and OLMPY_REQUIRE_NIO=1, which turns a
missing venv into a failure).  They run in that Python (tests/interop/attachment_peer.py);
files cross through a work directory.  Sizes cover the fused pass's ragged edges, the
switch to in-place outputs at 64 KiB and the huge-page prefault path from 4 MiB.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from olmpy import attachments
from olmpy.attachments import AttachmentHashError

from .attachment_peer import plaintext

HERE = Path(__file__).resolve().parent
CLIENTS_PYTHON = Path(os.environ.get("OLMPY_NIO_PYTHON") or "/work/venvs/clients/bin/python")
SIZES = [0, 1, 63, 64, 65, 1000, 65536 + 17, 5 * 2**20 + 3]


def peer(mode: str, work: Path) -> None:
    if not CLIENTS_PYTHON.exists():
        if os.environ.get("OLMPY_REQUIRE_NIO"):
            pytest.fail(f"OLMPY_REQUIRE_NIO is set, but there is no {CLIENTS_PYTHON}")
        pytest.skip(f"no Python with matrix-nio and mautrix at {CLIENTS_PYTHON} "
                    "(set OLMPY_NIO_PYTHON)")
    # The peers' Python runs no olmpy code: keep a sanitizer preload (tools/sanitize.py) out
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "PYTHONPATH")}
    done = subprocess.run([str(CLIENTS_PYTHON), str(HERE / "attachment_peer.py"), mode,
                           str(work)], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr


def test_nio_and_mautrix_files_decrypt_in_olmpy(tmp_path: Path) -> None:
    (tmp_path / "sizes.json").write_text(json.dumps(SIZES))
    peer("encrypt", tmp_path)
    infos = json.loads((tmp_path / "peers.json").read_text())
    assert len(infos) == 2 * len(SIZES)
    for name, info in infos.items():
        size = int(name.split("-")[1])
        ciphertext = (tmp_path / f"{name}.bin").read_bytes()
        assert attachments.decrypt(ciphertext, info) == plaintext(size), name
        out = io.BytesIO()
        assert attachments.decrypt_stream(io.BytesIO(ciphertext), out, info,
                                          chunk_size=4099) == size
        assert out.getvalue() == plaintext(size), name
        if size:
            tampered = ciphertext[:-1] + bytes([ciphertext[-1] ^ 0x80])
            with pytest.raises(AttachmentHashError):
                attachments.decrypt(tampered, info)


def test_olmpy_files_decrypt_in_nio_and_mautrix(tmp_path: Path) -> None:
    infos = {}
    for size in SIZES:
        ciphertext, info = attachments.encrypt(plaintext(size))
        (tmp_path / f"olmpy-{size}.bin").write_bytes(ciphertext)
        infos[f"olmpy-{size}"] = info.to_json()
        out = io.BytesIO()
        streamed = attachments.encrypt_stream(io.BytesIO(plaintext(size)), out,
                                              chunk_size=1000)
        (tmp_path / f"olmpy_stream-{size}.bin").write_bytes(out.getvalue())
        infos[f"olmpy_stream-{size}"] = streamed.to_json()
    # one file with a flipped byte: both peers must refuse it
    (tmp_path / "olmpy_tampered-1000.bin").write_bytes(
        bytes([(tmp_path / "olmpy-1000.bin").read_bytes()[0] ^ 1])
        + (tmp_path / "olmpy-1000.bin").read_bytes()[1:])
    infos["olmpy_tampered-1000"] = infos["olmpy-1000"]
    (tmp_path / "olmpy.json").write_text(json.dumps(infos))
    peer("decrypt", tmp_path)
    results = json.loads((tmp_path / "decrypted.json").read_text())
    for lib in ("nio", "mautrix"):
        for kind in ("olmpy", "olmpy_stream"):
            for size in SIZES:
                assert results[f"{lib}:{kind}-{size}"] == hashlib.sha256(
                    plaintext(size)).hexdigest(), (lib, kind, size)
    assert results["nio:olmpy_tampered-1000"] == "EncryptionError"
    assert results["mautrix:olmpy_tampered-1000"] == "DecryptionError"


def test_peer_benchmark_quick_runs() -> None:
    """benchmarks/compare_attachments_peers.py --quick runs in the clients venv, with the
    fused pass on a CPU that has the instructions, and prints every row."""
    if not CLIENTS_PYTHON.exists():
        if os.environ.get("OLMPY_REQUIRE_NIO"):
            pytest.fail(f"OLMPY_REQUIRE_NIO is set, but there is no {CLIENTS_PYTHON}")
        pytest.skip(f"no Python with matrix-nio and mautrix at {CLIENTS_PYTHON}")
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        # tools/sanitize.py's run: olmpy is the ASan build, which needs the preload, and
        # pycryptodome (nio's and mautrix's AES) refuses to load under it (RTLD_DEEPBIND).
        # The plain suite and CI's clients-venv step run this test.
        pytest.skip("the peers' pycryptodome cannot load under the ASan runtime")
    import olmpy
    from olmpy import _backend

    root = HERE.parent.parent
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    # the olmpy this test imports (a checkout, or an installed copy in the install checks)
    env["PYTHONPATH"] = str(Path(olmpy.__file__).resolve().parent.parent)
    done = subprocess.run([str(CLIENTS_PYTHON), str(root / "benchmarks" /
                                                    "compare_attachments_peers.py"), "--quick"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=root)
    assert done.returncode == 0, done.stderr
    fused = getattr(_backend.impl, "_ATTACHMENT_FUSED", False)
    assert f"fused native pass: {'yes' if fused else 'no'}" in done.stdout, done.stdout
    for row in ("sha256 alone", "olmpy encrypt", "olmpy decrypt", "nio encrypt",
                "nio decrypt", "mautrix encrypt", "mautrix decrypt"):
        assert f"| {row} |" in done.stdout, done.stdout
    assert done.stdout.count("the faster peer") == 2, done.stdout

"""Backend selection: the flag, the environment variable, and loud failures when the
compiled core is missing or was built for another version."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import needs
import pytest

import olmpy
from olmpy import _backend


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    full_env.pop("OLMPY_BACKEND", None)
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=60
    )


def test_default_backend_is_native() -> None:
    """Without OLMPY_BACKEND the compiled core is used (AES-NI present on CI machines)."""
    needs.native()
    result = _run("import olmpy; print(olmpy.BACKEND)")
    assert result.returncode == 0, result.stderr
    expected = "native" if _backend.load("native").has_aesni() else "python (no AES-NI)"
    assert result.stdout.strip() == expected


def test_env_forces_python() -> None:
    """OLMPY_BACKEND=python selects the pure twin."""
    result = _run("import olmpy; print(olmpy.BACKEND)", OLMPY_BACKEND="python")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "python"


def test_unknown_backend_name_fails_loudly() -> None:
    """A misspelt OLMPY_BACKEND is a BackendError naming the accepted values."""
    result = _run("import olmpy", OLMPY_BACKEND="turbo")
    assert result.returncode != 0
    assert "BackendError" in result.stderr
    assert "expected \"native\" or \"python\", got 'turbo'" in result.stderr


def test_missing_extension_fails_loudly() -> None:
    """If olmpy._native cannot be imported and OLMPY_BACKEND=native asks for it, importing
    olmpy says so instead of half-working (unset, see tests/test_backend_selection.py)."""
    code = "import sys; sys.modules['olmpy._native'] = None; import olmpy"
    result = _run(code, OLMPY_BACKEND="native")
    assert result.returncode != 0
    assert "BackendError" in result.stderr
    assert "could not be imported" in result.stderr
    assert "OLMPY_BACKEND=python" in result.stderr


def test_version_mismatch_fails_loudly(tmp_path: Path) -> None:
    """A copy of olmpy whose version differs from its compiled core refuses to import."""
    needs.native()
    copy = tmp_path / "olmpy"
    shutil.copytree(Path(olmpy.__file__).parent, copy)
    (copy / "_version.py").write_text('__version__ = "0.0.0.other"\n')
    # Editable installs put a meta-path finder ahead of sys.path; drop it so the copy loads.
    code = (
        "import sys; sys.meta_path = [f for f in sys.meta_path "
        "if 'editable' not in type(f).__module__.lower()]; "
        f"sys.path.insert(0, {str(tmp_path)!r}); import olmpy"
    )
    result = _run(code)
    assert result.returncode != 0
    assert "BackendError" in result.stderr
    assert "0.0.0.other" in result.stderr
    assert olmpy.__version__ in result.stderr


def test_backend_use_switches_new_objects() -> None:
    """Objects keep the backend they were created with, whatever is active later."""
    with _backend.use("python"):
        session = olmpy.GroupSession()
    assert session._b.NAME == "python"
    inbound = olmpy.InboundGroupSession(session.session_key)
    assert inbound._b.NAME == _backend.impl.NAME
    assert inbound.decrypt(session.encrypt(b"x")).plaintext == b"x"
    with pytest.raises(olmpy.BackendError):
        _backend.load("fortran")


def test_native_reports_cpu_features() -> None:
    """The native core reports the AES-NI and SHA-NI detection it uses."""
    needs.native()
    native = _backend.load("native")
    assert isinstance(native.has_aesni(), bool)
    assert isinstance(native.has_shani(), bool)


def test_demo_runs_and_tells_the_story() -> None:
    """`python -m olmpy demo` succeeds on both backends and shows each step of the story."""
    for name in ("native", "python") if needs.have_native() else ("python",):
        result = subprocess.run(
            [sys.executable, "-m", "olmpy", "demo"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "OLMPY_BACKEND": name},
        )
        assert result.returncode == 0, result.stderr
        assert "DeprecationWarning" not in result.stderr  # the demo uses current names
        out = result.stdout
        assert "from a signed key: False" in out
        assert "Bob reads: 'Hi Bob, the plan is on for Friday.'" in out
        assert "Carol cannot read an old message from Alice: UnknownMessageIndexError" in out
        assert "now reads: 'Carol is joining us soon.'" in out
        assert "Bob rejects it: SignatureError" in out
        assert "the untouched message still decrypts" in out
        assert "the restored session reads Alice's next message: 'Backups work too.'" in out
        assert "Bob sees the same: True" in out and "Bob checks Alice's key MAC: it verifies" in out


def test_without_aesni_the_pure_backend_takes_over() -> None:
    """On a CPU without AES-NI (simulated), olmpy says so and runs on OpenSSL's AES."""
    needs.native()
    code = (
        "import olmpy; print(olmpy.BACKEND); "
        "g = olmpy.GroupSession(); i = olmpy.InboundGroupSession(g.session_key); "
        "print(i.decrypt(g.encrypt(b'no aes-ni')).plaintext.decode())"
    )
    result = _run(code, OLMPY_NO_AESNI="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["python (no AES-NI)", "no aes-ni"]


@pytest.mark.parametrize("backend", ["native", "python"])
@pytest.mark.parametrize("feature", ["has_crypto_core_ed25519", "has_crypto_scalarmult_ed25519"])
def test_minimal_libsodium_fails_at_import(backend: str, feature: str) -> None:
    """A PyNaCl whose libsodium lacks the low-level Ed25519 functions is refused when olmpy
    is imported (BackendError naming the missing feature), not at the first signature."""
    code = (
        f"import nacl.bindings; nacl.bindings.{feature} = False\n"
        "try:\n"
        "    import olmpy\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
        "else:\n"
        "    print('imported')\n"
    )
    if backend == "native":
        needs.native()
    result = _run(code, OLMPY_BACKEND=backend)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("BackendError") and feature in result.stdout

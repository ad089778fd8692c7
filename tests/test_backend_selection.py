"""Which backend olmpy picks when the compiled core is missing, broken or required
(SPEC.md section 8): OLMPY_BACKEND unset falls back to the pure twin only when no core is
installed at all, OLMPY_REQUIRE_NATIVE=1 turns that into an error, and a core that is
there but does not load is an error whatever the settings."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import needs
import pytest

import olmpy
from olmpy import _backend, _pure
from olmpy.errors import BackendError

# A subprocess in which olmpy._native cannot be found: None in sys.modules is what the
# import system reports as "no such module", as for an install without the core.
HIDE_CORE = "import sys; sys.modules['olmpy._native'] = None\n"
ROUND_TRIP = (
    "import olmpy\n"
    "print(olmpy.BACKEND)\n"
    "g = olmpy.GroupSession(); i = olmpy.InboundGroupSession(g.session_key)\n"
    "print(i.decrypt(g.encrypt(b'round trip')).plaintext.decode())\n"
)


def _run(code: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter, with only the olmpy variables given here set."""
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("OLMPY_BACKEND", "OLMPY_REQUIRE_NATIVE", "OLMPY_NO_AESNI")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full_env, timeout=120, cwd=cwd)


# --- in process: the decision itself ------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_require_native_true_values(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("OLMPY_REQUIRE_NATIVE", value)
    assert _backend.native_required() is True


@pytest.mark.parametrize("value", [None, "", "0", "no", "false", "off", "2"])
def test_require_native_other_values(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("OLMPY_REQUIRE_NATIVE", raising=False)
    else:
        monkeypatch.setenv("OLMPY_REQUIRE_NATIVE", value)
    assert _backend.native_required() is False


def test_native_installed_follows_the_import_system(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hidden module is "not installed"; an installed one is found without loading it."""
    monkeypatch.setitem(sys.modules, "olmpy._native", None)
    assert _backend.native_installed() is False
    monkeypatch.delitem(sys.modules, "olmpy._native")
    found = importlib.util.find_spec("olmpy._native") is not None
    assert _backend.native_installed() is found
    assert found is (needs.NATIVE_MISSING is None)


@pytest.mark.parametrize("unset", [None, "", "  "])
def test_no_core_and_no_choice_gives_the_pure_backend(
    monkeypatch: pytest.MonkeyPatch, unset: str | None
) -> None:
    """OLMPY_BACKEND unset (or blank) and no core: the pure twin, and BACKEND says why."""
    if unset is None:
        monkeypatch.delenv("OLMPY_BACKEND", raising=False)
    else:
        monkeypatch.setenv("OLMPY_BACKEND", unset)
    monkeypatch.delenv("OLMPY_REQUIRE_NATIVE", raising=False)
    monkeypatch.setattr(_backend, "native_installed", lambda: False)
    module, name = _backend._initial()
    assert module is _pure
    assert name == "python (no native core)"


def test_no_core_with_require_native_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLMPY_BACKEND", raising=False)
    monkeypatch.setenv("OLMPY_REQUIRE_NATIVE", "1")
    monkeypatch.setattr(_backend, "native_installed", lambda: False)
    with pytest.raises(BackendError, match="OLMPY_REQUIRE_NATIVE is set") as info:
        _backend._initial()
    assert "not installed" in str(info.value) and "pip install -v" in str(info.value)


def test_an_explicit_python_choice_needs_no_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """OLMPY_BACKEND=python is honoured as it always was, OLMPY_REQUIRE_NATIVE or not."""
    monkeypatch.setenv("OLMPY_BACKEND", "python")
    monkeypatch.setenv("OLMPY_REQUIRE_NATIVE", "1")
    monkeypatch.setattr(_backend, "native_installed", lambda: False)
    module, name = _backend._initial()
    assert module is _pure and name == "python"


def test_an_installed_core_that_fails_to_load_is_not_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the file there, whatever goes wrong loading it is raised, not replaced."""
    monkeypatch.delenv("OLMPY_BACKEND", raising=False)
    monkeypatch.delenv("OLMPY_REQUIRE_NATIVE", raising=False)
    monkeypatch.setattr(_backend, "native_installed", lambda: True)

    def broken(name: str) -> object:
        if name == "native":
            raise BackendError("olmpy._native was built for olmpy 0.0.0")
        return _pure

    monkeypatch.setattr(_backend, "load", broken)
    with pytest.raises(BackendError, match=r"built for olmpy 0\.0\.0"):
        _backend._initial()


# --- in a fresh interpreter: what a user sees ----------------------------------------------


def test_without_the_core_olmpy_imports_on_the_pure_backend() -> None:
    result = _run(HIDE_CORE + ROUND_TRIP + "print(olmpy._backend.impl is olmpy._pure)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["python (no native core)", "round trip", "True"]


def test_without_the_core_require_native_fails_the_import() -> None:
    result = _run(HIDE_CORE + "import olmpy", OLMPY_REQUIRE_NATIVE="1")
    assert result.returncode != 0
    assert "BackendError" in result.stderr
    assert "OLMPY_REQUIRE_NATIVE is set" in result.stderr and "not installed" in result.stderr


@pytest.mark.parametrize("require", ["", "1"])
def test_without_the_core_an_explicit_native_choice_fails(require: str) -> None:
    result = _run(HIDE_CORE + "import olmpy", OLMPY_BACKEND="native",
                  OLMPY_REQUIRE_NATIVE=require)
    assert result.returncode != 0
    assert "BackendError" in result.stderr and "could not be imported" in result.stderr


def test_without_the_core_python_choice_and_require_native_run() -> None:
    result = _run(HIDE_CORE + ROUND_TRIP, OLMPY_BACKEND="python", OLMPY_REQUIRE_NATIVE="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["python", "round trip"]


@pytest.mark.parametrize("require", ["", "1"])
def test_a_core_file_that_does_not_load_fails_the_import(tmp_path: Path, require: str) -> None:
    """A copy of olmpy whose _native.abi3.so is not a shared object (a broken install):
    importing it is a BackendError, never a quiet fall back to the pure twin.  Needs no
    compiled core, so it also runs where olmpy was installed without one."""
    copy = tmp_path / "olmpy"
    shutil.copytree(Path(olmpy.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("_native*.so", "_native*.pyd", "__pycache__"))
    (copy / "_native.abi3.so").write_bytes(b"this is not a shared object\n")
    # Editable installs put a meta-path finder ahead of sys.path; drop it so the copy loads.
    code = (
        "import sys; sys.meta_path = [f for f in sys.meta_path "
        "if 'editable' not in type(f).__module__.lower()]; "
        f"sys.path.insert(0, {str(tmp_path)!r}); import olmpy"
    )
    result = _run(code, cwd=tmp_path, OLMPY_REQUIRE_NATIVE=require)
    assert result.returncode != 0
    assert "BackendError" in result.stderr and "could not be imported" in result.stderr
    assert str(tmp_path) in result.stderr  # it was the copy's core that failed


def test_with_the_core_require_native_is_satisfied() -> None:
    needs.native()
    code = "import olmpy; print(olmpy.BACKEND)"
    result = _run(code, OLMPY_REQUIRE_NATIVE="1")
    assert result.returncode == 0, result.stderr
    expected = "native" if _backend.load("native").has_aesni() else "python (no AES-NI)"
    assert result.stdout.strip() == expected


# --- the suite's own guard (tests/needs.py) ------------------------------------------------


@pytest.mark.parametrize(
    ("ci", "expect", "outcome"),
    [("true", None, pytest.fail.Exception), ("true", "1", pytest.skip.Exception),
     (None, None, pytest.skip.Exception)],
)
def test_a_missing_core_fails_tests_in_ci_unless_expected(
    monkeypatch: pytest.MonkeyPatch, ci: str | None, expect: str | None, outcome: type
) -> None:
    """In CI a test that needs the core fails without it, so that checks cannot turn into
    skips unnoticed; a run that lacks it on purpose says so with OLMPY_EXPECT_NO_NATIVE."""
    monkeypatch.setattr(needs, "NATIVE_MISSING", "no core (simulated)")
    for var, value in (("CI", ci), ("OLMPY_EXPECT_NO_NATIVE", expect)):
        if value is None:
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, value)
    with pytest.raises(outcome, match=r"no core \(simulated\)"):
        needs.native()
    if outcome is pytest.skip.Exception:
        assert needs.have_native() is False
    else:
        with pytest.raises(outcome):
            needs.have_native()


def test_a_missing_compiler_fails_tests_in_ci_unless_expected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CC", "olmpy-no-such-compiler")
    assert needs.compiler_path() is None
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("OLMPY_EXPECT_NO_COMPILER", raising=False)
    with pytest.raises(pytest.fail.Exception, match="no C compiler"):
        needs.c_compiler()
    monkeypatch.setenv("OLMPY_EXPECT_NO_COMPILER", "1")
    with pytest.raises(pytest.skip.Exception, match="no C compiler"):
        needs.c_compiler()

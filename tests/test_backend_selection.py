"""Which backend olmpy picks when the compiled core is missing, broken or required
(SPEC.md section 8): OLMPY_BACKEND unset falls back to the pure twin only when no core is
installed at all, OLMPY_REQUIRE_NATIVE=1 turns that into an error, and a core that is
there but does not load is an error whatever the settings."""

from __future__ import annotations

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


def _copy(tmp_path: Path, core_file: str | None = None) -> Path:
    """A copy of the olmpy package under tmp_path without its compiled core, as an install
    without a compiler leaves it; with ``core_file``, a file of that name in the core's place
    that is not a shared object (a broken install).  Returns the directory to import from."""
    shutil.copytree(Path(olmpy.__file__).parent, tmp_path / "olmpy",
                    ignore=shutil.ignore_patterns("_native*.so", "_native*.pyd", "__pycache__"))
    if core_file is not None:
        (tmp_path / "olmpy" / core_file).write_bytes(b"this is not a shared object\n")
    return tmp_path


def _run_copy(root: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    # An editable install adds a meta-path finder (a class, not an instance) that maps
    # olmpy's modules to its checkout; drop it so that the copy, and only it, is imported.
    prefix = (
        "import sys; sys.meta_path = [f for f in sys.meta_path "
        "if 'editable' not in getattr(f, '__module__', type(f).__module__).lower()]; "
        f"sys.path.insert(0, {str(root)!r})\n"
    )
    check = f"import olmpy as _o; assert _o.__file__.startswith({str(root)!r}), _o.__file__\n"
    return _run(prefix + check + code, cwd=root, **env)


def test_native_installed_sees_files_not_imports(tmp_path: Path) -> None:
    """No file: not installed.  A file the import system finds, or one built for another
    Python that it does not, counts as installed, so that loading it can fail loudly."""
    code = "from olmpy import _backend; print(_backend.native_installed())"
    for name, expected in ((None, "False"), ("_native.abi3.so", "True"),
                           ("_native.cpython-39-x86_64-linux-gnu.so", "True")):
        root = tmp_path / str(name)
        root.mkdir()
        result = _run_copy(_copy(root, name), code, OLMPY_BACKEND="python")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == expected, name


def test_without_the_core_olmpy_imports_on_the_pure_backend(tmp_path: Path) -> None:
    result = _run_copy(_copy(tmp_path), ROUND_TRIP + "print(olmpy._backend.impl is olmpy._pure)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["python (no native core)", "round trip", "True"]


def test_without_the_core_require_native_fails_the_import(tmp_path: Path) -> None:
    result = _run_copy(_copy(tmp_path), "import olmpy", OLMPY_REQUIRE_NATIVE="1")
    assert result.returncode != 0
    assert "BackendError" in result.stderr
    assert "OLMPY_REQUIRE_NATIVE is set" in result.stderr and "not installed" in result.stderr


@pytest.mark.parametrize("require", ["", "1"])
def test_without_the_core_an_explicit_native_choice_fails(tmp_path: Path, require: str) -> None:
    result = _run_copy(_copy(tmp_path), "import olmpy", OLMPY_BACKEND="native",
                       OLMPY_REQUIRE_NATIVE=require)
    assert result.returncode != 0
    assert "BackendError" in result.stderr and "could not be imported" in result.stderr


def test_without_the_core_python_choice_and_require_native_run(tmp_path: Path) -> None:
    result = _run_copy(_copy(tmp_path), ROUND_TRIP, OLMPY_BACKEND="python",
                       OLMPY_REQUIRE_NATIVE="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["python", "round trip"]


@pytest.mark.parametrize("core_file", ["_native.abi3.so", "_native.cpython-39-x86_64-linux-gnu.so"])
@pytest.mark.parametrize("require", ["", "1"])
def test_a_core_file_that_does_not_load_fails_the_import(
    tmp_path: Path, require: str, core_file: str
) -> None:
    """A copy of olmpy whose core is not a shared object, or was built for another Python
    (a broken install): importing it is a BackendError, never a quiet fall back to the pure
    twin.  Needs no compiled core, so it also runs where olmpy was installed without one."""
    result = _run_copy(_copy(tmp_path, core_file), "import olmpy", OLMPY_REQUIRE_NATIVE=require)
    assert result.returncode != 0
    assert "BackendError" in result.stderr and "could not be imported" in result.stderr


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

"""olmpy.testing.pytest_plugin: its fixtures work in a foreign test suite, and loading it
changes nothing else (no hypothesis import, no options, no hooks).

The suite runs in a subprocess with ``-p olmpy.testing.pytest_plugin`` and this worktree
on PYTHONPATH, so it tests this checkout whether or not the entry point is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

import olmpy.testing.pytest_plugin as plugin

ROOT = Path(__file__).resolve().parent.parent

SUITE = '''
import sys

import olmpy
from olmpy.device_keys import verify_device_keys


def test_plugin_did_not_import_hypothesis():
    assert "hypothesis" not in sys.modules


def test_account(olmpy_account):
    assert isinstance(olmpy_account, olmpy.Account)
    assert len(olmpy_account.one_time_keys) == 1


def test_session_pair(olmpy_session_pair):
    pair = olmpy_session_pair
    assert pair.inbound.decrypt(pair.outbound.encrypt(b"ping")) == b"ping"
    assert pair.outbound.decrypt(pair.inbound.encrypt(b"pong")) == b"pong"


def test_group_session_pair(olmpy_group_session_pair):
    pair = olmpy_group_session_pair
    assert pair.inbound.decrypt(pair.outbound.encrypt("hi")).plaintext == b"hi"


def test_device_keys(olmpy_device_keys):
    d = olmpy_device_keys
    verify_device_keys(d.device_keys, d.user_id, d.device_id, d.account.ed25519_key)


def test_same_test_same_keys_a(olmpy_account):
    print("KEY-A", olmpy_account.ed25519_key.to_base64())


def test_same_test_same_keys_b(olmpy_account):
    print("KEY-B", olmpy_account.ed25519_key.to_base64())
'''


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_foreign.py").write_text(SUITE)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
         "-p", "no:hypothesispytest", *args, str(tmp_path / "test_foreign.py")],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )


def test_fixtures_work_in_a_foreign_suite(tmp_path: Path) -> None:
    first = _run(tmp_path, "-p", "olmpy.testing.pytest_plugin")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "7 passed" in first.stdout
    keys = sorted(line for line in first.stdout.splitlines() if "KEY-" in line)
    assert len(keys) == 2 and keys[0].split()[-1] != keys[1].split()[-1]  # per-test keys
    again = _run(tmp_path, "-p", "olmpy.testing.pytest_plugin")
    assert sorted(x for x in again.stdout.splitlines() if "KEY-" in x) == keys  # reproducible


def test_without_the_plugin_the_fixtures_are_absent(tmp_path: Path) -> None:
    # Guards the test above: the fixtures came from the plugin, not from elsewhere.
    result = _run(tmp_path)  # not auto-loaded: no pytest11 entry point
    assert "fixture 'olmpy_account' not found" in result.stdout


def test_plugin_defines_fixtures_only() -> None:
    public = {n for n in vars(plugin) if not n.startswith("_")}
    hooks = {n for n in public if n.startswith("pytest_")}
    assert hooks == set()
    assert set(plugin.__all__) == {n for n in public if n.startswith("olmpy_")}
    assert all(n.startswith("olmpy_") for n in plugin.__all__)


def test_loading_the_plugin_imports_neither_hypothesis_nor_olmpy() -> None:
    code = (
        "import sys, importlib; importlib.import_module('olmpy.testing.pytest_plugin');"
        "print(sorted(m for m in ('hypothesis', 'olmpy.olm', 'olmpy.megolm') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()
    # importing the package olmpy.testing loads olmpy, so only hypothesis must be absent
    assert "hypothesis" not in out


def test_plugin_is_opt_in() -> None:
    """No pytest11 entry point: pytest would assertion-rewrite all of olmpy in every run of
    every project that installs it (seen: the drop-in vodozemac module grew @py_builtins)."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    assert "pytest11" not in project.get("entry-points", {})
    assert project["optional-dependencies"]["hypothesis"] == ["hypothesis>=6.100"]


@pytest.mark.parametrize("name", plugin.__all__)
def test_each_fixture_has_a_docstring(name: str) -> None:
    assert getattr(plugin, name).__doc__

"""``mypy --strict`` catches a misspelled JSON key and a misspelled method name.

A small user program reads a key from a body olmpy returns (a TypedDict from
``olmpy.types``) and passes a method name to a ``Literal`` parameter.  Spelled right,
it type-checks; with ``devce_id`` and ``hkdf-hmac-sha256.v3`` mypy reports both.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = textwrap.dedent(
    """
    from olmpy import Account, Sas
    from olmpy.device_keys import device_keys


    def main() -> None:
        account = Account()
        body = device_keys(account, "@alice:example.org", "DEVICE")
        device_id: str = body["{key}"]
        established = Sas().diffie_hellman(Sas().public_key)
        mac = established.calculate_mac("input", "info", "{method}")
        print(device_id, mac)
    """
)


def _mypy(tmp_path: Path, name: str, key: str, method: str) -> subprocess.CompletedProcess[str]:
    program = tmp_path / f"{name}.py"
    program.write_text(PROGRAM.replace("{key}", key).replace("{method}", method))
    env = dict(os.environ, MYPYPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", str(tmp_path / "mypy-cache"), "--follow-imports=silent",
         str(program)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )


def test_mypy_flags_a_misspelled_body_key_and_method_name(tmp_path: Path) -> None:
    result = _mypy(tmp_path, "misuse", "devce_id", "hkdf-hmac-sha256.v3")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines()
             if line.startswith("misuse.py") and ": error:" in line]
    assert len(lines) == 2, result.stdout
    assert any('TypedDict "DeviceKeys" has no key "devce_id"' in line for line in lines), lines
    assert any("calculate_mac" in line and "hkdf-hmac-sha256.v3" in line
               and "Literal" in line for line in lines), lines


def test_mypy_passes_the_correctly_spelled_program(tmp_path: Path) -> None:
    result = _mypy(tmp_path, "correct", "device_id", "hkdf-hmac-sha256.v2")
    assert result.returncode == 0, result.stdout + result.stderr

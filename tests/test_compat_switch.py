"""The ways to switch a program to olmpy's drop-ins: install() and the drop-in wheels.

Each switch is exercised in a child interpreter, so the aliases never leak into this
process (where the real python-olm and vodozemac stay importable for interop tests).
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import olmpy
import olmpy.compat
from olmpy.compat import dropin

ROOT = Path(__file__).resolve().parents[1]


def child(code: str, *, path: list[Path] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [*(path or []), ROOT])
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_install_refuses_unknown_names() -> None:
    for bad in ("olmpy", "nacl", 3, None):
        with pytest.raises(olmpy.UsageError, match="expected one of"):
            olmpy.compat.install(bad)  # type: ignore[arg-type]
    assert olmpy.compat.installed() == frozenset()


def test_install_aliases_vodozemac_and_its_submodule_then_uninstall_restores_it() -> None:
    result = child(
        "import importlib.util, sys\n"
        "import olmpy.compat as c\n"
        "c.install('vodozemac')\n"
        "assert c.installed() == {'vodozemac'}\n"
        "spec = importlib.util.find_spec('vodozemac')\n"  # nio's test for E2EE support
        "assert spec is not None and spec.name == 'vodozemac', spec\n"
        "import vodozemac, vodozemac.vodozemac\n"
        "from vodozemac.vodozemac import Account\n"
        "assert vodozemac.__name__ == 'olmpy.compat.vodozemac', vodozemac.__name__\n"
        "assert Account is vodozemac.Account\n"
        "c.uninstall()\n"
        "assert 'vodozemac' not in sys.modules and c.installed() == frozenset()\n"
        "import vodozemac as real\n"
        "assert real.__name__ == 'vodozemac' and not real.__file__.startswith('olmpy'), real\n"
        "print('ok')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_install_aliases_olm_submodules_to_the_same_objects() -> None:
    result = child(
        "import olmpy.compat as c\n"
        "c.install('olm', '_libolm')\n"
        "import olm, olm.session, _libolm\n"
        "import olmpy.compat.olm.session as mine\n"
        "assert olm.__name__ == 'olmpy.compat.olm'\n"
        "assert olm.session is mine and olm.Session is mine.Session\n"
        "assert _libolm.__name__ == 'olmpy.compat._libolm'\n"
        "print('ok')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_install_after_the_real_module_was_imported_is_refused() -> None:
    result = child(
        "import olm\n"
        "import olmpy, olmpy.compat as c\n"
        "try:\n"
        "    c.install('olm')\n"
        "except olmpy.UsageError as err:\n"
        "    print(type(err).__name__, 'already imported' in str(err))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "UsageError True"


def _check_record(wheel: zipfile.ZipFile) -> dict[str, bytes]:
    files = {name: wheel.read(name) for name in wheel.namelist()}
    record_name = next(n for n in files if n.endswith(".dist-info/RECORD"))
    listed = set()
    for line in files[record_name].decode().splitlines():
        path, digest, size = line.rsplit(",", 2)
        listed.add(path)
        if path == record_name:
            assert digest == size == ""
            continue
        want = base64.urlsafe_b64encode(hashlib.sha256(files[path]).digest()).rstrip(b"=")
        assert digest == "sha256=" + want.decode() and int(size) == len(files[path])
    assert listed == set(files)
    return files


@pytest.mark.parametrize(
    ("module", "distribution", "version", "imports"),
    [
        ("olm", "python-olm", "3.2.16", ("olm", "olm.session", "olm.utility", "_libolm")),
        ("vodozemac", "vodozemac", "0.10.0", ("vodozemac", "vodozemac.vodozemac")),
    ],
)
def test_dropin_wheel_installs_olmpy_under_the_peer_name(
    tmp_path: Path, module: str, distribution: str, version: str, imports: tuple[str, ...]
) -> None:
    path = dropin.build_wheel(module, tmp_path / "wheels")
    assert path.name == dropin.wheel_name(module)
    with zipfile.ZipFile(path) as wheel:
        files = _check_record(wheel)
        wheel.extractall(tmp_path / "site")
    metadata = next(v for k, v in files.items() if k.endswith("METADATA")).decode()
    assert f"Name: {distribution}\n" in metadata
    assert f"Version: {version}+olmpy.{olmpy.__version__}\n" in metadata
    assert f"Requires-Dist: olmpy=={olmpy.__version__}\n" in metadata

    # The extracted wheel comes first on the path, ahead of the real module installed here.
    checks = "".join(
        f"m = importlib.import_module({name!r})\n"
        f"assert m.__name__ == 'olmpy.compat.' + {name!r}, m.__name__\n"
        for name in imports
    )
    result = child("import importlib\n" + checks + "print('ok')\n", path=[tmp_path / "site"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_dropin_wheel_refuses_unknown_modules(tmp_path: Path) -> None:
    with pytest.raises(olmpy.UsageError, match="got 'nio'"):
        dropin.build_wheel("nio", tmp_path)


def test_command_line_writes_the_wheel(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "olmpy", "dropin", "vodozemac", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == tmp_path / dropin.wheel_name("vodozemac")
    assert zipfile.is_zipfile(tmp_path / dropin.wheel_name("vodozemac"))

"""Runs the ``olmpy`` command in a subprocess for the tests/test_cli_*.py files."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    """What a run of the command gave."""

    code: int
    out: bytes
    err: str

    def text(self) -> str:
        """stdout as text."""
        return self.out.decode("utf-8")

    def shows(self, secret: str) -> bool:
        """Whether ``secret`` appears anywhere in stdout or stderr."""
        return secret in self.out.decode("utf-8", "replace") or secret in self.err


def olmpy(*args: str | os.PathLike[str], stdin: bytes = b"", **env: str) -> Result:
    """``python -m olmpy ARGS`` with this checkout first on the path, ``env`` added, no
    controlling terminal (so a missing secret cannot be prompted for) and stdin given."""
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    environ.update(env)
    proc = subprocess.run(
        [sys.executable, "-m", "olmpy", *map(str, args)],
        input=stdin, capture_output=True, env=environ, start_new_session=True,
        timeout=120, check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return Result(proc.returncode, proc.stdout, err)

"""What the two end-to-end clients (e2e_nio.py, e2e_mautrix.py) share: the time-out, the
CHECK/FAIL lines the flow matches, the file hand-over between peers, and the module switch.
They run as scripts, so this folder is on their sys.path."""

from __future__ import annotations

import importlib
from pathlib import Path

TIMEOUT = 120.0


def check(what: str) -> None:
    print("CHECK", what, flush=True)


def fail(what: str) -> None:
    print("FAIL", what, flush=True)
    raise SystemExit(1)


def write_atomically(path: Path, text: str) -> None:
    """The peer polls for this file: it must never see it empty or half written."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def switch_module(which: str, names: tuple[str, ...]) -> None:
    """Put olmpy's drop-ins in place of ``names`` (``dropin``) or keep the real modules
    (``real``), and prove which one ``names[0]`` now is."""
    if which == "dropin":
        import olmpy.compat

        olmpy.compat.install(*names)
    module = importlib.import_module(names[0])
    name = module.__name__
    if (which == "dropin") != (name == "olmpy.compat." + names[0]):
        fail(f"module: wanted {which}, {names[0]} is {name} ({module.__file__})")
    check(f"module {names[0]} is {name} ({which})")

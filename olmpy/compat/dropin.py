"""Drop-in distributions: wheels that install olmpy in place of python-olm or vodozemac.

``build_wheel("olm", directory)`` writes a wheel whose distribution is named
``python-olm`` and whose version is python-olm's with a local label
(``3.2.16+olmpy.<olmpy version>``).  pip treats it as python-olm: installing
it replaces the real python-olm, and requirements such as matrix-nio's
``python-olm>=3.2`` stay satisfied.  The wheel holds only stubs for the
top-level names (``olm`` and ``_libolm``; ``vodozemac``); each stub hands
the name to :func:`olmpy.compat.install` and replaces itself by olmpy's
module, so ``import olm.session`` and ``isinstance`` checks see one set of
classes.  Going back is ``pip install --force-reinstall python-olm==3.2.16``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from olmpy._version import __version__
from olmpy.errors import UsageError

__all__ = ["DROP_IN_DISTRIBUTIONS", "DropIn", "build_wheel", "wheel_name"]


@dataclass(frozen=True)
class DropIn:
    """One distribution olmpy can stand in for."""

    distribution: str
    version: str
    modules: tuple[str, ...]
    summary: str


#: Keyed by the module name a user switches (``olm`` or ``vodozemac``).
DROP_IN_DISTRIBUTIONS: dict[str, DropIn] = {
    "olm": DropIn(
        "python-olm", "3.2.16", ("olm", "_libolm"),
        "olmpy standing in for python-olm (modules olm and _libolm)",
    ),
    "vodozemac": DropIn(
        "vodozemac", "0.10.0", ("vodozemac",),
        "olmpy standing in for vodozemac's Python binding (module vodozemac)",
    ),
}

_STUB = '''"""olmpy's drop-in for `{name}` (installed by the {dist} drop-in wheel)."""
import importlib
import sys

import olmpy.compat

__olmpy_dropin__ = True
olmpy.compat.install("{name}")
sys.modules[__name__] = importlib.import_module(olmpy.compat.DROP_INS["{name}"])
'''


def _local_label() -> str:
    return "olmpy." + re.sub(r"[^0-9A-Za-z.]", ".", __version__)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def wheel_name(module: str) -> str:
    """The file name :func:`build_wheel` gives the drop-in for ``module``."""
    dropin = _lookup(module)
    return (
        f"{_normalise(dropin.distribution)}-{dropin.version}+{_local_label()}"
        "-py3-none-any.whl"
    )


def _lookup(module: str) -> DropIn:
    if not isinstance(module, str) or module not in DROP_IN_DISTRIBUTIONS:
        raise UsageError(
            f"a drop-in wheel is built for one of {sorted(DROP_IN_DISTRIBUTIONS)}, "
            f"got {module!r}"
        )
    return DROP_IN_DISTRIBUTIONS[module]


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(module: str, directory: str | Path) -> Path:
    """Write the drop-in wheel for ``module`` ("olm" or "vodozemac") into ``directory``.

    Returns the wheel's path.  The wheel requires exactly this olmpy version.
    """
    dropin = _lookup(module)
    version = f"{dropin.version}+{_local_label()}"
    dist_info = f"{_normalise(dropin.distribution)}-{version}.dist-info"
    files: dict[str, bytes] = {}
    for name in dropin.modules:
        stub = _STUB.format(name=name, dist=dropin.distribution).encode()
        # A package keeps `import olm.session` on olmpy's side; _libolm is a plain module.
        files[f"{name}/__init__.py" if name != "_libolm" else f"{name}.py"] = stub
    files[f"{dist_info}/METADATA"] = (
        "Metadata-Version: 2.1\n"
        f"Name: {dropin.distribution}\n"
        f"Version: {version}\n"
        f"Summary: {dropin.summary}\n"
        f"Requires-Dist: olmpy=={__version__}\n"
    ).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: olmpy.compat.dropin\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{dist_info}/top_level.txt"] = "".join(m + "\n" for m in dropin.modules).encode()
    record = [_record_line(path, data) for path, data in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    target = out / wheel_name(module)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            wheel.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return target

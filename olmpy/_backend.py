"""Chooses between the compiled core and its pure-Python twin.

``OLMPY_BACKEND`` may be ``native`` (the default) or ``python``.  The native
backend is never replaced silently: if the extension is missing or was built
for another version, importing olmpy raises ``BackendError`` saying so.  The
one automatic choice is on CPUs without AES-NI, where the native core has no
AES (olmpy has no table-based AES by design) and the pure backend, whose AES
is OpenSSL's, is used; ``BACKEND`` then reads ``"python (no AES-NI)"``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from types import ModuleType

from olmpy import _pure
from olmpy.errors import BackendError, expected

NAMES = ("native", "python")


def load(name: str) -> ModuleType:
    """Returns the backend module called ``name`` ("native" or "python")."""
    if name == "python":
        return _pure
    if name == "native":
        from olmpy import _nativebinding

        return _nativebinding
    raise BackendError("OLMPY_BACKEND: " + expected('"native" or "python"', repr(name)))


def _initial() -> tuple[ModuleType, str]:
    choice = os.environ.get("OLMPY_BACKEND", "native").strip().lower() or "native"
    module = load(choice)
    if module is not _pure and not module.has_aesni():
        return _pure, "python (no AES-NI)"
    return module, module.NAME


impl, BACKEND = _initial()


@contextlib.contextmanager
def use(name: str) -> Iterator[ModuleType]:
    """Temporarily makes ``name`` the backend for objects created meanwhile (tests)."""
    global impl
    previous = impl
    impl = load(name)
    try:
        yield impl
    finally:
        impl = previous

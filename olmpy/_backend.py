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
from typing import cast

from olmpy import _pure
from olmpy._contract import Backend, Secret
from olmpy.errors import BackendError, expected

NAMES = ("native", "python")


def load(name: str) -> Backend[Secret]:
    """Returns the backend module called ``name`` ("native" or "python").

    Both modules are checked against ``Backend`` in ``olmpy._contract``; the cast
    only hides the type of their secret buffers behind the opaque ``Secret``.
    """
    if name == "python":
        return cast("Backend[Secret]", _pure)
    if name == "native":
        from olmpy import _nativebinding

        return cast("Backend[Secret]", _nativebinding)
    raise BackendError("OLMPY_BACKEND: " + expected('"native" or "python"', repr(name)))


def _initial() -> tuple[Backend[Secret], str]:
    choice = os.environ.get("OLMPY_BACKEND", "native").strip().lower() or "native"
    module = load(choice)
    if module.NAME != "python" and not module.has_aesni():
        return load("python"), "python (no AES-NI)"
    return module, module.NAME


impl, BACKEND = _initial()


@contextlib.contextmanager
def use(name: str) -> Iterator[Backend[Secret]]:
    """Temporarily makes ``name`` the backend for objects created meanwhile (tests)."""
    global impl
    previous = impl
    impl = load(name)
    try:
        yield impl
    finally:
        impl = previous

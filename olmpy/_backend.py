"""Chooses between the compiled core and its pure-Python twin.

``OLMPY_BACKEND`` may be ``native`` or ``python``; unset, olmpy takes the native core if
it is installed.  Two automatic choices fall back to the pure backend, and ``BACKEND``
names the reason:

- no compiled core installed (olmpy was installed where it could not be built):
  ``"python (no native core)"``; ``OLMPY_REQUIRE_NATIVE=1`` makes this an error;
- a CPU without AES-NI, where the native core has no AES (olmpy has no table-based AES by
  design) and the pure backend, whose AES is OpenSSL's, is used: ``"python (no AES-NI)"``.

Otherwise the native backend is never replaced silently: with ``OLMPY_BACKEND=native``
a missing core is a ``BackendError``, and a core that is installed but cannot be loaded
(built for another olmpy version, a broken file) is one whatever the setting.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from olmpy import _pure
from olmpy._contract import Backend, Secret
from olmpy.errors import BackendError, expected

NAMES = ("native", "python")
REQUIRE_NATIVE_VAR = "OLMPY_REQUIRE_NATIVE"


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


def native_installed() -> bool:
    """Whether a compiled core file is there to import (loading it is another matter).

    A file that exists but does not load is not "missing": ``load("native")`` raises
    for it, so real breakage is never mistaken for an install without a compiler.  That
    includes a core built for another Python (``_native.cpython-312-*.so`` under 3.11),
    which the import system does not even find.
    """
    try:
        if importlib.util.find_spec("olmpy._native") is not None:
            return True
    except (ImportError, ValueError):
        return False
    here = Path(__file__).parent
    return any(here.glob("_native*.so")) or any(here.glob("_native*.pyd"))


def native_required() -> bool:
    """``OLMPY_REQUIRE_NATIVE`` set to a true value (1, true, yes, on)."""
    value = os.environ.get(REQUIRE_NATIVE_VAR, "").strip().lower()
    return value in ("1", "true", "yes", "on")


def _initial() -> tuple[Backend[Secret], str]:
    choice = os.environ.get("OLMPY_BACKEND", "").strip().lower()
    if not choice:
        if not native_installed():
            if native_required():
                raise BackendError(
                    f"{REQUIRE_NATIVE_VAR} is set but olmpy's compiled core (olmpy._native) "
                    "is not installed: this olmpy was installed without it (no C compiler, "
                    "or a platform the core does not build on). Install a wheel for this "
                    "platform, or reinstall with a C compiler available (`pip install -v` "
                    "shows why the build failed)."
                )
            return load("python"), "python (no native core)"
        choice = "native"
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

"""The compiled core ``olmpy._native``, loaded and tied to PyNaCl's libsodium.

For Ed25519 signing (scalar arithmetic and base-point multiplication), key pairs from
seeds, random bytes and X25519, the C core calls libsodium: the copy PyNaCl has already
loaded, through function pointers that ``olmpy_init`` receives here.  Importing this
module imports the core, checks that it was built for this olmpy version and hands it
those pointers; any failure is a ``BackendError`` that points at ``OLMPY_BACKEND=python``,
so the core is never used half-initialised.  ``olmpy._nativebinding`` wraps the rest of
``lib``.
"""

from __future__ import annotations

from typing import Any

import nacl._sodium as _sodium_mod
import nacl.bindings  # noqa: F401  (runs sodium_init)

from olmpy._version import __version__
from olmpy.errors import BackendError

__all__ = ["ffi", "lib"]

try:
    from olmpy._native import ffi, lib
except ImportError as exc:  # pragma: no cover - exercised by packaging tests
    from pathlib import Path

    # Run from a source checkout, the checkout's olmpy/ (no compiled core unless built in
    # place) shadows an installed copy.
    checkout = (Path(__file__).resolve().parent.parent / "_native" / "build.py").exists()
    hint = (
        " This olmpy is a source checkout's: build it in place with `pip install -e .`,"
        " or run from another directory to use the installed olmpy."
        if checkout
        else ""
    )
    raise BackendError(
        "olmpy's compiled core (olmpy._native) could not be imported: "
        f"{exc}. Reinstall olmpy with a C compiler available, or set "
        f"OLMPY_BACKEND=python to use the pure-Python backend.{hint}"
    ) from exc

_NATIVE_VERSION = ffi.string(lib.olmpy_version()).decode("ascii")
if __version__ != _NATIVE_VERSION:
    raise BackendError(
        f"olmpy._native was built for olmpy {_NATIVE_VERSION} but the package is "
        f"{__version__}; rebuild it (pip install -e .) or set OLMPY_BACKEND=python."
    )


def _sodium_address(name: str) -> int:
    sffi: Any = _sodium_mod.ffi
    slib: Any = _sodium_mod.lib
    try:
        return int(sffi.cast("uintptr_t", sffi.addressof(slib, name)))
    except (AttributeError, TypeError) as exc:
        raise BackendError(
            f"PyNaCl's libsodium module does not export {name}; this PyNaCl version is "
            "not supported by the native backend (set OLMPY_BACKEND=python)."
        ) from exc


if (
    lib.olmpy_init(
        _sodium_address("crypto_scalarmult_ed25519_base_noclamp"),
        _sodium_address("crypto_core_ed25519_scalar_reduce"),
        _sodium_address("crypto_core_ed25519_scalar_mul"),
        _sodium_address("crypto_core_ed25519_scalar_add"),
        _sodium_address("crypto_sign_seed_keypair"),
        _sodium_address("randombytes"),
        _sodium_address("crypto_scalarmult"),
        _sodium_address("crypto_scalarmult_base"),
    )
    != 0
):  # pragma: no cover
    raise BackendError("olmpy._native refused libsodium's function pointers")

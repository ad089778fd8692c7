"""Deprecated: olmpy's pickle format is internal since 0.2.

``olmpy.pickle.native.scrypt_limit`` (and ``ScryptLimit``, ``ScryptCostError``,
``current_scrypt_limit``, ``DEFAULT_SCRYPT_LIMIT``) now live in ``olmpy.pickle``; every name
of this module still resolves, with a DeprecationWarning, until it is removed.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []

_PUBLIC = (
    "DEFAULT_SCRYPT_LIMIT",
    "ScryptCostError",
    "ScryptLimit",
    "current_scrypt_limit",
    "scrypt_limit",
)


def __getattr__(name: str) -> Any:
    from olmpy.pickle import _native

    if name.startswith("__") or not hasattr(_native, name):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in _PUBLIC:
        instead = f"use olmpy.pickle.{name}"
    else:
        instead = "it is internal (use the objects' pickle methods)"
    warnings.warn(
        f"olmpy.pickle.native.{name} is deprecated: {instead}",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(_native, name)

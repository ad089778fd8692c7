"""Deprecated: the libolm pickle format code is internal since 0.2 (use the objects'
``to_libolm_pickle`` and ``from_libolm_pickle``).  Its names still resolve, with a
DeprecationWarning, until this module is removed."""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    from olmpy.pickle import _libolm

    if name.startswith("__") or not hasattr(_libolm, name):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"olmpy.pickle.libolm.{name} is internal and deprecated: use to_libolm_pickle and "
        "from_libolm_pickle",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(_libolm, name)

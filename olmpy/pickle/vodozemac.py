"""Deprecated: the vodozemac pickle format code is internal since 0.2 (use the objects'
``to_vodozemac_pickle`` and ``from_vodozemac_pickle``).  Its names still resolve, with a
DeprecationWarning, until this module is removed."""

from __future__ import annotations

import warnings
from typing import Any

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    from olmpy.pickle import _vodozemac

    if name.startswith("__") or not hasattr(_vodozemac, name):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(
        f"olmpy.pickle.vodozemac.{name} is internal and deprecated: use to_vodozemac_pickle and "
        "from_vodozemac_pickle",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(_vodozemac, name)

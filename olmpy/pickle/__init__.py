"""Persistence: what olmpy's pickles need beyond the objects' own methods.

Every object that holds secrets pickles itself: ``pickle(key)`` and ``from_pickle(text,
key)`` with a 32-byte key, ``pickle_with_passphrase`` and ``from_pickle_with_passphrase``
with a passphrase (scrypt, about 0.1 s a call), and the ``to_/from_libolm_pickle`` and
``to_/from_vodozemac_pickle`` formats of the peer libraries (SPEC.md sections 11-13).
This package holds the bound on the scrypt cost a passphrase pickle may ask for, its
errors, two readers of what a pickle says about itself (``olmpy_pickle_header``: an olmpy
pickle's clear header; ``libolm_pickle_version``: a libolm body's version, once the key
opens it), and ``dehydrated`` (MSC3814 dehydrated devices).  The format code is private.
"""

from __future__ import annotations

import warnings
from typing import Any

from olmpy.errors import PublicKeyMismatchError
from olmpy.pickle import dehydrated
from olmpy.pickle._libolm import read_version as libolm_pickle_version
from olmpy.pickle._native import (
    DEFAULT_SCRYPT_LIMIT,
    OlmpyPickleHeader,
    ScryptCostError,
    ScryptLimit,
    current_scrypt_limit,
    scrypt_limit,
)
from olmpy.pickle._native import read_header as olmpy_pickle_header

__all__ = [
    "DEFAULT_SCRYPT_LIMIT",
    "OlmpyPickleHeader",
    "PublicKeyMismatchError",
    "ScryptCostError",
    "ScryptLimit",
    "current_scrypt_limit",
    "dehydrated",
    "libolm_pickle_version",
    "olmpy_pickle_header",
    "scrypt_limit",
]


def __getattr__(name: str) -> Any:
    """``signing_key``, internal, lived here before 0.2: it resolves with a warning."""
    if name == "signing_key":
        warnings.warn(
            "olmpy.pickle.signing_key is internal and deprecated (no replacement)",
            DeprecationWarning,
            stacklevel=2,
        )
        from olmpy.pickle import _keys

        return _keys.signing_key
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

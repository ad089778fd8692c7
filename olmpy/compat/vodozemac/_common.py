"""Helpers shared by the drop-in's wrapper classes: pyo3's argument type checks, a wrapper
made around an olmpy object without ``__init__``, the refusals of stdlib pickle and of
construction, and vodozemac's spelling of one-time key ids."""

from __future__ import annotations

import binascii
from functools import lru_cache
from typing import Any, NoReturn, TypeVar


def _need_bytes(value: object) -> None:
    if not isinstance(value, bytes):
        raise TypeError(f"'{type(value).__name__}' object is not an instance of 'bytes'")


def _need(value: object, cls: type[Any]) -> None:
    if not isinstance(value, cls):
        raise TypeError(f"'{type(value).__name__}' object is not an instance of '{cls.__name__}'")


_W = TypeVar("_W")


def _wrap(cls: type[_W], obj: object) -> _W:
    """A wrapper of ``cls`` around the olmpy object ``obj`` (no ``__init__``)."""
    new = object.__new__(cls)
    new._o = obj  # type: ignore[attr-defined]
    return new


def _no_pickle(self: object) -> NoReturn:
    """As vodozemac's compiled classes: stdlib pickle and copy raise TypeError (use the
    class's own ``pickle``/``to_base64``; a secret never goes out in the clear)."""
    raise TypeError(f"cannot pickle '{type(self).__name__}' object")


def _need_str(value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"'{type(value).__name__}' object is not an instance of 'str'")


def _no_init(self: object) -> NoReturn:
    """vodozemac's refusal to construct a class that only its methods make."""
    raise TypeError(f"cannot create '{type(self).__name__}' instances")


@lru_cache(maxsize=4096)
def _key_id(olmpy_id: str) -> str:
    """olmpy's libolm-style key id (base64 of a u32) as vodozemac spells the same number
    (base64 of a u64): ``AAAAAQ`` -> ``AAAAAAAAAAE``."""
    raw = binascii.a2b_base64(olmpy_id + "==")
    return binascii.b2a_base64(bytes(8 - len(raw)) + raw, newline=False).decode().rstrip("=")

"""Refusal of stdlib pickle (and, for objects with a ratchet, of copy) on objects that
hold secret key material.

``pickle.dumps`` of such an object would write its secret in the clear, readable by anyone
who reads the file, and ``copy.copy`` of a ratchet or one-time-key store makes two objects
that both believe they own the next message keys (keystream reuse, replayed one-time keys).
Each class names its own way to store or send itself instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from olmpy.errors import UsageError


def refuse_pickle(instead: str) -> Callable[[Any], NoReturn]:
    """A ``__reduce__`` that raises UsageError pointing to ``instead``; stdlib pickle and,
    unless the class defines ``__copy__``/``__deepcopy__``, copy both go through it."""

    def __reduce__(self: Any) -> NoReturn:
        raise UsageError(
            f"{type(self).__name__}: stdlib pickle and copy are refused for objects holding "
            f"secret key material (pickle would write the secret in the clear); use {instead}"
        )

    return __reduce__


def same_object(self: Any, memo: object = None) -> Any:
    """``__copy__``/``__deepcopy__`` for immutable secret holders: a copy is the object."""
    return self

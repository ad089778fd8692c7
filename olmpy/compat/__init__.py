"""Drop-in modules: olmpy under the names existing programs import.

* ``olmpy.compat.olm`` (and ``olmpy.compat._libolm``) stand in for python-olm 3.2.16;
* ``olmpy.compat.vodozemac`` stands in for vodozemac's Python binding 0.10.0.

Each is a thin translation onto olmpy's own objects.  Two ways to switch a
program over without editing it:

* :func:`install` (an import-time switch): after ``olmpy.compat.install("olm")``,
  ``import olm`` and ``import olm.session`` give olmpy's modules;
* drop-in distributions built by :mod:`olmpy.compat.dropin`, installed in
  place of python-olm or vodozemac (see the README's switching guide).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType

from olmpy.errors import UsageError

__all__ = ["DROP_INS", "install", "installed", "uninstall"]

#: The module names olmpy can stand in for, and the olmpy module behind each.
DROP_INS: dict[str, str] = {
    "olm": "olmpy.compat.olm",
    "_libolm": "olmpy.compat._libolm",
    "vodozemac": "olmpy.compat.vodozemac",
}


class _AliasLoader(importlib.abc.Loader):
    """Loads an alias by importing olmpy's module and handing back that same object."""

    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self._target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the olmpy module executed when it was imported."""


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``olm``, ``olm.x`` ... to ``olmpy.compat.olm``, ``olmpy.compat.olm.x`` ..."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = set(names)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        top, dot, rest = fullname.partition(".")
        if top not in self.names:
            return None
        real = DROP_INS[top] + dot + rest
        real_spec = importlib.util.find_spec(real)
        if real_spec is None:
            return None
        return importlib.util.spec_from_loader(
            fullname,
            _AliasLoader(real),
            is_package=real_spec.submodule_search_locations is not None,
        )


def _finder() -> _AliasFinder | None:
    for finder in sys.meta_path:
        if isinstance(finder, _AliasFinder):
            return finder
    return None


def install(*names: str) -> None:
    """Make ``import <name>`` give olmpy's drop-in for each name (all three if none given).

    Call it before the program imports the module.  Raises UsageError for an
    unknown name, or when the real module is already imported in this process.
    """
    wanted = names or tuple(DROP_INS)
    for name in wanted:
        if not isinstance(name, str) or name not in DROP_INS:
            raise UsageError(
                f"install() expected one of {sorted(DROP_INS)}, got {name!r}"
            )
        loaded = sys.modules.get(name)
        ours = loaded is None or loaded.__name__.startswith("olmpy.") or getattr(
            loaded, "__olmpy_dropin__", False
        )
        if not ours:
            raise UsageError(
                f"the real {name!r} module is already imported in this process; "
                f"call olmpy.compat.install() before anything imports it"
            )
    finder = _finder()
    if finder is None:
        finder = _AliasFinder(())
        sys.meta_path.insert(0, finder)
    finder.names.update(wanted)


def installed() -> frozenset[str]:
    """The module names currently switched to olmpy by :func:`install`."""
    finder = _finder()
    return frozenset(finder.names) if finder is not None else frozenset()


def uninstall(*names: str) -> None:
    """Undo :func:`install` for the names given (all if none); drop their cached aliases."""
    finder = _finder()
    if finder is None:
        return
    gone = set(names) if names else set(finder.names)
    finder.names -= gone
    for key in list(sys.modules):
        if key.partition(".")[0] in gone and sys.modules[key].__name__.startswith("olmpy."):
            del sys.modules[key]
    if not finder.names:
        sys.meta_path.remove(finder)

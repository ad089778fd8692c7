"""What a test needs from the environment it runs in: the compiled core, a C compiler.

olmpy installs without its compiled core where it cannot be built (SPEC.md section 8),
and the suite must pass there too: a test that needs the core, or compiles C itself, is
skipped with the reason.  Not in CI, though (``CI`` set), where a missing core or compiler
would turn the checks that need them into silent skips: there it is a failure, unless the
run says it has none on purpose (``tools/install_checks.py`` sets these):

- ``OLMPY_EXPECT_NO_NATIVE=1``: olmpy is installed without ``olmpy._native``;
- ``OLMPY_EXPECT_NO_COMPILER=1``: there is no C compiler on ``PATH``.

A core that is installed but does not load is neither: ``_backend.load("native")`` raises
for it, and the test fails.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sysconfig

import pytest

from olmpy import _backend

NATIVE_MISSING = (
    None
    if _backend.native_installed()
    else "olmpy's compiled core (olmpy._native) is not installed"
)


def _strict(expect_var: str) -> bool:
    return bool(os.environ.get("CI")) and not os.environ.get(expect_var)


def _skip_or_fail(reason: str, expect_var: str, module_level: bool) -> None:
    if _strict(expect_var):
        pytest.fail(f"{reason}; CI requires it (set {expect_var}=1 in a run meant to lack it)",
                    pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def native(module_level: bool = False) -> None:
    """Skips the calling test (or, with ``module_level``, the module being collected) when
    the compiled core is not installed; fails instead in CI unless OLMPY_EXPECT_NO_NATIVE."""
    if NATIVE_MISSING is not None:
        _skip_or_fail(NATIVE_MISSING, "OLMPY_EXPECT_NO_NATIVE", module_level)


def have_native() -> bool:
    """Whether the compiled core is installed, for a test that runs on whichever backends
    there are; a missing core still fails it in CI unless OLMPY_EXPECT_NO_NATIVE."""
    if NATIVE_MISSING is not None and _strict("OLMPY_EXPECT_NO_NATIVE"):
        native()
    return NATIVE_MISSING is None


def compiler_path() -> str | None:
    """The C compiler setuptools and cffi would run ($CC, else Python's own CC), if found."""
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    words = shlex.split(cc)
    return shutil.which(words[0]) if words else None


def c_compiler() -> None:
    """Skips the calling test when no C compiler is on PATH; fails instead in CI unless
    OLMPY_EXPECT_NO_COMPILER."""
    if compiler_path() is None:
        _skip_or_fail("no C compiler on PATH", "OLMPY_EXPECT_NO_COMPILER", False)

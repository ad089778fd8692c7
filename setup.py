import os
import sys
import sysconfig

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import BaseError, CCompilerError

# The compiled core is optional: where it cannot be built (no C compiler, a platform or
# compiler it does not support), olmpy installs without it and runs on its pure-Python
# twin, olmpy.BACKEND then reading "python (no native core)".  cffi_modules adds the
# Extension and wraps this build_ext (it subclasses whatever cmdclass holds); the class only
# marks the Extension optional and says so loudly when it is skipped.
# OLMPY_REQUIRE_NATIVE=1 keeps a failed build an error (SPEC.md section 8).
REQUIRE_NATIVE = os.environ.get("OLMPY_REQUIRE_NATIVE", "").strip().lower() in (
    "1", "true", "yes", "on"
)


def tell(message: str) -> None:
    """To the build log, and to the terminal: pip shows a build's output only with -v (or
    when the build fails), so a skipped core would otherwise go unnoticed at install time."""
    text = f"\n{'=' * 78}\n{message}\n{'=' * 78}\n\n"
    sys.stderr.write(text)
    if not sys.stderr.isatty():
        try:
            with open("/dev/tty", "w") as tty:
                tty.write(text)
        except OSError:
            pass  # no terminal (CI, Windows): the log and olmpy.BACKEND say it


class optional_build_ext(build_ext):
    def finalize_options(self) -> None:
        super().finalize_options()
        for ext in self.extensions:
            ext.optional = not REQUIRE_NATIVE

    def build_extension(self, ext) -> None:  # type: ignore[no-untyped-def]
        try:
            super().build_extension(ext)
        except (CCompilerError, BaseError) as exc:  # what setuptools skips for optional
            if not ext.optional:
                sys.stderr.write(
                    f"olmpy: the native core could not be built ({exc}) and "
                    "OLMPY_REQUIRE_NATIVE is set: stopping.\n"
                )
                raise
            tell(
                f"olmpy: the native core could not be built ({exc}); installing the "
                "pure-Python backend (olmpy.BACKEND will read 'python (no native core)'; "
                "set OLMPY_REQUIRE_NATIVE=1 to make this an error)"
            )


# cffi builds the core against the stable ABI (_native.abi3.so) on CPython, except on
# debug and free-threaded builds.  Where it does, the wheel is tagged cp310-abi3: one wheel
# per platform serves every CPython from 3.10 on.
ABI3 = (
    sys.implementation.name == "cpython"
    and not hasattr(sys, "gettotalrefcount")
    and not sysconfig.get_config_var("Py_GIL_DISABLED")
)

setup(
    cffi_modules=["_native/build.py:ffibuilder"],
    cmdclass={"build_ext": optional_build_ext},
    options={"bdist_wheel": {"py_limited_api": "cp310"}} if ABI3 else {},
)

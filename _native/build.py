"""cffi build script for olmpy's compiled core (API mode, out of line).

Used by setup.py through ``cffi_modules``; never imported at run time.  The
cdef is the project's own header, so the C surface is declared once.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _package_version() -> str:
    text = (ROOT / "olmpy" / "_version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.M)
    if match is None:
        raise RuntimeError("olmpy/_version.py does not define __version__")
    return match.group(1)


SOURCES = [
    "core.c",
    "sha256.c",
    "aes.c",
    "base64.c",
    "sha512.c",
    "ed25519_verify.c",
    "megolm.c",
    "olm.c",
    "pickle.c",
    "pk.c",
    "recovery.c",
    "curve25519.c",
    "attachment.c",
]

# OLMPY_SANITIZE=1 (tools/sanitize.py) builds the core with AddressSanitizer and
# UndefinedBehaviorSanitizer, any finding aborting; never set for a release build, whose
# flags stay the ones below.
SANITIZE = os.environ.get("OLMPY_SANITIZE") == "1" and sys.platform != "win32"
SANITIZER_FLAGS = [
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
    "-g",
]

ffibuilder = FFI()
ffibuilder.cdef((HERE / "olmpy_native.h").read_text(encoding="utf-8"))
ffibuilder.set_source(
    "olmpy._native",
    '#include "olmpy_internal.h"\n',
    sources=[str((HERE / name).relative_to(ROOT)) for name in SOURCES],
    include_dirs=[str(HERE.relative_to(ROOT))],
    define_macros=[("OLMPY_VERSION_STRING", f'"{_package_version()}"')],
    extra_compile_args=(
        [] if sys.platform == "win32" else ["-O3", "-std=c11", "-Wall"]
    ) + (SANITIZER_FLAGS if SANITIZE else []),
    extra_link_args=(
        [] if sys.platform == "win32" else ["-pthread"]  # attachment.c's prefault helper
    ) + (SANITIZER_FLAGS if SANITIZE else []),
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)

"""The source layout that issue 11 fixed: the pure twin mirrors ``_native/*.c``.

mypy checks the signatures (``olmpy/_contract.py``); these tests check where the
code lives, so that a reader looking for the twin of ``megolm.c`` finds it in
``olmpy/_pure/megolm.py``, and that both backends really provide every member
of the contract at run time.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import needs
import pytest

import olmpy._pure as pure
from olmpy import _contract

ROOT = Path(__file__).resolve().parent.parent
NATIVE = ROOT / "_native"

# A C function definition starts in column 0 with its return type: "int olmpy_x(" etc.
_DEFINITION = re.compile(r"^[a-z_][a-z0-9_ ]*[ *]olmpy_([a-z0-9_]+)\(", re.M)


def _defined_in_c() -> dict[str, str]:
    """Maps each olmpy_<name> defined in _native/*.c to its file's stem."""
    where: dict[str, str] = {}
    for source in sorted(NATIVE.glob("*.c")):
        for name in _DEFINITION.findall(source.read_text()):
            where.setdefault(name, source.stem)
    return where


def _contract_functions() -> list[str]:
    return sorted(
        name
        for name, member in vars(_contract.Backend).items()
        if inspect.isfunction(member) and not name.startswith("_")
    )


def _contract_constants() -> list[str]:
    return sorted(_contract.Backend.__annotations__)


def test_the_c_definitions_are_found() -> None:
    """The scanner sees the core's functions (else the tests below would prove nothing)."""
    where = _defined_in_c()
    assert where["megolm_decrypt"] == "megolm"
    assert where["aes256_cbc_encrypt"] == "aes"
    assert where["recovery_key_decode"] == "recovery"
    assert len(where) > 40


@pytest.mark.parametrize("name", _contract_functions())
def test_twin_lives_in_the_module_named_after_its_c_file(name: str) -> None:
    """A contract function with a C definition of the same name has its pure twin in
    ``_pure/<that file>.py``; the package re-exports the same object."""
    where = _defined_in_c()
    twin = getattr(pure, name)
    # The package sets each function's __module__ to "olmpy._pure" (it is the backend
    # module); the code object still knows the file the function is written in.
    stem = Path(twin.__code__.co_filename).stem
    if name in where:
        assert stem == where[name], (name, where[name], twin.__code__.co_filename)
        module = sys.modules[f"olmpy._pure.{stem}"]
        assert vars(module)[name] is twin
    else:
        # Wrappers over several C functions (secret_buffer over olmpy_secret_alloc,
        # the *_public codecs...) live in the module of a C file all the same.
        assert (NATIVE / f"{stem}.c").exists(), (name, twin.__code__.co_filename)


def test_every_pure_submodule_is_named_after_a_c_file() -> None:
    stems = {p.stem for p in NATIVE.glob("*.c")}
    modules = {p.stem for p in Path(pure.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules, "no submodules found"
    assert modules <= stems, sorted(modules - stems)


@pytest.mark.parametrize("backend_name", ["python", "native"])
def test_both_backends_provide_the_whole_contract(backend_name: str) -> None:
    """mypy proves this statically; this catches a member that exists only for mypy."""
    from olmpy import _backend

    if backend_name == "native":
        needs.native()
    module = _backend.load(backend_name)
    missing = [
        name
        for name in _contract_functions() + _contract_constants()
        if not hasattr(module, name)
    ]
    assert not missing, missing
    for name in _contract_functions():
        assert callable(getattr(module, name)), name

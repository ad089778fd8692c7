"""Loads the vector files under vectors/ and turns their records into pytest parameters.

One place knows where the files live and how records are named, so the tests only say
which file and which list they want.  Records carry their own "id", which becomes the
pytest id; hex fields are decoded by ``unhex``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

VECTORS = Path(__file__).resolve().parent.parent / "vectors"


@cache
def load(name: str) -> Any:
    """The parsed JSON document vectors/<name>."""
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


def params(records: list[dict[str, Any]], key: str = "id") -> list[Any]:
    """One pytest.param per record, with the record's own id."""
    return [pytest.param(r, id=str(r[key])) for r in records]


def unhex(text: str) -> bytes:
    return bytes.fromhex(text)


def generator(name: str) -> ModuleType:
    """Import vectors/<name>.py as a module (the generators are scripts, not a package)."""
    if str(VECTORS) not in sys.path:
        sys.path.insert(0, str(VECTORS))  # generators import each other by file name
    spec = importlib.util.spec_from_file_location(f"_vectors_{name}", VECTORS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

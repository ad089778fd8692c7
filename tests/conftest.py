"""Shared fixtures: every test that takes ``backend`` runs once per backend.

``backend`` yields the raw backend module (``olmpy._pure`` or
``olmpy._nativebinding``) and makes it the active one, so olmpy objects
created inside the test use it too.  Without the compiled core installed, the native
runs are skipped (failed in CI: see ``tests/needs.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import needs
import pytest

from olmpy import _backend


@pytest.fixture(params=_backend.NAMES)
def backend(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """The backend under test, active for the duration of the test."""
    if request.param == "native":
        needs.native()
    with _backend.use(request.param) as module:
        yield module

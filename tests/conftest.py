"""Shared fixtures: every test that takes ``backend`` runs once per backend.

``backend`` yields the raw backend module (``olmpy._pure`` or
``olmpy._nativebinding``) and makes it the active one, so olmpy objects
created inside the test use it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from olmpy import _backend


@pytest.fixture(params=_backend.NAMES)
def backend(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """The backend under test, active for the duration of the test."""
    with _backend.use(request.param) as module:
        yield module

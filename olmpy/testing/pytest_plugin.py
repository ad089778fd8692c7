"""pytest fixtures for suites that test Matrix encryption code with olmpy.

Opt-in: ``pytest_plugins = ["olmpy.testing.pytest_plugin"]`` in a conftest.py, or
``pytest -p olmpy.testing.pytest_plugin``.  It is deliberately not a ``pytest11`` entry
point: pytest marks every module of a distribution that declares one for assertion
rewriting, which would rewrite all of olmpy in every test run of every project that
installs it.  The module defines fixtures and nothing else: no options, no hooks,
no import of hypothesis or of olmpy at load time (olmpy is imported
when a fixture is first used).  Every name starts with ``olmpy_``:

- ``olmpy_account``: an ``olmpy.Account`` with one unpublished one-time key;
- ``olmpy_session_pair``: an established Olm pair (``.outbound``, ``.inbound``, ``.alice``,
  ``.bob``, see ``olmpy.testing.strategies.SessionPair``);
- ``olmpy_group_session_pair``: a Megolm sender and receiver (``.outbound``, ``.inbound``);
- ``olmpy_device_keys``: a device (``.account``, ``.user_id``, ``.device_id``) and its
  signed ``.device_keys`` object.

Keys are not random: they derive from the test's node id, so one test always gets the
same keys and two tests get different ones.  Nothing here is fit for real use.

The builders behind the fixtures can be called directly::

    >>> from olmpy.testing._seeded import session_pair_from_seed
    >>> pair = session_pair_from_seed(b"doctest")
    >>> pair.inbound.decrypt(pair.outbound.encrypt("hi"))
    b'hi'
    >>> session_pair_from_seed(b"doctest").inbound.session_id == pair.inbound.session_id
    True
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from olmpy.olm.account import Account
    from olmpy.testing._seeded import DeviceIdentity, GroupSessionPair, SessionPair

__all__ = [
    "olmpy_account",
    "olmpy_device_keys",
    "olmpy_group_session_pair",
    "olmpy_session_pair",
]


def _seed(request: pytest.FixtureRequest, name: str) -> bytes:
    return hashlib.sha256(f"{name}|{request.node.nodeid}".encode()).digest()


@pytest.fixture
def olmpy_account(request: pytest.FixtureRequest) -> Account:
    """An olmpy Account with one unpublished one-time key (keys from the test's id)."""
    from olmpy.testing._seeded import account_from_seed

    return account_from_seed(_seed(request, "olmpy_account"))


@pytest.fixture
def olmpy_session_pair(request: pytest.FixtureRequest) -> SessionPair:
    """An established Olm session pair: ``outbound.encrypt`` -> ``inbound.decrypt``."""
    from olmpy.testing._seeded import session_pair_from_seed

    return session_pair_from_seed(_seed(request, "olmpy_session_pair"))


@pytest.fixture
def olmpy_group_session_pair(request: pytest.FixtureRequest) -> GroupSessionPair:
    """A Megolm GroupSession at index 0 and an InboundGroupSession of its key."""
    from olmpy.testing._seeded import group_session_pair_from_seed

    return group_session_pair_from_seed(_seed(request, "olmpy_group_session_pair"))


@pytest.fixture
def olmpy_device_keys(request: pytest.FixtureRequest) -> DeviceIdentity:
    """A device of ``@alice:example.org`` with its signed device keys."""
    from olmpy.testing._seeded import device_from_seed

    return device_from_seed(_seed(request, "olmpy_device_keys"))

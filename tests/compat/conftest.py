"""Fixtures for the compat tests: those of tests/conftest.py (keys, client, executors), with a
colony of its own for every test, plus a ``user`` and ``compat_names`` (upstream's module names
installed for one test, then removed).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pycolonies_fast import compat
from pycolonies_fast.client import Colonies
from tests.support.identities import Identity, new_identity


@pytest.fixture
def compat_names() -> Iterator[dict]:
    """``compat.install()`` for one test; everything it added is removed again afterwards."""
    yield compat.install()
    compat.uninstall()


@pytest.fixture
def colony(own_colony: Identity) -> Identity:
    """A colony of its own for one test (removed afterwards): ``.name``, ``.prvkey``, ``.id``."""
    return own_colony


@pytest.fixture
def user(client: Colonies, colony: Identity) -> Identity:
    """A user of ``colony`` with a key of its own."""
    info = new_identity("user")
    client.add_user(
        {"colonyname": colony.name, "userid": info.id, "name": info.name, "email": "", "phone": ""},
        colony.prvkey,
    )
    return info

"""Fixtures for the executor tests: a client, a colony of their own, and helpers to submit and inspect.

Everything runs against the real server of the session fixture ``dev_server`` (tests/conftest.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.crypto import Crypto


class Colony(SimpleNamespace):
    """A test colony: ``name``, ``prvkey`` (the colony key); its repr never shows the key."""

    def __repr__(self) -> str:
        return f"Colony(name={self.name!r})"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def client(dev_server: dict[str, str]) -> Iterator[Colonies]:
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as c:
        yield c


@pytest.fixture(scope="module")
def colony(client: Colonies, dev_server: dict[str, str]) -> Iterator[Colony]:
    """A colony of its own for one test module, removed afterwards."""
    prvkey = Crypto().prvkey()
    info = Colony(name=unique("ex"), prvkey=prvkey)
    client.add_colony({"colonyid": Crypto().id(prvkey), "name": info.name}, dev_server["COLONIES_SERVER_PRVKEY"])
    yield info
    client.del_colony(info.name, dev_server["COLONIES_SERVER_PRVKEY"])

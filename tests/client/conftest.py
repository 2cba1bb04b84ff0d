"""Fixtures for the live client tests: a client, the well-known keys, fresh colonies and executors.

Everything runs against the real server of the session fixture ``dev_server`` (tests/conftest.py).
Each test module gets its own colony (created with the server key, removed afterwards), and
executors get fresh random keys, names and executor types, so tests never see each other's work.
Helpers are imported as top-level modules (client_helpers, rawserver): pytest's default "prepend"
import mode puts tests/client, which has no __init__.py, on sys.path.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from client_helpers import unique

from pycolonies_fast.client import Colonies
from pycolonies_fast.crypto import Crypto


class Identity(SimpleNamespace):
    """A named key holder whose repr never shows the private key (pytest prints fixtures)."""

    def __repr__(self) -> str:
        return f"Identity(name={getattr(self, 'name', '?')!r})"


@pytest.fixture(scope="session")
def keys(dev_server) -> Identity:
    """The well-known private keys the dev server was set up with."""
    return Identity(
        name="well-known keys",
        server=dev_server["COLONIES_SERVER_PRVKEY"],
        colony=dev_server["COLONIES_COLONY_PRVKEY"],
        executor=dev_server["COLONIES_PRVKEY"],
    )


@pytest.fixture(scope="session")
def client(dev_server) -> Colonies:
    """One client for the whole session (it is thread-safe and keeps its connections)."""
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as c:
        yield c


def add_colony(client: Colonies, keys: Identity) -> Identity:
    """Create a colony with a fresh key: ``.name``, ``.id`` and ``.prvkey`` (the colony key)."""
    prvkey = Crypto().prvkey()
    info = Identity(name=unique("t"), prvkey=prvkey, id=Crypto().id(prvkey))
    client.add_colony({"colonyid": info.id, "name": info.name}, keys.server)
    return info


@pytest.fixture(scope="module")
def colony(client: Colonies, keys: Identity) -> Identity:
    """A colony of its own for one test module (removed afterwards)."""
    info = add_colony(client, keys)
    yield info
    client.del_colony(info.name, keys.server)


@pytest.fixture
def own_colony(client: Colonies, keys: Identity) -> Identity:
    """A colony of its own for one test (removed afterwards)."""
    info = add_colony(client, keys)
    yield info
    client.del_colony(info.name, keys.server)


@pytest.fixture
def new_executor(client: Colonies, colony: Identity) -> Callable[..., Identity]:
    """Factory: register an executor in ``colony`` (or ``in_colony``), approved unless ``approve=False``."""

    def make(approve: bool = True, executortype: str | None = None, in_colony: Identity | None = None) -> Identity:
        colony_ = in_colony or colony
        prvkey = Crypto().prvkey()
        executor = Identity(
            name=unique("exec"), prvkey=prvkey, id=Crypto().id(prvkey),
            type=executortype or unique("type"), colony=colony_.name,
        )
        client.add_executor(
            {"executorname": executor.name, "executorid": executor.id,
             "colonyname": colony_.name, "executortype": executor.type},
            colony_.prvkey,
        )
        if approve:
            client.approve_executor(colony_.name, executor.name, colony_.prvkey)
        return executor

    return make


@pytest.fixture
def executor(new_executor) -> Identity:
    """An approved executor with a type of its own: ``.name``, ``.prvkey``, ``.id``, ``.type``, ``.colony``."""
    return new_executor()

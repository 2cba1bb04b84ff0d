"""Fixtures for the compat tests: the dev server's keys, a client, colonies and executors of their
own, and ``compat_names`` (upstream's module names installed for one test, then removed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest

from pycolonies_fast import compat
from pycolonies_fast.client import Colonies
from pycolonies_fast.crypto import Crypto

from .helpers import unique


class Identity(SimpleNamespace):
    """A named key holder whose repr never shows the private key (pytest prints fixtures)."""

    def __repr__(self) -> str:
        return f"Identity(name={getattr(self, 'name', '?')!r})"


def new_identity(prefix: str) -> Identity:
    prvkey = Crypto().prvkey()
    return Identity(name=unique(prefix), prvkey=prvkey, id=Crypto().id(prvkey))


@pytest.fixture
def compat_names() -> Iterator[dict]:
    """``compat.install()`` for one test; everything it added is removed again afterwards."""
    yield compat.install()
    compat.uninstall()


@pytest.fixture(scope="session")
def keys(dev_server: dict[str, str]) -> Identity:
    """The well-known keys of the dev server (server, colony ``dev``, executor ``dev-executor``)."""
    return Identity(
        name="well-known keys",
        server=dev_server["COLONIES_SERVER_PRVKEY"],
        colony=dev_server["COLONIES_COLONY_PRVKEY"],
        executor=dev_server["COLONIES_PRVKEY"],
    )


@pytest.fixture(scope="module")
def client(dev_server: dict[str, str]) -> Iterator[Colonies]:
    with Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])) as c:
        yield c


@pytest.fixture
def colony(client: Colonies, keys: Identity) -> Iterator[Identity]:
    """A colony of its own for one test (removed afterwards): ``.name``, ``.prvkey``, ``.id``."""
    info = new_identity("compat")
    client.add_colony({"colonyid": info.id, "name": info.name}, keys.server)
    yield info
    client.del_colony(info.name, keys.server)


@pytest.fixture
def new_executor(client: Colonies, colony: Identity) -> Callable[..., Identity]:
    """Factory: an executor of a fresh type in ``colony``, approved unless ``approve=False``."""

    def make(approve: bool = True, executortype: str | None = None) -> Identity:
        executor = new_identity("exec")
        executor.type = executortype or unique("type")
        executor.colony = colony.name
        client.add_executor(
            {"executorname": executor.name, "executorid": executor.id,
             "colonyname": colony.name, "executortype": executor.type},
            colony.prvkey,
        )
        if approve:
            client.approve_executor(colony.name, executor.name, colony.prvkey)
        return executor

    return make


@pytest.fixture
def executor(new_executor: Callable[..., Identity]) -> Identity:
    """An approved executor of a type of its own in ``colony``."""
    return new_executor()


@pytest.fixture
def user(client: Colonies, colony: Identity) -> Identity:
    """A user of ``colony`` with a key of its own."""
    info = new_identity("user")
    client.add_user(
        {"colonyname": colony.name, "userid": info.id, "name": info.name, "email": "", "phone": ""},
        colony.prvkey,
    )
    return info

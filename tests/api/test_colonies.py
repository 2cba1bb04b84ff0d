"""Live tests of the colony methods: add_colony, del_colony, list_colonies, get_colony, stats."""

from __future__ import annotations

import pytest

from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ColoniesConnectionError, ServerError
from pycolonies_fast.funcspec import func_spec
from tests.support.identities import unique


def test_add_list_get_delete_colony(client, keys):
    prvkey = Crypto().prvkey()
    name = unique("col")
    added = client.add_colony({"colonyid": Crypto().id(prvkey), "name": name}, keys.server)
    assert added == {"colonyid": Crypto().id(prvkey), "name": name}
    assert name in [c["name"] for c in client.list_colonies(keys.server)]
    assert client.del_colony(name, keys.server) == {}
    assert name not in [c["name"] for c in client.list_colonies(keys.server) or []]


def test_duplicate_colony_is_a_server_error(client, keys, colony):
    with pytest.raises(ColoniesConnectionError) as info:
        client.add_colony({"colonyid": Crypto().id(Crypto().prvkey()), "name": colony.name}, keys.server)
    assert isinstance(info.value, ServerError)
    assert info.value.status == 400
    assert str(info.value) == f"A Colony with name <{colony.name}> already exists"


def test_add_colony_needs_the_server_key(client, colony):
    with pytest.raises(ServerError) as info:
        client.add_colony({"colonyid": Crypto().id(Crypto().prvkey()), "name": unique("col")}, colony.prvkey)
    assert info.value.status == 403
    assert "Access denied" in str(info.value)


def test_del_unknown_colony(client, keys):
    name = unique("missing")
    with pytest.raises(ServerError, match=f"Colony with name <{name}> not found"):
        client.del_colony(name, keys.server)


def test_get_colony_as_member(client, colony, executor):
    assert client.get_colony(colony.name, executor.prvkey) == {"colonyid": colony.id, "name": colony.name}


def test_stats_count_processes(client, colony, executor):
    before = client.stats(colony.name, executor.prvkey)
    assert before["colonies"] == 1
    for key in ("executors", "waitingprocesses", "runningprocesses", "successfulprocesses", "failedprocesses"):
        assert isinstance(before[key], int)
    client.submit_func_spec(func_spec("f", [], colony.name, executor.type), executor.prvkey)
    after = client.stats(colony.name, executor.prvkey)
    assert after["waitingprocesses"] == before["waitingprocesses"] + 1

"""Live tests of the added server-wide, key-rotation and location methods."""

from __future__ import annotations

import pytest

from pycolonies_fast.api.server import UNSIGNED_KEY
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from tests.support.identities import unique


def test_version_and_server_info_need_no_key(client):
    assert client.version()["msgtype"] == "versionmsg"
    info = client.server_info()
    assert {"buildversion", "buildtime"} <= set(info) and info["backends"][0]["port"] == client.port
    assert client.server_info(Crypto().prvkey())["buildtime"] == info["buildtime"]
    assert int(UNSIGNED_KEY, 16) == 1


def test_statistics_and_cluster_need_the_server_key(client, keys, colony):
    stats = client.get_statistics(keys.server)
    assert stats["colonies"] >= 1 and {"executors", "waitingprocesses", "successfulprocesses"} <= set(stats)
    cluster = client.get_cluster(keys.server)
    assert cluster["leader"]["name"] and [node["apiport"] for node in cluster["nodes"]] == [client.port]
    for call in (client.get_statistics, client.get_cluster):
        with pytest.raises(ServerError):
            call(colony.prvkey)


def test_change_server_id_is_refused_without_the_server_key(client, colony):
    # Rotating the real server key would break every other test sharing the server: only the
    # refusal is exercised live (the message reaches the handler, which checks the caller).
    with pytest.raises(ServerError) as refused:
        client.change_server_id(Crypto().id(Crypto().prvkey()), colony.prvkey)
    assert refused.value.status == 403


def test_change_colony_id(client, colony):
    new_key = Crypto().prvkey()
    echo = client.change_colony_id(colony.name, Crypto().id(new_key), colony.prvkey)
    assert echo["colonyid"] == Crypto().id(new_key)
    old_key, colony.prvkey = colony.prvkey, new_key  # the fixture's cleanup uses the server key
    assert client.resume_assignments(colony.name, new_key) == {}  # colony-owner calls take the new key
    with pytest.raises(ServerError):
        client.resume_assignments(colony.name, old_key)


def test_change_executor_id(client, colony, executor):
    new_key = Crypto().prvkey()
    client.change_executor_id(colony.name, Crypto().id(new_key), executor.prvkey)
    assert client.get_executor(colony.name, executor.name, new_key)["executorid"] == Crypto().id(new_key)
    with pytest.raises(ServerError):
        client.get_executor(colony.name, executor.name, executor.prvkey)


def test_change_user_id(client, colony, user):
    new_key = Crypto().prvkey()
    client.change_user_id(colony.name, Crypto().id(new_key), user.prvkey)
    assert client.get_user(colony.name, user.name, new_key)["userid"] == Crypto().id(new_key)
    with pytest.raises(ServerError):
        client.get_user(colony.name, user.name, user.prvkey)


def test_locations(client, colony, executor):
    name = unique("site")
    location = {"name": name, "colonyname": colony.name, "description": "lab", "long": 18.07, "lat": 59.33}
    added = client.add_location(location, colony.prvkey)
    assert added["name"] == name and added["lat"] == 59.33
    assert client.get_location(colony.name, name, executor.prvkey)["description"] == "lab"
    assert [loc["name"] for loc in client.get_locations(colony.name, executor.prvkey)] == [name]
    with pytest.raises(ServerError):
        client.add_location({**location, "name": unique("site")}, executor.prvkey)  # colony key only
    assert client.remove_location(colony.name, name, colony.prvkey) == {}
    assert not client.get_locations(colony.name, executor.prvkey)
    with pytest.raises(ServerError):
        client.get_location(colony.name, name, executor.prvkey)

"""Live tests of the user methods: add_user, get_users, remove_user."""

from __future__ import annotations

import pytest

from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ServerError
from tests.support.identities import unique


def user(colony):
    return {"colonyname": colony.name, "userid": Crypto().id(Crypto().prvkey()), "name": unique("user"),
            "email": "user@example.com", "phone": "123"}


def test_add_list_remove(client, own_colony, new_executor):
    executor = new_executor(in_colony=own_colony)
    assert client.get_users(own_colony.name, executor.prvkey) is None
    spec = user(own_colony)
    added = client.add_user(spec, own_colony.prvkey)
    assert added == spec
    assert client.get_users(own_colony.name, executor.prvkey) == [spec]
    assert client.remove_user(own_colony.name, spec["name"], own_colony.prvkey) == {}
    assert client.get_users(own_colony.name, executor.prvkey) is None


def test_add_user_needs_the_colony_key(client, colony, keys):
    with pytest.raises(ServerError, match="Access denied"):
        client.add_user(user(colony), keys.server)


def test_duplicate_user(client, colony):
    spec = user(colony)
    client.add_user(spec, colony.prvkey)
    with pytest.raises(ServerError) as info:
        client.add_user(spec, colony.prvkey)
    assert info.value.status == 400

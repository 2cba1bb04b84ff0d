"""Live tests of the executor methods: add, list, get, approve, reject, remove."""

from __future__ import annotations

import pytest

from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ColoniesConnectionError, ServerError
from tests.support.identities import unique

PENDING, APPROVED, REJECTED, UNREGISTERED = 0, 1, 2, 3


def by_name(executors, name):
    return next(e for e in executors or [] if e["executorname"] == name)


def test_add_executor_is_pending(client, colony, new_executor):
    executor = new_executor(approve=False)
    listed = by_name(client.list_executors(colony.name, executor.prvkey), executor.name)
    assert listed["state"] == PENDING
    assert listed["executorid"] == executor.id
    assert listed["executortype"] == executor.type


def test_add_executor_returns_the_executor(client, colony):
    prvkey = Crypto().prvkey()
    spec = {"executorname": unique("exec"), "executorid": Crypto().id(prvkey), "colonyname": colony.name,
            "executortype": "cli"}
    added = client.add_executor(spec, colony.prvkey)
    for key, value in spec.items():
        assert added[key] == value
    assert added["state"] == PENDING


def test_approve_then_get(client, colony, new_executor):
    executor = new_executor(approve=False)
    assert client.approve_executor(colony.name, executor.name, colony.prvkey) == {}
    got = client.get_executor(colony.name, executor.name, executor.prvkey)
    assert got["executorname"] == executor.name and got["state"] == APPROVED


def test_reject(client, colony, new_executor):
    executor = new_executor()
    assert client.reject_executor(colony.name, executor.name, colony.prvkey) == {}
    assert by_name(client.list_executors(colony.name, executor.prvkey), executor.name)["state"] == REJECTED


def test_remove(client, colony, new_executor):
    executor, other = new_executor(), new_executor()
    assert client.remove_executor(colony.name, executor.name, colony.prvkey) == {}
    # This server version keeps removed executors, marked UNREGISTERED.
    states = {e["executorname"]: e["state"] for e in client.list_executors(colony.name, other.prvkey)}
    assert states.get(executor.name, UNREGISTERED) == UNREGISTERED and states[other.name] == APPROVED


def test_approve_needs_the_colony_key(client, colony, new_executor):
    executor = new_executor(approve=False)
    with pytest.raises(ColoniesConnectionError) as info:
        client.approve_executor(colony.name, executor.name, executor.prvkey)
    assert isinstance(info.value, ServerError) and info.value.status == 403


def test_get_unknown_executor(client, colony, executor):
    with pytest.raises(ServerError):
        client.get_executor(colony.name, "no-such-executor", executor.prvkey)

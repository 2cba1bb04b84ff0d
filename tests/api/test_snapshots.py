"""Live tests of the snapshot methods: create_snapshot, get_snapshots, get_snapshot_by_name/_by_id."""

from __future__ import annotations

import pytest

from pycolonies_fast.errors import ServerError
from tests.support.identities import unique


def test_create_and_get_snapshots(client, own_colony, new_executor):
    executor = new_executor(in_colony=own_colony)
    name = unique("snap")
    snapshot = client.create_snapshot(own_colony.name, "/snaplabel", name, executor.prvkey)
    assert snapshot["name"] == name and snapshot["label"] == "/snaplabel"
    assert snapshot["colonyname"] == own_colony.name and snapshot["snapshotid"]
    listed = client.get_snapshots(own_colony.name, executor.prvkey)
    assert [s["name"] for s in listed] == [name]
    assert client.get_snapshot_by_name(own_colony.name, name, executor.prvkey)["snapshotid"] == snapshot["snapshotid"]
    assert client.get_snapshot_by_id(own_colony.name, snapshot["snapshotid"], executor.prvkey)["name"] == name


def test_unknown_snapshot(client, executor):
    with pytest.raises(ServerError, match="Snapshot not found"):
        client.get_snapshot_by_name(executor.colony, "no-such-snapshot", executor.prvkey)
    with pytest.raises(ServerError):
        client.get_snapshot_by_id(executor.colony, "0" * 64, executor.prvkey)

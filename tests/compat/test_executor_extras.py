"""Live tests of the added executor self-service, user, snapshot, log-search and generator methods."""

from __future__ import annotations

import json

import pytest

from pycolonies_fast.errors import ServerError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Workflow
from tests.support.identities import unique
from tests.support.timing import eventually

CAPABILITIES = {
    "hardware": [{"model": "box", "nodes": 1, "cpu": "4000m", "cores": 4, "mem": "8Gi", "storage": "1Ti",
                  "gpu": {"name": "none", "mem": "", "count": 0, "nodecount": 0},
                  "platform": "linux", "architecture": "amd64", "network": ["10.0.0.5"]}],
    "software": [{"name": "python", "type": "runtime", "version": "3.11"}],
}
ALLOCATIONS = {"projects": {"alpha": {"allocatedcpu": 4, "usedcpu": 1, "allocatedgpu": 0, "usedgpu": 0,
                                      "allocatedstorage": 100, "usedstorage": 7}}}


def test_get_executor_by_id(client, colony, executor):
    assert client.get_executor_by_id(colony.name, executor.id, executor.prvkey)["executorname"] == executor.name
    with pytest.raises(ServerError):
        client.get_executor_by_id(colony.name, "0" * 64, executor.prvkey)


def test_update_executor_and_report_allocations(client, colony, executor):
    assert client.update_executor(colony.name, executor.name, CAPABILITIES, executor.prvkey) == {}
    assert client.report_allocations(colony.name, executor.name, ALLOCATIONS, executor.prvkey) == {}
    stored = client.get_executor(colony.name, executor.name, executor.prvkey)
    assert stored["capabilities"] == CAPABILITIES
    assert stored["allocations"] == ALLOCATIONS


def test_update_executor_only_for_itself(client, colony, executor, new_executor):
    other = new_executor()
    with pytest.raises(ServerError):
        client.update_executor(colony.name, other.name, CAPABILITIES, executor.prvkey)


def test_add_executor_log_and_search_logs(client, colony, executor):
    needle = unique("needle")
    assert client.add_executor_log(colony.name, executor.name, f"found the {needle} here", executor.prvkey) == {}
    logs = client.get_executor_log(colony.name, executor.name, 10, 0, executor.prvkey)
    assert [entry["message"] for entry in logs] == [f"found the {needle} here"] and logs[0]["processid"] == ""
    found = eventually(lambda: client.search_logs(colony.name, needle, 1, 10, executor.prvkey))
    assert [entry["message"] for entry in found] == [f"found the {needle} here"]
    assert client.search_logs(colony.name, unique("absent"), 1, 10, executor.prvkey) is None


def test_remove_function(client, colony, executor):
    function = client.add_function(colony.name, executor.name, "echo", executor.prvkey)
    assert client.remove_function(function["functionid"], executor.prvkey) == {}
    assert client.get_functions_by_executor(colony.name, executor.name, executor.prvkey) is None


def test_get_user_and_get_user_by_id(client, colony, user, executor):
    assert client.get_user(colony.name, user.name, executor.prvkey)["userid"] == user.id
    assert client.get_user_by_id(colony.name, user.id, user.prvkey)["name"] == user.name
    with pytest.raises(ServerError):
        client.get_user(colony.name, "nobody", executor.prvkey)


def test_remove_snapshots(client, colony, executor):
    names = [unique("snap") for _ in range(4)]
    snapshots = [client.create_snapshot(colony.name, "/snaps", name, executor.prvkey) for name in names]
    assert client.remove_snapshot_by_name(colony.name, names[0], executor.prvkey) == {}
    assert client.remove_snapshot_by_id(colony.name, snapshots[1]["snapshotid"], executor.prvkey) == {}
    assert sorted(s["name"] for s in client.get_snapshots(colony.name, executor.prvkey)) == sorted(names[2:])
    assert client.remove_all_snapshots(colony.name, executor.prvkey) == {}
    assert not client.get_snapshots(colony.name, executor.prvkey)


def test_pack_and_resolve_generator(client, colony, executor):
    workflow = Workflow(colonyname=colony.name, functionspecs=[func_spec("gen", [], colony.name, executor.type)])
    generator = client.add_generator(
        {"colonyname": colony.name, "name": unique("gen"), "workflowspec": json.dumps(workflow.model_dump()),
         "trigger": 2, "timeout": 60},
        executor.prvkey,
    )
    resolved = client.resolve_generator(colony.name, generator["name"], executor.prvkey)
    assert resolved["generatorid"] == generator["generatorid"]
    for arg in ("a", "b"):
        assert client.pack_generator(generator["generatorid"], arg, executor.prvkey) == {}
    # At `trigger` packed args the server submits the workflow with them as the process's args.
    processes = eventually(lambda: client.list_processes(colony.name, 10, 0, executor.prvkey), timeout=30)
    assert processes and processes[0]["spec"]["funcname"] == "gen"
    assert processes[0]["spec"]["args"] == ["a", "b"]

"""Live tests of the workflow methods: submit_workflow, get_processgraph(s), remove_processgraph,
remove_all_processgraphs, get_processes_for_workflow and add_child."""

from __future__ import annotations

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.errors import ServerError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import ProcessGraph, Workflow


def two_step_workflow(executor) -> Workflow:
    first = func_spec("first", [1], executor.colony, executor.type)
    second = func_spec("second", [2], executor.colony, executor.type)
    second.conditions.dependencies = ["first"]
    return Workflow(colonyname=executor.colony, functionspecs=[first, second])


def test_submit_and_get_processgraph(client, executor):
    graph = client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    assert isinstance(graph, ProcessGraph)
    assert graph.state == Colonies.WAITING and len(graph.processids) == 2
    again = client.get_processgraph(graph.processgraphid, executor.prvkey)
    assert isinstance(again, ProcessGraph)
    assert again.processgraphid == graph.processgraphid
    assert sorted(again.processids) == sorted(graph.processids)
    assert len(again.rootprocessids) == 1


def test_submit_workflow_with_bad_dependency(client, own_colony, new_executor):
    # A colony of its own: the server leaves a broken graph behind after this error.
    executor = new_executor(in_colony=own_colony)
    workflow = two_step_workflow(executor)
    workflow.functionspecs[1].conditions.dependencies = ["nope"]
    with pytest.raises(ServerError, match="invalid dependencies"):
        client.submit_workflow(workflow, executor.prvkey)


def test_get_processgraphs_by_state(client, colony, executor):
    graph = client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    waiting = client.get_processgraphs(colony.name, 100, executor.prvkey)  # no state: WAITING
    assert graph.processgraphid in [g["processgraphid"] for g in waiting]
    explicit = client.get_processgraphs(colony.name, 100, executor.prvkey, state=Colonies.WAITING)
    assert graph.processgraphid in [g["processgraphid"] for g in explicit]
    assert client.get_processgraphs(colony.name, 100, executor.prvkey, state=Colonies.CANCELLED) is None


def test_get_processes_for_workflow(client, executor):
    graph = client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    processes = client.get_processes_for_workflow(graph.processgraphid, executor.colony, executor.prvkey)
    assert isinstance(processes, list) and all(isinstance(p, dict) for p in processes)
    assert sorted(p["processid"] for p in processes) == sorted(graph.processids)
    assert {p["spec"]["nodename"] for p in processes} == {"first", "second"}
    assert len(client.get_processes_for_workflow(graph.processgraphid, executor.colony, executor.prvkey, count=1)) == 1


def test_add_child(client, executor):
    graph = client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    parent = client.assign(executor.colony, 5, executor.prvkey)
    assert parent.spec.nodename == "first"
    second_id = next(pid for pid in graph.processids if pid != parent.processid)
    spec = func_spec("extra", [], executor.colony, executor.type)
    child = client.add_child(graph.processgraphid, parent.processid, second_id, spec, "extra-node", False,
                             executor.prvkey)
    assert spec.nodename == "extra-node"  # upstream mutates the caller's spec; so do we
    assert isinstance(child, dict)
    assert child["spec"]["nodename"] == "extra-node" and child["processgraphid"] == graph.processgraphid
    assert parent.processid in child["parents"]
    refreshed = client.get_processgraph(graph.processgraphid, executor.prvkey)
    assert child["processid"] in refreshed.processids


def test_add_child_needs_a_running_parent(client, executor):
    graph = client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    spec = func_spec("extra", [], executor.colony, executor.type)
    with pytest.raises(ServerError):
        client.add_child(graph.processgraphid, graph.processids[0], "", spec, "x", False, executor.prvkey)


def test_remove_processgraph(client, executor):
    graph = client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    assert client.remove_processgraph(graph.processgraphid, executor.prvkey) == {}
    with pytest.raises(ServerError):
        client.get_processgraph(graph.processgraphid, executor.prvkey)


def test_remove_all_processgraphs(client, colony, new_executor):
    executor = new_executor()
    client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    assert client.remove_all_processgraphs(colony.name, colony.prvkey) == {}  # no state: WAITING
    assert client.get_processgraphs(colony.name, 100, executor.prvkey) is None
    client.submit_workflow(two_step_workflow(executor), executor.prvkey)
    assert client.remove_all_processgraphs(colony.name, colony.prvkey, state=-1) == {}
    assert client.get_processgraphs(colony.name, 100, executor.prvkey) is None

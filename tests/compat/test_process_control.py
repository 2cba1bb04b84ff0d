"""Live tests of the added process-control methods: cancel, pause/resume, filters, history, subscribe."""

from __future__ import annotations

import threading
import time

import pytest

from pycolonies_fast.errors import ColoniesError, ServerError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Workflow
from tests.support.timing import eventually

CANCELLED = 4


def submit(client, executor, funcname="work", label="", prvkey=None):
    spec = func_spec(funcname, [], executor.colony, executor.type)
    spec.label = label
    return client.submit_func_spec(spec, prvkey or executor.prvkey)


def test_cancel_process(client, executor):
    process = submit(client, executor)
    assert client.cancel_process(process.processid, executor.prvkey) == {}
    assert client.get_process(process.processid, executor.prvkey).state == CANCELLED
    with pytest.raises(ServerError):
        client.assign(executor.colony, -1, executor.prvkey)  # nothing left to assign


def test_cancel_processgraph(client, executor):
    specs = [func_spec(name, [], executor.colony, executor.type) for name in ("first", "second")]
    specs[1].conditions.dependencies = ["first"]
    graph = client.submit_workflow(Workflow(colonyname=executor.colony, functionspecs=specs), executor.prvkey)
    assert client.cancel_processgraph(graph.processgraphid, executor.prvkey) == {}
    assert client.get_processgraph(graph.processgraphid, executor.prvkey).state == CANCELLED


def test_pause_and_resume_assignments(client, colony, executor):
    submit(client, executor)
    assert client.pause_assignments(colony.name, colony.prvkey) == {}
    try:
        assert client.get_pause_status(colony.name, executor.prvkey)["ispaused"] is True
        with pytest.raises(ServerError, match="paused"):
            client.assign(colony.name, -1, executor.prvkey)
    finally:
        assert client.resume_assignments(colony.name, colony.prvkey) == {}
    assert client.get_pause_status(colony.name, executor.prvkey)["ispaused"] is False
    assert client.assign(colony.name, 5, executor.prvkey).spec.funcname == "work"
    with pytest.raises(ServerError):
        client.pause_assignments(colony.name, executor.prvkey)  # colony key only


def test_list_processes_by_filters(client, colony, new_executor, user):
    first, second = new_executor(), new_executor()
    submit(client, first, label="red")
    submit(client, first, label="blue")
    submit(client, second, label="red", prvkey=user.prvkey)
    by_type = client.list_processes_by(colony.name, 100, 0, first.prvkey, executortype=first.type)
    assert len(by_type) == 2 and {p["spec"]["label"] for p in by_type} == {"red", "blue"}
    by_label = client.list_processes_by(colony.name, 100, 0, first.prvkey, label="red")
    assert len(by_label) == 2
    with pytest.raises(ValueError, match="one filter only"):  # the server would silently use just one
        client.list_processes_by(colony.name, 100, 0, first.prvkey, executortype=first.type, label="red")
    by_user = client.list_processes_by(colony.name, 100, 0, first.prvkey, initiator=user.name)
    assert [p["initiatorname"] for p in by_user] == [user.name]
    assert client.list_processes_by(colony.name, 100, 0, first.prvkey, label="green") is None
    assert len(client.list_processes_by(colony.name, 100, 0, first.prvkey)) == 3  # no filter
    with pytest.raises(ServerError, match="does not exist"):
        client.list_processes_by(colony.name, 100, 0, first.prvkey, initiator="nobody")


def test_get_process_history(client, colony, executor, new_executor):
    process = submit(client, executor)
    client.close(client.assign(colony.name, 5, executor.prvkey).processid, ["done"], executor.prvkey)
    history = client.get_process_history(colony.name, 60, 2, executor.prvkey)
    assert [p["processid"] for p in history] == [process.processid]
    mine = client.get_process_history(colony.name, 60, 2, executor.prvkey, executorid=executor.id)
    assert [p["processid"] for p in mine] == [process.processid]
    other = new_executor()
    assert client.get_process_history(colony.name, 60, 2, executor.prvkey, executorid=other.id) is None
    with pytest.raises(ServerError, match="no reply"):
        client.get_process_history(colony.name, 60, 2, "0" * 63 + "2")  # not a member: empty body


def test_subscribe_processes_with_callback(client, executor):
    seen = []

    def on_process(process):
        seen.append(process)
        return False  # one is enough

    def submit_soon():
        time.sleep(0.5)
        submit(client, executor, funcname="pushed")

    threading.Thread(target=submit_soon, daemon=True).start()
    started = time.monotonic()
    result = client.subscribe_processes(executor.colony, executor.type, 0, executor.prvkey, timeout=20,
                                        callback=on_process)
    assert result is None and time.monotonic() - started < 10
    assert [p.spec.funcname for p in seen] == ["pushed"] and seen[0].state == 0


def test_subscribe_processes_collects_until_timeout(client, executor):
    threading.Timer(0.5, lambda: submit(client, executor, funcname="late")).start()
    started = time.monotonic()
    processes = client.subscribe_processes(executor.colony, executor.type, 0, executor.prvkey, timeout=2)
    assert 1.5 < time.monotonic() - started < 10
    assert [p.spec.funcname for p in processes] == ["late"]


def test_subscribe_processes_needs_an_executor(client, colony, user):
    with pytest.raises(ColoniesError, match="not found"):
        client.subscribe_processes(colony.name, "any", 0, user.prvkey, timeout=2)


def test_cancelled_process_is_seen_by_wait(client, executor):
    process = submit(client, executor)
    threading.Timer(0.3, lambda: client.cancel_process(process.processid, executor.prvkey)).start()
    assert client.wait(process, 10, executor.prvkey).state == CANCELLED
    assert eventually(lambda: client.get_process(process.processid, executor.prvkey).state == CANCELLED)

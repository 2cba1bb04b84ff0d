"""Live tests of the process methods: submit, assign, list, get, remove, close, fail, set_output,
wait and find_process."""

from __future__ import annotations

import threading
import time

import pytest
from pydantic import ValidationError

from pycolonies_fast.client import Colonies
from pycolonies_fast.errors import ColoniesConnectionError, ServerError
from pycolonies_fast.funcspec import func_spec
from pycolonies_fast.models import Process
from tests.support.processes import get_raw, submit_raw


def submit(client, executor, funcname="f", args=None):
    spec = func_spec(funcname, args or [], executor.colony, executor.type)
    return client.submit_func_spec(spec, executor.prvkey)


def running(client, executor, funcname="f"):
    """A process submitted and assigned to ``executor`` (state RUNNING)."""
    submitted = submit(client, executor, funcname)
    assigned = client.assign(executor.colony, 5, executor.prvkey)
    assert assigned.processid == submitted.processid
    return assigned


def test_submit_returns_a_waiting_process(client, executor):
    process = submit(client, executor, "echo", ["a", 1])
    assert isinstance(process, Process)
    assert process.state == Colonies.WAITING == 0
    assert process.spec.funcname == "echo" and process.spec.args == ["a", 1]
    assert process.spec.conditions.executortype == executor.type
    assert process.initiatorid == executor.id


def test_assign_get_and_states(client, executor):
    submitted = submit(client, executor)
    assigned = client.assign(executor.colony, 5, executor.prvkey)
    assert isinstance(assigned, Process)
    assert assigned.processid == submitted.processid
    assert assigned.state == Colonies.RUNNING and assigned.assignedexecutorid == executor.id
    assert client.get_process(submitted.processid, executor.prvkey).state == Colonies.RUNNING


def test_assign_with_nothing_to_do_raises_404(client, executor):
    start = time.monotonic()
    with pytest.raises(ColoniesConnectionError) as info:
        client.assign(executor.colony, 1, executor.prvkey)
    assert isinstance(info.value, ServerError) and info.value.status == 404
    assert str(info.value) == "No process available for assignment"
    assert 0.5 < time.monotonic() - start < 10


def test_assign_raw_is_the_reply_assign_parses(client, executor):
    submitted = submit(client, executor, "echo", ["a"])
    raw = client.assign_raw(executor.colony, 5, executor.prvkey)
    assert isinstance(raw, dict) and raw["processid"] == submitted.processid
    assigned = Process(**raw)
    assert assigned.state == Colonies.RUNNING and assigned.assignedexecutorid == executor.id


def test_assign_raw_gives_the_process_that_assign_cannot_parse(client, executor):
    """§e.3: the Process model rejects kwargs with non-string values; such a process is assigned
    anyway, and only assign_raw tells which one it was."""
    lost = submit_raw(client, executor.colony, executor.type, executor.prvkey, "f", kwargs={"force": True})
    with pytest.raises(ValidationError):
        client.assign(executor.colony, 5, executor.prvkey)
    assert get_raw(client, lost, executor.prvkey)["state"] == Colonies.RUNNING
    client.fail(lost, ["cleanup"], executor.prvkey)
    pid = submit_raw(client, executor.colony, executor.type, executor.prvkey, "f", kwargs={"force": True})
    raw = client.assign_raw(executor.colony, 5, executor.prvkey)
    assert raw["processid"] == pid and raw["spec"]["kwargs"] == {"force": True}
    assert raw["state"] == Colonies.RUNNING and raw["assignedexecutorid"] == executor.id
    client.fail(pid, ["cleanup"], executor.prvkey)


def test_assign_long_poll_wakes_on_submit(client, executor):
    threading.Timer(0.5, submit, (client, executor)).start()
    start = time.monotonic()
    assert client.assign(executor.colony, 10, executor.prvkey).state == Colonies.RUNNING
    assert time.monotonic() - start < 5


def test_assign_long_poll_beyond_the_default_read_timeout(dev_server, executor):
    # The read timeout of assign is the server's long-poll time plus the normal read timeout.
    short = Colonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]), timeout=0.5)
    with pytest.raises(ServerError, match="No process available"):
        short.assign(executor.colony, 2, executor.prvkey)


def test_assign_with_available_resources(client, executor):
    """Not in upstream: availablecpu/availablemem; only processes asking for no more are assigned."""
    spec = func_spec("f", [], executor.colony, executor.type)
    spec.conditions.cpu, spec.conditions.mem = "1000m", "1Gi"
    submitted = client.submit_func_spec(spec, executor.prvkey)
    for cpu, memory in (("500m", None), ("2000m", "512Mi")):
        with pytest.raises(ServerError) as info:
            client.assign_raw(executor.colony, 1, executor.prvkey, available_cpu=cpu, available_memory=memory)
        assert info.value.status == 404
    assigned = client.assign(executor.colony, 5, executor.prvkey, available_cpu="2000m", available_memory="2Gi")
    assert assigned.processid == submitted.processid and assigned.spec.conditions.cpu == "1000m"


def test_assign_zero_timeout_is_rejected(client, executor):
    with pytest.raises(ServerError, match="timeout cannot be zero"):
        client.assign(executor.colony, 0, executor.prvkey)


def test_list_processes_and_stats(client, colony, new_executor):
    executor = new_executor()
    run = running(client, executor)
    done = running(client, executor)
    client.close(done.processid, ["ok"], executor.prvkey)
    failed = running(client, executor)
    client.fail(failed.processid, ["bad"], executor.prvkey)
    for _ in range(3):
        submit(client, executor)

    def count(state):
        return len(client.list_processes(colony.name, 100, state, executor.prvkey) or [])

    listed = client.list_processes(colony.name, 100, Colonies.RUNNING, executor.prvkey)
    assert isinstance(listed[0], dict) and run.processid in [p["processid"] for p in listed]
    stats = client.stats(colony.name, executor.prvkey)
    assert stats["waitingprocesses"] == count(Colonies.WAITING) >= 3
    assert stats["runningprocesses"] == count(Colonies.RUNNING) >= 1
    assert stats["successfulprocesses"] == count(Colonies.SUCCESSFUL) >= 1
    assert stats["failedprocesses"] == count(Colonies.FAILED) >= 1


def test_list_processes_none_when_empty(client, colony, new_executor):
    executor = new_executor()
    assert client.list_processes(colony.name, 10, Colonies.CANCELLED, executor.prvkey) is None


def test_list_processes_rejects_bad_state_and_count(client, colony, executor):
    with pytest.raises(ServerError, match="invalid msg.State"):
        client.list_processes(colony.name, 10, 7, executor.prvkey)
    with pytest.raises(ServerError, match="MaxCount"):
        client.list_processes(colony.name, 101, 0, executor.prvkey)


def test_close_stores_output(client, executor):
    process = running(client, executor)
    assert client.close(process.processid, ["out1", 2, 3.5], executor.prvkey) == {}
    closed = client.get_process(process.processid, executor.prvkey)
    assert closed.state == Colonies.SUCCESSFUL and closed.output == ["out1", 2, 3.5]


def test_fail_stores_errors(client, executor):
    process = running(client, executor)
    assert client.fail(process.processid, ["boom"], executor.prvkey) == {}
    failed = client.get_process(process.processid, executor.prvkey)
    assert failed.state == Colonies.FAILED and failed.errors == ["boom"]


def test_close_by_another_executor_is_refused(client, executor, new_executor):
    process = running(client, executor)
    other = new_executor(executortype=executor.type)
    with pytest.raises(ServerError) as info:
        client.close(process.processid, [], other.prvkey)
    assert info.value.status == 403


def test_set_output(client, executor):
    process = running(client, executor)
    assert client.set_output(process.processid, ["output1", "output2"], executor.prvkey) == {}
    assert client.get_process(process.processid, executor.prvkey).output == ["output1", "output2"]


def test_set_output_needs_a_running_process(client, executor):
    process = submit(client, executor)
    with pytest.raises(ServerError):
        client.set_output(process.processid, ["x"], executor.prvkey)


def test_remove_process(client, executor):
    process = submit(client, executor)
    assert client.remove_process(process.processid, executor.prvkey) == {}
    with pytest.raises(ServerError) as info:
        client.get_process(process.processid, executor.prvkey)
    assert info.value.status == 404


def test_remove_all_processes(client, colony, new_executor):
    executor = new_executor()
    submit(client, executor)
    assert client.remove_all_processes(colony.name, colony.prvkey, Colonies.WAITING) == {}
    assert client.list_processes(colony.name, 100, Colonies.WAITING, executor.prvkey) is None
    submit(client, executor)
    assert client.remove_all_processes(colony.name, colony.prvkey) == {}  # default state -1: all
    assert client.list_processes(colony.name, 100, Colonies.WAITING, executor.prvkey) is None


def test_remove_all_processes_refuses_running(client, colony):
    with pytest.raises(ServerError, match="Not possible to remove running processes"):
        client.remove_all_processes(colony.name, colony.prvkey, Colonies.RUNNING)


def test_wait_returns_on_success(client, executor):
    process = running(client, executor)
    threading.Timer(0.3, client.close, (process.processid, ["done"], executor.prvkey)).start()
    waited = client.wait(process, 10, executor.prvkey)
    assert isinstance(waited, Process)
    assert waited.state == Colonies.SUCCESSFUL and waited.output == ["done"]


def test_wait_returns_on_failure(client, executor):
    # Upstream blocked until the timeout for failed processes; ours returns at once.
    process = running(client, executor)
    threading.Timer(0.3, client.fail, (process.processid, ["bad"], executor.prvkey)).start()
    start = time.monotonic()
    waited = client.wait(process, 20, executor.prvkey)
    assert waited.state == Colonies.FAILED and time.monotonic() - start < 10


def test_find_process(client, executor):
    first = submit(client, executor, "alpha")
    second = submit(client, executor, "beta")
    ids = [first.processid, second.processid]
    assert client.find_process("beta", ids, executor.prvkey).processid == second.processid
    assert client.find_process("gamma", ids, executor.prvkey) is None
    assert client.find_process("alpha", [], executor.prvkey) is None


def test_wait_returns_on_cancel(client, executor):
    # No SDK method cancels; upstream-style code uses the private RPC helper for it.
    process = submit(client, executor)
    cancel = {"msgtype": "cancelprocessmsg", "processid": process.processid}
    threading.Timer(0.3, client._Colonies__rpc, (cancel, executor.prvkey)).start()
    waited = client.wait(process, 20, executor.prvkey)
    assert waited.state == Colonies.CANCELLED == 4

"""Live tests of shutdown on SIGTERM (the CLI in a subprocess) and of recovery from connection errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.executor import Executor
from pycolonies_fast.funcspec import func_spec
from tests.support import tasks
from tests.support.executors import new_executor, submit
from tests.support.identities import unique
from tests.support.servers import Forwarder, free_port
from tests.support.timing import eventually

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("grace", "sleep"), [(1, 30), (10, 2)], ids=["grace-expires", "grace-suffices"])
def test_sigterm_leaves_no_process_running_on_the_gone_executor(client, colony, dev_server, grace, sleep):
    etype, name = unique("type"), unique("cli")
    env = {**os.environ, **dev_server, "COLONIES_COLONY_NAME": colony.name, "COLONIES_COLONY_PRVKEY": colony.prvkey}
    command = [sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
               "--type", etype, "--name", name, "--workers", "3", "--grace", str(grace), "--poll-timeout", "1",
               "--max-seconds", "60"]
    key = Crypto().prvkey()  # a second executor of the same type, only to submit and look
    Executor(client, colony.name, etype, prvkey=key, colony_prvkey=colony.prvkey).register()
    submitter = SimpleNamespace(colonyname=colony.name, executortype=etype, _prvkey=key)
    child = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        executor = eventually(lambda: _executor_id(client, colony, key, name), timeout=20)
        assert executor, "the CLI executor did not register"
        quick = [submit(client, submitter, "square", [i]) for i in range(5)]
        slow = [submit(client, submitter, "slow", [sleep]) for _ in range(3)]
        running = eventually(lambda: _running_on(client, colony, key, executor) >= 3, timeout=20)
        assert running, "the slow processes never ran"
        child.send_signal(signal.SIGTERM)
        output, _ = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, output
    assert _running_on(client, colony, key, executor) == 0
    for pid in quick:
        process = client.get_process(pid, key)
        assert process.state == Colonies.SUCCESSFUL and process.output == [process.spec.args[0] ** 2]
    for pid in slow:
        process = client.get_process(pid, key)
        if sleep < grace:  # finished within the grace period
            assert process.state == Colonies.SUCCESSFUL and process.output == ["slept"], output
        else:
            assert process.state == Colonies.FAILED and "executor shutting down" in process.errors[0], output
    assert "SIGTERM" in output and colony.prvkey not in output


def test_cli_available_cpu_limits_what_it_takes(client, colony, dev_server):
    etype, name = unique("type"), unique("cli")
    env = {**os.environ, **dev_server, "COLONIES_COLONY_NAME": colony.name, "COLONIES_COLONY_PRVKEY": colony.prvkey}
    key = Crypto().prvkey()
    Executor(client, colony.name, etype, prvkey=key, colony_prvkey=colony.prvkey).register()
    submitter = SimpleNamespace(colonyname=colony.name, executortype=etype, _prvkey=key)
    spec = func_spec("square", [5], colony.name, etype)
    spec.conditions.cpu = "4000m"
    big = client.submit_func_spec(spec, key).processid
    small = submit(client, submitter, "square", [3])
    command = [sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
               "--type", etype, "--name", name, "--available-cpu", "1000m", "--poll-timeout", "1",
               "--max-processes", "1", "--max-seconds", "30"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert client.get_process(small, key).output == [9]
    assert client.get_process(big, key).state == Colonies.WAITING
    client.remove_process(big, key)


def test_cli_cpu_bound_functions_run_in_the_process_pool(client, colony, dev_server):
    etype = unique("type")
    env = {**os.environ, **dev_server, "COLONIES_COLONY_NAME": colony.name, "COLONIES_COLONY_PRVKEY": colony.prvkey}
    key = Crypto().prvkey()
    Executor(client, colony.name, etype, prvkey=key, colony_prvkey=colony.prvkey).register()
    submitter = SimpleNamespace(colonyname=colony.name, executortype=etype, _prvkey=key)
    pooled, plain = submit(client, submitter, "whoami", []), submit(client, submitter, "square", [3])
    command = [sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.support.tasks",
               "--type", etype, "--cpu-bound", "whoami", "--process-pool", "1", "--poll-timeout", "1",
               "--max-processes", "2", "--max-seconds", "60"]
    cli = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = cli.communicate(timeout=120)
    assert cli.returncode == 0, output
    assert client.get_process(plain, key).output == [9]
    (pid,) = client.get_process(pooled, key).output
    assert pid != cli.pid  # it ran in a pool process, not in the CLI's own


def _executor_id(client, colony, key, name):
    executors = client.list_executors(colony.name, key) or []
    return next((e["executorid"] for e in executors if e["executorname"] == name and e["state"] == 1), None)


def _running_on(client, colony, key, executorid):
    running = client.list_processes(colony.name, 100, Colonies.RUNNING, key) or []
    return sum(p["assignedexecutorid"] == executorid for p in running)


def test_connection_errors_back_off_and_recover(client, colony, dev_server):
    registrar = new_executor(client, colony, functions={"square": tasks.square})
    registrar.register()
    ids = [submit(client, registrar, "square", [i]) for i in range(10)]
    port = free_port()  # nothing listens here until the forwarder starts
    offline = Colonies("127.0.0.1", port, retries=0)
    executor = Executor(offline, colony.name, registrar.executortype, executorname=registrar.executorname,
                        prvkey=registrar._prvkey, functions={"square": tasks.square}, workers=2, poll_timeout=1)
    executor.registered = True  # registered above through the reachable client
    result = {}
    runner = threading.Thread(target=lambda: result.update(stats=executor.run(max_processes=10, max_seconds=30,
                                                                                handle_signals=False)))
    runner.start()
    time.sleep(1.5)
    forwarder = Forwarder(port, (dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])))
    try:
        runner.join(30)
    finally:
        forwarder.close()
    stats = result["stats"]
    assert stats.assign_errors >= 2 and stats.closed == 10
    assert stats.elapsed < 15  # backoff is capped, so recovery is prompt
    assert all(client.get_process(pid, registrar._prvkey).state == Colonies.SUCCESSFUL for pid in ids)


def test_a_stop_during_registration_ends_the_run(client, colony):
    executor = new_executor(client, colony, functions={"square": tasks.square})
    register = executor.register

    def stopped_while_registering():
        register()
        executor.stop()  # as a signal handler or another thread would, before the run has begun

    executor.register = stopped_while_registering
    started = time.monotonic()
    stats = executor.run(max_seconds=20, handle_signals=False)
    assert time.monotonic() - started < 5 and stats.assigned == 0


def test_ctrl_c_without_our_signal_handlers_still_shuts_down(client, colony):
    """run(handle_signals=False) in the main thread: a KeyboardInterrupt ends the run gracefully
    (in-flight work finishes) and no worker goes on taking processes after run() has raised."""
    executor = new_executor(client, colony, workers=2, functions={"interrupt": tasks.interrupt_main_then_finish,
                                                                   "square": tasks.square})
    executor.register()
    interrupting = submit(client, executor, "interrupt", [])
    with pytest.raises(KeyboardInterrupt):
        executor.run(max_seconds=30, handle_signals=False)
    later = submit(client, executor, "square", [3])
    time.sleep(2.5)  # longer than an assign's long poll: a worker left running would take it
    assert client.get_process(interrupting, executor._prvkey).output == ["finished"]
    assert client.get_process(later, executor._prvkey).state == Colonies.WAITING
    assert not any(thread.is_alive() for thread in executor._threads)
    client.remove_process(later, executor._prvkey)


def test_a_process_an_assign_takes_after_the_grace_period_is_failed_before_run_returns(client, colony):
    """An assign still long-polling when the grace period ends: run() waits for its reply and fails
    what it took. Before, run() returned and the process stayed RUNNING on a gone executor."""
    executor = new_executor(client, colony, workers=1, poll_timeout=5, grace_period=0.5,
                            functions={"square": tasks.square})
    executor.register()
    late: list[str] = []
    ended = threading.Event()

    def stop_then_submit():
        time.sleep(1.0)  # the worker is inside its 5 s long poll
        executor.stop()
        time.sleep(1.0)  # past the grace period, the same long poll still waiting
        if not ended.is_set():
            late.append(submit(client, executor, "square", [4]))

    threading.Thread(target=stop_then_submit, daemon=True).start()
    executor.run(max_seconds=30, handle_signals=False)
    ended.set()
    assert len(late) == 1
    process = client.get_process(late[0], executor._prvkey)
    assert process.state == Colonies.FAILED and "executor shutting down" in process.errors[0]

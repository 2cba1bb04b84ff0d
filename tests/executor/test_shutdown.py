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
from pycolonies_fast.crypto import Crypto
from pycolonies_fast.executor import Executor
from pycolonies_fast.funcspec import func_spec
from tests.helpers import unique

from . import tasks
from .helpers import Forwarder, eventually, free_port, new_executor, submit

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("grace", "sleep"), [(1, 30), (10, 2)], ids=["grace-expires", "grace-suffices"])
def test_sigterm_leaves_no_process_running_on_the_gone_executor(client, colony, dev_server, grace, sleep):
    etype, name = unique("type"), unique("cli")
    env = {**os.environ, **dev_server, "COLONIES_COLONY_NAME": colony.name, "COLONIES_COLONY_PRVKEY": colony.prvkey}
    command = [sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.executor.tasks",
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
    command = [sys.executable, "-m", "pycolonies_fast", "executor", "--module", "tests.executor.tasks",
               "--type", etype, "--name", name, "--available-cpu", "1000m", "--poll-timeout", "1",
               "--max-processes", "1", "--max-seconds", "30"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert client.get_process(small, key).output == [9]
    assert client.get_process(big, key).state == Colonies.WAITING
    client.remove_process(big, key)


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

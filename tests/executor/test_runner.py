"""Live tests of the executor runner against the dev server: results, failures, logs, time limits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import TransportError
from pycolonies_fast.executor import Executor
from pycolonies_fast.funcspec import func_spec
from tests.support import tasks
from tests.support.executors import new_executor, submit
from tests.support.identities import add_executor, unique
from tests.support.processes import get_raw, submit_raw
from tests.support.timing import eventually

N = 40
REPO = Path(__file__).resolve().parents[2]


def test_n_processes_closed_exactly_once_with_their_outputs(client, colony):
    executor = new_executor(client, colony, workers=4, functions={"double": tasks.double})
    executor.register()
    ids = [submit(client, executor, "double", [i], kwargs={"label": f"n{i}"}) for i in range(N)]

    stats = executor.run(max_processes=N, max_seconds=30)

    assert (stats.assigned, stats.closed, stats.failed, stats.assign_errors) == (N, N, 0, 0)
    for i, pid in enumerate(ids):
        process = client.get_process(pid, executor._prvkey)
        assert process.state == Colonies.SUCCESSFUL
        assert process.output == [2 * i, f"n{i}"]
        assert process.assignedexecutorid == executor.executorid
    done = client.list_processes(colony.name, 100, Colonies.SUCCESSFUL, executor._prvkey) or []
    mine = [p["processid"] for p in done if p["spec"]["conditions"]["executortype"] == executor.executortype]
    assert sorted(mine) == sorted(ids)  # each one once, none extra


def test_function_errors_and_unknown_functions_fail_the_process(client, colony):
    executor = new_executor(client, colony, workers=2, functions={"boom": tasks.boom, "nothing": tasks.nothing})
    executor.register()
    raising = submit(client, executor, "boom", [7])
    unknown = submit(client, executor, "no_such_function", [])
    empty = submit(client, executor, "nothing", [])

    stats = executor.run(max_processes=3, max_seconds=30)

    assert (stats.closed, stats.failed) == (1, 2)
    failed = client.get_process(raising, executor._prvkey)
    assert failed.state == Colonies.FAILED
    assert failed.errors[0] == "ValueError: boom 7"
    assert "Traceback" in failed.errors[1] and "raise ValueError" in failed.errors[1]
    missing = client.get_process(unknown, executor._prvkey)
    assert missing.state == Colonies.FAILED
    assert "unknown function 'no_such_function'" in missing.errors[0] and "boom, nothing" in missing.errors[0]
    assert client.get_process(empty, executor._prvkey).output in ([], None)


def test_a_timeout_error_raised_by_the_function_fails_its_process(client, colony):
    """The function's own TimeoutError (on Python 3.11 the same class as a pool wait's timeout) is
    its failure, not the runner's maxexectime; before, the process was "abandoned" and stayed RUNNING."""
    executor = new_executor(client, colony, workers=2, process_pool=1, functions={"plain": tasks.times_out})
    executor.function("pooled", cpu_bound=True)(tasks.times_out)
    executor.register()
    ids = [submit(client, executor, "plain", ["a"]), submit(client, executor, "plain", ["b"], maxexectime=30),
           submit(client, executor, "pooled", ["c"]), submit(client, executor, "pooled", ["d"], maxexectime=30)]

    stats = executor.run(max_processes=4, max_seconds=60)

    assert (stats.failed, stats.abandoned) == (4, 0)
    for pid, host in zip(ids, "abcd", strict=True):
        process = client.get_process(pid, executor._prvkey)
        assert process.state == Colonies.FAILED
        assert process.errors[0] == f"TimeoutError: timed out talking to {host}"


def test_results_that_cannot_be_reported_and_odd_errors_fail_the_process_at_once(client, colony):
    functions = {"nan": tasks.not_a_number, "unprintable": tasks.unprintable, "base": tasks.base_exception,
                 "square": tasks.square}
    executor = new_executor(client, colony, workers=1, functions=functions)
    executor.register()
    nan, unprintable, base = (submit(client, executor, name, []) for name in ("nan", "unprintable", "base"))
    after = submit(client, executor, "square", [4])  # the one worker is still there for it

    stats = executor.run(max_processes=4, max_seconds=30)

    assert (stats.closed, stats.failed) == (1, 3)
    errors = {pid: client.get_process(pid, executor._prvkey).errors for pid in (nan, unprintable, base)}
    assert "cannot be sent as process output" in errors[nan][0] and "NaN" in errors[nan][0]
    assert errors[unprintable][0] == "Unprintable: <its str() failed>" and "Traceback" in errors[unprintable][1]
    assert errors[base][0] == "Interrupted: unwound"
    assert not any("shutting down" in e[0] for e in errors.values())  # failed when they ended, not at exit
    assert client.get_process(after, executor._prvkey).output == [16]


@pytest.mark.parametrize("fields", [{"kwargs": {"force": True}}, {"args": [{"a": 1}]}], ids=["kwargs", "args"])
def test_process_the_model_rejects_is_failed_at_once_and_the_run_goes_on(client, colony, fields):
    executor = new_executor(client, colony, functions={"double": tasks.double})
    executor.register()
    before = submit(client, executor, "double", [1])
    bad = submit_raw(client, colony.name, executor.executortype, executor._prvkey, "double", **fields)
    after = submit(client, executor, "double", [3])

    stats = executor.run(max_processes=3, max_seconds=30)

    # Assigned (not an assign error), failed with the reason at once: the run ends with its three
    # processes instead of waiting for max_seconds with the bad one RUNNING until the exit.
    assert (stats.assigned, stats.closed, stats.failed, stats.assign_errors) == (3, 2, 1, 0)
    assert stats.elapsed < 10
    failed = get_raw(client, bad, executor._prvkey)
    assert failed["state"] == Colonies.FAILED and failed["assignedexecutorid"] == executor.executorid
    assert failed["errors"][0].startswith(f"process could not be parsed: spec.{next(iter(fields))}.")
    assert [client.get_process(pid, executor._prvkey).output for pid in (before, after)] == [[2, "x"], [6, "x"]]


def test_ctx_logs_and_sees_its_process(client, colony):
    executor = new_executor(client, colony)

    @executor.function
    def logged(x, ctx):
        ctx.log(f"working on {x}")
        return ctx.process.processid

    executor.register()
    pid = submit(client, executor, "logged", ["a"])
    assert executor.run(max_processes=1, max_seconds=30).closed == 1
    assert client.get_process(pid, executor._prvkey).output == [pid]
    logs = client.get_process_log(colony.name, pid, 10, -1, executor._prvkey)
    assert [entry["message"] for entry in logs] == ["working on a"]


def test_function_past_maxexectime_is_abandoned_not_closed_late(client, colony):
    executor = new_executor(client, colony, functions={"slow": tasks.slow})
    executor.register()
    pid = submit(client, executor, "slow", [3], maxexectime=1, maxretries=0)

    stats = executor.run(max_processes=1, max_seconds=30)

    assert (stats.abandoned, stats.closed, stats.failed) == (1, 0, 0)
    assert stats.elapsed < 2.5  # the worker did not wait for the function
    # With no retries left the server fails it; it is never closed by the executor.
    process = eventually(lambda: (p := client.get_process(pid, executor._prvkey)).state == Colonies.FAILED and p)
    assert process and process.errors == ["Maximum execution time limit exceeded"]


class LossyClient:
    """Delegates to a real client, but loses the reply of the first call of ``method`` (after it ran)."""

    def __init__(self, client: Colonies, method: str) -> None:
        self._client, self._method, self.lost = client, method, 0

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._client, name)
        if name != self._method:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            if not self.lost:
                self.lost += 1
                raise TransportError("connection dropped before the reply (simulated)")
            return result

        return call


@pytest.mark.parametrize(("method", "funcname", "state"), [("close", "square", Colonies.SUCCESSFUL),
                                                         ("fail", "boom", Colonies.FAILED)])
def test_close_or_fail_whose_reply_was_lost_is_retried(client, colony, method, funcname, state):
    lossy = LossyClient(client, method)
    executor = new_executor(lossy, colony, functions={"boom": tasks.boom, "square": tasks.square})
    executor.register()
    pid = submit(client, executor, funcname, [3])

    stats = executor.run(max_processes=1, max_seconds=30)

    # A retried close is accepted again; a retried fail is refused ("already failed") and
    # get_process shows that the first one had arrived. Either way it counts once.
    assert lossy.lost == 1 and (stats.closed + stats.failed, stats.unreported, stats.lost) == (1, 0, 0)
    process = client.get_process(pid, executor._prvkey)
    assert process.state == state and (process.output == [9] or state == Colonies.FAILED)


def test_process_whose_assign_reply_was_lost_is_reclaimed_and_run(client, colony):
    lossy = LossyClient(client, "assign_raw")
    executor = new_executor(lossy, colony, functions={"square": tasks.square})
    executor.register()
    orphan = submit(client, executor, "square", [3])

    stats = executor.run(max_processes=1, max_seconds=30)

    assert lossy.lost == 1 and stats.assign_errors == 1
    assert (stats.assigned, stats.closed, stats.failed) == (1, 1, 0)
    process = client.get_process(orphan, executor._prvkey)
    assert process.state == Colonies.SUCCESSFUL and process.output == [9]


def test_an_orphan_is_found_behind_a_hundred_processes_running_elsewhere(client, own_colony):
    busy = new_executor(client, own_colony)  # another executor of the colony, with 101 processes running
    busy.register()
    for i in range(101):
        submit(client, busy, "square", [i])
    for _ in range(101):
        client.assign(own_colony.name, 5, busy._prvkey)
    executor = new_executor(client, own_colony, functions={"square": tasks.square})
    executor.register()
    orphan = submit(client, executor, "square", [3])
    assert client.assign(own_colony.name, 5, executor._prvkey).processid == orphan  # as if its reply was lost

    executor.run(max_seconds=1)

    process = client.get_process(orphan, executor._prvkey)
    assert process.state == Colonies.FAILED and "shutting down" in process.errors[0]


def test_available_resources_limit_what_the_runner_takes(client, colony):
    executor = new_executor(client, colony, functions={"square": tasks.square},
                            available_cpu="1000m", available_memory="1Gi")
    executor.register()
    spec = func_spec("square", [5], colony.name, executor.executortype)
    spec.conditions.cpu = "4000m"  # asks for more than the executor has room for
    big = client.submit_func_spec(spec, executor._prvkey).processid
    small = submit(client, executor, "square", [3])

    stats = executor.run(max_processes=1, max_seconds=30)

    assert (stats.assigned, stats.closed) == (1, 1)
    assert client.get_process(small, executor._prvkey).output == [9]
    assert client.get_process(big, executor._prvkey).state == Colonies.WAITING
    client.remove_process(big, executor._prvkey)


def test_cpu_bound_functions_run_in_a_process_pool(client, colony):
    executor = new_executor(client, colony, workers=2, process_pool=2)
    executor.function(cpu_bound=True)(tasks.square)
    executor.function(cpu_bound=True)(tasks.whoami)
    executor.register()
    ids = [submit(client, executor, "square", [i]) for i in range(6)]
    where = submit(client, executor, "whoami", [])

    stats = executor.run(max_processes=7, max_seconds=60)

    assert stats.closed == 7
    assert [client.get_process(pid, executor._prvkey).output for pid in ids] == [[i * i] for i in range(6)]
    assert client.get_process(where, executor._prvkey).output != [os.getpid()]


def test_a_keyboard_interrupt_from_a_function_fails_its_process_and_the_run_goes_on(client, colony):
    executor = new_executor(client, colony, workers=1, process_pool=1, functions={"plain": tasks.interrupted})
    executor.function("pooled", cpu_bound=True)(tasks.interrupted)
    executor.function(cpu_bound=True)(tasks.square)
    executor.register()
    interrupted = [submit(client, executor, name, []) for name in ("plain", "pooled")]
    after = submit(client, executor, "square", [4])

    stats = executor.run(max_processes=3, max_seconds=60)

    assert (stats.closed, stats.failed) == (1, 2)
    for pid in interrupted:
        assert client.get_process(pid, executor._prvkey).errors[0] == "KeyboardInterrupt: from the function"
    assert client.get_process(after, executor._prvkey).output == [16]


UNGUARDED_SCRIPT = """
import os
from pycolonies_fast.client import Colonies
from pycolonies_fast.executor import Executor
from tests.support import tasks  # PYTHONPATH has the repository

client = Colonies({host!r}, {port})
executor = Executor(client, {colony!r}, {etype!r}, prvkey={key!r}, colony_prvkey={colony_key!r})
executor.function(cpu_bound=True)(tasks.square)
stats = executor.run(max_processes=1, max_seconds=20, handle_signals=False)  # no __main__ guard
print("parent", os.getpid(), stats.assigned, flush=True)
"""


def test_an_unguarded_script_does_not_start_a_second_executor_in_a_pool_process(client, colony, dev_server, tmp_path):
    etype, key = unique("type"), Crypto().prvkey()
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT.format(
        host=dev_server["COLONIES_SERVER_HOST"], port=int(dev_server["COLONIES_SERVER_PORT"]),
        colony=colony.name, etype=etype, key=key, colony_key=colony.prvkey))
    member = add_executor(client, colony)  # of another type: submits and looks
    pid = client.submit_func_spec(func_spec("square", [3], colony.name, etype), member.prvkey).processid

    env = {**os.environ, "PYTHONPATH": str(REPO)}  # tests.support.tasks imports from the script's folder too
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False,
                          env=env)

    assert done.stdout.count("parent") == 1, done.stdout + done.stderr  # the pool process never ran it
    assert "start executors under  if __name__ == '__main__':" in done.stderr
    mine = [e for e in client.list_executors(colony.name, member.prvkey) or [] if e["executortype"] == etype]
    assert len(mine) == 1
    assert client.get_process(pid, member.prvkey).state == Colonies.FAILED  # its pool could not start

def test_a_dead_pool_process_fails_only_its_own_process(client, colony):
    executor = new_executor(client, colony, workers=1, process_pool=1)
    executor.function(cpu_bound=True)(tasks.die)
    executor.function(cpu_bound=True)(tasks.square)
    executor.register()
    killed = submit(client, executor, "die", [])
    later = [submit(client, executor, "square", [i]) for i in range(3)]

    stats = executor.run(max_processes=4, max_seconds=60)

    assert (stats.closed, stats.failed) == (3, 1)
    failed = client.get_process(killed, executor._prvkey)
    assert failed.state == Colonies.FAILED and failed.errors[0].startswith("BrokenProcessPool: ")
    assert [client.get_process(pid, executor._prvkey).output for pid in later] == [[i * i] for i in range(3)]


def test_an_existing_identity_announces_each_function_once_over_restarts(client, colony):
    """The server keeps every add_function as a record of its own: a restarted service must not
    list its functions once per start."""
    member = add_executor(client, colony)
    for _ in range(2):
        executor = Executor(client, colony.name, executorname=member.name, prvkey=member.prvkey,
                            functions={"square": tasks.square, "double": tasks.double})
        executor.register()
    executor.function("square")(tasks.square)  # after register: announced at once, unless known
    executor.function("nothing")(tasks.nothing)
    known = client.get_functions_by_executor(colony.name, member.name, member.prvkey) or []
    assert sorted(f["funcname"] for f in known) == ["double", "nothing", "square"]

"""AsyncExecutor against the dev server: N in, N closed exactly once; failures; shutdown; backoff."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.aio.executor import AsyncExecutor
from pycolonies_fast.errors import TransportError
from pycolonies_fast.executor.core import SHUTDOWN_REASON
from pycolonies_fast.funcspec import func_spec
from tests.support import tasks
from tests.support.processes import get_raw, submit_raw

RUNNING, SUCCESSFUL, FAILED = 1, 2, 3


def submit(client, executor, funcname, args, count=1, maxexectime=-1):
    processes = []
    for _ in range(count):
        spec = func_spec(funcname, args, executor.colony, executor.type, maxexectime=maxexectime)
        processes.append(client.submit_func_spec(spec, executor.prvkey))
    return processes


def runner(c, executor, **options):
    return AsyncExecutor(c, executor.colony, executor.type, executorname=executor.name, prvkey=executor.prvkey,
                         **options)


def test_n_processes_closed_exactly_once(run, aclient, client, executor):
    n = 60
    submitted = [client.submit_func_spec(func_spec("echo", [i], executor.colony, executor.type), executor.prvkey)
                 for i in range(n)]

    async def echo(*args):
        await asyncio.sleep(0.01)
        return args

    async def scenario():
        async with aclient() as c:
            return await runner(c, executor, functions={"echo": echo}, concurrency=8).run(
                max_processes=n, max_seconds=60, handle_signals=False)

    stats = run(scenario())
    assert (stats.assigned, stats.closed, stats.failed, stats.lost, stats.unreported) == (n, n, 0, 0, 0)
    for i, process in enumerate(submitted):
        done = client.get_process(process.processid, executor.prvkey)
        assert (done.state, done.output) == (SUCCESSFUL, [i])
    assert client.list_processes(executor.colony, 100, RUNNING, executor.prvkey) is None


def test_failures_sync_functions_and_ctx_logs(run, aclient, client, executor):
    boom, unknown = submit(client, executor, "boom", [1]), submit(client, executor, "nosuch", [])
    plain, logging_ = submit(client, executor, "plain", [2, 3]), submit(client, executor, "logs", [])

    def raise_value_error(x):
        raise ValueError(f"boom {x}")

    def add(a, b):  # a plain function: runs in a worker thread
        return a + b

    async def log_twice(ctx):
        ctx.log("first")
        ctx.log("second")

    async def scenario():
        async with aclient() as c:
            functions = {"boom": raise_value_error, "plain": add, "logs": log_twice}
            return await runner(c, executor, functions=functions).run(max_processes=4, max_seconds=30,
                                                                      handle_signals=False)

    stats = run(scenario())
    assert (stats.closed, stats.failed) == (2, 2)
    failed = client.get_process(boom[0].processid, executor.prvkey)
    assert failed.state == FAILED and failed.errors[0] == "ValueError: boom 1"
    assert "Traceback" in failed.errors[1] and "raise_value_error" in failed.errors[1]
    assert "unknown function 'nosuch'" in client.get_process(unknown[0].processid, executor.prvkey).errors[0]
    assert client.get_process(plain[0].processid, executor.prvkey).output == [5]
    logs = client.get_process_log(executor.colony, logging_[0].processid, 10, -1, executor.prvkey)
    assert [entry["message"] for entry in logs] == ["first", "second"]


def test_a_process_the_model_rejects_is_failed_at_once_and_the_run_goes_on(run, aclient, client, executor):
    before = submit(client, executor, "echo", [1])[0].processid
    bad = submit_raw(client, executor.colony, executor.type, executor.prvkey, "echo", kwargs={"force": True})
    after = submit(client, executor, "echo", [3])[0].processid

    async def echo(*args):
        return args

    async def scenario():
        async with aclient() as c:
            return await runner(c, executor, functions={"echo": echo}, concurrency=1).run(
                max_processes=3, max_seconds=30, handle_signals=False)

    stats = run(scenario())
    assert (stats.assigned, stats.closed, stats.failed, stats.assign_errors) == (3, 2, 1, 0)
    assert stats.elapsed < 10  # failed at once, not left RUNNING until the run's end
    failed = get_raw(client, bad, executor.prvkey)
    assert failed["state"] == FAILED and failed["assignedexecutorid"] == executor.id
    assert failed["errors"][0].startswith("process could not be parsed: spec.kwargs.force")
    assert [client.get_process(pid, executor.prvkey).output for pid in (before, after)] == [[1], [3]]


class LossyAssign(AsyncExecutor):
    """Loses the reply of its first assign after the server has run it (the connection dropped)."""

    lost = 0

    async def _assign(self):
        reply = await super()._assign()
        if not self.lost:
            self.lost += 1
            raise TransportError("connection dropped before the reply (simulated)")
        return reply


def test_a_process_whose_assign_reply_was_lost_is_reclaimed_and_run(run, aclient, client, executor):
    orphan = submit(client, executor, "echo", [7])[0].processid

    async def echo(*args):
        return args

    async def scenario():
        async with aclient() as c:
            lossy = LossyAssign(c, executor.colony, executor.type, executorname=executor.name,
                                prvkey=executor.prvkey, functions={"echo": echo}, concurrency=2)
            return lossy, await lossy.run(max_processes=1, max_seconds=30, handle_signals=False)

    lossy, stats = run(scenario())
    assert lossy.lost == 1 and stats.assign_errors == 1
    assert (stats.assigned, stats.closed, stats.failed) == (1, 1, 0)
    done = client.get_process(orphan, executor.prvkey)
    assert (done.state, done.output) == (SUCCESSFUL, [7])


def test_available_memory_limits_what_the_async_runner_takes(run, aclient, client, executor):
    spec = func_spec("echo", [1], executor.colony, executor.type)
    spec.conditions.mem = "64Gi"  # more than the runner has room for
    big = client.submit_func_spec(spec, executor.prvkey).processid
    small = submit(client, executor, "echo", [2])[0].processid

    async def echo(*args):
        return args

    async def scenario():
        async with aclient() as c:
            return await runner(c, executor, functions={"echo": echo}, available_memory="8Gi").run(
                max_processes=1, max_seconds=30, handle_signals=False)

    stats = run(scenario())
    assert (stats.assigned, stats.closed) == (1, 1)
    assert client.get_process(small, executor.prvkey).output == [2]
    assert client.get_process(big, executor.prvkey).state == 0  # WAITING
    client.remove_process(big, executor.prvkey)


def test_shutdown_fails_in_flight_processes_with_a_reason(run, aclient, client, executor):
    (slow,) = submit(client, executor, "slow", [])

    async def sleep_long():
        await asyncio.sleep(60)

    async def scenario():
        async with aclient() as c:
            executor_ = runner(c, executor, functions={"slow": sleep_long}, grace_period=0.5)
            running = asyncio.create_task(executor_.run(handle_signals=False))
            while executor_.stats.assigned == 0:
                await asyncio.sleep(0.05)
            executor_.stop()
            return await asyncio.wait_for(running, 30)

    stats = run(scenario())
    assert (stats.assigned, stats.failed, stats.closed) == (1, 1, 0)
    failed = client.get_process(slow.processid, executor.prvkey)
    assert failed.state == FAILED and failed.errors == [SHUTDOWN_REASON]


def test_cancelling_the_run_fails_in_flight_processes_and_stops_the_workers(run, aclient, client, executor):
    """``asyncio.wait_for(run(), t)``: the workers stop and nothing stays RUNNING on the executor."""
    slow = submit(client, executor, "slow", [], count=2)

    async def sleep_long():
        await asyncio.sleep(60)

    async def scenario():
        async with aclient() as c:
            executor_ = runner(c, executor, functions={"slow": sleep_long}, concurrency=3, grace_period=30)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(executor_.run(handle_signals=False), 3)
            (later,) = submit(client, executor, "slow", [])
            await asyncio.sleep(1.5)  # a worker left running would take it
            workers = [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("colonies-worker")]
            return workers, later

    workers, later = run(scenario())
    assert workers == []
    for process in slow:
        failed = client.get_process(process.processid, executor.prvkey)
        assert failed.state == FAILED and failed.errors == [SHUTDOWN_REASON]
    assert client.get_process(later.processid, executor.prvkey).state == 0  # WAITING
    client.remove_process(later.processid, executor.prvkey)


def test_a_stop_during_registration_ends_the_run(run, aclient, client, executor):
    async def scenario():
        async with aclient() as c:
            executor_ = runner(c, executor, functions={"echo": tasks.double})
            register = executor_.register

            async def stopped_while_registering():
                await register()
                executor_.stop()

            executor_.register = stopped_while_registering
            started = time.monotonic()
            await asyncio.wait_for(executor_.run(handle_signals=False), 20)
            return time.monotonic() - started

    assert run(scenario()) < 5


def test_the_runner_runs_again_in_a_later_event_loop(run, aclient, client, executor):
    c = aclient()  # used from two event loops one after the other, as the client allows
    executor_ = runner(c, executor, functions={"double": tasks.double})
    processes = []
    try:
        for _ in range(2):
            processes += submit(client, executor, "double", [2])
            stats = run(executor_.run(max_seconds=2, handle_signals=False))
            assert stats.closed == 1 and stats.elapsed >= 1.5  # it ran its whole time, not ended at once
    finally:
        run(c.close_connections())
    assert [client.get_process(p.processid, executor.prvkey).output for p in processes] == [[4, "x"]] * 2


def test_maxexectime_cancels_an_async_function(run, aclient, client, executor):
    (process,) = submit(client, executor, "slow", [], maxexectime=1)
    cancelled = []

    async def sleep_long():
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def scenario():
        async with aclient() as c:
            return await runner(c, executor, functions={"slow": sleep_long}).run(
                max_processes=1, max_seconds=20, handle_signals=False)

    stats = run(scenario())
    assert (stats.abandoned, stats.closed, stats.failed) == (1, 0, 0) and cancelled == [True]
    assert client.get_process(process.processid, executor.prvkey).state != SUCCESSFUL


def test_cpu_bound_pool_survives_a_dead_process_and_interrupts_fail_only_their_process(run, aclient, client, executor):
    (killed,), (where,) = submit(client, executor, "die", []), submit(client, executor, "whoami", [])
    (interrupted,) = submit(client, executor, "interrupted", [])
    squares = submit(client, executor, "square", [6], count=3)

    async def scenario():
        async with aclient() as c:
            runner_ = runner(c, executor, concurrency=1, process_pool=1, functions={"interrupted": tasks.interrupted})
            for fn in (tasks.die, tasks.whoami, tasks.square):
                runner_.function(cpu_bound=True)(fn)
            return await runner_.run(max_processes=6, max_seconds=60, handle_signals=False)

    stats = run(scenario())  # a KeyboardInterrupt of a function (in its thread) did not stop the loop
    assert (stats.closed, stats.failed) == (4, 2)
    assert client.get_process(killed.processid, executor.prvkey).errors[0].startswith("BrokenProcessPool: ")
    errors = client.get_process(interrupted.processid, executor.prvkey).errors
    assert errors[0] == "KeyboardInterrupt: from the function"
    assert client.get_process(where.processid, executor.prvkey).output != [os.getpid()]
    assert [client.get_process(p.processid, executor.prvkey).output for p in squares] == [[36]] * 3


def test_cpu_bound_async_functions_are_refused(executor):
    async def not_plain():
        return 1

    with pytest.raises(ValueError, match="must be a plain function"):
        AsyncExecutor(object(), executor.colony, executorname=executor.name, prvkey=executor.prvkey).function(
            cpu_bound=True)(not_plain)

def test_connection_errors_back_off_and_the_run_still_ends(run, executor):
    async def scenario():
        async with AsyncColonies("127.0.0.1", 1, retries=0) as c:
            executor_ = runner(c, executor, concurrency=2)
            executor_.registered = True  # nothing to register on a server that is not there
            return await executor_.run(max_seconds=1.0, handle_signals=False)

    stats = run(scenario())
    assert stats.assigned == 0 and 2 <= stats.assign_errors < 100


def test_odd_results_and_errors_fail_their_process_at_once_and_the_run_goes_on(run, aclient, client, executor):
    (nan,), (cancelled,), (sibling,) = (submit(client, executor, name, []) for name in ("nan", "cancel", "slow"))

    async def not_a_number():
        return float("nan")

    async def awaits_a_cancelled_task():  # the function's own CancelledError, not the runner's
        helper = asyncio.ensure_future(asyncio.sleep(10))
        helper.cancel()
        await helper

    async def slow():
        await asyncio.sleep(1.0)
        return "done"

    async def scenario():
        async with aclient() as c:
            functions = {"nan": not_a_number, "cancel": awaits_a_cancelled_task, "slow": slow}
            return await runner(c, executor, functions=functions, concurrency=3).run(
                max_processes=3, max_seconds=30, handle_signals=False)

    stats = run(scenario())
    assert (stats.closed, stats.failed) == (1, 2)
    assert "cannot be sent as process output" in client.get_process(nan.processid, executor.prvkey).errors[0]
    assert client.get_process(cancelled.processid, executor.prvkey).errors[0].startswith("CancelledError")
    assert client.get_process(sibling.processid, executor.prvkey).output == ["done"]


SIGTERM_SCRIPT = """
import asyncio, sys, time
from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.aio.executor import AsyncExecutor

host, port, colony, etype, name, key, kind = sys.argv[1:]

async def sleeps_on_the_loop():
    await asyncio.sleep(60)

def sleeps_in_a_thread():
    time.sleep(60)

slow = sleeps_on_the_loop if kind == "async" else sleeps_in_a_thread

async def main():
    async with AsyncColonies(host, int(port)) as client:
        runner = AsyncExecutor(client, colony, etype, executorname=name, prvkey=key, functions={"slow": slow},
                               grace_period=0.5)
        stats = await runner.run()
        print(stats.assigned, stats.failed, flush=True)

asyncio.run(main())
"""


@pytest.mark.parametrize("kind", ["async", "sync"])
def test_sigterm_stops_gracefully_and_fails_the_process_in_flight(client, executor, dev_server, kind):
    (slow,) = submit(client, executor, "slow", [])
    args = [dev_server["COLONIES_SERVER_HOST"], dev_server["COLONIES_SERVER_PORT"], executor.colony, executor.type,
            executor.name, executor.prvkey, kind]
    child = subprocess.Popen([sys.executable, "-c", SIGTERM_SCRIPT, *args], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while client.get_process(slow.processid, executor.prvkey).state != RUNNING:
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        out, _ = child.communicate(timeout=30)  # a function still running must not hold the program open
    finally:
        child.kill()
    assert child.returncode == 0 and out.split() == ["1", "1"]
    assert time.monotonic() - signalled < 15
    failed = client.get_process(slow.processid, executor.prvkey)
    assert failed.state == FAILED and failed.errors == [SHUTDOWN_REASON]


def test_functions_added_later_are_announced_once(run, aclient, client, own_colony):
    async def first():
        return 1

    async def second():
        return 2

    async def scenario():
        async with aclient() as c:
            executor_ = AsyncExecutor(c, own_colony.name, "later", colony_prvkey=own_colony.prvkey,
                                      functions={"first": first})
            await executor_.register()
            executor_.function(second)
            await executor_.register()
            return executor_

    executor_ = run(scenario())
    functions = client.get_functions_by_executor(own_colony.name, executor_.executorname, executor_._prvkey)
    assert sorted(f["funcname"] for f in functions) == ["first", "second"]

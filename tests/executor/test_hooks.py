"""Runner hooks (executor/hooks.py) against the dev server: one event per thing RunStats counts, with
timings, on both runners; a hook that raises breaks nothing; no hook, no per-process work; liveness."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.executor import Executor, hooks
from pycolonies_fast.executor.core import SHUTDOWN_REASON
from pycolonies_fast.executor.hooks import RunnerEvent
from pycolonies_fast.funcspec import func_spec
from tests.support import tasks
from tests.support.events import EventLog, stats_counts
from tests.support.executors import new_executor, submit
from tests.support.timing import eventually


def fails_itself(ctx):
    """Fails its own process, so the close the runner then sends is refused: the result is "lost"."""
    ctx.client.fail(ctx.process.processid, ["failed by the function itself"], ctx.prvkey)
    return "too late"


def test_every_counted_thing_is_one_event_with_its_timings(client, colony):
    log = EventLog()
    executor = new_executor(client, colony, workers=2, hooks=[log],
                            functions={"double": tasks.double, "boom": tasks.boom, "fails_itself": fails_itself})
    executor.register()
    doubled = [submit(client, executor, "double", [i]) for i in range(4)]
    boom = submit(client, executor, "boom", [3])
    unknown = submit(client, executor, "no_such_function", [])
    lost = submit(client, executor, "fails_itself", [])

    stats = executor.run(max_processes=7, max_seconds=30)

    assert (stats.assigned, stats.closed, stats.failed, stats.lost) == (7, 4, 2, 1)
    assert log.counts() == stats_counts(stats)
    ended = {event.processid: event for event in log.events if event.kind != "assigned"}
    assert {event.processid for event in log.of("assigned")} == set(ended) == {*doubled, boom, unknown, lost}
    for pid in doubled:
        closed = ended[pid]
        assert (closed.kind, closed.funcname, closed.error) == ("closed", "double", None)
        assert closed.wait_for_assign_s is not None and 0 <= closed.wait_for_assign_s < 5
        assert closed.run_s is not None and 0 <= closed.run_s < 5
        assert closed.report_s is not None and 0 < closed.report_s < 5
    assert (ended[boom].kind, ended[boom].funcname, ended[boom].error) == ("failed", "boom", "ValueError: boom 3")
    assert ended[unknown].kind == "failed" and ended[unknown].funcname == "no_such_function"
    assert ended[unknown].error is not None and ended[unknown].error.startswith("unknown function 'no_such_function'")
    assert (ended[lost].kind, ended[lost].funcname) == ("lost", "fails_itself")
    assert {(e.executortype, e.executorname) for e in log.events} == {(executor.executortype, executor.executorname)}
    assert not executor._traces  # every trace ended with its process


def test_the_async_runner_makes_the_same_events(run, aclient, client, executor):
    from pycolonies_fast.aio.executor import AsyncExecutor

    submitted = [client.submit_func_spec(func_spec(name, args, executor.colony, executor.type), executor.prvkey)
                 .processid for name, args in (("echo", [1]), ("echo", [2]), ("boom", []))]
    log = EventLog()

    async def echo(x):
        return x

    def boom():
        raise ValueError("no")

    async def scenario():
        async with aclient() as c:
            runner = AsyncExecutor(c, executor.colony, executor.type, executorname=executor.name,
                                   prvkey=executor.prvkey, functions={"echo": echo, "boom": boom}, concurrency=2)
            runner.add_hook(log)
            return await runner.run(max_processes=3, max_seconds=30, handle_signals=False)

    stats = run(scenario())
    assert (stats.closed, stats.failed) == (2, 1) and log.counts() == stats_counts(stats)
    assert sorted(e.processid for e in log.of("closed") + log.of("failed")) == sorted(submitted)
    assert {e.funcname for e in log.of("closed")} == {"echo"} and log.of("failed")[0].error == "ValueError: no"
    assert all(e.report_s is not None and e.report_s > 0 for e in log.of("closed"))


def test_a_hook_that_raises_is_logged_and_the_run_goes_on(client, colony, caplog):
    def broken(event: RunnerEvent) -> None:
        raise RuntimeError("hook bug")

    log = EventLog()
    executor = new_executor(client, colony, workers=2, hooks=[broken, log], functions={"square": tasks.square})
    executor.register()
    ids = [submit(client, executor, "square", [i]) for i in range(3)]

    with caplog.at_level(logging.WARNING, logger="pycolonies_fast.executor"):
        stats = executor.run(max_processes=3, max_seconds=30)

    assert stats.closed == 3 and log.counts() == stats_counts(stats)  # the hook after the broken one saw all
    assert [client.get_process(pid, executor._prvkey).output for pid in ids] == [[0], [1], [4]]
    warnings = [r for r in caplog.records if "raised on a" in r.getMessage()]
    assert len(warnings) == 6 and all(r.levelno == logging.WARNING and r.exc_info for r in warnings)


def test_without_hooks_the_runner_traces_nothing(client, colony, monkeypatch):
    def traced(*args):
        raise AssertionError("a process was traced with no hook registered")

    monkeypatch.setattr(hooks, "ProcessTrace", traced)
    monkeypatch.setattr(hooks, "RunnerEvent", traced)
    executor = new_executor(client, colony, workers=2, functions={"square": tasks.square})
    executor.register()
    for i in range(3):
        submit(client, executor, "square", [i])
    submit(client, executor, "no_such_function", [])

    stats = executor.run(max_processes=4, max_seconds=30)

    assert (stats.closed, stats.failed) == (3, 1)


def test_a_process_failed_by_the_shutdown_is_one_failed_event(client, colony):
    log = EventLog()
    executor = new_executor(client, colony, hooks=[log], grace_period=0.5, functions={"slow": tasks.slow})
    executor.register()
    pid = submit(client, executor, "slow", [3])

    stats = executor.run(max_seconds=1)

    assert (stats.assigned, stats.failed) == (1, 1) and log.counts() == stats_counts(stats)
    (failed,) = log.of("failed")
    assert (failed.processid, failed.funcname, failed.error, failed.orphan) == (pid, "slow", SHUTDOWN_REASON, False)
    assert failed.run_s is not None and failed.run_s >= 1.0 and failed.report_s is not None
    assert client.get_process(pid, executor._prvkey).state == Colonies.FAILED


def test_hooks_must_be_callable(client, colony):
    with pytest.raises(TypeError, match="a hook must be callable with a RunnerEvent, not str"):
        new_executor(client, colony, hooks=["print"])
    executor = new_executor(client, colony)
    with pytest.raises(TypeError, match="not int"):
        executor.add_hook(5)  # type: ignore[arg-type]


class HangingAssigns:
    """The real client, except that assign_raw hangs (until released, at most 20 s) once ``hang`` is set."""

    def __init__(self, client: Colonies) -> None:
        self._client = client
        self.hang = threading.Event()
        self.release = threading.Event()

    def __getattr__(self, name: str):
        return getattr(self._client, name)

    def assign_raw(self, *args, **kwargs):
        if self.hang.is_set():
            self.release.wait(20)
        return self._client.assign_raw(*args, **kwargs)


def test_liveness_follows_the_run_and_its_assigns(client, colony):
    hanging = HangingAssigns(client)
    executor = Executor(hanging, colony.name, "liveness", colony_prvkey=colony.prvkey, poll_timeout=1,
                        hooks=[lambda event: None])
    assert executor.liveness(60) == (False, "the executor is not running")
    result: list[object] = []
    runner = threading.Thread(target=lambda: result.append(executor.run(max_seconds=30, handle_signals=False)))
    runner.start()
    try:
        assert eventually(lambda: executor.running, timeout=15)
        assert eventually(lambda: executor.liveness(0.5)[0] and executor.last_assign_at > 0, timeout=5)
        hanging.hang.set()  # the next assign never comes back: no progress
        time.sleep(2.0)  # the assign in flight (a 1 s long poll) ends, the next one hangs
        alive, reason = executor.liveness(0.5)
        assert not alive and reason.startswith("no assign has ended for"), reason
        assert executor.liveness(60)[0]
    finally:
        hanging.release.set()
        executor.stop()
        runner.join(30)
    assert result and not executor.running and not executor.liveness(60)[0]
    client.remove_executor(colony.name, executor.executorname, colony.prvkey)

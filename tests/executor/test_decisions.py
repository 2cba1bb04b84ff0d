"""Offline tests of the runners' decisions when the server refuses (a PostgreSQL restart; docs/errors.md §2).

The steps of ``ReporterCore`` and ``RunnerCore`` are driven with scripted I/O: no server. While
its database restarts the server refuses everything with the driver's error under 400/403/500, so:
(a) only a 404 from ``get_process`` means "removed"; (b) a refused close of a process still ours
and RUNNING is retried before it becomes a fail; (c) after a refused assign (or one whose reply
was lost) the runner reclaims and runs the processes RUNNING on its executor, never one a worker
holds or has run.
"""

from __future__ import annotations

from typing import Any

import pytest

from pycolonies_fast.core.steps import drive
from pycolonies_fast.errors import ConnectError, ReplyError, RequestTimeoutError, ServerError, TransportError
from pycolonies_fast.executor import Executor
from pycolonies_fast.executor.dispatch import Outcome
from pycolonies_fast.executor.report import MIN_REFUSALS, Backoff, Refusals, ReporterCore
from pycolonies_fast.models import Process
from tests.support.processes import process_reply

SECRET = "ab" * 32
PID = "a" * 64
DB_DOWN = "pq: the database system is shutting down"


class ScriptedReporter(ReporterCore):
    """A reporter whose client calls take their results (or errors) from per-method scripts."""

    def __init__(self, scripts: dict[str, list[Any]], refusal_patience: float = 0.0) -> None:
        super().__init__(None, "c" * 64, SECRET, timeout=60.0, refusal_patience=refusal_patience)
        self.scripts = scripts
        self.calls: list[str] = []
        self.sleeps: list[float] = []

    def _call(self, method: str, *args: Any) -> Any:
        self.calls.append(method)
        result = self.scripts[method].pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def running(**overrides: Any) -> Process:
    return Process(**process_reply(**{"state": 1, **overrides}))


def report(reporter: ScriptedReporter, outcome: Outcome) -> str:
    return drive(reporter.report_steps(PID, outcome), reporter)


def test_a_failing_lookup_after_a_refused_close_is_retried_not_taken_for_gone():
    reporter = ScriptedReporter({
        "close": [ServerError(DB_DOWN, 403), None],
        "get_process": [ServerError(DB_DOWN, 400)],
    })
    assert report(reporter, Outcome(True, output=[1])) == "closed"
    assert reporter.calls == ["close", "get_process", "close"] and len(reporter.sleeps) == 1


def test_only_a_404_lookup_means_the_process_is_gone():
    reporter = ScriptedReporter({
        "close": [ServerError("Failed to close process", 400)],
        "get_process": [ServerError("Failed to get process, process not found", 404)],
    })
    assert report(reporter, Outcome(True, output=[1])) == "lost"


def test_a_refused_close_of_a_running_process_is_retried_before_it_becomes_a_fail():
    reporter = ScriptedReporter({
        "close": [ServerError(DB_DOWN, 500), None],
        "get_process": [running()],
    }, refusal_patience=60.0)
    assert report(reporter, Outcome(True, output=[1])) == "closed"
    assert reporter.calls == ["close", "get_process", "close"]


def test_a_persisting_refusal_of_a_close_becomes_a_fail():
    reporter = ScriptedReporter({
        "close": [ServerError("nope", 400)] * MIN_REFUSALS,
        "get_process": [running()] * MIN_REFUSALS,
        "fail": [None],
    })
    assert report(reporter, Outcome(True, output=[1])) == "failed"
    assert reporter.calls == ["close", "get_process"] * MIN_REFUSALS + ["fail"]


def test_a_persisting_refusal_of_a_fail_is_unreported():
    reporter = ScriptedReporter({
        "fail": [ServerError("nope", 400)] * MIN_REFUSALS,
        "get_process": [running()] * MIN_REFUSALS,
    })
    assert report(reporter, Outcome.failure("boom")) == "unreported"
    assert reporter.calls.count("fail") == MIN_REFUSALS


def test_a_refused_close_that_had_arrived_is_closed():
    reporter = ScriptedReporter({"close": [ServerError("already closed", 400)],
                                 "get_process": [running(state=2)]})
    assert report(reporter, Outcome(True, output=[1])) == "closed"


def test_refusals_are_final_after_enough_of_them_and_enough_time():
    refusals = Refusals(patience=5.0)
    assert [refusals.final(t) for t in (0.0, 1.0, 2.0, 4.9, 5.0)] == [False, False, False, False, True]
    refusals.reset()
    assert [refusals.final(t) for t in (10.0, 20.0, 30.0)] == [False, False, True]


class ScriptedRunner:
    """The runner I/O of ``RunnerCore`` steps, scripted: assigns, RUNNING lists and reports."""

    def __init__(self, executor: Executor, assigns: list[Any], lists: list[Any]) -> None:
        self.executor = executor
        self.assigns = assigns
        self.lists = lists
        self.executed: list[str] = []
        self.reported: list[tuple[str, Outcome]] = []

    @staticmethod
    def _next(script: list[Any]) -> Any:
        result = script.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def _assign(self) -> Any:
        if not self.assigns:
            self.executor.stop()
            raise ServerError("No process available", 404)
        return self._next(self.assigns)

    def _list_running(self) -> Any:
        return self._next(self.lists)

    def _pause(self, delay: float) -> None:
        pass

    def _execute(self, function: Any, process: Process, deadline: float | None) -> Outcome:
        self.executed.append(process.processid)
        return Outcome(True, output=function.fn(*process.spec.args))

    def _report(self, processid: str, outcome: Outcome) -> str:
        self.reported.append((processid, outcome))
        return "closed" if outcome.ok else "failed"


def new_executor() -> Executor:
    executor = Executor(object(), "dev", executorname="e", prvkey=SECRET, functions={"echo": lambda *a: list(a)})
    executor.registered = True
    return executor


def ours(executor: Executor, pid: str, **overrides: Any) -> dict[str, Any]:
    return process_reply(processid=pid, assignedexecutorid=executor.executorid, **overrides)


def work(executor: Executor, assigns: list[Any], lists: list[Any], max_processes: int | None = None) -> ScriptedRunner:
    io = ScriptedRunner(executor, assigns, lists)
    executor._start_run(max_processes)
    drive(executor._worker_steps(), io)
    return io


def test_a_refused_assign_reclaims_and_runs_what_it_assigned():
    executor = new_executor()
    mine, other = "1" * 64, "2" * 64
    io = work(executor, [ServerError(DB_DOWN, 403)],
              [[ours(executor, mine), process_reply(processid=other, assignedexecutorid="f" * 64)]])
    assert io.executed == [mine] and [pid for pid, _ in io.reported] == [mine]
    assert (executor.stats.assigned, executor.stats.closed) == (1, 1)


@pytest.mark.parametrize("lost", [TransportError("connection dropped during receive"),
                                  RequestTimeoutError("no reply within the read timeout"),
                                  ReplyError("malformed reply")])
def test_an_assign_whose_reply_was_lost_reclaims_what_it_assigned(lost):
    executor = new_executor()
    mine = "1" * 64
    io = work(executor, [lost], [[ours(executor, mine)]])
    assert io.executed == [mine] and [pid for pid, _ in io.reported] == [mine]
    assert (executor.stats.assign_errors, executor.stats.closed) == (1, 1)


def test_an_assign_that_never_connected_reclaims_nothing():
    executor = new_executor()
    io = work(executor, [ConnectError("connection refused")], [[ours(executor, "1" * 64)]])
    assert io.executed == [] and len(io.lists) == 1  # the RUNNING list was never asked for


def test_the_reclaim_is_retried_until_the_list_works_and_no_404_triggers_one():
    executor = new_executor()
    mine = "1" * 64
    io = work(executor, [ServerError("No process available", 404), ServerError(DB_DOWN, 500)],
              [TransportError("down"), ServerError(DB_DOWN, 400), [ours(executor, mine)]])
    assert io.executed == [mine] and io.lists == []


def test_a_reclaimed_process_with_an_unknown_function_is_failed():
    executor = new_executor()
    mine = "1" * 64
    process = ours(executor, mine)
    process["spec"]["funcname"] = "nope"
    io = work(executor, [ServerError(DB_DOWN, 403)], [[process]])
    assert io.executed == [] and len(io.reported) == 1
    pid, outcome = io.reported[0]
    assert pid == mine and not outcome.ok and "unknown function 'nope'" in outcome.errors[0]


def test_a_reclaim_skips_processes_in_flight_abandoned_or_finished():
    executor = new_executor()
    held, abandoned, done = "1" * 64, "2" * 64, "3" * 64
    executor._start_run(None)
    executor._inflight[held] = "running"
    executor._abandoned.add(abandoned)
    executor._finished(done)
    io = ScriptedRunner(executor, [ServerError(DB_DOWN, 403)],
                        [[ours(executor, pid) for pid in (held, abandoned, done)]])
    drive(executor._worker_steps(), io)
    assert io.executed == [] and executor.stats.assigned == 0


def test_an_assign_reply_for_a_process_a_reclaim_ran_is_not_run_again():
    executor = new_executor()
    mine = "1" * 64
    # the refused assign assigned it; the reclaim runs it; then a late reply names it again
    io = work(executor, [ServerError(DB_DOWN, 403), ours(executor, mine)], [[ours(executor, mine)]], max_processes=2)
    assert io.executed == [mine] and executor.stats.assigned == 1
    assert executor._slots == 1  # the skipped assign gave its slot back


@pytest.mark.parametrize("slots", [0, 1])
def test_a_reclaim_respects_the_runs_budget(slots):
    executor = new_executor()
    executor._start_run(1)
    executor._slots = slots  # what is left of max_processes
    executor._reclaim_wanted = 1
    io = ScriptedRunner(executor, [], [[ours(executor, "1" * 64)]])
    drive(executor._reclaim_steps(Backoff()), io)
    assert len(io.executed) == slots

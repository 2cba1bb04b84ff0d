"""Event hooks of the runners, and their liveness: written once, mixed into ``RunnerCore``.

    def on_event(event: RunnerEvent) -> None:
        if event.kind == "failed":
            print(event.processid, event.funcname, event.error)

    executor = Executor(client, colonyname, "mytype", colony_prvkey=key, hooks=[on_event])
    executor.add_hook(another)  # or later, before or during a run

A hook is called with one ``RunnerEvent`` for each thing a run does to a process; the process
kinds are ``RunStats``' fields of the same name, so over a run each kind's events number exactly
what ``RunStats`` counts. A hook runs on the worker that made the event (a worker thread of
``Executor``, the event loop of ``AsyncExecutor``): it must be quick, and one that raises is logged
at WARNING and the run goes on. With no hook registered the runner keeps no timings and makes no
events (its assign/close loop is the product's headline).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any, NamedTuple

from pycolonies_fast.models import Process

__all__ = ["EVENT_KINDS", "PROCESS_END_KINDS", "Hook", "HookedRunner", "ProcessTrace", "RunnerEvent"]

log = logging.getLogger("pycolonies_fast.executor")

#: How a process leaves the runner, as ``RunStats`` counts it: closed; failed; "lost" (the server
#: refused its close/fail because it is no longer ours: released at its maxexectime, cancelled or
#: removed; its result is dropped); "unreported" (its close/fail never landed: the runner gave up
#: retrying); "abandoned" (still running at its maxexectime: the server releases it).
PROCESS_END_KINDS = ("closed", "failed", "lost", "unreported", "abandoned")
#: Every kind of event: a process assigned, its end, and an assign that failed (``RunStats.assign_errors``).
EVENT_KINDS = ("assigned", *PROCESS_END_KINDS, "assign_error")


class RunnerEvent(NamedTuple):
    """One thing a run did (immutable). Durations are seconds (``None`` where they do not apply or are unknown).

    ``wait_for_assign_s``: how long the assign that brought the process waited (its long poll
    included; ``None`` for one reclaimed after a failed assign); ``run_s``: from its assignment to
    the end of its function (about 0 for one failed without running, e.g. an unknown function);
    ``report_s``: how long its close/fail took, retries included; ``error``: the first error of a
    failed process (``None`` when the runner turned a refused close into a fail), or what a failed
    assign raised. ``orphan``: a process found RUNNING on this executor at the end of a run that no
    worker held (its assign reply was lost), failed without an "assigned" event.
    """

    kind: str
    executortype: str | None
    executorname: str
    processid: str | None = None
    funcname: str | None = None
    wait_for_assign_s: float | None = None
    run_s: float | None = None
    report_s: float | None = None
    error: str | None = None
    orphan: bool = False


#: A hook: called with each event; what it returns is ignored.
Hook = Callable[[RunnerEvent], object]


class ProcessTrace:
    """When one process was asked for, assigned and done running (kept only while hooks are registered)."""

    __slots__ = ("asked", "assigned", "funcname", "processid", "ran")

    def __init__(self, processid: str, funcname: str | None, asked: float | None) -> None:
        self.processid = processid
        self.funcname = funcname
        self.asked = asked
        self.assigned = time.monotonic()
        self.ran: float | None = None

    def function_ended(self) -> None:
        """Its function returned, raised or was given up on: the end of ``run_s``."""
        self.ran = time.monotonic()


class HookedRunner:
    """The hooks of a runner and the progress its liveness is judged by; ``RunnerCore`` mixes it in.

    ``running`` is true from the start of a run until it has failed what it leaves; while hooks are
    registered ``last_assign_at`` (``time.monotonic()``) is when the last assign attempt ended,
    whatever its answer (a process, "nothing to do", an error).
    """

    executortype: str | None
    executorname: str
    _lock: AbstractContextManager[Any]
    _inflight: dict[str, str]

    def _init_hooks(self, hooks: Iterable[Hook] | None) -> None:
        self._hooks: list[Hook] = []
        self._traces: dict[str, ProcessTrace] = {}  # processid -> its trace, while in flight (hooks only)
        self.running = False
        self.last_assign_at = 0.0
        for hook in hooks or ():
            self.add_hook(hook)

    def add_hook(self, hook: Hook) -> None:
        """Call ``hook(event)`` for every ``RunnerEvent`` from now on (also during a run)."""
        if not callable(hook):
            raise TypeError(f"a hook must be callable with a RunnerEvent, not {type(hook).__name__}")
        self._hooks = [*self._hooks, hook]  # a new list: a worker iterating the old one is undisturbed

    def liveness(self, stale_after: float) -> tuple[bool, str]:
        """Whether the run is alive, and why: it is running, and a process is in flight or an assign
        attempt ended within ``stale_after`` seconds (tracked while hooks are registered)."""
        if not self.running:
            return False, "the executor is not running"
        in_flight = len(self._inflight)
        if in_flight:
            return True, f"{in_flight} process(es) in flight"
        if not self._hooks:
            return True, "running (no hook registered: assigns are not tracked)"
        idle = time.monotonic() - self.last_assign_at
        if idle <= stale_after:
            return True, f"the last assign ended {idle:.1f} s ago"
        return False, f"no assign has ended for {idle:.0f} s (limit {stale_after:g} s) and no process is in flight"

    def _begin_run_tracking(self) -> None:
        """A run starts: it counts as progress, and no trace of an earlier run is left."""
        self._traces = {}
        self.last_assign_at = time.monotonic()
        self.running = True

    def _assign_ended(self) -> None:
        self.last_assign_at = time.monotonic()

    def _trace(self, processid: str, work: Process | Any, asked: float | None) -> ProcessTrace:
        """Start the trace of a process just taken (``work``: the ``Process``, or the failure its
        assignment was), and tell the hooks it was assigned."""
        funcname = work.spec.funcname if isinstance(work, Process) else None
        trace = ProcessTrace(processid, funcname, asked)
        with self._lock:
            self._traces[processid] = trace
        wait = None if asked is None else trace.assigned - asked
        self._emit("assigned", processid=processid, funcname=funcname, wait_for_assign_s=wait)
        return trace

    def _trace_ended(
        self, processid: str, kind: str, error: str | None = None, report_started: float | None = None
    ) -> None:
        """Tell the hooks how a traced process ended (``kind``: one of ``PROCESS_END_KINDS``)."""
        if not self._hooks:
            return
        with self._lock:
            trace = self._traces.pop(processid, None)
        if trace is None:  # registered after this process was assigned: no timings of its own
            self._emit(kind, processid=processid, error=error)
            return
        ended = time.monotonic()
        self._emit(
            kind, processid=processid, funcname=trace.funcname,
            wait_for_assign_s=None if trace.asked is None else trace.assigned - trace.asked,
            run_s=(trace.ran if trace.ran is not None else ended) - trace.assigned,
            report_s=None if report_started is None else ended - report_started, error=error,
        )

    def _forget_trace(self, processid: str) -> None:
        with self._lock:
            self._traces.pop(processid, None)

    def _emit(self, kind: str, **fields: Any) -> None:
        """Give every hook the event; a hook that raises is logged at WARNING and the run goes on."""
        if not self._hooks:
            return
        event = RunnerEvent(kind, self.executortype, self.executorname, **fields)
        for hook in self._hooks:
            try:
                hook(event)
            except Exception:  # noqa: BLE001 - a user's hook must not break the run
                log.warning("hook %r raised on a %s event (process %s); the run goes on",
                            hook, kind, event.processid, exc_info=True)

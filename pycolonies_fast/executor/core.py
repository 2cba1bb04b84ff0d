"""What the threaded runner (executor/threaded.py) and the async runner (aio/executor.py) share, written once.

``RunnerCore`` holds the identity, the functions, the statistics and the in-flight bookkeeping, and
makes every decision of a run as steps (core/steps.py): registration, the assign loop (what an
assign error means, when to back off), handling one process (unknown function, abandoned past its
maxexectime, already failed by the shutdown); the shutdown's steps and signals are
``ShutdownSteps`` (executor/shutdown.py), the hooks and liveness ``HookedRunner`` (executor/hooks.py). A
runner supplies the I/O the steps ask for, blocking (``drive``) or awaited (``adrive``):

* ``_assign()``: the next process, the raw reply (``client.assign_raw``);
* ``_pause(seconds)``: wait before retrying, ending early when the run stops;
* ``_execute(function, process, deadline)``: run the function, its ``Outcome``;
* ``_report(processid, outcome)``: close or fail it (the reporter's verdict);
* ``_list_running()``: the colony's RUNNING processes (dicts, at most 100: the server's limit);
* ``_fail_orphans(skip)``: fail what is still RUNNING on this executor (the ids).

An assign the server refuses with anything but "no process available" (404) may have assigned a
process all the same: while its database restarts the server can write the assignment and then
answer with the driver's error. So may an assign whose reply was lost or unreadable (the
connection dropped or timed out after the request was sent, or the reply was not a process):
only a ``ConnectError`` proves the server never saw it. After any of these a worker reclaims,
before its next assign, the processes RUNNING on this executor that no worker holds
(``orphans``) and runs them.

Registration's steps are client calls (``Do("add_executor", ...)``), done on the client itself.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.core.steps import Do, Steps
from pycolonies_fast.errors import ConnectError, ServerError
from pycolonies_fast.executor.dispatch import (
    Function,
    Outcome,
    deadline_of,
    failure_from,
    read_assignment,
    unknown_function,
)
from pycolonies_fast.executor.hooks import Hook
from pycolonies_fast.executor.options import RunStats, check_resources
from pycolonies_fast.executor.pool import CpuPool, refuse_in_a_starting_child
from pycolonies_fast.executor.report import Backoff, ReporterCore, orphans
from pycolonies_fast.executor.shutdown import SHUTDOWN_REASON, ShutdownSteps
from pycolonies_fast.models import Process

__all__ = ["SHUTDOWN_REASON", "RunnerCore"]

log = logging.getLogger("pycolonies_fast.executor")

#: The ids of this many recently finished processes are kept, so a reclaim never runs one again.
RECENTLY_FINISHED = 10_000


class RunnerCore(ShutdownSteps):
    """The state and the decisions of a runner; ``Executor`` and ``AsyncExecutor`` add the I/O.

    Subclasses set ``_lock`` (a ``threading.Lock``, or a no-op context on one event loop), name
    their ``reporter_class``, and give each run fresh ``_stopping`` and ``_hurry`` events
    (``_stop_requested`` carries a ``stop()`` that came before the run made them).
    """

    #: Whether the runner awaits ``async def`` functions (AsyncExecutor) or calls plain ones only.
    runs_coroutines: ClassVar[bool] = False
    #: The name of the runner's parallelism option (``workers``, ``concurrency``), for messages.
    parallel_option: ClassVar[str]
    #: How the runner reports results: blocking (``Reporter``) or awaited (``AsyncReporter``).
    reporter_class: ClassVar[type[ReporterCore]]
    _lock: AbstractContextManager[Any]
    _stopping: Any  # threading.Event or asyncio.Event: is_set(), set()
    _hurry: Any
    _reporter: ReporterCore

    def __init__(
        self,
        client: Any,
        colonyname: str,
        executortype: str | None = None,
        *,
        parallel: int,
        executorname: str | None = None,
        prvkey: str | None = None,
        colony_prvkey: str | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        poll_timeout: int = 2,
        grace_period: float = 10.0,
        report_timeout: float = 60.0,
        process_pool: int = 0,
        announce_functions: bool = True,
        available_cpu: str | None = None,
        available_memory: str | None = None,
        hooks: Iterable[Hook] | None = None,
    ) -> None:
        """The options both runners take (``RunnerOptions``); ``parallel`` is ``workers`` or ``concurrency``."""
        if colony_prvkey is None and (executorname is None or prvkey is None):
            raise ValueError(
                "pass colony_prvkey to register a new executor, or executorname and prvkey of an existing one")
        if colony_prvkey is not None and executortype is None:
            raise ValueError("registering a new executor needs its executortype")
        if not isinstance(poll_timeout, int) or isinstance(poll_timeout, bool):  # the server takes whole seconds
            raise TypeError(f"poll_timeout must be a whole number of seconds, not {poll_timeout!r}")
        if parallel < 1 or poll_timeout < 1:
            raise ValueError(f"{self.parallel_option} and poll_timeout must be at least 1")
        check_resources(available_cpu, available_memory)
        self.client = client
        self.colonyname = colonyname
        self.executortype = executortype
        self.executorname = executorname or f"{executortype}-{uuid.uuid4().hex[:10]}"
        self._prvkey = prvkey or Crypto().prvkey()
        self._colony_prvkey = colony_prvkey
        self.executorid = Crypto().id(self._prvkey)
        self.poll_timeout = poll_timeout
        self.grace_period = grace_period
        self.announce_functions = announce_functions
        self.process_pool = process_pool
        #: What every assign tells the server this executor has room for (none: no limit).
        self.assign_limits = {"available_cpu": available_cpu, "available_memory": available_memory}
        self.functions: dict[str, Function] = {name: self._describe(name, fn) for name, fn in (functions or {}).items()}
        self.registered = False
        #: add_executor went through for this object (the executor is in the colony because of us).
        self.added = False
        self._announced: set[str] = set()
        self.stats = RunStats()
        self._inflight: dict[str, str] = {}  # processid -> "running", "reporting" or "failed-at-shutdown"
        self._abandoned: set[str] = set()
        self._finished_ids: dict[str, None] = {}  # the last RECENTLY_FINISHED processes handled, oldest first
        self._reclaim_wanted = 0  # failed assigns so far (each may have assigned a process) ...
        self._reclaim_done = 0  # ... and how many of them a successful reclaim has covered
        self._slots: float = math.inf
        self._stop_requested = False  # stop() was called: the run (or the next one) ends
        self._assigning = 0  # assigns waiting for their reply
        self._past_grace = False  # the shutdown is past the grace period: late assigns are failed at once
        self._reporter = self.reporter_class(client, self.executorid, self._prvkey, report_timeout)
        self._init_hooks(hooks)

    def stop(self) -> None:
        raise NotImplementedError

    def _describe(self, name: str, fn: Callable[..., Any], cpu_bound: bool = False) -> Function:
        """``fn`` as a function of this runner (``async def`` only where the runner awaits them)."""
        return Function.of(name, fn, cpu_bound, async_runner=self.runs_coroutines)

    def _new_cpu_pool(self) -> CpuPool | None:
        """The process pool of a run, if any function is ``cpu_bound`` (``process_pool`` processes)."""
        return CpuPool(self.process_pool) if any(f.cpu_bound for f in self.functions.values()) else None

    def _register_steps(self) -> Steps[None]:
        """Add and approve the executor (once, if given the colony key), then announce new functions."""
        refuse_in_a_starting_child()
        if self._colony_prvkey is not None:
            executor = {
                "executorname": self.executorname, "executorid": self.executorid,
                "colonyname": self.colonyname, "executortype": self.executortype,
            }
            yield Do("add_executor", executor, self._colony_prvkey)
            self.added = True
            yield Do("approve_executor", self.colonyname, self.executorname, self._colony_prvkey)
            log.info("registered executor %s (type %s) in colony %s",
                     self.executorname, self.executortype, self.colonyname)
            self._colony_prvkey = None  # registered: later registrations only announce functions
        elif self.announce_functions and not self.added and not self._announced:
            # An existing identity: the server keeps every add_function as a record of its own, so
            # what an earlier start announced is not announced again.
            known = yield Do("get_functions_by_executor", self.colonyname, self.executorname, self._prvkey)
            self._announced.update(str(f.get("funcname")) for f in known or () if isinstance(f, dict))
        for name in list(self.functions) if self.announce_functions else ():
            if name not in self._announced:
                yield Do("add_function", self.colonyname, self.executorname, name, self._prvkey)
                self._announced.add(name)
        self.registered = True

    def _start_run(self, max_processes: int | None) -> None:
        """Fresh statistics and events, and the run's process budget."""
        refuse_in_a_starting_child()
        self.stats = RunStats()
        self._past_grace = False
        self._reporter.hard_deadline = math.inf
        self._slots = math.inf if max_processes is None else max_processes
        self._reclaim_wanted = self._reclaim_done = 0
        self._begin_run_tracking()

    def _worker_steps(self) -> Steps[None]:
        """One worker: assign, run, report, until stopping or out of slots."""
        backoff = Backoff()
        while not self._stopping.is_set():
            if self._reclaim_wanted > self._reclaim_done:
                if not (yield from self._reclaim_steps(backoff)):
                    continue
                if self._stopping.is_set():
                    break
            if not self._take_slot():
                break
            asked = time.monotonic() if self._hooks else None  # timings only for hooks (module hooks.py)
            try:
                processid, work = read_assignment((yield from self._assign_steps()))
                if self._past_grace:  # the run is over: nobody would wait for it
                    log.warning("process %s: assigned after the grace period; failing it", processid)
                    work = Outcome.failure(SHUTDOWN_REASON)
            except ServerError as exc:
                self._give_back_slot()
                if exc.status == 404:  # nothing to do within the long poll: ask again
                    backoff.reset()
                    continue
                with self._lock:
                    self._reclaim_wanted += 1  # it may have assigned a process all the same
                yield from self._back_off(backoff, f"the server refused to assign (status {exc.status}: {exc})")
                continue
            except Exception as exc:  # noqa: BLE001 - connection errors, replies that are not a process
                self._give_back_slot()
                self._count("assign_errors")
                self._emit("assign_error", error=f"{type(exc).__name__}: {exc}")
                if not isinstance(exc, ConnectError):  # the server may have assigned one: look for it
                    with self._lock:
                        self._reclaim_wanted += 1
                yield from self._back_off(backoff, f"assign failed: {type(exc).__name__}: {exc}")
                continue
            backoff.reset()
            try:
                yield from self._handle_steps(processid, work, asked=asked)
            except Exception:
                log.exception("process %s: unexpected error; it is failed at exit if still running", processid)

    def _assign_steps(self) -> Steps[Any]:
        """One assign, counted while it waits (the shutdown waits for its reply)."""
        with self._lock:
            self._assigning += 1
        try:
            return (yield Do("_assign"))
        finally:
            with self._lock:
                self._assigning -= 1
            if self._hooks:
                self._assign_ended()

    def _reclaim_steps(self, backoff: Backoff) -> Steps[bool]:
        """Run the processes RUNNING on this executor that no worker holds (assigned by an assign
        whose answer was a refusal or never arrived); False if they could not be listed (after backing off)."""
        with self._lock:
            wanted = self._reclaim_wanted
        try:
            running = yield Do("_list_running")
        except Exception as exc:  # noqa: BLE001 - whatever it was, look again after a pause
            yield from self._back_off(backoff, f"could not look for processes assigned by a failed assign: {exc}")
            return False
        with self._lock:
            self._reclaim_done = max(self._reclaim_done, wanted)
        for process in running or ():
            pid = process["processid"]
            if self._stopping.is_set() or not self._claim(pid, process):
                continue
            try:
                work: Process | Outcome = read_assignment(process)[1]
            except Exception as exc:  # noqa: BLE001 - a reply without a process id cannot be listed as ours
                work = Outcome.failure(f"process could not be parsed: {exc}")
            log.warning("process %s: assigned to this executor by a failed assign; running it", pid)
            try:
                yield from self._handle_steps(pid, work, claimed=True)
            except Exception:
                log.exception("process %s: unexpected error; it is failed at exit if still running", pid)
        return True

    def _claim(self, pid: str, process: dict[str, Any]) -> bool:
        """Take a listed process to run it: ours, held by no worker, not finished here, and a slot free."""
        with self._lock:
            skip = self._inflight.keys() | self._abandoned | self._finished_ids.keys()
            if not orphans([process], self.executorid, skip):
                return False
            if self._slots <= 0:
                log.warning("process %s: assigned to this executor by a failed assign, but the run takes "
                            "no more processes; it is failed at exit", pid)
                return False
            self._slots -= 1
            self._inflight[pid] = "running"
            self.stats.assigned += 1
            return True

    def _back_off(self, backoff: Backoff, problem: str) -> Steps[None]:
        delay = backoff.next()
        log.warning("%s; retrying in %.2f s", problem, delay)
        yield Do("_pause", delay)

    def _handle_steps(
        self, pid: str, work: Process | Outcome, claimed: bool = False, asked: float | None = None
    ) -> Steps[None]:
        """Run one assigned process (or take the failure ``read_assignment`` found) and report it,
        unless the shutdown has failed it already. ``claimed``: ``_claim`` has marked it in flight;
        ``asked``: when its assign was sent (monotonic; only while hooks are registered)."""
        if not self._started(pid, claimed):  # a reclaim took it between its assign and now
            self._give_back_slot()
            return
        trace = self._trace(pid, work, asked) if self._hooks else None
        remember = True
        try:
            if isinstance(work, Outcome):
                log.error("process %s: %s; failing it", pid, work.errors[0])
                outcome = work
            elif (function := self.functions.get(work.spec.funcname)) is None:
                outcome = unknown_function(work.spec.funcname, self.executorname, self.functions)
            else:
                try:
                    outcome = yield Do("_execute", function, work, deadline_of(work))
                except Exception as exc:  # noqa: BLE001 - not the function's error (that is an outcome): ours
                    log.exception("process %s: the runner failed around its function; failing it", pid)
                    outcome = failure_from(exc)
            if trace is not None:
                trace.function_ended()
            if outcome.abandoned:
                maxexectime = work.spec.maxexectime if isinstance(work, Process) else None
                log.warning("process %s: still running at its maxexectime (%s s); abandoned, the server "
                            "will release it", pid, maxexectime)
                with self._lock:
                    self._abandoned.add(pid)
                    self.stats.abandoned += 1
                remember = False  # the server releases it, and may assign it to us again
                if trace is not None:
                    self._trace_ended(pid, "abandoned")
                return
            with self._lock:
                if self._inflight.get(pid) != "running":  # the shutdown has failed it already
                    return
                self._inflight[pid] = "reporting"
            reporting = time.monotonic() if trace is not None else None
            try:
                verdict = yield Do("_report", pid, outcome)
            except Exception as exc:  # noqa: BLE001 - the close could not even be sent: fail it instead
                if not outcome.ok:
                    raise
                log.exception("process %s: its close could not be sent; failing it", pid)
                verdict = yield Do("_report", pid, failure_from(exc))
            remember = verdict != "lost"  # "lost": released, it may come back
            self._count(verdict)
            if trace is not None:
                self._trace_ended(pid, verdict, None if outcome.ok else outcome.errors[0], reporting)
        except BaseException:  # not counted in RunStats either: no end event, unless the shutdown's fail
            if trace is not None and self._inflight.get(pid) != "failed-at-shutdown":
                self._forget_trace(pid)
            raise
        finally:
            self._finished(pid, remember)

    def _started(self, pid: str, claimed: bool = False) -> bool:
        """Mark ``pid`` in flight (``claimed``: ``_claim`` did); False if another worker has it or had it."""
        if claimed:
            return True
        with self._lock:
            if pid in self._inflight or pid in self._finished_ids:
                return False
            self._inflight[pid] = "running"
            self.stats.assigned += 1
            return True

    def _finished(self, pid: str, remember: bool = True) -> None:
        """``pid`` is no longer in flight; ``remember``: no reclaim may run it again."""
        with self._lock:
            self._inflight.pop(pid, None)
            if remember:
                self._finished_ids[pid] = None
                if len(self._finished_ids) > RECENTLY_FINISHED:
                    del self._finished_ids[next(iter(self._finished_ids))]

    def _take_slot(self) -> bool:
        with self._lock:
            if self._slots <= 0:
                return False
            self._slots -= 1
            return True

    def _give_back_slot(self) -> None:
        with self._lock:
            self._slots += 1

    def _count(self, result: str) -> None:
        with self._lock:
            setattr(self.stats, result, getattr(self.stats, result) + 1)

    def _in_state(self, state: str) -> list[str]:
        with self._lock:
            return [pid for pid, current in self._inflight.items() if current == state]

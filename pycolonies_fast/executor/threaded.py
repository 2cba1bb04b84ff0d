"""A high-rate executor: W worker threads assign processes, run Python functions and close or fail them.

    executor = Executor(client, colonyname, "mytype", colony_prvkey=colony_key, workers=4)

    @executor.function
    def add(a, b):
        return a + b

    executor.run()  # until SIGINT/SIGTERM, or run(max_processes=..., max_seconds=...)

Design notes:

* All workers share one executor identity and one pooled client. The server accepts concurrent
  assigns from one executor (each returns a different process; closes are checked against the
  assigned executor id, which is the same); per-worker identities were no faster (bench/RESULTS.md,
  "Runner design notes"), so there is no reason to register more executors.
* "No process available" (404) is the normal reply to a long poll: assign again. Connection errors
  back off exponentially with jitter; so do other server refusals (e.g. a paused colony).
* While its PostgreSQL restarts the server refuses everything with the driver's error under
  400/403/500, and may assign a process and then answer the assign with such an error. So a
  refused close/fail is retried (executor/report.py: only a 404 means "removed"; a close still
  refused after ``refusal_patience`` becomes a fail), and after a refused assign (or one whose
  reply was lost after it was sent) a worker reclaims the processes RUNNING on this executor
  that no worker holds and runs them (executor/core.py).
* Workers assign with ``assign_raw``: a process the ``Process`` model rejects (e.g. kwargs with
  non-string values) is assigned to us all the same, so it is failed at once with "process could
  not be parsed: ..." rather than left RUNNING until the executor exits.
* A process's ``maxexectime`` (seconds, from assignment) bounds its function: past it the function
  is abandoned (its thread is left to finish, its result dropped) and the process is not closed
  late, because the server releases it for a retry (or fails it when out of retries).
* ``cpu_bound`` functions run in a ``CpuPool`` (executor/pool.py): a pool whose process died, or
  that runs an abandoned job, is replaced for new jobs and its processes are killed.
* Shutdown (SIGINT/SIGTERM, ``stop()`` or the run's bounds): no new assigns; in-flight processes
  get ``grace_period`` seconds, then are failed with "executor shutting down"; a second signal
  fails them at once. Finally processes still RUNNING on this executor (an assign whose reply was
  lost) are failed, so none stays assigned to a gone executor. Do not share one executor identity
  between two running ``Executor`` instances: each would fail the other's processes at exit.
"""

from __future__ import annotations

import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, overload

from pycolonies_fast.core.steps import drive
from pycolonies_fast.executor.core import SHUTDOWN_REASON, RunnerCore
from pycolonies_fast.executor.dispatch import Function, Outcome, ProcessContext, call_function
from pycolonies_fast.executor.options import RunnerOptions, RunStats
from pycolonies_fast.executor.pool import CpuPool
from pycolonies_fast.executor.report import Reporter, running_on
from pycolonies_fast.models import Process

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack for **kwargs needs Python 3.12

__all__ = ["Executor", "RunStats"]

log = logging.getLogger("pycolonies_fast.executor")

F = TypeVar("F", bound=Callable[..., Any])


class Executor(RunnerCore):
    """Runs processes of one executor type with Python functions, ``workers`` at a time.

    Identity: pass ``colony_prvkey`` to register a new executor (``prvkey`` or a fresh key,
    ``executorname`` or ``<type>-<random>``) and approve it; or pass ``executorname`` and
    ``prvkey`` of an existing, approved executor. ``announce_functions=False`` skips
    ``add_function``: processes are still assigned by executor type, and the server then keeps
    no per-function statistics (keeping them makes every close of an announced function cost the
    server more).

    ``poll_timeout``: seconds each assign long-polls (also the longest wait for a stop to be
    noticed); ``grace_period``: seconds in-flight processes get at shutdown; ``report_timeout``:
    how long a close/fail is retried through connection errors; ``process_pool``: processes for
    ``cpu_bound`` functions (default: one per CPU); ``available_cpu`` / ``available_memory``
    (e.g. ``"4000m"``, ``"8Gi"``): only processes whose conditions ask for no more are assigned;
    ``hooks``: callables given a ``RunnerEvent`` for each process assigned and ended (also
    ``add_hook(fn)``; executor/hooks.py). Give the client a connection pool at least as large as ``workers``
    (``Colonies(..., pool_size=)``, default 16).

    The decisions are ``RunnerCore``'s (executor/core.py, shared with ``AsyncExecutor``); this
    class does their I/O with worker threads and a blocking client.
    """

    _reporter: Reporter

    parallel_option = "workers"
    reporter_class = Reporter

    def __init__(
        self, client: Any, colonyname: str, executortype: str | None = None, *, workers: int = 1,
        **options: Unpack[RunnerOptions],
    ) -> None:
        super().__init__(client, colonyname, executortype, parallel=workers, **options)
        self.workers = workers
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._hurry = threading.Event()
        self._wake = threading.Event()
        self._live_workers = 0
        self._all_done_at = 0.0
        self._pool: CpuPool | None = None
        self._threads: list[threading.Thread] = []

    def __repr__(self) -> str:
        return (f"Executor(name={self.executorname!r}, type={self.executortype!r}, "
                f"colony={self.colonyname!r}, workers={self.workers})")

    @overload
    def function(self, name_or_fn: F) -> F: ...
    @overload
    def function(self, name_or_fn: str | None = None, *, cpu_bound: bool = False) -> Callable[[F], F]: ...

    def function(self, name_or_fn: Any = None, *, cpu_bound: bool = False) -> Any:
        """Decorator: ``@executor.function``, ``@executor.function("name")`` or ``(cpu_bound=True)``.

        ``cpu_bound`` functions run in a process pool (``process_pool`` processes, default one per
        CPU); they must be importable module-level functions and cannot take ``ctx``, and the
        script must start the executor under ``if __name__ == "__main__":`` (pool processes import it).
        """
        def register(fn: F, name: str | None = None) -> F:
            entry = self._describe(name or fn.__name__, fn, cpu_bound)
            self.functions[entry.name] = entry
            if self.registered and self.announce_functions and entry.name not in self._announced:
                self.client.add_function(self.colonyname, self.executorname, entry.name, self._prvkey)
                self._announced.add(entry.name)
            return fn

        if callable(name_or_fn):
            return register(name_or_fn)
        return lambda fn: register(fn, name_or_fn)

    def register(self) -> None:
        """Add and approve the executor (if given the colony key), then announce its functions."""
        drive(self._register_steps(), self.client)

    def stop(self) -> None:
        """Ask the run to end: no new assigns; in-flight processes get the grace period.
        A ``stop()`` before ``run()`` has started (or while it registers) ends that run at once."""
        self._stop_requested = True
        self._stopping.set()
        self._wake.set()

    def run(
        self, max_processes: int | None = None, max_seconds: float | None = None, handle_signals: bool = True
    ) -> RunStats:
        """Assign and run processes until stopped, ``max_processes`` were taken or ``max_seconds`` passed.

        ``handle_signals`` installs SIGINT/SIGTERM handlers for the run (main thread only).
        """
        if any(thread.is_alive() for thread in self._threads):
            raise RuntimeError("workers of the previous run are still inside a function; cannot run again yet")
        self._stopping, self._hurry, self._wake = threading.Event(), threading.Event(), threading.Event()
        if self._stop_requested:  # stop() came first (after it set the events, or before it saw them)
            self.stop()
        if not self.registered:
            self.register()
        self._start_run(max_processes)
        self._live_workers = self.workers
        self._all_done_at = 0.0
        self._pool = self._new_cpu_pool()
        started = time.monotonic()
        end = math.inf if max_seconds is None else started + max_seconds
        threads = self._threads = [
            threading.Thread(target=self._worker, name=f"colonies-worker-{i}", daemon=True)
            for i in range(self.workers)
        ]
        try:
            with self._signal_handlers(handle_signals):
                for thread in threads:
                    thread.start()
                try:
                    while not self._wake.is_set() and time.monotonic() < end:
                        self._wake.wait(min(0.5, max(0.0, end - time.monotonic())))
                finally:  # a KeyboardInterrupt without our handlers stops the run the same way
                    self._shutdown(threads)
        finally:
            self._stop_requested = False
            self.running = False
            if self._pool is not None:
                self._pool.shutdown()
        finished = self._all_done_at if self._all_done_at >= started else time.monotonic()
        self.stats.elapsed = finished - started
        return self.stats

    def _shutdown(self, threads: list[threading.Thread]) -> None:
        """Stop assigning, give in-flight processes the grace period, fail what is left."""
        self._stopping.set()
        grace_end = time.monotonic() + self.grace_period
        self._reporter.hard_deadline = grace_end + 10.0
        for thread in threads:
            while thread.is_alive() and not self._hurry.is_set() and time.monotonic() < grace_end:
                thread.join(min(0.2, max(0.0, grace_end - time.monotonic())))
        if any(thread.is_alive() for thread in threads):
            self._past_grace = True  # an assign still waiting fails what it gets
            drive(self._fail_unclaimed_steps(self._claim_unfinished()), self)  # their workers are left behind
            self._reporter.hard_deadline = min(self._reporter.hard_deadline, time.monotonic() + 5.0)
            assigns_end = time.monotonic() + self.poll_timeout + 5.0  # the server answers a long poll by then
            while (self._assigning and time.monotonic() < assigns_end) or (
                    (self._in_state("running") or self._in_state("reporting"))
                    and time.monotonic() < self._reporter.hard_deadline):
                time.sleep(0.05)  # assigns still long-polling; workers still retrying a close/fail
            if self._assigning:
                log.warning("%d assign(s) still unanswered at exit: a process they take stays RUNNING until "
                            "its maxexectime", self._assigning)
        drive(self._fail_orphans_steps(), self)

    def _worker(self) -> None:
        """One worker thread: the steps of ``RunnerCore._worker_steps``."""
        try:
            drive(self._worker_steps(), self)
        finally:
            with self._lock:
                self._live_workers -= 1
                if self._live_workers == 0:
                    self._all_done_at = time.monotonic()
                    self._wake.set()

    # The I/O of the steps (see executor/core.py).

    def _assign(self) -> dict[str, Any]:
        return self.client.assign_raw(self.colonyname, self.poll_timeout, self._prvkey, **self.assign_limits)

    def _pause(self, delay: float) -> None:
        self._stopping.wait(delay)

    def _execute(self, function: Function, process: Process, deadline: float | None) -> Outcome:
        ctx = None
        if function.wants_ctx:
            ctx = ProcessContext(
                process, self.client, self.colonyname, self.executorname, self.executorid, self._prvkey)
        return call_function(function, process, ctx, deadline, self._pool)

    def _report(self, processid: str, outcome: Outcome) -> str:
        return self._reporter.report(processid, outcome)

    def _list_running(self) -> list[dict[str, Any]] | None:
        return self.client.get_process_history(*running_on(self.colonyname, self.executorid, self._prvkey))

    def _fail_orphans(self, skip: set[str]) -> list[str]:
        return self._reporter.fail_orphans(self.colonyname, skip, SHUTDOWN_REASON)

    @contextmanager
    def _signal_handlers(self, install: bool) -> Iterator[None]:
        """SIGINT/SIGTERM during the run (see ``RunnerCore._on_signal``)."""
        if not install or threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {
            sig: signal.signal(sig, lambda signum, frame: self._on_signal(signum))
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            yield
        finally:
            for sig, handler in previous.items():
                if handler is not None:  # None: installed outside Python, cannot be restored
                    signal.signal(sig, handler)

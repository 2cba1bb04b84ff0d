"""A high-rate executor: W worker threads assign processes, run Python functions and close or fail them.

    executor = Executor(client, colonyname, "mytype", colony_prvkey=colony_key, workers=4)

    @executor.function
    def add(a, b):
        return a + b

    executor.run()  # until SIGINT/SIGTERM, or run(max_processes=..., max_seconds=...)

Design notes (measured against the dev server, Colonies v1.9.12, in both assign modes):

* All workers share one executor identity and one pooled client. The server accepts concurrent
  assigns from one executor (each returns a different process; closes are checked against the
  assigned executor id, which is the same); per-worker identities were no faster (≈ 180 cycles/s
  either way with 4 workers), so there is no reason to register more executors.
* "No process available" (404) is the normal reply to a long poll: assign again. Connection errors
  back off exponentially with jitter; so do other server refusals (e.g. a paused colony).
* A process's ``maxexectime`` (seconds, from assignment) bounds its function: past it the function
  is abandoned (its thread is left to finish, its result dropped) and the process is not closed
  late, because the server releases it for a retry (or fails it when out of retries).
* Shutdown (SIGINT/SIGTERM, ``stop()`` or the run's bounds): no new assigns; in-flight processes
  get ``grace_period`` seconds, then are failed with "executor shutting down"; a second signal
  fails them at once. Finally processes still RUNNING on this executor (an assign whose reply was
  lost) are failed, so none stays assigned to a gone executor. Do not share one executor identity
  between two running ``Executor`` instances: each would fail the other's processes at exit.
"""

from __future__ import annotations

import concurrent.futures
import logging
import math
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from .crypto import Crypto
from .errors import ColoniesConnectionError, ServerError
from .executor_dispatch import Function, Outcome, ProcessContext, call_function
from .executor_report import Backoff, Reporter
from .models import Process

__all__ = ["Executor", "RunStats"]

log = logging.getLogger("pycolonies_fast.executor")

F = TypeVar("F", bound=Callable[..., Any])
SHUTDOWN_REASON = "executor shutting down: the process did not finish within the grace period"


@dataclass
class RunStats:
    """What one ``run()`` did: processes by how they ended, failed assign calls (connection errors,
    unreadable replies; not "nothing to assign") and ``elapsed``: seconds from the start until the
    last worker stopped (the shutdown's checks excluded)."""

    assigned: int = 0
    closed: int = 0
    failed: int = 0
    abandoned: int = 0
    lost: int = 0
    unreported: int = 0
    assign_errors: int = 0
    elapsed: float = 0.0


class Executor:
    """Runs processes of one executor type with Python functions, ``workers`` at a time.

    Identity: pass ``colony_prvkey`` to register a new executor (``prvkey`` or a fresh key,
    ``executorname`` or ``<type>-<random>``) and approve it; or pass ``executorname`` and
    ``prvkey`` of an existing, approved executor. ``announce_functions=False`` skips
    ``add_function``: processes are still assigned by executor type, and the server then keeps
    no per-function statistics (each close of an announced function cost it ~1.5 ms more here).

    ``poll_timeout``: seconds each assign long-polls (also the longest wait for a stop to be
    noticed); ``grace_period``: seconds in-flight processes get at shutdown; ``report_timeout``:
    how long a close/fail is retried through connection errors; ``process_pool``: processes for
    ``cpu_bound`` functions (default: one per CPU). Give the client a connection pool at least
    as large as ``workers`` (``Colonies(..., pool_size=)``, default 16).
    """

    def __init__(
        self,
        client: Any,
        colonyname: str,
        executortype: str | None = None,
        *,
        executorname: str | None = None,
        prvkey: str | None = None,
        colony_prvkey: str | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        workers: int = 1,
        poll_timeout: int = 2,
        grace_period: float = 10.0,
        report_timeout: float = 60.0,
        process_pool: int = 0,
        announce_functions: bool = True,
    ) -> None:
        if colony_prvkey is None and (executorname is None or prvkey is None):
            raise ValueError(
                "pass colony_prvkey to register a new executor, or executorname and prvkey of an existing one")
        if colony_prvkey is not None and executortype is None:
            raise ValueError("registering a new executor needs its executortype")
        if workers < 1 or poll_timeout < 1:
            raise ValueError("workers and poll_timeout must be at least 1")
        self.client = client
        self.colonyname = colonyname
        self.executortype = executortype
        self.executorname = executorname or f"{executortype}-{uuid.uuid4().hex[:10]}"
        self._prvkey = prvkey or Crypto().prvkey()
        self._colony_prvkey = colony_prvkey
        self.executorid = Crypto().id(self._prvkey)
        self.workers = workers
        self.poll_timeout = poll_timeout
        self.grace_period = grace_period
        self.process_pool = process_pool
        self.announce_functions = announce_functions
        self.functions: dict[str, Function] = {}
        for name, fn in (functions or {}).items():
            self.functions[name] = Function.of(name, fn)
        self.registered = False
        self._reporter = Reporter(client, self.executorid, self._prvkey, report_timeout)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._hurry = threading.Event()
        self._wake = threading.Event()
        self._inflight: dict[str, str] = {}  # processid -> "running", "reporting" or "failed-at-shutdown"
        self._abandoned: set[str] = set()
        self._slots: float = math.inf
        self._live_workers = 0
        self._all_done_at = 0.0
        self._pool: concurrent.futures.Executor | None = None
        self._threads: list[threading.Thread] = []
        self.stats = RunStats()

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
        CPU); they must be importable module-level functions and cannot take ``ctx``.
        """
        def register(fn: F, name: str | None = None) -> F:
            entry = Function.of(name or fn.__name__, fn, cpu_bound)
            self.functions[entry.name] = entry
            if self.registered and self.announce_functions:
                self.client.add_function(self.colonyname, self.executorname, entry.name, self._prvkey)
            return fn

        if callable(name_or_fn):
            return register(name_or_fn)
        return lambda fn: register(fn, name_or_fn)

    def register(self) -> None:
        """Add and approve the executor (if given the colony key), then announce its functions."""
        if self._colony_prvkey is not None:
            executor = {
                "executorname": self.executorname, "executorid": self.executorid,
                "colonyname": self.colonyname, "executortype": self.executortype,
            }
            self.client.add_executor(executor, self._colony_prvkey)
            self.client.approve_executor(self.colonyname, self.executorname, self._colony_prvkey)
            log.info("registered executor %s (type %s) in colony %s",
                     self.executorname, self.executortype, self.colonyname)
        for name in self.functions if self.announce_functions else ():
            self.client.add_function(self.colonyname, self.executorname, name, self._prvkey)
        self.registered = True

    def stop(self) -> None:
        """Ask the run to end: no new assigns; in-flight processes get the grace period."""
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
        if not self.registered:
            self.register()
        self.stats = RunStats()
        self._stopping.clear()
        self._hurry.clear()
        self._wake.clear()
        self._reporter.hard_deadline = math.inf
        self._slots = math.inf if max_processes is None else max_processes
        self._live_workers = self.workers
        self._all_done_at = 0.0
        self._pool = self._make_pool()
        started = time.monotonic()
        end = math.inf if max_seconds is None else started + max_seconds
        threads = self._threads = [
            threading.Thread(target=self._worker, name=f"colonies-worker-{i}", daemon=True)
            for i in range(self.workers)
        ]
        with self._signal_handlers(handle_signals):
            for thread in threads:
                thread.start()
            while not self._wake.is_set() and time.monotonic() < end:
                self._wake.wait(min(0.5, max(0.0, end - time.monotonic())))
            self._shutdown(threads)
        finished = self._all_done_at if self._all_done_at >= started else time.monotonic()
        self.stats.elapsed = finished - started
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        return self.stats

    def _make_pool(self) -> concurrent.futures.Executor | None:
        if not any(f.cpu_bound for f in self.functions.values()):
            return None
        context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        return concurrent.futures.ProcessPoolExecutor(self.process_pool or os.cpu_count(), mp_context=context)

    def _shutdown(self, threads: list[threading.Thread]) -> None:
        """Stop assigning, give in-flight processes the grace period, fail what is left."""
        self._stopping.set()
        grace_end = time.monotonic() + self.grace_period
        self._reporter.hard_deadline = grace_end + 10.0
        for thread in threads:
            while thread.is_alive() and not self._hurry.is_set() and time.monotonic() < grace_end:
                thread.join(min(0.2, max(0.0, grace_end - time.monotonic())))
        if any(thread.is_alive() for thread in threads):
            self._fail_unclaimed()
            self._reporter.hard_deadline = min(self._reporter.hard_deadline, time.monotonic() + 5.0)
            while self._reporting() and time.monotonic() < self._reporter.hard_deadline:
                time.sleep(0.05)  # workers still retrying a close/fail
        with self._lock:
            skip = self._abandoned | {pid for pid, state in self._inflight.items() if state == "reporting"}
        try:
            for _ in self._reporter.fail_orphans(self.colonyname, skip, SHUTDOWN_REASON):
                self._count("failed")
        except ColoniesConnectionError as exc:
            log.error("could not check for processes left RUNNING on this executor: %s", exc)

    def _fail_unclaimed(self) -> None:
        """Fail the in-flight processes whose function has not finished (their workers are left behind)."""
        with self._lock:
            pending = [pid for pid, state in self._inflight.items() if state == "running"]
            for pid in pending:
                self._inflight[pid] = "failed-at-shutdown"
        for pid in pending:
            log.warning("process %s: still running after the grace period; failing it", pid)
            self._count(self._reporter.report(pid, Outcome.failure(SHUTDOWN_REASON)))

    def _reporting(self) -> bool:
        with self._lock:
            return "reporting" in self._inflight.values()

    def _take_slot(self) -> bool:
        with self._lock:
            if self._slots <= 0:
                return False
            self._slots -= 1
            return True

    def _give_back_slot(self) -> None:
        with self._lock:
            self._slots += 1

    def _worker(self) -> None:
        """One worker: assign, run, report, until stopping or out of slots."""
        backoff = Backoff()
        try:
            while not self._stopping.is_set() and self._take_slot():
                try:
                    process = self.client.assign(self.colonyname, self.poll_timeout, self._prvkey)
                except ServerError as exc:
                    self._give_back_slot()
                    if exc.status == 404:  # nothing to do within the long poll: ask again
                        backoff.reset()
                        continue
                    self._pause(backoff, f"the server refused to assign (status {exc.status}: {exc})")
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a reply the Process model rejects (§e.3)
                    self._give_back_slot()
                    with self._lock:
                        self.stats.assign_errors += 1
                    self._pause(backoff, f"assign failed: {type(exc).__name__}: {exc}")
                    continue
                backoff.reset()
                try:
                    self._handle(process)
                except Exception:
                    log.exception("process %s: unexpected error; it is failed at exit if still running",
                                  process.processid)
        finally:
            with self._lock:
                self._live_workers -= 1
                if self._live_workers == 0:
                    self._all_done_at = time.monotonic()
                    self._wake.set()

    def _pause(self, backoff: Backoff, problem: str) -> None:
        delay = backoff.next()
        log.warning("%s; retrying in %.2f s", problem, delay)
        self._stopping.wait(delay)

    def _handle(self, process: Process) -> None:
        """Run one assigned process and report it, unless shutdown already failed it."""
        pid = process.processid
        with self._lock:
            self._inflight[pid] = "running"
            self.stats.assigned += 1
        try:
            outcome = self._execute(process)
            if outcome.abandoned:
                log.warning("process %s: still running at its maxexectime (%s s); abandoned, the server "
                            "will release it", pid, process.spec.maxexectime)
                with self._lock:
                    self._abandoned.add(pid)
                    self.stats.abandoned += 1
                return
            with self._lock:
                if self._inflight.get(pid) != "running":  # the shutdown has failed it already
                    return
                self._inflight[pid] = "reporting"
            self._count(self._reporter.report(pid, outcome))
        finally:
            with self._lock:
                self._inflight.pop(pid, None)

    def _execute(self, process: Process) -> Outcome:
        function = self.functions.get(process.spec.funcname)
        if function is None:
            known = ", ".join(sorted(self.functions)) or "none"
            return Outcome.failure(
                f"unknown function '{process.spec.funcname}': executor {self.executorname} provides {known}"
            )
        maxexectime = process.spec.maxexectime
        deadline = time.monotonic() + maxexectime if maxexectime and maxexectime > 0 else None
        ctx = None
        if function.wants_ctx:
            ctx = ProcessContext(
                process, self.client, self.colonyname, self.executorname, self.executorid, self._prvkey)
        return call_function(function, process, ctx, deadline, self._pool)

    def _count(self, result: str) -> None:
        with self._lock:
            setattr(self.stats, result, getattr(self.stats, result) + 1)

    @contextmanager
    def _signal_handlers(self, install: bool) -> Iterator[None]:
        """SIGINT/SIGTERM: the first stops gracefully, the second fails in-flight processes at once."""
        if not install or threading.current_thread() is not threading.main_thread():
            yield
            return

        def on_signal(signum: int, frame: object) -> None:
            if self._stopping.is_set():
                log.warning("second signal: failing in-flight processes now")
                self._hurry.set()
            else:
                log.info("signal %s: stopping; in-flight processes get %.0f s",
                         signal.Signals(signum).name, self.grace_period)
            self.stop()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                if handler is not None:  # None: installed outside Python, cannot be restored
                    signal.signal(sig, handler)

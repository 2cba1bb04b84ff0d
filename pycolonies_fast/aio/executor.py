"""An asyncio executor: ``concurrency`` assigns in flight on one event loop; each process run, then closed or failed.

    async with AsyncColonies(host, port) as client:
        executor = AsyncExecutor(client, colonyname, "mytype", colony_prvkey=colony_key, concurrency=8)

        @executor.function
        async def add(a, b):
            return a + b

        await executor.run()  # until SIGINT/SIGTERM, stop(), or run(max_processes=..., max_seconds=...)

The same guarantees as the threaded ``Executor`` (executor/threaded.py): both make their decisions
in the steps of ``RunnerCore`` (executor/core.py) and ``ReporterCore``, and run functions as
executor/dispatch.py says; this runner awaits the I/O of those steps on one event loop:
"no process available" means assign again; connection errors back off with jitter; an exception
fails its process with the traceback; an unknown function fails it, and so does a process the
``Process`` model rejects (assigned through ``assign_raw``); past ``maxexectime`` a
function is abandoned (an ``async def`` one is cancelled) and the server releases the process.
Shutdown: no new assigns; in-flight processes get ``grace_period`` seconds, then are failed with
a reason; finally processes still RUNNING on this executor (an assign whose reply was lost) are
failed. ``async def`` functions run on the loop; plain functions run in a worker thread, exactly
as a threaded worker runs them (``call_function``).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, overload

from pycolonies_fast.aio.executor_context import AsyncProcessContext, call_async_function
from pycolonies_fast.aio.executor_report import AsyncReporter
from pycolonies_fast.core.steps import adrive
from pycolonies_fast.executor.core import SHUTDOWN_REASON, RunnerCore, log
from pycolonies_fast.executor.dispatch import Function, Outcome, call_function
from pycolonies_fast.executor.options import RunnerOptions, RunStats
from pycolonies_fast.executor.pool import CpuPool
from pycolonies_fast.executor.report import running_on
from pycolonies_fast.models import Process

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack for **kwargs needs Python 3.12

__all__ = ["AsyncExecutor"]

F = TypeVar("F", bound=Callable[..., Any])  # a plain or an async def function, kept as it is


class AsyncExecutor(RunnerCore):
    """Runs processes of one executor type with Python functions, ``concurrency`` at a time, on one loop.

    Identity as for ``Executor``: ``colony_prvkey`` registers a new executor; or pass
    ``executorname`` and ``prvkey`` of an existing, approved one. ``client`` is an ``AsyncColonies``
    whose ``pool_size`` (default 16) should exceed ``concurrency``: each waiting assign holds a
    connection, and closes need one too. The other options are ``Executor``'s.
    """

    _reporter: AsyncReporter
    runs_coroutines = True

    parallel_option = "concurrency"
    reporter_class = AsyncReporter

    def __init__(
        self, client: Any, colonyname: str, executortype: str | None = None, *, concurrency: int = 8,
        **options: Unpack[RunnerOptions],
    ) -> None:
        super().__init__(client, colonyname, executortype, parallel=concurrency, **options)
        self.concurrency = concurrency
        self._lock = contextlib.nullcontext()  # one event loop: no two steps run at once
        self._loop: asyncio.AbstractEventLoop | None = None  # with _stopping and _hurry, set by run()
        self._tasks: dict[str, asyncio.Task[Any]] = {}  # processid -> the worker task running it
        self._pool: CpuPool | None = None

    def __repr__(self) -> str:
        return (f"AsyncExecutor(name={self.executorname!r}, type={self.executortype!r}, "
                f"colony={self.colonyname!r}, concurrency={self.concurrency})")

    @overload
    def function(self, name_or_fn: F) -> F: ...
    @overload
    def function(self, name_or_fn: str | None = None, *, cpu_bound: bool = False) -> Callable[[F], F]: ...

    def function(self, name_or_fn: Any = None, *, cpu_bound: bool = False) -> Any:
        """Decorator: ``@executor.function``, ``@executor.function("name")`` or ``(cpu_bound=True)``.

        Sync or ``async def``; ``cpu_bound`` functions are plain, importable module-level functions
        without ``ctx`` and run in a process pool (``process_pool`` processes, default one per CPU).
        Functions added after ``register()`` are announced at the next ``register()`` or ``run()``.
        """
        def add(fn: F, name: str | None = None) -> F:
            entry = self._describe(name or fn.__name__, fn, cpu_bound)
            self.functions[entry.name] = entry
            self.registered = False
            return fn

        if callable(name_or_fn):
            return add(name_or_fn)
        return lambda fn: add(fn, name_or_fn)

    async def register(self) -> None:
        """Add and approve the executor (if given the colony key), then announce its functions."""
        await adrive(self._register_steps(), self.client)

    def stop(self) -> None:
        """Ask the run to end (from any thread): no new assigns; in-flight processes get the grace period.
        A ``stop()`` before ``run()`` has started (or while it registers) ends that run at once."""
        self._stop_requested = True
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # run() sees _stop_requested when it starts
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is loop:
            self._stopping.set()
        else:
            loop.call_soon_threadsafe(self._stopping.set)

    async def run(
        self, max_processes: int | None = None, max_seconds: float | None = None, handle_signals: bool = True
    ) -> RunStats:
        """Assign and run processes until stopped, ``max_processes`` were taken or ``max_seconds`` passed.

        ``handle_signals`` handles SIGINT/SIGTERM during the run (main thread, Unix). Cancelling
        ``run()`` fails the in-flight processes at once (as a second signal does), then re-raises.
        """
        self._stopping, self._hurry = asyncio.Event(), asyncio.Event()  # of this run's event loop
        self._loop = asyncio.get_running_loop()
        if self._stop_requested:  # stop() came first
            self._stopping.set()
        if not self.registered:
            await self.register()
        self._start_run(max_processes)
        self._pool = self._new_cpu_pool()
        started = time.monotonic()
        workers = [asyncio.create_task(adrive(self._worker_steps(), self), name=f"colonies-worker-{i}")
                   for i in range(self.concurrency)]
        all_done: asyncio.Future[Any] = asyncio.gather(*workers, return_exceptions=True)
        stopping: asyncio.Future[Any] = asyncio.create_task(self._stopping.wait())
        try:
            with self._signal_handlers(handle_signals):
                try:
                    await asyncio.wait({all_done, stopping}, timeout=max_seconds,
                                       return_when=asyncio.FIRST_COMPLETED)
                except asyncio.CancelledError:  # the caller gave up on the run: nothing may stay assigned
                    self._hurry.set()
                    await self._shutdown(workers)
                    raise
                finished = time.monotonic()
                if not all_done.done():
                    await self._shutdown(workers)
                    finished = time.monotonic()
                else:
                    await adrive(self._fail_orphans_steps(), self)
        finally:
            stopping.cancel()
            self._stop_requested = False
            self.running = False
            if self._pool is not None:
                self._pool.shutdown()
        for worker in workers:
            if worker.done() and not worker.cancelled() and worker.exception() is not None:
                log.error("worker %s ended with an error", worker.get_name(), exc_info=worker.exception())
        self.stats.elapsed = finished - started
        return self.stats

    async def _shutdown(self, workers: list[asyncio.Task[Any]]) -> None:
        """Stop assigning, give in-flight processes the grace period, fail what is left."""
        self._stopping.set()
        grace_end = time.monotonic() + self.grace_period
        self._reporter.hard_deadline = grace_end + 10.0
        hurry = asyncio.create_task(self._hurry.wait())
        await asyncio.wait([*workers, hurry], timeout=self.grace_period, return_when=asyncio.FIRST_COMPLETED)
        while not hurry.done() and not all(w.done() for w in workers) and time.monotonic() < grace_end:
            await asyncio.wait([*workers, hurry], timeout=grace_end - time.monotonic(),
                               return_when=asyncio.FIRST_COMPLETED)
        hurry.cancel()
        if not all(w.done() for w in workers):
            pending = self._claim_unfinished()
            for pid in pending:
                self._tasks[pid].cancel()  # stop waiting for its function
            await adrive(self._fail_unclaimed_steps(pending), self)
            self._reporter.hard_deadline = min(self._reporter.hard_deadline, time.monotonic() + 5.0)
            reporting = [self._tasks[pid] for pid in self._in_state("reporting")]
            if reporting:
                await asyncio.wait(reporting, timeout=max(0.0, self._reporter.hard_deadline - time.monotonic()))
            for worker in workers:
                worker.cancel()  # workers still waiting for an assign reply (a lost one is an orphan below)
            await asyncio.gather(*workers, return_exceptions=True)
        await adrive(self._fail_orphans_steps(), self)

    def _started(self, pid: str, claimed: bool = False) -> bool:
        started = super()._started(pid, claimed)
        if started:
            self._tasks[pid] = asyncio.current_task()  # type: ignore[assignment]
        return started

    def _finished(self, pid: str, remember: bool = True) -> None:
        super()._finished(pid, remember)
        self._tasks.pop(pid, None)

    # The I/O of the steps (see executor/core.py).

    async def _assign(self) -> dict[str, Any]:
        return await self.client.assign_raw(self.colonyname, self.poll_timeout, self._prvkey, **self.assign_limits)

    async def _pause(self, delay: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)

    async def _execute(self, function: Function, process: Process, deadline: float | None) -> Outcome:
        ctx = None
        if function.wants_ctx:
            ctx = AsyncProcessContext(process, self.client, self.colonyname, self.executorname, self.executorid,
                                      self._prvkey, loop=asyncio.get_running_loop())
        if function.is_coroutine:
            outcome = await call_async_function(function, process, ctx, deadline)
        else:
            outcome = await _in_daemon_thread(call_function, function, process, ctx, deadline, self._pool)
        if ctx is not None:
            await ctx.flush()  # its log lines reach the server before the close
        return outcome

    async def _report(self, processid: str, outcome: Outcome) -> str:
        return await self._reporter.report(processid, outcome)

    async def _list_running(self) -> list[dict[str, Any]] | None:
        return await self.client.get_process_history(*running_on(self.colonyname, self.executorid, self._prvkey))

    async def _fail_orphans(self, skip: set[str]) -> list[str]:
        return await self._reporter.fail_orphans(self.colonyname, skip, SHUTDOWN_REASON)

    @contextlib.contextmanager
    def _signal_handlers(self, install: bool) -> Iterator[None]:
        """SIGINT/SIGTERM during the run (see ``RunnerCore._on_signal``)."""
        loop = self._loop
        if not install or loop is None or threading.current_thread() is not threading.main_thread():
            yield
            return
        installed = []
        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform/loop
                    loop.add_signal_handler(sig, self._on_signal, sig)
                    installed.append(sig)
            yield
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)


class _DaemonThreads:
    """Daemon threads that run jobs and then wait for the next one (as many as jobs ever ran at once)."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            reuse = self._idle > 0
            if reuse:
                self._idle -= 1
        self._jobs.put(job)
        if not reuse:
            threading.Thread(target=self._serve, name="colonies-function", daemon=True).start()

    def _serve(self) -> None:
        while True:
            self._jobs.get()()
            with self._lock:
                self._idle += 1


_function_threads = _DaemonThreads()


async def _in_daemon_thread(fn: Callable[..., Outcome], *args: Any) -> Outcome:
    """``fn(*args)`` in a daemon thread.

    Not ``asyncio.to_thread``: ``asyncio.run`` waits for its threads at exit, so a function still
    running after the shutdown failed its process would hold the program open.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Outcome] = loop.create_future()

    def settle(result: Outcome | None, error: BaseException | None) -> None:
        if done.done():  # the awaiting task was cancelled meanwhile
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        result, error = None, None
        try:
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    _function_threads.submit(target)
    return await done

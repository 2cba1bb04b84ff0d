"""An asyncio executor: ``concurrency`` assigns in flight on one event loop; each process run, then closed or failed.

    async with AsyncColonies(host, port) as client:
        executor = AsyncExecutor(client, colonyname, "mytype", colony_prvkey=colony_key, concurrency=8)

        @executor.function
        async def add(a, b):
            return a + b

        await executor.run()  # until SIGINT/SIGTERM, stop(), or run(max_processes=..., max_seconds=...)

The same guarantees as the threaded ``Executor`` (executor.py), whose pure pieces it reuses
(function dispatch and result shaping in executor_dispatch, ``RunStats``, ``Backoff``):
"no process available" means assign again; connection errors back off with jitter; an exception
fails its process with the traceback; an unknown function fails it; past ``maxexectime`` a
function is abandoned (an ``async def`` one is cancelled) and the server releases the process.
Shutdown: no new assigns; in-flight processes get ``grace_period`` seconds, then are failed with
a reason; finally processes still RUNNING on this executor (an assign whose reply was lost) are
failed. ``async def`` functions run on the loop; plain functions run in a worker thread, exactly
as a threaded worker runs them (``call_function``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import math
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..crypto import Crypto
from ..errors import ColoniesConnectionError, ServerError
from ..executor import SHUTDOWN_REASON, RunStats
from ..executor_dispatch import Function, Outcome, call_function
from ..executor_report import Backoff
from ..models import Process
from .executor_context import AsyncProcessContext, call_async_function
from .executor_report import AsyncReporter

__all__ = ["AsyncExecutor"]

log = logging.getLogger("pycolonies_fast.executor")


class AsyncExecutor:
    """Runs processes of one executor type with Python functions, ``concurrency`` at a time, on one loop.

    Identity as for ``Executor``: ``colony_prvkey`` registers a new executor; or pass
    ``executorname`` and ``prvkey`` of an existing, approved one. ``client`` is an ``AsyncColonies``
    whose ``pool_size`` (default 16) should exceed ``concurrency``: each waiting assign holds a
    connection, and closes need one too.
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
        concurrency: int = 8,
        poll_timeout: int = 2,
        grace_period: float = 10.0,
        report_timeout: float = 60.0,
        announce_functions: bool = True,
    ) -> None:
        if colony_prvkey is None and (executorname is None or prvkey is None):
            raise ValueError(
                "pass colony_prvkey to register a new executor, or executorname and prvkey of an existing one")
        if colony_prvkey is not None and executortype is None:
            raise ValueError("registering a new executor needs its executortype")
        if concurrency < 1 or poll_timeout < 1:
            raise ValueError("concurrency and poll_timeout must be at least 1")
        self.client = client
        self.colonyname = colonyname
        self.executortype = executortype
        self.executorname = executorname or f"{executortype}-{uuid.uuid4().hex[:10]}"
        self._prvkey = prvkey or Crypto().prvkey()
        self._colony_prvkey = colony_prvkey
        self.executorid = Crypto().id(self._prvkey)
        self.concurrency = concurrency
        self.poll_timeout = poll_timeout
        self.grace_period = grace_period
        self.announce_functions = announce_functions
        self.functions = {name: Function.of(name, fn) for name, fn in (functions or {}).items()}
        self.registered = False
        self._announced: set[str] = set()
        self.stats = RunStats()
        self._reporter = AsyncReporter(client, self.executorid, self._prvkey, report_timeout)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = asyncio.Event()
        self._hurry = asyncio.Event()
        self._inflight: dict[str, str] = {}  # processid -> "running", "reporting" or "failed-at-shutdown"
        self._tasks: dict[str, asyncio.Task[Any]] = {}  # processid -> the worker task running it
        self._abandoned: set[str] = set()
        self._slots: float = math.inf

    def __repr__(self) -> str:
        return (f"AsyncExecutor(name={self.executorname!r}, type={self.executortype!r}, "
                f"colony={self.colonyname!r}, concurrency={self.concurrency})")

    def function(self, name_or_fn: Any = None) -> Any:
        """Decorator: ``@executor.function`` or ``@executor.function("name")``; sync or ``async def``.

        Functions added after ``register()`` are announced at the next ``register()`` or ``run()``.
        """
        def add(fn: Callable[..., Any], name: str | None = None) -> Callable[..., Any]:
            entry = Function.of(name or fn.__name__, fn)
            self.functions[entry.name] = entry
            self.registered = False
            return fn

        if callable(name_or_fn):
            return add(name_or_fn)
        return lambda fn: add(fn, name_or_fn)

    async def register(self) -> None:
        """Add and approve the executor (if given the colony key), then announce its functions."""
        if self._colony_prvkey is not None:
            executor = {
                "executorname": self.executorname, "executorid": self.executorid,
                "colonyname": self.colonyname, "executortype": self.executortype,
            }
            await self.client.add_executor(executor, self._colony_prvkey)
            await self.client.approve_executor(self.colonyname, self.executorname, self._colony_prvkey)
            self._colony_prvkey = None  # registered: later register() calls only announce functions
        for name in self.functions if self.announce_functions else ():
            if name not in self._announced:
                await self.client.add_function(self.colonyname, self.executorname, name, self._prvkey)
                self._announced.add(name)
        self.registered = True

    def stop(self) -> None:
        """Ask the run to end (from any thread): no new assigns; in-flight processes get the grace period."""
        loop = self._loop
        if loop is None:
            return
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

        ``handle_signals`` handles SIGINT/SIGTERM during the run (main thread, Unix).
        """
        if not self.registered:
            await self.register()
        self._loop = asyncio.get_running_loop()
        self.stats = RunStats()
        self._stopping.clear()
        self._hurry.clear()
        self._reporter.hard_deadline = math.inf
        self._slots = math.inf if max_processes is None else max_processes
        started = time.monotonic()
        workers = [asyncio.create_task(self._worker(), name=f"colonies-worker-{i}") for i in range(self.concurrency)]
        all_done: asyncio.Future[Any] = asyncio.gather(*workers)
        stopping: asyncio.Future[Any] = asyncio.create_task(self._stopping.wait())
        with self._signal_handlers(handle_signals):
            await asyncio.wait({all_done, stopping}, timeout=max_seconds, return_when=asyncio.FIRST_COMPLETED)
            finished = time.monotonic()
            if not all_done.done():
                await self._shutdown(workers)
                finished = time.monotonic()
            else:
                await self._fail_orphans()
        stopping.cancel()
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
            await self._fail_unclaimed()
            self._reporter.hard_deadline = min(self._reporter.hard_deadline, time.monotonic() + 5.0)
            reporting = [self._tasks[pid] for pid, state in self._inflight.items() if state == "reporting"]
            if reporting:
                await asyncio.wait(reporting, timeout=max(0.0, self._reporter.hard_deadline - time.monotonic()))
            for worker in workers:
                worker.cancel()  # workers still waiting for an assign reply (a lost one is an orphan below)
            await asyncio.gather(*workers, return_exceptions=True)
        await self._fail_orphans()

    async def _fail_unclaimed(self) -> None:
        """Fail the in-flight processes whose function has not finished, and stop waiting for them."""
        pending = [pid for pid, state in self._inflight.items() if state == "running"]
        for pid in pending:
            self._inflight[pid] = "failed-at-shutdown"
            self._tasks[pid].cancel()
        for pid in pending:
            log.warning("process %s: still running after the grace period; failing it", pid)
            self._count(await self._reporter.report(pid, Outcome.failure(SHUTDOWN_REASON)))

    async def _fail_orphans(self) -> None:
        skip = self._abandoned | {pid for pid, state in self._inflight.items() if state == "reporting"}
        try:
            for _ in await self._reporter.fail_orphans(self.colonyname, skip, SHUTDOWN_REASON):
                self._count("failed")
        except ColoniesConnectionError as exc:
            log.error("could not check for processes left RUNNING on this executor: %s", exc)

    def _take_slot(self) -> bool:
        if self._slots <= 0:
            return False
        self._slots -= 1
        return True

    async def _worker(self) -> None:
        """One assign loop: assign, run, report, until stopping or out of slots."""
        backoff = Backoff()
        while not self._stopping.is_set() and self._take_slot():
            try:
                process = await self.client.assign(self.colonyname, self.poll_timeout, self._prvkey)
            except ServerError as exc:
                self._slots += 1
                if exc.status == 404:  # nothing to do within the long poll: ask again
                    backoff.reset()
                    continue
                await self._pause(backoff, f"the server refused to assign (status {exc.status}: {exc})")
                continue
            except Exception as exc:  # noqa: BLE001 - connection errors, replies the Process model rejects
                self._slots += 1
                self.stats.assign_errors += 1
                await self._pause(backoff, f"assign failed: {type(exc).__name__}: {exc}")
                continue
            backoff.reset()
            try:
                await self._handle(process)
            except Exception:
                log.exception("process %s: unexpected error; it is failed at exit if still running",
                              process.processid)

    async def _pause(self, backoff: Backoff, problem: str) -> None:
        delay = backoff.next()
        log.warning("%s; retrying in %.2f s", problem, delay)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)

    async def _handle(self, process: Process) -> None:
        """Run one assigned process and report it, unless shutdown already failed it."""
        pid = process.processid
        self._inflight[pid] = "running"
        self._tasks[pid] = asyncio.current_task()  # type: ignore[assignment]
        self.stats.assigned += 1
        try:
            outcome = await self._execute(process)
            if outcome.abandoned:
                log.warning("process %s: still running at its maxexectime (%s s); abandoned, the server "
                            "will release it", pid, process.spec.maxexectime)
                self._abandoned.add(pid)
                self.stats.abandoned += 1
                return
            if self._inflight.get(pid) != "running":  # the shutdown has failed it already
                return
            self._inflight[pid] = "reporting"
            self._count(await self._reporter.report(pid, outcome))
        finally:
            self._inflight.pop(pid, None)
            self._tasks.pop(pid, None)

    async def _execute(self, process: Process) -> Outcome:
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
            ctx = AsyncProcessContext(process, self.client, self.colonyname, self.executorname, self.executorid,
                                      self._prvkey, loop=asyncio.get_running_loop())
        if inspect.iscoroutinefunction(function.fn):
            outcome = await call_async_function(function, process, ctx, deadline)
        else:
            outcome = await asyncio.to_thread(call_function, function, process, ctx, deadline)
        if ctx is not None:
            await ctx.flush()  # its log lines reach the server before the close
        return outcome

    def _count(self, result: str) -> None:
        setattr(self.stats, result, getattr(self.stats, result) + 1)

    @contextlib.contextmanager
    def _signal_handlers(self, install: bool) -> Iterator[None]:
        """SIGINT/SIGTERM: the first stops gracefully, the second fails in-flight processes at once."""
        loop = self._loop
        if not install or loop is None or threading.current_thread() is not threading.main_thread():
            yield
            return

        def on_signal(signum: int) -> None:
            if self._stopping.is_set():
                log.warning("second signal: failing in-flight processes now")
                self._hurry.set()
            else:
                log.info("signal %s: stopping; in-flight processes get %.0f s",
                         signal.Signals(signum).name, self.grace_period)
            self._stopping.set()

        installed = []
        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform/loop
                    loop.add_signal_handler(sig, on_signal, sig)
                    installed.append(sig)
            yield
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

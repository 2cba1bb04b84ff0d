"""The process pool of ``cpu_bound`` functions, kept usable for a whole run.

A bare ``ProcessPoolExecutor`` fails a long-running executor in several ways:

* once one of its processes dies (an OOM kill, a crash in an extension) every later job fails
  with ``BrokenProcessPool``;
* a job abandoned at its ``maxexectime`` keeps its process busy: later jobs queue behind it,
  and the interpreter's exit waits for it;
* an exception or result that pickles but cannot be unpickled (an exception class whose
  ``__init__`` takes two arguments) breaks the whole pool, failing the jobs running beside it;
* Ctrl-C, or a SIGTERM to the whole process group (systemd's default ``KillMode=control-group``,
  ``kill -- -PGID``), reaches the pool's processes too, and the job dies with them instead of
  finishing within the runner's grace period; a process still starting dies of it too.

``CpuPool`` hands a job to a pool only when one of its processes is free, so no job waits inside
a pool. It retires a pool that broke or runs an abandoned job: new jobs go to a fresh pool, and
the retired pool's processes are killed as soon as no job anybody still waits for runs there.
Jobs run through ``_run_job``, which sends results and errors back as pickled bytes that the
waiting thread unpickles, so a bad one fails only its own job. Pool processes ignore SIGINT and
SIGTERM from birth (they start with both blocked): stopping is the runner's to do, and it
kills them when its shutdown is over.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from pycolonies_fast.executor.failures import BROKEN_STR, MAX_ERROR_CHARS, describe, safe_str

__all__ = ["refuse_in_a_starting_child", "CpuPool", "PastDeadline", "RemoteTraceback"]


class RemoteTraceback(Exception):
    """The traceback of an error raised in a pool process, as text (set as the error's ``__cause__``)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(eq=False)
class _Generation:
    """One ``ProcessPoolExecutor`` and the jobs in it that are still waited for."""

    pool: concurrent.futures.ProcessPoolExecutor
    waited_for: int = 0
    retired: bool = False


class PastDeadline(Exception):
    """The function was still running at the process's maxexectime (its own errors, a
    ``TimeoutError`` included, are never this)."""


class CpuPool:
    """Runs functions in ``size`` processes, one pool at a time.

    The processes are spawned (a fresh interpreter each, safe beside the runner's threads), not
    forked by a forkserver: a forkserver killed by a SIGTERM to the whole group would take the
    pool with it, since its processes report their end through it.
    """

    def __init__(self, size: int | None = None) -> None:
        self.size = size or os.cpu_count() or 1
        self._context = multiprocessing.get_context("spawn")
        self._changed = threading.Condition()  # guards the fields below; notified when a process frees up
        self._current: _Generation | None = None
        self._alive: set[_Generation] = set()  # not yet stopped: the current one and retired ones
        self._closed = False

    def call(self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], timeout: float | None) -> Any:
        """``fn(*args, **kwargs)`` in a pool process.

        Raises ``PastDeadline`` if it is not done within ``timeout`` seconds
        (counting any wait for a free process; a job that started is abandoned and its process
        killed), ``BrokenProcessPool`` if its process died, ``RuntimeError`` once the pool is shut
        down, or what ``fn`` raised (with the pool process's traceback as its ``__cause__``).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        generation, future = self._submit(fn, args, kwargs, deadline)
        try:
            succeeded, data = future.result(None if deadline is None else max(0.0, deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:  # only the wait timed out: what fn raises is in `data`
            self._retire(generation)
            raise PastDeadline() from None
        except BrokenProcessPool:
            self._retire(generation)
            raise
        finally:
            self._release(generation)
        return _unpacked(fn, succeeded, data)

    def shutdown(self) -> None:
        """Stop every pool and kill its processes; jobs still running are lost (their processes were failed)."""
        with self._changed:
            self._closed = True
            generations, self._alive, self._current = list(self._alive), set(), None
            self._changed.notify_all()
        for generation in generations:
            _stop(generation.pool)

    def _submit(
        self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], deadline: float | None
    ) -> tuple[_Generation, concurrent.futures.Future[Any]]:
        try:
            return self._submit_once(fn, args, kwargs, deadline)
        except BrokenProcessPool:  # it broke while no job waited on it: once more, on a fresh pool
            return self._submit_once(fn, args, kwargs, deadline)

    def _submit_once(
        self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], deadline: float | None
    ) -> tuple[_Generation, concurrent.futures.Future[Any]]:
        """Hand the job to the current pool (started on first use) once it has a free process."""
        with self._changed:
            while True:
                if self._closed:
                    raise RuntimeError("the process pool of this run is shut down")
                if self._current is None:
                    pool = concurrent.futures.ProcessPoolExecutor(
                        self.size, mp_context=self._context, initializer=_leave_stop_signals_to_the_runner)
                    self._current = _Generation(pool)
                    self._alive.add(self._current)
                if self._current.waited_for < self.size:
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise PastDeadline("no pool process became free before the deadline")
                self._changed.wait(remaining)
            generation = self._current
            try:
                with _stop_signals_blocked():  # the pool's processes start in submit(), from this thread
                    future = generation.pool.submit(_run_job, fn, args, kwargs)
            except BrokenProcessPool as exc:
                broken = exc
            else:
                generation.waited_for += 1
                return generation, future
        self._retire(generation)
        raise broken

    def _retire(self, generation: _Generation) -> None:
        """Send new jobs to a fresh pool; this one stops when no job in it is waited for."""
        with self._changed:
            generation.retired = True
            if self._current is generation:
                self._current = None
                self._changed.notify_all()
        self._stop_if_unused(generation)

    def _release(self, generation: _Generation) -> None:
        """One job of ``generation`` is no longer waited for: its process is free (or abandoned)."""
        with self._changed:
            generation.waited_for -= 1
            self._changed.notify_all()
        self._stop_if_unused(generation)

    def _stop_if_unused(self, generation: _Generation) -> None:
        with self._changed:
            unused = generation.retired and generation.waited_for == 0 and generation in self._alive
            if unused:
                self._alive.discard(generation)
        if unused:
            _stop(generation.pool)


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _stop_signals_blocked() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread only (other threads still take them for the runner).

    A process started meanwhile inherits the mask, so a signal that comes while it is still
    starting, before ``_leave_stop_signals_to_the_runner`` ran, waits instead of killing it.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no process-group signals to guard against
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _leave_stop_signals_to_the_runner() -> None:
    """In a pool process: ignore SIGINT and SIGTERM, which the runner handles (a graceful shutdown).

    The process started with both blocked (``_stop_signals_blocked``); once ignored, one that came
    meanwhile is dropped as they are unblocked.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _run_job(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> tuple[bool, bytes]:
    """In a pool process: ``(True, pickled result)`` or ``(False, pickled (error, traceback text))``.

    Pickled here, unpickled by the waiting thread (``_unpacked``): what cannot cross fails its own job.
    """
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - every error goes back to the waiting thread
        return False, _pickled_error(exc)
    try:
        return True, pickle.dumps(result)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result fails this job only
        return False, _pickled_error(TypeError(f"the result of {_name(fn)} cannot leave its pool process: {exc}"))


def _pickled_error(exc: BaseException) -> bytes:
    """``(exc, traceback text)`` pickled; an error that would not unpickle, or whose message is longer
    than a report may be, is sent as a RuntimeError with its (capped) summary."""
    summary, text = describe(exc)
    message = safe_str(exc)
    if message != BROKEN_STR and len(message) <= MAX_ERROR_CHARS:  # neither broken nor too long: itself
        try:
            data = pickle.dumps((exc, text))
            pickle.loads(data)
            return data
        except BaseException:  # noqa: BLE001 - e.g. an exception class whose __init__ takes two arguments
            pass
    return pickle.dumps((RuntimeError(f"{summary} (it cannot leave its pool process as it is)"), text))


def _unpacked(fn: Callable[..., Any], succeeded: bool, data: bytes) -> Any:
    """The result ``_run_job`` sent back, or raise the error it sent back."""
    try:
        value = pickle.loads(data)
    except Exception as exc:  # noqa: BLE001 - e.g. a result class the parent cannot import
        raise RuntimeError(f"the result of {_name(fn)} cannot be read back from its pool process: {exc}") from None
    if succeeded:
        return value
    error, text = value
    error.__cause__ = RemoteTraceback(text)
    raise error


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting and kill its processes (abandoned jobs may still run there)."""
    processes = list((pool._processes or {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()


def refuse_in_a_starting_child() -> None:
    """A spawn or forkserver child (a pool process of ``cpu_bound`` functions) imports the main
    script again while it starts: a runner started at the script's top level must not run there."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):  # what multiprocessing itself checks
        raise RuntimeError(
            "an executor was started while a child process was importing the main script (a process of "
            "the cpu_bound pool?): start executors under  if __name__ == '__main__':")

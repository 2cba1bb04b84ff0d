"""The process pool of ``cpu_bound`` functions, kept usable for a whole run.

A bare ``ProcessPoolExecutor`` fails a long-running executor in two ways: once one of its
processes dies (an OOM kill, a crash in an extension) every later job fails with
``BrokenProcessPool``; and a job abandoned at its ``maxexectime`` keeps its process busy, which
delays every later job and makes the interpreter's exit wait for it. ``CpuPool`` retires a pool
that broke or holds an abandoned job: new jobs go to a fresh pool, and the retired pool's
processes are killed as soon as no job anybody still waits for runs in them.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

__all__ = ["CpuPool"]


@dataclass(eq=False)
class _Generation:
    """One ``ProcessPoolExecutor`` and the jobs in it that are still waited for."""

    pool: concurrent.futures.ProcessPoolExecutor
    waited_for: int = 0
    retired: bool = False


class CpuPool:
    """Runs functions in ``size`` processes (forkserver on POSIX, else spawn), one pool at a time."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or os.cpu_count() or 1
        self._context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        self._lock = threading.Lock()
        self._current: _Generation | None = None
        self._alive: set[_Generation] = set()  # not yet stopped: the current one and retired ones
        self._closed = False

    def call(self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], timeout: float | None) -> Any:
        """``fn(*args, **kwargs)`` in a pool process.

        Raises ``concurrent.futures.TimeoutError`` if it is not done within ``timeout`` seconds (the
        job is abandoned and its process killed), ``BrokenProcessPool`` if its process died, or what
        ``fn`` raised.
        """
        generation, future = self._submit(fn, args, kwargs)
        try:
            return future.result(timeout)
        except (concurrent.futures.TimeoutError, BrokenProcessPool):
            self._retire(generation)
            raise
        finally:
            self._release(generation)

    def shutdown(self) -> None:
        """Stop every pool and kill its processes; jobs still running are lost (their processes were failed)."""
        with self._lock:
            self._closed = True
            generations, self._alive, self._current = list(self._alive), set(), None
        for generation in generations:
            _stop(generation.pool)

    def _submit(
        self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
    ) -> tuple[_Generation, concurrent.futures.Future[Any]]:
        try:
            return self._submit_once(fn, args, kwargs)
        except BrokenProcessPool:  # it broke while no job waited on it: once more, on a fresh pool
            return self._submit_once(fn, args, kwargs)

    def _submit_once(
        self, fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]
    ) -> tuple[_Generation, concurrent.futures.Future[Any]]:
        """Hand the job to the current pool (started on first use); a broken one is retired."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the process pool of this run is shut down")
            if self._current is None:
                self._current = _Generation(concurrent.futures.ProcessPoolExecutor(self.size, mp_context=self._context))
                self._alive.add(self._current)
            generation = self._current
            try:
                future = generation.pool.submit(fn, *args, **kwargs)
            except BrokenProcessPool as exc:
                broken = exc
            else:
                generation.waited_for += 1
                return generation, future
        self._retire(generation)
        raise broken

    def _retire(self, generation: _Generation) -> None:
        """Send new jobs to a fresh pool; this one stops when no job in it is waited for."""
        with self._lock:
            generation.retired = True
            if self._current is generation:
                self._current = None
        self._stop_if_unused(generation)

    def _release(self, generation: _Generation) -> None:
        """One job of ``generation`` is no longer waited for."""
        with self._lock:
            generation.waited_for -= 1
        self._stop_if_unused(generation)

    def _stop_if_unused(self, generation: _Generation) -> None:
        with self._lock:
            unused = generation.retired and generation.waited_for == 0 and generation in self._alive
            if unused:
                self._alive.discard(generation)
        if unused:
            _stop(generation.pool)


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Shut ``pool`` down without waiting and kill its processes (abandoned jobs may still run there)."""
    processes = list((pool._processes or {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()

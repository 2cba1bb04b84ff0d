"""How the async runner calls ``async def`` functions, and the ``ctx`` they (and plain functions) receive."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from typing import Any

from pycolonies_fast.executor.dispatch import (
    Function,
    Outcome,
    PastDeadline,
    ProcessContext,
    call_arguments,
    failure_from,
    to_output,
)
from pycolonies_fast.models import Process

__all__ = ["AsyncProcessContext", "call_async_function"]

log = logging.getLogger("pycolonies_fast.executor")


class AsyncProcessContext(ProcessContext):
    """``ProcessContext`` over an ``AsyncColonies`` client: ``ctx.client`` methods are coroutines.

    ``log(message)`` works from the loop and from a worker thread alike: it sends the line in the
    background (lines in order, one at a time), and the runner waits for it before closing the process.
    """

    __slots__ = ("_loop", "_order", "_pending")

    def __init__(
        self, process: Process, client: Any, colonyname: str, executorname: str, executorid: str, prvkey: str,
        *, loop: asyncio.AbstractEventLoop,
    ) -> None:
        super().__init__(process, client, colonyname, executorname, executorid, prvkey)
        self._loop = loop
        self._order = asyncio.Lock()  # FIFO: lines reach the server in the order they were logged
        self._pending: list[concurrent.futures.Future[None]] = []

    def log(self, message: str) -> None:
        """Append ``message`` to the process log on the server; failures are only logged here."""
        self._pending.append(asyncio.run_coroutine_threadsafe(self._send_log(message), self._loop))

    async def _send_log(self, message: str) -> None:
        try:
            async with self._order:
                await self.client.add_log(self.process.processid, message, self.prvkey)
        except Exception as exc:  # noqa: BLE001 - a lost log line must not fail the process
            log.warning("process %s: add_log failed: %s", self.process.processid, exc)

    async def flush(self) -> None:
        """Wait until every line sent so far has been written (or failed)."""
        pending, self._pending = self._pending, []
        for future in pending:
            await asyncio.wrap_future(future)


async def call_async_function(
    function: Function, process: Process, ctx: ProcessContext | None, deadline: float | None
) -> Outcome:
    """Await ``function`` for ``process`` (arguments as ``call_function`` builds them); cancel it at ``deadline``."""
    args, kwargs = call_arguments(function, process, ctx)
    try:
        if deadline is None:
            result = await function.fn(*args, **kwargs)
        else:
            result = await _before(deadline, function.fn(*args, **kwargs))
    except PastDeadline:
        return Outcome(False, abandoned=True)
    except asyncio.CancelledError as exc:
        if _runner_cancelled():
            raise
        return failure_from(exc)  # raised by the function itself (e.g. a helper task it awaited was cancelled)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - anything user code raises fails its process
        return failure_from(exc)
    return Outcome(True, output=to_output(result))


def _runner_cancelled() -> bool:
    """Whether the running task itself is being cancelled (shutdown), not just handed a CancelledError.

    Python 3.10 cannot tell the two apart: there every CancelledError counts as the runner's.
    """
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)
    return cancelling is None or cancelling() > 0


async def _before(deadline: float, coroutine: Any) -> Any:
    """Await ``coroutine`` as a task; cancel it and raise ``PastDeadline`` if it runs past ``deadline``."""
    task = asyncio.ensure_future(coroutine)
    try:
        done, _ = await asyncio.wait({task}, timeout=max(0.0, deadline - time.monotonic()))
    except asyncio.CancelledError:
        task.cancel()
        raise
    if not done:
        task.cancel()
        raise PastDeadline()
    return task.result()

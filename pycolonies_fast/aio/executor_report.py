"""Reporting results for the async runner: close or fail each process exactly once, never drop one silently.

The same rules as the threaded runner's ``Reporter`` (executor_report.py), awaited instead of
blocking: close/fail are retried after connection errors with backoff; when a retry is refused,
``get_process`` tells whether an earlier attempt had in fact arrived.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

from ..errors import ColoniesConnectionError, ServerError
from ..executor_dispatch import Outcome
from ..executor_report import FAILED, RUNNING, SUCCESSFUL, Backoff

__all__ = ["AsyncReporter"]

log = logging.getLogger("pycolonies_fast.executor")


class AsyncReporter:
    """Closes or fails processes for one executor identity through an ``AsyncColonies`` client.

    Gives up ``timeout`` seconds after the first attempt, or at ``hard_deadline`` (monotonic; set
    when shutting down), and says so in the log.
    """

    def __init__(self, client: Any, executorid: str, prvkey: str, timeout: float = 60.0) -> None:
        self.client = client
        self.executorid = executorid
        self._prvkey = prvkey
        self.timeout = timeout
        self.hard_deadline = math.inf

    async def report(self, processid: str, outcome: Outcome) -> str:
        """Close (``outcome.ok``) or fail the process; returns "closed", "failed", "lost" or "unreported"."""
        output, errors = outcome.output, (None if outcome.ok else outcome.errors)
        give_up = time.monotonic() + self.timeout
        backoff = Backoff()
        while True:
            action = "close" if errors is None else "fail"
            try:
                if errors is None:
                    await self.client.close(processid, output, self._prvkey)
                    return "closed"
                await self.client.fail(processid, errors, self._prvkey)
                return "failed"
            except TypeError as exc:  # the output cannot be encoded as JSON; nothing was sent
                errors = [f"the function's result cannot be sent as process output: {exc}"]
                continue
            except ServerError as exc:
                try:
                    verdict = await self._after_refusal(processid, action, exc)
                except ColoniesConnectionError as lookup_error:
                    problem: Exception = lookup_error
                else:
                    if verdict == "retry-as-fail":
                        errors = [f"the server refused to close the process: {exc}"]
                        continue
                    return verdict
            except ColoniesConnectionError as exc:
                problem = exc
            delay = backoff.next()
            if time.monotonic() + delay > min(give_up, self.hard_deadline):
                log.error("process %s: could not %s it (%s); giving up: it stays RUNNING until the server's "
                          "maxexectime releases it (or forever without one)", processid, action, problem)
                return "unreported"
            log.warning("process %s: %s failed (%s); retrying in %.2f s", processid, action, problem, delay)
            await asyncio.sleep(delay)

    async def _after_refusal(self, processid: str, action: str, refusal: ServerError) -> str:
        """Decide what a refused close/fail means by looking at the process on the server."""
        try:
            process = await self.client.get_process(processid, self._prvkey)
        except ServerError:
            process = None  # removed meanwhile
        wanted = SUCCESSFUL if action == "close" else FAILED
        if process is not None and process.assignedexecutorid == self.executorid:
            if process.state == wanted:  # an earlier attempt arrived although its reply was lost
                return "closed" if action == "close" else "failed"
            if process.state == RUNNING:
                if action == "close":
                    return "retry-as-fail"
                log.error("process %s: the server refused to fail it: %s", processid, refusal)
                return "unreported"
        state = "gone" if process is None else f"state {process.state}"
        log.warning("process %s: the server refused to %s it (%s) and it is no longer ours (%s): "
                    "it was released (maxexectime), cancelled or removed; result dropped",
                    processid, action, refusal, state)
        return "lost"

    async def fail_orphans(self, colonyname: str, skip: set[str], reason: str) -> list[str]:
        """Fail the processes still RUNNING on this executor (except ``skip``); returns their ids."""
        running = await self.client.list_processes(colonyname, 100, RUNNING, self._prvkey) or []
        orphans = [
            p["processid"] for p in running
            if p.get("assignedexecutorid") == self.executorid and p["processid"] not in skip
        ]
        for processid in orphans:
            log.warning("process %s: still RUNNING on this executor at exit; failing it", processid)
            await self.report(processid, Outcome.failure(reason))
        return orphans

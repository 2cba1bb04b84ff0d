"""Reporting results to the server: close or fail each process exactly once, and never silently drop one.

``close``/``fail`` are not idempotent at the HTTP level, so the transport does not repeat them once
they may have reached the server. Here they are retried after a connection error; if a retry is
then refused, ``get_process`` tells whether the earlier attempt had in fact arrived.
"""

from __future__ import annotations

import logging
import math
import random
import time
from typing import Any

from .errors import ColoniesConnectionError, ServerError
from .executor_dispatch import Outcome

__all__ = ["Backoff", "Reporter"]

log = logging.getLogger("pycolonies_fast.executor")

RUNNING, SUCCESSFUL, FAILED = 1, 2, 3


class Backoff:
    """Exponential backoff with full jitter: the n-th delay is uniform in [0, min(cap, base * 2**n)]."""

    def __init__(self, base: float = 0.05, cap: float = 5.0) -> None:
        self.base = base
        self.cap = cap
        self.attempt = 0

    def next(self) -> float:
        """The delay before the next attempt."""
        ceiling = min(self.cap, self.base * (2 ** min(self.attempt, 30)))
        self.attempt += 1
        return random.uniform(0.0, ceiling)

    def reset(self) -> None:
        self.attempt = 0


class Reporter:
    """Closes or fails processes for one executor identity, retrying connection errors.

    Gives up ``timeout`` seconds after the first attempt, or at ``hard_deadline`` (monotonic; the
    executor sets it when shutting down), and says so in the log.
    """

    def __init__(self, client: Any, executorid: str, prvkey: str, timeout: float = 60.0) -> None:
        self.client = client
        self.executorid = executorid
        self._prvkey = prvkey
        self.timeout = timeout
        self.hard_deadline = math.inf

    def report(self, processid: str, outcome: Outcome) -> str:
        """Close (``outcome.ok``) or fail the process; returns "closed", "failed", "lost" or "unreported"."""
        output, errors = outcome.output, (None if outcome.ok else outcome.errors)
        give_up = time.monotonic() + self.timeout
        backoff = Backoff()
        while True:
            action = "close" if errors is None else "fail"
            try:
                if errors is None:
                    self.client.close(processid, output, self._prvkey)
                    return "closed"
                self.client.fail(processid, errors, self._prvkey)
                return "failed"
            except TypeError as exc:  # the output cannot be encoded as JSON; nothing was sent
                errors = [f"the function's result cannot be sent as process output: {exc}"]
                continue
            except ServerError as exc:
                try:
                    verdict = self._after_refusal(processid, action, exc)
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
            limit = min(give_up, self.hard_deadline)
            if time.monotonic() + delay > limit:
                log.error(
                    "process %s: could not %s it (%s); giving up: it stays RUNNING until the server's "
                    "maxexectime releases it (or forever without one)", processid, action, problem,
                )
                return "unreported"
            log.warning("process %s: %s failed (%s); retrying in %.2f s", processid, action, problem, delay)
            time.sleep(delay)

    def _after_refusal(self, processid: str, action: str, refusal: ServerError) -> str:
        """Decide what a refused close/fail means by looking at the process on the server."""
        try:
            process = self.client.get_process(processid, self._prvkey)
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
        log.warning(
            "process %s: the server refused to %s it (%s) and it is no longer ours (%s): "
            "it was released (maxexectime), cancelled or removed; result dropped", processid, action, refusal, state,
        )
        return "lost"

    def fail_orphans(self, colonyname: str, skip: set[str], reason: str) -> list[str]:
        """Fail the processes still RUNNING on this executor (except ``skip``); returns their ids.

        Catches processes whose assign reply was lost. Looks at the colony's first 100 running
        processes (the server's limit per call).
        """
        running = self.client.list_processes(colonyname, 100, RUNNING, self._prvkey) or []
        orphans = [
            p["processid"] for p in running
            if p.get("assignedexecutorid") == self.executorid and p["processid"] not in skip
        ]
        for processid in orphans:
            log.warning("process %s: still RUNNING on this executor at exit; failing it", processid)
            self.report(processid, Outcome.failure(reason))
        return orphans

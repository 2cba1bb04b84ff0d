"""Reporting results to the server: close or fail each process exactly once, and never silently drop one.

``close``/``fail`` are not idempotent at the HTTP level, so the transport does not repeat them once
they may have reached the server. Here they are retried after a connection error; if a retry is
then refused, ``get_process`` tells whether the earlier attempt had in fact arrived.

A refusal is not final at once: while its database restarts the server answers with the driver's
error (``pq: the database system is shutting down``) under status 400, 403 or 500, which a status
cannot tell from a real refusal. So only a 404 from ``get_process`` means "removed" (any other
error of the lookup is retried like a connection error), and a refused close or fail of a process
``get_process`` shows still RUNNING on this executor is retried (with backoff) until it has been
refused ``MIN_REFUSALS`` times over at least ``refusal_patience`` seconds; only then is a close
turned into a fail, or a fail given up as "unreported".

The rules are written once, as steps (``ReporterCore``, core/steps.py); ``Reporter`` does their
I/O with a blocking client, ``AsyncReporter`` (aio/executor_report.py) awaits it.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Iterable
from typing import Any

from pycolonies_fast.core.states import ProcessState
from pycolonies_fast.core.steps import Do, Steps, drive
from pycolonies_fast.errors import ColoniesConnectionError, ConnectError, ServerError
from pycolonies_fast.executor.dispatch import Outcome
from pycolonies_fast.executor.failures import SHORT_REPORT_CHARS, short_report
from pycolonies_fast.models import Process

__all__ = ["Backoff", "Refusals", "Reporter", "ReporterCore", "orphans", "refusal_verdict"]

log = logging.getLogger("pycolonies_fast.executor")

#: A refusal of a process still RUNNING on this executor is final only after this many refusals
#: (and ``ReporterCore.refusal_patience`` seconds): the earlier ones may be a database hiccup.
MIN_REFUSALS = 3


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


def refusal_verdict(process: Process | None, executorid: str, action: str) -> str:
    """What a refused ``action`` ("close" or "fail") means, given the process as the server now has it.

    "closed"/"failed": an earlier attempt arrived although its reply was lost; "retry-as-fail": a
    refused close of a process still running on this executor (fail it instead); "unreported": a
    refused fail of such a process; "lost": the process is no longer ours (``None``: removed).
    """
    wanted = ProcessState.SUCCESSFUL if action == "close" else ProcessState.FAILED
    if process is not None and process.assignedexecutorid == executorid:
        if process.state == wanted:
            return "closed" if action == "close" else "failed"
        if process.state == ProcessState.RUNNING:
            return "retry-as-fail" if action == "close" else "unreported"
    return "lost"


#: get_process_history's window, in seconds, wide enough for every process still running.
_EVER = 10 * 365 * 24 * 3600


def running_on(colonyname: str, executorid: str, prvkey: str) -> tuple[str, int, int, str, str]:
    """Arguments of ``get_process_history`` for the processes RUNNING on one executor.

    The server filters by the assigned executor, with no count limit (``list_processes`` returns the
    colony's first 100 running processes of any executor, which can hide ours).
    """
    return (colonyname, _EVER, ProcessState.RUNNING, prvkey, executorid)


def orphans(running: Iterable[dict[str, Any]] | None, executorid: str, skip: set[str]) -> list[str]:
    """The ids among ``running`` (process dicts) assigned to ``executorid``, except ``skip``."""
    return [
        p["processid"] for p in running or ()
        if p.get("assignedexecutorid") == executorid and p["processid"] not in skip
    ]


class Refusals:
    """How long a close/fail of a process still RUNNING on this executor has been refused.

    ``final(now)`` counts one more refusal and says whether it is final: at least ``MIN_REFUSALS``
    of them, the first at least ``patience`` seconds ago. Earlier ones are retried: while its
    database restarts the server refuses everything with the driver's error.
    """

    def __init__(self, patience: float) -> None:
        self.patience = patience
        self.count = 0
        self.since: float | None = None

    def final(self, now: float) -> bool:
        self.count += 1
        if self.since is None:
            self.since = now
        return self.count >= MIN_REFUSALS and now - self.since >= self.patience

    def reset(self) -> None:
        self.count = 0
        self.since = None


def _too_big_to_retry(errors: list[str] | None, shortened: bool) -> bool:
    """Whether a refused fail is to be sent again at once in short (``SHORT_REPORT_CHARS``)."""
    return errors is not None and not shortened and sum(len(error) for error in errors) > SHORT_REPORT_CHARS


class ReporterCore:
    """The reporting rules for one executor identity, as steps; the subclasses do their I/O.

    A close/fail is retried through connection errors, and through refusals that may be a database
    hiccup (module docstring; ``refusal_patience`` seconds), until ``timeout`` seconds after the first
    attempt, or ``hard_deadline`` (monotonic; the executor sets it when shutting down), and the
    log says so when it gives up. Steps: ``Do("_call", method, *args)`` (a client method) and
    ``Do("_sleep", seconds)``.
    """

    def __init__(
        self, client: Any, executorid: str, prvkey: str, timeout: float = 60.0, refusal_patience: float = 5.0
    ) -> None:
        self.client = client
        self.executorid = executorid
        self._prvkey = prvkey
        self.timeout = timeout
        self.refusal_patience = refusal_patience
        self.hard_deadline = math.inf

    def report_steps(self, processid: str, outcome: Outcome) -> Steps[str]:
        """Close (``outcome.ok``) or fail the process; returns "closed", "failed", "lost" or "unreported"."""
        output, errors = outcome.output, (None if outcome.ok else outcome.errors)
        give_up = time.monotonic() + self.timeout
        backoff = Backoff()
        refusals = Refusals(self.refusal_patience)
        shortened = False
        while True:
            action = "close" if errors is None else "fail"
            try:
                if errors is None:
                    yield Do("_call", "close", processid, output, self._prvkey)
                    return "closed"
                yield Do("_call", "fail", processid, errors, self._prvkey)
                return "failed"
            except (TypeError, ValueError) as exc:  # the output cannot be encoded (NaN, ±inf, an object)
                if errors is not None:  # not even the failure can be sent: not an output problem
                    raise
                errors = [f"the function's result cannot be sent as process output: {exc}"]
                continue
            except ServerError as exc:
                if _too_big_to_retry(errors, shortened):
                    errors, shortened = self._shortened(processid, errors, exc), True
                    continue
                try:
                    verdict = yield from self._after_refusal(processid, action, exc)
                except ColoniesConnectionError as lookup_error:  # not a 404: the server may be the trouble
                    problem: Exception = lookup_error
                else:
                    if verdict not in ("retry-as-fail", "unreported"):
                        return verdict
                    problem = exc  # still ours and RUNNING: retry the same action ...
                    if refusals.final(time.monotonic()):  # ... unless the refusal persists
                        if verdict == "unreported":
                            log.error("process %s: the server refused to fail it: %s", processid, exc)
                            return verdict
                        log.warning("process %s: the server keeps refusing to close it (%s); failing it",
                                    processid, exc)
                        errors = [f"the server refused to close the process: {exc}"]
                        refusals.reset()
                        continue
            except ColoniesConnectionError as exc:
                if not isinstance(exc, ConnectError) and _too_big_to_retry(errors, shortened):
                    errors, shortened = self._shortened(processid, errors, exc), True  # a proxy's refusal
                    continue
                problem = exc
            delay = backoff.next()
            if time.monotonic() + delay > min(give_up, self.hard_deadline):
                log.error(
                    "process %s: could not %s it (%s); giving up: it stays RUNNING until the server's "
                    "maxexectime releases it (or forever without one)", processid, action, problem,
                )
                return "unreported"
            log.warning("process %s: %s failed (%s); retrying in %.2f s", processid, action, problem, delay)
            yield Do("_sleep", delay)

    @staticmethod
    def _shortened(processid: str, errors: list[str] | None, refusal: Exception) -> list[str]:
        log.warning("process %s: its failure report was refused (%s); failing it with a short one",
                    processid, refusal)
        return short_report(errors or [], refusal)

    def _after_refusal(self, processid: str, action: str, refusal: ServerError) -> Steps[str]:
        """Decide what a refused close/fail means by looking at the process on the server.

        Only a 404 means the process was removed; any other error of ``get_process`` is raised (the
        caller retries: while its database restarts the server refuses lookups too).
        """
        try:
            process = yield Do("_call", "get_process", processid, self._prvkey)
        except ServerError as exc:
            if exc.status != 404:
                raise
            process = None  # removed meanwhile
        verdict = refusal_verdict(process, self.executorid, action)
        if verdict == "lost":
            state = "gone" if process is None else f"state {process.state}"
            log.warning(
                "process %s: the server refused to %s it (%s) and it is no longer ours (%s): "
                "it was released (maxexectime), cancelled or removed; result dropped",
                processid, action, refusal, state,
            )
        return verdict

    def fail_orphans_steps(self, colonyname: str, skip: set[str], reason: str) -> Steps[list[str]]:
        """Fail the processes still RUNNING on this executor (except ``skip``); returns their ids.

        Catches processes whose assign reply was lost.
        """
        running = yield Do("_call", "get_process_history", *running_on(colonyname, self.executorid, self._prvkey))
        found = orphans(running, self.executorid, skip)
        for processid in found:
            log.warning("process %s: still RUNNING on this executor at exit; failing it", processid)
            yield from self.report_steps(processid, Outcome.failure(reason))
        return found


class Reporter(ReporterCore):
    """Closes or fails processes for one executor identity through a blocking ``Colonies`` client."""

    def report(self, processid: str, outcome: Outcome) -> str:
        """Close (``outcome.ok``) or fail the process; returns "closed", "failed", "lost" or "unreported"."""
        return drive(self.report_steps(processid, outcome), self)

    def fail_orphans(self, colonyname: str, skip: set[str], reason: str) -> list[str]:
        """Fail the processes still RUNNING on this executor (except ``skip``); returns their ids."""
        return drive(self.fail_orphans_steps(colonyname, skip, reason), self)

    def _call(self, method: str, *args: Any) -> Any:
        return getattr(self.client, method)(*args)

    @staticmethod
    def _sleep(seconds: float) -> None:
        time.sleep(seconds)

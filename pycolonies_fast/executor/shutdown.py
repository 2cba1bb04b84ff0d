"""How a run ends, as steps both runners drive: fail what the grace period leaves, fail the
processes still RUNNING on this executor, and what SIGINT/SIGTERM mean. ``RunnerCore`` mixes it in.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from pycolonies_fast.core.steps import Do, Steps
from pycolonies_fast.errors import ColoniesConnectionError
from pycolonies_fast.executor.dispatch import Outcome
from pycolonies_fast.executor.hooks import HookedRunner

__all__ = ["SHUTDOWN_REASON", "ShutdownSteps"]

log = logging.getLogger("pycolonies_fast.executor")

SHUTDOWN_REASON = "executor shutting down: the process did not finish within the grace period"


class ShutdownSteps(HookedRunner):
    """The shutdown's decisions over the in-flight bookkeeping of ``RunnerCore`` (executor/core.py)."""

    grace_period: float
    _abandoned: set[str]
    _stopping: Any  # threading.Event or asyncio.Event: is_set(), set()
    _hurry: Any

    def stop(self) -> None:
        raise NotImplementedError

    def _count(self, result: str) -> None:
        raise NotImplementedError

    def _claim_unfinished(self) -> list[str]:
        """The in-flight processes whose function has not finished, marked as failed by the shutdown."""
        with self._lock:
            pending = [pid for pid, state in self._inflight.items() if state == "running"]
            for pid in pending:
                self._inflight[pid] = "failed-at-shutdown"
        return pending

    def _fail_unclaimed_steps(self, pending: list[str]) -> Steps[None]:
        """Fail the processes ``_claim_unfinished`` took from their workers."""
        for pid in pending:
            log.warning("process %s: still running after the grace period; failing it", pid)
            reporting = time.monotonic()
            verdict = yield Do("_report", pid, Outcome.failure(SHUTDOWN_REASON))
            self._count(verdict)
            self._trace_ended(pid, verdict, SHUTDOWN_REASON, reporting)

    def _fail_orphans_steps(self) -> Steps[None]:
        """Last step of a run: fail the processes still RUNNING on this executor (a lost assign reply)."""
        with self._lock:
            skip = self._abandoned | {pid for pid, state in self._inflight.items() if state == "reporting"}
        try:
            failed = yield Do("_fail_orphans", skip)
        except ColoniesConnectionError as exc:
            log.error("could not check for processes left RUNNING on this executor: %s", exc)
            return
        for pid in failed:
            self._count("failed")
            self._emit("failed", processid=pid, error=SHUTDOWN_REASON, orphan=True)

    def _on_signal(self, signum: int) -> None:
        """SIGINT/SIGTERM: the first stops gracefully, the second fails in-flight processes at once."""
        if self._stopping.is_set():
            log.warning("second signal: failing in-flight processes now")
            self._hurry.set()
        else:
            log.info("signal %s: stopping; in-flight processes get %.0f s",
                     signal.Signals(signum).name, self.grace_period)
        self.stop()

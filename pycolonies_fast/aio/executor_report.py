"""Reporting results for the async runner: close or fail each process exactly once, never drop one silently.

The same rules as the threaded runner's ``Reporter``: both run the steps of ``ReporterCore``
(executor/report.py); here their I/O is awaited instead of blocking.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pycolonies_fast.core.steps import adrive
from pycolonies_fast.executor.dispatch import Outcome
from pycolonies_fast.executor.report import ReporterCore

__all__ = ["AsyncReporter"]


class AsyncReporter(ReporterCore):
    """Closes or fails processes for one executor identity through an ``AsyncColonies`` client."""

    async def report(self, processid: str, outcome: Outcome) -> str:
        """Close (``outcome.ok``) or fail the process; returns "closed", "failed", "lost" or "unreported"."""
        return await adrive(self.report_steps(processid, outcome), self)

    async def fail_orphans(self, colonyname: str, skip: set[str], reason: str) -> list[str]:
        """Fail the processes still RUNNING on this executor (except ``skip``); returns their ids."""
        return await adrive(self.fail_orphans_steps(colonyname, skip, reason), self)

    async def _call(self, method: str, *args: Any) -> Any:
        return await getattr(self.client, method)(*args)

    @staticmethod
    async def _sleep(seconds: float) -> None:
        await asyncio.sleep(seconds)

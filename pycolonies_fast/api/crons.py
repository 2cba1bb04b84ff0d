"""Cron methods: workflows the server submits on a schedule."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc
from pycolonies_fast.models import Workflow

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import CronDict, EmptyDict


class CronsMixin(ClientCore):
    """Add, run, list and remove crons."""

    @rpc
    def add_cron(
        self,
        cronname: str,
        cronexpr: str,
        wait: bool,
        workflow: Workflow,
        colonyname: str,
        prvkey: str,
        *,
        interval: int | None = None,
    ) -> Steps[CronDict]:
        """Schedule ``workflow`` with a 6-field cron expression (seconds first, e.g. ``0/5 * * * * *``).

        ``interval`` (new keyword, as the Go client's ``Cron.Interval``): run every ``interval``
        seconds instead (a whole number ≥ 1); the server then ignores ``cronexpr``. Anything else
        raises ValueError before any I/O.

        Fixed: upstream misspelled the field as ``waitforprevprocessgrap``, so ``wait`` was ignored;
        this sends ``waitforprevprocessgraph``, as a bool (the server refuses 0/1, which upstream's
        ignored field let through). The workflow travels as a JSON string.
        """
        if interval is not None and (type(interval) is not int or interval < 1):
            raise ValueError(f"interval must be a whole number of seconds >= 1, not {interval!r}")
        cron = {
            "name": cronname,
            "colonyname": colonyname,
            "interval": -1 if interval is None else interval,
            "waitforprevprocessgraph": bool(wait),
            "cronexpression": cronexpr,
            "workflowspec": json.dumps(workflow.model_dump(by_alias=True)),
        }
        return (yield Call({"msgtype": "addcronmsg", "cron": cron}, prvkey))

    @rpc
    def get_cron(self, cronid: str, prvkey: str) -> Steps[CronDict]:
        """One cron by id."""
        return (yield Call({"msgtype": "getcronmsg", "cronid": cronid}, prvkey, idempotent=True))

    @rpc
    def get_crons(self, colonyname: str, count: int, prvkey: str) -> Steps[list[CronDict]]:
        """Up to ``count`` crons of a colony (an empty list, never None)."""
        msg = {"msgtype": "getcronsmsg", "colonyname": colonyname, "count": count}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def del_cron(self, cronid: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a cron. Returns ``{}``."""
        return (yield Call({"msgtype": "removecronmsg", "all": False, "cronid": cronid}, prvkey))

    @rpc
    def run_cron(self, cronid: str, prvkey: str) -> Steps[CronDict]:
        """Trigger a cron's workflow now; returns the cron dict (not a process), as upstream."""
        return (yield Call({"msgtype": "runcronmsg", "cronid": cronid}, prvkey))

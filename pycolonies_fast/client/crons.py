"""Cron methods: workflows the server submits on a schedule."""

from __future__ import annotations

import json
from typing import Any

from ..models import Workflow
from ._base import ClientBase


class CronsMixin(ClientBase):
    """Add, run, list and remove crons."""

    def add_cron(self, cronname: str, cronexpr: str, wait: bool, workflow: Workflow, colonyname: str, prvkey: str) -> dict[str, Any]:
        """Schedule ``workflow`` with a 6-field cron expression (seconds first, e.g. ``0/5 * * * * *``).

        Fixed: upstream misspelled the field as ``waitforprevprocessgrap``, so ``wait`` was ignored;
        this sends ``waitforprevprocessgraph``. The workflow travels as a JSON string.
        """
        cron = {
            "name": cronname,
            "colonyname": colonyname,
            "interval": -1,
            "waitforprevprocessgraph": wait,
            "cronexpression": cronexpr,
            "workflowspec": json.dumps(workflow.model_dump(by_alias=True)),
        }
        return self._rpc({"msgtype": "addcronmsg", "cron": cron}, prvkey)

    def get_cron(self, cronid: str, prvkey: str) -> dict[str, Any]:
        """One cron by id."""
        return self._rpc({"msgtype": "getcronmsg", "cronid": cronid}, prvkey, idempotent=True)

    def get_crons(self, colonyname: str, count: int, prvkey: str) -> list[dict[str, Any]]:
        """Up to ``count`` crons of a colony (an empty list, never None)."""
        msg = {"msgtype": "getcronsmsg", "colonyname": colonyname, "count": count}
        return self._rpc(msg, prvkey, idempotent=True)

    def del_cron(self, cronid: str, prvkey: str) -> dict[str, Any]:
        """Remove a cron. Returns ``{}``."""
        return self._rpc({"msgtype": "removecronmsg", "all": False, "cronid": cronid}, prvkey)

    def run_cron(self, cronid: str, prvkey: str) -> dict[str, Any]:
        """Trigger a cron's workflow now; returns the cron dict (not a process), as upstream."""
        return self._rpc({"msgtype": "runcronmsg", "cronid": cronid}, prvkey)

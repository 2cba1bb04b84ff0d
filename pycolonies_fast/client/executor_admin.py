"""Executor self-service (not in upstream pycolonies): lookups by id, capabilities, allocations,
executor-level logs and unregistering functions. All but the lookup are signed by the executor itself.
"""

from __future__ import annotations

from typing import Any

from ._base import ClientCore
from ._steps import Call, Steps, rpc

__all__ = ["ExecutorAdminMixin"]


class ExecutorAdminMixin(ClientCore):
    """What an executor reports about itself, and executor lookup by id."""

    @rpc
    def get_executor_by_id(self, colonyname: str, executorid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One executor by id."""
        msg = {"msgtype": "getexecutorbyidmsg", "colonyname": colonyname, "executorid": executorid}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def update_executor(
        self, colonyname: str, executorname: str, capabilities: dict[str, Any], prvkey: str
    ) -> Steps[dict[str, Any]]:
        """Publish the calling executor's ``capabilities`` (``{"hardware": [...], "software": [...]}``)."""
        msg = {
            "msgtype": "updateexecutormsg", "colonyname": colonyname,
            "executorname": executorname, "capabilities": capabilities,
        }
        return (yield Call(msg, prvkey))

    @rpc
    def report_allocations(
        self, colonyname: str, executorname: str, allocations: dict[str, Any], prvkey: str
    ) -> Steps[dict[str, Any]]:
        """Report the calling executor's resource ``allocations`` (``{"projects": {name: {...}}}``)."""
        msg = {
            "msgtype": "reportallocationmsg", "colonyname": colonyname,
            "executorname": executorname, "allocations": allocations,
        }
        return (yield Call(msg, prvkey))

    @rpc
    def add_executor_log(self, colonyname: str, executorname: str, message: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Write a log line for the calling executor itself, not tied to a process."""
        msg = {
            "msgtype": "addexecutorlogmsg", "colonyname": colonyname,
            "executorname": executorname, "message": message,
        }
        return (yield Call(msg, prvkey))

    @rpc
    def remove_function(self, functionid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Unregister one of the calling executor's functions (``functionid`` from add_function)."""
        return (yield Call({"msgtype": "removefunctionmsg", "functionid": functionid}, prvkey))

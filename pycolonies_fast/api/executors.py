"""Executor methods: register, approve, reject, remove and look up executors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, ExecutorDict


class ExecutorsMixin(ClientCore):
    """Executor registration (colony key) and lookups (any member)."""

    @rpc
    def add_executor(self, executor: dict[str, Any], prvkey: str) -> Steps[ExecutorDict]:
        """Register an executor dict (``executorname``, ``executorid``, ``colonyname``, ``executortype``)."""
        return (yield Call({"msgtype": "addexecutormsg", "executor": executor}, prvkey))

    @rpc
    def list_executors(self, colonyname: str, prvkey: str) -> Steps[list[ExecutorDict] | None]:
        """All executors of a colony (``None`` if the server sends null)."""
        return (yield Call({"msgtype": "getexecutorsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def get_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[ExecutorDict]:
        """One executor by name."""
        msg = {"msgtype": "getexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def approve_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[EmptyDict]:
        """Approve an executor (state 1) so it may assign processes; colony key. Returns ``{}``."""
        msg = {"msgtype": "approveexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey))

    @rpc
    def reject_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[EmptyDict]:
        """Reject an executor (state 2); colony key. Returns ``{}``."""
        msg = {"msgtype": "rejectexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey))

    @rpc
    def remove_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove an executor; colony key. Returns ``{}``."""
        msg = {"msgtype": "removeexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey))

    @rpc
    def get_executor_by_id(self, colonyname: str, executorid: str, prvkey: str) -> Steps[ExecutorDict]:
        """One executor by id."""
        msg = {"msgtype": "getexecutorbyidmsg", "colonyname": colonyname, "executorid": executorid}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def update_executor(
        self, colonyname: str, executorname: str, capabilities: dict[str, Any], prvkey: str
    ) -> Steps[EmptyDict]:
        """Publish the calling executor's ``capabilities`` (``{"hardware": [...], "software": [...]}``).

        Returns ``{}``.
        """
        msg = {
            "msgtype": "updateexecutormsg", "colonyname": colonyname,
            "executorname": executorname, "capabilities": capabilities,
        }
        return (yield Call(msg, prvkey))

    @rpc
    def report_allocations(
        self, colonyname: str, executorname: str, allocations: dict[str, Any], prvkey: str
    ) -> Steps[EmptyDict]:
        """Report the calling executor's resource ``allocations`` (``{"projects": {name: {...}}}``). Returns ``{}``."""
        msg = {
            "msgtype": "reportallocationmsg", "colonyname": colonyname,
            "executorname": executorname, "allocations": allocations,
        }
        return (yield Call(msg, prvkey))

    @rpc
    def add_executor_log(self, colonyname: str, executorname: str, message: str, prvkey: str) -> Steps[EmptyDict]:
        """Write a log line for the calling executor itself, not tied to a process. Returns ``{}``."""
        msg = {
            "msgtype": "addexecutorlogmsg", "colonyname": colonyname,
            "executorname": executorname, "message": message,
        }
        return (yield Call(msg, prvkey))

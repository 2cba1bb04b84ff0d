"""Executor methods: register, approve, reject, remove and look up executors."""

from __future__ import annotations

from typing import Any

from ._base import ClientCore
from ._steps import Call, Steps, rpc


class ExecutorsMixin(ClientCore):
    """Executor registration (colony key) and lookups (any member)."""

    @rpc
    def add_executor(self, executor: dict[str, Any], prvkey: str) -> Steps[dict[str, Any]]:
        """Register an executor dict (``executorname``, ``executorid``, ``colonyname``, ``executortype``)."""
        return (yield Call({"msgtype": "addexecutormsg", "executor": executor}, prvkey))

    @rpc
    def list_executors(self, colonyname: str, prvkey: str) -> Steps[list[dict[str, Any]] | None]:
        """All executors of a colony (``None`` if the server sends null)."""
        return (yield Call({"msgtype": "getexecutorsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def get_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One executor by name."""
        msg = {"msgtype": "getexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def approve_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Approve an executor (state 1) so it may assign processes; colony key. Returns ``{}``."""
        msg = {"msgtype": "approveexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey))

    @rpc
    def reject_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Reject an executor (state 2); colony key. Returns ``{}``."""
        msg = {"msgtype": "rejectexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey))

    @rpc
    def remove_executor(self, colonyname: str, executorname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Remove an executor; colony key. Returns ``{}``."""
        msg = {"msgtype": "removeexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey))

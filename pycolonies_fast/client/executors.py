"""Executor methods: register, approve, reject, remove and look up executors."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class ExecutorsMixin(ClientBase):
    """Executor registration (colony key) and lookups (any member)."""

    def add_executor(self, executor: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Register an executor dict (``executorname``, ``executorid``, ``colonyname``, ``executortype``)."""
        return self._rpc({"msgtype": "addexecutormsg", "executor": executor}, prvkey)

    def list_executors(self, colonyname: str, prvkey: str) -> list[dict[str, Any]] | None:
        """All executors of a colony (``None`` if the server sends null)."""
        return self._rpc({"msgtype": "getexecutorsmsg", "colonyname": colonyname}, prvkey, idempotent=True)

    def get_executor(self, colonyname: str, executorname: str, prvkey: str) -> dict[str, Any]:
        """One executor by name."""
        msg = {"msgtype": "getexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return self._rpc(msg, prvkey, idempotent=True)

    def approve_executor(self, colonyname: str, executorname: str, prvkey: str) -> dict[str, Any]:
        """Approve an executor (state 1) so it may assign processes; colony key. Returns ``{}``."""
        msg = {"msgtype": "approveexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return self._rpc(msg, prvkey)

    def reject_executor(self, colonyname: str, executorname: str, prvkey: str) -> dict[str, Any]:
        """Reject an executor (state 2); colony key. Returns ``{}``."""
        msg = {"msgtype": "rejectexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return self._rpc(msg, prvkey)

    def remove_executor(self, colonyname: str, executorname: str, prvkey: str) -> dict[str, Any]:
        """Remove an executor; colony key. Returns ``{}``."""
        msg = {"msgtype": "removeexecutormsg", "colonyname": colonyname, "executorname": executorname}
        return self._rpc(msg, prvkey)

"""Function registry methods: executors announce the functions they can run."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class FunctionsMixin(ClientBase):
    """Register functions and list them per executor or per colony."""

    def add_function(self, colonyname: str, executorname: str, funcname: str, prvkey: str) -> dict[str, Any]:
        """Register ``funcname`` for the calling executor (``executorname`` must be the caller)."""
        fun = {"executorname": executorname, "colonyname": colonyname, "funcname": funcname}
        return self._rpc({"msgtype": "addfunctionmsg", "fun": fun}, prvkey)

    def get_functions_by_executor(self, colonyname: str, executorname: str, prvkey: str) -> list[dict[str, Any]] | None:
        """Functions registered by one executor (``None`` if the server sends null)."""
        msg = {"msgtype": "getfunctionsmsg", "colonyname": colonyname, "executorname": executorname}
        return self._rpc(msg, prvkey, idempotent=True)

    def get_functions_by_colony(self, colonyname: str, prvkey: str) -> list[dict[str, Any]] | None:
        """Functions registered in a colony (``None`` if the server sends null)."""
        return self._rpc({"msgtype": "getfunctionsmsg", "colonyname": colonyname}, prvkey, idempotent=True)

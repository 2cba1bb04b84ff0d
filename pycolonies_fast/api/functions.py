"""Function registry methods: executors announce the functions they can run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, FunctionDict


class FunctionsMixin(ClientCore):
    """Register functions and list them per executor or per colony."""

    @rpc
    def add_function(self, colonyname: str, executorname: str, funcname: str, prvkey: str) -> Steps[FunctionDict]:
        """Register ``funcname`` for the calling executor (``executorname`` must be the caller)."""
        fun = {"executorname": executorname, "colonyname": colonyname, "funcname": funcname}
        return (yield Call({"msgtype": "addfunctionmsg", "fun": fun}, prvkey))

    @rpc
    def get_functions_by_executor(
        self, colonyname: str, executorname: str, prvkey: str
    ) -> Steps[list[FunctionDict] | None]:
        """Functions registered by one executor (``None`` if the server sends null)."""
        msg = {"msgtype": "getfunctionsmsg", "colonyname": colonyname, "executorname": executorname}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_functions_by_colony(self, colonyname: str, prvkey: str) -> Steps[list[FunctionDict] | None]:
        """Functions registered in a colony (``None`` if the server sends null)."""
        return (yield Call({"msgtype": "getfunctionsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def remove_function(self, functionid: str, prvkey: str) -> Steps[EmptyDict]:
        """Unregister one of the calling executor's functions (``functionid`` from add_function). Returns ``{}``."""
        return (yield Call({"msgtype": "removefunctionmsg", "functionid": functionid}, prvkey))

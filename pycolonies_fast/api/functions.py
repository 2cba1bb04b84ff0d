"""Function registry methods: executors announce the functions they can run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, FunctionDict


class FunctionsMixin(ClientCore):
    """Register functions and list them per executor or per colony."""

    @rpc
    def add_function(
        self,
        colonyname: str,
        executorname: str,
        funcname: str,
        prvkey: str,
        *,
        description: str | None = None,
        args: Sequence[Mapping[str, Any]] | None = None,
    ) -> Steps[FunctionDict]:
        """Register ``funcname`` for the calling executor (``executorname`` must be the caller).

        New keywords, as the Go client's ``Function`` has them: ``description``, and ``args``, one
        mapping per parameter with ``name`` and ``type`` (str) and optionally ``description``,
        ``required`` (bool) and ``enum`` (list of str). Sent only when given, so the default
        payload is upstream's. The server sets the function's ``locationname`` from the executor's.
        """
        fun: dict[str, Any] = {"executorname": executorname, "colonyname": colonyname, "funcname": funcname}
        if description is not None:
            if not isinstance(description, str):
                raise TypeError(f"'description' must be a str, not {type(description).__name__}")
            fun["description"] = description
        if args is not None:
            fun["args"] = _function_args(args)
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


#: The fields of one function argument (the Go client's ``FunctionArg``) and the type each must have.
_ARG_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str, "type": str, "description": str, "required": bool, "enum": (list, tuple),
}


def _function_args(args: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``args`` as the server reads them, checked before any I/O: a clear TypeError or ValueError
    names the argument and the field, instead of a server refusal or a field silently dropped."""
    if isinstance(args, (str, bytes, Mapping)) or not isinstance(args, Sequence):
        raise TypeError(f"'args' must be a list of mappings, not {type(args).__name__}")
    checked = []
    for position, arg in enumerate(args):
        if not isinstance(arg, Mapping):
            raise TypeError(f"args[{position}] must be a mapping, not {type(arg).__name__}")
        unknown = set(arg) - set(_ARG_FIELDS)
        if unknown:
            raise ValueError(f"args[{position}] has unknown fields {sorted(map(str, unknown))}; "
                             f"known: {', '.join(_ARG_FIELDS)}")
        for field in ("name", "type"):
            if field not in arg:
                raise ValueError(f"args[{position}] needs a {field!r}")
        for field, value in arg.items():
            if not isinstance(value, _ARG_FIELDS[field]):
                raise TypeError(f"args[{position}][{field!r}] has the wrong type: {type(value).__name__}")
        if "enum" in arg and not all(isinstance(choice, str) for choice in arg["enum"]):
            raise TypeError(f"args[{position}]['enum'] must hold str values only")
        checked.append({field: list(value) if field == "enum" else value for field, value in arg.items()})
    return checked

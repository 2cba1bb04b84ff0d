"""Generator methods: workflows the server submits when enough arguments were packed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, GeneratorDict


class GeneratorsMixin(ClientCore):
    """Add, list, get and remove generators."""

    @rpc
    def get_generators(self, colonyname: str, prvkey: str, count: int = 100) -> Steps[list[GeneratorDict] | None]:
        """Up to ``count`` generators of a colony (``None`` if the server sends null)."""
        msg = {"msgtype": "getgeneratorsmsg", "colonyname": colonyname, "count": count}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_generator(self, generatorid: str, prvkey: str) -> Steps[GeneratorDict]:
        """One generator by id."""
        return (yield Call({"msgtype": "getgeneratormsg", "generatorid": generatorid}, prvkey, idempotent=True))

    @rpc
    def add_generator(self, generator: dict[str, Any], prvkey: str) -> Steps[GeneratorDict]:
        """Add a generator dict; its ``workflowspec`` must be a workflow as a JSON string."""
        return (yield Call({"msgtype": "addgeneratormsg", "generator": generator}, prvkey))

    @rpc
    def remove_generator(self, generatorid: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a generator. Returns ``{}``."""
        return (yield Call({"msgtype": "removegeneratormsg", "generatorid": generatorid}, prvkey))

    @rpc
    def pack_generator(self, generatorid: str, arg: str, prvkey: str) -> Steps[EmptyDict]:
        """Queue one argument for a generator; at its ``trigger`` count it submits its workflow. Returns ``{}``."""
        return (yield Call({"msgtype": "packgeneratormsg", "generatorid": generatorid, "arg": arg}, prvkey))

    @rpc
    def resolve_generator(self, colonyname: str, generatorname: str, prvkey: str) -> Steps[GeneratorDict]:
        """One generator by name."""
        msg = {"msgtype": "resolvegeneratormsg", "colonyname": colonyname, "generatorname": generatorname}
        return (yield Call(msg, prvkey, idempotent=True))

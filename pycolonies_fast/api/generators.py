"""Generator methods: workflows the server submits when enough arguments were packed."""

from __future__ import annotations

from typing import Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc


class GeneratorsMixin(ClientCore):
    """Add, list, get and remove generators."""

    @rpc
    def get_generators(self, colonyname: str, prvkey: str, count: int = 100) -> Steps[list[dict[str, Any]] | None]:
        """Up to ``count`` generators of a colony (``None`` if the server sends null)."""
        msg = {"msgtype": "getgeneratorsmsg", "colonyname": colonyname, "count": count}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_generator(self, generatorid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One generator by id."""
        return (yield Call({"msgtype": "getgeneratormsg", "generatorid": generatorid}, prvkey, idempotent=True))

    @rpc
    def add_generator(self, generator: dict[str, Any], prvkey: str) -> Steps[dict[str, Any]]:
        """Add a generator dict; its ``workflowspec`` must be a workflow as a JSON string."""
        return (yield Call({"msgtype": "addgeneratormsg", "generator": generator}, prvkey))

    @rpc
    def remove_generator(self, generatorid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Remove a generator. Returns ``{}``."""
        return (yield Call({"msgtype": "removegeneratormsg", "generatorid": generatorid}, prvkey))

    @rpc
    def pack_generator(self, generatorid: str, arg: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Queue one argument for a generator; at its ``trigger`` count it submits its workflow."""
        return (yield Call({"msgtype": "packgeneratormsg", "generatorid": generatorid, "arg": arg}, prvkey))

    @rpc
    def resolve_generator(self, colonyname: str, generatorname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One generator by name."""
        msg = {"msgtype": "resolvegeneratormsg", "colonyname": colonyname, "generatorname": generatorname}
        return (yield Call(msg, prvkey, idempotent=True))

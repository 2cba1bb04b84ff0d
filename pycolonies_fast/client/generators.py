"""Generator methods: workflows the server submits when enough arguments were packed."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class GeneratorsMixin(ClientBase):
    """Add, list, get and remove generators."""

    def get_generators(self, colonyname: str, prvkey: str, count: int = 100) -> list[dict[str, Any]] | None:
        """Up to ``count`` generators of a colony (``None`` if the server sends null)."""
        msg = {"msgtype": "getgeneratorsmsg", "colonyname": colonyname, "count": count}
        return self._rpc(msg, prvkey, idempotent=True)

    def get_generator(self, generatorid: str, prvkey: str) -> dict[str, Any]:
        """One generator by id."""
        return self._rpc({"msgtype": "getgeneratormsg", "generatorid": generatorid}, prvkey, idempotent=True)

    def add_generator(self, generator: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Add a generator dict; its ``workflowspec`` must be a workflow as a JSON string."""
        return self._rpc({"msgtype": "addgeneratormsg", "generator": generator}, prvkey)

    def remove_generator(self, generatorid: str, prvkey: str) -> dict[str, Any]:
        """Remove a generator. Returns ``{}``."""
        return self._rpc({"msgtype": "removegeneratormsg", "generatorid": generatorid}, prvkey)

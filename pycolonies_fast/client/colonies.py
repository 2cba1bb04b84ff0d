"""Colony methods: create, remove, list and inspect colonies."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class ColoniesMixin(ClientBase):
    """Colony administration (mostly with the server key) and colony statistics."""

    def add_colony(self, colony: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Create a colony from ``{"colonyid": ..., "name": ...}``; needs the server key."""
        return self._rpc({"msgtype": "addcolonymsg", "colony": colony}, prvkey)

    def del_colony(self, colonyname: str, prvkey: str) -> dict[str, Any]:
        """Remove a colony; needs the server key. Returns ``{}``."""
        return self._rpc({"msgtype": "removecolonymsg", "colonyname": colonyname}, prvkey)

    def list_colonies(self, prvkey: str) -> list[dict[str, Any]] | None:
        """All colonies (server key); ``None`` when there are none, as the server sends null."""
        return self._rpc({"msgtype": "getcoloniesmsg"}, prvkey, idempotent=True)

    def get_colony(self, colonyname: str, prvkey: str) -> dict[str, Any]:
        """One colony as ``{"colonyid", "name"}``."""
        return self._rpc({"msgtype": "getcolonymsg", "colonyname": colonyname}, prvkey, idempotent=True)

    def stats(self, colonyname: str, prvkey: str) -> dict[str, Any]:
        """Counts of executors, processes and workflows per state in a colony."""
        return self._rpc({"msgtype": "getcolonystatsmsg", "colonyname": colonyname}, prvkey, idempotent=True)

"""Location methods (not in upstream pycolonies): named sites that executors can be bound to."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase

__all__ = ["LocationsMixin"]


class LocationsMixin(ClientBase):
    """Add and remove locations (colony key); list and get them (any member)."""

    def add_location(self, location: dict[str, Any], prvkey: str) -> dict[str, Any]:
        """Add a location dict (``name``, ``colonyname``, ``description``, ``long``, ``lat``); colony key."""
        return self._rpc({"msgtype": "addlocationmsg", "location": location}, prvkey)

    def get_location(self, colonyname: str, name: str, prvkey: str) -> dict[str, Any]:
        """One location by name."""
        msg = {"msgtype": "getlocationmsg", "colonyname": colonyname, "name": name}
        return self._rpc(msg, prvkey, idempotent=True)

    def get_locations(self, colonyname: str, prvkey: str) -> list[dict[str, Any]] | None:
        """All locations of a colony (``None`` if the server sends null)."""
        return self._rpc({"msgtype": "getlocationsmsg", "colonyname": colonyname}, prvkey, idempotent=True)

    def remove_location(self, colonyname: str, name: str, prvkey: str) -> dict[str, Any]:
        """Remove a location; colony key. Returns ``{}``."""
        msg = {"msgtype": "removelocationmsg", "colonyname": colonyname, "name": name}
        return self._rpc(msg, prvkey)

"""Location methods (not in upstream pycolonies): named sites that executors can be bound to."""

from __future__ import annotations

from typing import Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

__all__ = ["LocationsMixin"]


class LocationsMixin(ClientCore):
    """Add and remove locations (colony key); list and get them (any member)."""

    @rpc
    def add_location(self, location: dict[str, Any], prvkey: str) -> Steps[dict[str, Any]]:
        """Add a location dict (``name``, ``colonyname``, ``description``, ``long``, ``lat``); colony key."""
        return (yield Call({"msgtype": "addlocationmsg", "location": location}, prvkey))

    @rpc
    def get_location(self, colonyname: str, name: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One location by name."""
        msg = {"msgtype": "getlocationmsg", "colonyname": colonyname, "name": name}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_locations(self, colonyname: str, prvkey: str) -> Steps[list[dict[str, Any]] | None]:
        """All locations of a colony (``None`` if the server sends null)."""
        return (yield Call({"msgtype": "getlocationsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def remove_location(self, colonyname: str, name: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Remove a location; colony key. Returns ``{}``."""
        msg = {"msgtype": "removelocationmsg", "colonyname": colonyname, "name": name}
        return (yield Call(msg, prvkey))

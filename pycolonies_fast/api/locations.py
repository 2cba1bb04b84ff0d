"""Location methods (not in upstream pycolonies): named sites that executors can be bound to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, LocationDict

__all__ = ["LocationsMixin"]


class LocationsMixin(ClientCore):
    """Add and remove locations (colony key); list and get them (any member)."""

    @rpc
    def add_location(self, location: dict[str, Any], prvkey: str) -> Steps[LocationDict]:
        """Add a location dict (``name``, ``colonyname``, ``description``, ``long``, ``lat``); colony key."""
        return (yield Call({"msgtype": "addlocationmsg", "location": location}, prvkey))

    @rpc
    def get_location(self, colonyname: str, name: str, prvkey: str) -> Steps[LocationDict]:
        """One location by name."""
        msg = {"msgtype": "getlocationmsg", "colonyname": colonyname, "name": name}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_locations(self, colonyname: str, prvkey: str) -> Steps[list[LocationDict] | None]:
        """All locations of a colony (``None`` if the server sends null)."""
        return (yield Call({"msgtype": "getlocationsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def remove_location(self, colonyname: str, name: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a location; colony key. Returns ``{}``."""
        msg = {"msgtype": "removelocationmsg", "colonyname": colonyname, "name": name}
        return (yield Call(msg, prvkey))

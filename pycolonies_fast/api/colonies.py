"""Colony methods: create, remove, list and inspect colonies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import ColonyDict, EmptyDict, PauseStatusDict, StatisticsDict


class ColoniesMixin(ClientCore):
    """Colony administration (mostly with the server key) and colony statistics."""

    @rpc
    def add_colony(self, colony: dict[str, Any], prvkey: str) -> Steps[ColonyDict]:
        """Create a colony from ``{"colonyid": ..., "name": ...}``; needs the server key."""
        return (yield Call({"msgtype": "addcolonymsg", "colony": colony}, prvkey))

    @rpc
    def del_colony(self, colonyname: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a colony; needs the server key. Returns ``{}``."""
        return (yield Call({"msgtype": "removecolonymsg", "colonyname": colonyname}, prvkey))

    @rpc
    def list_colonies(self, prvkey: str) -> Steps[list[ColonyDict] | None]:
        """All colonies (server key); ``None`` when there are none, as the server sends null."""
        return (yield Call({"msgtype": "getcoloniesmsg"}, prvkey, idempotent=True))

    @rpc
    def get_colony(self, colonyname: str, prvkey: str) -> Steps[ColonyDict]:
        """One colony as ``{"colonyid", "name"}``."""
        return (yield Call({"msgtype": "getcolonymsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def stats(self, colonyname: str, prvkey: str) -> Steps[StatisticsDict]:
        """Counts of executors, processes and workflows per state in a colony."""
        return (yield Call({"msgtype": "getcolonystatsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def pause_assignments(self, colonyname: str, prvkey: str) -> Steps[EmptyDict]:
        """Stop handing out processes in a colony (assign then fails); colony key. Returns ``{}``."""
        return (yield Call({"msgtype": "pauseassignmentsmsg", "colonyname": colonyname}, prvkey))

    @rpc
    def resume_assignments(self, colonyname: str, prvkey: str) -> Steps[EmptyDict]:
        """Hand out processes again after ``pause_assignments``; colony key. Returns ``{}``."""
        return (yield Call({"msgtype": "resumeassignmentsmsg", "colonyname": colonyname}, prvkey))

    @rpc
    def get_pause_status(self, colonyname: str, prvkey: str) -> Steps[PauseStatusDict]:
        """Whether assignment is paused: ``{"msgtype", "colonyname", "ispaused"}``."""
        return (yield Call({"msgtype": "getpausestatusmsg", "colonyname": colonyname}, prvkey, idempotent=True))

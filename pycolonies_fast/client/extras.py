"""Methods upstream pycolonies lacks in areas whose upstream methods live in other mixins:
users, snapshots, log search and generators (kept apart so those mixins stay upstream's set).
"""

from __future__ import annotations

from typing import Any

from ._base import ClientCore
from ._steps import Call, Steps, rpc

__all__ = ["ExtrasMixin"]


def _remove_snapshot(colonyname: str, snapshotid: str, name: str, prvkey: str) -> Call:
    """The removesnapshotmsg call: the server removes by id when given, else by name."""
    msg = {"msgtype": "removesnapshotmsg", "colonyname": colonyname, "snapshotid": snapshotid, "name": name}
    return Call(msg, prvkey)


class ExtrasMixin(ClientCore):
    """User lookups, snapshot removal, log search, generator packing and lookup by name."""

    @rpc
    def get_user(self, colonyname: str, name: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One user of a colony by name."""
        return (yield Call({"msgtype": "getusermsg", "colonyname": colonyname, "name": name}, prvkey, idempotent=True))

    @rpc
    def get_user_by_id(self, colonyname: str, userid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One user of a colony by id."""
        msg = {"msgtype": "getuserbyidmsg", "colonyname": colonyname, "userid": userid}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def remove_snapshot_by_name(self, colonyname: str, name: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Remove a snapshot by name. Returns ``{}``."""
        return (yield _remove_snapshot(colonyname, "", name, prvkey))

    @rpc
    def remove_snapshot_by_id(self, colonyname: str, snapshotid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Remove a snapshot by id. Returns ``{}``."""
        return (yield _remove_snapshot(colonyname, snapshotid, "", prvkey))

    @rpc
    def remove_all_snapshots(self, colonyname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Remove every snapshot of a colony. Returns ``{}``."""
        return (yield Call({"msgtype": "removeallsnapshotmsg", "colonyname": colonyname}, prvkey))

    @rpc
    def search_logs(
        self, colonyname: str, text: str, days: int, count: int, prvkey: str
    ) -> Steps[list[dict[str, Any]] | None]:
        """Log lines of the last ``days`` (≤ 30) containing ``text``, at most ``count`` (≤ 100)."""
        msg = {"msgtype": "searchlogsmsg", "colonyname": colonyname, "text": text, "days": days, "count": count}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def pack_generator(self, generatorid: str, arg: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Queue one argument for a generator; at its ``trigger`` count it submits its workflow."""
        return (yield Call({"msgtype": "packgeneratormsg", "generatorid": generatorid, "arg": arg}, prvkey))

    @rpc
    def resolve_generator(self, colonyname: str, generatorname: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One generator by name."""
        msg = {"msgtype": "resolvegeneratormsg", "colonyname": colonyname, "generatorname": generatorname}
        return (yield Call(msg, prvkey, idempotent=True))

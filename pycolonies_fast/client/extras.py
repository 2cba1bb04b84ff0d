"""Methods upstream pycolonies lacks in areas whose upstream methods live in other mixins:
users, snapshots, log search and generators (kept apart so those mixins stay upstream's set).
"""

from __future__ import annotations

from typing import Any

from ._base import ClientBase

__all__ = ["ExtrasMixin"]


class ExtrasMixin(ClientBase):
    """User lookups, snapshot removal, log search, generator packing and lookup by name."""

    def get_user(self, colonyname: str, name: str, prvkey: str) -> dict[str, Any]:
        """One user of a colony by name."""
        return self._rpc({"msgtype": "getusermsg", "colonyname": colonyname, "name": name}, prvkey, idempotent=True)

    def get_user_by_id(self, colonyname: str, userid: str, prvkey: str) -> dict[str, Any]:
        """One user of a colony by id."""
        msg = {"msgtype": "getuserbyidmsg", "colonyname": colonyname, "userid": userid}
        return self._rpc(msg, prvkey, idempotent=True)

    def remove_snapshot_by_name(self, colonyname: str, name: str, prvkey: str) -> dict[str, Any]:
        """Remove a snapshot by name. Returns ``{}``."""
        return self._remove_snapshot(colonyname, "", name, prvkey)

    def remove_snapshot_by_id(self, colonyname: str, snapshotid: str, prvkey: str) -> dict[str, Any]:
        """Remove a snapshot by id. Returns ``{}``."""
        return self._remove_snapshot(colonyname, snapshotid, "", prvkey)

    def _remove_snapshot(self, colonyname: str, snapshotid: str, name: str, prvkey: str) -> dict[str, Any]:
        msg = {"msgtype": "removesnapshotmsg", "colonyname": colonyname, "snapshotid": snapshotid, "name": name}
        return self._rpc(msg, prvkey)

    def remove_all_snapshots(self, colonyname: str, prvkey: str) -> dict[str, Any]:
        """Remove every snapshot of a colony. Returns ``{}``."""
        return self._rpc({"msgtype": "removeallsnapshotmsg", "colonyname": colonyname}, prvkey)

    def search_logs(
        self, colonyname: str, text: str, days: int, count: int, prvkey: str
    ) -> list[dict[str, Any]] | None:
        """Log lines of the last ``days`` (≤ 30) containing ``text``, at most ``count`` (≤ 100)."""
        msg = {"msgtype": "searchlogsmsg", "colonyname": colonyname, "text": text, "days": days, "count": count}
        return self._rpc(msg, prvkey, idempotent=True)

    def pack_generator(self, generatorid: str, arg: str, prvkey: str) -> dict[str, Any]:
        """Queue one argument for a generator; at its ``trigger`` count it submits its workflow."""
        return self._rpc({"msgtype": "packgeneratormsg", "generatorid": generatorid, "arg": arg}, prvkey)

    def resolve_generator(self, colonyname: str, generatorname: str, prvkey: str) -> dict[str, Any]:
        """One generator by name."""
        msg = {"msgtype": "resolvegeneratormsg", "colonyname": colonyname, "generatorname": generatorname}
        return self._rpc(msg, prvkey, idempotent=True)

"""Snapshot methods: freeze the files under a ColonyFS label under a name."""

from __future__ import annotations

from typing import Any

from ._base import ClientCore
from ._steps import Call, Steps, rpc


class SnapshotsMixin(ClientCore):
    """Create and look up ColonyFS snapshots."""

    @rpc
    def create_snapshot(self, colonyname: str, label: str, name: str, prvkey: str) -> Steps[dict[str, Any]]:
        """Snapshot the files currently under ``label`` as ``name`` (unique per colony)."""
        msg = {"msgtype": "createsnapshotmsg", "colonyname": colonyname, "label": label, "name": name}
        return (yield Call(msg, prvkey))

    @rpc
    def get_snapshots(self, colonyname: str, prvkey: str) -> Steps[list[dict[str, Any]] | None]:
        """All snapshots of a colony."""
        return (yield Call({"msgtype": "getsnapshotsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def get_snapshot_by_name(self, colonyname: str, name: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One snapshot by name."""
        msg = {"msgtype": "getsnapshotmsg", "colonyname": colonyname, "snapshotid": "", "name": name}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_snapshot_by_id(self, colonyname: str, snapshotid: str, prvkey: str) -> Steps[dict[str, Any]]:
        """One snapshot by id."""
        msg = {"msgtype": "getsnapshotmsg", "colonyname": colonyname, "snapshotid": snapshotid, "name": ""}
        return (yield Call(msg, prvkey, idempotent=True))

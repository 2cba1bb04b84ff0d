"""Snapshot methods: freeze the files under a ColonyFS label under a name."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase


class SnapshotsMixin(ClientBase):
    """Create and look up ColonyFS snapshots."""

    def create_snapshot(self, colonyname: str, label: str, name: str, prvkey: str) -> dict[str, Any]:
        """Snapshot the files currently under ``label`` as ``name`` (unique per colony)."""
        msg = {"msgtype": "createsnapshotmsg", "colonyname": colonyname, "label": label, "name": name}
        return self._rpc(msg, prvkey)

    def get_snapshots(self, colonyname: str, prvkey: str) -> list[dict[str, Any]] | None:
        """All snapshots of a colony."""
        return self._rpc({"msgtype": "getsnapshotsmsg", "colonyname": colonyname}, prvkey, idempotent=True)

    def get_snapshot_by_name(self, colonyname: str, name: str, prvkey: str) -> dict[str, Any]:
        """One snapshot by name."""
        msg = {"msgtype": "getsnapshotmsg", "colonyname": colonyname, "snapshotid": "", "name": name}
        return self._rpc(msg, prvkey, idempotent=True)

    def get_snapshot_by_id(self, colonyname: str, snapshotid: str, prvkey: str) -> dict[str, Any]:
        """One snapshot by id."""
        msg = {"msgtype": "getsnapshotmsg", "colonyname": colonyname, "snapshotid": snapshotid, "name": ""}
        return self._rpc(msg, prvkey, idempotent=True)

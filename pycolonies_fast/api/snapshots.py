"""Snapshot methods: freeze the files under a ColonyFS label under a name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import EmptyDict, SnapshotDict


class SnapshotsMixin(ClientCore):
    """Create and look up ColonyFS snapshots."""

    @rpc
    def create_snapshot(self, colonyname: str, label: str, name: str, prvkey: str) -> Steps[SnapshotDict]:
        """Snapshot the files currently under ``label`` as ``name`` (unique per colony)."""
        msg = {"msgtype": "createsnapshotmsg", "colonyname": colonyname, "label": label, "name": name}
        return (yield Call(msg, prvkey))

    @rpc
    def get_snapshots(self, colonyname: str, prvkey: str) -> Steps[list[SnapshotDict] | None]:
        """All snapshots of a colony."""
        return (yield Call({"msgtype": "getsnapshotsmsg", "colonyname": colonyname}, prvkey, idempotent=True))

    @rpc
    def get_snapshot_by_name(self, colonyname: str, name: str, prvkey: str) -> Steps[SnapshotDict]:
        """One snapshot by name."""
        msg = {"msgtype": "getsnapshotmsg", "colonyname": colonyname, "snapshotid": "", "name": name}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def get_snapshot_by_id(self, colonyname: str, snapshotid: str, prvkey: str) -> Steps[SnapshotDict]:
        """One snapshot by id."""
        msg = {"msgtype": "getsnapshotmsg", "colonyname": colonyname, "snapshotid": snapshotid, "name": ""}
        return (yield Call(msg, prvkey, idempotent=True))

    @rpc
    def remove_snapshot_by_name(self, colonyname: str, name: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a snapshot by name. Returns ``{}``."""
        return (yield _remove_snapshot(colonyname, "", name, prvkey))

    @rpc
    def remove_snapshot_by_id(self, colonyname: str, snapshotid: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove a snapshot by id. Returns ``{}``."""
        return (yield _remove_snapshot(colonyname, snapshotid, "", prvkey))

    @rpc
    def remove_all_snapshots(self, colonyname: str, prvkey: str) -> Steps[EmptyDict]:
        """Remove every snapshot of a colony. Returns ``{}``."""
        return (yield Call({"msgtype": "removeallsnapshotmsg", "colonyname": colonyname}, prvkey))


def _remove_snapshot(colonyname: str, snapshotid: str, name: str, prvkey: str) -> Call:
    """The removesnapshotmsg call: the server removes by id when given, else by name."""
    msg = {"msgtype": "removesnapshotmsg", "colonyname": colonyname, "snapshotid": snapshotid, "name": name}
    return Call(msg, prvkey)

"""Server-wide methods (not in upstream pycolonies): version, info, statistics and cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.steps import Call, Steps, rpc

if TYPE_CHECKING:  # annotations only: the reply TypedDicts cost no import time
    from pycolonies_fast.replies import ClusterDict, ServerInfoDict, StatisticsDict, VersionDict

__all__ = ["ServerMixin", "UNSIGNED_KEY"]

#: Signs the two messages the server answers without checking the signature (any key would do;
#: this one stands for "anonymous" and grants nothing elsewhere).
UNSIGNED_KEY = "00" * 31 + "01"


class ServerMixin(ClientCore):
    """What the server is and how busy it is; statistics and cluster need the server key."""

    @rpc
    def version(self, prvkey: str | None = None) -> Steps[VersionDict]:
        """The server's build: ``{"buildversion", "buildtime", "msgtype"}``. No key needed."""
        msg = {"msgtype": "versionmsg", "buildversion": "", "buildtime": ""}
        return (yield Call(msg, prvkey or UNSIGNED_KEY, idempotent=True))

    @rpc
    def server_info(self, prvkey: str | None = None) -> Steps[ServerInfoDict]:
        """Build and backends: ``{"buildversion", "buildtime", "backends": [{type, port, ...}]}``. No key needed."""
        return (yield Call({"msgtype": "getserverinfomsg"}, prvkey or UNSIGNED_KEY, idempotent=True))

    @rpc
    def get_statistics(self, prvkey: str) -> Steps[StatisticsDict]:
        """Server-wide counts of colonies, executors and processes per state; server key."""
        return (yield Call({"msgtype": "getstatisticsmsg"}, prvkey, idempotent=True))

    @rpc
    def get_cluster(self, prvkey: str) -> Steps[ClusterDict]:
        """The cluster's nodes and leader: ``{"nodes": [{name, host, port, ...}], "leader": {...}}``; server key."""
        return (yield Call({"msgtype": "getclustermsg"}, prvkey, idempotent=True))

"""Server-wide methods (not in upstream pycolonies): version, info, statistics and cluster."""

from __future__ import annotations

from typing import Any

from ._base import ClientBase

__all__ = ["ServerMixin", "UNSIGNED_KEY"]

#: Signs the two messages the server answers without checking the signature (any key would do;
#: this one stands for "anonymous" and grants nothing elsewhere).
UNSIGNED_KEY = "00" * 31 + "01"


class ServerMixin(ClientBase):
    """What the server is and how busy it is; statistics and cluster need the server key."""

    def version(self, prvkey: str | None = None) -> dict[str, Any]:
        """The server's build: ``{"buildversion", "buildtime", "msgtype"}``. No key needed."""
        msg = {"msgtype": "versionmsg", "buildversion": "", "buildtime": ""}
        return self._rpc(msg, prvkey or UNSIGNED_KEY, idempotent=True)

    def server_info(self, prvkey: str | None = None) -> dict[str, Any]:
        """Build and backends: ``{"buildversion", "buildtime", "backends": [{type, port, ...}]}``. No key needed."""
        return self._rpc({"msgtype": "getserverinfomsg"}, prvkey or UNSIGNED_KEY, idempotent=True)

    def get_statistics(self, prvkey: str) -> dict[str, Any]:
        """Server-wide counts of colonies, executors and processes per state; server key."""
        return self._rpc({"msgtype": "getstatisticsmsg"}, prvkey, idempotent=True)

    def get_cluster(self, prvkey: str) -> dict[str, Any]:
        """The cluster's nodes and leader: ``{"nodes": [{name, host, port, ...}], "leader": {...}}``; server key."""
        return self._rpc({"msgtype": "getclustermsg"}, prvkey, idempotent=True)

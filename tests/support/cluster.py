"""The fault instance as a cluster of three (``DEVSERVER_INSTANCE=fault scripts/dev-server start-cluster``):
its members' addresses, the cluster's leader, and ways to kill a member and bring it back.

Member 1 is the fault instance's own server (HTTP 50090); members 2 and 3 serve 50091 and 50092.
All three form one etcd cluster over the instance's PostgreSQL, so killing one disturbs nobody else.
"""

from __future__ import annotations

import time
from typing import Any

from pycolonies_fast.client import Colonies
from pycolonies_fast.errors import ColoniesConnectionError
from tests.support.fault import FAULT_DIR, START_TIMEOUT_S, FaultServer, kill_server

#: How long a cluster may take to agree on a leader (etcd elects one within seconds).
LEADER_TIMEOUT_S = 30.0


class FaultCluster:
    """A running cluster of the fault instance: ``endpoints`` of its members, the server key."""

    def __init__(self) -> None:
        env = dict(line.removeprefix("export ").split("=", 1) for line in FaultServer.script("env").splitlines())
        if "COLONIES_CLUSTER_PORTS" not in env:
            raise RuntimeError("the fault instance runs no cluster (dev-server env has no COLONIES_CLUSTER_PORTS)")
        self.host = env["COLONIES_SERVER_HOST"]
        self.ports = [int(port) for port in env["COLONIES_CLUSTER_PORTS"].split(",")]
        self.server_prvkey = env["COLONIES_SERVER_PRVKEY"]
        self.exclusive_assign = env["COLONIES_EXCLUSIVE_ASSIGN"] == "true"

    def __repr__(self) -> str:
        return f"FaultCluster({self.host}:{self.ports})"

    @staticmethod
    def start(exclusive_assign: bool = True) -> FaultCluster:
        """Start the cluster in the given assign mode, or the members that are not running (idempotent)."""
        FaultServer.script("start-cluster", START_TIMEOUT_S,
                           DEVSERVER_EXCLUSIVE_ASSIGN="true" if exclusive_assign else "false")
        return FaultCluster()

    @staticmethod
    def stop() -> None:
        """Stop the members; the fault instance's single server runs again."""
        FaultServer.script("stop-cluster", START_TIMEOUT_S)

    @property
    def endpoints(self) -> list[tuple[str, int]]:
        return [(self.host, port) for port in self.ports]

    def cluster_seen_by(self, port: int) -> dict[str, Any]:
        """``get_cluster`` as the member on ``port`` answers it."""
        with Colonies(self.host, port, timeout=10, retries=0) as client:
            return dict(client.get_cluster(self.server_prvkey))

    def leader_port(self, members: list[int] | None = None) -> int:
        """The HTTP port of the leader that all ``members`` (default: all) name; waits until they agree."""
        members = members or self.ports
        deadline = time.monotonic() + LEADER_TIMEOUT_S
        seen: dict[int, Any] = {}
        while time.monotonic() < deadline:
            try:
                seen = {port: self.cluster_seen_by(port)["leader"] for port in members}
            except ColoniesConnectionError as exc:
                seen = {0: repr(exc)}
            leaders = {(leader["name"], leader["apiport"]) for leader in seen.values() if isinstance(leader, dict)}
            if len(leaders) == 1 and len(seen) == len(members) and (name_port := leaders.pop())[0]:
                return int(name_port[1])
            time.sleep(0.2)
        raise AssertionError(f"members {members} did not agree on a leader in {LEADER_TIMEOUT_S} s: {seen}")

    def kill_member(self, port: int) -> None:
        """SIGKILL the member serving ``port`` (no graceful shutdown) and wait until it is gone."""
        member = self.ports.index(port) + 1
        pidfile = FAULT_DIR / ("colonies.pid" if member == 1 else f"cluster{member}.pid")
        kill_server(pidfile, port)

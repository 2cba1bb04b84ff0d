"""A real cluster: three Colonies servers forming one etcd cluster over one PostgreSQL database.

The fault instance runs as a cluster (tests/support/cluster.py, ``scripts/dev-server
start-cluster``) in exclusive assign mode, where every assign goes through the leader. A runner
over ``from_endpoints`` of all three members runs N processes; a third of the way in, the
leader's server is SIGKILLed. The run must finish on the two survivors with every process closed
exactly once and none lost, checked on the server itself. The killed member is brought back
afterwards and must rejoin the cluster.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.aio.executor import AsyncExecutor
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.executor import Executor, RunStats
from pycolonies_fast.funcspec import func_spec
from tests.support.cluster import FaultCluster
from tests.support.fault import FaultServer
from tests.support.identities import Identity, add_colony, unique

N = 500
KILL_AT = N // 3
WORKERS = 4
RUN_DEADLINE_S = 120  # the run stops by itself after this (max_seconds); the test then fails
OPTIONS: dict[str, Any] = {"poll_timeout": 1, "grace_period": 5.0, "report_timeout": 60.0}


@pytest.fixture(scope="module")
def fault_cluster(fault_server: FaultServer) -> Iterator[FaultCluster]:
    """The fault instance as a cluster in exclusive assign mode; its single server again afterwards."""
    cluster = FaultCluster.start(exclusive_assign=True)
    try:
        yield cluster
    finally:
        FaultCluster.stop()


@pytest.fixture
def cluster(fault_cluster: FaultCluster) -> Iterator[FaultCluster]:
    """The cluster with all three members running, before and after the test (a killed one is restarted)."""
    FaultCluster.start(exclusive_assign=True)
    yield fault_cluster
    FaultCluster.start(exclusive_assign=True)


@pytest.fixture
def cluster_colony(cluster: FaultCluster) -> Iterator[Identity]:
    """A colony of its own on the cluster (removed afterwards)."""
    with Colonies.from_endpoints(cluster.endpoints, timeout=30) as client:
        colony = add_colony(client, cluster.server_prvkey, "cluster")
        yield colony
        client.del_colony(colony.name, cluster.server_prvkey)


def test_every_member_lists_three_nodes_and_the_same_leader(cluster):
    leader = cluster.leader_port()  # waits until all three name one leader
    for port in cluster.ports:
        seen = cluster.cluster_seen_by(port)
        assert sorted(node["apiport"] for node in seen["nodes"]) == cluster.ports, seen
        assert len({node["name"] for node in seen["nodes"]}) == 3, seen
        assert seen["leader"]["apiport"] == leader, seen
    assert cluster.exclusive_assign


def square(i: int) -> list[int]:
    return [i, i * i]


class Scenario:
    """One run of N processes with the leader killed a third of the way in, and its checks."""

    def __init__(self, cluster: FaultCluster, colony: Identity) -> None:
        self.cluster = cluster
        self.colony = colony
        self.executortype = unique("type")
        self.key = Crypto().prvkey()  # the runner's executor key
        self.calls: Counter[int] = Counter()
        self.lock = threading.Lock()
        self.killed: int | None = None

    def task(self, i: int) -> list[int]:
        with self.lock:
            self.calls[i] += 1
        return square(i)

    def submit(self) -> dict[str, int]:
        """Submit the N processes (through the cluster, as the runner's executor); their ids and arguments."""
        with Colonies.from_endpoints(self.cluster.endpoints, timeout=30) as client:
            return {client.submit_func_spec(func_spec("task", [i], self.colony.name, self.executortype), self.key)
                    .processid: i for i in range(N)}

    def kill_leader_at_a_third(self, finished: Callable[[], bool]) -> None:
        """Wait until a third of the processes ran, then SIGKILL the leader's server."""
        leader = self.cluster.leader_port()
        deadline = time.monotonic() + RUN_DEADLINE_S
        while sum(self.calls.values()) < KILL_AT and not finished() and time.monotonic() < deadline:
            time.sleep(0.005)
        done = sum(self.calls.values())
        assert KILL_AT <= done < N, f"{done} of {N} processes had run at the kill: it must land in the middle"
        self.cluster.kill_member(leader)
        self.killed = leader

    def check(self, stats: RunStats, ids: dict[str, int]) -> None:
        """On the survivors: every process SUCCESSFUL with its output, each function call once, nothing left."""
        assert self.killed is not None, "the leader was not killed"
        survivors = [port for port in self.cluster.ports if port != self.killed]
        assert self.cluster.leader_port(survivors) in survivors  # they elected a new leader
        with Colonies.from_endpoints([(self.cluster.host, port) for port in survivors], timeout=30) as client:
            for state in (Colonies.WAITING, Colonies.RUNNING, Colonies.FAILED):
                assert client.list_processes(self.colony.name, 100, state, self.key) is None, f"left in {state}"
            for pid, i in ids.items():
                process = client.get_process(pid, self.key)
                assert (process.state, process.output) == (Colonies.SUCCESSFUL, [i, i * i]), pid
        assert set(self.calls) == set(range(N)) and max(self.calls.values()) == 1, "a function ran twice"
        assert (stats.assigned, stats.closed, stats.failed, stats.lost, stats.unreported) == (N, N, 0, 0, 0), stats

    def check_rejoin(self) -> None:
        """The killed member, started again with its etcd data, rejoins: all three name one leader."""
        assert self.killed is not None
        FaultCluster.start(exclusive_assign=True)
        leader = self.cluster.leader_port()
        seen = self.cluster.cluster_seen_by(self.killed)
        assert sorted(node["apiport"] for node in seen["nodes"]) == self.cluster.ports, seen
        assert seen["leader"]["apiport"] == leader


def test_executor_finishes_on_the_survivors_when_the_leader_is_killed(cluster, cluster_colony):
    scenario = Scenario(cluster, cluster_colony)
    with Colonies.from_endpoints(cluster.endpoints, timeout=30) as client:
        executor = Executor(client, cluster_colony.name, scenario.executortype, colony_prvkey=cluster_colony.prvkey,
                            prvkey=scenario.key, functions={"task": scenario.task}, workers=WORKERS, **OPTIONS)
        executor.register()
        ids = scenario.submit()
        result: list[RunStats] = []
        runner = threading.Thread(target=lambda: result.append(executor.run(N, RUN_DEADLINE_S, handle_signals=False)))
        runner.start()
        try:
            scenario.kill_leader_at_a_third(lambda: not runner.is_alive())
        except BaseException:
            executor.stop()
            raise
        finally:
            runner.join(RUN_DEADLINE_S + 30)
        assert not runner.is_alive() and result, "the executor run did not finish"
    scenario.check(result[0], ids)
    scenario.check_rejoin()


def test_async_executor_finishes_on_the_survivors_when_the_leader_is_killed(cluster, cluster_colony, run):
    scenario = Scenario(cluster, cluster_colony)

    async def task(i: int) -> list[int]:
        return scenario.task(i)

    async def main() -> tuple[RunStats, dict[str, int]]:
        async with AsyncColonies.from_endpoints(cluster.endpoints, timeout=30) as client:
            executor = AsyncExecutor(client, cluster_colony.name, scenario.executortype,
                                     colony_prvkey=cluster_colony.prvkey, prvkey=scenario.key,
                                     functions={"task": task}, concurrency=WORKERS, **OPTIONS)
            await executor.register()
            ids = await asyncio.to_thread(scenario.submit)
            running = asyncio.create_task(executor.run(N, RUN_DEADLINE_S, handle_signals=False))
            try:
                await asyncio.to_thread(scenario.kill_leader_at_a_third, running.done)
            except BaseException:
                executor.stop()
                raise
            finally:
                stats = await asyncio.wait_for(running, RUN_DEADLINE_S + 30)
            return stats, ids

    stats, ids = run(main())
    scenario.check(stats, ids)
    scenario.check_rejoin()

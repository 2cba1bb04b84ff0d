"""One variant's measurement against the real dev server: every process submitted is assigned and closed."""

from __future__ import annotations

import pytest

from pycolonies_fast.benchmark.measure import Bench, Progress
from pycolonies_fast.benchmark.references import build_go_client, install_upstream
from pycolonies_fast.core.states import ProcessState
from tests.support.identities import add_executor

N = 6
UNREGISTERED = 3  # executor state (colonies pkg/core/executor.go)


def in_state(bench: Bench, state: ProcessState) -> list[dict]:
    """The bench colony's processes in ``state``, listed with the key of a member (an executor of its own)."""
    if not hasattr(bench, "member_key"):
        bench.member_key = bench.executor()[2]
    return bench.client.list_processes(bench.colony, 100, int(state), bench.member_key) or []


def closed_in(bench: Bench, state: ProcessState) -> int:
    return len(in_state(bench, state))


@pytest.fixture
def bench(dev_server):
    bench = Bench(dev_server, N, realistic=False, progress=Progress(1, enabled=False))
    yield bench
    bench.close()


@pytest.mark.parametrize("variant", ["ours", "runner-2", "async-2"])
def test_each_of_ours_submits_assigns_and_closes_n(bench, variant):
    got = bench.measure(variant, variant)
    assert set(got) == {"submits_per_s", "cycles_per_s", "cpu_ms_per_submit", "cpu_ms_per_cycle"}
    assert all(value > 0 for value in got.values()), got
    assert closed_in(bench, ProcessState.SUCCESSFUL) == N
    assert closed_in(bench, ProcessState.WAITING) == 0


def test_the_realistic_cycle_closes_with_the_args_as_output(dev_server):
    bench = Bench(dev_server, 2, realistic=True, progress=Progress(1, enabled=False))
    try:
        bench.measure("ours", "ours")
        done = in_state(bench, ProcessState.SUCCESSFUL)
        assert sorted(p["out"] for p in done) == [[0], [1]]
    finally:
        bench.close()


def test_the_references_run_in_their_own_processes(bench):
    bench.upstream_python, bench.go_binary = install_upstream(), build_go_client()
    for variant in ("upstream", "go-2"):
        got = bench.measure(variant, variant)
        assert got["cycles_per_s"] > 0 and got["cpu_ms_per_cycle"] > 0, (variant, got)
    assert closed_in(bench, ProcessState.SUCCESSFUL) == 2 * N


def test_own_colony_is_removed_and_a_given_colonys_executors_too(dev_server, client, colony):
    own = Bench(dev_server, 1, realistic=False, progress=Progress(1, enabled=False))
    own.close()
    names = {c["name"] for c in client.list_colonies(dev_server["COLONIES_SERVER_PRVKEY"]) or []}
    assert own.colony not in names

    env = {k: v for k, v in dev_server.items() if k != "COLONIES_SERVER_PRVKEY"}
    env.update(COLONIES_COLONY_NAME=colony.name, COLONIES_COLONY_PRVKEY=colony.prvkey)
    given = Bench(env, 2, realistic=False, progress=Progress(1, enabled=False))
    given.measure("ours", "ours")
    assert given.colony == colony.name and len(given.executors) == 1
    given.close()
    member = add_executor(client, colony)
    states = {e["executorname"]: e["state"] for e in client.list_executors(colony.name, member.prvkey) or []}
    # This server version keeps removed executors, marked UNREGISTERED.
    assert {states.get(name, UNREGISTERED) for name in given.executors} == {UNREGISTERED}

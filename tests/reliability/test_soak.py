"""Soak: many RPCs and assign/close cycles on one client must not grow memory or leak descriptors.

Full size: 20,000 RPCs and 2,000 assign/close cycles (``SOAK_SCALE=1``); by default a quarter of
that, so the suite stays quick. RSS (VmRSS of /proc/self/status) and open descriptors
(/proc/self/fd) are measured after a warm-up and again at the end.
"""

from __future__ import annotations

import gc
import os
import time

import pytest

from pycolonies_fast.funcspec import func_spec
from tests.support.identities import add_executor, unique

SCALE = float(os.environ.get("SOAK_SCALE", "0.25"))
RPCS = int(20_000 * SCALE)
CYCLES = int(2_000 * SCALE)
MAX_RSS_GROWTH_KB = 5 * 1024
BATCH = 50  # processes submitted at a time, then assigned and closed one by one


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_soak_memory_and_descriptors_stay_flat(fault_server, fault_colony):
    with fault_server.client(timeout=60) as client:
        executor = add_executor(client, fault_colony)
        prvkey, executortype = executor.prvkey, executor.type
        colony = fault_colony.name
        spec = func_spec("f", ["soak", 1], colony, executortype)

        def cycles(count: int) -> None:
            for start in range(0, count, BATCH):
                ids = {client.submit_func_spec(spec, prvkey).processid for _ in range(min(BATCH, count - start))}
                for _ in ids:
                    process = client.assign(colony, 5, prvkey)
                    assert process.processid in ids
                    client.close(process.processid, ["done", process.processid], prvkey)

        def rpcs(count: int, pid: str) -> None:
            for k in range(count):
                if k % 2:
                    assert client.get_process(pid, prvkey).processid == pid
                else:
                    client.get_process_log(colony, pid, 1, -1, prvkey)

        # A process nobody assigns (a type without executors): the target of the plain RPCs.
        pid = client.submit_func_spec(func_spec("g", [], colony, unique("idle")), prvkey).processid
        rpcs(1_000, pid)  # warm-up: pools, caches, lazily built parts
        cycles(100)
        gc.collect()
        rss_before, fds_before = rss_kb(), open_fds()
        started = time.monotonic()

        cycles(CYCLES)
        rpcs(RPCS, pid)

        took = time.monotonic() - started
        gc.collect()
        rss_after, fds_after = rss_kb(), open_fds()
        print(f"\nsoak x{SCALE}: {RPCS} RPCs + {CYCLES} cycles in {took:.1f} s; "
              f"RSS {rss_before} -> {rss_after} kB ({rss_after - rss_before:+d} kB); fds {fds_before} -> {fds_after}")
        assert rss_after - rss_before < MAX_RSS_GROWTH_KB
        assert fds_after == fds_before

"""Faults: a server that dies, a database that restarts, a server that never answers, nobody listening.

The executor tests run pycolonies_fast.executor.Executor (4 workers) against the fault instance
(conftest.py), break the server or its PostgreSQL in the middle of the run, mend it, and then
check on the server's own process lists that every submitted process was closed exactly once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ColoniesConnectionError, ConnectError, RequestTimeoutError
from pycolonies_fast.executor import Executor, RunStats
from pycolonies_fast.funcspec import func_spec
from tests.support.fault import FaultServer
from tests.support.identities import unique
from tests.support.servers import RawServer, free_port, hang
from tests.support.timing import elapsed

N = 60
KEY = Crypto().prvkey()


def test_connection_refused_is_a_quick_connection_error():
    port = free_port()  # nothing listens there now
    with Colonies("127.0.0.1", port) as client:  # default retries and backoff
        took, exc = elapsed(lambda: client.get_process("ab" * 32, KEY))
    assert isinstance(exc, ConnectError) and isinstance(exc, ColoniesConnectionError), repr(exc)
    assert f"127.0.0.1:{port}" in str(exc) and "refused" in str(exc).lower()
    assert took < 1.0


@pytest.mark.parametrize("timeout", [0.5, 1.5])
def test_server_that_accepts_and_never_answers_times_out_in_the_configured_time(timeout):
    with RawServer([hang]) as stub, Colonies("127.0.0.1", stub.port, timeout=timeout) as client:
        took, exc = elapsed(lambda: client.add_log("ab" * 32, "hello", KEY))
    assert isinstance(exc, RequestTimeoutError), repr(exc)
    assert timeout - 0.05 <= took < timeout + 0.5


def test_websocket_server_that_never_answers_the_handshake_times_out():
    process = SimpleNamespace(
        processid="ab" * 32, spec=SimpleNamespace(conditions=SimpleNamespace(colonyname="c", executortype="t")))
    with RawServer([hang]) as stub, Colonies("127.0.0.1", stub.port, connect_timeout=1.0) as client:
        took, exc = elapsed(lambda: client.wait(process, 30, KEY))
    assert isinstance(exc, RequestTimeoutError), repr(exc)
    assert took < 2.5


def work(i: int) -> list[int]:
    return [i, i * i]


def run_with_fault(fault_server: FaultServer, client: Colonies, colony: Any, fault: Callable[[], None]) -> RunStats:
    """Run N processes with 4 workers, inject ``fault`` once a quarter is done, then check the server."""
    executortype = unique("type")
    executor = Executor(client, colony.name, executortype, colony_prvkey=colony.prvkey, workers=4,
                        poll_timeout=1, grace_period=5.0, report_timeout=60.0)
    calls: Counter[int] = Counter()
    lock = threading.Lock()

    @executor.function
    def task(i: int) -> list[int]:
        with lock:
            calls[i] += 1
        time.sleep(0.05)  # long enough that the fault lands in the middle of the run
        return work(i)

    executor.register()
    key = executor._prvkey
    ids = {client.submit_func_spec(func_spec("task", [i], colony.name, executortype), key).processid: i
           for i in range(N)}
    result: list[RunStats] = []
    runner = threading.Thread(target=lambda: result.append(executor.run(N, 150, handle_signals=False)))
    runner.start()
    deadline = time.monotonic() + 60
    while sum(calls.values()) < N // 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sum(calls.values()) < N, "the run ended before the fault: make the tasks slower"
    fault()
    runner.join(180)
    assert not runner.is_alive(), "the executor run did not finish"
    stats = result[0]

    def listed(state: int) -> list[str]:
        return [p["processid"] for p in client.list_processes(colony.name, 100, state, key) or []]

    assert listed(Colonies.FAILED) == [] and listed(Colonies.RUNNING) == [] and listed(Colonies.WAITING) == []
    successful = listed(Colonies.SUCCESSFUL)
    assert sorted(successful) == sorted(ids)  # each once, none missing, none extra
    for pid, i in ids.items():
        assert client.get_process(pid, key).output == [i, i * i]
    assert (stats.closed, stats.failed, stats.lost, stats.unreported) == (N, 0, 0, 0), stats
    assert set(calls) == set(range(N)) and max(calls.values()) == 1, "a function ran twice"
    return stats


def test_executor_survives_a_server_kill_and_restart(fault_server, fault_colony, caplog):
    def kill_and_restart() -> None:
        fault_server.kill_server()
        time.sleep(2.0)  # the workers meet connection errors and back off
        fault_server.start()

    with fault_server.client(timeout=30) as client, caplog.at_level(logging.WARNING, "pycolonies_fast.executor"):
        run_with_fault(fault_server, client, fault_colony, kill_and_restart)
    assert any("Connection refused" in record.getMessage() for record in caplog.records)  # the fault was felt


def test_executor_survives_a_postgresql_restart(fault_server, fault_colony, caplog):
    with fault_server.client(timeout=30) as client, caplog.at_level(logging.WARNING, "pycolonies_fast.executor"):
        run_with_fault(fault_server, client, fault_colony, fault_server.restart_postgres)
    assert any("pq: " in record.getMessage() or "dial tcp" in record.getMessage()
               for record in caplog.records)  # the fault was felt

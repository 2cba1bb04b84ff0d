"""Load: 16 threads x 500 RPCs on one shared client, against the fault instance: 0 errors, and every
reply is the answer to its own request (no reply crosses between threads on the pooled connections).
"""

from __future__ import annotations

import random
import threading
from typing import Any

from pycolonies_fast.funcspec import func_spec
from tests.support.identities import add_executor

THREADS = 16
CALLS = 500
PROCESSES = 64


def test_sixteen_threads_share_one_client(fault_server, fault_colony):
    with fault_server.client(timeout=60) as client:
        executor = add_executor(client, fault_colony)
        prvkey, executortype = executor.prvkey, executor.type
        expected = {}
        for i in range(PROCESSES):
            spec = func_spec("f", [f"arg-{i}", i], fault_colony.name, executortype)
            expected[client.submit_func_spec(spec, prvkey).processid] = [f"arg-{i}", i]
        ids = sorted(expected)
        errors: list[BaseException] = []
        mismatches: list[Any] = []
        done = [0] * THREADS

        def worker(n: int) -> None:
            rng = random.Random(n)
            for k in range(CALLS):
                pid = rng.choice(ids)
                try:
                    if k % 5 == 4:  # a second kind of call, whose reply names what was asked too
                        reply = client.get_process_log(fault_colony.name, pid, 10, -1, prvkey)
                        ok = reply is None or all(entry["processid"] == pid for entry in reply)
                        got: Any = reply
                    else:
                        process = client.get_process(pid, prvkey)
                        got = (process.processid, process.spec.args)
                        ok = got == (pid, expected[pid])
                except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                    errors.append(exc)
                    continue
                if not ok:
                    mismatches.append((pid, got))
                done[n] += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert not any(thread.is_alive() for thread in threads)
        assert errors == [] and mismatches == []
        assert done == [CALLS] * THREADS


def test_log_lines_from_many_threads_each_arrive_once(fault_server, fault_colony):
    """16 threads append distinct log lines to one process (non-idempotent calls): each is stored exactly once."""
    with fault_server.client(timeout=60) as client:
        executor = add_executor(client, fault_colony)
        prvkey, executortype = executor.prvkey, executor.type
        client.submit_func_spec(func_spec("f", [], fault_colony.name, executortype), prvkey)
        process = client.assign(fault_colony.name, 5, prvkey)
        per_thread = 30  # 480 lines: the server returns at most 500 per call

        def worker(n: int) -> None:
            for k in range(per_thread):
                client.add_log(process.processid, f"t{n}-{k}", prvkey)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        logs = client.get_process_log(fault_colony.name, process.processid, 500, -1, prvkey)
        messages = sorted(entry["message"] for entry in logs)
        assert messages == sorted(f"t{n}-{k}" for n in range(THREADS) for k in range(per_thread))
        client.close(process.processid, [], prvkey)


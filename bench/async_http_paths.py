"""Client CPU of AsyncColonies' HTTP path next to the threaded client's (issues #8, #19).

Two measurements against the dev server, each interleaving its paths over ``--rounds`` rounds:

* per RPC: client CPU per signed ``get_colony`` with 8 in flight;
* per cycle (``--runner N``): client CPU per assign+close cycle of AsyncExecutor (8 in flight)
  over N processes, next to the threaded Executor with 4 workers (its best here).

The paths:

* ``threaded``: the blocking ``Colonies`` (8 threads; in the runner table, ``Executor``, 4 workers);
* ``asyncio`` / ``asyncio-uvloop``: ``AsyncColonies`` as shipped (aio/transport.py: an
  ``asyncio.Protocol`` feeding llhttp), on asyncio's and uvloop's loop;
* ``aiohttp``: the same envelopes through one pooled aiohttp session, as AsyncColonies sent
  them before issue #19 (``_AiohttpTransport`` below: the baseline, not part of the package).

Run: eval "$(scripts/dev-server env)"; .venv/bin/python bench/async_http_paths.py [--calls 2400] [--runner 600]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.headline import Bench, Progress, server_env  # noqa: E402
from pycolonies_fast.aio import AsyncColonies  # noqa: E402
from pycolonies_fast.aio.executor import AsyncExecutor  # noqa: E402
from pycolonies_fast.client import Colonies  # noqa: E402
from pycolonies_fast.funcspec import func_spec  # noqa: E402

IN_FLIGHT = 8


class _AiohttpTransport:
    """POSTs envelopes through one pooled aiohttp session; ``AsyncTransport.post``'s shape (baseline)."""

    def __init__(self, host: str, port: int) -> None:
        import aiohttp

        self.url = f"http://{host}:{port}/api"
        self.session: aiohttp.ClientSession | None = None
        self.timeout = aiohttp.ClientTimeout(total=60)

    async def post(
        self, endpoint: int, body: bytes, read_timeout: float | None, idempotent: bool = False
    ) -> tuple[int, bytes]:
        import aiohttp

        if self.session is None:
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=16), auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar())
        async with self.session.post(self.url, data=body, timeout=self.timeout,
                                     headers={"Content-Type": "application/json"}) as response:
            return response.status, await response.read()

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


def _loop_runner(path: str) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """``asyncio.run``, or ``uvloop.run`` for the ``-uvloop`` paths."""
    if path.endswith("uvloop"):
        import uvloop

        return uvloop.run
    return asyncio.run


def _async_client(host: str, port: int, path: str) -> AsyncColonies:
    """An AsyncColonies as shipped, or with its transport swapped for the aiohttp baseline."""
    client = AsyncColonies(host, port)
    if path == "aiohttp":
        client._transport = _AiohttpTransport(host, port)  # type: ignore[assignment]
    return client


def rpc_threaded(host: str, port: int, colony: str, key: str, calls: int) -> float:
    """Client CPU µs per get_colony, ``IN_FLIGHT`` threads sharing one blocking client."""
    client = Colonies(host, port)
    for _ in range(50):
        client.get_colony(colony, key)

    def worker() -> None:
        for _ in range(calls // IN_FLIGHT):
            client.get_colony(colony, key)

    threads = [threading.Thread(target=worker) for _ in range(IN_FLIGHT)]
    start = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = time.process_time() - start
    client.close_connections()
    return cpu / calls * 1e6


async def rpc_async(host: str, port: int, colony: str, key: str, calls: int, path: str) -> float:
    """Client CPU µs per get_colony, ``IN_FLIGHT`` coroutines sharing one async client."""
    async with _async_client(host, port, path) as client:
        for _ in range(50):
            await client.get_colony(colony, key)

        async def worker() -> None:
            for _ in range(calls // IN_FLIGHT):
                await client.get_colony(colony, key)

        start = time.process_time()
        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
        return (time.process_time() - start) / calls * 1e6


def _run_rpc_async(host: str, port: int, colony: str, key: str, calls: int, path: str) -> float:
    return _loop_runner(path)(rpc_async(host, port, colony, key, calls, path))


def cycle_async(bench: Bench, path: str) -> dict[str, float]:
    """Submit N, then assign + close them with an AsyncExecutor on ``path``; cycles/s and CPU ms per cycle."""
    etype, name, key = bench.executor()
    bench._submit(bench.client, func_spec, etype, key, lambda i: None)

    async def noop(*args: Any) -> None:
        """The function: empty output, on the event loop."""

    async def run() -> float:
        async with _async_client(bench.host, bench.port, path) as client:
            runner = AsyncExecutor(client, bench.colony, etype, executorname=name, prvkey=key,
                                   functions={"echo": noop}, concurrency=IN_FLIGHT, announce_functions=False)
            stats = await runner.run(max_processes=bench.n, max_seconds=bench.limit, handle_signals=False)
        if stats.closed != bench.n:
            raise RuntimeError(f"{path}: closed {stats.closed} of {bench.n}: {stats}")
        return stats.elapsed

    start = time.process_time()
    elapsed = _loop_runner(path)(run())
    return {"cycles_per_s": bench.n / elapsed, "cpu_ms_per_cycle": (time.process_time() - start) / bench.n * 1e3}


def _interleaved(paths: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[Any]]:
    results: dict[str, list[Any]] = {name: [] for name in paths}
    for _ in range(rounds):
        for name, measure in paths.items():
            results[name].append(measure())
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2400, help="RPCs per path and round")
    parser.add_argument("--runner", type=int, default=0, metavar="N",
                        help="also measure the runners over N processes per path and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are printed")
    args = parser.parse_args(argv)
    env = os.environ
    host, port = env["COLONIES_SERVER_HOST"], int(env["COLONIES_SERVER_PORT"])
    colony, key = env["COLONIES_COLONY_NAME"], env["COLONIES_PRVKEY"]
    async_paths = ["asyncio", "asyncio-uvloop", "aiohttp"]

    rpc: dict[str, Callable[[], float]] = {"threaded": lambda: rpc_threaded(host, port, colony, key, args.calls)}
    for path in async_paths:
        rpc[path] = partial(_run_rpc_async, host, port, colony, key, args.calls, path)
    results = _interleaved(rpc, args.rounds)
    print(f"| path ({IN_FLIGHT} in flight) | client CPU per get_colony RPC (median of {args.rounds}) | "
          f"ratio to threaded |")
    print("|---|---:|---:|")
    threaded = statistics.median(results["threaded"])
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.0f} µs | {statistics.median(values) / threaded:.2f}× |")

    if args.runner:
        bench = Bench(server_env(), args.runner, False, Progress(args.runner, False))
        cycles: dict[str, Callable[[], dict[str, float]]] = {"threaded": lambda: bench.measure("runner-4", "")}
        for path in async_paths:
            cycles[path] = partial(cycle_async, bench, path)
        try:
            runs = _interleaved(cycles, args.rounds)
        finally:
            bench.close()
        print(f"\n| runner on path (N = {args.runner}) | cycles/s | client CPU per cycle (medians of {args.rounds}) "
              f"| cycles/s ratio | CPU ratio |")
        print("|---|---:|---:|---:|---:|")
        base_rate = statistics.median(v["cycles_per_s"] for v in runs["threaded"])
        base_cpu = statistics.median(v["cpu_ms_per_cycle"] for v in runs["threaded"])
        for name, values in runs.items():
            rate = statistics.median(v["cycles_per_s"] for v in values)
            cpu = statistics.median(v["cpu_ms_per_cycle"] for v in values)
            print(f"| {name} | {rate:.1f} | {cpu:.3f} ms | {rate / base_rate:.2f}× | {cpu / base_cpu:.2f}× |")
        print("\nper round (cycles/s, CPU ms per cycle): " + "; ".join(
            f"{name} " + ", ".join(f"{v['cycles_per_s']:.0f}/{v['cpu_ms_per_cycle']:.3f}" for v in values)
            for name, values in runs.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Which asyncio HTTP path could make the async runner cheaper than the threaded one? (issue #8)

Two measurements against the dev server, each interleaving its paths over ``--rounds`` rounds:

* per RPC: client CPU per signed ``get_colony`` with 8 in flight;
* per cycle (``--runner N``): client CPU per assign+close cycle of AsyncExecutor (8 in flight)
  over N processes, next to the threaded Executor with 4 workers (its best here).

The paths:

* ``threaded``: the blocking ``Colonies`` (8 threads; in the runner table, ``Executor``, 4 workers);
* ``aiohttp`` / ``aiohttp-uvloop``: ``AsyncColonies``, on asyncio's and uvloop's loop;
* ``protocol`` / ``protocol-uvloop``: the same envelopes through a minimal ``asyncio.Protocol``
  HTTP/1.1 client (keep-alive, any framing through transport.py's reply reader, a list of idle
  connections). An experiment, not part of the package: no TLS, no timeouts, no failure
  handling; it shows the floor an HTTP client of our own could reach.

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
from pycolonies_fast.core.http import read_response as _read_response  # noqa: E402
from pycolonies_fast.funcspec import func_spec  # noqa: E402

IN_FLIGHT = 8


class _Incomplete(Exception):
    """The buffered bytes end before the reply does."""


class _Exchange(asyncio.Protocol):
    """One keep-alive connection; ``waiter`` gets ``(status, body)`` of the reply to the last request."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is None:
            return
        unread = [bytes(self.buffer)]

        def recv(_: int) -> bytes:
            if unread:
                return unread.pop()
            raise _Incomplete

        try:  # the whole reply parsed again as more arrives: replies here are one or two segments
            status, body, _ = _read_response(recv)
        except _Incomplete:
            return
        self.buffer.clear()
        waiter, self.waiter = self.waiter, None
        waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))


class _ProtocolTransport:
    """POSTs envelopes over a list of idle ``_Exchange`` connections; ``AsyncTransport.post``'s shape."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.head = b"POST /api HTTP/1.1\r\nHost: %b:%d\r\nContent-Type: application/json\r\nContent-Length: " % (
            host.encode(), port)
        self.idle: list[_Exchange] = []

    async def post(
        self, endpoint: int, body: bytes, read_timeout: float | None, idempotent: bool = False
    ) -> tuple[int, bytes]:
        while self.idle and self.idle[-1].transport.is_closing():  # type: ignore[union-attr]
            self.idle.pop()
        if self.idle:
            conn = self.idle.pop()
        else:
            conn = (await asyncio.get_running_loop().create_connection(_Exchange, self.host, self.port))[1]
        conn.waiter = asyncio.get_running_loop().create_future()
        conn.transport.write(b"%b%d\r\n\r\n%b" % (self.head, len(body), body))  # type: ignore[union-attr]
        reply = await conn.waiter
        self.idle.append(conn)
        return reply

    async def close(self) -> None:
        for conn in self.idle:
            conn.transport.close()  # type: ignore[union-attr]
        self.idle.clear()


def _loop_runner(path: str) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    """``asyncio.run``, or ``uvloop.run`` for the ``-uvloop`` paths."""
    if path.endswith("uvloop"):
        import uvloop

        return uvloop.run
    return asyncio.run


def _async_client(host: str, port: int, path: str) -> AsyncColonies:
    """An AsyncColonies on aiohttp, or with its transport swapped for the protocol client."""
    client = AsyncColonies(host, port)
    if path.startswith("protocol"):
        client._transport = _ProtocolTransport(host, port)  # type: ignore[assignment]
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
    async_paths = ["aiohttp", "aiohttp-uvloop", "protocol", "protocol-uvloop"]

    rpc: dict[str, Callable[[], float]] = {"threaded": lambda: rpc_threaded(host, port, colony, key, args.calls)}
    for path in async_paths:
        rpc[path] = partial(_run_rpc_async, host, port, colony, key, args.calls, path)
    results = _interleaved(rpc, args.rounds)
    print(f"| path ({IN_FLIGHT} in flight) | client CPU per get_colony RPC (median of {args.rounds}) |")
    print("|---|---:|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.0f} µs |")

    if args.runner:
        bench = Bench(server_env(), args.runner, False, Progress(args.runner, False))
        cycles: dict[str, Callable[[], dict[str, float]]] = {"threaded": lambda: bench.measure("runner-4", "")}
        for path in async_paths:
            cycles[path] = partial(cycle_async, bench, path)
        try:
            runs = _interleaved(cycles, args.rounds)
        finally:
            bench.close()
        print(f"\n| runner on path (N = {args.runner}) | cycles/s | client CPU per cycle (medians of {args.rounds}) |")
        print("|---|---:|---:|")
        for name, values in runs.items():
            print(f"| {name} | {statistics.median(v['cycles_per_s'] for v in values):.1f} | "
                  f"{statistics.median(v['cpu_ms_per_cycle'] for v in values):.3f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Which asyncio HTTP path could make the async runner cheaper than the threaded one? (issue #8)

Client CPU per signed ``get_colony`` RPC with 8 in flight against the dev server, all in one run:

* ``threaded``: the blocking ``Colonies`` shared by 8 threads (what the threaded runner does);
* ``aiohttp`` / ``aiohttp-uvloop``: ``AsyncColonies``, 8 coroutines, on asyncio's and uvloop's loop;
* ``protocol`` / ``protocol-uvloop``: the same envelope through a minimal ``asyncio.Protocol``
  (HTTP/1.1 keep-alive, Content-Length framing with transport.py's head parser, a list of idle
  connections). An experiment, not part of the package: no TLS, no timeouts, no failure handling;
  it shows the floor an own asyncio HTTP client could reach.

Run: eval "$(scripts/dev-server env)"; .venv/bin/python bench/async_http_paths.py [--calls 2400]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pycolonies_fast.aio import AsyncColonies  # noqa: E402
from pycolonies_fast.client import Colonies  # noqa: E402
from pycolonies_fast.codec import build_request, decode_reply  # noqa: E402
from pycolonies_fast.transport import _parse_head  # noqa: E402

IN_FLIGHT = 8


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
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        status, length, _, _ = _parse_head(bytes(self.buffer[:end]))
        if length is not None and len(self.buffer) >= end + 4 + length:
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            waiter, self.waiter = self.waiter, None
            waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection lost"))


class _ProtocolClient:
    """POSTs envelopes over a list of idle ``_Exchange`` connections."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.head = b"POST /api HTTP/1.1\r\nHost: %b:%d\r\nContent-Type: application/json\r\nContent-Length: " % (
            host.encode(), port)
        self.idle: list[_Exchange] = []

    async def post(self, body: bytes) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        if self.idle:
            conn = self.idle.pop()
        else:
            conn = (await loop.create_connection(_Exchange, self.host, self.port))[1]
        conn.waiter = loop.create_future()
        assert conn.transport is not None
        conn.transport.write(b"%b%d\r\n\r\n%b" % (self.head, len(body), body))
        reply = await conn.waiter
        self.idle.append(conn)
        return reply

    def close(self) -> None:
        for conn in self.idle:
            if conn.transport is not None:
                conn.transport.close()


def _cpu_per_call(calls: int, run_all: Callable[[], None]) -> float:
    start = time.process_time()
    run_all()
    return (time.process_time() - start) / calls * 1e6


def threaded(host: str, port: int, colony: str, key: str, calls: int) -> float:
    client = Colonies(host, port)
    for _ in range(50):
        client.get_colony(colony, key)

    def worker() -> None:
        for _ in range(calls // IN_FLIGHT):
            client.get_colony(colony, key)

    def run_all() -> None:
        threads = [threading.Thread(target=worker) for _ in range(IN_FLIGHT)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    cpu = _cpu_per_call(calls, run_all)
    client.close_connections()
    return cpu


async def _in_flight(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    for _ in range(50):
        await call()

    async def worker() -> None:
        for _ in range(calls // IN_FLIGHT):
            await call()

    start = time.process_time()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return (time.process_time() - start) / calls * 1e6


async def with_aiohttp(host: str, port: int, colony: str, key: str, calls: int) -> float:
    async with AsyncColonies(host, port) as client:
        return await _in_flight(lambda: client.get_colony(colony, key), calls)


async def with_protocol(host: str, port: int, colony: str, key: str, calls: int) -> float:
    client = _ProtocolClient(host, port)
    msg = {"msgtype": "getcolonymsg", "colonyname": colony}

    async def call() -> Any:
        status, body = await client.post(build_request(msg, key))
        return decode_reply(body, status)

    try:
        return await _in_flight(call, calls)
    finally:
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2400, help="RPCs per path and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are printed")
    args = parser.parse_args(argv)
    env = os.environ
    where = (env["COLONIES_SERVER_HOST"], int(env["COLONIES_SERVER_PORT"]), env["COLONIES_COLONY_NAME"],
             env["COLONIES_PRVKEY"], args.calls)
    import uvloop

    paths: dict[str, Callable[[], float]] = {
        "threaded": lambda: threaded(*where),
        "aiohttp": lambda: asyncio.run(with_aiohttp(*where)),
        "aiohttp-uvloop": lambda: uvloop.run(with_aiohttp(*where)),
        "protocol": lambda: asyncio.run(with_protocol(*where)),
        "protocol-uvloop": lambda: uvloop.run(with_protocol(*where)),
    }
    results: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(args.rounds):
        for name, measure in paths.items():
            results[name].append(measure())
    print(f"| path ({IN_FLIGHT} in flight) | client CPU per get_colony RPC (median of {args.rounds}) |")
    print("|---|---:|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.0f} µs |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

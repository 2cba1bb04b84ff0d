"""The least client CPU an assign/close cycle can cost a Python client, next to ours and Go's (issue #19).

A *bare* client does only what any correct client must do in each cycle: sign both requests with
the compiled core, write them on a kept-alive socket, frame the replies with llhttp (core/http.py's
``ReplyParser``), decode them (core/codec.py) and validate the assigned process with the ``Process``
model, as ``assign`` does. It has no pool, no retry, no failover, no read timeout, no logging check,
no step machinery and no runner bookkeeping: it is the floor under any Python client of this server,
not a client to use (a lost connection ends it).

The bare variants, each next to the variants it bounds:

* ``bare-1``: one socket, one loop (``ours``, ``go-1``);
* ``bare-threads-W``: W threads, a socket each (``runner-W``, ``go-W``);
* ``bare-async-C``: C tasks on one asyncio loop, an ``asyncio.Protocol`` connection each (``async-C``).

``VARIANT@uvloop`` measures an asyncio variant on uvloop's event loop.

Every variant, bare or not, runs ``--runs`` times interleaved against the same server (the
headline benchmark's ``Bench``: submit N, then assign + close N); the table gives the medians and
each variant's client CPU per cycle over the Go client's at as many assigns in flight.

Run: eval "$(scripts/dev-server env)"; .venv/bin/python bench/floor.py [-n 400] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pycolonies_fast.benchmark import references  # noqa: E402
from pycolonies_fast.benchmark.measure import Bench, Progress  # noqa: E402
from pycolonies_fast.client import Colonies  # noqa: E402
from pycolonies_fast.core.codec import build_request, decode_reply  # noqa: E402
from pycolonies_fast.core.http import ReplyParser  # noqa: E402
from pycolonies_fast.funcspec import func_spec  # noqa: E402
from pycolonies_fast.models import Process  # noqa: E402


class BareCycle:
    """The requests and replies of one cycle, with nothing around them."""

    def __init__(self, host: str, port: int, colony: str, key: str) -> None:
        head = f"POST /api HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\nContent-Length: "
        self.head = head.encode()
        self.colony, self.key = colony, key

    def request(self, msg: dict[str, Any]) -> bytes:
        body = build_request(msg, self.key)
        return b"".join((self.head, str(len(body)).encode(), b"\r\n\r\n", body))

    def assign(self) -> bytes:
        return self.request({"msgtype": "assignprocessmsg", "timeout": 10, "colonyname": self.colony})

    def close(self, reply: ReplyParser) -> bytes:
        process = Process(**decode_reply(reply.body, reply.status))
        return self.request({"msgtype": "closesuccessfulmsg", "processid": process.processid, "out": []})

    @staticmethod
    def closed(reply: ReplyParser) -> None:
        decode_reply(reply.body, reply.status)


def exchange(sock: socket.socket, request: bytes) -> ReplyParser:
    sock.sendall(request)
    parser = ReplyParser()
    while not parser.feed(sock.recv(65536)):
        pass
    return parser


def bare_threads(cycle: BareCycle, host: str, port: int, n: int, workers: int, tick: Callable[[int], None]) -> None:
    """``n`` cycles over ``workers`` threads, one socket each (``workers=1``: in this thread)."""
    taken = iter(range(n))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        with socket.create_connection((host, port)) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                with lock:
                    i = next(taken, None)
                if i is None or errors:
                    return
                tick(i)
                try:
                    cycle.closed(exchange(sock, cycle.close(exchange(sock, cycle.assign()))))
                except BaseException as exc:
                    errors.append(exc)
                    return

    if workers == 1:
        work()
    else:
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


class _Connection(asyncio.Protocol):
    """A bare asyncio connection: one request at a time, its reply into a future."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = ReplyParser()
        self.waiter: asyncio.Future[ReplyParser] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    async def exchange(self, request: bytes) -> ReplyParser:
        assert self.transport is not None
        self.parser = ReplyParser()
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter

    def data_received(self, data: bytes) -> None:
        assert self.waiter is not None
        if self.parser.feed(data):
            self.waiter.set_result(self.parser)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionResetError("closed"))


async def bare_async(cycle: BareCycle, host: str, port: int, n: int, tasks: int, tick: Callable[[int], None]) -> None:
    """``n`` cycles over ``tasks`` tasks on this loop, one connection each."""
    taken = iter(range(n))
    loop = asyncio.get_running_loop()

    async def work() -> None:
        transport, conn = await loop.create_connection(_Connection, host, port)
        try:
            for i in taken:
                tick(i)
                cycle.closed(await conn.exchange(cycle.close(await conn.exchange(cycle.assign()))))
        finally:
            transport.close()

    await asyncio.gather(*(work() for _ in range(tasks)))


class FloorBench(Bench):
    """The headline benchmark's ``Bench`` with the bare variants besides its own."""

    def measure(self, variant: str, label: str) -> dict[str, float]:
        if variant.endswith("@uvloop"):  # the same variant with uvloop's event loop
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
            try:
                return self.measure(variant.removesuffix("@uvloop"), label)
            finally:
                asyncio.set_event_loop_policy(None)
        if not variant.startswith("bare-"):
            return super().measure(variant, label)
        etype, _name, key = self.executor()
        client = Colonies(self.host, self.port, self.tls)
        try:
            submit_s, submit_cpu = self._timed(
                f"{label}: submit", lambda tick: self._submit(client, func_spec, etype, key, tick))
        finally:
            client.close_connections()
        cycle = BareCycle(self.host, self.port, self.colony, key)
        count = int(variant.rpartition("-")[2])
        if variant.startswith("bare-async-"):
            def phase(tick: Callable[[int], None]) -> None:
                asyncio.run(bare_async(cycle, self.host, self.port, self.n, count, tick))
        else:
            def phase(tick: Callable[[int], None]) -> None:
                bare_threads(cycle, self.host, self.port, self.n, count, tick)
        cycle_s, cycle_cpu = self._timed(f"{label}: assign+close", phase)
        return self._numbers(submit_s, submit_cpu, cycle_s, cycle_cpu)


def in_flight(variant: str) -> int:
    """How many assigns a variant keeps in flight (the Go variant it is compared with)."""
    count = variant.removesuffix("@uvloop").rpartition("-")[2]
    return int(count) if count.isdigit() else 1  # "ours": one


def threaded_twin(variant: str, threads: int) -> str:
    """The threaded variant an asyncio variant is held against ("" for the others)."""
    if "async-" not in variant:
        return ""
    return f"bare-threads-{threads}" if variant.startswith("bare-") else f"runner-{threads}"


def ratio(medians: dict[str, float], variant: str, baseline: str) -> str:
    return f"{medians[variant] / medians[baseline]:.2f}×" if baseline in medians else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--processes", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--variants", default="go-1,bare-1,ours,go-4,bare-threads-4,runner-4,bare-async-8,async-8,"
                        "bare-async-8@uvloop,async-8@uvloop",
                        help="comma-separated, in the order each run measures them")
    parser.add_argument("--threads", type=int, default=4,
                        help="W of the threaded variants the asyncio ones are held against")
    args = parser.parse_args()
    variants = args.variants.split(",")
    go = references.build_go_client() if any(v.startswith("go-") for v in variants) else None
    bench = FloorBench(os.environ, args.processes, False, Progress(0, False), go)
    cpu: dict[str, list[float]] = {v: [] for v in variants}
    try:
        for run in range(args.runs):
            for variant in variants:
                cpu[variant].append(bench.measure(variant, variant)["cpu_ms_per_cycle"])
                print(f"run {run + 1}/{args.runs} {variant}: {cpu[variant][-1]:.3f} ms", file=sys.stderr, flush=True)
    finally:
        bench.close()
    medians = {v: statistics.median(values) for v, values in cpu.items()}
    print(f"N = {args.processes}, medians of {args.runs} interleaved runs; client CPU per assign+close cycle\n")
    print("| variant | CPU ms/cycle | × go (same in flight) | × threads (asyncio only) | per run |")
    print("|---|---:|---:|---:|---|")
    for variant in variants:
        runs = ", ".join(f"{value:.3f}" for value in cpu[variant])
        print(f"| {variant} | {medians[variant]:.3f} | {ratio(medians, variant, f'go-{in_flight(variant)}')} | "
              f"{ratio(medians, variant, threaded_twin(variant, args.threads))} | {runs} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Websocket connect + receive: aiohttp's client next to the ``websockets`` library (issue #19).

AsyncColonies' websockets (``wait``, subscriptions) need one asyncio websocket library. This
measures the client CPU of one websocket life as the SDK uses it: open ``ws://.../pubsub``, send
one message, receive one, close. The server is a minimal websocket server in a child process
(so its CPU is not the client's); the two libraries run interleaved over ``--rounds`` rounds.

Run: .venv/bin/python bench/ws_connect.py [--connections 300] [--rounds 3]
(``websockets`` is in the bench extra; the package itself uses aiohttp's websocket.)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import socket
import statistics
import subprocess
import sys
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MESSAGE = b'{"payloadtype":"processes","payload":"e30="}'


def serve(listener: socket.socket) -> None:
    """Each connection: the upgrade, then read the client's frame, answer one text frame, read to the end."""
    while True:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            key = next(line.split(b":", 1)[1].strip() for line in data.split(b"\r\n")
                       if line.lower().startswith(b"sec-websocket-key:"))
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            conn.recv(65536)  # the client's message
            conn.sendall(bytes([0x81, len(MESSAGE)]) + MESSAGE)
            try:
                while frame := conn.recv(65536):
                    if frame[0] & 0x0F == 0x8:  # the client's close: answer it
                        conn.sendall(b"\x88\x00")
                        break
            except OSError:
                pass


async def with_aiohttp(url: str, count: int) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        for _ in range(count):
            async with session.ws_connect(url) as ws:
                await ws.send_str("subscribe")
                assert (await ws.receive()).data.encode() == MESSAGE


async def with_websockets(url: str, count: int) -> None:
    from websockets.asyncio.client import connect

    for _ in range(count):
        async with connect(url, compression=None) as ws:
            await ws.send("subscribe")
            assert (await ws.recv()).encode() == MESSAGE


def cpu_per_connection(run: object, url: str, count: int) -> float:
    start = time.process_time()
    asyncio.run(run(url, count))  # type: ignore[operator]
    return (time.process_time() - start) / count * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    here = str(__file__.rsplit("/", 1)[0])
    server = (f"import socket, sys; sys.path.insert(0, {here!r}); import ws_connect; "
              f"ws_connect.serve(socket.socket(fileno={listener.fileno()}))")
    child = subprocess.Popen([sys.executable, "-c", server], pass_fds=(listener.fileno(),))
    url = f"ws://127.0.0.1:{port}/pubsub"
    try:
        results: dict[str, list[float]] = {"aiohttp": [], "websockets": []}
        for _ in range(args.rounds):
            results["aiohttp"].append(cpu_per_connection(with_aiohttp, url, args.connections))
            results["websockets"].append(cpu_per_connection(with_websockets, url, args.connections))
    finally:
        child.kill()
        child.wait(10)
    base = statistics.median(results["aiohttp"])
    print(f"| library | client CPU per connect + send + receive + close (median of {args.rounds}) "
          f"| ratio to aiohttp |")
    print("|---|---:|---:|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.0f} µs | {statistics.median(values) / base:.2f}× |")
    print("rounds: " + "; ".join(f"{name} " + ", ".join(f"{v:.0f}" for v in values)
                                 for name, values in results.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

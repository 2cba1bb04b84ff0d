"""A `/pubsub` server that keeps a websocket busy without ever answering: pings every 0.3 s, a frame
trickled a byte at a time, a fragmented message never finished, a handshake trickled a byte per
0.5 s. Every wait still ends by its own deadline (timeout, plus the documented grace, plus 1 s),
in both clients; no traffic extends it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import time
from collections.abc import Callable

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.core import pubsub as protocol
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ConnectTimeoutError, RequestTimeoutError
from pycolonies_fast.errors.websocket import WaitTimeoutError
from pycolonies_fast.models import Process
from tests.support.processes import process_reply
from tests.support.servers import WEBSOCKET_GUID, RawServer, envelope, http

KEY = Crypto().prvkey()
PID = "ef" * 32
GRACE = 1.0  # the channel grace these tests give themselves (core.pubsub.CHANNEL_GRACE is larger)
SLACK = 1.0  # what the issue allows past each deadline


def _accept_upgrade(conn: socket.socket, request: bytes) -> None:
    head = request.split(b"\r\n")
    key = next(line.split(b":", 1)[1].strip() for line in head if line.lower().startswith(b"sec-websocket-key:"))
    accept = base64.b64encode(hashlib.sha1(key + WEBSOCKET_GUID).digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")


def _for_a_while(conn: socket.socket, piece: Callable[[int], bytes], every: float) -> None:
    """Send ``piece(n)`` every ``every`` seconds until the client goes away (at most 30 s)."""
    conn.settimeout(every)
    end = time.monotonic() + 30
    n = 0
    while time.monotonic() < end:
        try:
            conn.sendall(piece(n))
            if conn.recv(65536) == b"":
                return
        except TimeoutError:
            pass  # nothing from the client: go on
        except OSError:
            return  # the client closed or shut down its socket
        n += 1


PINGS = lambda n: bytes([0x89, 0])  # noqa: E731 - a ping frame without payload, again and again
TRICKLED_FRAME = lambda n: bytes([0x81, 100]) if n == 0 else b"x"  # noqa: E731 - 100 bytes announced
UNFINISHED_MESSAGE = lambda n: bytes([0x01, 1]) + b"{" if n == 0 else bytes([0x00, 1]) + b" "  # noqa: E731

BUSY_SERVERS = {"pings": (PINGS, 0.3), "trickled-frame": (TRICKLED_FRAME, 0.2),
                "unfinished-fragmented-message": (UNFINISHED_MESSAGE, 0.3)}


class BusyPubsub(RawServer):
    """Upgrades every websocket request and keeps it busy with ``piece``; answers every other request
    (a ``get_process`` check) with a process that is still waiting."""

    def __init__(self, piece: Callable[[int], bytes], every: float) -> None:
        super().__init__([])
        self.piece, self.every = piece, every

    def next_action(self, request: bytes):  # type: ignore[no-untyped-def]
        if b"upgrade: websocket" not in request.lower():
            return http(envelope(process_reply(processid=PID, state=0)))

        def act(conn: socket.socket) -> None:
            _accept_upgrade(conn, request)
            _for_a_while(conn, self.piece, self.every)

        return act


def waiting_process() -> Process:
    return Process(**process_reply(processid=PID, state=0))


@pytest.fixture
def short_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protocol, "CHANNEL_GRACE", GRACE)
    monkeypatch.setattr(protocol, "PROCESSES_GRACE", GRACE)


@pytest.mark.parametrize("busy", BUSY_SERVERS.values(), ids=BUSY_SERVERS.keys())
def test_wait_ends_at_its_timeout_however_busy_the_websocket(busy):
    with BusyPubsub(*busy) as server, Colonies("127.0.0.1", server.port) as client:
        start = time.monotonic()
        with pytest.raises(WaitTimeoutError):
            client.wait(waiting_process(), 2, KEY)
        assert time.monotonic() - start < 2 + SLACK


@pytest.mark.parametrize("busy", BUSY_SERVERS.values(), ids=BUSY_SERVERS.keys())
def test_async_wait_ends_at_its_timeout_however_busy_the_websocket(busy):
    async def main() -> float:
        async with AsyncColonies("127.0.0.1", server.port) as client:
            start = time.monotonic()
            with pytest.raises(WaitTimeoutError):
                await client.wait(waiting_process(), 2, KEY)
            return time.monotonic() - start

    with BusyPubsub(*busy) as server:
        assert asyncio.run(main()) < 2 + SLACK


@pytest.mark.parametrize("busy", BUSY_SERVERS.values(), ids=BUSY_SERVERS.keys())
def test_subscriptions_end_at_their_timeout_and_grace_however_busy_the_websocket(busy, short_grace):
    with BusyPubsub(*busy) as server, Colonies("127.0.0.1", server.port) as client:
        start = time.monotonic()
        with pytest.raises(RequestTimeoutError):
            client.subscribe_channel(PID, "chan", KEY, timeout=1)
        assert time.monotonic() - start < 1 + GRACE + SLACK
        start = time.monotonic()
        assert client.subscribe_processes("colony", "type", 0, KEY, timeout=1) == []
        assert time.monotonic() - start < 1 + GRACE + SLACK


@pytest.mark.parametrize("busy", BUSY_SERVERS.values(), ids=BUSY_SERVERS.keys())
def test_async_channel_subscription_ends_at_its_timeout_and_grace_however_busy(busy, short_grace):
    async def main() -> float:
        async with AsyncColonies("127.0.0.1", server.port) as client:
            start = time.monotonic()
            with pytest.raises(RequestTimeoutError):
                await client.subscribe_channel(PID, "chan", KEY, timeout=1)
            return time.monotonic() - start

    with BusyPubsub(*busy) as server:
        assert asyncio.run(main()) < 1 + GRACE + SLACK


class TrickledHandshake(RawServer):
    """Answers the websocket upgrade one byte every 0.5 s."""

    def __init__(self) -> None:
        super().__init__([])

    def next_action(self, request: bytes):  # type: ignore[no-untyped-def]
        def act(conn: socket.socket) -> None:
            answer = b"HTTP/1.1 101 Switching Protocols\r\n" + b"X-Padding: never ends\r\n" * 100
            for index in range(len(answer)):
                try:
                    conn.sendall(answer[index:index + 1])
                except OSError:
                    return
                time.sleep(0.5)

        return act


def test_a_trickled_handshake_ends_at_the_connect_timeout():
    with TrickledHandshake() as server, Colonies("127.0.0.1", server.port, connect_timeout=2) as client:
        start = time.monotonic()
        with pytest.raises(ConnectTimeoutError):
            client.subscribe_channel(PID, "chan", KEY, timeout=30)
        assert time.monotonic() - start < 2 + SLACK


def test_async_a_trickled_handshake_ends_at_the_connect_timeout():
    async def main() -> float:
        async with AsyncColonies("127.0.0.1", server.port, connect_timeout=2) as client:
            start = time.monotonic()
            with pytest.raises(ConnectTimeoutError):
                await client.subscribe_channel(PID, "chan", KEY, timeout=30)
            return time.monotonic() - start

    with TrickledHandshake() as server:
        assert asyncio.run(main()) < 2 + SLACK

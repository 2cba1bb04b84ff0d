"""Replies and websocket messages larger than the client takes (``max_reply_size``, 256 MiB by default)
are refused with ``ReplyTooLargeError`` from what the server announces, before the bytes are read:
a hostile server cannot make the client hold hundreds of megabytes. Both clients."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import socket
import struct
import time

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.connection import DEFAULT_MAX_REPLY_SIZE
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ReplyTooLargeError
from tests.support.servers import WEBSOCKET_GUID, RawServer, hang

KEY = Crypto().prvkey()
HUGE = 400 * 1024 * 1024


def announce(head: bytes):  # noqa: ANN201 - a RawServer action
    def act(conn: socket.socket) -> None:
        conn.sendall(head)
        hang(conn)  # the body never comes: a client that waits for it has already lost

    return act


HEADS = {
    "content-length": b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % HUGE,
}


@pytest.mark.parametrize("head", HEADS.values(), ids=HEADS.keys())
def test_an_announced_huge_reply_is_refused_before_it_is_read(head):
    with RawServer([announce(head)]) as server, Colonies("127.0.0.1", server.port, timeout=30) as client:
        start = time.monotonic()
        with pytest.raises(ReplyTooLargeError, match="max_reply_size"):
            client.get_colony("dev", KEY)
        assert time.monotonic() - start < 5


def stream_a_huge_chunk(conn: socket.socket) -> None:
    """A chunk announced at 400 MiB whose bytes keep coming (4 MiB of them), then silence."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % HUGE)
    for _ in range(64):
        conn.sendall(b"x" * 65536)
    hang(conn)


@pytest.mark.parametrize("client_class", [Colonies, AsyncColonies])
def test_a_huge_chunk_is_refused_once_the_limit_is_passed(client_class):
    """llhttp (through httptools) does not tell a chunk's announced size, so a chunked reply is
    measured as it arrives: refused once past ``max_reply_size``, never held beyond it."""
    async def call_async() -> None:
        async with AsyncColonies("127.0.0.1", server.port, timeout=30, max_reply_size=1024 * 1024) as client:
            await client.get_colony("dev", KEY)

    with RawServer([stream_a_huge_chunk]) as server:
        start = time.monotonic()
        with pytest.raises(ReplyTooLargeError, match="max_reply_size"):
            if client_class is Colonies:
                with Colonies("127.0.0.1", server.port, timeout=30, max_reply_size=1024 * 1024) as client:
                    client.get_colony("dev", KEY)
            else:
                asyncio.run(call_async())
        assert time.monotonic() - start < 5


def test_async_an_announced_huge_reply_is_refused_before_it_is_read():
    async def main() -> None:
        async with AsyncColonies("127.0.0.1", server.port, timeout=30) as client:
            with pytest.raises(ReplyTooLargeError, match="max_reply_size"):
                await client.get_colony("dev", KEY)

    with RawServer([announce(HEADS["content-length"])]) as server:
        start = time.monotonic()
        asyncio.run(main())
        assert time.monotonic() - start < 5


@pytest.mark.parametrize("client_class", [Colonies, AsyncColonies])
def test_a_reply_without_a_length_is_cut_off_at_the_limit(client_class):
    async def call_async() -> None:
        async with AsyncColonies("127.0.0.1", server.port, max_reply_size=1000) as client:
            await client.get_colony("dev", KEY)

    body = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * 50_000
    with RawServer([("then-close", body)]) as server, pytest.raises(ReplyTooLargeError):
        if client_class is Colonies:
            Colonies("127.0.0.1", server.port, max_reply_size=1000).get_colony("dev", KEY)
        else:
            asyncio.run(call_async())


def test_the_limit_is_a_setting_of_the_client():
    assert Colonies("127.0.0.1", 1).max_reply_size == DEFAULT_MAX_REPLY_SIZE
    assert Colonies("127.0.0.1", 1, max_reply_size=10).max_reply_size == 10


class HugeFrame(RawServer):
    """Accepts the websocket upgrade, then announces one frame of 400 MB and sends nothing more."""

    def __init__(self) -> None:
        super().__init__([])

    def next_action(self, request: bytes):  # type: ignore[no-untyped-def]
        def act(conn: socket.socket) -> None:
            head = request.split(b"\r\n")
            key = next(line.split(b":", 1)[1].strip() for line in head
                       if line.lower().startswith(b"sec-websocket-key:"))
            accept = base64.b64encode(hashlib.sha1(key + WEBSOCKET_GUID).digest())
            conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            conn.recv(65536)  # the subscription
            conn.sendall(bytes([0x81, 0x7F]) + struct.pack("!Q", HUGE) + b"{")
            hang(conn)

        return act


def test_a_huge_websocket_frame_is_refused_from_its_header():
    with HugeFrame() as server, Colonies("127.0.0.1", server.port) as client:
        start = time.monotonic()
        with pytest.raises(ReplyTooLargeError, match="max_reply_size"):
            client.subscribe_channel("ab" * 32, "chan", KEY, timeout=30)
        assert time.monotonic() - start < 5


def test_async_a_huge_websocket_frame_is_refused_from_its_header():
    async def main() -> None:
        async with AsyncColonies("127.0.0.1", server.port) as client:
            with pytest.raises(ReplyTooLargeError, match="max_reply_size"):
                await client.subscribe_channel("ab" * 32, "chan", KEY, timeout=30)

    with HugeFrame() as server:
        start = time.monotonic()
        asyncio.run(main())
        assert time.monotonic() - start < 5

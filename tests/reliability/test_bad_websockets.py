"""A `/pubsub` websocket that breaks (a reset after the handshake, frames that break the protocol,
a refused connection): typed errors from both clients; past bad frames `wait` carries on by polling."""

from __future__ import annotations

import asyncio
import gc
import os
import time

import pytest
from websocket import (
    WebSocketAddressException,
    WebSocketBadStatusException,
    WebSocketConnectionClosedException,
    WebSocketException,
)

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.errors import ConnectError, TransportError
from pycolonies_fast.errors.websocket import websocket_connect_error
from pycolonies_fast.models import Process
from tests.support.processes import process_reply
from tests.support.servers import RawServer, envelope, http, websocket, ws_frame
from tests.support.timing import eventually

KEY = Crypto().prvkey()
PID = "cd" * 32
RESET = None  # the connection is reset right after the handshake
BAD_FRAMES = {
    "text-not-utf8": ws_frame(0x1, b'{"x": "\xff\xfe"}'),
    "reserved-bit": ws_frame(0x1, b"{}", rsv=4),
    "reserved-opcode": ws_frame(0x3, b"{}"),
}
BREAKAGES = {"reset-after-handshake": RESET, **BAD_FRAMES}


def waiting_process() -> Process:
    return Process(**process_reply(processid=PID, state=0))


def finished_reply() -> bytes:
    return http(envelope(process_reply(processid=PID, state=2)))


def stub_for(breakage: bytes | None, then: list[bytes] | None = None) -> RawServer:
    stub = RawServer([])
    stub.actions = [websocket(stub.requests, breakage), *(then or [])]
    return stub


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_channel_subscriptions_raise_transport_errors(breakage):
    for subscribe in ("subscribe_channel", "subscribe_processes"):
        with stub_for(breakage) as stub, Colonies("127.0.0.1", stub.port) as client:
            start = time.monotonic()
            with pytest.raises(TransportError):
                if subscribe == "subscribe_channel":
                    client.subscribe_channel(PID, "chat", KEY, timeout=2)
                else:
                    client.subscribe_processes("dev", "t", 2, KEY, timeout=2)
            assert time.monotonic() - start < 10, subscribe


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_async_channel_subscriptions_raise_transport_errors(breakage):
    async def scenario():
        with stub_for(breakage) as stub:
            async with AsyncColonies("127.0.0.1", stub.port) as client:
                await client.subscribe_channel(PID, "chat", KEY, timeout=2)

    with pytest.raises(TransportError):
        asyncio.run(asyncio.wait_for(scenario(), 20))


def test_a_reset_after_the_subscription_was_sent_is_a_transport_error_too():
    """The other side of the reset race: the subscription went out, then the connection is reset."""
    for subscribe in ("subscribe_channel", "subscribe_processes"):
        stub = RawServer([])
        stub.actions = [websocket(stub.requests, RESET, read_first=True)]
        with stub, Colonies("127.0.0.1", stub.port) as client:
            with pytest.raises(TransportError, match="reset|closed"):
                if subscribe == "subscribe_channel":
                    client.subscribe_channel(PID, "chat", KEY, timeout=2)
                else:
                    client.subscribe_processes("dev", "t", 2, KEY, timeout=2)

@pytest.mark.parametrize("breakage", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_wait_carries_on_by_polling_when_its_websocket_breaks(breakage):
    with stub_for(breakage, [finished_reply()]) as stub, Colonies("127.0.0.1", stub.port) as client:
        assert client.wait(waiting_process(), 3, KEY).state == 2


@pytest.mark.parametrize("breakage", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_async_wait_carries_on_by_polling_when_its_websocket_breaks(breakage):
    async def scenario():
        with stub_for(breakage, [finished_reply()]) as stub:
            async with AsyncColonies("127.0.0.1", stub.port) as client:
                return await client.wait(waiting_process(), 3, KEY)

    assert asyncio.run(asyncio.wait_for(scenario(), 20)).state == 2


def test_a_wait_whose_websocket_is_reset_while_subscribing_raises_a_transport_error():
    with stub_for(RESET) as stub, Colonies("127.0.0.1", stub.port) as client:
        with pytest.raises(TransportError):
            client.wait(waiting_process(), 3, KEY)

    async def scenario():
        with stub_for(RESET) as stub:
            async with AsyncColonies("127.0.0.1", stub.port) as client:
                await client.wait(waiting_process(), 3, KEY)

    with pytest.raises(TransportError):
        asyncio.run(asyncio.wait_for(scenario(), 20))


def test_a_refused_websocket_is_a_connect_error_in_both_clients():
    with Colonies("127.0.0.1", 1) as client:
        with pytest.raises(ConnectError):
            client.subscribe_channel(PID, "chat", KEY, timeout=1)

    async def scenario():
        async with AsyncColonies("127.0.0.1", 1) as client:
            await client.subscribe_channel(PID, "chat", KEY, timeout=1)

    with pytest.raises(ConnectError):
        asyncio.run(scenario())


@pytest.mark.parametrize("client_class", [Colonies, AsyncColonies])
def test_websocket_failures_are_also_the_exceptions_upstream_let_through(client_class):
    """Upstream's wait() and subscribe_channel() let websocket-client's and the socket's exceptions
    through; ours are typed errors that are those exceptions too, in both clients."""

    def failure(stub: RawServer | None) -> BaseException:
        port = 1 if stub is None else stub.port  # 1: nothing listens, the connection is refused
        if client_class is Colonies:
            with Colonies("127.0.0.1", port) as client, pytest.raises(Exception) as info:
                client.subscribe_channel(PID, "chat", KEY, timeout=2)
            return info.value

        async def subscribe() -> None:
            async with AsyncColonies("127.0.0.1", port) as client:
                await client.subscribe_channel(PID, "chat", KEY, timeout=2)

        with pytest.raises(Exception) as info:
            asyncio.run(asyncio.wait_for(subscribe(), 20))
        return info.value

    refused = failure(None)
    assert isinstance(refused, ConnectError) and isinstance(refused, ConnectionRefusedError)
    with RawServer([http(b"404 page not found", 404)]) as stub:
        not_upgraded = failure(stub)
    assert isinstance(not_upgraded, ConnectError) and isinstance(not_upgraded, WebSocketBadStatusException)
    assert not_upgraded.status_code == 404
    hung_up = RawServer([])
    hung_up.actions = [websocket(hung_up.requests, b"", hang_up=True)]
    with hung_up:
        closed = failure(hung_up)
    assert isinstance(closed, TransportError) and isinstance(closed, WebSocketConnectionClosedException)
    with RawServer([]) as hangs_up_in_handshake:
        closed_early = failure(hangs_up_in_handshake)
    assert isinstance(closed_early, ConnectError) and isinstance(closed_early, WebSocketConnectionClosedException)
    with RawServer([b"SMTP ready\r\n\r\n"]) as not_http:
        garbage = failure(not_http)
    assert isinstance(garbage, ConnectError) and isinstance(garbage, WebSocketException)
    reset = RawServer([])
    reset.actions = [websocket(reset.requests, RESET, read_first=True)]
    with reset:
        lost = failure(reset)
    assert isinstance(lost, TransportError) and isinstance(lost, (ConnectionError, WebSocketConnectionClosedException))


def test_an_unresolvable_websocket_host_is_upstreams_address_exception_too():
    error = websocket_connect_error("ws://nowhere.invalid:1/pubsub", WebSocketAddressException("no such host"))
    assert isinstance(error, ConnectError) and isinstance(error, WebSocketAddressException)


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_a_close_frame_from_the_server_closes_the_socket_at_once():
    """websocket-client answers a close frame and marks itself closed but keeps the socket open, and
    close() then does nothing: without an explicit shutdown only the garbage collector freed it."""
    gc.disable()
    try:
        before = open_descriptors()
        for _ in range(5):
            with stub_for(ws_frame(0x8, b"\x03\xe8")) as stub, Colonies("127.0.0.1", stub.port) as client:
                with pytest.raises(WebSocketConnectionClosedException):
                    client.subscribe_channel(PID, "chat", KEY, timeout=2)
        assert eventually(lambda: open_descriptors() <= before, timeout=3), (open_descriptors(), before)
    finally:
        gc.enable()


def test_a_channel_subscription_of_any_length_can_be_asked_for():
    """Upstream took "forever" as a huge timeout (10**11, 2**62); a socket timeout cannot be that long."""
    entries = envelope([{"sequence": 1, "payload": "aGk=", "type": "data"}])
    got: list[dict] = []

    def first_batch_only(batch: list[dict]) -> bool:
        got.extend(batch)
        return False

    for timeout in (10**11, 2**62):
        stub = RawServer([])
        stub.actions = [websocket(stub.requests, ws_frame(0x1, entries))]
        with stub, Colonies("127.0.0.1", stub.port) as client:
            client.subscribe_channel(PID, "chat", KEY, timeout=timeout, callback=first_batch_only)
    assert [entry["payload"] for entry in got] == [b"hi", b"hi"]

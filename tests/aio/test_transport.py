"""Offline tests of the asyncio HTTP transport (aio/transport.py) over loopback: keep-alive and its
pool rules, a connection the server closed while idle, retries and their log, timeouts, uvloop."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from pycolonies_fast.aio.transport import AsyncTransport
from pycolonies_fast.errors import ConnectError, RequestTimeoutError, TransportError
from tests.support.servers import free_port, reply

BODY = b'{"payloadtype":"x","payload":"e30=","signature":"00"}'


def transport(port: int, **options) -> AsyncTransport:
    settings = {"connect_timeout": 2.0, "ca_bundle": None, "verify": True, "pool_size": 4, "retries": 2}
    return AsyncTransport([("127.0.0.1", port)], False, **(settings | options))


def posts(t: AsyncTransport, count: int, **options) -> list[tuple[int, bytes]]:
    """``count`` POSTs one after the other in one event loop."""
    async def run():
        try:
            return [await t.post(0, BODY, 5.0, **options) for _ in range(count)]
        finally:
            await t.close()
    return asyncio.run(run())


def test_keep_alive_reuses_one_connection(scripted_server):
    srv = scripted_server([reply(b"%d" % i) for i in range(20)])
    assert [body for _, body in posts(transport(srv.port), 20)] == [b"%d" % i for i in range(20)]
    assert srv.connections == 1
    assert srv.requests[0].startswith(b"POST /api HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % srv.port)
    assert srv.requests[0].endswith(b"\r\n\r\n" + BODY)


def test_a_connection_close_reply_or_extra_bytes_open_a_new_connection(scripted_server):
    srv = scripted_server([reply(b"a", extra=b"Connection: close\r\n"), reply(b"b") + b"junk", reply(b"c")])
    assert [body for _, body in posts(transport(srv.port), 3)] == [b"a", b"b", b"c"]
    assert srv.connections == 3


@pytest.mark.parametrize("pause", ["loop-runs", "loop-blocked"])
def test_a_non_idempotent_call_survives_an_idle_connection_the_server_closed(scripted_server, pause):
    """Issue #18: the server closes a kept-alive connection while it is idle; the next call, not
    idempotent and with no retries, goes out on a new connection. With the loop running, the protocol
    sees the close; with it blocked, the zero-timeout readiness check does."""
    srv = scripted_server([("then-close", reply(b"a")), reply(b"b")])
    t = transport(srv.port, retries=0)

    async def run():
        first = await t.post(0, BODY, 5.0)
        if pause == "loop-runs":
            await asyncio.sleep(0.1)
        else:
            time.sleep(0.1)  # noqa: ASYNC251 - on purpose: the loop must not see the close
        second = await t.post(0, BODY, 5.0)
        await t.close()
        return first, second

    assert asyncio.run(run()) == ((200, b"a"), (200, b"b"))
    assert srv.connections == 2 and len(srv.requests) == 2


def test_idle_connections_kept_are_at_most_the_pool_size(scripted_server):
    srv = scripted_server([("delay", 0.2, reply(b"x"))] * 8 + [reply(b"y")] * 8)
    t = transport(srv.port, pool_size=3)

    async def run():
        await asyncio.gather(*(t.post(0, BODY, 5.0) for _ in range(8)))  # eight connections at once
        kept = len(t._idle[0])
        await asyncio.gather(*(t.post(0, BODY, 5.0) for _ in range(3)))
        await t.close()
        return kept

    assert asyncio.run(run()) == 3
    assert srv.connections == 8  # the three later calls went on kept connections


def test_an_idempotent_call_is_repeated_after_a_drop_and_the_repeat_is_logged(scripted_server, caplog):
    srv = scripted_server(["close", reply(b"second")])
    with caplog.at_level(logging.INFO, logger="pycolonies_fast.aio.transport"):
        assert posts(transport(srv.port), 1, idempotent=True) == [(200, b"second")]
    assert len(srv.requests) == 2
    [record] = [r for r in caplog.records if r.name == "pycolonies_fast.aio.transport"]
    assert record.levelno == logging.INFO and "again (attempt 2)" in record.getMessage()
    assert "server closed the connection" in record.getMessage() and b"e30=".decode() not in record.getMessage()


def test_a_non_idempotent_call_is_not_repeated_after_sending(scripted_server, caplog):
    srv = scripted_server(["close", reply(b"late")])
    with caplog.at_level(logging.INFO), pytest.raises(TransportError, match="during receive"):
        posts(transport(srv.port), 1)
    assert len(srv.requests) == 1 and not caplog.records


def test_the_read_timeout_ends_a_silent_server_and_is_not_retried(scripted_server):
    srv = scripted_server([("sleep", 3)])
    t = transport(srv.port)

    async def run():
        start = time.monotonic()
        with pytest.raises(RequestTimeoutError, match=r"read timeout \(0.3 s\)"):
            await t.post(0, BODY, 0.3, idempotent=True)
        await t.close()
        return time.monotonic() - start

    assert asyncio.run(run()) < 2 and len(srv.requests) == 1


def test_one_connection_times_each_of_its_requests_by_its_own_read_timeout(scripted_server):
    """The connection's one timer follows its requests: a shorter timeout after a longer one still
    ends a silent reply in time, and a longer one after a shorter one is not cut short."""
    srv = scripted_server([reply(b"a"), ("delay", 0.8, reply(b"b")), reply(b"c"), ("sleep", 3)])
    t = transport(srv.port)

    async def run():
        first = await t.post(0, BODY, 0.5)  # arms the timer at +0.5 s
        second = await t.post(0, BODY, 1.5)  # answered after 0.8 s: the timer fires first and moves on
        third = await t.post(0, BODY, 5.0)
        start = time.monotonic()
        with pytest.raises(RequestTimeoutError, match=r"read timeout \(0.3 s\)"):
            await t.post(0, BODY, 0.3, idempotent=True)  # shorter than the timer armed for the third
        took = time.monotonic() - start
        await t.close()
        return [first[1], second[1], third[1]], took

    bodies, took = asyncio.run(run())
    assert bodies == [b"a", b"b", b"c"] and srv.connections == 1
    assert 0.3 <= took < 1.0


def test_a_refused_connection_is_a_connect_error():
    async def run():
        await transport(free_port()).post(0, BODY, 1.0)

    with pytest.raises(ConnectError, match="Failed to connect to 127.0.0.1:.*refused"):
        asyncio.run(run())


def test_get_returns_the_status_and_body(scripted_server):
    srv = scripted_server([reply(b"", 200), reply(b"nope", 503)])
    t = transport(srv.port)

    async def run():
        replies = [await t.get(0, "/health", 2.0), await t.get(0, "/health", 2.0)]
        await t.close()
        return replies

    assert asyncio.run(run()) == [(200, b""), (503, b"nope")]
    assert srv.requests[0].startswith(b"GET /health HTTP/1.1\r\n")


def test_the_same_transport_works_on_uvloop(scripted_server):
    uvloop = pytest.importorskip("uvloop")  # optional: the bench extra installs it
    srv = scripted_server([("then-close", reply(b"a")), reply(b"b"), reply(b"c")])
    t = transport(srv.port, retries=0)

    async def run():
        replies = [await t.post(0, BODY, 5.0)]
        time.sleep(0.1)  # noqa: ASYNC251 - the server's close must be found by the readiness check
        replies += [await t.post(0, BODY, 5.0), await t.post(0, BODY, 5.0)]
        await t.close()
        return replies

    assert uvloop.run(run()) == [(200, b"a"), (200, b"b"), (200, b"c")]
    assert srv.connections == 2

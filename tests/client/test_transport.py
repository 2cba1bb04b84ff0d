"""Offline tests of the blocking HTTP transport (client/transport.py) over loopback: keep-alive,
retries, timeouts, errors, forks and threads."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

import pytest

from pycolonies_fast.client.transport import Transport
from pycolonies_fast.errors import (
    ColoniesConnectionError,
    RequestTimeoutError,
    TransportError,
)
from tests.support.servers import reply

BODY = b'{"payloadtype":"x","payload":"e30=","signature":"00"}'


# --- over the network --------------------------------------------------------------------------

def test_keep_alive_reuses_one_connection(scripted_server):
    srv = scripted_server([reply(b"%d" % i) for i in range(20)])
    t = Transport("127.0.0.1", srv.port)
    assert [t.post(BODY)[1] for _ in range(20)] == [b"%d" % i for i in range(20)]
    assert srv.connections == 1
    assert srv.requests[0].startswith(b"POST /api HTTP/1.1\r\n")
    assert srv.requests[0].endswith(b"\r\n\r\n" + BODY)


def test_connection_close_reply_opens_a_new_connection(scripted_server):
    srv = scripted_server([reply(b"a", extra=b"Connection: close\r\n"), reply(b"b")])
    t = Transport("127.0.0.1", srv.port)
    assert t.post(BODY)[1] == b"a"
    assert t.post(BODY)[1] == b"b"
    assert srv.connections == 2


def test_server_closing_an_idle_connection_is_transparent(scripted_server):
    srv = scripted_server([("then-close", reply(b"a")), reply(b"b")])
    t = Transport("127.0.0.1", srv.port, retries=0)
    assert t.post(BODY)[1] == b"a"
    time.sleep(0.05)
    assert t.post(BODY)[1] == b"b"  # not idempotent, no retries: the dropped socket was never used
    assert srv.connections == 2 and len(srv.requests) == 2


def test_close_releases_idle_connections(scripted_server):
    srv = scripted_server([reply(b"a"), reply(b"b")])
    t = Transport("127.0.0.1", srv.port)
    assert t.post(BODY)[1] == b"a"
    t.close()
    assert t.post(BODY)[1] == b"b"
    assert srv.connections == 2


def test_non_idempotent_call_is_not_repeated_after_sending(scripted_server):
    srv = scripted_server(["close", reply(b"late")])
    t = Transport("127.0.0.1", srv.port)
    with pytest.raises(TransportError):
        t.post(BODY)
    assert len(srv.requests) == 1


def test_idempotent_call_is_repeated_after_a_drop(scripted_server, caplog):
    srv = scripted_server(["close", reply(b"second")])
    t = Transport("127.0.0.1", srv.port)
    with caplog.at_level(logging.INFO, logger="pycolonies_fast.client.transport"):
        assert t.post(BODY, idempotent=True) == (200, b"second")
    assert len(srv.requests) == 2
    [record] = caplog.records  # the repeat, why and which attempt; nothing of the request
    assert record.levelno == logging.INFO and "again (attempt 2)" in record.getMessage()
    assert "server closed the connection" in record.getMessage() and "e30=" not in record.getMessage()


def test_get_returns_the_status_and_body(scripted_server):
    srv = scripted_server([reply(b"", 200), reply(b"nope", 503)])
    t = Transport("127.0.0.1", srv.port)
    assert [t.get("/health"), t.get("/health")] == [(200, b""), (503, b"nope")]
    assert srv.requests[0].startswith(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % srv.port)
    assert srv.connections == 1


def test_read_timeout_is_honoured(scripted_server):
    srv = scripted_server([("sleep", 3)])
    t = Transport("127.0.0.1", srv.port, read_timeout=0.3)
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        t.post(BODY, idempotent=True)
    assert time.monotonic() - start < 2
    assert len(srv.requests) == 1  # a timeout is never retried


def test_the_read_timeout_bounds_the_whole_reply_not_each_piece(scripted_server):
    srv = scripted_server([("trickle", 0.2, reply(b"x" * 20))])  # a byte every 0.2 s: 14 s for the whole reply
    t = Transport("127.0.0.1", srv.port, read_timeout=0.6)
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        t.post(BODY)
    assert time.monotonic() - start < 1.5


def test_per_call_read_timeout_overrides_default(scripted_server):
    srv = scripted_server([("sleep", 3)])
    t = Transport("127.0.0.1", srv.port, read_timeout=60)
    start = time.monotonic()
    with pytest.raises(RequestTimeoutError):
        t.post(BODY, read_timeout=0.3)
    assert time.monotonic() - start < 2


def test_connection_refused_is_quick_and_typed():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    t = Transport("127.0.0.1", port, retries=2, backoff=0.05)
    start = time.monotonic()
    with pytest.raises(TransportError) as info:
        t.post(BODY)
    assert time.monotonic() - start < 1.0
    assert isinstance(info.value, ColoniesConnectionError)
    assert "refused" in str(info.value).lower()


def test_connection_refused_then_server_up_is_retried():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]

    def start_late():
        time.sleep(0.15)
        sock.listen(1)
        conn, _ = sock.accept()
        conn.recv(65536)
        conn.sendall(reply(b"up"))
        time.sleep(0.2)
        conn.close()

    threading.Thread(target=start_late, daemon=True).start()
    t = Transport("127.0.0.1", port, retries=4, backoff=0.1)
    assert t.post(BODY) == (200, b"up")
    sock.close()


def test_unresolvable_host_is_a_transport_error():
    with pytest.raises(TransportError):
        Transport("host.invalid", 80, retries=0).post(BODY)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")
def test_a_forked_child_never_shares_the_parents_connections(scripted_server):
    srv = scripted_server([reply(b"parent"), reply(b"child"), reply(b"parent again")])
    t = Transport("127.0.0.1", srv.port)
    assert t.post(BODY)[1] == b"parent"  # its connection now waits, idle, in the pool
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.write(write_end, t.post(BODY)[1])
        finally:
            os._exit(0)
    os.close(write_end)
    assert os.read(read_end, 100) == b"child"
    os.waitpid(pid, 0)
    assert t.post(BODY)[1] == b"parent again"
    assert srv.connections == 2  # the child opened its own; the parent kept using its one


def test_threads_share_one_transport(scripted_server):
    srv = scripted_server([reply(b"ok")] * 400)
    t = Transport("127.0.0.1", srv.port)
    results: list[tuple[int, bytes]] = []

    def work():
        for _ in range(50):
            results.append(t.post(BODY))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [(200, b"ok")] * 400
    assert srv.connections <= 8

"""Proxies from the environment, as upstream's requests used them: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY
unless NO_PROXY lists the server; absolute-form requests for HTTP, a CONNECT tunnel for HTTPS.
Which proxy is chosen (core/connection.py): tests/core/test_connection.py."""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import urllib.request

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.errors import ColoniesConnectionError
from pycolonies_fast.funcspec import func_spec
from tests.support.servers import COLONY_REPLY, ForwardProxy, RawServer


def get_colony(client_class: type, host: str, port: int, times: int = 1, **options: object) -> list[dict]:
    """``get_colony("dev")`` ``times`` over one client of ``client_class`` (Colonies or AsyncColonies)."""
    if client_class is Colonies:
        with Colonies(host, port, **options) as client:
            return [client.get_colony("dev", "11" * 32) for _ in range(times)]

    async def calls() -> list[dict]:
        async with AsyncColonies(host, port, **options) as client:
            return [await client.get_colony("dev", "11" * 32) for _ in range(times)]
    return asyncio.run(calls())


both_clients = pytest.mark.parametrize("client_class", [Colonies, AsyncColonies])


@pytest.fixture
def proxy():
    forward = ForwardProxy()
    yield forward
    forward.close()


@both_clients
def test_a_network_in_no_proxy_goes_direct(proxy_env, proxy, client_class):
    server = RawServer([COLONY_REPLY])
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    proxy_env.setenv("NO_PROXY", "127.0.0.0/8")
    assert get_colony(client_class, "127.0.0.1", server.port) == [{"name": "dev"}]
    assert proxy.heads == [] and len(server.requests) == 1
    server.close()


def test_the_async_client_reads_the_environment_once(proxy_env, proxy, monkeypatch):
    """The proxy is chosen when the client is made, as in the blocking client; looking it up again
    on every request (aiohttp's trust_env) cost a worker thread and ~0.5 ms of CPU per call."""
    server = RawServer([COLONY_REPLY] * 5)
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    lookups = []
    real_getproxies = urllib.request.getproxies
    monkeypatch.setattr(urllib.request, "getproxies", lambda: lookups.append(1) or real_getproxies())
    assert get_colony(AsyncColonies, "127.0.0.1", server.port, times=5) == [{"name": "dev"}] * 5
    assert len(lookups) == 1 and len(proxy.heads) == 1  # one lookup, one kept-alive connection
    server.close()


def test_http_goes_through_the_proxy_of_the_environment(proxy_env, proxy, client, executor, dev_server):
    host, port = dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    proxied = Colonies(host, port)
    assert proxied.get_colony(executor.colony, executor.prvkey)["name"] == executor.colony
    assert proxied.get_colony(executor.colony, executor.prvkey)["name"] == executor.colony  # kept alive
    assert len(proxy.heads) == 1 and proxy.heads[0].startswith(b"POST http://%s:%d/api HTTP/1.1\r\n" % (
        host.encode(), port))

    async def through_async():
        async with AsyncColonies(host, port) as c:
            return (await c.get_colony(executor.colony, executor.prvkey))["name"]

    assert asyncio.run(through_async()) == executor.colony
    assert len(proxy.heads) == 2

    proxy_env.setenv("NO_PROXY", host)
    assert Colonies(host, port).get_colony(executor.colony, executor.prvkey)["name"] == executor.colony
    assert len(proxy.heads) == 2  # listed in NO_PROXY: straight to the server


@both_clients
def test_proxy_credentials_in_the_url_are_sent(proxy_env, proxy, client_class):
    server = RawServer([COLONY_REPLY])
    proxy_env.setenv("http_proxy", f"http://user:pa%20ss@127.0.0.1:{proxy.port}")
    assert get_colony(client_class, "127.0.0.1", server.port) == [{"name": "dev"}]
    lines = proxy.heads[0].split(b"\r\n")
    assert [line.split(b": ", 1)[1] for line in lines if line.lower().startswith(b"proxy-authorization:")] == [
        b"Basic " + base64.b64encode(b"user:pa ss")]
    server.close()


def test_a_dead_proxy_is_a_connection_error(proxy_env):
    server = RawServer([COLONY_REPLY])
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        dead_port = unused.getsockname()[1]
    proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead_port}")
    with pytest.raises(ColoniesConnectionError):
        Colonies("127.0.0.1", server.port, retries=0).get_colony("dev", "11" * 32)
    assert server.requests == []
    server.close()


@both_clients
def test_https_tunnels_through_the_proxy(proxy_env, proxy, tls_files, client_class):
    cert, context = tls_files
    server = RawServer([COLONY_REPLY, COLONY_REPLY], tls=context)
    proxy_env.setenv("HTTPS_PROXY", proxy.url)
    assert get_colony(client_class, "127.0.0.1", server.port, times=2, tls=True, ca_bundle=cert) == [
        {"name": "dev"}] * 2
    assert [head.split(b"\r\n")[0][:-9] for head in proxy.heads] == [b"CONNECT 127.0.0.1:%d" % server.port]
    assert len(server.requests) == 2 and server.connections == 1  # TLS with the server itself, kept alive
    server.close()


def test_the_async_websocket_goes_through_the_proxy(proxy_env, proxy, client, executor, dev_server):
    host, port = dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"])
    process = client.submit_func_spec(func_spec("f", [], executor.colony, executor.type), executor.prvkey)
    proxy_env.setenv("HTTP_PROXY", proxy.url)

    async def wait_for_close():
        async with AsyncColonies(host, port) as proxied:
            waiting = asyncio.ensure_future(proxied.wait(process, 10, executor.prvkey))
            await asyncio.sleep(0.3)
            client.close(client.assign(executor.colony, 5, executor.prvkey).processid, [], executor.prvkey)
            return await waiting

    assert asyncio.run(wait_for_close()).state == 2  # SUCCESS
    assert any(b"/pubsub HTTP/1.1" in head.split(b"\r\n")[0] for head in proxy.heads), proxy.heads


class TlsForwardProxy(ForwardProxy):
    """The forwarding proxy spoken to over TLS: ``HTTPS_PROXY=https://127.0.0.1:<port>``."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        super().__init__()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn = self.context.wrap_socket(conn, server_side=True)
        except OSError:
            conn.close()
            return
        super()._serve(conn)


@both_clients
def test_an_https_proxy_is_spoken_to_over_tls(proxy_env, tls_files, client_class):
    cert, context = tls_files
    server = RawServer([COLONY_REPLY, COLONY_REPLY])
    proxy = TlsForwardProxy(context)
    proxy_env.setenv("HTTP_PROXY", proxy.url)
    proxy_env.setenv("REQUESTS_CA_BUNDLE", cert)  # the proxy's certificate is checked as the server's would be
    assert get_colony(client_class, "127.0.0.1", server.port, times=2) == [{"name": "dev"}] * 2
    assert [head.split(b"\r\n")[0] for head in proxy.heads] == [b"POST http://127.0.0.1:%d/api HTTP/1.1" % server.port]
    proxy.close()
    server.close()

"""Proxies from the environment, as upstream's requests used them: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY
unless NO_PROXY lists the server; absolute-form requests for HTTP, a CONNECT tunnel for HTTPS."""

from __future__ import annotations

import asyncio
import base64
import socket

import pytest
from proxy import ForwardProxy
from rawserver import RawServer, reply

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.errors import ColoniesConnectionError
from pycolonies_fast.transport import proxy_from_environment

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
COLONY_REPLY = reply(b'{"payloadtype":"getcolonymsg","payload":"eyJuYW1lIjoiZGV2In0=","error":false}')


@pytest.fixture
def proxy_env(monkeypatch):
    """No proxy variables but those a test sets (either case)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


@pytest.fixture
def proxy():
    forward = ForwardProxy()
    yield forward
    forward.close()


def test_which_proxy_the_environment_chooses(proxy_env):
    assert proxy_from_environment("http", "h", 1) is None
    proxy_env.setenv("ALL_PROXY", "all.example:3128")
    assert proxy_from_environment("https", "h", 1) == "http://all.example:3128"
    proxy_env.setenv("HTTP_PROXY", "http://web.example:8080")
    assert proxy_from_environment("http", "h", 1) == "http://web.example:8080"
    proxy_env.setenv("NO_PROXY", "h,.internal")
    assert proxy_from_environment("http", "h", 1) is None
    assert proxy_from_environment("http", "db.internal", 1) is None
    assert proxy_from_environment("http", "other", 1) == "http://web.example:8080"


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


def test_proxy_credentials_in_the_url_are_sent(proxy_env, proxy):
    server = RawServer([COLONY_REPLY])
    proxy_env.setenv("http_proxy", f"http://user:pa%20ss@127.0.0.1:{proxy.port}")
    assert Colonies("127.0.0.1", server.port).get_colony("dev", "11" * 32) == {"name": "dev"}
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


def test_https_tunnels_through_the_proxy(proxy_env, proxy, tls_files):
    cert, context = tls_files
    server = RawServer([COLONY_REPLY, COLONY_REPLY], tls=context)
    proxy_env.setenv("HTTPS_PROXY", proxy.url)
    client = Colonies("127.0.0.1", server.port, tls=True, ca_bundle=cert)
    assert client.get_colony("dev", "11" * 32) == {"name": "dev"}
    assert client.get_colony("dev", "11" * 32) == {"name": "dev"}
    assert [head.split(b"\r\n")[0][:-9] for head in proxy.heads] == [b"CONNECT 127.0.0.1:%d" % server.port]
    assert len(server.requests) == 2 and server.connections == 1  # TLS with the server itself, kept alive
    server.close()

"""A host or port that carries CR/LF would end the request's head early or add header lines (through
an HTTP proxy too): refused when the client is made, in both clients; the Host header carries the
port as parsed."""

from __future__ import annotations

import pytest

from pycolonies_fast.aio import AsyncColonies
from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from tests.support.servers import RecordingServer

KEY = Crypto().prvkey()


@pytest.mark.parametrize("client_class", [Colonies, AsyncColonies])
@pytest.mark.parametrize(("host", "port"), [("127.0.0.1", "18081\r\n"), ("127.0.0.1\r\nX-Injected: 1", 18081),
                                            ("127.0.0.1", "18081\r\nX-Injected: 1"), ("127.0.0.1\n", 1),
                                            ("127.0.0.1\0", 1)])
def test_a_host_or_port_with_control_characters_is_refused_when_the_client_is_made(client_class, host, port):
    with pytest.raises(ValueError, match="contains a control character"):
        client_class(host, port)
    with pytest.raises(ValueError, match="contains a control character"):
        client_class.from_endpoints([("127.0.0.1", 1), (host, port)])


def test_the_host_header_carries_the_parsed_port():
    with RecordingServer({"name": "dev"}) as server:
        with Colonies("127.0.0.1", f" {server.port} ") as client:
            assert client.get_colony("dev", KEY) == {"name": "dev"}
    head = server.requests[0].partition(b"\r\n\r\n")[0].split(b"\r\n")
    assert f"Host: 127.0.0.1:{server.port}".encode() in head

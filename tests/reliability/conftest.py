"""Fixtures for the reliability tests: a Colonies server instance of our own that tests may break.

``fault_server`` is scripts/dev-server's opt-in instance ``DEVSERVER_INSTANCE=fault`` (HTTP
50090, its own PostgreSQL cluster on 5442 and its own folder): killing its server or restarting
its PostgreSQL disturbs nobody else. It is started once per session and stopped at the end.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from tests.support.fault import START_TIMEOUT_S, FaultServer
from tests.support.identities import Identity, unique
from tests.support.servers import TlsProxy


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "fault_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    FaultServer.script("start", START_TIMEOUT_S)
    server = FaultServer()
    yield server
    FaultServer.script("stop")


@pytest.fixture
def fault_client(fault_server: FaultServer) -> Iterator[Colonies]:
    with fault_server.client(timeout=30) as client:
        yield client


@pytest.fixture
def fault_colony(fault_server: FaultServer, fault_client: Colonies) -> Iterator[Identity]:
    """A colony of its own on the fault instance (removed afterwards)."""
    prvkey = Crypto().prvkey()
    colony = Identity(name=unique("rel"), prvkey=prvkey)
    fault_client.add_colony({"colonyid": Crypto().id(prvkey), "name": colony.name}, fault_server.server_prvkey)
    yield colony
    fault_server.start()  # a test may have left it down
    fault_client.del_colony(colony.name, fault_server.server_prvkey)


@pytest.fixture(scope="session")
def tls_proxy(fault_server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsProxy]:
    """A TLS proxy with a fresh self-signed certificate (openssl, for 127.0.0.1) before the fault instance."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", key, "-out", cert],
        check=True, capture_output=True, timeout=60,
    )
    proxy = TlsProxy(cert, key, (fault_server.host, fault_server.port))
    yield proxy
    proxy.close()

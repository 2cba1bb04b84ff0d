"""Fixtures for the reliability tests: a Colonies server instance of our own that tests may break.

``fault_server`` is scripts/dev-server's opt-in instance ``DEVSERVER_INSTANCE=fault`` (HTTP
50090, its own PostgreSQL cluster on 5442 and its own folder): killing its server or restarting
its PostgreSQL disturbs nobody else. It is started once per session and stopped at the end.
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from pycolonies_fast.client import Colonies
from pycolonies_fast.core.crypto import Crypto
from tests.helpers import Forwarder, unique

REPO = Path(__file__).resolve().parents[2]
DEV_SERVER = REPO / "scripts" / "dev-server"
FAULT_DIR = REPO / ".devserver" / "fault"
START_TIMEOUT_S = 1800  # a cold start builds the server and installs PostgreSQL


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "fault_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.server)


class Secretive(SimpleNamespace):
    """A namespace whose repr shows only its name (pytest prints fixtures; keys must not show)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={getattr(self, 'name', '?')!r})"


class FaultServer:
    """The fault instance: its address, the server key, and ways to break and mend it."""

    def __init__(self) -> None:
        env = dict(line.removeprefix("export ").split("=", 1) for line in self.script("env").splitlines())
        self.host = env["COLONIES_SERVER_HOST"]
        self.port = int(env["COLONIES_SERVER_PORT"])
        self.server_prvkey = env["COLONIES_SERVER_PRVKEY"]

    def __repr__(self) -> str:
        return f"FaultServer({self.host}:{self.port})"

    @staticmethod
    def script(command: str, timeout: float = 120) -> str:
        """Run ``scripts/dev-server <command>`` for the fault instance; its stdout."""
        done = subprocess.run(
            [str(DEV_SERVER), command], cwd=REPO, capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL, env={**os.environ, "DEVSERVER_INSTANCE": "fault"},
        )
        if done.returncode != 0:
            raise RuntimeError(f"dev-server {command} (fault) failed: {done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> None:
        """Start whatever is not running (idempotent)."""
        self.script("start", START_TIMEOUT_S)

    def kill_server(self) -> None:
        """SIGKILL the instance's Colonies server (no graceful shutdown) and wait until it is gone."""
        pid = int((FAULT_DIR / "colonies.pid").read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        assert b"server start" in cmdline and b"%d" % self.port in cmdline, cmdline
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            try:
                if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                    break
            except OSError:
                break
            time.sleep(0.05)

    def restart_postgres(self) -> None:
        """Restart the instance's PostgreSQL (fast mode: the server's sessions are cut)."""
        self.script("restart-postgres")

    def client(self, **options: object) -> Colonies:
        return Colonies(self.host, self.port, **options)  # type: ignore[arg-type]


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
def fault_colony(fault_server: FaultServer, fault_client: Colonies) -> Iterator[Secretive]:
    """A colony of its own on the fault instance (removed afterwards)."""
    prvkey = Crypto().prvkey()
    colony = Secretive(name=unique("rel"), prvkey=prvkey)
    fault_client.add_colony({"colonyid": Crypto().id(prvkey), "name": colony.name}, fault_server.server_prvkey)
    yield colony
    fault_server.start()  # a test may have left it down
    fault_client.del_colony(colony.name, fault_server.server_prvkey)


class TlsProxy(Forwarder):
    """HTTPS and WSS in front of the fault instance: terminates TLS with a self-signed certificate
    and pipes the bytes to the server. (Colonies v1.9.12 accepts --tlscert/--tlskey but serves
    plain HTTP regardless, so TLS in front of it is the only way to test against the real server.)"""

    def __init__(self, cert: str, key: str, target: tuple[str, int]) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        super().__init__(0, target, tls=context)
        self.cert = cert


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

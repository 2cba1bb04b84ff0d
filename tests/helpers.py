"""Helpers shared by the live test directories (client, aio, compat, executor): names, polling, identities.

Import as ``from tests.helpers import ...`` (the repository root is on sys.path: tests/ is a
package). The fixtures built on them are in tests/conftest.py.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, TypeVar

from pycolonies_fast.core.crypto import Crypto
from pycolonies_fast.funcspec import func_spec

T = TypeVar("T")


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def eventually(probe: Callable[[], T], timeout: float = 10.0, interval: float = 0.1) -> T:
    """Call ``probe`` until it returns something truthy (or ``timeout`` passes); return the last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


class Identity(SimpleNamespace):
    """A named key holder whose repr never shows the private key (pytest prints fixtures)."""

    def __repr__(self) -> str:
        return f"Identity(name={getattr(self, 'name', '?')!r})"


def new_identity(prefix: str) -> Identity:
    """A fresh key: ``.name`` (unique), ``.prvkey`` and ``.id``."""
    prvkey = Crypto().prvkey()
    return Identity(name=unique(prefix), prvkey=prvkey, id=Crypto().id(prvkey))


def add_colony(client: Any, server_prvkey: str, prefix: str = "t") -> Identity:
    """Create a colony with a fresh key: ``.name``, ``.id`` and ``.prvkey`` (the colony key)."""
    info = new_identity(prefix)
    client.add_colony({"colonyid": info.id, "name": info.name}, server_prvkey)
    return info


def add_executor(client: Any, colony: Identity, approve: bool = True, executortype: str | None = None) -> Identity:
    """Register an executor of ``executortype`` (default: a fresh type) in ``colony``, approved unless
    ``approve=False``: ``.name``, ``.prvkey``, ``.id``, ``.type``, ``.colony`` (the colony's name)."""
    executor = new_identity("exec")
    executor.type = executortype or unique("type")
    executor.colony = colony.name
    client.add_executor(
        {"executorname": executor.name, "executorid": executor.id,
         "colonyname": colony.name, "executortype": executor.type},
        colony.prvkey,
    )
    if approve:
        client.approve_executor(colony.name, executor.name, colony.prvkey)
    return executor


def submit_raw(client: Any, colonyname: str, executortype: str, prvkey: str, funcname: str, **fields: Any) -> str:
    """Submit a spec with ``fields`` set as they are, past the models' validation (e.g.
    ``kwargs={"force": True}``, which the ``Process`` model rejects, §e.3); the new process's id."""
    spec = func_spec(funcname, [], colonyname, executortype).model_dump(by_alias=True)
    spec.update(fields)
    return client._rpc({"msgtype": "submitfuncspecmsg", "spec": spec}, prvkey)["processid"]


def get_raw(client: Any, processid: str, prvkey: str) -> dict[str, Any]:
    """A process as the server sends it (``get_process`` without the ``Process`` model)."""
    return client._rpc({"msgtype": "getprocessmsg", "processid": processid}, prvkey)


class Listener:
    """Accepts TCP connections on 127.0.0.1:port (``port`` 0: any free one, in ``.port``) and serves
    each in a thread of its own with ``_serve(conn)``, which subclasses write."""

    def __init__(self, port: int = 0) -> None:
        self._server = socket.create_server(("127.0.0.1", port))
        self.port: int = self._server.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._server.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        raise NotImplementedError


class Forwarder(Listener):
    """A TCP forwarder 127.0.0.1:port -> target.

    Started late, it stands in for a server coming back; with ``tls`` (a server-side context) it
    terminates TLS in front of a plain server. Each connection gets its own upstream connection.
    """

    def __init__(self, port: int, target: tuple[str, int], tls: ssl.SSLContext | None = None) -> None:
        self.target = target
        self._tls = tls
        super().__init__(port)

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self._tls is not None:
                conn.settimeout(10)
                conn = self._tls.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
            upstream = socket.create_connection(self.target)
        except OSError:  # the client refused our certificate (ssl.SSLError is an OSError), or no server
            conn.close()
            return
        for src, dst in ((conn, upstream), (upstream, conn)):
            src.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=pipe, args=(src, dst), daemon=True).start()


def pipe(src: socket.socket, dst: socket.socket) -> None:
    """Copy ``src`` to ``dst`` until either ends; then shut both down."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

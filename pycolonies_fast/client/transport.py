"""The blocking HTTP(S) transport: POST signed envelopes to ``/api`` over pooled keep-alive connections.

Connections and TLS are urllib3's: an ``HTTPConnectionPool`` / ``HTTPSConnectionPool`` makes
each connection (connect timeout, certificate verification, CA bundle). Idle keep-alive
connections wait in a plain list (LIFO: the warmest first; ``list.pop``/``append`` are atomic,
so threads never share one), and a connection the server closed while it was idle is noticed
by urllib3's own zero-timeout ``wait_for_read`` before reuse. The request is one prebuilt byte
string written with ``sendall``; the reply is framed by core/http.py, which takes the whole
reply from the first ``recv`` when it is all there. urllib3's own request and response path is
left out because it costs much more CPU than this one (bench/RESULTS.md, "RPC round trip").

Retry rule: a request is sent again only when it cannot have reached the server (connection
refused, or the write failed on a reused connection). Calls marked idempotent may also be
repeated when the connection fails while the reply is awaited or read. Timeouts never retry.
Failures to connect raise ``ConnectError`` once ``connect_retries`` (default: ``retries``) more
attempts failed too; the client sets it to 0 and lets its failover (core/failover.py) decide.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import time
import urllib.parse
import weakref
from typing import Any, cast

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, ProxyManager
from urllib3.connection import HTTPConnection
from urllib3.exceptions import (
    ConnectTimeoutError as Urllib3ConnectTimeoutError,
)
from urllib3.exceptions import (
    LocationValueError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util import Timeout, make_headers, parse_url
from urllib3.util.wait import wait_for_read

from pycolonies_fast.core.connection import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_REPLY_SIZE,
    DEFAULT_READ_TIMEOUT,
    bracketed,
    ca_locations,
    proxy_from_environment,
)
from pycolonies_fast.core.http import Dropped, read_response
from pycolonies_fast.errors import ConnectError, ConnectTimeoutError, ReplyError, RequestTimeoutError, TransportError

__all__ = ["Transport"]

_USER_AGENT = b"pycolonies_fast"
_UNSET: Any = object()  # sentinel: "use the transport's default read timeout"


class Transport:
    """One keep-alive connection pool to one Colonies server; safe to share between threads."""

    def __init__(
        self,
        host: str,
        port: int,
        tls: bool = False,
        *,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float | None = DEFAULT_READ_TIMEOUT,
        ca_bundle: str | None = None,
        verify: bool = True,
        retries: int = 2,
        backoff: float = 0.1,
        maxsize: int = 16,
        connect_retries: int | None = None,
        max_reply_size: int = DEFAULT_MAX_REPLY_SIZE,
    ) -> None:
        self.read_timeout = read_timeout
        self.max_reply_size = max_reply_size
        self.retries = retries
        self.connect_retries = retries if connect_retries is None else connect_retries
        self.backoff = backoff
        self._idle: list[HTTPConnection] = []
        self._maxsize = maxsize
        self._where = f"{host}:{port}"
        timeout = Timeout(connect=connect_timeout, read=read_timeout)
        self._tunnel: tuple[str, int, dict[str, str]] | None = None  # CONNECT through a proxy: host, port, headers
        try:
            # The pool only makes connections (``_new_conn``): idle ones wait in ``self._idle``.
            port_number = int(port)
            scheme, host_header = ("https" if tls else "http"), bracketed(host) + f":{port_number}"
            pool_options: dict[str, Any] = {"timeout": timeout, "retries": False}
            if tls:
                cafile, capath = ca_locations(ca_bundle)
                pool_options.update(cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE",
                                    assert_hostname=None if verify else False, ca_certs=cafile, ca_cert_dir=capath)
            target, proxy_lines = "/api", b""
            proxy = proxy_from_environment(scheme, host, port_number)
            if proxy is None:
                pool_class = HTTPSConnectionPool if tls else HTTPConnectionPool
                self._pool: HTTPConnectionPool | _NoServer = pool_class(host, port_number, **pool_options)
            else:  # as upstream's requests did: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY unless NO_PROXY says otherwise
                proxy_headers = _proxy_auth_headers(proxy)
                self._pool = ProxyManager(proxy, proxy_headers=proxy_headers, **pool_options).connection_from_host(
                    host, port_number, scheme)
                if tls:  # a CONNECT tunnel, then TLS with the server itself
                    self._tunnel = (host, port_number, proxy_headers)
                else:  # the proxy gets the absolute URL
                    target = f"http://{host_header}/api"
                    proxy_lines = b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in proxy_headers.items())
            self._head = (
                b"POST " + target.encode("idna") + b" HTTP/1.1\r\nHost: " + host_header.encode("idna")
                + b"\r\n" + proxy_lines + b"User-Agent: " + _USER_AGENT
                + b"\r\nContent-Type: application/json\r\nAccept-Encoding: identity\r\nContent-Length: "
            )
        except (LocationValueError, TypeError, ValueError, UnicodeError) as exc:
            # As upstream: a client with an unusable address is made; each call fails, as a connection error.
            self._pool = _NoServer(f"Invalid server address {self._where!r}: {exc}")
            self._head = b""
        _open_transports.add(self)

    def __del__(self) -> None:
        """A client dropped without ``close_connections()`` closes its idle sockets (no ResourceWarning)."""
        with contextlib.suppress(Exception):
            self.close()

    def post(
        self, body: bytes, *, read_timeout: float | None = _UNSET, idempotent: bool = False
    ) -> tuple[int, bytes]:
        """POST ``body`` to ``/api`` and return ``(http_status, reply_body)``.

        ``read_timeout`` overrides the default for this call (``None`` = wait forever).
        """
        if read_timeout is _UNSET:
            read_timeout = self.read_timeout
        request = b"%b%d\r\n\r\n%b" % (self._head, len(body), body)
        attempt = 0
        while True:
            try:
                return self._exchange(request, read_timeout, idempotent)
            except _Retry as retry:
                if attempt >= (self.connect_retries if retry.wait else self.retries):
                    raise retry.error from retry.__cause__
                if retry.wait:
                    time.sleep(self.backoff * (2**attempt))
                attempt += 1

    def close(self) -> None:
        """Close the idle pooled connections; later calls simply open new ones."""
        while self._idle:
            try:
                self._idle.pop().close()
            except IndexError:  # another thread took the last one
                break

    def _checkout(self) -> tuple[HTTPConnection, bool]:
        """An idle connection that is still open (``True``: reused), else a new unconnected one."""
        idle = self._idle
        while idle:
            try:
                conn = idle.pop()
            except IndexError:
                break
            sock = conn.sock
            if sock is not None and not wait_for_read(sock, timeout=0.0):  # EOF or unasked bytes
                return conn, True
            conn.close()  # closed by the server (or it sent something unasked): never reuse
        return cast(HTTPConnection, self._pool._new_conn()), False

    def _checkin(self, conn: HTTPConnection) -> None:
        if len(self._idle) < self._maxsize:
            self._idle.append(conn)
        else:
            conn.close()

    def _exchange(self, request: bytes, read_timeout: float | None, idempotent: bool) -> tuple[int, bytes]:
        """One attempt on one connection; raises ``_Retry`` when another attempt is safe."""
        conn, reused = self._checkout()
        stage = "connect"
        try:
            if not reused:
                if self._tunnel is not None:
                    host, port, headers = self._tunnel
                    conn.set_tunnel(host, port, headers=headers)
                conn.connect()
            sock = cast(socket.socket, conn.sock)
            if sock.gettimeout() != read_timeout:
                sock.settimeout(read_timeout)
            stage = "send"
            sock.sendall(request)
            stage = "receive"
            status, reply, keep_alive = read_response(sock.recv, read_timeout, sock.settimeout, self.max_reply_size)
        except BaseException as exc:
            conn.close()
            if not isinstance(exc, Exception):
                raise
            error = self._classify(exc, stage, reused, idempotent, read_timeout)
            if error is exc:
                raise  # already typed (the reply reader's ReplyError): its own cause stays its cause
            raise error from exc
        if keep_alive:
            self._checkin(conn)
        else:
            conn.close()
        return status, reply

    def _classify(
        self, exc: Exception, stage: str, reused: bool, idempotent: bool, read_timeout: float | None
    ) -> Exception:
        """Turn a low-level failure into a typed error, or a ``_Retry`` when retrying is safe."""
        where = self._where
        if isinstance(exc, ReplyError):
            return exc
        if isinstance(exc, NameResolutionError):
            return ConnectError(f"Cannot resolve {where}: {_reason(exc)}")
        if isinstance(exc, NewConnectionError):  # refused, unreachable: nothing was sent
            return _Retry(ConnectError(f"Failed to connect to {where}: {_reason(exc)}"), wait=True)
        if isinstance(exc, (Urllib3ConnectTimeoutError, socket.timeout)):
            if stage == "connect":
                return ConnectTimeoutError(f"Timed out connecting to {where}")
            return RequestTimeoutError(f"No reply from {where} within the read timeout ({read_timeout} s)")
        if isinstance(exc, ssl.SSLError):
            if stage == "connect":  # the handshake failed: nothing was sent, failover may move on
                return ConnectError(f"TLS failure with {where}: {exc}")
            return TransportError(f"TLS failure with {where}: {exc}")
        if isinstance(exc, (Dropped, OSError)):
            if stage == "connect":
                return _Retry(ConnectError(f"Connection to {where} failed during connect: {exc}"), wait=True)
            error = TransportError(f"Connection to {where} failed during {stage}: {exc}")
            if (stage == "send" and reused) or idempotent:
                return _Retry(error, wait=False)
            return error
        return TransportError(f"Request to {where} failed: {exc!r}")


class _NoServer:
    """The pool of a transport whose address cannot be used: making a connection raises ConnectError."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _new_conn(self) -> HTTPConnection:
        raise ConnectError(self.reason)


class _Retry(Exception):
    """Internal: the attempt failed in a way that allows another attempt."""

    def __init__(self, error: Exception, *, wait: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def _reason(exc: NewConnectionError) -> str:
    """The OS-level reason of a failed connect, without urllib3's object repr."""
    cause = exc.__cause__ or exc.__context__
    return str(cause) if cause is not None else str(exc)


# Idle connections must not outlive a fork: parent and child would read each other's replies.
_open_transports: weakref.WeakSet[Transport] = weakref.WeakSet()


def _forget_connections_of_parent() -> None:
    for transport in list(_open_transports):
        transport._idle = []  # the sockets stay the parent's; the child connects anew


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_connections_of_parent)


def _proxy_auth_headers(proxy: str) -> dict[str, str]:
    """``Proxy-Authorization`` for a proxy URL that carries ``user:password@``."""
    auth = parse_url(proxy).auth
    return make_headers(proxy_basic_auth=urllib.parse.unquote(auth)) if auth else {}

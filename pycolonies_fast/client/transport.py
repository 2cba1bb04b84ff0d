"""The blocking HTTP(S) transport: POST signed envelopes to ``/api`` over pooled keep-alive connections.

Connections and TLS are urllib3's: an ``HTTPConnectionPool`` / ``HTTPSConnectionPool`` makes
each connection (connect timeout, certificate verification, CA bundle). Idle keep-alive
connections wait in a plain list (LIFO: the warmest first; ``list.pop``/``append`` are atomic,
so threads never share one), and a connection the server closed while it was idle is noticed
by urllib3's own zero-timeout ``wait_for_read`` before reuse. The request is one prebuilt byte
string (core/exchange.py) written with ``sendall``; the reply is framed by llhttp through
core/http.py, which takes the whole reply from the first ``recv`` when it is all there. urllib3's
own request and response path is left out because it costs much more CPU than this one
(bench/RESULTS.md, "RPC round trip").

The retry rule and the typed errors are core/exchange.py's, shared with the asyncio transport:
a request is sent again only when it cannot have reached the server, or when the call is
idempotent. Failures to connect raise ``ConnectError`` once ``connect_retries`` (default:
``retries``) more attempts failed too; the client sets it to 0 and lets its failover
(core/failover.py) decide. Each repeat is logged (INFO) with its reason, never the request.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import weakref
from typing import Any, cast

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, ProxyManager
from urllib3.connection import HTTPConnection
from urllib3.exceptions import ConnectTimeoutError as Urllib3ConnectTimeoutError
from urllib3.exceptions import LocationValueError, NameResolutionError, NewConnectionError
from urllib3.util import Timeout
from urllib3.util.wait import wait_for_read

from pycolonies_fast.core.connection import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_REPLY_SIZE,
    DEFAULT_READ_TIMEOUT,
    ca_locations,
    proxy_from_environment,
    tls_context,
)
from pycolonies_fast.core.exchange import (
    CONNECT,
    RECEIVE,
    SEND,
    RequestHeads,
    RetryRule,
    Verdict,
    classify,
    proxy_authorization,
    retry_message,
)
from pycolonies_fast.core.http import read_response
from pycolonies_fast.errors import ConnectError

__all__ = ["Transport"]

logger = logging.getLogger(__name__)
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
        self.retry_rule = RetryRule(retries, retries if connect_retries is None else connect_retries, backoff)
        self._idle: list[HTTPConnection] = []
        self._maxsize = maxsize
        self._where = f"{host}:{port}"
        timeout = Timeout(connect=connect_timeout, read=read_timeout)
        self._tunnel: tuple[str, int, dict[str, str]] | None = None  # CONNECT through a proxy: host, port, headers
        try:
            # The pool only makes connections (``_new_conn``): idle ones wait in ``self._idle``.
            port_number = int(port)
            scheme = "https" if tls else "http"
            pool_options: dict[str, Any] = {"timeout": timeout, "retries": False}
            if tls:
                cafile, capath = ca_locations(ca_bundle)
                pool_options.update(cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE",
                                    assert_hostname=None if verify else False, ca_certs=cafile, ca_cert_dir=capath)
            proxy = proxy_from_environment(scheme, host, port_number)
            if proxy is None:
                pool_class = HTTPSConnectionPool if tls else HTTPConnectionPool
                self._pool: HTTPConnectionPool | _NoServer = pool_class(host, port_number, **pool_options)
                self._heads = RequestHeads(host, port_number)
            else:  # as upstream's requests did: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY unless NO_PROXY says otherwise
                auth = proxy_authorization(proxy)
                proxy_headers = {} if auth is None else {"Proxy-Authorization": auth}
                if proxy.startswith("https:"):  # TLS to the proxy itself, verified as the server would be
                    pool_options["proxy_ssl_context"] = tls_context(ca_bundle, verify)
                self._pool = ProxyManager(proxy, proxy_headers=proxy_headers, **pool_options).connection_from_host(
                    host, port_number, scheme)
                # TLS: a CONNECT tunnel (urllib3's, with the credentials), then TLS with the server itself;
                # plain HTTP: the proxy gets the absolute URL and the credentials.
                self._heads = RequestHeads(host, port_number, absolute=not tls, proxy_auth=auth)
                if tls:
                    self._tunnel = (host, port_number, proxy_headers)
        except (LocationValueError, TypeError, ValueError, UnicodeError) as exc:
            # As upstream: a client with an unusable address is made; each call fails, as a connection error.
            self._pool = _NoServer(f"Invalid server address {self._where!r}: {exc}")
            self._heads = RequestHeads("invalid", 0)
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
        return self._send(self._heads.post(body), read_timeout, idempotent)

    def get(self, path: str, *, read_timeout: float | None = _UNSET) -> tuple[int, bytes]:
        """GET ``path`` (such as ``/health``) and return ``(http_status, reply_body)``; safe to repeat."""
        if read_timeout is _UNSET:
            read_timeout = self.read_timeout
        return self._send(self._heads.get(path), read_timeout, True)

    def _send(self, request: bytes, read_timeout: float | None, idempotent: bool) -> tuple[int, bytes]:
        """Exchange ``request`` for its reply, sending it again as long as the retry rule allows."""
        attempt = 0
        while True:
            try:
                return self._exchange(request, read_timeout, idempotent)
            except _Retry as retry:
                delay = self.retry_rule.delay(retry.verdict, attempt)
                if delay is None:
                    raise retry.verdict.error from retry.__cause__
                logger.info(retry_message(self._where, retry.verdict, attempt))
                if delay:
                    time.sleep(delay)
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
        stage, reused = CONNECT, False
        conn: HTTPConnection | None = None
        try:
            conn, reused = self._checkout()
            if not reused:
                if self._tunnel is not None:
                    host, port, headers = self._tunnel
                    conn.set_tunnel(host, port, headers=headers)
                conn.connect()
            sock = cast(socket.socket, conn.sock)
            if sock.gettimeout() != read_timeout:
                sock.settimeout(read_timeout)
            stage = SEND
            sock.sendall(request)
            stage = RECEIVE
            status, reply, keep_alive = read_response(sock.recv, read_timeout, sock.settimeout, self.max_reply_size)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if not isinstance(exc, Exception):
                raise
            verdict = classify(_standard(exc), stage, where=self._where, reused=reused, idempotent=idempotent,
                               read_timeout=read_timeout)
            if verdict.retry is not None:
                raise _Retry(verdict) from exc
            if verdict.error is exc:
                raise  # already typed (the reply reader's ReplyError): its own cause stays its cause
            raise verdict.error from exc
        if keep_alive:
            self._checkin(conn)
        else:
            conn.close()
        return status, reply


def _standard(exc: Exception) -> Exception:
    """urllib3's connect failures as the standard exceptions core/exchange.py classifies."""
    if isinstance(exc, NameResolutionError):
        cause = exc.__cause__ or exc.__context__
        return cause if isinstance(cause, socket.gaierror) else socket.gaierror(_reason(exc))
    if isinstance(exc, NewConnectionError):  # refused, unreachable: the OS's reason (a subclass of the next)
        cause = exc.__cause__ or exc.__context__
        return cause if isinstance(cause, OSError) else OSError(_reason(exc))
    if isinstance(exc, Urllib3ConnectTimeoutError):
        return TimeoutError(str(exc))
    return exc


class _NoServer:
    """The pool of a transport whose address cannot be used: making a connection raises ConnectError."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _new_conn(self) -> HTTPConnection:
        raise ConnectError(self.reason)


class _Retry(Exception):
    """Internal: the attempt failed in a way that allows another attempt."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(str(verdict.error))
        self.verdict = verdict


def _reason(exc: Exception) -> str:
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

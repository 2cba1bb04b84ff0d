"""Async HTTP(S) transport: POST signed envelopes to ``/api`` over pooled keep-alive connections.

The asyncio twin of client/transport.py, built on the same sans-IO parts: the request bytes, the
failure classification and the retry rule of core/exchange.py, and llhttp's reply framing through
core/http.py's ``ReplyParser``, fed from an ``asyncio.Protocol`` (``_Connection``). Connections are
asyncio's own (``create_connection``, with uvloop's loop too): TLS with the client's CA bundle and
verification, a proxy from the environment (absolute-form requests; a ``CONNECT`` tunnel, then
TLS with the server, for HTTPS; ``Proxy-Authorization`` from the proxy URL's credentials; TLS to
the proxy itself for an ``https://`` proxy).

The pool rules are the blocking transport's: per endpoint, idle connections wait in a LIFO list
of at most ``pool_size``; before reuse one is dropped if the server closed it or sent something
unasked (seen by the protocol, or by a zero-timeout read-readiness check of its socket). The
connect timeout bounds opening a connection (TCP, tunnel, TLS); the read timeout bounds the whole
reply, however it trickles in (one timer per connection, moved from request to request, rather than
one made and cancelled per request). The connections belong to the event loop that opened them; a client
used from a later event loop (a second ``asyncio.run``) opens new ones.

The websockets (aio/websocket.py) stay aiohttp's: ``ws_session``, ``ssl``, ``url`` and ``proxies``
are for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import select
import ssl
from typing import Any

import aiohttp
from yarl import URL

from pycolonies_fast.core.connection import DEFAULT_MAX_REPLY_SIZE, bracketed, proxy_from_environment, tls_context
from pycolonies_fast.core.exchange import (
    CONNECT,
    RECEIVE,
    SEND,
    RequestHeads,
    RetryRule,
    classify,
    proxy_authorization,
    retry_message,
)
from pycolonies_fast.core.http import ReplyParser
from pycolonies_fast.errors import ConnectError

__all__ = ["AsyncTransport"]

logger = logging.getLogger(__name__)


class AsyncTransport:
    """The connection pools of all endpoints of a client; use it inside one event loop at a time."""

    def __init__(
        self,
        endpoints: list[tuple[str, int]],
        tls: bool,
        *,
        connect_timeout: float | None,
        ca_bundle: str | None,
        verify: bool,
        pool_size: int,
        retries: int = 2,
        max_reply_size: int = DEFAULT_MAX_REPLY_SIZE,
    ) -> None:
        scheme = "https" if tls else "http"
        self.where = [f"{host}:{port}" for host, port in endpoints]
        self.urls = [_url(f"{scheme}://{bracketed(host)}:{port}/api") for host, port in endpoints]
        # Each endpoint's proxy, chosen once as the blocking transport does.
        self.proxies = [_proxy(scheme, url) for url in self.urls]
        self.connect_timeout = connect_timeout
        self._ssl: ssl.SSLContext | None = None
        # An https:// proxy is spoken to over TLS, verified as the server would be (urllib3's rule).
        tls_to_proxy = any(proxy is not None and proxy.scheme == "https" for proxy in self.proxies)
        context = tls_context(ca_bundle, verify) if tls or tls_to_proxy else None
        if tls:
            self._ssl = context
        self._routes = [_Route(host, port, tls, proxy, context if tls_to_proxy else None)
                        for (host, port), proxy in zip(endpoints, self.proxies, strict=True)]
        self._pool_size = pool_size
        self.max_reply_size = max_reply_size
        # Lost connections of idempotent calls go again ``retries`` times; failed connects are the
        # client's failover's to repeat (core/failover.py), as in the blocking client.
        self.retry_rule = RetryRule(retries, 0, 0.0)
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop the connections belong to
        self._idle: list[list[_Connection]] = [[] for _ in endpoints]
        self._ws_session: aiohttp.ClientSession | None = None

    @property
    def ssl(self) -> ssl.SSLContext | bool:
        """The TLS setting of every connection (False without TLS); the websocket side uses it too."""
        return False if self._ssl is None else self._ssl

    def ws_session(self) -> aiohttp.ClientSession:
        """An aiohttp session for the websockets (aio/websocket.py), opened on first use in this loop."""
        self._follow_running_loop()
        if self._ws_session is None or self._ws_session.closed:
            connector = aiohttp.TCPConnector(limit=0, ssl=self.ssl)
            self._ws_session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        return self._ws_session

    def url(self, endpoint: int) -> URL:
        """The ``/api`` URL of endpoint number ``endpoint``; as upstream, an unusable address (an empty
        host, a port that is not a number) makes the client, and each call raises ConnectError."""
        url = self.urls[endpoint]
        if isinstance(url, str):
            raise ConnectError(f"Invalid server address {self.where[endpoint]!r}: {url}")
        return url

    async def post(
        self, endpoint: int, body: bytes, read_timeout: float | None, idempotent: bool = False
    ) -> tuple[int, bytes]:
        """POST ``body`` to endpoint number ``endpoint``; ``(http_status, reply_body)``."""
        route = self._route(endpoint)
        return await self._send(endpoint, route, route.heads.post(body), read_timeout, idempotent)

    async def get(self, endpoint: int, path: str, read_timeout: float | None) -> tuple[int, bytes]:
        """GET ``path`` (such as ``/health``) of endpoint number ``endpoint``; ``(http_status, reply_body)``."""
        route = self._route(endpoint)
        return await self._send(endpoint, route, route.heads.get(path), read_timeout, True)

    def _route(self, endpoint: int) -> _Route:
        self.url(endpoint)  # an unusable address: ConnectError
        return self._routes[endpoint]

    async def _send(
        self, endpoint: int, route: _Route, request: bytes, read_timeout: float | None, idempotent: bool
    ) -> tuple[int, bytes]:
        """Exchange ``request`` for its reply, sending it again as long as the retry rule allows."""
        attempt = 0
        while True:
            stage, reused, conn = CONNECT, False, None
            try:
                conn, reused = self._checkout(endpoint)
                if conn is None:
                    conn = await self._open(route)
                stage = SEND
                status, reply, keep_alive = await conn.exchange(request, read_timeout, self.max_reply_size)
            except BaseException as exc:
                if conn is not None:
                    conn.abort()
                if not isinstance(exc, Exception):
                    raise  # a cancellation: the connection, mid-exchange, is closed
                if isinstance(exc, _Unsent):
                    stage, exc = SEND, exc.cause
                elif stage == SEND:
                    stage = RECEIVE
                verdict = classify(exc, stage, where=self.where[endpoint], reused=reused, idempotent=idempotent,
                                   read_timeout=read_timeout)
                delay = self.retry_rule.delay(verdict, attempt)
                if delay is None:
                    if verdict.error is exc:
                        raise
                    raise verdict.error from exc
                logger.info(retry_message(self.where[endpoint], verdict, attempt))
                if delay:
                    await asyncio.sleep(delay)
                attempt += 1
                continue
            if keep_alive and len(self._idle[endpoint]) < self._pool_size:
                self._idle[endpoint].append(conn)
            else:
                conn.abort()
            return status, reply

    def _checkout(self, endpoint: int) -> tuple[_Connection | None, bool]:
        """An idle connection that is still open (``True``: reused), else None."""
        self._follow_running_loop()
        idle = self._idle[endpoint]
        while idle:
            conn = idle.pop()
            if conn.usable():
                return conn, True
            conn.abort()  # closed by the server (or it sent something unasked): never reuse
        return None, False

    async def _open(self, route: _Route) -> _Connection:
        """A new connection for ``route`` within the connect timeout."""
        opening = route.open(self._ssl)
        if self.connect_timeout is None:
            return await opening
        try:
            return await asyncio.wait_for(opening, self.connect_timeout)
        except asyncio.TimeoutError:  # asyncio's own class before Python 3.11
            raise TimeoutError("connect timeout") from None

    def _follow_running_loop(self) -> None:
        """Forget connections of an earlier event loop: they cannot serve this one."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            for idle in self._idle:
                for conn in idle:
                    conn.abort()
                idle.clear()
            if self._ws_session is not None and not self._ws_session.closed:
                _abandon(self._ws_session, self._loop)
            self._ws_session = None
            self._loop = loop

    async def close(self) -> None:
        """Close the pooled connections; a later call opens new ones."""
        for idle in self._idle:
            while idle:
                idle.pop().abort()
        if self._ws_session is not None:
            await self._ws_session.close()
        self._ws_session = None


class _Route:
    """How to reach one endpoint: directly, or through its proxy (absolute form, or a CONNECT tunnel)."""

    def __init__(
        self, host: str, port: int, tls: bool, proxy: URL | None, proxy_context: ssl.SSLContext | None
    ) -> None:
        self.host, self.tls = host, tls
        self.port = port
        auth = None if proxy is None else proxy_authorization(str(proxy))
        self.proxy = None if proxy is None else (proxy.host or "", proxy.port or 80)
        self.proxy_context = proxy_context if proxy is not None and proxy.scheme == "https" else None
        absolute = proxy is not None and not tls
        try:
            self.heads = RequestHeads(host, port, absolute=absolute, proxy_auth=auth)
        except (TypeError, ValueError, UnicodeError):  # an unusable address: AsyncTransport.url refuses it
            self.heads = RequestHeads("invalid", 0)

    async def open(self, context: ssl.SSLContext | None) -> _Connection:
        """Connect: TCP (to the proxy, if any), the tunnel for TLS through a proxy, then TLS."""
        loop = asyncio.get_running_loop()
        if self.proxy is None:
            server_hostname = self.host if context is not None else None
            _, conn = await loop.create_connection(_Connection, self.host, self.port, ssl=context,
                                                   server_hostname=server_hostname)
            return conn
        proxy_host, proxy_port = self.proxy
        _, conn = await loop.create_connection(
            _Connection, proxy_host, proxy_port, ssl=self.proxy_context,
            server_hostname=proxy_host if self.proxy_context is not None else None)
        if context is not None:
            try:
                await conn.tunnel(self.heads.connect(), context, self.host)
            except BaseException:
                conn.abort()
                raise
        return conn


class _Unsent(Exception):
    """The request could not be written: it never left (a reused connection may take it again)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class _Connection(asyncio.Protocol):
    """One keep-alive connection: the reply to the request in flight is fed to its ``ReplyParser``."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()  # made by create_connection, inside the loop
        self.transport: asyncio.Transport | None = None
        self.fileno = -1  # the socket's, for the readiness check
        self.parser: ReplyParser | None = None
        self.waiter: asyncio.Future[Any] | None = None
        self.closed = False
        self.unasked = False  # bytes arrived while no request was in flight: out of step
        self._head_only = False  # a CONNECT: its reply ends with its head
        self.deadline: float | None = None  # the loop time by which the reply in flight must be complete
        self._timer: asyncio.TimerHandle | None = None  # one per connection (see _watch)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            self.fileno = sock.fileno()

    def usable(self) -> bool:
        """Whether an idle connection may carry another request (see the module docstring)."""
        transport = self.transport
        if self.closed or self.unasked or transport is None or transport.is_closing():
            return False
        if self.fileno < 0:
            return True
        with contextlib.suppress(OSError, ValueError):
            return not select.select((self.fileno,), (), (), 0)[0]  # readable: EOF or unasked bytes
        return False

    async def exchange(self, request: bytes, read_timeout: float | None, max_body: int) -> tuple[int, bytes, bool]:
        """Write ``request`` and await its reply: ``(status, body, keep_alive)``; raises ``_Unsent``,
        ``TimeoutError`` (the whole reply not within ``read_timeout``), ``ReplyError``, ``Dropped``, ``OSError``."""
        transport = self.transport
        assert transport is not None
        loop = self.loop
        self.parser = ReplyParser(max_body)
        waiter = self.waiter = loop.create_future()
        transport.write(request)
        if transport.is_closing():  # the write failed at once (the server had closed it): nothing left
            raise _Unsent(ConnectionResetError("the connection was closed before the request could be written"))
        if read_timeout is not None:
            self._watch(loop.time() + read_timeout)
        try:
            parser = await waiter
        finally:
            self.parser = self.waiter = self.deadline = None
        return parser.status, parser.body, parser.keep_alive

    def _watch(self, deadline: float) -> None:
        """Time the reply out at ``deadline``. One timer serves the connection's requests one after
        another: it is moved only when this deadline comes before it, and when it fires before the
        deadline of the request then in flight, it moves on to that one (``_check_deadline``)."""
        self.deadline = deadline
        timer = self._timer
        if timer is None or deadline < timer.when():
            if timer is not None:
                timer.cancel()
            self._timer = self.loop.call_at(deadline, self._check_deadline)

    def _check_deadline(self) -> None:
        self._timer = None
        deadline = self.deadline
        if deadline is None:  # idle: the next request arms a timer again
            return
        if self.loop.time() >= deadline:
            self._time_out()
        else:
            self._timer = self.loop.call_at(deadline, self._check_deadline)

    async def tunnel(self, request: bytes, context: ssl.SSLContext, host: str) -> None:
        """Open a CONNECT tunnel with ``request`` through the proxy, then TLS with ``host`` inside it."""
        transport = self.transport
        assert transport is not None
        self._head_only = True
        self.parser = ReplyParser()
        waiter = self.waiter = self.loop.create_future()
        transport.write(request)
        parser = await waiter
        self.parser = self.waiter = None
        self._head_only = False
        if parser.status != 200:
            raise OSError(f"Tunnel connection failed: {parser.status}")
        tls = await self.loop.start_tls(transport, self, context, server_hostname=host)
        assert tls is not None
        self.transport = tls

    def data_received(self, data: bytes) -> None:
        parser, waiter = self.parser, self.waiter
        if parser is None or waiter is None or waiter.done():
            self.unasked = True
            return
        try:
            done = parser.feed(data) or (self._head_only and parser.head_done)
        except Exception as exc:  # a malformed reply
            waiter.set_exception(exc)
            return
        if done:
            waiter.set_result(parser)

    def eof_received(self) -> bool | None:
        return None  # the transport closes itself; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._stop_watching()
        parser, waiter = self.parser, self.waiter
        if parser is None or waiter is None or waiter.done():
            return
        if exc is not None:
            waiter.set_exception(exc)
            return
        try:
            parser.feed_eof()
        except Exception as error:  # Dropped: the reply was not complete
            waiter.set_exception(error)
        else:
            waiter.set_result(parser)

    def _time_out(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(TimeoutError("the reply did not arrive within the read timeout"))
        self.abort()

    def _stop_watching(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def abort(self) -> None:
        """Close the connection at once (it is never reused)."""
        self.closed = True
        self._stop_watching()
        transport = self.transport
        if transport is not None:
            with contextlib.suppress(RuntimeError):  # its event loop is closed already
                transport.abort()


def _abandon(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop | None) -> None:
    """Close a session of another event loop ``loop`` without awaiting anything on this one: a loop
    running in another thread closes it itself; else its close is stepped here (with the loop closed,
    aiohttp only marks it closed; with the loop stopped, the close is scheduled on it)."""
    if loop is not None and loop.is_running():
        asyncio.run_coroutine_threadsafe(session.close(), loop)
        return
    closing = session.close()
    try:
        closing.send(None)
    except StopIteration:
        return
    closing.close()  # it would wait for that loop: the close is already under way there


def _url(text: str) -> URL | str:
    """The endpoint's URL, or why it is unusable (an empty host, a port that is not a number)."""
    try:
        return URL(text)
    except (ValueError, TypeError) as exc:
        return str(exc)


def _proxy(scheme: str, url: URL | str) -> URL | None:
    """The proxy of an endpoint from the environment, as the blocking transport chooses it; None for
    a direct connection."""
    if isinstance(url, str) or url.host is None or url.port is None:
        return None
    proxy = proxy_from_environment(scheme, url.host, url.port)
    return None if proxy is None else URL(proxy)

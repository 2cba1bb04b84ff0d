"""Async HTTP(S) transport: POST signed envelopes to ``/api`` through one pooled aiohttp session.

aiohttp keeps keep-alive connections per endpoint (``pool_size`` in all). Failures become the
same typed errors as the blocking transport raises, so that the client's failover (core/failover.py)
decides what to repeat: ``ConnectError`` when no connection could be opened (nothing was sent),
``RequestTimeoutError`` for a read timeout, and ``TransportError`` when the connection failed
after the request may have been sent. As in the blocking transport, an idempotent call whose
connection was lost is sent again at once, up to ``retries`` times; anything else is not.
Errors that are not network failures (a bug, a misuse) pass through unchanged.

The session belongs to the event loop that opened it; a client used from a later event loop
(a second ``asyncio.run``) gets a session of that loop.
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
from yarl import URL

from pycolonies_fast.core.connection import DEFAULT_MAX_REPLY_SIZE, bracketed, ca_locations, proxy_from_environment
from pycolonies_fast.core.http import check_reply_size
from pycolonies_fast.errors import (
    ConnectError,
    ConnectTimeoutError,
    ReplyError,
    RequestTimeoutError,
    TransportError,
)

__all__ = ["AsyncTransport"]

_HEADERS = {"Content-Type": "application/json", "Accept-Encoding": "identity"}


class AsyncTransport:
    """One aiohttp session for all endpoints of a client; create and use it inside one event loop."""

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
        # Each endpoint's proxy, chosen once as the blocking transport does (aiohttp's trust_env
        # would look the environment up again in a worker thread on every request).
        self.proxies = [_proxy(scheme, url) for url in self.urls]
        self.connect_timeout = connect_timeout
        self._ssl: ssl.SSLContext | bool = False
        if tls:
            cafile, capath = ca_locations(ca_bundle)
            self._ssl = ssl.create_default_context(cafile=cafile, capath=capath)
            if not verify:
                self._ssl.check_hostname = False
                self._ssl.verify_mode = ssl.CERT_NONE
        self._pool_size = pool_size
        self.max_reply_size = max_reply_size
        self.retries = retries
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop both sessions belong to
        self._session: aiohttp.ClientSession | None = None
        self._ws_session: aiohttp.ClientSession | None = None
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}

    @property
    def ssl(self) -> ssl.SSLContext | bool:
        """The TLS setting of every connection (False without TLS); the websocket side uses it too."""
        return self._ssl

    def session(self) -> aiohttp.ClientSession:
        """The session, opened on first use (it belongs to the running event loop)."""
        self._follow_running_loop()
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=self._ssl)
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    def ws_session(self) -> aiohttp.ClientSession:
        """A session of its own for websockets: open subscriptions never take the RPCs' pooled connections."""
        self._follow_running_loop()
        if self._ws_session is None or self._ws_session.closed:
            connector = aiohttp.TCPConnector(limit=0, ssl=self._ssl)
            self._ws_session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        return self._ws_session

    def _follow_running_loop(self) -> None:
        """Forget sessions of an earlier event loop: their connections cannot serve this one."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            for session in (self._session, self._ws_session):
                if session is not None and not session.closed:
                    _abandon(session, self._loop)
            self._session = self._ws_session = None
            self._loop = loop

    def timeout(self, read_timeout: float | None) -> aiohttp.ClientTimeout:
        """Connect and read timeouts for one call (cached per read timeout).

        ``sock_read`` bounds each wait for bytes; ``total`` makes the whole reply arrive within the
        read timeout (after the connect), however it trickles in, as the blocking transport does.
        """
        timeout = self._timeouts.get(read_timeout)
        if timeout is None:
            total = None if read_timeout is None else read_timeout + (self.connect_timeout or 0.0)
            timeout = aiohttp.ClientTimeout(total=total, sock_connect=self.connect_timeout, sock_read=read_timeout)
            self._timeouts[read_timeout] = timeout
        return timeout

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
        url = self.url(endpoint)
        proxy = self.proxies[endpoint]
        attempt = 0
        while True:
            try:
                async with self.session().post(
                    url, data=body, headers=_HEADERS, timeout=self.timeout(read_timeout),
                    proxy=proxy,
                ) as response:
                    return response.status, await self._body(response)
            except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
                error = _classify(exc, self.where[endpoint], read_timeout)
                if not (idempotent and attempt < self.retries and type(error) is TransportError
                        and not isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError))):
                    raise error from exc
                attempt += 1  # the connection was lost after sending: an idempotent call may go again

    async def _body(self, response: aiohttp.ClientResponse) -> bytes:
        """The reply body, refused with ``ReplyTooLargeError`` once it is longer than ``max_reply_size``."""
        limit = self.max_reply_size
        length = response.content_length
        if length is not None:
            check_reply_size(length, limit)
            return await response.read()
        body = bytearray()
        while chunk := await response.content.read(65536):
            body += chunk
            check_reply_size(len(body), limit)
        return bytes(body)

    async def close(self) -> None:
        """Close the pooled connections; a later call opens new sessions."""
        for session in (self._session, self._ws_session):
            if session is not None:
                await session.close()
        self._session = self._ws_session = None


def _abandon(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop | None) -> None:
    """Close a session of another event loop ``loop`` without awaiting anything on this one.

    A loop running in another thread closes it itself. Otherwise its close is stepped here:
    with the loop closed, aiohttp only marks the session and connector closed (their sockets go
    with the loop's transports, as aiohttp does for any session that outlives its loop); with
    the loop merely stopped, the connections' close is scheduled on it.
    """
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
    """The proxy of an endpoint from the environment, as the blocking transport chooses it (aiohttp
    sends the credentials of its URL as ``Proxy-Authorization``); None for a direct connection."""
    if isinstance(url, str) or url.host is None or url.port is None:
        return None
    proxy = proxy_from_environment(scheme, url.host, url.port)
    return None if proxy is None else URL(proxy)


def _classify(exc: Exception, where: str, read_timeout: float | None) -> Exception:
    """The typed error for an aiohttp failure (see the module docstring)."""
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)):
        if isinstance(exc, aiohttp.ClientConnectorError):  # the handshake failed: nothing was sent
            return ConnectError(f"TLS failure with {where}: {exc}")
        return TransportError(f"TLS failure with {where}: {exc}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectError(f"Failed to connect to {where}: {exc.os_error}")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return ConnectTimeoutError(f"Timed out connecting to {where}")
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return RequestTimeoutError(f"No reply from {where} within the read timeout ({read_timeout} s)")
    if isinstance(exc, aiohttp.ClientResponseError):
        return ReplyError(f"Malformed HTTP reply from {where}: {exc.message}")
    return TransportError(f"Connection to {where} failed: {exc!r}")

"""Async HTTP(S) transport: POST signed envelopes to ``/api`` through one pooled aiohttp session.

aiohttp keeps keep-alive connections per endpoint (``pool_size`` in all). Each ``post`` is one
attempt; failures become the same typed errors as the blocking transport raises, so that the
client's failover (failover.py) decides what to repeat: ``ConnectError`` when no connection
could be opened (nothing was sent), ``RequestTimeoutError`` for a read timeout, and
``TransportError`` when the connection failed after the request may have been sent.
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
from yarl import URL

from ..errors import ConnectError, ConnectTimeoutError, ReplyError, RequestTimeoutError, TransportError

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
    ) -> None:
        scheme = "https" if tls else "http"
        self.urls = [URL(f"{scheme}://{_bracketed(host)}:{port}/api") for host, port in endpoints]
        self.where = [f"{host}:{port}" for host, port in endpoints]
        self.connect_timeout = connect_timeout
        self._ssl: ssl.SSLContext | bool = False
        if tls:
            self._ssl = ssl.create_default_context(cafile=ca_bundle)
            if not verify:
                self._ssl.check_hostname = False
                self._ssl.verify_mode = ssl.CERT_NONE
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None
        self._ws_session: aiohttp.ClientSession | None = None
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}

    @property
    def ssl(self) -> ssl.SSLContext | bool:
        """The TLS setting of every connection (False without TLS); the websocket side uses it too."""
        return self._ssl

    def session(self) -> aiohttp.ClientSession:
        """The session, opened on first use (it belongs to the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=self._ssl)
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    def ws_session(self) -> aiohttp.ClientSession:
        """A session of its own for websockets: open subscriptions never take the RPCs' pooled connections."""
        if self._ws_session is None or self._ws_session.closed:
            connector = aiohttp.TCPConnector(limit=0, ssl=self._ssl)
            self._ws_session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        return self._ws_session

    def timeout(self, read_timeout: float | None) -> aiohttp.ClientTimeout:
        """Connect and read timeouts for one call (cached per read timeout)."""
        timeout = self._timeouts.get(read_timeout)
        if timeout is None:
            timeout = aiohttp.ClientTimeout(sock_connect=self.connect_timeout, sock_read=read_timeout)
            self._timeouts[read_timeout] = timeout
        return timeout

    async def post(self, endpoint: int, body: bytes, read_timeout: float | None) -> tuple[int, bytes]:
        """POST ``body`` to endpoint number ``endpoint``; ``(http_status, reply_body)``."""
        try:
            async with self.session().post(
                self.urls[endpoint], data=body, headers=_HEADERS, timeout=self.timeout(read_timeout)
            ) as response:
                return response.status, await response.read()
        except Exception as exc:
            raise _classify(exc, self.where[endpoint], read_timeout) from exc

    async def close(self) -> None:
        """Close the pooled connections; a later call opens new sessions."""
        for session in (self._session, self._ws_session):
            if session is not None:
                await session.close()
        self._session = self._ws_session = None


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _classify(exc: Exception, where: str, read_timeout: float | None) -> Exception:
    """The typed error for an aiohttp failure (see the module docstring)."""
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)):
        return TransportError(f"TLS failure with {where}: {exc}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectError(f"Failed to connect to {where}: {exc.os_error}")
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return ConnectTimeoutError(f"Timed out connecting to {where}")
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return RequestTimeoutError(f"No reply from {where} within the read timeout ({read_timeout} s)")
    if isinstance(exc, aiohttp.ClientResponseError):
        return ReplyError(f"Malformed HTTP reply from {where}: {exc.message}")
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return TransportError(f"Connection to {where} failed: {exc!r}")
    return TransportError(f"Request to {where} failed: {exc!r}")

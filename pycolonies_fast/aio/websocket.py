"""The asyncio client's websocket methods: ``wait``, ``subscribe_channel``, ``subscribe_channel_iter`` and
``subscribe_processes``.

Same protocol, messages and frame decoding as the blocking versions (core/pubsub.py); the socket is
aiohttp's, on the client's session. A connection goes to the endpoint in use, or the next one
that accepts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import math
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable
from contextlib import aclosing, asynccontextmanager
from typing import Any

import aiohttp
from yarl import URL

from pycolonies_fast.aio.base import AsyncClientBase
from pycolonies_fast.api.processes import get_process_call
from pycolonies_fast.core import pubsub as protocol
from pycolonies_fast.core.codec import build_request
from pycolonies_fast.core.steps import Do, arun_steps
from pycolonies_fast.errors import ConnectError, ReplyTooLargeError, RequestTimeoutError
from pycolonies_fast.errors.websocket import (
    WaitTimeoutError,
    WebsocketClosedError,
    WebsocketClosedWhileOpeningError,
    WebsocketConnectTimeoutError,
    WebsocketHandshakeError,
    WebsocketOpenError,
    websocket_connect_error,
    websocket_lost_error,
)
from pycolonies_fast.models import Process

__all__ = ["AsyncWebsocketMixin"]

#: As client/pubsub.py's logger: DEBUG for each websocket opened and subscription sent, WARNING
#: for an endpoint that refused the websocket when another is tried next.
log = logging.getLogger(__name__)

_CLOSED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)


class AsyncWebsocketMixin(AsyncClientBase):
    """Wait for a process to finish; stream a process channel; follow processes entering a state."""

    async def wait(self, process: Process, timeout: int, prvkey: str) -> Process:
        """Wait until ``process`` is SUCCESS, FAILED or CANCELLED and return it fresh from the server.

        As the blocking ``wait`` (client.pubsub.wait_for_process, the same steps): raises
        ``WaitTimeoutError`` after ``timeout`` s.
        """
        windows = protocol.wait_windows(process, timeout)
        finished = await arun_steps(windows, lambda until: self._watch(process, until, prvkey))
        if finished is None:
            raise WaitTimeoutError(protocol.wait_timeout_message(process, timeout))
        return finished

    async def subscribe_channel_iter(
        self, processid: str, channel_name: str, prvkey: str, after_seq: int = 0, timeout: float | None = 30
    ) -> AsyncGenerator[list[dict[str, Any]], None]:
        """``async for entries in ...``: each batch of channel entries until the server's ``timeout``."""
        seconds, patience = protocol.channel_timeouts(timeout)
        deadline = time.monotonic() + patience
        msg = protocol.channel_subscription(processid, channel_name, after_seq, seconds)
        async with self._subscription([msg], prvkey) as ws:
            while True:
                entries = protocol.channel_batch(await _receive(ws, deadline))
                if not entries:
                    return
                yield entries

    async def subscribe_channel(
        self,
        processid: str,
        channel_name: str,
        prvkey: str,
        after_seq: int = 0,
        timeout: float | None = 30,
        callback: Callable[[list[dict[str, Any]]], Any] | None = None,
    ) -> list[dict[str, Any]] | None:
        """As the blocking ``subscribe_channel``; ``callback`` may also be a coroutine function."""
        collected: list[dict[str, Any]] = []
        batches = self.subscribe_channel_iter(processid, channel_name, prvkey, after_seq, timeout)
        async with aclosing(batches):
            async for entries in batches:
                if callback is None:
                    collected.extend(entries)
                    continue
                verdict = callback(entries)
                if inspect.isawaitable(verdict):
                    verdict = await verdict
                if verdict == False:  # noqa: E712 - upstream stops on any value == False (0 too)
                    break
        return collected if callback is None else None

    async def subscribe_processes(
        self,
        colonyname: str,
        executortype: str,
        state: int,
        prvkey: str,
        timeout: float = 30,
        callback: Callable[[Process], Any] | None = None,
    ) -> list[Process] | None:
        """As the blocking ``subscribe_processes`` (the same steps, core.pubsub.processes_steps);
        ``callback`` may also be a coroutine function (return False to stop early)."""
        msg, patience = protocol.processes_subscription(colonyname, executortype, state, timeout)
        deadline = time.monotonic() + patience
        async with self._subscription([msg], prvkey) as ws:

            async def perform(op: Do) -> Any:
                if op.name == "frame":
                    message = await _next_message(ws, deadline)
                    return None if message is None or message.type in _CLOSED else message.data
                verdict = callback(*op.args) if callback is not None else None
                return await verdict if inspect.isawaitable(verdict) else verdict

            return await arun_steps(protocol.processes_steps(callback is not None), perform)

    async def _watch(self, process: Process, until: float, prvkey: str) -> Process | None:
        """Subscribe on one connection until ``until``; the process once it is final, else None."""
        msgs = protocol.process_subscriptions(process, max(math.ceil(until - time.monotonic()), 0))
        async with self._subscription(msgs, prvkey) as ws:

            async def perform(op: Any) -> Any:
                if type(op) is not Do:
                    return await asyncio.sleep(op.seconds)
                if op.name == "await_push":
                    return await _await_push(ws, *op.args)
                return Process(**(await self._call(get_process_call(process.processid, prvkey))))

            return await arun_steps(protocol.watch_steps(until), perform)

    @asynccontextmanager
    async def _subscription(
        self, msgs: Iterable[dict[str, Any]], prvkey: str
    ) -> AsyncIterator[aiohttp.ClientWebSocketResponse[bool]]:
        """As ``client.pubsub.subscription``: a websocket with ``msgs`` sent, closed afterwards."""
        ws = await self._ws_connect()
        try:
            try:
                for msg in msgs:
                    await ws.send_str(build_request(msg, prvkey).decode())
                    log.debug("%s sent over the websocket", msg.get("msgtype"))
            except (aiohttp.ClientError, OSError) as exc:
                raise websocket_lost_error(f"Websocket lost while subscribing: {exc}", exc) from exc
            yield ws
        finally:
            with contextlib.suppress(aiohttp.ClientError, OSError):  # nothing left to report
                await ws.close()

    async def _ws_connect(self) -> aiohttp.ClientWebSocketResponse[bool]:
        """A websocket to ``/pubsub`` of the endpoint in use, else of the next one that accepts it."""
        transport = self._transport
        first = self._failover.current
        error: Exception | None = None
        for step in range(len(self.endpoints)):
            index = (first + step) % len(self.endpoints)
            try:
                api = transport.url(index)
            except ConnectError as exc:  # an unusable address
                error = exc
                continue
            url = str(api.with_path("/pubsub")).replace("http", "ws", 1)
            if error is not None:
                log.warning("websocket failed (%s); trying %s", error, url)
            try:
                connecting = _connect(transport.ws_session(), url, transport.ssl, transport.proxies[index],
                                      self.max_reply_size)
                ws = await asyncio.wait_for(connecting, self.connect_timeout)
            except (asyncio.TimeoutError, aiohttp.ClientError, OSError) as exc:
                error = _connect_failure(url, exc)
            else:
                log.debug("websocket opened to %s", url)
                return ws
        assert error is not None
        raise error


async def _connect(
    session: aiohttp.ClientSession, url: str, ssl: Any, proxy: URL | None, max_size: int
) -> aiohttp.ClientWebSocketResponse[bool]:
    # The client's max_reply_size, as for HTTP and the blocking client: the server sends a
    # channel's whole history as one frame, more than aiohttp's default of 4 MiB.
    return await session.ws_connect(url, ssl=ssl, max_msg_size=max_size, proxy=proxy,
                                    timeout=aiohttp.ClientWSTimeout(ws_close=protocol.CLOSE_TIMEOUT))


async def _await_push(ws: aiohttp.ClientWebSocketResponse[bool], seconds: float) -> bool:
    """Wait up to ``seconds`` for any frame; False once the connection is gone. The whole wait is
    bounded: aiohttp's own ``receive(timeout=)`` starts its timeout again after each ping it answers."""
    try:
        message = await asyncio.wait_for(ws.receive(), seconds)
    except asyncio.TimeoutError:
        return True
    return message.type not in _CLOSED


async def _next_message(ws: aiohttp.ClientWebSocketResponse[bool], deadline: float) -> Any:
    """The next message (data, or the connection's close; its class differs between aiohttp versions),
    or None once ``deadline`` (monotonic) has passed; a broken connection or a message over the size
    limit raises a typed error."""
    try:
        message = await asyncio.wait_for(ws.receive(), max(deadline - time.monotonic(), 0.001))
    except asyncio.TimeoutError:
        return None
    if message.type == aiohttp.WSMsgType.ERROR:
        cause = ws.exception() or message.data
        if isinstance(cause, aiohttp.WebSocketError) and cause.code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG:
            raise ReplyTooLargeError(f"a websocket message is larger than the client's limit (max_reply_size): {cause}")
        raise websocket_lost_error(f"Websocket subscription failed: {cause}", cause)
    return message


async def _receive(ws: aiohttp.ClientWebSocketResponse[bool], deadline: float) -> str | bytes:
    """The next data frame, or a typed error on timeout or a closed connection."""
    message = await _next_message(ws, deadline)
    if message is None:
        raise RequestTimeoutError("Channel subscription timed out waiting for the server")
    if message.type in _CLOSED:
        raise WebsocketClosedError("Channel subscription connection closed by the server")
    return message.data


def _connect_failure(url: str, exc: BaseException) -> ConnectError:
    """The same typed error as the blocking client raises for a websocket that could not be opened
    (``errors.websocket.websocket_connect_error``), from aiohttp's exception."""
    if isinstance(exc, asyncio.TimeoutError):  # not the built-in TimeoutError before Python 3.11
        return WebsocketConnectTimeoutError(f"Timed out connecting to {url}")
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return WebsocketHandshakeError(f"Failed to open websocket {url}: {exc}", exc.status, dict(exc.headers or {}))
    if isinstance(exc, aiohttp.ClientConnectorError):
        return websocket_connect_error(url, exc.os_error)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return WebsocketClosedWhileOpeningError(f"Failed to open websocket {url}: {exc}")
    if isinstance(exc, aiohttp.ClientResponseError):  # a reply that is not a websocket handshake
        return WebsocketOpenError(f"Failed to open websocket {url}: {exc}")
    return websocket_connect_error(url, exc)

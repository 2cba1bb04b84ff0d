"""The typed errors of the ``/pubsub`` websocket (``wait``, ``subscribe_channel``, ``subscribe_processes``).

Each is one of our errors and, as well, the exception upstream's websocket-client calls let
through, so that code which caught those around ``wait()`` or ``subscribe_channel()`` still
does. Both clients raise these same classes (the asyncio one maps aiohttp's failures to them).
A module of its own: websocket-client is imported only where a websocket is used.
"""

from __future__ import annotations

import websocket
from websocket import WebSocketConnectionClosedException, WebSocketTimeoutException

from pycolonies_fast.errors import ConnectError, ConnectTimeoutError, RequestTimeoutError, TransportError

__all__ = [
    "WaitTimeoutError",
    "WebsocketAddressError",
    "WebsocketClosedError",
    "WebsocketClosedWhileOpeningError",
    "WebsocketConnectError",
    "WebsocketConnectTimeoutError",
    "WebsocketHandshakeError",
    "WebsocketLostError",
    "WebsocketOpenError",
    "WebsocketRefusedError",
    "websocket_connect_error",
    "websocket_lost_error",
]


class WaitTimeoutError(RequestTimeoutError, WebSocketConnectionClosedException):
    """`wait()` gave up: the process did not reach SUCCESS, FAILED or CANCELLED within the timeout.

    A ColoniesConnectionError (via RequestTimeoutError) for new code, and also the
    `websocket.WebSocketConnectionClosedException` that upstream's `wait()` raised on timeout.
    """


class WebsocketConnectError(ConnectError, OSError):
    """Opening the websocket failed at the network (an ``OSError``, as upstream raised)."""


class WebsocketRefusedError(WebsocketConnectError, ConnectionRefusedError):
    """The server refused the websocket's connection (``ConnectionRefusedError``, as upstream raised)."""


class WebsocketConnectTimeoutError(ConnectTimeoutError, WebSocketTimeoutException):
    """Opening the websocket timed out (websocket-client's ``WebSocketTimeoutException``, as upstream raised)."""


class WebsocketHandshakeError(ConnectError, websocket.WebSocketBadStatusException):
    """The server answered the upgrade with an HTTP error (websocket-client's ``WebSocketBadStatusException``)."""

    def __init__(self, message: str, status_code: int, resp_headers: dict[str, str] | None = None) -> None:
        Exception.__init__(self, message)
        self.status_code = status_code
        self.status_message = None
        self.resp_headers = resp_headers
        self.resp_body = None


class WebsocketClosedWhileOpeningError(ConnectError, WebSocketConnectionClosedException):
    """The server hung up during the websocket handshake (``WebSocketConnectionClosedException``,
    as upstream raised); nothing was subscribed."""


class WebsocketAddressError(ConnectError, websocket.WebSocketAddressException):
    """The websocket's host name could not be resolved (``WebSocketAddressException``, as upstream raised)."""


class WebsocketOpenError(ConnectError, websocket.WebSocketException):
    """Opening the websocket failed otherwise: a reply that is no websocket handshake, a proxy
    failure (a ``WebSocketException``, as upstream raised)."""


class WebsocketClosedError(TransportError, WebSocketConnectionClosedException):
    """The server closed the websocket early (websocket-client's ``WebSocketConnectionClosedException``)."""


class WebsocketLostError(TransportError, ConnectionError):
    """The websocket connection broke, say a reset (a ``ConnectionError``, as upstream raised)."""


def websocket_connect_error(url: str, exc: BaseException) -> ConnectError:
    """The typed error for a websocket that could not be opened, of the kind ``exc`` was."""
    message = f"Failed to open websocket {url}: {exc}"
    if isinstance(exc, (WebSocketTimeoutException, TimeoutError)):
        return WebsocketConnectTimeoutError(f"Timed out connecting to {url}")
    if isinstance(exc, ConnectionRefusedError):
        return WebsocketRefusedError(message)
    if isinstance(exc, OSError):
        return WebsocketConnectError(message)
    if isinstance(exc, websocket.WebSocketBadStatusException):
        return WebsocketHandshakeError(message, exc.status_code, exc.resp_headers)
    if isinstance(exc, WebSocketConnectionClosedException):
        return WebsocketClosedWhileOpeningError(message)
    if isinstance(exc, websocket.WebSocketAddressException):
        return WebsocketAddressError(message)
    if isinstance(exc, websocket.WebSocketException):
        return WebsocketOpenError(message)
    return ConnectError(message)


def websocket_lost_error(message: str, exc: BaseException) -> TransportError:
    """The typed error for a websocket that broke after it was opened, of the kind ``exc`` was."""
    if isinstance(exc, WebSocketConnectionClosedException):
        return WebsocketClosedError(message)
    if isinstance(exc, OSError):
        return WebsocketLostError(message)
    return TransportError(message)

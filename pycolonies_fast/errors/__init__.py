"""Exceptions of the SDK.

``ColoniesError`` and ``ColoniesConnectionError`` keep upstream's names and bases, and every
failure of an RPC is still a ``ColoniesConnectionError`` as upstream raises it, so existing
``except`` clauses keep working. The subclasses say what actually went wrong.
"""

from __future__ import annotations

__all__ = [
    "ColoniesError",
    "ColoniesConnectionError",
    "ServerError",
    "ReplyError",
    "ReplyTooLargeError",
    "TransportError",
    "RequestTimeoutError",
    "ConnectError",
    "ConnectTimeoutError",
]


class ColoniesError(Exception):
    """An error reported over a websocket subscription, or a reply upstream treats as odd."""


class ColoniesConnectionError(Exception):
    """Any failure of an RPC: the server said no, the reply was unreadable, or it never came."""


class ServerError(ColoniesConnectionError):
    """The server answered with an error; ``status`` is its HTTP-like code, ``str(e)`` its message."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"ServerError(status={self.status}, message={self.message!r})"

    def __reduce__(self) -> tuple[type[ServerError], tuple[str, int]]:
        """Pickle with both arguments, so the error crosses process pools intact."""
        return (type(self), (self.message, self.status))


class ReplyError(ColoniesConnectionError):
    """The reply could not be read: not JSON, not base64, or missing the envelope's fields."""


class ReplyTooLargeError(ReplyError):
    """A reply, or a websocket message, is larger than the client accepts (``max_reply_size``)."""


class TransportError(ColoniesConnectionError):
    """The request did not get through: connection refused or reset, DNS or TLS failure."""


class RequestTimeoutError(TransportError):
    """The server did not answer within the configured time."""


class ConnectError(TransportError):
    """No connection to the server could be opened: the request was certainly not sent."""


class ConnectTimeoutError(ConnectError, RequestTimeoutError):
    """Opening the connection timed out: the request was certainly not sent."""

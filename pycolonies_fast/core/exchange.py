"""The rules of one HTTP exchange, shared by the blocking and the asyncio transports (no I/O here).

``RequestHeads`` builds the bytes of a request (direct, or in absolute form through an HTTP proxy,
and the ``CONNECT`` of a tunnel); ``classify`` turns a failure of one attempt into the typed error
the client raises, and says whether sending again is safe; ``RetryRule`` says when and how often.

The retry rule: a request is sent again only when it cannot have reached the server (no connection
could be opened, or the write failed on a reused keep-alive connection). A call marked idempotent
may also be repeated when the connection fails while the reply is awaited or read. Timeouts,
malformed replies and TLS failures after the handshake never retry. An exception that is no
network failure (a bug, a misuse) is raised as it is.
"""

from __future__ import annotations

import base64
import os
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

from pycolonies_fast.core.connection import bracketed
from pycolonies_fast.core.http import Dropped
from pycolonies_fast.errors import (
    ColoniesConnectionError,
    ConnectError,
    ConnectTimeoutError,
    ReplyError,
    RequestTimeoutError,
    TransportError,
)

__all__ = ["CONNECT", "RECEIVE", "SEND", "RequestHeads", "RetryRule", "Verdict", "classify", "proxy_authorization"]

USER_AGENT = b"pycolonies_fast"
#: The stages of one attempt: opening the connection (TCP, proxy tunnel, TLS), writing, reading.
CONNECT, SEND, RECEIVE = "connect", "send", "receive"


def proxy_authorization(proxy_url: str) -> str | None:
    """``Proxy-Authorization`` for a proxy URL that carries ``user:password@`` (percent-decoded)."""
    parts = urllib.parse.urlsplit(proxy_url)
    if parts.username is None:
        return None
    credentials = urllib.parse.unquote(parts.username) + ":" + urllib.parse.unquote(parts.password or "")
    return "Basic " + base64.b64encode(credentials.encode("latin-1")).decode("ascii")


class RequestHeads:
    """The request bytes to one server, built once per transport: ``post(body)``, ``get(path)``, ``connect()``.

    Through an HTTP proxy (``proxy_auth`` given or ``absolute``), a plain-HTTP request names the
    absolute URL and carries the proxy's credentials; a TLS one goes through a ``CONNECT`` tunnel,
    whose request carries them instead.
    """

    def __init__(self, host: str, port: int, *, absolute: bool = False, proxy_auth: str | None = None) -> None:
        self.authority = (bracketed(host) + f":{int(port)}").encode("idna")
        self._prefix = b"http://" + self.authority if absolute else b""
        auth = b"" if proxy_auth is None else b"Proxy-Authorization: " + proxy_auth.encode("latin-1") + b"\r\n"
        self._proxy_lines = auth if absolute else b""
        self._tunnel_auth = auth
        self._common = (b" HTTP/1.1\r\nHost: " + self.authority + b"\r\n" + self._proxy_lines
                        + b"User-Agent: " + USER_AGENT + b"\r\nAccept-Encoding: identity\r\n")
        self._post_head = b"POST " + self._prefix + b"/api" + self._common + (
            b"Content-Type: application/json\r\nContent-Length: ")

    def post(self, body: bytes) -> bytes:
        """A POST of ``body`` to ``/api``."""
        return b"%b%d\r\n\r\n%b" % (self._post_head, len(body), body)

    def get(self, path: str) -> bytes:
        """A GET of ``path`` (``/health``)."""
        if not path.startswith("/") or any(ord(char) <= 32 or ord(char) == 127 for char in path):
            raise ValueError(f"not a request path: {path!r}")
        return b"GET " + self._prefix + path.encode("ascii") + self._common + b"\r\n"

    def connect(self) -> bytes:
        """The ``CONNECT`` request that opens a tunnel to the server through the proxy."""
        return (b"CONNECT " + self.authority + b" HTTP/1.1\r\nHost: " + self.authority + b"\r\n"
                + self._tunnel_auth + b"User-Agent: " + USER_AGENT + b"\r\n\r\n")


@dataclass(frozen=True)
class Verdict:
    """The typed ``error`` of a failed attempt; ``retry`` ``"backoff"`` (nothing was sent: after a
    pause), ``"now"`` (safe to send again at once) or None (raise it)."""

    error: Exception
    retry: str | None = None


def classify(
    exc: Exception, stage: str, *, where: str, reused: bool, idempotent: bool, read_timeout: float | None
) -> Verdict:
    """The verdict on ``exc``, raised at ``stage`` of an attempt to ``where`` (see the module docstring).

    Each transport first turns its library's exceptions into these standard ones: ``socket.gaierror``
    (a name that does not resolve), ``TimeoutError``, ``ssl.SSLError``, ``Dropped``, ``OSError``.
    """
    if isinstance(exc, ReplyError):
        return Verdict(exc)
    if isinstance(exc, ColoniesConnectionError):  # typed already (an unusable address)
        return Verdict(exc)
    if isinstance(exc, socket.gaierror):
        return Verdict(ConnectError(f"Cannot resolve {where}: {exc}"))
    if isinstance(exc, TimeoutError):
        if stage == CONNECT:
            return Verdict(ConnectTimeoutError(f"Timed out connecting to {where}"))
        return Verdict(RequestTimeoutError(f"No reply from {where} within the read timeout ({read_timeout} s)"))
    if isinstance(exc, ssl.SSLError):
        if stage == CONNECT:  # the handshake failed: nothing was sent, failover may move on
            return Verdict(ConnectError(f"TLS failure with {where}: {exc}"))
        return Verdict(TransportError(f"TLS failure with {where}: {exc}"))
    if isinstance(exc, (Dropped, OSError)):
        if stage == CONNECT:  # refused, unreachable, the proxy said no: nothing was sent
            return Verdict(ConnectError(f"Failed to connect to {where}: {_os_reason(exc)}"), "backoff")
        error = TransportError(f"Connection to {where} failed during {stage}: {exc}")
        return Verdict(error, "now" if (stage == SEND and reused) or idempotent else None)
    return Verdict(exc)  # not a network failure (a bug, a misuse): raised as it is, never disguised


def _os_reason(exc: Exception) -> str:
    """``[Errno 111] Connection refused``, worded alike whichever library connected."""
    code = getattr(exc, "errno", None)
    return f"[Errno {code}] {os.strerror(code)}" if isinstance(code, int) else str(exc)


class RetryRule:
    """How often an attempt is repeated: ``connect_retries`` times after a failed connect (with
    exponential backoff from ``backoff`` seconds), ``retries`` times after a lost connection."""

    __slots__ = ("backoff", "connect_retries", "retries")

    def __init__(self, retries: int, connect_retries: int, backoff: float) -> None:
        self.retries = retries
        self.connect_retries = connect_retries
        self.backoff = backoff

    def delay(self, verdict: Verdict, attempt: int) -> float | None:
        """Seconds to wait before attempt ``attempt + 1`` after ``verdict``; None: raise its error."""
        if verdict.retry is None:
            return None
        if verdict.retry == "backoff":
            return self.backoff * 2**attempt if attempt < self.connect_retries else None
        return 0.0 if attempt < self.retries else None


def retry_message(where: str, verdict: Verdict, attempt: int) -> str:
    """What the transports log (INFO) when they send a request again: why and which attempt; never the body."""
    return f"sending the request to {where} again (attempt {attempt + 2}): {verdict.error}"

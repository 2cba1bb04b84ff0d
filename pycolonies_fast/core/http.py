"""HTTP/1.1 reply framing, without sockets: llhttp (through httptools) parses, this module adapts it.

``ReplyParser`` takes the bytes of one reply in whatever pieces they arrive (``feed``) and the end
of the connection (``feed_eof``); it yields the status, the body and whether the connection may be
kept alive. Both transports use it: the blocking one through ``read_response`` (a ``recv`` loop),
the asyncio one from its protocol's ``data_received``. The framing itself (status line, headers,
Content-Length, chunked, close-delimited, 1xx and bodiless replies) is llhttp's; this module only
adds the client's rules: the size limits, which replies are malformed for us (a 101 upgrade), and
the typed errors. Malformed replies raise ``ReplyError``; a connection closed before the reply was
complete raises ``Dropped``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httptools

from pycolonies_fast.core.connection import DEFAULT_MAX_REPLY_SIZE
from pycolonies_fast.errors import ReplyError, ReplyTooLargeError

__all__ = ["Dropped", "Recv", "ReplyParser", "check_reply_size", "read_response"]

RECV_SIZE = 65536
#: The longest reply head taken (status line and headers), in bytes: llhttp itself sets no limit.
MAX_HEAD = 65536
Recv = Callable[[int], bytes]


class Dropped(Exception):
    """The server closed the connection before the reply was complete."""


def check_reply_size(size: int, max_body: int) -> None:
    """Refuse a reply body of ``size`` bytes above ``max_body`` (both transports: one rule, one message)."""
    if size > max_body:
        raise ReplyTooLargeError(f"the reply is larger than the client's limit of {max_body:,} bytes "
                                 f"(max_reply_size)")


class ReplyParser:
    """One HTTP/1.x reply, fed in pieces; ``feed`` returns True once it is complete.

    Then ``status``, ``body`` and ``keep_alive`` hold the reply (1xx replies are skipped). Bytes
    after the reply mean the connection is out of step: ``keep_alive`` is then False.
    """

    __slots__ = ("_body", "_framed", "_head_size", "_parser", "_received", "_size", "_start",
                 "body", "done", "head_done", "keep_alive", "max_body", "status")

    def __init__(self, max_body: int = DEFAULT_MAX_REPLY_SIZE) -> None:
        self.max_body = max_body
        self.status = 0
        self.body = b""
        self.keep_alive = False
        self.done = False
        self._body: list[bytes] = []
        self._size = 0
        self._head_size = 0
        self._received = 0
        self._start = b""  # the reply's first bytes, quoted when it is not HTTP at all
        self._framed = False  # a Content-Length or Transfer-Encoding header: the end is not the close
        self.head_done = False  # the status line and headers are in (``status`` is known)
        parser = httptools.HttpResponseParser(self)
        # Bare-LF line ends, as http.client (upstream's requests) read them; every other leniency
        # of llhttp stays off (they let malformed framing through).
        parser.set_dangerous_leniencies(lenient_optional_cr_before_lf=True)
        self._parser: httptools.HttpResponseParser | None = parser

    def feed(self, data: bytes) -> bool:
        """Parse the next bytes of the reply; True once the reply is complete."""
        parser = self._parser
        if parser is None:  # complete already: anything more is out of step
            self.keep_alive = False
            return True
        if len(self._start) < 80:
            self._start += data[: 80 - len(self._start)]
        self._received += len(data)
        try:
            parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            if exc.__context__ is not None:  # raised in a callback: our own rule (ReplyError), or a bug
                raise exc.__context__ from None
            raise
        except httptools.HttpParserUpgrade:
            if not self.done:
                raise ReplyError(f"Malformed HTTP reply: an unasked protocol switch (HTTP {self.status})") from None
        except httptools.HttpParserError as exc:
            if not self.done:
                raise ReplyError(f"Malformed HTTP reply ({exc}): {self._start!r}") from None
            self.keep_alive = False  # bytes after the reply that are no reply
        if self.done:
            self._parser = None  # drops the cycle parser <-> self at once
            return True
        if not self.head_done and self._received > MAX_HEAD:
            raise ReplyError(f"HTTP reply head too long (over {MAX_HEAD:,} bytes)")
        return False

    def feed_eof(self) -> None:
        """The server closed the connection: this ends a close-delimited reply; else raises ``Dropped``."""
        if self.done:
            return
        if self.head_done and not self._framed:
            self._finish()
            self.keep_alive = False
            return
        raise Dropped("server closed the connection mid-reply" if self._received else
                      "server closed the connection")

    # llhttp's callbacks (httptools calls the ones a parser's protocol object has).

    def on_message_begin(self) -> None:
        if self.done:
            self.keep_alive = False  # the start of something after the reply

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_size += len(name) + len(value) + 4
        if self._head_size > MAX_HEAD:
            raise ReplyError(f"HTTP reply head too long (over {MAX_HEAD:,} bytes)")
        if len(name) == 14 and name.lower() == b"content-length":
            self._framed = True
            check_reply_size(int(value), self.max_body)  # refused before the body is read (llhttp checked the digits)
        elif len(name) == 17 and name.lower() == b"transfer-encoding":
            self._framed = True

    def on_headers_complete(self) -> None:
        assert self._parser is not None
        self.status = self._parser.get_status_code()
        self.head_done = True

    def on_body(self, piece: bytes) -> None:
        self._size += len(piece)
        check_reply_size(self._size, self.max_body)
        self._body.append(piece)

    def on_message_complete(self) -> None:
        if self.done:
            return
        parser = self._parser
        assert parser is not None
        if 100 <= self.status < 200:  # informational: the reply proper follows
            self._framed = self.head_done = False
            return
        self.keep_alive = parser.should_keep_alive()  # only valid before llhttp resets for the next message
        self._finish()

    def _finish(self) -> None:
        body = self._body
        self.body = body[0] if len(body) == 1 else b"".join(body)
        self.done = True


def read_response(
    recv: Recv,
    timeout: float | None = None,
    settimeout: Callable[[float], None] | None = None,
    max_body: int = DEFAULT_MAX_REPLY_SIZE,
) -> tuple[int, bytes, bool]:
    """Read one HTTP/1.x reply through ``recv``; return ``(status, body, keep_alive)``.

    With ``timeout`` and the socket's ``settimeout``, the whole reply must arrive within ``timeout``
    seconds (``TimeoutError`` otherwise), however it trickles in. A body longer than ``max_body``
    bytes raises ``ReplyTooLargeError`` (before it is read when its length is announced).
    """
    started = time.monotonic()
    parser = ReplyParser(max_body)
    data = recv(RECV_SIZE)
    if data and parser.feed(data):  # the common case: the whole reply in the first piece
        return parser.status, parser.body, parser.keep_alive
    if timeout is not None and settimeout is not None:
        recv = _before_deadline(recv, settimeout, started + timeout)
    while data:
        data = recv(RECV_SIZE)
        if data and parser.feed(data):
            return parser.status, parser.body, parser.keep_alive
    parser.feed_eof()
    return parser.status, parser.body, parser.keep_alive


def _before_deadline(recv: Recv, settimeout: Callable[[float], None], deadline: float) -> Recv:
    """``recv`` that raises ``TimeoutError`` (``socket.timeout``) once ``deadline`` (monotonic) has passed."""

    def recv_in_time(size: int) -> bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the reply did not arrive within the read timeout")
        settimeout(left)
        return recv(size)

    return recv_in_time

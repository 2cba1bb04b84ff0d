"""HTTP/1.1 reply framing, without sockets: read one reply through a ``recv`` function.

``read_response`` takes the status, the body (Content-Length, chunked or close-delimited) and
whether the connection may be kept alive, and skips 1xx replies. The common case, a whole
Content-Length reply in the first ``recv``, costs one head parse. Malformed replies raise
``ReplyError``; a connection closed before the reply was complete raises ``Dropped``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from pycolonies_fast.core.connection import DEFAULT_MAX_REPLY_SIZE
from pycolonies_fast.errors import ReplyError, ReplyTooLargeError

__all__ = ["Dropped", "Recv", "check_reply_size", "read_response"]

RECV_SIZE = 65536
_MAX_HEAD = 65536
Recv = Callable[[int], bytes]


class Dropped(Exception):
    """The server closed the connection before the reply was complete."""


def read_response(
    recv: Recv,
    timeout: float | None = None,
    settimeout: Callable[[float], None] | None = None,
    max_body: int = DEFAULT_MAX_REPLY_SIZE,
) -> tuple[int, bytes, bool]:
    """Read one HTTP/1.x response; return ``(status, body, keep_alive)``.

    Handles Content-Length, chunked and close-delimited bodies, bodiless 204/304 replies, and
    skips 1xx responses. The common case, a whole Content-Length reply in the first ``recv``,
    costs one head parse. With ``timeout`` and the socket's ``settimeout``, the whole reply must
    arrive within ``timeout`` seconds (``TimeoutError`` otherwise), however it trickles in. A body
    longer than ``max_body`` bytes raises ``ReplyTooLargeError`` before it is read.
    """
    started = time.monotonic()
    first = recv(RECV_SIZE)
    end = first.find(b"\r\n\r\n")
    if end > 0:
        status, length, chunked, keep_alive = _parse_head(first[:end])
        if length is not None and len(first) == end + 4 + length <= max_body + end + 4 and not 100 <= status < 200:
            return status, first[end + 4 :], keep_alive
    if not first:
        raise Dropped("server closed the connection")
    if timeout is not None and settimeout is not None:
        recv = _before_deadline(recv, settimeout, started + timeout)
    buf = bytearray(first)
    while True:
        head_end = _fill_until(recv, buf, _HEAD_END, 0)
        status, length, chunked, keep_alive = _parse_head(_with_crlf(bytes(buf[: head_end.start()])))
        del buf[: head_end.end()]
        if not 100 <= status < 200:
            break
    if status in (204, 304):  # never a body (RFC 9112 §6.3)
        body, pos = b"", 0
    elif chunked:
        body, pos = _read_chunked(recv, buf, max_body)
    elif length is not None:
        check_reply_size(length, max_body)
        _fill_to(recv, buf, length)
        body, pos = bytes(buf[:length]), length
    else:
        body, pos, keep_alive = _read_to_eof(recv, buf, max_body), None, False
    if pos is not None and len(buf) > pos:
        keep_alive = False  # unexpected extra bytes: never reuse this connection
    return status, body, keep_alive


def _before_deadline(recv: Recv, settimeout: Callable[[float], None], deadline: float) -> Recv:
    """``recv`` that raises ``TimeoutError`` (``socket.timeout``) once ``deadline`` (monotonic) has passed."""

    def recv_in_time(size: int) -> bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the reply did not arrive within the read timeout")
        settimeout(left)
        return recv(size)

    return recv_in_time


# The empty line that ends a head; lines may end in a bare LF (RFC 9112 §2.2), as http.client
# (upstream's requests) reads them. A server that ends its lines so is rare: the reader takes it
# on its slower path, and makes such a head CRLF before parsing it.
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_BARE_LF = re.compile(rb"(?<!\r)\n")
_CRLF = re.compile(rb"\r\n")
# A header line folded onto the next (obs-fold, RFC 9112 §5.2): unfolded into one space.
_OBS_FOLD = re.compile(rb"\r\n[ \t]+")
# On the lower-cased header block: the three headers that frame a reply (with any blanks around
# their names, which make the reply malformed), any line without a colon, and a chunk size.
_FRAMING_HEADER = re.compile(
    rb"^([ \t]*)(content-length|transfer-encoding|connection)([ \t]*):([^\r\n]*)", re.M)
_LINE_WITHOUT_COLON = re.compile(rb"^[^:\r\n]*\r?$", re.M)
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,15}")
_MAX_LENGTH_DIGITS = 18  # beyond any real body, and far below int()'s digit limit


def _parse_head(head: bytes) -> tuple[int, int | None, bool, bool]:
    """Parse the status line and the framing headers of a response head.

    Two regular expressions over the header block instead of a loop per line: this runs on
    every reply, right after the wait for the server, when a Python loop costs the most.
    """
    status_line, _, fields = head.partition(b"\r\n")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or len(parts[1]) != 3 or not parts[1].isdigit():
        raise ReplyError(f"Malformed HTTP status line: {status_line[:80]!r}")
    status = int(parts[1])
    keep_alive = parts[0] == b"HTTP/1.1"
    length: int | None = None
    chunked = closing = False
    if fields:
        if b"\n " in fields or b"\n\t" in fields:
            fields = _OBS_FOLD.sub(b" ", fields)
        bad = _LINE_WITHOUT_COLON.search(fields)
        if bad is not None:
            line = bad.group().rstrip(b"\r")
            raise ReplyError(f"Malformed HTTP header line: {line[:80]!r}")
        for before, name, after, value in _FRAMING_HEADER.findall(fields.lower()):  # names are case-insensitive
            if before or after:
                raise ReplyError(f"Malformed HTTP header: blank around the name {name.decode()!r}")
            if name == b"content-length":
                value = value.strip()
                if not value.isdigit() or len(value) > _MAX_LENGTH_DIGITS:
                    raise ReplyError(f"Malformed Content-Length: {value[:40]!r}")
                if length is not None and int(value) != length:
                    raise ReplyError("Malformed HTTP reply: Content-Length values differ")
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value
            elif b"close" in value:  # connection: once "close" is said, it holds
                closing = True
            elif b"keep-alive" in value:
                keep_alive = True
    if chunked:
        length = None
    return status, length, chunked, keep_alive and not closing


def check_reply_size(size: int, max_body: int) -> None:
    """Refuse a reply body of ``size`` bytes above ``max_body`` (both transports: one rule, one message)."""
    if size > max_body:
        raise ReplyTooLargeError(f"the reply is larger than the client's limit of {max_body:,} bytes "
                                 f"(max_reply_size)")


def _read_chunked(recv: Recv, buf: bytearray, max_body: int) -> tuple[bytes, int]:
    """Decode a chunked body starting at ``buf[0]``; return the body and the end offset."""
    out = bytearray()
    pos = 0
    while True:
        eol = _fill_until(recv, buf, _CRLF, pos).start()
        size_text = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
        if _CHUNK_SIZE.fullmatch(size_text) is None:  # hex digits only: int() would take "-2", "0x3", "1_0"
            raise ReplyError(f"Malformed chunk size: {size_text[:40]!r}")
        size = int(size_text, 16)
        check_reply_size(len(out) + size, max_body)
        pos = eol + 2
        if size == 0:
            while True:  # skip trailers up to the empty line
                eol = _fill_until(recv, buf, _CRLF, pos).start()
                line_empty = eol == pos
                pos = eol + 2
                if line_empty:
                    return bytes(out), pos
        _fill_to(recv, buf, pos + size + 2)
        out += buf[pos : pos + size]
        if buf[pos + size : pos + size + 2] != b"\r\n":
            raise ReplyError("Malformed chunked body: missing CRLF after chunk")
        pos += size + 2


def _read_to_eof(recv: Recv, buf: bytearray, max_body: int) -> bytes:
    """Read a close-delimited body."""
    while True:
        check_reply_size(len(buf), max_body)
        data = recv(RECV_SIZE)
        if not data:
            return bytes(buf)
        buf += data


def _with_crlf(head: bytes) -> bytes:
    """A response head with every bare-LF line end made CRLF (most heads have none)."""
    return head if _BARE_LF.search(head) is None else _BARE_LF.sub(b"\r\n", head)


def _fill_until(recv: Recv, buf: bytearray, marker: re.Pattern[bytes], start: int) -> re.Match[bytes]:
    """Receive until ``marker`` matches in ``buf`` at or after ``start``; return the match."""
    while True:
        found = marker.search(buf, start)
        if found is not None:
            return found
        if len(buf) - start > _MAX_HEAD:
            raise ReplyError("HTTP reply head or chunk line too long")
        data = recv(RECV_SIZE)
        if not data:
            raise Dropped("server closed the connection")
        buf += data


def _fill_to(recv: Recv, buf: bytearray, size: int) -> None:
    """Receive until ``buf`` holds at least ``size`` bytes."""
    while len(buf) < size:
        data = recv(RECV_SIZE)
        if not data:
            raise Dropped("server closed the connection mid-reply")
        buf += data

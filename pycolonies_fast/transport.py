"""HTTP(S) transport: POST signed envelopes to ``/api`` over pooled keep-alive connections.

Connections and TLS are urllib3's: an ``HTTPConnectionPool`` / ``HTTPSConnectionPool`` makes
each connection (connect timeout, certificate verification, CA bundle). Idle keep-alive
connections wait in a plain list (LIFO: the warmest first; ``list.pop``/``append`` are atomic,
so threads never share one), and a connection the server closed while it was idle is noticed
by urllib3's own zero-timeout ``wait_for_read`` before reuse. The request is one prebuilt byte string
written with ``sendall``; the reply is framed by the small HTTP/1.1 reader below, which takes
the whole reply from the first ``recv`` when it is all there. Client CPU per POST, measured
against the real server (bench/RESULTS.md): urllib3's ``urlopen`` ~260 µs,
``conn.request``/``getresponse`` ~240 µs, this path ~45 µs (a raw socket ~30 µs). That is what
keeps a whole RPC, signing and JSON included, near the 150 µs budget.

Retry rule: a request is sent again only when it cannot have reached the server (connection
refused, or the write failed on a reused connection). Calls marked idempotent may also be
repeated when the connection fails while the reply is awaited or read. Timeouts never retry.
Failures to connect raise ``ConnectError`` once ``connect_retries`` (default: ``retries``) more
attempts failed too; the client sets it to 0 and lets its failover (failover.py) decide.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import socket
import ssl
import time
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable
from typing import Any, cast

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, ProxyManager
from urllib3.connection import HTTPConnection
from urllib3.exceptions import (
    ConnectTimeoutError as Urllib3ConnectTimeoutError,
)
from urllib3.exceptions import (
    LocationValueError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util import Timeout, make_headers, parse_url
from urllib3.util.wait import wait_for_read

from .errors import ConnectError, ConnectTimeoutError, ReplyError, RequestTimeoutError, TransportError

__all__ = ["DEFAULT_CONNECT_TIMEOUT", "DEFAULT_READ_TIMEOUT", "Transport", "bracketed", "ca_locations"]

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0

_RECV_SIZE = 65536
_MAX_HEAD = 65536
_USER_AGENT = b"pycolonies_fast"
_UNSET: Any = object()  # sentinel: "use the transport's default read timeout"
_Recv = Callable[[int], bytes]


class _Dropped(Exception):
    """The server closed the connection before the reply was complete."""


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
    ) -> None:
        self.read_timeout = read_timeout
        self.retries = retries
        self.connect_retries = retries if connect_retries is None else connect_retries
        self.backoff = backoff
        self._idle: list[HTTPConnection] = []
        self._maxsize = maxsize
        self._where = f"{host}:{port}"
        timeout = Timeout(connect=connect_timeout, read=read_timeout)
        self._tunnel: tuple[str, int, dict[str, str]] | None = None  # CONNECT through a proxy: host, port, headers
        try:
            # The pool only makes connections (``_new_conn``): idle ones wait in ``self._idle``.
            port_number = int(port)
            scheme, host_header = ("https" if tls else "http"), bracketed(host) + f":{port}"
            pool_options: dict[str, Any] = {"timeout": timeout, "retries": False}
            if tls:
                cafile, capath = ca_locations(ca_bundle)
                pool_options.update(cert_reqs="CERT_REQUIRED" if verify else "CERT_NONE",
                                    assert_hostname=None if verify else False, ca_certs=cafile, ca_cert_dir=capath)
            target, proxy_lines = "/api", b""
            proxy = proxy_from_environment(scheme, host, port_number)
            if proxy is None:
                pool_class = HTTPSConnectionPool if tls else HTTPConnectionPool
                self._pool: HTTPConnectionPool | _NoServer = pool_class(host, port_number, **pool_options)
            else:  # as upstream's requests did: HTTP_PROXY/HTTPS_PROXY/ALL_PROXY unless NO_PROXY says otherwise
                proxy_headers = _proxy_auth_headers(proxy)
                self._pool = ProxyManager(proxy, proxy_headers=proxy_headers, **pool_options).connection_from_host(
                    host, port_number, scheme)
                if tls:  # a CONNECT tunnel, then TLS with the server itself
                    self._tunnel = (host, port_number, proxy_headers)
                else:  # the proxy gets the absolute URL
                    target = f"http://{host_header}/api"
                    proxy_lines = b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in proxy_headers.items())
            self._head = (
                b"POST " + target.encode("idna") + b" HTTP/1.1\r\nHost: " + host_header.encode("idna")
                + b"\r\n" + proxy_lines + b"User-Agent: " + _USER_AGENT
                + b"\r\nContent-Type: application/json\r\nAccept-Encoding: identity\r\nContent-Length: "
            )
        except (LocationValueError, TypeError, ValueError, UnicodeError) as exc:
            # As upstream: a client with an unusable address is made; each call fails, as a connection error.
            self._pool = _NoServer(f"Invalid server address {self._where!r}: {exc}")
            self._head = b""
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
        request = b"%b%d\r\n\r\n%b" % (self._head, len(body), body)
        attempt = 0
        while True:
            try:
                return self._exchange(request, read_timeout, idempotent)
            except _Retry as retry:
                if attempt >= (self.connect_retries if retry.wait else self.retries):
                    raise retry.error from retry.__cause__
                if retry.wait:
                    time.sleep(self.backoff * (2**attempt))
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
        conn, reused = self._checkout()
        stage = "connect"
        try:
            if not reused:
                if self._tunnel is not None:
                    host, port, headers = self._tunnel
                    conn.set_tunnel(host, port, headers=headers)
                conn.connect()
            sock = cast(socket.socket, conn.sock)
            if sock.gettimeout() != read_timeout:
                sock.settimeout(read_timeout)
            stage = "send"
            sock.sendall(request)
            stage = "receive"
            status, reply, keep_alive = _read_response(sock.recv, read_timeout, sock.settimeout)
        except BaseException as exc:
            conn.close()
            if not isinstance(exc, Exception):
                raise
            error = self._classify(exc, stage, reused, idempotent, read_timeout)
            if error is exc:
                raise  # already typed (the reply reader's ReplyError): its own cause stays its cause
            raise error from exc
        if keep_alive:
            self._checkin(conn)
        else:
            conn.close()
        return status, reply

    def _classify(
        self, exc: Exception, stage: str, reused: bool, idempotent: bool, read_timeout: float | None
    ) -> Exception:
        """Turn a low-level failure into a typed error, or a ``_Retry`` when retrying is safe."""
        where = self._where
        if isinstance(exc, ReplyError):
            return exc
        if isinstance(exc, NameResolutionError):
            return ConnectError(f"Cannot resolve {where}: {_reason(exc)}")
        if isinstance(exc, NewConnectionError):  # refused, unreachable: nothing was sent
            return _Retry(ConnectError(f"Failed to connect to {where}: {_reason(exc)}"), wait=True)
        if isinstance(exc, (Urllib3ConnectTimeoutError, socket.timeout)):
            if stage == "connect":
                return ConnectTimeoutError(f"Timed out connecting to {where}")
            return RequestTimeoutError(f"No reply from {where} within the read timeout ({read_timeout} s)")
        if isinstance(exc, ssl.SSLError):
            if stage == "connect":  # the handshake failed: nothing was sent, failover may move on
                return ConnectError(f"TLS failure with {where}: {exc}")
            return TransportError(f"TLS failure with {where}: {exc}")
        if isinstance(exc, (_Dropped, OSError)):
            if stage == "connect":
                return _Retry(ConnectError(f"Connection to {where} failed during connect: {exc}"), wait=True)
            error = TransportError(f"Connection to {where} failed during {stage}: {exc}")
            if (stage == "send" and reused) or idempotent:
                return _Retry(error, wait=False)
            return error
        return TransportError(f"Request to {where} failed: {exc!r}")


def ca_locations(ca_bundle: str | None) -> tuple[str | None, str | None]:
    """``(cafile, capath)`` for a CA bundle given as a file or, as requests allows, a directory."""
    if ca_bundle is not None and os.path.isdir(ca_bundle):
        return None, ca_bundle
    return ca_bundle, None


# Idle connections must not outlive a fork: parent and child would read each other's replies.
_open_transports: weakref.WeakSet[Transport] = weakref.WeakSet()


def _forget_connections_of_parent() -> None:
    for transport in list(_open_transports):
        transport._idle = []  # the sockets stay the parent's; the child connects anew


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_connections_of_parent)


def proxy_from_environment(scheme: str, host: str, port: int) -> str | None:
    """The proxy URL for ``scheme://host:port`` from the environment, as requests (upstream) chose it:
    ``<scheme>_proxy`` else ``all_proxy`` (either case), none for hosts that ``no_proxy`` lists by
    name, domain suffix or, for an IP address, network (``10.0.0.0/8``)."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or _in_no_proxy_network(host, proxies.get("no", "")):
        return None
    if urllib.request.proxy_bypass_environment(f"{host}:{port}", proxies):  # type: ignore[attr-defined]
        return None
    return proxy if "://" in proxy else "http://" + proxy


def _in_no_proxy_network(host: str, no_proxy: str) -> bool:
    """Whether ``host`` is an IP address inside one of the networks that ``no_proxy`` lists."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    for entry in no_proxy.replace(" ", "").split(","):
        if "/" in entry:
            with contextlib.suppress(ValueError):
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
    return False


def _proxy_auth_headers(proxy: str) -> dict[str, str]:
    """``Proxy-Authorization`` for a proxy URL that carries ``user:password@``."""
    auth = parse_url(proxy).auth
    return make_headers(proxy_basic_auth=urllib.parse.unquote(auth)) if auth else {}


def bracketed(host: str) -> str:
    """An IPv6 literal in brackets, as URLs and Host headers want it (anything else as it is)."""
    return f"[{host}]" if isinstance(host, str) and ":" in host and not host.startswith("[") else host


class _NoServer:
    """The pool of a transport whose address cannot be used: making a connection raises ConnectError."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def _new_conn(self) -> HTTPConnection:
        raise ConnectError(self.reason)


class _Retry(Exception):
    """Internal: the attempt failed in a way that allows another attempt."""

    def __init__(self, error: Exception, *, wait: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def _reason(exc: NewConnectionError) -> str:
    """The OS-level reason of a failed connect, without urllib3's object repr."""
    cause = exc.__cause__ or exc.__context__
    return str(cause) if cause is not None else str(exc)


def _read_response(
    recv: _Recv, timeout: float | None = None, settimeout: Callable[[float], None] | None = None
) -> tuple[int, bytes, bool]:
    """Read one HTTP/1.x response; return ``(status, body, keep_alive)``.

    Handles Content-Length, chunked and close-delimited bodies, bodiless 204/304 replies, and
    skips 1xx responses. The common case, a whole Content-Length reply in the first ``recv``,
    costs one head parse. With ``timeout`` and the socket's ``settimeout``, the whole reply must
    arrive within ``timeout`` seconds (``TimeoutError`` otherwise), however it trickles in.
    """
    started = time.monotonic()
    first = recv(_RECV_SIZE)
    end = first.find(b"\r\n\r\n")
    if end > 0:
        status, length, chunked, keep_alive = _parse_head(first[:end])
        if length is not None and len(first) == end + 4 + length and not 100 <= status < 200:
            return status, first[end + 4 :], keep_alive
    if not first:
        raise _Dropped("server closed the connection")
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
        body, pos = _read_chunked(recv, buf)
    elif length is not None:
        _fill_to(recv, buf, length)
        body, pos = bytes(buf[:length]), length
    else:
        body, pos, keep_alive = _read_to_eof(recv, buf), None, False
    if pos is not None and len(buf) > pos:
        keep_alive = False  # unexpected extra bytes: never reuse this connection
    return status, body, keep_alive


def _before_deadline(recv: _Recv, settimeout: Callable[[float], None], deadline: float) -> _Recv:
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


def _read_chunked(recv: _Recv, buf: bytearray) -> tuple[bytes, int]:
    """Decode a chunked body starting at ``buf[0]``; return the body and the end offset."""
    out = bytearray()
    pos = 0
    while True:
        eol = _fill_until(recv, buf, _CRLF, pos).start()
        size_text = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
        if _CHUNK_SIZE.fullmatch(size_text) is None:  # hex digits only: int() would take "-2", "0x3", "1_0"
            raise ReplyError(f"Malformed chunk size: {size_text[:40]!r}")
        size = int(size_text, 16)
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


def _read_to_eof(recv: _Recv, buf: bytearray) -> bytes:
    """Read a close-delimited body."""
    while True:
        data = recv(_RECV_SIZE)
        if not data:
            return bytes(buf)
        buf += data


def _with_crlf(head: bytes) -> bytes:
    """A response head with every bare-LF line end made CRLF (most heads have none)."""
    return head if _BARE_LF.search(head) is None else _BARE_LF.sub(b"\r\n", head)


def _fill_until(recv: _Recv, buf: bytearray, marker: re.Pattern[bytes], start: int) -> re.Match[bytes]:
    """Receive until ``marker`` matches in ``buf`` at or after ``start``; return the match."""
    while True:
        found = marker.search(buf, start)
        if found is not None:
            return found
        if len(buf) - start > _MAX_HEAD:
            raise ReplyError("HTTP reply head or chunk line too long")
        data = recv(_RECV_SIZE)
        if not data:
            raise _Dropped("server closed the connection")
        buf += data


def _fill_to(recv: _Recv, buf: bytearray, size: int) -> None:
    """Receive until ``buf`` holds at least ``size`` bytes."""
    while len(buf) < size:
        data = recv(_RECV_SIZE)
        if not data:
            raise _Dropped("server closed the connection mid-reply")
        buf += data

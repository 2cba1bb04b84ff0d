"""A scripted loopback HTTP stub for bad-reply and timeout tests: each request gets the next action.

Built on tests/client/rawserver.py (the same server; these actions may be callables on the socket).

Sockets use TCP_NODELAY, so small pieces are not held back by Nagle's algorithm (server-setup.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

from tests.client.rawserver import RawServer, read_request

#: An action: reply bytes, or a callable ``(conn) -> None`` that does what it likes with the socket.
Action = bytes | Callable[[socket.socket], None]


def http(body: bytes, status: int = 200, content_type: bytes = b"text/plain; charset=utf-8") -> bytes:
    """A complete Content-Length framed HTTP/1.1 response."""
    return b"HTTP/1.1 %d X\r\nContent-Type: %b\r\nContent-Length: %d\r\n\r\n%b" % (
        status, content_type, len(body), body)


def envelope(payload: Any, *, error: bool = False, payloadtype: str = "x") -> bytes:
    """A reply envelope as the server sends it, with ``payload`` JSON-encoded and base64'd."""
    data = base64.b64encode(json.dumps(payload).encode()).decode()
    return json.dumps({"payloadtype": payloadtype, "payload": data, "error": error}).encode()


def hang(conn: socket.socket) -> None:
    """Never answer (until the client gives up and closes)."""
    conn.settimeout(30)
    try:
        conn.recv(1)
    except OSError:
        pass


def partial(head_length: int, sent: bytes, then: str = "close") -> Callable[[socket.socket], None]:
    """Announce ``head_length`` body bytes, send ``sent``, then ``close`` the connection or ``hang``."""

    def act(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (head_length, sent))
        if then == "hang":
            hang(conn)

    return act


WEBSOCKET_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def ws_frame(opcode: int, payload: bytes, rsv: int = 0) -> bytes:
    """One unmasked, final server frame of under 126 bytes (``rsv``: the three reserved bits)."""
    return bytes([0x80 | rsv << 4 | opcode, len(payload)]) + payload


def websocket(
    requests: list[bytes], then: bytes | None, *, read_first: bool = False, hang_up: bool = False
) -> Callable[[socket.socket], None]:
    """Accept the websocket upgrade of the request just read (the last of ``requests``); then read
    the client's first frame and send ``then`` (and read on until the client closes, or with
    ``hang_up`` close at once, without a close frame). With None, reset the connection instead:
    at once, or after the client's first frame if ``read_first``."""

    def act(conn: socket.socket) -> None:
        head = requests[-1].split(b"\r\n")
        key = next(line.split(b":", 1)[1].strip() for line in head if line.lower().startswith(b"sec-websocket-key:"))
        accept = base64.b64encode(hashlib.sha1(key + WEBSOCKET_GUID).digest())
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        if then is not None or read_first:
            conn.recv(65536)
        if then is None:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
            return
        conn.sendall(then)
        if hang_up:
            return
        try:
            while conn.recv(65536):  # until the client closes
                pass
        except OSError:
            pass

    return act


class Stub(RawServer):
    """Serves the scripted actions in order on 127.0.0.1:<port>; after the script: hang up.

    ``requests`` holds the requests read, ``connections`` counts the connections accepted.
    """

    def __init__(self, actions: list[Action]) -> None:
        super().__init__(list(actions))

    def __enter__(self) -> Stub:
        return self

    def _serve(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(30)
        with conn:
            while (request := read_request(conn)) is not None:
                self.requests.append(request)
                if not self.actions:
                    return
                action = self.actions.pop(0)
                try:
                    if callable(action):
                        action(conn)
                        return
                    conn.sendall(action)
                except OSError:
                    return


def elapsed(fn: Callable[[], Any]) -> tuple[float, BaseException | None]:
    """Run ``fn``; return the seconds it took and what it raised (None if nothing)."""
    start = time.monotonic()
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - handed to the test
        return time.monotonic() - start, exc
    return time.monotonic() - start, None

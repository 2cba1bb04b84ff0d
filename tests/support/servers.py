"""Fake servers on loopback, for tests that need a server to misbehave in a set way.

- ``RawServer``: a scripted HTTP(S) server; each request gets the next scripted action (a reply,
  a way to break the connection, or a callable that does what it likes with the socket). The
  transport, client, proxy and failover tests and the reliability tests (bad replies, timeouts,
  broken websockets) all use it.
- ``RecordingServer``: a ``RawServer`` that keeps each request's envelope and answers every one
  with the same payload (wire checks of what a client sends).
- ``Listener``: accepts TCP connections and serves each in a thread; ``Forwarder`` (a TCP
  forwarder, optionally terminating TLS), ``TlsProxy`` (HTTPS/WSS before a plain server) and
  ``ForwardProxy`` (an HTTP proxy: absolute-form requests and CONNECT tunnels) are built on it.

Sockets use TCP_NODELAY, so small pieces are not held back by Nagle's algorithm (server-setup.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

#: What ``RawServer`` does with a request:
#: bytes = send them; list of bytes = send piece by piece; "close" = drop the connection without
#: replying; ("sleep", seconds) = wait that long, then drop the connection; ("then-close", bytes) =
#: send the bytes, then drop the connection (an idle keep-alive connection the server closed);
#: ("delay", seconds, bytes) = wait, then send the bytes; ("trickle", seconds, bytes) = send the
#: bytes one at a time, that long apart (until the client goes away); a callable ``(conn) -> None``
#: = let it do what it likes with the socket, then drop the connection.
Action = bytes | list | str | tuple | Callable[[socket.socket], None]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reply(body: bytes, status: int = 200, extra: bytes = b"", content_type: bytes = b"text/plain") -> bytes:
    """A Content-Length framed HTTP/1.1 reply (``extra``: more header lines, each ending in CRLF)."""
    head = b"HTTP/1.1 %d X\r\nContent-Type: %b\r\n%bContent-Length: %d\r\n\r\n" % (
        status, content_type, extra, len(body))
    return head + body


def http(body: bytes, status: int = 200, content_type: bytes = b"text/plain; charset=utf-8") -> bytes:
    """A complete Content-Length framed HTTP/1.1 response (the reliability tests' default type)."""
    return reply(body, status, content_type=content_type)


def envelope(payload: Any, *, error: bool = False, payloadtype: str = "x") -> bytes:
    """A reply envelope as the server sends it, with ``payload`` JSON-encoded and base64'd."""
    data = base64.b64encode(json.dumps(payload).encode()).decode()
    return json.dumps({"payloadtype": payloadtype, "payload": data, "error": error}).encode()


#: ``get_colony("dev")``'s reply: ``{"name": "dev"}``.
COLONY_REPLY = reply(b'{"payloadtype":"getcolonymsg","payload":"eyJuYW1lIjoiZGV2In0=","error":false}')


# ---- callable actions -------------------------------------------------------------------------


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


# ---- the scripted server ----------------------------------------------------------------------


class RawServer:
    """Accepts connections on 127.0.0.1:<port> (over TLS with ``tls``, a server-side context) and
    plays the scripted actions in order, one per request; after the script it hangs up.

    ``requests`` holds the requests read, ``connections`` counts the connections accepted;
    ``actions`` may be appended to while it runs. ``GET /health`` (failover's probe before it moves
    a request here) is answered apart, 200 or with ``healthy=False`` 503, and only counted in
    ``health_checks``; with ``healthy=None`` it is a request like any other, played from the script.
    """

    def __init__(
        self, actions: list[Action], tls: ssl.SSLContext | None = None, *, healthy: bool | None = True
    ) -> None:
        self.actions = list(actions)
        self.tls = tls
        self.healthy = healthy
        self.health_checks = 0
        self.requests: list[bytes] = []
        self.connections = 0
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def close(self) -> None:
        self._stop = True
        self._listener.close()

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def next_action(self, request: bytes) -> Action:
        """The action for ``request`` (just read): the next one of the script, else "close"."""
        return self.actions.pop(0) if self.actions else "close"

    def _accept_loop(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.settimeout(30)
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except OSError:  # ssl.SSLError is an OSError
                conn.close()
                return
        with conn:
            while (request := read_request(conn)) is not None:
                if self.healthy is not None and request.startswith(b"GET /health "):
                    self.health_checks += 1
                    conn.sendall(reply(b"", 200 if self.healthy else 503))
                    continue
                self.requests.append(request)
                try:
                    if not self._play(conn, self.next_action(request)):
                        return
                except OSError:
                    return  # the client gave up

    @staticmethod
    def _play(conn: socket.socket, action: Action) -> bool:
        """Carry out one action; False if the connection is to be dropped after it."""
        if callable(action):
            action(conn)
            return False
        if action == "close":
            return False
        if isinstance(action, tuple):
            if action[0] == "delay":
                time.sleep(action[1])
                conn.sendall(action[2])
                return True
            if action[0] == "trickle":
                for index in range(len(action[2])):
                    conn.sendall(action[2][index : index + 1])
                    time.sleep(action[1])
                return True
            if action[0] == "then-close":
                conn.sendall(action[1])
                return False
            time.sleep(action[1])  # ("sleep", seconds)
            return False
        for piece in action if isinstance(action, list) else [action]:
            conn.sendall(piece)
            time.sleep(0.002)
        return True


def read_request(conn: socket.socket) -> bytes | None:
    """One request (head and Content-Length body) from ``conn``; None if the client went away."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            more = conn.recv(65536)
            if not more:
                return None
            data += more
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            more = conn.recv(65536)
            if not more:
                return None
            body += more
    except OSError:
        return None
    return head + b"\r\n\r\n" + body


class RecordingServer(RawServer):
    """Answers every POST /api with ``payload`` (JSON-encoded, in an envelope of the request's
    payload type) and keeps the envelopes received, in order."""

    def __init__(self, payload: Any = None) -> None:
        self.envelopes: list[dict[str, Any]] = []
        self._payload = base64.b64encode(json.dumps(payload).encode()).decode()
        super().__init__([])

    def next_action(self, request: bytes) -> Action:
        received = json.loads(request.partition(b"\r\n\r\n")[2])
        self.envelopes.append(received)
        body = {"payloadtype": received["payloadtype"], "payload": self._payload, "error": False}
        return reply(json.dumps(body).encode())

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The decoded messages received, in order."""
        return [json.loads(base64.b64decode(e["payload"])) for e in self.envelopes]


# ---- forwarders and proxies -------------------------------------------------------------------


class Listener:
    """Accepts TCP connections on 127.0.0.1:port (``port`` 0: any free one, in ``.port``) and serves
    each in a thread of its own with ``_serve(conn)``, which subclasses write."""

    def __init__(self, port: int = 0) -> None:
        self._server = socket.create_server(("127.0.0.1", port))
        self.port: int = self._server.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._server.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        raise NotImplementedError


class Forwarder(Listener):
    """A TCP forwarder 127.0.0.1:port -> target.

    Started late, it stands in for a server coming back; with ``tls`` (a server-side context) it
    terminates TLS in front of a plain server. Each connection gets its own upstream connection.
    """

    def __init__(self, port: int, target: tuple[str, int], tls: ssl.SSLContext | None = None) -> None:
        self.target = target
        self._tls = tls
        super().__init__(port)

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self._tls is not None:
                conn.settimeout(10)
                conn = self._tls.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
            upstream = socket.create_connection(self.target)
        except OSError:  # the client refused our certificate (ssl.SSLError is an OSError), or no server
            conn.close()
            return
        for src, dst in ((conn, upstream), (upstream, conn)):
            src.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=pipe, args=(src, dst), daemon=True).start()


class TlsProxy(Forwarder):
    """HTTPS and WSS in front of a plain server: terminates TLS with the certificate ``cert`` (and
    its ``key``) and pipes the bytes to ``target``. (Colonies v1.9.12 accepts --tlscert/--tlskey but
    serves plain HTTP regardless, so TLS in front of it is the only way to test against the real server.)"""

    def __init__(self, cert: str, key: str, target: tuple[str, int]) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        super().__init__(0, target, tls=context)
        self.cert = cert


class ForwardProxy(Listener):
    """A forwarding HTTP proxy, ``HTTP_PROXY=http://127.0.0.1:<port>``: absolute-form requests and
    CONNECT tunnels. ``heads`` holds each connection's first request head; then it pipes bytes both ways."""

    def __init__(self) -> None:
        self.heads: list[bytes] = []
        super().__init__()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            more = conn.recv(65536)
            if not more:
                conn.close()
                return
            data += more
        head, _, rest = data.partition(b"\r\n\r\n")
        self.heads.append(head)
        method, target, _ = head.split(b"\r\n", 1)[0].split(b" ", 2)
        if method == b"CONNECT":
            host, port = target.rsplit(b":", 1)
            upstream = socket.create_connection((host.decode(), int(port)))
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
        else:  # absolute form: http://host:port/path, forwarded as it is
            host, _, port = target.split(b"/")[2].rpartition(b":")
            upstream = socket.create_connection((host.decode(), int(port)))
            upstream.sendall(data)
        threading.Thread(target=pipe, args=(upstream, conn), daemon=True).start()
        pipe(conn, upstream)


def pipe(src: socket.socket, dst: socket.socket) -> None:
    """Copy ``src`` to ``dst`` until either ends; then shut both down."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

"""A forwarding HTTP proxy on 127.0.0.1 for the proxy tests: absolute-form requests and CONNECT tunnels.

It records the head of the first request on each connection, then pipes bytes both ways.
"""

from __future__ import annotations

import socket
import threading

from tests.helpers import Listener, pipe


class ForwardProxy(Listener):
    """``HTTP_PROXY=http://127.0.0.1:<port>``; ``heads`` holds each connection's first request head."""

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

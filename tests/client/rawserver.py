"""A scripted loopback HTTP(S) server for transport tests: each request gets the next scripted action.

tests/reliability/stub.py builds its stub on it (other actions, same server)."""

from __future__ import annotations

import socket
import ssl
import threading
import time

#: bytes = send them; list of bytes = send piece by piece; "close" = drop the connection without
#: replying; ("sleep", seconds) = wait that long, then drop the connection; ("then-close", bytes) =
#: send the bytes, then drop the connection (an idle keep-alive connection the server closed);
#: ("delay", seconds, bytes) = wait, then send the bytes; ("trickle", seconds, bytes) = send the
#: bytes one at a time, that long apart (until the client goes away).
Action = bytes | list | str | tuple


def reply(body: bytes, status: int = 200, extra: bytes = b"") -> bytes:
    """A Content-Length framed HTTP/1.1 reply."""
    head = b"HTTP/1.1 %d X\r\nContent-Type: text/plain\r\n%bContent-Length: %d\r\n\r\n" % (status, extra, len(body))
    return head + body


class RawServer:
    """Accepts connections on 127.0.0.1 and plays the scripted actions in order."""

    def __init__(self, actions: list[Action], tls: ssl.SSLContext | None = None) -> None:
        self.actions = list(actions)
        self.tls = tls
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

    def _accept_loop(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                return
        with conn:
            while True:
                request = read_request(conn)
                if request is None:
                    return
                self.requests.append(request)
                action = self.actions.pop(0) if self.actions else "close"
                if action == "close":
                    return
                if isinstance(action, tuple) and action[0] == "delay":
                    time.sleep(action[1])
                    conn.sendall(action[2])
                    continue
                if isinstance(action, tuple) and action[0] == "trickle":
                    try:
                        for index in range(len(action[2])):
                            conn.sendall(action[2][index : index + 1])
                            time.sleep(action[1])
                    except OSError:
                        return  # the client gave up
                    continue
                if isinstance(action, tuple) and action[0] == "then-close":
                    conn.sendall(action[1])
                    return
                if isinstance(action, tuple):
                    time.sleep(action[1])
                    return
                for piece in action if isinstance(action, list) else [action]:
                    conn.sendall(piece)
                    time.sleep(0.002)


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

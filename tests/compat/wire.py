"""A stand-in server on loopback that records each request's message and answers with a fixed payload."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class RecordingServer:
    """Answers every POST /api with ``reply`` (JSON-encoded) and keeps the decoded messages."""

    def __init__(self, reply: Any = None) -> None:
        self.envelopes: list[dict[str, Any]] = []
        payload = base64.b64encode(json.dumps(reply).encode()).decode()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                envelope = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                recorder.envelopes.append(envelope)
                body = json.dumps({"payloadtype": envelope["payloadtype"], "payload": payload, "error": False})
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The decoded messages received, in order."""
        return [json.loads(base64.b64decode(e["payload"])) for e in self.envelopes]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

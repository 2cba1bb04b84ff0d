"""The DEBUG line of one RPC, written once for both clients' request paths (client/base.py, aio/base.py).

A line names the ``msgtype``, the endpoint and the time taken, and the HTTP status or the failure:
never the payload nor the key, which may carry secrets. ``RpcTrace.start`` gives a trace only when
the client's logger is enabled for DEBUG, so a client that does not log pays one level check per call.
"""

from __future__ import annotations

import logging
import time
from typing import Any

__all__ = ["RpcTrace"]


class RpcTrace:
    """One RPC's timing, for its DEBUG line; made only while DEBUG is on (``start``)."""

    __slots__ = ("log", "msgtype", "started")

    def __init__(self, log: logging.Logger, msg: dict[str, Any]) -> None:
        self.log = log
        self.msgtype = msg.get("msgtype")
        self.started = time.perf_counter()

    @classmethod
    def start(cls, log: logging.Logger, msg: dict[str, Any]) -> RpcTrace | None:
        """A trace of ``msg``'s RPC if ``log`` records DEBUG, else None."""
        return cls(log, msg) if log.isEnabledFor(logging.DEBUG) else None

    def answered(self, endpoint: str, status: int) -> None:
        """``<msgtype> to <host:port>: HTTP <status> in <ms> ms``."""
        self.log.debug("%s to %s: HTTP %d in %.1f ms", self.msgtype, endpoint, status, self._elapsed_ms())

    def failed(self, endpoint: str, error: BaseException) -> None:
        """``<msgtype> to <host:port>: failed after <ms> ms (<error>)``: no reply came from any endpoint."""
        self.log.debug("%s to %s: failed after %.1f ms (%s: %s)", self.msgtype, endpoint, self._elapsed_ms(),
                       type(error).__name__, error)

    def _elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000.0

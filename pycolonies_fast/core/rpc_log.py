"""The DEBUG line of one RPC, written once for both clients' request paths (client/base.py, aio/base.py).

A line names the ``msgtype``, the endpoint and the time taken, and the HTTP status or the failure:
never the payload nor the key, which may carry secrets. The request paths call these only when
their logger is enabled for DEBUG, so a client that does not log pays one level check per call.
"""

from __future__ import annotations

import logging
import time
from typing import Any

__all__ = ["rpc_answered", "rpc_failed"]


def rpc_answered(log: logging.Logger, msg: dict[str, Any], endpoint: str, status: int, started: float) -> None:
    """``<msgtype> to <host:port>: HTTP <status> in <ms> ms`` (``started``: ``time.perf_counter()`` before)."""
    log.debug("%s to %s: HTTP %d in %.1f ms", msg.get("msgtype"), endpoint, status,
              (time.perf_counter() - started) * 1000.0)


def rpc_failed(log: logging.Logger, msg: dict[str, Any], endpoint: str, error: BaseException, started: float) -> None:
    """``<msgtype> to <host:port>: failed after <ms> ms (<error>)``: no reply came from any endpoint."""
    log.debug("%s to %s: failed after %.1f ms (%s: %s)", msg.get("msgtype"), endpoint,
              (time.perf_counter() - started) * 1000.0, type(error).__name__, error)

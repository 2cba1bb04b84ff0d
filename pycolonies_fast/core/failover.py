"""Which server gets a request, and whether a failed attempt may be repeated (no I/O here).

A client has one or more endpoints ``(host, port)``: servers of one Colonies cluster (sharing
one database), tried in order. Requests go to the current endpoint. A failure to connect (the
request certainly never left) moves to the next endpoint at once; once a whole round over all
endpoints failed, the next round starts after ``backoff * 2**round`` seconds, and after
``retries`` such rounds the error is raised. A connection lost after the request was sent is
retried on the next endpoint only for idempotent calls: other calls never run twice. Timeouts
are raised as they are. A success makes its endpoint the current one. Before a request moves to
another endpoint, that endpoint must answer ``GET /health`` with 200 (``Do("_answers_health")``):
one that does not is passed over as if it refused the connection, and the request never reaches
a server that accepts connections but cannot serve them.

``post_elsewhere`` is this policy as steps (core/steps.py): both clients drive it with their own
transports and sleeps. It logs on ``pycolonies_fast.core.failover``: a move to another endpoint
and a new round after a backoff at WARNING, a request that then got through at INFO.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pycolonies_fast.core.connection import bracketed
from pycolonies_fast.core.rpc_log import RpcTrace
from pycolonies_fast.core.steps import Do, Sleep, Steps
from pycolonies_fast.errors import ConnectError, RequestTimeoutError, TransportError

__all__ = ["HEALTH_PROBE_TIMEOUT", "Attempts", "Failover", "endpoint_label", "post_elsewhere"]

# Seconds an endpoint has to answer GET /health before failover sends a request there.
HEALTH_PROBE_TIMEOUT = 5.0

log = logging.getLogger(__name__)


def endpoint_label(host: str, port: int | str) -> str:
    """``host:port`` as logs name an endpoint (an IPv6 host in brackets)."""
    return f"{bracketed(host)}:{port}"


class Failover:
    """The endpoints' shared state: which one is current; the retry limits.

    ``endpoints`` (``(host, port)`` pairs) only name the endpoints in logs; without them an
    endpoint is named by its number.
    """

    def __init__(
        self, count: int, retries: int = 2, backoff: float = 0.1, *, endpoints: Sequence[tuple[str, int]] = ()
    ) -> None:
        if count < 1:
            raise ValueError("at least one endpoint is needed")
        self.count = count
        self.retries = retries
        self.backoff = backoff
        self.current = 0
        self._labels = [endpoint_label(host, port) for host, port in endpoints]

    def label(self, endpoint: int) -> str:
        """How logs name endpoint number ``endpoint``: ``host:port``, else ``endpoint #n``."""
        return self._labels[endpoint] if endpoint < len(self._labels) else f"endpoint #{endpoint}"

    def attempts(self, idempotent: bool, failed_at: int) -> Attempts:
        """The plan for one request whose first attempt failed at endpoint ``failed_at``.

        Planned from where it failed, not from ``current``: another thread may have moved
        ``current`` meanwhile, and the plan must neither retry the failed endpoint first nor
        skip the one that works.
        """
        return Attempts(self, idempotent, failed_at)


class Attempts:
    """The attempts of one request: ``endpoint`` is where the next attempt goes."""

    __slots__ = ("_failover", "_idempotent", "_round", "_start", "endpoint")

    def __init__(self, failover: Failover, idempotent: bool, failed_at: int) -> None:
        self._failover = failover
        self._idempotent = idempotent
        self._round = 0
        self._start = self.endpoint = failed_at

    def retry_delay(self, error: Exception) -> float | None:
        """Seconds to wait before trying ``endpoint`` (moved on) after ``error``; None: raise it."""
        failover = self._failover
        unsent = isinstance(error, ConnectError)
        lost_read = (
            self._idempotent and failover.count > 1
            and isinstance(error, TransportError) and not isinstance(error, RequestTimeoutError)
        )
        if not (unsent or lost_read):
            return None
        self.endpoint = (self.endpoint + 1) % failover.count
        if self.endpoint != self._start:
            return 0.0
        if self._round >= failover.retries:
            return None
        self._round += 1
        return failover.backoff * 2 ** (self._round - 1)

    def succeeded(self) -> None:
        """The attempt at ``endpoint`` worked: later requests start there."""
        self._failover.current = self.endpoint


def post_elsewhere(
    failover: Failover,
    error: TransportError,
    failed_at: int,
    body: bytes,
    read_timeout: float | None,
    idempotent: bool,
    trace: RpcTrace | None = None,
) -> Steps[Any]:
    """After ``error`` at endpoint ``failed_at``: the attempts failover allows, in its order.

    Yields ``Sleep(delay)`` before each attempt and ``Do("_post_to", endpoint, body, read_timeout,
    idempotent)`` for it (sent back the reply, or its ``TransportError`` thrown in); returns the
    first reply, or raises the last error (after ``trace``'s DEBUG line of the failed RPC).
    """
    attempts = failover.attempts(idempotent, failed_at)
    failed = failed_at
    while True:
        delay = attempts.retry_delay(error)
        if delay is None:
            if trace is not None:
                trace.failed(failover.label(failed_at), error)
            raise error
        _log_retry(failover, failed, attempts.endpoint, delay, error)
        yield Sleep(delay)
        if attempts.endpoint != failed and not (yield Do("_answers_health", attempts.endpoint)):
            # A server that is down or cannot serve (a cluster member without quorum): the request
            # is never sent there, so even a call that may not run twice can move on.
            error = ConnectError(f"{failover.label(attempts.endpoint)} does not answer its health check; "
                                 f"the request was not sent there")
            failed = attempts.endpoint
            continue
        try:
            result = yield Do("_post_to", attempts.endpoint, body, read_timeout, idempotent)
        except TransportError as exc:
            error, failed = exc, attempts.endpoint
            continue
        attempts.succeeded()
        log.info("request got through at %s after a failure at %s", failover.label(attempts.endpoint),
                 failover.label(failed_at))
        return result


def _log_retry(failover: Failover, failed: int, endpoint: int, delay: float, error: Exception) -> None:
    """WARNING: where the request failed, why, and where and when it is tried next (no request data)."""
    reason = f"{type(error).__name__}: {error}"
    if delay:
        log.warning("request failed at %s (%s); every endpoint failed this round: retrying at %s in %.2f s",
                    failover.label(failed), reason, failover.label(endpoint), delay)
    else:
        log.warning("request failed at %s (%s); failing over to %s", failover.label(failed), reason,
                    failover.label(endpoint))

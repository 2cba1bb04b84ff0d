"""Which server gets a request, and whether a failed attempt may be repeated (no I/O here).

A client has one or more endpoints ``(host, port)``: servers of one Colonies cluster (sharing
one database), tried in order. Requests go to the current endpoint. A failure to connect (the
request certainly never left) moves to the next endpoint at once; once a whole round over all
endpoints failed, the next round starts after ``backoff * 2**round`` seconds, and after
``retries`` such rounds the error is raised. A connection lost after the request was sent is
retried on the next endpoint only for idempotent calls: other calls never run twice. Timeouts
are raised as they are. A success makes its endpoint the current one.

The sync and the async client drive this policy with their own transports and sleeps.
"""

from __future__ import annotations

from .errors import ConnectError, RequestTimeoutError, TransportError

__all__ = ["Attempts", "Failover"]


class Failover:
    """The endpoints' shared state: which one is current; the retry limits."""

    def __init__(self, count: int, retries: int = 2, backoff: float = 0.1) -> None:
        if count < 1:
            raise ValueError("at least one endpoint is needed")
        self.count = count
        self.retries = retries
        self.backoff = backoff
        self.current = 0

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

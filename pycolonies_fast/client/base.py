"""The blocking client's I/O: one keep-alive connection pool per endpoint, and the signed-RPC path.

``_rpc`` is the one request path of ``Colonies``; ``_drive`` runs a method's steps (core/steps.py)
with it. Settings and endpoints are ``ClientCore``'s (api/base.py); failing over to the next
endpoint follows ``core.failover.post_elsewhere``, which the asyncio client drives too.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.client.transport import Transport
from pycolonies_fast.core.codec import build_request, decode_reply
from pycolonies_fast.core.failover import HEALTH_PROBE_TIMEOUT, post_elsewhere
from pycolonies_fast.core.rpc_log import RpcTrace
from pycolonies_fast.core.steps import Blocking, BlockingSide, Call, Steps, drive, run_steps
from pycolonies_fast.errors import ColoniesConnectionError, TransportError

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

__all__ = ["ClientBase"]

R = TypeVar("R")

#: One DEBUG line per RPC (core/rpc_log.py); retries and failover log on pycolonies_fast.core.failover.
log = logging.getLogger(__name__)


class ClientBase(BlockingSide, ClientCore):
    """The blocking client core: one keep-alive connection pool per endpoint, thread-safe."""

    def _open(self) -> None:
        self._transports = [
            Transport(
                h, p, self.tls,
                connect_timeout=self.connect_timeout, read_timeout=self._read_timeout,
                ca_bundle=self.ca_bundle, verify=self.verify, retries=self._failover.retries,
                maxsize=self._pool_size, connect_retries=0, max_reply_size=self.max_reply_size,
            )
            for h, p in self.endpoints
        ]

    def _rpc(
        self, msg: dict[str, Any], prvkey: str, *, read_timeout: float | None = None, idempotent: bool = False
    ) -> Any:
        """Sign ``msg`` with ``prvkey``, POST it, and return the decoded reply payload.

        ``read_timeout`` (seconds) replaces the default read timeout for this call only.
        ``idempotent`` lets the call be repeated (here or on another endpoint) if the
        connection drops mid-reply.
        """
        body = build_request(msg, prvkey)
        if read_timeout is None:
            read_timeout = self._read_timeout
        trace = RpcTrace.start(log, msg)  # None unless DEBUG is on (then a level check is all it costs)
        current = self._failover.current
        try:  # the current endpoint first; failover is planned only once it failed
            status, reply = self._post_to(current, body, read_timeout, idempotent)
        except TransportError as exc:
            status, reply = drive(post_elsewhere(
                self._failover, exc, current, body, read_timeout, idempotent, trace), self)
        if trace is not None:
            trace.answered(self._failover.label(self._failover.current), status)
        return decode_reply(reply, status)

    def _post_to(self, endpoint: int, body: bytes, read_timeout: float | None, idempotent: bool) -> tuple[int, bytes]:
        """One POST to endpoint number ``endpoint``: ``(http_status, reply_body)``."""
        return self._transports[endpoint].post(body, read_timeout=read_timeout, idempotent=idempotent)

    def _drive(self, steps: Steps[R]) -> R:
        """Run a method's steps: each ``Call`` through ``_rpc``, each ``Blocking`` right here."""
        return run_steps(steps, self._perform)

    def _perform(self, op: Call | Blocking) -> Any:
        if isinstance(op, Call):
            hook = self._Colonies__rpc
            if getattr(hook, "__func__", None) is not ClientBase._Colonies__rpc:
                return hook(op.msg, op.prvkey)  # replaced by user code (a subclass, a test's mock), as upstream
            return self._rpc(op.msg, op.prvkey, read_timeout=op.read_timeout, idempotent=op.idempotent)
        return op.fn(*op.args)

    def _Colonies__rpc(self, msg: dict[str, Any], prvkey: str) -> Any:
        """Upstream's private RPC helper: user code calls it for extra msgtypes, and tests replace it
        to intercept calls; every method's RPC goes through a replacement, as upstream's did."""
        return self._rpc(msg, prvkey)

    def check_health(self, timeout: float = 5.0) -> bool:
        """Whether the server in use answers ``GET /health`` with 200 (connecting within the connect timeout,
        replying within ``timeout`` seconds); False, never an exception, when it is refused, unreachable or silent."""
        return self._answers_health(self._failover.current, timeout)

    def _answers_health(self, endpoint: int, timeout: float = HEALTH_PROBE_TIMEOUT) -> bool:
        """Whether endpoint number ``endpoint`` answers ``GET /health`` with 200; failover probes an
        endpoint so before it sends a request there (core/failover.py)."""
        try:
            status, _ = self._transports[endpoint].get("/health", read_timeout=timeout)
        except ColoniesConnectionError:
            return False
        return status == 200

    def close_connections(self) -> None:
        """Close the pooled keep-alive connections (``close()`` is taken: it closes a process)."""
        for transport in self._transports:
            transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_connections()



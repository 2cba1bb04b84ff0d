"""The asyncio client core: the async request path and the driver of the shared method steps.

Everything else (constructor, attributes, endpoints, failover state) is ``ClientCore``'s, and
every API method is the same ``Steps`` generator the blocking client runs (core/steps.py).
Signing runs inline on the event loop: it costs less than handing it to a thread would
(bench/RESULTS.md, "Async runner").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pycolonies_fast.aio.transport import AsyncTransport
from pycolonies_fast.api.base import ClientCore
from pycolonies_fast.core.codec import build_request, decode_reply
from pycolonies_fast.core.failover import HEALTH_PROBE_TIMEOUT, post_elsewhere
from pycolonies_fast.core.rpc_log import RpcTrace
from pycolonies_fast.core.steps import AsyncSide, Blocking, Call, Steps, adrive, arun_steps
from pycolonies_fast.errors import ColoniesConnectionError, TransportError

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self needs Python 3.11

__all__ = ["AsyncClientBase"]

R = TypeVar("R")

#: One DEBUG line per RPC (core/rpc_log.py); retries and failover log on pycolonies_fast.core.failover.
log = logging.getLogger(__name__)


class AsyncClientBase(AsyncSide, ClientCore):
    """The asyncio client core: keep-alive connection pools for all endpoints, used in one event loop.

    Close it with ``await client.close_connections()`` or ``async with``.
    """

    def _open(self) -> None:
        self._transport = AsyncTransport(
            self.endpoints, self.tls, connect_timeout=self.connect_timeout,
            ca_bundle=self.ca_bundle, verify=self.verify, pool_size=self._pool_size, retries=self._failover.retries,
            max_reply_size=self.max_reply_size,
        )

    async def _rpc(
        self, msg: dict[str, Any], prvkey: str, *, read_timeout: float | None = None, idempotent: bool = False
    ) -> Any:
        """Sign ``msg`` with ``prvkey``, POST it, and return the decoded reply payload (see ClientBase._rpc)."""
        body = build_request(msg, prvkey)
        if read_timeout is None:
            read_timeout = self._read_timeout
        trace = RpcTrace.start(log, msg)  # None unless DEBUG is on (then a level check is all it costs)
        current = self._failover.current
        try:  # the current endpoint first; failover is planned only once it failed
            status, reply = await self._post_to(current, body, read_timeout, idempotent)
        except TransportError as exc:
            status, reply = await adrive(post_elsewhere(
                self._failover, exc, current, body, read_timeout, idempotent, trace), self)
        if trace is not None:
            trace.answered(self._failover.label(self._failover.current), status)
        return decode_reply(reply, status)

    async def _post_to(
        self, endpoint: int, body: bytes, read_timeout: float | None, idempotent: bool
    ) -> tuple[int, bytes]:
        """One POST to endpoint number ``endpoint``: ``(http_status, reply_body)``."""
        return await self._transport.post(endpoint, body, read_timeout, idempotent)

    def _call(self, call: Call) -> Awaitable[Any]:
        """One ``Call`` through ``_rpc`` (its coroutine itself, not a coroutine around it: one frame less per RPC)."""
        return self._rpc(call.msg, call.prvkey, read_timeout=call.read_timeout, idempotent=call.idempotent)

    async def _drive(self, steps: Steps[R]) -> R:
        """Run a method's steps: each ``Call`` through ``_rpc``, each ``Blocking`` in a worker thread."""
        return await arun_steps(steps, self._perform)

    def _perform(self, op: Call | Blocking) -> Awaitable[Any]:
        """The awaitable of one op (not a coroutine around it: one frame less per RPC)."""
        if isinstance(op, Call):
            hook = self._Colonies__rpc
            if getattr(hook, "__func__", None) is not AsyncClientBase._Colonies__rpc:
                return cast("Awaitable[Any]", hook(op.msg, op.prvkey))  # replaced by user code (a subclass, a mock)
            return self._call(op)
        return asyncio.to_thread(op.fn, *op.args)

    async def _Colonies__rpc(self, msg: dict[str, Any], prvkey: str) -> Any:
        """Upstream's private RPC helper name, as a coroutine; a replacement sees every method's RPC."""
        return await self._rpc(msg, prvkey)

    async def check_health(self, timeout: float = 5.0) -> bool:
        """Whether the server in use answers ``GET /health`` with 200 (connecting within the connect timeout,
        replying within ``timeout`` seconds); False, never an exception, when it is refused, unreachable or silent."""
        return await self._answers_health(self._failover.current, timeout)

    async def _answers_health(self, endpoint: int, timeout: float = HEALTH_PROBE_TIMEOUT) -> bool:
        """Whether endpoint number ``endpoint`` answers ``GET /health`` with 200; failover probes an
        endpoint so before it sends a request there (core/failover.py)."""
        try:
            status, _ = await self._transport.get(endpoint, "/health", timeout)
        except ColoniesConnectionError:
            return False
        return status == 200

    async def close_connections(self) -> None:
        """Close the pooled connections (a later call opens new ones)."""
        await self._transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close_connections()


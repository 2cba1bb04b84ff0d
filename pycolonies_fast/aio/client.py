"""``AsyncColonies``: the asyncio client, composed of the same area mixins as ``Colonies``."""

from __future__ import annotations

from ..client.areas import ApiAreas
from ..client.upstream_private import UpstreamPrivateMixin
from .base import AsyncClientBase
from .websocket import AsyncWebsocketMixin

__all__ = ["AsyncColonies"]


class AsyncColonies(ApiAreas, AsyncWebsocketMixin, UpstreamPrivateMixin, AsyncClientBase):
    """Asyncio client of a Colonies server: ``AsyncColonies(host, port, tls=False, native_crypto=False)``.

    The methods of ``Colonies`` with the same signatures, as coroutines (``await client.assign(...)``),
    plus ``subscribe_channel_iter``; all but ``subscribe_processes`` (blocking client only).
    Use it inside one event loop, ideally as ``async with``. Needs aiohttp: ``pip install pycolonies-fast[async]``.

    Areas: the RPC methods of ``ApiAreas`` (client/areas.py, shared with ``Colonies``), the websocket
    methods ``wait``, ``subscribe_channel`` and ``subscribe_channel_iter`` (aio/websocket.py),
    upstream's private helpers (client/upstream_private.py), and asyncio I/O from ``AsyncClientBase``.
    """

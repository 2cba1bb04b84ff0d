"""``AsyncColonies``: the asyncio client, composed of the same area mixins as ``Colonies``."""

from __future__ import annotations

from pycolonies_fast.aio.base import AsyncClientBase
from pycolonies_fast.aio.websocket import AsyncWebsocketMixin
from pycolonies_fast.api import ApiAreas

__all__ = ["AsyncColonies"]


class AsyncColonies(ApiAreas, AsyncWebsocketMixin, AsyncClientBase):
    """Asyncio client of a Colonies server: ``AsyncColonies(host, port, tls=False, native_crypto=False)``.

    The methods of ``Colonies`` with the same signatures, as coroutines (``await client.assign(...)``),
    plus ``subscribe_channel_iter``.
    Use it inside one event loop, ideally as ``async with``. Needs aiohttp: ``pip install pycolonies-fast[async]``.

    Made of: the RPC methods of ``ApiAreas`` (api/, shared with ``Colonies``), the websocket
    methods ``wait``, ``subscribe_channel``, ``subscribe_channel_iter`` and ``subscribe_processes``
    (aio/websocket.py),
    and the asyncio I/O of ``AsyncClientBase`` (aio/base.py).
    """

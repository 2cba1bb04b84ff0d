"""The asyncio side of pycolonies_fast: ``AsyncColonies`` and the ``AsyncExecutor`` runner (needs aiohttp)."""

from __future__ import annotations

from .client import AsyncColonies

__all__ = ["AsyncColonies"]

"""The asyncio side of pycolonies_fast: ``AsyncColonies`` and the ``AsyncExecutor`` runner (needs aiohttp)."""

from __future__ import annotations

try:
    import aiohttp  # noqa: F401 - only to name the extra that installs it
except ModuleNotFoundError as missing:
    raise ModuleNotFoundError("pycolonies_fast.aio needs aiohttp: pip install 'pycolonies-fast[async]'",
                              name=missing.name) from missing

from pycolonies_fast.aio.client import AsyncColonies  # noqa: E402 - after the check above

__all__ = ["AsyncColonies"]

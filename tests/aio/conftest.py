"""Fixtures for the asyncio tests: those of tests/conftest.py (keys, a blocking client for setup,
colonies and executors of their own) plus ``run`` and ``aclient`` for writing a test body as a coroutine.

Tests are plain functions that call ``run(coroutine)`` (``asyncio.run``), so no asyncio plugin
is needed. tests/client (no __init__.py) is put on sys.path for its ``rawserver`` and ``test_signatures``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pycolonies_fast.aio import AsyncColonies

CLIENT_TESTS = Path(__file__).resolve().parents[1] / "client"
if str(CLIENT_TESTS) not in sys.path:
    sys.path.insert(0, str(CLIENT_TESTS))  # rawserver, test_signatures

T = TypeVar("T")


@pytest.fixture
def run() -> Callable[[Coroutine[Any, Any, T]], T]:
    """``run(coro)``: run one coroutine to completion in a fresh event loop."""
    return asyncio.run


@pytest.fixture
def aclient(dev_server: dict[str, str]) -> Callable[..., AsyncColonies]:
    """Factory of ``AsyncColonies`` for the dev server (create it inside the test's coroutine)."""

    def make(**options: Any) -> AsyncColonies:
        return AsyncColonies(dev_server["COLONIES_SERVER_HOST"], int(dev_server["COLONIES_SERVER_PORT"]), **options)

    return make
